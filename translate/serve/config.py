"""The server's settings as one typed value: the CLI builds it, ``run`` reads it, the start line says it."""

from __future__ import annotations

from dataclasses import dataclass

from translate.settings import DecodingSettings
from translate.wording import counted

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may ask for; every refusal names the limit it hit."""

    chars: int = 10_000
    """Characters per text of ``q`` (LibreTranslate's ``--char-limit``)."""
    texts: int = 128
    """Texts in a list ``q`` (LibreTranslate's ``--batch-limit``)."""
    body_bytes: int = 1_000_000
    """Bytes of a request body other than a file upload."""
    file_bytes: int = 10_000_000
    """Bytes of a file upload (/translate_file and the page)."""
    file_segments: int = 5_000
    """Sentences of an uploaded document."""
    alternatives: int = 5
    """Largest ``alternatives`` (LibreTranslate's ``--alternatives-limit``)."""
    queue_segments: int = 4_096
    """Sentences waiting for the translator; a request that would overflow them gets 429."""
    timeout_s: float = 120.0
    """The longest a request waits for its translation."""
    body_timeout_s: float = 30.0
    """The longest a client may take to send its body (slow clients get 408)."""
    connections: int = 256
    """Open connections; more get 503 from uvicorn (a connection that has not sent a request yet makes room first)."""
    downloads_bytes: int = 500_000_000
    """Bytes of results kept for download (the oldest go first; the newest result is always kept)."""
    downloads_age_s: float = 3600.0
    """Seconds a result is kept for download; an older one is deleted and never served."""
    downloads_files: int = 2_000
    """Files kept for download (each result writes one to five)."""

    @property
    def document_segments(self) -> int:
        """Sentences of a document or a pasted text: it goes to the queue as one request, so the queue bounds it too."""
        return min(self.file_segments, self.queue_segments)


def size(count: int) -> str:
    """Bytes as a reader says them: 10 MB, 300 kB, 512 bytes (decimal units, as the limits are given)."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if count >= scale:
            return f"{count / scale:,.3g} {unit}" if count % scale else f"{count // scale:,} {unit}"
    return f"{count:,} bytes"


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """Everything ``tarjama serve`` was told: the model and decoding, the memory, the network side, the limits."""

    model: str | None = None
    decoding: DecodingSettings = DecodingSettings()
    """The same typed value ``tarjama translate`` builds: one signature, one memory key for both."""
    tm: str | None = None
    no_tm: bool = False
    glossary: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    api_keys: frozenset[str] = frozenset()
    """Keys a request must carry; empty: no key needed."""
    cors: tuple[str, ...] = ()
    """Origins a browser may call the API from; empty: no CORS headers at all."""
    cross_batching: bool = True
    max_batch: int = 64
    """Sentences the worker merges into one engine call."""
    batch_wait_ms: float = 5.0
    """How long the worker waits for more requests once one is queued."""
    limits: Limits = Limits()
    language_check: bool = True
    """Refuse a file or pasted text that is clearly not Arabic, as ``tarjama translate`` does."""
    quiet: bool = False

    def __repr__(self) -> str:
        # The keys are secrets: the log says how many there are, never what they are.
        fields = {name: getattr(self, name) for name in self.__slots__ if name != "api_keys"}
        shown = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        return f"ServeConfig({shown}, api_keys=<{counted(len(self.api_keys), 'key')}>)"

    __str__ = __repr__

    def summary(self, model: str, decoding: str) -> str:
        """The one line ``tarjama serve`` prints at start: where it listens, what model, the limits in force."""
        shown = dict(part.split("=", 1) for part in decoding.split("|") if "=" in part)
        how = ", ".join(f"{key} {shown[key]}" if key == "beam" else shown[key] for key in ("backend", "beam", "device") if key in shown)
        limits = self.limits
        count = len(self.api_keys)
        keys = f"{count} API key{'' if count == 1 else 's'}" if count else "no API key"
        return (
            f"serving http://{self.host}:{self.port}/ with model {model} ({how}); limits: {limits.chars:,} characters a text, "
            f"{limits.texts:,} texts a request, {size(limits.body_bytes)} a body, {size(limits.file_bytes)} a file, "
            f"{limits.document_segments:,} sentences a document, {limits.queue_segments:,} sentences queued, "
            f"{limits.timeout_s:g} s to translate, {limits.body_timeout_s:g} s to send a request; {keys}"
        )
