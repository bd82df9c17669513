// Progressive enhancement for the forms pages. Without JS the page works: a few empty
// table rows are drawn by the server, and a good submit opens the PDF in the browser.
// With it:
// * "添加一行" clones a table row;
// * today's date / the time now is filled in where the form says so (the browser's clock:
//   the desk's own time zone), and the clerk's own name is remembered in this browser
//   (localStorage; never an owner's data);
// * an ID number is shown masked (440305********351X) once typed, and in full while edited;
// * a field that only applies when another has a value is hidden until it does, and a
//   computed date (回访截止日期) is worked out as the clerk types (the server computes it too);
// * one submit checks the form and shows the PDF with the print dialog; the DOCX (or a
//   pack's parts) is offered beside it, made from the same answers.
(function () {
  "use strict";
  var STORE = "handbook.clerk.";
  // Opens the browser's print dialog for the PDF in the frame. A page may set its own
  // window.handbookPrint first (the browser tests do: headless Chromium has no print
  // dialog and crashes when a PDF frame asks for one).
  function printFrame(frame) {
    if (typeof window.handbookPrint === "function") { window.handbookPrint(frame); return; }
    try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (e) { /* the viewer's own print button */ }
  }

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

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function isoDay(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }

  function prefill(root) {
    var now = new Date();
    root.querySelectorAll("input[data-prefill=now]").forEach(function (el) {
      if (el.value) return;
      if (el.type === "date") el.value = isoDay(now);
      else if (el.type === "datetime-local") el.value = isoDay(now) + "T" + pad(now.getHours()) + ":" + pad(now.getMinutes());
      else if (el.type === "time") el.value = pad(now.getHours()) + ":" + pad(now.getMinutes());
    });
    root.querySelectorAll("input[data-remember]").forEach(function (el) {
      if (el.value) return;
      try { el.value = window.localStorage.getItem(STORE + el.dataset.remember) || ""; } catch (e) { /* storage off */ }
    });
  }

  function remember(form) {
    form.querySelectorAll("input[data-remember]").forEach(function (el) {
      try {
        if (el.value.trim()) window.localStorage.setItem(STORE + el.dataset.remember, el.value.trim());
      } catch (e) { /* storage off: nothing remembered */ }
    });
  }

  // --- ID numbers: masked on screen once typed ---------------------------------------------
  var ID = /^[0-9]{17}[0-9Xx]$/;
  function mask(el) {
    var v = el.value.replace(/\s/g, "");
    if (!ID.test(v)) return;
    var real = el.form && el.form.querySelector('input[type=hidden][data-real="' + el.id + '"]');
    if (!real) {
      real = document.createElement("input");
      real.type = "hidden";
      real.dataset.real = el.id;
      el.insertAdjacentElement("afterend", real);
    }
    real.name = el.name || real.name;
    real.value = v.toUpperCase();
    el.removeAttribute("name");
    el.value = v.slice(0, 6) + "********" + v.slice(14).toUpperCase();
    el.classList.add("masked");
  }
  function unmask(el) {
    var real = el.form && el.form.querySelector('input[type=hidden][data-real="' + el.id + '"]');
    if (!real) return;
    el.value = real.value;
    el.name = real.name;
    real.remove();
    el.classList.remove("masked");
  }

  // --- shown only when another field has a value ---------------------------------------------
  function valueOf(form, name) {
    var els = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if ((el.type === "radio" || el.type === "checkbox")) { if (el.checked) return el.value; }
      else return el.value;
    }
    return "";
  }
  function conditions(form) {
    form.querySelectorAll("[data-shown-if]").forEach(function (wrap) {
      var on = valueOf(form, wrap.dataset.shownIf) === wrap.dataset.shownValue;
      var hasValue = Array.prototype.some.call(wrap.querySelectorAll("input, select, textarea"),
        function (el) { return el.type !== "radio" && el.type !== "checkbox" && el.value; });
      wrap.hidden = !on && !hasValue && !wrap.classList.contains("has-error");
    });
  }
  function computed(form) {
    form.querySelectorAll("input[data-computed]").forEach(function (el) {
      var rule = JSON.parse(el.dataset.computed);
      if (rule.kind !== "computed") return;  // a total: the server adds the rows up
      var base = valueOf(form, rule.base).slice(0, 10);
      var days = rule.days[valueOf(form, rule.by)];
      if (!/^\d{4}-\d{2}-\d{2}$/.test(base) || days === undefined) { el.value = ""; return; }
      var p = base.split("-");
      var d = new Date(+p[0], +p[1] - 1, +p[2] + days);
      el.value = isoDay(d);
    });
  }

  // --- one submit: check, show the PDF, print; the DOCX beside it -------------------------------
  function fileName(resp, fallback) {
    var cd = resp.headers.get("Content-Disposition") || "";
    var m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    return m ? decodeURIComponent(m[1]) : fallback;
  }
  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function post(form, format, reprint) {
    var data = new FormData(form);
    data.set("_format", format);
    if (reprint) data.set("_reprint", reprint);  // the record just issued: the same number again
    return fetch(form.action, {method: "POST", body: data, credentials: "same-origin"});
  }
  function showErrors(html) {
    // a bad submit: the server's page, with every error at its field and everything typed
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.querySelector("main");
    if (!main) { document.open(); document.write(html); document.close(); return; }
    document.querySelector("main").replaceWith(document.adoptNode(main));
    init(document);
    var s = document.getElementById("summary");
    if (s) s.focus();
  }
  function printPdf(form, resp) {
    return resp.blob().then(function (blob) {
      var result = document.getElementById("result");
      var frame = document.getElementById("pdf-frame");
      var link = document.getElementById("dl-pdf");
      var url = URL.createObjectURL(new Blob([blob], {type: "application/pdf"}));
      link.href = url;
      link.download = fileName(resp, "form.pdf");
      result.hidden = false;
      frame.onload = function () { printFrame(frame); };
      frame.src = url;
      result.scrollIntoView({block: "start"});
      var status = form.querySelector(".submit-status");
      var number = resp.headers.get("X-Register-Number") || "";
      form.dataset.issued = number;
      if (status) status.textContent = number
        ? "已开单, 编号 " + number + ": 请在打印对话框中打印。"
        : "内容无误, 已生成 PDF: 请在打印对话框中打印。";
    });
  }
  function submit(form, format, reprint) {
    var status = form.querySelector(".submit-status");
    if (status) status.textContent = "正在检查并生成…";
    return post(form, format, reprint).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (resp.ok && type.indexOf("text/html") !== 0) {
        remember(form);
        if (type.indexOf("application/pdf") === 0) return printPdf(form, resp);
        return resp.blob().then(function (blob) {
          download(blob, fileName(resp, "form"));
          if (status) status.textContent = "内容无误, 文件已下载。";
        });
      }
      return resp.text().then(showErrors);
    }).catch(function () {
      if (status) status.textContent = "没有连上服务器, 请稍后再试。";
    });
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target;
    var b = t.closest && t.closest("button.add-row");
    if (b) { ev.preventDefault(); addRow(b); return; }
    if (t.id === "print-again") {
      printFrame(document.getElementById("pdf-frame"));
    } else if (t.id === "dl-other") {
      var f = t.closest("form");
      submit(f, t.dataset.format, f.dataset.issued || "");
    }
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-print") || !window.fetch) return;
    ev.preventDefault();
    var format = (ev.submitter && ev.submitter.value) || "pdf";
    form.dataset.issued = "";
    form.querySelectorAll(".summary, p.error").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    submit(form, format);
  });
  document.addEventListener("focusin", function (ev) {
    if (ev.target.matches && ev.target.matches("input[data-mask=id]")) unmask(ev.target);
  });
  document.addEventListener("focusout", function (ev) {
    if (ev.target.matches && ev.target.matches("input[data-mask=id]")) mask(ev.target);
  });
  document.addEventListener("change", function (ev) {
    var form = ev.target.form;
    if (form) { conditions(form); computed(form); }
  });
  document.addEventListener("input", function (ev) {
    var form = ev.target.form;
    if (form && ev.target.type !== "text") computed(form);
  });

  function init(root) {
    prefill(root);
    root.querySelectorAll("input[data-mask=id]").forEach(mask);
    root.querySelectorAll("form").forEach(function (f) { conditions(f); computed(f); });
    root.querySelectorAll("table.rows").forEach(function (t) {
      var b = root.querySelector('button.add-row[data-table="' + t.id + '"]');
      if (b && (parseInt(t.dataset.next, 10) || 0) >= (parseInt(t.dataset.max, 10) || 20)) b.disabled = true;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    var s = document.getElementById("summary");
    if (s) s.focus();
  });
})();
