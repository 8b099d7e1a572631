// Keeps the participant page current from /p/{token}/events; the page works without it.
(function () {
  "use strict";
  var script = document.currentScript;
  var token = script.getAttribute("data-token");
  var status = document.getElementById("status");
  var countdown = document.getElementById("countdown");
  var untilWall = countdown ? countdown.getAttribute("data-until") : "";

  function text(id, value) {
    var node = document.getElementById(id);
    if (node) { node.textContent = value; }
  }

  function describe(place) {
    return place && place.kind !== "page" ? place.label : "";
  }

  function tick() {
    if (!countdown || !untilWall) { return; }
    var seconds = Math.round((Date.parse(untilWall) - Date.now()) / 1000);
    var template = countdown.getAttribute("data-template");
    countdown.textContent = seconds > 0 && seconds <= 120 ? template.replace("{s}", seconds) : "";
  }

  var source = new EventSource("/p/" + encodeURIComponent(token) + "/events");
  source.addEventListener("open", function () { status.textContent = status.getAttribute("data-live"); });
  source.addEventListener("error", function () { status.textContent = status.getAttribute("data-reconnecting"); });
  source.addEventListener("move", function (event) {
    var data = JSON.parse(event.data);
    if (data.now && data.now.kind !== "page") { text("now-what", describe(data.now)); }
    if (data.next) { text("next-what", describe(data.next)); }
    untilWall = data.until_wall || "";
    document.body.setAttribute("data-room", data.now ? (data.now.room || "") : "");
    tick();
  });
  source.addEventListener("broadcast", function (event) {
    var data = JSON.parse(event.data);
    var box = document.getElementById("broadcasts");
    var item = document.createElement("li");
    item.textContent = data.message;
    document.getElementById("broadcast-list").prepend(item);
    box.hidden = false;
  });
  source.addEventListener("bye", function () { source.close(); });
  setInterval(tick, 1000);
})();
