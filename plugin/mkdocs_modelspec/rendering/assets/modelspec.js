/* mkdocs-modelspec: sortable, filterable tables. No dependency, works offline.
   A table that follows a <div class="modelspec-table-tools"> gets sortable headers
   (click to sort, click again to reverse; numbers sort as numbers) and, unless the
   marker says data-filter="0", a filter box (rows must contain every typed word);
   data-choices="Column" adds a drop-down of that column's values (rows must equal it).
   Large tables show their first rows and a button for more: a browser lays out a
   10,000-row table in seconds, 500 rows at once in a blink. */
(function () {
  "use strict";

  var PAGE = 500;

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
    this.counter = document.createElement("span");
    this.counter.className = "modelspec-count";
    this.more = document.createElement("button");
    this.more.type = "button";
    this.more.className = "modelspec-more md-button";
    this.more.hidden = true;
    var self = this;
    this.more.addEventListener("click", function () { self.limit += PAGE * 4; self.render(); });
    if (marker.getAttribute("data-filter") !== "0") this.addFilter(marker);
    if (marker.getAttribute("data-choices")) this.addChoices(marker, marker.getAttribute("data-choices"));
    marker.appendChild(this.counter);
    (table.parentNode.closest(".md-typeset__scrollwrap") || table).insertAdjacentElement("afterend", this.more);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.tabIndex = 0;
      th.title = "Sort by " + th.textContent.trim();
      th.addEventListener("click", function () { self.sort(column, th); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); self.sort(column, th); }
      });
    });
    this.render();
  }

  Sortable.prototype.addFilter = function (marker) {
    var self = this, pending = null;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "modelspec-filter";
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
    var select = document.createElement("select");
    select.className = "modelspec-choice";
    select.setAttribute("aria-label", title);
    [""].concat(Array.from(new Set(values)).sort()).forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value ? title + ": " + value : title + ": all";
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      self.choice = select.value ? [column, select.value] : null;
      self.limit = PAGE;
      self.render();
    });
    this.cells = values;
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
      ? matching.length + " of " + this.total + " rows"
      : this.total + " rows";
    var hidden = matching.length - Math.min(matching.length, this.limit);
    this.more.hidden = hidden === 0;
    this.more.textContent = "Show " + Math.min(hidden, PAGE * 4) + " more (" + hidden + " not shown)";
  };

  Sortable.prototype.sort = function (column, header) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var keys = this.keys[column];
    if (!keys) {
      var texts = this.rows.map(function (row) {
        var cell = row.cells[column];
        return cell ? cell.textContent.trim() : "";
      });
      var numbers = texts.map(asNumber);
      var numeric = texts.every(function (t, i) { return numbers[i] !== null || t === "" || t === "\u2014"; });
      keys = this.keys[column] = new Map(this.rows.map(function (row, i) {
        return [row, numeric ? (numbers[i] === null ? -Infinity : numbers[i]) : texts[i].toLowerCase()];
      }));
    }
    var collator = new Intl.Collator(undefined, { numeric: true });
    this.rows.sort(function (a, b) {
      var x = keys.get(a), y = keys.get(b);
      var result = typeof x === "number" ? x - y : collator.compare(x, y);
      return ascending ? result : -result;
    });
    Array.prototype.forEach.call(this.table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    this.render();
  };

  function enhance(marker) {
    if (marker.getAttribute("data-ready")) return;
    var table = tableAfter(marker);
    if (!table || !table.tHead || !table.tBodies[0]) return;
    marker.setAttribute("data-ready", "1");
    table.setAttribute("data-modelspec-sortable", ""); /* not a class: Material styles table:not([class]) */
    new Sortable(marker, table);
  }

  function run() {
    Array.prototype.forEach.call(document.querySelectorAll(".modelspec-table-tools"), enhance);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(run); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
