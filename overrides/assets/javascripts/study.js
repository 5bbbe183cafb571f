/* 自测 (self-test), progress marks, 随机一题 and the 学习进度 page.
 *
 * Everything is stored in this browser (localStorage): no server, no account. It works the same
 * online and from the offline file:// build. The list of all questions (for progress per topic and
 * random picks across pages) is a generated script, kb-questions.js, loaded only where it is needed.
 *
 * Markup contract with the generator: every question is an <h2 id="note-id"> in the article; the
 * elements after it, up to the next h2 or section divider, are its answer; its 要点 box has the
 * class kb-keypoints. Pages opt in with placeholders: [data-kb-progress-topic], [data-kb-random],
 * #kb-study-app.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("../../", script.src); // this file lives in assets/javascripts/
  var DIRECTORY_URLS = script.getAttribute("data-directory-urls") === "true";
  var MODE_KEY = "kb.study.mode";
  var PROGRESS_KEY = "kb.progress.v1";
  var KNOWN = "known";
  var REVIEW = "review";
  var LABELS = { known: "已掌握", review: "待复习" };

  // --- storage ------------------------------------------------------------------------------------
  function read(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }
  function write(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false; // storage disabled (private mode): the page still works, marks are not kept
    }
  }
  function progress() {
    var p = read(PROGRESS_KEY, null);
    return p && typeof p === "object" && p.marks ? p : { version: 1, marks: {} };
  }
  function setMark(id, state) {
    var p = progress();
    if (state) p.marks[id] = { state: state, at: new Date().toISOString() };
    else delete p.marks[id];
    write(PROGRESS_KEY, p);
    document.dispatchEvent(new CustomEvent("kb-progress"));
  }
  function markOf(id) {
    var m = progress().marks[id];
    return m ? m.state : null;
  }

  // --- question data (kb-questions.js), loaded on demand -----------------------------------------
  var dataPromise = null;
  function questions() {
    if (window.kbQuestions) return Promise.resolve(window.kbQuestions);
    if (!dataPromise) {
      dataPromise = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = new URL("assets/javascripts/kb-questions.js", ROOT).href;
        s.onload = function () { resolve(window.kbQuestions); };
        s.onerror = function () { reject(new Error("kb-questions.js not found")); };
        document.head.appendChild(s);
      });
    }
    return dataPromise;
  }
  function pageHref(uri, anchor) {
    var path = uri.replace(/\.md$/, "");
    if (DIRECTORY_URLS) {
      path = path.replace(/(^|\/)index$/, "$1");
      if (path && path.slice(-1) !== "/") path += "/";
    } else {
      path += ".html";
    }
    return new URL(path + (anchor ? "#" + anchor : ""), ROOT).href;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- topic pages: questions, self-test, marks ----------------------------------------------------
  var article = document.querySelector(".md-content article");
  var onTopicPage = !!document.querySelector("[data-kb-topic]");
  // Questions are the h2 headings followed by their 自测 row (generated with the page, so that nothing
  // moves after the first paint); section headings of overview pages have none.
  var heads = article && onTopicPage ? Array.prototype.slice.call(article.querySelectorAll("h2[id]"))
    .filter(function (h2) { var row = h2.nextElementSibling; return row && row.classList.contains("kb-study"); }) : [];

  function answerNodes(h2) {
    var nodes = [];
    for (var n = h2.nextElementSibling; n && n.tagName !== "H2" && !n.classList.contains("kb-section");
      n = n.nextElementSibling) {
      if (!n.classList.contains("kb-study")) nodes.push(n);
    }
    return nodes;
  }

  function studyOn() {
    return read(MODE_KEY, false) === true;
  }

  function applyQuestion(h2, stage) {
    // stage 0: question only; 1: 要点 shown; 2: everything (study mode off = 2).
    var nodes = answerNodes(h2);
    var hasPoints = nodes.some(function (n) { return n.classList.contains("kb-keypoints"); });
    nodes.forEach(function (n) {
      var visible = stage >= 2 || (stage === 1 && n.classList.contains("kb-keypoints")) ||
        n.classList.contains("kb-meta");
      n.hidden = !visible;
    });
    var bar = h2.nextElementSibling;
    var reveal = bar && bar.querySelector(".kb-study__reveal");
    if (reveal) {
      reveal.hidden = !studyOn() || stage >= 2;
      var text = stage === 0 && hasPoints ? "显示要点" : "显示完整答案";
      if (reveal.textContent !== text) reveal.textContent = text;
    }
    h2.setAttribute("data-kb-stage", String(stage));
  }

  function reveal(h2) {
    var stage = Number(h2.getAttribute("data-kb-stage") || "0");
    var hasPoints = answerNodes(h2).some(function (n) { return n.classList.contains("kb-keypoints"); });
    applyQuestion(h2, stage === 0 && hasPoints ? 1 : 2);
  }

  function renderMarks(h2) {
    var state = markOf(h2.id);
    var bar = h2.nextElementSibling;
    if (!bar) return;
    Array.prototype.forEach.call(bar.querySelectorAll("[data-kb-mark]"), function (b) {
      var pressed = String(b.getAttribute("data-kb-mark") === state);
      // Written only when it changes: on load, a page without marks is left untouched (no style work).
      if (b.getAttribute("aria-pressed") !== pressed) b.setAttribute("aria-pressed", pressed);
    });
  }

  function setupQuestion(h2) {
    var bar = h2.nextElementSibling;
    bar.querySelector(".kb-study__reveal").addEventListener("click", function () { reveal(h2); });
    Array.prototype.forEach.call(bar.querySelectorAll("[data-kb-mark]"), function (b) {
      var state = b.getAttribute("data-kb-mark");
      b.addEventListener("click", function () {
        setMark(h2.id, markOf(h2.id) === state ? null : state);
      });
    });
    renderMarks(h2);
  }

  function applyAll() {
    var on = studyOn();
    document.documentElement.classList.toggle("kb-studying", on);
    heads.forEach(function (h2) { applyQuestion(h2, on ? 0 : 2); });
    var sw = document.querySelector(".kb-study-bar__switch");
    if (sw) sw.setAttribute("aria-checked", String(on));
  }

  function pageSummary() {
    var node = document.querySelector(".kb-study-bar__summary");
    if (!node) return;
    var known = heads.filter(function (h) { return markOf(h.id) === KNOWN; }).length;
    var review = heads.filter(function (h) { return markOf(h.id) === REVIEW; }).length;
    var text = "本页已掌握 " + known + " / " + heads.length + (review ? "，待复习 " + review : "");
    if (node.textContent !== text) node.textContent = text;
  }

  function currentIndex() {
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].getBoundingClientRect().top > 4) return Math.max(0, i - (i && heads[i].getBoundingClientRect().top > window.innerHeight / 2 ? 1 : 0));
    }
    return heads.length - 1;
  }

  function go(i) {
    var h2 = heads[Math.max(0, Math.min(heads.length - 1, i))];
    if (!h2) return;
    h2.scrollIntoView({ block: "start" });
    h2.setAttribute("tabindex", "-1");
    h2.focus({ preventScroll: true });
    if (history.replaceState) history.replaceState(null, "", "#" + h2.id);
  }

  function randomButton(container, scope) {
    var wrap = el("span", { className: "kb-random" });
    wrap.appendChild(el("button", { type: "button", className: "md-button kb-random__go" }, "随机一题"));
    var label = el("label", { className: "kb-random__only" });
    label.appendChild(el("input", { type: "checkbox" }));
    label.appendChild(document.createTextNode(" 只抽未掌握"));
    wrap.appendChild(label);
    container.appendChild(wrap);
    wireRandom(wrap, scope);
  }

  function wireRandom(wrap, scope) {
    var btn = wrap.querySelector(".kb-random__go");
    var box = wrap.querySelector("input[type=checkbox]");
    box.checked = read("kb.random.unmastered", false) === true;
    box.addEventListener("change", function () { write("kb.random.unmastered", box.checked); });
    btn.addEventListener("click", function () {
      questions().then(function (data) {
        var pool = [];
        data.topics.forEach(function (t) {
          if (scope && t.id !== scope) return;
          t.questions.forEach(function (q) {
            if (!box.checked || markOf(q[0]) !== KNOWN) pool.push(q);
          });
        });
        if (!pool.length) {
          btn.textContent = "没有未掌握的题了";
          return;
        }
        var q = pool[Math.floor(Math.random() * pool.length)];
        var href = pageHref(q[1], q[0]);
        var here = window.location.href.split("#")[0];
        window.location.href = href;
        if (href.split("#")[0] === here) go(heads.map(function (h) { return h.id; }).indexOf(q[0]));
      }, function () { btn.textContent = "题目列表加载失败"; });
    });
  }

  function topicOfPage() {
    var holder = document.querySelector("[data-kb-topic]");
    return holder ? holder.getAttribute("data-kb-topic") : null;
  }

  function setupTopicPage() {
    heads.forEach(setupQuestion);
    var bar = document.querySelector(".kb-study-bar");
    var sw = bar.querySelector(".kb-study-bar__switch");
    sw.addEventListener("click", function () {
      write(MODE_KEY, !studyOn());
      applyAll();
    });
    wireRandom(bar.querySelector(".kb-random"), topicOfPage());
    if (studyOn()) applyAll();  // the page as generated is study mode off: nothing to change
    pageSummary();
    document.addEventListener("kb-progress", function () {
      heads.forEach(renderMarks);
      pageSummary();
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      var i = currentIndex();
      var key = ev.key;
      if (key === "j") go(i + 1);
      else if (key === "k") go(i - 1);
      else if (key === "r") reveal(heads[i]);
      else if (key === "m" || key === "u") {
        var state = key === "m" ? KNOWN : REVIEW;
        setMark(heads[i].id, markOf(heads[i].id) === state ? null : state);
      } else if (key === "t") sw.click();
      else return;
      ev.preventDefault();
    });
  }

  // --- home page and topic cards: progress per topic ---------------------------------------------
  function fillTopicProgress() {
    var holders = document.querySelectorAll("[data-kb-progress-topic]");
    if (!holders.length) return;
    questions().then(function (data) {
      var render = function () {
        Array.prototype.forEach.call(holders, function (h) {
          var topic = data.topics.filter(function (t) { return t.id === h.getAttribute("data-kb-progress-topic"); })[0];
          if (!topic) return;
          var known = topic.questions.filter(function (q) { return markOf(q[0]) === KNOWN; }).length;
          h.textContent = "已掌握 " + known + " / " + topic.questions.length;
        });
      };
      render();
      document.addEventListener("kb-progress", render);
    });
  }

  // --- 学习进度 page: summary, 待复习 list, export / import / reset ----------------------------------
  function setupStudyApp(app) {
    questions().then(function (data) {
      var byId = {};
      data.topics.forEach(function (t) {
        t.questions.forEach(function (q) { byId[q[0]] = { topic: t, q: q }; });
      });
      // The table (a row per topic, in site order) and the 待复习 heading come with the page: only
      // the counts and the list change here, so nothing on screen jumps when the marks are read.
      var rows = app.querySelectorAll("table tbody tr");
      var title = app.querySelector(".kb-study-app__title");
      var reviewBox = app.querySelector(".kb-study-review");
      var setText = function (node, text) { if (node && node.textContent !== text) node.textContent = text; };
      var render = function () {
        var marks = progress().marks;
        data.topics.forEach(function (t, i) {
          var cells = rows[i] ? rows[i].cells : [];
          [KNOWN, REVIEW].forEach(function (state, k) {
            setText(cells[k + 1], String(t.questions.filter(function (q) {
              return marks[q[0]] && marks[q[0]].state === state;
            }).length));
          });
        });
        var review = Object.keys(marks).filter(function (id) { return marks[id].state === REVIEW && byId[id]; });
        setText(title, "待复习（" + review.length + " 题）");
        var unknown = Object.keys(marks).filter(function (id) { return !byId[id]; }).length;
        if (!review.length && !unknown && reviewBox.querySelector(".kb-review-empty")) return;
        reviewBox.textContent = "";
        if (!review.length) {
          reviewBox.appendChild(el("p", { className: "kb-review-empty" },
            "还没有标记待复习的题。在题目下方点「待复习」，它就会出现在这里。"));
        } else {
          var list = el("ol", { className: "kb-review-list" });
          review.sort(function (a, b) { return marks[a].at < marks[b].at ? 1 : -1; }).forEach(function (id) {
            var item = byId[id];
            var li = el("li");
            li.appendChild(el("a", { href: pageHref(item.q[1], id) }, item.q[2]));
            li.appendChild(el("span", { className: "kb-review-list__topic" }, " · " + item.topic.name));
            list.appendChild(li);
          });
          reviewBox.appendChild(list);
        }
        if (unknown) {
          reviewBox.appendChild(el("p", { className: "kb-study-app__note" },
            unknown + " 个标记对应的题目已不在本站（可能已合并或改名），导出时会一并保留。"));
        }
      };
      render();
      document.addEventListener("kb-progress", render);
      window.addEventListener("storage", render);
    });

    var placed = document.querySelector(".kb-study-tools");  // its room is kept in the page
    var tools = placed || el("div", { className: "kb-study-tools" });
    var exportBtn = el("button", { type: "button", className: "md-button" }, "导出进度");
    exportBtn.addEventListener("click", function () {
      var blob = new Blob([JSON.stringify(progress(), null, 2)], { type: "application/json" });
      var a = el("a", { href: URL.createObjectURL(blob), download: "kb-progress.json" });
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
    var importLabel = el("label", { className: "md-button kb-study-tools__import" }, "导入进度");
    var file = el("input", { type: "file", accept: "application/json,.json", className: "kb-study-tools__file" });
    importLabel.appendChild(file);
    var status = el("p", { className: "kb-study-tools__status", role: "status" });
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) return;
      f.text().then(function (text) {
        var data;
        try {
          data = JSON.parse(text);
        } catch (e) {
          status.textContent = "导入失败：" + f.name + " 不是 JSON 文件。";
          return;
        }
        if (!data || typeof data.marks !== "object") {
          status.textContent = "导入失败：" + f.name + " 里没有进度（缺少 marks 字段），请选择本站导出的 kb-progress.json。";
          return;
        }
        var p = progress();
        var added = 0;
        Object.keys(data.marks).forEach(function (id) {
          var m = data.marks[id];
          if (!m || (m.state !== KNOWN && m.state !== REVIEW)) return;
          if (!p.marks[id] || String(p.marks[id].at) < String(m.at)) {
            p.marks[id] = { state: m.state, at: String(m.at || new Date().toISOString()) };
            added++;
          }
        });
        write(PROGRESS_KEY, p);
        status.textContent = "已导入 " + added + " 个标记（同一题保留较新的标记）。";
        document.dispatchEvent(new CustomEvent("kb-progress"));
      });
      file.value = "";
    });
    var resetBtn = el("button", { type: "button", className: "md-button kb-study-tools__reset" }, "重置进度");
    resetBtn.addEventListener("click", function () {
      if (!window.confirm("清除本浏览器中的全部进度标记？建议先导出备份。")) return;
      write(PROGRESS_KEY, { version: 1, marks: {} });
      status.textContent = "进度已重置。";
      document.dispatchEvent(new CustomEvent("kb-progress"));
    });
    tools.appendChild(exportBtn);
    tools.appendChild(importLabel);
    tools.appendChild(resetBtn);
    if (!placed) app.parentNode.insertBefore(tools, app.nextSibling);
    tools.parentNode.insertBefore(status, tools.nextSibling);
  }

  function init() {
    if (heads.length) setupTopicPage();
    fillTopicProgress();
    Array.prototype.forEach.call(document.querySelectorAll("[data-kb-random]"), function (holder) {
      randomButton(holder, holder.getAttribute("data-kb-random") || null);
    });
    var app = document.getElementById("kb-study-app");
    if (app) setupStudyApp(app);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
