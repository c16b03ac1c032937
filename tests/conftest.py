"""Fixtures shared by the whole suite.

The tiny random-weight model is built once per test run with the same script
a user runs (scripts/make_tiny_model.py), so the tests load it through the
real ``from_pretrained`` path.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"
DTD = FIXTURES / "tmx14.dtd"


# One compute thread per process unless the caller says otherwise: the suite runs the tiny model in many
# processes at once (the CLI in subprocesses, servers, Ray workers), where threads only fight over the cores.
# Measured on the shared 2-core machine under load: one `tarjama translate --backend transformers` of the
# fixture article took 85 s of CPU with 2 threads and 13.5 s with 1.  Set before torch is imported; the
# subprocesses inherit it, and tarjama's backends read it (translate/translation/backends/base.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Converted models and the translation memory go to a throwaway cache, never the user's:
# set before any test runs, and inherited by the CLI subprocesses the tests start.
os.environ["TARJAMA_CACHE_DIR"] = tempfile.mkdtemp(prefix="tarjama-test-cache-")
atexit.register(shutil.rmtree, os.environ["TARJAMA_CACHE_DIR"], True)


# Tests marked ``heavy`` drive a real outside program or a big job: OmegaT, Chromium, a `tarjama serve`
# process, a Ray cluster.  A plain `python3 -m pytest` skips them (with the reason) so that a user's run
# is quick; CI (the CI variable set, as every CI service sets it; .ci/run sets it too) or --heavy runs
# them all.  A test that uses one of these fixtures is heavy whether or not its module says so.
HEAVY_FIXTURES = frozenset({"keyed_server", "open_server", "ray_cluster"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--heavy",
        action="store_true",
        help="also run the tests marked heavy (real OmegaT, Chromium, servers, Ray clusters); the default where CI is set",
    )


def run_heavy(config: pytest.Config) -> bool:
    return bool(config.getoption("--heavy")) or os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="heavy (a real OmegaT, Chromium, server or Ray cluster): run with --heavy; CI runs it")
    for item in items:
        if HEAVY_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.heavy)
        if not run_heavy(config) and item.get_closest_marker("heavy") is not None:
            item.add_marker(skip)


def shared_path(relative: str) -> Path:
    """A file of ../shared/data, or a skip where this checkout has none (a user's fresh clone)."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{relative} (present in CI, absent in a fresh clone)")
    return path


@pytest.fixture(scope="session", autouse=True)
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The aligner's embedding cache of this run (the CLI's subprocesses inherit it), not the user's."""
    import os

    path = tmp_path_factory.mktemp("tarjama-cache")
    os.environ["TARJAMA_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def shared():
    """``shared("ntrex128/…")`` gives the path or skips the test with the reason."""
    return shared_path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "tiny"
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_tiny_model.py"), str(out)], check=True, capture_output=True, text=True)
    (out.parent / "make_tiny_model.stderr").write_text(built.stderr, encoding="utf-8")  # what the builder told its user
    return out


@pytest.fixture(scope="session")
def translator(tiny_model: Path):
    from translate.translation import load_translator

    from translate.settings import DecodingSettings

    return load_translator(str(tiny_model), DecodingSettings(device="cpu"))


@pytest.fixture(scope="session")
def article_text() -> str:
    return (FIXTURES / "article.ar.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def validate_tmx():
    """Parse a TMX file and assert it is valid against the TMX 1.4 DTD; returns the tree's root."""
    from lxml import etree

    dtd = etree.DTD(str(DTD))

    def check(path: Path):
        root = etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True)).getroot()
        assert dtd.validate(root), dtd.error_log.filter_from_errors()
        return root

    return check
