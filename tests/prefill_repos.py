"""Small project repositories in the shapes real CNCF projects have: workflows, release, dependency and policy files."""

from __future__ import annotations

WORKFLOW_CI = """\
name: CI
on:
  pull_request:
    branches: [main]
  push:
    branches: [main]
permissions: read-all
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - uses: golangci/golangci-lint-action@3cfe3a4abbb849e10058ce4af15d205b6da42804 # v4
        with:
          version: v1.55
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - uses: actions/setup-go@0c52d547c9bc32b1aa3301fd7a9cb496313a4491 # v5
      - name: Unit tests
        run: |
          go mod download
          make test
      - name: Fuzz for a while
        run: go test ./pkg/parse -run=^$ -fuzz=FuzzParse -fuzztime=60s
"""
WORKFLOW_SECURITY = """\
name: Security
on:
  pull_request:
  schedule:
    - cron: '30 1 * * 0'
jobs:
  codeql:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - uses: github/codeql-action/init@012739e5082ff0c22ca6d6ab32e07c36df03c4a4 # v3
        with:
          languages: go
      - uses: github/codeql-action/analyze@012739e5082ff0c22ca6d6ab32e07c36df03c4a4 # v3
  gosec:
    runs-on: ubuntu-latest
    steps:
      - uses: securego/gosec@6fbd381238e97e1d1f3358f0d6d65de78dcf9245 # v2.19.0
        with:
          args: ./...
  vulns:
    runs-on: ubuntu-latest
    steps:
      - run: |
          go install golang.org/x/vuln/cmd/govulncheck@latest
          govulncheck ./...
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: aquasecurity/trivy-action@d710430a6722f083d3b36b8339ff66b32f22ee55 # 0.19.0
        with:
          image-ref: ghcr.io/acme/rocket:latest
          format: sarif
  secrets:
    runs-on: ubuntu-latest
    steps:
      - uses: gitleaks/gitleaks-action@cb7149a9b57195b609c63e8518d2c6056677d2d0 # v2
  licenses:
    runs-on: ubuntu-latest
    steps:
      - uses: fossas/fossa-action@47ef11b1e1e3812e88dae436ccbd2d0cbd1adab0 # v1.3.3
        with:
          api-key: ${{ secrets.FOSSA_API_KEY }}
"""
WORKFLOW_SCORECARD = """\
name: Scorecard
on:
  branch_protection_rule:
  schedule:
    - cron: '20 7 * * 2'
  push:
    branches: [main]
jobs:
  analysis:
    runs-on: ubuntu-latest
    steps:
      - uses: ossf/scorecard-action@0864cf19026789058feabb7e87baa5f140aac736 # v2.3.1
        with:
          results_file: results.sarif
"""
WORKFLOW_RELEASE = """\
name: Release
on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    outputs:
      hashes: ${{ steps.hash.outputs.hashes }}
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - uses: sigstore/cosign-installer@e1523de7571e31dbe865fd2e80c5c7c23ae71eb4 # v3.4.0
      - uses: anchore/sbom-action/download-syft@b6a39da80722a2cb0ef5d197531764a89b5d48c3 # v0.15.8
      - uses: goreleaser/goreleaser-action@7ec5c2b0c6cdda6e8bbb49444bc797dd33d74dd8 # v5
        with:
          args: release --clean
      - name: Sign the image
        run: cosign sign --yes ghcr.io/acme/rocket@${DIGEST}
      - uses: actions/attest-build-provenance@1c608d11d69870c2092266b3f9a6f3abbf17002c # v1.4.3
        with:
          subject-path: dist/*.tar.gz
  provenance:
    needs: [release]
    permissions:
      actions: read
      id-token: write
      contents: write
    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v1.10.0
    with:
      base64-subjects: "${{ needs.release.outputs.hashes }}"
"""
WORKFLOW_DCO = """\
name: DCO
on: [pull_request]
jobs:
  dco:
    runs-on: ubuntu-latest
    steps:
      - uses: tisonkun/actions-dco@f1024cd563550b5632e754df11b7d30b73be54a5 # v1.1
"""
GORELEASER = """\
project_name: rocket
builds:
  - main: ./cmd/rocket
    env: [CGO_ENABLED=0]
archives:
  - format: tar.gz
checksum:
  name_template: checksums.txt
sboms:
  - artifacts: archive
    documents:
      - "${artifact}.spdx.sbom.json"
signs:
  - cmd: cosign
    certificate: "${artifact}.pem"
    args: ["sign-blob", "--output-certificate=${certificate}", "--output-signature=${signature}", "${artifact}"]
    artifacts: checksum
docker_signs:
  - artifacts: manifests
"""
DEPENDABOT = """\
version: 2
updates:
  - package-ecosystem: gomod
    directory: /
    schedule:
      interval: weekly
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
  - package-ecosystem: docker
    directory: /
    schedule:
      interval: monthly
"""
SECURITY = """\
# Security Policy

## Supported Versions

| Version | Supported          |
| ------- | ------------------ |
| 2.1.x   | :white_check_mark: |
| 2.0.x   | :white_check_mark: |
| < 2.0   | :x:                |

## Reporting a Vulnerability

Please report vulnerabilities privately to **security@rocket.dev**, or use
[GitHub private vulnerability reporting](https://github.com/acme/rocket/security/advisories/new).

We acknowledge reports within 2 business days and send a first assessment within 7 days.

## Disclosure

Fixes are prepared under embargo and released with a GitHub security advisory.
"""
README = """\
# Rocket - Kubernetes native policy engine

[![OpenSSF Scorecard](https://api.scorecard.dev/projects/github.com/acme/rocket/badge)](https://scorecard.dev/viewer/?uri=github.com/acme/rocket)
[![OpenSSF Best Practices](https://www.bestpractices.dev/projects/5327/badge)](https://www.bestpractices.dev/projects/5947)
[![FOSSA Status](https://app.fossa.com/api/projects/git%2Bgithub.com%2Facme%2Frocket.svg?type=shield)](https://app.fossa.com/projects/git%2Bgithub.com%2Facme%2Frocket)

Rocket is a policy engine for Kubernetes: it validates, mutates and generates resources with admission controls.

Read the documentation at [rocket.dev](https://rocket.dev/docs/) and the [hardening guide](https://rocket.dev/docs/hardening/).

## Community

- Chat with us in [#rocket on CNCF Slack](https://cloud-native.slack.com/messages/rocket).
- Maintainers meet in [#rocket-maintainers](https://cloud-native.slack.com/messages/rocket-maintainers).
- Ask questions in [GitHub Discussions](https://github.com/acme/rocket/discussions).
- Report bugs as [GitHub issues](https://github.com/acme/rocket/issues).
- Releases are announced on the [rocket-announce list](https://groups.google.com/g/rocket-announce).
- Follow [@rocketdev](https://twitter.com/rocketdev) for news.
"""
CONTRIBUTING = """\
# Contributing

Every commit needs a Signed-off-by line (DCO): use `git commit -s`.

Each pull request needs at least two approvals from maintainers before it is merged.

Developers talk on the [rocket-dev mailing list](https://lists.cncf.io/g/cncf-rocket-dev).
"""
FUZZ_TEST = """\
package parse

import "testing"

func FuzzParse(f *testing.F) {
\tf.Fuzz(func(t *testing.T, data []byte) { _ = Parse(data) })
}

func FuzzDecode(f *testing.F) {
\tf.Fuzz(func(t *testing.T, data []byte) { _ = Decode(data) })
}
"""

PROJECT: dict[str, str | bytes] = {
    "README.md": README,
    "SECURITY.md": SECURITY,
    "CONTRIBUTING.md": CONTRIBUTING,
    "CODEOWNERS": "# Owners\n\n* @acme/rocket-maintainers\n/docs/ @acme/docs\n",
    ".github/workflows/ci.yml": WORKFLOW_CI,
    ".github/workflows/security.yml": WORKFLOW_SECURITY,
    ".github/workflows/scorecard.yml": WORKFLOW_SCORECARD,
    ".github/workflows/release.yml": WORKFLOW_RELEASE,
    ".github/workflows/dco.yml": WORKFLOW_DCO,
    ".github/dependabot.yml": DEPENDABOT,
    ".goreleaser.yaml": GORELEASER,
    ".clusterfuzzlite/project.yaml": "language: go\n",
    ".clusterfuzzlite/Dockerfile": "FROM gcr.io/oss-fuzz-base/base-builder-go\n",
    "charts/rocket/Chart.yaml": "apiVersion: v2\nname: rocket\ndescription: The Rocket policy engine\n",
    "charts/rocket/values.yaml": "replicaCount: 1\n",
    "cmd/rocket/main.go": "package main\n\nfunc main() {}\n",
    "pkg/parse/parse.go": "package parse\n",
    "pkg/parse/parse_test.go": FUZZ_TEST,
    "Makefile": "test:\n\tgo test ./...\n\nlint:\n\tgolangci-lint run\n",
}

# What each practice's evidence line must hold (any one of these words, case-insensitive).
EVIDENCE_WORDS: dict[str, tuple[str, ...]] = {
    "tests": ("make test", "go test", "pull_request"),
    "linters": ("golangci-lint", "pull_request"),
    "static analysis": ("codeql", "gosec", "pull_request"),
    "vulnerability scanning": ("govulncheck", "trivy", "pull_request"),
    "OpenSSF Scorecard": ("scorecard", "schedule", "push", "branch_protection_rule"),
    "fuzzing": ("fuzz", "language: go", "oss-fuzz", "pull_request"),
    "signing": ("cosign", "docker_signs", "pull_request", "push"),
    "SBOM generation": ("sbom", "syft", "spdx", "push"),
    "provenance": ("slsa", "attest", "push"),
    "pinned actions": ("@",),
    "code owners and reviews": ("@acme", "approvals"),
    "DCO": ("dco", "signed-off-by", "pull_request"),
    "license scanning": ("fossa", "pull_request"),
    "secret scanning": ("gitleaks", "pull_request"),
    "dependency updates": ("package-ecosystem",),
    "OpenSSF Best Practices": ("bestpractices.dev/projects/5947",),
    "reporting address": ("security@rocket.dev",),
    "private reporting": ("security/advisories/new", "private vulnerability reporting"),
    "response times": ("business days", "7 days"),
    "supported versions": ("2.1.x", "2.0.x"),
    "disclosure policy": ("embargo",),
    "security provider": ("policy engine", "admission control", "rocket policy engine"),
    "website": ("rocket.dev",),
    "SBOM": ("sboms",),
    "internal channel": ("rocket-maintainers", "rocket-dev"),
    "inbound channel": ("cloud-native.slack.com/messages/rocket", "discussions", "issues"),
    "outbound channel": ("rocket-announce", "twitter.com/rocketdev"),
}
