/*
 * The site's search worker. Material's search box talks to a worker through a documented message
 * protocol (SETUP, READY, QUERY, RESULT; the worker URL is the "search" entry of the page
 * configuration, set in overrides/main.html); this worker answers it from the question index that
 * kb.search.build writes (tools/kb/search/), instead of lunr over rendered pages.
 *
 * - The index is not part of page loads: search/search_index.json, which Material fetches on every
 *   page, is a stub naming the real index; the worker fetches that on the first focus of the search
 *   box (a BroadcastChannel message from the page) or the first query. The offline build inlines the
 *   whole index in the stub, which Material loads from file:// only when search is opened.
 * - Queries are tokenised like the index (tools/kb/search/text.py): NFKC + lower case, Latin/digit
 *   runs apart from Han runs. Han runs are segmented against the index's own vocabulary (the best
 *   split into known words, longer words preferred), so a query word is always a word the index
 *   holds; a long word also matches as its shorter words. Stopwords are ignored and a single Han
 *   character only adds to a match (it may be left over from a word the index does not hold); the
 *   last word of a query still being typed also matches as a prefix.
 * - Typos and other cuts: a Latin word the index does not hold matches the index words one edit away
 *   (lroa → lora); a run of single Han characters that is no word (what a wrong homophone from a
 *   pinyin input method leaves: 幻绝, 位置编吗) is read as the most frequent index word with the same
 *   pinyin (the index's "py" table); a Han word also finds the questions and aliases that contain it
 *   as a substring (全参 in 全参数微调), where jieba cut the question differently.
 * - Words too common to index ("common") still rank the questions holding them in the question or an
 *   alias, but are never required.
 * - Synonym forms (tools/kb/data/synonyms.yml, the glossary's aliases) found in the query ask for
 *   their group's term, which every question holding any form of the group carries (or for the
 *   form's own words, found apart).
 * - Ranking: sum over query words of idf × field weight (question > alias > keypoints and project
 *   answer > source answers; answer matches discounted in long answers), times the share of the
 *   query's idf that matched (squared for queries of up to three words); then raised by the share of
 *   the question's own words (or an alias's) that the query covers, and for a question containing the
 *   whole query; a question or alias equal to the query comes first.
 * - Results: one question per result, under its page title; the text is the start of its answer.
 */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
// source answers, a word used once in the project's answer, keypoints or twice in it, alias, question
var LEVEL_WEIGHT = [0.2, 0.3, 0.45, 0.8, 1.0];
var PREFIX_FACTOR = 0.7; // a word matched only as a prefix of an index word
var PREFIX_LIMIT = 40;
var SPLIT_FACTOR = 0.8; // a long query word matched through its shorter words
var LONG_QUERY = 3; // more required words than this: a sentence, not a list of keywords
var COMMON_WEIGHT = 0.3; // a question word too common to be indexed, in title coverage
var MAX_WORD = 12;
var MAX_RESULTS = 50;
var LENGTH_NORM = 0.5; // how much a long answer's matches are discounted (BM25's b)
var TYPO_FACTOR = 0.8; // a word read as another index word (one edit away, or the same pinyin)
var SCAN_FACTOR = 0.8; // a Han word found as a substring of a question or alias only
var MAX_HOMOPHONE = 3; // longest run of single characters read as one word
var DIGIT = new Int8Array(128).fill(-1);
for (var c = 0; c < ALPHABET.length; c++) DIGIT[ALPHABET.charCodeAt(c)] = c;
var TOKEN_RE = /[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
var LATIN_RE = /^[a-z0-9]+$/;
var HAN_RE = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

var state = { index: null, url: null, loading: null, latest: "" };

function normalize(s) {
  return s.normalize("NFKC").toLowerCase();
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
}

function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function tokens(s) {
  return normalize(s).match(TOKEN_RE) || [];
}

/* The regular expression of one synonym form: the same as synonyms.form_pattern in Python. */
function formPattern(form) {
  var toks = tokens(form);
  if (!toks.length) return null;
  var body = toks.map(escapeRe).join("[\\s\\-_./]*");
  var head = LATIN_RE.test(toks[0]) ? "(?<![a-z0-9])" : "";
  var tail = LATIN_RE.test(toks[toks.length - 1]) ? "s?(?![a-z0-9])" : "";
  return head + body + tail;
}

/* Postings "(gap << 3 | level)" in base-32 digits (kb.search.build.encode_postings). */
function decode(s) {
  var docs = [], levels = [], doc = -1, v = 0, started = false;
  for (var i = 0; i < s.length; i++) {
    var d = DIGIT[s.charCodeAt(i)];
    if (d < 32 && started) {
      doc += (v >> 3) + 1;
      docs.push(doc);
      levels.push(v & 7);
      v = 0;
    }
    v = (v << 5) | (d & 31);
    started = true;
  }
  if (started) {
    doc += (v >> 3) + 1;
    docs.push(doc);
    levels.push(v & 7);
  }
  return { docs: docs, levels: levels };
}

function prepare(raw) {
  var terms = raw.terms.split("\n");
  var id = new Map();
  for (var i = 0; i < terms.length; i++) id.set(terms[i], i);
  var n = raw.docs.length;
  var df = raw.post.map(function (p) {
    var c = 0;
    for (var j = 0; j < p.length; j++) if (DIGIT[p.charCodeAt(j)] < 32) c++;
    return c;
  });
  // too common words: postings only where they are in a question or alias, idf from their real df
  var common = new Set();
  Object.keys(raw.common || {}).forEach(function (w) {
    var t = id.get(w);
    if (t !== undefined) { common.add(t); df[t] = raw.common[w]; }
  });
  // Han character → its usual toneless pinyin (usual) and every reading it has (py)
  var py = new Map(), usual = new Map();
  (raw.py || "").split("\n").forEach(function (line) {
    var sp = line.indexOf(" ");
    if (sp < 0) return;
    var syl = line.slice(0, sp), bar = line.indexOf("|", sp), i = 0;
    for (var ch of line.slice(sp + 1)) {
      if (ch === "|") continue;
      if (!py.has(ch)) py.set(ch, []);
      py.get(ch).push(syl);
      if (sp + 1 + i < bar || bar < 0) usual.set(ch, syl);
      i += ch.length;
    }
  });
  var forms = [];
  raw.syn.forEach(function (group, gi) {
    var t = id.get("~" + gi);
    group.forEach(function (form) {
      var p = formPattern(form);
      if (p) forms.push({ re: new RegExp(p, "g"), term: t, group: gi, len: tokens(form).join("").length });
    });
  });
  forms.sort(function (a, b) { return b.len - a.len; });
  var exact = new Map();
  var avg = raw.docs.reduce(function (m, d) { return m + d[5]; }, 0) / Math.max(1, n);
  var docs = raw.docs.map(function (d, k) {
    var page = raw.pages[d[0]];
    [d[2]].concat(d[3]).forEach(function (text) {
      var key = tokens(text).join("");
      if (key && !exact.has(key)) exact.set(key, k);
    });
    return { location: page[0] + "#" + d[1], page: page, title: d[2], key: tokens(d[2]).join(""), text: d[4],
             questions: [d[2]].concat(d[3]), plain: [d[2]].concat(d[3]).map(normalize),
             norm: 1 / (1 - LENGTH_NORM + LENGTH_NORM * d[5] / avg) };
  });
  return { terms: terms, id: id, post: raw.post, cache: new Map(), df: df, n: n, forms: forms, syn: raw.syn,
           exact: exact, docs: docs, stopSet: new Set(raw.stop || []), common: common, py: py, usual: usual, byLength: null };
}

function postings(ix, t) {
  var p = ix.cache.get(t);
  if (!p) {
    p = decode(ix.post[t]);
    ix.cache.set(t, p);
  }
  return p;
}

function idf(ix, t) {
  var df = ix.df[t];
  return Math.log(1 + (ix.n - df + 0.5) / (df + 0.5));
}

/* A term that can decide a match: it has postings and is not a too common word. */
function live(ix, t) {
  return t >= 0 && ix.df[t] > 0 && !ix.common.has(t);
}

function known(ix, w) {
  var t = ix.id.get(w);
  return t === undefined ? -1 : t;
}

/* Index words that start with `prefix` and have postings (sorted vocabulary: binary search). */
function withPrefix(ix, prefix) {
  var lo = 0, hi = ix.terms.length;
  while (lo < hi) {
    var mid = (lo + hi) >> 1;
    if (ix.terms[mid] < prefix) lo = mid + 1; else hi = mid;
  }
  var out = [];
  for (var i = lo; i < ix.terms.length && ix.terms[i].indexOf(prefix) === 0; i++) {
    if (live(ix, i) && ix.terms[i] !== prefix && ix.terms[i][0] !== "~") out.push(i);
  }
  out.sort(function (a, b) { return ix.df[b] - ix.df[a]; });
  return out.slice(0, PREFIX_LIMIT);
}

/* The best split of a Han run into index words: longer words score more (length squared); a
 * character that is no index word costs a point and is left out. */
function segment(ix, run) {
  var n = run.length, best = [0], back = [0];
  for (var i = 1; i <= n; i++) {
    best[i] = -Infinity;
    for (var j = Math.max(0, i - MAX_WORD); j < i; j++) {
      var w = run.slice(j, i), len = i - j, v;
      if (ix.id.has(w)) v = len === 1 ? 0.5 : len * len;
      else if (len === 1) v = -1;
      else continue;
      if (best[j] + v > best[i]) {
        best[i] = best[j] + v;
        back[i] = j;
      }
    }
  }
  var words = [];
  for (var k = n; k > 0; k = back[k]) words.unshift(run.slice(back[k], k));
  return words;
}

/* A Han word as shorter index words (the best split that does not use the word itself). */
function splitFiner(ix, w) {
  var best = null;
  for (var i = 1; i < w.length; i++) {
    var head = segment(ix, w.slice(0, i)), tail = segment(ix, w.slice(i));
    var parts = head.concat(tail);
    var score = parts.reduce(function (m, p) { return m + (ix.id.has(p) ? p.length * p.length : -1); }, 0);
    if (!best || score > best.score) best = { parts: parts, score: score };
  }
  return best ? wordsOf(ix, best.parts.join(" ")) : [];
}

/* Index words of a piece of query text that can decide a match (no stopwords, no lone Han character). */
function wordsOf(ix, text) {
  var out = [];
  (text.match(TOKEN_RE) || []).forEach(function (tok) {
    (HAN_RE.test(tok) ? segment(ix, tok) : [tok]).forEach(function (w) {
      var t = known(ix, w);
      if (live(ix, t) && !(HAN_RE.test(w) && w.length === 1)) out.push(t);
    });
  });
  return out;
}

/* Latin index words one edit (insertion, deletion, substitution or swap of neighbours) from `w`,
 * most frequent first. */
function oneEditAway(ix, w) {
  var out = [];
  if (w.length < 4) return out;
  ix.terms.forEach(function (t, i) {
    if (Math.abs(t.length - w.length) > 1 || !live(ix, i) || !LATIN_RE.test(t) || t === w) return;
    if (editOne(w, t)) out.push(i);
  });
  out.sort(function (a, b) { return ix.df[b] - ix.df[a]; });
  return out.slice(0, 3);
}

function editOne(a, b) {
  var i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/* The Han index word that reads like `run` (same length; the usual reading of each character of
 * `run` is a reading of the word's character), or -1: the one sharing most characters with `run`
 * (an input method usually gets some right), then the most frequent. */
function homophone(ix, run) {
  if (!ix.byLength) {
    ix.byLength = new Map();
    ix.terms.forEach(function (t, i) {
      if (t.length >= 2 && t.length <= MAX_HOMOPHONE && HAN_RE.test(t) && live(ix, i)) {
        if (!ix.byLength.has(t.length)) ix.byLength.set(t.length, []);
        ix.byLength.get(t.length).push(i);
      }
    });
  }
  var reads = [];
  for (var k = 0; k < run.length; k++) {
    var r = ix.usual.get(run[k]);
    if (!r) return -1;
    reads.push(r);
  }
  var best = -1, bestShared = -1;
  (ix.byLength.get(run.length) || []).forEach(function (i) {
    var t = ix.terms[i], shared = 0;
    if (t === run) return;
    for (var k = 0; k < t.length; k++) {
      var r = ix.py.get(t[k]);
      if (!r || r.indexOf(reads[k]) < 0) return;
      if (t[k] === run[k]) shared++;
    }
    if (shared > bestShared || (shared === bestShared && ix.df[i] > ix.df[best])) {
      best = i;
      bestShared = shared;
    }
  });
  return best;
}

/* Han segments → words; a run of single characters that reads like an index word becomes that word
 * (the characters were what a wrong homophone left: 幻绝 → 幻觉). */
function readTypos(ix, parts) {
  var out = [];
  for (var i = 0; i < parts.length;) {
    var found = null;
    for (var len = MAX_HOMOPHONE; len >= 2 && !found; len--) {
      if (i + len > parts.length) continue;
      var run = parts.slice(i, i + len);
      if (run.every(function (p) { return p.length === 1; })) {
        var t = homophone(ix, run.join(""));
        if (t >= 0) found = { w: ix.terms[t], typo: run.join(""), n: len };
      }
    }
    if (found) { out.push(found); i += found.n; }
    else { out.push({ w: parts[i] }); i++; }
  }
  return out;
}

/* Questions whose question or an alias contains `w` (Han text): question → field weight. */
function scan(ix, w) {
  var out = new Map();
  ix.docs.forEach(function (doc, d) {
    for (var k = 0; k < doc.plain.length; k++) {
      if (doc.plain[k].indexOf(w) >= 0) { out.set(d, LEVEL_WEIGHT[k ? 3 : 4]); break; }
    }
  });
  return out;
}

function scanIdf(ix, hits) {
  return Math.log(1 + (ix.n - hits.size + 0.5) / (hits.size + 0.5));
}

/* Query → clauses. A clause is a list of alternatives {terms, f}: an alternative matches a question
 * holding all its terms (a phrase's words), scored by its weakest term times f. */
function parse(ix, query) {
  var q = normalize(query);
  var typing = !/\s$/.test(query);
  var clauses = [], marks = [], said = []; // marks: what to highlight in results; said: the query's words
  // synonym forms first (longest first); their text is then taken out of the query. The form's
  // own words are an alternative to the group, for questions that hold them apart.
  ix.forms.forEach(function (f) {
    if (f.term === undefined) return;
    q = q.replace(f.re, function (m) {
      if (!clauses.some(function (c) { return c.alts[0].terms[0] === f.term; })) {
        var alts = [{ terms: [f.term], f: 1, own: true }];
        var literal = wordsOf(ix, m);
        if (literal.length > 1) alts.push({ terms: literal, f: 1 });
        literal.forEach(function (t) { marks.push(ix.terms[t]); });
        clauses.push({ alts: alts, idf: idf(ix, f.term) });
        ix.syn[f.group].forEach(function (form) { marks.push(form); });
        marks.push(m);
        said.push(m.trim());
      }
      return " ";
    });
  });
  if (/\s$/.test(q)) typing = false; // the query ends in a synonym form: nothing is being typed
  var toks = q.match(TOKEN_RE) || [];
  var lastTok = toks.length - 1;
  var words = [];
  toks.forEach(function (tok, ti) {
    var parts = HAN_RE.test(tok) ? readTypos(ix, segment(ix, tok)) : [{ w: tok }];
    parts.forEach(function (x, pi) {
      x.last = typing && ti === lastTok && pi === parts.length - 1 && !x.typo;
      words.push(x);
    });
  });
  var lone = words.length === 1;
  var key = tokens(query).join(""); // the whole query, for questions containing it (typos read)
  words.forEach(function (x) {
    var w = x.w, t = known(ix, w), han = HAN_RE.test(w);
    var alts = [];
    if (x.typo) { // read as another word: it adds to a match but is never required
      key = key.replace(x.typo, w);
      clauses.push({ alts: [{ terms: [t], f: TYPO_FACTOR, own: true }], idf: idf(ix, t) * TYPO_FACTOR, optional: true });
      marks.push(w, x.typo);
      said.push(w);
      return;
    }
    if (t >= 0 && ix.common.has(t)) { // too common: ranks the questions about it, never required
      clauses.push({ alts: [{ terms: [t], f: 1, own: true }], idf: idf(ix, t), optional: true });
      marks.push(w);
      said.push(w);
      return;
    }
    if (t >= 0 && ix.df[t] > 0 && han && w.length === 1 && !lone) {
      // one Han character: it may be a word (秩) or left over from a word the index does not hold
      // (检查点 → 检查, 点), so it adds to a match but is never required
      var one = [{ terms: [t], f: 1, own: true }];
      if (x.last) withPrefix(ix, w).forEach(function (p) { one.push({ terms: [p], f: PREFIX_FACTOR, own: true }); });
      clauses.push({ alts: one, idf: idf(ix, t), optional: true });
      return;
    }
    if (t >= 0 && ix.df[t] > 0 && (!han || w.length > 1 || lone)) {
      alts.push({ terms: [t], f: 1, own: true });
      // a long word also matches as its shorter words (the index may have cut it finer)
      if (han && w.length > 2) {
        var parts = splitFiner(ix, w);
        if (parts.length) alts.push({ terms: parts, f: SPLIT_FACTOR });
      }
    }
    else if (t >= 0 && !x.last && !lone) return; // a stopword, a too common word or one Han character
    if (x.last || t < 0) {
      if (!han || w.length > 1 || x.last || lone) {
        withPrefix(ix, w).forEach(function (p) { alts.push({ terms: [p], f: PREFIX_FACTOR, own: true }); });
      }
    }
    if (!han && t < 0) { // a Latin word the index does not hold: a typo of one it does?
      oneEditAway(ix, w).forEach(function (p) {
        alts.push({ terms: [p], f: TYPO_FACTOR, own: true });
        marks.push(ix.terms[p]);
      });
    }
    if (han && w.length > 1 && alts.length && !ix.stopSet.has(w)) { // inside a longer word of a question
      var hits = scan(ix, w);
      // weighed by the word's own idf (the substring is rarer in questions than the word is overall)
      if (hits.size) alts.push({ terms: [], hits: hits, f: SCAN_FACTOR, idf: t >= 0 ? idf(ix, t) : scanIdf(ix, hits) });
    }
    if (!alts.length) return;
    var top = alts.reduce(function (m, a) { return Math.max(m, (a.hits ? a.idf : idf(ix, a.terms[0])) * a.f); }, 0);
    // a word found only as a prefix of index words adds to a match but is not required
    clauses.push({ alts: alts, idf: top, optional: alts[0].f < 1 });
    marks.push(w);
    said.push(w);
  });
  return { clauses: clauses, marks: marks, said: said, key: key };
}

function markPattern(marks) {
  var pats = [];
  marks.forEach(function (m) {
    var p = formPattern(m);
    if (p) pats.push(p);
  });
  if (!pats.length) return null;
  pats.sort(function (a, b) { return b.length - a.length; });
  return new RegExp("(" + pats.join("|") + ")", "g");
}

/* Share of a question's words (stopwords aside) that the query's words and synonyms cover; the
 * best of the question and its aliases. */
function titleCoverage(ix, doc, re) {
  if (!re) return 0;
  if (!doc.words) {
    doc.words = doc.questions.map(function (q) {
      var text = normalize(q);
      return { text: text, words: questionWords(ix, text) };
    });
  }
  return doc.words.reduce(function (m, q) { return Math.max(m, coverage(q.text, q.words, re)); }, 0);
}

function coverage(text, words, re) {
  var spans = [], m;
  re.lastIndex = 0;
  while ((m = re.exec(text)) !== null) {
    if (!m[0].length) { re.lastIndex++; continue; }
    spans.push([m.index, m.index + m[0].length]);
  }
  var all = 0, covered = 0;
  words.forEach(function (w) {
    all += w.weight;
    if (spans.some(function (s) { return w.start < s[1] && w.end > s[0]; })) covered += w.weight;
  });
  return all ? covered / all : 0;
}

/* A question's words (segmented like a query, stopwords left out), each weighted by its idf; words
 * too common to be indexed weigh little. */
function questionWords(ix, text) {
  var out = [], re = new RegExp(TOKEN_RE.source, "g"), m;
  while ((m = re.exec(text)) !== null) {
    var pos = m.index;
    (HAN_RE.test(m[0]) ? segment(ix, m[0]) : [m[0]]).forEach(function (w) {
      if (!ix.stopSet.has(w)) {
        var t = known(ix, w);
        out.push({ start: pos, end: pos + w.length, weight: live(ix, t) ? idf(ix, t) : COMMON_WEIGHT });
      }
      pos += w.length;
    });
  }
  return out;
}

function highlighter(marks) {
  var re = markPattern(marks);
  if (!re) return escapeHtml;
  return function (text) {
    // match on the normalised text, which has the same length for the characters that matter
    var norm = normalize(text);
    if (norm.length !== text.length) return escapeHtml(text);
    var out = "", pos = 0, m;
    re.lastIndex = 0;
    while ((m = re.exec(norm)) !== null) {
      if (!m[0].length) { re.lastIndex++; continue; }
      out += escapeHtml(text.slice(pos, m.index)) + "<mark data-md-highlight>" +
        escapeHtml(text.slice(m.index, m.index + m[0].length)) + "</mark>";
      pos = m.index + m[0].length;
    }
    return out + escapeHtml(text.slice(pos));
  };
}

/* Questions holding every term: question → weight of the weakest term's field (answer fields are
 * discounted for long answers). */
function matches(ix, terms) {
  var out = null;
  terms.forEach(function (t) {
    var p = postings(ix, t), next = new Map();
    for (var i = 0; i < p.docs.length; i++) {
      var d = p.docs[i], lv = p.levels[i];
      var w = LEVEL_WEIGHT[lv] * (lv < 3 ? ix.docs[d].norm : 1);
      if (out === null) next.set(d, w);
      else if (out.has(d)) next.set(d, Math.min(w, out.get(d)));
    }
    out = next;
  });
  return out || new Map();
}

function search(ix, query) {
  var parsed = parse(ix, query);
  var clauses = parsed.clauses;
  var scores = new Map();
  clauses.forEach(function (c, ci) {
    c.alts.forEach(function (a) {
      // the word's own idf, or the clause's for another way of writing the same word
      var w = (a.hits ? a.idf : a.own ? idf(ix, a.terms[0]) : c.idf) * a.f;
      (a.hits || matches(ix, a.terms)).forEach(function (weight, d) {
        var s = scores.get(d);
        if (!s) scores.set(d, s = new Float64Array(clauses.length));
        var v = w * weight;
        if (v > s[ci]) s[ci] = v;
      });
    });
  });
  var required = clauses.some(function (c) { return !c.optional; });
  var total = clauses.reduce(function (m, c) { return m + (required && c.optional ? 0 : c.idf); }, 0);
  // a short query means all its words; a long one, written as a sentence, has incidental words
  var exponent = clauses.filter(function (c) { return !c.optional; }).length > LONG_QUERY ? 1 : 2;
  var marked = markPattern(parsed.marks);
  var ranked = [];
  var exact = ix.exact.get(parsed.key);
  scores.forEach(function (s, d) {
    var sum = 0, covered = 0;
    for (var i = 0; i < s.length; i++) {
      if (s[i] > 0) {
        sum += s[i];
        if (!(required && clauses[i].optional)) covered += clauses[i].idf;
      }
    }
    var cov = total ? covered / total : 0;
    var score = sum * Math.pow(cov, exponent);
    var doc = ix.docs[d];
    // a question that is about the query and little else: share of its words the query covers
    score *= 1 + titleCoverage(ix, doc, marked);
    if (parsed.key.length >= 2 && doc.key.indexOf(parsed.key) >= 0) score *= 1.5 + parsed.key.length / doc.key.length;
    if (d === exact) score += 1000;
    ranked.push([score, d]);
  });
  if (exact !== undefined && !scores.has(exact)) ranked.push([1000, exact]);
  ranked.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
  var mark = highlighter(parsed.marks);
  var terms = {}; // the page highlights these after a result is opened (Material's "h" parameter)
  parsed.said.forEach(function (m) { terms[m] = true; });
  return ranked.slice(0, MAX_RESULTS).map(function (r) {
    var doc = ix.docs[r[1]];
    return [
      { location: doc.location, title: mark(doc.title), text: mark(doc.text), score: r[0], terms: terms },
      { location: doc.page[0], title: escapeHtml(doc.page[1]), text: "", score: 0, terms: {} }
    ];
  });
}

function ensure() {
  if (state.index) return Promise.resolve(state.index);
  if (!state.loading && state.url) {
    state.loading = fetch(state.url)
      .then(function (r) {
        if (!r.ok) throw new Error("search index: HTTP " + r.status + " for " + state.url);
        return r.json();
      })
      .then(function (raw) { return (state.index = prepare(raw)); });
    state.loading.catch(function (err) {
      state.loading = null;
      console.error(err);
    });
  }
  return state.loading || Promise.reject(new Error("search index: no index configured"));
}

function answer(query) {
  if (query !== state.latest) return; // typed on: only the newest query is answered
  var items = query.trim() ? search(state.index, query) : [];
  self.postMessage({ type: RESULT, data: { items: items } });
}

self.addEventListener("message", function (ev) {
  var msg = ev.data;
  if (msg.type === SETUP) {
    var data = msg.data, kb = (data.config || {}).kb || {};
    if (kb.inline) state.index = prepare(data.docs[0]);
    else if (kb.index) {
      try {
        state.url = new URL("../../" + kb.index, self.location.href).href; // relative to this worker
      } catch (err) {
        console.error("search index: cannot resolve " + kb.index, err);
      }
    }
    self.postMessage({ type: READY });
  } else if (msg.type === QUERY) {
    var query = msg.data;
    state.latest = query;
    if (!query.trim()) {
      self.postMessage({ type: RESULT, data: { items: [] } });
      return;
    }
    ensure().then(function () { answer(query); }, function () {
      if (query === state.latest) self.postMessage({ type: RESULT, data: { items: [] } });
    });
  }
});

// The page asks for the index when the search box is first focused (overrides/main.html).
try {
  new BroadcastChannel("kb-search").onmessage = function () { ensure().catch(function () {}); };
} catch (err) {
  // no BroadcastChannel (the offline iframe shim): the index is inline there
}

if (typeof module !== "undefined") {
  module.exports = { prepare: prepare, search: search, parse: parse, segment: segment, decode: decode,
                     formPattern: formPattern, tokens: tokens };
}
