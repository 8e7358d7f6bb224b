"""Development Pipeline facts from CI workflows: the tools they run, on which events, and how actions are pinned.

Each tool is recognised by the action a step uses or by the command a step
runs, and every fact links the line that holds that action or command (and
the lines of the events that trigger its workflow).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tssa.prefill.model import PIPELINE, Evidence, Fact, Part, code, listing, sentence
from tssa.prefill.sources import Sources, without_comment
from tssa.prefill.workflows import EVENT_WORDS, Job, Step, Workflow

MAX_EVIDENCE = 4


@dataclass(frozen=True)
class Tool:
    """A tool a workflow may run: found by the action it uses or the command it runs (both case-insensitive)."""

    practice: str
    name: str
    does: str  # the rest of the sentence after the name: "analyses the code"
    uses: str | None = None
    run: str | None = None

    def uses_pattern(self) -> re.Pattern[str] | None:
        return _compiled(self.uses)

    def run_pattern(self) -> re.Pattern[str] | None:
        return _compiled(self.run)


@functools.cache
def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.IGNORECASE) if pattern else None


TOOLS: tuple[Tool, ...] = (
    Tool(
        "static analysis",
        "CodeQL",
        "analyses the code",
        r"github/codeql-action/(?:init|analyze)",
        r"\bcodeql (?:database|analyze)\b",
    ),
    Tool("static analysis", "gosec", "checks the Go code for security problems", r"securego/gosec", r"\bgosec\b"),
    Tool("static analysis", "Semgrep", "analyses the code", r"semgrep", r"\bsemgrep\b"),
    Tool("static analysis", "Bandit", "checks the Python code for security problems", r"\bbandit\b", r"\bbandit\b"),
    Tool("static analysis", "SonarCloud", "analyses the code", r"sonarsource/sonar\w*", r"\bsonar-scanner\b"),
    Tool("static analysis", "Checkov", "checks infrastructure code", r"bridgecrewio/checkov-action", r"\bcheckov\b"),
    Tool("static analysis", "KICS", "checks infrastructure code", r"checkmarx/kics-github-action", r"\bkics scan\b"),
    Tool(
        "static analysis",
        "Kubescape",
        "scans the Kubernetes manifests for misconfigurations",
        r"kubescape/github-action",
        r"\bkubescape scan\b",
    ),
    Tool(
        "static analysis",
        "zizmor",
        "checks the workflows for security problems",
        r"zizmorcore/zizmor-action",
        r"\bzizmor\b",
    ),
    Tool(
        "vulnerability scanning",
        "govulncheck",
        "checks the Go code and its dependencies for known vulnerabilities",
        r"golang/govulncheck-action",
        r"\bgovulncheck\b",
    ),
    Tool(
        "vulnerability scanning",
        "Trivy",
        "scans for known vulnerabilities",
        r"aquasecurity/trivy-action",
        r"\btrivy\s+(?:image|fs|filesystem|repo|repository|rootfs|config|k8s|sbom)\b",
    ),
    Tool("vulnerability scanning", "Grype", "scans for known vulnerabilities", r"anchore/scan-action", r"\bgrype\b"),
    Tool(
        "vulnerability scanning",
        "Snyk",
        "scans for known vulnerabilities",
        r"snyk/actions",
        r"\bsnyk\s+(?:test|monitor|container|code)\b",
    ),
    Tool(
        "vulnerability scanning",
        "OSV-Scanner",
        "checks the dependencies for known vulnerabilities",
        r"google/osv-scanner",
        r"\bosv-scanner\b",
    ),
    Tool(
        "vulnerability scanning",
        "GitHub dependency review",
        "checks the dependencies a pull request adds for known vulnerabilities",
        r"actions/dependency-review-action",
    ),
    Tool(
        "vulnerability scanning",
        "Docker Scout",
        "scans container images for known vulnerabilities",
        r"docker/scout-action",
        r"\bdocker scout (?:cves|quickview)\b",
    ),
    Tool(
        "vulnerability scanning",
        "cargo audit",
        "checks the Rust dependencies for known vulnerabilities",
        r"rustsec/audit-check|embarkstudios/cargo-deny-action",
        r"\bcargo (?:audit|deny)\b",
    ),
    Tool(
        "vulnerability scanning",
        "npm audit",
        "checks the npm dependencies for known vulnerabilities",
        None,
        r"\bnpm audit\b",
    ),
    Tool(
        "vulnerability scanning",
        "pip-audit",
        "checks the Python dependencies for known vulnerabilities",
        r"pypa/gh-action-pip-audit",
        r"\bpip-audit\b",
    ),
    Tool(
        "vulnerability scanning",
        "Nancy",
        "checks the Go dependencies for known vulnerabilities",
        r"sonatype-nexus-community/nancy",
        r"\bnancy sleuth\b",
    ),
    Tool(
        "OpenSSF Scorecard", "OpenSSF Scorecard", "rates the repository's security practices", r"ossf/scorecard-action"
    ),
    Tool(
        "fuzzing",
        "CIFuzz (OSS-Fuzz)",
        "builds and runs the project's OSS-Fuzz fuzzers",
        r"google/oss-fuzz/infra/cifuzz",
    ),
    Tool("fuzzing", "ClusterFuzzLite", "builds and runs the fuzzers", r"google/clusterfuzzlite/actions"),
    Tool("fuzzing", "Go native fuzzing", "runs fuzz tests", None, r"\bgo test\b[^\n]*\s-fuzz\b"),
    Tool("fuzzing", "cargo-fuzz", "runs fuzz targets", None, r"\bcargo (?:\+nightly )?fuzz\b"),
    Tool("signing", "cosign", "signs release artifacts", None, r"\bcosign\s+(?:sign|sign-blob)\b"),
    Tool("signing", "cosign installer", "installs cosign for signing", r"sigstore/cosign-installer"),
    Tool("signing", "Sigstore", "signs release artifacts", r"sigstore/gh-action-sigstore-python"),
    Tool(
        "signing",
        "GPG",
        "signs release artifacts",
        r"crazy-max/ghaction-import-gpg",
        r"\bgpg\b[^\n]*--(?:detach-sign|clearsign|sign)\b",
    ),
    Tool("signing", "Notation", "signs container images", r"notaryproject/notation-action", r"\bnotation sign\b"),
    Tool("SBOM generation", "Syft", "generates an SBOM", r"anchore/sbom-action", r"\bsyft\b"),
    Tool(
        "SBOM generation",
        "CycloneDX",
        "generates an SBOM in CycloneDX format",
        r"cyclonedx",
        r"\bcyclonedx-(?:gomod|npm|py|bom|cli|go)\b|--format[= ]cyclonedx|\bcyclonedx-json\b|\.cdx\.json\b",
    ),
    Tool(
        "SBOM generation",
        "SPDX",
        "generates an SBOM in SPDX format",
        r"spdx-sbom-generator|spdx/",
        r"\bspdx-sbom-generator\b|--format[= ]spdx|\bspdx-json\b|\.spdx\.json\b",
    ),
    Tool("SBOM generation", "bom", "generates an SBOM", None, r"\bbom generate\b"),
    Tool("provenance", "SLSA GitHub generator", "generates SLSA provenance", r"slsa-framework/slsa-github-generator"),
    Tool(
        "provenance", "GitHub artifact attestations", "attest the build", r"actions/attest(?:-build-provenance|-sbom)?@"
    ),
    Tool("provenance", "cosign attest", "attaches attestations", None, r"\bcosign attest(?:-blob)?\b"),
    Tool(
        "license scanning",
        "FOSSA",
        "scans the dependencies' licenses",
        r"fossas/fossa-action",
        r"\bfossa (?:analyze|test)\b",
    ),
    Tool("license scanning", "ScanCode", "scans the code for licenses", r"scancode", r"\bscancode\b"),
    Tool("license scanning", "License Eye", "checks license headers", r"apache/skywalking-eyes", r"\blicense-eye\b"),
    Tool(
        "license scanning",
        "go-licenses",
        "checks the Go dependencies' licenses",
        None,
        r"\bgo-licenses (?:check|report)\b",
    ),
    Tool("secret scanning", "Gitleaks", "scans for committed secrets", r"gitleaks/gitleaks-action", r"\bgitleaks\b"),
    Tool(
        "secret scanning", "TruffleHog", "scans for committed secrets", r"trufflesecurity/trufflehog", r"\btrufflehog\b"
    ),
    Tool("secret scanning", "detect-secrets", "scans for committed secrets", None, r"\bdetect-secrets\b"),
    Tool("secret scanning", "GitGuardian", "scans for committed secrets", r"gitguardian/ggshield", r"\bggshield\b"),
    Tool("DCO", "DCO check", "checks that every commit is signed off", r"(?<![a-z])dco(?![a-z])", None),
    Tool("tests", "Codecov", "collects the tests' coverage", r"codecov/codecov-action"),
    Tool(
        "CI hardening",
        "Harden-Runner",
        "watches and limits the network traffic of CI jobs",
        r"step-security/harden-runner",
    ),
    Tool("dependency updates", "Renovate", "proposes dependency updates", r"renovatebot/github-action"),
)
_TESTS = re.compile(
    r"\b(?:go test|gotestsum|ginkgo|make\s+[\w.-]*(?:test|e2e)[\w.-]*|(?:npm|yarn|pnpm) (?:run )?test[\w:-]*"
    r"|pytest|tox|nox"
    r"|cargo (?:test|nextest)|\./mvnw?\b[^\n]*\b(?:test|verify)|mvn\b[^\n]*\b(?:test|verify)|\./gradlew\b[^\n]*\btest"
    r"|gradle\b[^\n]*\btest|bundle exec rake|rake test|rspec|ctest|bazel test|dotnet test|mix test|phpunit"
    r"|hack/[\w./-]*(?:test|e2e)[\w.-]*)(?![\w])",
    re.IGNORECASE,
)
_LINT_RUN = re.compile(
    r"\b(?:golangci-lint|staticcheck|go vet|make\s+[\w.-]*lint[\w.-]*|ruff|flake8|pylint|eslint|shellcheck|hadolint"
    r"|markdownlint(?:-cli2?)?|yamllint|cargo clippy|rubocop|actionlint|helm lint|buf lint|revive)\b",
    re.IGNORECASE,
)
_LINT_USES = re.compile(
    r"(golangci/golangci-lint-action|super-linter/super-linter|github/super-linter|hadolint/hadolint-action"
    r"|ludeeus/action-shellcheck|davidanson/markdownlint-cli2-action|rhysd/actionlint|raven-actions/actionlint"
    r"|ibiqlik/action-yamllint|dominikh/staticcheck-action|astral-sh/ruff-action|helm/chart-testing-action)",
    re.IGNORECASE,
)
_LINT_NAMES = {
    "golangci/golangci-lint-action": "golangci-lint",
    "super-linter/super-linter": "Super-Linter",
    "github/super-linter": "Super-Linter",
    "hadolint/hadolint-action": "hadolint",
    "ludeeus/action-shellcheck": "shellcheck",
    "davidanson/markdownlint-cli2-action": "markdownlint",
    "rhysd/actionlint": "actionlint",
    "raven-actions/actionlint": "actionlint",
    "ibiqlik/action-yamllint": "yamllint",
    "dominikh/staticcheck-action": "staticcheck",
    "astral-sh/ruff-action": "ruff",
    "helm/chart-testing-action": "chart-testing",
}
_PINNED = re.compile(r"@[0-9a-f]{40}\s*$")


@dataclass(frozen=True)
class Hit:
    """Where a tool was found: the workflow, the job, and the line of the action or command."""

    workflow: Workflow
    job: Job
    evidence: Evidence
    matched: str
    target: str = ""  # "images" or "code", when the step says


def pipeline_facts(workflows: list[Workflow], sources: Sources) -> list[Fact]:
    """The Development Pipeline facts the workflows prove, in a fixed order of practices."""
    facts: list[Fact] = []
    facts.extend(_tests_and_linters(workflows, sources))
    hits: dict[Tool, list[Hit]] = {}
    for workflow, job, step in _steps(workflows):
        for tool in TOOLS:
            hit = _find(tool, workflow, job, step, sources)
            if hit is not None:
                hits.setdefault(tool, []).append(hit)
    for workflow in workflows:
        for job in workflow.jobs:
            for tool in TOOLS:
                pattern = tool.uses_pattern()
                if job.uses and pattern and pattern.search(job.uses):
                    evidence = _checked(sources, Evidence(workflow.path, job.uses_line), pattern)
                    if evidence:
                        hits.setdefault(tool, []).append(Hit(workflow, job, evidence, job.uses))
    for tool in TOOLS:
        if tool in hits:
            facts.append(_tool_fact(tool, hits[tool], sources))
    facts.extend(_docker_attestations(workflows, sources))
    pinned = _pinned_actions(workflows, sources)
    if pinned is not None:
        facts.append(pinned)
    return facts


def _steps(workflows: list[Workflow]) -> Iterator[tuple[Workflow, Job, Step]]:
    for workflow in workflows:
        for job in workflow.jobs:
            for step in job.steps:
                yield workflow, job, step


def _find(tool: Tool, workflow: Workflow, job: Job, step: Step, sources: Sources) -> Hit | None:
    uses_pattern = tool.uses_pattern()
    if step.uses and uses_pattern and uses_pattern.search(step.uses):
        evidence = _checked(sources, Evidence(workflow.path, step.uses_line), uses_pattern)
        if evidence:
            return Hit(workflow, job, evidence, step.uses, _target(tool, step))
    run_pattern = tool.run_pattern()
    if step.run and run_pattern and run_pattern.search(step.run):
        found = _command_line(sources, workflow.path, step, run_pattern)
        if found:
            return Hit(workflow, job, found[0], found[1], _target(tool, step))
    return None


def _command_line(sources: Sources, path: str, step: Step, pattern: re.Pattern[str]) -> tuple[Evidence, str] | None:
    """The first line of a step's commands that runs `pattern` (comments do not count), and what it runs."""
    evidence = sources.evidence(path, pattern, step.run_line, step.run_end, code=True)
    if evidence is None:
        return None
    match = pattern.search(without_comment(sources.line(evidence)))
    return (evidence, _command(match.group(0))) if match else None


def _checked(sources: Sources, evidence: Evidence, pattern: re.Pattern[str]) -> Evidence | None:
    return evidence if sources.line_holds(evidence, pattern) else None


def _target(tool: Tool, step: Step) -> str:
    """What a vulnerability scanner scans, when the step says it: container images or the code."""
    if tool.practice != "vulnerability scanning":
        return ""
    text = " ".join([step.run or "", *(f"{key} {value}" for key, (value, _) in step.inputs.items())]).lower()
    if re.search(r"\b(image-ref|image|trivy image|snyk container|docker scout)\b", text):
        return "images"
    if re.search(r"\b(scan-type (fs|repo|filesystem)|path|trivy (fs|repo|filesystem)|scan-ref)\b", text):
        return "code"
    return ""


def _tool_fact(tool: Tool, hits: list[Hit], sources: Sources) -> Fact:
    workflows = list(dict.fromkeys(hit.workflow.path for hit in hits))
    first = hits[0].workflow
    targets = sorted({hit.target for hit in hits if hit.target})
    does = tool.does
    if targets == ["images"]:
        does = does.replace("scans for", "scans container images for")
    elif targets == ["code", "images"]:
        does = does.replace("scans for", "scans the code and container images for")
    elif targets == ["code"]:
        does = does.replace("scans for", "scans the code for")
    where = _where(hits)
    triggers = _trigger_words(first)
    parts = sentence(
        tool.name,
        " ",
        does,
        " in ",
        *where,
        (" (" + f"{len(workflows)} workflows)") if len(workflows) > 3 else "",
        f", on {triggers}" if triggers else "",
        ".",
    )
    evidence = [hit.evidence for hit in hits[: MAX_EVIDENCE - 1]]
    evidence.extend(_trigger_evidence(first, sources)[:1])
    return Fact(PIPELINE, tool.practice, parts, tuple(dict.fromkeys(evidence)))


def _where(hits: list[Hit]) -> list[str | Part]:
    """`workflow ci.yml (job test)` for up to three workflows."""
    pieces: list[str | Part] = []
    seen: list[str] = []
    for hit in hits:
        if hit.workflow.path in seen:
            continue
        seen.append(hit.workflow.path)
        if len(seen) > 3:
            break
        if len(seen) > 1:
            pieces.append(", ")
        pieces += ["workflow ", code(hit.workflow.file_name), " (job ", code(hit.job.id), ")"]
    return pieces


def _trigger_words(workflow: Workflow) -> str:
    words = list(dict.fromkeys(EVENT_WORDS[event] for event in workflow.triggers if event in EVENT_WORDS))
    if workflow.tag_pushes and "pushes" in words:
        words[words.index("pushes")] = "pushes of tags" if workflow.tags_only else "pushes of branches or tags"
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _trigger_evidence(workflow: Workflow, sources: Sources) -> list[Evidence]:
    """The line of the pull-request trigger when there is one, else of the first trigger."""
    ordered = sorted(
        workflow.triggers.items(), key=lambda item: (item[0] not in ("pull_request", "pull_request_target"), item[1])
    )
    for event, line in ordered:
        evidence = Evidence(workflow.path, line)
        if sources.line_holds(evidence, event):
            return [evidence]
    return []


def _tests_and_linters(workflows: list[Workflow], sources: Sources) -> list[Fact]:
    facts: list[Fact] = []
    for practice, label in (("tests", "Tests"), ("linters", "Linters")):
        hits: list[Hit] = []
        names: list[str] = []
        for workflow, job, step in _steps(workflows):
            hit = (
                _test_hit(workflow, job, step, sources)
                if practice == "tests"
                else _lint_hit(workflow, job, step, sources)
            )
            if hit is not None:
                hits.append(hit)
                names.append(hit.matched)
        if not hits:
            continue
        on_pull_requests = [hit for hit in hits if hit.workflow.on_pull_requests()]
        chosen = on_pull_requests or hits
        first = chosen[0].workflow
        shown = list(dict.fromkeys(hit.matched for hit in chosen))[:4]
        triggers = "on pull requests" if on_pull_requests else (f"on {_trigger_words(first)}" if first.triggers else "")
        verb = " run " + triggers if triggers else " run"
        parts = sentence(label, verb, ": ", *listing(shown), " in ", *_where(chosen), ".")
        evidence = [hit.evidence for hit in chosen[: MAX_EVIDENCE - 1]]
        evidence.extend(_trigger_evidence(first, sources)[:1])
        facts.append(Fact(PIPELINE, practice, parts, tuple(dict.fromkeys(evidence))))
    return facts


def _test_hit(workflow: Workflow, job: Job, step: Step, sources: Sources) -> Hit | None:
    if not step.run or not _TESTS.search(step.run):
        return None
    found = _command_line(sources, workflow.path, step, _TESTS)
    return Hit(workflow, job, *found) if found else None


def _lint_hit(workflow: Workflow, job: Job, step: Step, sources: Sources) -> Hit | None:
    if step.uses and (match := _LINT_USES.search(step.uses)):
        evidence = _checked(sources, Evidence(workflow.path, step.uses_line), _LINT_USES)
        name = _LINT_NAMES.get(match.group(1).lower(), match.group(1))
        return Hit(workflow, job, evidence, name) if evidence else None
    if step.run and _LINT_RUN.search(step.run):
        found = _command_line(sources, workflow.path, step, _LINT_RUN)
        return Hit(workflow, job, *found) if found else None
    return None


def _command(text: str) -> str:
    return " ".join(text.split())[:60]


def _docker_attestations(workflows: list[Workflow], sources: Sources) -> list[Fact]:
    """docker/build-push-action with `sbom:` or `provenance:` inputs: attestations attached to images."""
    facts: list[Fact] = []
    for practice, key, does in (
        ("SBOM generation", "sbom", "attaches an SBOM attestation to the container images it builds"),
        ("provenance", "provenance", "attaches a provenance attestation to the container images it builds"),
    ):
        for workflow, job, step in _steps(workflows):
            if not step.uses or "docker/build-push-action" not in step.uses.lower() or key not in step.inputs:
                continue
            value, line = step.inputs[key]
            if value.strip().lower() in ("false", "0", ""):
                continue
            evidence = _checked(sources, Evidence(workflow.path, line), re.compile(re.escape(key), re.IGNORECASE))
            if evidence:
                parts = sentence(
                    "docker/build-push-action ", does, " in ", *_where([Hit(workflow, job, evidence, key)]), "."
                )
                facts.append(Fact(PIPELINE, practice, parts, (evidence,)))
                break
    return facts


def _pinned_actions(workflows: list[Workflow], sources: Sources) -> Fact | None:
    """How many of the actions the workflows use are pinned to a full commit SHA (stated when most are)."""
    references: list[tuple[str, str, int]] = []
    for workflow in workflows:
        for job in workflow.jobs:
            if job.uses:
                references.append((workflow.path, job.uses, job.uses_line))
            references.extend((workflow.path, step.uses, step.uses_line) for step in job.steps if step.uses)
    external = [item for item in references if not item[1].startswith(("./", "docker://"))]
    pinned = [item for item in external if _PINNED.search(item[1])]
    if not pinned or len(pinned) * 4 < len(external) * 3:
        return None
    evidence = []
    for path, uses, line in pinned:
        sha = uses.rsplit("@", 1)[1].strip()
        found = _checked(sources, Evidence(path, line), re.compile(re.escape(sha)))
        if found:
            evidence.append(found)
        if len(evidence) == 2:
            break
    count = "All" if len(pinned) == len(external) else f"{len(pinned)} of"
    parts = sentence(f"{count} {len(external)} actions the workflows use are pinned to a full commit SHA.")
    return Fact(PIPELINE, "pinned actions", parts, tuple(evidence))


def release_sbom(workflows: list[Workflow], sources: Sources) -> Evidence | None:
    """The line of an SBOM tool in a workflow that runs on releases (or tag pushes), when there is one."""
    for tool in TOOLS:
        if tool.practice != "SBOM generation":
            continue
        for workflow, job, step in _steps(workflows):
            if workflow.on_release() and (hit := _find(tool, workflow, job, step, sources)) is not None:
                return hit.evidence
    return None
