"""Result objects: :class:`Diagnosis` (one message) and :class:`Recipient`.

Both are read-only views over the dict the extension builds from the C
library's report accessors (bindings/python/_report.c), equal to the object
``bw_report_to_json`` writes and ``bouncewhy --format json`` prints.  So
``Diagnosis.to_dict()`` equals the CLI's JSON object for the same input:
same keys, same values, ``None`` for absent fields.

The string attributes are the library's fields, named by the library
(``bw_report_field_name``, ``bw_recipient_field_name``, exported as
``_bouncewhy.REPORT_FIELDS`` and ``RECIPIENT_FIELDS``): they are made here
from those names, not listed.  Only the attributes that are not string
fields (flags, numbers, lists, the record's framing) are named below.
Their types and documentation for type checkers are in ``_model.pyi``.
"""
from __future__ import annotations

import copy
import json
import keyword
from typing import Any, Dict, Generic, List, Optional, TypeVar, overload

from . import _bouncewhy as _c

__all__ = ["Diagnosis", "Recipient"]

T = TypeVar("T")


class _Field(Generic[T]):
    """A read-only attribute backed by one key of the underlying dict.

    Lists and dicts are returned as copies, so changing them does not change
    what ``to_dict()`` returns.
    """

    def __init__(self, key: str, doc: str, default: Any = None) -> None:
        self.key = key
        self.default = default
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: Optional[type] = None) -> "_Field[T]": ...

    @overload
    def __get__(self, obj: object, owner: Optional[type] = None) -> T: ...

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj._d.get(self.key, self.default)
        if isinstance(value, (list, dict)):
            return copy.copy(value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        raise AttributeError("%s is read-only" % self.name)


def _dumps(d: Any, pretty: bool) -> str:
    if pretty:
        return json.dumps(d, ensure_ascii=False, indent=2)
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


class Recipient:
    """What happened to one recipient of a bounce, and what to do about it.

    Every string attribute is ``None`` when the report does not give it.
    """

    __slots__ = ("_d", "_evidence")

    # The string fields (recipient, status, reason, provider...) are added
    # below from the library's names; these are the others.
    permanent: _Field[bool] = _Field(
        "permanent", "True when the failure is permanent (not worth retrying as it is).", False)
    hard_bounce: _Field[bool] = _Field(
        "hard_bounce", "True when the address itself is bad and should be removed from lists.",
        False)
    confidence: _Field[int] = _Field(
        "confidence", "How strongly the evidence supports the reason, 0 to 100.", 0)
    remedies: _Field[List[str]] = _Field("remedies", "What to do, most useful first.", [])
    references: _Field[List[str]] = _Field(
        "references", "Reference URLs (provider documentation, delisting forms).", [])
    extras: _Field[Dict[str, str]] = _Field(
        "extras", "Per-recipient extension fields (X-Actual-Recipient...).", {})

    def __init__(self, data: Dict[str, Any]) -> None:
        """Wrap one recipient dict (``evidence`` is taken out of it and kept
        apart)."""
        d = dict(data)
        self._evidence: List[str] = list(d.pop("evidence", None) or [])
        self._d: Dict[str, Any] = d

    @property
    def evidence(self) -> List[str]:
        """The evidence chain behind the verdict, one step per item."""
        return list(self._evidence)

    def __getattr__(self, name: str) -> Any:
        # Fields a newer library adds before this class names them.
        d = object.__getattribute__(self, "_d")
        if name in d:
            return d[name]
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def to_dict(self, evidence: bool = False) -> Dict[str, Any]:
        """The recipient as a dict, as in ``bouncewhy --format json``
        (``evidence=True``: with the evidence chain, as with ``--explain``)."""
        d = copy.deepcopy(self._d)
        if evidence:
            d["evidence"] = list(self._evidence)
        return d

    def to_json(self, pretty: bool = False, evidence: bool = False) -> str:
        """The recipient as JSON text."""
        return _dumps(self.to_dict(evidence), pretty)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Recipient):
            return NotImplemented
        return self._d == other._d and self._evidence == other._evidence

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<Recipient %s reason=%s hard_bounce=%s>" % (
            self.recipient or "(unknown)", self.reason, self.hard_bounce)


class Diagnosis:
    """The diagnosis of one message: what kind of message it is, its fields,
    and one :class:`Recipient` per recipient it reports on.

    ``kind`` is "bounce", "delay", "delivered", "feedback", "autoreply",
    "not-a-bounce" or "reply"; or "error" for a message :func:`scan` could not
    read, in which case ``error`` and ``error_code`` say why and there are no
    recipients.  String attributes are ``None`` when absent.  The bounce's
    own From is ``from_`` (``from`` is a Python keyword).
    """

    __slots__ = ("_d", "_recipients")

    source: _Field[Optional[str]] = _Field(
        "source", "Where the message came from (a path), when known.")
    mbox_index: _Field[Optional[int]] = _Field(
        "mbox_index", "Position of the message in its mbox file (0-based), or None.")
    schema_version: _Field[int] = _Field(
        "schema_version", "The version of the record's layout (doc/record.schema.json).", 1)
    kind: _Field[str] = _Field("kind", "What kind of message was parsed.")
    # The string fields (format, reporting_mta, subject, from_...) are added
    # below from the library's names.
    original_headers: _Field[Dict[str, str]] = _Field(
        "original_headers",
        "Headers kept from the returned original message (Message-ID, From, To,\n"
        "Subject, Date, List-Id and all X- headers).", {})
    extras: _Field[Dict[str, str]] = _Field(
        "extras", "Per-message extension fields (X-Postfix-Queue-ID...).", {})
    warnings: _Field[List[str]] = _Field(
        "warnings", "Things that were tolerated while parsing.", [])
    error: _Field[Optional[str]] = _Field(
        "error", 'Why the message could not be read (kind "error" only).')
    error_code: _Field[Optional[str]] = _Field(
        "error_code", 'The error code name, such as "BW_EPARSE" (kind "error" only).')

    def __init__(self, data: Dict[str, Any]) -> None:
        """Wrap one report dict, as the extension builds it."""
        d = dict(data)
        self._recipients = [Recipient(r) for r in d.get("recipients") or []]
        # The dict keeps its key order; recipients are rebuilt by to_dict().
        d["recipients"] = None
        self._d: Dict[str, Any] = d

    @property
    def recipients(self) -> List[Recipient]:
        """The recipients the message reports on, in its order."""
        return list(self._recipients)

    @property
    def ok(self) -> bool:
        """False for an error record (a message that could not be read)."""
        return self._d.get("kind") != "error"

    def __getattr__(self, name: str) -> Any:
        d = object.__getattribute__(self, "_d")
        if name in d and name != "recipients":
            return d[name]
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def to_dict(self, evidence: bool = False) -> Dict[str, Any]:
        """The diagnosis as a dict: equal to the object ``bouncewhy --format
        json`` prints for the same message (``evidence=True``: as with
        ``--explain``)."""
        d = copy.deepcopy(self._d)
        d["recipients"] = [r.to_dict(evidence) for r in self._recipients]
        return d

    def to_json(self, pretty: bool = False, evidence: bool = False) -> str:
        """The diagnosis as JSON text (one line unless ``pretty``)."""
        return _dumps(self.to_dict(evidence), pretty)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagnosis):
            return NotImplemented
        return self._d == other._d and self._recipients == other._recipients

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self._recipients)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._recipients))

    def __repr__(self) -> str:
        where = " source=%r" % self.source if self.source is not None else ""
        if self.mbox_index is not None:
            where += " mbox_index=%d" % self.mbox_index
        return "<Diagnosis kind=%s%s recipients=%d>" % (self.kind, where, len(self._recipients))


def _add_string_fields(cls: type, names: "tuple[str, ...]", what: str) -> None:
    """One read-only attribute per string field of the library, named as
    the library names it (``from_`` for ``from``, a Python keyword)."""
    for key in names:
        name = key + "_" if keyword.iskeyword(key) else key
        if name in cls.__dict__:
            continue
        f: _Field[Optional[str]] = _Field(
            key, "The %s's %s field (None when absent)." % (what, key))
        f.__set_name__(cls, name)
        setattr(cls, name, f)


_add_string_fields(Recipient, _c.RECIPIENT_FIELDS, "recipient")
_add_string_fields(Diagnosis, _c.REPORT_FIELDS, "report")
