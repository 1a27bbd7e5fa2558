"""A lab as data: `labs/<lab-id>/lab.yaml` (validated against lab.schema.json), `text.<lang>.md` (what the
learner reads first) and `solution.py` (the reference solution). Every error is one line naming the file and
the field."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from stalkerlab.common.errors import UserError
from stalkerlab.common.yaml_text import safe_load

LABS_DIR = Path(__file__).resolve().parent
SCHEMA_FILE = LABS_DIR / "lab.schema.json"
LANGUAGES = ("en", "fr")
MAX_LAB_FILE = 256 * 1024   # a lab.yaml is a page of text; anything bigger is not one


@dataclass(frozen=True)
class Text:
    """Words for people in several languages; English is always there and is the fallback."""

    by_language: dict[str, str]

    def __call__(self, language: str = "en") -> str:
        return self.by_language.get(language) or self.by_language["en"]

    @classmethod
    def of(cls, data: dict | None) -> Text | None:
        return cls(dict(data)) if data else None


@dataclass(frozen=True)
class Source:
    """Where a value comes from: `truth` (truth.json), `report` (report.json of the learner's files),
    `alteration` (what the lab changed in them) or a literal `value`."""

    origin: str
    path: str | None = None
    value: object = None


@dataclass(frozen=True)
class Choice:
    id: str
    label: Text


@dataclass(frozen=True)
class ScenarioChoice:
    """One scenario a lab can hand out: a catalogue id or a .yml file in the lab's folder, and how long the
    simulated capture lasts (None: the scenario's own duration)."""

    scenario: str
    duration_min: int | None = None
    seed: int = 1          # only for a rule answer's benign scenarios, which are the same for every learner


@dataclass(frozen=True)
class AnswerSpec:
    type: str
    expected: Source | None = None
    item_type: str | None = None
    any_of: bool = False
    tolerance: float | str | None = None
    choices: tuple[Choice, ...] = ()
    rubric: tuple[Text, ...] = ()
    quiet_on: tuple[ScenarioChoice, ...] = ()   # a rule answer must stay quiet on these benign scenarios

    @property
    def marked_by_instructor(self) -> bool:
        return self.type == "text"


@dataclass(frozen=True)
class Hint:
    text: Text
    cost: int = 0


@dataclass(frozen=True)
class TypicalWrong:
    answer: Source
    say: Text


@dataclass(frozen=True)
class Task:
    id: str
    question: Text
    answer: AnswerSpec
    points: int
    attempts: int = 3
    hints: tuple[Hint, ...] = ()
    right: Text | None = None
    wrong: Text | None = None
    typical: tuple[TypicalWrong, ...] = ()


@dataclass(frozen=True)
class Alteration:
    kind: str
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Receives:
    """What a learner receives. `scenarios` holds one scenario, or a pool from which each learner's seed picks
    one (so that neighbours meet different situations, and a verdict copied from a neighbour may be wrong)."""

    scenarios: tuple[ScenarioChoice, ...]
    files: tuple[str, ...]
    legacy_accessibility: bool = False
    alterations: tuple[Alteration, ...] = ()

    def scenario_for(self, seed: int) -> ScenarioChoice:
        # Learners' seeds are spread evenly (HMAC), so the pool is shared evenly; consecutive seeds cycle through
        # it, so that `stalkerlab labs validate --seeds 1,2,3,4` proves the solution on every scenario.
        return self.scenarios[seed % len(self.scenarios)]


@dataclass(frozen=True)
class Lab:
    id: str
    folder: Path
    title: Text
    modules: tuple[str, ...]
    tracks: tuple[str, ...]
    duration_min: int
    level: str
    outcomes: tuple[Text, ...]
    receives: Receives
    tasks: tuple[Task, ...]
    texts: dict[str, str] = field(default_factory=dict)   # language -> the lab's Markdown text

    @property
    def points(self) -> int:
        return sum(task.points for task in self.tasks)

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise UserError(f"lab {self.id}: no task {task_id!r}")

    def text(self, language: str = "en") -> str:
        return self.texts.get(language) or self.texts["en"]

    @property
    def solution_file(self) -> Path:
        return self.folder / "solution.py"

    def scenario_ref(self, choice: ScenarioChoice) -> str:
        """What the simulator is given: a catalogue id, or the path of the lab's own scenario file."""
        scenario = choice.scenario
        return str(self.folder / scenario) if scenario.endswith((".yml", ".yaml")) else scenario


@cache
def _validator():
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _source(data: dict | None) -> Source | None:
    if data is None:
        return None
    return Source(data["from"], data.get("path"), data.get("value"))


def _check_meaning(path: Path, data: dict) -> None:
    """What the schema cannot say: which answer types need which keys, unique ids, files that must exist."""
    seen = set()
    for i, task in enumerate(data["tasks"]):
        where = f"{path}: tasks[{i}] ({task['id']})"
        if task["id"] in seen:
            raise UserError(f"{where}: the task id is used twice")
        seen.add(task["id"])
        answer = task["answer"]
        kind = answer["type"]
        if kind == "text":
            if not answer.get("rubric"):
                raise UserError(f"{where}: answer.rubric: a free-text answer needs a rubric for the instructor")
        else:
            source = answer.get("expected")
            if not source:
                raise UserError(f"{where}: answer.expected: an auto-marked answer needs an expected value")
            if source["from"] == "value" and "value" not in source:
                raise UserError(f"{where}: answer.expected.value: a literal source needs a value")
            if source["from"] != "value" and not source.get("path"):
                raise UserError(f"{where}: answer.expected.path: a {source['from']} source needs a path")
        if kind in ("choice",) or answer.get("item_type") == "choice":
            if not answer.get("choices"):
                raise UserError(f"{where}: answer.choices: a choice answer needs its choices")
        if kind == "set" and not answer.get("item_type"):
            raise UserError(f"{where}: answer.item_type: a set answer needs the type of its items")
        if kind == "choice" or answer.get("item_type") == "choice":
            ids = {str(c["id"]).lower() for c in answer["choices"]}
            typical = task.get("feedback", {}).get("typical", ())
            literals = [answer.get("expected") or {}] + [w["answer"] for w in typical]
            for literal in (s for s in literals if s.get("from") == "value"):
                value = literal.get("value")
                values = value if isinstance(value, list) else [value]
                unknown = [v for v in values if str(v).lower() not in ids]
                if unknown:
                    raise UserError(f"{where}: {unknown[0]!r} is not one of the answer's choices")
        if kind == "rule" and "capture" not in data["receives"]["files"]:
            raise UserError(f"{where}: answer.type: a rule answer is run on the capture, so files needs capture")
        if answer.get("quiet_on") and kind != "rule":
            raise UserError(f"{where}: answer.quiet_on: only a rule answer has benign scenarios to stay quiet on")
    receives = data["receives"]
    if ("scenario" in receives) == ("scenarios" in receives):
        raise UserError(f"{path}: receives: give either scenario (one) or scenarios (a pool), not both or neither")
    if "scenarios" in receives and "duration_min" in receives:
        raise UserError(f"{path}: receives.duration_min: give each pooled scenario its own duration_min")
    for choice in _scenario_entries(receives):
        scenario = choice["scenario"]
        if scenario.endswith((".yml", ".yaml")) and not (path.parent / scenario).is_file():
            raise UserError(f"{path}: receives: the scenario file {scenario} is not in the lab's folder")
    for alteration in data["receives"].get("alterations", []):
        if alteration["kind"] == "tamper-device-file" and "device" not in data["receives"]["files"]:
            raise UserError(f"{path}: receives.alterations: tamper-device-file needs the device folder in files")
    if not (path.parent / "text.en.md").is_file():
        raise UserError(f"{path.parent / 'text.en.md'}: missing (every lab has an English text)")
    if not (path.parent / "solution.py").is_file():
        raise UserError(f"{path.parent / 'solution.py'}: missing (every lab has a reference solution)")


def load_lab(folder: Path) -> Lab:
    folder = Path(folder)
    path = folder / "lab.yaml"
    try:
        if path.stat().st_size > MAX_LAB_FILE:
            raise UserError(f"{path}: larger than {MAX_LAB_FILE // 1024} KB, not a lab definition")
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such lab definition") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read it ({exc})") from None
    try:
        data = safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserError(f"{path}: not valid YAML{f' (line {mark.line + 1})' if mark else ''}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of lab fields")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in error.absolute_path).replace(".[", "[")
        raise UserError(f"{path}: {where or 'top level'}: {error.message}")
    if data["id"] != folder.name:
        raise UserError(f"{path}: id: {data['id']!r} must be the folder's name {folder.name!r}")
    _check_meaning(path, data)
    texts = {lang: (folder / f"text.{lang}.md").read_text(encoding="utf-8")
             for lang in LANGUAGES if (folder / f"text.{lang}.md").is_file()}
    receives = data["receives"]
    scenarios = tuple(_scenario_choice(c) for c in _scenario_entries(receives))
    return Lab(
        id=data["id"], folder=folder, title=Text.of(data["title"]), modules=tuple(data["modules"]),
        tracks=tuple(data["tracks"]), duration_min=data["duration_min"], level=data["level"],
        outcomes=tuple(Text.of(o) for o in data["outcomes"]),
        receives=Receives(scenarios=scenarios, files=tuple(receives["files"]),
                          legacy_accessibility=receives.get("legacy_accessibility", False),
                          alterations=tuple(Alteration(a["kind"], tuple(a.get("candidates", ())))
                                            for a in receives.get("alterations", ()))),
        tasks=tuple(_task(t) for t in data["tasks"]),
        texts=texts,
    )


def _scenario_entries(receives: dict) -> list[dict]:
    if "scenarios" in receives:
        return receives["scenarios"]
    return [{"scenario": receives["scenario"], **({"duration_min": receives["duration_min"]}
                                                  if "duration_min" in receives else {})}]


def _scenario_choice(entry: dict) -> ScenarioChoice:
    return ScenarioChoice(entry["scenario"], entry.get("duration_min"), entry.get("seed", 1))


def _task(t: dict) -> Task:
    answer = t["answer"]
    feedback = t.get("feedback", {})
    return Task(
        id=t["id"], question=Text.of(t["question"]), points=t["points"], attempts=t.get("attempts", 3),
        answer=AnswerSpec(type=answer["type"], expected=_source(answer.get("expected")),
                          item_type=answer.get("item_type"), any_of=answer.get("any_of", False),
                          tolerance=answer.get("tolerance"),
                          choices=tuple(Choice(c["id"], Text.of(c["label"])) for c in answer.get("choices", ())),
                          rubric=tuple(Text.of(r) for r in answer.get("rubric", ())),
                          quiet_on=tuple(_scenario_choice(q) for q in answer.get("quiet_on", ()))),
        hints=tuple(Hint(Text.of(h["text"]), h.get("cost", 0)) for h in t.get("hints", ())),
        right=Text.of(feedback.get("right")), wrong=Text.of(feedback.get("wrong")),
        typical=tuple(TypicalWrong(_source(w["answer"]), Text.of(w["say"])) for w in feedback.get("typical", ())),
    )


def lab_ids(labs_dir: Path = LABS_DIR) -> list[str]:
    return sorted(p.parent.name for p in labs_dir.glob("*/lab.yaml"))


def load_all(labs_dir: Path = LABS_DIR) -> list[Lab]:
    return [load_lab(labs_dir / lab_id) for lab_id in lab_ids(labs_dir)]


def find_lab(lab_id: str, labs_dir: Path = LABS_DIR) -> Lab:
    folder = Path(labs_dir) / lab_id
    try:
        stamp = tuple(p.stat().st_mtime_ns for p in (folder / "lab.yaml", folder / "text.en.md"))
    except OSError:
        raise UserError(f"unknown lab {lab_id!r} (run `stalkerlab labs list` to see them)") from None
    if "/" in lab_id or lab_id.startswith("."):
        raise UserError(f"unknown lab {lab_id!r} (run `stalkerlab labs list` to see them)")
    return _load_cached(folder, stamp)


@cache
def _load_cached(folder: Path, _stamp: tuple) -> Lab:
    """A lab read once per process (a portal reads it on every request); an edited file is read again."""
    return load_lab(folder)
