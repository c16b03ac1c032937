"""The ``tarjama`` command: a thin layer over the Python API.

Contract: exit 0 on success; exit 2 with one ``tarjama: error: …`` line on
stderr for bad usage or bad input; never a traceback (set TARJAMA_DEBUG=1 to
see one).  Nothing heavy is imported at module level: ``segment`` and
``evaluate`` never load torch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from translate import TOOL_NAME, __version__
from translate.cache import default_tm_path
from translate.errors import TarjamaError
from translate.textio import STDIN, read_text

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

TRANSLATE_FORMATS = ("txt", "tmx", "html", "tsv")
ALIGN_FORMATS = ("tmx", "html", "tsv")


class _Parser(argparse.ArgumentParser):
    """argparse prints usage plus a message; the contract is one line."""

    def error(self, message: str) -> NoReturn:
        raise TarjamaError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    from translate.translation.presets import DEFAULT_PRESET, PRESETS
    from translate.translation.engine import DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS, DEFAULT_NO_REPEAT_NGRAM

    presets = ", ".join(f"{p.name} = {p.hub_id}" for p in PRESETS.values())
    parser = _Parser(prog=TOOL_NAME, description="Arabic→English machine translation and bilingual alignment.")
    parser.add_argument("--version", action="version", version=f"{TOOL_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    p = sub.add_parser("translate", help="translate Arabic articles into an English draft, TMX and a review page")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="UTF-8 text files, one paragraph per line; - reads stdin")
    p.add_argument("-o", "--output-dir", default=".", metavar="OUTDIR", help="where to write NAME.en.txt, NAME.tmx, NAME.html (default: .)")
    p.add_argument("--model", default=DEFAULT_PRESET, metavar="NAME_OR_DIR", help=f"a preset ({presets}), a hub id or a local model directory (default: {DEFAULT_PRESET})")
    p.add_argument("--to", default="txt,tmx,html", metavar="FORMATS", help=f"comma-separated outputs from {','.join(TRANSLATE_FORMATS)} (default: txt,tmx,html)")
    p.add_argument("--backend", default="auto", choices=("auto", "transformers", "ctranslate2"), help="decoding backend (default: auto = ctranslate2 when it loads, else transformers)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"), help="where to run the model (default: auto)")
    p.add_argument("--compute-type", default="default", metavar="TYPE", help="numeric precision: int8, int8_float32, int8_float16, float16, bfloat16, float32 (default: int8 on CPU and float16 on GPU with ctranslate2; float32 with transformers)")
    p.add_argument("--beam", type=_positive_int, default=None, metavar="N", help="beam size (default: the model's own, 4 for the Helsinki models)")
    p.add_argument("--batch-tokens", type=_positive_int, default=DEFAULT_BATCH_TOKENS, metavar="N", help=f"source tokens per batch, padding included (default: {DEFAULT_BATCH_TOKENS})")
    p.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="N", help=f"at most N sentences per batch (default: {DEFAULT_BATCH_SIZE})")
    p.add_argument("--no-repeat-ngram", type=_natural_int, default=DEFAULT_NO_REPEAT_NGRAM, metavar="N", help=f"repetition guard: an output that degenerates into a repeated run is decoded again without repeated N-grams; 0 turns it off (default: {DEFAULT_NO_REPEAT_NGRAM})")
    _add_tm_option(p)
    p.add_argument("--no-tm", action="store_true", help="neither read nor write the translation memory")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (no progress bar)")

    p = sub.add_parser("segment", help="split a text into sentences, one per line, a blank line between paragraphs")
    p.add_argument("input", metavar="INPUT", help="a UTF-8 text file; - reads stdin")
    p.add_argument("--lang", default="ar", choices=("ar", "en"), help="language of the text (default: ar)")

    p = sub.add_parser("align", help="align an Arabic article with an existing English translation")
    p.add_argument("source", metavar="SOURCE", help="the Arabic text")
    p.add_argument("target", metavar="TARGET", help="its English translation")
    p.add_argument("-o", "--output-dir", default=".", metavar="OUTDIR", help="where to write the outputs (default: .)")
    p.add_argument("--presegmented", action="store_true", help="every input line is one segment; blank lines separate paragraphs")
    p.add_argument("--to", default="tmx,html,tsv", metavar="FORMATS", help=f"comma-separated outputs from {','.join(ALIGN_FORMATS)} (default: tmx,html,tsv)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    p = sub.add_parser("tm", help="manage the translation memory")
    tm_sub = p.add_subparsers(dest="tm_command", metavar="ACTION", required=True, parser_class=_Parser)
    p = tm_sub.add_parser("import", help="load human translations from TMX files as exact matches (they win over MT)")
    p.add_argument("files", nargs="+", metavar="FILE.tmx", help="TMX files (1.1–1.4)")
    _add_tm_option(p)
    p.add_argument("--source-lang", default="ar", metavar="LANG", help="source language of the units (default: ar)")
    p.add_argument("--target-lang", default="en", metavar="LANG", help="target language of the units (default: en)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    p = sub.add_parser("evaluate", help="score a translation against a reference with sacrebleu BLEU and chrF")
    p.add_argument("hypothesis", metavar="HYPOTHESIS", help="system output, one segment per line")
    p.add_argument("reference", metavar="REFERENCE", help="reference translation, line-aligned with HYPOTHESIS")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _add_tm_option(p: argparse.ArgumentParser) -> None:
    from translate.cache import default_tm_path

    p.add_argument("--tm", default=None, metavar="PATH", help=f"translation memory file, SQLite (default: {default_tm_path()})")


def _primary(lang: str) -> str:
    """ar-SA → ar: units match on the primary language subtag."""
    return lang.lower().replace("_", "-").split("-")[0]


def _natural_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def output_stem(path: str) -> str:
    """NAME of NAME.ext: the file name without its last extension."""
    if path == STDIN:
        return "stdin"
    name = Path(path).name
    stem, _, _ = name.rpartition(".")
    return stem or name


def _say(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


def cmd_translate(args: argparse.Namespace) -> int:
    from translate.export import parse_formats, write_outputs
    from translate.segmentation import segment_document

    formats = parse_formats(args.to, TRANSLATE_FORMATS)
    if args.inputs.count(STDIN) > 1:
        raise TarjamaError("stdin (-) can be read only once")
    stems = [output_stem(p) for p in args.inputs]
    clashes = sorted({s for s in stems if stems.count(s) > 1})
    if clashes:
        raise TarjamaError(f"several inputs would write the same outputs ({', '.join(clashes)}); translate them into different -o folders")
    # Every input is read and checked before the model is loaded: a bad file fails in a second.
    documents = [segment_document(read_text(path), "ar", name=stem) for path, stem in zip(args.inputs, stems)]

    from translate.pipeline import translate_document
    from translate.translation import load_translator

    from translate.translation.memory import TranslationMemory

    memory = None if args.no_tm else TranslationMemory(args.tm or default_tm_path())
    translator = load_translator(
        args.model,
        backend=args.backend,
        device=args.device,
        compute_type=args.compute_type,
        beam=args.beam,
        batch_tokens=args.batch_tokens,
        batch_size=args.batch_size,
        no_repeat_ngram_size=args.no_repeat_ngram,
        memory=memory,
        progress=not args.quiet,
        quiet=args.quiet,
    )
    outdir = Path(args.output_dir)
    for path, stem, document in zip(args.inputs, stems, documents):
        alignment = translate_document(document, translator)
        written = write_outputs(alignment, outdir, stem, formats)
        from_tm = sum(1 for b in alignment.beads if b.origin.value == "tm")
        reuse = f" ({from_tm} from the translation memory)" if from_tm else ""
        _say(args, f"{path}: {len(document.segments)} segments{reuse} → {', '.join(str(w) for w in written)}")
    return 0


def cmd_tm(args: argparse.Namespace) -> int:
    from translate.translation.memory import TranslationMemory
    from translate.translation.tmx_import import read_tmx

    units = [(path, read_tmx(path, _primary(args.source_lang), _primary(args.target_lang))) for path in args.files]
    with TranslationMemory(args.tm or default_tm_path()) as memory:
        for path, found in units:
            stored = memory.store_human(found.pairs, origin=f"tmx:{Path(path).name}")
            skipped = "; ".join(f"{count} skipped: {why}" for why, count in sorted(found.skipped.items()))
            _say(args, f"{path}: {stored} human translation(s) imported into {memory.path}" + (f" ({skipped})" if skipped else ""))
    return 0


def cmd_segment(args: argparse.Namespace) -> int:
    from translate.segmentation import segment_document

    document = segment_document(read_text(args.input), args.lang)
    out = sys.stdout
    for index, paragraph in enumerate(document.paragraphs):
        if index:
            out.write("\n")
        for segment in paragraph.segments:
            out.write(segment.text + "\n")
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from translate.export import parse_formats, write_outputs
    from translate.pipeline import align_translation
    from translate.segmentation import presegmented_document, segment_document

    formats = parse_formats(args.to, ALIGN_FORMATS)
    if args.source == STDIN and args.target == STDIN:
        raise TarjamaError("stdin (-) can be read only once")
    make = presegmented_document if args.presegmented else segment_document
    stem = output_stem(args.source)
    source = make(read_text(args.source), "ar", name=stem)
    target = make(read_text(args.target), "en", name=output_stem(args.target))
    alignment = align_translation(source, target, presegmented=args.presegmented)
    written = write_outputs(alignment, Path(args.output_dir), stem, formats)
    unmatched_src = sum(1 for b in alignment.beads if not b.target)
    unmatched_tgt = sum(1 for b in alignment.beads if not b.source)
    _say(
        args,
        f"{len(alignment.beads)} beads from {len(source.segments)} Arabic and {len(target.segments)} English segments; "
        f"{unmatched_src} Arabic and {unmatched_tgt} English without counterpart → {', '.join(str(w) for w in written)}",
    )
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from translate.evaluation import evaluate

    if args.hypothesis == STDIN and args.reference == STDIN:
        raise TarjamaError("stdin (-) can be read only once")
    hypotheses = read_text(args.hypothesis).splitlines()
    references = read_text(args.reference).splitlines()
    scores = evaluate(hypotheses, references)
    if args.json:
        print(json.dumps([{"metric": s.metric, "score": s.score, "signature": s.signature} for s in scores], indent=2))
    else:
        for score in scores:
            print(score)
    return 0


COMMANDS = {"translate": cmd_translate, "segment": cmd_segment, "align": cmd_align, "tm": cmd_tm, "evaluate": cmd_evaluate}


def main(argv: Sequence[str] | None = None) -> int:
    debug = os.environ.get("TARJAMA_DEBUG") not in (None, "", "0")
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except TarjamaError as exc:
        if debug:
            raise
        print(f"{TOOL_NAME}: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{TOOL_NAME}: interrupted; finished outputs were kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `tarjama segment … | head` is normal use, not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the contract is no traceback; TARJAMA_DEBUG=1 shows it
        if debug:
            raise
        print(f"{TOOL_NAME}: error: internal error ({type(exc).__name__}: {_one_line(str(exc))}); rerun with TARJAMA_DEBUG=1 and report it", file=sys.stderr)
        return 1


def _one_line(message: str) -> str:
    return " ".join(message.split())
