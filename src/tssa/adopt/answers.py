"""Turn what a hand-written package states about itself into answers for the template's questions.

Every answer says where it came from (`file:line`). An answer is taken only
when the package's text gives one the questionnaire accepts: a stage or a
Yes/No that is not clear, or an address that is not https://, leaves the
question at the template's default (or empty, where it may be), with a note;
the team's text stays in the document either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tssa.reading.facts import (
    Fact,
    PackageFacts,
    project_folder,
    read_channels,
    read_link_line,
    read_security_contact,
)
from tssa.reading.markdown import MarkdownDocument

_HTTPS = re.compile(r"^https://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?([/?#][^\s<>|`\"\\]*)?$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")

# Answers whose template default names the sample project: left empty when the package does not say.
_EMPTY_UNLESS_FOUND = ("website_url", "security_lead", "project_team", "security_reviewers", "tracking_issue")


@dataclass(frozen=True)
class Answer:
    """One answer taken from the package, and where it was read."""

    key: str
    value: Any
    source: str


@dataclass
class ExtractedAnswers:
    """The answers to pass to copier, each with its source, and notes on what was left at its default."""

    answers: list[Answer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        return {answer.key: answer.value for answer in self.answers}

    def take(self, key: str, value: Any, source: str) -> None:
        self.answers.append(Answer(key, value, source))


def _where(fact: Fact[Any]) -> str:
    return f"{fact.file}:{fact.line}" if fact.file else "the folder's name"


def _one_line(text: str, limit: int) -> bool:
    return bool(text.strip()) and len(text) <= limit and not _CONTROL.search(text)


def extract_answers(
    facts: PackageFacts, documents: dict[str, tuple[str, MarkdownDocument]], folder_name: str | None = None
) -> ExtractedAnswers:
    """The answers a package gives; `documents` are its parsed documents by key, with their file names."""
    result = ExtractedAnswers()
    project = facts.project
    if project.value and _one_line(project.value, 100):
        result.take("project_name", project.value, _where(project))
    slug = (folder_name or project_folder(facts.folder).name).casefold()
    if _SLUG.match(slug) and len(slug) <= 64:
        result.take("project_slug", slug, "the folder's name")
    _metadata(facts, result)
    _readme(facts, result)
    _self_assessment(documents.get("self-assessment"), result)
    taken = {answer.key for answer in result.answers}
    if "readme" in documents:
        filename, readme = documents["readme"]
        site = read_link_line(readme, filename, "web site", "website")
        if site is not None and site.value and _HTTPS.match(site.value):
            result.take("website_url", site.value, _where(site))
        source = read_link_line(readme, filename, "source code")
        if "software_url" not in taken and source is not None and source.value and _HTTPS.match(source.value):
            result.take("software_url", source.value, _where(source))
            result.notes = [note for note in result.notes if not note.startswith("software_url:")]
    taken = {answer.key for answer in result.answers}
    for key in _EMPTY_UNLESS_FOUND:
        if key not in taken:
            result.take(key, "", "not in the package: left empty")
    return result


def _first(facts: PackageFacts, name: str) -> Fact[Any] | None:
    for key in ("self-assessment", "joint-assessment"):
        metadata = facts.metadata.get(key)
        fact = getattr(metadata, name) if metadata is not None else None
        if fact is not None:
            return fact  # type: ignore[no-any-return]
    return None


def _take_if_clear(result: ExtractedAnswers, key: str, fact: Fact[Any] | None, allowed: str) -> None:
    """The normalised value when the text is clear; else a note, and the document keeps the team's text."""
    if fact is not None and fact.value is not None:
        result.take(key, fact.value, _where(fact))
    elif fact is not None:
        result.notes.append(
            f"{key}: {fact.text!r} ({_where(fact)}) is not clearly {allowed}; "
            "the answer stays at its default and the document keeps the team's text"
        )


def _metadata(facts: PackageFacts, result: ExtractedAnswers) -> None:
    stage = _first(facts, "stage")
    _take_if_clear(result, "assessment_stage", stage, "Incomplete, Complete or Obsolete")
    _take_if_clear(result, "security_provider", _first(facts, "security_provider"), "Yes or No")
    software = _first(facts, "software")
    if software is not None and software.value and _HTTPS.match(software.value):
        result.take("software_url", software.value, _where(software))
    elif software is not None:
        result.notes.append(
            f"software_url: {software.text!r} ({_where(software)}) is not an https:// address; default kept"
        )
    else:
        result.notes.append("software_url: no Software row; left empty (the Software row says Not given)")
    languages = _first(facts, "languages")
    if languages is not None and languages.value and all(_one_line(name, 100) for name in languages.value):
        result.take("languages", list(languages.value), _where(languages))
    else:
        where = f" ({languages.text!r}, {_where(languages)})" if languages is not None else ""
        result.notes.append(
            f"languages: no languages named{where}; left empty (the Languages row says Not given): "
            "set them with `tssa update --data 'languages=[...]'`"
        )
    sbom = _first(facts, "sbom")
    if sbom is not None and sbom.value and _HTTPS.match(sbom.value):
        result.take("sbom_url", sbom.value, _where(sbom))
    links = next(
        (metadata.security_links for metadata in facts.metadata.values() if metadata.security_links),
        (),
    )
    usable = {
        link.name: link.url
        for link in links
        if link.url and _HTTPS.match(link.url) and _one_line(link.name, 100) and ":" not in link.name
    }
    if usable:
        first = links[0]
        result.take("security_links", usable, f"{first.file}:{first.line}")
    else:
        # The template's default links are made up from the software address: never put them in a package.
        result.take("security_links", {}, "no security links with https:// addresses in the package")
    if stage is None:
        result.notes.append("assessment_stage: no Assessment Stage row; the answer is the default, Incomplete")


def _readme(facts: PackageFacts, result: ExtractedAnswers) -> None:
    readme = facts.readme
    if facts.maturity is not None and facts.maturity.value:
        result.take("cncf_maturity", facts.maturity.value, _where(facts.maturity))
    if readme is None:
        return
    lead = readme.security_lead
    if lead is not None and lead.value and _one_line(lead.value, 500):
        result.take("security_lead", lead.value, _where(lead))
    for key, fact, limit in (
        ("project_team", readme.project_team, 2000),
        ("security_reviewers", readme.reviewers, 2000),
    ):
        if fact is not None and fact.value:
            joined = ", ".join(fact.value)
            if _one_line(joined, limit):
                result.take(key, joined, _where(fact))
    issue = readme.tracking_issue
    if issue is not None and issue.value and _HTTPS.match(issue.value):
        result.take("tracking_issue", issue.value, _where(issue))
    completed = readme.completed
    if completed is not None and completed.value and _DATE.match(completed.value):
        result.take("completed_date", completed.value, _where(completed))
    elif completed is not None and completed.value:
        result.notes.append(f"completed_date: {completed.text!r} ({_where(completed)}) names no day; left empty")


def _self_assessment(document: tuple[str, MarkdownDocument] | None, result: ExtractedAnswers) -> None:
    if document is None:
        return
    filename, parsed = document
    channels = read_channels(parsed, filename)
    for name in ("internal", "inbound", "outbound"):
        fact = channels.get(name)
        text = (fact.value or "") if fact is not None else ""
        if fact is not None and text.strip() and len(text) <= 5000 and not _CONTROL_MULTILINE.search(text):
            result.take(f"channel_{name}", text, _where(fact))
            continue
        if fact is None:
            why = f"{filename} has no Communication Channels part"
        elif fact.text:
            why = f"{fact.text[:60]!r} ({_where(fact)}) does not plainly say the {name} channel"
        else:
            why = f"the {name} channel is not named near {_where(fact)}"
        result.notes.append(
            f"channel_{name}: {why}; left empty, so a section added shows guidance: "
            f"set it with `tssa update --data channel_{name}=...`"
        )
    contact = read_security_contact(parsed, filename)
    if contact is not None and contact.value and _EMAIL.match(contact.value):
        result.take("security_contact", contact.value, _where(contact))
    else:
        result.notes.append(
            "security_contact: no e-mail address for reports found; left empty, so a section added shows "
            "guidance: set it with `tssa update --data security_contact=...`"
        )
