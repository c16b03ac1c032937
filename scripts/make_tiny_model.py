#!/usr/bin/env python3
"""Build a tiny random-weight MarianMT Arabic→English model directory.

No model hub is reachable on the machines this project is built on, so tests
and demos use a model built here: real SentencePiece vocabularies trained on
real Arabic and English text, a MarianMTModel of the real architecture with
tiny shapes and random weights.  The directory has the same files as a
downloaded Helsinki-NLP model (config.json, generation_config.json,
model.safetensors, source.spm, target.spm, vocab.json, tokenizer_config.json)
and loads through the same ``from_pretrained`` code path.

Its translations are nonsense by design: use it to test behaviour, never
wording.

    python scripts/make_tiny_model.py models/tiny
    python scripts/make_tiny_model.py --separate-vocabs models/tiny-separate
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = ROOT / "tests" / "fixtures"

# Real text to train the vocabularies on: the shared test sets when present,
# else the small fixtures that ship with the repository.
SHARED_CORPUS = {
    "ar": ["ntrex128/newstest2019-ref.arb.txt", "flores200-devtest/flores200-devtest.arb_Arab", "tico19-test/tico19-test.ar"],
    "en": ["ntrex128/newstest2019-src.eng.txt", "flores200-devtest/flores200-devtest.eng_Latn", "tico19-test/tico19-test.en"],
}
SPECIALS = ["</s>", "<unk>"]
PAD = "<pad>"


def corpus_files(lang: str) -> list[Path]:
    shared = [SHARED / f for f in SHARED_CORPUS[lang]]
    if all(p.is_file() for p in shared):
        return shared
    return sorted(FIXTURES.rglob(f"*.{lang}.txt"))


def train_spm(files: list[Path], prefix: Path, vocab_size: int) -> Path:
    import sentencepiece as spm

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as fh:
        for f in files:
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    fh.write(line.strip() + "\n")
        joined = fh.name
    spm.SentencePieceTrainer.train(
        input=joined,
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        num_threads=1,
        minloglevel=2,
    )
    Path(joined).unlink()
    return prefix.with_suffix(".model")


def vocab_pieces(spm_file: Path) -> list[str]:
    """The SentencePiece model's pieces in its own order, without its control and unknown symbols."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(spm_file))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not (sp.is_control(i) or sp.is_unknown(i))]


def build(
    outdir: Path,
    vocab_size: int = 2000,
    d_model: int = 64,
    layers: int = 2,
    seed: int = 1234,
    *,
    separate_vocabs: bool = False,
) -> Path:
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_files = {}
        for side, lang in (("source", "ar"), ("target", "en")):
            files = corpus_files(lang)
            if not files:
                raise SystemExit(f"make_tiny_model: no {lang} training text found in {SHARED} or {FIXTURES}")
            model_file = train_spm(files, Path(tmp) / side, vocab_size)
            spm_files[side] = outdir / f"{side}.spm"
            spm_files[side].write_bytes(model_file.read_bytes())

    if separate_vocabs:
        # Separate vocabularies, as some tc-big models have (vocab.json for the source, target_vocab.json
        # for the target), laid out as transformers' Marian converter lays them out: each side its own
        # pieces, eos first, pad appended last. The source side keeps 100 pieces fewer than the target
        # side, so real text meets pieces SentencePiece emits that the vocabulary lacks (<unk>), and the
        # two sides number <pad> differently, as separate vocabularies of different sizes do; the model's
        # pad_token_id is the source side's (it must be a valid index on both sides), its decoder starts
        # from the target side's <pad>.
        side_pieces = {side: vocab_pieces(spm_files[side]) for side in ("source", "target")}
        size = max(1, min(len(p) for p in side_pieces.values()) - 100)
        vocab = {p: i for i, p in enumerate([*SPECIALS, *side_pieces["source"][:size], PAD])}
        target_vocab = {p: i for i, p in enumerate([*SPECIALS, *side_pieces["target"], PAD])}
        (outdir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0), encoding="utf-8")
        (outdir / "target_vocab.json").write_text(json.dumps(target_vocab, ensure_ascii=False, indent=0), encoding="utf-8")
        target_pieces = set(target_vocab)
    else:
        # One shared vocabulary, as the Helsinki-NLP ar-en models have: eos first, pad last.
        pieces = list(SPECIALS)
        seen = set(pieces)
        target_pieces = set()
        for side in ("source", "target"):
            sp = spm.SentencePieceProcessor(model_file=str(spm_files[side]))
            for i in range(sp.get_piece_size()):
                piece = sp.id_to_piece(i)
                if sp.is_control(i) or sp.is_unknown(i):
                    continue
                if side == "target":
                    target_pieces.add(piece)
                if piece not in seen:
                    seen.add(piece)
                    pieces.append(piece)
        pieces.append(PAD)
        vocab = {p: i for i, p in enumerate(pieces)}
        (outdir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0), encoding="utf-8")
        target_vocab = vocab

    pad_id = vocab[PAD]
    start_id = target_vocab[PAD]  # the same id unless the vocabularies are separate
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(target_vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=d_model * 4,
        decoder_ffn_dim=d_model * 4,
        activation_function="swish",
        max_position_embeddings=512,
        pad_token_id=pad_id,
        eos_token_id=0,
        bos_token_id=0,
        forced_eos_token_id=0,
        decoder_start_token_id=start_id,
        scale_embedding=True,
        share_encoder_decoder_embeddings=not separate_vocabs,
        tie_word_embeddings=True,
        # Larger than Marian's 0.02 so that different inputs give visibly different outputs.
        init_std=0.3,
        # Read by tarjama (translate.translation.source.DEMO_KEY): every output made with this
        # model says that its English is nonsense by design, and the CLI warns once per run.
        tarjama_demo=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    # A trained ar→en model almost never emits Arabic-only pieces; bias them away so the
    # nonsense output at least looks like English pieces, as real output would.
    with torch.no_grad():
        for piece, index in target_vocab.items():
            if piece not in target_pieces and piece != "</s>":  # none with separate vocabularies
                model.final_logits_bias[0, index] = -30.0
    model.generation_config = GenerationConfig(
        num_beams=4,
        max_length=512,
        bad_words_ids=[[start_id]],
        pad_token_id=start_id,
        eos_token_id=0,
        decoder_start_token_id=start_id,
        forced_eos_token_id=0,
    )
    model.save_pretrained(outdir, safe_serialization=True)

    tokenizer = MarianTokenizer(
        source_spm=str(spm_files["source"]),
        target_spm=str(spm_files["target"]),
        vocab=str(outdir / "vocab.json"),
        target_vocab_file=str(outdir / "target_vocab.json") if separate_vocabs else None,
        separate_vocabs=separate_vocabs,
        source_lang="ar",
        target_lang="en",
        unk_token="<unk>",
        eos_token="</s>",
        pad_token=PAD,
        model_max_length=512,
    )
    tokenizer.save_pretrained(outdir)
    (outdir / "README.md").write_text(
        "# Tiny random-weight Arabic→English MarianMT model\n\n"
        "Built by `scripts/make_tiny_model.py` for tests and offline demos. "
        "Its weights are random: its translations are nonsense by design.\n"
        f"Vocabularies trained on: {', '.join(p.name for p in corpus_files('ar') + corpus_files('en'))}.\n",
        encoding="utf-8",
    )
    return outdir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="directory to write the model to (e.g. models/tiny)")
    parser.add_argument("--vocab-size", type=int, default=2000, help="SentencePiece vocabulary size per side")
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument(
        "--separate-vocabs",
        action="store_true",
        help="separate source and target vocabularies (vocab.json + target_vocab.json), as some tc-big models have",
    )
    args = parser.parse_args(argv)
    out = build(args.outdir, args.vocab_size, args.d_model, args.layers, args.seed, separate_vocabs=args.separate_vocabs)
    size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
    print(f"tiny model written to {out} ({size:.1f} MB); use it with: tarjama translate FILE --model {out}", file=sys.stderr)
    print(
        "note: this is a demo model with random weights: the English is nonsense by design. It shows what tarjama does "
        "(files, alignment, flags, memory); for real translations use --model quality or fast (downloaded once) or a "
        "MarianMT model directory.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
