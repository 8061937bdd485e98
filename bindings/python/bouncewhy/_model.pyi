"""Types of the result objects (_model.py) for type checkers.

At run time the string attributes are made from the library's field names
(``_bouncewhy.REPORT_FIELDS``, ``RECIPIENT_FIELDS``); this stub names them
with their types, and the Python tests check that it names exactly the
attributes the classes have.
"""
from typing import Any, Dict, Iterator, List, Optional

from ._bouncewhy import Fault, Kind, Reason, Stage

__all__ = ["Diagnosis", "Recipient"]


class Recipient:
    """What happened to one recipient of a bounce, and what to do about it."""
    #: The failed address, normalised.
    recipient: Optional[str]
    #: Original-Recipient, when the report gives it.
    original_recipient: Optional[str]
    #: failed, delayed, delivered, relayed or expanded.
    action: Optional[str]
    #: RFC 3463 status code, such as "5.1.1".
    status: Optional[str]
    #: RFC 5321 reply code, such as "550".
    reply_code: Optional[str]
    #: The SMTP command that failed (CONN, HELO, MAIL, RCPT, DATA...).
    smtp_command: Optional[Stage]
    #: The host that answered.
    remote_mta: Optional[str]
    #: Its IP address.
    remote_ip: Optional[str]
    #: Type of the diagnostic ("smtp", "x-unix"...).
    diagnostic_type: Optional[str]
    #: The full diagnostic text the server gave, unfolded.
    diagnostic: Optional[str]
    #: Last-Attempt-Date.
    last_attempt_date: Optional[str]
    #: Will-Retry-Until.
    will_retry_until: Optional[str]
    #: Why it failed, from the fixed vocabulary ("userunknown", "blocked"...).
    reason: Optional[Reason]
    #: True when the failure is permanent (not worth retrying as it is).
    permanent: bool
    #: True when the address itself is bad and should be removed from lists.
    hard_bounce: bool
    #: Whose side the cause is on: "recipient", "sender", "receiver", "transit".
    fault: Optional[Fault]
    #: The decoder that produced this record.
    format: Optional[str]
    #: Id of the rule that decided the reason.
    rule: Optional[str]
    #: The receiving provider's name ("Microsoft Outlook.com").
    provider: Optional[str]
    #: The receiving provider's stable id ("microsoft"); set when provider is.
    provider_id: Optional[str]
    #: The provider's own code ("SC-001", "TSS04").
    provider_code: Optional[str]
    #: Tag of the answering server ("BAY004-MC1F7").
    server_tag: Optional[str]
    #: What happened, in plain words.
    explanation: Optional[str]
    #: ARF feedback type, for feedback reports.
    feedback_type: Optional[str]
    #: Which tier decided the reason ("provider rule", "phrase rule", "status code", "lexicon", "generic phrase", "reply code", "report", "none").
    decided_by: Optional[str]
    #: How strongly the evidence supports the reason, 0 to 100.
    confidence: int
    #: What to do, most useful first.
    remedies: List[str]
    #: Reference URLs (provider documentation, delisting forms).
    references: List[str]
    #: Per-recipient extension fields (X-Actual-Recipient...).
    extras: Dict[str, str]
    def __init__(self, data: Dict[str, Any]) -> None: ...
    @property
    def evidence(self) -> List[str]: ...
    def __getattr__(self, name: str) -> Any: ...
    def to_dict(self, evidence: bool = ...) -> Dict[str, Any]: ...
    def to_json(self, pretty: bool = ..., evidence: bool = ...) -> str: ...
    def __eq__(self, other: object) -> bool: ...

class Diagnosis:
    """The diagnosis of one message and its recipients."""
    #: Where the message came from (a path), when known.
    source: Optional[str]
    #: Position of the message in its mbox file (0-based), or None.
    mbox_index: Optional[int]
    #: The version of the record's layout (doc/record.schema.json).
    schema_version: int
    #: What kind of message was parsed.
    kind: Kind
    #: Decoder that read the report ("rfc3464", "postfix"...).
    format: Optional[str]
    #: Reporting-MTA.
    reporting_mta: Optional[str]
    #: Arrival-Date.
    arrival_date: Optional[str]
    #: Received-From-MTA.
    received_from_mta: Optional[str]
    #: Subject of the bounce itself.
    subject: Optional[str]
    #: From of the bounce itself (key "from").
    from_: Optional[str]
    #: Date of the bounce itself.
    date: Optional[str]
    #: Message-ID of the returned original message.
    original_message_id: Optional[str]
    #: From of the original.
    original_from: Optional[str]
    #: To of the original.
    original_to: Optional[str]
    #: Subject of the original.
    original_subject: Optional[str]
    #: Date of the original.
    original_date: Optional[str]
    #: List-Id of the original.
    original_list_id: Optional[str]
    #: ARF Feedback-Type (feedback reports).
    feedback_type: Optional[str]
    #: ARF User-Agent.
    user_agent: Optional[str]
    #: ARF Source-IP.
    source_ip: Optional[str]
    #: The list subscriber a VERP return address of the notice names (whose
    #: subscription the notice concerns, also when the failed address is a
    #: forwarding target).
    subscriber: Optional[str]
    #: Headers kept from the returned original message (Message-ID, From, To, Subject, Date, List-Id and all X- headers).
    original_headers: Dict[str, str]
    #: Per-message extension fields (X-Postfix-Queue-ID...).
    extras: Dict[str, str]
    #: Things that were tolerated while parsing.
    warnings: List[str]
    #: Why the message could not be read (kind "error" only).
    error: Optional[str]
    #: The error code name, such as "BW_EPARSE" (kind "error" only).
    error_code: Optional[str]
    def __init__(self, data: Dict[str, Any]) -> None: ...
    @property
    def recipients(self) -> List[Recipient]: ...
    @property
    def ok(self) -> bool: ...
    def __getattr__(self, name: str) -> Any: ...
    def to_dict(self, evidence: bool = ...) -> Dict[str, Any]: ...
    def to_json(self, pretty: bool = ..., evidence: bool = ...) -> str: ...
    def __eq__(self, other: object) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Recipient]: ...
