"""The deterministic demo data set: partners, inquiries and their whole ACE history, written
through the bulk loader. Sits above the services and the database it writes through."""
