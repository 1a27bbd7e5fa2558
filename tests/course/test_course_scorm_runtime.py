"""The SCORM package in a browser: its runtime finds the LMS API, reports score and completion, and finishes.

The package is unzipped into a temporary folder and served on 127.0.0.1 beside a page that plays the LMS: it
holds a stub SCORM 1.2 API object that enforces the call order and the data model's vocabulary, and records
every call.
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest

pytestmark = pytest.mark.slow

STUB_LMS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Stub LMS</title></head><body>
<script>
window.scormCalls = [];
window.cmi = {
  "cmi.core.student_id": "learner-7", "cmi.core.student_name": "Learner, Seven",
  "cmi.core.lesson_status": "not attempted", "cmi.core.score.raw": "", "cmi.core.score.min": "",
  "cmi.core.score.max": "", "cmi.core.entry": "%(entry)s", "cmi.core.lesson_location": "%(location)s",
  "cmi.core.exit": "", "cmi.core.session_time": "", "cmi.suspend_data": ""
};
var state = "not initialized", lastError = "0";
var score = function (v) { return /^\\d+(\\.\\d+)?$/.test(v) && +v >= 0 && +v <= 100; };
var WRITABLE = {
  "cmi.core.lesson_status": function (v) {
    return ["passed", "completed", "failed", "incomplete", "browsed"].indexOf(v) >= 0;
  },
  "cmi.core.score.raw": score, "cmi.core.score.min": score, "cmi.core.score.max": score,
  "cmi.core.lesson_location": function (v) { return v.length <= 255; },
  "cmi.core.exit": function (v) { return ["", "time-out", "suspend", "logout"].indexOf(v) >= 0; },
  "cmi.core.session_time": function (v) { return /^\\d{2,4}:\\d{2}:\\d{2}(\\.\\d{1,2})?$/.test(v); },
  "cmi.suspend_data": function (v) { return v.length <= 4096; }
};
function record(name, args, result) {
  scormCalls.push({name: name, args: args, result: result, error: lastError});
  return result;
}
function running(name, args, failure) {
  if (state !== "running") {
    lastError = state === "finished" ? "101" : "301";
    record(name, args, failure);
    return false;
  }
  lastError = "0";
  return true;
}
window.API = {
  LMSInitialize: function (a) {
    if (a !== "" || state !== "not initialized") { lastError = "101"; return record("LMSInitialize", [a], "false"); }
    state = "running"; lastError = "0"; return record("LMSInitialize", [a], "true");
  },
  LMSGetValue: function (n) {
    if (!running("LMSGetValue", [n], "")) return "";
    if (!(n in cmi)) { lastError = "401"; return record("LMSGetValue", [n], ""); }
    return record("LMSGetValue", [n], cmi[n]);
  },
  LMSSetValue: function (n, v) {
    if (!running("LMSSetValue", [n, v], "false")) return "false";
    if (typeof v !== "string") { lastError = "405"; return record("LMSSetValue", [n, v], "false"); }
    if (!(n in WRITABLE)) { lastError = n in cmi ? "403" : "401"; return record("LMSSetValue", [n, v], "false"); }
    if (!WRITABLE[n](v)) { lastError = "405"; return record("LMSSetValue", [n, v], "false"); }
    cmi[n] = v; return record("LMSSetValue", [n, v], "true");
  },
  LMSCommit: function (a) { return running("LMSCommit", [a], "false") ? record("LMSCommit", [a], "true") : "false"; },
  LMSFinish: function (a) {
    if (!running("LMSFinish", [a], "false")) return "false";
    state = "finished"; return record("LMSFinish", [a], "true");
  },
  LMSGetLastError: function () { return lastError; },
  LMSGetErrorString: function (c) { return "error " + c; },
  LMSGetDiagnostic: function (c) { return "diagnostic " + c; }
};
</script>
<iframe id="sco" title="activity" src="pkg/scorm/launch-%(track)s.html" style="width:1200px;height:850px"></iframe>
</body></html>
"""


@pytest.fixture(scope="module")
def package(built_site, layout, tmp_path_factory):
    from stalkerlab.course.scorm import build_package

    out = tmp_path_factory.mktemp("scorm") / "course.zip"
    build_package(layout, built_site, out)
    return out


def lms_folder(tmp_path, package, track="police", entry="ab-initio", location=""):
    root = tmp_path / "lms"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(root / "pkg")
    (root / "index.html").write_text(STUB_LMS % {"track": track, "entry": entry, "location": location})
    launch = (root / "pkg" / "scorm" / f"launch-{track}.html").read_text()
    data = json.loads(re.search(r'id="sco-track">(.*?)</script>', launch, re.S)[1])
    return root, data


def calls(page) -> list[dict]:
    return page.evaluate("window.scormCalls")


def test_sco_reports_score_and_completion_and_finishes(tmp_path, package, serve, page, screenshot_dir):
    root, data = lms_folder(tmp_path, package)
    total = sum(p["questions"] for p in data["pages"])
    server = serve(root)
    page.goto(server.url + "index.html")
    page.wait_for_function("() => window.cmi['cmi.core.lesson_status'] === 'incomplete'")
    first = calls(page)[0]
    assert first["name"] == "LMSInitialize" and first["result"] == "true"
    assert page.evaluate("window.cmi['cmi.core.score.raw']") == "0"

    # The learner opens Module 0 from the police track inside the activity and answers one question right.
    course = page.frame_locator("#sco").frame_locator("#course")
    course.locator("article").get_by_role("link", name="Module 0: Orientation and wellbeing").first.click()
    quiz = course.locator(".quiz").first
    quiz.locator("input[data-correct='true']").first.check()
    quiz.locator(".quiz-feedback").wait_for(state="visible")
    expected = str(round(100 / total))
    page.wait_for_function(f"() => window.cmi['cmi.core.score.raw'] === '{expected}'")
    assert page.evaluate("window.cmi['cmi.core.lesson_location']") == "modules/00-orientation.html"
    assert page.evaluate("window.cmi['cmi.core.lesson_status']") == "incomplete"
    page.screenshot(path=str(screenshot_dir / "10-scorm-in-stub-lms.png"))

    # Every question of the track answered (as mkdocs-quiz stores it, from a course page): completed, 100.
    frame = next(f for f in page.frames if "/site/" in f.url)
    frame.evaluate("""(pages) => {
        for (const p of pages) {
            const entries = {};
            for (let i = 0; i < p.questions; i++) {
                entries["quiz-" + i] = {answered: true, correct: true, selectedValues: ["0"]};
            }
            localStorage.setItem("quiz_progress_" + new URL(p.paths[0], "%s").pathname, JSON.stringify(entries));
        }
    }""" % (server.url + "pkg/scorm/"), data["pages"])
    page.wait_for_function("() => window.cmi['cmi.core.lesson_status'] === 'completed'")
    assert page.evaluate("window.cmi['cmi.core.score.raw']") == "100"

    # Leaving the activity finishes the session with a valid session time.
    page.evaluate("document.getElementById('sco').remove()")
    page.wait_for_function("() => window.scormCalls.some(c => c.name === 'LMSFinish')")
    log = calls(page)
    assert log[-1]["name"] == "LMSFinish" and log[-1]["result"] == "true"
    assert [c for c in log if c["name"] == "LMSInitialize"] == [first]
    rejected = [c for c in log if c["name"] in ("LMSSetValue", "LMSCommit", "LMSFinish") and c["result"] != "true"]
    assert rejected == [], rejected
    assert re.fullmatch(r"\d{4}:\d{2}:\d{2}", page.evaluate("window.cmi['cmi.core.session_time']"))
    assert page.evaluate("window.cmi['cmi.core.exit']") == ""
    assert page.outside_requests == []


def test_sco_resumes_where_the_learner_left(tmp_path, package, serve, page):
    root, _data = lms_folder(tmp_path, package, track="support-workers", entry="resume",
                             location="modules/06-accounts-and-cloud.html")
    server = serve(root)
    page.goto(server.url + "index.html")
    page.wait_for_function("() => window.scormCalls.some(c => c.name === 'LMSInitialize')")
    page.wait_for_function(
        "() => [...document.getElementById('sco').contentDocument.querySelectorAll('#course')]"
        ".some(f => f.contentWindow.location.pathname.endsWith('/site/modules/06-accounts-and-cloud.html'))")
    assert page.evaluate("window.cmi['cmi.core.lesson_status']") == "incomplete"


def test_sco_runs_without_an_lms(tmp_path, package, serve, page):
    root, _data = lms_folder(tmp_path, package, track="instructors")
    server = serve(root)
    page.goto(server.url + "pkg/scorm/launch-instructors.html")
    page.frame_locator("#course").locator("h1").wait_for()
    assert "Not launched from an LMS" in page.locator("#sco-status").text_content()
    assert page.outside_requests == []
