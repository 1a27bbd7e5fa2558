"""The SCORM package in a real SCORM 1.2 runtime: scorm-again's Scorm12API (npm, MIT) in Debian's chromium.

The package is unzipped and served on 127.0.0.1 beside a page that plays the LMS: it creates
`window.API = new Scorm12API(...)`, loads the learner's record with loadFromJSON (as an LMS does at launch),
frames the SCO, and keeps what the SCO commits. The test plays the LMS's database: it turns each commit into
the next launch's data. Separate browser contexts are separate computers (separate storage); two learners on
one context share a browser.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]

LMS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="scorm12.js"></script>
<script>
(function () {
  var launch = window.LMS_LAUNCH;
  var api = new Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
  api.loadFromJSON(launch.cmi);
  window.lmsCalls = [];
  window.lmsRecord = null;
  ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"].forEach(function (name) {
    var call = api[name];
    api[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      var result = String(call.apply(api, args));
      lmsCalls.push({ name: name, args: args, result: result, error: String(api.LMSGetLastError()) });
      if (name === "LMSCommit" || name === "LMSFinish") {
        // what the LMS would store: scorm-again renders its data model for the LMS's commit URL
        window.lmsRecord = JSON.parse(JSON.stringify(api.renderCommitCMI(name === "LMSFinish")));
      }
      return result;
    };
  });
  window.API = api;
})();
</script></head><body>
<script>
var frame = document.createElement("iframe");
frame.id = "sco";
frame.title = "activity";
frame.style = "width:1200px;height:850px";
frame.src = "pkg/scorm/launch-" + window.LMS_LAUNCH.track + ".html";
document.body.appendChild(frame);
</script>
</body></html>
"""

# Written from the LMS page (same origin as the course): mkdocs-quiz's storage for every page of the track, as
# if the learner had answered there. `pattern(page, i)` says what question i of a page gets.
FILL_STORAGE = """([pages, base, language, rule]) => {
    for (const p of pages) {
        const entries = {};
        for (let i = 0; i < p.questions; i++) {
            const right = rule === "all" || (rule === "half" && i % 2 === 0);
            entries["quiz-" + i] = {answered: true, correct: right, selectedValues: rule === "every-choice" ?
                ["0", "1", "2", "3"] : [String(i % 3)]};
        }
        localStorage.setItem("quiz_progress_" + new URL(p.variants[language], base).pathname,
                             JSON.stringify(entries));
    }
}"""


@pytest.fixture(scope="session")
def scorm_again() -> str:
    """scorm-again's SCORM 1.2 API (`npm ci --prefix course`, pinned by the lock file)."""
    candidates = [os.environ.get("SCORM_AGAIN_JS", ""),
                  PROJECT_ROOT / "course/node_modules/scorm-again/dist/scorm12.js"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    pytest.skip("scorm-again not found: run `npm ci --prefix course` (or set SCORM_AGAIN_JS to scorm12.js)")


class Lms:
    """The LMS: serves the package and scorm-again, launches a learner's attempt, keeps their records."""

    def __init__(self, root: Path, server):
        self.root, self.server = root, server
        manifest = ET.parse(root / "pkg" / "imsmanifest.xml").getroot()
        # An LMS passes the manifest's adlcp:masteryscore to the SCO as cmi.student_data.mastery_score.
        self.mastery = {item.get("identifier")[len("item-"):]: item.findtext(
            "{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore", "") for item in manifest.iter(
            "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}item")}
        self.records: dict[str, dict] = {}

    def track(self, track: str) -> dict:
        launch = (self.root / "pkg" / "scorm" / f"launch-{track}.html").read_text(encoding="utf-8")
        return json.loads(re.search(r'id="sco-track">(.*?)</script>', launch, re.S)[1])

    def launch(self, context, learner: str, track: str = "police", record: dict | None = None,
               use_manifest_mastery: bool = True):
        """Open the learner's attempt in a browser context, with the LMS's record of it (if any)."""
        record = record if record is not None else self.records.get(learner)
        core = (record or {}).get("core", {})
        cmi = {
            "core": {"student_id": learner, "student_name": learner.title(), "credit": "credit",
                     "lesson_mode": "normal", "lesson_status": core.get("lesson_status", "not attempted"),
                     "entry": "resume" if core.get("exit") == "suspend" else ("" if record else "ab-initio"),
                     "lesson_location": core.get("lesson_location", ""),
                     "score": {k: core.get("score", {}).get(k, "") for k in ("raw", "min", "max")}},
            "suspend_data": (record or {}).get("suspend_data", ""),
            "student_data": {"mastery_score": self.mastery[track] if use_manifest_mastery else ""},
        }
        page = context.new_page()
        page.add_init_script(f"window.LMS_LAUNCH = {json.dumps({'track': track, 'cmi': cmi})};")
        page.goto(self.server.url + "index.html")
        page.wait_for_function("() => window.lmsRecord !== null")
        page.learner = learner
        return page

    def finish(self, page) -> dict:
        """The learner leaves the activity: the SCO finishes; the LMS stores the record."""
        page.evaluate("document.getElementById('sco').remove()")
        page.wait_for_function("() => window.lmsCalls.some(c => c.name === 'LMSFinish')")
        calls = page.evaluate("window.lmsCalls")
        rejected = [c for c in calls
                    if c["name"] in ("LMSSetValue", "LMSCommit", "LMSFinish") and c["result"] != "true"]
        assert rejected == [], rejected
        record = page.evaluate("window.lmsRecord")["cmi"]
        self.records[page.learner] = record
        page.close()
        return record


@pytest.fixture
def lms(tmp_path, serve, scorm_again, package):
    def make(zip_path: Path | None = None) -> Lms:
        root = tmp_path / f"lms-{len(list(tmp_path.iterdir()))}"
        with zipfile.ZipFile(zip_path or package) as zf:
            zf.extractall(root / "pkg")
        (root / "scorm12.js").write_text(scorm_again, encoding="utf-8")
        (root / "index.html").write_text(LMS_PAGE, encoding="utf-8")
        return Lms(root, serve(root))

    return make


@pytest.fixture(scope="module")
def package(built_site, layout, tmp_path_factory):
    from stalkerlab.course.scorm import build_package

    out = tmp_path_factory.mktemp("scorm") / "course.zip"
    build_package(layout, built_site, out)
    return out


@pytest.fixture
def computer(browser):
    """`computer()`: a new browser context (its own storage) that refuses requests leaving 127.0.0.1."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.outside_requests = []

        def guard(route):
            url = route.request.url
            if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
                route.continue_()
            else:
                context.outside_requests.append(url)
                route.abort()

        context.route("**/*", guard)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        assert context.outside_requests == []
        context.close()


def record_of(page) -> dict:
    return page.evaluate("window.lmsRecord")["cmi"]


def wait_record(page, condition: str) -> dict:
    """Wait until the LMS holds a commit for which `condition` (JS, on `r` = cmi) is true."""
    page.wait_for_function("() => { const r = window.lmsRecord && window.lmsRecord.cmi; "
                           f"return !!r && ({condition}); }}")
    return record_of(page)


def course_frame(page):
    return page.frame_locator("#sco").frame_locator("#course")


def answer_keys(page) -> dict:
    """The course answers this browser's storage holds (mkdocs-quiz's keys), as the LMS page sees them."""
    return page.evaluate("""() => Object.fromEntries(Object.keys(localStorage)
        .filter(k => k.startsWith('quiz_progress_')).map(k => [k, JSON.parse(localStorage.getItem(k))]))""")


def test_two_learners_on_one_browser_and_one_learner_on_two_computers(lms, computer):
    lms = lms()
    track = lms.track("police")
    total = sum(p["questions"] for p in track["pages"])
    base = lms.server.url + "pkg/scorm/"
    shared = computer()

    # Ann on the classroom computer: answers the first question of Module 0 right and the second wrong.
    ann = lms.launch(shared, "ann")
    first = wait_record(ann, "r.core.lesson_status === 'incomplete'")
    assert first["core"]["score"]["raw"] == "0"
    course = course_frame(ann)
    course.locator("article").get_by_role("link", name="Module 0: Orientation and wellbeing").first.click()
    quizzes = course.locator(".quiz")
    quizzes.nth(0).locator("input[data-correct='true']").check()
    quizzes.nth(0).locator(".quiz-feedback").wait_for(state="visible")
    quizzes.nth(1).locator("input:not([data-correct])").first.check()
    quizzes.nth(1).locator(".quiz-feedback").wait_for(state="visible")
    state = json.loads(wait_record(ann, "r.suspend_data.indexOf('\"w') > 0")["suspend_data"])
    assert state["p"]["modules/00-orientation"][:3] == ["en", "c2", "w0"]
    record = lms.finish(ann)
    assert record["core"]["score"]["raw"] == str(round(100 / total))
    assert record["core"]["lesson_status"] == "incomplete" and record["core"]["exit"] == "suspend"
    assert record["core"]["lesson_location"] == "modules/00-orientation.html"
    assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}", record["core"]["session_time"])
    assert len(record["suspend_data"]) <= 4096

    # The shared browser keeps nothing of Ann's; even answers left behind (a session that crashed before it
    # could finish) do not reach Bob.
    elsewhere = shared.new_page()
    elsewhere.goto(lms.server.url + "pkg/site/index.html")
    assert answer_keys(elsewhere) == {}
    elsewhere.evaluate(FILL_STORAGE, [track["pages"], base, "en", "all"])
    elsewhere.close()
    bob = lms.launch(shared, "bob")
    bob_record = wait_record(bob, "r.core.lesson_status === 'incomplete'")
    assert bob_record["core"]["score"]["raw"] == "0"
    assert json.loads(bob_record["suspend_data"])["p"] == {}
    assert all(not any(e.get("answered") for e in entries.values()) for entries in answer_keys(bob).values())
    course = course_frame(bob)
    course.locator("article").get_by_role("link", name="Module 0: Orientation and wellbeing").first.click()
    course.locator(".quiz").first.wait_for()
    assert course.locator(".quiz input:checked").count() == 0
    assert lms.finish(bob)["core"]["score"]["raw"] == "0"

    # Ann on her own laptop: the LMS's record brings her back to Module 0 with her two answers.
    laptop = computer()
    ann = lms.launch(laptop, "ann")
    course = course_frame(ann)
    quizzes = course.locator(".quiz")
    quizzes.nth(0).locator("input[data-correct='true']:checked").wait_for()
    assert quizzes.nth(1).locator("input:not([data-correct])").first.is_checked()
    assert quizzes.nth(1).locator(".quiz-feedback").is_visible()
    resumed = wait_record(ann, "true")
    assert resumed["core"]["score"]["raw"] == str(round(100 / total))
    assert resumed["core"]["lesson_status"] == "incomplete"
    # She answers everything (right) in French: completed, 100.
    ann.evaluate(FILL_STORAGE, [track["pages"], base, "fr", "all"])
    wait_record(ann, "r.core.lesson_status === 'completed' && r.core.score.raw === '100'")
    record = lms.finish(ann)
    assert record["core"]["lesson_status"] == "completed" and record["core"]["score"]["raw"] == "100"
    assert set(json.loads(record["suspend_data"])["p"]) == {p["id"] for p in track["pages"]}

    # Back on the classroom computer, where the storage is empty: completion and score stay as recorded.
    ann = lms.launch(shared, "ann")
    again = wait_record(ann, "true")
    assert again["core"]["lesson_status"] == "completed" and again["core"]["score"]["raw"] == "100"
    # answering one question wrong now does not take completion or score back
    course = course_frame(ann)
    course.locator("article").first.wait_for()
    ann.evaluate(FILL_STORAGE, [track["pages"][:1], base, "fr", "none"])
    wait_record(ann, "r.suspend_data.indexOf('\"w') > 0")
    record = lms.finish(ann)
    assert record["core"]["lesson_status"] == "completed" and record["core"]["score"]["raw"] == "100"


def test_an_lms_record_of_completed_90_without_answers_is_kept(lms, computer):
    lms = lms()
    record = {"core": {"lesson_status": "completed", "score": {"raw": "90", "min": "0", "max": "100"},
                       "exit": "", "lesson_location": ""}, "suspend_data": ""}
    page = lms.launch(computer(), "dana", "support-workers", record=record)
    wait_record(page, "r.core.lesson_status !== 'not attempted'")
    course_frame(page).locator("h1").first.wait_for()
    kept = lms.finish(page)
    assert kept["core"]["lesson_status"] == "completed" and kept["core"]["score"]["raw"] == "90"


def test_mastery_score_in_the_manifest_does_not_fail_a_learner_mid_course(lms, computer, built_site, layout,
                                                                           tmp_path):
    """With adlcp:masteryscore the LMS (here scorm-again's mastery_override, like Moodle's "mastery score
    overrides status") turns any score it holds into passed/failed at LMSFinish. A learner who leaves half way
    must stay "incomplete", and pass once the score reaches the mastery score."""
    from stalkerlab.course.scorm import build_package

    zip_path = tmp_path / "instructors.zip"
    build_package(layout, built_site, zip_path, track_id="instructors", mastery_score=80, declare_mastery=True)
    lms = lms(zip_path)
    assert lms.mastery == {"instructors": "80"}
    track = lms.track("instructors")
    base = lms.server.url + "pkg/scorm/"
    laptop = computer()

    page = lms.launch(laptop, "eve", "instructors")
    wait_record(page, "r.core.lesson_status === 'incomplete'")
    page.evaluate(FILL_STORAGE, [track["pages"][:1], base, "en", "all"])
    page.wait_for_function("() => window.lmsRecord.cmi.suspend_data.indexOf('\"c') > 0")
    record = lms.finish(page)
    assert record["core"]["lesson_status"] == "incomplete" and record["core"]["score"]["raw"] == ""

    page = lms.launch(laptop, "eve", "instructors")
    page.evaluate(FILL_STORAGE, [track["pages"], base, "en", "all"])
    wait_record(page, "r.core.lesson_status === 'passed'")
    record = lms.finish(page)
    assert record["core"]["lesson_status"] == "passed" and record["core"]["score"]["raw"] == "100"

    # An LMS that ignores the manifest's mastery score: the SCO applies the export's own.
    page = lms.launch(laptop, "finn", "instructors", use_manifest_mastery=False)
    page.evaluate(FILL_STORAGE, [track["pages"], base, "en", "half"])
    record = wait_record(page, "r.core.lesson_status === 'failed'")
    assert 40 <= int(record["core"]["score"]["raw"]) <= 60
    assert lms.finish(page)["core"]["lesson_status"] == "failed"


def test_suspend_data_fits_scorm_12_for_the_largest_track(lms, computer):
    """Every question of the police track answered in both languages with every choice ticked: the state the
    SCO keeps in the LMS stays within CMIString4096 (scorm-again would accept 64000, other LMSs do not)."""
    lms = lms()
    track = lms.track("police")
    base = lms.server.url + "pkg/scorm/"
    largest = max(lms.track(t)["pages"].__len__() for t in ("police", "support-workers", "instructors"))
    assert len(track["pages"]) == largest
    page = lms.launch(computer(), "gus")
    wait_record(page, "r.core.lesson_status === 'incomplete'")
    for language in ("en", "fr"):
        page.evaluate(FILL_STORAGE, [track["pages"], base, language, "every-choice"])
    record = wait_record(page, "r.core.lesson_status === 'completed'")
    state = record["suspend_data"]
    assert len(state) <= 4096, len(state)
    assert "c0.1.2.3" in state or "w0.1.2.3" in state  # the choices are kept, not only right/wrong
    # and they come back on another computer
    record = lms.finish(page)
    page = lms.launch(computer(), "gus")
    wait_record(page, "true")
    restored = answer_keys(page)
    assert len(restored) == len(track["pages"])
    assert sum(len(entries) for entries in restored.values()) == sum(p["questions"] for p in track["pages"])


def test_sco_runs_without_an_lms(lms, computer):
    lms = lms()
    page = computer().new_page()
    page.goto(lms.server.url + "pkg/scorm/launch-instructors.html")
    page.frame_locator("#course").locator("h1").wait_for()
    assert "Not launched from an LMS" in page.locator("#sco-status").text_content()


def test_a_damaged_or_hostile_suspend_data_restores_only_what_is_valid(lms, computer):
    """cmi.suspend_data comes from the LMS's database: entries that do not fit the track are dropped, and
    nothing in it runs as code."""
    lms = lms()
    pages = lms.track("police")["pages"]
    first, second, third = pages[:3]
    hostile = ["fr", "c1", "<img src=x onerror=\"window.hacked=1\">", "c99999", "w0.1"]
    hostile += [""] * (first["questions"] + 1 - len(hostile))
    state = {"v": 1, "p": {first["id"]: hostile, second["id"]: ["en", "c0"],  # too few entries
                           third["id"]: ["de"] + ["c0"] * third["questions"], "__proto__": {"polluted": 1}}}
    record = {"core": {"lesson_status": "incomplete", "exit": "suspend", "lesson_location": "../../etc/passwd",
                       "score": {"raw": "", "min": "", "max": ""}}, "suspend_data": json.dumps(state)}
    page = lms.launch(computer(), "hal", record=record)
    wait_record(page, "r.core.lesson_status === 'incomplete'")
    restored = answer_keys(page)
    assert list(restored) == ["quiz_progress_" + page.evaluate(f"new URL({first['variants']['fr']!r}, "
                                                                f"{lms.server.url + 'pkg/scorm/'!r}).pathname")]
    entries = next(iter(restored.values()))
    assert entries == {"quiz-0": {"answered": True, "correct": True, "selectedValues": ["1"]},
                       "quiz-3": {"answered": True, "correct": False, "selectedValues": ["0", "1"]}}
    # the unsafe location is not followed: the track's landing page opens
    course_frame(page).locator("h1").first.wait_for()
    assert any(f.url.endswith("/pkg/site/tracks/police.html") for f in page.frames)
    assert not any("passwd" in f.url for f in page.frames)
    assert page.evaluate("window.hacked") is None and page.evaluate("({}).polluted") is None
    lms.finish(page)
