"""Persistence: ORM tables, engine set-up, schema migrations and every SQL query."""
