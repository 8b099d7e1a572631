// The participant page follows the rotation by itself: it embeds the current video room with
// the Jitsi IFrame API and moves to the next room at each boundary, after a short countdown
// the person can cut short ("Go now") or put off ("Stay here for now"). Without JavaScript,
// or when the embed cannot load, the page is an agenda with a Join link.
(function () {
  "use strict";
  var script = document.currentScript;
  function attr(name) { return script.getAttribute("data-" + name) || ""; }
  var token = attr("token");
  var status = document.getElementById("status");
  var moving = document.getElementById("moving");
  var movingText = document.getElementById("moving-text");
  var goNow = document.getElementById("go-now");
  var stayButton = document.getElementById("stay");
  var videoBox = document.getElementById("video");
  var frame = document.getElementById("frame");
  var COUNTDOWN_S = 30; // shown this long before a move (less in a fast rehearsal)
  var LEAVE_TIMEOUT_MS = 5000; // hang-up without readyToClose/videoConferenceLeft: go anyway

  var data = null; // the last `move`: {now, next, until_wall, stay: {now, next, until_wall}}
  var room = null; // the latest `room` (presenters)
  var offset = 0; // server clock minus this machine's clock, ms
  var embed = null; // {room: jitsi room, api}
  var busy = false; // a switch is under way
  var declined = ""; // the room the person chose not to go to yet ("Stay here for now")
  var wentEarly = ""; // the person went ahead to this room before its start
  var apiState = "loading"; // loading | ready | failed
  var joinedOnce = false;

  function text(id, value) {
    var node = document.getElementById(id);
    if (node) { node.textContent = value; }
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }
  function now() { return Date.now() + offset; }
  function secondsTo(iso) { return iso ? Math.round((Date.parse(iso) - now()) / 1000) : null; }
  function mmss(s) { s = Math.max(0, s); return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); }
  function localTime(iso) {
    // in the person's own zone, as the rest of the page
    return new Date(iso).toLocaleTimeString(attr("lang"), { hour: "2-digit", minute: "2-digit", timeZone: attr("zone") });
  }
  function inRoom(place) { return place && place.kind !== "page" && place.jitsi_room; }

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
    var note = document.getElementById("video-unavailable");
    if (note) { note.hidden = false; }
    document.body.setAttribute("data-video", "unavailable");
  }

  function create(place) {
    var options = {
      roomName: place.jitsi_room,
      parentNode: frame,
      lang: attr("lang"),
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

  // -- following the plan ---------------------------------------------------------------
  function sync() {
    if (!data || busy || apiState !== "ready") { tick(); return; }
    var target = data.stay.now;
    if (!inRoom(target)) {
      declined = "";
      if (embed) { switchTo(null); }
      tick();
      return;
    }
    if (wentEarly && target.jitsi_room === wentEarly) { wentEarly = ""; }
    if (embed && embed.room === target.jitsi_room) { tick(); return; }
    if (embed && wentEarly && embed.room === wentEarly) { tick(); return; }
    if (embed && declined === target.jitsi_room) { tick(); return; }
    declined = "";
    switchTo(target);
  }

  function pending() {
    // where a move is about to go (the countdown), or was put off (stayed)
    if (!data || !embed) { return null; }
    var s = data.stay;
    if (declined && inRoom(s.now) && s.now.jitsi_room === declined) { return { place: s.now, seconds: 0, stayed: true }; }
    if (!inRoom(s.next) || s.next.jitsi_room === embed.room || wentEarly || declined === s.next.jitsi_room) { return null; }
    var seconds = secondsTo(s.until_wall);
    if (seconds === null) { return null; }
    var length = inRoom(s.now) ? (Date.parse(s.now.end_wall) - Date.parse(s.now.start_wall)) / 1000 : 120;
    var window = Math.min(COUNTDOWN_S, Math.max(3, length / 4));
    return seconds > 0 && seconds <= window ? { place: s.next, seconds: seconds } : null;
  }

  function tick() {
    var move = pending();
    if (move) {
      moving.hidden = false;
      if (move.stayed) {
        movingText.textContent = fill(attr("go-next"), { place: move.place.label });
        stayButton.hidden = true;
      } else {
        movingText.textContent = fill(attr("moving"), { place: move.place.label, s: move.seconds });
        stayButton.hidden = false;
      }
      moving.setAttribute("data-to", move.place.jitsi_room);
    } else {
      moving.hidden = true;
    }
    if (room) { presenterTick(); }
  }

  goNow.addEventListener("click", function () {
    var move = pending();
    if (!move) { return; }
    if (move.stayed) { declined = ""; } else { wentEarly = move.place.jitsi_room; }
    switchTo(move.place);
    moving.hidden = true;
  });
  stayButton.addEventListener("click", function () {
    var move = pending();
    if (move) { declined = move.place.jitsi_room; }
    tick();
  });

  // -- presenters -----------------------------------------------------------------------
  function presenterTick() {
    var left = secondsTo(room.phase === "upcoming" ? room.start_wall : room.end_wall);
    text("p-left", room.phase === "ended" ? "—" : mmss(left));
    var wrap = document.getElementById("p-wrapup");
    if (!wrap) { return; }
    var toEnd = secondsTo(room.end_wall);
    var inWrapup = room.phase === "running" && now() >= Date.parse(room.wrapup_wall) && toEnd > 0;
    wrap.hidden = !inWrapup;
    if (inWrapup) { wrap.textContent = fill(attr("wrapup"), { time: mmss(toEnd) }); }
  }

  // -- the live stream ------------------------------------------------------------------
  var source = new EventSource("/p/" + encodeURIComponent(token) + "/events");
  source.addEventListener("open", function () { status.textContent = status.getAttribute("data-live"); });
  source.addEventListener("error", function () { status.textContent = status.getAttribute("data-reconnecting"); });
  source.addEventListener("move", function (event) {
    data = JSON.parse(event.data);
    offset = Date.parse(data.server_now) - Date.now();
    var s = data.stay;
    text("now-what", inRoom(s.now) ? s.now.label : attr("nothing"));
    text("next-what", inRoom(s.next) ? s.next.label : "");
    text("now-until", inRoom(s.now) ? fill(attr("until"), { time: localTime(s.now.end) }) : "");
    document.body.setAttribute("data-room", inRoom(s.now) ? s.now.room : "");
    sync();
  });
  source.addEventListener("room", function (event) {
    room = JSON.parse(event.data);
    if (!room) { return; }
    text("p-room", room.room_name);
    text("p-round", fill(attr("round-of"), { n: room.round, total: room.rounds }));
    text("p-live", room.live_audience === null ? "—" : String(room.live_audience));
    text("p-expected", String(room.expected_audience));
    text("p-next", room.next_expected === null ? "—" : String(room.next_expected));
    presenterTick();
  });
  source.addEventListener("broadcast", function (event) {
    var message = JSON.parse(event.data);
    var item = document.createElement("li");
    item.textContent = message.message;
    document.getElementById("broadcast-list").prepend(item);
    document.getElementById("broadcasts").hidden = false;
  });

  loadApi();
  setInterval(tick, 1000);
})();
