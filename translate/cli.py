"""The ``tarjama`` command: a thin layer over the Python API.

Contract: exit 0 on success; exit 2 with one ``tarjama: error: …`` line on
stderr for bad usage or bad input; never a traceback (set TARJAMA_DEBUG=1 to
see one); ``validate`` exits 1 when a file has errors; a defect of tarjama
itself exits 70 with an ``internal error`` line.  Warnings are one
``tarjama: warning: …`` line each.  Nothing heavy is imported at module
level: ``segment``, ``evaluate`` and ``validate`` never load torch.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from translate import TOOL_NAME, __version__
from translate.cache import default_tm_path
from translate.errors import TarjamaError, shown
from translate.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_BATCH_TOKENS,
    DEFAULT_MIN_CONFIDENCE,
    DEFAULT_MIN_SCORE,
    DEFAULT_NO_REPEAT_NGRAM,
    DecodingSettings,
    ExportOptions,
    Overwrite,
    QaSettings,
)
from translate.textio import STDIN, reading_encoding, text_encoding
from translate.wording import counted

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C; SIGTERM exits 128 + 15 = 143, the shell's convention for a process ended by a signal."""

TRANSLATE_FORMATS = ("txt", "tmx", "html", "tsv", "xliff", "xliff2", "docx")
FORMATTED = "formatted"
"""``--to formatted``: a Word document or web page back in its own format, translated in place (docs/formatted.md)."""
ALIGN_FORMATS = ("tmx", "html", "tsv", "xliff", "xliff2")
EXIT_INVALID = 1
"""``tarjama validate``: the file has errors (2 stays "could not check": no such file, bad usage)."""
EXIT_INTERNAL = 70
"""A defect of tarjama itself (sysexits' EX_SOFTWARE): never 1, which ``validate`` uses for "invalid file"."""


class _Parser(argparse.ArgumentParser):
    """argparse prints usage plus a message; the contract is one line."""

    def error(self, message: str) -> NoReturn:
        raise TarjamaError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    from translate.translation.presets import DEFAULT_PRESET, PRESETS

    presets = ", ".join(f"{p.name} = {p.hub_id}" for p in PRESETS.values())
    parser = _Parser(prog=TOOL_NAME, description="Arabic→English machine translation and bilingual alignment.")
    parser.add_argument("--version", action="version", version=f"{TOOL_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    p = sub.add_parser("translate", help="translate Arabic articles into an English draft, TMX and a review page")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="text (.txt, one paragraph per line), web pages (.html), Word documents (.docx) or folders of them; - reads stdin")
    p.add_argument("-o", "--output-dir", default=".", metavar="OUTDIR", help="where to write NAME.en.txt, NAME.tmx, NAME.html (default: .)")
    p.add_argument("--model", default=DEFAULT_PRESET, metavar="NAME_OR_DIR", help=f"a preset ({presets}), a hub id or a local model directory (default: {DEFAULT_PRESET})")
    p.add_argument("--to", default=f"txt,tmx,html,{FORMATTED}", metavar="FORMATS", help=f"comma-separated outputs from {','.join(TRANSLATE_FORMATS)},{FORMATTED} ({FORMATTED}: a Word document or web page translated in place, NAME.en.docx or NAME.en.html; default: txt,tmx,html,{FORMATTED})")
    _add_decoding_options(p)
    _add_tm_option(p)
    p.add_argument("--no-tm", action="store_true", help="neither read nor write the translation memory")
    p.add_argument("--glossary", metavar="TERMBASE", help="a termbase (TBX, CSV ar,en or TSV) whose terms every translation gets, enforced while decoding (docs/terminology.md)")
    p.add_argument("--min-confidence", type=_confidence, default=DEFAULT_MIN_CONFIDENCE, metavar="C", help=f"flag machine translations whose confidence (0 to 1) is below C; 0 flags none (default: {DEFAULT_MIN_CONFIDENCE:g}; see docs/confidence.md)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (no progress bar)")
    _add_language_check_option(p)
    _add_encoding_option(p)
    _add_export_options(p)
    _add_overwrite_option(p)
    _add_ray_options(p)

    p = sub.add_parser("segment", help="split a text into sentences, one per line, a blank line between paragraphs")
    p.add_argument("input", metavar="INPUT", help="a text file (UTF-8, or see --encoding), a web page (.html) or a Word document (.docx); - reads stdin")
    p.add_argument("--lang", default="ar", choices=("ar", "en"), help="language of the text (default: ar)")
    _add_encoding_option(p)

    _add_align_parser(sub)
    _add_merge_command(sub)

    p = sub.add_parser("validate", help="check TMX or XLIFF files and name each problem with its line number")
    p.add_argument("files", nargs="+", metavar="FILE", help="a .tmx or .xlf/.xliff file, ours or any tool's")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the problems, not the verdict of clean files")

    p = sub.add_parser("check", help="flag suspicious segments of a line-by-line translation (numbers, leftovers, repetition, …)")
    p.add_argument("source", metavar="SOURCE", help="the Arabic text, one segment per line; or an article as translate reads it (text, web page, Word document)")
    p.add_argument("target", metavar="TARGET", help="its English translation, line-aligned with SOURCE; or the article's draft (NAME.en.txt, a line per paragraph)")
    p.add_argument("--glossary", metavar="TERMBASE", help="a termbase to check (TBX, CSV ar,en or TSV; docs/terminology.md)")
    p.add_argument("-o", "--output-dir", default=None, metavar="OUTDIR", help="also write the checked pairs (see --to)")
    p.add_argument("--to", default="tsv,html", metavar="FORMATS", help=f"outputs with -o, from {','.join(TRANSLATE_FORMATS)} (default: tsv,html)")
    p.add_argument("-q", "--quiet", action="store_true", help="print no summary line")
    _add_language_check_option(p)
    _add_encoding_option(p)
    _add_overwrite_option(p)

    p = sub.add_parser("tm", help="manage the translation memory")
    tm_sub = p.add_subparsers(dest="tm_command", metavar="ACTION", required=True, parser_class=_Parser)
    p = tm_sub.add_parser("import", help="load human translations from TMX or post-edited XLIFF files as exact matches (they win over MT)")
    p.add_argument("files", nargs="+", metavar="FILE", help="TMX files (1.1–1.4), or XLIFF 1.2/2.x files whose confirmed targets are imported")
    _add_tm_option(p)
    p.add_argument("--source-lang", default="ar", metavar="LANG", help="source language of the units (default: ar)")
    p.add_argument("--target-lang", default="en", metavar="LANG", help="target language of the units (default: en)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    _add_tune_parser(sub)
    _add_serve_parser(sub)

    p = sub.add_parser("evaluate", help="score a translation against a reference with sacrebleu BLEU and chrF")
    p.add_argument("hypothesis", metavar="HYPOTHESIS", help="system output, one segment per line, or tarjama's draft (NAME.en.txt); blank lines are paragraph breaks")
    p.add_argument("reference", metavar="REFERENCE", help="reference translation, line-aligned with HYPOTHESIS (blank lines aside) or with as many paragraphs")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    _add_encoding_option(p)
    return parser


def _add_align_parser(sub: Any) -> None:
    p = sub.add_parser("align", help="align an Arabic article with an existing English translation (or two folders of them)")
    p.add_argument("source", metavar="SOURCE", help="the Arabic article: text (.txt), web page (.html) or Word document (.docx); or a folder of them")
    p.add_argument("target", metavar="TARGET", help="its English translation, in any of those formats; or the folder of their English versions (paired by relative path and name)")
    p.add_argument("-o", "--output-dir", default=".", metavar="OUTDIR", help="where to write the outputs (default: .)")
    p.add_argument("--presegmented", action="store_true", help="every input line is one segment; blank lines separate paragraphs")
    p.add_argument("--to", default="tmx,html,tsv", metavar="FORMATS", help=f"comma-separated outputs from {','.join(ALIGN_FORMATS)} (default: tmx,html,tsv)")
    p.add_argument("--mt", metavar="MT", help="a machine translation of SOURCE to bridge the languages: the NAME.tmx (or NAME.en.txt) that 'tarjama translate' wrote for it")
    p.add_argument("--merged-tmx", metavar="FILE", help="folders only: also write every pair's units into this one TMX")
    p.add_argument("--min-score", type=_score, default=DEFAULT_MIN_SCORE, metavar="S", help=f"the TMX keeps pairs the aligner scores S or more (0 to 1; 0 keeps all); the TSV and review page show every pair and mark those left out (default: {DEFAULT_MIN_SCORE:g}, for building translation memory; see docs/alignment.md)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    _add_language_check_option(p)
    _add_encoding_option(p)
    _add_export_options(p)
    _add_overwrite_option(p)
    _add_ray_options(p)


def _add_encoding_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encoding",
        type=_encoding,
        default=None,
        metavar="NAME",
        help="the encoding of text files that are not UTF-8, e.g. cp1256 (Arabic Windows); UTF-8, with or without BOM, and UTF-16 with BOM are recognised by themselves",
    )


def _encoding(name: str) -> str:
    try:
        return text_encoding(name)
    except TarjamaError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_decoding_options(p: argparse.ArgumentParser) -> None:
    """The options that become a DecodingSettings value: the same for translate and serve."""
    p.add_argument("--backend", default="auto", choices=("auto", "transformers", "ctranslate2"), help="decoding backend (default: auto = ctranslate2 when it loads, else transformers)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"), help="where to run the model (default: auto)")
    p.add_argument("--compute-type", default="default", metavar="TYPE", help="numeric precision: int8, int8_float32, int8_float16, float16, bfloat16, float32 (default: int8 on CPU and float16 on GPU with ctranslate2; float32 with transformers)")
    p.add_argument("--beam", type=_positive_int, default=None, metavar="N", help="beam size (default: the model's own, 4 for the Helsinki models)")
    p.add_argument("--batch-tokens", type=_positive_int, default=DEFAULT_BATCH_TOKENS, metavar="N", help=f"source tokens per batch, padding included (default: {DEFAULT_BATCH_TOKENS})")
    p.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="N", help=f"at most N sentences per batch (default: {DEFAULT_BATCH_SIZE})")
    p.add_argument("--no-repeat-ngram", type=_natural_int, default=DEFAULT_NO_REPEAT_NGRAM, metavar="N", help=f"repetition guard: an output that degenerates into a repeated run is decoded again without repeated N-grams; 0 turns it off (default: {DEFAULT_NO_REPEAT_NGRAM})")
    p.add_argument("--fixed-length", type=_positive_int, default=None, help=argparse.SUPPRESS)  # benchmarks only: outputs of exactly N tokens


def _add_tune_parser(sub: Any) -> None:
    from translate.translation.presets import DEFAULT_PRESET
    from translate.tuning import MIN_UNITS, TuneSettings

    d = TuneSettings()
    p = sub.add_parser("tune", help="fine-tune a model on the memory's human translations (and TMX/XLIFF/TSV files) into a new model directory")
    p.add_argument("files", nargs="*", metavar="FILE", help="more human translations: TMX, XLIFF (confirmed targets) or TSV (arabic<TAB>english)")
    _add_tm_option(p)
    p.add_argument("--no-tm", action="store_true", help="learn from FILEs only, not from the translation memory")
    p.add_argument("--model", default=DEFAULT_PRESET, metavar="NAME_OR_DIR", help=f"the base model: a preset, hub id or model directory (default: {DEFAULT_PRESET})")
    p.add_argument("-o", "--output-dir", required=True, metavar="DIR", help="the tuned model's folder (a model directory like the base's, with tune-report.json)")
    p.add_argument("--generic", action="append", default=[], metavar="FILE", help="a general-domain sample (TMX/XLIFF/TSV) mixed into training against forgetting")
    p.add_argument("--epochs", type=int, default=d.epochs, help=f"at most this many passes over the data (default: {d.epochs})")
    p.add_argument("--learning-rate", type=float, default=d.learning_rate, metavar="LR", help=f"peak learning rate (default: {d.learning_rate})")
    p.add_argument("--batch-size", type=int, default=d.batch_size, metavar="N", help=f"pairs per step (default: {d.batch_size})")
    p.add_argument("--weight-decay", type=float, default=d.weight_decay, metavar="W", help=f"AdamW weight decay of the weight matrices: 0 for a trained base; for a random-weight one, see docs/tune.md (default: {d.weight_decay})")
    p.add_argument("--patience", type=int, default=d.patience, metavar="N", help=f"stop after N evaluations without a better validation loss (default: {d.patience})")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"), help="where to train (default: auto, a GPU when torch sees one)")
    p.add_argument("--threads", type=int, default=0, metavar="N", help="CPU threads (default: 0, every core; 1 is often faster on a busy machine)")
    p.add_argument("--source-lang", default="ar", metavar="LANG", help="source language of the units read from files (default: ar)")
    p.add_argument("--target-lang", default="en", metavar="LANG", help="target language of the units read from files (default: en)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (no progress bar)")
    _add_ray_options(p)  # data-parallel training with Ray Train (translate/tuning/distributed.py)
    p.epilog = f"At least {MIN_UNITS} distinct pairs are needed; see docs/tune.md."


def _add_serve_parser(sub: Any) -> None:
    from translate.serve.config import DEFAULT_HOST, DEFAULT_PORT, Limits
    from translate.translation.presets import DEFAULT_PRESET

    limits = Limits()
    p = sub.add_parser("serve", help="the LibreTranslate HTTP API and a page for translators, on this machine (needs tarjama[serve])")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST}, this machine only; 0.0.0.0 opens it to the network)")
    p.add_argument("--port", type=_int_at_least(1, "a port number"), default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}, LibreTranslate's)")
    p.add_argument("--model", default=DEFAULT_PRESET, metavar="NAME_OR_DIR", help=f"a preset, a hub id or a local model directory (default: {DEFAULT_PRESET})")
    _add_decoding_options(p)
    _add_tm_option(p)
    p.add_argument("--no-tm", action="store_true", help="neither read nor write the translation memory")
    p.add_argument("--glossary", metavar="TERMBASE", help="a termbase (TBX, CSV or TSV) enforced in every translation and checked on the review page (docs/terminology.md)")
    p.add_argument("--api-keys", metavar="FILE", help="require an api_key from this file (one key per line); without it, no key is needed")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN", help="let web pages from ORIGIN (e.g. https://weblate.example.org) call the API; repeatable (default: no CORS)")
    p.add_argument("--no-cross-batching", action="store_true", help="translate each request on its own instead of merging concurrent requests into shared batches")
    p.add_argument("--max-batch", type=_positive_int, default=64, metavar="N", help="sentences merged into one engine call (default: 64)")
    p.add_argument("--batch-wait-ms", type=float, default=5.0, metavar="MS", help="how long to wait for more requests to merge (default: 5)")
    p.add_argument("--char-limit", type=_positive_int, default=limits.chars, metavar="N", help=f"characters per text (default: {limits.chars})")
    p.add_argument("--batch-limit", type=_positive_int, default=limits.texts, metavar="N", help=f"texts in a list q (default: {limits.texts})")
    p.add_argument("--body-limit", type=_positive_int, default=limits.body_bytes, metavar="BYTES", help=f"request body size (default: {limits.body_bytes})")
    p.add_argument("--file-limit", type=_positive_int, default=limits.file_bytes, metavar="BYTES", help=f"uploaded file size (default: {limits.file_bytes})")
    p.add_argument("--queue-limit", type=_positive_int, default=limits.queue_segments, metavar="N", help=f"sentences waiting for the model before requests get 429 (default: {limits.queue_segments})")
    p.add_argument("--timeout", type=float, default=limits.timeout_s, metavar="SECONDS", help=f"longest wait for a translation (default: {limits.timeout_s:g})")
    p.add_argument("--body-timeout", type=float, default=limits.body_timeout_s, metavar="SECONDS", help=f"longest a client may take to send its request (default: {limits.body_timeout_s:g})")
    p.add_argument("--downloads-limit", type=_positive_int, default=limits.downloads_bytes, metavar="BYTES", help=f"bytes of results kept for download, oldest deleted first (default: {limits.downloads_bytes})")
    p.add_argument("--downloads-age", type=float, default=limits.downloads_age_s, metavar="SECONDS", help=f"how long a result is kept for download (default: {limits.downloads_age_s:g})")
    _add_language_check_option(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")


def cmd_serve(args: argparse.Namespace) -> int:
    from translate import serve
    from translate.serve.config import Limits, ServeConfig

    config = ServeConfig(
        model=args.model,
        decoding=_decoding_settings(args),
        tm=args.tm,
        no_tm=args.no_tm,
        glossary=args.glossary,
        host=args.host,
        port=args.port,
        api_keys=serve.read_api_keys(args.api_keys) if args.api_keys else frozenset(),
        cors=tuple(args.cors),
        cross_batching=not args.no_cross_batching,
        max_batch=args.max_batch,
        batch_wait_ms=args.batch_wait_ms,
        limits=Limits(
            chars=args.char_limit,
            texts=args.batch_limit,
            body_bytes=args.body_limit,
            file_bytes=args.file_limit,
            queue_segments=args.queue_limit,
            timeout_s=args.timeout,
            body_timeout_s=args.body_timeout,
            downloads_bytes=args.downloads_limit,
            downloads_age_s=args.downloads_age,
        ),
        language_check=not args.no_language_check,
        quiet=args.quiet,
    )
    return serve.run(config)


def _add_export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--src-lang", default=None, metavar="CODE", help="source language code written to TMX, XLIFF and HTML, e.g. ar-SA; must match your CAT project (default: ar)")
    p.add_argument("--tgt-lang", default=None, metavar="CODE", help="target language code, e.g. en-US (default: en)")
    p.add_argument("--tmx-dedupe", action="store_true", help="write identical source/target pairs to the TMX once")


def _add_merge_command(sub: Any) -> None:
    p = sub.add_parser("merge", help="rebuild a Word document or web page from its XLIFF, translated in a CAT tool")
    p.add_argument("xliff", metavar="FILE.xlf", help="an XLIFF 1.2 or 2.0 that 'tarjama translate --to xliff' (or xliff2) wrote for a .docx or .html input")
    p.add_argument("-o", "--output", metavar="OUT", help="the rebuilt document (default: NAME.en.docx or NAME.en.html beside FILE.xlf, NAME the original's)")
    p.add_argument("--original", metavar="FILE", help="the original document, for an XLIFF whose copy of it a CAT tool removed (it must be the same file)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    _add_overwrite_option(p)


def _add_overwrite_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace files in the output folder that tarjama did not write, or that were changed since (by default such a file stops the run before anything is done; tarjama's own earlier outputs are always replaced)",
    )


def _overwrite(args: argparse.Namespace) -> Overwrite:
    return Overwrite.ANY if args.overwrite else Overwrite.OURS


def _add_ray_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS", help="run on Ray: ray://HOST:10001, HOST:6379, or auto (Ray's discovery: $RAY_ADDRESS, else the cluster 'ray start' started here); without ADDRESS, a local Ray of its own, stopped at the end; needs pip install 'tarjama[ray]'")
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N", help="with --ray: N workers, each with one GPU where the cluster has GPUs (default: 2)")


def _check_workers_option(args: argparse.Namespace) -> None:
    if args.workers is not None and args.ray is None:
        raise TarjamaError("--workers is the number of Ray workers; it needs --ray")


def _cluster_options(args: argparse.Namespace):  # -> translate.cluster.runner.ClusterOptions
    """Ray is imported here, first, so that a missing extra is one line before any file is read."""
    from translate.cluster.connection import require_ray

    require_ray()
    from translate.cluster.runner import ClusterOptions

    return ClusterOptions(address=args.ray or None, workers=args.workers or 2)


def _add_language_check_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-language-check",
        action="store_true",
        help="accept a file whose letters are mostly not in the expected script (Arabic source, English target); by default it is refused, as a file given in the wrong place",
    )


class _TerminalHandler(logging.Handler):
    """Library messages as the CLI's lines: ``tarjama: warning: …`` for warnings, ``tarjama: …`` for progress.

    Printed above a progress bar when one is on screen, never into it.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed message must not stop a run
            message = str(record.msg)
        prefix = f"{TOOL_NAME}: warning: " if record.levelno >= logging.WARNING else f"{TOOL_NAME}: "
        _write(prefix + message)


def _install_logging(quiet: bool) -> None:
    """One handler on the package's logger; ``-q`` raises its level so that only errors pass."""
    logger = logging.getLogger("translate")
    for old in [h for h in logger.handlers if isinstance(h, _TerminalHandler)]:
        logger.removeHandler(old)  # a second main() in one process (tests) gets today's stderr and -q
    logger.addHandler(_TerminalHandler())
    logger.setLevel(logging.ERROR if quiet else logging.INFO)


def _export_options(args: argparse.Namespace, formats: Sequence[str]) -> ExportOptions:
    return ExportOptions(
        formats=tuple(formats), source_lang=args.src_lang, target_lang=args.tgt_lang, tmx_dedupe=args.tmx_dedupe,
        overwrite=_overwrite(args), min_score=getattr(args, "min_score", None) or None,  # 0 keeps every pair: no dial
    )


def _decoding_settings(args: argparse.Namespace) -> DecodingSettings:
    return DecodingSettings(
        backend=args.backend,
        device=args.device,
        compute_type=args.compute_type,
        beam=args.beam,
        batch_tokens=args.batch_tokens,
        batch_size=args.batch_size,
        no_repeat_ngram=args.no_repeat_ngram,
        fixed_length=args.fixed_length,
    )


def _add_tm_option(p: argparse.ArgumentParser) -> None:
    from translate.cache import default_tm_path

    p.add_argument("--tm", default=None, metavar="PATH", help=f"translation memory file, SQLite (default: {default_tm_path()})")


def _int_at_least(minimum: int, what: str):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}")
        return number

    return parse


def _between_0_and_1(what: str):
    """A threshold from 0 to 1 (an alignment score, a confidence); anything else is one usage line naming ``what``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not 0.0 <= value <= 1.0:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} between 0 and 1")
        return value

    return parse


_score = _between_0_and_1("a score")
_confidence = _between_0_and_1("a confidence")
_natural_int = _int_at_least(0, "a whole number")
_positive_int = _int_at_least(1, "a positive integer")


def _say(args: argparse.Namespace, message: str) -> None:
    """What the CLI itself reports (per-file lines, summaries); ``-q`` silences it."""
    if not getattr(args, "quiet", False):
        _write(message)


def _write(message: str) -> None:
    """One stderr line in one ``write``: a signal lands between two calls, so ``print``'s text-then-newline
    could leave the line open and the interruption's own line would run on from it."""
    tqdm = sys.modules.get("tqdm")
    if tqdm is not None:  # a progress bar may be on screen: print above it, not into it
        tqdm.tqdm.write(message + "\n", file=sys.stderr, end="")
    else:
        sys.stderr.write(message + "\n")


def cmd_translate(args: argparse.Namespace) -> int:
    from translate import batch
    from translate.export import parse_formats
    from translate.export.base import check_languages
    from translate.translation.memory import TranslationMemory

    named = [name.strip().lower() for name in args.to.split(",")]
    formatted = FORMATTED in named
    rest = ",".join(name for name in named if name != FORMATTED)
    export = _export_options(args, parse_formats(rest, (*TRANSLATE_FORMATS, FORMATTED)) if rest or not formatted else [])
    settings = _decoding_settings(args)
    check_languages(args.src_lang, args.tgt_lang, "ar", "en")
    _check_workers_option(args)
    options = _cluster_options(args) if args.ray is not None else None
    if options is not None and STDIN in args.inputs:
        raise TarjamaError("--ray reads files and folders, not stdin (-)")
    # Every input and output is checked before a model is loaded (or a cluster asked for anything):
    # a bad file fails in a second.
    job = batch.plan(
        args.inputs,
        Path(args.output_dir),
        export,
        glossary=_glossary(args.glossary),
        protected=[p for p in (args.glossary, args.tm) if p],
        language_check=not args.no_language_check,
        qa=QaSettings(min_confidence=args.min_confidence),
        formatted=formatted,
    )
    memory = None if args.no_tm else TranslationMemory(args.tm or default_tm_path())
    reports = []
    with _progress_bar(job.segments, enabled=not args.quiet) as progress:
        if options is None:
            from translate.translation import load_translator

            done = batch.translate_files(job, load_translator(args.model, settings, memory=memory, glossary=job.glossary), progress)
        else:  # the decoding on a Ray cluster: the memory, the inputs and the outputs stay here
            from translate.cluster.runner import translate_corpus

            done = translate_corpus(job, args.model, settings, options, memory=memory, progress=progress)
        for report in done:
            reports.append(report)
            _say(args, batch.document_line(report))
            _say(args, f"{shown(report.path)}: {report.qa or 'no segment flagged'}")
    if len(reports) > 1:  # in input order, however the documents finished
        order = {item.path: n for n, item in enumerate(job.inputs)}
        _say(args, batch.summary_table(sorted(reports, key=lambda r: order[r.path])))
    return 0


@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """One bar over the whole batch's segments, on a terminal only, once the work lasts more than two seconds."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc="translating", unit="segment", delay=2, file=sys.stderr, leave=False, disable=None)
    try:
        yield bar.update
    finally:
        bar.close()


def _glossary(path: str | None):
    if path is None:
        return None
    from translate.qa import load_glossary

    return load_glossary(path)


def cmd_check(args: argparse.Namespace) -> int:
    from translate.jobs.check import check_files, write_checked

    export = None
    if args.output_dir is not None:
        from translate.export import parse_formats

        export = ExportOptions(formats=tuple(parse_formats(args.to, TRANSLATE_FORMATS)), overwrite=_overwrite(args))
    checked = check_files(
        args.source,
        args.target,
        glossary=args.glossary,
        output_dir=Path(args.output_dir) if args.output_dir is not None else None,
        export=export,
        language_check=not args.no_language_check,
    )
    for line, bead in zip(checked.lines, checked.alignment.beads):
        if bead.flags:
            print(f"{line}\t{'; '.join(map(str, bead.flags))}")
    if export is not None:
        write_checked(checked, Path(args.output_dir), export)
    _say(args, checked.qa or "no segment flagged")
    return 0


def cmd_tm(args: argparse.Namespace) -> int:
    from translate.export.base import primary
    from translate.translation.memory import TranslationMemory
    from translate.translation.xliff_import import is_xliff, read_translations

    # ar-SA and ar_SA match ar: units match on the primary language subtag.
    source_lang, target_lang = (primary(lang.replace("_", "-")) for lang in (args.source_lang, args.target_lang))
    units = [(path, read_translations(path, source_lang, target_lang)) for path in args.files]
    with TranslationMemory(args.tm or default_tm_path()) as memory:
        for path, found in units:
            kind = "xliff" if is_xliff(path) else "tmx"
            stored = memory.store_human(found.pairs, origin=f"{kind}:{Path(path).name}")
            skipped = "; ".join(f"{count} skipped: {why}" for why, count in sorted(found.skipped.items()))
            _say(args, f"{shown(path)}: {counted(stored, 'human translation')} imported into {shown(memory.path)}" + (f" ({skipped})" if skipped else ""))
    return 0


def cmd_tune(args: argparse.Namespace) -> int:
    from translate.export.base import primary
    from translate.translation.source import resolve_source
    from translate.tuning import TuneSettings, collect, tune

    settings = TuneSettings(
        epochs=args.epochs, learning_rate=args.learning_rate, batch_size=args.batch_size, patience=args.patience, device=args.device,
        threads=args.threads, weight_decay=args.weight_decay,
    )
    _check_workers_option(args)
    options = _cluster_options(args) if args.ray is not None else None
    source_lang, target_lang = (primary(lang.replace("_", "-")) for lang in (args.source_lang, args.target_lang))
    memory = None if args.no_tm else Path(args.tm or default_tm_path())
    data = collect(memory, [Path(f) for f in args.files], [Path(f) for f in args.generic], source_lang=source_lang, target_lang=target_lang)
    base = resolve_source(args.model)
    with _steps_bar(enabled=not args.quiet) as progress:
        if options is None:
            result = tune(data, base, Path(args.output_dir), settings, progress)
        else:
            from translate.tuning.distributed import tune_on_ray

            result = tune_on_ray(data, base, Path(args.output_dir), settings, options, progress)
    if not result.published:
        raise TarjamaError(
            f"the tuned model is not better than {base.model_id} on the validation split ({result.verdict}): not published;"
            f" the report is in {shown(Path(args.output_dir) / 'tune-report.json')}"
        )
    _say(args, f"{shown(args.output_dir)}: tuned model published ({result.verdict}); use it with --model {shown(args.output_dir)}")
    return 0


@contextlib.contextmanager
def _steps_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A bar over the training steps with tqdm's ETA, on a terminal only."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(desc="tuning", unit="step", file=sys.stderr, leave=False, disable=None, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.reset(total=total)
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


def cmd_segment(args: argparse.Namespace) -> int:
    from translate.inputs import InputFile
    from translate.jobs.translate import read_input

    document = read_input(InputFile(args.input, ""), args.lang)  # a web page or Word document: its units, as translate reads it
    out = sys.stdout
    for index, paragraph in enumerate(document.paragraphs):
        if index:
            out.write("\n")
        for segment in paragraph.segments:
            out.write(segment.text + "\n")
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from translate.export import parse_formats
    from translate.export.base import check_languages

    formats = parse_formats(args.to, ALIGN_FORMATS)
    check_languages(args.src_lang, args.tgt_lang, "ar", "en")
    from translate.alignment.corpus import is_corpus

    _check_workers_option(args)
    if is_corpus(args.source, args.target):
        return _align_corpus(args, formats)
    for path in (args.source, args.target):
        if Path(path).is_dir():
            raise TarjamaError(f"{shown(path)} is a folder: give two folders (a corpus) or two files (one pair)")
    if args.merged_tmx:
        raise TarjamaError("--merged-tmx is for two folders (a corpus); for one pair, the NAME.tmx is the TMX")
    if args.ray is not None:
        raise TarjamaError("--ray is for two folders (a corpus); one pair is aligned here")
    if args.source == STDIN and args.target == STDIN:
        raise TarjamaError("stdin (-) can be read only once")
    from translate.jobs.align import align_files

    done = align_files(
        args.source,
        args.target,
        Path(args.output_dir),
        _export_options(args, formats),
        mt=args.mt,
        presegmented=args.presegmented,
        language_check=not args.no_language_check,
    )
    _say(
        args,
        f"{counted(done.beads, 'bead')} from {done.source_segments} Arabic and {done.target_segments} English "
        f"{'segment' if done.source_segments == done.target_segments == 1 else 'segments'}; "
        f"{done.unmatched_source} Arabic and {done.unmatched_target} English without counterpart → {', '.join(shown(w) for w in done.written)}",
    )
    return 0


def _align_corpus(args: argparse.Namespace, formats: list[str]) -> int:
    """Every pair of two folders, written as ``align SOURCE TARGET`` writes one, into mirrored folders."""
    from translate.jobs import corpus

    if args.mt:
        raise TarjamaError("--mt is for one pair; with two folders, align each pair with its MT separately")
    options = _cluster_options(args) if args.ray is not None else None
    job = corpus.plan_corpus(
        args.source,
        args.target,
        Path(args.output_dir),
        _export_options(args, formats),
        presegmented=args.presegmented,
        language_check=not args.no_language_check,
        merged_tmx=Path(args.merged_tmx) if args.merged_tmx else None,
    )
    if options is None:
        aligned = corpus.aligned_here(job)
    else:
        from translate.cluster.runner import align_corpus

        aligned = align_corpus(job.pairs, options, presegmented=job.presegmented, language_check=job.language_check)

    def done(pair: corpus.PairDone) -> None:
        where = ", ".join(shown(w) for w in pair.written)
        _say(args, f"{shown(pair.pair.source)} ↔ {shown(pair.pair.target)}: {counted(pair.beads, 'bead')} → {where}")

    beads, merged = corpus.run_corpus(job, aligned, done)
    if merged is not None:
        _say(args, f"{counted(len(job.pairs), 'pair')}, {counted(beads, 'bead')} → {shown(merged)}")
    _say(
        args,
        f"{counted(len(job.pairs), 'pair')} aligned"
        + (f"; {counted(job.unpaired, 'file')} without a counterpart (listed above)" if job.unpaired else "")
        + (f"; {counted(job.skipped, 'pair')} with an empty file not aligned (listed above)" if job.skipped else ""),
    )
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0: every file valid (warnings allowed); 1: a file has errors; 2: a file could not be read."""
    from translate.validation import validate_file

    reports = [validate_file(path) for path in args.files]
    for report in reports:
        lines = report.lines()
        if args.quiet and not report.problems:
            continue
        print("\n".join(lines))
    return EXIT_INVALID if any(r.errors for r in reports) else 0


def cmd_merge(args: argparse.Namespace) -> int:
    from translate.jobs.merge import merge_file, merge_report

    result, output = merge_file(args.xliff, args.output, args.original, _overwrite(args))
    for line in merge_report(result):
        logging.getLogger("translate").warning("%s: %s", shown(args.xliff), line)
    _say(args, f"{shown(output)}: rebuilt from {shown(args.xliff)}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from translate.evaluation import evaluate, read_pair

    scores = evaluate(*read_pair(args.hypothesis, args.reference))
    if args.json:
        print(json.dumps([{"metric": s.metric, "score": s.score, "signature": s.signature} for s in scores], indent=2))
    else:
        for score in scores:
            print(score)
    return 0


COMMANDS = {
    "translate": cmd_translate,
    "segment": cmd_segment,
    "align": cmd_align,
    "check": cmd_check,
    "tm": cmd_tm,
    "tune": cmd_tune,
    "evaluate": cmd_evaluate,
    "validate": cmd_validate,
    "merge": cmd_merge,
    "serve": cmd_serve,
}


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, systemd, a container runtime stopping) handled like Ctrl-C: the same unwinding
    removes temporary files and half-converted models, and the user is told."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def main(argv: Sequence[str] | None = None) -> int:
    import signal
    import threading

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
    debug = os.environ.get("TARJAMA_DEBUG") not in (None, "", "0")
    try:
        parser = build_parser()
        arguments = sys.argv[1:] if argv is None else list(argv)
        if not arguments:
            # A bare `tarjama` is someone finding their way: show the whole help, not one error line.
            # On stderr with exit 2 (usage), so that a script whose command went missing neither
            # succeeds nor feeds the help into the next program as if it were output.
            sys.stderr.write(parser.format_help())
            return EXIT_USAGE
        args = parser.parse_args(arguments)
        _install_logging(getattr(args, "quiet", False))
        with reading_encoding(getattr(args, "encoding", None)):
            return COMMANDS[args.command](args)
    except TarjamaError as exc:
        if debug:
            raise
        _write(f"{TOOL_NAME}: error: {_one_line(str(exc))}")
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Terminated) else None
        how = "interrupted by SIGTERM" if signum is not None else "interrupted"
        _write(f"{TOOL_NAME}: {how}; finished outputs were kept, unfinished ones removed")
        return 128 + signum if signum is not None else EXIT_INTERRUPTED
    except BrokenPipeError:
        # `tarjama segment … | head` is normal use, not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if debug:
            raise
        _write(f"{TOOL_NAME}: error: internal error ({type(exc).__name__}: {_one_line(str(exc))}); rerun with TARJAMA_DEBUG=1 and report it")
        return EXIT_INTERNAL


def _one_line(message: str) -> str:
    return " ".join(message.split())
