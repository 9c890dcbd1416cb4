"""Mail to citizens about their questions: the receipt, every public reply and the
closing answer, queued in the outbox with the change that caused them."""
