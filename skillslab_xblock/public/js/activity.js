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
  var version = shared ? args.state.shared.version : 0;
  var dirty = {};        // "step.field" → true for what the learner changed since the last save
  var saveTimer = null;
  var busy = false;      // a save or submit is on its way
  var queue = Promise.resolve();  // saves and submissions go one after another, in order

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

  /* {step: {field: value}} of every field, or of the changed ones only */
  function collect(onlyDirty) {
    var worksheet = {};
    form.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var key = wrapper.getAttribute("data-field");
      if (onlyDirty && !dirty[key]) { return; }
      var parts = key.split(".");
      worksheet[parts[0]] = worksheet[parts[0]] || {};
      worksheet[parts[0]][parts[1]] = fieldValue(wrapper);
    });
    return worksheet;
  }

  /* Show what is stored (partners' changes included) in every field the learner is not editing. */
  function applyContent(content) {
    form.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var key = wrapper.getAttribute("data-field");
      var parts = key.split(".");
      if (dirty[key] || wrapper.contains(document.activeElement)) { return; }
      var stepValues = content[parts[0]] || {};
      if (parts[1] in stepValues) { setFieldValue(wrapper, stepValues[parts[1]]); }
    });
    updateToolWarning();
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

  var statusLabels = {addressed: gettext("addressed"), weak: gettext("weak"), missing: gettext("missing")};

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
    section.hidden = !state.submitted;
    if (state.submitted) { submitButton.textContent = gettext("Submit the revised worksheet"); }
  }

  function showState(state) {
    if (shared && state.shared) { version = state.shared.version; }
    applyContent(state.worksheet);
    showProgress(state);
    showFeedback(state);
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

  function showConflicts(response) {
    if (!conflictsBox) { return; }
    version = response.data.version;
    window.SkillsLab.showConflicts(conflictsBox, response.data, gettext, function (field, keepMine, theirs) {
      if (keepMine) {
        dirty[field] = true;
      } else {
        delete dirty[field];
        setFieldValue(wrapperOf(field), theirs);
        updateToolWarning();
      }
    }, saveDraft);
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
    dirty[wrapper.getAttribute("data-field")] = true;
    updateToolWarning();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 1200);
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(saveTimer);
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
        result.textContent = format(gettext("Submitted. {addressed} of {total} Quality Label criteria addressed."),
          {addressed: state.feedback.filter(function (f) { return f.status === "addressed"; }).length,
           total: state.feedback.length});
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

  var history = block.querySelector("[data-history]");
  if (history) {
    history.addEventListener("toggle", function () {
      if (!history.open) { return; }
      post(args.history_url, {}).then(function (response) {
        var list = history.querySelector("[data-history-list]");
        list.textContent = "";
        (response.data.history || []).forEach(function (row) {
          var li = document.createElement("li");
          li.textContent = format(gettext("{school} ({teacher}) changed: {fields}"),
            {school: row.school || "—", teacher: row.teacher || "—", fields: row.fields.join("; ")}) +
            " — " + new Date(row.at).toLocaleString(args.language);
          list.appendChild(li);
        });
      });
    });
  }

  function refresh() {
    return post(args.shared_state_url, {}).then(function (response) {
      if (response.ok && !busy && response.data.shared && response.data.shared.version !== version) {
        showState(response.data);
        saveStatus.textContent = gettext("Your partners' latest changes are shown.");
      }
    });
  }

  if (shared) {  // pick up partners' changes while the page is open
    // At once too: the page was rendered by a view, which writes nothing; asking the handler is what
    // gives this partner the completion their partnership earned meanwhile.
    refresh();
    setInterval(function () {
      if (busy || Object.keys(dirty).length || document.hidden) { return; }
      refresh();
    }, args.poll_seconds ? args.poll_seconds * 1000 : 15000);
  }

  updateToolWarning();
}
