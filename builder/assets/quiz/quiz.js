/* Self-test of a post (builder/quiz_site.py). Draws N questions from the bank inlined in
 * the page, checks each answer on the spot, shows the explanation and a link to the source,
 * keeps the score in localStorage. Runs on Material's document$ (instant navigation) or on
 * DOMContentLoaded. No server, no dependencies. */
(function () {
  "use strict";

  var TYPE_LABELS = { single: "单选", multiple: "多选", truefalse: "判断", blank: "填空", order: "排序" };
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function norm(s) {
    s = String(s == null ? "" : s);
    if (s.normalize) s = s.normalize("NFKC");
    return s.replace(/\s+/g, "").replace(/[。.,,;;]+$/, "");
  }

  function shuffle(list) {
    var a = list.slice();
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  function store(role) {
    var key = "hb-quiz:" + role;
    return {
      get: function () {
        try { return JSON.parse(window.localStorage.getItem(key)) || { rounds: 0, best: null, last: null }; }
        catch (e) { return { rounds: 0, best: null, last: null }; }
      },
      put: function (v) { try { window.localStorage.setItem(key, JSON.stringify(v)); } catch (e) { /* private mode */ } }
    };
  }

  function answerText(q) {
    if (q.type === "truefalse") return q.answer ? "对" : "错";
    if (q.type === "order") return q.answer.map(function (a, i) { return (i + 1) + ". " + a; }).join(" → ");
    if (Array.isArray(q.answer)) return q.answer.join("、");
    return String(q.answer);
  }

  /* Each renderer returns {node, read()}; read() gives the candidate's answer or null. */
  function renderChoice(q, name, multiple) {
    var opts = shuffle(q.options);
    var list = el("ol", { class: "hb-quiz-options" });
    opts.forEach(function (o, i) {
      var input = el("input", { type: multiple ? "checkbox" : "radio", name: name, value: o });
      list.appendChild(el("li", {}, [el("label", {}, [input, el("span", { class: "hb-quiz-letter", text: LETTERS[i] + "." }),
        el("span", { text: o })])]));
    });
    return {
      node: list,
      read: function () {
        var picked = Array.prototype.filter.call(list.querySelectorAll("input"), function (x) { return x.checked; })
          .map(function (x) { return x.value; });
        if (!picked.length) return null;
        return multiple ? picked : picked[0];
      },
      right: function (a) {
        if (!multiple) return a === q.answer;
        var want = q.answer.slice().sort(), got = a.slice().sort();
        return want.length === got.length && want.every(function (w, i) { return w === got[i]; });
      }
    };
  }

  function renderTrueFalse(q, name) {
    var list = el("ol", { class: "hb-quiz-options hb-quiz-tf" });
    [["true", "对"], ["false", "错"]].forEach(function (p) {
      var input = el("input", { type: "radio", name: name, value: p[0] });
      list.appendChild(el("li", {}, [el("label", {}, [input, el("span", { text: p[1] })])]));
    });
    return {
      node: list,
      read: function () {
        var x = list.querySelector("input:checked");
        return x ? x.value === "true" : null;
      },
      right: function (a) { return a === q.answer; }
    };
  }

  function renderBlank(q) {
    var input = el("input", { type: "text", class: "hb-quiz-blank", autocomplete: "off", placeholder: "填写答案" });
    return {
      node: el("p", {}, [input]),
      read: function () { return input.value.trim() ? input.value : null; },
      right: function (a) {
        return [q.answer].concat(q.accept || []).some(function (x) { return norm(x) === norm(a); });
      }
    };
  }

  function renderOrder(q, name) {
    var opts = shuffle(q.options);
    var list = el("ol", { class: "hb-quiz-options hb-quiz-order" });
    var selects = [];
    opts.forEach(function (o) {
      var select = el("select", { "aria-label": "顺序", "data-option": o });
      select.appendChild(el("option", { value: "", text: "第?步" }));
      for (var i = 1; i <= opts.length; i++) select.appendChild(el("option", { value: String(i), text: "第" + i + "步" }));
      selects.push(select);
      list.appendChild(el("li", {}, [select, el("span", { text: " " + o })]));
    });
    return {
      node: list,
      read: function () {
        var order = [];
        for (var i = 0; i < selects.length; i++) {
          var v = parseInt(selects[i].value, 10);
          if (!v || order[v - 1] !== undefined) return null;
          order[v - 1] = selects[i].getAttribute("data-option");
        }
        return order;
      },
      right: function (a) { return a.length === q.answer.length && a.every(function (x, i) { return x === q.answer[i]; }); }
    };
  }

  function renderer(q, name) {
    if (q.type === "single") return renderChoice(q, name, false);
    if (q.type === "multiple") return renderChoice(q, name, true);
    if (q.type === "truefalse") return renderTrueFalse(q, name);
    if (q.type === "blank") return renderBlank(q);
    return renderOrder(q, name);
  }

  function start(box) {
    var data = document.getElementById(box.getAttribute("data-bank"));
    if (!data) { box.textContent = "题库未找到。"; return; }
    var bank = JSON.parse(data.textContent);
    var role = box.getAttribute("data-role") || "all";
    var count = parseInt(box.getAttribute("data-count"), 10) || 10;
    var root = box.getAttribute("data-root") || "";
    var saved = store(role);

    function round() {
      box.innerHTML = "";
      // never two questions that ask the same thing (a fact's blank and its choice)
      var asked = {}, drawn = [];
      shuffle(bank).forEach(function (q) {
        var key = q.asks || q.id;
        if (drawn.length < count && !asked[key]) { asked[key] = true; drawn.push(q); }
      });
      var state = { answered: 0, right: 0 };
      var score = el("p", { class: "hb-quiz-score", "aria-live": "polite" });
      var history = el("p", { class: "hb-quiz-history" });
      var again = el("button", { type: "button", class: "md-button hb-quiz-again", text: "换一组题" });
      again.addEventListener("click", round);

      function showScore() {
        score.textContent = "得分:" + state.right + " / " + state.answered + "(本组共 " + drawn.length + " 题)";
        var h = saved.get();
        history.textContent = h.rounds ? "已完成 " + h.rounds + " 组;最好成绩 " + h.best + " / " + drawn.length +
          ";上次 " + h.last + " / " + drawn.length : "";
      }

      box.appendChild(el("div", { class: "hb-quiz-bar" }, [score, history, again]));
      drawn.forEach(function (q, n) {
        var r = renderer(q, "hb-q-" + n);
        var check = el("button", { type: "button", class: "md-button md-button--primary hb-quiz-check", text: "提交" });
        var result = el("div", { class: "hb-quiz-result", hidden: "hidden" });
        var card = el("section", { class: "hb-quiz-q", "data-qid": q.id, "data-type": q.type }, [
          el("p", { class: "hb-quiz-stem" }, [
            el("span", { class: "hb-quiz-num", text: (n + 1) + "." }),
            el("span", { class: "hb-quiz-type", text: TYPE_LABELS[q.type] || q.type }),
            el("span", { text: q.stem })]),
          r.node, check, result]);
        check.addEventListener("click", function () {
          var a = r.read();
          if (a === null) { result.hidden = false; result.className = "hb-quiz-result hb-quiz-need"; result.textContent = "请先作答。"; return; }
          var ok = r.right(a);
          check.disabled = true;
          Array.prototype.forEach.call(card.querySelectorAll("input, select"), function (x) { x.disabled = true; });
          state.answered += 1;
          if (ok) state.right += 1;
          card.classList.add(ok ? "hb-quiz-right" : "hb-quiz-wrong");
          result.className = "hb-quiz-result " + (ok ? "is-right" : "is-wrong");
          result.innerHTML = "";
          result.appendChild(el("p", { class: "hb-quiz-verdict", text: ok ? "✓ 回答正确" : "✗ 回答错误" }));
          result.appendChild(el("p", { class: "hb-quiz-key", text: "正确答案:" + answerText(q) }));
          if (q.explanation) result.appendChild(el("p", { class: "hb-quiz-expl", text: "解析:" + q.explanation }));
          var where = q.source.title + (q.source.part ? " · " + q.source.part : "");
          var href = root + String(q.source.url).replace(/^\//, "");
          result.appendChild(el("p", { class: "hb-quiz-source" }, [el("span", { text: "出处:" }),
            el("a", { href: href, class: "hb-quiz-link", text: where })]));
          result.hidden = false;
          if (state.answered === drawn.length) {
            var h = saved.get();
            h.rounds += 1;
            h.last = state.right;
            h.best = h.best === null ? state.right : Math.max(h.best, state.right);
            saved.put(h);
            card.parentNode.appendChild(el("p", { class: "hb-quiz-done", text: "本组完成:" + state.right + " / " + drawn.length }));
          }
          showScore();
        });
        box.appendChild(card);
      });
      showScore();
    }
    round();
  }

  function init() {
    var boxes = document.querySelectorAll(".hb-quiz");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.getAttribute("data-ready")) return;
      box.setAttribute("data-ready", "1");
      start(box);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
