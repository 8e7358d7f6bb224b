"""Whether the project is a Security Provider, proposed from how it describes itself.

The descriptions read are the repository settings' description and topics,
the Helm chart's description and keywords, the README title's subtitle and
the README's first paragraph. A security function named there (a policy
engine, a scanner, certificates, secrets, authorization, signing, identity...)
proposes Yes; descriptions that name none propose No; no description, no
proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tssa.prefill.model import Evidence
from tssa.prefill.sources import Sources

_SECURITY_FUNCTIONS = re.compile(
    r"\b(?:polic(?:y|ies)[- ](?:engine|management|enforcement|as[- ]code|controller|agent)"
    r"|security (?:platform|tool|scanner|posture|policy|policies|engine|solution|framework|observability|monitoring)"
    r"|(?:kubernetes|cloud[- ]native|container|runtime|supply[- ]chain|workload|network) security"
    r"|vulnerabilit(?:y|ies)|misconfigurations?|(?:security|vulnerability|image|container) scann(?:er|ing)"
    r"|certificates?|x\.?509|\bpki\b|secrets?[- ](?:management|manager|managers|store|stores|operator|encryption)"
    r"|external secrets?|\bvault\b|authori[sz]ation|authenticat(?:ion|or)|access control|\brbac\b|permissions? engine"
    r"|identity (?:provider|management|framework|and access)|workload identit(?:y|ies)|zero[- ]trust"
    r"|(?:code|artifact|image|container|software) signing|signatures?|sigstore|attestations?|provenance"
    r"|encrypt(?:ion|ed|s)?|key management|\bkms\b|\bhsm\b|intrusion detection|threat detection"
    r"|compliance (?:scann(?:er|ing)|checks?|audit(?:s|ing)?|engine|as[- ]code|operator|monitoring|reporting)"
    r"|admission control(?:ler)?s?|sandbox(?:ed|ing)? (?:runtime|container)s?|secure (?:software )?supply chain)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Description:
    """A description of the project, where it is, and the words to find it by on its line."""

    what: str
    text: str
    evidence: Evidence


@dataclass(frozen=True)
class ProviderProposal:
    """Yes or No, the words that say so (empty for No), and the descriptions read."""

    provider: bool
    words: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    read: tuple[str, ...]


def propose_provider(descriptions: list[Description], sources: Sources) -> ProviderProposal | None:
    """Yes when a description names a security function (each with its line), No when none does, None with none."""
    if not descriptions:
        return None
    words: list[str] = []
    evidence: list[Evidence] = []
    for description in descriptions:
        for match in _SECURITY_FUNCTIONS.finditer(description.text):
            word = match.group(0)
            found = sources.evidence(
                description.evidence.path, word, description.evidence.line, description.evidence.line + 30
            )
            if found is None:
                continue
            if word.lower() not in (known.lower() for known in words):
                words.append(word)
            if found not in evidence and len(evidence) < 3:
                evidence.append(found)
    read = tuple(description.what for description in descriptions)
    if words:
        return ProviderProposal(True, tuple(words[:5]), tuple(evidence), read)
    first = descriptions[0].evidence
    return ProviderProposal(False, (), (first,), read)


def settings_description(sources: Sources, files: set[str]) -> list[Description]:
    """The description and topics in `.github/settings.yml` (the Settings app), each with its line."""
    path = ".github/settings.yml"
    found: list[Description] = []
    if path not in files:
        return found
    for key, what in (("description", "repository description"), ("topics", "repository topics")):
        evidence = sources.evidence(path, re.compile(rf"^\s+{key}\s*:\s*\S"))
        if evidence:
            text = sources.line(evidence).split(":", 1)[1].strip().strip("\"'")
            found.append(Description(what, text, evidence))
    return found


def chart_description(sources: Sources, files: set[str], slug: str) -> list[Description]:
    """The description and keywords of the project's Helm chart (the one named after it, or the only one)."""
    charts = sorted(path for path in files if path.endswith("/Chart.yaml") and path.count("/") <= 3)
    named = [path for path in charts if path.rsplit("/", 2)[-2].lower() == slug]
    chosen = named[:1] or (charts if len(charts) == 1 else [])
    found: list[Description] = []
    for path in chosen:
        evidence = sources.evidence(path, re.compile(r"^description\s*:\s*\S"))
        if evidence:
            text = sources.line(evidence).split(":", 1)[1].strip().strip("\"'")
            found.append(Description("Helm chart description", text, evidence))
        keywords = sources.evidence(path, re.compile(r"^keywords\s*:"))
        if keywords:
            lines = sources.lines(path)[keywords.line : keywords.line + 15]
            items = [line.strip()[1:].strip() for line in lines if line.strip().startswith("-")]
            if items:
                found.append(Description("Helm chart keywords", " ".join(items), Evidence(path, keywords.line + 1)))
    return found
