// The setup's day form, checked as you type (an enhancement: without a script the form is
// saved and checked by its buttons). A changed field sends the form as the buttons would;
// the answer's messages are put next to their fields. Texts are copied with textContent.
(function () {
  "use strict";
  var form = document.querySelector('form[action="/board/setup/day"]');
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  var sent = 0;
  var KEPT = "rota-setup-day"; // what was typed when the session had ended: kept in this tab

  function notice(text) {
    var problems = document.getElementById("problems");
    if (!problems) { return; }
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = text;
    problems.replaceChildren(p);
  }

  function keep() {
    var values = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf" && name !== "version" && typeof value === "string") {
        values.push([name, value]);
      }
    });
    var version = form.querySelector('input[name="version"]').value;
    var record = JSON.stringify({ version: version, values: values });
    try { sessionStorage.setItem(KEPT, record); } catch (e) { /* private mode: not kept */ }
  }

  function restore() {
    var raw = null;
    try { raw = sessionStorage.getItem(KEPT); sessionStorage.removeItem(KEPT); } catch (e) { return; }
    if (!raw) { return; }
    var kept = JSON.parse(raw);
    // a draft at a later version than the one typed on: that save went through
    if (kept.version !== form.querySelector('input[name="version"]').value) { return; }
    kept.values.forEach(function (pair) {
      var field = form.elements.namedItem(pair[0]);
      if (field && "value" in field) { field.value = pair[1]; }
    });
    notice(form.getAttribute("data-restored") || "");
    check();
  }

  function place(fresh) {
    form.querySelectorAll(".said").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
      node.removeAttribute("aria-describedby");
    });
    fresh.querySelectorAll("form .said").forEach(function (said) {
      var name = said.id ? said.id.replace(/-said$/, "") : "";
      var field = name && document.getElementById(name);
      var copy = document.createElement("span");
      copy.className = said.className;
      copy.id = said.id;
      copy.textContent = said.textContent;
      if (field) {
        field.setAttribute("aria-describedby", said.id);
        field.setAttribute("aria-invalid", said.classList.contains("error") ? "true" : "false");
        field.parentNode.appendChild(copy);
      } else {
        var row = name && form.querySelector('[data-row="' + name + '"]');
        if (row) { row.insertBefore(copy, row.firstChild); }
      }
    });
    var problems = document.getElementById("problems");
    var fresher = fresh.getElementById("problems");
    if (problems && fresher) {
      problems.replaceChildren.apply(problems, Array.from(fresher.childNodes).map(function (n) {
        var p = document.createElement(n.nodeType === 1 ? n.tagName : "span");
        if (n.nodeType === 1) { p.className = n.className; }
        p.textContent = n.textContent;
        return p;
      }));
    }
  }

  // The draft's version moves with every save, also one whose answer a later change made
  // stale: the page must know it, or a login after the session ended would find the kept
  // values "older than the draft" and drop them (setup.js restore).
  function follow(fresh) {
    var version = fresh.querySelector('input[name="version"]');
    var mine = form.querySelector('input[name="version"]');
    if (version && mine && Number(version.value) > Number(mine.value)) { mine.value = version.value; }
  }

  function check() {
    var mine = ++sent;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (answer) {
        if (answer.status === 401) { // logged out meanwhile: nothing saved, nothing lost
          keep();
          notice(form.getAttribute("data-session-over") || "");
          return null;
        }
        return answer.text();
      })
      .then(function (text) {
        if (text === null) { return; }
        var fresh = new DOMParser().parseFromString(text, "text/html");
        follow(fresh);
        if (mine !== sent) { return; } // a later change is on its way: its answer is placed
        place(fresh);
      })
      .catch(function () { /* offline: the buttons still save */ });
  }

  form.addEventListener("submit", keep); // restored after a login, if the session had ended
  window.addEventListener("pageshow", restore);
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
