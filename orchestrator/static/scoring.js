// The scoring form on a juror's page (or the rating form on an audience member's page).
// Drafts live in localStorage, so they survive a reload and a lost connection: a score that
// could not be sent is kept as "pending" and sent when the browser is back online.
// Everything shown is set with textContent: nothing people typed is ever parsed as markup.
(function () {
  "use strict";
  var script = document.currentScript;
  var token = script.getAttribute("data-token");
  var kind = script.getAttribute("data-kind"); // "score" or "feedback"
  var url = "/p/" + token + (kind === "score" ? "/scores" : "/feedback");
  var forms = document.getElementById("scoring-forms");
  var closesNode = document.getElementById("scoring-closes");
  var owedNode = document.getElementById("scoring-owed");
  var state = null;
  var shape = "";
  var statusOf = {};

  function store(key, value) {
    try {
      if (value === null) { localStorage.removeItem(key); }
      else { localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* private mode: drafts last as long as the page */ }
  }
  function recall(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function draftKey(team) { return "rota-draft:" + kind + ":" + token + ":" + team; }
  var stateKey = "rota-form:" + kind + ":" + token;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function label(key) { return (state && state.labels[key]) || key; }

  function readForm(form) {
    var data = { team: form.getAttribute("data-team") };
    if (kind === "score") {
      data.scores = {};
      form.querySelectorAll("input[data-criterion]").forEach(function (input) {
        data.scores[input.getAttribute("data-criterion")] =
          input.value === "" ? null : Number(input.value);
      });
      data.comment = form.querySelector("textarea").value;
    } else {
      var rating = form.querySelector("select").value;
      data.rating = rating === "" ? null : Number(rating);
      data.line = form.querySelector("input[name=line]").value;
    }
    return data;
  }

  function setStatus(team, text, cls) {
    statusOf[team] = { text: text, cls: cls || "" };
    var node = forms.querySelector("form[data-team='" + CSS.escape(team) + "'] .form-status");
    if (node) { node.textContent = text; node.className = "form-status " + (cls || ""); }
  }

  function send(data) {
    var key = draftKey(data.team);
    var draft = recall(key) || {};
    draft.data = data;
    draft.pending = true;
    store(key, draft);
    setStatus(data.team, label("sending"));
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data)
    }).then(function (r) {
      return r.json().then(function (body) {
        if (r.ok) {
          store(key, null);
          setStatus(data.team, label("saved"), "saved");
          refresh();
        } else {
          store(key, { data: data, pending: false });
          setStatus(data.team, label("not_saved") + ": " + body.error, "refused");
        }
      });
    }, function () {
      setStatus(data.team, label("draft_kept"), "draft");
    });
  }

  function flushPending() {
    if (!state) { return; }
    state.teams.forEach(function (row) {
      var draft = recall(draftKey(row.team));
      if (draft && draft.pending && state.open) { send(draft.data); }
    });
  }

  function renderForm(row) {
    var form = el("form", { "data-team": row.team, "class": row.state, novalidate: "" });
    var head = el("h3", {}, row.name + " ");
    var badge = row.state === "now" ? label("in_room_now") : row.state === "owed" ? label("owed") : "";
    if (badge) { head.appendChild(el("span", { "class": "badge " + row.state }, badge)); }
    form.appendChild(head);
    if (row.project) { form.appendChild(el("p", { "class": "project" }, row.project)); }
    var draft = recall(draftKey(row.team));
    var values = draft ? draft.data : (row.saved ? (kind === "score" ? { scores: row.saved.values, comment: row.saved.comment } : row.saved) : null);
    var id = "s-" + row.team.replace(/[^A-Za-z0-9_-]/g, "_");
    if (kind === "score") {
      state.criteria.forEach(function (c) {
        var wrap = el("div", { "class": "criterion" });
        var inputId = id + "-" + c.id;
        wrap.appendChild(el("label", { "for": inputId }, c.name + " (" + c.min + "–" + c.max + ")"));
        var input = el("input", {
          id: inputId, type: "number", min: String(c.min), max: String(c.max), step: "any",
          inputmode: "decimal", required: "", "data-criterion": c.id
        });
        if (values && values.scores && values.scores[c.id] !== null && values.scores[c.id] !== undefined) {
          input.value = String(values.scores[c.id]);
        }
        wrap.appendChild(input);
        if (c.description) { wrap.appendChild(el("small", {}, c.description)); }
        form.appendChild(wrap);
      });
      form.appendChild(el("label", { "for": id + "-comment" }, label("comment")));
      var comment = el("textarea", { id: id + "-comment", rows: "3", maxlength: String(state.limit) });
      comment.value = (values && values.comment) || "";
      form.appendChild(comment);
    } else {
      form.appendChild(el("label", { "for": id + "-rating" }, label("rating")));
      var select = el("select", { id: id + "-rating", required: "" });
      select.appendChild(el("option", { value: "" }, "—"));
      for (var n = state.rating.min; n <= state.rating.max; n++) {
        select.appendChild(el("option", { value: String(n) }, String(n)));
      }
      select.value = values && values.rating ? String(values.rating) : "";
      form.appendChild(select);
      form.appendChild(el("label", { "for": id + "-line" }, label("one_line")));
      var line = el("input", { id: id + "-line", name: "line", maxlength: String(state.limit) });
      line.value = (values && values.line) || "";
      form.appendChild(line);
    }
    var button = el("button", { type: "submit", "class": "button" }, label("save"));
    if (!state.open) { button.disabled = true; }
    form.appendChild(button);
    var status = el("p", { "class": "form-status", role: "status" });
    form.appendChild(status);
    var previous = statusOf[row.team];
    if (previous) { status.textContent = previous.text; status.className = "form-status " + previous.cls; }
    else if (draft && draft.pending) { status.textContent = label("draft_kept"); status.className = "form-status draft"; }
    form.addEventListener("input", function () {
      var kept = recall(draftKey(row.team)) || {};
      store(draftKey(row.team), { data: readForm(form), pending: !!kept.pending });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.checkValidity()) { form.reportValidity(); return; }
      send(readForm(form));
    });
    return form;
  }

  function render() {
    var active = document.activeElement;
    if (active && forms.contains(active)) { return; } // never pull the form from under a typist
    closesNode.textContent = state.open ? state.labels.closes : label("scoring_closed");
    if (!state.open) { // closed: nothing left to fill in or owe, so no form and no list
      owedNode.textContent = "";
      forms.replaceChildren();
      return;
    }
    var owed = state.teams.filter(function (r) { return r.state === "owed"; });
    owedNode.textContent = owed.length ? label("owed") + ": " + owed.map(function (r) { return r.name; }).join(", ") : "";
    var shown = state.teams.filter(function (r) { return r.state !== "later"; });
    var later = state.teams.filter(function (r) { return r.state === "later"; });
    var nodes = shown.map(renderForm);
    if (later.length) {
      nodes.push(el("p", { "class": "hint" }, label("later") + ": " + later.map(function (r) { return r.name; }).join(", ")));
    }
    forms.replaceChildren.apply(forms, nodes);
  }

  function refresh() {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { return; }
      return r.json().then(function (data) {
        state = data;
        store(stateKey, data);
        var next = JSON.stringify(data.teams.map(function (t) { return [t.team, t.state, t.saved]; })) + data.open;
        if (next !== shape) { shape = next; render(); }
        flushPending();
      });
    }, function () {
      if (!state) { // offline at load: show what we knew, with the drafts
        state = recall(stateKey);
        if (state) { render(); }
      }
    });
  }

  window.addEventListener("online", flushPending);
  refresh();
  setInterval(refresh, 15000);
})();
