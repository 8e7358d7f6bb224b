"""Every way of writing a repository's remote gives one https address, or none."""

from __future__ import annotations

import pytest

from tssa.prefill.gitinfo import Repository, web_url


@pytest.mark.parametrize(
    "remote",
    [
        "git@github.com:acme/rocket.git",
        "git@github.com:acme/rocket",
        "ssh://git@github.com/acme/rocket.git",
        "ssh://git@github.com:22/acme/rocket.git",
        "https://github.com/acme/rocket.git",
        "https://user:token@github.com/acme/rocket/",
        "http://github.com/acme/rocket",
        "git://github.com/acme/rocket.git",
        "https://GitHub.com/acme/rocket",
    ],
)
def test_github_remotes_give_one_address(remote: str) -> None:
    assert web_url(remote) == "https://github.com/acme/rocket"


@pytest.mark.parametrize(
    "remote",
    [
        "git@gitlab.com:space/team/rocket.git",
        "https://gitlab.com/space/team/rocket.git",
        "ssh://git@gitlab.com/space/team/rocket",
    ],
)
def test_gitlab_remotes_keep_their_groups(remote: str) -> None:
    assert web_url(remote) == "https://gitlab.com/space/team/rocket"


def test_an_https_port_is_kept() -> None:
    assert web_url("https://git.example.org:8443/rocket.git") == "https://git.example.org:8443/rocket"


@pytest.mark.parametrize("remote", ["/srv/git/rocket.git", "file:///srv/git/rocket.git", "../rocket", "", "https://"])
def test_local_and_empty_remotes_give_no_address(remote: str) -> None:
    assert web_url(remote) is None


def test_links_follow_the_host() -> None:
    assert Repository("https://github.com/a/r", "main", "origin").link("docs/x.md") == (
        "https://github.com/a/r/blob/main/docs/x.md"
    )
    assert Repository("https://gitlab.com/g/r", "dev", "origin", prefix="sub/").link("x", folder=True) == (
        "https://gitlab.com/g/r/-/tree/dev/sub/x"
    )
    assert Repository(None, "main", None).link("docs/x.md") == "docs/x.md"
