"""`rota`: check, plan and export a programme; serve an event; run a rehearsal; reports from
a stored event. Each command lives in the module named for what it works on; importing them
here registers them on the command group."""

from orchestrator.cli import board_sessions, check_and_plan, invite, serve, stored
from orchestrator.cli.common import main

__all__ = ["board_sessions", "check_and_plan", "invite", "main", "serve", "stored"]
