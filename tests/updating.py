"""Template repositories, packages and author text for the update tests.

Built the way copier tests itself: a git repository of the template in a
temporary folder, copied from this working tree and tagged; a package copied
from one tag and committed; then the template changed, tagged again, and the
package updated.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier

from conftest import TEMPLATE_ROOT
from tssa.reading.markdown import parse
from tssa.reading.outline import slug

IDENTITY = {
    "GIT_AUTHOR_NAME": "tssa tests",
    "GIT_AUTHOR_EMAIL": "tests@tssa.invalid",
    "GIT_COMMITTER_NAME": "tssa tests",
    "GIT_COMMITTER_EMAIL": "tests@tssa.invalid",
}
CONFLICT_OPENING = "<<<<<<< before updating"


def git(cwd: Path, *args: str) -> str:
    """Run git with a test identity, whatever the machine has configured."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env={**os.environ, **IDENTITY}
    )
    return result.stdout


def make_template(folder: Path, tag: str = "v0.0.1", older: Callable[[Path], None] | None = None) -> Path:
    """A git repository holding the working tree's template (made `older` first, if given), tagged."""
    folder.mkdir(parents=True)
    copy_working_tree(folder)
    if older is not None:
        older(folder)
    git(folder, "init", "--quiet", "--initial-branch=main")
    release(folder, tag)
    return folder


def copy_working_tree(template: Path) -> None:
    """Put the working tree's template files into `template`, replacing what is there."""
    shutil.copy2(TEMPLATE_ROOT / "copier.yml", template / "copier.yml")
    for name in ("template", "extensions"):
        shutil.rmtree(template / name, ignore_errors=True)
        shutil.copytree(TEMPLATE_ROOT / name, template / name)


def release(template: Path, tag: str) -> None:
    """Commit the template as it is and tag it."""
    git(template, "add", "--all")
    git(template, "commit", "--quiet", "--allow-empty", "-m", f"release {tag}")
    git(template, "tag", tag)


def edit(template: Path, relative: str, change: Callable[[str], str]) -> None:
    """Change one file of the template; the change must change something."""
    path = template / relative
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit of {relative} changed nothing"
    path.write_text(after, encoding="utf-8")


def replace_once(old: str, new: str) -> Callable[[str], str]:
    """An edit that replaces text found exactly once."""

    def change(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} is not in the file exactly once"
        return text.replace(old, new)

    return change


def replace_all(old: str, new: str) -> Callable[[str], str]:
    """An edit that replaces every occurrence of a text."""
    return lambda text: text.replace(old, new)


def swap_blocks(first: str, second: str) -> Callable[[str], str]:
    """An edit that swaps two adjacent sections, given their heading lines."""

    def change(text: str) -> str:
        start, middle = text.index(first + "\n"), text.index(second + "\n")
        level = second.split(" ")[0]
        end_match = re.compile(rf"^#{{1,{len(level)}}} ", re.MULTILINE).search(text, middle + len(second))
        end = end_match.start() if end_match else len(text)
        swapped = text[middle:end].rstrip("\n") + "\n\n" + text[start:middle].rstrip("\n") + "\n"
        return text[:start] + swapped + ("\n" + text[end:] if end < len(text) else "")

    return change


def make_package(template: Path, folder: Path, tag: str = "v0.0.1", answers: dict[str, Any] | None = None) -> Path:
    """A package copied from one version of the template, committed to its own git repository."""
    copier.run_copy(str(template), folder, data=answers or {}, vcs_ref=tag, defaults=True, quiet=True)
    git(folder, "init", "--quiet", "--initial-branch=main")
    commit(folder, "package as generated")
    return folder


def commit(folder: Path, message: str) -> None:
    git(folder, "add", "--all")
    git(folder, "commit", "--quiet", "-m", message)


Key = tuple[str, tuple[str, ...]]
"""A document's file name and the heading path of one of its sections (the title's is empty)."""


def heading_spans(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """Each section's heading path and its 0-based lines [heading, next heading)."""
    headings = parse(text).headings
    line_count = len(text.split("\n"))
    spans: dict[tuple[str, ...], tuple[int, int]] = {}
    path: list[tuple[int, str]] = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].line - 1 if index + 1 < len(headings) else line_count
        if heading.level == 1:
            path = []
            spans.setdefault((), (heading.line - 1, end))
            continue
        while path and path[-1][0] >= heading.level:
            path.pop()
        path.append((heading.level, slug(heading.text)))
        spans[tuple(name for _, name in path)] = (heading.line - 1, end)
    return spans


def write_into_sections(package: Path, text_for: Callable[[Key], list[str]]) -> dict[Key, list[str]]:
    """Append the author's lines at the end of every section of the documents; commit them."""
    written: dict[Key, list[str]] = {}
    for path in sorted(package.glob("*.md")):
        name = path.name
        lines = path.read_text(encoding="utf-8").splitlines()
        spans = heading_spans("\n".join(lines))
        for section, (_, end) in sorted(spans.items(), key=lambda item: -item[1][1]):
            new = text_for((name, section))
            if not new:
                continue
            while end > 0 and not lines[end - 1].strip():
                end -= 1
            lines[end:end] = ["", *new]
            written[(name, section)] = new
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    commit(package, "the authors write")
    return written


Written = tuple[Path, Path, dict[Key, list[str]]]
"""A template repository, a package made from it, and what the authors wrote in the package."""


def written_package(folder: Path, older: Callable[[Path], None] | None = None) -> Written:
    """A template at v0.0.1 (made `older` first, if given) and a package from it, written in everywhere."""
    template = make_template(folder / "template", older=older)
    package = make_package(template, folder / "flibble")
    return template, package, write_into_sections(package, unique_author_text)


def unique_author_text(key: Key) -> list[str]:
    """Two lines and a bullet that say which section they belong to."""
    name, section = key
    where = f"{name} {'/'.join(section) or 'title'}"
    return [
        f"Author text for {where}, first line.",
        f"Second line for {where}.",
        "",
        f"- A point for {where}.",
    ]


def missing_or_misplaced(
    package: Path, written: dict[Key, list[str]], moved: dict[Key, Key] | None = None
) -> list[str]:
    """Every author line not found in its section (after `moved` maps old sections to new)."""
    problems: list[str] = []
    for key, lines in written.items():
        name, section = (moved or {}).get(key, key)
        path = package / name
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        spans = heading_spans(text)
        if section not in spans:
            problems.append(f"{name}: section {'/'.join(section) or 'title'} is gone")
            continue
        start, end = spans[section]
        inside = text.split("\n")[start:end]
        problems.extend(f"{name} {'/'.join(section)}: {line!r}" for line in lines if line and line not in inside)
    return problems


def as_utf8_copy(package: Path, destination: Path) -> Path:
    """The package's documents decoded from UTF-16 (with its mark) or UTF-8, written as UTF-8 into `destination`.

    Bytes that are not UTF-8 become U+FFFD, so the line checks can read the copy.
    """
    destination.mkdir()
    for path in package.glob("*.md"):
        data = path.read_bytes()
        for mark, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
            if data.startswith(mark):
                text = data[len(mark) :].decode(codec)
                break
        else:
            text = data.decode("utf-8", "replace")
        (destination / path.name).write_text(text, encoding="utf-8")
    return destination


def conflict_markers(package: Path) -> list[str]:
    """The `file:line` of every conflict marker line in the package's documents."""
    return [
        f"{path.name}:{number}"
        for path in sorted(package.glob("*.md"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.startswith(("<<<<<<<", ">>>>>>>"))
    ]


def render_version(template: Path, tag: str, destination: Path, answers: dict[str, Any] | None = None) -> Path:
    """A fresh package of one template version, for comparison."""
    copier.run_copy(str(template), destination, data=answers or {}, vcs_ref=tag, defaults=True, quiet=True)
    return destination


def _normalized(lines: list[str]) -> list[str]:
    kept: list[str] = []
    for line in lines:
        if line.strip() or (kept and kept[-1].strip()):
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def differs_from_fresh(package: Path, fresh: Path, written: dict[Key, list[str]]) -> list[str]:
    """The documents that, with the author's lines taken out, are not the fresh rendering."""
    author = {line for lines in written.values() for line in lines if line}
    differing: list[str] = []
    for path in sorted(fresh.glob("*.md")):
        updated = (package / path.name).read_text(encoding="utf-8").splitlines()
        expected = _normalized(path.read_text(encoding="utf-8").splitlines())
        if _normalized([line for line in updated if line not in author]) != expected:
            differing.append(path.name)
    return differing


# ---------------------------------------------------------------- the second version

SELF = "template/self-assessment.md.jinja"
JOINT = "template/joint-assessment.md.jinja"
README = "template/README.md.jinja"
OLD_GUIDANCE = "The problem area, for a reviewer who does not know it: what the project"
NEW_GUIDANCE = "The problem area, explained for a reviewer new to it: what the project"
SUPPLY_CHAIN = """### Supply chain

<!-- guide: secure-development-practices/supply-chain
How dependencies are chosen, pinned and watched for vulnerabilities.
end guide: secure-development-practices/supply-chain -->

### Ecosystem
"""


def add_section_and_reword(template: Path) -> None:
    """Change the template: a new section (Supply chain, with its contents line) and reworded guidance."""
    edit(template, SELF, replace_once("### Ecosystem\n", SUPPLY_CHAIN))
    edit(
        template,
        SELF,
        replace_once("  - [Ecosystem](#ecosystem)", "  - [Supply chain](#supply-chain)\n  - [Ecosystem](#ecosystem)"),
    )
    edit(template, SELF, replace_once(OLD_GUIDANCE, NEW_GUIDANCE))


def release_v2(template: Path) -> None:
    """The second version: a new section, reworded guidance, swapped sections, a new title line."""
    add_section_and_reword(template)
    edit(template, SELF, swap_blocks("### Actors", "### Actions"))
    edit(
        template,
        SELF,
        replace_once(
            "  - [Actors](#actors)\n  - [Actions](#actions)", "  - [Actions](#actions)\n  - [Actors](#actors)"
        ),
    )
    edit(
        template,
        SELF,
        replace_once("# {{ inline(project_name) }} Self-assessment", "# Self-assessment of {{ inline(project_name) }}"),
    )
    edit(template, JOINT, swap_blocks("### Attacker motivations", "### Predisposing conditions"))
    edit(template, JOINT, swap_blocks("## Roadmap", "## Appendix"))
    edit(
        template,
        README,
        replace_once("Tracking issue: {{", "The TAG tracks the assessment in one issue.\n\nTracking issue: {{"),
    )
    release(template, "v0.0.2")
