// The results page: assigning an award's winners (session cookie + anti-forgery token).
(function () {
  "use strict";
  var csrf = document.currentScript.getAttribute("data-csrf");
  document.querySelectorAll("form.award").forEach(function (form) {
    var result = form.querySelector(".award-result");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var teams = Array.prototype.map.call(
        form.querySelectorAll("input[name=teams]:checked"), function (box) { return box.value; });
      var body = { teams: teams, broadcast: form.querySelector("input[name=broadcast]").checked };
      result.textContent = "Sending…";
      fetch("/board/results/awards/" + encodeURIComponent(form.getAttribute("data-award")), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body)
      }).then(function (r) {
        return r.json().then(function (data) {
          result.textContent = r.ok ? "Announced: " + data.message : "Refused: " + data.error;
        });
      }, function () { result.textContent = "Not sent: the server cannot be reached."; });
    });
  });
})();
