"""Result objects: :class:`Diagnosis` (one message) and :class:`Recipient`.

Both are read-only views over the dictionary decoded from the JSON the C
library writes (``bw_report_to_json``), which is also what
``bouncewhy --format json`` prints.  So ``Diagnosis.to_dict()`` equals the
CLI's JSON object for the same input: same keys, same values, ``None`` for
absent fields.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Dict, Generic, List, Optional, TypeVar, overload

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

    recipient: _Field[Optional[str]] = _Field("recipient", "The failed address, normalised.")
    original_recipient: _Field[Optional[str]] = _Field(
        "original_recipient", "Original-Recipient, when the report gives it.")
    action: _Field[Optional[str]] = _Field(
        "action", "failed, delayed, delivered, relayed or expanded.")
    status: _Field[Optional[str]] = _Field("status", 'RFC 3463 status code, such as "5.1.1".')
    reply_code: _Field[Optional[str]] = _Field("reply_code", 'RFC 5321 reply code, such as "550".')
    smtp_command: _Field[Optional[str]] = _Field(
        "smtp_command", "The SMTP command that failed (CONN, HELO, MAIL, RCPT, DATA...).")
    remote_mta: _Field[Optional[str]] = _Field("remote_mta", "The host that answered.")
    remote_ip: _Field[Optional[str]] = _Field("remote_ip", "Its IP address.")
    diagnostic_type: _Field[Optional[str]] = _Field(
        "diagnostic_type", 'Type of the diagnostic ("smtp", "x-unix"...).')
    diagnostic: _Field[Optional[str]] = _Field(
        "diagnostic", "The full diagnostic text the server gave, unfolded.")
    last_attempt_date: _Field[Optional[str]] = _Field("last_attempt_date", "Last-Attempt-Date.")
    will_retry_until: _Field[Optional[str]] = _Field("will_retry_until", "Will-Retry-Until.")
    reason: _Field[Optional[str]] = _Field(
        "reason", 'Why it failed, from the fixed vocabulary ("userunknown", "blocked"...).')
    permanent: _Field[bool] = _Field(
        "permanent", "True when the failure is permanent (not worth retrying as it is).", False)
    hard_bounce: _Field[bool] = _Field(
        "hard_bounce", "True when the address itself is bad and should be removed from lists.",
        False)
    fault: _Field[Optional[str]] = _Field(
        "fault", 'Whose side the cause is on: "recipient", "sender", "receiver", "transit".')
    format: _Field[Optional[str]] = _Field("format", "The decoder that produced this record.")
    rule: _Field[Optional[str]] = _Field("rule", "Id of the rule that decided the reason.")
    provider: _Field[Optional[str]] = _Field(
        "provider", 'The receiving provider ("Microsoft Outlook.com").')
    provider_code: _Field[Optional[str]] = _Field(
        "provider_code", 'The provider\'s own code ("SC-001", "TSS04").')
    server_tag: _Field[Optional[str]] = _Field(
        "server_tag", 'Tag of the answering server ("BAY004-MC1F7").')
    explanation: _Field[Optional[str]] = _Field("explanation", "What happened, in plain words.")
    feedback_type: _Field[Optional[str]] = _Field(
        "feedback_type", "ARF feedback type, for feedback reports.")
    decided_by: _Field[Optional[str]] = _Field(
        "decided_by", 'Which tier decided the reason ("provider rule", "phrase rule", '
        '"status code", "lexicon", "generic phrase", "reply code", "report", "none").')
    confidence: _Field[int] = _Field(
        "confidence", "How strongly the evidence supports the reason, 0 to 100.", 0)
    remedies: _Field[List[str]] = _Field("remedies", "What to do, most useful first.", [])
    references: _Field[List[str]] = _Field(
        "references", "Reference URLs (provider documentation, delisting forms).", [])
    extras: _Field[Dict[str, str]] = _Field(
        "extras", "Per-recipient extension fields (X-Actual-Recipient...).", {})

    def __init__(self, data: Dict[str, Any]) -> None:
        """Wrap one recipient object of the library's JSON (``evidence`` is
        taken out of it and kept apart)."""
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
    kind: _Field[str] = _Field("kind", "What kind of message was parsed.")
    format: _Field[Optional[str]] = _Field(
        "format", 'Decoder that read the report ("rfc3464", "postfix"...).')
    reporting_mta: _Field[Optional[str]] = _Field("reporting_mta", "Reporting-MTA.")
    arrival_date: _Field[Optional[str]] = _Field("arrival_date", "Arrival-Date.")
    received_from_mta: _Field[Optional[str]] = _Field("received_from_mta", "Received-From-MTA.")
    subject: _Field[Optional[str]] = _Field("subject", "Subject of the bounce itself.")
    from_: _Field[Optional[str]] = _Field("from", "From of the bounce itself (key \"from\").")
    date: _Field[Optional[str]] = _Field("date", "Date of the bounce itself.")
    original_message_id: _Field[Optional[str]] = _Field(
        "original_message_id", "Message-ID of the returned original message.")
    original_from: _Field[Optional[str]] = _Field("original_from", "From of the original.")
    original_to: _Field[Optional[str]] = _Field("original_to", "To of the original.")
    original_subject: _Field[Optional[str]] = _Field(
        "original_subject", "Subject of the original.")
    original_date: _Field[Optional[str]] = _Field("original_date", "Date of the original.")
    original_list_id: _Field[Optional[str]] = _Field(
        "original_list_id", "List-Id of the original.")
    feedback_type: _Field[Optional[str]] = _Field(
        "feedback_type", "ARF Feedback-Type (feedback reports).")
    user_agent: _Field[Optional[str]] = _Field("user_agent", "ARF User-Agent.")
    source_ip: _Field[Optional[str]] = _Field("source_ip", "ARF Source-IP.")
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
        """Wrap one report object decoded from the library's JSON."""
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
