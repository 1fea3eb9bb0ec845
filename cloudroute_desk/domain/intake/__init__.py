"""What arrives in an import file: reading the file, parsing each field, the row schemas of
inquiries and partners, and the report of what happened to every row."""
