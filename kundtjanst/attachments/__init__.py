"""Files attached to tickets, from the public form and from e-mail: what they are
(read from their bytes), where their bytes live (a file store outside the rows), who
may download them (whoever may read the ticket, and the citizen through the status
link), and their end with the rest of a ticket's personal data (retention)."""
