"""The questionnaire: every question typed and explained, bad answers refused by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import TEMPLATE_ROOT, render_package
from tssa.reading.outline import CNCF_MATURITY, PERSONAS, STAGES

CONFIG: dict[str, Any] = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))
QUESTIONS = {name: spec for name, spec in CONFIG.items() if not name.startswith("_")}
# Values copier computes but never asks or records (`when: false`).
ASKED = {name: spec for name, spec in QUESTIONS.items() if spec.get("when") is not False}


def test_every_question_has_a_type_and_help() -> None:
    assert QUESTIONS
    for name, spec in QUESTIONS.items():
        assert spec.get("type") in {"str", "bool", "yaml", "int", "float", "json"}, name
        assert spec.get("help", "").strip(), name


def test_every_question_is_one_short_line_over_an_explanation_that_fits_80_columns() -> None:
    for name, spec in ASKED.items():
        question, *explanation = spec["help"].splitlines()
        # Copier shows the help as the prompt, after its two-column microphone and a space.
        assert question.endswith("?") and len(question) <= 80 - 3, name
        assert all(line.startswith("   ") and len(line) <= 79 for line in explanation), name
        # A placeholder would be echoed after an empty answer, as if it had been given.
        assert "placeholder" not in spec, name


def test_every_free_text_question_has_a_validator() -> None:
    for name, spec in ASKED.items():
        if spec["type"] != "bool" and "choices" not in spec:
            assert spec.get("validator", "").strip(), name


def test_choices_match_the_outline_model() -> None:
    assert QUESTIONS["assessment_stage"]["choices"] == list(STAGES)
    # the personas are written once in copier.yml: the choices and the template's rows loop over them
    assert QUESTIONS["persona_labels"]["default"] == PERSONAS
    assert list(QUESTIONS["persona_labels"]["default"]) == list(PERSONAS)
    assert "persona_labels.items()" in QUESTIONS["personas"]["choices"]
    assert list(QUESTIONS["cncf_maturity"]["choices"].values()) == list(CNCF_MATURITY)
    for key in PERSONAS:
        assert f"term_{key}" in QUESTIONS
        assert key in QUESTIONS[f"term_{key}"]["when"]


def test_the_template_needs_no_trust() -> None:
    assert not {"_jinja_extensions", "_tasks", "_migrations"} & set(CONFIG)
    assert CONFIG["_subdirectory"] == "template"


def test_the_message_after_copy_says_what_to_do_next(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import copier

    copier.run_copy(str(TEMPLATE_ROOT), tmp_path / "pkg", defaults=True, vcs_ref="HEAD")
    err = capsys.readouterr().err
    assert "tssa check" in err
    assert "projects/flibble/security-assessment/" in err


BAD_ANSWERS = [
    ("project_name", "", "required; type some text"),
    ("project_name", "Flib\nble", "must be one line; remove the line breaks"),
    ("project_name", "F" * 101, "at most 100 characters, this has 101"),
    ("project_name", "Flib\x07ble", "contains the control character '\\x07'"),
    ("project_slug", "flibble/core", "use lowercase letters, digits and single hyphens"),
    ("project_slug", "..", "use lowercase letters, digits and single hyphens"),
    ("project_slug", "../etc", "use lowercase letters, digits and single hyphens"),
    ("project_slug", "Flibble", "use lowercase letters, digits and single hyphens"),
    ("project_slug", "flib--ble", "use lowercase letters, digits and single hyphens"),
    ("assessment_stage", "Draft", "['Incomplete', 'Complete', 'Obsolete']"),
    ("software_url", "http://github.com/flibble/flibble", "give an https:// address without spaces"),
    ("software_url", "github.com/flibble", "give an https:// address without spaces"),
    ("software_url", "https://", "give an https:// address without spaces"),
    ("software_url", "https://github.com/a b", "give an https:// address without spaces"),
    ("software_url", "https://github.com/a|b", "give an https:// address without spaces"),
    ("website_url", "ftp://flibble.example.org", "give an https:// address without spaces"),
    ("languages", "Go", "give a list such as [Go, Rust], or [] for none yet"),
    ("languages", [3.1], "every entry must be text"),
    ("languages", ["Go\nRust"], "must be one line"),
    ("sbom_url", "sbom.json", "give an https:// address without spaces"),
    ("security_links", "https://example.org", 'give one "name: https://address" per line'),
    ("security_links", {"Policy": "http://example.org"}, '"Policy": give an https:// address'),
    ("personas", [], "choose at least one persona"),
    ("channel_inbound", "x" * 5001, "at most 5000 characters"),
    ("security_contact", "nobody", "give an e-mail address (name@example.org) or an https:// address"),
    (
        "security_contact",
        "http://example.org/report",
        "give an e-mail address (name@example.org) or an https:// address",
    ),
    ("tracking_issue", "#123", "give an https:// address without spaces"),
    ("completed_date", "2026-13-01", "use YYYY-MM-DD"),
    ("completed_date", "22/11/2026", "use YYYY-MM-DD"),
    ("cncf_maturity", "alpha", "['sandbox', 'incubating', 'graduated', 'none']"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_ANSWERS, ids=lambda value: str(value)[:20])
def test_a_bad_answer_is_refused_by_name_and_nothing_is_written(
    tmp_path: Path, field: str, value: Any, message: str
) -> None:
    destination = tmp_path / "pkg"
    with pytest.raises(ValueError, match=f"'{field}'") as raised:
        render_package(destination, {field: value})
    assert message in str(raised.value)
    assert not destination.exists()


GOOD_ANSWERS = [
    ("security_contact", "security@flibble.example.org"),
    ("security_contact", "https://github.com/flibble/flibble/security/advisories/new"),
    ("website_url", ""),
    ("software_url", ""),
    ("security_contact", ""),
    ("channel_inbound", ""),
    ("sbom_url", ""),
    ("completed_date", "2026-02-28"),
    ("project_slug", "open-flibble2"),
    ("software_url", "https://gitlab.example.org:8443/group/flibble?tab=readme#top"),
]


@pytest.mark.parametrize(("field", "value"), GOOD_ANSWERS, ids=lambda value: str(value)[:20])
def test_a_good_answer_is_accepted(tmp_path: Path, field: str, value: Any) -> None:
    folder = render_package(tmp_path / "pkg", {field: value})
    recorded = yaml.safe_load((folder / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert recorded[field] == value


def test_copie_renders_the_defaults_as_a_user_would(copie: Any) -> None:
    result = copie.copy(extra_answers={"project_name": "Flibble Mesh"})
    assert result.exception is None
    assert (
        result.project_dir.joinpath("self-assessment.md")
        .read_text(encoding="utf-8")
        .startswith("# Flibble Mesh Self-assessment\n")
    )
    answers = yaml.safe_load(result.project_dir.joinpath(".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_slug"] == "flibble-mesh"
    assert answers["_commit"]


def test_copie_reports_a_bad_stage(copie: Any) -> None:
    result = copie.copy(extra_answers={"assessment_stage": "In Progress"})
    assert result.exit_code != 0
    assert "assessment_stage" in str(result.exception)
