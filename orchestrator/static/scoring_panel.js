// The board's scoring panel: scores in per team against the jury duty, from the board's
// state (board.js passes each state it receives as a "rota:board-state" event). textContent only.
(function () {
  "use strict";
  var body = document.getElementById("scoring-teams");
  var summary = document.getElementById("scoring-summary");
  function cell(tag, text, cls) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (cls) { node.className = cls; }
    return node;
  }
  document.addEventListener("rota:board-state", function (event) {
    var panel = event.detail.scoring;
    if (!panel || !body) { return; }
    summary.textContent = panel.scored + " of " + panel.duty + " scores in" +
      (panel.open ? "" : " · scoring closed");
    body.replaceChildren.apply(body, panel.teams.map(function (t) {
      var row = document.createElement("tr");
      row.setAttribute("data-team", t.team);
      if (t.overdue) { row.className = "overdue"; }
      row.appendChild(cell("th", t.team_name));
      row.lastChild.setAttribute("scope", "row");
      row.appendChild(cell("td", t.scored + " / " + t.duty, "scored"));
      row.appendChild(cell("td", t.overdue ? String(t.overdue) : "—", "overdue-count"));
      return row;
    }));
  });
})();
