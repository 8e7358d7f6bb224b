"""Write the index as one static HTML page: sortable by every column, filterable, readable on a phone.

The page has no external assets (its Content-Security-Policy forbids them) and
works without a network. The table is complete without JavaScript; the script
only sorts and filters, and keeps both in the address's fragment, such as
`#sort=completed&order=desc&q=go`, so a view can be shared or bookmarked.
"""

from __future__ import annotations

import base64
import hashlib
import os
from html import escape as escape_html
from pathlib import Path
from typing import Any

from tssa.index.build import STATE_TITLES, STATES, index_counts
from tssa.index.listing import (
    completed,
    issue_label,
    languages,
    maturity,
    relative_link,
    tracking_issue,
    value_or_text,
)
from tssa.terminal import printable

MATURITY_ORDER = ("none", "sandbox", "incubating", "graduated")
GENERATOR = '<meta name="generator" content="tssa index">'
DOCUMENT_COLUMNS = (
    ("self-assessment", "Self-assessment"),
    ("joint-assessment", "Joint assessment"),
    ("readme", "README"),
)
# (key, heading); the key names the column in the address fragment.
COLUMNS = (
    ("project", "Project"),
    ("state", "State"),
    ("maturity", "Maturity"),
    ("provider", "Security provider"),
    ("languages", "Languages"),
    ("completed", "Completed"),
    ("changed", "Last change"),
    *DOCUMENT_COLUMNS,
    ("errors", "Errors"),
    ("warnings", "Warnings"),
    ("issue", "Tracking issue"),
)

_STYLE = """
:root { color-scheme: light dark; --line: #8884; --bar: #2e7d32; --bar-back: #8883; --muted: #777; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; padding: 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
.summary { margin: 0 0 1rem; color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin-bottom: .75rem; }
.controls label { display: flex; gap: .4rem; align-items: center; }
input, select, button { font: inherit; }
input[type=search] { min-width: 14rem; padding: .3rem .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .4rem; border-bottom: 1px solid var(--line); }
th button { all: unset; cursor: pointer; font-weight: 600; }
.wrap { overflow-x: auto; }
th button:focus-visible { outline: 2px solid Highlight; }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
td.date { white-space: nowrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: block; width: 4rem; height: .5rem; margin-top: .2rem;
  background: var(--bar-back); border-radius: .25rem; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--bar); }
.none { color: var(--muted); }
tr[hidden] { display: none; }
@media (max-width: 760px) {
  body { padding: .75rem; }
  input[type=search] { min-width: 0; width: 100%; }
  .controls label:first-child { flex: 1 1 100%; }
  thead { display: none; }
  .wrap { overflow: visible; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border: 1px solid var(--line); border-radius: .5rem; margin-bottom: .75rem; padding: .25rem .5rem; }
  td { display: flex; gap: .75rem; border: 0; padding: .2rem 0; }
  td::before { content: attr(data-label); flex: 0 0 8.5rem; color: var(--muted); }
  td.number { text-align: left; }
  td:empty { display: none; }
  td.project { display: block; font-size: 1.1rem; }
  td.project::before { content: none; }
}
"""

_SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("packages");
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  var sortBy = document.getElementById("sort-by");
  var order = document.getElementById("order");
  var shown = document.getElementById("shown");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var keys = headers.map(function (th) { return th.dataset.key; });
  var rows = Array.prototype.slice.call(body.rows);

  function value(row, column) {
    var cell = row.cells[column];
    return cell.hasAttribute("data-sort") ? cell.dataset.sort : cell.textContent.trim();
  }
  function compare(a, b, column, descending) {
    var x = value(a, column), y = value(b, column);
    if (x === "" || y === "") { return x === y ? 0 : (x === "" ? 1 : -1); }
    var nx = Number(x), ny = Number(y), result;
    if (!isNaN(nx) && !isNaN(ny)) { result = nx - ny; }
    else { result = x.localeCompare(y, undefined, { sensitivity: "base", numeric: true }); }
    return descending ? -result : result;
  }
  function apply() {
    var column = Math.max(0, keys.indexOf(sortBy.value));
    var descending = order.value === "desc";
    var sorted = rows.slice().sort(function (a, b) {
      return compare(a, b, column, descending) || (Number(a.dataset.position) - Number(b.dataset.position));
    });
    sorted.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (th, index) {
      th.setAttribute("aria-sort", index === column ? (descending ? "descending" : "ascending") : "none");
    });
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
    var fragment = "sort=" + encodeURIComponent(keys[column]) + "&order=" + (descending ? "desc" : "asc");
    if (filter.value) { fragment += "&q=" + encodeURIComponent(filter.value); }
    if (window.location.hash.slice(1) !== fragment) { history.replaceState(null, "", "#" + fragment); }
  }
  function load() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    if (keys.indexOf(params.get("sort")) !== -1) { sortBy.value = params.get("sort"); }
    order.value = params.get("order") === "desc" ? "desc" : "asc";
    filter.value = params.get("q") || "";
    apply();
  }
  headers.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      order.value = sortBy.value === th.dataset.key && order.value === "asc" ? "desc" : "asc";
      sortBy.value = th.dataset.key;
      apply();
    });
  });
  filter.addEventListener("input", apply);
  sortBy.addEventListener("change", apply);
  order.addEventListener("change", apply);
  window.addEventListener("hashchange", load);
  load();
})();
"""


def escape(value: str) -> str:
    """A value as HTML text or attribute: markup escaped, and control and invisible characters shown as escapes."""
    return escape_html(printable(value))


def render_html(index: dict[str, Any], root: Path, page: Path) -> str:
    """The HTML page of an index built from `root`, with links relative to `page`."""
    base = page.resolve().parent
    root = root.resolve()
    records: list[dict[str, Any]] = index["packages"]
    counts = index_counts(index)
    summary = ", ".join(f"{counts[state]} {STATE_TITLES[state].lower()}" for state in STATES)
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:"
    headings = "".join(
        f'<th scope="col" data-key="{key}" aria-sort="none"><button type="button">{escape(title)}</button></th>'
        for key, title in COLUMNS
    )
    options = "".join(f'<option value="{key}">{escape(title)}</option>' for key, title in COLUMNS)
    rows = "\n".join(_row(record, position, root, base) for position, record in enumerate(records))
    noun = "package" if len(records) == 1 else "packages"
    problems = ""
    if index["problems"]:
        items = "".join(
            f"<li><code>{escape(problem['path'])}</code>: {escape(problem['message'])}</li>"
            for problem in index["problems"]
        )
        problems = f'<h2 id="problems">Problems</h2>\n<ul>{items}</ul>\n'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy}">
{GENERATOR}
<title>Security assessments</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>Security assessments</h1>
<p class="summary">{len(records)} {noun}: {summary}.</p>
<div class="controls">
<label>Filter <input id="filter" type="search" placeholder="project, state, language, reviewer ..."></label>
<label>Sort by <select id="sort-by">{options}</select></label>
<label>Order <select id="order">
<option value="asc">ascending</option><option value="desc">descending</option></select></label>
<span id="shown" aria-live="polite">{len(records)} of {len(records)} shown</span>
</div>
</header>
<main>
<div class="wrap">
<table id="packages">
<thead><tr>{headings}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</div>
{problems}</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _row(record: dict[str, Any], position: int, root: Path, base: Path) -> str:
    project = escape(record["project"]["value"])
    folder = relative_link(os.path.join(root, record["path"]), base, folder=True)
    provider_fact = record["metadata"]["security_provider"]
    provider = value_or_text(provider_fact)
    readme = record["readme"]
    # Reviewers are shown once named; "Not yet assigned" says nothing the state does not.
    reviewers = (
        ", ".join(readme["reviewers"]["value"])
        if readme and readme["reviewers"] and readme["reviewers"]["value"]
        else ""
    )
    cells = [
        _cell(
            "Project",
            f'<a href="{escape(folder)}">{project}</a>'
            + (f'<br><small class="none">{escape(reviewers)}</small>' if reviewers else ""),
            sort=record["project"]["value"],
            css="project",
        ),
        _cell("State", escape(STATE_TITLES[record["state"]]), sort=str(STATES.index(record["state"]))),
        _cell("Maturity", escape(maturity(record)), sort=_maturity_rank(record)),
        _text_cell("Security provider", provider),
        _text_cell("Languages", ", ".join(languages(record))),
        # A date sorts as a date; text such as "Not yet" sorts with the empty cells, after every date.
        _cell("Completed", escape(completed(record)), sort=_completed_date(record), css="date"),
        _cell("Last change", escape(record["last_change"] or ""), sort=record["last_change"] or "", css="date"),
    ]
    by_key = {document["document"]: document for document in record["documents"]}
    for key, title in DOCUMENT_COLUMNS:
        document = by_key.get(key)
        if document is None:
            cells.append(_cell(title, '<span class="none">none</span>', sort=""))
            continue
        done, total = document["sections_written"], document["sections_total"]
        width = round(100 * float(document["completeness"]))
        link = relative_link(os.path.join(root, document["path"]), base)
        label = f"{done} of {total} sections written"
        cells.append(
            _cell(
                title,
                f'<a href="{escape(link)}" title="{escape(document["file"])}">{width}%</a> '
                f'<span class="bar" role="img" aria-label="{label}"><span style="width:{width}%"></span></span>',
                sort=str(document["completeness"]),
            )
        )
    errors = sum(document["errors"] for document in record["documents"])
    warnings = sum(document["warnings"] for document in record["documents"])
    cells.append(_cell("Errors", str(errors), sort=str(errors), css="number"))
    cells.append(_cell("Warnings", str(warnings), sort=str(warnings), css="number"))
    label, url = tracking_issue(record)
    issue = f'<a href="{escape(url)}">{escape(issue_label(url))}</a>' if url else escape(label)
    cells.append(_cell("Tracking issue", issue, sort=label))
    return f'<tr data-state="{record["state"]}" data-position="{position}">' + "".join(cells) + "</tr>"


def _maturity_rank(record: dict[str, Any]) -> str:
    fact = record["maturity"]
    return str(MATURITY_ORDER.index(fact["value"])) if fact and fact["value"] in MATURITY_ORDER else ""


def _completed_date(record: dict[str, Any]) -> str:
    readme = record["readme"]
    fact = readme["completed"] if readme else None
    return str(fact["value"]) if fact and fact["value"] else ""


def _text_cell(label: str, value: str) -> str:
    return _cell(label, escape(value), sort=value)


def _cell(label: str, content: str, sort: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<td{klass} data-label="{escape(label)}" data-sort="{escape(sort)}">{content}</td>'
