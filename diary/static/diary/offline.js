/* The diary on a weak connection: registers the service worker (which keeps the app shell and the pages opened
 * last on this device), and keeps the journal's unsent edits in IndexedDB so that nothing is lost when the phone
 * is locked, the tab closed or the page reloaded without a connection.
 *
 * grid.js stays the only writer: it sends the edits through the diary API's bulk save as it always does, with each
 * cell's version. This file only remembers every edit with the version it was made on, puts the edits back into
 * the grid when the journal is opened again, asks grid.js to send them when the connection returns, and, when the
 * server refuses a cell because someone changed it meanwhile, shows both values for the teacher to choose. A
 * change whose answer was lost (sent, saved, then the connection dropped) comes back as such a refusal with the
 * teacher's own value: it is recognised as saved, so it is never saved or audited twice.
 */
(function () {
  "use strict";

  var node = document.getElementById("offline-config");
  if (!node) return;

  // A diary page the Back button brings back from the browser's memory asks the server again: after logging out,
  // or when the session ended, it is the login page, not the person's marks.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
  var config = JSON.parse(node.textContent);
  var messages = config.messages || {};

  function fmt(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_m, name) {
      return values && values[name] !== undefined ? values[name] : "";
    });
  }

  if (!config.keep) {
    // A shared computer's or a student's session: nothing of it stays on the device, and the grid keeps its edits
    // in the page only, as without this file.
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.getRegistrations().then(function (registrations) {
        registrations.forEach(function (registration) { registration.unregister(); });
      }).catch(function () { return null; });
    }
    if (window.caches) {
      caches.keys().then(function (names) {
        names.forEach(function (name) { if (name.indexOf("mektep-pages-") === 0) caches.delete(name); });
      }).catch(function () { return null; });
    }
    return;
  }

  /* The service worker, for the diary pages of this language. */
  if ("serviceWorker" in navigator && window.isSecureContext && config.worker) {
    navigator.serviceWorker.register(config.worker, { scope: config.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // The first visit was not answered through the worker: it fetches this page once more to keep it.
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ keep: window.location.href });
      }
    }).catch(function () { /* no worker: the diary works online as before */ });
  }

  /* The queue: one entry per cell, {id, journal, lesson, student, value, commentEdited, base, conflict}. `base` is
   * the cell as the teacher saw it (its version is what the save is checked against), `conflict` the other
   * person's value while the teacher has not chosen. */
  var STORE = "changes";
  var opening = null;
  var writing = Promise.resolve();

  function database() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("IndexedDB")); return; }
        var request = window.indexedDB.open("mektep-offline", 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "id" }).createIndex("journal", "journal");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }

  function run(mode, work) {
    return database().then(function (handle) {
      return new Promise(function (resolve, reject) {
        // "strict": written to disk before it counts as done, so a phone switched off keeps it.
        var transaction = handle.transaction(STORE, mode, { durability: "strict" });
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function write(work) {
    // Writes in the order they were made; a failed one does not stop the next.
    writing = writing.then(function () { return run("readwrite", work); }).catch(function () { return null; });
    return writing;
  }

  var queue = {
    put: function (entry) { return write(function (store) { store.put(entry); }); },
    remove: function (id) { return write(function (store) { store.delete(id); }); },
    journal: function (journal) {
      return writing.then(function () {
        return run("readonly", function (store) { return store.index("journal").getAll(journal); });
      });
    },
    count: function () {
      return writing.then(function () { return run("readonly", function (store) { return store.count(); }); });
    },
  };

  /* Logging out clears this device's copies (the answer's Clear-Site-Data): unsent edits would go with them, so
   * the teacher is asked first. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.logout") || form.getAttribute("data-confirmed")) return;
    event.preventDefault();
    queue.count().catch(function () { return 0; }).then(function (count) {
      if (!count || window.confirm(fmt(messages.logout, { n: count }))) {
        form.setAttribute("data-confirmed", "1");
        form.submit();
      }
    });
  }, true);

  function sameState(a, b, withComment) {
    var left = a.grades || [];
    var right = b.grades || [];
    return left.length === right.length && left.every(function (value, index) { return value === right[index]; })
      && (a.attendance || "present") === (b.attendance || "present")
      && (!withComment || (a.comment || "") === (b.comment || ""));
  }

  /* The journal grid calls attach() with what it shares; the answer is what it calls back. */
  function attach(grid) {
    var journal = grid.journal;
    var panel = null;
    var list = null;
    var waiting = new Map(); // td -> its choice's list item
    var retry = null;
    var RETRY_MS = 30000;

    function key(td) { return td.getAttribute("data-lesson") + ":" + td.getAttribute("data-student"); }
    function id(td) { return journal + ":" + key(td); }

    function seen(td) {
      var state = grid.serverState(td);
      state.version = td.getAttribute("data-version") ? Number(td.getAttribute("data-version")) : null;
      state.late = td.classList.contains("late-entry");
      return state;
    }

    function cellOf(td, state) {
      return {
        lesson: Number(td.getAttribute("data-lesson")), student: Number(td.getAttribute("data-student")),
        version: state.version, grades: state.grades || [], attendance: state.attendance || "present",
        comment: state.comment || "", late: !!state.late,
      };
    }

    function entryFor(td, value, conflict) {
      var base = seen(td);
      return {
        id: id(td), journal: journal, lesson: Number(td.getAttribute("data-lesson")),
        student: Number(td.getAttribute("data-student")), value: value,
        commentEdited: value.comment !== base.comment, base: base, conflict: conflict || null, at: Date.now(),
      };
    }

    function record(td) {
      // The cell as it is now: an edit not yet saved is kept, a saved or undone one forgotten.
      if (waiting.has(td)) settled(td); // typing into a cell in conflict is choosing that value
      var value = grid.changes.get(td);
      if (value) queue.put(entryFor(td, value));
      else queue.remove(id(td));
    }

    function describeValue(state) {
      return grid.cellText(state.grades || [], state.attendance) || messages.empty;
    }

    function ensurePanel() {
      if (panel) return;
      panel = document.createElement("section");
      panel.id = "grid-choices";
      panel.className = "conflict grid-choices";
      panel.setAttribute("role", "alert");
      var intro = document.createElement("p");
      intro.className = "intro";
      list = document.createElement("ul");
      panel.appendChild(intro);
      panel.appendChild(list);
      var anchor = document.getElementById("grid-conflict") || document.getElementById("grid-status");
      anchor.parentNode.insertBefore(panel, anchor.nextSibling);
    }

    function settled(td) {
      var item = waiting.get(td);
      if (item) item.remove();
      waiting.delete(td);
      td.classList.remove("conflict");
      if (!waiting.size && panel) {
        panel.hidden = true;
        grid.unblock();
      }
    }

    function choose(td, theirs, mine, commentEdited) {
      // Both values side by side; nothing is written until the teacher picks one.
      ensurePanel();
      if (waiting.has(td)) waiting.get(td).remove();
      panel.hidden = false;
      // Beside the grid's own notice of who changed what, or alone when the journal was opened again.
      var notice = document.getElementById("grid-conflict");
      panel.querySelector(".intro").textContent = notice && !notice.hidden ? messages.choose : messages.conflict;
      td.classList.add("conflict");
      td.textContent = grid.cellText(mine.grades || [], mine.attendance);
      var item = document.createElement("li");
      item.setAttribute("data-lesson", td.getAttribute("data-lesson"));
      item.setAttribute("data-student", td.getAttribute("data-student"));
      var name = document.createElement("b");
      name.textContent = grid.describeCell(td);
      var values = document.createElement("span");
      values.className = "values";
      var theirsText = document.createElement("span");
      theirsText.className = "theirs";
      theirsText.textContent = fmt(messages.theirs, { value: describeValue(theirs) });
      var mineText = document.createElement("span");
      mineText.className = "mine";
      mineText.textContent = fmt(messages.mine, { value: describeValue(mine) });
      values.appendChild(theirsText);
      values.appendChild(document.createTextNode(" · "));
      values.appendChild(mineText);
      var keepTheirs = document.createElement("button");
      keepTheirs.type = "button";
      keepTheirs.className = "keep-theirs";
      keepTheirs.textContent = messages.keepTheirs;
      var keepMine = document.createElement("button");
      keepMine.type = "button";
      keepMine.className = "keep-mine";
      keepMine.textContent = messages.keepMine;
      keepTheirs.addEventListener("click", function () {
        settled(td);
        td.textContent = grid.cellText(theirs.grades || [], theirs.attendance);
        td.classList.remove("changed");
        queue.remove(id(td));
        grid.focusCell(td);
      });
      keepMine.addEventListener("click", function () {
        settled(td);
        // The cell now carries their version: the teacher's value is saved over it, knowingly.
        grid.setCell(td, mine.grades || [], mine.attendance, commentEdited ? mine.comment : undefined);
        grid.focusCell(td);
        grid.save();
      });
      // Several cells may wait at once: each button says which cell it settles.
      keepTheirs.setAttribute("aria-label", messages.keepTheirs + ": " + name.textContent);
      keepMine.setAttribute("aria-label", messages.keepMine + ": " + name.textContent);
      item.appendChild(name);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(values);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(keepTheirs);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(keepMine);
      list.appendChild(item);
      waiting.set(td, item);
      queue.put(entryFor(td, mine, cellOf(td, seen(td))));
    }

    function conflict(sent, data) {
      // The save refused the whole batch because of these cells; every other edit is sent again at once.
      var theirs = new Map();
      ((data && data.error && data.error.cells) || []).forEach(function (cell) {
        theirs.set(cell.lesson + ":" + cell.student, cell);
      });
      var stale = sent.filter(function (item) { return theirs.has(key(item.td)); });
      if (!stale.length) return false;
      var shown = [];
      stale.forEach(function (item) {
        var td = item.td;
        var cell = theirs.get(key(td));
        var mine = grid.changes.get(td) || item.value;
        var commentEdited = mine.comment !== grid.serverState(td).comment;
        grid.changes.delete(td);
        grid.applyCell(cell);
        grid.refreshRow(td.parentNode);
        td.classList.remove("changed");
        if (sameState(cell, mine, commentEdited)) {
          // Already saved, by an earlier send whose answer never arrived (or by someone who entered the same).
          td.textContent = grid.cellText(cell.grades || [], cell.attendance);
          td.classList.remove("conflict");
          queue.remove(id(td));
          return;
        }
        shown.push({ td: td, cell: cell, mine: mine, commentEdited: commentEdited });
      });
      grid.updatePending();
      if (shown.length) {
        var cells = shown.map(function (item) { return item.cell; });
        grid.showConflict(shown, { error: { message: messages.conflict, cells: cells } });
        shown.forEach(function (item) { choose(item.td, item.cell, item.mine, item.commentEdited); });
      } else {
        grid.say(messages.resent);
      }
      if (grid.changes.size) grid.save();
      return true;
    }

    function restore(entries) {
      var restored = 0;
      entries.forEach(function (entry) {
        var td = grid.byKey.get(entry.lesson + ":" + entry.student);
        if (!td || !td.classList.contains("w")) return; // another period's page, or no longer open: kept
        var page = seen(td);
        var pageVersion = page.version || 0;
        if (entry.conflict) {
          if (pageVersion < (entry.conflict.version || 0)) {
            grid.applyCell(entry.conflict);
            grid.refreshRow(td.parentNode);
          }
          choose(td, pageVersion > (entry.conflict.version || 0) ? page : entry.conflict, entry.value, entry.commentEdited);
          return;
        }
        var baseVersion = entry.base.version || 0;
        if (pageVersion < baseVersion) {
          // A kept copy of the page older than what the teacher saw when editing: what the teacher saw counts.
          grid.applyCell(cellOf(td, entry.base));
          grid.refreshRow(td.parentNode);
        } else if (pageVersion > baseVersion) {
          if (sameState(page, entry.value, entry.commentEdited)) { queue.remove(entry.id); return; }
          choose(td, page, entry.value, entry.commentEdited);
          return;
        }
        grid.setCell(td, entry.value.grades, entry.value.attendance, entry.commentEdited ? entry.value.comment : undefined);
        restored += 1;
      });
      if (waiting.size) grid.block();
      if (restored) grid.say(fmt(navigator.onLine ? messages.restored : messages.queued, { n: grid.changes.size }));
      if (navigator.onLine && grid.changes.size) grid.save();
    }

    queue.journal(journal).then(restore, function () { /* no IndexedDB here: the grid works as before */ });

    window.addEventListener("online", function () {
      if (grid.changes.size) grid.save();
    });
    window.addEventListener("offline", function () {
      if (grid.changes.size) grid.say(fmt(messages.queued, { n: grid.changes.size }));
    });

    return {
      record: record,
      conflict: conflict,
      saved: function () {
        // The copy of this page kept on the device is now out of date: the service worker drops it and keeps the
        // page again once the saves stop, so a reload on a slow connection never shows the marks as they were.
        // (The active worker, not only this page's controller: a first visit is kept before it is controlled.)
        if (!("serviceWorker" in navigator)) return;
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.active) registration.active.postMessage({ saved: window.location.href });
        }).catch(function () { return null; });
      },
      networkText: function () {
        // The connection may come back without the browser noticing: another try in a while.
        clearTimeout(retry);
        retry = setTimeout(function () { if (grid.changes.size && navigator.onLine) grid.save(); }, RETRY_MS);
        return fmt(messages.queued, { n: grid.changes.size });
      },
      discard: function () {
        return queue.journal(journal).then(function (entries) {
          return Promise.all(entries.map(function (entry) { return queue.remove(entry.id); }));
        }).catch(function () { return null; });
      },
    };
  }

  window.MektepOffline = { attach: attach };
})();
