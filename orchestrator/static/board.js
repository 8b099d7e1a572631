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


  // far away in words ("in 107 days", "3 hr 20 min": static/relative.js), the last hour as m:ss
  var relative = window.RotaTime.make(JSON.parse(document.currentScript.getAttribute("data-relative")));
  function left(iso) {
    var s = Math.round((Date.parse(iso) - (Date.now() + offset)) / 1000);
    if (s <= 0) { return "0:00"; }
    if (s >= 3600) { return relative.span(s); }
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // without a presence feed nothing is known: say so, never 0
  function count(value) { return value === null || value === undefined ? "unknown" : String(value); }

  // presence by its source, strongest first ("12 confirmed, 15 sent"); a plain link
  // reports nobody by itself, so its people are counted as sent, confirmed, checked in
  function presenceText(p, phase) { // once a slot has ended, nobody is in its room any more
    if (p && p.text) { return p.text; }
    return phase === "ended" ? "ended: nobody in the room now" : "nobody seen yet";
  }
  function linkLine(url) {
    var p = el("p", "room-link", "Link: ");
    var a = el("a", "", url);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    p.appendChild(a);
    return p;
  }

  function renderTile(t) {
    var li = el("li", "tile " + t.phase + (t.alerts.length ? " alerting" : ""));
    li.setAttribute("data-room", t.room);
    li.setAttribute("aria-label", t.room_name + ", " + t.team_name);
    var head = el("div", "tile-head");
    head.appendChild(el("h3", "team", t.team_name));
    head.appendChild(el("span", "room-name", t.room_name));
    li.appendChild(head);
    if (t.project) { li.appendChild(el("p", "project", t.project)); }
    if (t.link) { li.appendChild(linkLine(t.link)); }
    var phase = t.phase === "running" ? "ends in" : (t.phase === "upcoming" ? "starts in" : "ended");
    var line = el("p", "round", "Round " + t.round + " of " + t.rounds + " · " + phase + " ");
    var cd = el("span", "countdown", t.phase === "ended" ? "" : left(t.boundary_wall));
    cd.setAttribute("data-until", t.phase === "ended" ? "" : t.boundary_wall);
    line.appendChild(cd);
    li.appendChild(line);
    var dl = el("dl", "figures");
    var figures = [
      ["Audience", count(t.live_audience) + " / " + t.expected_audience, "live-audience"],
      ["Presenters", count(t.presenters_present) + " / " + t.presenters_expected, "presenters"],
      ["Wrong room", count(t.wrong_room), "wrong-room"],
      ["Presence", presenceText(t.presence, t.phase), "presence"]];
    if (t.guests) { figures.push(["Guests", String(t.guests), "guests"]); } // not on the roster
    if (t.next_round !== null) {
      figures.push(["Round " + t.next_round + " expected", count(t.next_expected), "next-expected"]);
    }
    if (t.onsite) { // on campus: who checked in at the door (and who did so unplanned)
      figures.push(["Checked in", t.checked_in + " / " + t.onsite_expected
        + (t.checked_in_unplanned ? " (+" + t.checked_in_unplanned + " not planned here)" : ""),
        "checked-in"]);
    }
    figures.forEach(function (f) {
      var div = el("div", f[2]);
      div.appendChild(el("dt", "", f[0]));
      div.appendChild(el("dd", "", f[1]));
      dl.appendChild(div);
    });
    li.appendChild(dl);
    if (t.onsite) {
      var place = el("p", "onsite", t.onsite + " · ");
      var door = el("a", "door-link", "Door screen (QR check-in)");
      door.href = t.checkin;
      door.target = "_blank";
      door.rel = "noopener";
      place.appendChild(door);
      li.appendChild(place);
    }
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
    head.appendChild(el("span", "room-name", k.room_name + (k.everyone ? " · everyone" : "")));
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
    // before it begins (or after it), whoever is in a shared room is not its audience
    div.appendChild(el("dt", "", k.phase === "running" ? "Attending" : "Expected"));
    div.appendChild(el("dd", "", k.phase === "running"
      ? count(k.live_audience) + " / " + k.expected_audience : String(k.expected_audience)));
    dl.appendChild(div);
    if (k.phase === "running" && k.guests) { // in the room but not on the roster
      var guests = el("div", "guests");
      guests.appendChild(el("dt", "", "Guests"));
      guests.appendChild(el("dd", "", String(k.guests)));
      dl.appendChild(guests);
    }
    var seen = el("div", "presence");
    seen.appendChild(el("dt", "", "Presence"));
    seen.appendChild(el("dd", "", presenceText(k.presence, k.phase)));
    dl.appendChild(seen);
    li.appendChild(dl);
    if (k.link) { li.appendChild(linkLine(k.link)); }
    return li;
  }

  // -- the day at a glance: rounds, breaks, keynotes on one strip, and the now-line ----
  function renderStrip() {
    var strip = state.strip, box = document.getElementById("strip");
    var from = Date.parse(strip.start_wall), span = Date.parse(strip.end_wall) - from;
    function pos(iso) { return Math.max(0, Math.min(100, (Date.parse(iso) - from) / span * 100)); }
    var lanes = { round: el("div", "lane rounds"), "break": null, keynote: el("div", "lane keynotes") };
    lanes["break"] = lanes.round;
    var nowMs = Date.now() + offset;
    // a track at least as wide as a board's strip: on a phone the strip scrolls sideways
    // (to the now-line) instead of squeezing 30 minutes into "R.."
    var track = el("div", "strip-track");
    track.append(lanes.round, lanes.keynote);
    box.replaceChildren(track);
    strip.items.forEach(function (item) {
      var lane = lanes[item.kind] || lanes.keynote;
      var phase = nowMs >= Date.parse(item.end_wall) ? " past"
        : (nowMs >= Date.parse(item.start_wall) ? " current" : "");
      var block = el("div", "block " + item.kind + phase + (item.shift_minutes ? " shifted" : ""));
      block.style.left = pos(item.start_wall) + "%";
      block.style.width = Math.max(pos(item.end_wall) - pos(item.start_wall), 0.5) + "%";
      block.title = item.label + " " + item.start_local + "–" + item.end_local;
      block.appendChild(el("span", "label", item.label));
      var when = el("span", "when", item.start_local);
      if (item.shift_minutes) {
        when.appendChild(el("strong", "shift", " " + (item.shift_minutes > 0 ? "+" : "") + item.shift_minutes));
      }
      block.appendChild(when);
      lane.appendChild(block);
    });
    var line = el("div", "now-line");
    line.id = "now-line";
    line.appendChild(el("span", "", state.clock.local_time));
    track.appendChild(line);
    placeNowLine();
    if (box.scrollWidth > box.clientWidth) { // the now-line a third in from the left
      box.scrollLeft = line.offsetLeft - box.clientWidth / 3;
    }
  }
  function placeNowLine() {
    var line = document.getElementById("now-line");
    if (!line || !state) { return; }
    var from = Date.parse(state.strip.start_wall), to = Date.parse(state.strip.end_wall);
    var at = (Date.now() + offset - from) / (to - from) * 100;
    line.hidden = at < 0 || at > 100;
    line.style.left = Math.max(0, Math.min(100, at)) + "%";
  }

  function render() {
    if (!state) { return; }
    renderStrip();
    var c = state.clock;
    var phase = { before: "Before the rounds", round: "Round " + c.round + " of " + c.rounds,
                  changeover: "Changeover before round " + c.round,
                  after: c.day_over ? "The day is over" : "After the rounds" }[c.phase];
    if (c.plenary) { phase = c.plenary; }  // a keynote outside the rounds: its title
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
    var quality = document.getElementById("plan-quality");  // plan v2: 70 of 70, optimal (proven)
    quality.textContent = state.plan && state.plan.met !== null && state.plan.met !== undefined
      ? state.plan.met + " of " + state.plan.bound + ": " + state.plan.wishes : "—";
    quality.title = state.plan ? "plan version " + state.plan.version : "";
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
    placeNowLine();
    document.querySelectorAll(".countdown[data-until]").forEach(function (node) {
      var until = node.getAttribute("data-until");
      if (until) { node.textContent = left(until); }
    });
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
      document.dispatchEvent(new CustomEvent("rota:board-state", { detail: state }));
    });
    source.addEventListener("log", function (event) {
      // {id: its first entry's stream id, last: its latest's, time, text, kind, items}: a
      // burst of e-mails is one line ("80 invitations sent, 2 failed — show"), sent again
      // with the same id as it grows
      var e = JSON.parse(event.data);
      if (seen[e.last]) { return; }
      seen[e.last] = true;
      lastId = e.last;
      var journal = document.getElementById("journal");
      if (e.kind === "run.started") { journal.replaceChildren(); } // a new run, a new journal
      var li = el("li", "");
      li.appendChild(el("time", "", e.time));
      li.appendChild(document.createTextNode(" " + e.text));
      if (e.items && e.items.length > 1) {
        var more = el("details", "journal-items");
        more.appendChild(el("summary", "", "show"));
        var list = el("ol", "");
        e.items.forEach(function (item) {
          var row = el("li", "");
          row.appendChild(el("time", "", item.time));
          row.appendChild(document.createTextNode(" " + item.text));
          list.appendChild(row);
        });
        more.appendChild(list);
        li.appendChild(document.createTextNode(" — "));
        li.appendChild(more);
      }
      li.setAttribute("data-id", e.id);
      var had = journal.querySelector(':scope > li[data-id="' + e.id + '"]');
      if (had) {
        var open = had.querySelector("details") && had.querySelector("details").open;
        if (open) { li.querySelector("details").open = true; }
        had.replaceWith(li);
      } else { journal.prepend(li); }
    });
  }

  function findPerson(typed) {
    var text = String(typed).trim(), found = null, byName = [];
    document.querySelectorAll("#people option").forEach(function (o) {
      var person = { id: o.getAttribute("data-id"), name: o.getAttribute("data-name") };
      if (o.value === text || person.id === text) { found = person; }
      if (person.name.toLowerCase() === text.toLowerCase()) { byName.push(person); }
    });
    return found || (byName.length === 1 ? byName[0] : null);
  }

  // Controls: every action is confirmed in a dialog first.
  var dialog = document.getElementById("confirm");
  var result = document.getElementById("action-result");
  document.querySelectorAll("form[data-action]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = {};
      new FormData(form).forEach(function (value, key) { data[key] = value; });
      if ("person" in data) { // "Name (id)" from the list, or a name only one person has
        var who = findPerson(data.person);
        if (!who) { result.textContent = "Pick a person from the list."; return; }
        data.participant = who.id;
        data.name = who.name;
        delete data.person;
      }
      if ("room" in data) {
        var option = form.querySelector("option[value='" + CSS.escape(data.room) + "']");
        data.room_name = option ? option.textContent : data.room;
      }
      ["minutes", "round"].forEach(function (k) { if (k in data) { data[k] = Number(data[k]); } });
      var question = form.getAttribute("data-confirm").replace(/\{(\w+)\}/g, function (_, k) {
        return data[k] === undefined ? "" : String(data[k]);
      });
      delete data.name;
      delete data.room_name;
      document.getElementById("confirm-text").textContent = question;
      dialog.returnValue = "";
      dialog.showModal();
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        if (dialog.returnValue !== "ok") { result.textContent = "Cancelled."; return; }
        var url = form.getAttribute("data-url") || "/board/actions/" + form.getAttribute("data-action");
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify(data)
        }).then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) { result.textContent = "Refused: " + (body.error || r.status); return; }
            // say what was done, and empty the form so a second click does not send it again
            result.textContent = "Done: " + question.replace(/\?$/, ".");
            form.reset();
          });
        }, function () { result.textContent = "Not sent: the server cannot be reached."; });
      });
    });
  });

  connect();
  setInterval(tick, 1000);
})();
