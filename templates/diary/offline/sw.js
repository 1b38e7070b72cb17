/* The diary's service worker: the app shell, the journals a teacher opened last and the weeks a family looked at
 * last, kept on this device for a weak or missing connection. Only GET pages and our own static files pass through
 * it; every write goes to the network (marks entered offline wait in the page's IndexedDB, see offline.js). The
 * caches are named after a version of this script, so that a deploy replaces them. Logging out clears them
 * (the logout answer's Clear-Site-Data). No framework, no CDN.
 */
"use strict";

var CONFIG = {{ config|safe }};
var SHELL = "mektep-shell-" + CONFIG.version;
var PAGES = "mektep-pages-" + CONFIG.version;
var SHELL_PATHS = new Set(CONFIG.shell);
// How long a page waits for a slow network before the kept copy is shown instead.
var NETWORK_WAIT_MS = 4000;
var LANGUAGES = "(" + CONFIG.languages.join("|") + ")";
// The pages kept, by kind, with how many of each (the oldest opened goes first).
var KINDS = [
  { name: "journal", pattern: new RegExp("^/" + LANGUAGES + "/diary/journals/\\d+/$"), limit: 12 },
  { name: "week", pattern: new RegExp("^/" + LANGUAGES + "/diary/students/\\d+/week/$"), limit: 12 },
  { name: "list", pattern: new RegExp("^/" + LANGUAGES + "/diary/(journals/|today/|children/)?$"), limit: 6 },
];
var DIARY = new RegExp("^/" + LANGUAGES + "/diary/");
var LOGIN = new RegExp("^/" + LANGUAGES + "/diary/login/$");

function kindOf(pathname) {
  for (var i = 0; i < KINDS.length; i += 1) {
    if (KINDS[i].pattern.test(pathname)) return KINDS[i];
  }
  return null;
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(CONFIG.shell); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) {
        if (name.indexOf("mektep-") === 0 && name !== SHELL && name !== PAGES) return caches.delete(name);
        return null;
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keep(kind, url, response) {
  // Put last: the cache's keys are in the order they were put, so the first of a kind is the oldest opened.
  return caches.open(PAGES).then(function (cache) {
    return cache.delete(url, { ignoreVary: true }).then(function () {
      return cache.put(url, response);
    }).then(function () {
      return cache.keys();
    }).then(function (keys) {
      var same = keys.filter(function (key) { return kindOf(new URL(key.url).pathname) === kind; });
      return Promise.all(same.slice(0, Math.max(0, same.length - kind.limit)).map(function (key) {
        return cache.delete(key);
      }));
    });
  });
}

function kept(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(url, { ignoreVary: true }).then(function (hit) {
      // Another period or week of the same page is better than nothing.
      return hit || cache.match(url, { ignoreVary: true, ignoreSearch: true });
    });
  });
}

function offlinePage(pathname) {
  var language = (pathname.split("/")[1] || CONFIG.languages[0]);
  var texts = CONFIG.offline[language] || CONFIG.offline[CONFIG.languages[0]];
  var escape = function (text) {
    return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  };
  var body = '<!doctype html><html lang="' + escape(language) + '"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>' + escape(texts.title) +
    "</title></head><body><main><h1>" + escape(texts.title) + "</h1><p>" + escape(texts.text) +
    "</p></main></body></html>";
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function page(event, url) {
  var kind = kindOf(url.pathname);
  var network = fetch(event.request).then(function (response) {
    if (response.redirected && LOGIN.test(new URL(response.url).pathname)) {
      // Logged out (the session ended): the pages kept for that person go.
      event.waitUntil(caches.delete(PAGES));
    }
    if (response.headers.get("Mektep-Keep") === "nothing") {
      // A student's or a shared computer's session: nothing of it stays on this device.
      event.waitUntil(caches.delete(PAGES));
      return response;
    }
    // A redirect (to the login page) or an error is never kept: only the page itself, as this person saw it.
    if (kind && response.ok && !response.redirected && response.type === "basic") {
      event.waitUntil(keep(kind, url.href, response.clone()));
    }
    return response;
  });
  var fallback = function () {
    return kept(url.href).then(function (hit) { return hit || offlinePage(url.pathname); });
  };
  if (!kind) return network.catch(fallback);
  // A page that is kept: the network's answer if it comes in time, else the kept copy (the network's answer
  // still refreshes it when it arrives).
  return new Promise(function (resolve) {
    var settled = false;
    var timer = setTimeout(function () {
      kept(url.href).then(function (hit) {
        if (hit && !settled) { settled = true; resolve(hit); }
      });
    }, NETWORK_WAIT_MS);
    network.then(function (response) {
      clearTimeout(timer);
      if (!settled) { settled = true; resolve(response); }
    }, function () {
      clearTimeout(timer);
      if (!settled) { settled = true; resolve(fallback()); }
    });
  });
}

function fetchAndKeep(kind, url) {
  // Through the browser's HTTP cache, which asks the server first (the page's ETag): unchanged, a 304.
  return fetch(url, { credentials: "same-origin", cache: "no-cache" }).then(function (response) {
    if (response.headers.get("Mektep-Keep") === "nothing") return caches.delete(PAGES);
    if (response.ok && !response.redirected) return keep(kind, url, response);
    return null;
  }).catch(function () { return null; });
}

// After a save, the kept copies of that journal are out of date: they go at once, so that a slow network never
// shows one (page() falls back to a kept copy after NETWORK_WAIT_MS), and the page saved is kept again once the
// saves have stopped for SAVED_WAIT_MS (one fetch for a run of saves).
var SAVED_WAIT_MS = 5000;
var savedAt = new Map();

function forget(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return new URL(key.url).pathname === url.pathname; })
        .map(function (key) { return cache.delete(key); }));
    });
  });
}

function keepAfterSaves(kind, url) {
  var at = Date.now();
  savedAt.set(url.href, at);
  return forget(url).then(function () {
    return new Promise(function (resolve) { setTimeout(resolve, SAVED_WAIT_MS); });
  }).then(function () {
    if (savedAt.get(url.href) !== at) return null; // a later save waits for itself
    savedAt.delete(url.href);
    return fetchAndKeep(kind, url.href);
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var address = typeof data.keep === "string" ? data.keep : data.saved;
  if (typeof address !== "string") return;
  var url = new URL(address, self.location.href);
  var kind = kindOf(url.pathname);
  if (url.origin !== self.location.origin || !kind) return;
  // A page opened before this worker was in charge is fetched once more to be kept (offline.js asks).
  if (typeof data.keep === "string") event.waitUntil(fetchAndKeep(kind, url.href));
  else event.waitUntil(keepAfterSaves(kind, url));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate" && DIARY.test(url.pathname)) event.respondWith(page(event, url));
});
