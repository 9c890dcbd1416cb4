"""Incoming e-mail: a mailbox read over IMAP (or another `source.MailSource`), each
message stored as it came before anything reads it, then made a ticket, a message on
the ticket it answers, a note that one of our mails bounced — or put in quarantine.

`fetch.run_pass` is one pass (the job ``mail.fetch`` and ``flask mail fetch``):
every unseen message, in batches; the message is flagged (or moved) on the server
only after what it became is committed. A message is stored once: its Message-ID
and content hash are unique together (`models.InboundMail`), so two fetchers, a
crash between the commit and the flag, or the same mail in two mailboxes give one
ticket. `services.process` decides what a stored message becomes.
"""
