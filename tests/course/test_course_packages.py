"""SCORM 1.2 and QTI packages: valid, complete, reproducible. Fast: a small stand-in site is packaged."""

from __future__ import annotations

import importlib.util
import json
import re
import zipfile

import pytest

from stalkerlab.common.errors import UserError

pytestmark = pytest.mark.skipif(
    not (importlib.util.find_spec("lxml") and importlib.util.find_spec("mkdocs_quiz")),
    reason="SCORM/QTI packaging needs lxml and mkdocs-quiz")


@pytest.fixture
def small_site(tmp_path, layout):
    """A stand-in for a built site: one HTML file per page the tracks name, plus a French copy of one."""
    site = tmp_path / "site"
    for track in layout.tracks():
        for page in (track.landing, *track.pages):
            target = site / page.replace(".md", ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"<html><body>{page}</body></html>")
    (site / "index.html").write_text("<html><body>home</body></html>")
    (site / "fr" / "modules").mkdir(parents=True)
    (site / "fr" / "modules" / "00-orientation.html").write_text("<html><body>fr</body></html>")
    return site


def test_scorm_package_validates_and_has_one_sco_per_track(tmp_path, layout, small_site):
    from stalkerlab.course.scorm import build_package, validate_manifest

    out = tmp_path / "course.zip"
    summary = build_package(layout, small_site, out)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = zf.read("imsmanifest.xml")
        launch = zf.read("scorm/launch-police.html").decode()
    assert validate_manifest(manifest, layout.schema_dir) == []
    assert {"imsmanifest.xml", "scorm/sco.js", "site/index.html", "imscp_rootv1p1p2.xsd",
            "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"} <= names
    scos = re.findall(rb'adlcp:scormtype="sco" href="([^"]+)"', manifest)
    assert sorted(scos) == [b"scorm/launch-instructors.html", b"scorm/launch-police.html",
                            b"scorm/launch-support-workers.html"]
    for sco in scos:
        assert sco.decode() in names
    # every file of the site is declared, and every declared file is in the zip
    declared = set(re.findall(rb'<file href="([^"]+)"', manifest))
    assert {n.encode() for n in names if n.startswith("site/")} <= declared
    assert all(d.decode() in names for d in declared)
    # the runtime data names each page of the track with its number of questions, French variant included
    data = json.loads(re.search(r'<script type="application/json" id="sco-track">(.*?)</script>', launch, re.S)[1])
    assert [p["page"] for p in data["pages"]] == [p.replace(".md", ".html") for p in layout.tracks()[0].pages]
    assert all(p["questions"] >= 5 for p in data["pages"])
    assert data["pages"][0]["variants"] == {"en": "../site/modules/00-orientation.html",
                                            "fr": "../site/fr/modules/00-orientation.html"}
    assert data["pages"][0]["id"] == "modules/00-orientation"
    assert summary["tracks"]["police"] == sum(p["questions"] for p in data["pages"])
    assert data["landing"] == "../site/tracks/police.html" and data["mastery"] is None
    # the frame opens only once the learner's answers from the LMS are in place (sco.js sets its src)
    assert re.search(r'<iframe id="course" title="[^"]*"></iframe>', launch)
    # no mastery score unless asked: with one, an LMS may rewrite the status from the score
    assert b"masteryscore" not in manifest


def test_scorm_package_of_one_track_with_a_declared_mastery_score(tmp_path, layout, small_site):
    from stalkerlab.course.scorm import build_package, validate_manifest

    out = tmp_path / "police.zip"
    summary = build_package(layout, small_site, out, track_id="police", mastery_score=80, declare_mastery=True)
    assert list(summary["tracks"]) == ["police"]
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = zf.read("imsmanifest.xml")
        launch = zf.read("scorm/launch-police.html").decode()
    assert validate_manifest(manifest, layout.schema_dir) == []
    assert re.findall(rb'adlcp:scormtype="sco" href="([^"]+)"', manifest) == [b"scorm/launch-police.html"]
    assert "scorm/launch-instructors.html" not in names
    assert re.findall(rb"<adlcp:masteryscore>(\d+)</adlcp:masteryscore>", manifest) == [b"80"]
    assert b'identifier="stalkerware-lab-police"' in manifest and b"Stalkerware Lab: Police track" in manifest
    data = json.loads(re.search(r'id="sco-track">(.*?)</script>', launch, re.S)[1])
    assert data["mastery"] == 80
    # a mastery score kept inside the SCO only: the manifest says nothing
    build_package(layout, small_site, tmp_path / "quiet.zip", track_id="police", mastery_score=80)
    with zipfile.ZipFile(tmp_path / "quiet.zip") as zf:
        assert b"masteryscore" not in zf.read("imsmanifest.xml")
        assert '"mastery": 80' in zf.read("scorm/launch-police.html").decode()


@pytest.mark.parametrize("options, message", [
    ({"track_id": "managers"}, "no such track"),
    ({"mastery_score": 101}, "from 0 to 100"),
    ({"declare_mastery": True}, "needs --mastery-score"),
])
def test_scorm_options_are_checked(tmp_path, layout, small_site, options, message):
    from stalkerlab.course.scorm import build_package

    with pytest.raises(UserError, match=message):
        build_package(layout, small_site, tmp_path / "x.zip", **options)
    assert not (tmp_path / "x.zip").exists()


def test_scorm_package_is_reproducible(tmp_path, layout, small_site):
    from stalkerlab.course.scorm import build_package

    build_package(layout, small_site, tmp_path / "a.zip")
    build_package(layout, small_site, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_manifest_validation_rejects_broken_manifests(tmp_path, layout, small_site):
    from stalkerlab.course.scorm import build_package, validate_manifest

    build_package(layout, small_site, tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        manifest = zf.read("imsmanifest.xml")
    assert validate_manifest(manifest.replace(b'scormtype="sco"', b'scormtype="lesson"', 1), layout.schema_dir)
    assert validate_manifest(manifest.replace(b"<organizations", b"<organisations")
                             .replace(b"</organizations>", b"</organisations>"), layout.schema_dir)
    assert validate_manifest(manifest.replace(b'identifier="item-police"', b'identifier="1 police"'), layout.schema_dir)
    # adlcp:masteryscore belongs after the item's title (the schema types it as any string: build_package
    # checks the range itself)
    misplaced = manifest.replace(b"<title>Police track</title>",
                                 b"<adlcp:masteryscore>80</adlcp:masteryscore><title>Police track</title>")
    assert validate_manifest(misplaced, layout.schema_dir)


def test_scorm_refuses_a_folder_that_is_not_a_site(tmp_path, layout):
    from stalkerlab.course.scorm import build_package

    with pytest.raises(UserError, match="not a built course"):
        build_package(layout, tmp_path, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_qti_export_has_every_english_question_with_its_feedback(tmp_path, layout):
    from stalkerlab.course.qti import export
    from stalkerlab.course.quiz_bank import read_pages

    expected = sum(len(p.quizzes) for p in read_pages(layout.docs_dir, layout.source_pages("en")))
    count = export(layout, tmp_path / "q.zip")
    assert count == expected >= 15 * 5
    with zipfile.ZipFile(tmp_path / "q.zip") as zf:
        items = [n for n in zf.namelist() if n.startswith("items/")]
        assert len(items) == count
        assert "items/modules-02-safety-planning-q1.xml" in items
        item = zf.read("items/modules-02-safety-planning-q1.xml").decode()
    assert "itemfeedback" in item and "alert the abuser" in item
    assert not any("-fr-q" in n for n in items)  # French pages are not exported a second time


def test_qti_export_is_reproducible_and_filters_by_track(tmp_path, layout):
    from stalkerlab.course.qti import export
    from stalkerlab.course.quiz_bank import read_page

    export(layout, tmp_path / "a.zip", "2.1", "instructors")
    count = export(layout, tmp_path / "b.zip", "2.1", "instructors")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert all("instructors-" in n for n in zf.namelist() if n.startswith("items/"))
    instructors = next(t for t in layout.tracks() if t.id == "instructors")
    assert count == sum(len(read_page(layout.docs_dir, layout.docs_dir / p).quizzes) for p in instructors.pages)
    with pytest.raises(UserError, match="no such track"):
        export(layout, tmp_path / "c.zip", "1.2", "managers")


QTI21 = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"


def _evaluate(expression, response: frozenset, correct: frozenset):
    """The few QTI 2.1 expressions the items use, evaluated as a delivery engine would (values are sets)."""
    tag = expression.tag[len(QTI21):]
    if tag == "variable":
        return response
    if tag == "correct":
        return correct
    if tag == "baseValue":
        return frozenset([expression.text])
    if tag == "match":
        left, right = (_evaluate(e, response, correct) for e in expression)
        return left == right
    if tag == "multiple":
        return frozenset().union(*(_evaluate(e, response, correct) for e in expression))
    raise AssertionError(f"unexpected expression {tag}")


def _process(item, chosen: set[str]) -> tuple[float, frozenset]:
    """Run an item's responseProcessing for the chosen answers: (SCORE, FEEDBACK)."""
    correct = frozenset(v.text for v in item.iter(f"{QTI21}correctResponse") for v in v)
    outcomes = {"SCORE": frozenset(["0"]), "FEEDBACK": frozenset()}

    def run(statements):
        for statement in statements:
            if statement.tag == f"{QTI21}setOutcomeValue":
                outcomes[statement.get("identifier")] = _evaluate(statement[0], frozenset(chosen), correct)
            elif statement.tag == f"{QTI21}responseCondition":
                branch = statement[0]
                assert branch.tag == f"{QTI21}responseIf"
                if _evaluate(branch[0], frozenset(chosen), correct):
                    run(branch[1:])
            else:
                raise AssertionError(f"unexpected rule {statement.tag}")

    run(item.find(f"{QTI21}responseProcessing"))
    return float(next(iter(outcomes["SCORE"]))), outcomes["FEEDBACK"]


def _plain_markdown(text: str) -> str:
    return " ".join(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text).replace("`", "").replace("**", "").split())


def test_qti21_items_show_each_answers_feedback_as_markup(tmp_path, layout):
    """Every answer of every item: responseProcessing scores it and sets FEEDBACK so that exactly that
    answer's explanation (and the general feedback) is shown, as XHTML markup, not escaped text."""
    from lxml import etree
    from stalkerlab.course.qti import export
    from stalkerlab.course.quiz_bank import read_pages

    count = export(layout, tmp_path / "q.zip", "2.1")
    pages = read_pages(layout.docs_dir, layout.source_pages("en"))
    quizzes = {q.identifier: q for page in pages for q in page.quizzes}
    assert count == len(quizzes)
    checked = 0
    with zipfile.ZipFile(tmp_path / "q.zip") as zf:
        for name in (n for n in zf.namelist() if n.startswith("items/")):
            raw = zf.read(name)
            assert b"<![CDATA[" not in raw and b"&lt;p&gt;" not in raw and b"&lt;code" not in raw, name
            item = etree.fromstring(raw)
            quiz = quizzes[item.get("identifier")]
            declared = {d.get("identifier"): d for d in item.findall(f"{QTI21}outcomeDeclaration")}
            feedback = {f.get("identifier"): f for f in item.findall(f"{QTI21}modalFeedback")}
            assert all(f.get("outcomeIdentifier") in declared and f.get("showHide") == "show"
                       for f in feedback.values())
            assert declared["FEEDBACK"].get("baseType") == "identifier"
            choices = [c.get("identifier") for c in item.iter(f"{QTI21}simpleChoice")]
            assert choices == [a.identifier for a in quiz.answers]
            picks = [{a.identifier for a in quiz.correct_answers}] if quiz.is_multiple_choice else []
            picks += [{a.identifier} for a in quiz.answers]
            for chosen in picks:
                score, shown = _process(item, chosen)
                assert score == (1.0 if chosen == {a.identifier for a in quiz.correct_answers} else 0.0)
                visible = {i for i in feedback if i in shown}
                expected = {a.identifier for a in quiz.answers if a.identifier in chosen and a.feedback}
                assert visible == expected | ({"general"} if quiz.content else set()), (name, chosen)
                for answer in quiz.answers:
                    if answer.identifier in visible:
                        text = " ".join("".join(feedback[answer.identifier].itertext()).split())
                        assert text == _plain_markdown(answer.feedback), name
                checked += 1
    assert checked > 3 * count
    # markup survives: a code span in a question is an element, links to course pages keep their text
    with zipfile.ZipFile(tmp_path / "q.zip") as zf:
        item = etree.fromstring(zf.read("items/modules-05-network-traffic-q3.xml"))
    assert item.find(f"{QTI21}itemBody/{QTI21}div/{QTI21}code").text == "firebaseio.com"
    assert item.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_qti_export_in_french_with_links_to_the_published_course(tmp_path, layout):
    from lxml import etree
    from stalkerlab.course.qti import export

    export(layout, tmp_path / "fr.zip", "2.1", "police", "fr", "https://training.example/course/")
    with zipfile.ZipFile(tmp_path / "fr.zip") as zf:
        names = [n for n in zf.namelist() if n.startswith("items/")]
        assert names and all("-fr-q" in n for n in names)
        item = etree.fromstring(zf.read("items/modules-05-network-traffic-fr-q3.xml"))
    links = [a.get("href") for a in item.iter(f"{QTI21}a")]
    assert links == ["https://training.example/course/fr/references.html#echap"]
    assert item.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    with pytest.raises(UserError, match="--language de"):
        export(layout, tmp_path / "de.zip", "2.1", None, "de")


@pytest.mark.parametrize("argv, message", [
    (("--mastery-score", "120"), "--mastery-score 120: give a score from 0 to 100"),
    (("--declare-mastery",), "--declare-mastery: needs --mastery-score"),
    (("--track", "managers"), "--track managers: no such track"),
])
def test_scorm_command_refuses_bad_options_before_building(tmp_path, run_cli, argv, message):
    import time

    started = time.monotonic()
    code, out, err = run_cli("course", "scorm", "--out", tmp_path / "course.zip", *argv)
    assert code == 2 and message in out + err and "Traceback" not in out + err
    assert time.monotonic() - started < 8  # no site was built first (a build takes 15 s or more)
    assert list(tmp_path.iterdir()) == []
