"""A learner's handout for self-study or a workshop without the portal: their own files and the questions,
never the answers (those only in an instructor's copy, `--with-answers`)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from stalkerlab.labs.definition import Lab, Task
from stalkerlab.labs.expected import answer_key
from stalkerlab.labs.variants import learner_seed, make_variant

from stalkerlab.common.atomic_files import write_text_atomic
from stalkerlab.common.owned_output import OwnedFolder

SHAPES = {
    "en": {"domain": "a domain name", "ip": "an IP address", "mac": "a MAC address", "package": "a package name",
           "sha256": "a SHA-256 hash", "timestamp": "a date and time in UTC", "integer": "a number",
           "packet": "a packet number", "choice": "one of the choices", "set": "a list, one item per line",
           "text": "a short written answer",
           "rule": "a detector rule in YAML, as `stalkerlab detect --rules` reads it"},
    "fr": {"domain": "un nom de domaine", "ip": "une adresse IP", "mac": "une adresse MAC",
           "package": "un nom de paquet", "sha256": "une empreinte SHA-256", "timestamp": "une date et heure UTC",
           "integer": "un nombre", "packet": "un numéro de paquet", "choice": "un des choix",
           "set": "une liste, un élément par ligne", "text": "une courte réponse rédigée",
           "rule": "une règle du détecteur en YAML, telle que `stalkerlab detect --rules` la lit"},
}
HEADINGS = {"en": ("What you will practise", "Your files", "Questions", "points", "Seed"),
            "fr": ("Ce que vous allez pratiquer", "Vos fichiers", "Questions", "points", "Graine")}
PUNCTUATION = {"en": ("; ", ": "), "fr": (" ; ", " : ")}   # French puts a space before ; and :


def questions_markdown(lab: Lab, seed: int, files: list[str], language: str = "en") -> str:
    practise, your_files, questions, _points, seed_word = HEADINGS.get(language, HEADINGS["en"])
    lines = [f"# {lab.title(language)}", "", lab.text(language).strip(), "", f"## {practise}", ""]
    lines += [f"- {o(language)}" for o in lab.outcomes]
    lines += ["", f"## {your_files}", ""] + [f"- `{name}`" for name in files]
    lines += ["", f"## {questions}", ""] + questions_list(lab, language)
    lines += ["", f"{seed_word}{PUNCTUATION.get(language, PUNCTUATION['en'])[1]}{seed}", ""]
    return "\n".join(lines)


def questions_list(lab: Lab, language: str = "en") -> list[str]:
    """The numbered questions as Markdown lines, each with its points and the shape of answer wanted, and the
    choices under it (what a handout and the lab's course page show; never an answer)."""
    points = HEADINGS.get(language, HEADINGS["en"])[3]
    semicolon, colon = PUNCTUATION.get(language, PUNCTUATION["en"])
    lines = []
    for number, task in enumerate(lab.tasks, 1):
        shape = answer_shape(task, language)
        lines += [f"{number}. **{task.question(language)}** ({task.points} {points}{semicolon}{shape})"]
        for choice in task.answer.choices:
            lines += [f"    - `{choice.id}`{colon}{choice.label(language)}"]
    return lines


def answer_shape(task: Task, language: str = "en") -> str:
    shapes = SHAPES.get(language, SHAPES["en"])
    if task.answer.type == "set":
        return f"{shapes['set']} ({shapes[task.answer.item_type]})"
    return shapes[task.answer.type]


def write_handout(lab: Lab, learner: str, out: Path, *, secret: bytes, language: str = "en",
                  with_answers: bool = False, force: bool = False) -> Path:
    """Write the handout folder `out` by the rule of every command's folder (stalkerlab.common.owned_output):
    complete or not at all, never replacing files it did not make."""
    seed = learner_seed(secret, learner, lab.id)
    with OwnedFolder(out, "labs handout", force=force, names=("questions.md", "answers.json")) as stage, \
            tempfile.TemporaryDirectory(prefix="handout-", dir=stage.parent) as work:
        variant = make_variant(lab, seed, Path(work) / "variant")
        for item in sorted(variant.learner_dir.iterdir()):
            shutil.move(str(item), stage / item.name)
        names = sorted(p.name for p in stage.iterdir())
        write_text_atomic(stage / "questions.md", questions_markdown(lab, seed, names, language))
        if with_answers:
            key = {task_id: (e.as_json() if e else None) for task_id, e in answer_key(variant).items()}
            write_text_atomic(stage / "answers.json", json.dumps(key, indent=2, ensure_ascii=False) + "\n")
    return Path(out)
