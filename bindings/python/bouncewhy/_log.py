"""Mail logs: ``read_log()`` yields the delivery attempts of a Postfix, Exim,
Sendmail or OpenSMTPD log, every failure diagnosed as for a bounce;
``summarize()`` groups them as ``bouncewhy log`` does.

::

    import bouncewhy

    attempts = list(bouncewhy.read_log("/var/log/mail.log"))
    for a in attempts:
        if a.failed:
            print(a.time, a.recipient, a.diagnosis.reason, a.diagnosis.provider_code)
    s = bouncewhy.summarize(attempts)
    print(s.text())                         # what `bouncewhy log` prints
    for g in s.groups:                      # what `bouncewhy log --format json` gives
        print(g["provider"], g["reason"], g["messages"], g["ongoing"])
"""
from __future__ import annotations

import calendar
import gzip
import io
import json
import os
import threading
from typing import IO, Any, Dict, Iterable, Iterator, List, Optional, Union

from . import _bouncewhy as _c
from ._model import Recipient

__all__ = ["LogAttempt", "LogSummary", "read_log", "summarize"]

_CHUNK = 1 << 20
_rules_cache: Dict[Any, Any] = {}
_rules_lock = threading.Lock()


def _rules(rules: Any = None, overlay: Any = None) -> Any:
    """One shared _c.LogRules per (path, overlays)."""
    from . import _default_rules_path, _overlay_list  # late: the package imports us

    path = os.fsdecode(rules) if rules is not None else _default_rules_path()
    ov = _overlay_list(overlay)
    key = (path, tuple(ov or ()))
    with _rules_lock:
        r = _rules_cache.get(key)
        if r is None:
            r = _rules_cache[key] = _c.LogRules(path, list(ov) if ov else None)
    return r


class LogAttempt:
    """One delivery attempt read from a mail log.

    Attributes (``None`` when the line does not give them): ``line``,
    ``timestamp`` (seconds since the epoch), ``time`` (ISO 8601, UTC),
    ``host``, ``program``, ``mta``, ``queue_id``, ``recipient``,
    ``original_recipient``, ``relay``, ``relay_ip``, ``delay``, ``dsn``,
    ``status`` ("sent", "deferred", "bounced", "expired"), ``reply``, and
    ``diagnosis``: for a failure, a :class:`Recipient` with reason, fault,
    provider, provider code, remedies... as for a bounce.
    """

    __slots__ = ("_d", "_handle", "diagnosis")

    def __init__(self, handle: Any, source: Optional[str] = None) -> None:
        self._handle = handle
        self._d: Dict[str, Any] = json.loads(handle.to_json(source))
        diag = self._d.get("diagnosis")
        self.diagnosis: Optional[Recipient] = Recipient(diag) if diag else None

    def __getattr__(self, name: str) -> Any:
        try:
            return self._d[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def failed(self) -> bool:
        """True for deferred, bounced and expired attempts."""
        return self._d.get("status") != "sent"

    def to_dict(self) -> Dict[str, Any]:
        """The record `bouncewhy log --format ndjson` prints for it."""
        return json.loads(json.dumps(self._d))

    def __repr__(self) -> str:
        return "<LogAttempt line %s %s %s>" % (self._d.get("line"), self._d.get("status"),
                                               self._d.get("recipient"))


def _open(source: Any) -> IO[bytes]:
    if isinstance(source, (str, bytes, os.PathLike)):
        f: IO[bytes] = open(source, "rb")
    elif hasattr(source, "read"):
        f = source
        if isinstance(f, io.TextIOBase):
            raise TypeError("read_log wants a path or a binary file, not a text file")
    else:
        raise TypeError("read_log wants a path or a binary file, not %s" % type(source).__name__)
    peek = f.peek(2)[:2] if hasattr(f, "peek") else b""
    if peek == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f)  # type: ignore[return-value]
    if not peek and isinstance(source, (str, bytes, os.PathLike)) and os.fsdecode(source).endswith(".gz"):
        return gzip.GzipFile(fileobj=f)  # type: ignore[return-value]
    return f


def _reference_time(source: Any, year: Optional[int]) -> int:
    if year is not None:
        return calendar.timegm((year, 12, 30, 23, 59, 0))
    if isinstance(source, (str, bytes, os.PathLike)):
        return int(os.stat(source).st_mtime)
    return 0


def read_log(source: Union[str, bytes, "os.PathLike[str]", IO[bytes]], *, year: Optional[int] = None,
             rules: Any = None, overlay: Any = None, stats: Optional[Dict[str, int]] = None
             ) -> Iterator[LogAttempt]:
    """Yields the delivery attempts of a mail log, in order.

    :param source: a path (plain or .gz) or a binary file object.
    :param year: the year of classic syslog stamps (default: inferred from
        the file's modification time, or now).
    :param rules, overlay: as for :class:`bouncewhy.Classifier`.
    :param stats: a dict filled at the end with the reader's counters
        (lines, attempts, skipped_lines, cut_lines, bytes).
    Memory stays bounded however long the log.
    """
    r = _rules(rules, overlay)
    ref = _reference_time(source, year)
    f = _open(source)
    name = os.fsdecode(source) if isinstance(source, (str, bytes, os.PathLike)) else None
    reader = _c.LogReader(r, ref)
    try:
        while True:
            chunk = f.read(_CHUNK)
            if chunk:
                reader.feed(bytes(chunk))
            else:
                reader.end()
            while True:
                a = reader.next()
                if a is None:
                    break
                yield LogAttempt(a, name)
            if not chunk:
                break
    finally:
        if stats is not None:
            stats.update(reader.stats())
        if f is not source:
            f.close()


class LogSummary:
    """Failures grouped by provider, reason and provider code, in the order
    `bouncewhy log` prints them (sender-side problems first).  ``totals``
    and ``groups`` are what `bouncewhy log --format json` gives."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        d = json.loads(handle.to_json())
        self.totals: Dict[str, int] = d["totals"]
        self.groups: List[Dict[str, Any]] = d["groups"]

    def text(self) -> str:
        """The summary as text for a person, as `bouncewhy log` prints it."""
        return self._handle.to_text()

    def has_fault(self, side: str) -> bool:
        """Is there a problem on that side ("sender", "recipient", "receiver",
        "transit", or "any")?"""
        return self._handle.has_fault(side)

    def to_dict(self) -> Dict[str, Any]:
        return {"totals": dict(self.totals), "groups": [dict(g) for g in self.groups]}


def summarize(attempts: Iterable[LogAttempt], *, rules: Any = None, overlay: Any = None
              ) -> LogSummary:
    """Groups attempts (from :func:`read_log`) as `bouncewhy log` does: the
    same groups in the same order.  (The totals count attempts; the line
    counts are in the ``stats`` dict :func:`read_log` fills.)"""
    s = _c.LogSummary(_rules(rules, overlay))
    for a in attempts:
        if not isinstance(a, LogAttempt):
            raise TypeError("summarize wants LogAttempt objects, not %s" % type(a).__name__)
        s.add(a._handle)
    return LogSummary(s)
