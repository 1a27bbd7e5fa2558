"""Field matchers with Sigma modifiers: `name|endswith`, `port|in`, `bytes_out|gte`, `ip|cidr`.

A block is a mapping (every field must match: AND) or a list of mappings (any may match: OR). A field's
value may be a list: any value matches (OR). Domain suffixes match on label boundaries.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

Predicate = Callable[[dict], bool]


def _label_suffix(value: object, suffix: str) -> bool:
    text = str(value).lower().rstrip(".")
    suffix = suffix.lower().lstrip(".")
    return text == suffix or text.endswith("." + suffix)


def _cidr(value: object, network: str) -> bool:
    try:
        return ipaddress.ip_address(str(value)) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def _number(op: Callable[[float, float], bool]) -> Callable[[object, object], bool]:
    def compare(value: object, expected: object) -> bool:
        if value is None or isinstance(value, bool):
            return False
        try:
            return op(float(value), float(expected))
        except (TypeError, ValueError):
            return False
    return compare


MODIFIERS: dict[str, Callable[[object, object], bool]] = {
    "equals": lambda v, e: v == e or (isinstance(v, str) and isinstance(e, str) and v.lower() == e.lower()),
    "endswith": lambda v, e: isinstance(v, str) and _label_suffix(v, str(e)),
    "endswith_text": lambda v, e: isinstance(v, str) and v.lower().endswith(str(e).lower()),
    "startswith": lambda v, e: isinstance(v, str) and v.lower().startswith(str(e).lower()),
    "contains": lambda v, e: (str(e).lower() in v.lower()) if isinstance(v, str) else (
        e in v if isinstance(v, list | tuple | set | frozenset) else False),
    "re": lambda v, e: isinstance(v, str) and re.search(str(e), v) is not None,
    "cidr": _cidr,
    "gt": _number(lambda a, b: a > b),
    "gte": _number(lambda a, b: a >= b),
    "lt": _number(lambda a, b: a < b),
    "lte": _number(lambda a, b: a <= b),
    "exists": lambda v, e: (v is not None and v != "" and v != []) == bool(e),
}


def compile_field(key: str, expected: object) -> Predicate:
    field, _, modifier = key.partition("|")
    modifier = modifier or "equals"
    if modifier not in MODIFIERS:
        raise ValueError(f"unknown modifier {modifier!r} in {key!r} (known: {', '.join(MODIFIERS)})")
    test = MODIFIERS[modifier]
    options = expected if isinstance(expected, list) and modifier != "exists" else [expected]

    def predicate(record: dict) -> bool:
        value = record.get(field)
        if isinstance(value, list | tuple) and modifier not in ("contains", "exists"):
            return any(test(v, o) for v in value for o in options)
        return any(test(value, o) for o in options)

    return predicate


def compile_block(block: object) -> Predicate:
    if isinstance(block, list):
        alternatives = [compile_block(b) for b in block]
        return lambda r: any(p(r) for p in alternatives)
    if not isinstance(block, dict) or not block:
        raise ValueError("a detection block must be a mapping of fields or a list of mappings")
    preds = [compile_field(k, v) for k, v in block.items()]
    return lambda r: all(p(r) for p in preds)
