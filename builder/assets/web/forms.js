// Progressive enhancement for the forms pages: without JS the page works (a few empty
// table rows are drawn by the server); with it, "添加一行" clones a row.
(function () {
  "use strict";
  function addRow(button) {
    var table = document.getElementById(button.dataset.table);
    var tpl = document.getElementById(button.dataset.template);
    if (!table || !tpl) return;
    var next = parseInt(table.dataset.next, 10) || 0;
    var max = parseInt(table.dataset.max, 10) || 20;
    if (next >= max) { button.disabled = true; return; }
    // The template's names hold __i__: the next row index, so rows stay 0..n-1 in order.
    var html = tpl.innerHTML.split("__i__").join(String(next));
    var body = table.tBodies[0];
    body.insertAdjacentHTML("beforeend", html.trim());
    var row = body.rows[body.rows.length - 1];
    row.cells[0].textContent = String(next + 1);
    table.dataset.next = String(next + 1);
    if (next + 1 >= max) button.disabled = true;
    var first = row.querySelector("input, select, textarea");
    if (first) first.focus();
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button.add-row");
    if (b) { ev.preventDefault(); addRow(b); }
  });
  // A good submit downloads a file and leaves the page as it was: clear the old errors
  // first, so they do not stay on screen after the download. A bad submit redraws them.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    form.querySelectorAll(".summary, p.error").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var status = form.querySelector(".submit-status");
    if (status) status.textContent = "已提交: 内容无误时将自动下载文件。";
  });
  document.addEventListener("DOMContentLoaded", function () {
    var s = document.getElementById("summary");
    if (s) s.focus();
    document.querySelectorAll("table.rows").forEach(function (t) {
      var b = document.querySelector('button.add-row[data-table="' + t.id + '"]');
      if (b && (parseInt(t.dataset.next, 10) || 0) >= (parseInt(t.dataset.max, 10) || 20)) b.disabled = true;
    });
  });
})();
