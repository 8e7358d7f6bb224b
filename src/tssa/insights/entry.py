"""Build the Security Insights `assessments.self` entry from a package on disk.

The evidence is the self-assessment's address in its home: the TOC repository
for `projects/<p>/security-assessment/`, the TAG's repository for
`community/assessments/projects/<p>/`, and the TOC home (where new packages go)
for a package kept anywhere else.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from urllib.parse import quote

from tssa.errors import NotFoundError, RefusedError, UsageError
from tssa.git import git_output
from tssa.reading.answers import ANSWERS_FILE, PROJECT_KEY, read_answer_file
from tssa.reading.facts import project_folder
from tssa.reading.filehead import read_head
from tssa.reading.markdown import Table, parse
from tssa.reading.outline import SELF_ASSESSMENT
from tssa.reading.resolve import normalize
from tssa.reading.validators import is_https_url, is_line, is_slug, slug_of
from tssa.terminal import UNSAFE

TOC_HOME = "https://github.com/cncf/toc/blob/main/projects/{slug}/security-assessment/self-assessment.md"
TAG_HOME = "https://github.com/cncf/tag-security/blob/main/community/assessments/projects/{slug}/self-assessment.md"
MAX_BYTES = 4 * 1024 * 1024
# "Rocket Self-assessment", "Rocket Security Self-Assessment", "Self-assessment of Rocket", ...
_SELF_ASSESSMENT_WORDS = re.compile(
    r"^(?:security\s+)?self[- ]?assessment(?:\s+(?:of|for))?\s*[:-]?\s*"
    r"|\s*[:-]?\s*(?:security\s+)?self[- ]?assessment$",
    re.IGNORECASE,
)


class NoSelfAssessmentError(NotFoundError):
    """The package path holds no self-assessment to point at."""


class NotASelfAssessmentError(UsageError):
    """The path given is a file other than a self-assessment (the joint README, a joint assessment, ...)."""


class BadAnswersError(RefusedError):
    """The package's answers file is there but cannot be read: the entry's name and address may come from it."""


class BadOptionError(UsageError):
    """An option value is not in the form the command allows."""


def build_entry(package: Path, evidence: str | None, date: str | None, today: datetime.date) -> dict[str, str]:
    """name, evidence, date and comment for the package's self-assessment."""
    document = _self_assessment(package)
    content = read_head(document, MAX_BYTES)
    if content.text is None:
        raise NoSelfAssessmentError(f"{document} {content.problem}")
    read = read_answer_file(document.parent)
    if read.problem is not None:
        where = document.parent / ANSWERS_FILE
        raise BadAnswersError(f"{where}: {read.problem}; fix it and run again")
    answers = read.values
    parsed = parse(content.text)
    # Control, bidirectional and invisible characters are stripped: the entry is read by people and scanners alike.
    project = UNSAFE.sub(
        "", _project_name(parsed.headings[0].text if parsed.headings else "", answers, document.parent)
    )
    if evidence is not None and not is_https_url(evidence):
        raise BadOptionError(f'--evidence: give an https:// address; "{evidence[:60]}" is not one')
    stage = _stage(parsed.tables)
    stage = UNSAFE.sub("", stage) if stage else None
    comment = f"{project} self-assessment, written with the CNCF TAG Security and Compliance guide"
    return {
        "name": f"{project} self-assessment",
        "evidence": evidence or _home(document, answers, project),
        "date": date or _date(document, today),
        "comment": f"{comment}; Assessment Stage: {stage}." if stage else f"{comment}.",
    }


def _self_assessment(package: Path) -> Path:
    if package.is_file():
        if package.name.casefold() != SELF_ASSESSMENT.filename:
            raise NotASelfAssessmentError(
                f"{package}: is {package.name}, not a self-assessment; give the package folder or its "
                f"{SELF_ASSESSMENT.filename}"
            )
        return package.resolve()  # a path the user names may be a link; links inside a package are not followed
    candidate = package / SELF_ASSESSMENT.filename
    if package.is_dir() and candidate.is_file() and not candidate.is_symlink():
        return candidate
    if candidate.is_symlink():
        raise NoSelfAssessmentError(f"{candidate} is a link; give the file it points to")
    if not package.exists():
        raise NoSelfAssessmentError(f"{package}: no such file or folder")
    raise NoSelfAssessmentError(f"{package}: holds no {SELF_ASSESSMENT.filename}")


def _project_name(title: str, answers: dict[str, object], folder: Path) -> str:
    recorded = answers.get(PROJECT_KEY)
    if isinstance(recorded, str) and is_line(recorded):
        return recorded
    words = _SELF_ASSESSMENT_WORDS.sub("", " ".join(title.split())).strip()
    return words if is_line(words) else project_folder(folder.resolve()).name


def _home(document: Path, answers: dict[str, object], project: str) -> str:
    parts = document.resolve().parent.parts
    if len(parts) >= 3 and parts[-3:-1] == ("assessments", "projects") and parts[-4:-3] == ("community",):
        return TAG_HOME.format(slug=quote(parts[-1].encode("utf-8", "surrogateescape")))
    if len(parts) >= 3 and parts[-1] == "security-assessment" and parts[-3] == "projects":
        return TOC_HOME.format(slug=quote(parts[-2].encode("utf-8", "surrogateescape")))
    recorded = answers.get("project_slug")
    slug = recorded if isinstance(recorded, str) and is_slug(recorded) else slug_of(project) or "project"
    return TOC_HOME.format(slug=slug)


def _date(document: Path, today: datetime.date) -> str:
    committed = git_output(document.parent, "log", "-1", "--format=%cs", "--", document.name)
    if committed:
        return committed
    try:
        return datetime.date.fromtimestamp(document.stat().st_mtime).isoformat()
    except (OSError, ValueError, OverflowError):
        return today.isoformat()


def _stage(tables: list[Table]) -> str | None:
    for table in tables:
        for row in (table.header, *table.rows):
            if len(row) >= 2 and normalize(row[0]) == "assessment stage":
                value = " ".join(str(row[1]).split()).strip(" .")
                return value if is_line(value, 40) else None
    return None
