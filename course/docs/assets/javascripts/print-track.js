/* Printable version of one track: print_page.html?track=police shows only that track's pages.
 *
 * mkdocs-print-site-plugin builds one print page for the whole course; the track lists come from
 * course/tracks.yml through print-tracks.js, which the build generates. Hiding, not rebuilding, keeps the
 * page working from a USB stick (no server, no fetch).
 */
(function () {
  "use strict";
  var data = window.stalkerlabPrintTracks;
  var printPage = document.getElementById("print-site-page");
  var trackId = new URLSearchParams(window.location.search).get("track");
  if (!data || !printPage || !trackId || !data.tracks[trackId]) return;

  var track = data.tracks[trackId];
  var lang = document.documentElement.lang;
  var prefix = lang && lang !== data.default_language ? lang + "-" : "";
  var keep = {};
  track.pages.forEach(function (key) { keep[prefix + key] = true; });

  var pages = printPage.querySelectorAll("section.print-page[id]:not(.md-section)");
  pages.forEach(function (section) {
    if (!keep[section.id]) section.hidden = true;
  });
  // A navigation section (Modules, Handouts, ...) disappears when none of its pages is kept.
  printPage.querySelectorAll("section.print-page.md-section").forEach(function (group) {
    var visible = group.querySelectorAll("section.print-page[id]:not(.md-section):not([hidden])");
    if (visible.length === 0) group.hidden = true;
  });

  var note = document.createElement("p");
  note.className = "print-track-title";
  note.textContent = track.title;
  printPage.insertBefore(note, printPage.firstChild);
  document.title = track.title + " - " + document.title;
})();
