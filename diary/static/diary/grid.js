/* The journal grid as a keyboard editor (D2, D5–D8), and on a touch screen a picker of grades and letters.
 *
 * The page is a server-rendered table; this file only adds editing. One listener per event type on the table
 * (event delegation), cells found through a matrix built once, and no layout reads while writing, so that a
 * 35 × 60 grid stays fluid on a slow phone. Edits are kept in memory and sent in ONE bulk request to the
 * diary API (button, Ctrl+S, or a few seconds after the last edit); the server's versions come back and a
 * stale version is shown as a conflict, never silently overwritten. No framework, no build, no inline code.
 */
(function () {
  "use strict";

  var root = document.getElementById("journal");
  var table = document.getElementById("grid");
  if (!root || !table || !table.tBodies.length) return;

  var config = JSON.parse(root.getAttribute("data-config"));
  var messages = config.messages || {};
  var csrf = root.getAttribute("data-csrf");
  var statusLine = document.getElementById("grid-status");
  var saveButton = document.getElementById("grid-save");
  var pendingLabel = document.getElementById("grid-pending");
  var conflictBox = document.getElementById("grid-conflict");
  var conflictList = document.getElementById("grid-conflict-list");
  var AUTOSAVE_MS = 3000;

  var matrix = [];            // matrix[row][column] = td.c
  var byKey = new Map();      // "lesson:student" -> td
  var changes = new Map();    // td -> {grades: [int], attendance: str, comment: str}
  var appendTo = null;        // the cell waiting for a second grade after "/"
  var lastTyped = null;       // the cell a grade was just typed into
  var inFlight = false;
  var saveAgain = false;
  var blocked = false;        // a conflict is shown: no autosave until the teacher reloads
  var autosaveTimer = null;
  var focused = null;
  var lastPointer = "mouse";  // the kind of pointer that last pressed on the grid
  var picking = null;         // the cell the touch picker is open for
  var lastPicked = null;      // the cell a grade was just chosen for in the picker
  var offline = null;         // offline.js: edits kept on this device until they are saved

  Array.prototype.forEach.call(table.tBodies[0].rows, function (tr, r) {
    var line = [];
    Array.prototype.forEach.call(tr.cells, function (td) {
      if (!td.classList.contains("c")) return;
      td._r = r;
      td._c = line.length;
      line.push(td);
      byKey.set(td.getAttribute("data-lesson") + ":" + td.getAttribute("data-student"), td);
    });
    matrix.push(line);
  });
  if (!matrix.length || !matrix[0].length) return;

  function fmt(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_m, name) {
      return values && values[name] !== undefined ? values[name] : "";
    });
  }

  function say(text, tone) {
    statusLine.textContent = text;
    statusLine.className = "grid-status" + (tone ? " " + tone : "");
  }

  function parseGrades(text) {
    return text ? text.split(",").map(Number) : [];
  }

  function serverState(td) {
    return {
      grades: parseGrades(td.getAttribute("data-grades")),
      attendance: td.getAttribute("data-att") || "present",
      comment: td.getAttribute("data-comment") || "",
    };
  }

  function current(td) {
    return changes.get(td) || serverState(td);
  }

  function cellText(grades, attendance) {
    var letter = attendance && attendance !== "present" ? config.labels[attendance] || "" : "";
    var text = grades.join("/");
    return text && letter ? text + " " + letter : text || letter;
  }

  function sameGrades(a, b) {
    return a.length === b.length && a.every(function (value, index) { return value === b[index]; });
  }

  function writable(td) {
    return td.classList.contains("w");
  }

  function whyClosed(td) {
    // D5: a lesson after today takes no entries; otherwise the cell is not this teacher's to fill.
    if (!td.classList.contains("future")) return messages.readonly;
    var head = table.tHead.querySelector('th[data-lesson="' + td.getAttribute("data-lesson") + '"]');
    return fmt(messages.future, { date: head ? head.getAttribute("data-date") : "" });
  }

  function updatePending() {
    var count = changes.size;
    if (saveButton) saveButton.disabled = count === 0;
    if (pendingLabel) {
      pendingLabel.setAttribute("data-count", String(count));
      pendingLabel.textContent = count ? fmt(messages.pending, { n: count }) : "";
    }
  }

  function scheduleAutosave() {
    clearTimeout(autosaveTimer);
    if (!blocked) autosaveTimer = setTimeout(save, AUTOSAVE_MS);
  }

  function setCell(td, grades, attendance, comment) {
    var server = serverState(td);
    if (comment === undefined) comment = current(td).comment;
    td.classList.remove("invalid");
    td.removeAttribute("title");
    if (sameGrades(grades, server.grades) && attendance === server.attendance && comment === server.comment) {
      changes.delete(td);
      td.classList.remove("changed");
    } else {
      changes.set(td, { grades: grades, attendance: attendance, comment: comment });
      td.classList.add("changed");
    }
    td.classList.toggle("has-comment", !!comment);
    td.textContent = cellText(grades, attendance);
    updatePending();
    scheduleAutosave();
    if (offline) offline.record(td);
  }

  function focusCell(td) {
    if (!td) return;
    if (focused && focused !== td) focused.setAttribute("tabindex", "-1");
    td.setAttribute("tabindex", "0");
    focused = td;
    td.focus();
  }

  function cellAt(r, c) {
    return matrix[r] ? matrix[r][c] : undefined;
  }

  function move(td, dr, dc) {
    var r = td._r + dr;
    var c = td._c + dc;
    if (c >= matrix[0].length) { c = 0; r += 1; }
    if (c < 0) { c = matrix[0].length - 1; r -= 1; }
    return cellAt(r, c);
  }

  function next(td) {
    // After typing, down the lesson's column; from the last student to the top of the next lesson.
    if (td._r + 1 < matrix.length) return cellAt(td._r + 1, td._c);
    return cellAt(0, td._c + 1) || td;
  }

  // The first cell a keyboard user reaches: the first one open for entry.
  var start = table.querySelector("td.c.w") || matrix[0][0];
  start.setAttribute("tabindex", "0");
  focused = start;

  function typeKey(td, event) {
    var key = event.key;
    var scale = config.scale;
    if (/^[0-9]$/.test(key)) {
      var grade = Number(key);
      if (!scale.length || grade < scale[0] || grade > scale[1]) {
        say(scale.length ? fmt(messages.scale, { low: scale[0], high: scale[1] }) : messages.noMarks, "bad");
        return true;
      }
      var state = current(td);
      var grades = appendTo === td && state.grades.length === 1 ? [state.grades[0], grade] : [grade];
      appendTo = null;
      setCell(td, grades, state.attendance);
      lastTyped = td;
      focusCell(next(td));
      return true;
    }
    if (key === "/" || key === ",") {
      // A second grade: for the cell just typed into (typing has already moved on), else for this one.
      var target = lastTyped && lastTyped !== td && current(lastTyped).grades.length === 1 ? lastTyped : td;
      if (current(target).grades.length === 1) {
        appendTo = target;
        if (target !== td) focusCell(target);
        say(messages.second);
      }
      lastTyped = null;
      return true;
    }
    lastTyped = null;
    if (key === "+" || key === "=") {
      setCell(td, current(td).grades, "present");
      focusCell(next(td));
      return true;
    }
    var code = config.letters[key.toLowerCase()];
    if (code) {
      setCell(td, current(td).grades, code);
      focusCell(next(td));
      return true;
    }
    if (key === "Backspace" || key === "Delete") {
      setCell(td, [], "present");
      return true;
    }
    if (key === "Escape" && changes.has(td)) {
      var server = serverState(td);
      setCell(td, server.grades, server.attendance, server.comment);
      return true;
    }
    return false;
  }

  table.addEventListener("keydown", function (event) {
    var td = event.target.closest ? event.target.closest("td.c") : null;
    if (!td || event.altKey || event.metaKey || (event.ctrlKey && event.key !== "Enter")) return;
    if (picking) closePicker(false);
    var target = null;
    switch (event.key) {
      case "ArrowUp": target = cellAt(td._r - 1, td._c); break;
      case "ArrowDown": target = cellAt(td._r + 1, td._c); break;
      case "ArrowLeft": target = cellAt(td._r, td._c - 1); break;
      case "ArrowRight": target = cellAt(td._r, td._c + 1); break;
      case "Enter": target = cellAt(td._r + (event.shiftKey ? -1 : 1), td._c); break;
      case "Tab":
        target = move(td, 0, event.shiftKey ? -1 : 1);
        if (!target) return; // leave the grid at either end
        break;
      case "F2":
        event.preventDefault();
        openLessonEditor(td.getAttribute("data-lesson"), td);
        return;
      default:
        if (writable(td)) {
          if (typeKey(td, event)) event.preventDefault();
        } else if (event.key.length === 1 || event.key === "Backspace" || event.key === "Delete") {
          say(whyClosed(td), "bad");
          event.preventDefault();
        }
        return;
    }
    event.preventDefault();
    lastTyped = null;
    appendTo = null;
    if (target) focusCell(target);
  });

  table.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".lesson-edit") : null;
    if (button) {
      openLessonEditor(button.getAttribute("data-lesson"), button);
      return;
    }
    var td = event.target.closest ? event.target.closest("td.c") : null;
    if (!td) return;
    // A finger, a pen or an assistive technology's activation opens the picker; a mouse click only focuses
    // the cell, for the keyboard (a double click opens the picker too).
    var pointer = typeof event.pointerType === "string" ? event.pointerType : lastPointer;
    if (pointer !== "mouse") {
      openPicker(td);
    } else {
      if (picking) closePicker(false);
      focusCell(td);
    }
  });

  table.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
  });

  table.addEventListener("dblclick", function (event) {
    var td = event.target.closest ? event.target.closest("td.c") : null;
    if (td) openPicker(td);
  });

  table.addEventListener("focusin", function (event) {
    var td = event.target.closest ? event.target.closest("td.c") : null;
    if (td && td !== focused) {
      if (focused) focused.setAttribute("tabindex", "-1");
      td.setAttribute("tabindex", "0");
      focused = td;
    }
  });

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      save();
    }
  });

  if (saveButton) saveButton.addEventListener("click", function () { save(); });

  window.addEventListener("beforeunload", function (event) {
    commitComment();  // a comment still being typed in the picker counts as an unsaved edit
    if (changes.size || inFlight) {
      event.preventDefault();
      event.returnValue = messages.unsaved || "";
      return messages.unsaved;
    }
  });

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Accept-Language": config.language,
        "X-CSRFToken": csrf,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function errorText(data) {
    var error = (data && data.error) || {};
    return error.message || messages.failed;
  }

  function applyCell(cell) {
    var td = byKey.get(cell.lesson + ":" + cell.student);
    if (!td) return null;
    td.setAttribute("data-version", String(cell.version));
    td.setAttribute("data-grades", (cell.grades || []).join(","));
    td.setAttribute("data-att", cell.attendance || "present");
    if (cell.comment) td.setAttribute("data-comment", cell.comment);
    else td.removeAttribute("data-comment");
    td.classList.toggle("late-entry", !!cell.late);
    return td;
  }

  /* The row's average and suggested final after a save, from the saved cells, as journal_grid computes them:
   * Σ grades / count to two decimals (half to even, like Decimal.quantize), and the mean rounded up from the
   * school's threshold (DOMAIN.md). Integer arithmetic only, so that no binary fraction rounds differently. */
  function refreshRow(tr) {
    var sum = 0;
    var count = 0;
    Array.prototype.forEach.call(tr.querySelectorAll("td.c"), function (td) {
      parseGrades(td.getAttribute("data-grades")).forEach(function (grade) { sum += grade; count += 1; });
    });
    var average = tr.querySelector("td.avg");
    var suggested = tr.querySelector("td.suggested");
    if (!count) {
      if (average) average.textContent = "";
      if (suggested) { suggested.textContent = ""; suggested.setAttribute("data-suggested", ""); }
      return;
    }
    if (average) {
      var hundredths = Math.floor((sum * 100) / count);
      var rest = sum * 100 - hundredths * count;
      if (2 * rest > count || (2 * rest === count && hundredths % 2 === 1)) hundredths += 1;
      var cents = String(hundredths % 100);
      average.textContent = Math.floor(hundredths / 100) + (config.decimal || ".") + (cents.length < 2 ? "0" : "") + cents;
    }
    if (suggested) {
      var whole = Math.floor(sum / count);
      var value = 100 * (sum - whole * count) >= config.threshold * count ? whole + 1 : whole;
      suggested.textContent = String(value);
      suggested.setAttribute("data-suggested", String(value));
    }
  }

  /* D16: the server asks for a reason (code "reason_required") for an edit after the entry deadline, a change
   * made in another teacher's journal, or a changed final grade; the teacher is asked once and the request is
   * sent again with it. Cancelling keeps the edits unsaved. */
  function askReason(answer) {
    if (answer.status !== 400 || !answer.data.error || answer.data.error.code !== "reason_required") return null;
    var reason = window.prompt(errorText(answer.data) + "\n" + (messages.reason || ""));
    return reason && reason.trim() ? reason.trim().slice(0, 300) : null;
  }

  function save(reason) {
    clearTimeout(autosaveTimer);
    if (inFlight) { saveAgain = true; return; }
    if (!changes.size) return;
    var sent = [];
    var batch = [];
    changes.forEach(function (value, td) {
      var version = td.getAttribute("data-version");
      sent.push({ td: td, value: value });
      var change = {
        lesson: Number(td.getAttribute("data-lesson")),
        student: Number(td.getAttribute("data-student")),
        grades: value.grades,
        attendance: value.attendance,
        version: version ? Number(version) : null,
      };
      // A comment is sent only when it was edited: a change without one leaves the cell's comment as it is.
      if (value.comment !== serverState(td).comment) change.comment = value.comment;
      batch.push(change);
      td.classList.add("saving");
    });
    inFlight = true;
    say(messages.saving);
    var body = { changes: batch };
    if (reason) body.reason = reason;
    request("POST", config.marks, body).then(function (answer) {
      sent.forEach(function (item) { item.td.classList.remove("saving"); });
      var given = reason ? null : askReason(answer);
      if (given) {
        inFlight = false;
        save(given);
        return "again";
      }
      if (answer.status === 200) {
        var rows = new Set();
        (answer.data.cells || []).forEach(function (cell) {
          var td = applyCell(cell);
          if (td) rows.add(td.parentNode);
        });
        rows.forEach(refreshRow);
        sent.forEach(function (item) {
          item.td.classList.remove("invalid", "conflict");
          if (changes.get(item.td) === item.value) {
            changes.delete(item.td);
            item.td.classList.remove("changed");
          }
        });
        if (offline) {
          sent.forEach(function (item) { offline.record(item.td); });
          offline.saved();
        }
        say(fmt(messages.saved, { n: answer.data.saved }), "ok");
        listErrors([]);
      } else if (answer.status === 400) {
        var fields = (answer.data.error && answer.data.error.fields) || {};
        var refused = [];
        Object.keys(fields).forEach(function (index) {
          var item = sent[Number(index)];
          var text = [].concat(fields[index]).join(" ");
          if (item) {
            item.td.classList.add("invalid");
            item.td.setAttribute("title", text);
          }
          refused.push({ td: item ? item.td : null, text: text });
        });
        say(errorText(answer.data), "bad");
        listErrors(refused);
      } else if (answer.status === 409) {
        if (!offline || !offline.conflict(sent, answer.data)) showConflict(sent, answer.data);
      } else {
        say(errorText(answer.data), "bad");
      }
    }, function () {
      sent.forEach(function (item) { item.td.classList.remove("saving"); });
      say(offline ? offline.networkText() : messages.network, "bad");
    }).then(function (outcome) {
      if (outcome === "again") return;
      inFlight = false;
      updatePending();
      if (saveAgain) { saveAgain = false; save(); }
    });
  }

  var errorList = document.getElementById("grid-errors");

  function listErrors(refused) {
    // Each refused cell with its reason; a button takes the keyboard straight to the cell.
    errorList.textContent = "";
    refused.forEach(function (entry) {
      var li = document.createElement("li");
      if (entry.td) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = describeCell(entry.td);
        button.addEventListener("click", function () { focusCell(entry.td); });
        li.appendChild(button);
        li.appendChild(document.createTextNode(": " + entry.text));
        li.setAttribute("data-lesson", entry.td.getAttribute("data-lesson"));
        li.setAttribute("data-student", entry.td.getAttribute("data-student"));
      } else {
        li.textContent = entry.text;
      }
      errorList.appendChild(li);
    });
    errorList.hidden = refused.length === 0;
  }

  function showConflict(sent, data) {
    blocked = true;
    clearTimeout(autosaveTimer);
    var stale = [];
    var theirs = ((data.error && data.error.cells) || []);
    theirs.forEach(function (cell) {
      var td = byKey.get(cell.lesson + ":" + cell.student);
      if (td) { td.classList.add("conflict"); stale.push({ td: td, cell: cell }); }
    });
    if (!stale.length) sent.forEach(function (item) { item.td.classList.add("conflict"); });
    say(errorText(data), "bad");
    conflictList.textContent = "";
    stale.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-lesson", String(item.cell.lesson));
      li.setAttribute("data-student", String(item.cell.student));
      li.textContent = describeCell(item.td) + ": " + cellText(item.cell.grades || [], item.cell.attendance);
      conflictList.appendChild(li);
    });
    conflictBox.hidden = false;
    request("GET", config.history).then(function (answer) {
      if (answer.status !== 200 || !Array.isArray(answer.data)) return;
      stale.forEach(function (item, index) {
        var latest = null;
        answer.data.forEach(function (entry) {
          if (entry.lesson === item.cell.lesson && entry.student === item.cell.student) latest = entry;
        });
        if (!latest) return;
        var li = conflictList.children[index];
        var when = new Date(latest.at);
        li.textContent = fmt(messages.changedBy, {
          cell: describeCell(item.td),
          by: latest.by || "?",
          at: isNaN(when) ? latest.at : when.toLocaleString(config.language),
          value: cellText(item.cell.grades || [], item.cell.attendance),
        });
        li.setAttribute("data-by", latest.by || "");
      });
    });
  }

  function describeCell(td) {
    var th = td.parentNode.querySelector("th .full") || td.parentNode.querySelector("th");
    var head = table.tHead.querySelector('th[data-lesson="' + td.getAttribute("data-lesson") + '"] .d');
    return (th ? th.textContent.trim() : "") + ", " + (head ? head.textContent : "");
  }

  var reloadButton = document.getElementById("grid-reload");
  if (reloadButton) {
    reloadButton.addEventListener("click", function () {
      changes.clear();
      (offline ? offline.discard() : Promise.resolve()).then(function () { window.location.reload(); });
    });
  }

  /* Lesson topic and homework (D8), edited from the column header (the ✎ button, or F2 in a cell). */
  var editor = document.getElementById("lesson-editor");
  var editorLesson = null;
  var editorReturn = null;

  function openLessonEditor(lessonId, returnTo) {
    if (!editor) return;
    var th = table.tHead.querySelector('th[data-lesson="' + lessonId + '"]');
    if (!th || !th.querySelector(".lesson-edit")) { say(messages.readonly, "bad"); return; }
    editorLesson = lessonId;
    editorReturn = returnTo;
    document.getElementById("lesson-editor-title").textContent = th.querySelector(".d").textContent;
    document.getElementById("lesson-topic").value = th.querySelector(".topic").textContent;
    document.getElementById("lesson-homework").value = th.querySelector(".hw").textContent;
    document.getElementById("lesson-editor-error").textContent = "";
    editor.hidden = false;
    document.getElementById("lesson-topic").focus();
  }

  function closeLessonEditor() {
    editor.hidden = true;
    if (editorReturn) editorReturn.focus();
    editorLesson = null;
  }

  if (editor) {
    editor.addEventListener("submit", function (event) {
      event.preventDefault();
      var lessonId = editorLesson;
      var body = {
        topic: document.getElementById("lesson-topic").value,
        homework: document.getElementById("lesson-homework").value,
      };
      request("PATCH", config.lesson.replace("{id}", lessonId), body).then(function (answer) {
        if (answer.status !== 200) {
          var error = answer.data.error || {};
          var details = [];
          Object.keys(error.fields || {}).forEach(function (key) { details = details.concat(error.fields[key]); });
          document.getElementById("lesson-editor-error").textContent = errorText(answer.data) + " " + details.join(" ");
          return;
        }
        var th = table.tHead.querySelector('th[data-lesson="' + lessonId + '"]');
        var topic = answer.data.topic || "";
        var homework = answer.data.homework || "";
        th.querySelector(".topic").textContent = topic;
        th.querySelector(".topic").setAttribute("title", topic);
        th.querySelector(".hw").textContent = homework;
        th.querySelector(".hw").setAttribute("title", homework);
        var marker = th.querySelector(".marker.missing");
        if (topic && marker) marker.remove();
        th.classList.toggle("missing-topic", !topic && th.classList.contains("missing-topic"));
        var item = root.querySelector('.lesson-list li[data-lesson="' + lessonId + '"] .topic');
        if (item) item.textContent = topic || "—";
        say(messages.lessonSaved, "ok");
        if (offline) offline.saved();  // the copy of this journal kept on the device is out of date
        closeLessonEditor();
      }, function () {
        document.getElementById("lesson-editor-error").textContent = messages.network;
      });
    });
    document.getElementById("lesson-cancel").addEventListener("click", closeLessonEditor);
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closeLessonEditor(); }
      if (event.key === "Enter" && event.ctrlKey) { event.preventDefault(); editor.requestSubmit(); }
    });
  }

  /* Final grades (D7): sent together through the finals endpoint; the window is checked by the server. */
  var finalsButton = document.getElementById("finals-save");
  if (finalsButton) {
    finalsButton.addEventListener("click", function () {
      var selects = table.querySelectorAll("select.final-select");
      var finals = [];
      var chosen = [];
      Array.prototype.forEach.call(selects, function (select) {
        var cell = select.parentNode;
        select.removeAttribute("aria-invalid");
        if (select.value && select.value !== cell.getAttribute("data-final")) {
          finals.push({ student: Number(select.getAttribute("data-final-student")), value: select.value });
          chosen.push(select);
        }
      });
      if (!finals.length) { say(messages.nothing); return; }
      function send(reason) {
        var body = { period: config.period, finals: finals };
        if (reason) body.reason = reason;
        return request("POST", config.finals, body);
      }
      send().then(function (answer) {
        var given = askReason(answer);
        return given ? send(given) : answer;
      }).then(function (answer) {
        if (answer.status === 200) {
          chosen.forEach(function (select) { select.parentNode.setAttribute("data-final", select.value); });
          say(fmt(messages.finalsSaved, { n: answer.data.saved }), "ok");
          if (offline) offline.saved();
          return;
        }
        var fields = (answer.data.error && answer.data.error.fields) || {};
        Object.keys(fields).forEach(function (index) {
          var select = chosen[Number(index)];
          if (select) {
            select.setAttribute("aria-invalid", "true");
            select.setAttribute("title", [].concat(fields[index]).join(" "));
          }
        });
        say(errorText(answer.data), "bad");
      }, function () { say(messages.network, "bad"); });
    });
  }

  /* The touch picker: a phone's keyboard sends no usable key for a table cell, so a tap opens buttons for the
   * school's grades and the attendance letters. Each choice goes through setCell, like a typed key: the same
   * pending, saving and saved states and the same bulk save. */
  var picker = document.getElementById("cell-picker");
  var pickerTitle = document.getElementById("cell-picker-title");
  var pickerComment = document.getElementById("cell-picker-comment");
  var pickerType = document.getElementById("cell-picker-type");

  function columnBelow(td) {
    // The same lesson's next student open for entry (a pupil who had left that day is skipped).
    for (var r = td._r + 1; r < matrix.length; r += 1) {
      var below = cellAt(r, td._c);
      if (below && writable(below)) return below;
    }
    return null;
  }

  function showInPicker(td) {
    if (picking && picking !== td) picking.classList.remove("picking");
    picking = td;
    td.classList.add("picking");
    if (focused && focused !== td) focused.setAttribute("tabindex", "-1");
    td.setAttribute("tabindex", "0");
    focused = td;
    var state = current(td);
    pickerTitle.textContent = describeCell(td);
    Array.prototype.forEach.call(picker.querySelectorAll("[data-grade]"), function (button) {
      button.setAttribute("aria-pressed", String(state.grades.indexOf(Number(button.getAttribute("data-grade"))) >= 0));
    });
    // "Present" shows as chosen once the cell holds something: a blank cell has no attendance mark yet.
    var blank = !state.grades.length && !changes.has(td) && !td.getAttribute("data-version");
    Array.prototype.forEach.call(picker.querySelectorAll("[data-att]"), function (button) {
      button.setAttribute("aria-pressed", String(!blank && button.getAttribute("data-att") === state.attendance));
    });
    var second = picker.querySelector('[data-pick="second"]');
    if (second) second.setAttribute("aria-pressed", String(appendTo === td));
    pickerComment.value = state.comment;
    picker.querySelector('[data-pick="next"]').disabled = !columnBelow(td);
    // The sheet covers the bottom of the screen: the page may scroll past its end, and the cell stays above it.
    var room = picker.offsetHeight + "px";
    document.body.style.paddingBottom = room;
    document.documentElement.style.scrollPaddingBottom = room;
    td.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function openPicker(td) {
    if (!picker) { focusCell(td); return; }
    commitComment();
    if (!writable(td)) {
      if (picking) closePicker(false);
      focusCell(td);
      say(whyClosed(td), "bad");
      return;
    }
    lastPicked = null;
    appendTo = null;
    picker.hidden = false;
    showInPicker(td);
    var chosen = picker.querySelector('[data-grade][aria-pressed="true"]') || picker.querySelector("[data-grade]")
      || picker.querySelector("[data-att]");
    chosen.focus();
  }

  function closePicker(returnFocus) {
    if (!picking) return;
    commitComment();
    var td = picking;
    td.classList.remove("picking");
    picking = null;
    lastPicked = null;
    appendTo = null;
    picker.hidden = true;
    document.body.style.paddingBottom = "";
    document.documentElement.style.scrollPaddingBottom = "";
    if (returnFocus) focusCell(td);
  }

  function commitComment() {
    if (!picking || !pickerComment) return;
    var text = pickerComment.value.trim().slice(0, 300);
    var state = current(picking);
    if (text !== state.comment) setCell(picking, state.grades, state.attendance, text);
  }

  function pickGrade(grade) {
    var td = picking;
    var state = current(td);
    var grades = appendTo === td && state.grades.length === 1 ? [state.grades[0], grade] : [grade];
    appendTo = null;
    setCell(td, grades, state.attendance);
    lastPicked = td;
    showInPicker(columnBelow(td) || td);
  }

  function pickAttendance(code) {
    var td = picking;
    setCell(td, current(td).grades, code);
    lastPicked = null;
    appendTo = null;
    showInPicker(columnBelow(td) || td);
  }

  function pickSecond() {
    // As "/" on the keyboard: the second grade goes to the cell just filled, or to the one shown.
    var target = lastPicked && lastPicked !== picking && current(lastPicked).grades.length === 1 ? lastPicked : picking;
    lastPicked = null;
    if (current(target).grades.length !== 1) return;
    appendTo = target;
    showInPicker(target);
    say(messages.secondPick);
  }

  function typeIntoPicker() {
    // Each digit is a grade for the cell shown, which then moves down the column as a tap on a grade does;
    // "/", "," or "." asks for a second grade, as the "/" button does. The field is emptied for the next one.
    var text = pickerType.value;
    pickerType.value = "";
    var scale = config.scale;
    Array.prototype.forEach.call(text, function (character) {
      if (!picking) return;
      if (/^[0-9]$/.test(character)) {
        var grade = Number(character);
        if (!scale.length || grade < scale[0] || grade > scale[1]) {
          say(scale.length ? fmt(messages.scale, { low: scale[0], high: scale[1] }) : messages.noMarks, "bad");
          return;
        }
        commitComment();
        pickGrade(grade);
      } else if (character === "/" || character === "," || character === ".") {
        commitComment();
        pickSecond();
      }
    });
  }

  if (picker) {
    picker.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button") : null;
      if (!button || !picking) return;
      if (button.hasAttribute("data-grade")) {
        commitComment();
        pickGrade(Number(button.getAttribute("data-grade")));
        return;
      }
      if (button.hasAttribute("data-att")) {
        commitComment();
        pickAttendance(button.getAttribute("data-att"));
        return;
      }
      switch (button.getAttribute("data-pick")) {
        case "second": commitComment(); pickSecond(); break;
        case "clear":
          pickerComment.value = "";
          appendTo = null;
          setCell(picking, [], "present", "");
          showInPicker(picking);
          break;
        case "next": {
          commitComment();
          var below = columnBelow(picking);
          lastPicked = null;
          appendTo = null;
          if (below) showInPicker(below);
          break;
        }
        case "close": closePicker(true); break;
      }
    });
    if (pickerType) {
      // A phone's keyboard sends keydown with key "Unidentified" (keyCode 229) for what is typed into a field, so
      // the grades typed here are read from the field's value on each `input` event, never from the key.
      pickerType.addEventListener("input", function (event) {
        if (event.isComposing) return;  // read once the keyboard has finished composing (compositionend)
        typeIntoPicker();
      });
      pickerType.addEventListener("compositionend", typeIntoPicker);
      pickerType.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          var below = picking && columnBelow(picking);
          lastPicked = null;
          appendTo = null;
          if (below) showInPicker(below);
        }
      });
    }
    pickerComment.addEventListener("change", commitComment);
    pickerComment.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); commitComment(); }
    });
    picker.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closePicker(true); }
    });
  }

  updatePending();

  if (window.MektepOffline) {
    offline = window.MektepOffline.attach({
      journal: config.journal, byKey: byKey, changes: changes, serverState: serverState, cellText: cellText,
      describeCell: describeCell, applyCell: applyCell, refreshRow: refreshRow, setCell: setCell, save: save,
      say: say, updatePending: updatePending, showConflict: showConflict, focusCell: focusCell,
      block: function () { blocked = true; clearTimeout(autosaveTimer); },
      unblock: function () { blocked = false; conflictBox.hidden = true; },
    });
  }
})();
