"""Checking one submission against the expected answer: normalise by the answer's type, compare, give credit
(partial for sets) and feedback in the learner's language. Unreadable input costs no attempt."""

from __future__ import annotations

from dataclasses import dataclass

from stalkerlab.labs.answer_types import MAX_ANSWER_CHARS, Unreadable, normalise, score_set, split_items, within
from stalkerlab.labs.definition import Task
from stalkerlab.labs.expected import Expected
from stalkerlab.labs.rule_answers import judge_rule

RIGHT, PARTLY, WRONG, UNREADABLE, TO_MARK = "right", "partly-right", "wrong", "unreadable", "awaiting-marking"

DEFAULT_WORDS = {
    "en": {RIGHT: "Right.", WRONG: "Not this one. Look at the evidence again; a hint may help.",
           PARTLY: "Partly right: {right} of {total} found{extra}.", "extra": ", and {wrong} that should not be there",
           UNREADABLE: "This does not look like {shape}.", TO_MARK: "Saved. Your instructor will mark this answer.",
           "too-long": "This answer is too long (at most {limit} characters).",
           "rule-silent": "Your rule does not fire on the monitoring app's traffic in your files. Run it with "
                          "`stalkerlab detect --rules` on your capture and look for its finding.",
           "rule-noisy-own": "Your rule fires on the app's traffic, but also on other traffic in your files: "
                             "{subjects}.",
           "rule-noisy-benign": "Your rule fires on the phone of the benign scenario {scenario} (seed {seed}): "
                                "{subjects}. It would alarm people whose phones are fine."},
    "fr": {RIGHT: "Juste.", WRONG: "Ce n'est pas cela. Regardez à nouveau les éléments ; un indice peut aider.",
           PARTLY: "En partie juste : {right} sur {total} trouvés{extra}.", "extra": ", et {wrong} en trop",
           UNREADABLE: "Cela ne ressemble pas à {shape}.", TO_MARK: "Enregistré. Votre formateur notera cette réponse.",
           "too-long": "Cette réponse est trop longue ({limit} caractères au plus).",
           "rule-silent": "Votre règle ne se déclenche pas sur le trafic de l'application de surveillance dans vos "
                          "fichiers. Lancez-la avec `stalkerlab detect --rules` sur votre capture et cherchez son "
                          "constat.",
           "rule-noisy-own": "Votre règle se déclenche sur le trafic de l'application, mais aussi sur d'autre trafic "
                             "de vos fichiers : {subjects}.",
           "rule-noisy-benign": "Votre règle se déclenche sur le téléphone du scénario sans danger {scenario} "
                                "(graine {seed}) : {subjects}. Elle inquiéterait des personnes dont le téléphone "
                                "va bien."},
}


@dataclass(frozen=True)
class Check:
    status: str
    score: float          # the share of the task's points, 0 to 1
    message: str

    @property
    def counts_as_attempt(self) -> bool:
        return self.status not in (UNREADABLE, TO_MARK)


def _words(language: str) -> dict:
    return DEFAULT_WORDS.get(language, DEFAULT_WORDS["en"])


def _item_type(task: Task) -> str:
    return task.answer.item_type or task.answer.type


def _as_list(value: object) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _normalised_set(kind: str, values) -> set:
    return {normalise(kind, v) for v in values}


def is_right(task: Task, expected: Expected, submitted: str) -> bool:
    """Whether this submission is fully right for this expected answer (also used to spot an answer that is
    right for another learner's variant)."""
    try:
        return _compare(task, expected.value, submitted)[0] == RIGHT
    except Unreadable:
        return False


def _compare(task: Task, expected_value: object, submitted: str) -> tuple[str, float, dict]:
    spec = task.answer
    kind = _item_type(task)
    if spec.type == "rule":
        outcome = judge_rule(expected_value, submitted)
        if outcome.problem is None:
            return RIGHT, 1.0, {}
        return WRONG, 0.0, {"rule": outcome}
    if spec.type == "set":
        wanted = _normalised_set(kind, _as_list(expected_value))
        given = _normalised_set(kind, split_items(submitted))
        score = score_set(wanted, given)
        if score.right == len(wanted) and not score.wrong:
            return RIGHT, 1.0, {}
        status = PARTLY if score.fraction > 0 else WRONG
        return status, score.fraction, {"right": score.right, "total": len(wanted), "wrong": score.wrong}
    value = normalise(kind, submitted)
    candidates = _as_list(expected_value) if spec.any_of else [expected_value]
    if any(within(kind, normalise(kind, c), value, spec.tolerance) for c in candidates):
        return RIGHT, 1.0, {}
    return WRONG, 0.0, {}


def check(task: Task, expected: Expected | None, submitted: str, language: str = "en") -> Check:
    words = _words(language)
    submitted = str(submitted)
    if len(submitted) > MAX_ANSWER_CHARS:
        return Check(UNREADABLE, 0.0, words["too-long"].format(limit=MAX_ANSWER_CHARS))
    if expected is None:   # free text, marked by the instructor against the rubric
        return Check(TO_MARK, 0.0, words[TO_MARK])
    try:
        status, score, counts = _compare(task, expected.value, submitted)
    except Unreadable as exc:
        return Check(UNREADABLE, 0.0, words[UNREADABLE].format(shape=str(exc)))
    if status == RIGHT:
        return Check(RIGHT, 1.0, task.right(language) if task.right else words[RIGHT])
    for typical_value, say in expected.typical:
        try:
            if _compare(task, typical_value, submitted)[0] == RIGHT:
                return Check(status, score, say(language))
        except Unreadable:
            continue
    if status == PARTLY:
        extra = words["extra"].format(**counts) if counts["wrong"] else ""
        return Check(PARTLY, score, words[PARTLY].format(extra=extra, **counts))
    if "rule" in counts:   # say what the rule missed or what it wrongly fired on
        outcome = counts["rule"]
        return Check(WRONG, 0.0, words[f"rule-{outcome.problem}"].format(
            subjects=", ".join(outcome.subjects), scenario=outcome.scenario, seed=outcome.seed))
    return Check(WRONG, 0.0, task.wrong(language) if task.wrong else words[WRONG])
