"""Which files count for the languages answer: `.gitattributes` linguist rules as git matches them."""

from __future__ import annotations

from collections import Counter

import pytest

from tssa.prefill.languages import is_excluded, main_languages, read_rules

ATTRIBUTES = """\
# generated code
*.gen.go linguist-generated
api/*.ts linguist-generated=true
third/** linguist-vendored
third/ours/** -linguist-vendored
docs/** linguist-documentation
"""


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("pkg/deep/model.gen.go", True),  # a pattern without a slash matches the name at any depth
        ("pkg/model.go", False),
        ("api/client.ts", True),  # a pattern with a slash is anchored to the file's folder
        ("api/v2/client.ts", False),
        ("web/api/client.ts", False),
        ("third/lib/x.c", True),
        ("third/ours/x.c", False),  # a later line unsets the attribute
        ("docs/conf.py", False),  # other attributes do not count
        ("ui/app.min.js", True),  # minified files are generated
    ],
)
def test_linguist_rules_match_as_git_does(path: str, excluded: bool) -> None:
    assert is_excluded(path, read_rules(ATTRIBUTES, "")) is excluded


def test_rules_of_a_nested_file_apply_below_its_folder_only() -> None:
    rules = read_rules("*.ts linguist-generated\n", "web/")
    assert is_excluded("web/a/b.ts", rules)
    assert not is_excluded("api/b.ts", rules)


@pytest.mark.hostile
def test_patterns_with_many_wildcards_are_passed_over() -> None:
    # Matching `*a*a*a*a*b` against a long name of a's backtracks through every split of it.
    rules = read_rules("*a*a*a*a*b linguist-generated\n" + "x/" * 200 + "y linguist-vendored\n", "")
    assert rules == []
    kept = read_rules("**/**/gen/**/*.go linguist-generated\n", "")
    assert is_excluded("a/gen/b/c.go", kept)


def test_main_languages_are_the_ones_with_a_real_share() -> None:
    counts = Counter({"Go": 900, "Shell": 60, "Python": 30, "C": 10})
    assert main_languages(counts) == ["Go", "Shell"]
    assert main_languages(Counter({"Rust": 1})) == ["Rust"]
