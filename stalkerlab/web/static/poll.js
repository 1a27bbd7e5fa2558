// While a learner's files are being made, ask every few seconds and reload the page when they are ready.
(function () {
  var waiting = document.querySelector("[data-poll]");
  if (!waiting) return;
  var ask = function () {
    fetch(waiting.getAttribute("data-poll"), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.status !== "pending") { location.reload(); } else { setTimeout(ask, 3000); } })
      .catch(function () { setTimeout(ask, 5000); });
  };
  setTimeout(ask, 2000);
})();
