/* The learner's side of etwinning_partners: card, search, invitations, partnership.
 * The server renders (and escapes) every changing part of the page; this script sends the
 * learner's actions and puts the returned parts in place. */
function SkillsLabPartners(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var block = root.querySelector(".skl-partners") || root;
  var gettext = window.SkillsLab.translator(args.language);
  var post = window.SkillsLab.post;
  var result = block.querySelector("[data-result]");
  var results = block.querySelector("[data-results]");
  var lastSearch = {};
  var stamp = args.stamp || "";
  var feedWatch = null;  // the page's change feed (SkillsLab.watch)
  function seen(data) { if (feedWatch) { feedWatch.seen(data.feed); } }

  function announce(text, focus) {
    result.textContent = text;
    if (focus) { result.focus(); }
  }
  function showSections(sections) {
    Object.keys(sections || {}).forEach(function (name) {
      var target = block.querySelector('[data-section="' + name + '"]');
      if (target) { target.innerHTML = sections[name]; }
    });
  }
  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  }
  function act(url, body, form) {
    return post(url, body).then(function (response) {
      if (form) { clearErrors(form); }
      if (response.ok) {
        showSections(response.data.sections);
        if (response.data.stamp) { stamp = response.data.stamp; }
        seen(response.data);
        document.dispatchEvent(new CustomEvent("skillslab:partnership-changed"));
        announce(response.data.message || "", true);
        return response;
      }
      announce(response.data.error || String(response.status), true);
      var first = null;
      Object.keys(response.data.field_errors || {}).forEach(function (name) {
        var target = (form || block).querySelector('[data-error-for="' + name + '"]');
        if (target) { target.textContent = response.data.field_errors[name]; }
        var input = form && form.querySelector('[name="' + name + '"]');
        if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
      });
      if (first) { first.focus(); }
      return response;
    }, function () {
      announce(gettext("The server could not be reached. Your answers are still on this page; try again."), true);
    });
  }
  function checked(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll('[name="' + name + '"]'), function (b) { return b.checked; })
      .map(function (b) { return b.value; });
  }

  var cardForm = block.querySelector("[data-card-form]");
  if (cardForm) {
    cardForm.addEventListener("submit", function (event) {
      event.preventDefault();
      act(args.urls.save_card, {
        teacher_name: cardForm.elements.teacher_name.value,
        school_name: cardForm.elements.school_name.value,
        school_level: cardForm.elements.school_level.value,
        country: cardForm.elements.country.value,
        region: cardForm.elements.region.value,
        languages: checked(cardForm, "languages"),
        cycles: checked(cardForm, "cycles"),
        sub_themes: checked(cardForm, "sub_themes"),
        message: cardForm.elements.message.value,
        published: cardForm.elements.published.checked
      }, cardForm).then(function (response) { if (response && response.ok) { search(lastSearch, 0); } });
    });
  }

  function search(filters, page) {
    lastSearch = filters;
    return post(args.urls.search, Object.assign({page: page}, filters)).then(function (response) {
      if (!response.ok) { announce(response.data.error || String(response.status), true); return; }
      if (page === 0) {
        results.innerHTML = response.data.html;
      } else {
        var more = results.querySelector("[data-more]");
        if (more) { more.remove(); }
        results.insertAdjacentHTML("beforeend", response.data.html);
      }
    });
  }
  var searchForm = block.querySelector("[data-search-form]");
  if (searchForm) {
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      search({
        school_level: searchForm.elements.school_level.value,
        sub_theme: searchForm.elements.sub_theme.value,
        language: searchForm.elements.language.value,
        country: searchForm.elements.country.value
      }, 0).then(function () {
        var count = results.querySelector(".skl-results-count");
        if (count) { count.setAttribute("tabindex", "-1"); count.focus(); }
      });
    });
    search({}, 0);
  }

  block.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target || !block.contains(target)) { return; }
    if (target.hasAttribute("data-invite")) {
      var card = target.closest("[data-card]");
      var message = card.querySelector("[data-invite-message]");
      act(args.urls.invite, {card: target.getAttribute("data-invite"), message: message ? message.value : ""})
        .then(function (response) { if (response && response.ok) { target.disabled = true; } });
    } else if (target.hasAttribute("data-respond")) {
      act(args.urls.respond, {invitation: target.getAttribute("data-respond"),
                              accept: target.getAttribute("data-accept") === "true"});
    } else if (target.hasAttribute("data-withdraw")) {
      act(args.urls.withdraw, {invitation: target.getAttribute("data-withdraw")});
    } else if (target.hasAttribute("data-leave")) {
      if (window.confirm(gettext("Leave the partnership? Your partners keep the work you did together."))) {
        act(args.urls.leave, {});
      }
    } else if (target.hasAttribute("data-more")) {
      search(lastSearch, parseInt(target.getAttribute("data-more"), 10));
    }
  });

  /* Invitations received, answers to the learner's own and new members appear while the page is
   * open: the page asks with its stamp, and the server answers "unchanged" until something is. */
  var live = block.querySelector("[data-live]");
  /* Resolves true when something changed (SkillsLab.poll's contract): also when it is not shown yet
   * because the learner is in one of the sections, so that it is shown soon after. */
  function checkPartnership() {
    if (!args.stamp) { return Promise.resolve(false); }  // not signed in
    return post(args.urls.current, {stamp: stamp}).then(function (response) {
      if (!response.ok) { return false; }
      if (response.data.unchanged) { seen(response.data); return false; }
      if (block.contains(document.activeElement) && document.activeElement.closest("[data-section]")) { return true; }
      stamp = response.data.stamp;
      showSections(response.data.sections);
      seen(response.data);
      if (live) { live.textContent = gettext("Your partnership and invitations were updated."); }
      document.dispatchEvent(new CustomEvent("skillslab:partnership-changed"));
      return true;
    });
  }
  // Through the page's change feed where the server offers one (args.feed): ``current`` only when the
  // learner's partnership or invitations changed; without it, every poll asks.
  feedWatch = window.SkillsLab.watch(args.feed, checkPartnership, args.poll_seconds || 5, block);
}
