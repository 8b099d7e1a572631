// The participant page follows the rotation by itself: it embeds the current video room with
// the Jitsi IFrame API and moves to the next room when that really begins, after a short
// countdown the person can put off ("Stay here for now"). It never joins a place before it
// begins. Every text comes from the server's page view (orchestrator/views/page_view.py), the same
// data the first render used; this script only fills it in and counts down.
// Without JavaScript, or when the embed cannot load, the page is an agenda with a Join link
// that changes at each boundary, after the same countdown.
// A room on another platform (a plain link: Zoom, Teams, Meet, …) is never embedded: the page
// shows its name and a big "Open the room" button that opens it in one named tab
// ("rota-room"), reused at every move. Browsers let a page open a window only on a click, so
// the page asks for that click again at each boundary, and keeps counting down meanwhile. A
// minute into such a slot it offers "I'm here", recorded once per slot.
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
  var opened = ""; // the link place (placeId) last opened in the named tab
  var confirmed = ""; // the link place whose "I'm here" was recorded
  var ROOM_WINDOW = "rota-room";

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
  // "in 45 sec", "in 3 hr 20 min", "in 107 days", in the person's language (static/relative.js)
  var relative = window.RotaTime.make(JSON.parse(attr("relative")));
  function inTime(s) { return relative.relative(s); }
  // an embedded Jitsi room; a link room is opened in its own tab instead
  function inRoom(place) { return place && place.jitsi_room && !place.link; }
  function isLink(place) { return Boolean(place && place.link); }
  // what a place is for moving: its Jitsi room, or a link room in one slot
  function placeId(place) {
    if (!place) { return ""; }
    return place.link ? "link:" + place.room + "@" + place.start : place.jitsi_room;
  }

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
    show("video-unavailable", Boolean(view && inRoom(view.now)));
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
    if (embed && isLink(target) && declined === placeId(target)) { tick(); return; }
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
    if (embed && declined && view.now && placeId(view.now) === declined) {
      return { place: view.now, seconds: 0, stayed: true };
    }
    var next = view.next;
    if (!(inRoom(next) || isLink(next)) || !view.move_wall || declined === placeId(next)) { return null; }
    var seconds = secondsTo(view.move_wall);
    var shown = view.now && (inRoom(view.now) || isLink(view.now)) ? view.now : next; // a short rehearsal: a short countdown
    var length = (Date.parse(shown.end_wall) - Date.parse(shown.start_wall)) / 1000;
    var window = Math.min(COUNTDOWN_S, Math.max(3, length / 4));
    if (!(seconds > 0 && seconds <= window)) { return null; }
    return { place: view.next, seconds: seconds, staying: sameRoom(view.now, next) };
  }
  // the next place is the room the person is in (a presenter's own room, round after round):
  // nothing moves, so the banner says what begins and that they stay
  function sameRoom(now, next) {
    if (!now || !next || now.room !== next.room) { return false; }
    return isLink(now) ? isLink(next) : Boolean(inRoom(now) && now.jitsi_room === next.jitsi_room);
  }
  function beginning(place) {
    return place.kind === "keynote" ? place.title : fill(attr("round"), { n: place.round });
  }

  function tick() {
    var move = pending();
    if (move) {
      moving.hidden = false;
      if (move.stayed) {
        movingText.textContent = fill(attr("go-next"), { place: move.place.label });
      } else if (move.staying) {
        movingText.textContent = fill(attr("staying"),
          { what: beginning(move.place), room: move.place.room_name, s: move.seconds });
      } else {
        movingText.textContent = fill(attr("moving"), { place: move.place.label, s: move.seconds });
      }
      goNow.hidden = !move.stayed; // going on is offered only once the place has begun
      stayButton.hidden = move.stayed || move.staying || !embed;
      moving.setAttribute("data-staying", move.staying ? "yes" : "no");
      moving.setAttribute("data-to", placeId(move.place));
    } else {
      moving.hidden = true;
    }
    linkTick();
    bbbSync();
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
      if (isLink(move.place)) { switchTo(null); openRoom(); } else { switchTo(move.place); }
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
    if (move && !move.stayed) { declined = placeId(move.place); }
    tick();
  });

  // -- a BigBlueButton room with `[bbb] embed = true`: a frame on /go, which signs a fresh
  // join for this person each time; it follows view.now (a new place, a new frame) --------
  var bbbShown = "";
  function bbbSync() {
    var place = view && view.now && view.now.bbb_embed ? view.now : null;
    var id = place ? place.room + "@" + place.start : "";
    if (id === bbbShown) { return; }
    bbbShown = id;
    var frameNode = byId("bbb-frame");
    if (!frameNode) { return; }
    frameNode.src = place ? place.bbb_embed : "about:blank";
    show("bbb", Boolean(place));
    document.body.setAttribute("data-bbb-room", place ? place.room : "");
  }

  // -- a room on a plain link: one named tab, one click per move ------------------------
  var openButton = byId("open-room");
  var hereButton = byId("here");
  function linkPlace() { return view && isLink(view.now) && !(embed && declined === placeId(view.now)) ? view.now : null; }
  function renderLink() {
    var place = linkPlace();
    show("link-room", Boolean(place));
    document.body.setAttribute("data-link-room", place ? place.room : "");
    if (!place) { return; }
    text("link-name", place.room_name);
    var done = opened === placeId(place);
    text("link-hint", fill(attr(done ? "opened-hint" : "open-hint"), { room: place.room_name }));
    openButton.classList.toggle("secondary", done); // after the click it steps back
    openButton.setAttribute("data-opened", done ? "yes" : "no");
  }
  function openRoom() {
    var place = linkPlace();
    if (!place) { return false; }
    // through /go, like every Join link: the click is recorded (presence "sent"), and /go
    // answers with the room's own link
    var tab = window.open("/go/" + encodeURIComponent(token), ROOM_WINDOW);
    if (!tab) { return false; } // blocked: the link's own target opens it instead
    // no `noopener` and no `tab.opener = null`: either makes the browser forget the tab
    // by its name and open a new one at each move. The links are the organisers' own.
    opened = placeId(place);
    renderLink();
    return true;
  }
  openButton.addEventListener("click", function (event) {
    if (openRoom()) { event.preventDefault(); }
    else { opened = placeId(linkPlace()); renderLink(); }
  });
  function linkTick() {
    var place = linkPlace();
    var offer = Boolean(place && place.confirm_wall && now() >= Date.parse(place.confirm_wall)
      && confirmed !== placeId(place));
    show("here-line", offer);
    if (!place || confirmed !== placeId(place)) {
      var said = byId("here-said");
      if (said && said.getAttribute("data-for") !== placeId(place)) { said.hidden = true; }
    }
  }
  hereButton.addEventListener("click", function () {
    var place = linkPlace();
    if (!place) { return; }
    var id = placeId(place);
    var said = byId("here-said");
    hereButton.disabled = true;
    fetch("/p/" + encodeURIComponent(token) + "/here", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
      credentials: "same-origin"
    }).then(function (answer) {
      if (!answer.ok) { throw new Error(String(answer.status)); }
      confirmed = id;
      said.textContent = attr("here-noted");
    }).catch(function () {
      said.textContent = attr("here-failed");
    }).then(function () {
      hereButton.disabled = false;
      said.setAttribute("data-for", id);
      said.hidden = false;
      linkTick();
    });
  });

  // -- one rendering: the same fields as the server's template --------------------------
  function render() {
    var n = view.now, x = view.next;
    text("now-what", view.headline);
    text("now-project", n && n.project ? n.project : "");
    show("now-project", Boolean(n && n.project));
    text("now-until", view.until);
    show("now-until", Boolean(view.until));
    text("now-walk", n && n.walk ? n.walk : ""); // on campus: where to walk, no video
    show("now-walk", Boolean(n && n.walk));
    text("next-walk", x && x.walk ? x.walk : "");
    show("next-walk", Boolean(x && x.walk));
    var join = byId("join");
    if (join) {
      show("join-line", Boolean(n) && !isLink(n) && !n.onsite); // a link room: its own button
      if (n) {
        join.textContent = fill(attr("join"), { room: n.room_name });
        join.href = n.join;
      }
    }
    show("video-unavailable", apiState === "failed" && Boolean(inRoom(n)));
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
        if (row.link) {
          var small2 = document.createElement("small");
          var a = document.createElement("a");
          a.href = row.link;
          a.target = ROOM_WINDOW;
          a.textContent = row.link;
          small2.appendChild(a);
          where.append(document.createElement("br"), small2);
        }
        tr.append(when, what, where);
        return tr;
      }));
    }
    document.body.setAttribute("data-room", n ? n.room : "");
    document.body.setAttribute("data-phase", view.phase);
    renderLink();
  }

  // -- presenters -----------------------------------------------------------------------
  function presenterTick() {
    var left = secondsTo(room.phase === "upcoming" ? room.start_wall : room.end_wall);
    // far away in words ("107 dias"), the last hour as m:ss
    text("p-left", room.phase === "ended" ? "—" : (left >= 3600 ? relative.span(left) : mmss(left)));
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
