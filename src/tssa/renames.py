"""What the outline says was renamed: section keys and file names of older versions.

A template version that renames a heading adds the old title to the section's
`aliases` in `outline.py`; one that renames a file adds the old name to the
document's `old_filenames`. `tssa update` reads both to carry an author's
text to the new name.
"""

from __future__ import annotations

from itertools import product

from tssa.outline import DOCUMENTS, Document, Section, slug


def former_section_keys(document: Document) -> dict[str, str]:
    """Every older key of the document's sections, mapped to the current key."""
    renames: dict[str, str] = {}

    def visit(sections: tuple[Section, ...], parents: list[tuple[str, ...]]) -> None:
        for section in sections:
            path = [*parents, tuple(slug(name) for name in section.names)]
            current = "/".join(names[0] for names in path)
            for combination in product(*path):
                key = "/".join(combination)
                if key != current:
                    renames.setdefault(key, current)
            for key in section.former_keys:  # moved to another parent
                renames.setdefault(key, current)
            visit(section.children, path)

    visit(document.sections, [])
    return renames


def renamed_to(filename: str) -> Document | None:
    """The document that an old file name of the package now goes by, if any."""
    return next((document for document in DOCUMENTS if filename in document.old_filenames), None)
