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
  /* One answer in collision: both versions (as text, never markup) and the two choices;
   * ``choose(keepMine)`` is called once, with the learner's choice. */
  function conflictPanel(conflict, gettext, choose) {
    var item = document.createElement("div");
    item.className = "skl-conflict";
    item.setAttribute("role", "group");
    item.setAttribute("aria-label", format(gettext("Two versions of: {field}"), {field: conflict.label}));
    var title = document.createElement("p");
    title.className = "skl-conflict-title";
    title.textContent = format(gettext("A partner changed this answer too ({field}). Which version do we keep?"),
      {field: conflict.label});
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
      button.setAttribute("data-choice", choice[1] ? "mine" : "theirs");
      button.addEventListener("click", function () { choose(choice[1]); });
      item.appendChild(button);
    });
    return item;
  }
  /* The same for a whole save, in one box: ``choose(field, keepMine, theirs)`` per answer, ``done()``
   * once all are chosen. */
  function showConflicts(box, data, gettext, choose, done) {
    box.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = data.error;
    box.appendChild(intro);
    var pending = data.conflicts.length;
    data.conflicts.forEach(function (conflict) {
      var item = conflictPanel(conflict, gettext, function (keepMine) {
        choose(conflict.field, keepMine, conflict.theirs);
        item.remove();
        pending -= 1;
        if (pending === 0) { box.hidden = true; done(); }
      });
      box.appendChild(item);
    });
    box.hidden = false;
    box.focus();
  }
  /* Call ``check()`` again and again while the page is open, asking the server less while nothing
   * happens. ``check()`` returns a promise (or a value) that says what its answer showed: ``true``
   * something new (a partner's change), ``false`` nothing new, anything else (``undefined``) it did not
   * ask (a save of the learner was on its way). The first call comes after 0.5–1.5 × ``seconds``, at
   * random, so that pages opened together do not ask together; then the wait grows by POLL_GROWTH
   * after each answer with nothing new, up to POLL_CEILING × ``seconds`` (at most a minute, never less
   * than ``seconds``), and is ``seconds`` again at once when an answer showed something new, when the
   * learner types, clicks or focuses inside ``element`` (the block: a teacher at work sees partners'
   * changes as fast as ever), and when a hidden tab shows again (asked at once). A hidden tab asks
   * once a minute. A call that fails (offline, server down) counts as nothing new. Returns
   * ``{watch(element), stop()}``: more elements whose work wakes it, and the end of it. */
  var POLL_GROWTH = 1.5;
  var POLL_CEILING = 6;
  function poll(check, seconds, element) {
    var ceiling = Math.max(seconds, Math.min(POLL_CEILING * seconds, 60));
    var delay = seconds;
    var timer = null;
    var due = 0;          // when the timer fires (ms since the epoch)
    var asking = false;   // a check is on its way
    var touched = false;  // the learner worked in the block while it was
    var stopped = false;
    function schedule(wait) {
      clearTimeout(timer);
      if (stopped) { return; }
      due = Date.now() + wait * 1000;
      timer = setTimeout(run, wait * 1000);
    }
    function done(changed) {
      asking = false;
      if (changed === true || touched) {
        delay = seconds;
      } else if (changed === false) {
        delay = Math.min(delay * POLL_GROWTH, ceiling);
      }
      touched = false;
      schedule(document.hidden ? Math.max(60, seconds) : delay);
    }
    function run() {
      clearTimeout(timer);
      timer = null;
      if (stopped) { return; }
      asking = true;
      try {
        Promise.resolve(check()).then(done, function () { done(false); });
      } catch (error) {
        done(false);
      }
    }
    /* The learner is at work here: back to ``seconds``, and no longer than that to the next call. */
    function wake() {
      delay = seconds;
      if (asking) {
        touched = true;
      } else if (!document.hidden && (timer === null || due - Date.now() > seconds * 1000)) {
        schedule(seconds);
      }
    }
    function watch(block) {
      ["input", "keydown", "click", "focusin"].forEach(function (name) { block.addEventListener(name, wake); });
    }
    if (element) { watch(element); }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden || stopped) { return; }
      delay = seconds;
      if (asking) { touched = true; } else { run(); }
    });
    schedule(seconds * (0.5 + Math.random()));
    return {watch: watch, stop: function () { stopped = true; clearTimeout(timer); }};
  }

  /* The change feed (etwinning_plugin/change_feed.py): the blocks of one page share ONE request per
   * tick, which asks, for the watch token of each, whether what it shows changed (its *stamp*); only
   * the blocks whose stamp moved (or is unknown) ask their own handler, through their ``check``.
   * SkillsLab.poll is the page's scheduler (its back-off, and every block's element wakes it). A
   * block calls ``seen(feed)`` with the ``feed`` of each handler answer it has shown (a new token and
   * the stamp read before that answer's state); a block woken that did not show its answer is woken
   * again next tick. Where the feed is not offered (no ``feed``: Studio, a site without the plugin's
   * URLs or a shared cache, Open edX teams, staff) or answers 403/404/405, or refuses the tokens
   * twice running, each block polls its own handler as before; an answer that fails otherwise makes
   * that tick ask every block's handler (their answers bring fresh tokens). */
  var watchers = {};
  function feedWatcher(url) {
    var entries = [];
    var scheduler = null;
    var off = false;
    var refused = 0;
    function alone(entry) {
      entry.alone = true;
      poll(entry.check, entry.seconds, entry.element);
    }
    function turnOff() {
      off = true;
      if (scheduler) { scheduler.stop(); }
      entries.forEach(alone);
    }
    function ask(list) {
      return Promise.all(list.map(function (entry) {
        try {
          return Promise.resolve(entry.check()).catch(function () { return false; });
        } catch (error) {
          return false;
        }
      })).then(function (results) {
        if (results.indexOf(true) !== -1) { return true; }
        return results.indexOf(false) !== -1 ? false : undefined;
      });
    }
    function tick() {
      var sent = entries.filter(function (entry) { return entry.token; });
      if (!sent.length) { return ask(entries); }
      return SkillsLab.post(url, {tokens: sent.map(function (entry) { return entry.token; })}).then(function (response) {
        if (off) { return undefined; }
        if ([403, 404, 405].indexOf(response.status) !== -1) { turnOff(); return undefined; }
        var stamps = response.data && response.data.stamps;
        if (!response.ok || !Array.isArray(stamps) || stamps.length !== sent.length) {
          refused = response.status === 400 ? refused + 1 : 0;
          if (refused >= 2) { turnOff(); return undefined; }
          return ask(entries);
        }
        refused = 0;
        var woken = entries.filter(function (entry) {
          var index = sent.indexOf(entry);
          return index === -1 || stamps[index] === null || stamps[index] !== entry.stamp;
        });
        return woken.length ? ask(woken) : false;
      }, function () { return ask(entries); });
    }
    function start() {
      var seconds = Math.min.apply(null, entries.map(function (entry) { return entry.seconds; }));
      scheduler = poll(tick, seconds, null);
      entries.forEach(function (entry) { if (entry.element) { scheduler.watch(entry.element); } });
    }
    return {
      add: function (entry) {
        entries.push(entry);
        if (off) { alone(entry); return; }
        if (scheduler) {
          if (entry.element) { scheduler.watch(entry.element); }
        } else if (entries.length === 1) {
          setTimeout(start, 0);  // once the page's other blocks have joined
        }
      }
    };
  }
  /* A block's poll through its page's change feed (``feed``: {url, token, stamp} from the block's
   * arguments), or on its own without one. Returns ``{seen(feed)}``. */
  function watch(feed, check, seconds, element) {
    var entry = {check: check, seconds: seconds, element: element, token: "", stamp: null, alone: false};
    entry.seen = function (answer) {
      if (answer && answer.token) { entry.token = answer.token; entry.stamp = answer.stamp; }
    };
    if (!feed || !feed.url || !window.Promise) {
      poll(check, seconds, element);
      return entry;
    }
    entry.seen(feed);
    watchers[feed.url] = watchers[feed.url] || feedWatcher(feed.url);
    watchers[feed.url].add(entry);
    return entry;
  }
  var SkillsLab = {
    poll: poll,
    watch: watch,
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
    /* Studio's save of an editor: tell Studio, send, then "Saved." or each refused field's message. */
    saveSettings: function (runtime, form, url, data, gettext) {
      var result = form.querySelector("[data-result]");
      if (runtime.notify) { runtime.notify("save", {state: "start"}); }
      return this.post(url, data).then(function (response) {
        form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
        if (response.ok) {
          result.textContent = gettext("Saved.");
          if (runtime.notify) { runtime.notify("save", {state: "end"}); }
          return response;
        }
        result.textContent = response.data.error || String(response.status);
        Object.keys(response.data.field_errors || {}).forEach(function (name) {
          var target = form.querySelector('[data-error-for="' + name + '"]');
          if (target) { target.textContent = response.data.field_errors[name]; }
        });
        if (runtime.notify) {
          runtime.notify("error", {title: gettext("The settings were not saved."), message: result.textContent});
        }
        result.focus();
        return response;
      });
    },
    /* gettext for one language, from public/js/translations/<lang>/text.js */
    translator: function (language) {
      var catalog = (window.SkillsLabI18n || {})[language] || {};
      return function (text) { return catalog[text] || text; };
    },
    format: format,
    display: display,
    conflictPanel: conflictPanel,
    showConflicts: showConflicts
  };
  return SkillsLab;
}());
