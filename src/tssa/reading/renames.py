"""What the outline says was renamed: section keys and file names of older versions.

A template version that renames a heading adds the old title to the section's
`aliases` in `outline.py` (and its old key to `former_keys` when the key
changes or the section moves); one that renames a file adds the old name to
the document's `old_filenames`. `tssa update` reads both to carry an
author's text to the new name.
"""

from __future__ import annotations

from itertools import product

from tssa.reading.outline import DOCUMENTS, Document, OutlineSection, slug


def _key_parts(section: OutlineSection) -> tuple[str, ...]:
    parts = [section.key_part, *(slug(name) for name in section.names)]
    return tuple(dict.fromkeys(parts))


def former_section_keys(document: Document) -> dict[str, str]:
    """Every older key of the document's sections, mapped to the current key."""
    renames: dict[str, str] = {}

    def visit(sections: tuple[OutlineSection, ...], parents: list[tuple[str, ...]]) -> None:
        for section in sections:
            path = [*parents, _key_parts(section)]
            current = "/".join(names[0] for names in path)
            for combination in product(*path):
                key = "/".join(combination)
                if key != current:
                    renames.setdefault(key, current)
            for key in section.former_keys:
                renames.setdefault(key, current)
            visit(section.children, path)

    visit(document.sections, [])
    return renames


def renamed_to(filename: str) -> Document | None:
    """The document that an old file name of the package now goes by, if any."""
    return next((document for document in DOCUMENTS if filename in document.old_filenames), None)
