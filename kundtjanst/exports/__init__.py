"""Exports produced in the background: a request (`Export`) records what was asked
for and answers at once; the job `exports.produce` writes the file as the requester,
into the database in chunks, where it is kept for a while and then deleted."""
