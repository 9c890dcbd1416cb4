// The export page without reloading: asks for the export's state every two seconds
// while it is being written, moves the progress bar, and puts the state sentence in
// the live region (announced when it changes). Without this script the page's
// "Refresh" link does the same.
(function () {
  "use strict";
  var box = document.getElementById("export-status");
  if (!box || !window.fetch || box.getAttribute("data-unfinished") !== "true") {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var state = document.getElementById("export-state");
  var bar = document.getElementById("export-progress");
  var rows = document.getElementById("export-rows");
  var EVERY = 2000;

  function show(id, visible) {
    var element = document.getElementById(id);
    if (element) {
      element.hidden = !visible;
    }
  }

  function update(s) {
    if (state.textContent !== s.message) {
      state.textContent = s.message;
    }
    rows.textContent = s.progress;
    if (s.rows_total) {
      bar.max = Math.max(s.rows_total, 1);
      bar.value = s.rows_done;
    } else {
      bar.removeAttribute("value");
    }
    show("export-progress-row", s.unfinished);
    show("export-refresh", s.unfinished);
    show("export-download", s.status === "done");
    show("export-again", s.status === "failed" || s.status === "expired");
    return s.unfinished;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (s) {
        if (update(s)) {
          window.setTimeout(poll, EVERY);
        }
      })
      .catch(function () {
        // Logged out, or the server is away: the Refresh link still works.
      });
  }

  window.setTimeout(poll, EVERY);
})();
