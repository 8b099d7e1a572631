"""Every Redis key Rota uses, in one place, namespaced per event: `rota:{event}:…`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    event: str

    @property
    def prefix(self) -> str:
        return f"rota:{self.event}:"

    def _k(self, name: str) -> str:
        return self.prefix + name

    @property
    def programme(self) -> str:  # hash: digest, toml, roster
        return self._k("programme")

    @property
    def plan_current(self) -> str:  # the current plan version (int)
        return self._k("plan:current")

    def plan(self, version: int) -> str:  # the plan's JSON at that version
        return self._k(f"plan:{version}")

    @property
    def tokens(self) -> str:  # hash: participant id -> personal token
        return self._k("tokens")

    @property
    def token_owner(self) -> str:  # hash: token -> participant id
        return self._k("token-owner")

    @property
    def revoked(self) -> str:  # set of revoked tokens
        return self._k("revoked")

    @property
    def clock(self) -> str:  # the clock state's JSON
        return self._k("clock")

    @property
    def fired(self) -> str:  # hash: boundary id -> JSON {status, at, by, fence}
        return self._k("fired")

    @property
    def state(self) -> str:  # hash: the last transition, phase, round
        return self._k("state")

    @property
    def audit(self) -> str:  # stream: moves, clicks, organiser actions
        return self._k("audit")

    @property
    def outbox(self) -> str:  # stream: outbound notifications, read by the delivery worker
        return self._k("outbox")

    @property
    def broadcasts(self) -> str:  # stream: organiser broadcasts
        return self._k("broadcasts")

    @property
    def leader(self) -> str:  # the leader lease: "instance:fence", with a TTL
        return self._k("leader")

    @property
    def fence(self) -> str:  # fencing counter, incremented on every new lease
        return self._k("fence")

    @property
    def channel(self) -> str:  # pub/sub: plan, clock, token changes; transitions; broadcasts
        return self._k("events")

    def heartbeat(self, instance: str) -> str:
        return self._k(f"heartbeat:{instance}")

    @property
    def room_events(self) -> str:  # stream: normalised Jitsi room events, stored before 2xx
        return self._k("room-events")

    def webhook_seen(self, key: str) -> str:  # set for 3 days: the webhook's dedupe key
        return self._k(f"webhook-seen:{key}")

    @property
    def notify_subscribers(self) -> str:  # hash: subscriber id -> JSON
        return self._k("notify:subscribers")

    def notify_queue(self, queue: str) -> str:  # list of job ids, delivered in order
        return self._k(f"notify:queue:{queue}")

    def notify_job(self, job: str) -> str:  # one delivery's JSON (event, attempts, status)
        return self._k(f"notify:job:{job}")

    @property
    def notify_due(self) -> str:  # zset: queue -> when its head should be tried
        return self._k("notify:due")

    def notify_lock(self, queue: str) -> str:  # who delivers this queue now (with a TTL)
        return self._k(f"notify:lock:{queue}")

    @property
    def notify_dead(self) -> str:  # list: jobs that failed for good (dead letters)
        return self._k("notify:dead")

    @property
    def notify_recent(self) -> str:  # list: the latest delivered jobs
        return self._k("notify:recent")

    def session(self, digest: str) -> str:  # an organiser's board session, with a TTL
        return self._k(f"session:{digest}")

    def auth_failures(self, client: str) -> str:  # failed logins from one client, with a TTL
        return self._k(f"auth-failures:{client}")

    @property
    def auth_recent(self) -> str:  # hash: client -> "count:until_ms", for the board
        return self._k("auth-recent")

    @property
    def mail(self) -> str:  # hash: "<kind>:<participant>" -> JSON {status, at, message_id, …}
        return self._k("mail")

    @property
    def mail_queue(self) -> str:  # list of JSON mail jobs, taken by any process's mail worker
        return self._k("mail:queue")

    @property
    def presence(self) -> str:  # hash: "slot|room|person|source" -> when (confirmed, checked-in)
        return self._k("presence")

    @property
    def per_run(self) -> tuple[str, ...]:  # what a new run archives (Store.reset_run)
        return (
            self.fired,
            self.state,
            self.room_events,
            self.presence,
            self.checkins_flagged,  # a rehearsal's flag would swallow the day's journal line
            self.purged,
            self.audit,
            self.broadcasts,
            self.scores,  # a rehearsal's scores, ratings and awards are not the real day's
            self.feedback,
            self.awards,
        )

    def archived(self, stamp: int, key: str) -> str:  # a previous run's key, kept
        return self._k(f"archive:{stamp}:{key.removeprefix(self.prefix)}")

    @property
    def room_salt(self) -> str:  # the random part of this event's video room names
        return self._k("room-salt")

    @property
    def checkin_secret(self) -> str:  # the HMAC key of the door screens' check-in codes
        return self._k("checkin-secret")

    @property
    def checkins_flagged(self) -> str:  # hash: "slot|room|person" -> {"at", "expected"} (JSON)
        return self._k("checkins-flagged")

    @property
    def scores(self) -> str:  # hash: "juror|team" -> the juror's latest score's JSON
        return self._k("scores")

    @property
    def feedback(self) -> str:  # hash: "person|team" -> an audience rating's JSON
        return self._k("feedback")

    @property
    def awards(self) -> str:  # hash: award id -> JSON {teams, at}
        return self._k("awards")

    @property
    def extra_participants(self) -> str:  # hash: late arrival's id -> participant JSON
        return self._k("extra-participants")

    @property
    def purged(self) -> str:  # JSON {at, by}: this run's personal data was purged (run once)
        return self._k("purged")

    @property
    def exports(self) -> str:  # hash: path of a file Rota wrote with personal data -> JSON
        return self._k("exports")

    @property
    def erased(self) -> str:  # hash: keyed digest of an erased id -> its anonymous seat's JSON
        return self._k("erased")
