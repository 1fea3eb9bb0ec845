"""Pure business rules: no Qt, no SQL. Everything else builds on this package."""
