/* The header search box of the staff site: a search worker for mkdocs-material's search UI
 * (it speaks Material's worker messages: SETUP 0, READY 1, QUERY 2, RESULT 3).
 *
 * Material's own worker cannot search Chinese: lunr.zh's UMD wrapper hands its factory the
 * Node module `@node-rs/jieba`, which a browser does not have, so every query throws
 * "Cannot read properties of undefined (reading 'cut')". This worker replaces it:
 *
 * - served by `handbook serve`: each query asks /api/search, the whoosh index itself;
 * - from any static server or from disk: it ranks over search-index.js, the same whoosh index
 *   exported by search/client_index.py, with the query cut by jieba's own algorithm (the
 *   dictionary DAG and the route of maximum probability) over the words the handbook uses,
 *   and the same concepts, synonyms, BM25 postings, priors, question intents and pages as
 *   search/query.py. So both give the same answers.
 *
 * One result a page (the page's title, the best section as the anchor with its snippet, the
 * other matching sections folded under it).
 *
 * From disk (file://) Chromium refuses to start a worker; loaded as a page script, this file
 * then stands in for the Worker class and runs the same code in the page.
 */
(function (root) {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3, API_FOUND = "handbook-api";
  var LIMIT = 1000; // every page found: Material shows ten and the rest as one scrolls
  var API_LIMIT = 200; // more than the site has pages: the count Material shows is the total
  var RECORD_AFTER_MS = 1500;
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007";
  var HAN_RE = new RegExp("[" + HAN + "]");
  var TOKEN_RE = new RegExp("([" + HAN + "]+)|([0-9a-z]+(?:[-_./][0-9a-z]+)*)", "g");
  var CJK_SPACE_RE = new RegExp("([" + HAN + "])\\s+(?=[" + HAN + "])", "g");
  var CONTROL_RE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

  function normalize(text) {
    text = String(text || "").normalize("NFKC").replace(CONTROL_RE, " ");
    text = text.replace(/[ \t\r\n\f\v]+/g, " ").replace(CJK_SPACE_RE, "$1");
    return text.trim();
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" }[c];
    });
  }

  /* ---- the engine: search/analyzer.py and search/query.py, over the exported index ---- */
  function Engine(data) {
    this.data = data;
    this.p = data.params;
    this.freq = data.words;
    this.prefix = Object.create(null);
    for (var w in this.freq) {
      for (var i = 1; i < w.length; i++) this.prefix[w.slice(0, i)] = true;
    }
    this.logTotal = Math.log(data.total);
    this.stop = Object.create(null);
    for (var j = 0; j < data.stop.length; j++) this.stop[data.stop[j]] = true;
    this.intents = this.p.intents.map(function (x) { return [new RegExp(x[1]), x[2]]; });
    this.situation = new RegExp(this.p.situation);
  }

  Engine.prototype.has = function (frag) {
    return Object.prototype.hasOwnProperty.call(this.freq, frag) || this.prefix[frag] === true;
  };
  Engine.prototype.f = function (w) {
    return Object.prototype.hasOwnProperty.call(this.freq, w) ? this.freq[w] : 0;
  };

  /* jieba's cut without HMM (search.analyzer.Vocabulary.cut) */
  Engine.prototype.cut = function (s) {
    var n = s.length;
    if (n <= 1) return s ? [s] : [];
    var dag = [], k, i;
    for (k = 0; k < n; k++) {
      var ends = [];
      i = k;
      var frag = s[k];
      while (i < n && this.has(frag)) {
        if (this.f(frag)) ends.push(i);
        i++;
        frag = s.slice(k, i + 1);
      }
      dag.push(ends.length ? ends : [k]);
    }
    var route = new Array(n + 1);
    route[n] = [0, 0];
    for (var idx = n - 1; idx >= 0; idx--) {
      var best = null;
      for (var a = 0; a < dag[idx].length; a++) {
        var x = dag[idx][a];
        var pr = Math.log(this.f(s.slice(idx, x + 1)) || 1) - this.logTotal + route[x + 1][0];
        if (best === null || pr > best[0] || (pr === best[0] && x > best[1])) best = [pr, x];
      }
      route[idx] = best;
    }
    var words = [], p = 0;
    while (p < n) {
      var y = route[p][1] + 1;
      words.push(s.slice(p, y));
      p = y;
    }
    return words;
  };

  Engine.prototype.subwords = function (word) {
    var out = [], n = word.length;
    if (n <= 2) return out;
    for (var size = 2; size < n; size++) {
      for (var i = 0; i + size <= n; i++) {
        var g = word.slice(i, i + size);
        if (this.f(g) && !this.stop[g]) out.push(g);
      }
    }
    return out;
  };

  function bigramsOf(w) {
    if (w.length <= 1) return [w];
    var out = [];
    for (var i = 0; i < w.length - 1; i++) out.push(w.slice(i, i + 2));
    return out;
  }

  /* search.analyzer.concepts */
  Engine.prototype.concepts = function (low) {
    var out = [], seen = Object.create(null), self = this;
    function add(c) {
      if (c.text && !seen[c.text]) { seen[c.text] = true; out.push(c); }
    }
    var pending = null, m;
    TOKEN_RE.lastIndex = 0;
    while ((m = TOKEN_RE.exec(low)) !== null) {
      var w = m[0];
      if (!m[1]) {
        if (self.stop[w]) continue;
        var parts = w.split(/[-_./]/).filter(Boolean);
        add({ text: w, subwords: parts.length > 1 ? parts : [], bigrams: [w], known: true });
        pending = [w, m.index + w.length];
        continue;
      }
      var words = self.cut(w);
      var run = "";
      var flush = function () {
        if (!run) return;
        if (run.length === 1) add({ text: run, subwords: [], bigrams: [run], known: true });
        else add({ text: run, subwords: [], bigrams: bigramsOf(run), known: false });
        run = "";
      };
      for (var i = 0; i < words.length; i++) {
        var word = words[i];
        if (self.stop[word]) { flush(); continue; }
        if (word.length === 1 && !self.f(word)) { run += word; continue; }
        if (word.length === 1) {
          var prev = i > 0 && words[i - 1].length === 1 && !self.stop[words[i - 1]];
          var next = i + 1 < words.length && words[i + 1].length === 1 && !self.stop[words[i + 1]];
          if (prev || next) { run += word; continue; }
        }
        flush();
        add({ text: word, subwords: self.subwords(word), bigrams: bigramsOf(word), known: true });
      }
      flush();
      if (pending && pending[1] === m.index && words.length) {
        var joined = pending[0] + words[0];
        add({ text: joined, subwords: [], bigrams: [joined], known: true });
      }
      pending = null;
    }
    return out;
  };

  /* search.query.plan */
  Engine.prototype.plan = function (text) {
    var p = this.p, groups = [], names = [], marks = [], nterms = 0;
    var cs = this.concepts(text.toLowerCase());
    for (var i = 0; i < cs.length; i++) {
      if (nterms >= p.maxTerms) break;
      var c = cs[i], alts = [];
      var cw = c.text.length === 1 ? p.singleWeight : 1.0;
      if (c.known) {
        alts.push(["body", c.text, cw]);
        marks.push(c.text);
        var syn = this.data.synonyms[c.text] || [];
        var absent = !Object.prototype.hasOwnProperty.call(this.data.postings.body, c.text);
        // a title names the word itself; a word the handbook lacks, by its synonyms
        names.push(absent ? [c.text].concat(this.data.titleNames[c.text] || []) : [c.text]);
        var sw = absent ? p.absentSynWeight : p.synWeight;
        for (var g = 0; g < syn.length; g++) {
          for (var t = 0; t < syn[g].length; t++) {
            alts.push(["body", syn[g][t], sw / syn[g].length]);
            marks.push(syn[g][t]);
          }
        }
        for (var s = 0; s < c.subwords.length; s++) {
          alts.push(["body", c.subwords[s], p.subWeight]);
          marks.push(c.subwords[s]);
        }
      } else {
        marks = marks.concat(c.bigrams);
        names.push([]);
      }
      if (c.text.length >= p.homophoneMin && c.text.length <= p.homophoneMax &&
          !Object.prototype.hasOwnProperty.call(this.data.postings.body, c.text)) {
        var alike = this.soundsLike(c.text).slice(0, p.homophones);
        for (var h = 0; h < alike.length; h++) {
          alts.push(["body", alike[h], cw * p.homophoneWeight]);
          marks.push(alike[h]);
        }
      }
      if (!c.known || c.text.length > 2) {
        for (var b = 0; b < c.bigrams.length; b++) {
          alts.push(["grams", c.bigrams[b], cw * (c.known ? p.gramWeight : 1.0)]);
        }
      }
      nterms += alts.length;
      groups.push(alts);
    }
    return { groups: groups, names: names, marks: marks.filter(function (m, k) { return m && marks.indexOf(m) === k; }) };
  };

  /* search.query.sounds_like */
  Engine.prototype.soundsLike = function (word) {
    var keys = [];
    for (var i = 0; i < word.length; i++) {
      var k = this.data.soundOf[word[i]];
      if (k === undefined) return [];
      keys.push(k);
    }
    var words = this.data.soundsLike[keys.join(" ")] || [];
    return words.filter(function (w) { return w !== word; });
  };

  /* search.query.score_plan */
  Engine.prototype.score = function (plan) {
    var total = new Map(), postings = this.data.postings;
    for (var i = 0; i < plan.groups.length; i++) {
      var options = new Map();
      var alts = plan.groups[i];
      for (var a = 0; a < alts.length; a++) {
        var field = alts[a][0], term = alts[a][1], w = alts[a][2];
        var key = field === "grams" ? "\u0000grams" : term;
        if (!options.has(key)) options.set(key, new Map());
        var acc = options.get(key);
        var list = Object.prototype.hasOwnProperty.call(postings[field], term) ? postings[field][term] : [];
        for (var k = 0; k < list.length; k += 2) {
          acc.set(list[k], (acc.get(list[k]) || 0) + w * list[k + 1]);
        }
      }
      var best = new Map(), rest = new Map();
      options.forEach(function (acc) {
        acc.forEach(function (sc, d) {
          var b = best.get(d) || 0;
          if (sc > b) { rest.set(d, (rest.get(d) || 0) + b); best.set(d, sc); }
          else rest.set(d, (rest.get(d) || 0) + sc);
        });
      });
      var tb = this.p.tiebreak;
      best.forEach(function (b, d) { total.set(d, (total.get(d) || 0) + b + tb * (rest.get(d) || 0)); });
    }
    return total;
  };

  /* search.query.intent_weights */
  Engine.prototype.weights = function (text) {
    var out = {};
    text = text.toLowerCase();
    for (var i = 0; i < this.intents.length; i++) {
      if (this.intents[i][0].test(text)) {
        var ws = this.intents[i][1];
        for (var k in ws) out[k] = Math.max(out[k] || 1.0, ws[k]);
      }
    }
    if (!("form" in out)) out.form = this.p.formPrior;
    var han = (text.match(/[\u3400-\u9fff]/g) || []).length;
    if (!(this.situation.test(text) || han >= this.p.situationLen)) {
      out["case"] = (out["case"] || 1.0) * this.p.casePrior;
    }
    return out;
  };

  /* search.snippet.snippet */
  function snippet(text, terms, width) {
    width = width || 90;
    terms = terms.filter(Boolean).sort(function (a, b) { return b.length - a.length; });
    var low = text.toLowerCase(), spans = [];
    function alnum(ch) { return /^[0-9a-zA-Z]$/.test(ch || ""); }
    terms.forEach(function (t) {
      var latin = alnum(t[0]) || alnum(t[t.length - 1]);
      var start = 0;
      for (;;) {
        var i = low.indexOf(t, start);
        if (i < 0) break;
        var j = i + t.length;
        if (!latin || ((i === 0 || !alnum(low[i - 1])) && (j === low.length || !alnum(low[j])))) spans.push([i, j, t]);
        start = i + 1;
      }
    });
    spans.sort(function (a, b) { return (b[1] - b[0]) - (a[1] - a[0]) || a[0] - b[0]; });
    var covered = new Array(text.length), chosen = [];
    spans.forEach(function (sp) {
      for (var i = sp[0]; i < sp[1]; i++) if (covered[i]) return;
      for (var k = sp[0]; k < sp[1]; k++) covered[k] = true;
      chosen.push(sp);
    });
    chosen.sort(function (a, b) { return a[0] - b[0]; });
    var start = 0;
    if (text.length > width && chosen.length) {
      var best = null;
      chosen.forEach(function (c) {
        var ws = Math.max(0, Math.min(c[0] - 10, text.length - width));
        var inside = chosen.filter(function (x) { return x[0] >= ws && x[1] <= ws + width; });
        var distinct = {};
        inside.forEach(function (x) { distinct[x[2]] = 1; });
        var key = [Object.keys(distinct).length, inside.reduce(function (s, x) { return s + x[1] - x[0]; }, 0), -ws];
        if (best === null || key[0] > best[0] || (key[0] === best[0] && (key[1] > best[1] || (key[1] === best[1] && key[2] > best[2])))) {
          best = key;
          start = ws;
        }
      });
    }
    var end = Math.min(text.length, start + width);
    var out = start > 0 ? "…" : "", pos = start;
    chosen.forEach(function (c) {
      if (c[0] < start || c[1] > end) return;
      out += escapeHtml(text.slice(pos, c[0])) + "<mark>" + escapeHtml(text.slice(c[0], c[1])) + "</mark>";
      pos = c[1];
    });
    out += escapeHtml(text.slice(pos, end));
    if (end < text.length) out += "…";
    return out;
  }

  /* Searcher._run: pages, best first, each with its best section and the others folded */
  Engine.prototype.search = function (q, limit, offset) {
    var p = this.p, docs = this.data.docs;
    var text = normalize(q).slice(0, p.maxQueryChars);
    var plan = this.plan(text);
    if (!plan.groups.length) return { total: 0, results: [] };
    var scores = this.score(plan), weights = this.weights(text);
    // the title bonus: the page's title names every concept asked (by the word or a synonym)
    var asked = plan.names.filter(function (n) { return n.length && p.kindWords.indexOf(n[0]) < 0; });
    var ranked = [];
    scores.forEach(function (sc, d) {
      var doc = docs[d];
      var w = weights[doc[2]] || 1.0;
      if (doc[8]) w *= weights.figure || 1.0;
      if (doc[10]) w *= weights.actor || 1.0;
      if (asked.length && doc[2] !== "glossary" && asked.every(function (n) {
        return n.some(function (c) { return doc[9].indexOf(c) >= 0; });
      })) {
        w *= p.titleBonus;
      }
      ranked.push([sc * doc[7] * w, d]);
    });
    ranked.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    var groups = new Map();
    ranked.forEach(function (r) {
      var page = docs[r[1]][1];
      if (!groups.has(page)) groups.set(page, []);
      groups.get(page).push(r);
    });
    var pages = [];
    groups.forEach(function (members, page) {
      var extra = 0;
      for (var i = 1; i <= p.pageMore && i < members.length; i++) extra += members[i][0];
      var score = members[0][0] + p.pageShare * extra;
      // the anchor: the best-matching section, not the page as a whole, where a section matches
      var part = 0;
      for (var k = 0; k < members.length; k++) {
        var id = docs[members[k][1]][0], hash = id.indexOf("#");
        if (id !== page && (hash < 0 || p.pageLike.indexOf(id.slice(hash + 1)) < 0)) { part = k; break; }
      }
      if (part) members = [members[part]].concat(members.slice(0, part), members.slice(part + 1));
      pages.push([score, members]);
    });
    pages.sort(function (a, b) { return b[0] - a[0] || a[1][0][1] - b[1][0][1]; });
    var results = pages.slice(offset || 0, (offset || 0) + (limit || LIMIT)).map(function (pg) {
      var d = docs[pg[1][0][1]];
      return {
        id: d[0], page: d[1], kind: d[2], title: d[3], section: d[4], url: "/" + d[5],
        snippet: snippet(d[6], plan.marks), score: pg[0],
        sections: pg[1].slice(1, 1 + p.foldMax).map(function (m) {
          var s = docs[m[1]];
          return { id: s[0], title: s[4] || s[3], url: "/" + s[5], snippet: snippet(s[6], plan.marks, 60), score: m[0] };
        }),
      };
    });
    return { total: pages.length, results: results };
  };

  /* ---- Material's result items: one list a page, its page first ---- */
  function pageUrl(url) {
    return url.replace(/^\//, "").split("#")[0];
  }

  function toMaterial(results) {
    return results.map(function (r) {
      var score = r.score || 1;
      var items = [{
        location: pageUrl(r.url), title: escapeHtml(r.title),
        text: r.section ? "" : r.snippet, score: score, terms: {},
      }];
      if (r.section) {
        items.push({ location: r.url.replace(/^\//, ""), title: escapeHtml(r.section), text: r.snippet, score: score, terms: {} });
      }
      (r.sections || []).forEach(function (s) {
        if (s.url.indexOf("#") < 0) return; // the page itself heads the list already
        items.push({ location: s.url.replace(/^\//, ""), title: escapeHtml(s.title), text: s.snippet, score: score / 2, terms: {} });
      });
      return items;
    });
  }

  /* ---- the worker's side of Material's messages ---- */
  function Host(post, loadIndex) {
    this.post = post;
    this.loadIndex = loadIndex;
    this.engine = null;
    this.api = null; // the /api/search URL where `handbook serve` answers
    this.setup = false;
    this.started = false;
    this.seq = 0;
  }

  Host.prototype.start = function () {
    var self = this;
    if (self.started) return;
    self.started = true;
    var probe = Promise.resolve(null);
    if (typeof location !== "undefined" && /^https?:$/.test(location.protocol) && typeof fetch === "function") {
      var url = location.origin + "/api/search";
      probe = fetch(url + "?q=", { headers: { Accept: "application/json" } })
        .then(function (r) {
          var type = r.headers.get("content-type") || "";
          return r.ok && type.indexOf("json") >= 0 ? r.json() : null;
        })
        .then(function (j) { return j && Array.isArray(j.results) ? url : null; })
        .catch(function () { return null; });
    }
    probe.then(function (api) {
      self.api = api;
      if (api) self.post({ type: API_FOUND }); // for the page's click beacon; Material ignores it
      if (!api) self.engine = new Engine(self.loadIndex());
      self.ready = true;
      self.maybeReady();
    }).catch(function (e) {
      // no API and no index: say so in the console, answer nothing
      if (typeof console !== "undefined") console.error("handbook search:", e);
    });
  };

  Host.prototype.maybeReady = function () {
    if (this.ready && this.setup && !this.announced) {
      this.announced = true;
      this.post({ type: READY });
    }
  };

  Host.prototype.receive = function (msg) {
    var self = this;
    if (!msg) return;
    if (msg.type === SETUP) {
      self.setup = true;
      self.start();
      self.maybeReady();
    } else if (msg.type === QUERY) {
      var q = String(msg.data || "");
      var seq = ++self.seq;
      if (!normalize(q)) { self.post({ type: RESULT, data: { items: [] } }); return; }
      if (self.api) {
        // once the typing stops, the search is counted for the editors (query text only)
        clearTimeout(self.timer);
        var api = self.api;
        self.timer = setTimeout(function () {
          fetch(api + "?limit=1&record=1&q=" + encodeURIComponent(q)).catch(function () {});
        }, RECORD_AFTER_MS);
        fetch(self.api + "?limit=" + API_LIMIT + "&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (j) {
            if (seq === self.seq) self.post({ type: RESULT, data: { items: toMaterial(j.results || []), total: j.total } });
          })
          .catch(function () {
            if (seq === self.seq) self.post({ type: RESULT, data: { items: [] } });
          });
      } else {
        var answer = self.engine.search(q, LIMIT, 0);
        self.post({ type: RESULT, data: { items: toMaterial(answer.results), total: answer.total } });
      }
    }
  };

  var isWorker = typeof WorkerGlobalScope !== "undefined" && root instanceof WorkerGlobalScope;
  if (isWorker) {
    var host = new Host(function (m) { root.postMessage(m); }, function () {
      if (!root.__handbookSearch) root.importScripts(new URL("search-index.js", root.location.href).href);
      return root.__handbookSearch;
    });
    root.onmessage = function (ev) { host.receive(ev.data); };
    host.start();
    return;
  }

  /* ---- in a page: the engine for tests and, from disk, the worker run in the page ---- */
  root.HandbookSearch = { Engine: Engine, normalize: normalize, toMaterial: toMaterial };
  var here = document.currentScript && document.currentScript.src;
  // a result opened from the box: a beacon with the query text, for the editors' count of
  // searches nobody clicked — only where `handbook serve` answers (the worker says so)
  if (/^https?:$/.test(location.protocol) && navigator.sendBeacon) {
    var apiFound = false;
    var RealWorker = root.Worker;
    root.Worker = function (url, opts) {
      var w = new RealWorker(url, opts);
      if (/handbook\/search-worker\.js/.test(String(url))) {
        w.addEventListener("message", function (ev) {
          if (ev.data && ev.data.type === API_FOUND) apiFound = true;
        });
      }
      return w;
    };
    document.addEventListener("click", function (ev) {
      var a = ev.target instanceof Element && ev.target.closest(".md-search-result__list a");
      var box = document.querySelector("input.md-search__input");
      if (apiFound && a && box && box.value.trim()) {
        navigator.sendBeacon(location.origin + "/api/search/click", new Blob([box.value], { type: "text/plain" }));
      }
    }, true);
  }
  if (location.protocol === "file:" && here) {
    var NativeWorker = root.Worker;
    var PageWorker = function (url) {
      var target = new EventTarget(), self = this;
      self._target = target;
      var indexUrl = new URL("search-index.js", here).href;
      var h = new Host(function (m) {
        setTimeout(function () { target.dispatchEvent(new MessageEvent("message", { data: m })); }, 0);
      }, function () { return root.__handbookSearch; });
      self._host = h;
      var s = document.createElement("script");
      s.src = indexUrl;
      s.onload = function () { h.start(); };
      document.head.appendChild(s);
    };
    PageWorker.prototype.addEventListener = function (t, f, o) { this._target.addEventListener(t, f, o); };
    PageWorker.prototype.removeEventListener = function (t, f, o) { this._target.removeEventListener(t, f, o); };
    PageWorker.prototype.dispatchEvent = function (e) { return this._target.dispatchEvent(e); };
    PageWorker.prototype.postMessage = function (data) {
      var h = this._host;
      setTimeout(function () { h.receive(data); }, 0);
    };
    PageWorker.prototype.terminate = function () {};
    root.Worker = function (url, opts) {
      if (/handbook\/search-worker\.js/.test(String(url))) return new PageWorker(url);
      return new NativeWorker(url, opts);
    };
  }
})(self);
