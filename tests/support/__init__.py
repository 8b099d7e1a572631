"""What the tests share, so no test module imports another: programme and event builders,
the rehearsal clock, app and process start, and the stand-ins for what a test cannot reach
(an SMTP inbox, webhook receivers, Jitsi and BigBlueButton, Chromium)."""
