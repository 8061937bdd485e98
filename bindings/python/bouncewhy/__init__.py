"""bouncewhy: read a bounced email and say, for every recipient, what failed,
why, whose fault it is, which provider answered, and what to do about it.

Quick use::

    import bouncewhy

    d = bouncewhy.parse_file("bounce.eml")
    for r in d.recipients:
        print(r.recipient, r.reason, r.hard_bounce, r.remedies)

    for d in bouncewhy.scan("~/Maildir/.Bounces"):   # files, mbox, Maildir
        ...

    bouncewhy.explain("550 5.7.1 Service unavailable; client host blocked",
                      remote_host="mx1.example.net")

The module-level functions share one default :class:`Classifier`, created on
first use.  Build your own ``Classifier(rules=..., overlay=...)`` for other
rules; one Classifier may be shared by any number of threads.

Results are :class:`Diagnosis` objects whose ``to_dict()`` equals what
``bouncewhy --format json`` prints for the same message.  Failures raise
:class:`Error` subclasses: :class:`ParseError`, :class:`LimitError`,
:class:`RulesError`, :class:`ReadError`, :class:`InvalidInputError`,
:class:`NotFoundError`, :class:`OutOfMemoryError`.

The rule database is found in this order: the ``rules`` argument; the
``BOUNCEWHY_RULES`` environment variable; ``rules.db`` inside this package
(installed there by the build); the library's installed database.
"""
from __future__ import annotations

import io
import os
import threading
from typing import IO, Any, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _bouncewhy as _c
from ._bouncewhy import (
    Error,
    InvalidInputError,
    LimitError,
    NotFoundError,
    OutOfMemoryError,
    ParseError,
    ReadError,
    RulesError,
)
from ._model import Diagnosis, Recipient
from ._log import LogAttempt, LogSummary, read_log, summarize  # mail logs (_log.py)
from ._bouncewhy import LedgerError
from ._ledger import AddResult, Ledger

__all__ = [
    "Classifier",
    "Diagnosis",
    "Recipient",
    "Error",
    "ParseError",
    "LimitError",
    "RulesError",
    "ReadError",
    "InvalidInputError",
    "NotFoundError",
    "OutOfMemoryError",
    "parse",
    "parse_file",
    "scan",
    "explain",
    "default_classifier",
    "Ledger",
    "AddResult",
    "LedgerError",
    "read_log",
    "summarize",
    "LogAttempt",
    "LogSummary",
    "__version__",
]

__version__: str = _c.LIBRARY_VERSION
"""Version of the C library this module is linked with."""

#: Field names of the C API (bw_report_field_name / bw_recipient_field_name).
REPORT_FIELDS: tuple = _c.REPORT_FIELDS
RECIPIENT_FIELDS: tuple = _c.RECIPIENT_FIELDS

StrPath = Union[str, "os.PathLike[str]"]
MessageInput = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes], IO[str]]

def _make_error(code: int, message: str) -> Error:
    """An Error instance for a bw_error_code, as the C module raises them
    (one mapping from codes to classes: the extension's)."""
    return _c.make_error(code, message)


def _default_rules_path() -> Optional[str]:
    """The rule database to open when none is named, or None to let the
    library choose ($BOUNCEWHY_RULES, else its installed database)."""
    if os.environ.get("BOUNCEWHY_RULES"):
        return None
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.db")
    if os.path.isfile(bundled):
        return bundled
    return None


def _overlay_list(overlay: Union[None, StrPath, Iterable[StrPath]]) -> Optional[List[str]]:
    if overlay is None:
        return None
    if isinstance(overlay, (str, bytes, os.PathLike)):
        return [os.fsdecode(overlay)]
    return [os.fsdecode(o) for o in overlay]


class Classifier:
    """One opened rule set (a ``bw_rules``) and the limits to parse with.

    :param rules: path of the rule database; None for the default (see the
        module documentation).
    :param overlay: an extra rule source (``.rules`` text or ``.db``) or a
        list of them, loaded on top; later ones win.
    :param max_message_size: largest message accepted in bytes (0: 64 MiB).
    :param max_mime_depth: deepest MIME nesting read (0: 32).
    :param max_parts: most MIME parts read (0: 2000).
    :param max_recipients: most recipients kept per message (0: 10000).
    :raises RulesError: when the rules cannot be loaded.

    The rule set is immutable: one Classifier may be used from many threads
    at the same time, and parsing runs without the GIL, so threads parse in
    parallel.
    """

    def __init__(
        self,
        rules: Optional[StrPath] = None,
        overlay: Union[None, StrPath, Iterable[StrPath]] = None,
        *,
        max_message_size: int = 0,
        max_mime_depth: int = 0,
        max_parts: int = 0,
        max_recipients: int = 0,
    ) -> None:
        path = os.fsdecode(rules) if rules is not None else _default_rules_path()
        self._max_message_size = max_message_size
        self._rules = _c.Rules(
            path,
            _overlay_list(overlay),
            max_message_size=max_message_size,
            max_mime_depth=max_mime_depth,
            max_parts=max_parts,
            max_recipients=max_recipients,
        )

    # -- information ------------------------------------------------------

    @property
    def rules_path(self) -> str:
        """Path of the base rule database actually opened."""
        return self._rules.path

    @property
    def rule_count(self) -> int:
        """Number of rules loaded (all layers)."""
        return self._rules.count

    def meta(self, key: str) -> str:
        """Rule-set metadata: "schema_version", "source_hash", "rule_count"
        or "provider_count" ("" for an unknown key)."""
        return self._rules.meta(key)

    def __repr__(self) -> str:
        return "<Classifier rules=%r count=%d>" % (self.rules_path, self.rule_count)

    # -- parsing ----------------------------------------------------------

    _diagnosis = staticmethod(Diagnosis)

    def parse(self, data: MessageInput, *, source: Optional[str] = None) -> Diagnosis:
        """Diagnose one message.

        :param data: the message as bytes (any octets), as str (encoded as
            UTF-8), as a path-like object (``pathlib.Path``: the file is read),
            or as a file object opened for reading.  A plain ``str`` is the
            message text, never a file name: use :meth:`parse_file` for that.
        :param source: stored as ``Diagnosis.source`` (and "source" in the dict).
        :raises ParseError: the input is not a message at all (empty, binary).
        :raises LimitError: the input exceeds a limit.
        :raises ReadError: a path could not be read.
        :raises TypeError: for None, numbers and other objects.
        """
        if isinstance(data, (bytes, bytearray, memoryview)):
            return self._diagnosis(self._rules.parse_buffer(data, source))
        if isinstance(data, str):
            return self._diagnosis(
                self._rules.parse_buffer(data.encode("utf-8", "surrogateescape"), source))
        if isinstance(data, os.PathLike):
            return self.parse_file(data) if source is None else self._parse_path(data, source)
        read = getattr(data, "read", None)
        if callable(read):
            # read in chunks: more than max_message_size is refused as it arrives
            content = _read_limited(data, self._max_message_size)
            if isinstance(content, str):
                content = content.encode("utf-8", "surrogateescape")
            if not isinstance(content, (bytes, bytearray, memoryview)):
                raise TypeError("read() returned %s, not bytes or str" % type(content).__name__)
            return self._diagnosis(self._rules.parse_buffer(content, source))
        raise TypeError(
            "parse() wants bytes, str, a path-like object or a file object, not %s"
            % type(data).__name__)

    def _parse_path(self, path: StrPath, source: Optional[str]) -> Diagnosis:
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError("expected a path (str or os.PathLike), not %s" % type(path).__name__)
        return self._diagnosis(self._rules.parse_file(path, source))

    def parse_file(self, path: StrPath) -> Diagnosis:
        """Diagnose the message in the file at `path` (the whole file is one
        message; use :meth:`scan` for mbox files and directories).  The
        diagnosis's ``source`` is the path as given.

        :raises ReadError: the file cannot be read.
        """
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError("expected a path (str or os.PathLike), not %s" % type(path).__name__)
        return self._parse_path(path, os.fsdecode(path))

    def explain(self, reply: str, remote_host: Optional[str] = None,
                command: Optional[str] = None) -> Diagnosis:
        """Classify a bare SMTP reply as a sending server sees it at SMTP time
        ("550 5.7.1 ..."), a provider code ("SC-001"), or a Postfix, Exim or
        Sendmail log line carrying one.  The diagnosis has kind "reply" and
        exactly one recipient.

        :param remote_host: the host that answered (helps pick the provider).
        :param command: the SMTP command it answered ("RCPT", "MAIL", "DATA"...).
        """
        if isinstance(reply, (bytes, bytearray)):
            reply = bytes(reply).decode("utf-8", "surrogateescape")
        if not isinstance(reply, str):
            raise TypeError("reply must be a str, not %s" % type(reply).__name__)
        return self._diagnosis(self._rules.classify_reply(reply, remote_host, command))

    def scan(self, path: StrPath, *, on_error: str = "record") -> Iterator[Diagnosis]:
        """Diagnose every message under `path`, yielding one Diagnosis per
        message, in the order the CLI prints them.

        `path` may be one message, an mbox file (recognised by its first line,
        each message gets ``mbox_index``), or a directory (plain or Maildir,
        read recursively in name order; hidden entries and ``*.json``,
        ``*.tsv``, ``*.md`` files are skipped).

        :param on_error: what to do with a message that cannot be read:
            "record" (default) yields a Diagnosis of kind "error" carrying
            ``error`` and ``error_code``, as the CLI prints; "skip" leaves it
            out; "raise" raises the Error (ending the iteration).
        """
        if on_error not in ("record", "skip", "raise"):
            raise ValueError('on_error must be "record", "skip" or "raise"')
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError("expected a path (str or os.PathLike), not %s" % type(path).__name__)
        return self._run(_c.Scanner(self._rules, [path]), on_error)

    def scan_stream(self, stream: IO[bytes], source: str = "-", *,
                    on_error: str = "record") -> Iterator[Diagnosis]:
        """As :meth:`scan`, for a binary stream such as ``sys.stdin.buffer``:
        one message, or an mbox when it starts with a "From " line.  One
        message is refused as soon as it exceeds the size limit; an mbox is
        read as a stream, in bounded memory."""
        if on_error not in ("record", "skip", "raise"):
            raise ValueError('on_error must be "record", "skip" or "raise"')
        return self._run(_stream_items(self._rules, stream, source), on_error)

    @staticmethod
    def _run(items: Iterator[Any], on_error: str) -> Iterator[Diagnosis]:
        """Diagnosis objects from Scanner items (source, mbox_index, code,
        message, record, rendered)."""
        for _, _, code, message, record, _ in items:
            if code != _c.BW_OK:
                if on_error == "raise":
                    raise _make_error(code, message)
                if on_error == "skip":
                    continue
            yield Diagnosis(record)

    def _explain_into(self, reply: str, remote_host: Optional[str],
                      command: Optional[str], output: Any) -> Tuple[int, str]:
        """For ``python3 -m bouncewhy explain``: classifies `reply` with the
        CLI's source ("reply") into `output` (an Output: the record, or the
        error record); returns (error code, error message)."""
        try:
            self._rules.classify_reply(reply, remote_host, command, source="reply",
                                       output=output)
        except Error as e:
            return e.code, str(e)
        return _c.BW_OK, ""

    def _scanner(self, operand: str, output: Any) -> Any:
        """For ``python3 -m bouncewhy``: the library's scanner over one
        operand ("-": standard input), each item framed into `output`."""
        if operand == "-":
            return _c.Scanner(self._rules, fd=0, source="-", dicts=False, output=output)
        return _c.Scanner(self._rules, [operand], dicts=False, output=output)


_DEFAULT_MAX_SIZE = 64 << 20
_HEAD_MAX = 1 << 16      # what the scanner accepts as bytes already read


def _read_limited(stream: IO[Any], limit: int) -> Any:
    """Reads `stream` to its end, in chunks, raising LimitError as soon as
    more than `limit` bytes (0: 64 MiB) arrive: an endless stream costs
    `limit` at most.  Returns bytes, or str when the stream gives str."""
    limit = limit or _DEFAULT_MAX_SIZE
    chunks = []
    total = 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _make_error(_c.BW_ELIMIT, "message exceeds the limit of %d bytes" % limit)
    if chunks and isinstance(chunks[0], str):
        return "".join(chunks)
    if chunks and not isinstance(chunks[0], (bytes, bytearray, memoryview)):
        return chunks[0]                    # not bytes: the caller reports it
    return b"".join(chunks)


def _pump(stream: IO[bytes], fd: int) -> None:
    """Copies the rest of `stream` into the pipe `fd`, then closes it; stops
    when the reader closes its end (the scanner refused a message)."""
    try:
        with os.fdopen(fd, "wb", buffering=0) as w:
            while True:
                chunk = stream.read(1 << 16)
                if not chunk:
                    break
                w.write(chunk)
    except (OSError, ValueError):
        pass


def _stream_items(rules: Any, stream: IO[bytes], source: str) -> Iterator[Any]:
    """Scanner items for a binary stream.  A stream on a descriptor is read
    by the scanner directly (what its buffer already holds is handed over
    first); any other stream is fed to it through a pipe by a thread, so
    the size limit and the mbox streaming are the scanner's in every case."""
    head = stream.read(5)
    if not isinstance(head, (bytes, bytearray)):
        raise TypeError("the stream must be opened in binary mode")
    head = bytes(head)
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = -1
    peek = getattr(stream, "peek", None)
    if fd >= 0 and isinstance(stream, io.RawIOBase):
        yield from _c.Scanner(rules, fd=fd, source=source, head=head)
        return
    if fd >= 0 and callable(peek):
        buffered = peek(1) if head else b""
        if len(head) + len(buffered) <= _HEAD_MAX:
            head += stream.read(len(buffered)) if buffered else b""
            yield from _c.Scanner(rules, fd=fd, source=source, head=head)
            return
    r, w = os.pipe()
    pump = threading.Thread(target=_pump, args=(stream, w), daemon=True)
    pump.start()
    try:
        yield from _c.Scanner(rules, fd=r, source=source, head=head)
    finally:
        os.close(r)          # a pump still writing gets EPIPE and ends
        pump.join(timeout=1.0)


_default: Optional[Classifier] = None
_default_lock = threading.Lock()


def default_classifier() -> Classifier:
    """The Classifier the module-level functions use, created on first call
    (thread-safe) with the default rules.

    :raises RulesError: when the default rules cannot be loaded (set
        BOUNCEWHY_RULES to a rules.db, or build a Classifier with ``rules=``).
    """
    global _default
    c = _default
    if c is None:
        with _default_lock:
            if _default is None:
                _default = Classifier()
            c = _default
    return c


def parse(data: MessageInput, *, source: Optional[str] = None) -> Diagnosis:
    """Diagnose one message given as bytes, str, a path-like object or a file
    object, with the default Classifier.  See :meth:`Classifier.parse`."""
    return default_classifier().parse(data, source=source)


def parse_file(path: StrPath) -> Diagnosis:
    """Diagnose the message in a file with the default Classifier.
    See :meth:`Classifier.parse_file`."""
    return default_classifier().parse_file(path)


def scan(path: StrPath, *, on_error: str = "record") -> Iterator[Diagnosis]:
    """Diagnose every message in a file, mbox, directory or Maildir with the
    default Classifier, one Diagnosis per message.  See :meth:`Classifier.scan`."""
    return default_classifier().scan(path, on_error=on_error)


def explain(reply: str, remote_host: Optional[str] = None,
            command: Optional[str] = None) -> Diagnosis:
    """Classify a bare SMTP reply with the default Classifier.
    See :meth:`Classifier.explain`."""
    return default_classifier().explain(reply, remote_host, command)
