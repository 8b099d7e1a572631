"""Every aiohttp AppKey in one place."""

from __future__ import annotations

import jinja2
from aiohttp import web

from orchestrator.clicks import ClickRecorder
from orchestrator.mail.worker import MailWorker
from orchestrator.meetings import Meetings
from orchestrator.metrics import Metrics
from orchestrator.notify.notifier import Notifier
from orchestrator.presence.intake import Intake
from orchestrator.service import Service
from orchestrator.settings import Settings
from orchestrator.storage.store import Store
from orchestrator.streams.board import BoardHub
from orchestrator.streams.pages import Hub
from orchestrator.streams.pubsub import Listener
from orchestrator.transitions import Conductor

SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
STORE = web.AppKey("store", Store)
SERVICE = web.AppKey("service", Service)
HUB = web.AppKey("hub", Hub)
NOTIFIER = web.AppKey("notifier", Notifier)
BOARD = web.AppKey("board", BoardHub)
INTAKE = web.AppKey("intake", Intake)
CLICKS = web.AppKey("clicks", ClickRecorder)
CONDUCTOR = web.AppKey("conductor", Conductor)
LISTENER = web.AppKey("listener", Listener)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
MAIL = web.AppKey("mail", MailWorker)  # only when the programme has a [mail] section
MEETINGS = web.AppKey("meetings", Meetings)  # only when the programme has a [bbb] section
