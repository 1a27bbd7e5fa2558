"""Property tests of the feed loaders on generated hostile documents (issue 8): Echap-, STIX- and
TinyCheck-shaped structures with odd types, nesting, hostile text and broken patterns, written as YAML or
JSON. Whatever the document, loading either works or is a one-line UserError naming the file, and what
`iocs list`, `show` and `export` print carries no raw control character."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stalkerlab.detector.iocs import load_feeds

from stalkerlab.common.errors import UserError

HOSTILE_TEXT = st.lists(st.sampled_from(["a", ".", "-", " ", "'", "\\", "[", "(", " OR ", "\n", "\x1b[2J", "\x9b",
                                         "\u202e", "\u200d", "\ud800", "\x00", "é", "example"]),
                        max_size=12).map("".join)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True), HOSTILE_TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(["name", "names", "type", "c2", "ips", "domains", "x"]),
                                        inner, max_size=4), max_leaves=20)
DOMAIN_LISTS = st.lists(st.one_of(st.just("c2.fuzz.example"), HOSTILE_TEXT, VALUES), max_size=4)
ECHAP_APPS = st.lists(st.fixed_dictionaries(
    {"name": st.one_of(HOSTILE_TEXT, VALUES)},
    optional={"names": VALUES, "type": VALUES, "packages": DOMAIN_LISTS, "certificates": DOMAIN_LISTS,
              "websites": DOMAIN_LISTS, "c2": st.one_of(VALUES, st.fixed_dictionaries(
                  {}, optional={"domains": DOMAIN_LISTS, "ips": DOMAIN_LISTS, "ip": DOMAIN_LISTS}))}),
    max_size=4)
PATTERNS = st.one_of(
    st.builds(lambda v: f"[domain-name:value='{v}']", HOSTILE_TEXT),
    st.builds(lambda n, v: "(" * n + f"[ipv4-addr:value = '{v}']" + ")" * n, st.integers(0, 300), HOSTILE_TEXT),
    st.builds(lambda vs: "[" + " OR ".join(f"url:value='{v}'" for v in vs) + "]", st.lists(HOSTILE_TEXT, max_size=5)),
    HOSTILE_TEXT, VALUES)
STIX_OBJECTS = st.lists(st.one_of(
    st.fixed_dictionaries({"type": st.just("malware"), "id": st.sampled_from(["malware--1", "malware--2", 7])},
                          optional={"name": st.one_of(HOSTILE_TEXT, VALUES), "aliases": VALUES,
                                    "x_stalkerlab_family_type": VALUES}),
    st.fixed_dictionaries({"type": st.just("indicator"), "id": st.sampled_from(["indicator--1", "indicator--2"]),
                           "pattern": PATTERNS, "pattern_type": st.sampled_from(["stix", "yara", 3])},
                          optional={"x_stalkerlab_role": VALUES}),
    st.fixed_dictionaries({"type": st.just("relationship"), "id": st.just("relationship--1"),
                           "relationship_type": st.sampled_from(["indicates", "uses"]),
                           "source_ref": st.sampled_from(["indicator--1", "indicator--2", None]),
                           "target_ref": st.sampled_from(["malware--1", "malware--2", []])}),
    VALUES), max_size=6)
TINYCHECK = st.lists(st.one_of(st.fixed_dictionaries(
    {"type": st.sampled_from(["domain", "ip4addr", "cidr", "sha1cert", "freedns", 1]), "value": HOSTILE_TEXT},
    optional={"tag": VALUES}), VALUES), max_size=6)
DOCUMENTS = st.one_of(
    st.tuples(st.just("ioc.yaml"), ECHAP_APPS),
    st.tuples(st.just("bundle.stix2"), st.builds(lambda objs: {"type": "bundle", "objects": objs}, STIX_OBJECTS)),
    st.tuples(st.just("iocs.json"), st.builds(lambda iocs: {"iocs": iocs}, TINYCHECK)),
    st.tuples(st.sampled_from(["ioc.yaml", "odd.json"]), VALUES))


def _printable_lines(text: str) -> bool:
    return all(line.isprintable() for line in text.splitlines())


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DOCUMENTS)
def test_any_document_loads_or_is_one_line_error_and_prints_as_data(run_cli, tmp_path_factory, document):
    name, doc = document
    path = tmp_path_factory.mktemp("fuzz") / name
    # JSON is YAML too; lone surrogates go in as \ud800 escapes, as a hostile file would hold them
    path.write_text(json.dumps(doc), encoding="ascii")
    try:
        indicators = load_feeds([path], training=False)
    except UserError as exc:
        assert str(path) in str(exc)
        code, out, err = run_cli("iocs", "list", "--feed", path)
        assert code == 2 and len(err.strip().splitlines()) == 1 and _printable_lines(err)
        return
    for args in (["list"], ["export", "--format", "stix2"], ["export", "--format", "suricata"],
                 ["export", "--format", "tinycheck"]):
        code, out, err = run_cli("iocs", *args, "--no-training", "--feed", path)
        assert code == 0 and _printable_lines(out), (args, err)
    for family in {i.family for i in indicators.all()}:
        code, out, err = run_cli("iocs", "show", family, "--no-training", "--feed", path)
        assert code == 0 and _printable_lines(out), err
