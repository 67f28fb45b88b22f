/* A block's simple Studio editor: sends the form's fields, shows each refused field's message. */
function SkillsLabSettingsForm(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var form = root.querySelector("[data-settings-form]");
  var gettext = window.SkillsLab.translator(args.language);
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
    window.SkillsLab.saveSettings(runtime, form, args.save_url, data, gettext);
  });
  var cancel = form.querySelector("[data-cancel]");
  if (cancel) { cancel.addEventListener("click", function () { if (runtime.notify) { runtime.notify("cancel", {}); } }); }
}
