"""``--ray`` is opt-in: without it Ray is never imported; without the extra, or with a bad address, one line and exit 2."""

from __future__ import annotations

import re
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
        assert time.monotonic() - started < 10
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


def _free_port() -> int:
    import socket

    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_mentioning(text: str) -> list[int]:
    """The processes whose command line names ``text``: a local Ray's GCS server and raylet name its session folder."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _ray_env(ray_tmp: Path, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}  # tarjama sets what its local Ray needs
    return {**env, "RAY_TMPDIR": str(ray_tmp), "PYTHONPATH": str(ROOT), **extra}


@pytest.mark.heavy  # a real local Ray, ~35 s
def test_ray_without_an_address_runs_on_a_local_ray_of_its_own_whatever_the_machine_points_at(tmp_path):
    """A stale ``ray_current_cluster`` (someone's killed cluster) and a stale RAY_ADDRESS: neither is followed."""
    import importlib.util
    import os
    import shutil
    import signal
    import tempfile

    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is an optional extra: pip install 'tarjama[ray]'")
    ray_tmp = Path(tempfile.mkdtemp(prefix="tj-", dir="/tmp"))  # short: Ray's socket paths must fit in 107 bytes
    try:
        (ray_tmp / "ray").mkdir()
        (ray_tmp / "ray" / "ray_current_cluster").write_text(f"127.0.0.1:{_free_port()}\n", encoding="utf-8")
        stale = f"127.0.0.1:{_free_port()}"
        ar, en = tmp_path / "ar", tmp_path / "en"
        for folder, name in ((ar, "bbc.381790.ar.txt"), (en, "bbc.381790.en.txt")):
            folder.mkdir()
            (folder / "doc.txt").write_text((FIXTURES / "ntrex" / name).read_text(encoding="utf-8"), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "translate", "align", str(ar), str(en), "-o", str(tmp_path / "out"), "--ray", "--workers", "1"],
            env=_ray_env(ray_tmp, RAY_ADDRESS=stale), capture_output=True, text=True, timeout=300, cwd=ROOT,
        )
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "out" / "doc.tmx").exists()
        lines = result.stderr.splitlines()
        ours = [line for line in lines if line.startswith(("tarjama: ", f"{ar / 'doc.txt'} ↔ ")) or re.fullmatch(r"1 pairs? aligned", line)]
        assert ours == lines  # nothing of Ray's own logging
        assert [line for line in lines if "RAY_ADDRESS" in line] == [
            f"tarjama: warning: RAY_ADDRESS={stale} is not used: --ray without an address runs on a local Ray of its own; give a cluster as --ray ADDRESS"
        ]
        assert list((ray_tmp / "ray").glob("session_2*")), "no local Ray ran under RAY_TMPDIR"
        deadline = time.monotonic() + 30
        while _processes_mentioning(str(ray_tmp)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _processes_mentioning(str(ray_tmp)), "the local Ray was not stopped at the end"
    finally:
        for pid in _processes_mentioning(str(ray_tmp)):  # only this test's Ray names this folder
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(ray_tmp, ignore_errors=True)


def test_auto_with_a_stale_cluster_file_is_one_line_within_seconds(tmp_path):
    import importlib.util
    import shutil
    import tempfile

    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is an optional extra: pip install 'tarjama[ray]'")
    ray_tmp = Path(tempfile.mkdtemp(prefix="tj-", dir="/tmp"))
    try:
        command = [sys.executable, "-m", "translate", "translate", str(FIXTURES / "article.ar.txt"), "-o", str(tmp_path / "out"), "--ray", "auto"]
        started = time.monotonic()
        result = subprocess.run(command, env=_ray_env(ray_tmp), capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            f"tarjama: error: --ray auto: no Ray cluster was started on this machine ({ray_tmp}/ray/ray_current_cluster does not exist); "
            "start one with 'ray start --head', give its address, or leave the address out for a local Ray"
        ]
        (ray_tmp / "ray").mkdir()
        stale = f"127.0.0.1:{_free_port()}"
        (ray_tmp / "ray" / "ray_current_cluster").write_text(stale + "\n", encoding="utf-8")
        result = subprocess.run(command, env=_ray_env(ray_tmp), capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert result.returncode == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"tarjama: error: cannot reach the Ray cluster at {stale} (from {ray_tmp}/ray/ray_current_cluster)"), lines
        assert time.monotonic() - started < 20  # two runs
        assert not (tmp_path / "out").exists()
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)


def test_a_wrong_token_is_one_line_within_ten_seconds_and_nothing_of_rays_own(ray_cluster, tmp_path):
    env = {**ray_cluster.env, "RAY_AUTH_TOKEN": "0" * 64, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "translate", "translate", str(FIXTURES / "article.ar.txt"), "-o", str(tmp_path / "out"), "--ray", ray_cluster.address],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tarjama: error: cannot connect to the Ray cluster at {ray_cluster.address}"), lines
    assert "token" in lines[0]
    assert elapsed < 10
    assert not (tmp_path / "out").exists()


def test_sigterm_after_connecting_reaches_the_programs_handler(ray_cluster):
    """ray.init sets SIGTERM handlers of its own (its C++ one aborts: exit -6); the program's must stay in front."""
    code = (
        "import os, signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))\n"
        "from translate.cluster.connection import connect\n"
        f"connect({ray_cluster.address!r})\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "time.sleep(10)\n"
        "sys.exit(0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=ray_cluster.env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 143, result.stderr[-2000:]
    assert "SIGTERM received" not in result.stderr
