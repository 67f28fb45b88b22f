"""
The author's side of ``skillslab_activity``: the Studio editor, the preview, validation, and OLX.

The Studio editor lets an author pick a programme → workshop → activity from a catalogue (the
operator's, else the sample shipped with the package, or one the author loads in the editor) or
type everything by hand. Saving validates every field at once; a rejected save changes nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from web_fragments.fragment import Fragment
from xblock.validation import ValidationMessage

from skillslab_xblock.domain import worksheet
from skillslab_xblock.domain.taxonomy import (
    MAX_CATALOGUE_BYTES,
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    CatalogueError,
    default_taxonomy,
    load_catalogue_text,
    sample_catalogue,
)
from skillslab_xblock.support import olx
from skillslab_xblock.support.base import SettingsOLXMixin
from skillslab_xblock.support.handlers import RequestRejected, author_json_handler
from skillslab_xblock.support.i18n import N_
from skillslab_xblock.support.settings_form import SettingsForm
from skillslab_xblock.support.values import editor_datetime, editor_number

log = logging.getLogger(__name__)

# Scalar settings exported as attributes, in this order; long texts become child elements.
OLX_ATTRIBUTES = ("display_name", "programme_id", "cycle", "sub_theme", "school_level", "skills",
                  "required_steps", "deadline", "weight", "collaboration_mode", "teamset_id", "activity_source")
OLX_TEXT_CHILDREN = ("programme_title", "workshop_title", "activity_text")
EDITABLE = OLX_ATTRIBUTES + OLX_TEXT_CHILDREN


# What the block using ActivityAuthoringMixin provides (tests/xblock/test_block_structure.py checks it does).
HOST_PROVIDES = (
    'apply_settings', 'individual_learner_state', 'js_catalog_url', 'learner_page', 'render_template',
    'resource_string', 'settings_bucket', 'shown_display_name',
)


class ActivityAuthoringMixin(SettingsOLXMixin):
    """
    Studio editing, preview, validation and OLX for SkillsLabActivityBlock: its own editor (the
    catalogue's choices), and SettingsOLXMixin's save and OLX with the activity's layout (long texts
    as child elements, lists space-separated).
    """

    editable_fields = EDITABLE

    # --- catalogue -------------------------------------------------------------------------------

    def catalogue(self):
        """The operator's catalogue (XBLOCK_SETTINGS → catalogue_file), else the sample one."""
        path = self.settings_bucket().get("catalogue_file")
        if path:
            try:
                return load_catalogue_text(Path(path).read_bytes())
            except (OSError, CatalogueError):
                log.exception("The Skills Lab catalogue %s cannot be used; falling back to the sample", path)
        return sample_catalogue()

    # --- views -----------------------------------------------------------------------------------

    def studio_view(self, context=None) -> Fragment:
        language = self.language
        values = {name: getattr(self, name) for name in EDITABLE}
        # The editor's inputs take machine forms (a datetime-local has no time zone: UTC, as it saves it)
        values["deadline"] = editor_datetime(self.deadline)
        values["weight"] = editor_number(self.weight)
        values["display_name"] = self.shown_display_name()
        frag = Fragment(self.render_template("activity/studio.html", {
            "block_id": self.dom_id,
            "values": values,
            "taxonomy": default_taxonomy().as_dict(language),
            "steps": [{"key": s.key, "title": self._(s.title)} for s in worksheet.STEPS],
        }))
        frag.add_css(self.resource_string("public/css/activity.css"))
        frag.add_javascript_url(self.js_catalog_url())
        frag.add_javascript(self.resource_string("public/js/skillslab_common.js"))
        frag.add_javascript(self.resource_string("public/js/activity_studio.js"))
        frag.initialize_js("SkillsLabActivityStudio", {
            "language": language,
            "taxonomy": default_taxonomy().as_dict(language),
            "catalogue": self.catalogue().choices(language),
            "save_url": self.runtime.handler_url(self, "studio_submit"),
            "catalogue_url": self.runtime.handler_url(self, "load_catalogue"),
            # the name the editor shows when the author has set none: picking an activity replaces it
            "default_display_name": values["display_name"] if not self.fields["display_name"].is_set_on(self) else "",
        })
        return frag

    def author_view(self, context=None) -> Fragment:
        """
        Studio's preview: a summary of the settings above the learner's page as a learner first
        sees it, read-only and without its script, so that nothing in the preview calls a handler.
        """
        frag = Fragment(self.render_template("activity/author.html", {
            "block_id": self.dom_id,
            "required_steps": [self._(s.title) for s in worksheet.STEPS if s.key in self.required_steps],
            "deadline": self.deadline.isoformat() if self.deadline else "",
            "weight": self.weight,
            "problems": [m.text for m in self.validate().messages],
        }))
        preview = self.learner_page(self.individual_learner_state(), preview=True)
        frag.add_content(preview.body_html())
        frag.add_fragment_resources(preview)
        return frag

    def validate(self):
        """Studio's warnings for a block that learners cannot use yet."""
        result = super().validate()
        if self.activity_source != "learner" and (not self.workshop_title or not self.activity_text):
            result.add(ValidationMessage(ValidationMessage.WARNING,
                                         self._("Choose a workshop activity or type its title and text.")))
        return result

    # --- handlers --------------------------------------------------------------------------------

    @author_json_handler(max_bytes=MAX_CATALOGUE_BYTES + 64 * 1024)
    def load_catalogue(self, data: dict, suffix: str = "") -> dict:
        """Validate a catalogue the author brings (JSON text) and return its choices; nothing is stored."""
        text = data.get("catalogue")
        if not isinstance(text, str) or not text.strip():
            raise RequestRejected(400, N_("Paste or choose a catalogue file (JSON) first."))
        try:
            catalogue = load_catalogue_text(text)
        except CatalogueError as error:
            raise RequestRejected(400, N_("The catalogue has errors:"),
                                  field_errors={"catalogue": error.messages(self.translator.gettext)}) from error
        return {"programmes": catalogue.choices(self.language)}

    def clean_settings(self, data: dict, require_content: bool = True) -> dict:
        """
        The validated settings from the editor's payload, or RequestRejected with every error.

        Studio's save needs the workshop and its activity text; an imported block may still be
        empty (a block just added to a course is), so OLX import passes ``require_content=False``.
        """
        taxonomy = default_taxonomy()
        form = SettingsForm(self, data, fields=EDITABLE, unknown_message=N_("Unknown settings: {names}"))
        source = form.choice("activity_source", ("fixed", "learner"))
        author_sets_activity = require_content and source != "learner"  # when learners pick: only the frame
        form.text("display_name", 200, required=require_content)
        form.text("programme_id", 64)
        form.text("teamset_id", 255)
        form.text("programme_title", MAX_TITLE_LENGTH)
        form.text("workshop_title", MAX_TITLE_LENGTH, required=author_sets_activity)
        form.text("activity_text", MAX_TEXT_LENGTH, required=author_sets_activity, multiline=True)
        form.choice("collaboration_mode", ("individual", "shared"), empty="individual")
        cycle = form.choice("cycle", lambda v: taxonomy.cycle(v) is not None, empty="")
        sub_theme = form.choice("sub_theme", lambda v: taxonomy.sub_theme(v) is not None, empty="")
        form.choice("school_level", lambda v: taxonomy.school_level(v) is not None, empty="")
        if sub_theme and cycle and taxonomy.cycle_of_sub_theme(sub_theme).code != cycle:
            form.error("sub_theme", N_("This sub-theme belongs to another thematic cycle."))
        # the catalogue's order (the one the editor shows: a set, not a ranking), the worksheet's order
        form.choices("skills", [skill.code for skill in taxonomy.skills])
        form.choices("required_steps", worksheet.STEP_KEYS, required=True)
        form.utc_datetime("deadline")
        weight = form.number("weight", 0, 100, N_("Enter a number from 0 to 100, or leave it empty for an "
                                                  "ungraded activity."))
        if "weight" in form.values:
            form.values["weight"] = weight or None  # 0 is ungraded, as empty is
        return form.cleaned()

    # --- OLX -------------------------------------------------------------------------------------

    def clean_imported_settings(self, data: dict) -> dict:
        """An imported block may still be empty (a block just added to a course is)."""
        return self.clean_settings(data, require_content=False)

    @classmethod
    def olx_data(cls, node) -> dict:
        """Scalar settings from the attributes (lists space-separated), long texts from child elements."""
        data = {}
        for name in OLX_ATTRIBUTES:
            raw = node.get(name)
            if raw is not None:
                data[name] = [v for v in raw.split() if v] if name in ("skills", "required_steps") else raw
        for name in OLX_TEXT_CHILDREN:
            value = olx.child_text(node, name)
            if value is not None:
                data[name] = value
        return data

    def add_settings_to_node(self, node) -> None:
        """Scalar settings as attributes, long texts as child elements (Greek kept as is)."""
        for name in OLX_ATTRIBUTES:
            if not self.fields[name].is_set_on(self):
                continue
            value = getattr(self, name)
            if name in ("skills", "required_steps"):
                node.set(name, " ".join(value))
            elif name == "deadline":
                if value:
                    node.set(name, value.isoformat())
            elif name == "weight":
                if value:
                    node.set(name, repr(float(value)))
            else:
                node.set(name, value)
        for name in OLX_TEXT_CHILDREN:
            olx.add_text_child(node, name, getattr(self, name))
