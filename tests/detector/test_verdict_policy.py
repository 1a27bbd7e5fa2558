"""The verdict policy is data (detector/verdict_policy.yml): the built-in one names only rules that exist, an
instructor's changed copy changes the verdict, and a broken policy is one line naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from stalkerlab.detector.findings import Finding, IndicatorHit
from stalkerlab.detector.rules.schema import load_rules
from stalkerlab.detector.verdict import decide, stale_feed_reasons
from stalkerlab.detector.verdict_policy import BUILTIN_POLICY, VERDICTS, load_policy

from stalkerlab.common.errors import UserError


def builtin_data() -> dict:
    return yaml.safe_load(BUILTIN_POLICY.read_text(encoding="utf-8"))


def write_policy(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "policy.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def finding(rule_id: str, title: str = "t", subject: str | None = None, indicator=None, tags=("heuristic",)):
    return Finding(rule_id=rule_id, level="medium", title=title, explanation="e", detail="d", subject=subject,
                   indicator=indicator, tags=tags)


def hit(role: str, family="MirrorSpy", family_type="stalkerware") -> IndicatorHit:
    return IndicatorHit(value="x.example", kind="domain", role=role, family=family, family_type=family_type,
                        feed="training")


def test_the_builtin_policy_names_only_existing_rules_and_every_verdict():
    policy = load_policy()
    assert policy.rule_ids() <= {r.id for r in load_rules()}
    assert {v.verdict for v in policy.verdicts} | {policy.otherwise_verdict} == set(VERDICTS)


@pytest.mark.parametrize("findings, expected", [
    ([finding("net.ioc.c2", indicator=hit("c2"))], "stalkerware"),
    ([finding("net.ioc.website", indicator=hit("website"))], "no-indicators"),
    ([finding("net.ioc.distribution", indicator=hit("distribution"))], "stalkerware-suspected"),
    ([finding("net.ioc.c2_watchware", indicator=hit("c2", "FamilyCompass", "watchware"))], "watchware"),
    ([finding("net.flow.upload_after_action", "up")], "stalkerware-suspected"),
    ([finding("net.coverage.vpn", tags=("coverage",))], "inconclusive"),
    ([finding("net.flow.beacon")], "no-indicators"),
])
def test_builtin_verdicts(findings, expected):
    assert decide(findings, have_capture=True, have_device=False).verdict == expected


def test_distribution_seen_on_both_sides_is_raised_to_stalkerware(tmp_path):
    net = finding("net.ioc.distribution", indicator=hit("distribution"))
    dev = finding("dev.something", indicator=hit("distribution"))
    assert decide([net, dev], have_capture=True, have_device=True).verdict == "stalkerware"
    data = builtin_data()
    data["both_sources_raise"] = False
    policy = load_policy(write_policy(tmp_path, data))
    assert decide([net, dev], have_capture=True, have_device=True, policy=policy).verdict == "stalkerware-suspected"


def test_a_vendor_site_that_is_also_its_download_page_counts_as_a_visit(tmp_path):
    website = finding("net.ioc.website", indicator=hit("website"))
    distribution = finding("net.ioc.distribution", indicator=hit("distribution"))
    verdict = decide([website, distribution], have_capture=True, have_device=False)
    assert verdict.verdict == "no-indicators" and verdict.families[0].confidence == "low"
    other_site = finding("net.ioc.distribution", indicator=IndicatorHit(
        value="dl.x.example", kind="domain", role="distribution", family="MirrorSpy", family_type="stalkerware",
        feed="training"))
    assert decide([website, other_site], have_capture=True, have_device=False).verdict == "stalkerware-suspected"
    data = builtin_data()
    data.pop("same_name_counts_as")
    policy = load_policy(write_policy(tmp_path, data))
    assert decide([website, distribution], have_capture=True, have_device=False,
                  policy=policy).verdict == "stalkerware-suspected"


def test_an_instructors_policy_changes_what_makes_a_verdict(tmp_path):
    data = builtin_data()
    suspected = next(v for v in data["verdicts"] if v["verdict"] == "stalkerware-suspected")
    suspected["reasons"].append({"findings": ["net.flow.beacon"], "code": "beacon", "text": "Regular: {subject}"})
    policy = load_policy(write_policy(tmp_path, data))
    verdict = decide([finding("net.flow.beacon", subject="a.example")], have_capture=True, have_device=False,
                     policy=policy)
    assert verdict.verdict == "stalkerware-suspected"
    assert verdict.reasons == [{"code": "beacon", "text": "Regular: a.example"}]


def test_reasons_by_tag_and_the_stale_feed_wording_come_from_the_policy(tmp_path):
    data = builtin_data()
    inconclusive = next(v for v in data["verdicts"] if v["verdict"] == "inconclusive")
    inconclusive["reasons"] = [{"tags": ["coverage"], "code": "gap", "text": "{title}"},
                               {"stale_feeds": True, "code": "old", "text": "{feed} is {days} days old ({date})"}]
    data["feed_stale_days"] = 10
    policy = load_policy(write_policy(tmp_path, data))
    verdict = decide([finding("net.class.gap", "Gap seen", tags=("coverage",))], have_capture=True,
                     have_device=False, policy=policy)
    assert verdict.verdict == "inconclusive" and verdict.reasons == [{"code": "gap", "text": "Gap seen"}]
    reasons = stale_feed_reasons([{"name": "echap", "date": "2026-01-01"}], 1767225600.0 + 20 * 86400,
                                 policy=policy)
    assert reasons == [{"code": "old", "text": "echap is 20 days old (2026-01-01)"}]


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("verdicts"), "verdicts: is required"),
    (lambda d: d.update(extra=1), "extra: is not a known key"),
    (lambda d: d["indicator_confidence"].update(c2="certain"), "indicator_confidence.c2: 'certain' is not one of"),
    (lambda d: d.update(same_name_counts_as={"distribution": "blog"}), "same_name_counts_as: must map a role"),
    (lambda d: d.update(feed_stale_days="soon"), "feed_stale_days: 'soon' is not a whole number"),
    (lambda d: d["verdicts"][0].update(verdict="spyware"), "verdicts[0].verdict: 'spyware' is not one of"),
    (lambda d: d["verdicts"][2]["reasons"][0].pop("code"), "verdicts[2].reasons[0].code: is required"),
    (lambda d: d["verdicts"][2]["reasons"][0].update(text="{who}"),
     "verdicts[2].reasons[0].text: {who} cannot be filled here"),
    (lambda d: d["verdicts"][2]["reasons"][0].update(no_input=True),
     "verdicts[2].reasons[0].no_input: cannot be combined with findings"),
    (lambda d: d["verdicts"][1]["reasons"][0]["families"].update(confidence="sure"),
     "verdicts[1].reasons[0].families.confidence: 'sure' is not one of"),
    (lambda d: d["otherwise"].update(verdict="stalkerware"),
     "otherwise.verdict: stalkerware is already one of the verdicts above"),
])
def test_a_broken_policy_is_one_line_naming_file_and_field(tmp_path, change, message):
    data = builtin_data()
    change(data)
    path = write_policy(tmp_path, data)
    with pytest.raises(UserError) as err:
        load_policy(path)
    assert str(err.value).startswith(f"{path}: {message}") and "\n" not in str(err.value)


def test_unreadable_policy_files(tmp_path):
    with pytest.raises(UserError, match="missing.yml: cannot read the verdict policy"):
        load_policy(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("verdicts: [unclosed\n")
    with pytest.raises(UserError, match="bad.yml: invalid YAML"):
        load_policy(bad)
