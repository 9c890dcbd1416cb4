// The knowledge panel's insert buttons without a page load: the text (an article's
// short answer, a filled-in template, both in the button's data-kb-text) goes into
// the reply at the cursor, and the article's or template's id into the form's
// hidden field of what was used, so the reply records it. Without this script the
// buttons submit the form and the server inserts the same text (kb.panel).
(function () {
  "use strict";
  var announce = document.getElementById("kb-announce");

  function insertAtCursor(area, text) {
    var value = area.value;
    var start = typeof area.selectionStart === "number" ? area.selectionStart : value.length;
    var end = typeof area.selectionEnd === "number" ? area.selectionEnd : value.length;
    // Focus never reached the reply: add the text after what it says.
    if (document.activeElement !== area && area.getAttribute("data-kb-touched") !== "true") {
      start = end = value.length;
    }
    var before = value.slice(0, start);
    var after = value.slice(end);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var trail = after && !/^\n/.test(after) ? "\n\n" : "";
    area.value = before + lead + text + trail + after;
    var caret = (before + lead + text).length;
    area.focus();
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function remember(hidden, id) {
    var ids = hidden.value ? hidden.value.split(",") : [];
    if (ids.indexOf(id) === -1) {
      ids.push(id);
    }
    hidden.value = ids.join(",");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-kb-insert]") : null;
    if (!button) {
      return;
    }
    var area = document.getElementById(button.getAttribute("data-kb-target"));
    var hidden = document.getElementById(button.getAttribute("data-kb-used"));
    if (!area || !hidden) {
      return; // the server inserts it instead
    }
    event.preventDefault();
    insertAtCursor(area, button.getAttribute("data-kb-text") || "");
    remember(hidden, button.getAttribute("data-kb-id"));
    if (announce) {
      var label = area.labels && area.labels.length ? area.labels[0].textContent : "";
      announce.textContent = (button.getAttribute("data-kb-done") || "") + " " + label;
    }
  });

  // The panel's buttons come first in their forms, so the browser would take one of
  // them for Enter in a one-line field (its "default button"); with this script Enter
  // sends the form with its own main button, as on any other form. (Enter in the
  // panel's search box still searches.)
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || field.tagName !== "INPUT" || field.id === "kb-q" || !field.form) {
      return;
    }
    var main = field.form.querySelector("[data-kb-default]");
    if (main && field.form.requestSubmit) {
      event.preventDefault();
      field.form.requestSubmit(main);
    }
  });

  // Where the agent was typing is where an insert goes, also after focus left it.
  document.addEventListener("focusin", function (event) {
    if (event.target.tagName === "TEXTAREA") {
      event.target.setAttribute("data-kb-touched", "true");
    }
  });
})();
