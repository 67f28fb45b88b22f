/* The learner's side of etwinning_project_plan: save sections on a version, partners' changes,
 * collisions, and the Quality Label checklist. */
function SkillsLabProjectPlan(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var block = root.querySelector(".skl-plan") || root;
  var form = block.querySelector("[data-plan-form]");
  if (!form) { return; }
  var gettext = window.SkillsLab.translator(args.language);
  var post = window.SkillsLab.post;
  var saveStatus = block.querySelector("[data-save-status]");
  var result = block.querySelector("[data-result]");
  var conflictsBox = block.querySelector("[data-conflicts]");
  var version = args.version;
  var dirty = {};
  var held = {};  // section → the version its collision was shown on: out of every save until chosen
  var busy = false;
  var saveTimer = null;
  var feedWatch = null;  // the page's change feed (SkillsLab.watch)

  function input(name) { return form.querySelector('[name="' + name + '"]'); }

  function showState(state) {
    version = state.version;
    Object.keys(state.plan).forEach(function (name) {
      var field = input(name);
      if (field && !dirty[name] && !(name in held)) { field.value = state.plan[name]; }
    });
    var list = block.querySelector("[data-checklist]");
    list.textContent = "";
    state.checklist.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "skl-criterion " + (item.ok ? "is-addressed" : "is-missing");
      var title = document.createElement("strong");
      title.textContent = item.title;
      var status = document.createElement("span");
      status.className = "skl-status";
      status.textContent = item.ok ? gettext("covered") : gettext("missing");
      li.appendChild(title);
      li.appendChild(document.createTextNode(": "));
      li.appendChild(status);
      if (item.missing.length) {
        var missing = document.createElement("ul");
        item.missing.forEach(function (text) {
          var m = document.createElement("li");
          m.textContent = text;
          missing.appendChild(m);
        });
        li.appendChild(missing);
      }
      list.appendChild(li);
    });
    var unsaved = block.querySelector("[data-unsaved-suggestions]");
    unsaved.querySelector("span").textContent = (state.unsaved_suggestions || []).join(", ");
    unsaved.hidden = !(state.unsaved_suggestions || []).length;
    block.querySelector("[data-completion]").textContent = state.complete
      ? gettext("Every required section is filled.")
      : gettext("Still to fill:") + " " + state.required_missing.join(", ");
    if (feedWatch) { feedWatch.seen(state.feed); }  // shown: the change feed compares with its stamp
  }

  function save(all) {
    if (busy) { return Promise.resolve(); }
    var changes = {};
    form.querySelectorAll("[name]").forEach(function (field) {
      if (field.name in held) { return; }
      if (dirty[field.name] || (all && field.hasAttribute("data-suggested"))) { changes[field.name] = field.value; }
    });
    if (!Object.keys(changes).length && !all) { return Promise.resolve(); }
    var sent = dirty;
    dirty = {};
    busy = true;
    saveStatus.textContent = gettext("Saving…");
    return post(args.save_url, {plan: changes, base_version: version}).then(function (response) {
      busy = false;
      form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
      if (response.ok) {
        Object.keys(changes).forEach(function (name) { input(name).removeAttribute("data-suggested"); });
        saveStatus.textContent = gettext("Plan saved.");
        showState(response.data);
        return response;
      }
      Object.keys(sent).forEach(function (key) { dirty[key] = true; });
      saveStatus.textContent = response.data.error || String(response.status);
      if (response.status === 409 && response.data.conflicts) {
        var seen = response.data.version;
        response.data.conflicts.forEach(function (conflict) {
          var name = conflict.field.split(".")[1];
          held[name] = seen;
          delete dirty[name];
        });
        window.SkillsLab.showConflicts(conflictsBox, response.data, gettext, function (field, keepMine, theirs) {
          var name = field.split(".")[1];
          var base = held[name];
          delete held[name];
          if (!keepMine) { input(name).value = theirs; return; }
          var body = {plan: {}, base_version: base};  // mine, on the version where theirs was seen
          body.plan[name] = input(name).value;
          post(args.save_url, body).then(function (answer) {
            if (answer.ok) { saveStatus.textContent = gettext("Your version is saved."); showState(answer.data); }
            else { held[name] = base; saveStatus.textContent = answer.data.error || String(answer.status); }
          });
        }, function () { if (Object.keys(dirty).length) { save(false); } });
        if (Object.keys(dirty).length) { save(false); }  // what did not collide
      }
      Object.keys(response.data.field_errors || {}).forEach(function (name) {
        var target = form.querySelector('[data-error-for="' + name + '"]');
        if (target) { target.textContent = response.data.field_errors[name]; }
      });
      return response;
    }, function () {
      busy = false;
      Object.keys(sent).forEach(function (key) { dirty[key] = true; });
      saveStatus.textContent = gettext("The server could not be reached. Your answers are still on this page; try again.");
    });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.name || event.target.name in held) { return; }
    dirty[event.target.name] = true;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () { save(false); }, 1200);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(saveTimer);
    save(true);  // "Plan saved." is said once, where every save says it
  });
  /* Resolves true when the answer showed partners' changes, false when not, and undefined when it did
   * not ask or a save was on its way (SkillsLab.poll's contract). */
  function refresh() {
    if (busy || Object.keys(dirty).length) { return Promise.resolve(); }
    return post(args.state_url, {}).then(function (response) {
      if (!response.ok) { return false; }
      if (response.data.version === version) {
        if (feedWatch) { feedWatch.seen(response.data.feed); }
        return false;
      }
      if (busy) { return undefined; }
      showState(response.data);
      return true;
    });
  }
  /* "Copy the plan": the whole plan as rich text (HTML, so that TwinSpace's editor keeps its headings
   * and lists) with plain text beside it, through the Clipboard API; where that is not offered, the
   * browser copies a selection of the same HTML. */
  var copyButton = block.querySelector("[data-copy-plan]");
  var copyStatus = block.querySelector("[data-copy-status]");
  function copySelection(html) {
    var holder = document.createElement("div");
    holder.setAttribute("contenteditable", "true");
    holder.style.position = "fixed";
    holder.style.left = "-10000px";
    holder.innerHTML = html;  // the server's HTML: every learner text in it is escaped
    document.body.appendChild(holder);
    var range = document.createRange();
    range.selectNodeContents(holder);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = document.execCommand("copy");
    selection.removeAllRanges();
    holder.remove();
    return copied;
  }
  if (copyButton) {
    copyButton.addEventListener("click", function () {
      post(args.rich_text_url, {}).then(function (response) {
        if (!response.ok) { copyStatus.textContent = response.data.error || String(response.status); return; }
        var done = function () { copyStatus.textContent = gettext("Copied: paste it into your TwinSpace page."); };
        var fallback = function () {
          if (copySelection(response.data.html)) { done(); }
          else { copyStatus.textContent = gettext("The browser did not allow copying; download the plan instead."); }
        };
        if (navigator.clipboard && window.ClipboardItem) {
          navigator.clipboard.write([new ClipboardItem({
            "text/html": new Blob([response.data.html], {type: "text/html"}),
            "text/plain": new Blob([response.data.text], {type: "text/plain"})
          })]).then(done, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  // At once (the view that rendered the page writes nothing: the handler records a plan completed by
  // the partners meanwhile), then while the page is open, slower in a hidden tab.
  refresh();
  // Through the page's change feed where the server offers one (args.feed): current_plan only when the
  // plan or the learner's partnership changed; without it, every poll asks.
  feedWatch = window.SkillsLab.watch(args.feed, refresh, args.poll_seconds || 5, block);
}
