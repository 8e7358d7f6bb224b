"""The bounded YAML reader: values with their lines, aliases counted at their full size, bad values named."""

from __future__ import annotations

import time

import pytest

from tssa.reading import untrusted_yaml as uy


def test_nodes_carry_their_lines_and_keys_are_read_as_written() -> None:
    root = uy.compose("on:\n  pull_request:\njobs:\n  test:\n    steps:\n      - run: |\n          make test\n")
    assert [key for key, _ in uy.entries(root)] == ["on", "jobs"]  # `on` stays `on`, not true
    step = uy.items(uy.dig(root, "jobs.test.steps"))[0]
    run = uy.get(step, "run")
    assert run is not None and (run.line, uy.scalar(run)) == (6, "make test\n")
    assert run.end_line >= 7


def test_merge_keys_and_plain_aliases_are_read() -> None:
    text = "base: &base {image: alpine, user: root}\njob:\n  <<: *base\n  user: nobody\nsame: *base\n"
    assert uy.load(text) == {
        "base": {"image": "alpine", "user": "root"},
        "job": {"image": "alpine", "user": "nobody"},
        "same": {"image": "alpine", "user": "root"},
    }
    assert uy.scalar(uy.dig(uy.compose(text), "job.image")) == "alpine"


def test_scalars_keep_their_text_except_booleans_nulls_and_integers() -> None:
    data = uy.load("a: 2.0.0\nb: 2.10\nc: 2024-02-29\nd: yes\ne: ~\nf: 0x1F\ng: '007'\n")
    assert data == {"a": "2.0.0", "b": "2.10", "c": "2024-02-29", "d": True, "e": None, "f": 31, "g": "007"}


@pytest.mark.hostile
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x: 2023-02-30\n", "line 1: field x: 2023-02-30 is not a valid date"),
        ("x:\n  y: " + "1" * 400 + "\n", "line 2: field x.y: is a number of 400 digits"),
        ("x: !custom value\n", "line 1: field x: has the tag !custom, which is not read"),
        ("list:\n  - " + "[" * 100 + "\n", "field list[0]"),
        ("x: *missing\n", "the alias *missing has no anchor before it"),
    ],
)
def test_bad_values_name_their_field_and_line(text: str, message: str) -> None:
    with pytest.raises(uy.YamlProblem) as raised:
        uy.load(text)
    assert message in raised.value.describe("f.yml")
    assert raised.value.describe("f.yml").startswith("f.yml line ")


@pytest.mark.hostile
def test_an_alias_bomb_is_refused_while_it_is_read() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    started = time.monotonic()
    with pytest.raises(uy.YamlProblem, match="more than 100,000 values once its aliases are expanded"):
        uy.compose("\n".join(levels) + "\n")
    assert time.monotonic() - started < 1
    # The same shape, small enough, is read, and each alias counts at its full size.
    small = uy.compose("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n")
    assert small is not None and small.size == 1 + (1 + 4) + (1 + 1 + 3 * 4) + (1 + 1 + 2 * 13)


@pytest.mark.hostile
def test_only_the_first_document_is_read() -> None:
    assert uy.load("a: 1\n---\nb: [unclosed\n") == {"a": 1}
