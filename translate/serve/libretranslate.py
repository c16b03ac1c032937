"""The LibreTranslate API's fields, checks and answers, as LibreTranslate's own ``app.py`` defines them.

Clients send their fields three ways and LibreTranslate reads all three: a
JSON body (``request.is_json``: Weblate), a form body (libretranslatepy) or the
query string (deep-translator).  Without JSON a field is looked up in the
query string first, then in the form (werkzeug's ``request.values``), and a
repeated field gives its first value.  Errors are ``{"error": "…"}`` with
LibreTranslate's messages and status codes.

Nothing here imports the web framework or the engine: these are pure
functions of bytes and dicts, tested on their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from translate.serve.config import Limits

SOURCES = ("ar",)
TARGETS = ("en",)
LANGUAGES = [
    {"code": "ar", "name": "Arabic", "targets": list(TARGETS)},
    {"code": "en", "name": "English", "targets": []},
]
FORMATS = ("text", "html")


class ApiError(Exception):
    """An answer other than 200: the status, the message for ``{"error": …}`` and extra headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def missing(name: str) -> ApiError:
    return ApiError(400, f"Invalid request: missing {name} parameter")


def is_json(content_type: str) -> bool:
    """werkzeug's ``is_json``: ``application/json`` or any ``application/*+json``."""
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime == "application/json" or (mime.startswith("application/") and mime.endswith("+json"))


def parse_query(raw: bytes | str) -> dict[str, str]:
    """Form or query-string fields, first value of each; bytes that are not UTF-8 are refused, not guessed."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ApiError(400, "Invalid request: the parameters are not valid UTF-8") from None
    except ValueError:
        raise ApiError(400, "Invalid request: malformed parameters") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def parse_json(body: bytes) -> dict[str, object]:
    """LibreTranslate's ``get_json_dict``: an object, or 400 "Invalid JSON format"."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "Invalid JSON format") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid JSON format")
    try:
        # JSON may spell a lone surrogate ("\\ud800"), which is not text: no tokenizer, answer or log can encode it.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "Invalid JSON format: a string holds a lone surrogate (not Unicode text)") from None
    except (RecursionError, ValueError):
        raise ApiError(400, "Invalid JSON format") from None
    return data


def combine(query: Mapping[str, str], form: Mapping[str, str]) -> dict[str, str]:
    """werkzeug's ``request.values``: the query string wins over the form."""
    return {**form, **query}


@dataclass(frozen=True, slots=True)
class TranslateRequest:
    """A checked /translate request."""

    texts: tuple[str, ...]
    batch: bool
    """``q`` was a list: the answer's fields are lists too."""
    source: str
    target: str
    format: str
    alternatives: int


def translate_request(fields: Mapping[str, object], from_json: bool, limits: Limits) -> TranslateRequest:
    """LibreTranslate's checks, in its order, with its messages."""
    q = fields.get("q")
    source = fields.get("source")
    target = fields.get("target")
    text_format = fields.get("format") or "text"
    if not q:
        raise missing("q")
    if not source:
        raise missing("source")
    if not target:
        raise missing("target")
    raw_alternatives = fields.get("alternatives", 0) or 0
    try:
        if not isinstance(raw_alternatives, (str, int, float)) or isinstance(raw_alternatives, bool):
            raise TypeError(type(raw_alternatives).__name__)
        alternatives = max(0, int(raw_alternatives))
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 reads as infinity
        raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None
    if alternatives > limits.alternatives:
        raise ApiError(400, f"Invalid request: alternatives parameter must be <= {limits.alternatives}")
    batch = isinstance(q, list)
    texts: tuple[str, ...]
    if isinstance(q, list):
        if not all(isinstance(t, str) for t in q):
            raise ApiError(400, "Invalid request: q must be a string or a list of strings")
        if len(q) > limits.texts:
            raise ApiError(400, f"Invalid request: request ({len(q)} texts) exceeds text limit ({limits.texts} texts)")
        texts = tuple(q)
    elif isinstance(q, str):
        texts = (q if from_json else "\n".join(q.splitlines()),)
    else:
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    for text in texts:
        if len(text) > limits.chars:
            raise ApiError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({limits.chars} characters)")
    if not isinstance(source, str) or not isinstance(target, str) or not isinstance(text_format, str):
        raise ApiError(400, "Invalid request: source, target and format must be strings")
    source, target = source.strip().lower(), target.strip().lower()
    if source != "auto" and source not in SOURCES:
        raise ApiError(400, f"{source} is not supported")
    if target not in TARGETS:
        raise ApiError(400, f"{target} is not supported")
    if text_format not in FORMATS:
        raise ApiError(400, f"{text_format} format is not supported")
    return TranslateRequest(texts, batch, source, target, text_format, alternatives)


def detected(language: str, confidence: float) -> dict[str, object]:
    return {"confidence": confidence, "language": language}


def text_confidence(results: Sequence[Any]) -> float | None:
    """The confidence of one text from its sentences' translations: token-weighted over the machine-translated ones.

    A sentence that is a human match from the memory has no confidence and is
    left out; a text with no machine-translated sentence (or one whose score is
    unknown) has none (``null``).
    """
    from translate.model import Origin
    from translate.translation.hypotheses import combined

    scores = [r.score for r in results if r.origin is Origin.MT and r.text]
    total = combined(scores) if scores else None
    return total.confidence if total is not None else None


def translate_response(
    request: TranslateRequest,
    translations: list[str],
    alternatives: list[list[str]] | None,
    detections: list[tuple[str, float]] | None,
    confidences: list[float | None] | None = None,
) -> dict[str, object]:
    """``translatedText`` (a list for a list ``q``), ``detectedLanguage`` for ``source=auto``, ``alternatives`` when asked.

    ``translationConfidence`` is tarjama's own extra field (LibreTranslate has none and its clients
    ignore it): the model's confidence in each text, 0 to 1, ``null`` for a human match.
    """
    result: dict[str, object] = {"translatedText": translations if request.batch else translations[0]}
    if confidences is not None:
        rounded = [round(c, 4) if c is not None else None for c in confidences]
        result["translationConfidence"] = rounded if request.batch else rounded[0]
    if request.source == "auto" and detections is not None:
        shown = [detected(lang, conf) for lang, conf in detections]
        result["detectedLanguage"] = shown if request.batch else shown[0]
    if request.alternatives > 0:
        found = alternatives or [[] for _ in translations]
        result["alternatives"] = found if request.batch else found[0]
    return result


def check_api_key(keys: frozenset[str], given: object) -> None:
    """403 without a key the server knows (compared in constant time)."""
    import hmac

    if not keys:
        return
    if not isinstance(given, str) or not given:
        raise ApiError(403, "Invalid API key: this server requires an api_key")
    if not any(hmac.compare_digest(given.encode("utf-8", "surrogatepass"), key.encode("utf-8", "surrogatepass")) for key in keys):
        raise ApiError(403, "Invalid API key")
