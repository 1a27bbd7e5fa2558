"""A SCORM 1.2 package of the course: one SCO per track (or one track), reporting completion and the score.

Layout of the zip:

    imsmanifest.xml            organisation with one item per track
    *.xsd                      the ADL/IMS SCORM 1.2 schemas the manifest names (customary in packages)
    scorm/launch-<track>.html  the SCO the LMS launches: frames the track's landing page
    scorm/sco.js               the runtime: finds the LMS API, keeps the learner's answers in the LMS
                               (cmi.suspend_data), reports score and completion, never lowers them
    site/...                   the built course, one shared asset resource

A mastery score (`--mastery-score`) lets the SCO report "passed" or "failed" instead of "completed". It is
written into the manifest (adlcp:masteryscore) only when asked (`--declare-mastery`): an LMS that knows it may
rewrite the status from any score it receives (Moodle's "mastery score overrides status", on by default), so
the SCO then reports the score only once it decides the status.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

from stalkerlab.course.layout import CourseLayout, Track
from stalkerlab.course.quiz_bank import read_page
from stalkerlab.course.structure import DEFAULT_LANGUAGE, OTHER_LANGUAGES

from stalkerlab.common.atomic_files import write_zip_atomic
from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import MARKER, zip_marker

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
SITE_PREFIX = "site/"
COMMAND = "course scorm"     # named in the zip's comment, so that a later run knows the file is its own


def _track_runtime_data(layout: CourseLayout, track: Track, site_dir: Path, mastery: int | None) -> dict:
    pages = []
    for page in track.pages:
        html = Track.html_path(page)
        variants = {DEFAULT_LANGUAGE: f"../{SITE_PREFIX}{html}"}
        variants.update({lang: f"../{SITE_PREFIX}{lang}/{html}" for lang in OTHER_LANGUAGES
                         if (site_dir / lang / html).is_file()})
        questions = len(read_page(layout.docs_dir, layout.docs_dir / page).quizzes)
        pages.append({"id": html[:-len(".html")], "page": html, "variants": variants, "questions": questions})
    return {"id": track.id, "site": f"../{SITE_PREFIX}", "landing": f"../{SITE_PREFIX}{Track.html_path(track.landing)}",
            "mastery": mastery, "pages": pages}


def _launch_page(track: Track, data: dict) -> str:
    template = resources.files("stalkerlab.course").joinpath("sco/launch.html").read_text(encoding="utf-8")
    # "</" cannot appear inside the JSON <script>; escaping the slash keeps the JSON valid.
    track_json = json.dumps(data, indent=1, sort_keys=True).replace("</", "<\\/")
    return template.format(title=_escape(track.title), track_json=track_json)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def manifest_xml(tracks: list[Track], site_files: list[str], title: str = "Stalkerware Lab",
                 identifier: str = "stalkerware-lab", mastery: int | None = None) -> bytes:
    """The imsmanifest.xml; `mastery` is declared as adlcp:masteryscore on every item (only when asked)."""
    # ElementTree's prefixes are global and other libraries in the same process change them (WeasyPrint's PDF
    # metadata takes the default one): set ours each time, not once at import, or the manifest gets ns0: tags
    for prefix, uri in (("", IMSCP), ("adlcp", ADLCP), ("xsi", XSI)):
        ET.register_namespace(prefix, uri)
    q = lambda ns, tag: f"{{{ns}}}{tag}"  # noqa: E731 - a local shorthand for namespaced tags
    root = ET.Element(q(IMSCP, "manifest"), {
        "identifier": f"{identifier}-course", "version": "1.0",
        q(XSI, "schemaLocation"): f"{IMSCP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd "
                                  f"{ADLCP} adlcp_rootv1p2.xsd",
    })
    metadata = ET.SubElement(root, q(IMSCP, "metadata"))
    ET.SubElement(metadata, q(IMSCP, "schema")).text = "ADL SCORM"
    ET.SubElement(metadata, q(IMSCP, "schemaversion")).text = "1.2"
    organizations = ET.SubElement(root, q(IMSCP, "organizations"), {"default": identifier})
    organization = ET.SubElement(organizations, q(IMSCP, "organization"), {"identifier": identifier})
    ET.SubElement(organization, q(IMSCP, "title")).text = title
    resources_el = ET.SubElement(root, q(IMSCP, "resources"))
    for track in tracks:
        item = ET.SubElement(organization, q(IMSCP, "item"), {
            "identifier": f"item-{track.id}", "identifierref": f"sco-{track.id}", "isvisible": "true"})
        ET.SubElement(item, q(IMSCP, "title")).text = track.title
        if mastery is not None:
            ET.SubElement(item, q(ADLCP, "masteryscore")).text = str(mastery)
        launch = f"scorm/launch-{track.id}.html"
        resource = ET.SubElement(resources_el, q(IMSCP, "resource"), {
            "identifier": f"sco-{track.id}", "type": "webcontent", q(ADLCP, "scormtype"): "sco", "href": launch})
        ET.SubElement(resource, q(IMSCP, "file"), {"href": launch})
        ET.SubElement(resource, q(IMSCP, "file"), {"href": "scorm/sco.js"})
        ET.SubElement(resource, q(IMSCP, "dependency"), {"identifierref": "course-site"})
    site = ET.SubElement(resources_el, q(IMSCP, "resource"), {
        "identifier": "course-site", "type": "webcontent", q(ADLCP, "scormtype"): "asset"})
    for name in site_files:
        ET.SubElement(site, q(IMSCP, "file"), {"href": name})
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def validate_manifest(manifest: bytes, schema_dir: Path) -> list[str]:
    """Validate against the SCORM 1.2 schemas (IMS CP 1.1.2 + ADL CP); returns the errors, empty if valid."""
    try:
        from lxml import etree
    except ImportError as exc:
        raise UserError("lxml: not installed (pip install lxml), needed to validate imsmanifest.xml") from exc
    # One driver schema pulls in both namespaces, so that adlcp attributes inside imscp elements are checked.
    driver = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:stalkerlab:driver">'
        f'<xsd:import namespace="{IMSCP}" schemaLocation="{(schema_dir / "imscp_rootv1p1p2.xsd").as_uri()}"/>'
        f'<xsd:import namespace="{ADLCP}" schemaLocation="{(schema_dir / "adlcp_rootv1p2.xsd").as_uri()}"/>'
        "</xsd:schema>"
    )
    schema = etree.XMLSchema(etree.fromstring(driver.encode(), base_url=schema_dir.as_uri() + "/"))
    document = etree.fromstring(manifest)
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def package_tracks(layout: CourseLayout, track_id: str | None = None, mastery_score: int | None = None,
                   declare_mastery: bool = False) -> list[Track]:
    """The tracks a package holds, once its options are checked (before a site is built for it)."""
    if mastery_score is not None and not 0 <= mastery_score <= 100:
        raise UserError(f"--mastery-score {mastery_score}: give a score from 0 to 100")
    if declare_mastery and mastery_score is None:
        raise UserError("--declare-mastery: needs --mastery-score")
    tracks = layout.tracks()
    if track_id is None:
        return tracks
    chosen = [t for t in tracks if t.id == track_id]
    if not chosen:
        raise UserError(f"--track {track_id}: no such track (choose from {', '.join(t.id for t in tracks)})")
    return chosen


def build_package(layout: CourseLayout, site_dir: Path, out: Path, track_id: str | None = None,
                  mastery_score: int | None = None, declare_mastery: bool = False) -> dict:
    """Write the SCORM zip from an already built site: every track, or only `track_id`. Returns a summary
    (tracks with their number of questions, files)."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise UserError(f"{site_dir}: not a built course (no index.html)")
    tracks = package_tracks(layout, track_id, mastery_score, declare_mastery)
    title, identifier = "Stalkerware Lab", "stalkerware-lab"
    if track_id is not None:
        title, identifier = f"Stalkerware Lab: {tracks[0].title}", f"stalkerware-lab-{track_id}"
    site_files = sorted(f"{SITE_PREFIX}{p.relative_to(site_dir).as_posix()}"
                        for p in site_dir.rglob("*") if p.is_file() and p != site_dir / MARKER)
    manifest = manifest_xml(tracks, site_files, title, identifier, mastery_score if declare_mastery else None)
    errors = validate_manifest(manifest, layout.schema_dir)
    if errors:
        raise UserError(f"imsmanifest.xml: does not validate against SCORM 1.2: {errors[0]}")
    runtime = resources.files("stalkerlab.course").joinpath("sco/sco.js").read_bytes()
    summary = {"tracks": {}, "files": len(site_files)}

    def entries():
        yield "imsmanifest.xml", manifest
        for name in SCHEMA_FILES:
            yield name, (layout.schema_dir / name).read_bytes()
        yield "scorm/sco.js", runtime
        for track in tracks:
            data = _track_runtime_data(layout, track, site_dir, mastery_score)
            summary["tracks"][track.id] = sum(p["questions"] for p in data["pages"])
            yield f"scorm/launch-{track.id}.html", _launch_page(track, data).encode("utf-8")
        for name in site_files:
            yield name, (site_dir / name[len(SITE_PREFIX):]).read_bytes()

    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_zip_atomic(out, entries(), comment=zip_marker(COMMAND))
    return summary
