"""
The SELFIE for Teachers self-reflection framework (JRC, based on DigCompEdu): the six areas a
teacher assesses and the six proficiency levels, A1 (Newcomer) to C2 (Pioneer), each with the
stem that says what the level means. A pre/post self-assessment asks for a level per area at the
start and at the end of a course; growth is the change in the share at or above a level (B1 by
default), among the teachers who answered both.

The area and level names are JRC's in English; the Greek names follow the Greek DigCompEdu
translation (docs/authors.md says where each comes from).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ASSESSMENT = "selfie"


@dataclass(frozen=True)
class Level:
    value: int  # 1..6, what is stored
    code: str  # A1..C2
    name: dict[str, str]
    stem: dict[str, str]


LEVELS = (
    Level(1, "A1", {"en": "Newcomer", "el": "Νεοεισερχόμενος/η"}, {"en": "I am aware…", "el": "Γνωρίζω…"}),
    Level(2, "A2", {"en": "Explorer", "el": "Εξερευνητής/τρια"}, {"en": "I have tried…", "el": "Έχω δοκιμάσει…"}),
    Level(3, "B1", {"en": "Integrator", "el": "Ενσωματωτής/τρια"}, {"en": "I use…", "el": "Χρησιμοποιώ…"}),
    Level(4, "B2", {"en": "Expert", "el": "Ειδικός"},
          {"en": "I analyse and select…", "el": "Αναλύω και επιλέγω…"}),
    Level(5, "C1", {"en": "Leader", "el": "Ηγέτης/ιδα"}, {"en": "I reflect on…", "el": "Αναστοχάζομαι…"}),
    Level(6, "C2", {"en": "Pioneer", "el": "Πρωτοπόρος"}, {"en": "I initiate…", "el": "Πρωτοστατώ…"}),
)
LEVEL_VALUES = tuple(level.value for level in LEVELS)
LEVEL_CODES = tuple(level.code for level in LEVELS)
DEFAULT_THRESHOLD = 3  # B1, Integrator: the level the NSS reports the share at or above

# The six areas, as items of the self-assessment (key, and the text a teacher reads).
SELFIE_AREAS = [
    {"key": "professional_engagement", "text": {
        "en": "Professional engagement: using digital technologies to communicate and collaborate with colleagues, "
              "pupils and parents, and for my own professional development.",
        "el": "Επαγγελματική δέσμευση: χρησιμοποιώ ψηφιακές τεχνολογίες για να επικοινωνώ και να συνεργάζομαι με "
              "συναδέλφους, μαθητές και γονείς, και για την επαγγελματική μου ανάπτυξη."}},
    {"key": "digital_resources", "text": {
        "en": "Digital resources: finding, creating, adapting and sharing digital teaching material, and "
              "protecting data.",
        "el": "Ψηφιακοί πόροι: βρίσκω, δημιουργώ, προσαρμόζω και μοιράζομαι ψηφιακό εκπαιδευτικό υλικό, και "
              "προστατεύω τα δεδομένα."}},
    {"key": "teaching_learning", "text": {
        "en": "Teaching and learning: planning and carrying out teaching with digital technologies, guiding "
              "pupils and supporting their collaborative and self-regulated learning.",
        "el": "Διδασκαλία και μάθηση: σχεδιάζω και υλοποιώ τη διδασκαλία με ψηφιακές τεχνολογίες, καθοδηγώ "
              "τους μαθητές και στηρίζω τη συνεργατική και αυτορρυθμιζόμενη μάθησή τους."}},
    {"key": "assessment", "text": {
        "en": "Assessment: using digital technologies to assess pupils, analyse evidence of their learning and "
              "give them feedback.",
        "el": "Αξιολόγηση: χρησιμοποιώ ψηφιακές τεχνολογίες για να αξιολογώ τους μαθητές, να αναλύω τα "
              "τεκμήρια της μάθησής τους και να τους δίνω ανατροφοδότηση."}},
    {"key": "empowering_learners", "text": {
        "en": "Empowering learners: making digital learning accessible to every pupil, differentiating it and "
              "engaging pupils actively.",
        "el": "Ενδυνάμωση εκπαιδευομένων: κάνω την ψηφιακή μάθηση προσβάσιμη σε κάθε μαθητή, τη διαφοροποιώ "
              "και εμπλέκω ενεργά τους μαθητές."}},
    {"key": "learners_digital_competence", "text": {
        "en": "Facilitating learners' digital competence: helping pupils to find information, communicate, "
              "create content and use technology safely and responsibly.",
        "el": "Διευκόλυνση της ψηφιακής ικανότητας των εκπαιδευομένων: βοηθώ τους μαθητές να αναζητούν "
              "πληροφορίες, να επικοινωνούν, να δημιουργούν περιεχόμενο και να χρησιμοποιούν την τεχνολογία "
              "με ασφάλεια και υπευθυνότητα."}},
]


def level_code(value: int) -> str:
    """The level's code (A1..C2) for its stored value (1..6)."""
    return LEVEL_CODES[value - 1]
