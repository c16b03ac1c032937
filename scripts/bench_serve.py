#!/usr/bin/env python3
"""Load test of ``tarjama serve`` from loopback: requests/s, latency, errors, server memory, batching on/off.

The server runs the fast preset's exact shapes with random weights (built by
scripts/bench_translate.py, cached in --workdir) at a fixed output length, so
speed depends on shapes, not on where random weights happen to stop.  Every
request is one distinct sentence (no two alike, so neither the engine's
deduplication nor a memory can help; the server runs with --no-tm), sent as
LibreTranslate JSON over keep-alive connections by 1, 4 and 16 concurrent
clients.  Then the same 16-client load goes to the same server started with
--no-cross-batching: the ratio is what merging concurrent requests into shared
decoding batches buys, and the answers of both runs must be identical.

    python scripts/bench_serve.py --requests 500 2000 6500 1000   # 10,000 requests
    python scripts/bench_serve.py --requests 200 100 400 100   # a quick look
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, model: Path, workdir: Path, args: argparse.Namespace, batching: bool) -> None:
        self.port = free_port()
        command = [
            sys.executable, "-m", "translate", "serve", "--model", str(model), "--port", str(self.port), "--device", "cpu",
            "--no-tm", "--fixed-length", str(args.length), "--beam", str(args.beam), "--queue-limit", "100000", "--quiet",
        ]
        if not batching:
            command.append("--no-cross-batching")
        env = dict(os.environ, TARJAMA_CACHE_DIR=str(workdir / "cache"), PYTHONPATH=str(ROOT))
        self.log = open(workdir / f"server-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited: {(workdir / f'server-{self.port}.log').read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit("the server did not start within 600 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(30)
        self.log.close()


def load(port: int, clients: int, texts: list[str]) -> dict:
    """``clients`` threads, each on its own keep-alive connection, take the texts in turn until none is left."""
    latencies: list[float] = []
    outputs: dict[str, str] = {}
    errors = [0]
    lock = threading.Lock()
    queue = iter(texts)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                text = next(queue, None)
            if text is None:
                break
            body = json.dumps({"q": text, "source": "ar", "target": "en", "format": "text"})
            started = time.perf_counter()
            try:
                conn.request("POST", "/translate", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                data = response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                ok, data = False, b""
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if ok:
                    outputs[text] = json.loads(data)["translatedText"]
                else:
                    errors[0] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(texts),
        "wall": wall,
        "latencies": latencies,
        "rps": len(texts) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000,
        "errors": errors[0],
        "outputs": outputs,
    }


def merged(parts: list[dict]) -> dict:
    """One run's figures from consecutive slices of it."""
    latencies = sorted(x for p in parts for x in p["latencies"])
    requests = sum(p["requests"] for p in parts)
    outputs: dict[str, str] = {}
    for p in parts:
        outputs.update(p["outputs"])
    return {
        "requests": requests,
        "wall": sum(p["wall"] for p in parts),
        "latencies": latencies,
        "rps": requests / sum(p["wall"] for p in parts),
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000,
        "errors": sum(p["errors"] for p in parts),
        "outputs": outputs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, nargs=4, default=[500, 2000, 6500, 1000], metavar=("C1", "C4", "C16", "C16_OFF"),
                        help="requests with 1, 4 and 16 clients, and with 16 clients without cross-request batching (default: 500 2000 6500 1000)")
    parser.add_argument("--length", type=int, default=16, help="output tokens per sentence, forced (default: 16)")
    parser.add_argument("--beam", type=int, default=1, help="beam size (default: 1, so that 10,000 requests fit in minutes on 2 cores; the fast preset's own is 4)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-bench", help="models and converted models are cached here (shared with bench_translate.py)")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)

    model = args.workdir / "fast-random"
    if not (model / "model.safetensors").is_file():
        build = f"import sys; sys.path.insert(0, {str(ROOT / 'scripts')!r}); import bench_translate as b; from pathlib import Path; b.build_model('fast', Path({str(args.workdir)!r}))"
        subprocess.run([sys.executable, "-c", build], check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    import bench_translate

    base = bench_translate.load_sentences(200)
    total = sum(args.requests) + 40
    # Every request distinct: a number makes each sentence its own, so nothing is deduplicated.
    texts = [f"{base[i % len(base)]} {i}" for i in range(total)]
    c1, c4, c16, off = args.requests
    plan = [(1, texts[:c1]), (4, texts[c1 : c1 + c4]), (16, texts[c1 + c4 : c1 + c4 + c16])]
    same = texts[c1 + c4 : c1 + c4 + off]  # the off run translates the first of the 16-client texts again
    warm = texts[-40:]

    rows = []
    rss_series: list[tuple[int, float]] = []
    server = Server(model, args.workdir, args, batching=True)
    try:
        load(server.port, 4, warm)
        start_rss = rss_mb(server.process.pid)
        for clients, chunk in plan:
            if clients < 16:
                rows.append(("on", clients, load(server.port, clients, chunk)))
                continue
            # The 16-client run in ten slices, the server's RSS after each: memory must stay flat after warm-up.
            parts = [load(server.port, clients, chunk[i * len(chunk) // 10 : (i + 1) * len(chunk) // 10]) for i in range(10) if len(chunk) >= 10]
            done = c1 + c4
            for part in parts:
                done += part["requests"]
                rss_series.append((done, rss_mb(server.process.pid)))
            rows.append(("on", clients, merged(parts) if parts else load(server.port, clients, chunk)))
        end_rss = rss_mb(server.process.pid)
        on_rss = (start_rss, end_rss)
    finally:
        server.stop()
    server = Server(model, args.workdir, args, batching=False)
    try:
        load(server.port, 4, warm)
        start_rss = rss_mb(server.process.pid)
        rows.append(("off", 16, load(server.port, 16, same)))
        off_rss = (start_rss, rss_mb(server.process.pid))
    finally:
        server.stop()

    on16 = rows[2][2]
    off16 = rows[3][2]
    differing = [t for t in same if on16["outputs"].get(t) != off16["outputs"].get(t)]
    identical = not differing
    if differing:  # kept for diagnosis: which sentences, and both answers
        report = [{"q": t, "batching_on": on16["outputs"].get(t), "batching_off": off16["outputs"].get(t)} for t in differing]
        (args.workdir / "bench_serve_differences.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"tarjama serve load test: fast-preset shapes, random weights, {args.length} output tokens, beam {args.beam}, "
          f"{cpus} CPU(s), load average {os.getloadavg()[0]:.1f}; one distinct sentence per request, JSON, keep-alive")
    print(f"{'batching':<9} {'clients':>7} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
    for mode, clients, r in rows:
        print(f"{mode:<9} {clients:>7} {r['requests']:>8} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['errors']:>6}")
    print(f"requests in all: {sum(r['requests'] for _, _, r in rows)}; errors in all: {sum(r['errors'] for _, _, r in rows)}")
    print(f"server RSS, batching on: {on_rss[0]:.0f} MB at start, {on_rss[1]:.0f} MB at the end; batching off: {off_rss[0]:.0f} → {off_rss[1]:.0f} MB")
    if rss_series:
        print("server RSS (batching on) over the 16-client run, MB after N requests: " + ", ".join(f"{n}: {mb:.0f}" for n, mb in rss_series))
    print(f"16 clients, batching on / off: {on16['rps'] / off16['rps']:.2f}x; the {len(same)} answers of both runs identical: {identical}"
          + (f" ({len(differing)} differ; see {args.workdir / 'bench_serve_differences.json'})" if differing else ""))
    return 0 if identical and not any(r["errors"] for _, _, r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
