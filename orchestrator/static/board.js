// The organisers' board: renders /board/events. Every text is set with textContent, never as
// markup, so names people typed are shown as they are.
(function () {
  "use strict";
  var csrf = document.currentScript.getAttribute("data-csrf");
  var statusNode = document.getElementById("status");
  var offset = 0; // server clock minus this machine's clock, in ms
  var state = null;
  var seen = {};
  var lastId = "";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function clockText(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function left(iso) {
    var s = Math.round((Date.parse(iso) - (Date.now() + offset)) / 1000);
    if (s <= 0) { return "0:00"; }
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function count(value) { return value === null || value === undefined ? "—" : String(value); }

  function renderTile(t) {
    var li = el("li", "tile " + t.phase + (t.alerts.length ? " alerting" : ""));
    li.setAttribute("data-room", t.room);
    li.setAttribute("aria-label", t.room_name + ", " + t.team_name);
    var head = el("div", "tile-head");
    head.appendChild(el("h3", "team", t.team_name));
    head.appendChild(el("span", "room-name", t.room_name));
    li.appendChild(head);
    if (t.project) { li.appendChild(el("p", "project", t.project)); }
    var phase = t.phase === "running" ? "ends in" : (t.phase === "upcoming" ? "starts in" : "ended");
    var line = el("p", "round", "Round " + t.round + " of " + t.rounds + " · " + phase + " ");
    var cd = el("span", "countdown", t.phase === "ended" ? "" : left(t.boundary_wall));
    cd.setAttribute("data-until", t.phase === "ended" ? "" : t.boundary_wall);
    line.appendChild(cd);
    li.appendChild(line);
    var dl = el("dl", "figures");
    [["Audience", count(t.live_audience) + " / " + t.expected_audience, "live-audience"],
     ["Presenters", count(t.presenters_present) + " / " + t.presenters_expected, "presenters"],
     ["Wrong room", count(t.wrong_room), "wrong-room"]].forEach(function (f) {
      var div = el("div", f[2]);
      div.appendChild(el("dt", "", f[0]));
      div.appendChild(el("dd", "", f[1]));
      dl.appendChild(div);
    });
    li.appendChild(dl);
    if (t.alerts.length) {
      var ul = el("ul", "tile-alerts");
      t.alerts.forEach(function (a) { ul.appendChild(el("li", a.severity, a.message)); });
      li.appendChild(ul);
    }
    return li;
  }

  function renderKeynote(k) {
    var li = el("li", "tile keynote " + k.phase);
    li.setAttribute("data-keynote", k.id);
    var head = el("div", "tile-head");
    head.appendChild(el("h3", "team", k.title));
    head.appendChild(el("span", "room-name", k.room_name));
    li.appendChild(head);
    var when = k.start_local + "–" + k.end_local;
    var phase = k.phase === "running" ? " · ends in " : (k.phase === "upcoming" ? " · starts in " : " · ended");
    var line = el("p", "round", when + phase);
    var cd = el("span", "countdown", k.phase === "ended" ? "" : left(k.boundary_wall));
    cd.setAttribute("data-until", k.phase === "ended" ? "" : k.boundary_wall);
    line.appendChild(cd);
    li.appendChild(line);
    var dl = el("dl", "figures");
    var div = el("div", "live-audience");
    div.appendChild(el("dt", "", "Attending"));
    div.appendChild(el("dd", "", count(k.live_audience) + " / " + k.expected_audience));
    dl.appendChild(div);
    li.appendChild(dl);
    return li;
  }

  function render() {
    if (!state) { return; }
    var c = state.clock;
    var phase = { before: "Before the day", round: "Round " + c.round + " of " + c.rounds,
                  changeover: "Changeover before round " + c.round, after: "The day is over" }[c.phase];
    document.getElementById("clock-title").textContent = phase;
    document.getElementById("event-time").textContent =
      c.local_time + (c.speed !== 1 ? " (rehearsal ×" + c.speed + ")" : "");
    document.getElementById("event-time").title = c.timezone;
    document.getElementById("delay").textContent = (c.delay_minutes >= 0 ? "+" : "") + c.delay_minutes + " min";
    var next = document.getElementById("next-boundary");
    next.textContent = c.next_boundary ? c.next_boundary_label + " in " : "—";
    if (c.next_boundary) {
      var span = el("span", "countdown", left(c.next_boundary_wall));
      span.setAttribute("data-until", c.next_boundary_wall);
      next.appendChild(span);
    }
    var alerts = document.getElementById("alerts");
    alerts.replaceChildren();
    state.alerts.forEach(function (a) {
      var prefix = a.room ? roomName(a.room) + ": " : "";
      alerts.appendChild(el("li", a.severity, prefix + a.message));
    });
    if (!state.alerts.length) { alerts.appendChild(el("li", "calm", "None")); }
    document.getElementById("tiles").replaceChildren.apply(
      document.getElementById("tiles"), state.tiles.map(renderTile));
    document.getElementById("keynotes").replaceChildren.apply(
      document.getElementById("keynotes"), state.keynotes.map(renderKeynote));
  }

  function roomName(room) {
    var tile = state.tiles.find(function (t) { return t.room === room; });
    return tile ? tile.room_name : room;
  }

  function tick() {
    document.querySelectorAll(".countdown[data-until]").forEach(function (node) {
      var until = node.getAttribute("data-until");
      if (until) { node.textContent = left(until); }
    });
  }

  function journalText(e) {
    var what = e.kind;
    if (e.kind === "transition") { what = e.id + (e.status && e.status !== "fired" ? " (" + e.status + ")" : ""); }
    else if (e.kind === "broadcast") { what = "broadcast: " + e.message; }
    else if (e.kind === "move") { what = "moved " + e.participant + " to " + e.room + " in round " + e.round; }
    else if (e.kind && e.kind.indexOf("clock.") === 0) { what = e.kind.slice(6) + " " + e.minutes + " min"; }
    else if (e.kind === "replan") { what = "replanned (" + e.change + "): " + e.moved + " moved"; }
    return clockText(e.at) + " " + what;
  }

  var source = null;
  function connect() {
    // a new EventSource forgets the last id it saw: pass it along ourselves
    source = new EventSource("/board/events" + (lastId ? "?after=" + encodeURIComponent(lastId) : ""));
    source.addEventListener("open", function () {
      statusNode.textContent = "live";
      statusNode.className = "status live";
    });
    source.addEventListener("error", function () {
      statusNode.textContent = "reconnecting…";
      statusNode.className = "status reconnecting";
      if (source.readyState === EventSource.CLOSED) {
        // the server refused the stream (session gone?): ask, then go to the login
        fetch("/board/state", { credentials: "same-origin" }).then(function (r) {
          if (r.status === 401) { window.location.assign("/board"); }
          else { setTimeout(connect, 1000); }
        }, function () { setTimeout(connect, 1000); });
      }
    });
    source.addEventListener("state", function (event) {
      state = JSON.parse(event.data);
      offset = Date.parse(state.server_now) - Date.now();
      render();
    });
    source.addEventListener("log", function (event) {
      var e = JSON.parse(event.data);
      if (seen[e.id]) { return; }
      seen[e.id] = true;
      lastId = e.id;
      var li = el("li", "", journalText(e));
      li.setAttribute("data-id", e.id);
      document.getElementById("journal").prepend(li);
    });
  }

  // Controls: every action is confirmed in a dialog first.
  var dialog = document.getElementById("confirm");
  var result = document.getElementById("action-result");
  document.querySelectorAll("form[data-action]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = {};
      new FormData(form).forEach(function (value, key) { data[key] = value; });
      ["minutes", "round"].forEach(function (k) { if (k in data) { data[k] = Number(data[k]); } });
      var question = form.getAttribute("data-confirm").replace(/\{(\w+)\}/g, function (_, k) {
        return data[k] === undefined ? "" : String(data[k]);
      });
      document.getElementById("confirm-text").textContent = question;
      dialog.returnValue = "";
      dialog.showModal();
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        if (dialog.returnValue !== "ok") { result.textContent = "Cancelled."; return; }
        fetch("/board/actions/" + form.getAttribute("data-action"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify(data)
        }).then(function (r) {
          return r.json().then(function (body) {
            result.textContent = r.ok ? "Done." : "Refused: " + (body.error || r.status);
          });
        }, function () { result.textContent = "Not sent: the server cannot be reached."; });
      });
    });
  });

  connect();
  setInterval(tick, 1000);
})();
