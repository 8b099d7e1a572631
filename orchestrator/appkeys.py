"""Every aiohttp AppKey in one place."""

from __future__ import annotations

import jinja2
from aiohttp import web

from orchestrator.boundaries.clicks import ClickRecorder
from orchestrator.boundaries.transitions import BoundaryScheduler
from orchestrator.event.meetings import Meetings
from orchestrator.event.service import Service
from orchestrator.mail.worker import MailWorker
from orchestrator.metrics import Metrics
from orchestrator.notify.notifier import Notifier
from orchestrator.settings import Settings
from orchestrator.storage.store import Store
from orchestrator.streams.board_stream import BoardStreams
from orchestrator.streams.page_streams import PageStreams
from orchestrator.streams.pubsub import ChannelSync
from orchestrator.webhooks.intake import Intake

SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
STORE = web.AppKey("store", Store)
SERVICE = web.AppKey("service", Service)
PAGE_STREAMS = web.AppKey("page_streams", PageStreams)
NOTIFIER = web.AppKey("notifier", Notifier)
BOARD_STREAMS = web.AppKey("board_streams", BoardStreams)
INTAKE = web.AppKey("intake", Intake)
CLICKS = web.AppKey("clicks", ClickRecorder)
BOUNDARIES = web.AppKey("boundaries", BoundaryScheduler)
CHANNEL_SYNC = web.AppKey("channel_sync", ChannelSync)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
MAIL = web.AppKey("mail", MailWorker)  # only when the programme has a [mail] section
MEETINGS = web.AppKey("meetings", Meetings)  # only when the programme has a [bbb] section
