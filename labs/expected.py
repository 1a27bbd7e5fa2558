"""Expected answers, derived from one learner's own files: a JMESPath into truth.json, the detector's
report.json of those files, or the alteration record. They stay on the server (or in an instructor's
`--with-answers` handout): nothing here is ever sent to a learner."""

from __future__ import annotations

from dataclasses import dataclass

import jmespath
from stalkerlab.labs.definition import Source, Task, Text
from stalkerlab.labs.variants import Variant

from stalkerlab.common.errors import UserError


@dataclass(frozen=True)
class Expected:
    """What one task expects for one variant, and the typical wrong answers for that variant."""

    value: object
    typical: tuple[tuple[object, Text], ...] = ()

    def as_json(self) -> dict:
        return {"value": self.value, "typical": [{"value": v, "say": t.by_language} for v, t in self.typical]}

    @classmethod
    def from_json(cls, data: dict) -> Expected:
        return cls(data["value"], tuple((t["value"], Text(t["say"])) for t in data.get("typical", ())))


def resolve(source: Source, variant: Variant, where: str) -> object:
    if source.origin == "value":
        return source.value
    documents = {"truth": variant.truth, "report": variant.report, "alteration": variant.alteration}
    document = documents[source.origin]
    if document is None:
        raise UserError(f"{where}: the variant has no {source.origin} to read {source.path!r} from")
    try:
        value = jmespath.search(source.path, document)
    except jmespath.exceptions.JMESPathError as exc:
        raise UserError(f"{where}: {source.path!r} is not a valid path ({exc})") from None
    if value is None or value == []:
        raise UserError(f"{where}: {source.path!r} finds nothing in {source.origin} (seed {variant.seed})")
    return value


def expected_for(task: Task, variant: Variant) -> Expected | None:
    """None for a free-text task: the instructor marks it against the rubric."""
    if task.answer.expected is None:
        return None
    where = f"{variant.lab.folder / 'lab.yaml'}: task {task.id}"
    typical = tuple((resolve(t.answer, variant, where), t.say) for t in task.typical)
    value = resolve(task.answer.expected, variant, where)
    if task.answer.type == "rule":   # the value names what the rule must catch; the key adds what it runs on
        from stalkerlab.labs.rule_answers import rule_expectation

        value = rule_expectation(value, variant.records, task.answer.quiet_on)
    return Expected(value, typical)


def answer_key(variant: Variant) -> dict[str, Expected | None]:
    return {task.id: expected_for(task, variant) for task in variant.lab.tasks}
