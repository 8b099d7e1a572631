"""E-mail to participants: invitations with their personal link, reminders before their first
item, and a short note when their agenda changes. Composed with the standard `email` package,
sent with aiosmtplib, each message recorded once in Redis and in the audit stream."""
