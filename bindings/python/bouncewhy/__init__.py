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
import json
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
from . import _scan
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

_ERROR_CLASSES = {
    _c.BW_EPARSE: ParseError,
    _c.BW_ELIMIT: LimitError,
    _c.BW_ERULES: RulesError,
    _c.BW_EIO: ReadError,
    _c.BW_EINVALID: InvalidInputError,
    _c.BW_ENOTFOUND: NotFoundError,
    _c.BW_ENOMEM: OutOfMemoryError,
}


def _make_error(code: int, message: str) -> Error:
    """An Error instance for a bw_error_code, as the C module raises them."""
    exc = _ERROR_CLASSES.get(code, Error)(message)
    exc.code = code
    exc.code_name = _c.error_code_name(code)
    return exc


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

    @staticmethod
    def _diagnosis(text: str, index: Optional[int] = None) -> Diagnosis:
        d = json.loads(text)
        if index is not None:
            d = {"mbox_index": index, **d}
        return Diagnosis(d)

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
            content = _scan.read_limited(data, self._max_message_size)
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
        return self._run(_scan.walk(os.fsdecode(path), self._max_message_size), on_error)

    def scan_stream(self, stream: IO[bytes], source: str = "-", *,
                    on_error: str = "record") -> Iterator[Diagnosis]:
        """As :meth:`scan`, for a binary stream such as ``sys.stdin.buffer``:
        one message, or an mbox when it starts with a "From " line."""
        if on_error not in ("record", "skip", "raise"):
            raise ValueError('on_error must be "record", "skip" or "raise"')
        return self._run(_scan.walk_stream(stream, source, self._max_message_size), on_error)

    def _run(self, items: Iterator[Any], on_error: str) -> Iterator[Diagnosis]:
        return (d for d, _ in self._results(items, on_error, -1))

    def _results(self, items: Iterator[Any], on_error: str,
                 text: int) -> Iterator[Tuple[Diagnosis, Optional[str]]]:
        """(Diagnosis, its text rendering) per item; the rendering (by the
        library's bw_report_to_text, with BW_TEXT_* flags `text`) is None
        when `text` is -1 and for error records."""
        for item in items:
            kind = item[0]
            try:
                if kind == "file":
                    got = self._rules.parse_file(item[2], item[1], text=text)
                    index = None
                elif kind == "message":
                    got = self._rules.parse_buffer(item[3], item[1], text=text,
                                                   mbox_index=-1 if item[2] is None else item[2])
                    index = item[2]
                else:
                    _, source, index, code, message = item
                    got = None
                    err = _make_error(code, message)
                if got is not None:
                    json_text, rendered = got if text >= 0 else (got, None)
                    yield self._diagnosis(json_text, index), rendered
                    continue
            except Error as e:
                if kind == "file":
                    source, index = item[1], None
                else:
                    source, index = item[1], item[2]
                err = e
            if on_error == "raise":
                raise err
            if on_error == "record":
                yield self._diagnosis(_c.error_json(source, err.code, str(err)), index), None

    def _explain_rendered(self, reply: str, remote_host: Optional[str] = None,
                          command: Optional[str] = None,
                          explain: bool = False) -> Tuple[Diagnosis, Optional[str]]:
        """For ``python3 -m bouncewhy explain``: :meth:`explain` with the
        CLI's source ("reply") and text for the diagnosis; an error record
        when the reply cannot be classified."""
        flags = _c.TEXT_EXPLAIN if explain else 0
        try:
            json_text, rendered = self._rules.classify_reply(reply, remote_host, command,
                                                             source="reply", text=flags)
        except Error as e:
            return self._diagnosis(_c.error_json("reply", e.code, str(e)), None), None
        return self._diagnosis(json_text, None), rendered

    def _scan_rendered(self, path: Optional[StrPath], stream: Optional[IO[bytes]] = None,
                       source: str = "-", explain: bool = False
                       ) -> Iterator[Tuple[Diagnosis, Optional[str]]]:
        """For ``python3 -m bouncewhy``: as :meth:`scan` (or :meth:`scan_stream`
        when `stream` is given), each Diagnosis with the CLI's text for it."""
        flags = _c.TEXT_EXPLAIN if explain else 0
        if stream is not None:
            items = _scan.walk_stream(stream, source, self._max_message_size)
        else:
            items = _scan.walk(os.fsdecode(path), self._max_message_size)  # type: ignore[arg-type]
        return self._results(items, "record", flags)


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
