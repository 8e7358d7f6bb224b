"""GitHub Actions workflows as prefill needs them: triggers, jobs and steps, each with its line.

A workflow is read with the bounded YAML reader; one that is not YAML, goes
over a bound or is not a mapping is skipped with a note naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tssa.prefill.sources import Sources
from tssa.reading import untrusted_yaml as uy

# Events, in the words a sentence uses.
EVENT_WORDS = {
    "pull_request": "pull requests",
    "pull_request_target": "pull requests",
    "merge_group": "the merge queue",
    "push": "pushes",
    "schedule": "a schedule",
    "release": "releases",
    "workflow_dispatch": "a manual run",
    "workflow_call": "calls from other workflows",
}
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target", "merge_group")
MAX_TOTAL_BYTES = 8 * 1024 * 1024


@dataclass
class Step:
    """One step: the action it uses or the commands it runs, with lines; `inputs` are its `with:` values."""

    line: int
    end_line: int
    name: str | None = None
    uses: str | None = None
    uses_line: int = 0
    run: str | None = None
    run_line: int = 0
    run_end: int = 0
    inputs: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class Job:
    id: str
    line: int
    end_line: int
    name: str | None = None
    uses: str | None = None  # a reusable workflow
    uses_line: int = 0
    inputs: dict[str, tuple[str, int]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)


@dataclass
class Workflow:
    path: str
    name: str | None = None
    triggers: dict[str, int] = field(default_factory=dict)  # event → its line
    tag_pushes: int = 0  # the line of `push: tags:` when pushes of tags trigger it
    tags_only: bool = False  # pushes of tags trigger it, pushes of branches do not
    jobs: list[Job] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def on_pull_requests(self) -> bool:
        return any(event in self.triggers for event in PULL_REQUEST_EVENTS)

    def on_release(self) -> bool:
        return "release" in self.triggers or bool(self.tag_pushes)


def read_workflows(sources: Sources, paths: list[str], notes: list[str]) -> list[Workflow]:
    """Every workflow that can be read; a note for each one skipped."""
    found: list[Workflow] = []
    budget = MAX_TOTAL_BYTES
    for index, path in enumerate(paths):
        if budget <= 0:
            limit = f"{MAX_TOTAL_BYTES / 1024:,.0f} KiB"
            notes.append(f"{len(paths) - index} workflows not read: {limit} of workflows were read already (the limit)")
            break
        text = sources.text(path)
        if text is None:
            continue
        budget -= len(text)
        try:
            root = uy.compose(text)
        except uy.YamlProblem as problem:
            notes.append(f"{problem.describe(path)}; the workflow is skipped")
            continue
        if root is None or root.kind != "map":
            notes.append(f"{path} does not hold a workflow (a mapping of keys); skipped")
            continue
        found.append(_workflow(path, root))
    return found


def _workflow(path: str, root: uy.Node) -> Workflow:
    workflow = Workflow(path, _one_line(uy.scalar(uy.get(root, "name"))))
    # YAML 1.1 reads a bare `on` as true; the key is looked up as it is written.
    for key, value in uy.entries(root):
        if key in ("on", "true", "True"):
            _triggers(workflow, value)
    for job_id, node in uy.entries(uy.get(root, "jobs")):
        if node.kind != "map":
            continue
        job = Job(_one_line(job_id) or "job", node.line, node.end_line, _one_line(uy.scalar(uy.get(node, "name"))))
        uses = uy.get(node, "uses")
        if uses is not None and uy.scalar(uses):
            job.uses, job.uses_line = uy.scalar(uses), uses.line
        job.inputs = _inputs(uy.get(node, "with"))
        for step_node in uy.items(uy.get(node, "steps")):
            if step_node.kind == "map":
                job.steps.append(_step(step_node))
        workflow.jobs.append(job)
    return workflow


def _triggers(workflow: Workflow, node: uy.Node) -> None:
    if node.kind == "scalar":
        workflow.triggers.setdefault(node.text, node.line)
    elif node.kind == "seq":
        for item in node.items:
            if item.kind == "scalar":
                workflow.triggers.setdefault(item.text, item.line)
    elif node.kind == "map":
        for key, value in node.pairs:
            if key.kind == "scalar":
                workflow.triggers.setdefault(key.text, key.line)
                if key.text == "push" and (tags := uy.get(value, "tags")) is not None:
                    workflow.tag_pushes = tags.line
                    workflow.tags_only = uy.get(value, "branches") is None


def _step(node: uy.Node) -> Step:
    step = Step(node.line, node.end_line, _one_line(uy.scalar(uy.get(node, "name"))))
    uses = uy.get(node, "uses")
    if uses is not None and uy.scalar(uses):
        step.uses, step.uses_line = uy.scalar(uses), uses.line
    run = uy.get(node, "run")
    if run is not None and uy.scalar(run) is not None:
        step.run, step.run_line, step.run_end = uy.scalar(run), run.line, max(run.end_line, run.line)
    step.inputs = _inputs(uy.get(node, "with"))
    return step


def _inputs(node: uy.Node | None) -> dict[str, tuple[str, int]]:
    return {key: (value.text, value.line) for key, value in uy.entries(node) if value.kind == "scalar"}


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    line = " ".join("".join(char if char.isprintable() else " " for char in value).split())
    return line[:120] or None
