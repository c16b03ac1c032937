"""The SQLite translation memory: exact matches, keys, human over machine, one-line errors."""

import contextlib
import logging
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from translate.errors import TarjamaError
from translate.flags import Flag
from translate.translation.memory import (
    NOTICE_AFTER,
    SQLITE_BUSY,
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_LOCKED,
    SQLITE_NOTADB,
    SQLITE_READONLY,
    ModelKey,
    TranslationMemory,
    _code,
    normalise,
)

KEY = ModelKey("Helsinki-NLP/opus-mt-ar-en", "abc123", "backend=ctranslate2:int8|beam=4")


def test_normalise_is_light():
    assert normalise("  قال\u200f   الوزير\n") == "قال الوزير"
    assert normalise("e\u0301") == "\u00e9"
    assert normalise("كتـاب") != normalise("كتاب"), "tatweel counts, as in a CAT tool's exact match"
    assert normalise("مُدرّس") != normalise("مدرس"), "diacritics count"


def test_machine_translations_are_found_again_across_connections(tmp_path):
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", (Flag("repetition-guard"),), None)])
    with TranslationMemory(path) as tm:
        match = tm.lookup(["قال الوزير", "غير موجود"], KEY)
    assert set(match) == {"قال الوزير"}
    assert match["قال الوزير"].target == "The minister said" and not match["قال الوزير"].human
    assert match["قال الوزير"].flags == (Flag("repetition-guard"),)


@pytest.mark.parametrize("other", [
    ModelKey("Helsinki-NLP/opus-mt-tc-big-ar-en", "abc123", KEY.decoding),
    ModelKey(KEY.model, "def456", KEY.decoding),
    ModelKey(KEY.model, KEY.revision, "backend=ctranslate2:int8|beam=1"),
])
def test_machine_translations_depend_on_model_revision_and_settings(tmp_path, other):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", (), None)])
        assert tm.lookup(["قال الوزير"], other) == {}


def test_a_human_translation_wins_for_any_model(tmp_path):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_mt(KEY, [("قال الوزير", "Said the minister", (), None)])
        assert tm.store_human([("قال  الوزير ", "The minister said.")], origin="tmx:test.tmx") == 1
        for key in (KEY, None, ModelKey("other", "x", "y")):
            match = tm.lookup(["قال الوزير"], key)["قال الوزير"]
            assert match.human and match.target == "The minister said."
        assert tm.counts() == {"human": 1, "mt": 1}


def test_many_sources_are_looked_up_in_chunks(tmp_path):
    sources = [f"جملة {i}" for i in range(1200)]
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_mt(KEY, [(s, f"sentence {i}", (), None) for i, s in enumerate(sources)])
        assert len(tm.lookup(sources, KEY)) == 1200


def test_a_file_that_is_no_database_is_one_line(tmp_path):
    bad = tmp_path / "tm.sqlite"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(TarjamaError, match="cannot open translation memory.*--no-tm"):
        TranslationMemory(bad)


# -- storage: read-only, concurrent creation, locks, full disk, damage (issue 12, items 5-7) ---------------


ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "tests" / "fixtures" / "article.ar.txt"


def tarjama(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False)


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` seen through a read-only view: a read-only bind mount as root (chmod does not stop root), else chmod."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
        for p in modes:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield folder
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    view = folder.with_name(folder.name + "-ro")
    view.mkdir()
    try:
        _mount("--bind", str(folder), str(view))
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot bind-mount here: {getattr(exc, 'stderr', exc)}")
    try:
        _mount("-o", "remount,bind,ro", str(view))
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=False)


@contextlib.contextmanager
def small_disk(folder: Path, size: str):
    """A tmpfs of ``size`` at ``folder`` (a disk that really fills up)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {getattr(exc, 'stderr', exc)}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Take every free byte of the file system holding ``folder``."""
    with open(folder / "filler", "wb", buffering=0) as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\1" * 4096)


def warnings_from(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("translate") and r.levelno == logging.WARNING]


def test_a_memory_on_read_only_storage_is_used_read_only(tmp_path, caplog):
    folder = tmp_path / "team"
    folder.mkdir()
    with TranslationMemory(folder / "tm.sqlite") as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", (), None)])
        tm.store_human([("غادر الوفد", "The delegation left.")], origin="tmx:team.tmx")
    with read_only(folder) as view, caplog.at_level(logging.WARNING, logger="translate"):
        with TranslationMemory(view / "tm.sqlite") as tm:
            assert tm.read_only
            found = tm.lookup(["قال الوزير", "غادر الوفد", "جديد"], KEY)
            assert set(found) == {"قال الوزير", "غادر الوفد"} and found["غادر الوفد"].human
            tm.store_mt(KEY, [("جديد", "New", (), None)])  # not stored, and not a failure
            tm.store_mt(KEY, [("أجد", "Newer", (), None)])
            assert tm.lookup(["جديد"], KEY) == {}
            with pytest.raises(TarjamaError, match="read-only: nothing imported"):
                tm.store_human([("جديد", "New.")], origin="tmx:x.tmx")
        said = warnings_from(caplog)
        assert len(said) == 1 and "read-only" in said[0] and str(view / "tm.sqlite") in said[0], said
    with TranslationMemory(folder / "tm.sqlite") as tm:
        assert tm.counts() == {"human": 1, "mt": 1}


def test_a_memory_file_without_write_permission_is_used_read_only(tmp_path, caplog):
    if os.geteuid() == 0:
        pytest.skip("root writes a file whatever its mode; the read-only mount test covers root")
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", (), None)])
    path.chmod(0o444)
    with caplog.at_level(logging.WARNING, logger="translate"), TranslationMemory(path) as tm:
        assert tm.lookup(["قال الوزير"], KEY)
        tm.store_mt(KEY, [("جديد", "New", (), None)])
    assert len(warnings_from(caplog)) == 1


def test_translate_with_a_read_only_memory_translates_and_warns_once(tmp_path, tiny_model):
    folder = tmp_path / "team"
    folder.mkdir()
    TranslationMemory(folder / "tm.sqlite").close()
    with read_only(folder) as view:
        proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--tm", str(view / "tm.sqlite"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "article.ar.en.txt").is_file()
    said = [line for line in proc.stderr.splitlines() if "read-only" in line]
    assert len(said) == 1 and said[0].startswith("tarjama: warning:"), proc.stderr


def _open_fresh(barrier, paths: list[str], errors) -> None:
    for path in paths:
        barrier.wait()
        try:
            TranslationMemory(path).close()
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            errors.put(f"{type(exc).__name__}: {exc}")


def test_many_processes_creating_one_new_memory_all_succeed(tmp_path):
    rounds, processes = 40, 4
    paths = [str(tmp_path / f"tm{n}.sqlite") for n in range(rounds)]
    context = multiprocessing.get_context("fork")
    barrier, errors = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_open_fresh, args=(barrier, paths, errors)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert not failures, failures
    for path in paths:
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT key, value FROM meta").fetchall() == [("schema", "2")]
        with TranslationMemory(path) as tm:
            assert tm.counts() == {"human": 0, "mt": 0}


def test_processes_that_all_found_no_schema_yet_all_open_the_memory(tmp_path):
    """The race itself, lined up: every opener has read "no schema row" before any of them writes.

    Another process holds the write lock (readers may read) while four openers
    start; tables without the schema row are what a creator leaves between its
    two steps. Before creation was one transaction, three of four failed with
    ``UNIQUE constraint failed: meta.key``.
    """
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM meta")
    code = "import sys; from translate.translation.memory import TranslationMemory as T; T(sys.argv[1]).close(); print('opened')"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with locked(path, 60, begin="IMMEDIATE"):
        openers = [subprocess.Popen([sys.executable, "-c", code, str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        time.sleep(NOTICE_AFTER / 2 + 2)  # each has started and read the memory, none could write
    results = [opener.communicate(timeout=120) for opener in openers]
    assert [out.strip() for out, _ in results] == ["opened"] * 4, [err.strip().splitlines()[-1:] for _, err in results]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT key, value FROM meta").fetchall() == [("schema", "2")]


@contextlib.contextmanager
def locked(path: Path, seconds: float, begin: str = "EXCLUSIVE"):
    """Another process holding the memory's exclusive lock for ``seconds`` (as a big import's commit does)."""
    script = textwrap.dedent(f"""
        import sqlite3, sys, time
        db = sqlite3.connect({str(path)!r}, isolation_level=None)
        db.execute("BEGIN {begin}")
        print("locked", flush=True)
        time.sleep({seconds})
        db.execute("ROLLBACK")
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_held_too_long_is_one_line_after_a_visible_wait(tmp_path, caplog):
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", (), None)])
    with TranslationMemory(path, lock_wait=1.5) as tm, locked(path, 60), caplog.at_level(logging.WARNING, logger="translate"):
        started = time.monotonic()
        with pytest.raises(TarjamaError, match=f"{path}.*locked by another process.*--no-tm"):
            tm.lookup(["قال الوزير"], KEY)
        assert time.monotonic() - started < 10
        with pytest.raises(TarjamaError, match="locked by another process"):
            tm.store_mt(KEY, [("جديد", "New", (), None)])
    said = warnings_from(caplog)
    assert len(said) == 1 and said[0].startswith(f"waiting for the translation memory {path}, locked by another process"), said


def test_a_lock_released_in_time_is_waited_for(tmp_path, caplog):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    with TranslationMemory(path, lock_wait=60) as tm, caplog.at_level(logging.WARNING, logger="translate"):
        with locked(path, NOTICE_AFTER + 2):
            tm.store_mt(KEY, [("قال الوزير", "The minister said", (), None)])
        assert tm.lookup(["قال الوزير"], KEY)
    assert any("waiting for the translation memory" in m for m in warnings_from(caplog))


def test_opening_a_locked_new_memory_waits_too(tmp_path):
    path = tmp_path / "tm.sqlite"
    sqlite3.connect(path).close()  # an empty file another process is just creating
    with locked(path, 2), TranslationMemory(path, lock_wait=60) as tm:
        assert tm.counts() == {"human": 0, "mt": 0}


def test_a_big_import_does_not_hold_the_lock_throughout(tmp_path, monkeypatch):
    from translate.translation import memory as memory_module

    monkeypatch.setattr(memory_module, "IMPORT_CHUNK", 10)
    commits = []
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm._db.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
        assert tm.store_human([(f"جملة {i}", f"Sentence {i}.") for i in range(35)], origin="tmx:big.tmx") == 35
        assert len(commits) == 4 and tm.counts()["human"] == 35


def test_a_full_disk_is_one_line_naming_the_memory(tmp_path):
    with small_disk(tmp_path / "disk", "256k") as disk:
        path = disk / "tm.sqlite"
        with TranslationMemory(path) as tm:
            tm.store_mt(KEY, [("قال الوزير", "The minister said", (), None)])
            fill(disk)
            with pytest.raises(TarjamaError, match=f"translation memory {path}: the disk is full.*--no-tm"):
                tm.store_mt(KEY, [(f"جملة رقم {i} " * 20, "x" * 400, (), None) for i in range(200)])
            assert set(tm.lookup(["قال الوزير"], KEY)) == {"قال الوزير"}, "what the memory held is still there"


def test_translate_onto_a_full_memory_keeps_finished_outputs(tmp_path, tiny_model):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(ARTICLE, inputs / "a.ar.txt")
    (inputs / "b.ar.txt").write_text("\n".join(f"هذه جملة جديدة رقم {i} في المقال الثاني." for i in range(60)), encoding="utf-8")
    with small_disk(tmp_path / "disk", "512k") as disk:
        tm = disk / "tm.sqlite"
        first = tarjama("translate", str(inputs / "a.ar.txt"), "--model", str(tiny_model), "--tm", str(tm), "-o", str(tmp_path / "first"))
        assert first.returncode == 0, first.stderr
        fill(disk)
        proc = tarjama("translate", str(inputs), "--model", str(tiny_model), "--tm", str(tm), "-o", str(tmp_path / "out"))
    errors = [line for line in proc.stderr.splitlines() if line.startswith("tarjama: error:")]
    assert proc.returncode == 2, proc.stderr
    assert len(errors) == 1 and str(tm) in errors[0] and "disk is full" in errors[0] and "internal error" not in proc.stderr, proc.stderr
    assert (tmp_path / "out" / "a.ar.en.txt").is_file(), "the document finished before the disk filled is kept"
    assert not (tmp_path / "out" / "b.ar.en.txt").exists()


def _damaged(tmp_path: Path, first_page: int) -> Path:
    """A real memory with garbage written over its pages from ``first_page`` (1-based) on, half of them."""
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store_mt(KEY, [(f"جملة رقم {i}", f"Sentence number {i}, " * 5, (), None) for i in range(2000)])
    size = path.stat().st_size
    with open(path, "r+b") as f:
        for page in range(first_page - 1, size // 4096, 2):
            f.seek(page * 4096)
            f.write(os.urandom(4096))
    return path


def test_damaged_pages_are_one_line_saying_what_to_do(tmp_path):
    path = _damaged(tmp_path, first_page=5)
    match = f"translation memory {path} is damaged.*move the damaged file away.*--no-tm"
    with pytest.raises(TarjamaError, match=match), TranslationMemory(path) as tm:
        tm.lookup([f"جملة رقم {i}" for i in range(2000)], KEY)
        tm.store_mt(KEY, [(f"جملة رقم {i}", "again", (), None) for i in range(2000)])


def test_a_damaged_first_page_is_one_line_at_open(tmp_path):
    path = _damaged(tmp_path, first_page=1)
    with pytest.raises(TarjamaError, match=f"cannot open translation memory {path}.*damaged.*--no-tm"):
        TranslationMemory(path)


def test_translate_with_a_damaged_memory_is_one_line(tmp_path, tiny_model):
    path = _damaged(tmp_path, first_page=2)
    proc = tarjama("translate", str(ARTICLE), "--model", str(tiny_model), "--tm", str(path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and "internal error" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("tarjama: error:")]
    assert len(errors) == 1 and str(path) in errors[0] and "damaged" in errors[0], proc.stderr


# -- result codes on every supported Python (issue 13) ------------------------------------------------------


def _raised(action) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        action()
    return caught.value


def _real_errors(tmp_path: Path) -> list[tuple[sqlite3.Error, int]]:
    """Errors SQLite itself raised, each with the primary result code it stands for."""
    errors = []
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not sqlite " * 400)
    errors.append((_raised(lambda: sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master").fetchall()), SQLITE_NOTADB))
    path = tmp_path / "tm.sqlite"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE t (x TEXT)")
    reader = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    errors.append((_raised(lambda: reader.execute("INSERT INTO t VALUES ('x')")), SQLITE_READONLY))
    writer.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    errors.append((_raised(lambda: other.execute("SELECT * FROM t").fetchall()), SQLITE_BUSY))
    writer.execute("COMMIT")
    writer.execute("CREATE TABLE u (x TEXT)")
    # shared-cache connections lock tables, not the file: an uncommitted write to t locks t
    shared = f"file:{tmp_path / 'shared.sqlite'}?cache=shared"
    first, second = (sqlite3.connect(shared, uri=True, isolation_level=None) for _ in range(2))
    first.execute("CREATE TABLE t (x TEXT)")
    first.execute("BEGIN")
    first.execute("INSERT INTO t VALUES ('x')")
    errors.append((_raised(lambda: second.execute("SELECT * FROM t").fetchall()), SQLITE_LOCKED))
    first.execute("ROLLBACK")
    writer.execute(f"PRAGMA max_page_count = {writer.execute('PRAGMA page_count').fetchone()[0]}")
    errors.append((_raised(lambda: writer.execute("INSERT INTO u VALUES (?)", ("x" * 100_000,))), SQLITE_FULL))
    for connection in (writer, reader, other, first, second):
        connection.close()
    damaged = _damaged(tmp_path / "damaged", first_page=5)
    errors.append((_raised(lambda: sqlite3.connect(damaged).execute("SELECT sum(length(target)) FROM mt").fetchall()), SQLITE_CORRUPT))
    return errors


def test_result_codes_are_known_without_python_naming_them(tmp_path):
    """Python 3.10 neither names SQLite's result codes nor puts them on its exceptions (3.11 does both):
    a busy, read-only, full or damaged memory must be told apart there too, from SQLite's message."""
    (tmp_path / "damaged").mkdir()
    for exc, code in _real_errors(tmp_path):
        assert _code(exc) == code, (exc, code)
        as_on_python_310 = type(exc)(*exc.args)  # the message alone, no sqlite_errorcode
        assert not hasattr(as_on_python_310, "sqlite_errorcode")
        assert _code(as_on_python_310) == code, (exc, code)
    assert _code(sqlite3.OperationalError("no such table: mt")) is None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the sqlite3 module names result codes from Python 3.11")
def test_result_codes_are_sqlites_own():
    import translate.translation.memory as memory_module

    for name in ("BUSY", "LOCKED", "READONLY", "IOERR", "CORRUPT", "FULL", "NOTADB"):
        assert getattr(memory_module, f"SQLITE_{name}") == getattr(sqlite3, f"SQLITE_{name}"), name


# -- schema 2: scores, and the upgrade of a memory written by the previous release -----------------------------

SCHEMA1 = Path(__file__).resolve().parents[1] / "fixtures" / "tm" / "schema1.sqlite"
HUMAN_UNITS = {
    "ردود الفعل الدولية": "International reactions",
    "ما الذي سيحدث بعد ذلك": "What happens next",
    "لا أحد يعرف الرقم الدقيق حتى الآن!": "Nobody knows the exact figure yet!",
    "صباح الخير": "Good morning",
}


def test_a_score_is_kept_with_its_machine_translation(tmp_path):
    from translate.translation.hypotheses import Score

    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_mt(KEY, [("قال الوزير", "The minister said", (), Score(-2.25, 9)), ("غادر", "Left", (), None)])
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        found = tm.lookup(["قال الوزير", "غادر"], KEY)
    assert found["قال الوزير"].score == Score(-2.25, 9) and found["غادر"].score is None


def test_a_schema_1_memory_of_the_previous_release_is_upgraded_in_place_with_nothing_lost(tmp_path, caplog):
    """tests/fixtures/tm/schema1.sqlite was written by tarjama 0.1 (tm import + translate): every unit is served, twice."""
    path = tmp_path / "tm.sqlite"
    shutil.copyfile(SCHEMA1, path)
    old = sqlite3.connect(path)
    assert old.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("1",)
    stored_mt = old.execute("SELECT model, revision, decoding, source, target, flags FROM mt ORDER BY source").fetchall()
    old.close()
    assert len(stored_mt) == 10
    (key,) = {ModelKey(*row[:3]) for row in stored_mt}
    for attempt in range(2):  # opened twice: the upgrade happens once, and the second opening serves the same
        with caplog.at_level(logging.INFO, logger="translate"), TranslationMemory(path) as tm:
            assert tm.counts() == {"human": 4, "mt": 10}
            found = tm.lookup(list(HUMAN_UNITS), None)
            assert {s: m.target for s, m in found.items()} == HUMAN_UNITS and all(m.human for m in found.values())
            machine = tm.lookup([row[3] for row in stored_mt], key)
            assert {s: (m.target, ",".join(map(str, m.flags))) for s, m in machine.items()} == {r[3]: (r[4], r[5]) for r in stored_mt}
            assert all(m.score is None for m in machine.values()), "stored before scores: served without one"
        upgraded = [r.getMessage() for r in caplog.records if "upgraded to schema 2" in r.getMessage()]
        assert len(upgraded) == 1, upgraded
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
    db.close()


def test_a_read_only_schema_1_memory_is_read_as_it_is(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copyfile(SCHEMA1, folder / "tm.sqlite")
    with read_only(folder) as view, TranslationMemory(view / "tm.sqlite") as tm:
        assert tm.read_only and tm.schema == 1
        assert {s: m.target for s, m in tm.lookup(list(HUMAN_UNITS), None).items()} == HUMAN_UNITS
    db = sqlite3.connect(folder / "tm.sqlite")
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("1",), "not written"
    db.close()


def test_a_memory_of_a_newer_release_is_refused_with_one_line(tmp_path):
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(TarjamaError) as error:
        TranslationMemory(path)
    message = str(error.value)
    assert "\n" not in message and "newer tarjama (schema 3" in message and "--no-tm" in message
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("3",), "left as it was"
    db.close()
