/* Studio editor of skillslab_activity: catalogue picker, the author's own catalogue, save with errors. */
function SkillsLabActivityStudio(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var form = root.querySelector(".skl-studio-form");
  var gettext = window.SkillsLab.translator(args.language);
  var post = window.SkillsLab.post;
  var programmes = args.catalogue;
  var selects = {
    programme: form.querySelector('[data-catalogue="programme"]'),
    workshop: form.querySelector('[data-catalogue="workshop"]'),
    activity: form.querySelector('[data-catalogue="activity"]')
  };
  var result = form.querySelector("[data-result]");
  // The display name follows the activity picked from the catalogue until the author types their own.
  var offeredName = args.default_display_name;

  function fill(select, items, placeholder) {
    select.textContent = "";
    if (placeholder !== undefined) {
      var empty = document.createElement("option");
      empty.value = "";
      empty.textContent = placeholder;
      select.appendChild(empty);
    }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.id;
      option.textContent = item.title;
      select.appendChild(option);
    });
    select.disabled = !items.length;
  }
  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function current(kind) {
    var programme = programmes.filter(function (p) { return p.id === selects.programme.value; })[0];
    if (kind === "programme" || !programme) { return programme; }
    var workshop = programme.workshops.filter(function (w) { return w.id === selects.workshop.value; })[0];
    if (kind === "workshop" || !workshop) { return workshop; }
    return workshop.activities.filter(function (a) { return a.id === selects.activity.value; })[0];
  }
  function applyActivity() {
    var programme = current("programme"), workshop = current("workshop"), activity = current("activity");
    if (!programme || !workshop || !activity) { return; }
    field("programme_id").value = programme.id;
    field("programme_title").value = programme.title;
    field("cycle").value = programme.cycle;
    field("sub_theme").value = programme.sub_theme;
    field("school_level").value = programme.school_levels[0] || "";
    form.querySelectorAll('[name="skills"]').forEach(function (box) {
      box.checked = programme.skills.indexOf(box.value) !== -1;
    });
    field("workshop_title").value = workshop.title + (activity.title ? " — " + activity.title : "");
    field("activity_text").value = activity.text;
    var name = field("display_name");
    if (!name.value.trim() || name.value === offeredName) {
      name.value = offeredName = activity.title || workshop.title;
    }
  }
  function showProgrammes() {
    fill(selects.programme, programmes, gettext("— Enter the activity by hand —"));
    selects.programme.disabled = false;
    fill(selects.workshop, []);
    fill(selects.activity, []);
  }
  selects.programme.addEventListener("change", function () {
    var programme = current("programme");
    fill(selects.workshop, programme ? programme.workshops : []);
    selects.workshop.dispatchEvent(new Event("change"));
    if (!programme) { field("programme_id").value = ""; }
  });
  selects.workshop.addEventListener("change", function () {
    var workshop = current("workshop");
    fill(selects.activity, workshop ? workshop.activities : []);
    applyActivity();
  });
  selects.activity.addEventListener("change", applyActivity);

  var fileInput = form.querySelector("[data-catalogue-file]");
  fileInput.addEventListener("change", function () {
    var file = fileInput.files[0];
    if (!file) { return; }
    file.text().then(function (text) {
      return post(args.catalogue_url, {catalogue: text});
    }).then(function (response) {
      var list = form.querySelector('[data-error-for="catalogue"]');
      list.textContent = "";
      if (response.ok) {
        programmes = response.data.programmes;
        showProgrammes();
        result.textContent = gettext("Catalogue loaded: choose a programme above.");
      } else {
        result.textContent = response.data.error || String(response.status);
        ((response.data.field_errors || {}).catalogue || []).forEach(function (message) {
          var li = document.createElement("li");
          li.textContent = message;
          list.appendChild(li);
        });
      }
      result.focus();
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = {
      display_name: field("display_name").value,
      programme_id: field("programme_id").value,
      programme_title: field("programme_title").value,
      cycle: field("cycle").value,
      sub_theme: field("sub_theme").value,
      school_level: field("school_level").value,
      skills: Array.prototype.filter.call(form.querySelectorAll('[name="skills"]'), function (b) { return b.checked; })
        .map(function (b) { return b.value; }),
      workshop_title: field("workshop_title").value,
      activity_text: field("activity_text").value,
      required_steps: Array.prototype.filter.call(form.querySelectorAll('[name="required_steps"]'), function (b) { return b.checked; })
        .map(function (b) { return b.value; }),
      deadline: field("deadline").value,
      collaboration_mode: (form.querySelector('[name="collaboration_mode"]:checked') || {value: "individual"}).value,
      activity_source: (form.querySelector('[name="activity_source"]:checked') || {value: "fixed"}).value,
      teamset_id: field("teamset_id").value,
      weight: field("weight").value
    };
    window.SkillsLab.saveSettings(runtime, form, args.save_url, data, gettext);
  });
  form.querySelector("[data-cancel]").addEventListener("click", function () {
    if (runtime.notify) { runtime.notify("cancel", {}); }
  });
  showProgrammes();
}
