"""Prometheus metrics, one registry per app (no global state, so tests can run many apps)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector


class Counts(Collector):
    """A labelled counter kept as plain integers and read when /metrics is scraped: `/go`
    adds one per request, and prometheus_client's counters take a lock on every `inc`."""

    def __init__(self, name: str, documentation: str, label: str, values: list[str]) -> None:
        self.name = name
        self.documentation = documentation
        self.label = label
        self.counts = dict.fromkeys(values, 0)

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self.name, self.documentation, labels=[self.label])
        for value, count in self.counts.items():
            family.add_metric([value], count)
        yield family

    describe = collect


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        redirects = Counts(
            "rota_redirects",
            "/go redirects answered",
            "target",
            ["room", "keynote", "page", "unknown"],
        )
        self.registry.register(redirects)
        self.redirect_counts = redirects.counts  # the hot path adds to these
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
