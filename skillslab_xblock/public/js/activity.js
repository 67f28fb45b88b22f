/* The learner's side of skillslab_activity: autosaved drafts, progress, submission, feedback.
 * Plain JavaScript (no framework): the LMS, Studio and the workbench all run it as it is. */
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
  var submitButton = block.querySelector(".skl-submit");
  var dirtySteps = {};
  var saveTimer = null;
  var saving = null;

  function stepAnswers(stepKey) {
    var answers = {};
    var fieldset = form.querySelector('fieldset.skl-step[data-step="' + stepKey + '"]');
    fieldset.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var name = wrapper.getAttribute("data-field").split(".")[1];
      var inputs = wrapper.querySelectorAll("input, textarea");
      if (wrapper.classList.contains("skl-field-choices")) {
        answers[name] = Array.prototype.filter.call(inputs, function (i) { return i.checked; })
          .map(function (i) { return i.value; });
      } else if (wrapper.classList.contains("skl-field-choice")) {
        var checked = Array.prototype.filter.call(inputs, function (i) { return i.checked; });
        answers[name] = checked.length ? checked[0].value : "";
      } else if (wrapper.classList.contains("skl-field-flag")) {
        answers[name] = inputs[0].checked;
      } else if (wrapper.classList.contains("skl-field-count")) {
        var value = inputs[0].value.trim();
        answers[name] = value === "" ? "" : (/^\d+$/.test(value) ? parseInt(value, 10) : value);
      } else {
        answers[name] = inputs[0].value;
      }
    });
    return answers;
  }

  function collect(onlyDirty) {
    var worksheet = {};
    form.querySelectorAll("fieldset.skl-step").forEach(function (fieldset) {
      var key = fieldset.getAttribute("data-step");
      if (!onlyDirty || dirtySteps[key]) { worksheet[key] = stepAnswers(key); }
    });
    return worksheet;
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
      var wrapper = block.querySelector('[data-field="' + key + '"]');
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
  }

  function addressedCount(state) {
    return state.feedback.filter(function (f) { return f.status === "addressed"; }).length;
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

  function saveDraft() {
    var worksheet = collect(true);
    if (!Object.keys(worksheet).length) { return Promise.resolve(); }
    var sent = dirtySteps;
    dirtySteps = {};
    saveStatus.textContent = gettext("Saving…");
    saving = post(args.save_draft_url, {worksheet: worksheet}).then(function (response) {
      if (response.ok) {
        clearErrors();
        saveStatus.textContent = response.data.has_unsubmitted_changes
          ? gettext("Draft saved. It has changes that are not submitted yet.") : gettext("Draft saved.");
        showProgress(response.data);
      } else {
        Object.keys(sent).forEach(function (key) { dirtySteps[key] = true; });
        saveStatus.textContent = format(gettext("The draft was not saved: {error}"), {error: response.data.error || response.status});
        showErrors(response.data.field_errors);
      }
    }, function () {
      Object.keys(sent).forEach(function (key) { dirtySteps[key] = true; });
      saveStatus.textContent = gettext("The server could not be reached. Your answers are still on this page; try again.");
    });
    return saving;
  }

  function onChange(event) {
    var fieldset = event.target.closest("fieldset.skl-step");
    if (!fieldset) { return; }
    dirtySteps[fieldset.getAttribute("data-step")] = true;
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
    post(args.submit_url, {worksheet: collect(false)}).then(function (response) {
      submitButton.disabled = false;
      clearErrors();
      if (response.ok) {
        dirtySteps = {};
        var state = response.data;
        showProgress(state);
        showFeedback(state);
        submitButton.textContent = gettext("Submit the revised worksheet");
        saveStatus.textContent = "";
        result.textContent = format(gettext("Submitted. {addressed} of {total} Quality Label criteria addressed."),
          {addressed: addressedCount(state), total: state.feedback.length});
        result.focus();
      } else {
        result.textContent = response.data.error || String(response.status);
        var first = showErrors(response.data.field_errors);
        (first || result).focus();
      }
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

  updateToolWarning();
}
