"""The documentation keeps its promises: the README stays a landing page, and no link or table drifts.

The README once grew to 43 KB and its layout table silently lost three modules; these checks make
such drift fail a test instead of misleading a newcomer.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from translate.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]

# The two set-up commands a fresh clone is told to run; users and CI copy them verbatim.
SETUP = "python3 -m pip install -e . && python3 scripts/make_tiny_model.py models/tiny && tarjama translate tests/fixtures/article.ar.txt --model models/tiny -o out"
TESTS = "python3 -m pip install -e '.[test]' && python3 -m pytest"

# [text](target) — markdown inline links; images share the syntax.
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _links(page: Path) -> list[str]:
    return _LINK.findall(_FENCE.sub("", page.read_text(encoding="utf-8")))


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_anchor(m) for m in re.findall(r"^#+\s+(.*)$", text, re.M)}


def _code_lines(page: Path) -> list[str]:
    return [line.strip() for block in _FENCE.findall(page.read_text(encoding="utf-8")) for line in block.splitlines()]


def test_readme_is_a_landing_page() -> None:
    size = len(README.read_bytes())
    assert size <= 10_000, f"README.md is {size} bytes; move details to docs/ (limit 10 KB)"


def test_readme_keeps_the_setup_commands_verbatim() -> None:
    lines = _code_lines(README)
    assert SETUP in lines
    assert TESTS in lines


def test_ci_runs_the_readme_test_command() -> None:
    assert TESTS in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def _commands() -> list[str]:
    """Every `tarjama` command and sub-command, from the real parser."""
    def walk(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
        names = []
        for action in parser._actions:  # argparse has no public accessor for sub-parsers
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    names.extend(walk(sub, f"{prefix} {name}") or [f"{prefix} {name}"])
        return names

    return walk(build_parser(), "tarjama")


def test_readme_has_an_example_of_every_command() -> None:
    commands = _commands()
    assert "tarjama tm import" in commands and "tarjama translate" in commands
    lines = _code_lines(README)
    missing = [c for c in commands if not any(line.startswith(c + " ") for line in lines)]
    assert not missing, f"README.md has no example of {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for target in _links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: — not ours to check offline
            continue
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target} (no file {resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else resolved})")
        elif fragment and resolved.suffix == ".md" and fragment not in _anchors(resolved):
            broken.append(f"{target} (no heading #{fragment} in {resolved.relative_to(ROOT)})")
    assert not broken, f"{page.relative_to(ROOT)}: broken links: {broken}"


def test_every_docs_page_is_in_the_index() -> None:
    index = set(_links(DOCS / "README.md"))
    missing = [p.name for p in DOCS.glob("*.md") if p.name != "README.md" and p.name not in index]
    assert not missing, f"docs/README.md does not link {missing}"


def test_layout_names_every_module() -> None:
    """docs/layout.md's table names every module, in the row of its own folder."""
    rows = [line.split("|")[1:3] for line in (DOCS / "layout.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    missing = []
    for module in sorted((ROOT / "translate").rglob("*.py")):
        relative = module.relative_to(ROOT)
        folder = f"`{relative.parent.as_posix()}/`"
        if len(relative.parts) == 2:  # translate/cli.py: a row of its own (or shared with a sibling)
            found = any("`translate/" in cell and module.name in cell for cell, _ in rows)
        elif module.name == "__init__.py":
            found = any(folder in cell for cell, _ in rows)
        else:
            found = any(folder in cell and module.name in text for cell, text in rows)
        if not found:
            missing.append(relative.as_posix())
    assert not missing, f"docs/layout.md does not describe {missing}"
