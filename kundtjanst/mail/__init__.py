"""Outgoing e-mail through a durable outbox.

Every message is a row of `models.OutgoingMail`, written in the same transaction as
the change that caused it (`services.queue`), with its own Message-ID kept on the row.
`services.deliver` sends rows over SMTP (`smtp`), one claim per row, so two senders
never send the same one; a temporary failure (a 4xx answer, a server that cannot be
reached) is retried with a growing pause for `MAIL_RETRY_HOURS`, then the row is
marked failed; a permanent one (5xx) fails at once. The job ``mail.send`` (`jobs`)
and ``flask mail send`` (`cli`) make one delivery pass.
"""
