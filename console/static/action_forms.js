// The action forms' tables of rows (a panel, bodies, score-sheet details): "添加一行" copies
// the last row with the next index and empty values. Without script the blank rows shown suffice;
// a blank row is never a record.
(function () {
  document.querySelectorAll("button.add-row").forEach(function (button) {
    var table = document.querySelector('table[data-rows="' + button.getAttribute("data-table") + '"]');
    if (!table) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var body = table.tBodies[0];
      var last = body.rows[body.rows.length - 1];
      var index = body.rows.length;
      var row = last.cloneNode(true);
      row.cells[0].textContent = String(index + 1);
      row.querySelectorAll("input, select, textarea").forEach(function (el) {
        el.name = el.name.replace(/\.(\d+)\.([^.]+)$/, "." + index + ".$2");
        if (el.type === "checkbox") el.checked = false;
        else if (el.tagName === "SELECT") el.selectedIndex = 0;
        else el.value = "";
      });
      body.appendChild(row);
    });
  });
})();

// The 附件一 score sheet: the sum of the four parts is shown beside the total as it is typed
// (the rules still check every band and the total on submit).
(function () {
  document.querySelectorAll("form.action").forEach(function (form) {
    var total = form.querySelector("input[name='f_score_sheet.total']");
    if (!total) return;
    var parts = ["part1", "part2", "part3", "part4"].map(function (p) {
      return form.querySelector("input[name='f_score_sheet." + p + "']");
    }).filter(Boolean);
    var out = document.createElement("small");
    out.className = "score-sum";
    out.setAttribute("aria-live", "polite");
    total.parentNode.appendChild(out);
    function sync() {
      var sum = 0, filled = 0;
      parts.forEach(function (input) {
        var v = parseFloat(input.value);
        if (isFinite(v)) { sum += v; filled += 1; }
      });
      out.textContent = filled ? "各部分之和 " + Math.round(sum * 100) / 100 + (filled < parts.length ? "（未填完）" : "") : "";
      if (filled === parts.length && total.value !== "" && parseFloat(total.value) !== sum) out.textContent += "，与总得分不符";
    }
    parts.concat([total]).forEach(function (input) { input.addEventListener("input", sync); });
    sync();
  });
})();

// An application's bodies (RULES.md "Bodies"): the directory's bodies serving this cluster, of the
// kinds the chosen route names — an association route shows the associations, a provincial route
// the provincial body, 仅向联合会 none. Without script all are shown; the service decides on submit.
(function () {
  document.querySelectorAll("span.checks[data-routes]").forEach(function (span) {
    var form = span.closest("form");
    var route = form && form.querySelector("select[name='f_route']");
    if (!route) return;
    var routes = JSON.parse(span.getAttribute("data-routes"));
    function sync() {
      var kinds = route.value ? (routes[route.value] || []) : null;
      span.querySelectorAll("label[data-kind]").forEach(function (label) {
        var shown = kinds === null || kinds.indexOf(label.getAttribute("data-kind")) >= 0;
        label.style.display = shown ? "" : "none";  // the stylesheet sets display, which [hidden] would not beat
        if (!shown) label.querySelector("input").checked = false;
      });
    }
    route.addEventListener("change", sync);
    sync();
  });
})();
