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
