// The participant page follows the rotation by itself: it embeds the current video room with
// the Jitsi IFrame API and moves to the next room when that really begins, after a short
// countdown the person can put off ("Stay here for now"). It never joins a place before it
// begins. Every text comes from the server's page view (orchestrator/page_view.py), the same
// data the first render used; this script only fills it in and counts down.
// Without JavaScript, or when the embed cannot load, the page is an agenda with a Join link
// that changes at each boundary, after the same countdown.
(function () {
  "use strict";
  var script = document.currentScript;
  function attr(name) { return script.getAttribute("data-" + name) || ""; }
  function byId(id) { return document.getElementById(id); }
  var token = attr("token");
  var moving = byId("moving");
  var movingText = byId("moving-text");
  var goNow = byId("go-now");
  var stayButton = byId("stay");
  var videoBox = byId("video");
  var frame = byId("frame");
  var COUNTDOWN_S = 30; // shown this long before a move (less in a fast rehearsal)
  var LEAVE_TIMEOUT_MS = 5000; // hang-up without readyToClose/videoConferenceLeft: go anyway

  var view = null; // the last `move`: page_view() plus server_now
  var room = null; // the latest `room` (presenters)
  var offset = 0; // server clock minus this machine's clock, ms
  var embed = null; // {room: jitsi room, api}
  var busy = false; // a switch is under way
  var declined = ""; // the room the person chose not to go to yet ("Stay here for now")
  var apiState = "loading"; // loading | ready | failed
  var joinedOnce = false;

  function text(id, value) {
    var node = byId(id);
    if (node) { node.textContent = value; }
  }
  function show(id, visible) {
    var node = byId(id);
    if (node) { node.hidden = !visible; }
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }
  function now() { return Date.now() + offset; }
  function secondsTo(iso) { return iso ? Math.round((Date.parse(iso) - now()) / 1000) : null; }
  function mmss(s) { s = Math.max(0, s); return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); }
  function inTime(s) {
    // "in 45 s", "in 30 min", "in 2 h 5 min", in the person's language
    var span = s < 60 ? s + " s"
      : (s < 3600 ? Math.ceil(s / 60) + " min"
        : Math.floor(s / 3600) + " h" + (Math.ceil(s % 3600 / 60) ? " " + Math.ceil(s % 3600 / 60) + " min" : ""));
    return fill(attr("in"), { time: span });
  }
  function inRoom(place) { return place && place.jitsi_room; }

  // -- the IFrame API -------------------------------------------------------------------
  function loadApi() {
    var url = attr("api");
    if (!url) { failed(); return; }
    var tag = document.createElement("script");
    tag.src = url;
    tag.async = true;
    tag.onload = function () {
      if (typeof window.JitsiMeetExternalAPI === "function") { apiState = "ready"; sync(); }
      else { failed(); }
    };
    tag.onerror = failed;
    setTimeout(function () { if (apiState === "loading") { failed(); } }, 15000);
    document.head.appendChild(tag);
  }
  function failed() {
    apiState = "failed";
    videoBox.hidden = true;
    show("video-unavailable", Boolean(view && view.now));
    document.body.setAttribute("data-video", "unavailable");
    tick();
  }

  function create(place) {
    var options = {
      roomName: place.jitsi_room,
      parentNode: frame,
      width: "100%",
      height: "100%",
      lang: attr("lang"),
      // external_api.js builds an https:// URL unless told otherwise
      noSSL: attr("scheme") === "http",
      userInfo: { displayName: attr("name"), email: attr("email") || undefined },
      // the first room shows Jitsi's device check; later moves go straight in
      configOverwrite: joinedOnce ? { prejoinConfig: { enabled: false } } : {}
    };
    if (place.jwt) { options.jwt = place.jwt; }
    joinedOnce = true;
    videoBox.hidden = false;
    document.body.setAttribute("data-video-room", place.jitsi_room);
    return new window.JitsiMeetExternalAPI(attr("domain"), options);
  }

  function leave(api) {
    // There is no "switch room" command: hang up, wait for the conference to close (either
    // event, or a timeout), then dispose of the frame.
    return new Promise(function (resolve) {
      var done = false;
      function finish() {
        if (done) { return; }
        done = true;
        try { api.dispose(); } catch (e) { /* already gone */ }
        resolve();
      }
      try {
        api.addListener("readyToClose", finish);
        api.addListener("videoConferenceLeft", finish);
        api.executeCommand("hangup");
      } catch (e) { finish(); }
      setTimeout(finish, LEAVE_TIMEOUT_MS);
    });
  }

  function switchTo(place) {
    busy = true;
    var old = embed;
    embed = place ? { room: place.jitsi_room, api: null } : null;
    var left = old && old.api ? leave(old.api) : Promise.resolve();
    left.then(function () {
      if (place) {
        try { embed.api = create(place); } catch (e) { failed(); }
      } else {
        videoBox.hidden = true;
        document.body.setAttribute("data-video-room", "");
      }
      busy = false;
      sync();
    });
  }

  // -- following the plan: the embed shows view.now, never anything earlier -------------
  function sync() {
    if (!view || busy || apiState !== "ready") { tick(); return; }
    var target = view.now;
    if (!inRoom(target)) {
      declined = "";
      if (embed) { switchTo(null); } // a gap or the end of the day: leave the room
      tick();
      return;
    }
    if (embed && embed.room === target.jitsi_room) { tick(); return; }
    if (embed && declined === target.jitsi_room) { tick(); return; }
    declined = "";
    switchTo(target);
  }

  function pending() {
    // the countdown to the moment the next place really begins, or the offer to go on
    // after "Stay here for now"
    if (!view) { return null; }
    if (embed && declined && inRoom(view.now) && view.now.jitsi_room === declined) {
      return { place: view.now, seconds: 0, stayed: true };
    }
    if (!inRoom(view.next) || !view.move_wall || declined === view.next.jitsi_room) { return null; }
    var seconds = secondsTo(view.move_wall);
    var shown = inRoom(view.now) ? view.now : view.next; // a short rehearsal: a short countdown
    var length = (Date.parse(shown.end_wall) - Date.parse(shown.start_wall)) / 1000;
    var window = Math.min(COUNTDOWN_S, Math.max(3, length / 4));
    return seconds > 0 && seconds <= window ? { place: view.next, seconds: seconds } : null;
  }

  function tick() {
    var move = pending();
    if (move) {
      moving.hidden = false;
      movingText.textContent = move.stayed
        ? fill(attr("go-next"), { place: move.place.label })
        : fill(attr("moving"), { place: move.place.label, s: move.seconds });
      goNow.hidden = !move.stayed; // going on is offered only once the place has begun
      stayButton.hidden = move.stayed || !embed;
      moving.setAttribute("data-to", move.place.jitsi_room);
    } else {
      moving.hidden = true;
    }
    if (view && view.next) {
      var toNext = secondsTo(view.next.start_wall);
      text("next-in", toNext > 0 ? inTime(toNext) : "");
    }
    if (room) { presenterTick(); }
  }

  goNow.addEventListener("click", function () {
    var move = pending();
    if (move && move.stayed) {
      declined = "";
      moving.hidden = true;
      switchTo(move.place);
      return;
    }
    // nothing has begun yet: say when it will, and stay put
    if (view && view.next && view.move_wall) {
      var note = byId("not-yet");
      note.textContent = fill(attr("not-yet"), { place: view.next.label, time: view.move_text });
      note.hidden = false;
    }
  });
  stayButton.addEventListener("click", function () {
    var move = pending();
    if (move && !move.stayed) { declined = move.place.jitsi_room; }
    tick();
  });

  // -- one rendering: the same fields as the server's template --------------------------
  function render() {
    var n = view.now, x = view.next;
    text("now-what", view.headline);
    text("now-project", n && n.project ? n.project : "");
    show("now-project", Boolean(n && n.project));
    text("now-until", view.until);
    show("now-until", Boolean(view.until));
    var join = byId("join");
    if (join) {
      show("join-line", Boolean(n));
      if (n) {
        join.textContent = fill(attr("join"), { room: n.room_name });
        join.href = n.join;
      }
    }
    show("video-unavailable", apiState === "failed" && Boolean(n));
    show("next", Boolean(x));
    text("next-what", x ? x.label : "");
    text("next-project", x && x.project ? x.project : "");
    show("next-project", Boolean(x && x.project));
    text("next-at", x ? x.start_text : "");
    var not = byId("not-yet");
    if (not) { not.hidden = true; }
    var rows = byId("agenda-rows");
    if (rows) {
      rows.replaceChildren.apply(rows, view.agenda.map(function (row) {
        var tr = document.createElement("tr");
        if (row.past) { tr.className = "past"; }
        var when = document.createElement("td");
        when.textContent = row.when;
        var what = document.createElement("td");
        what.textContent = row.what;
        if (row.project) {
          what.appendChild(document.createElement("br"));
          var small = document.createElement("small");
          small.textContent = row.project;
          what.appendChild(small);
        }
        var where = document.createElement("td");
        where.textContent = row.where;
        tr.append(when, what, where);
        return tr;
      }));
    }
    document.body.setAttribute("data-room", n ? n.room : "");
    document.body.setAttribute("data-phase", view.phase);
  }

  // -- presenters -----------------------------------------------------------------------
  function presenterTick() {
    var left = secondsTo(room.phase === "upcoming" ? room.start_wall : room.end_wall);
    text("p-left", room.phase === "ended" ? "—" : mmss(left));
    var wrap = byId("p-wrapup");
    if (!wrap) { return; }
    var toEnd = secondsTo(room.end_wall);
    var inWrapup = room.phase === "running" && now() >= Date.parse(room.wrapup_wall) && toEnd > 0;
    wrap.hidden = !inWrapup;
    if (inWrapup) { wrap.textContent = fill(attr("wrapup"), { time: mmss(toEnd) }); }
  }

  // -- the live stream ------------------------------------------------------------------
  var status = byId("status");
  var source = new EventSource("/p/" + encodeURIComponent(token) + "/events");
  source.addEventListener("open", function () { status.textContent = status.getAttribute("data-live"); });
  source.addEventListener("error", function () { status.textContent = status.getAttribute("data-reconnecting"); });
  source.addEventListener("move", function (event) {
    view = JSON.parse(event.data);
    offset = Date.parse(view.server_now) - Date.now();
    render();
    sync();
  });
  source.addEventListener("room", function (event) {
    room = JSON.parse(event.data);
    if (!room) { return; }
    text("p-room", room.room_name);
    text("p-round", room.done ? attr("rounds-done") : fill(attr("round-of"), { n: room.round, total: room.rounds }));
    byId("p-figures").hidden = room.done;
    text("p-live", room.live_audience === null ? attr("unknown") : String(room.live_audience));
    text("p-expected", String(room.expected_audience));
    text("p-next", room.next_expected === null ? "—" : String(room.next_expected));
    presenterTick();
  });
  source.addEventListener("broadcast", function (event) {
    var message = JSON.parse(event.data);
    var list = byId("broadcast-list");
    if (message.id && list.querySelector('[data-id="' + CSS.escape(message.id) + '"]')) { return; }
    var item = document.createElement("li");
    item.textContent = message.message;
    if (message.id) { item.setAttribute("data-id", message.id); }
    list.prepend(item);
    byId("broadcasts").hidden = false;
  });

  loadApi();
  setInterval(tick, 1000);
})();
