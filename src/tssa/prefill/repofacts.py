"""Development Pipeline facts from the repository's other files: dependency updates, owners and reviews,
sign-off, fuzz tests, pre-commit hooks, linter settings, the Makefile and other CI systems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tssa.prefill.model import BEST_PRACTICES, PIPELINE, Evidence, Fact, Part, code, listing, plural, quote, sentence
from tssa.prefill.pipeline import TOOLS
from tssa.prefill.sources import Sources, clean_line
from tssa.reading import untrusted_yaml as uy
from tssa.reading.markdown import lines_of

DEPENDABOT = (".github/dependabot.yml", ".github/dependabot.yaml")
RENOVATE = (
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)
CODEOWNERS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
OTHER_CI = {
    ".gitlab-ci.yml": "The GitLab CI configuration",
    ".circleci/config.yml": "The CircleCI configuration",
    ".travis.yml": "The Travis CI configuration",
    "Jenkinsfile": "The Jenkinsfile",
    "azure-pipelines.yml": "The Azure Pipelines configuration",
    ".cirrus.yml": "The Cirrus CI configuration",
    ".drone.yml": "The Drone configuration",
    "cloudbuild.yaml": "The Cloud Build configuration",
    ".prow.yaml": "The Prow configuration",
    "Makefile": "The Makefile",
}
GOLANGCI = (".golangci.yml", ".golangci.yaml")
PRE_COMMIT = (".pre-commit-config.yaml", ".pre-commit-config.yml")
# pre-commit hook ids that are security tools, with the practice they serve.
PRE_COMMIT_HOOKS = {
    "gitleaks": "secret scanning",
    "detect-secrets": "secret scanning",
    "trufflehog": "secret scanning",
    "ggshield": "secret scanning",
    "detect-private-key": "secret scanning",
    "bandit": "static analysis",
    "semgrep": "static analysis",
    "gosec": "static analysis",
    "checkov": "static analysis",
}
_INTERVAL_WORDS = ("daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "cron")
_SIGN_OFF = re.compile(r"signed-off-by|\bDCO\b|developer certificate of origin|\bsign(?:ed)?[- ]off\b", re.IGNORECASE)
_APPROVALS = re.compile(
    r"\b(?:at least|two|2|one|1|a|an)\s+(?:\w+\s+){0,3}?"
    r"(?:approvals?|approving reviews?|LGTMs?|maintainers? (?:must |to |should )?approv\w*)",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not|no longer|don't|doesn't|isn't|aren't|never|without)\b", re.IGNORECASE)
_GO_FUZZ = re.compile(r"^func (Fuzz\w*)\(\s*\w+\s+\*testing\.F\s*\)")
MAX_TEST_FILES = 3000
MAX_TEST_BYTES = 32 * 1024 * 1024
MAX_FUZZ_SHOWN = 3


def repository_facts(
    sources: Sources, files: set[str], documents: dict[str, list[str]], notes: list[str]
) -> list[Fact]:
    """Every fact these files prove, in a fixed order."""
    facts: list[Fact] = []
    for fact in (
        _dependabot(sources, files, notes),
        _renovate(sources, files),
        _codeowners(sources, files),
        _settings_reviews(sources, files),
        _owners_file(sources, files),
        _review_rules(sources, documents),
        _sign_off(sources, files, documents),
        _clusterfuzzlite(sources, files),
        _go_fuzz_tests(sources, files),
        _rust_fuzz_targets(sources, files),
        _golangci(sources, files),
    ):
        if fact is not None and fact.evidence:
            facts.append(fact)
    facts.extend(_pre_commit(sources, files))
    return facts


def other_ci_facts(sources: Sources, files: set[str], known: set[str]) -> list[Fact]:
    """Security tools the Makefile or another CI system runs, for tools the workflows do not already show."""
    facts: list[Fact] = []
    for path, label in OTHER_CI.items():
        if path not in files:
            continue
        for tool in TOOLS:
            pattern = tool.run_pattern()
            if tool.name in known or pattern is None or tool.practice in ("DCO",):
                continue
            evidence = sources.evidence(path, pattern, code=True)
            if evidence is None:
                continue
            target = _make_target(sources, evidence) if path == "Makefile" else None
            where = (" (target ", code(target), ")") if target else (" (", code(path), ")")
            parts = sentence(label, " runs ", tool.name, ", which ", tool.does, *where, ".")
            facts.append(Fact(PIPELINE, tool.practice, parts, (evidence,)))
            known.add(tool.name)
    return facts


def badge_facts(sources: Sources, readme: str | None, best_practices: tuple[str, int] | None) -> list[Fact]:
    """Facts the README's badges prove: the Best Practices badge, Scorecard, FOSSA and OSS-Fuzz."""
    facts: list[Fact] = []
    if readme is None:
        return facts
    if best_practices is not None:
        project, line = best_practices
        evidence = Evidence(readme, line)
        if sources.line_holds(evidence, f"projects/{project}"):
            parts = sentence("The project has an OpenSSF Best Practices badge (project ", code(project), ").")
            facts.append(Fact(BEST_PRACTICES, "OpenSSF Best Practices", parts, (evidence,)))
    for practice, pattern, words, section in (
        (
            "OpenSSF Scorecard",
            re.compile(r"(?:securityscorecards|scorecard)\.dev/(?:projects|viewer)", re.IGNORECASE),
            "The README shows the project's OpenSSF Scorecard badge.",
            BEST_PRACTICES,
        ),
        (
            "license scanning",
            re.compile(r"app\.fossa\.(?:com|io)", re.IGNORECASE),
            "FOSSA scans the project's licenses (README badge).",
            PIPELINE,
        ),
        ("fuzzing", re.compile(r"oss-fuzz", re.IGNORECASE), "OSS-Fuzz fuzzes the project (README).", PIPELINE),
    ):
        found = sources.evidence(readme, pattern)
        if found:
            facts.append(Fact(section, practice, sentence(words), (found,)))
    return facts


def _dependabot(sources: Sources, files: set[str], notes: list[str]) -> Fact | None:
    path = next((candidate for candidate in DEPENDABOT if candidate in files), None)
    text = sources.text(path) if path else None
    if path is None or text is None:
        return None
    try:
        root = uy.compose(text)
    except uy.YamlProblem as problem:
        notes.append(f"{problem.describe(path)}; not read")
        return None
    ecosystems: dict[str, list[str]] = {}
    evidence: list[Evidence] = []
    for update in uy.items(uy.get(root, "updates")):
        ecosystem_node = uy.get(update, "package-ecosystem")
        ecosystem = uy.scalar(ecosystem_node)
        if not ecosystem or ecosystem_node is None:
            continue
        interval_node = uy.dig(update, "schedule.interval")
        interval = uy.scalar(interval_node) or ""
        found = Evidence(path, ecosystem_node.line)
        if not sources.line_holds(found, ecosystem):
            continue
        intervals = ecosystems.setdefault(ecosystem, [])
        if interval.lower() in _INTERVAL_WORDS and interval.lower() not in intervals:
            intervals.append(interval.lower())
        if len(evidence) < 3 and all(item.line != found.line for item in evidence):
            evidence.append(found)
    if not ecosystems:
        return None
    pieces: list[str | Part] = []
    for index, (ecosystem, intervals) in enumerate(ecosystems.items()):
        if index:
            pieces.append(" and " if index == len(ecosystems) - 1 else ", ")
        pieces.append(code(ecosystem))
        if intervals:
            pieces.append(f" ({', '.join(intervals)})")
    parts = sentence("Dependabot proposes dependency updates for ", *pieces, ".")
    return Fact(PIPELINE, "dependency updates", parts, tuple(evidence))


def _renovate(sources: Sources, files: set[str]) -> Fact | None:
    path = next((candidate for candidate in RENOVATE if candidate in files), None)
    if path is None or sources.text(path) is None:
        return None
    evidence = [
        found
        for found in (
            sources.evidence(path, "renovate") or sources.evidence(path, re.compile(r"[\"']?extends[\"']?\s*:")),
            sources.evidence(path, re.compile(r"[\"']?schedule[\"']?\s*:")),
        )
        if found
    ]
    if not evidence:
        return None
    words: tuple[str | Part, ...] = ()
    if len(evidence) > 1:
        line = sources.line(evidence[1])
        value = re.search(r"schedule[\"']?\s*:\s*\[?\s*[\"']([^\"']{1,120})[\"']", line)
        words = (", on the schedule ", quote(value.group(1) if value else clean_line(line)))
    parts = sentence("Renovate proposes dependency updates (", code(path), ")", *words, ".")
    return Fact(PIPELINE, "dependency updates", parts, tuple(evidence))


def _codeowners(sources: Sources, files: set[str]) -> Fact | None:
    path = next((candidate for candidate in CODEOWNERS if candidate in files), None)
    if path is None:
        return None
    rules = [
        (number, line.strip())
        for number, line in enumerate(sources.lines(path), 1)
        if line.strip() and not line.lstrip().startswith("#") and "@" in line
    ]
    if not rules:
        return None
    number, first = rules[0]
    count = f"{len(rules)} rules" if len(rules) > 1 else "one rule"
    parts = sentence(
        "CODEOWNERS names who reviews changes (", count, "; the first is ", code(" ".join(first.split())[:200]), ")."
    )
    return Fact(PIPELINE, "code owners and reviews", parts, (Evidence(path, number),))


def _settings_reviews(sources: Sources, files: set[str]) -> Fact | None:
    path = ".github/settings.yml"
    if path not in files:
        return None
    count = sources.evidence(path, re.compile(r"required_approving_review_count\s*:\s*[1-9]"))
    owners = sources.evidence(path, re.compile(r"require_code_owner_reviews\s*:\s*true", re.IGNORECASE))
    evidence = tuple(found for found in (count, owners) if found)
    if not evidence:
        return None
    words: list[str | Part] = []
    if count:
        number = re.search(r"count\s*:\s*(\d+)", sources.line(count))
        words.append(f"{number.group(1) if number else 'approving'} approving reviews")
    if owners:
        words.append(" and " if words else "")
        words.append("a review by the code owners")
    parts = sentence("Branch protection (", code(path), ") requires ", *words, " before a merge.")
    return Fact(PIPELINE, "code owners and reviews", parts, evidence)


def _owners_file(sources: Sources, files: set[str]) -> Fact | None:
    if "OWNERS" not in files:
        return None
    evidence = sources.evidence("OWNERS", re.compile(r"^\s*approvers\s*:"))
    if evidence is None:
        return None
    parts = sentence("An ", code("OWNERS"), " file names the approvers of changes (Prow).")
    return Fact(PIPELINE, "code owners and reviews", parts, (evidence,))


def _review_rules(sources: Sources, documents: dict[str, list[str]]) -> Fact | None:
    for path in [*documents.get("contributing guide", [])[:1], *documents.get("governance", [])[:1]]:
        for number, line in enumerate(sources.lines(path), 1):
            if _APPROVALS.search(line) and re.search(r"\b(?:merg|pull request|PR|change|review)", line, re.IGNORECASE):
                parts = sentence(code(path), " sets the review rule ", quote(clean_line(line)), ".")
                return Fact(PIPELINE, "code owners and reviews", parts, (Evidence(path, number),))
    return None


def _sign_off(sources: Sources, files: set[str], documents: dict[str, list[str]]) -> Fact | None:
    candidates = [*documents.get("contributing guide", [])[:1], "DCO", ".github/PULL_REQUEST_TEMPLATE.md"]
    for path in candidates:
        if path not in files:
            continue
        evidence = sources.evidence(path, _SIGN_OFF)
        if evidence is None or _NEGATION.search(sources.line(evidence)):
            continue
        if path == "DCO":
            parts = sentence("The repository holds the Developer Certificate of Origin (", code("DCO"), ").")
        else:
            parts = sentence(
                code(path), " asks for signed-off commits: ", quote(clean_line(sources.line(evidence))), "."
            )
        return Fact(PIPELINE, "DCO", parts, (evidence,))
    return None


def _clusterfuzzlite(sources: Sources, files: set[str]) -> Fact | None:
    path = ".clusterfuzzlite/project.yaml"
    if path not in files:
        return None
    evidence = sources.evidence(path, re.compile(r"^\s*language\s*:\s*\S"))
    if evidence is None:
        return None
    language = sources.line(evidence).split(":", 1)[1].strip()
    parts = sentence("ClusterFuzzLite is set up for ", code(language), " (", code(".clusterfuzzlite/"), ").")
    return Fact(PIPELINE, "fuzzing", parts, (evidence,))


def _go_fuzz_tests(sources: Sources, files: set[str]) -> Fact | None:
    tests = [path for path in files if path.endswith("_test.go")]
    tests.sort(key=lambda path: ("fuzz" not in path.lower(), path))
    found: list[tuple[str, Evidence]] = []
    files_with = 0
    budget = MAX_TEST_BYTES
    read = 0
    for path in tests[:MAX_TEST_FILES]:
        if budget <= 0:
            break
        read += 1
        text = sources.peek(path)  # not kept: thousands of test files would fill memory
        budget -= len(text or "")
        if text is None or "testing.F" not in text:
            continue
        matches = [
            (number, match.group(1)) for number, line in enumerate(lines_of(text), 1) if (match := _GO_FUZZ.match(line))
        ]
        if matches:
            files_with += 1
            found.extend((name, Evidence(path, number)) for number, name in matches)
    if not found:
        return None
    at_least = "at least " if len(tests) > read else ""
    names = [name for name, _ in found[:MAX_FUZZ_SHOWN]]
    such_as = ", such as " if len(found) > len(names) else ": "
    counted = f"{at_least}{plural(len(found), 'native fuzz test')} in {plural(files_with, 'file')}"
    parts = sentence(f"The Go code has {counted}{such_as}", *listing(names), ".")
    return Fact(PIPELINE, "fuzzing", parts, tuple(evidence for _, evidence in found[:MAX_FUZZ_SHOWN]))


def _rust_fuzz_targets(sources: Sources, files: set[str]) -> Fact | None:
    targets = sorted(
        path for path in files if "fuzz_targets/" in path and re.search(r"(?:^|/)fuzz/fuzz_targets/[^/]+\.rs$", path)
    )
    evidence = [found for path in targets[:20] if (found := sources.evidence(path, "fuzz_target!"))]
    if not evidence:
        return None
    parts = sentence(f"The Rust code has {plural(len(evidence), 'cargo-fuzz target')}.")
    return Fact(PIPELINE, "fuzzing", parts, tuple(evidence[:MAX_FUZZ_SHOWN]))


def _golangci(sources: Sources, files: set[str]) -> Fact | None:
    path = next((candidate for candidate in GOLANGCI if candidate in files), None)
    text = sources.text(path) if path else None
    if path is None or text is None:
        return None
    try:
        root = uy.compose(text)
    except uy.YamlProblem:
        return None
    for item in uy.items(uy.dig(root, "linters.enable")):
        if uy.scalar(item) == "gosec":
            evidence = Evidence(path, item.line)
            if sources.line_holds(evidence, "gosec"):
                parts = sentence(
                    "The golangci-lint configuration enables gosec, which checks the Go code for security problems (",
                    code(path),
                    ").",
                )
                return Fact(PIPELINE, "static analysis", parts, (evidence,))
    return None


def _pre_commit(sources: Sources, files: set[str]) -> Iterable[Fact]:
    path = next((candidate for candidate in PRE_COMMIT if candidate in files), None)
    text = sources.text(path) if path else None
    if path is None or text is None:
        return []
    try:
        root = uy.compose(text)
    except uy.YamlProblem:
        return []
    facts: list[Fact] = []
    for repository in uy.items(uy.get(root, "repos")):
        for hook in uy.items(uy.get(repository, "hooks")):
            node = uy.get(hook, "id")
            hook_id = uy.scalar(node)
            if node is None or hook_id not in PRE_COMMIT_HOOKS:
                continue
            evidence = Evidence(path, node.line)
            if sources.line_holds(evidence, hook_id):
                parts = sentence(
                    "The pre-commit configuration runs ", code(hook_id), " before each commit (", code(path), ")."
                )
                facts.append(Fact(PIPELINE, PRE_COMMIT_HOOKS[hook_id], parts, (evidence,)))
    return facts


def _make_target(sources: Sources, evidence: Evidence) -> str | None:
    lines = sources.lines(evidence.path)
    for number in range(evidence.line - 1, 0, -1):
        match = re.match(r"^([A-Za-z0-9][\w.-]*)\s*:(?!=)", lines[number - 1])
        if match:
            return match.group(1)
    return None
