"""Which asyncio event loop `rota serve` runs on: uvloop on Linux when it is installed (it
answers `/go` faster, see docs/benchmarks.md), else the standard one."""

from __future__ import annotations

import asyncio
import sys

from orchestrator.errors import SetupError

CHOICES = ("auto", "uvloop", "asyncio")


class LoopUnavailable(SetupError):
    """--loop uvloop where uvloop cannot run."""


def new_event_loop(choice: str = "auto") -> tuple[asyncio.AbstractEventLoop, str]:
    """A fresh loop and the name of what it is; `uvloop` asked for explicitly must exist."""
    if choice != "asyncio" and sys.platform.startswith("linux"):
        try:
            import uvloop
        except ImportError:
            if choice == "uvloop":
                raise LoopUnavailable("uvloop is not installed (pip install uvloop)") from None
        else:
            return uvloop.new_event_loop(), "uvloop"
    elif choice == "uvloop":
        raise LoopUnavailable("uvloop is used on Linux only")
    return asyncio.new_event_loop(), "asyncio"
