/* The learner's side of etwinning_registration: save the declaration, show each refused field. */
function SkillsLabRegistration(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var block = root.querySelector(".skl-registration") || root;
  var form = block.querySelector("[data-registration-form]");
  if (!form) { return; }
  var gettext = window.SkillsLab.translator(args.language);
  var result = block.querySelector("[data-result]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    ["profile_url", "school_name", "school_code", "region"].forEach(function (name) {
      body[name] = form.elements[name].value;
    });
    ["teacher_registered_during_course", "school_registered_during_course", "consent_to_share_profile"]
      .forEach(function (name) { body[name] = form.elements[name].checked; });
    window.SkillsLab.post(args.save_url, body).then(function (response) {
      form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
      form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
      if (response.ok) {
        result.textContent = response.data.message;
        result.focus();
        return;
      }
      result.textContent = response.data.error || String(response.status);
      var first = null;
      Object.keys(response.data.field_errors || {}).forEach(function (name) {
        var target = form.querySelector('[data-error-for="' + name + '"]');
        if (target) { target.textContent = response.data.field_errors[name]; }
        var input = form.elements[name];
        if (input && input.setAttribute) { input.setAttribute("aria-invalid", "true"); first = first || input; }
      });
      (first || result).focus();
    }, function () {
      result.textContent = gettext("The server could not be reached. Your answers are still on this page; try again.");
      result.focus();
    });
  });
}
