/* The learner's side of skillslab_activity: autosaved drafts, progress, submission, feedback,
 * and, in shared mode, partners' changes and collisions. Plain JavaScript (no framework): the
 * LMS, Studio and the workbench all run it as it is. */
function SkillsLabActivity(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var block = root.querySelector(".skl-activity") || root;
  var form = block.querySelector(".skl-form");
  if (!form) { return; }  // not configured yet: nothing to fill
  var gettext = window.SkillsLab.translator(args.language);
  var format = window.SkillsLab.format;
  var post = window.SkillsLab.post;
  var saveStatus = block.querySelector("[data-save-status]");
  var result = block.querySelector("[data-result]");
  var conflictsBox = block.querySelector("[data-conflicts]");
  var submitButton = block.querySelector(".skl-submit");
  var shared = args.shared && args.state.shared && !args.state.shared.needs_partnership;
  var waitingForPartners = args.shared && args.state.shared && args.state.shared.needs_partnership;
  var version = shared ? args.state.shared.version : 0;
  var dirty = {};        // "step.field" → true for what the learner changed since the last save
  // "step.field" → the version a collision was shown on: such a field is held out of every save until
  // its author chooses (keep theirs, or keep mine on top of what they saw), so no autosave ever
  // writes over a partner's text that the learner has not seen.
  var held = {};
  var saveTimer = null;
  var busy = false;      // a save or submit is on its way
  var queue = Promise.resolve();  // saves and submissions go one after another, in order
  var feedWatch = null;  // the page's change feed, once this step polls (SkillsLab.watch)
  /* A handler's answer this page has shown: its stamp is what the change feed compares with. */
  function seen(state) { if (feedWatch && state) { feedWatch.seen(state.feed); } }

  function wrapperOf(key) { return form.querySelector('[data-field="' + key + '"]'); }

  function fieldValue(wrapper) {
    var inputs = wrapper.querySelectorAll("input, textarea");
    if (wrapper.classList.contains("skl-field-choices")) {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (wrapper.classList.contains("skl-field-choice")) {
      var checked = Array.prototype.filter.call(inputs, function (i) { return i.checked; });
      return checked.length ? checked[0].value : "";
    }
    if (wrapper.classList.contains("skl-field-flag")) { return inputs[0].checked; }
    if (wrapper.classList.contains("skl-field-count")) {
      var value = inputs[0].value.trim();
      return value === "" ? "" : (/^\d+$/.test(value) ? parseInt(value, 10) : value);
    }
    return inputs[0].value;
  }

  function setFieldValue(wrapper, value) {
    var inputs = wrapper.querySelectorAll("input, textarea");
    if (wrapper.classList.contains("skl-field-choices")) {
      inputs.forEach(function (i) { i.checked = (value || []).indexOf(i.value) !== -1; });
    } else if (wrapper.classList.contains("skl-field-choice")) {
      inputs.forEach(function (i) { i.checked = i.value === value; });
    } else if (wrapper.classList.contains("skl-field-flag")) {
      inputs[0].checked = !!value;
    } else {
      inputs[0].value = value === undefined || value === null ? "" : value;
    }
  }

  /* {step: {field: value}} of every field, or of the changed ones only; never a field in collision */
  function collect(onlyDirty) {
    var worksheet = {};
    form.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var key = wrapper.getAttribute("data-field");
      if ((onlyDirty && !dirty[key]) || key in held) { return; }
      var parts = key.split(".");
      worksheet[parts[0]] = worksheet[parts[0]] || {};
      worksheet[parts[0]][parts[1]] = fieldValue(wrapper);
    });
    return worksheet;
  }

  /* Show what is stored (partners' changes included) in every field the learner has no unsaved
   * typing in: a field merely focused shows the partner's text too, or the learner would go on
   * from a text that is no longer there. */
  function applyContent(content) {
    var changed = false;
    form.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var key = wrapper.getAttribute("data-field");
      var parts = key.split(".");
      if (dirty[key] || key in held) { return; }
      var stepValues = content[parts[0]] || {};
      var stored = parts[1] in stepValues ? stepValues[parts[1]] : null;
      if (stored === null) { return; }
      if (JSON.stringify(fieldValue(wrapper)) !== JSON.stringify(stored)) {
        setFieldValue(wrapper, stored);
        changed = true;
      }
    });
    updateToolWarning();
    return changed;
  }

  function clearErrors() {
    block.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
    block.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  }

  function showErrors(fieldErrors) {
    var first = null;
    Object.keys(fieldErrors || {}).forEach(function (key) {
      var target = block.querySelector('[data-error-for="' + key + '"]');
      if (!target) { return; }
      target.textContent = fieldErrors[key];
      var wrapper = wrapperOf(key);
      var input = wrapper && wrapper.querySelector("input, textarea");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    });
    return first;
  }

  function showProgress(state) {
    var progress = state.progress;
    block.querySelector(".skl-progress-summary").textContent = format(
      gettext("{done} of {total} required steps done"), {done: progress.required_done, total: progress.required_total});
    block.querySelectorAll(".skl-progress-step").forEach(function (item) {
      var key = item.getAttribute("data-step");
      var done = progress.done.indexOf(key) !== -1;
      item.classList.toggle("is-done", done);
      item.querySelector("[data-step-status]").textContent = done ? gettext("done")
        : (progress.required.indexOf(key) !== -1 ? gettext("to do") : gettext("optional"));
    });
  }

  var statusLabels = {addressed: gettext("addressed"), weak: gettext("needs improvement"), missing: gettext("missing"),
                      not_asked: gettext("not asked in this step")};

  function showFeedback(state) {
    var section = block.querySelector("[data-feedback]");
    var list = block.querySelector("[data-feedback-list]");
    list.textContent = "";
    state.feedback.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "skl-criterion is-" + item.status;
      var title = document.createElement("strong");
      title.textContent = item.title;
      var status = document.createElement("span");
      status.className = "skl-status";
      status.textContent = statusLabels[item.status] || item.status;
      li.appendChild(title);
      li.appendChild(document.createTextNode(": "));
      li.appendChild(status);
      if (item.hint) {
        var hint = document.createElement("p");
        hint.className = "skl-hint";
        hint.textContent = item.hint;
        li.appendChild(hint);
      }
      list.appendChild(li);
    });
    block.querySelector("[data-feedback-summary]").textContent = state.feedback_summary || "";
    section.hidden = !state.submitted;
    if (state.submitted) { submitButton.textContent = gettext("Submit the revised worksheet"); }
  }

  /* The activity picked from the catalogue (when the author lets learners pick): the picker, and the
   * original activity shown again when the pick changes (the learner's, or a partner's). */
  function bindPicker() {
    var pickForm = block.querySelector("[data-pick-form]");
    if (!pickForm) { return; }
    var filter = pickForm.querySelector('[data-pick-filter="cycle"]');
    if (filter) {
      filter.addEventListener("change", function () {
        pickForm.querySelectorAll("optgroup").forEach(function (group) {
          group.hidden = !!filter.value && group.getAttribute("data-cycle") !== filter.value;
        });
      });
    }
    pickForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var choice = pickForm.elements.activity.value;
      if (!choice) { return; }
      post(args.choose_url, {activity: choice}).then(function (response) {
        if (response.ok) {
          showState(response.data);
          saveStatus.textContent = gettext("The activity is picked.");
        } else {
          saveStatus.textContent = response.data.error || String(response.status);
        }
      });
    });
  }
  function showOriginal(state) {
    var section = block.querySelector("[data-original]");
    if (!section || state.activity_key === undefined ||
        section.getAttribute("data-activity-key") === state.activity_key) { return; }
    post(args.original_url, {}).then(function (response) {
      if (!response.ok) { return; }
      section.outerHTML = response.data.html;  // the server's HTML: every text in it is escaped
      bindPicker();
    });
  }
  bindPicker();

  function showState(state) {
    showOriginal(state);
    if (shared && state.shared) { version = state.shared.version; }
    applyContent(state.worksheet);
    showProgress(state);
    showFeedback(state);
    seen(state);
  }

  function updateToolWarning() {
    var warning = block.querySelector("[data-unsuitable-warning]");
    if (!warning) { return; }
    var names = Array.prototype.filter.call(
      block.querySelectorAll('input[data-pupil-data="unsuitable"]'), function (i) { return i.checked; })
      .map(function (i) { return block.querySelector('label[for="' + i.id + '"]').textContent; });
    warning.textContent = names.length ? format(
      gettext("Unsuitable for pupils' personal data: {tools}. Choose a safer tool, such as TwinSpace."),
      {tools: names.join(", ")}) : "";
    warning.hidden = !names.length;
  }

  /* A save refused because a partner changed the same answers: each field in collision is held
   * and shows, next to it, both texts and the two choices. The rest of the save is sent again. */
  function showConflicts(response) {
    var seenVersion = response.data.version;
    (response.data.conflicts || []).forEach(function (conflict) {
      var wrapper = wrapperOf(conflict.field);
      if (!wrapper) { return; }
      held[conflict.field] = seenVersion;
      delete dirty[conflict.field];
      var panel = wrapper.querySelector(".skl-conflict");
      if (panel) { panel.remove(); }
      panel = window.SkillsLab.conflictPanel(conflict, gettext, function (keepMine) {
        panel.remove();
        resolve(conflict.field, keepMine, conflict.theirs);
      });
      wrapper.appendChild(panel);
    });
    if (conflictsBox) {
      conflictsBox.textContent = response.data.error;
      conflictsBox.hidden = false;
    }
    var first = form.querySelector(".skl-conflict button");
    if (first) { first.focus(); }
    if (Object.keys(dirty).length) { saveDraft(); }  // what did not collide is saved now
  }

  /* The learner's choice for one field in collision is what the server keeps: their own text sent on
   * top of the version in which they saw the partner's, or the partner's text left as stored. */
  function resolve(field, keepMine, theirs) {
    var seenVersion = held[field];
    delete held[field];
    if (!Object.keys(held).length && conflictsBox) { conflictsBox.hidden = true; }
    if (!keepMine) {
      setFieldValue(wrapperOf(field), theirs);
      updateToolWarning();
      saveStatus.textContent = gettext("Their version is kept.");
      return refresh();
    }
    var parts = field.split(".");
    var body = {worksheet: {}, base_version: seenVersion};
    body.worksheet[parts[0]] = {};
    body.worksheet[parts[0]][parts[1]] = fieldValue(wrapperOf(field));
    saveStatus.textContent = gettext("Saving…");
    queue = queue.then(function () {
      busy = true;
      return post(args.save_draft_url, body).then(function (response) {
        busy = false;
        if (response.ok) {
          saveStatus.textContent = gettext("Your version is saved.");
          showState(response.data);
        } else if (response.status === 409 && response.data.conflicts) {
          showConflicts(response);  // changed again meanwhile: choose again, with the newest text
        } else {
          held[field] = seenVersion;
          saveStatus.textContent = format(gettext("The draft was not saved: {error}"),
            {error: response.data.error || response.status});
        }
      }, function () { busy = false; held[field] = seenVersion; });
    }).catch(function () { return null; });
    return queue;
  }

  /* Send what changed (on the version last seen) once the previous request has finished, so that a
   * submission never overtakes a save and every request carries the version its predecessor got. */
  function request(url) {
    var sending = queue.then(function () {
      var body = {worksheet: collect(true)};
      if (shared) { body.base_version = version; }
      var sent = dirty;
      dirty = {};
      busy = true;
      return post(url, body).then(function (response) {
        busy = false;
        if (!response.ok) {
          Object.keys(sent).forEach(function (key) { dirty[key] = true; });
          if (response.status === 409 && response.data.conflicts) { showConflicts(response); }
        } else if (shared && response.data.shared) {
          version = response.data.shared.version;
        }
        return response;
      }, function (error) {
        busy = false;
        Object.keys(sent).forEach(function (key) { dirty[key] = true; });
        throw error;
      });
    });
    queue = sending.catch(function () { return null; });
    return sending;
  }

  function saveDraft() {
    if (!Object.keys(dirty).length) { return Promise.resolve(); }
    saveStatus.textContent = gettext("Saving…");
    return request(args.save_draft_url).then(function (response) {
      if (response.ok) {
        clearErrors();
        saveStatus.textContent = response.data.has_unsubmitted_changes
          ? gettext("Draft saved. It has changes that are not submitted yet.") : gettext("Draft saved.");
        showState(response.data);
      } else if (response.status === 409 && response.data.conflicts) {
        saveStatus.textContent = response.data.error;
      } else {
        saveStatus.textContent = format(gettext("The draft was not saved: {error}"),
          {error: response.data.error || response.status});
        showErrors(response.data.field_errors);
      }
    }, function () {
      saveStatus.textContent = gettext("The server could not be reached. Your answers are still on this page; try again.");
    });
  }

  function onChange(event) {
    var wrapper = event.target.closest("[data-field]");
    if (!wrapper) { return; }
    var key = wrapper.getAttribute("data-field");
    if (key in held) { return; }  // kept out of saves until the learner chooses
    dirty[key] = true;
    updateToolWarning();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 1200);
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  // Enter in a one-line answer (the number of schools) moves on; it does not submit the worksheet.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "INPUT" && target.type !== "submit" && target.type !== "button") {
      event.preventDefault();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(saveTimer);
    if (Object.keys(held).length) {
      result.textContent = gettext("Choose which version to keep for each answer marked, then submit.");
      var choice = form.querySelector(".skl-conflict button");
      (choice || result).focus();
      return;
    }
    submitButton.disabled = true;
    result.textContent = gettext("Submitting…");
    if (!shared) {  // an individual submission carries the whole worksheet
      form.querySelectorAll("[data-field]").forEach(function (w) { dirty[w.getAttribute("data-field")] = true; });
    }
    request(args.submit_url).then(function (response) {
      submitButton.disabled = false;
      clearErrors();
      if (response.ok) {
        var state = response.data;
        showState(state);
        saveStatus.textContent = "";
        result.textContent = gettext("Submitted.") + " " + state.feedback_summary;
        result.focus();
      } else if (!(response.status === 409 && response.data.conflicts)) {
        result.textContent = response.data.error || String(response.status);
        var first = showErrors(response.data.field_errors);
        (first || result).focus();
      } else {
        result.textContent = "";
      }
      if (!response.ok && response.status === 409 && shared && !response.data.conflicts) { refresh(); }
    }, function () {
      submitButton.disabled = false;
      result.textContent = gettext("The server could not be reached. Your answers are still on this page; try again.");
      result.focus();
    });
  });

  block.querySelectorAll("[data-step-link]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var target = block.querySelector('fieldset.skl-step[data-step="' + link.getAttribute("data-step-link") + '"]');
      var first = target.querySelector("input, textarea");
      target.scrollIntoView({block: "start"});
      if (first) { first.focus(); }
    });
  });

  /* Who changed what: each save with every field's text before and after, and a way back to it. */
  var history = block.querySelector("[data-history]");
  function showHistory() {
    return post(args.history_url, {}).then(function (response) {
      var list = history.querySelector("[data-history-list]");
      list.textContent = "";
      (response.data.history || []).forEach(function (row, index) {
        var li = document.createElement("li");
        var who = document.createElement("p");
        who.textContent = format(gettext("{school} ({teacher}), {when}:"), {
          school: row.school || "—", teacher: row.teacher || "—",
          when: new Date(row.at).toLocaleString(args.language)});
        li.appendChild(who);
        (row.changes || []).forEach(function (change) {
          var p = document.createElement("p");
          p.className = "skl-history-change";
          var label = document.createElement("strong");
          label.textContent = change.label + ": ";
          var before = document.createElement("del");
          before.textContent = window.SkillsLab.display(change.before);
          var after = document.createElement("ins");
          after.textContent = window.SkillsLab.display(change.after);
          p.appendChild(label);
          p.appendChild(before);
          p.appendChild(document.createTextNode(" → "));
          p.appendChild(after);
          li.appendChild(p);
        });
        if (index > 0 && !form.querySelector("fieldset[disabled]")) {  // the newest is what is shown already
          var restore = document.createElement("button");
          restore.type = "button";
          restore.className = "skl-secondary";
          restore.textContent = gettext("Bring the worksheet back to this version");
          restore.addEventListener("click", function () {
            post(args.restore_url, {version: row.version}).then(function (answer) {
              if (answer.ok) {
                dirty = {};
                showState(answer.data);
                saveStatus.textContent = gettext("The earlier version is back; the history keeps the one it replaced.");
                showHistory();
              } else {
                saveStatus.textContent = answer.data.error || String(answer.status);
              }
            });
          });
          li.appendChild(restore);
        }
        list.appendChild(li);
      });
    });
  }
  if (history) {
    history.addEventListener("toggle", function () { if (history.open) { showHistory(); } });
  }

  /* Resolves true when the answer showed partners' changes (SkillsLab.poll's contract), false when not. */
  function refresh() {
    return post(args.shared_state_url, {known_version: version}).then(function (response) {
      if (!response.ok) { return false; }
      if (response.data.unchanged || !response.data.shared || response.data.shared.version === version) {
        seen(response.data);
        return false;
      }
      if (busy) { return undefined; }  // a save is on its way: its answer shows the newest, ask again
      if (response.data.shared.version < version) {  // an answer older than the page
        seen(response.data);
        return false;
      }
      version = response.data.shared.version;
      var changed = applyContent(response.data.worksheet);
      showOriginal(response.data);
      showProgress(response.data);
      showFeedback(response.data);
      if (changed) { saveStatus.textContent = gettext("Your partners' latest changes are shown."); }
      if (history && history.open) { showHistory(); }
      seen(response.data);
      return true;
    });
  }

  /* A shared step shown before the learner has a partnership: once they join one (on this page's
   * partner block, or elsewhere), the step opens here, with the partnership's worksheet. */
  function unlock(state) {
    waitingForPartners = false;
    shared = true;
    version = state.shared.version;
    var notice = block.querySelector("[data-needs-partnership]");
    if (notice) { notice.hidden = true; }
    if (!state.deadline_passed) {
      form.querySelectorAll("fieldset[disabled]").forEach(function (f) { f.disabled = false; });
      submitButton.disabled = false;
    }
    showState(state);
    saveStatus.textContent = gettext("You are in a partnership: this step is open to you and your partners.");
  }
  function checkPartnership() {
    return post(args.shared_state_url, {}).then(function (response) {
      if (response.ok && response.data.shared && !response.data.shared.needs_partnership) {
        unlock(response.data);
        return true;
      }
      if (response.ok) { seen(response.data); }  // still waiting, as the page shows
      return false;
    });
  }
  var needsNotice = block.querySelector("[data-needs-partnership]");
  var partnersUrl = waitingForPartners && (args.state.shared.partners_url ||
    (document.querySelector(".skl-partners[id]") ? "#" + document.querySelector(".skl-partners[id]").id : ""));
  if (partnersUrl && needsNotice) {  // the course's partner block: its unit, or this page
    var link = document.createElement("a");
    link.href = partnersUrl;
    link.textContent = gettext("Find partner schools");
    needsNotice.appendChild(document.createTextNode(" "));
    needsNotice.appendChild(link);
  }
  document.addEventListener("skillslab:partnership-changed", function () {
    if (waitingForPartners) { checkPartnership(); }
  });

  if (args.shared) {  // pick up partners' changes (or a new partnership) while the page is open
    // At once too: the page was rendered by a view, which writes nothing; asking the handler is what
    // gives this partner the completion their partnership earned meanwhile.
    if (shared) { refresh(); }
    // Through the page's change feed where the server offers one: shared_state only when this step's
    // worksheet or the learner's partnership changed (args.feed; without it, every poll asks).
    feedWatch = window.SkillsLab.watch(args.feed, function () {
      if (waitingForPartners) { return checkPartnership(); }
      if (busy || Object.keys(dirty).length) { return Promise.resolve(); }  // not asked: undefined
      return refresh();
    }, args.poll_seconds || 5, block);
  }

  updateToolWarning();
}
