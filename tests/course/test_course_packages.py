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
    assert data["pages"][0]["paths"] == ["../site/modules/00-orientation.html",
                                         "../site/fr/modules/00-orientation.html"]
    assert summary["tracks"]["police"] == sum(p["questions"] for p in data["pages"])
    assert 'src="../site/tracks/police.html"' in launch


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
