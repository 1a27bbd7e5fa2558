// The live progress grid: fetched as JSON every five seconds, drawn without reloading the page.
(function () {
  var table = document.getElementById("grid");
  if (!table) return;
  var marks = {"right": "\u2713", "to-mark": "?", "tried": "\u00d7", "open": ""};
  var files = document.getElementById("files-ready");
  var draw = function (data) {
    if (files) { files.textContent = data.files.ready + " / " + data.files.wanted; }
    var body = table.querySelector("tbody");
    body.textContent = "";
    data.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var name = document.createElement("th");
      name.scope = "row";
      name.textContent = row.learner;
      tr.appendChild(name);
      data.columns.forEach(function (column) {
        var cell = row.cells[column.id], td = document.createElement("td");
        td.className = cell.status;
        td.textContent = marks[cell.status] + (cell.attempts ? " " + cell.attempts : "");
        td.title = cell.points + " / " + column.points;
        tr.appendChild(td);
      });
      var total = document.createElement("td");
      total.textContent = row.total + " / " + data.max_total;
      tr.appendChild(total);
      body.appendChild(tr);
    });
  };
  var refresh = function () {
    fetch(table.getAttribute("data-source"), {credentials: "same-origin"})
      .then(function (r) { return r.json(); }).then(draw).catch(function () {})
      .then(function () { setTimeout(refresh, 5000); });
  };
  refresh();
})();
