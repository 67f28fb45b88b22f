/* A block's simple Studio editor: sends the form's fields, shows each refused field's message. */
function SkillsLabSettingsForm(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var form = root.querySelector("[data-settings-form]");
  var gettext = window.SkillsLab.translator(args.language);
  var result = form.querySelector("[data-result]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name) { return; }
      if (input.type === "checkbox") {
        data[input.name] = data[input.name] || [];
        if (input.checked) { data[input.name].push(input.value); }
      } else if (input.hasAttribute("data-integer")) {
        data[input.name] = /^-?\d+$/.test(input.value.trim()) ? parseInt(input.value, 10) : input.value;
      } else {
        data[input.name] = input.value;
      }
    });
    if (runtime.notify) { runtime.notify("save", {state: "start"}); }
    window.SkillsLab.post(args.save_url, data).then(function (response) {
      form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
      if (response.ok) {
        result.textContent = gettext("Saved.");
        if (runtime.notify) { runtime.notify("save", {state: "end"}); }
        return;
      }
      result.textContent = response.data.error || String(response.status);
      Object.keys(response.data.field_errors || {}).forEach(function (name) {
        var target = form.querySelector('[data-error-for="' + name + '"]');
        if (target) { target.textContent = response.data.field_errors[name]; }
      });
      if (runtime.notify) { runtime.notify("error", {title: gettext("The settings were not saved."), message: result.textContent}); }
      result.focus();
    });
  });
  var cancel = form.querySelector("[data-cancel]");
  if (cancel) { cancel.addEventListener("click", function () { if (runtime.notify) { runtime.notify("cancel", {}); } }); }
}
