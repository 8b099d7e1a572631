"""Every aiohttp AppKey in one place."""

from __future__ import annotations

import jinja2
from aiohttp import web

from .boardhub import BoardHub
from .clicks import ClickRecorder
from .conductor import Conductor
from .hub import Hub
from .intake import Intake
from .listener import Listener
from .metrics import Metrics
from .notifier import Notifier
from .service import Service
from .settings import Settings
from .store import Store

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
