"""MarianMT tokenization on ``sentencepiece`` alone, identical to transformers' ``MarianTokenizer``.

Why: importing transformers (and sacremoses with it) to load a ``MarianTokenizer``
costs about four seconds, more than translating a short article on the
CTranslate2 backend.  Everything that tokenizer does for the model's input and
output is small and deterministic, so it is reproduced here from the model
directory's own files (``source.spm``, ``target.spm``, ``vocab.json``,
``target_vocab.json``, ``tokenizer_config.json``, ``special_tokens_map.json``,
``added_tokens.json``).  "Identical" is the contract, checked by
tests/translation/test_tokenizer.py against ``MarianTokenizer`` itself on every
Arabic line of the shared test sets and on a fuzz corpus; where a model
directory asks for a behaviour not reproduced here, loading fails with
:class:`UnsupportedTokenizer` so that the caller can fall back to transformers
instead of tokenizing differently.

What ``MarianTokenizer`` (transformers 5) does, and so what this module does:

Encode (``tokenizer(texts)["input_ids"]``):
  1. Split the text on the added tokens (``</s>``, ``<unk>``, ``<pad>`` and any
     extra special or added token) with transformers' longest-match trie, so a
     literal ``</s>`` in the text becomes the end token's id; an added token's
     lstrip/rstrip/single_word flags are honoured as transformers does.
  2. In each remaining chunk, a leading language code ``>>xx<<`` is cut off and
     kept as one token (the text from ``>>`` to the first ``<<``).
  3. The rest goes through the *source* SentencePiece model as piece strings.
  4. Each token is looked up first among the added tokens, then in
     ``vocab.json``; a piece missing there becomes ``<unk>``'s id (Marian's
     vocabulary is not aligned with the SentencePiece ids).
  5. The end token's id is appended.
  No punctuation normalisation is applied: ``MarianTokenizer`` builds a sacremoses
  ``MosesPunctNormalizer`` but never calls it while tokenizing, so none is done here.

Decode (``decode(ids, skip_special_tokens=True)``):
  1. Ids of the special tokens (as the *source* side numbers them: transformers
     computes them through the source vocabulary even for separate vocabularies)
     are dropped.
  2. Ids become tokens: added tokens first, then the decoder (the inverse of
     ``vocab.json``, or of ``target_vocab.json`` with separate vocabularies), then
     the SentencePiece model's own piece for an id the vocabulary lacks.
  3. Runs of ordinary tokens are detokenized by SentencePiece: by the *source*
     model for a shared vocabulary and by the target model for separate ones
     (transformers' ``use_source_tokenizer`` default).  A special token that
     survived step 1 is emitted verbatim followed by a space.
  4. Any remaining "▁" becomes a space, and the result is ``str.strip()``-ed.
  5. With ``clean_up_tokenization_spaces`` set in tokenizer_config.json,
     transformers' fixed list of space clean-ups is applied.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import sentencepiece

logger = logging.getLogger("translate.translation.tokenizer")

SPIECE_UNDERLINE = "▁"
# transformers' SPECIAL_TOKENS_ATTRIBUTES, in its order (the order of all_special_tokens).
SPECIAL_ATTRIBUTES = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
MARIAN_DEFAULTS = {"unk_token": "<unk>", "eos_token": "</s>", "pad_token": "<pad>"}
DEFAULT_MAX_LENGTH = 512


class UnsupportedTokenizer(ValueError):
    """The model directory asks for tokenizer behaviour this module does not reproduce exactly."""


class Tokenizer(Protocol):
    """What the engine and the backends use of a tokenizer, batch-first.

    :class:`MarianSentencePiece` is the one in use; ``MarianTokenizer`` stands in
    (behind ``translate.translation.source.TransformersTokenizer``) only for a
    model directory this module refuses, so both must give the same ids and text.
    """

    model_max_length: int

    def encode(self, texts: Sequence[str]) -> list[list[int]]: ...

    def decode(self, ids_list: Sequence[Sequence[int]]) -> list[str]: ...

    def source_tokens(self, ids: Iterable[int]) -> list[str]: ...


def declared_max_length(path: str | Path) -> int:
    """The ``model_max_length`` a model directory declares, read without loading its tokenizer.

    Part of the translation memory key; reading it alone lets a run whose
    segments are all in the memory skip loading the tokenizer (and the model).
    """
    file = Path(path) / "tokenizer_config.json"
    config = _read_json(file) if file.is_file() else {}
    value = config.get("model_max_length", DEFAULT_MAX_LENGTH) if isinstance(config, dict) else DEFAULT_MAX_LENGTH
    return int(value) if value is not None else DEFAULT_MAX_LENGTH


@dataclass(frozen=True, slots=True)
class AddedToken:
    """An added (usually special) token and the flags that change how text around it is split."""

    content: str
    special: bool = True
    lstrip: bool = False
    rstrip: bool = False
    single_word: bool = False


class MarianSentencePiece:
    """A MarianMT model's tokenizer: source text to input ids, target ids or pieces to text.

    Built by :meth:`from_dir`; all methods are batch-first, since the engine
    tokenizes and detokenizes whole batches.
    """

    def __init__(
        self,
        *,
        source_spm: sentencepiece.SentencePieceProcessor,
        target_spm: sentencepiece.SentencePieceProcessor,
        encoder: dict[str, int],
        target_encoder: dict[str, int] | None,
        named_special: dict[str, str],
        extra_special: Sequence[str],
        added: dict[int, AddedToken],
        model_max_length: int = DEFAULT_MAX_LENGTH,
        clean_up_tokenization_spaces: bool = False,
        split_special_tokens: bool = False,
    ) -> None:
        if named_special.get("unk_token") not in encoder:
            raise UnsupportedTokenizer("<unk> token must be in the vocab")  # MarianTokenizer raises KeyError too
        self.source_spm = source_spm
        self.target_spm = target_spm
        self.separate_vocabs = target_encoder is not None
        self.encoder = encoder
        self.target_encoder = target_encoder if target_encoder is not None else encoder
        self.decoder = {v: k for k, v in self.target_encoder.items()}
        self.model_max_length = model_max_length
        self.clean_up_tokenization_spaces = clean_up_tokenization_spaces
        self.split_special_tokens = split_special_tokens

        # transformers' PreTrainedTokenizer.__init__: every special token that is not yet an added token
        # becomes one, at its vocabulary id, or appended after the vocabulary when it has none.
        added = dict(added)
        added_encoder = {t.content: i for i, t in added.items()}
        all_special: list[str] = []
        for token in [named_special[a] for a in SPECIAL_ATTRIBUTES if named_special.get(a)] + list(extra_special):
            if token not in all_special:
                all_special.append(token)
        vocab_now = {**encoder, **added_encoder}
        next_id = len(vocab_now)
        for token in all_special:
            if token in added_encoder or token == "":
                continue
            if token in vocab_now:
                index = vocab_now[token]
            else:
                index = next_id
                next_id += 1
                vocab_now[token] = index
            added[index] = AddedToken(token, special=True)
            added_encoder[token] = index
        self.added_decoder = added
        self.added_encoder = added_encoder
        self.all_special_tokens = tuple(all_special)
        self._special_set = frozenset(all_special)

        self.unk_token = named_special["unk_token"]
        self.unk_id = self._source_id(self.unk_token)
        if not named_special.get("eos_token"):
            raise UnsupportedTokenizer("the tokenizer has no end token (eos_token)")
        self.eos_id = self._source_id(named_special["eos_token"])
        self.pad_id = self._source_id(named_special["pad_token"]) if named_special.get("pad_token") else None
        self.all_special_ids = frozenset(self._source_id(t) for t in all_special)
        self.vocab_size = len(encoder)  # MarianTokenizer.vocab_size: the source vocabulary, without added tokens
        self.target_vocab_size = len(self.target_encoder)
        self._source_decoder = {v: k for k, v in encoder.items()}
        self._trie = _Trie(t.content for t in added.values())
        self._trie_first = frozenset(self._trie.data)

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_dir(cls, path: str | Path) -> MarianSentencePiece:
        """The tokenizer of the MarianMT model in ``path``, read the way ``MarianTokenizer.from_pretrained`` reads it."""
        path = Path(path)
        config = _read_json(path / "tokenizer_config.json") if (path / "tokenizer_config.json").is_file() else {}
        if not isinstance(config, dict):
            raise UnsupportedTokenizer("tokenizer_config.json is not a JSON object")
        for key in ("do_lower_case", "tokenizer_file"):
            if config.get(key):
                raise UnsupportedTokenizer(f"tokenizer_config.json sets {key}, which is not reproduced")
        if config.get("sp_model_kwargs"):
            raise UnsupportedTokenizer("tokenizer_config.json sets sp_model_kwargs (e.g. sampling), which is not reproduced")
        if config.get("tokenizer_class") not in (None, "MarianTokenizer"):
            raise UnsupportedTokenizer(f"the tokenizer class is {config.get('tokenizer_class')!r}, not MarianTokenizer")
        if (path / "tokenizer.json").is_file() and "added_tokens_decoder" not in config:
            raise UnsupportedTokenizer("a legacy tokenizer.json without added_tokens_decoder is not reproduced")

        named: dict[str, str] = dict(MARIAN_DEFAULTS)
        extra: list[str] = []
        added: dict[int, AddedToken] = {}
        for key in SPECIAL_ATTRIBUTES:
            if key in config:
                named[key] = _content(config[key]) if config[key] is not None else ""
        extra_key = "extra_special_tokens" if config.get("extra_special_tokens") else "additional_special_tokens"
        extra_value = config.get(extra_key) or []
        if "added_tokens_decoder" in config:
            for index, token in config["added_tokens_decoder"].items():
                added[int(index)] = _added_token(token)
        else:
            # transformers' legacy path: special_tokens_map.json, then added_tokens.json
            special_map_file = path / "special_tokens_map.json"
            if special_map_file.is_file():
                special_map = _read_json(special_map_file)
                for key, value in special_map.items():
                    if key in ("extra_special_tokens", "additional_special_tokens") and isinstance(value, list):
                        merged = list(extra_value)
                        for tok in value:
                            if tok not in merged:
                                merged.append(tok)
                        extra_value = merged
                    elif key in SPECIAL_ATTRIBUTES:
                        named[key] = _content(value) if value is not None else ""
                    else:
                        raise UnsupportedTokenizer(f"special_tokens_map.json key {key!r} is not reproduced")
                    if isinstance(value, dict) and (value.get("lstrip") or value.get("rstrip") or value.get("single_word")):
                        raise UnsupportedTokenizer(f"special token flags of {key!r} are not reproduced")
            added_file = path / "added_tokens.json"
            if added_file.is_file():
                specials = {named[k] for k in SPECIAL_ATTRIBUTES if named.get(k)} | {_content(t) for t in extra_value}
                for content, index in _read_json(added_file).items():
                    added[int(index)] = AddedToken(content, special=content in specials)
        if isinstance(extra_value, dict):
            raise UnsupportedTokenizer("named extra special tokens are not reproduced")
        extra = [_content(t) for t in extra_value]
        if any(k not in SPECIAL_ATTRIBUTES and k.endswith("_token") and isinstance(v, str) for k, v in config.items()):
            raise UnsupportedTokenizer("model-specific special tokens are not reproduced")

        separate = bool(config.get("separate_vocabs", False))
        encoder = _read_json(path / "vocab.json")
        target_encoder = _read_json(path / "target_vocab.json") if separate else None
        max_length = config.get("model_max_length", DEFAULT_MAX_LENGTH)
        return cls(
            source_spm=_load_spm(path / "source.spm"),
            target_spm=_load_spm(path / "target.spm"),
            encoder=encoder,
            target_encoder=target_encoder,
            named_special=named,
            extra_special=extra,
            added=added,
            model_max_length=int(max_length) if max_length is not None else DEFAULT_MAX_LENGTH,
            clean_up_tokenization_spaces=bool(config.get("clean_up_tokenization_spaces", False)),
            split_special_tokens=bool(config.get("split_special_tokens", False)),
        )

    # ------------------------------------------------------------------ encoding

    @property
    def pad_token_id(self) -> int | None:
        """``MarianTokenizer.pad_token_id``, for code written against it."""
        return self.pad_id

    def __call__(self, text: str | Sequence[str]) -> dict[str, Any]:
        """``MarianTokenizer(text)``'s input ids (one text or a batch), for code written against it."""
        if isinstance(text, str):
            return {"input_ids": self.encode([text])[0]}
        return {"input_ids": self.encode(text)}

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's model input ids, ending with the end token: ``MarianTokenizer(texts)["input_ids"]``."""
        return [[self._source_id(t) for t in tokens] + [self.eos_id] for tokens in self.tokenize(texts)]

    def encode_pieces(self, texts: Sequence[str]) -> list[list[str]]:
        """Each text's input as source-vocabulary token strings (``<unk>`` for unknown pieces, ``</s>`` last).

        This is what a CTranslate2 translator takes: its source vocabulary is the model's
        source vocabulary, so these strings map back to exactly the ids of :meth:`encode`.
        """
        return [self.source_tokens(ids) for ids in self.encode(texts)]

    def source_tokens(self, ids: Iterable[int]) -> list[str]:
        """Source ids as source-vocabulary strings (added tokens first, as transformers looks them up)."""
        added, decoder = self.added_decoder, self._source_decoder
        return [added[i].content if i in added else decoder[i] for i in ids]

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        """``MarianTokenizer.tokenize`` of each text: token strings before the vocabulary lookup, no end token."""
        chunks: list[list[tuple[bool, str]]] = [self._split(text) for text in texts]
        # One batched SentencePiece call for all plain chunks: far faster than one call per chunk.
        plain = [chunk for parts in chunks for is_token, chunk in parts if not is_token]
        try:
            if len(plain) == 1:  # a one-item list would start SentencePiece's thread pool: 30 µs of overhead
                encoded = iter([self.source_spm.encode(plain[0], out_type=str)])
            else:
                encoded = iter(self.source_spm.encode(plain, out_type=str) if plain else [])
        except (TypeError, RuntimeError):
            # SentencePiece cannot take a lone surrogate (MarianTokenizer fails there too, with a RuntimeError).
            bad = next((c for c in plain if not _is_utf8(c)), None)
            if bad is None:
                raise
            raise ValueError(f"text is not valid Unicode (a lone surrogate) and cannot be tokenized: {bad[:40]!r}") from None
        out: list[list[str]] = []
        for parts in chunks:
            tokens: list[str] = []
            for is_token, chunk in parts:
                tokens.extend([chunk] if is_token else next(encoded))
            out.append(tokens)
        return out

    def _split(self, text: str) -> list[tuple[bool, str]]:
        """The text cut into (is_token, string) parts: added tokens, language codes, and text for SentencePiece."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        if self.split_special_tokens or not any(c in text for c in self._trie_first):
            pieces = [text] if text else []
        else:
            pieces = self._apply_added_token_flags(self._trie.split(text))
        parts: list[tuple[bool, str]] = []
        for piece in pieces:
            if not piece:
                continue
            if not self.split_special_tokens and (piece in self.added_encoder or piece in self._special_set):
                parts.append((True, piece))
                continue
            # MarianTokenizer.remove_language_code: a leading ">>xx<<" is one token.
            if piece.startswith(">>") and (end := piece.find("<<")) != -1:
                parts.append((True, piece[: end + 2]))
                piece = piece[end + 2 :]
            parts.append((False, piece))
        return parts

    def _apply_added_token_flags(self, tokens: list[str]) -> list[str]:
        """transformers' PreTrainedTokenizer.tokenize handling of lstrip/rstrip/single_word, kept verbatim."""
        for i, token in enumerate(tokens):
            if token in self.added_encoder:
                tok = self.added_decoder.get(self.added_encoder[token])
                left = tokens[i - 1] if i > 0 else None
                right = tokens[i + 1] if i < len(tokens) - 1 else None
                if tok is None:
                    continue
                if tok.rstrip and right:
                    tokens[i + 1] = right.lstrip()
                if tok.lstrip and left:
                    tokens[i - 1] = left.rstrip()
                if tok.single_word:
                    if left and left[-1] != " ":
                        tokens[i - 1] += token
                        tokens[i] = ""
                    elif right and right[0] != " ":
                        tokens[i + 1] = token + tokens[i + 1]
                        tokens[i] = ""
        return tokens

    def _source_id(self, token: str) -> int:
        if token in self.added_encoder:
            return self.added_encoder[token]
        encoder = self.encoder
        return encoder[token] if token in encoder else encoder[self.unk_token]

    # ------------------------------------------------------------------ decoding

    def decode(self, ids_list: Sequence[Sequence[int]]) -> list[str]:
        """Each target id sequence as text: ``MarianTokenizer.batch_decode(ids_list, skip_special_tokens=True)``."""
        return [self._decode_one(ids) for ids in ids_list]

    def decode_pieces(self, pieces_list: Sequence[Sequence[str]]) -> list[str]:
        """Each target piece sequence (CTranslate2's hypotheses) as text.

        Equal to :meth:`decode` of the pieces' target-vocabulary ids, which is what
        ``MarianTokenizer.decode`` would give for the ids the model produced.
        """
        return self.decode(self.target_ids(pieces_list))

    def target_ids(self, pieces_list: Sequence[Sequence[str]]) -> list[list[int]]:
        """Target piece strings as target-vocabulary ids (``<unk>``'s id for a string the vocabulary lacks)."""
        encoder = self.target_encoder
        unk = encoder.get(self.unk_token, self.unk_id)
        return [[encoder.get(p, unk) for p in pieces] for pieces in pieces_list]

    def encode_target(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text as target ids (no end token): how the model would write it, for forcing a term's translation."""
        spm = self.target_spm if self.separate_vocabs else self.source_spm
        return self.target_ids([spm.encode(text, out_type=str) for text in texts])

    def target_pieces(self, ids: Sequence[int]) -> list[str]:
        """Target ids as their pieces (``▁`` starts a word): where a word may be cut."""
        return [self.decoder.get(int(i), "") for i in ids]

    def _decode_one(self, ids: Sequence[int]) -> str:
        skip, added, decoder = self.all_special_ids, self.added_decoder, self.decoder
        spm = self.target_spm if self.separate_vocabs else self.source_spm
        tokens: list[str] = []
        for index in ids:
            index = int(index)
            if index in skip:
                continue
            if index in added:
                tokens.append(added[index].content)
            elif index in decoder:
                tokens.append(decoder[index])
            else:
                piece = spm.IdToPiece(index)  # as MarianTokenizer: the SentencePiece piece for an id the vocabulary lacks
                tokens.append(piece if piece else self.unk_token)
        # MarianTokenizer.convert_tokens_to_string
        special = self._special_set
        current: list[str] = []
        out = ""
        for token in tokens:
            if token in special:
                out += spm.decode_pieces(current) + token + " "
                current = []
            else:
                current.append(token)
        out += spm.decode_pieces(current)
        text = out.replace(SPIECE_UNDERLINE, " ").strip()
        if self.clean_up_tokenization_spaces:
            text = clean_up_tokenization(text)
        return text


def clean_up_tokenization(text: str) -> str:
    """transformers' PreTrainedTokenizerBase.clean_up_tokenization, the same fixed list of replacements."""
    return (
        text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re")
    )


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _load_spm(path: Path) -> sentencepiece.SentencePieceProcessor:
    processor = sentencepiece.SentencePieceProcessor()
    processor.Load(str(path))
    return processor


def _content(token: Any) -> str:
    if isinstance(token, dict):
        return str(token["content"])
    return str(token)


def _added_token(token: Any) -> AddedToken:
    if isinstance(token, str):
        return AddedToken(token)
    if not isinstance(token, dict) or "content" not in token:
        raise UnsupportedTokenizer(f"an added token of tokenizer_config.json is malformed: {token!r}")
    return AddedToken(
        content=str(token["content"]),
        special=bool(token.get("special", False)),
        lstrip=bool(token.get("lstrip", False)),
        rstrip=bool(token.get("rstrip", False)),
        single_word=bool(token.get("single_word", False)),
    )


class _Trie:
    """transformers' ``Trie`` (tokenization_python.py, Apache-2.0): splits text on added tokens, longest match first.

    Ported line for line, because where it cuts decides the ids; a regular expression
    would differ on overlapping tokens.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.data: dict[str, Any] = {}
        for word in words:
            if not word:
                continue
            ref = self.data
            for char in word:
                ref[char] = ref.setdefault(char, {})
                ref = ref[char]
            ref[""] = 1

    def split(self, text: str) -> list[str]:
        if not any(first_char in text for first_char in self.data):
            return [text] if text else []
        states: dict[int, Any] = {}
        offsets = [0]
        skip = 0
        for current, current_char in enumerate(text):
            if skip and current < skip:
                continue
            to_remove = set()
            reset = False
            for start, trie_pointer in states.items():
                if "" in trie_pointer:
                    for lookstart, looktrie_pointer in states.items():
                        if lookstart > start:
                            break
                        elif lookstart < start:
                            lookahead_index = current + 1
                            end = current + 1
                        else:
                            lookahead_index = current
                            end = current
                        next_char = text[lookahead_index] if lookahead_index < len(text) else None
                        if "" in looktrie_pointer:
                            start = lookstart
                            end = lookahead_index
                            skip = lookahead_index
                        while next_char in looktrie_pointer:
                            looktrie_pointer = looktrie_pointer[next_char]
                            lookahead_index += 1
                            if "" in looktrie_pointer:
                                start = lookstart
                                end = lookahead_index
                                skip = lookahead_index
                            if lookahead_index == len(text):
                                break
                            next_char = text[lookahead_index]
                    offsets.append(start)
                    offsets.append(end)
                    reset = True
                    break
                elif current_char in trie_pointer:
                    trie_pointer = trie_pointer[current_char]
                    states[start] = trie_pointer
                else:
                    to_remove.add(start)
            if reset:
                states = {}
            else:
                for start in to_remove:
                    del states[start]
            if current >= skip and current_char in self.data:
                states[current] = self.data[current_char]
        for start, trie_pointer in states.items():
            if "" in trie_pointer:
                offsets.append(start)
                offsets.append(len(text))
                break
        offsets.append(len(text))
        tokens = []
        start = 0
        for end in offsets:
            if start >= end:
                continue
            tokens.append(text[start:end])
            start = end
        return tokens
