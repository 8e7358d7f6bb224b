"""The validators' quick checks never change a verdict, and the defaults never need the full checks.

extensions/validators.jinja accepts a plainly good answer itself and hands
every other one to extensions/refusals.jinja, so `copier copy --defaults`
does not compile the full checks. These tests hold the two files to giving
the same verdict and message for every answer, good or bad.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from conftest import render_package

PIECES = [
    "",
    " ",
    "a",
    "Go",
    "x" * 30,
    "\t",
    "\n",
    "\r\n",
    "\x00",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u3000",
    "\udc80",
    "é",
    "流",
    "-",
    "--",
    "@",
    "https://",
    "https://x.org",
    "https://x.org/a b",
    "https://x.org:8443/p?q=1#f",
    "http://x.org",
    "a@b.org",
    "ab",
    "2024-02-29",
    "2026-02-29",
    "2026-04-31",
    "2026-12-28",
    "0000-01-01",
    "2026-13-01",
    "<>|`",
]
TEXTS = sorted({a + b for a, b in itertools.product(PIECES, repeat=2)})
ODD: list[Any] = [None, 0, 1, 3.5, True, False, [], ["Go"], {}, {"a": "b"}]

CALLS = {
    "line": ["line('f', value, 40)", "line('f', value, 2000, required=false)"],
    "multi": ["line('f', value, 40, required=false, one_line=false)"],
    "https_url": ["https_url('f', value)", "https_url('f', value, required=false)"],
    "contact": ["contact('f', value)"],
    "slug": ["slug('f', value)"],
    "date": ["date('f', value)"],
    "yes_no": ["yes_no('f', value)"],
}


def verdicts(jinja: SandboxedEnvironment, call: str, values: list[Any]) -> tuple[list[str], list[str]]:
    """What validators.jinja and refusals.jinja say about each value, rendered in one template each."""
    name = call.split("(")[0]
    results = []
    for module in ("validators.jinja", "refusals.jinja"):
        source = (
            "{% from 'extensions/" + module + "' import " + name + " %}"
            "{% for value in values %}{{ " + call + " }}\x00\x00{% endfor %}"
        )
        results.append(str(jinja.from_string(source).render(values=values)).split("\x00\x00")[:-1])
    return results[0], results[1]


@pytest.mark.parametrize("kind", list(CALLS))
def test_the_quick_checks_give_the_full_checks_verdict_on_every_text(jinja: SandboxedEnvironment, kind: str) -> None:
    for call in CALLS[kind]:
        quick, full = verdicts(jinja, call, [*TEXTS, *ODD])
        for value, said, expected in zip([*TEXTS, *ODD], quick, full, strict=True):
            assert said == expected, (call, value)
    # the lists cover both verdicts
    assert "" in full and any(full)


def test_the_quick_checks_of_lists_and_links_agree_with_the_full_checks(jinja: SandboxedEnvironment) -> None:
    lists: list[Any] = [[a, b] for a, b in itertools.product(PIECES[:20], repeat=2)] + [[text] for text in TEXTS[:400]]
    lists += [*ODD, [None], [["Go"]], ["Go", 3], ["x" * 101], ["x" * 100]]
    quick, full = verdicts(jinja, "text_list('f', value)", lists)
    assert quick == full
    assert "" in full and any(full)
    links: list[Any] = [{name: address} for name, address in itertools.product(PIECES, repeat=2)]
    links += [*ODD, {"a": None}, {"a": ["https://x.org"]}, {1: "https://x.org"}, {"x" * 101: "https://x.org"}]
    links += [{"a": "https://x.org", "b": address} for address in PIECES]
    quick, full = verdicts(jinja, "links('f', value)", links)
    assert quick == full
    assert "" in full and any(full)


@pytest.mark.parametrize("name", ["Flibble", "Open Mesh"])
def test_a_copy_with_the_defaults_never_compiles_the_full_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    loaded: list[str] = []
    get_source = FileSystemLoader.get_source

    def spy(self: FileSystemLoader, environment: Any, template: str) -> Any:
        loaded.append(template)
        return get_source(self, environment, template)

    monkeypatch.setattr(FileSystemLoader, "get_source", spy)
    render_package(tmp_path / "pkg", {"project_name": name})
    assert "extensions/validators.jinja" in loaded
    assert "extensions/refusals.jinja" not in loaded
