/* What the bundle's blocks share in the browser: JSON POSTs to handlers, and translation. */
window.SkillsLab = window.SkillsLab || (function () {
  "use strict";
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function format(text, params) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in params ? params[key] : all; });
  }
  function display(value) {
    if (Array.isArray(value)) { return value.join(", "); }
    if (value === true) { return "✓"; }
    if (value === false || value === null || value === undefined || value === "") { return "—"; }
    return String(value);
  }
  /* A save refused because partners changed the same answers: show both versions of each, and let
   * the learner keep theirs or take the partner's. ``choose(field, keepMine, theirs)`` is called per
   * choice, ``done()`` once all are chosen. Everything is text, never markup. */
  function showConflicts(box, data, gettext, choose, done) {
    box.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = data.error;
    box.appendChild(intro);
    var pending = data.conflicts.length;
    data.conflicts.forEach(function (conflict) {
      var item = document.createElement("div");
      item.className = "skl-conflict";
      var title = document.createElement("h4");
      title.textContent = conflict.label;
      var mine = document.createElement("p");
      mine.textContent = gettext("Your version:") + " " + display(conflict.yours);
      var theirs = document.createElement("p");
      theirs.textContent = format(gettext("Version saved by {school}:"), {school: conflict.by_school || "—"}) +
        " " + display(conflict.theirs);
      item.appendChild(title);
      item.appendChild(mine);
      item.appendChild(theirs);
      [[gettext("Keep my version"), true], [gettext("Use their version"), false]].forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "skl-secondary";
        button.textContent = choice[0];
        button.addEventListener("click", function () {
          choose(conflict.field, choice[1], conflict.theirs);
          item.remove();
          pending -= 1;
          if (pending === 0) { box.hidden = true; done(); }
        });
        item.appendChild(button);
      });
      box.appendChild(item);
    });
    box.hidden = false;
    box.focus();
  }
  return {
    /* POST a JSON body; resolves with {ok, status, data} whatever the status, rejects when offline. */
    post: function (url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest"},
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {ok: response.ok, status: response.status, data: data};
        });
      });
    },
    /* gettext for one language, from public/js/translations/<lang>/text.js */
    translator: function (language) {
      var catalog = (window.SkillsLabI18n || {})[language] || {};
      return function (text) { return catalog[text] || text; };
    },
    format: format,
    showConflicts: showConflicts
  };
}());
