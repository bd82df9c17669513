/* 已学 marks and study progress (builder/site/pages.py). A new hire marks an item or a card
 * 已学; the marks live in this browser's localStorage (no account), and every progress bar
 * (data-progress="id id …") counts them. The post last opened is remembered, so the 学习路径
 * tab can point back to it. Runs on Material's document$ (instant navigation) or on load. */
(function () {
  "use strict";

  var KEY = "hb-learned";
  var POST = "hb-post";

  function load() {
    try {
      var d = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return d && typeof d === "object" ? d : {};
    } catch (e) {
      return {};
    }
  }

  function save(d) {
    try { window.localStorage.setItem(KEY, JSON.stringify(d)); } catch (e) { /* private mode: marks last a page */ }
  }

  /* a card may answer several facts: data-learn="id id …" marks them all */
  function learnIds(el) {
    return (el.getAttribute("data-learn") || "").split(/\s+/).filter(Boolean);
  }

  function ids(el) {
    return (el.getAttribute("data-progress") || "").split(/\s+/).filter(Boolean);
  }

  function render() {
    var d = load();
    Array.prototype.forEach.call(document.querySelectorAll("[data-learn]"), function (el) {
      var on = learnIds(el).every(function (i) { return d[i]; });
      el.classList.toggle("hb-learned", on);
      if (el.tagName === "BUTTON") {
        el.hidden = false;
        el.setAttribute("aria-pressed", on ? "true" : "false");
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-progress]"), function (el) {
      var all = ids(el);
      var done = all.filter(function (i) { return d[i]; }).length;
      var pct = all.length ? Math.round(done * 100 / all.length) : 0;
      var text = el.querySelector(".hb-progress-text") || (el.classList.contains("hb-progress-text") ? el : null);
      if (text) text.textContent = "已学 " + done + " / " + all.length + " 项（" + pct + "%）";
      var bar = el.querySelector(".hb-progress-bar span");
      if (bar) bar.style.width = pct + "%";
    });
    var post = null;
    try { post = window.localStorage.getItem(POST); } catch (e) { post = null; }
    Array.prototype.forEach.call(document.querySelectorAll(".hb-post[data-post]"), function (el) {
      el.classList.toggle("hb-post--mine", el.getAttribute("data-post") === post);
    });
  }

  function remember() {
    var head = document.querySelector(".hb-path-head[data-post]");
    if (head) {
      try { window.localStorage.setItem(POST, head.getAttribute("data-post")); } catch (e) { /* ignore */ }
    }
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("button[data-learn]") : null;
    if (!btn) return;
    var d = load();
    var all = learnIds(btn);
    var on = all.every(function (i) { return d[i]; });
    all.forEach(function (i) { if (on) delete d[i]; else d[i] = 1; });
    save(d);
    render();
  });

  function init() { remember(); render(); }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
