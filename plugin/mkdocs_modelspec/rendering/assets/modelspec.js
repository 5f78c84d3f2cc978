/* mkdocs-modelspec: sortable, filterable tables. No dependency, works offline.
   A table that follows a <div class="modelspec-table-tools"> gets a filter box
   (rows that do not contain every typed word are hidden) and sortable headers
   (click to sort, click again to reverse; numbers sort as numbers). */
(function () {
  "use strict";

  function tableAfter(marker) {
    for (var el = marker.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.tagName === "TABLE") return el;
      var inner = el.querySelector && el.querySelector("table");
      if (inner) return inner;
    }
    return null;
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function asNumber(text) {
    var cleaned = text.replace(/[,$\s]|days|ms|GB|tokens/g, "");
    return cleaned !== "" && !isNaN(cleaned) ? parseFloat(cleaned) : null;
  }

  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row) {
      var text = cellValue(row, index);
      return { row: row, text: text.toLowerCase(), number: asNumber(text) };
    });
    var numeric = keyed.every(function (k) { return k.number !== null || k.text === "" || k.text === "\u2014"; });
    keyed.sort(function (a, b) {
      var result = numeric
        ? (a.number === null ? -Infinity : a.number) - (b.number === null ? -Infinity : b.number)
        : a.text.localeCompare(b.text);
      return ascending ? result : -result;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k.row); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function filter(table, query, counter) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var body = table.tBodies[0];
    if (!body) return;
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      if (row._modelspecText === undefined) row._modelspecText = row.textContent.toLowerCase();
      var match = words.every(function (w) { return row._modelspecText.indexOf(w) !== -1; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    counter.textContent = words.length ? shown + " of " + body.rows.length + " rows" : body.rows.length + " rows";
  }

  function addFilter(marker, table) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "modelspec-filter";
    input.placeholder = marker.getAttribute("data-placeholder") || "Filter";
    input.setAttribute("aria-label", input.placeholder);
    var counter = document.createElement("span");
    counter.className = "modelspec-count";
    marker.appendChild(input);
    marker.appendChild(counter);
    var pending = null;
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { filter(table, input.value, counter); }, 80);
    });
    filter(table, "", counter);
  }

  function enhance(marker) {
    if (marker.getAttribute("data-ready")) return;
    var table = tableAfter(marker);
    if (!table || !table.tHead) return;
    marker.setAttribute("data-ready", "1");
    var withFilter = marker.getAttribute("data-filter") !== "0";
    table.setAttribute("data-modelspec-sortable", ""); /* not a class: Material styles table:not([class]) */
    if (withFilter) addFilter(marker, table);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.tabIndex = 0;
      th.title = "Sort by " + th.textContent.trim();
      th.addEventListener("click", function () { sortBy(table, index, th); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, index, th); }
      });
    });
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
