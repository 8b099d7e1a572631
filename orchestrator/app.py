"""The aiohttp application: `create_app(settings)` runs the real start-up and clean-up, in
tests as in production. One cleanup context per resource; they exit in reverse order, so the
embedded Redis (set up first) is stopped last."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import jinja2
from aiohttp import web
from markupsafe import Markup

from orchestrator.api import notify_api as notify
from orchestrator.api import organiser_api as api
from orchestrator.appkeys import (
    BOARD_STREAMS,
    BOUNDARIES,
    CHANNEL_SYNC,
    CLICKS,
    INTAKE,
    MAIL,
    MEETINGS,
    METRICS,
    NOTIFIER,
    PAGE_STREAMS,
    SERVICE,
    SETTINGS,
    STORE,
    TEMPLATES,
)
from orchestrator.boundaries.clicks import ClickRecorder
from orchestrator.boundaries.go_answers import AnswersAhead
from orchestrator.boundaries.transitions import BoundaryScheduler
from orchestrator.edge.guard import guard_routes, harden
from orchestrator.event.meetings import MeetingPoller, Meetings
from orchestrator.event.service import Service
from orchestrator.mail.config import mail_config
from orchestrator.mail.worker import MailWorker
from orchestrator.metrics import Metrics
from orchestrator.notify.notifier import Notifier
from orchestrator.notify.ssrf import PinnedTransport
from orchestrator.notify.subscribers import programme_subscribers
from orchestrator.presence.room_feed import RoomFeed
from orchestrator.privacy.purge import Purger
from orchestrator.rehearsal.simulated_presence import SimulatedPresence
from orchestrator.reports import board_report
from orchestrator.settings import Settings
from orchestrator.setup import setup_routes
from orchestrator.storage.keys import Keys
from orchestrator.storage.redis_server import EmbeddedRedis
from orchestrator.storage.store import Store, redis_client
from orchestrator.streams.board_stream import BoardStreams
from orchestrator.streams.page_streams import PageStreams
from orchestrator.streams.pubsub import ChannelSync
from orchestrator.tasks import cancel_all, supervised
from orchestrator.web import board, checkin, go, ops, participant, scores
from orchestrator.web import results_page as results
from orchestrator.webhooks import inbound as webhooks
from orchestrator.webhooks.intake import Intake
from schedules.model import Programme
from schedules.programme import load_programme
from schedules.roster_view import strict_csv
from schedules.text import visible

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
PROGRAMME = web.AppKey("programme", Programme)
HTTP = web.AppKey("http", httpx.AsyncClient)  # to subscribers: guarded against SSRF
Cleanup = Callable[[web.Application], AsyncIterator[None]]
PLATFORM_HTTP = web.AppKey("platform_http", httpx.AsyncClient)  # to the configured BBB


def redis_for(event: Callable[[web.Application], str]) -> Cleanup:
    """The store's cleanup context: the configured Redis, or the embedded one under the data
    folder; keys in the namespace of `event(app)` (the setup without a programme has its own)."""

    async def _redis(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        embedded: EmbeddedRedis | None = None
        url = settings.redis_url
        if not url:
            embedded = EmbeddedRedis(settings.data_dir)
            await embedded.start()
            url = embedded.url
        client = redis_client(url)
        app[STORE] = Store(client, Keys(event(app)))
        try:
            yield
        finally:
            await client.aclose()
            if embedded is not None:
                await embedded.stop()

    return _redis


def _visible(value: object) -> object:
    """What a template prints, without invisible reordering characters; markup Rota made
    itself (Markup, e.g. a QR code's SVG) stays markup."""
    return value if isinstance(value, Markup) else visible(value)


async def _http(app: web.Application) -> AsyncIterator[None]:
    """Two clients with explicit timeouts, redirects never followed: one for the subscribers'
    URLs (anyone may add one through the API), each request sent to the address the SSRF
    check passed (notify/ssrf.py); one for the video platform the operator configured,
    which may rightly live on the university's own network."""
    settings = app[SETTINGS]
    timeout = httpx.Timeout(settings.notify_timeout, connect=min(5.0, settings.notify_timeout))
    transport = PinnedTransport(
        settings.notify_allow_private,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
    )
    async with (
        httpx.AsyncClient(timeout=timeout, follow_redirects=False, transport=transport) as client,
        httpx.AsyncClient(timeout=timeout, follow_redirects=False) as platform,
    ):
        app[HTTP] = client
        app[PLATFORM_HTTP] = platform
        yield


async def _service(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    programme = app[PROGRAMME]
    service = Service(settings, programme, app[STORE])
    source = programme.source or settings.programme
    # The roster as read, in Rota's strict CSV, not the file's bytes: a workbook is compressed
    # and a list in the organiser's words has no id column, so neither could be searched or
    # have a person's row taken out when they are erased (storage/erasure.py).
    roster = strict_csv(programme.participants).encode() if programme.roster else b""
    await service.start(source.read_bytes(), roster)
    app[SERVICE] = service
    yield


async def _background(app: web.Application) -> AsyncIterator[None]:
    metrics = app[METRICS]
    service = app[SERVICE]
    store = app[STORE]
    settings = app[SETTINGS]
    room_feed = RoomFeed(service, store)
    # BigBlueButton reports presence itself: the leader asks it (orchestrator/event/meetings.py)
    feed = settings.feed_configured or service.bbb is not None
    page_streams = PageStreams(service, metrics, room_feed, feed)
    board = app[BOARD_STREAMS] = BoardStreams(
        service, room_feed, metrics, feed, settings.feed_silence_seconds
    )
    clicks = ClickRecorder(store, metrics)
    boundaries = BoundaryScheduler(service, store, metrics)
    channel_sync = ChannelSync(service, store, boundaries, page_streams, board)
    app[PAGE_STREAMS], app[CLICKS], app[BOUNDARIES], app[CHANNEL_SYNC] = (
        page_streams,
        clicks,
        boundaries,
        channel_sync,
    )
    intake = app[INTAKE] = Intake(store)
    notifier = app[NOTIFIER] = Notifier(service, store, settings, app[HTTP])
    await notifier.sync_programme(
        programme_subscribers(
            app[PROGRAMME].sections.get("notify"), settings.environ, settings.notify_allow_private
        )
    )
    notifier.on_dead_count.append(lambda n: setattr(board, "delivery_failures", n))
    service.on_agenda_changed.append(notifier.agenda_changed)
    mail = mail_config(app[PROGRAMME], settings.environ)
    mailer: MailWorker | None = None
    if mail is not None:
        mailer = app[MAIL] = MailWorker(
            service, store, mail, settings.mail_backoff_scale, settings.mail_in_rehearsal
        )
        boundaries.armers.append(mailer.arm_reminders)
        service.on_agenda_changed.append(mailer.agenda_changed)
    boundaries.armers.append(Purger(service, store, lambda: boundaries.leader).arm)
    boundaries.start()

    def refresh_both() -> None:
        page_streams.refresh()
        board.refresh()

    loops = {
        "page_streams": page_streams.run,
        "clicks": clicks.run,
        "channel_sync": channel_sync.run,
        "boundaries": boundaries.run,
        "answers_ahead": AnswersAhead(service).run,
        "intake": intake.run,
        "board": board.run,
        "notifier": notifier.run,
        "room_feed": lambda: room_feed.run(on_change=refresh_both),
    }
    if service.bbb is not None:
        meetings = app[MEETINGS] = board.meetings = Meetings(service.bbb, app[PLATFORM_HTTP])
        meetings.on_problem.append(board.refresh)
        meeting_poller = MeetingPoller(
            service.require_live,
            meetings,
            intake.store_event,
            lambda: boundaries.leader,
            settings.bbb_poll_seconds,
        )
        loops["bbb"] = meeting_poller.run
    if settings.simulate_presence:
        secret = settings.jaas_webhook_secret.reveal()
        simulated = SimulatedPresence(service, settings.base_url, secret, settings.seed)
        loops["simulator"] = simulated.run
    if mailer is not None:
        loops["mail"] = mailer.run
    tasks = [asyncio.create_task(supervised(name, run), name=name) for name, run in loops.items()]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(channel_sync.connected.wait(), 5)
    try:
        yield
    finally:
        await cancel_all(tasks)
        await notifier.stop()
        if mailer is not None:
            await mailer.stop()
        intake.fail_pending()
        await boundaries.stop()
        await clicks.flush()


async def _close_streams(app: web.Application) -> None:
    if PAGE_STREAMS in app:
        app[PAGE_STREAMS].close_all()
    if BOARD_STREAMS in app:
        app[BOARD_STREAMS].close_all()


def templates() -> jinja2.Environment:
    """Pages from orchestrator/templates/, what people typed always escaped."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("orchestrator", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_visible,  # no bidirectional override turns a name around (schedules/text.py)
    )


def create_app(settings: Settings, programme: Programme | None = None) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[SETTINGS] = settings
    app[PROGRAMME] = programme or load_programme(settings.programme, settings.environ)
    app[METRICS] = Metrics()
    app[TEMPLATES] = templates()
    app.cleanup_ctx.extend(
        [redis_for(lambda a: a[PROGRAMME].event.id), _http, _service, _background]
    )
    app.on_shutdown.append(_close_streams)
    harden(app)
    app.add_routes(
        guard_routes(
            [
                web.get("/go/{token}", go.go),
                web.get("/left", participant.left),
                web.get("/p/{token}", participant.page),
                web.get("/p/{token}/events", participant.events),
                web.get("/p/{token}/agenda.ics", participant.calendar),
                web.post("/p/{token}/here", participant.here),
                web.get("/p/{token}/privacy", participant.privacy),
                web.get("/healthz", ops.healthz),
                web.get("/metrics", ops.metrics),
                *api.routes(),
                *webhooks.routes(),
                *board.routes(),
                *checkin.routes(),
                *notify.routes(),
                *scores.routes(),
                *results.routes(),
                *setup_routes.routes(),
                *board_report.routes(),
                web.static("/static", STATIC),
            ]
        )
    )
    return app
