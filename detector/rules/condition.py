"""Sigma-style conditions: `selection and not (filter_a or filter_b)`, `1 of selection_*`, `all of them`."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable

Predicate = Callable[[dict], bool]
_TOKEN = re.compile(r"\s*(\(|\)|\band\b|\bor\b|\bnot\b|\d+ of [\w*]+|all of [\w*]+|[\w*]+)\s*")


class ConditionError(ValueError):
    pass


def _tokens(text: str) -> list[str]:
    pos, out = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read the condition near {text[pos:]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


def compile_condition(text: str, blocks: dict[str, Predicate]) -> Predicate:
    tokens = _tokens(text)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def group(token: str) -> Predicate:
        quantity, _, pattern = token.split(" ", 2)
        pattern = "*" if pattern == "them" else pattern
        names = [n for n in blocks if fnmatch.fnmatch(n, pattern)]
        if not names:
            raise ConditionError(f"{token!r} matches no detection block")
        preds = [blocks[n] for n in names]
        if quantity == "all":
            return lambda r: all(p(r) for p in preds)
        need = int(quantity)
        return lambda r: sum(1 for p in preds if p(r)) >= need

    def atom() -> Predicate:
        token = peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        take()
        if token == "(":
            inner = expr()
            if take() != ")":
                raise ConditionError("missing ')'")
            return inner
        if token == "not":
            inner = atom()
            return lambda r: not inner(r)
        if " of " in token:
            return group(token)
        if token not in blocks:
            raise ConditionError(f"{token!r} is not a detection block of this rule")
        return blocks[token]

    def conjunction() -> Predicate:
        left = atom()
        while peek() == "and":
            take()
            right = atom()
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return left

    def expr() -> Predicate:
        left = conjunction()
        while peek() == "or":
            take()
            right = conjunction()
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left

    result = expr()
    if peek() is not None:
        raise ConditionError(f"unexpected {peek()!r} in the condition")
    return result
