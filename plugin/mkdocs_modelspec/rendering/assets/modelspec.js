/* mkdocs-modelspec: sortable, filterable tables, and the catalog. No dependency, works
   offline; every page reads as plain HTML without it.

   - A table after a <div class="modelspec-table-tools"> gets sortable headers (click to
     sort, again to reverse; numbers sort as numbers, readiness levels by level) and,
     unless the marker says data-filter="0", a filter box (rows must contain every typed
     word); data-choices="Column" adds a drop-down of that column's values. Large tables
     show their first rows and a button for more: a browser lays out a 10,000-row table
     in seconds, 500 rows at once in a blink.
   - A table of a large overview page has its first rows in the HTML; its marker names
     the page's data file (data-rows) and its place in it (data-table): the script adds
     the other rows, built from that file's HTML cells (the plugin escaped every value).
   - The catalog's marker names a data file (data-catalog): the script sorts and filters
     every model from it (the page's HTML holds the first rows), with a drop-down per
     facet, and keeps the view in the page's address (?team=search&q=nvidia&sort=-level)
     so that a filtered view can be shared.
   - A wide table (one with tools, or any on a model page) says that it scrolls
     sideways; its first column stays in view (CSS).
   - A link to a line of a folded source listing (#L12) unfolds it. */
(function () {
  "use strict";

  var PAGE = 500;
  var LEVELS = ["none", "declared", "servable", "operable", "production-ready"];

  function tableAfter(marker) {
    for (var el = marker.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.tagName === "TABLE") return el;
      var inner = el.querySelector && el.querySelector("table");
      if (inner) return inner;
    }
    return null;
  }

  function asNumber(text) {
    var cleaned = text.replace(/[,$\s]|days|ms|GB|tokens/g, "");
    return cleaned !== "" && !isNaN(cleaned) ? parseFloat(cleaned) : null;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function plural(count, word) {
    return count.toLocaleString("en") + " " + word + (count === 1 ? "" : "s");
  }

  /* A wide table says so, once it is laid out: which of its columns are out of view. */
  function hintScroll(table) {
    if (table.getAttribute("data-modelspec-hint")) return;
    table.setAttribute("data-modelspec-hint", "1");
    var box = table.closest(".md-typeset__scrollwrap") || table;
    var hint = element("p", "modelspec-scroll-hint");
    hint.hidden = true;
    box.insertAdjacentElement("beforebegin", hint);
    function check() {
      var hidden = box.scrollWidth - box.clientWidth - box.scrollLeft > 2;
      hint.hidden = !hidden;
      hint.textContent = hidden ? "Scroll the table sideways for more columns \u2192" : "";
    }
    box.addEventListener("scroll", check, { passive: true });
    window.addEventListener("resize", check);
    requestAnimationFrame(check);
  }

  function sortableHeaders(table, sort) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.tabIndex = 0;
      th.title = "Sort by " + th.textContent.trim();
      th.addEventListener("click", function () { sort(column, th); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(column, th); }
      });
    });
  }

  function markSorted(table, header, ascending) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    if (header) header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function moreButton(table, onClick) {
    var more = element("button", "modelspec-more md-button");
    more.type = "button";
    more.hidden = true;
    more.addEventListener("click", onClick);
    (table.closest(".md-typeset__scrollwrap") || table).insertAdjacentElement("afterend", more);
    return more;
  }

  /* --- any table ---------------------------------------------------------------- */

  function Sortable(marker, table) {
    this.table = table;
    this.body = table.tBodies[0];
    this.rows = Array.prototype.slice.call(this.body.rows); /* every row, in display order */
    this.total = this.rows.length;
    this.words = [];
    this.choice = null; /* [column, value] picked in the drop-down */
    this.limit = PAGE;
    this.texts = this.rows.map(function (row) { return row.textContent.toLowerCase(); });
    this.index = new Map(this.rows.map(function (row, i) { return [row, i]; }));
    this.keys = {}; /* column -> per-row sort keys, computed on first use */
    this.counter = element("span", "modelspec-count");
    var self = this;
    this.more = moreButton(table, function () { self.limit += PAGE * 4; self.render(); });
    if (marker.getAttribute("data-filter") !== "0") this.addFilter(marker);
    if (marker.getAttribute("data-choices")) this.addChoices(marker, marker.getAttribute("data-choices"));
    marker.appendChild(this.counter);
    sortableHeaders(table, function (column, th) { self.sort(column, th); });
    this.render();
  }

  Sortable.prototype.addFilter = function (marker) {
    var self = this, pending = null;
    var input = element("input", "modelspec-filter");
    input.type = "search";
    input.placeholder = marker.getAttribute("data-placeholder") || "Filter";
    input.setAttribute("aria-label", input.placeholder);
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        self.words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        self.limit = PAGE;
        self.render();
      }, 80);
    });
    marker.appendChild(input);
  };

  Sortable.prototype.addChoices = function (marker, title) {
    var self = this, column = -1;
    Array.prototype.forEach.call(this.table.tHead.rows[0].cells, function (th, i) {
      if (th.textContent.trim() === title) column = i;
    });
    if (column < 0) return;
    var values = this.rows.map(function (row) {
      var cell = row.cells[column];
      return cell ? cell.textContent.trim() : "";
    });
    var select = element("select", "modelspec-choice");
    select.setAttribute("aria-label", title);
    [""].concat(Array.from(new Set(values)).sort()).forEach(function (value) {
      var option = element("option", "", value ? title + ": " + value : title + ": all");
      option.value = value;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      self.choice = select.value ? [column, select.value] : null;
      self.limit = PAGE;
      self.render();
    });
    this.cells = values;
    this.choiceColumn = column;
    marker.appendChild(select);
  };

  Sortable.prototype.matches = function (row) {
    var i = this.index.get(row), text = this.texts[i];
    if (this.choice && this.cells[i] !== this.choice[1]) return false;
    return this.words.every(function (w) { return text.indexOf(w) !== -1; });
  };

  Sortable.prototype.render = function () {
    var self = this, filtered = this.words.length || this.choice;
    var matching = filtered ? this.rows.filter(function (r) { return self.matches(r); }) : this.rows;
    this.body.replaceChildren.apply(this.body, matching.slice(0, this.limit));
    this.counter.textContent = filtered
      ? matching.length + " of " + plural(this.total, "row")
      : plural(this.total, "row");
    var hidden = matching.length - Math.min(matching.length, this.limit);
    this.more.hidden = hidden === 0;
    this.more.textContent = "Show " + Math.min(hidden, PAGE * 4) + " more (" + hidden + " not shown)";
  };

  /* The rows of the page's data file past the first ones (cells: HTML), added. */
  Sortable.prototype.add = function (cells) {
    var aligns = Array.prototype.map.call(this.table.tHead.rows[0].cells, function (th) {
      return th.style.textAlign ? ' style="text-align: ' + th.style.textAlign + ';"' : "";
    });
    var holder = document.createElement("tbody");
    holder.innerHTML = cells.map(function (row) {
      return "<tr>" + row.map(function (cell, i) { return "<td" + aligns[i] + ">" + cell + "</td>"; }).join("") + "</tr>";
    }).join("");
    var self = this, added = Array.prototype.slice.call(holder.rows);
    added.forEach(function (row) {
      self.index.set(row, self.rows.length);
      self.rows.push(row);
      self.texts.push(row.textContent.toLowerCase());
      if (self.cells) self.cells.push(row.cells[self.choiceColumn] ? row.cells[self.choiceColumn].textContent.trim() : "");
    });
    this.total = this.rows.length;
    this.keys = {};
    var sorted = this.table.tHead.querySelector("th[aria-sort]");
    if (sorted) {
      this.sort(sorted.cellIndex, sorted, sorted.getAttribute("aria-sort") === "ascending");
    } else {
      this.render();
    }
  };

  Sortable.prototype.sort = function (column, header, keep) {
    var ascending = keep !== undefined ? keep : header.getAttribute("aria-sort") !== "ascending";
    var keys = this.keys[column];
    if (!keys) {
      var texts = this.rows.map(function (row) {
        var cell = row.cells[column];
        return cell ? cell.textContent.trim() : "";
      });
      var numbers = texts.map(asNumber);
      var blank = function (t) { return t === "" || t === "\u2014"; };
      var numeric = texts.every(function (t, i) { return numbers[i] !== null || blank(t); });
      var levels = !numeric && texts.every(function (t) { return LEVELS.indexOf(t) !== -1 || blank(t); });
      keys = this.keys[column] = new Map(this.rows.map(function (row, i) {
        var key = numeric ? (numbers[i] === null ? -Infinity : numbers[i])
          : levels ? LEVELS.indexOf(texts[i]) : texts[i].toLowerCase();
        return [row, key];
      }));
    }
    var collator = new Intl.Collator(undefined, { numeric: true });
    this.rows.sort(function (a, b) {
      var x = keys.get(a), y = keys.get(b);
      var result = typeof x === "number" ? x - y : collator.compare(x, y);
      return ascending ? result : -result;
    });
    markSorted(this.table, header, ascending);
    this.render();
  };

  /* --- the catalog: every model from its data file --------------------------------- */

  function Catalog(marker, table, data) {
    var self = this;
    this.marker = marker;
    this.table = table;
    this.body = table.tBodies[0];
    this.levels = data.levels;
    this.column = {};
    data.columns.forEach(function (name, i) { self.column[name] = i; });
    this.rows = data.rows;
    this.headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    this.cells = this.headers.map(function (title) { return Catalog.CELLS[title]; });
    this.facets = data.facets.filter(function (f) { return self.headers.indexOf(f[1]) !== -1 || f[0] === "level"; });
    this.texts = this.rows.map(function (row) { return self.text(row); });
    this.order = this.rows.map(function (_, i) { return i; });
    this.limit = PAGE;
    this.keys = {};
    this.state = Catalog.readState(this.facets);
    this.build();
    if (this.state.sort) this.sortBy(this.state.sort.replace(/^-/, ""), this.state.sort.charAt(0) !== "-", true);
    this.render(false);
  }

  /* Which data column each header shows. */
  Catalog.CELLS = {
    "Model": "name", "Team": "team", "Owner": "owner", "Task": "task", "Framework": "framework",
    "Accelerator": "accelerator", "Environment": "environment", "Readiness": "level",
    "Running": "running", "Problems": "problems"
  };

  Catalog.readState = function (facets) {
    var params = new URLSearchParams(location.search);
    var state = { q: params.get("q") || "", picked: {}, sort: params.get("sort") || "" };
    facets.forEach(function (f) {
      var value = params.get(f[0]);
      if (value !== null && value !== "") state.picked[f[0]] = value;
    });
    return state;
  };

  Catalog.prototype.value = function (row, name) {
    var v = row[this.column[name]];
    if (name === "level") return v === null || v === undefined ? "" : v < 0 ? "none" : this.levels[v];
    return v === null || v === undefined ? "" : String(v);
  };

  /* The value a facet groups by: the accelerator without its count per replica. */
  Catalog.prototype.facetValue = function (row, name) {
    var v = this.value(row, name);
    if (name === "accelerator") v = v.replace(/ \u00d7 \d+$/, "");
    return v || "(none)";
  };

  Catalog.prototype.text = function (row) {
    var self = this;
    return Object.keys(this.column).filter(function (n) { return n !== "url"; })
      .map(function (n) { return self.value(row, n); }).join(" ").toLowerCase();
  };

  Catalog.prototype.build = function () {
    var self = this, pending = null;
    var marker = this.marker;
    if (marker.getAttribute("data-help")) {
      marker.insertAdjacentElement("beforebegin", element("p", "", marker.getAttribute("data-help")));
    }
    var input = element("input", "modelspec-filter");
    input.type = "search";
    input.placeholder = marker.getAttribute("data-placeholder") || "Filter";
    input.setAttribute("aria-label", input.placeholder);
    input.value = this.state.q;
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { self.state.q = input.value; self.limit = PAGE; self.render(true); }, 80);
    });
    marker.appendChild(input);
    this.input = input;
    this.selects = {};
    this.facets.forEach(function (f) {
      var select = element("select", "modelspec-choice");
      select.setAttribute("aria-label", f[1]);
      select.setAttribute("data-facet", f[0]);
      select.addEventListener("change", function () {
        if (select.value) self.state.picked[f[0]] = select.value;
        else delete self.state.picked[f[0]];
        self.limit = PAGE;
        self.render(true);
      });
      self.selects[f[0]] = select;
      marker.appendChild(select);
    });
    this.counter = element("span", "modelspec-count");
    marker.appendChild(this.counter);
    this.reset = element("button", "modelspec-reset", "clear filters");
    this.reset.type = "button";
    this.reset.addEventListener("click", function () {
      self.state.q = ""; self.state.picked = {}; input.value = ""; self.limit = PAGE; self.render(true);
    });
    marker.appendChild(this.reset);
    this.more = moreButton(this.table, function () { self.limit += PAGE * 4; self.render(false); });
    sortableHeaders(this.table, function (column, th) {
      var name = self.cells[column];
      if (!name) return;
      self.sortBy(name, th.getAttribute("aria-sort") !== "ascending", false);
      self.render(true);
    });
  };

  /* Whether row i passes the text and every facet picked (but ``skip``: a facet's own
     counts are those of the rows the other filters leave). */
  Catalog.prototype.matches = function (i, skip) {
    var row = this.rows[i], picked = this.state.picked;
    for (var name in picked) {
      if (name !== skip && this.facetValue(row, name) !== picked[name]) return false;
    }
    var text = this.texts[i];
    return this.words.every(function (w) { return text.indexOf(w) !== -1; });
  };

  Catalog.prototype.sortBy = function (name, ascending, quiet) {
    if (this.column[name] === undefined) return;
    var self = this, keys = this.keys[name];
    if (!keys) {
      var at = this.column[name];
      keys = this.keys[name] = this.rows.map(function (row) {
        var v = row[at];
        if (name === "level" || name === "problems") return v === null || v === undefined ? -2 : v;
        return v === null || v === undefined ? "" : String(v).toLowerCase();
      });
    }
    var collator = new Intl.Collator(undefined, { numeric: true });
    var numeric = name === "level" || name === "problems";
    this.order.sort(function (a, b) {
      var result = numeric ? keys[a] - keys[b] : collator.compare(keys[a], keys[b]);
      return (ascending ? result : -result) || a - b; /* ties keep the catalog's order */
    });
    this.state.sort = (ascending ? "" : "-") + name;
    var header = this.table.tHead.rows[0].cells[this.cells.indexOf(name)];
    markSorted(this.table, header, ascending);
  };

  Catalog.prototype.writeState = function () {
    var params = new URLSearchParams();
    if (this.state.q.trim()) params.set("q", this.state.q.trim());
    var picked = this.state.picked;
    this.facets.forEach(function (f) { if (picked[f[0]]) params.set(f[0], picked[f[0]]); });
    if (this.state.sort) params.set("sort", this.state.sort);
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  };

  Catalog.prototype.fillFacets = function () {
    var self = this;
    this.facets.forEach(function (f) {
      var name = f[0], counts = new Map();
      for (var i = 0; i < self.rows.length; i++) {
        if (!self.matches(i, name)) continue;
        var v = self.facetValue(self.rows[i], name);
        counts.set(v, (counts.get(v) || 0) + 1);
      }
      var picked = self.state.picked[name];
      if (picked && !counts.has(picked)) counts.set(picked, 0);
      var values = Array.from(counts.keys());
      if (name === "level") values.sort(function (a, b) { return LEVELS.indexOf(a) - LEVELS.indexOf(b); });
      else values.sort();
      var select = self.selects[name];
      var options = [element("option", "", f[1] + ": all")];
      options[0].value = "";
      values.forEach(function (v) {
        var option = element("option", "", f[1] + ": " + v + " (" + counts.get(v) + ")");
        option.value = v;
        options.push(option);
      });
      select.replaceChildren.apply(select, options);
      select.value = picked || "";
    });
  };

  Catalog.prototype.cell = function (row, name) {
    var td = element("td"), v = this.value(row, name), url = row[this.column.url];
    if (name === "name") {
      var a = element("a", "", v);
      a.href = url;
      td.appendChild(a);
    } else if (name === "level" && v) {
      var level = element("a", "modelspec-level", v);
      level.href = url + "#readiness";
      td.appendChild(level);
    } else if (name === "running" && v) {
      var running = element("a", "", v);
      running.href = url + "#declared-vs-running";
      td.appendChild(running);
    } else if (name === "problems") {
      td.style.textAlign = "right";
      if (v && v !== "0") {
        var problems = element("a", "", v);
        problems.href = url + "#source";
        td.appendChild(problems);
      } else {
        td.textContent = "0";
      }
    } else {
      td.textContent = v || "\u2014";
    }
    return td;
  };

  Catalog.prototype.render = function (changed) {
    var self = this;
    this.words = this.state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var matching = this.order.filter(function (i) { return self.matches(i, null); });
    var shown = matching.slice(0, this.limit).map(function (i) {
      var tr = element("tr");
      self.cells.forEach(function (name) { tr.appendChild(self.cell(self.rows[i], name)); });
      return tr;
    });
    this.body.replaceChildren.apply(this.body, shown);
    var filtered = this.words.length || Object.keys(this.state.picked).length;
    this.counter.textContent = filtered
      ? matching.length.toLocaleString("en") + " of " + plural(this.rows.length, "model")
      : plural(this.rows.length, "model");
    this.reset.hidden = !filtered;
    var hidden = matching.length - shown.length;
    this.more.hidden = hidden === 0;
    this.more.textContent = "Show " + Math.min(hidden, PAGE * 4) + " more (" + hidden + " not shown)";
    this.fillFacets();
    if (changed) this.writeState();
  };

  /* --- wiring ------------------------------------------------------------------------- */

  var fetched = {}; /* a page's data file, read once for all its tables */

  function enhance(marker) {
    if (marker.getAttribute("data-ready")) return;
    var table = tableAfter(marker);
    if (!table || !table.tHead || !table.tBodies[0]) return;
    marker.setAttribute("data-ready", "1");
    table.setAttribute("data-modelspec-sortable", ""); /* not a class: Material styles table:not([class]) */
    hintScroll(table);
    var source = marker.getAttribute("data-catalog");
    var rows = marker.getAttribute("data-rows");
    if (rows) {
      var sortable = new Sortable(marker, table);
      fetched[rows] = fetched[rows] || fetch(rows).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
      fetched[rows].then(function (data) {
        sortable.add(data.tables[+marker.getAttribute("data-table")] || []);
        var block = table.closest(".modelspec-rows"); /* (themes wrap the table) */
        var note = block && block.querySelector(".modelspec-rows-note");
        if (note) note.remove();
      }).catch(function () {}); /* (a page opened from disk: the first rows and the note) */
      return;
    }
    if (!source) {
      new Sortable(marker, table);
      return;
    }
    fetch(source)
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) { new Catalog(marker, table, data); })
      .catch(function () { new Sortable(marker, table); }); /* (a page opened from disk) */
  }

  /* A link to a line of the folded listing (#L12), or to anything folded, unfolds it. */
  function unfold() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
    }
    if (target && target.closest("details")) target.scrollIntoView();
  }

  function run() {
    Array.prototype.forEach.call(document.querySelectorAll(".modelspec-table-tools"), enhance);
    /* The other tables of a model page (fields, declared vs running) say so too. */
    if (document.querySelector(".modelspec-header, .modelspec-wide")) {
      Array.prototype.forEach.call(document.querySelectorAll(".md-typeset table"), hintScroll);
    }
    unfold();
  }

  window.addEventListener("hashchange", unfold);
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(run); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
