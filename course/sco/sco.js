/* SCORM 1.2 runtime for one Stalkerware Lab track.
 *
 * The LMS launches this page; the course pages run in the frame below it. mkdocs-quiz keeps each page's
 * answers in localStorage under "quiz_progress_" + the page's path, so the score is read from there: no
 * change to the course pages is needed, and answers given in an earlier visit still count. The track's
 * pages and their number of questions are written into the page by `stalkerlab course scorm`.
 */
(function () {
  "use strict";

  var track = JSON.parse(document.getElementById("sco-track").textContent);
  var frame = document.getElementById("course");
  var statusLine = document.getElementById("sco-status");
  var api = null;
  var finished = false;
  var startedAt = new Date().getTime();
  var bestScore = 0;

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

  // Answers for one page: the language variant with the most answers wins (a learner may switch language).
  function pageResult(page) {
    var best = { answered: 0, correct: 0 };
    page.paths.forEach(function (relative) {
      var raw = null;
      try {
        raw = window.localStorage.getItem("quiz_progress_" + pathOf(relative));
      } catch (e) {
        raw = null;
      }
      if (!raw) return;
      var answered = 0, correct = 0;
      try {
        var quizzes = JSON.parse(raw);
        Object.keys(quizzes).forEach(function (key) {
          if (quizzes[key] && quizzes[key].answered) answered++;
          if (quizzes[key] && quizzes[key].correct) correct++;
        });
      } catch (e) {
        return;
      }
      if (answered > best.answered) best = { answered: answered, correct: correct };
    });
    best.answered = Math.min(best.answered, page.questions);
    best.correct = Math.min(best.correct, page.questions);
    return best;
  }

  function progress() {
    var total = 0, answered = 0, correct = 0;
    track.pages.forEach(function (page) {
      var result = pageResult(page);
      total += page.questions;
      answered += result.answered;
      correct += result.correct;
    });
    return { total: total, answered: answered, correct: correct };
  }

  function set(name, value) {
    if (api) api.LMSSetValue(name, String(value));
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

  function report() {
    if (!api || finished) return;
    var p = progress();
    var score = p.total > 0 ? Math.round((100 * p.correct) / p.total) : 0;
    // Answers live in this browser's storage; on another computer they start empty. Never lower a score.
    bestScore = Math.max(bestScore, score);
    var complete = p.total > 0 && p.answered >= p.total;
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", bestScore);
    set("cmi.core.lesson_status", complete ? "completed" : "incomplete");
    var where = currentLocation();
    if (where) set("cmi.core.lesson_location", where);
    api.LMSCommit("");
    statusLine.textContent = p.answered + " of " + p.total + " questions answered, score " + bestScore + "%";
  }

  function finish() {
    if (!api || finished) return;
    report();
    set("cmi.core.session_time", sessionTime());
    var p = progress();
    set("cmi.core.exit", p.answered >= p.total ? "" : "suspend");
    api.LMSCommit("");
    api.LMSFinish("");
    finished = true;
  }

  function start() {
    api = findApi();
    if (!api) {
      statusLine.textContent = "Not launched from an LMS: progress is kept in this browser only.";
      return;
    }
    if (String(api.LMSInitialize("")) !== "true") {
      api = null;
      statusLine.textContent = "The LMS refused to start this activity.";
      return;
    }
    var status = api.LMSGetValue("cmi.core.lesson_status");
    var previous = parseFloat(api.LMSGetValue("cmi.core.score.raw"));
    if (!isNaN(previous)) bestScore = previous;
    var location = api.LMSGetValue("cmi.core.lesson_location");
    // Only a plain page path inside the site is followed: the value comes from the LMS's database.
    var sitePage = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.html$/;
    if (sitePage.test(location) && String(api.LMSGetValue("cmi.core.entry")) === "resume") {
      // Resume where the learner left the track, if that page belongs to the site.
      frame.src = track.site + location;
    }
    if (status === "not attempted" || status === "") set("cmi.core.lesson_status", "incomplete");
    report();
  }

  // mkdocs-quiz writes to localStorage from the frame; same-origin documents get a "storage" event.
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf("quiz_progress_") === 0) report();
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

  window.stalkerlabSco = { report: report, finish: finish, progress: progress };
  start();
})();
