"""Type stubs for the C extension bouncewhy._bouncewhy (see _bouncewhy.c).

The Literal types name the library's vocabularies for type checkers (import
them under ``typing.TYPE_CHECKING``; they do not exist at run time).
tests/schema-check.py checks that they match the library.
"""
import os
from typing import Any, Callable, Dict, Iterator, List, Literal, Optional, Sequence, Tuple, Union

_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_Buffer = Union[bytes, bytearray, memoryview]

# Why a delivery failed (rules/vocabulary/reasons.vocab).
Reason = Literal[
    "userunknown", "hostunknown", "hasmoved", "mailboxfull", "suspend", "exceedlimit",
    "mesgtoobig", "filtered", "rejected", "blocked", "badreputation", "requireptr",
    "authfailure", "speeding", "toomanyconn", "spamdetected", "virusdetected",
    "policyviolation", "contenterror", "notcompliantrfc", "securityerror", "failedstarttls",
    "norelaying", "notaccept", "networkerror", "expired", "systemerror", "systemfull",
    "mailererror", "syntaxerror", "suppressed", "onhold", "undefined", "vacation", "feedback",
    "delivered",
]
# What kind of message a record is about; "error" for a message that could
# not be read.
Kind = Literal[
    "bounce", "delay", "delivered", "feedback", "autoreply", "not-a-bounce", "reply", "error",
]
# Whose side the cause is on.
Fault = Literal["recipient", "sender", "receiver", "transit"]
# The SMTP stage a failure is tied to (lib/smtp.c).
Stage = Literal["CONN", "HELO", "MAIL", "RCPT", "DATA", "STARTTLS", "AUTH"]

LIBRARY_VERSION: str
JSON_SCHEMA_VERSION: int
REPORT_FIELDS: Tuple[str, ...]
RECIPIENT_FIELDS: Tuple[str, ...]
KINDS: Tuple[Kind, ...]
JSON_PRETTY: int
JSON_EVIDENCE: int
TEXT_EXPLAIN: int
BW_OK: int
BW_ERROR: int
BW_ENOMEM: int
BW_EINVALID: int
BW_EIO: int
BW_EPARSE: int
BW_ELIMIT: int
BW_ERULES: int
BW_ENOTFOUND: int

class Error(Exception):
    code: int
    code_name: str

class ParseError(Error, ValueError): ...
class LimitError(Error): ...
class RulesError(Error): ...
class ReadError(Error, OSError): ...
class InvalidInputError(Error, ValueError): ...
class NotFoundError(Error): ...
class OutOfMemoryError(Error, MemoryError): ...

class Rules:
    def __init__(
        self,
        path: Optional[_Path] = ...,
        overlays: Optional[Sequence[_Path]] = ...,
        *,
        match_limit: int = ...,
        depth_limit: int = ...,
        heap_limit_kib: int = ...,
        max_message_size: int = ...,
        max_mime_depth: int = ...,
        max_parts: int = ...,
        max_recipients: int = ...,
        max_line_length: int = ...,
    ) -> None: ...
    @property
    def count(self) -> int: ...
    @property
    def path(self) -> str: ...
    @property
    def max_message_size(self) -> int: ...
    def meta(self, key: str) -> str: ...
    # bw_rules_list / bw_rules_show / bw_rules_check: what `rules list`,
    # `rules show ID` and `rules check` print; check gives (ok, report)
    def listing(self) -> str: ...
    def show(self, id: str) -> str: ...
    def check(self) -> Tuple[bool, str]: ...
    # Reports come back as dicts equal to the library's JSON objects; with
    # text >= 0 (BW_TEXT_* bits) or json >= 0 (BW_JSON_* bits) these return
    # (dict, rendering) instead.
    def parse_buffer(self, data: _Buffer, source: Optional[str] = ..., flags: int = ...,
                     text: int = ..., json: int = ..., mbox_index: int = ...
                     ) -> Union[Dict[str, Any], Tuple[Dict[str, Any], str]]: ...
    def parse_file(self, path: _Path, source: Optional[str] = ..., flags: int = ...,
                   text: int = ..., json: int = ..., mbox_index: int = ...
                   ) -> Union[Dict[str, Any], Tuple[Dict[str, Any], str]]: ...
    def classify_reply(
        self,
        reply: str,
        remote_host: Optional[str] = ...,
        command: Optional[str] = ...,
        source: Optional[str] = ...,
        flags: int = ...,
        text: int = ...,
        json: int = ...,
        *,
        output: Optional["Output"] = ...,
    ) -> Union[Dict[str, Any], Tuple[Dict[str, Any], str]]: ...

class Output:
    """The library's framing of records (bw_output): "text", "json", "ndjson"."""
    def __init__(self, format: str, explain: bool = ...) -> None: ...
    def error(self, source: str, mbox_index: int, code: int, message: str) -> None: ...
    def finish(self) -> None: ...
    def take(self) -> bytes: ...

# (source, mbox_index, error_code, error, record, rendered); rendered is the
# item's framed bytes when the Scanner was given an Output
ScanItem = Tuple[str, int, int, str, Optional[Dict[str, Any]], Union[str, bytes, None]]

class Scanner(Iterator[ScanItem]):
    def __init__(
        self,
        rules: Rules,
        paths: Optional[Sequence[_Path]] = ...,
        *,
        fd: int = ...,
        source: Optional[str] = ...,
        head: _Buffer = ...,
        dicts: bool = ...,
        evidence: bool = ...,
        text: int = ...,
        json: int = ...,
        output: Optional[Output] = ...,
    ) -> None: ...
    def __iter__(self) -> "Scanner": ...
    def __next__(self) -> ScanItem: ...

class MboxReader:
    def __init__(self, fd: int, max_message_size: int = ..., head: _Buffer = ...) -> None: ...
    def read(self) -> Optional[bytes]: ...
    def close(self) -> None: ...

def mbox_detect(data: _Buffer) -> bool: ...
def error_code_name(code: int) -> str: ...
def error_json(source: Optional[str], code: int, message: str, flags: int = ...) -> str: ...
# bw_error_line: the CLI's line on standard error for an input it could not read
def error_line(source: _Path, mbox_index: int, message: str) -> bytes: ...
def ledger_check(command: Optional[str], n_operands: int, format: str) -> None: ...
def ledger_clock(text: str) -> int: ...
# the exception the module raises for a bw_error_code (not raised)
def make_error(code: int, message: str) -> Error: ...
# bw_rules_compile
def rules_compile(out_db: _Path, sources: Sequence[_Path]) -> None: ...

# The bounce ledger (_ledger.c); the Pythonic class is bouncewhy.Ledger.
BW_ELEDGER: int
LEDGER_SCHEMA_VERSION: int

class LedgerError(Error): ...

class LedgerHandle:
    def __init__(self, location: str, policy: Optional[str] = ..., rules: Optional[str] = ...,
                 now: int = ...) -> None: ...
    @property
    def backend(self) -> str: ...
    def close(self) -> None: ...
    def add_message(self, data: _Buffer, source: Optional[str] = ...) -> int: ...
    def add_file(self, path: str, source: Optional[str] = ...) -> int: ...
    def add_json(self, record: str) -> int: ...
    # bw_ledger_add_paths: `ledger add`; -> (messages, entries, unreadable,
    # [(source, message)...], error_count)
    def add_paths(self, paths: Sequence[_Path], *, ndjson_stdin: bool = ...,
                  rules: Optional[_Path] = ..., overlays: Optional[Sequence[_Path]] = ...,
                  max_message_size: int = ..., max_mime_depth: int = ..., max_parts: int = ...,
                  max_recipients: int = ..., out: Optional[Callable[[bytes], Any]] = ...,
                  err: Optional[Callable[[bytes], Any]] = ...,
                  progress: Optional[Callable[[int, int], Any]] = ...
                  ) -> Tuple[int, int, int, List[Tuple[str, str]], int]: ...
    def record(self, address: str, event: str = ..., time: int = ..., reason: Optional[str] = ...,
               fault: Optional[str] = ..., provider: Optional[str] = ...,
               provider_code: Optional[str] = ..., status: Optional[str] = ...,
               hard: Optional[bool] = ..., confidence: Optional[float] = ...,
               report_id: Optional[str] = ..., original_id: Optional[str] = ...,
               recipient: Optional[str] = ..., source: Optional[str] = ...) -> bool: ...
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def status(self, address: str, format: str = ...) -> str: ...
    def suppressed(self, format: str = ...) -> str: ...
    def alerts(self, format: str = ...) -> str: ...
    def stats(self, format: str = ...) -> str: ...
    def policy(self, format: str = ...) -> str: ...
    def state(self, address: str) -> Tuple[str, str]: ...
    def forget(self, address: str) -> None: ...
    def set_now(self, now: int) -> None: ...

# The mail log types (_log.c); the Pythonic functions are bouncewhy.read_log
# and bouncewhy.summarize.
class LogRules:
    def __init__(self, path: Optional[str] = ..., overlays: Optional[Sequence[str]] = ...) -> None: ...

class LogRun:
    """`bouncewhy log` as the library runs it (bw_log_run)."""
    def __init__(self) -> None: ...
    # bw_log_run_option: format, since, until, year, fail-on (InvalidInputError)
    def set(self, name: str, value: str) -> None: ...
    # -> (0 or the library's error code, fault_seen)
    def run(self, rules: LogRules, paths: Sequence[_Path], *, explain: bool = ...,
            follow: bool = ..., out: Optional[Callable[[bytes], Any]] = ...,
            err: Optional[Callable[[bytes], Any]] = ...,
            stop: Optional[Callable[[], bool]] = ...) -> Tuple[int, bool]: ...
