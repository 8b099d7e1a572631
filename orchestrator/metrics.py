"""Prometheus metrics, one registry per app (no global state, so tests can run many apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.redirects = Counter(
            "rota_redirects_total", "/go redirects answered", ["target"], registry=self.registry
        )
        # bound once: labels() takes a lock and a lookup on every call
        self.to_room = self.redirects.labels(target="room")
        self.to_keynote = self.redirects.labels(target="keynote")
        self.to_page = self.redirects.labels(target="page")
        self.to_unknown = self.redirects.labels(target="unknown")
        self.sse_clients = Gauge(
            "rota_sse_clients", "open server-sent event streams", registry=self.registry
        )
        self.transitions = Counter(
            "rota_transitions_total",
            "boundaries handled by this process",
            ["kind", "status"],
            registry=self.registry,
        )
        self.webhooks = Counter(
            "rota_webhooks_total", "inbound webhooks", ["source", "outcome"], registry=self.registry
        )
        self.webhooks_stored = self.webhooks.labels(source="jaas", outcome="stored")
        self.webhooks_duplicate = self.webhooks.labels(source="jaas", outcome="duplicate")
        self.outbox_depth = Gauge(
            "rota_outbox_depth", "notifications waiting in the outbox", registry=self.registry
        )
        self.leader = Gauge(
            "rota_leader", "1 while this process holds the leader lease", registry=self.registry
        )
        self.clicks_pending = Gauge(
            "rota_clicks_pending", "/go clicks not yet in Redis", registry=self.registry
        )
