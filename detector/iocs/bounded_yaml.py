"""YAML from an untrusted feed, parsed within limits that are checked while the document is built, before
PyYAML's recursive composer can go deep or its aliases can multiply the document.

- No aliases (`*name`): a 500-byte "billion laughs" file of nested aliases expands to gigabytes when walked,
  and Echap's feeds use none. Anchors alone are harmless and allowed.
- Nesting at most MAX_NESTING levels: the composer and constructor recurse once per level, so tens of
  thousands of `[` or `- ` end in RecursionError. Echap's ioc.yaml nests four levels.
- At most `max_values` values (what is left of the load's budget, loading.MAX_LOAD_VALUES): each costs a
  few hundred bytes and 20 to 40 microseconds as a parse tree, whatever its size in the file.

Events come from libyaml when PyYAML has it (13 times faster than the pure-Python parser, and iterative);
the composer and constructor are PyYAML's own, so tags, implicit types and errors are unchanged.
"""

from __future__ import annotations

import yaml
from stalkerlab.detector.iocs.loading import LOAD_VALUES_REFUSED, MAX_NESTING
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver


class RefusedYaml(yaml.YAMLError):
    """A document that is valid YAML but outside the limits; `reason` says which, at `problem_mark`."""

    def __init__(self, reason: str, mark):
        super().__init__(reason)
        self.reason, self.problem_mark = reason, mark


class _BoundedComposer(Composer):
    def __init__(self, max_values: int):
        super().__init__()
        self._depth = 0
        self.values = 0
        self._max_values = max_values

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise RefusedYaml(f"uses a YAML alias (*{event.anchor}); feeds may not use aliases, write the values "
                              "out", event.start_mark)
        self.values += 1
        if self.values > self._max_values:
            raise RefusedYaml(LOAD_VALUES_REFUSED, event.start_mark)
        if self._depth >= MAX_NESTING:
            raise RefusedYaml(f"nests deeper than {MAX_NESTING} levels", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


try:
    from yaml._yaml import CParser as _EventSource

    def _init_source(loader, text: str) -> None:
        _EventSource.__init__(loader, text)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _EventSource(Reader, Scanner, Parser):
        pass

    def _init_source(loader, text: str) -> None:
        Reader.__init__(loader, text)
        Scanner.__init__(loader)
        Parser.__init__(loader)


class _BoundedLoader(_BoundedComposer, _EventSource, SafeConstructor, Resolver):
    def __init__(self, text: str, max_values: int):
        _init_source(self, text)
        _BoundedComposer.__init__(self, max_values)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def load_bounded_yaml(text: str, max_values: int) -> tuple[object, int]:
    """(the one document in `text` as yaml.safe_load gives it, the number of values in it); yaml.YAMLError
    (RefusedYaml for a limit) or ValueError (a value its tag cannot hold, such as the date 2024-13-45) when
    it cannot be had."""
    loader = _BoundedLoader(text, max_values)
    try:
        return loader.get_single_data(), loader.values
    finally:
        loader.dispose()
