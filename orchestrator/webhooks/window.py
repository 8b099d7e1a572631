"""The times a room event may carry: anywhere in the event's span (widened by a day: rooms
are tried the day before), or near the moment it was received. The webhook handlers refuse
an event outside it before the 2xx; the reports apply the same window to what was stored, so
an event either counts everywhere or nowhere."""

from __future__ import annotations

from orchestrator.event.live import Live
from orchestrator.storage.store import DEDUPE_SECONDS
from rooms.events import TimeWindow

SPAN_MARGIN = 24 * 3600.0  # seconds around the event's span: rooms tried the day before
CLOCK_SKEW = 300.0  # seconds a webhook's time may lie after its receipt


def event_span(live: Live) -> tuple[float, float]:
    """The event's first start and last end (wall clock, Unix seconds), widened by a day."""
    starts, ends = live.wall_span
    return (starts - SPAN_MARGIN, ends + SPAN_MARGIN)


def receipt_window(span: tuple[float, float], received: float) -> TimeWindow:
    """`span`, or up to the longest redelivery we deduplicate before the receipt and a
    little clock skew after it."""
    return TimeWindow(span, (received - DEDUPE_SECONDS, received + CLOCK_SKEW))


def time_window(live: Live, received: float) -> TimeWindow:
    """Wall-clock times a room event received at `received` may carry."""
    return receipt_window(event_span(live), received)
