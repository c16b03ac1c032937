"""The shape of the package, read from its source: function length, the import layers, a CLI that only parses.

These rules keep ``translate/`` readable as it grows (issue 20): a reviewer can
hold any function in one screen, a module never depends on what sits above it,
and the command line can be replaced without losing behaviour because it holds
none.  Each test parses the source with :mod:`ast`; nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "translate"

MAX_FUNCTION_LINES = 80

OVER_LENGTH_PENDING: set[tuple[str, str]] = set()
"""Functions known to be over the limit while they are rewritten on a branch of their own; an entry
is removed once its function is short, and this test says when."""


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):  # methods and nested functions too
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """From the ``def`` line (decorators aside) to the last line of the body, docstring and blank lines included."""
    assert node.end_lineno is not None
    return node.end_lineno - node.lineno + 1


def test_no_function_is_over_80_lines() -> None:
    over = {
        (module, node.name): _length(node)
        for module, tree in _modules()
        for node in _functions(tree)
        if _length(node) > MAX_FUNCTION_LINES
    }
    offenders = {key: lines for key, lines in over.items() if key not in OVER_LENGTH_PENDING}
    assert not offenders, "split at a natural seam: " + ", ".join(f"{m}:{f} ({n} lines)" for (m, f), n in sorted(offenders.items()))
    stale = OVER_LENGTH_PENDING - over.keys()
    assert not stale, f"no longer over {MAX_FUNCTION_LINES} lines, remove from OVER_LENGTH_PENDING: {sorted(stale)}"


def test_function_length_counts_the_whole_body() -> None:
    """The measure itself: a function of 81 lines is found, one of 80 is not."""
    body = "\n".join(f"    x{i} = {i}" for i in range(79))
    tree = ast.parse(f"def short():\n{body}\n\ndef long():\n{body}\n    return 0\n")
    lengths = {node.name: _length(node) for node in _functions(tree)}
    assert lengths == {"short": 80, "long": 81}


# --- the import layers ------------------------------------------------------

FLOORS: tuple[tuple[str, ...], ...] = (
    # the domain model and what every stage shares
    ("translate", "translate.errors", "translate.wording", "translate.flags", "translate.settings", "translate.model",
     "translate.arabic", "translate.textio", "translate.cache", "translate.xmlread", "translate.tmxread", "translate.script",
     "translate.terminology"),  # termbases and where their terms occur (issue 22)
    ("translate.segmentation",),
    ("translate.inputs",),  # documents of any format, segmented
    ("translate.translation", "translate.alignment", "translate.qa", "translate.evaluation"),  # the stages
    ("translate.export", "translate.validation", "translate.formatted"),  # the file formats (formatted: Word and web pages kept formatted)
    ("translate.pipeline",),  # the stages wired together
    ("translate.jobs", "translate.batch"),  # a command's work, from files to files
    ("translate.cluster", "translate.serve", "translate.tuning"),  # the front ends that run jobs elsewhere; tuning (its --ray reaches a cluster)
    ("translate.cli", "translate.__main__"),
)
"""Lowest first.  A module imports from its own floor or below, never from above; a new top-level
module or subpackage must be given a floor here (the test says so) before it can be imported."""


def _module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("translate", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of ours that ``name`` imports, at module level, in functions or under TYPE_CHECKING alike.

    ``from pkg import sub`` is an import of the submodule ``pkg.sub``; any other name is an import of the
    module that defines it.  A package's own ``__init__`` running first is not counted as an arrow.
    """
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        for target in targets:
            while target and target not in known:  # `import translate.x.y` of a name in a module
                target = target.rpartition(".")[0]
            if target.startswith("translate") and target != name:
                found.add(target)
    return found


def _import_graph() -> dict[str, set[str]]:
    known = _module_names()
    return {name: _imports(name, path, known) for name, path in known.items()}


def _unit(module: str) -> str:
    """``translate.alignment.corpus`` → ``translate.alignment``: the package or top-level module a floor lists."""
    return ".".join(module.split(".")[:2])


def _floor(unit: str) -> int:
    for number, units in enumerate(FLOORS):
        if unit in units:
            return number
    raise AssertionError(f"{unit} has no floor in tests/test_architecture.py FLOORS: give it one")


def _upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} (floor {_floor(_unit(module))}) imports {target} (floor {_floor(_unit(target))})"
        for module, targets in graph.items()
        for target in targets
        if _floor(_unit(target)) > _floor(_unit(module))
    )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _unit_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    units: dict[str, set[str]] = {}
    for module, targets in graph.items():
        units.setdefault(_unit(module), set()).update(_unit(t) for t in targets if _unit(t) != _unit(module))
    return units


def test_no_import_runs_back_up() -> None:
    graph = _import_graph()
    assert "translate.jobs.corpus" in graph and "translate.alignment.corpus" in graph["translate.jobs.corpus"]  # the graph is read
    assert not _upward(graph), "an import runs back up:\n" + "\n".join(_upward(graph))


def test_no_import_cycle_between_modules_or_packages() -> None:
    graph = _import_graph()
    assert not _cycles(graph), f"import cycles: {_cycles(graph)}"
    assert not _cycles(_unit_graph(graph)), f"import cycles between packages: {_cycles(_unit_graph(graph))}"


def test_the_layer_checks_find_an_upward_arrow_and_a_cycle() -> None:
    """The checks themselves, on a made-up graph: a stage importing the pipeline, and a loop of three."""
    graph = {
        "translate.alignment.corpus": {"translate.pipeline", "translate.model"},
        "translate.pipeline": {"translate.alignment.corpus"},
        "translate.model": set(),
        "translate.qa.a": {"translate.qa.b"},
        "translate.qa.b": {"translate.qa.c"},
        "translate.qa.c": {"translate.qa.a"},
    }
    assert _upward(graph) == ["translate.alignment.corpus (floor 3) imports translate.pipeline (floor 5)"]
    assert sorted(_cycles(graph)) == [
        ["translate.alignment.corpus", "translate.pipeline"],
        ["translate.qa.a", "translate.qa.b", "translate.qa.c"],
    ]


def test_imports_are_read_in_functions_relative_and_as_submodules(tmp_path) -> None:
    package = tmp_path / "translate"
    (package / "qa").mkdir(parents=True)
    (package / "qa" / "__init__.py").write_text("from . import checks\n")
    (package / "qa" / "checks.py").write_text("def f():\n    from translate.export import tmx\n    from ..model import Bead\n")
    known = {"translate.qa": package / "qa" / "__init__.py", "translate.qa.checks": package / "qa" / "checks.py",
             "translate.export": package / "export.py", "translate.export.tmx": package / "tmx.py", "translate.model": package / "model.py"}
    assert _imports("translate.qa", known["translate.qa"], known) == {"translate.qa.checks"}
    assert _imports("translate.qa.checks", known["translate.qa.checks"], known) == {"translate.export.tmx", "translate.model"}


# --- the CLI parses, calls a job and prints -----------------------------------

STAGES_AND_EXPORTERS = frozenset({"write_outputs", "prepare_outputs", "translate_document", "align_translation", "check_translation"})
"""What a job calls: the command line reaches the stages and the exporters only through :mod:`translate.jobs`."""


def _stage_uses(source: str) -> list[str]:
    """Each import or use (call, attribute, bare name) of a stage or an exporter, or of the pipeline module, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module == "translate.pipeline" or module.startswith("translate.pipeline."):
                found.append(f"line {node.lineno}: from {module} import …")
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if a.name in STAGES_AND_EXPORTERS]
            if module == "translate" and any(a.name == "pipeline" for a in node.names):
                found.append(f"line {node.lineno}: imports translate.pipeline")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.startswith("translate.pipeline")]
        elif isinstance(node, ast.Attribute) and node.attr in STAGES_AND_EXPORTERS:
            found.append(f"line {node.lineno}: uses .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in STAGES_AND_EXPORTERS:
            found.append(f"line {node.lineno}: uses {node.id}")
    return sorted(found)


def test_the_cli_calls_no_stage_or_exporter() -> None:
    uses = _stage_uses((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    assert not uses, "cli.py reaches past the jobs (move the work into translate/jobs/): " + "; ".join(uses)


def test_the_cli_check_finds_imports_and_calls() -> None:
    source = (
        "def cmd(args):\n"
        "    from translate.export import write_outputs\n"
        "    from translate import pipeline\n"
        "    pipeline.align_translation(a, b)\n"
        "    write_outputs(x)\n"
        "    from translate.pipeline import read_translation\n"
    )
    assert _stage_uses(source) == [
        "line 2: imports write_outputs",
        "line 3: imports translate.pipeline",
        "line 4: uses .align_translation",
        "line 5: uses write_outputs",
        "line 6: from translate.pipeline import …",
    ]
