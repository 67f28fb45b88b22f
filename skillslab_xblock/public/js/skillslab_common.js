/* What the bundle's blocks share in the browser: JSON POSTs to handlers, and translation. */
window.SkillsLab = window.SkillsLab || (function () {
  "use strict";
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
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
    format: function (text, params) {
      return text.replace(/\{(\w+)\}/g, function (all, key) { return key in params ? params[key] : all; });
    }
  };
}());
