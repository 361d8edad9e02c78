/*
 * wirebook search: queries the index the generator wrote under search/ (see src/search/),
 * in the browser, with no server and no CDN. Loaded by the search page, or by theme.js when
 * a reader presses "/" or Ctrl-K. Every [data-search] box on the page gets live results.
 *
 * Terms follow src/search/tokens.rs exactly: lower-case words (a query word matches as a
 * prefix), and character bigrams for Korean, Japanese and Chinese, so "웹소켓" finds
 * "웹소켓은" and text without spaces is found. Korean particles are taken off query words,
 * and a syllable still being typed (no final consonant yet) matches any final consonant.
 *
 * Served as assets/search.js, after the shared parts of common.js.d/ (escapeHtml).
 */
(function () {
  "use strict";
  if (window.wirebookSearch) return;

  var BATCH = 10; // documents fetched (and checked) at a time, and results per "More"
  var MAX_PREFIX_SHARDS = 8; // shards a prefix query may read besides its own
  var PARTICLES = ["에서는", "으로는", "에게서", "입니다", "이라고", "에서", "에게", "으로",
    "부터", "까지", "처럼", "보다", "이나", "이랑", "하고", "라고", "에는", "은", "는", "이",
    "가", "을", "를", "에", "의", "와", "과", "도", "로", "만", "랑"];
  var LONE_PARTICLES = "은는이가을를에의와과도로만";

  function isCJK(cp) {
    return (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x1100 && cp <= 0x11ff) ||
      (cp >= 0x3130 && cp <= 0x318f) || (cp >= 0x3040 && cp <= 0x30ff) ||
      (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0xff66 && cp <= 0xff9d) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2fa1f);
  }
  var WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;
  var HANGUL = /^[\uac00-\ud7a3]+$/;

  /** FNV-1a over code points, as src/search/tokens.rs `bucket`. */
  function bucket(key, n) {
    var h = 0x811c9dc5;
    for (var ch of key) {
      h = (h ^ ch.codePointAt(0)) >>> 0;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % Math.max(n, 1);
  }

  /**
   * The shard keys a query term needs, as src/search/tokens.rs `shard_key` places terms: the
   * first two characters (one for CJK), one longer per level `split` divided that prefix. A
   * prefix (or a syllable still being typed) that ends at a split prefix needs it and the
   * prefixes it was split into.
   */
  function shardKeys(term, split) {
    var chars = Array.from(term.key);
    var n = isCJK(chars[0].codePointAt(0)) ? 1 : 2;
    if (term.open) n = 1; // the second character is not known yet
    var key = chars.slice(0, n).join("");
    while (split[key] && chars.length > n && !(term.open && n === 1)) key = chars.slice(0, ++n).join("");
    if (term.exact || !split[key]) return [key];
    var kids = split[key];
    if (term.open) {
      var base = chars[1].codePointAt(0);
      kids = kids.filter(function (k) {
        var cp = Array.from(k)[1].codePointAt(0);
        return cp >= base && cp < base + 28;
      });
    }
    // A short prefix of a popular stem ("re" while typing "resolver") would need dozens of
    // shards: it gets its own and, when they are few, the next level's; the next keystroke
    // narrows it to one.
    return kids.length <= MAX_PREFIX_SHARDS ? [key].concat(kids) : [key];
  }

  /**
   * The query as groups, one per word typed: {needle, terms: [{key, exact | prefix | open}]}.
   * A document matches when it has every term of every group (and, checked on its text,
   * every needle).
   */
  function parse(query) {
    var groups = [];
    var words = query.toLowerCase().replace(/[\u3131-\u318e]+$/, "").split(/\s+/);
    words.forEach(function (chunk, w) {
      var lastChunk = w === words.length - 1;
      // Split a chunk into Latin words and CJK runs, as the index does.
      var parts = [];
      var cur = "", kind = null;
      for (var ch of chunk) {
        var k = isCJK(ch.codePointAt(0)) ? "cjk" : WORD_CHAR.test(ch) ? "word" : null;
        if (k !== kind && cur) { parts.push({ kind: kind, text: cur }); cur = ""; }
        kind = k;
        if (k) cur += ch;
      }
      if (cur) parts.push({ kind: kind, text: cur });
      parts.forEach(function (p, i) {
        var last = lastChunk && i === parts.length - 1;
        if (p.kind === "word") {
          if (Array.from(p.text).length < 2 && !/^\d$/.test(p.text)) return;
          groups.push({ needle: p.text, terms: [{ key: p.text, prefix: true }] });
          return;
        }
        var run = p.text;
        if (HANGUL.test(run)) run = stripParticle(run);
        var chars = Array.from(run);
        if (chars.length === 1 && LONE_PARTICLES.indexOf(run) >= 0 && parts.length > 1) return;
        var open = last && openSyllable(chars[chars.length - 1]);
        var needle = open ? chars.slice(0, -1).join("") : run;
        if (chars.length === 1) {
          groups.push({ needle: needle, terms: [{ key: run, prefix: true }] });
          return;
        }
        var terms = [];
        for (var j = 0; j + 1 < chars.length; j++) {
          var gram = chars[j] + chars[j + 1];
          if (open && j + 2 === chars.length) terms.push({ key: gram, open: true });
          else terms.push({ key: gram, exact: true });
        }
        groups.push({ needle: needle, terms: terms });
      });
    });
    return groups;
  }

  function stripParticle(word) {
    for (var i = 0; i < PARTICLES.length; i++) {
      var p = PARTICLES[i];
      if (word.length - p.length >= 2 && word.endsWith(p)) return word.slice(0, -p.length);
    }
    return word;
  }

  /** A Hangul syllable with no final consonant yet: the reader may still be typing it. */
  function openSyllable(ch) {
    var cp = ch ? ch.codePointAt(0) : 0;
    return cp >= 0xac00 && cp <= 0xd7a3 && (cp - 0xac00) % 28 === 0;
  }

  /** Keys of `shard` that `term` stands for. */
  function keysFor(term, shard) {
    if (term.exact) return term.key in shard ? [term.key] : [];
    if (term.prefix) return Object.keys(shard).filter(function (k) { return k.startsWith(term.key); });
    // open: same first character, second character the same syllable with any final consonant
    var chars = Array.from(term.key);
    var base = chars[1].codePointAt(0);
    return Object.keys(shard).filter(function (k) {
      var kc = Array.from(k);
      if (kc.length !== 2 || kc[0] !== chars[0]) return false;
      var cp = kc[1].codePointAt(0);
      return cp >= base && cp < base + 28;
    });
  }

  /** Postings → Map(id → in title). */
  function decode(list, into) {
    var id = -1;
    for (var i = 0; i < list.length; i++) {
      id += list[i] >> 1;
      into.set(id, (into.get(id) || 0) | (list[i] & 1));
    }
    return into;
  }

  function Index(base) {
    this.base = base;
    this.meta = null;
    this.shards = new Map();
    this.docs = new Map();
  }
  Index.prototype.load = function () {
    var self = this;
    if (!this.meta) {
      this.meta = fetch(this.base + "/search/meta.json", { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error("search/meta.json: " + r.status);
        return r.json();
      });
      this.meta.catch(function () { self.meta = null; });
    }
    return this.meta;
  };
  Index.prototype.get = function (cache, path) {
    var self = this;
    if (!cache.has(path)) {
      var p = this.load().then(function (meta) {
        return fetch(self.base + path + "?v=" + meta.v).then(function (r) {
          if (!r.ok) throw new Error(path + ": " + r.status);
          return r.json();
        });
      });
      p.catch(function () { cache.delete(path); });
      cache.set(path, p);
    }
    return cache.get(path);
  };
  /** Every shard `term` may live in, merged into one object. */
  Index.prototype.shard = function (term) {
    var self = this;
    return this.load().then(function (meta) {
      var files = new Set(shardKeys(term, meta.split || {}).map(function (k) {
        return "/search/index/" + bucket(k, meta.buckets) + ".json";
      }));
      return Promise.all(Array.from(files).map(function (f) { return self.get(self.shards, f); }))
        .then(function (shards) { return Object.assign.apply(null, [{}].concat(shards)); });
    });
  };
  Index.prototype.doc = function (id) { return this.get(this.docs, "/search/doc/" + id + ".json"); };

  /** Candidate ids, best first: every term of every group present; title hits first. */
  Index.prototype.candidates = function (groups) {
    var self = this;
    var terms = [];
    groups.forEach(function (g) { terms.push.apply(terms, g.terms); });
    return Promise.all(terms.map(function (t) { return self.shard(t); })).then(function (shards) {
      var result = null;
      terms.forEach(function (t, i) {
        var found = new Map();
        keysFor(t, shards[i]).forEach(function (k) { decode(shards[i][k], found); });
        if (result === null) { result = found; return; }
        var next = new Map();
        result.forEach(function (title, id) {
          if (found.has(id)) next.set(id, title + found.get(id));
        });
        result = next;
      });
      var ids = Array.from((result || new Map()).entries());
      ids.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return ids.map(function (e) { return e[0]; });
    });
  };

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /** `text` with every needle wrapped in <mark>, escaped. */
  function highlight(text, needles) {
    var re = new RegExp(needles.filter(Boolean).map(escapeRe).join("|"), "giu");
    if (!needles.filter(Boolean).length) return escapeHtml(text);
    var out = "", at = 0, m;
    while ((m = re.exec(text)) && m[0]) {
      out += escapeHtml(text.slice(at, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
      at = m.index + m[0].length;
    }
    return out + escapeHtml(text.slice(at));
  }

  /** About 160 characters around the first match. */
  function passage(text, needles) {
    var lower = text.toLowerCase();
    var at = -1;
    needles.forEach(function (n) {
      var i = n ? lower.indexOf(n) : -1;
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    var start = Math.max(0, at - 50);
    var end = Math.min(text.length, start + 160);
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  function matches(doc, needles) {
    var hay = (doc.t + " " + doc.x).toLowerCase();
    return needles.every(function (n) { return !n || hay.indexOf(n) >= 0; });
  }

  var indexes = new Map();

  function attach(box) {
    if (box.__wbSearch) return;
    box.__wbSearch = true;
    var base = box.getAttribute("data-search-base") || "";
    if (!indexes.has(base)) indexes.set(base, new Index(base));
    var index = indexes.get(base);
    var input = box.querySelector("input[type=search]");
    var results = box.querySelector("[data-search-results]");
    var form = box.querySelector("form");
    var onPage = box.hasAttribute("data-search-page");
    var seq = 0;

    function say(text) {
      results.innerHTML = text ? '<p class="search-status">' + escapeHtml(text) + "</p>" : "";
    }

    function run() {
      var query = input.value.trim();
      var mine = ++seq;
      var t0 = performance.now();
      box.setAttribute("data-search-state", "loading");
      if (onPage) {
        var url = new URL(location.href);
        if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
        history.replaceState(null, "", url);
      }
      var groups = parse(query);
      if (!groups.length) {
        say("");
        box.setAttribute("data-search-state", "idle");
        return;
      }
      var needles = groups.map(function (g) { return g.needle; });
      index.candidates(groups).then(function (ids) {
        if (mine !== seq) return;
        var list = document.createElement("ol");
        list.className = "search-list";
        var more = document.createElement("button");
        more.type = "button";
        more.className = "search-more";
        more.textContent = box.getAttribute("data-more");
        var status = document.createElement("p");
        status.className = "search-status";
        status.setAttribute("role", "status");
        results.replaceChildren(status, list, more);
        var shown = 0, next = 0, want = BATCH, first = true, focusAt = -1;
        function render() {
          // Until every candidate is checked, the count is the candidates' (exact for words;
          // bigrams that occur apart are rare).
          var n = next >= ids.length ? shown : ids.length;
          var text = n === 0
            ? box.getAttribute("data-none").replace("{q}", query)
            : n === 1 ? box.getAttribute("data-one") : box.getAttribute("data-other").replace("{n}", n);
          status.textContent = text;
          more.hidden = next >= ids.length;
          // After "More", the keyboard continues at the first new result.
          var a = focusAt >= 0 && list.querySelectorAll("a")[focusAt];
          if (a) {
            a.focus();
            focusAt = -1;
          }
          if (first && shown) {
            first = false;
            box.setAttribute("data-search-ms", String(Math.round(performance.now() - t0)));
          }
        }
        // Fetches and checks candidates a batch at a time until `want` are shown.
        function fill() {
          var slice = ids.slice(next, next + BATCH);
          if (!slice.length || shown >= want) {
            render();
            box.setAttribute("data-search-state", "done");
            return;
          }
          next += slice.length;
          Promise.all(slice.map(function (id) { return index.doc(id); })).then(function (docs) {
            if (mine !== seq) return;
            docs.forEach(function (doc) {
              if (!matches(doc, needles)) return;
              shown++;
              var li = document.createElement("li");
              li.innerHTML = '<a href="' + escapeHtml(doc.u) + '"><span class="search-title">' +
                highlight(doc.t, needles) + '</span> <span class="search-date">' + escapeHtml(doc.d) +
                '</span><span class="search-passage">' + highlight(passage(doc.x, needles), needles) +
                "</span></a>";
              list.appendChild(li);
            });
            if (shown) render();
            fill();
          }, fail);
        }
        more.addEventListener("click", function () {
          focusAt = shown;
          want = shown + BATCH;
          box.setAttribute("data-search-state", "loading");
          fill();
        });
        fill();
      }, fail);
      function fail(e) {
        if (mine !== seq) return;
        say(box.getAttribute("data-error"));
        box.setAttribute("data-search-state", "error");
        if (window.console) console.error("wirebook search:", e);
      }
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () { index.load(); }, { once: true });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var a = results.querySelector("a");
      if (a) a.click(); else run();
    });
    box.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.from(results.querySelectorAll("a"));
      if (!links.length) return;
      var i = links.indexOf(document.activeElement);
      e.preventDefault();
      if (e.key === "ArrowDown") (links[i + 1] || links[0]).focus();
      else if (i <= 0) input.focus();
      else links[i - 1].focus();
    });
    if (onPage) {
      var q = new URLSearchParams(location.search).get("q");
      if (q) input.value = q;
    }
    if (input.value.trim()) run();
  }

  document.querySelectorAll("[data-search]").forEach(attach);
  window.wirebookSearch = { attach: attach, parse: parse, bucket: bucket };
})();
