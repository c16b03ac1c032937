"""``tarjama serve`` on the command line: the missing extra, bad options, a port in use."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


# The serve extra's packages: (the module tarjama checks for, the name pip installs).  python-multipart's
# module is python_multipart; its old name `multipart` is also the module of an unrelated package.
SERVE_EXTRA = (("starlette", "starlette"), ("uvicorn", "uvicorn"), ("python_multipart", "python-multipart"))


def _serve_without(hidden: list[str]) -> subprocess.CompletedProcess:
    """``tarjama serve`` with these modules made unimportable (``sys.modules[name] = None``), as where they are not installed.

    ``--model`` names no model, so that a check that wrongly passes ends in a model error, never a running server.
    """
    block = "".join(f"sys.modules[{name!r}] = None\n" for name in hidden)
    return _run(f"import sys\n{block}from translate.cli import main\nsys.exit(main(['serve', '--model', '/nonexistent/model']))")


def test_without_the_extra_one_error_line_names_every_package_and_what_to_install() -> None:
    proc = _serve_without([module for module, _ in SERVE_EXTRA])
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["tarjama: error: tarjama serve needs starlette, uvicorn, python-multipart: pip install 'tarjama[serve]'"]


@pytest.mark.parametrize("hidden", [module for module, _ in SERVE_EXTRA])
def test_without_one_package_of_the_extra_the_line_names_it_and_whatever_else_is_absent(hidden: str) -> None:
    """Holds whatever else is installed here: the others are named exactly where they are really absent."""
    absent = [package for module, package in SERVE_EXTRA if module == hidden or find_spec(module) is None]
    proc = _serve_without([hidden])
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"tarjama: error: tarjama serve needs {', '.join(absent)}: pip install 'tarjama[serve]'"]


def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# nobody yet\n\n", encoding="utf-8")
    proc = _run(f"import sys\nfrom translate.cli import main\nsys.exit(main(['serve', '--api-keys', {str(keys)!r}]))")
    assert proc.returncode == 2 and proc.stderr.startswith("tarjama: error: ") and "no API key" in proc.stderr


@pytest.mark.skipif(any(find_spec(module) is None for module, _ in SERVE_EXTRA), reason="needs the serve extra: pip install -e '.[serve]'")
def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = _run(f"import sys\nfrom translate.cli import main\nsys.exit(main(['serve', '--port', '{port}', '--no-tm']))")
    assert proc.returncode == 2 and proc.stderr.strip().splitlines()[-1].startswith(f"tarjama: error: cannot listen on 127.0.0.1:{port}")
