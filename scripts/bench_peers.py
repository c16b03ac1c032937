#!/usr/bin/env python3
"""tarjama against what users would pick instead, on the same model: argos-translate and LibreTranslate.

All three run CTranslate2, so the question is what each makes of the same
model.  The model is a random-weight model of the fast preset's exact shapes
(scripts/bench_translate.py builds it; speed depends on shapes, not weights),
converted once to CTranslate2 int8 and packaged as an argos-translate package
(``.argosmodel``: metadata.json, the CTranslate2 model, the SentencePiece
model), installed into argostranslate and LibreTranslate from PyPI in two
virtual environments of their own under ``--peers-dir`` (they are not tarjama's
dependencies; ``--system-site-packages`` lets them reuse this machine's torch
instead of downloading another).  tarjama runs the same random model from its
transformers folder, which it converts with the same converter and
quantization.

Every side decodes with beam 4 (``--beam``), int8, every output forced to
exactly ``--length`` tokens (tarjama: ``--fixed-length``; the peers: their
``translate_batch`` call gets ``min_decoding_length = max_decoding_length``,
added by a subclass of ``ctranslate2.Translator`` put in place before they
import it: the only change made to them), on the same cores.  Measured, in
alternating rounds:

(a) one real article (the longest FLORES-200 devtest article, two sentences
    to a paragraph): ``tarjama translate ARTICLE`` (txt) against a process that
    calls ``argostranslate.translate.translate`` on it and writes the result;
    each a fresh process, as a user runs them;
(b) a folder of 120 short FLORES-200 articles: ``tarjama translate FOLDER``
    against one process calling argos on each file in turn and writing it;
(c) ``tarjama serve --no-tm`` against ``libretranslate``, both on 127.0.0.1,
    at 1, 4 and 16 clients, the same distinct one-sentence requests (JSON, as
    scripts/bench_serve.py sends them).

Printed: a table, and ``RATIO article_vs_argos X`` (argos' time / tarjama's),
``RATIO folder_vs_argos X``, ``RATIO server16_vs_libretranslate X`` (tarjama's
requests/s / LibreTranslate's), each the median of the rounds' ratios; and
``CEILING server_vs_libretranslate X``: what batching can win at most on this
machine, CTranslate2's sentences/s in batches of 16 over one at a time, both on
two replicas (see :func:`ceiling`).

What had to be bridged (the peers' packages normally come from their index,
which nothing here may reach): the package carries a blank spaCy Arabic
pipeline as its sentence splitter, run with ``ARGOS_CHUNK_TYPE=SPACY``
(argos then adds spaCy's rule-based sentencizer; its default, MiniSBD, would
download a model); an empty ``spacy/senter/model`` folder in the peers' cache
stops argos from downloading spaCy's multilingual model at import; LibreTranslate
gets a second package (the same model labelled en→ar) because it refreshes
the index from the network whenever fewer than two are installed.  The
source side differs by one token: Marian appends ``</s>`` to the source,
which tarjama does and argos does not (argos packages are OpenNMT models).

    python scripts/bench_peers.py --quick     # about 11 minutes on 2 idle cores
    python scripts/bench_peers.py             # the full run: 3 rounds, 120 articles, 60/240/960 requests (about 80 minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
ARGOS = "argostranslate==1.11.0"
LIBRETRANSLATE = "libretranslate==1.9.6"
SPACY = "spacy==3.8.18"  # argos' own dependency; LibreTranslate's fork of argos needs it for the packaged sentence splitter


# -- the peers' side: run with a peer virtual environment's python (imports neither tarjama nor its dependencies) --


def force_length(length: int) -> None:
    """Every ``translate_batch`` of the peer decodes exactly ``length`` tokens, as tarjama's ``--fixed-length``."""
    import ctranslate2

    base = ctranslate2.Translator

    class Forced(base):  # type: ignore[misc, valid-type]
        def translate_batch(self, source, *args, **kwargs):
            kwargs["min_decoding_length"] = length
            kwargs["max_decoding_length"] = length
            return super().translate_batch(source, *args, **kwargs)

    ctranslate2.Translator = Forced  # type: ignore[misc]


def peer_main(argv: list[str]) -> int:
    role, length = argv[0], int(argv[1])
    force_length(length)
    if role == "install":  # install the packages given into this environment's (XDG) package folder
        from argostranslate import package

        for path in argv[2:]:
            package.install_from_path(Path(path))
        return 0
    if role == "spacy":  # a blank Arabic spaCy pipeline, the package's sentence splitter
        import spacy

        spacy.blank("ar").to_disk(argv[2])
        return 0
    if role == "translate":  # argos, file by file: argv = [role, length, out_dir, file...]
        from argostranslate import translate

        out = Path(argv[2])
        out.mkdir(parents=True, exist_ok=True)
        for name in argv[3:]:
            path = Path(name)
            text = translate.translate(path.read_text(encoding="utf-8"), "ar", "en")
            (out / f"{path.stem}.en.txt").write_text(text + "\n", encoding="utf-8")
        return 0
    if role == "libretranslate":
        from libretranslate.main import main as libretranslate

        sys.argv = ["libretranslate", "--host", "127.0.0.1", "--port", argv[2], "--load-only", "ar,en", "--threads", argv[3],
                    "--disable-files-translation", "--char-limit", "-1", "--req-limit", "-1", "--batch-limit", "-1"]
        libretranslate()
        return 0
    raise SystemExit(f"unknown role {role!r}")


# -- our side ------------------------------------------------------------------------------------------------------


def peer_env(peers: Path, home: str, args: argparse.Namespace, inter: int, intra: int) -> dict[str, str]:
    """The peers' settings: their own data, cache and config folders, our beam, int8, the thread layout given."""
    base = peers / home
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TARJAMA_CACHE_DIR")}
    env.update(
        XDG_DATA_HOME=str(base / "data"), XDG_CACHE_HOME=str(base / "cache"), XDG_CONFIG_HOME=str(base / "config"),
        ARGOS_CHUNK_TYPE="SPACY", ARGOS_BEAM_SIZE=str(args.beam), ARGOS_COMPUTE_TYPE="int8", ARGOS_DEVICE_TYPE="cpu",
        ARGOS_INTER_THREADS=str(inter), ARGOS_INTRA_THREADS=str(intra), OMP_NUM_THREADS=str(max(inter * intra, 1)),
    )
    (base / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True, exist_ok=True)
    return env


def venv(peers: Path, name: str, *requirements: str) -> Path:
    """A virtual environment of the peer's own under ``peers`` (made once); returns its python."""
    python = peers / name / "bin" / "python"
    marker = peers / name / ".installed"
    wanted = " ".join(requirements)
    if marker.is_file() and marker.read_text() == wanted:
        return python
    print(f"installing {wanted} into {peers / name} (once) …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(peers / name)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *requirements], check=True)
    marker.write_text(wanted)
    return python


def build_package(model: Path, out: Path, from_code: str, to_code: str, converted: Path, spacy_dir: Path) -> Path:
    """An argos-translate package of ``model``: metadata.json, the CTranslate2 model, the SentencePiece model, a sentence splitter."""
    name = f"translate-{from_code}_{to_code}-random"
    archive = out / f"{name}.argosmodel"
    if archive.is_file():
        return archive
    folder = out / name / f"{from_code}_{to_code}"
    shutil.rmtree(out / name, ignore_errors=True)
    folder.mkdir(parents=True)
    metadata = {
        "package_version": "1.0", "argos_version": "1.11.0", "from_code": from_code, "from_name": {"ar": "Arabic", "en": "English"}[from_code],
        "to_code": to_code, "to_name": {"ar": "Arabic", "en": "English"}[to_code], "type": "translate",
        "links": [], "source_languages": [], "target_languages": [],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")
    shutil.copytree(converted, folder / "model")
    shutil.copyfile(model / "source.spm", folder / "sentencepiece.model")
    shutil.copytree(spacy_dir, folder / "spacy")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, path.relative_to(out / name))
    return archive


def convert(model: Path, target: Path) -> Path:
    if (target / "model.bin").is_file():
        return target
    from ctranslate2.converters import TransformersConverter

    work = target.with_name(target.name + ".part")
    shutil.rmtree(work, ignore_errors=True)
    TransformersConverter(str(model)).convert(str(work), quantization="int8", force=True)
    work.rename(target)
    return target


def longest_article() -> str:
    """The longest FLORES-200 devtest article, two sentences to a paragraph."""
    articles = flores_articles()
    lines = max(articles, key=lambda a: sum(len(s) for s in a))
    return "\n\n".join(" ".join(lines[i : i + 2]) for i in range(0, len(lines), 2)) + "\n"


def flores_articles() -> list[list[str]]:
    flores = SHARED / "flores200-devtest"
    if not flores.is_dir():
        raise SystemExit(f"needs {flores} (the shared data); not found")
    groups: dict[str, list[str]] = {}
    urls = (flores / "metadata_devtest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    sentences = (flores / "flores200-devtest.arb_Arab").read_text(encoding="utf-8").splitlines()
    for meta, sentence in zip(urls, sentences):
        groups.setdefault(meta.split("\t")[0], []).append(sentence)
    return list(groups.values())


def timed(command: list[str], env: dict[str, str], what: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return seconds


def ceiling(converted: Path, model: Path, texts: list[str], beam: int, length: int, replicas: int) -> tuple[float, float]:
    """Sentences per second CTranslate2 decodes one at a time and in batches of 16, ``replicas`` replicas of one thread busy.

    Both servers run this layout (two replicas of one thread on 2 cores).  LibreTranslate, through argos,
    decodes every sentence of a request as a batch of its own (argos' ``max_batch_size`` of 32 tokens);
    tarjama serve batches concurrent requests, here at best 16 sentences a replica.  When both keep
    every core busy, requests per second follow these rates, so their ratio bounds what batching can
    win on this machine, before HTTP, sentence splitting and tokenizing (which cost both sides).
    """
    import ctranslate2
    import sentencepiece

    spm = sentencepiece.SentencePieceProcessor(model_file=str(model / "source.spm"))
    pieces = [[*spm.encode(t, out_type=str), "</s>"] for t in texts]
    translator = ctranslate2.Translator(str(converted), device="cpu", compute_type="int8", inter_threads=replicas, intra_threads=1)
    options = dict(beam_size=beam, max_decoding_length=length, min_decoding_length=length, max_batch_size=0)
    translator.translate_batch(pieces[:4], **options)  # warm
    rates = []
    for size in (1, 16):
        started = time.perf_counter()
        pending = [translator.translate_batch(pieces[i : i + size], asynchronous=True, **options) for i in range(0, len(pieces), size)]
        for batch in pending:
            for result in batch:
                result.result()
        rates.append(len(pieces) / (time.perf_counter() - started))
    return rates[0], rates[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A server process of ours, on loopback, stopped by its PID."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path) -> None:
        import http.client

        self.port = port
        self.log = open(log, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{command[:3]} exited: {log.read_text(errors='replace')[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/languages")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"{command[:3]} did not answer within 600 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(30)
        self.log.close()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--peer"]:
        return peer_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and requests: about 10-15 minutes on 2 busy cores")
    parser.add_argument("--rounds", type=int, default=None, help="alternating rounds of (a), (b) and (c) (default: 3; --quick: 2)")
    parser.add_argument("--documents", type=int, default=None, help="short articles in the folder of (b) (default: 120; --quick: 40)")
    parser.add_argument("--requests", type=int, nargs=3, default=None, metavar=("C1", "C4", "C16"),
                        help="requests per server and round at 1, 4 and 16 clients (default: 60 240 960; --quick: 24 64 320)")
    parser.add_argument("--length", type=int, default=16, help="output tokens per sentence, forced on every side (default: 16)")
    parser.add_argument("--beam", type=int, default=4, help="beam size on every side (default: 4, the fast preset's and argos')")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-bench", help="the model, packages and outputs (shared with the other benchmarks)")
    parser.add_argument("--peers-dir", type=Path, default=Path.home() / ".cache" / "tarjama-peers", help="the peers' virtual environments and data, outside the repository")
    parser.add_argument("--only", default="abc", help="which measures: any of a, b, c (default: abc)")
    parser.add_argument("--dry-run", action="store_true", help="parse the arguments, print the plan and stop (for the tests)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 3)
    args.documents = args.documents or (40 if args.quick else 120)
    requests = args.requests or ([24, 64, 320] if args.quick else [60, 240, 960])
    if args.dry_run:
        print(json.dumps({"rounds": rounds, "requests": requests, "documents": args.documents, "length": args.length, "beam": args.beam,
                          "only": args.only, "peers": [ARGOS, LIBRETRANSLATE], "peers_dir": str(args.peers_dir)}))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout's TERM still stops the servers (the finally below)
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_serve
    import bench_translate

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    peers = args.peers_dir
    peers.mkdir(parents=True, exist_ok=True)
    model = bench_translate.build_model("fast", work)
    argos_python = venv(peers, "argos-venv", ARGOS)
    lt_python = venv(peers, "lt-venv", LIBRETRANSLATE, SPACY)

    # The package, made once: the converted model, the SentencePiece model, a blank spaCy pipeline.
    packages = work / "argos-packages"
    packages.mkdir(exist_ok=True)
    converted = convert(model, packages / "fast-random-ct2-int8")
    spacy_dir = packages / "spacy-ar-blank"
    if not (spacy_dir / "config.cfg").is_file():
        subprocess.run([str(argos_python), __file__, "--peer", "spacy", str(args.length), str(spacy_dir)], check=True, env=peer_env(peers, "argos-home", args, 1, 2))
    ar_en = build_package(model, packages, "ar", "en", converted, spacy_dir)
    en_ar = build_package(model, packages, "en", "ar", converted, spacy_dir)
    argos_env = peer_env(peers, "argos-home", args, 1, 2)  # sequential calls: one replica on both cores is argos' best
    lt_env = peer_env(peers, "lt-home", args, 2, 1)  # concurrent requests: two replicas, as tarjama serve
    for python, env, wanted in ((argos_python, argos_env, [ar_en]), (lt_python, lt_env, [ar_en, en_ar])):
        installed = Path(env["XDG_DATA_HOME"]) / "argos-translate" / "packages"
        if not installed.is_dir() or len(list(installed.iterdir())) < len(wanted):
            subprocess.run([str(python), __file__, "--peer", "install", str(args.length), *map(str, wanted)], check=True, env=env)

    ours_env = dict(os.environ, PYTHONPATH=str(ROOT), TARJAMA_CACHE_DIR=str(work / "cache"), OMP_NUM_THREADS=str(os.cpu_count() or 2))
    tarjama = [sys.executable, "-m", "translate"]
    decoding = ["--model", str(model), "--device", "cpu", "--compute-type", "int8", "--beam", str(args.beam), "--fixed-length", str(args.length), "--no-tm", "--quiet"]
    subprocess.run([*tarjama, "translate", str(ROOT / "tests" / "fixtures" / "article.ar.txt"), "-o", str(work / "peers-warm"), "--to", "txt", "--overwrite", *decoding],
                   env=ours_env, check=True, capture_output=True)  # the conversion, once, outside the timings

    results: dict[str, list[tuple[float, float]]] = {}
    loads: list[float] = []

    def alternate(name: str, ours: list[str], files: list[str], out: Path) -> None:
        rows = results.setdefault(name, [])
        for r in range(rounds):
            shutil.rmtree(out, ignore_errors=True)
            order = ("ours", "theirs") if r % 2 == 0 else ("theirs", "ours")
            seconds = {}
            for side in order:
                if side == "ours":
                    seconds[side] = timed([*ours, "-o", str(out / "tarjama")], ours_env, f"tarjama ({name})")
                else:
                    seconds[side] = timed([*argos_run, str(out / "argos"), *files], argos_env, f"argos ({name})")
            rows.append((seconds["ours"], seconds["theirs"]))
            loads.append(os.getloadavg()[0])
            print(f"({name}) round {r + 1}: tarjama {seconds['ours']:.1f} s, argos {seconds['theirs']:.1f} s, load {loads[-1]:.1f}", flush=True)

    argos_run = [str(argos_python), __file__, "--peer", "translate", str(args.length)]
    if "a" in args.only:
        article = work / "peers-article" / "article.txt"
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_text(longest_article(), encoding="utf-8")
        alternate("article", [*tarjama, "translate", str(article), "--to", "txt", *decoding], [str(article)], work / "peers-article-out")
    if "b" in args.only:
        folder = work / f"peers-folder-{args.documents}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for n, lines in enumerate(flores_articles()[: args.documents]):
            (folder / f"article-{n:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        files = [str(p) for p in sorted(folder.iterdir())]
        alternate("folder", [*tarjama, "translate", str(folder), "--to", "txt", *decoding], files, work / "peers-folder-out")

    server_rows: list[tuple[int, int, dict, dict]] = []
    server_rss: dict[str, tuple[float, float]] = {}
    if "c" in args.only:
        base = bench_translate.load_sentences(200)
        total = rounds * sum(requests) + 40
        texts = [f"{base[i % len(base)]} {i}" for i in range(total)]
        alone, batched = ceiling(converted, model, [t for i in range(32) for t in (base[i], str(i))], args.beam, args.length, 2)
        print(f"(server) CTranslate2, two replicas: {alone:.1f} sentences/s one at a time, {batched:.1f} in batches of 16: "
              f"a batching server's ceiling {batched / alone:.2f}×", flush=True)
        port_ours, port_theirs = free_port(), free_port()
        ours = Process([*tarjama, "serve", "--port", str(port_ours), *decoding, "--queue-limit", "100000"], ours_env, port_ours, work / "peers-serve-tarjama.log")
        try:
            theirs = Process([str(lt_python), __file__, "--peer", "libretranslate", str(args.length), str(port_theirs), "16"], lt_env, port_theirs,
                             work / "peers-serve-libretranslate.log")
        except BaseException:
            ours.stop()
            raise
        try:
            warm = texts[-40:]
            for server in (ours, theirs):
                bench_serve.load(server.port, 4, warm)
            start = {"ours": bench_serve.rss_mb(ours.process.pid), "theirs": bench_serve.rss_mb(theirs.process.pid)}
            used = 0
            for r in range(rounds):
                for clients, count in zip((1, 4, 16), requests):
                    chunk = texts[used : used + count]
                    used += count
                    order = (ours, theirs) if r % 2 == 0 else (theirs, ours)
                    measured = {id(server): bench_serve.load(server.port, clients, chunk) for server in order}
                    a, b = measured[id(ours)], measured[id(theirs)]
                    if a["errors"] or b["errors"]:
                        raise SystemExit(f"errors at {clients} clients: tarjama {a['errors']}, libretranslate {b['errors']}")
                    server_rows.append((r, clients, a, b))
                    loads.append(os.getloadavg()[0])
                    print(f"(server) round {r + 1}, {clients:>2} clients: tarjama {a['rps']:.1f} req/s, libretranslate {b['rps']:.1f} req/s, load {loads[-1]:.1f}", flush=True)
            server_rss = {"tarjama": (start["ours"], bench_serve.rss_mb(ours.process.pid)), "libretranslate": (start["theirs"], bench_serve.rss_mb(theirs.process.pid))}
        finally:
            ours.stop()
            theirs.stop()

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print()
    print(f"tarjama vs {ARGOS} and {LIBRETRANSLATE}: fast-preset shapes, random weights, CTranslate2 int8, beam {args.beam}, "
          f"{args.length} output tokens a sentence, {cpus} CPUs, load average {min(loads or [0]):.1f}–{max(loads or [0]):.1f}; {rounds} rounds")
    print("| measure | tarjama | peer | ratio (median of rounds) |")
    print("|---|---|---|---|")
    for name, label in (("article", "(a) one FLORES article, fresh process, s"), ("folder", f"(b) folder of {args.documents} articles, s")):
        if name in results:
            rows = results[name]
            ratio = statistics.median(theirs / ours for ours, theirs in rows)
            print(f"| {label} | {statistics.median(o for o, _ in rows):.2f} | {statistics.median(t for _, t in rows):.2f} (argos) | **{ratio:.2f}×** |")
    ratio16 = None
    for clients in (1, 4, 16):
        rows16 = [(a, b) for _, c, a, b in server_rows if c == clients]
        if rows16:
            ratio = statistics.median(a["rps"] / b["rps"] for a, b in rows16)
            if clients == 16:
                ratio16 = ratio
            print(f"| (c) server, {clients} clients, req/s (p50 ms) | {statistics.median(a['rps'] for a, _ in rows16):.1f} ({statistics.median(a['p50'] for a, _ in rows16):.0f}) "
                  f"| {statistics.median(b['rps'] for _, b in rows16):.1f} ({statistics.median(b['p50'] for _, b in rows16):.0f}) (LibreTranslate) | **{ratio:.2f}×** |")
    if server_rss:
        print("server RSS after warm-up → end, MB: " + "; ".join(f"{k} {a:.0f} → {b:.0f}" for k, (a, b) in server_rss.items()))
    for name, key in (("article", "article_vs_argos"), ("folder", "folder_vs_argos")):
        if name in results:
            print(f"RATIO {key} {statistics.median(theirs / ours for ours, theirs in results[name]):.2f}")
    if ratio16 is not None:
        print(f"RATIO server16_vs_libretranslate {ratio16:.2f}")
        print(f"CEILING server_vs_libretranslate {batched / alone:.2f} (CTranslate2, two replicas of one thread: {alone:.1f} sentences/s "
              f"one at a time, {batched:.1f} in batches of 16; once both servers fill the cores, requests/s follow these rates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
