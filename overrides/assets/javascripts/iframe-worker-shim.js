/*
 * A local stand-in for Web Workers when the site is opened from file:// (the offline build).
 *
 * Chrome refuses `new Worker("file://...")`, so Material's search worker never starts. This shim
 * runs the worker script inside a hidden about:blank iframe (same origin as the page, so it can be
 * scripted) and emulates the message channel: the page's postMessage() dispatches a "message"
 * event in the iframe, the worker's global postMessage() dispatches one on the Worker object.
 * importScripts() returns a Promise (Material's worker awaits it). `window.IFrameWorker` is the
 * name Material's worker checks to find its lunr files, and the offline plugin skips adding its
 * CDN polyfill because this file's URL contains "iframe-worker". Over http(s) it does nothing.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof window === "undefined") return;

  function loadScript(doc, src) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = src;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("cannot load " + src)); };
      doc.head.appendChild(script);
    });
  }

  function IFrameWorker(url) {
    var target = document.createElement("div"); // event target for messages to the page
    var frame = document.createElement("iframe");
    var queue = [];
    var ready = false;
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.style.display = "none";
    (document.body || document.documentElement).appendChild(frame);

    var win = frame.contentWindow;
    var doc = frame.contentDocument;
    win.postMessage = function (data) {
      setTimeout(function () { target.dispatchEvent(new MessageEvent("message", { data: data })); }, 0);
    };
    win.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (p, src) {
        return p.then(function () { return loadScript(doc, new URL(src, location.href).href); });
      }, Promise.resolve());
    };

    function deliver(data) {
      win.dispatchEvent(new win.MessageEvent("message", { data: data }));
    }

    loadScript(doc, new URL(url, location.href).href).then(function () {
      ready = true;
      queue.splice(0).forEach(deliver);
    }, function (err) {
      target.dispatchEvent(new ErrorEvent("error", { message: String(err) }));
    });

    this.postMessage = function (data) {
      if (ready) setTimeout(function () { deliver(data); }, 0);
      else queue.push(data);
    };
    this.terminate = function () { frame.remove(); };
    this.addEventListener = target.addEventListener.bind(target);
    this.removeEventListener = target.removeEventListener.bind(target);
    this.dispatchEvent = target.dispatchEvent.bind(target);
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
