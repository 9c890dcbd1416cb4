"""Administrator settings kept in the database (targets, windows), each defined once
with its default and bounds (`services`)."""
