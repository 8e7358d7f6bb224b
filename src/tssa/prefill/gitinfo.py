"""The repository's web address and default branch, from the checkout's git remote and HEAD.

Only local git data is read (`git config`, symbolic refs); nothing goes over
the network. SSH, HTTPS and git:// remotes of one repository give the same
https address, without user names, passwords or tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from tssa.git import git_output
from tssa.reading.validators import is_https_url

_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!/).+)$")


@dataclass(frozen=True)
class Repository:
    """Where the checkout's files are on the web, when the remote says so."""

    url: str | None
    branch: str
    remote: str | None
    prefix: str = ""
    note: str | None = None
    branch_source: str = "the checked-out branch"
    commit: str | None = None
    problem: str | None = None  # one line for the user: the remote could not be read

    def link(self, path: str, folder: bool = False) -> str:
        """A web link to a file (or folder) of the checkout; the bare path when the address is unknown."""
        if self.url is None:
            return path
        kind = "tree" if folder else "blob"
        return f"{self._base()}{kind}/{self.branch}/{self.prefix}{path}"

    def line_base(self) -> str | None:
        """The start of a web link to a file at the checkout's commit, or None without an address or a commit."""
        if self.url is None or self.commit is None:
            return None
        return f"{self._base()}blob/{self.commit}/{quote(self.prefix, safe='/')}"

    def _base(self) -> str:
        assert self.url is not None
        return self.url + ("/-/" if "gitlab" in (urlsplit(self.url).hostname or "") else "/")


class RemoteError(ValueError):
    """A remote that looks like a web address but cannot be one (a port out of range, a broken host)."""


def web_url(remote: str) -> str | None:
    """The https address of a repository remote, or None for a local path or an unknown form.

    `RemoteError` when the remote is a URL that cannot be read (its words say why).
    """
    try:
        return _web_url(remote.strip())
    except ValueError as error:
        raise RemoteError(str(error).lower() or "not a valid address") from None


def repository_root(url: str) -> str:
    """A repository address as a base for links: no trailing slashes, no `.git`."""
    url = url.strip().rstrip("/")
    return url[:-4] if url.endswith(".git") else url


def _web_url(remote: str) -> str | None:
    scp = _SCP_LIKE.match(remote)
    if scp and "://" not in remote:
        host, path = scp.group("host"), scp.group("path")
    else:
        parts = urlsplit(remote)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh", "ssh+git") or not parts.hostname:
            return None
        host = parts.hostname
        # An ssh port is not the web port; an https port is kept.
        if parts.scheme in ("https", "http") and parts.port:
            host = f"{host}:{parts.port}"
        path = parts.path
    path = repository_root(path.strip("/")).strip("/")
    if not path or not host:
        return None
    url = f"https://{host.lower()}/{path}"
    return url if is_https_url(url) else None


def read_repository(checkout: Path) -> Repository:
    """The repository of a checkout: upstream, else origin, else the first remote; branch from the remote's HEAD."""
    prefix = git_output(checkout, "rev-parse", "--show-prefix")
    if prefix is None:
        return Repository(None, "HEAD", None, note="not a git checkout", branch_source="not a git checkout")
    remotes = (git_output(checkout, "remote") or "").split()
    preferred: list[str] = [candidate for candidate in ("upstream", "origin") if candidate in remotes]
    ordered = preferred or sorted(remotes)
    name = ordered[0] if ordered else None
    branch = None
    branch_source = "the checked-out branch"
    url = None
    note = None
    problem = None
    if name is None:
        note = "no git remote"
    else:
        raw = git_output(checkout, "config", "--get", f"remote.{name}.url") or ""
        try:
            url = web_url(raw)
        except RemoteError as error:
            note = f"remote {name} is not a web address ({error})"
            problem = f"git remote {name}: {error}; no links to the repository are made"
        else:
            if url is None:
                note = f"remote {name} is not a web address"
        head = git_output(checkout, "symbolic-ref", "--quiet", "--short", f"refs/remotes/{name}/HEAD")
        if head and head.startswith(f"{name}/"):
            branch, branch_source = head[len(name) + 1 :], f"{name}/HEAD"
    if branch is None:
        branch = git_output(checkout, "symbolic-ref", "--quiet", "--short", "HEAD")
    if not branch:
        branch, branch_source = "HEAD", "no branch checked out"
    commit = git_output(checkout, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    commit = commit if commit and re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit) else None
    return Repository(url, branch, name, prefix, note, branch_source, commit, problem)
