// "Ny kontakt" follows the phone: asks every 1.2 seconds whether the agent has a call
// in progress (GET /samtal/pagaende), and when one is answered (or changes state)
// fetches its "Samtal pågår" panel (the caller's earlier questions) and shows it, sets
// the channel to phone, fills in the number if the phone field is empty and links the
// form to the call. Nothing the agent has typed is changed. Without this script the
// page shows the same panel and prefilled form when it is loaded.
(function () {
  "use strict";
  var holder = document.getElementById("call-panel");
  var form = document.getElementById("new-contact-form");
  if (!holder || !form || !window.fetch) {
    return;
  }
  var pollUrl = holder.getAttribute("data-poll-url");
  var announce = document.getElementById("call-announce");
  var EVERY = 1200;
  var shown = describe(holder.querySelector("[data-call-id]"));

  function describe(box) {
    if (!box) {
      return "";
    }
    return [
      box.getAttribute("data-call-id"),
      box.getAttribute("data-call-state"),
      box.getAttribute("data-call-logged")
    ].join(":");
  }

  function field(name) {
    return form.elements.namedItem(name);
  }

  function prefill(call) {
    var phone = field("phone");
    var hidden = field("call");
    if (!call.logged && hidden && !hidden.value) {
      hidden.value = String(call.id);
    }
    if (call.number && phone && !phone.value) {
      phone.value = call.number;
      var details = phone.closest("details");
      if (details) {
        details.open = true;
      }
      var channel = form.querySelector('input[name="channel"][value="phone"]');
      if (channel) {
        channel.checked = true;
      }
    }
  }

  function showPanel(call, key) {
    return fetch(call.panel_url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = !shown;
        holder.innerHTML = html; // rendered and escaped by the server
        shown = key;
        if (call.state === "answered") {
          prefill(call);
        }
        if (fresh && announce) {
          var heading = holder.querySelector("h2");
          announce.textContent = heading ? heading.textContent + " " + (call.number || "") : "";
        }
      });
  }

  function poll() {
    fetch(pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        var call = answer.call;
        if (!call) {
          return null;
        }
        var key = [call.id, call.state, call.logged ? "true" : "false"].join(":");
        return key === shown ? null : showPanel(call, key);
      })
      .catch(function () {
        // Logged out, or the server is away for a moment: try again at the next turn.
      })
      .then(function () {
        window.setTimeout(poll, EVERY);
      });
  }

  window.setTimeout(poll, EVERY);
})();
