"""`rota`: check, plan and export a programme; serve an event; run a rehearsal; reports from
a stored event. Each command lives in the module named for what it works on."""

from orchestrator.cli import mail, programme, serve, sessions, stored
from orchestrator.cli.common import main

__all__ = ["mail", "main", "programme", "serve", "sessions", "stored"]
