"""`tssa index --html`: the page in headless Chromium sorts, filters and fits a phone.

Chromium applies a sort and a filter from the address's fragment (as a shared
link would), and `--dump-dom` shows what the page then holds. The screenshots
are saved under the test's tmp_path for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tssa.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "index"
CHROMIUM = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)

# CI sets TSSA_REQUIRE_CHROMIUM so that a missing browser fails there instead of skipping.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("TSSA_REQUIRE_CHROMIUM"),
    reason="needs chromium (Debian: apt-get install chromium)",
)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("html") / "packages"
    shutil.copytree(FIXTURE, root)
    html = root / "site" / "index.html"
    assert main(["index", str(root), "--html", str(html)]) == 0
    return html


def chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None, "chromium is not installed"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr[-2000:]
    return finished.stdout


class Rows(HTMLParser):
    """The table's rows as the page holds them: project name, and whether the row is hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, bool]] = []
        self.shown = ""
        self.bars: list[str] = []
        self._cell = -1
        self._in_link = False
        self._in_shown = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "tr" and "data-state" in names:
            self.rows.append(("", "hidden" in names))
            self._cell = -1
        elif tag == "td" and self.rows:
            self._cell += 1
        elif tag == "a" and self._cell == 0:
            self._in_link = True
        elif tag == "span" and names.get("id") == "shown":
            self._in_shown = True
        elif tag == "span" and names.get("class") == "bar":
            self.bars.append(names.get("aria-label") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = False
        if tag == "span":
            self._in_shown = False

    def handle_data(self, data: str) -> None:
        if self._in_link:
            name, hidden = self.rows[-1]
            self.rows[-1] = (name + data, hidden)
        if self._in_shown:
            self.shown += data


def rows_after(tmp_path: Path, page: Path, fragment: str) -> Rows:
    parser = Rows()
    parser.feed(chromium(tmp_path, "--dump-dom", f"{page.as_uri()}#{fragment}"))
    return parser


def visible(rows: Rows) -> list[str]:
    return [name for name, hidden in rows.rows if not hidden]


def test_sorting_by_a_column_and_filtering_by_text(tmp_path: Path, page: Path) -> None:
    rows = rows_after(tmp_path, page, "sort=project&order=desc&q=rust")
    assert visible(rows) == ["Zeta", "Alpha"]
    assert len(rows.rows) == 9
    assert rows.shown == "2 of 9 shown"

    rows = rows_after(tmp_path, page, "sort=project&order=asc")
    # One completeness bar per document: Alpha's three come first.
    index = json.loads((page.parent.parent / "index.json").read_text(encoding="utf-8"))
    assert len(rows.bars) == sum(len(record["documents"]) for record in index["packages"])
    alpha = next(record for record in index["packages"] if record["slug"] == "alpha")
    expected = [
        f"{item['sections_written']} of {item['sections_total']} sections written" for item in alpha["documents"]
    ]
    assert rows.bars[:3] == expected
    awkward = "Pipe | Project bold {{ 7*7 }}"
    assert visible(rows) == ["Alpha", "Beta", "Epsilon", "Gamma", "Iota", "Kappa", awkward, "Theta", "Zeta"]


def test_numbers_sort_as_numbers_and_empty_cells_last(tmp_path: Path, page: Path) -> None:
    index = json.loads((page.parent.parent / "index.json").read_text(encoding="utf-8"))
    errors = {
        record["project"]["value"]: sum(document["errors"] for document in record["documents"])
        for record in index["packages"]
    }
    rows = visible(rows_after(tmp_path, page, "sort=errors&order=desc"))
    assert [errors[name] for name in rows] == sorted(errors.values(), reverse=True)
    # Completed: only Alpha has a date. "Not yet" and empty cells come after it in either order,
    # in the listing's order among themselves.
    others = ["Beta", "Epsilon", "Gamma", "Iota", "Kappa", "Pipe | Project bold {{ 7*7 }}", "Theta", "Zeta"]
    for order in ("asc", "desc"):
        assert visible(rows_after(tmp_path, page, f"sort=completed&order={order}")) == ["Alpha", *others]
    rows = visible(rows_after(tmp_path, page, "sort=maturity&order=desc"))
    assert rows[:3] == ["Alpha", "Epsilon", "Zeta"]  # incubating, then the two sandbox projects


def test_the_page_is_offline_and_its_values_are_text(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//(?!github\.com/cncf/)""", html)
    assert "<link" not in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")


@pytest.mark.parametrize(("name", "size"), [("desktop", "1280,900"), ("phone", "390,844")])
def test_screenshots_at_desktop_and_phone_widths(tmp_path: Path, page: Path, name: str, size: str) -> None:
    shot = tmp_path / f"index-{name}.png"
    chromium(tmp_path, f"--window-size={size}", f"--screenshot={shot}", f"{page.as_uri()}#sort=completed&order=desc")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    width = int.from_bytes(data[16:20], "big")
    assert width == int(size.split(",")[0])
