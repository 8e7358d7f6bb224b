"""The default configuration and the documentation of security settings, for the Security links table.

The default configuration is a file the project ships as its defaults: the
values of its Helm chart (the chart named after the project, or the only
one), or a file named `default` in the root, `config/`, `conf/` or
`templates/`. The optional configuration is the project's page on securing
or hardening it: a file of its docs, or a link in the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tssa.prefill.readme import FoundLink

_DEFAULT_FILE = re.compile(
    r"^(?:(?:config|conf|templates|examples?)/)?default(?:[-_.]config)?\.(?:ya?ml|toml|json|conf)$"
)
_SECURITY_DOC = re.compile(
    r"(?:^|/)(?:security[-_](?:config\w*|best[-_]practices?|hardening|guide)|hardening(?:[-_]guide)?"
    r"|securing[-_][\w-]+|best[-_]practices?[-_]security)\.(?:md|markdown|rst|adoc)$",
    re.IGNORECASE,
)
_SECURITY_PAGE = re.compile(
    r"/(?:hardening[\w-]*|best-practices?|securing[\w-]*|[\w-]*security-(?:config\w*|best-practices?|guide|hardening)"
    r"|secure-(?:config\w*|setup|deployment|installation))/?(?:$|[?#])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ConfigFile:
    path: str
    why: str


def default_configuration(files: set[str], slug: str) -> ConfigFile | None:
    """The project's default configuration file, when one is clearly it."""
    charts = sorted(
        path for path in files if path.endswith("/values.yaml") and (path.rsplit("/", 1)[0] + "/Chart.yaml") in files
    )
    charts = [path for path in charts if "/test" not in path and "example" not in path]
    named = [path for path in charts if path.rsplit("/", 2)[-2].lower() == slug]
    if named or len(charts) == 1:
        chosen = (named or charts)[0]
        return ConfigFile(chosen, "the values of the Helm chart " + chosen.rsplit("/", 2)[-2])
    defaults = sorted((path for path in files if _DEFAULT_FILE.match(path)), key=lambda path: (path.count("/"), path))
    if defaults:
        return ConfigFile(defaults[0], "the default configuration file")
    return None


def security_configuration_doc(
    files: set[str], links: list[FoundLink], own_hosts: set[str]
) -> tuple[str, FoundLink | None] | None:
    """The docs page on configuring the project securely: a docs file in the checkout, or a README link to the site."""
    documents = sorted(
        (
            path
            for path in files
            if path.lower().startswith(("docs/", "doc/", "documentation/")) and _SECURITY_DOC.search(path)
        ),
        key=lambda path: (path.count("/"), path),
    )
    if documents:
        return documents[0], None
    for link in links:
        host = link.href.split("/")[2].lower() if link.href.startswith("https://") else ""
        if host in own_hosts and _SECURITY_PAGE.search(link.href) and "advisor" not in link.href.lower():
            return link.href, link
    return None
