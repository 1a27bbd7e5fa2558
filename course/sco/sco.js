/* SCORM 1.2 runtime for one Stalkerware Lab track.
 *
 * The LMS launches this page; the course pages run in the frame below it. mkdocs-quiz keeps each page's
 * answers in the browser's localStorage under "quiz_progress_" + the page's path. That storage belongs to the
 * browser, not to the learner: on a shared computer the next learner would find it, and on another computer
 * it is empty. So the LMS is the record:
 *   - at launch, every course answer in this browser's storage is cleared and the learner's own answers are
 *     written back from cmi.suspend_data (at most 4096 characters, SCORM 1.2's CMIString4096);
 *   - while the learner answers, the answers go to cmi.suspend_data, the score to cmi.core.score.raw;
 *   - at the end the storage is cleared again.
 * The status and the score reported never go below what the LMS already holds (an attempt recorded
 * "completed, 90" stays so when it is reopened on a computer that has none of the answers).
 * The track's pages, their number of questions and the mastery score chosen at export are written into the
 * page by `stalkerlab course scorm`.
 */
(function () {
  "use strict";

  var STATE_VERSION = 1;
  var SUSPEND_LIMIT = 4096;
  var KEY_PREFIX = "quiz_progress_";
  var RANK = { "": 0, "not attempted": 0, browsed: 1, incomplete: 2, failed: 3, completed: 4, passed: 5 };

  var track = JSON.parse(document.getElementById("sco-track").textContent);
  var frame = document.getElementById("course");
  var statusLine = document.getElementById("sco-status");
  var api = null;
  var finished = false;
  var startedAt = new Date().getTime();
  var lms = { score: NaN, mastery: null, masteryFromLms: false, graded: true };
  var best = { status: "incomplete", score: 0 };
  var written = {}; // what this session last wrote, so that an unchanged value is not committed again

  // SCORM 1.2 discovery: the API object is on a parent frame or on the window that opened us.
  function findApiIn(win) {
    var hops = 0;
    while (win && hops < 500) {
      try {
        if (win.API) return win.API;
      } catch (e) {
        return null; // a cross-origin parent without an API
      }
      if (win.parent === win) break;
      win = win.parent;
      hops++;
    }
    return null;
  }

  function findApi() {
    var found = findApiIn(window.parent !== window ? window.parent : null);
    if (!found && window.opener) found = findApiIn(window.opener);
    return found;
  }

  function pathOf(relative) {
    return new URL(relative, window.location.href).pathname;
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: the answers live in the page only
    }
  }

  function readQuizzes(relative) {
    var store = storage();
    try {
      var parsed = JSON.parse((store && store.getItem(KEY_PREFIX + pathOf(relative))) || "{}");
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
    } catch (e) {
      return {};
    }
  }

  // Every course answer this browser holds for the site of this package, whoever gave it.
  function clearAnswers() {
    var store = storage();
    if (!store) return;
    var prefix = KEY_PREFIX + pathOf(track.site);
    var doomed = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) doomed.push(key);
    }
    doomed.forEach(function (key) {
      store.removeItem(key);
    });
  }

  // One page's answers: the language variant with the most answers (a learner may switch language).
  function pageAnswers(page) {
    var chosen = { language: null, quizzes: {}, answered: 0, correct: 0 };
    Object.keys(page.variants).sort().forEach(function (language) {
      var quizzes = readQuizzes(page.variants[language]);
      var answered = 0, correct = 0;
      for (var i = 0; i < page.questions; i++) {
        var entry = quizzes["quiz-" + i];
        if (entry && entry.answered) answered++;
        if (entry && entry.answered && entry.correct) correct++;
      }
      if (answered > chosen.answered) {
        chosen = { language: language, quizzes: quizzes, answered: answered, correct: correct };
      }
    });
    return chosen;
  }

  function progress() {
    var total = 0, answered = 0, correct = 0;
    track.pages.forEach(function (page) {
      var result = pageAnswers(page);
      total += page.questions;
      answered += result.answered;
      correct += result.correct;
    });
    return { total: total, answered: answered, correct: correct };
  }

  // suspend_data: {"v":1,"p":{"modules/00-orientation":["fr","c1","w0.2",""]}}: per question "" (not
  // answered) or c/w (right/wrong) and the chosen answers' numbers; `choices` false leaves the numbers out.
  function encodeState(choices) {
    var pages = {};
    track.pages.forEach(function (page) {
      var result = pageAnswers(page);
      if (!result.answered) return;
      var entries = [result.language];
      for (var i = 0; i < page.questions; i++) {
        var entry = result.quizzes["quiz-" + i];
        if (!entry || !entry.answered) {
          entries.push("");
          continue;
        }
        var values = choices && Array.isArray(entry.selectedValues) ? entry.selectedValues : [];
        var numbers = values.filter(function (v) { return /^\d{1,3}$/.test(String(v)); }).join(".");
        entries.push((entry.correct ? "c" : "w") + numbers);
      }
      pages[page.id] = entries;
    });
    return JSON.stringify({ v: STATE_VERSION, p: pages });
  }

  function suspendData() {
    var full = encodeState(true);
    if (full.length <= SUSPEND_LIMIT) return full;
    var compact = encodeState(false); // the score survives; the highlighted choices do not
    return compact.length <= SUSPEND_LIMIT ? compact : null;
  }

  // Writes the learner's answers from the LMS into this browser's storage, where mkdocs-quiz reads them.
  function restoreState(text) {
    var state;
    try {
      state = JSON.parse(text);
    } catch (e) {
      return 0;
    }
    if (!state || state.v !== STATE_VERSION || typeof state.p !== "object" || state.p === null) return 0;
    var store = storage();
    var restored = 0;
    track.pages.forEach(function (page) {
      var entries = state.p[page.id];
      // a page whose questions changed since the answers were given is left unanswered
      if (!Array.isArray(entries) || entries.length !== page.questions + 1) return;
      var language = entries[0];
      if (!Object.prototype.hasOwnProperty.call(page.variants, language)) return;
      var quizzes = {};
      for (var i = 0; i < page.questions; i++) {
        var match = /^([cw])((?:\d{1,3})(?:\.\d{1,3})*)?$/.exec(String(entries[i + 1]));
        if (!match) continue;
        quizzes["quiz-" + i] = {
          answered: true,
          correct: match[1] === "c",
          selectedValues: match[2] ? match[2].split(".") : [],
        };
      }
      if (store && Object.keys(quizzes).length) {
        store.setItem(KEY_PREFIX + pathOf(page.variants[language]), JSON.stringify(quizzes));
        restored++;
      }
    });
    return restored;
  }

  function set(name, value) {
    value = String(value);
    if (!api || written[name] === value) return false;
    if (String(api.LMSSetValue(name, value)) !== "true") return false;
    written[name] = value;
    return true;
  }

  function sessionTime() {
    var seconds = Math.max(0, Math.round((new Date().getTime() - startedAt) / 1000));
    function pad(n, width) {
      var s = String(n);
      while (s.length < width) s = "0" + s;
      return s;
    }
    return pad(Math.floor(seconds / 3600), 4) + ":" + pad(Math.floor(seconds / 60) % 60, 2) + ":" +
      pad(seconds % 60, 2);
  }

  // The page shown in the frame, relative to the site root (cmi.core.lesson_location holds 255 chars).
  function currentLocation() {
    var root = pathOf(track.site);
    try {
      var here = frame.contentWindow.location.pathname;
      return here.indexOf(root) === 0 ? here.slice(root.length).slice(0, 255) : "";
    } catch (e) {
      return "";
    }
  }

  function higher(a, b) {
    return (RANK[b] || 0) > (RANK[a] || 0) ? b : a;
  }

  function report() {
    if (!api || finished) return;
    var p = progress();
    var score = p.total > 0 ? Math.round((100 * p.correct) / p.total) : 0;
    best.score = Math.max(best.score, score);
    var now = "incomplete";
    if (lms.mastery !== null && best.score >= lms.mastery) now = "passed";
    else if (p.total > 0 && p.answered >= p.total) now = lms.mastery !== null ? "failed" : "completed";
    best.status = higher(best.status, now);
    var changed = false;
    if (lms.graded) {
      // A mastery score the LMS knows makes it (Moodle, scorm-again) turn any score it receives into passed
      // or failed, even mid-course: then the score is reported only once it decides the status.
      var decided = best.status === "passed" || best.status === "failed" || best.status === "completed";
      if (!lms.masteryFromLms || decided || !isNaN(lms.score)) {
        changed = set("cmi.core.score.min", 0) || changed;
        changed = set("cmi.core.score.max", 100) || changed;
        changed = set("cmi.core.score.raw", best.score) || changed;
      }
      changed = set("cmi.core.lesson_status", best.status) || changed;
    }
    var state = suspendData();
    if (state !== null) changed = set("cmi.suspend_data", state) || changed;
    var where = currentLocation();
    if (where) changed = set("cmi.core.lesson_location", where) || changed;
    if (changed) api.LMSCommit("");
    statusLine.textContent = p.answered + " of " + p.total + " questions answered, score " + best.score + "%" +
      (state === null ? " (too many answers to save in the LMS)" : "");
  }

  function finish() {
    if (!api || finished) return;
    report();
    set("cmi.core.session_time", sessionTime());
    // "suspend" keeps this attempt's suspend_data for the next launch (cmi.core.entry "resume"), so a learner
    // who comes back finds their answers, whether or not the track is complete.
    set("cmi.core.exit", "suspend");
    api.LMSCommit("");
    api.LMSFinish("");
    finished = true;
    clearAnswers();
  }

  function open(relative) {
    frame.src = relative;
  }

  function start() {
    api = findApi();
    if (!api) {
      statusLine.textContent = "Not launched from an LMS: progress is kept in this browser only.";
      open(track.landing);
      return;
    }
    if (String(api.LMSInitialize("")) !== "true") {
      api = null;
      statusLine.textContent = "The LMS refused to start this activity.";
      open(track.landing);
      return;
    }
    var status = String(api.LMSGetValue("cmi.core.lesson_status"));
    best.status = higher(status in RANK ? status : "", "incomplete");
    lms.score = parseFloat(api.LMSGetValue("cmi.core.score.raw"));
    if (!isNaN(lms.score)) best.score = lms.score;
    // review and browse launches show the answers but change no grade (SCORM 1.2 cmi.core.lesson_mode)
    var mode = String(api.LMSGetValue("cmi.core.lesson_mode"));
    lms.graded = mode !== "review" && mode !== "browse";
    var declared = parseFloat(api.LMSGetValue("cmi.student_data.mastery_score"));
    if (!isNaN(declared)) {
      lms.mastery = declared;
      lms.masteryFromLms = true;
    } else if (typeof track.mastery === "number") {
      lms.mastery = track.mastery;
    }
    clearAnswers();
    restoreState(String(api.LMSGetValue("cmi.suspend_data")));
    var location = String(api.LMSGetValue("cmi.core.lesson_location"));
    // Only a plain page path inside the site is followed: the value comes from the LMS's database.
    var sitePage = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.html$/;
    var resume = String(api.LMSGetValue("cmi.core.entry")) === "resume" && sitePage.test(location);
    open(resume ? track.site + location : track.landing);
    report();
  }

  // mkdocs-quiz writes to localStorage from the frame; same-origin documents get a "storage" event.
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf(KEY_PREFIX) === 0) report();
  });
  frame.addEventListener("load", function () {
    report();
    try {
      frame.contentWindow.addEventListener("quizProgressUpdate", report);
    } catch (e) {
      // the learner followed a link outside the package; nothing to listen to
    }
  });
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);

  window.stalkerlabSco = { report: report, finish: finish, progress: progress, suspendData: suspendData };
  start();
})();
