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
from stalkerlab.common.errors import UserError

MARKER = ".stalkerlab-handout.json"
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
                  with_answers: bool = False) -> Path:
    """Write the handout folder `out` whole or not at all; an existing `out` is replaced only if a handout
    made it (its marker file), never a folder of someone else's files."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UserError(f"{out}: exists and is not a handout folder (choose a new folder)")
    seed = learner_seed(secret, learner, lab.id)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.handout-", dir=out.parent))
    try:
        variant = make_variant(lab, seed, stage / "variant")
        files_dir = stage / "handout"
        shutil.move(str(variant.learner_dir), files_dir)
        names = sorted(p.name for p in files_dir.iterdir())
        write_text_atomic(files_dir / "questions.md", questions_markdown(lab, seed, names, language))
        if with_answers:
            key = {task_id: (e.as_json() if e else None) for task_id, e in answer_key(variant).items()}
            write_text_atomic(files_dir / "answers.json", json.dumps(key, indent=2, ensure_ascii=False) + "\n")
        write_text_atomic(files_dir / MARKER, json.dumps({"lab": lab.id, "learner": learner, "seed": seed,
                                                          "with_answers": with_answers}, indent=2) + "\n")
        if out.exists():
            old = stage / "old"
            out.rename(old)
        files_dir.rename(out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out
