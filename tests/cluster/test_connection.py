"""``--ray`` is opt-in: without it Ray is never imported; without the extra, or with a bad address, one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def _python(code: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_without_ray_installed_ray_is_one_line_that_says_how_to_install_it(tmp_path):
    # sys.modules["ray"] = None makes `import ray` fail exactly as it does where the extra is not installed.
    code = (
        "import sys; sys.modules['ray'] = None\n"
        "from translate.cli import main\n"
        f"sys.exit(main(['translate', {str(FIXTURES / 'article.ar.txt')!r}, '-o', {str(tmp_path / 'out')!r}, '--ray']))"
    )
    result = _python(code)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["tarjama: error: --ray needs Ray, an optional extra: pip install 'tarjama[ray]'"]
    assert not (tmp_path / "out").exists()


def test_corpus_alignment_with_ray_but_without_the_extra_is_the_same_line(tmp_path):
    (tmp_path / "ar").mkdir()
    (tmp_path / "en").mkdir()
    code = (
        "import sys; sys.modules['ray'] = None\n"
        "from translate.cli import main\n"
        f"sys.exit(main(['align', {str(tmp_path / 'ar')!r}, {str(tmp_path / 'en')!r}, '--ray', 'auto']))"
    )
    result = _python(code)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["tarjama: error: --ray needs Ray, an optional extra: pip install 'tarjama[ray]'"]


def test_without_ray_option_ray_is_never_imported(tiny_model, tmp_path):
    ar, en = tmp_path / "ar", tmp_path / "en"
    for folder, name in ((ar, "bbc.381790.ar.txt"), (en, "bbc.381790.en.txt")):
        folder.mkdir()
        (folder / "doc.txt").write_text((FIXTURES / "ntrex" / name).read_text(encoding="utf-8"), encoding="utf-8")
    code = (
        "import sys\n"
        "from translate.cli import main\n"
        f"assert main(['translate', {str(ar)!r}, '-o', {str(tmp_path / 't')!r}, '--model', {str(tiny_model)!r}, '--backend', 'transformers', '--no-tm', '-q']) == 0\n"
        f"assert main(['align', {str(ar)!r}, {str(en)!r}, '-o', {str(tmp_path / 'a')!r}, '-q']) == 0\n"
        "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))"
    )
    result = _python(code, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "t" / "doc.en.txt").exists() and (tmp_path / "a" / "doc.tmx").exists()


def test_a_bad_address_is_one_line_without_a_long_wait(tmp_path):
    import importlib.util
    import socket

    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is an optional extra: pip install 'tarjama[ray]'")

    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for address in (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}", "no-port-here:"):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "translate", "translate", str(FIXTURES / "article.ar.txt"), "-o", str(tmp_path / "out"), "--ray", address],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
        assert result.returncode == 2, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("tarjama: error: ") and address.rstrip(":") in lines[0], lines
        assert time.monotonic() - started < 30
    assert not (tmp_path / "out").exists()


def test_workers_without_ray_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "translate", "translate", str(FIXTURES / "article.ar.txt"), "-o", str(tmp_path), "--workers", "4"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["tarjama: error: --workers is the number of Ray workers; it needs --ray"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [("127.0.0.1:6379", ("127.0.0.1", 6379)), ("ray://head.example:10001", ("head.example", 10001)), ("ray://head", ("head", 10001)), ("[::1]:6379", ("::1", 6379))],
)
def test_addresses_are_read_as_ray_reads_them(address, expected):
    from translate.cluster.connection import _host_port

    assert _host_port(address) == expected


@pytest.mark.parametrize("address", ["head", "head:port", ":6379"])
def test_an_address_without_a_port_is_one_line(address):
    from translate.cluster.connection import _host_port
    from translate.errors import TarjamaError

    with pytest.raises(TarjamaError, match="bad Ray address"):
        _host_port(address)
