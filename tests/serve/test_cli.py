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


def test_without_the_extra_one_error_line_says_what_to_install() -> None:
    proc = _run("import sys; sys.modules['starlette'] = None\nfrom translate.cli import main\nsys.exit(main(['serve']))")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["tarjama: error: tarjama serve needs starlette: pip install 'tarjama[serve]'"]


def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# nobody yet\n\n", encoding="utf-8")
    proc = _run(f"import sys\nfrom translate.cli import main\nsys.exit(main(['serve', '--api-keys', {str(keys)!r}]))")
    assert proc.returncode == 2 and proc.stderr.startswith("tarjama: error: ") and "no API key" in proc.stderr


@pytest.mark.skipif(any(find_spec(n) is None for n in ("starlette", "uvicorn", "multipart")), reason="needs the serve extra: pip install -e '.[serve]'")
def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = _run(f"import sys\nfrom translate.cli import main\nsys.exit(main(['serve', '--port', '{port}', '--no-tm']))")
    assert proc.returncode == 2 and proc.stderr.strip().splitlines()[-1].startswith(f"tarjama: error: cannot listen on 127.0.0.1:{port}")
