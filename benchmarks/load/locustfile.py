"""
A run's peak on the production-like demo (``./dev serve start``): teachers working through the
four-week demo course at once, as their pages do (benchmarks/README.md, "Load test").

Each simulated teacher opens the course page (Greek or English), answers the self-assessment,
publishes a partnership card, searches for partners, forms a partnership of two schools with the
teacher next to them (one invites the card its search found, the other accepts the invitation its
page's poll shows), declares the eTwinning registration, then fills both shared worksheet steps and
the project plan: autosaves every few seconds while the page polls (``poll_seconds`` of the demo, 5 s,
backing off while nothing changes): one change feed request per tick for the partner block, both steps
and the plan together, and a block's own handler only when the feed's answer says its stamp moved
(``SKILLSLAB_LOAD_FEED=0``: each block polls its handler, as the page does without the feed). Then it
submits the steps, answers the survey and the closing self-assessment, reopens the page and keeps it
open until the run ends.

Every save the server acknowledges (200) is written to ``$SKILLSLAB_LOAD_LOG_DIR`` (one JSON line:
teacher, block, section, field, text), for ``benchmarks/load/check.py`` to find in the database
afterwards. Each teacher of a pair writes its own fields of the shared documents, so the text it
saved last must be what the document holds: a lost save cannot hide behind a partner's later one.

    .venv/bin/locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8010 \
        --headless -u 1000 -r 50 -t 5m --csv var/serve/load/run
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

SCENARIOS = {"el": ("skillslab_activity.0", "etwinning-skills-labs-four-week-demo-course"),
             "en": ("skillslab_activity.1", "etwinning-skills-labs-four-week-demo-course-english")}
POLL_SECONDS = 5
# The page's adaptive poll (SkillsLab.poll in skillslab_common.js): each block asks first after a random
# 0.5-1.5 x POLL_SECONDS, then waits POLL_GROWTH times longer after each answer with nothing new, up to
# POLL_CEILING (6 x POLL_SECONDS, at most 60 s), and POLL_SECONDS again once an answer showed something
# new or the teacher typed, clicked or saved in that block. The pages of the run stay visible.
POLL_GROWTH = 1.5
POLL_CEILING = max(POLL_SECONDS, min(6 * POLL_SECONDS, 60))
# The blocks that poll, by the name the page's handlers go to: (poll handler, poller).
POLLERS = {"etwinning_partners.d0.u0": ("current", "partners"),
           "skillslab_activity.d0.u0": ("shared_state", "d0.u0"),
           "skillslab_activity.d1.u0": ("shared_state", "d1.u0"),
           "etwinning_project_plan.d0.u0": ("current_plan", "plan")}
# The change feed (SkillsLab.watch in skillslab_common.js, etwinning_plugin/change_feed.py): the page's one
# poll for all its blocks. Off: each block polls its own handler (a site without the feed).
FEED = os.environ.get("SKILLSLAB_LOAD_FEED", "1") != "0"
INIT_ARGS = re.compile(r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', re.S)
# What the partner block's page does and then tells the page ("skillslab:partnership-changed").
PARTNER_ACTIONS = ("save_card", "invite", "respond", "withdraw", "leave")
SAVE_EVERY = (3.0, 6.0)  # seconds between two autosaves while a teacher types
SAVES_PER_STEP = 12
AREAS = ("professional_engagement", "digital_resources", "teaching_learning", "assessment",
         "empowering_learners", "learners_digital_competence")
SURVEY_ITEMS = ("satisfaction", "content_quality", "activities_helped", "practice_improvement",
                "ready_for_project", "tutors_expectations", "would_recommend")
# Filters that single out the partner's card: level × country × language, unique per pair.
LEVELS = ("kindergarten", "primary_lower", "primary_middle", "primary_upper", "lower_secondary",
          "upper_secondary", "vocational")
COUNTRIES = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
             "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")
LANGUAGES = ("fr", "de", "it", "es", "pt", "nl", "pl", "ro", "bg", "cs", "sk", "sl", "hr", "hu", "da", "sv",
             "fi", "et", "lv", "lt", "mt", "ga", "tr", "uk", "sq", "mk", "sr", "no")
# Fields of the shared documents, one owner each in a pair: (section, field) -> role.
OWNED = {
    "inviter": {"worksheet": ("goal", "shared_goal"), "plan": ("plan", "aims")},
    "invitee": {"worksheet": ("goal", "curriculum_link"), "plan": ("plan", "timeline")},
}
# The steps the inviter completes when submitting (the rest of a complete worksheet).
REST_OF_WORKSHEET = {
    "partners": {"school_count": 2, "school_levels": ["primary_upper"], "countries": "Greece, Italy",
                 "roles": "Each school maps its own river; the partner school builds the shared map."},
    "collaboration": {"level": "joint_product", "how": "Mixed teams of pupils from both schools."},
    "joint_product": {"description": "A shared e-book: Our rivers."},
    "tools": {"tools": ["twinspace", "padlet"], "other_tools": "", "data_protection_checked": True},
    "twinspace": {"practices": ["page_per_workshop", "journal"], "details": ""},
    "evaluation": {"methods": ["pupil_self_assessment", "partner_survey"], "details": ""},
}

RUN = os.environ.get("SKILLSLAB_LOAD_RUN", uuid.uuid4().hex[:6])
LOG_DIR = os.environ.get("SKILLSLAB_LOAD_LOG_DIR", "var/serve/load")
_numbers = itertools.count()
_cards: dict[str, str] = {}  # teacher -> school name of their card (pairs live in one process)
_log = {}  # "file": this process's log of acknowledged saves


@events.init.add_listener
def _open_log(environment, **_kwargs):
    os.makedirs(LOG_DIR, exist_ok=True)
    _log["file"] = open(os.path.join(LOG_DIR, f"saves-{RUN}-{os.getpid()}.jsonl"), "a", encoding="utf-8")  # noqa: SIM115


def acknowledged(**entry) -> None:
    _log["file"].write(json.dumps(entry) + "\n")
    _log["file"].flush()


class Teacher(FastHttpUser):
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self):
        number = next(_numbers)
        self.pair = number // 2
        self.role = "inviter" if number % 2 == 0 else "invitee"
        self.name = f"{RUN}-{os.getpid()}-{number}"
        self.partner = f"{RUN}-{os.getpid()}-{number ^ 1}"
        self.lang = "el" if self.pair % 2 else "en"
        self.scenario, self.slug = SCENARIOS[self.lang]
        self.versions = {"worksheet.d0.u0": 0, "worksheet.d1.u0": 0, "plan": 0}
        self.partners_stamp = ""
        self.partnered = False
        self.invitation = None  # what the partner block's poll showed the invitee
        self.step_open = {"d0.u0": False, "d1.u0": False}  # a shared step no longer waits for a partnership
        self.pollers: dict[str, dict] = {}
        self.feed_url = ""  # the page's change feed, when the page offers one
        self.watched: dict[str, dict] = {}  # poller -> {"token", "stamp"} of its block

    # --- requests ------------------------------------------------------------------------------------

    def page(self, label: str) -> None:
        """The course page; a page that did not load is loaded again, as a teacher would."""
        url = f"/scenario/{self.scenario}/?student={self.name}&lang={self.lang}"
        while True:
            with self.client.get(url, name=f"page ({label})", catch_response=True) as resp:
                if resp.status_code == 200:
                    self.open_pollers(resp.text or "")
                    return
                resp.failure(f"{resp.status_code}: page")
            gevent.sleep(random.uniform(2, 5))

    def call(self, block: str, handler: str, body: dict, ok=(200,)) -> tuple[int, dict]:
        """POST a handler as the block's JavaScript does; a 4xx outside ``ok`` is a failure in the stats."""
        url = f"/handler/{self.slug}.{block}/{handler}/?student={self.name}&lang={self.lang}"
        headers = {"X-CSRFToken": self._csrf(), "X-Requested-With": "XMLHttpRequest",
                   "Content-Type": "application/json"}
        name = f"{block.split('.', maxsplit=1)[0]} {handler}"
        poll_handler, poller = POLLERS.get(block, ("", ""))
        if poller and handler != poll_handler:
            self.wake(poller)  # the teacher typed, clicked or saved in the block
        with self.client.post(url, data=json.dumps(body), headers=headers, name=name, catch_response=True) as resp:
            try:
                data = resp.json() if resp.content else {}
            except ValueError:
                data = {}
            if resp.status_code in ok:
                resp.success()
            else:
                resp.failure(f"{resp.status_code}: {str(data.get('error', ''))[:80]}")
        if poller and resp.status_code == 200 and isinstance(data.get("feed"), dict):
            self.seen(poller, data["feed"])  # the page has shown this answer: its stamp is what the feed compares
        if block == "etwinning_partners.d0.u0" and handler in PARTNER_ACTIONS and resp.status_code == 200:
            self.partnership_changed(data)
        return resp.status_code, data

    def _csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def card_filters(self, teacher_pair: int) -> dict:
        return {"school_level": LEVELS[teacher_pair % len(LEVELS)],
                "country": COUNTRIES[teacher_pair // len(LEVELS) % len(COUNTRIES)],
                "language": LANGUAGES[teacher_pair // (len(LEVELS) * len(COUNTRIES)) % len(LANGUAGES)]}

    # --- the course ----------------------------------------------------------------------------------

    @task
    def work_through_the_course(self):
        self.page("open")
        self.self_assessment("d0.u0")
        self.find_a_partner()
        self.call("etwinning_registration.d0.u0", "save_registration", {
            "profile_url": f"https://school-education.ec.europa.eu/en/people/{self.name}",
            "school_name": f"School {self.name}", "school_code": str(self.pair), "region": "",
            "teacher_registered_during_course": self.role == "invitee", "school_registered_during_course": False,
            "consent_to_share_profile": True})
        for step in ("d0.u0", "d1.u0"):
            self.fill_step(step)
        self.submit_steps()
        self.survey()
        self.self_assessment("d1.u0")
        self.page("back")
        while True:  # the page stays open until the run ends
            self.wait_polling(60)

    def self_assessment(self, usage: str) -> None:
        self.call(f"etwinning_self_assessment.{usage}", "submit",
                  {"answers": {area: random.randint(1, 6) for area in AREAS}})

    def find_a_partner(self) -> None:
        filters = self.card_filters(self.pair)
        card = {"teacher_name": f"Teacher {self.name}", "school_name": f"School {self.name}",
                "school_level": filters["school_level"], "region": "", "cycles": ["B"], "sub_themes": ["B1"],
                "message": "", "published": True}
        if self.role == "invitee":  # the card the partner's narrow search finds
            card.update(country=filters["country"], languages=["en", filters["language"]])
        else:
            card.update(country="IS", languages=["is"])
        while self.call("etwinning_partners.d0.u0", "save_card", card)[0] != 200:  # saved again, as a teacher would
            gevent.sleep(random.uniform(2, 5))
        _cards[self.name] = card["school_name"]
        self.call("etwinning_partners.d0.u0", "search", {"page": 0})  # the first look: everyone
        if self.role == "inviter":
            while True:
                if self.partner in _cards:
                    _status, found = self.call("etwinning_partners.d0.u0", "search", {**filters, "page": 0})
                    match = re.search(r'data-card="([0-9a-f]+)">\s*<h4 class="skl-card-school">'
                                      + re.escape(_cards[self.partner]) + "<", found.get("html", ""))
                    if match:
                        status, _data = self.call("etwinning_partners.d0.u0", "invite",
                                                  {"card": match[1], "message": "Join us?"})
                        if status == 200:
                            break
                self.wait_polling(POLL_SECONDS)
            while not self.partnered:  # the shared steps open once the partner accepts
                self.wait_polling(POLL_SECONDS)
            return
        while True:  # the invitee's page shows the invitation at one of its polls; the teacher accepts it
            while self.invitation is None:
                self.wait_polling(1)
            status, _data = self.call("etwinning_partners.d0.u0", "respond",
                                      {"invitation": self.invitation, "accept": True})
            self.invitation = None
            if status == 200:
                self.partnered = True
                return

    def fill_step(self, step: str) -> None:
        """Type into the teacher's own field of the step, autosaving; the plan now and then."""
        section, field = OWNED[self.role]["worksheet"]
        plan_section, plan_field = OWNED[self.role]["plan"]
        text = f"{self.name} {step}:"
        for n in range(1, SAVES_PER_STEP + 1):
            text = f"{text} s{n}"
            self.save_worksheet(step, {section: {field: text}}, [(section, field, text)])
            if n % 4 == 0:
                plan_text = f"{self.name} plan: {step} s{n}"
                status, data = self.call("etwinning_project_plan.d0.u0", "save_plan",
                                         {"plan": {plan_field: plan_text}, "base_version": self.versions["plan"]},
                                         ok=(200, 409))
                if status == 200:
                    self.versions["plan"] = data.get("version", self.versions["plan"])
                    acknowledged(teacher=self.name, block=f"{self.slug}.etwinning_project_plan.d0.u0",
                                 section=plan_section, field=plan_field, text=plan_text, at=time.time())
            self.wait_polling(random.uniform(*SAVE_EVERY))

    def save_worksheet(self, step: str, worksheet: dict, owned: list, handler: str = "save_draft") -> int:
        key = f"worksheet.{step}"
        status, data = self.call(f"skillslab_activity.{step}", handler,
                                 {"worksheet": worksheet, "base_version": self.versions[key]}, ok=(200, 409))
        if status == 200:
            self.versions[key] = (data.get("shared") or {}).get("version", self.versions[key])
            for section, field, text in owned:
                acknowledged(teacher=self.name, block=f"{self.slug}.skillslab_activity.{step}",
                             section=section, field=field, text=text, at=time.time())
        elif status == 409:  # a save on an older version than the partner's: pick up theirs, then again
            self.poll_step(step)
        return status

    def submit_steps(self) -> None:
        if self.role != "inviter":
            return
        section, field = OWNED[self.role]["worksheet"]
        for step in ("d0.u0", "d1.u0"):
            text = f"{self.name} {step}: submitted"
            worksheet = {**REST_OF_WORKSHEET, section: {field: text}}
            for _attempt in range(3):
                if self.save_worksheet(step, worksheet, [(section, field, text)], handler="submit") != 409:
                    break

    def survey(self) -> None:
        self.call("etwinning_survey.d0.u0", "submit", {
            "answers": {item: random.randint(1, 5) for item in SURVEY_ITEMS}, "comment": "", "share_with_nss": True})

    # --- the page's polls ----------------------------------------------------------------------------

    def poll_step(self, step: str) -> bool:
        """
        The step's ``shared_state`` as its page asks: with the version it shows, or, while it waits for a
        partnership, with nothing (``checkPartnership``). True when the answer showed something new.
        """
        key, is_open = f"worksheet.{step}", self.step_open[step]
        known = self.versions[key]
        status, data = self.call(f"skillslab_activity.{step}", "shared_state",
                                 {"known_version": known} if is_open else {})
        if status != 200:
            return False
        shared = data.get("shared") or {}
        if not is_open:  # new is that it has a partnership now
            if shared.get("needs_partnership") is not False:
                return False
            self.step_open[step] = self.partnered = True
            self.versions[key] = shared.get("version") or known
            return True
        if data.get("unchanged") or (shared.get("version") or known) <= known:
            return False
        self.versions[key] = shared["version"]
        return True

    def poll_partners(self) -> bool:
        stamp = self.partners_stamp
        status, data = self.call("etwinning_partners.d0.u0", "current", {"stamp": stamp})
        if status != 200 or data.get("unchanged"):
            return False
        invitation = re.search(r'data-respond="([0-9a-f]+)" data-accept="true"',
                               (data.get("sections") or {}).get("invitations", ""))
        if invitation and not self.partnered:
            self.invitation = invitation[1]
        if not stamp:  # the page was rendered with its stamp: the first answer to none is what it showed
            self.partners_stamp = data.get("stamp", stamp)
            return False
        self.partnership_changed(data)
        return True

    def partnership_changed(self, data: dict) -> None:
        """The partner block showed a change: its new stamp, and the steps still waiting ask at once."""
        self.partners_stamp = data.get("stamp") or self.partners_stamp
        for step, is_open in self.step_open.items():
            if not is_open:
                self.poll_step(step)

    def poll_block(self, poller: str) -> bool:
        """One poll of one block, as its page's check: True when the answer showed something new."""
        if poller == "partners":
            return self.poll_partners()
        if poller == "plan":
            known = self.versions["plan"]
            status, data = self.call("etwinning_project_plan.d0.u0", "current_plan", {}, ok=(200, 409))
            if status != 200:
                return False
            self.versions["plan"] = data.get("version", known)
            return self.versions["plan"] != known
        return self.poll_step(poller)

    # --- the change feed (SkillsLab.watch) -------------------------------------------------------------

    def read_feed(self, html: str) -> None:
        """Each polling block's watch token and stamp, from its arguments in the page (``feed``)."""
        self.feed_url, self.watched = "", {}
        for text in INIT_ARGS.findall(html):
            args = json.loads(text)
            feed = args.get("feed")
            if not FEED or not isinstance(feed, dict) or not feed.get("token"):
                continue
            urls = json.dumps(args)
            for block, (handler, poller) in POLLERS.items():
                if f".{block}/{handler}/" in urls:
                    self.feed_url = feed["url"]
                    self.watched[poller] = {"token": feed["token"], "stamp": feed["stamp"]}

    def seen(self, poller: str, feed: dict) -> None:
        if self.feed_url and feed.get("token"):
            self.watched[poller] = {"token": feed["token"], "stamp": feed.get("stamp")}

    def poll_feed(self) -> bool:
        """
        One tick of the page's feed: one request for every watched block, then the handler of each
        block whose stamp moved or is unknown (an answer that fails: every watched block's, this tick).
        True when any of them showed something new. A block rendered without a token does not poll:
        the plan of a teacher with no partnership yet has no form and runs no script on the page (it
        joins once a save of the plan brought its token).
        """
        sent = [poller for _handler, poller in POLLERS.values() if poller in self.watched]
        woken = []
        if sent:
            headers = {"X-CSRFToken": self._csrf(), "X-Requested-With": "XMLHttpRequest",
                       "Content-Type": "application/json"}
            body = json.dumps({"tokens": [self.watched[poller]["token"] for poller in sent]})
            with self.client.post(self.feed_url, data=body, headers=headers, name="change feed",
                                  catch_response=True) as resp:
                try:
                    stamps = resp.json().get("stamps") if resp.status_code == 200 else None
                except ValueError:
                    stamps = None
                if isinstance(stamps, list) and len(stamps) == len(sent):
                    resp.success()
                    woken += [poller for poller, stamp in zip(sent, stamps, strict=True)
                              if stamp is None or stamp != self.watched[poller]["stamp"]]
                else:
                    resp.failure(f"{resp.status_code}: change feed")
                    woken = sent
        changed = False
        for poller in woken:
            changed = self.poll_block(poller) or changed
        return changed

    # --- the page's adaptive poll (SkillsLab.poll) -----------------------------------------------------

    def open_pollers(self, html: str = "") -> None:
        """
        The page (again): each polling block starts its timer, its first poll at a random moment; with
        the change feed, the page has one timer (``page``) for all of them.
        """
        self.read_feed(html)
        now = time.monotonic()
        names = ["page"] if self.feed_url else [poller for _handler, poller in POLLERS.values()]
        self.pollers = {name: {"delay": POLL_SECONDS, "due": now + POLL_SECONDS * random.uniform(0.5, 1.5)}
                        for name in names}

    def wake(self, poller: str) -> None:
        """The teacher works in the block: its poll (the page's, with the feed) is back to POLL_SECONDS."""
        state = self.pollers.get("page" if self.feed_url else poller)
        if state:
            state["delay"] = POLL_SECONDS
            state["due"] = min(state["due"], time.monotonic() + POLL_SECONDS)

    def wait_polling(self, seconds: float) -> None:
        """
        Wait ``seconds``, polling as the page does: each block asks when its timer is due, and sets its
        timer again when the answer came (so a slow server is asked less), ``delay`` later: longer after
        an answer with nothing new, POLL_SECONDS after one with something new.
        """
        until = time.monotonic() + seconds
        while True:
            for poller, state in self.pollers.items():
                if time.monotonic() >= state["due"]:
                    changed = self.poll_feed() if poller == "page" else self.poll_block(poller)
                    state["delay"] = POLL_SECONDS if changed else min(state["delay"] * POLL_GROWTH, POLL_CEILING)
                    state["due"] = time.monotonic() + state["delay"]
            now = time.monotonic()
            if now >= until:
                return
            next_due = min((state["due"] for state in self.pollers.values()), default=until)
            gevent.sleep(max(0.0, min(next_due, until) - now))
