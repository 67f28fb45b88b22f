/* The learner's side of etwinning_survey: send the answers, show each refused item, move the focus. */
function SkillsLabSurvey(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var block = root.querySelector(".skl-survey") || root;
  var form = block.querySelector("[data-survey-form]");
  if (!form) { return; }
  var gettext = window.SkillsLab.translator(args.language);
  var result = block.querySelector("[data-result]");
  var button = form.querySelector(".skl-submit");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = {};
    form.querySelectorAll("[data-item]").forEach(function (fieldset) {
      var checked = fieldset.querySelector("input:checked");
      if (checked) { answers[fieldset.getAttribute("data-item")] = parseInt(checked.value, 10); }
    });
    var body = {answers: answers};
    var comment = form.querySelector('[name="comment"]');
    if (comment) { body.comment = comment.value; }
    var share = form.querySelector('[name="share_with_nss"]');  // named surveys ask for consent
    if (share) { body.share_with_nss = share.checked; }
    button.disabled = true;
    window.SkillsLab.post(args.submit_url, body).then(function (response) {
      button.disabled = false;
      form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
      form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
      if (response.ok) {
        result.textContent = response.data.message;
        if (!response.data.can_answer) { form.hidden = true; }
        if (response.data.results_html) {  // rendered and escaped by the server
          block.querySelector("[data-results]").innerHTML = response.data.results_html;
        }
        button.textContent = gettext("Save my changed answers");
        result.focus();
        return;
      }
      result.textContent = response.data.error || String(response.status);
      var first = null;
      Object.keys(response.data.field_errors || {}).forEach(function (key) {
        var target = form.querySelector('[data-error-for="' + key + '"]');
        if (!target) { return; }
        target.textContent = response.data.field_errors[key];
        var input = target.closest("fieldset, .skl-field").querySelector("input, textarea");
        if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
      });
      (first || result).focus();
    }, function () {
      button.disabled = false;
      result.textContent = gettext("The server could not be reached. Your answers are still on this page; try again.");
      result.focus();
    });
  });
}
