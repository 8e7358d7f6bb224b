"""What the GoReleaser configuration proves: SBOMs, signatures, and where the release publishes them.

The SBOM answer comes from here: a GoReleaser configuration that makes SBOMs
and publishes a GitHub (or GitLab) release puts them on the release page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tssa.prefill.model import PIPELINE, Evidence, Fact, code, listing, sentence
from tssa.prefill.sources import Sources
from tssa.reading import untrusted_yaml as uy

_CONFIG = re.compile(r"^\.?goreleaser[\w.-]*\.ya?ml$")


@dataclass
class Release:
    """The release configuration's facts, and the line that proves SBOMs go on the release page."""

    facts: list[Fact] = field(default_factory=list)
    sbom_evidence: Evidence | None = None
    notes: list[str] = field(default_factory=list)


def release_configs(files: set[str]) -> list[str]:
    """GoReleaser configurations at the top of the checkout, `.goreleaser.yaml` first."""
    return sorted((path for path in files if "/" not in path and _CONFIG.match(path)), key=lambda p: (len(p), p))


def read_release(sources: Sources, files: set[str]) -> Release:
    release = Release()
    for path in release_configs(files)[:5]:
        text = sources.text(path)
        if text is None:
            continue
        try:
            root = uy.compose(text)
        except uy.YamlProblem as problem:
            release.notes.append(f"{problem.describe(path)}; the release configuration is skipped")
            continue
        if root is None or root.kind != "map":
            continue
        _read_one(path, root, sources, release)
    return release


def _read_one(path: str, root: uy.Node, sources: Sources, release: Release) -> None:
    name = code(path)
    sboms = uy.get(root, "sboms")
    if sboms is not None and uy.items(sboms):
        evidence = sources.evidence(path, re.compile(r"^sboms\s*:"))
        artifacts = [uy.scalar(uy.get(item, "artifacts")) or "archive" for item in uy.items(sboms)]
        formats = _sbom_formats(sources, path, sboms)
        if evidence:
            parts = sentence(
                "GoReleaser generates SBOMs of the release's ",
                *listing(list(dict.fromkeys(artifacts))),
                " artifacts" + (f" in {' and '.join(formats)} format" if formats else ""),
                " (",
                name,
                ").",
            )
            release.facts.append(Fact(PIPELINE, "SBOM generation", parts, (evidence,)))
            if not _release_disabled(root):
                release.sbom_evidence = evidence
    for key, what in (
        ("signs", "release artifacts"),
        ("binary_signs", "binaries"),
        ("docker_signs", "container images"),
    ):
        node = uy.get(root, key)
        if node is None or not uy.items(node):
            continue
        fact = _signing_fact(path, key, what, node, sources)
        if fact is not None:
            release.facts.append(fact)


def _sbom_formats(sources: Sources, path: str, node: uy.Node) -> list[str]:
    lines = sources.lines(path)[node.line - 1 : node.end_line]
    text = "\n".join(lines).lower()
    return [name for word, name in (("spdx", "SPDX"), ("cyclonedx", "CycloneDX")) if word in text]


def _signing_fact(path: str, key: str, what: str, node: uy.Node, sources: Sources) -> Fact | None:
    commands = [uy.scalar(uy.get(item, "cmd")) for item in uy.items(node)]
    signer = "cosign" if key == "docker_signs" else "gpg"
    tools = list(dict.fromkeys(_signer(command or signer) for command in commands))
    evidence: list[Evidence] = []
    for tool in tools:
        found = sources.evidence(path, tool.lower(), node.line, node.end_line)
        if found:
            evidence.append(found)
    names = [{"gpg": "GPG", "cosign": "cosign"}.get(tool, tool) for tool in tools]
    if not evidence:
        # No line names the signer: the section's own line proves the signing, GoReleaser's default names the tool.
        key_line = sources.evidence(path, re.compile(rf"^{key}\s*:"))
        if key_line is None:
            return None
        parts = sentence(
            f"GoReleaser signs the {what}: ", code(key), " in ", code(path), f", whose default signer is {names[0]}."
        )
        return Fact(PIPELINE, "signing", parts, (key_line,))
    parts = sentence(f"GoReleaser signs the {what} with ", *listing(names), " (", code(path), ").")
    return Fact(PIPELINE, "signing", parts, tuple(evidence))


def _signer(command: str) -> str:
    word = command.strip().rsplit("/", 1)[-1].split()[0] if command.strip() else "gpg"
    return "gpg" if word in ("gpg", "gpg2") else word[:40]


def _release_disabled(root: uy.Node) -> bool:
    disable = uy.scalar(uy.dig(root, "release.disable"))
    return (disable or "").strip().lower() == "true"
