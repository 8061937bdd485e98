"""bouncewhy.Ledger: the bounce ledger and suppression policy of
include/bouncewhy-ledger.h, with the operations of `bouncewhy ledger`.

    ledger = bouncewhy.Ledger("/var/lib/list/bounces.db")   # or "postgresql://..."
    ledger.add("/home/list/Maildir/.bounces")                # files, mbox, Maildir, NDJSON
    for row in ledger.suppressed():
        unsubscribe(row["address"])

A Ledger is one database connection: use it from one thread at a time (open
one per thread or process; several processes may write to one ledger).
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _bouncewhy as _c

__all__ = ["Ledger", "AddResult"]

StrPath = Union[str, "os.PathLike[str]"]


class AddResult:
    """What Ledger.add() did: messages read, entries recorded (new ones;
    bounces already in the ledger count once), unreadable inputs and their
    (source, error) pairs."""

    def __init__(self) -> None:
        self.messages = 0
        self.entries = 0
        self.unreadable = 0
        self.errors: List[Tuple[str, str]] = []

    def __repr__(self) -> str:
        return "AddResult(messages=%d, entries=%d, unreadable=%d)" % (
            self.messages, self.entries, self.unreadable)


class Ledger:
    """Ledger(location, policy=None, rules=None, now=None)

    `location`: a SQLite file (created when missing) or a "postgresql://"
    URI.  `policy`: a policy file (default: $BOUNCEWHY_LEDGER_POLICY, else
    the built-in policy).  `rules`: the rule database used to read bounces
    (default: the library's).  `now`: the clock in seconds since the epoch
    (replays and tests; default: the real clock).  Raises LedgerError when
    the database cannot be opened or has a newer schema.
    """

    def __init__(self, location: StrPath, policy: Optional[StrPath] = None,
                 rules: Optional[StrPath] = None, now: Optional[int] = None) -> None:
        if rules is None:
            from . import _default_rules_path
            rules = _default_rules_path()
        self._h = _c.LedgerHandle(os.fsdecode(location),
                                  os.fsdecode(policy) if policy is not None else None,
                                  os.fsdecode(rules) if rules is not None else None,
                                  int(now or 0))

    # -- life cycle -----------------------------------------------------
    def close(self) -> None:
        self._h.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql"."""
        return self._h.backend

    def set_now(self, now: Optional[int]) -> None:
        """Moves the clock (None: the real clock)."""
        self._h.set_now(int(now or 0))

    # -- recording ------------------------------------------------------
    def add(self, *paths: StrPath, ndjson_stdin: bool = False) -> AddResult:
        """Records the diagnoses of bounces: files, mbox files, directories
        and Maildirs (read as `bouncewhy` reads them), and files of NDJSON
        records printed by `bouncewhy --format ndjson` (recognised by their
        first non-blank byte, '{'); "-" is standard input (NDJSON records
        with `ndjson_stdin`).  Feeding the same bounce again records nothing
        new.  Batches of 500 messages are committed as they go.  Inputs that
        cannot be read are counted in ``unreadable`` and listed in
        ``errors``.  This is `bouncewhy ledger add` (the library's
        bw_ledger_add_paths).

        :raises RulesError: mail was given and the rules could not be loaded.
        :raises LedgerError: the ledger failed (the open batch is rolled back).
        """
        res = AddResult()
        res.messages, res.entries, res.unreadable, res.errors, _ = self._h.add_paths(
            [os.fsdecode(p) for p in paths], ndjson_stdin=ndjson_stdin)
        return res

    def add_diagnosis(self, diagnosis: Any) -> int:
        """Records a Diagnosis from Classifier.parse()/scan(); returns the
        number of new entries.  (Its JSON has no envelope headers: VERP is
        not used, as with NDJSON.)"""
        return self._h.add_json(diagnosis.to_json())

    def record(self, address: str, event: str = "bounce", *, time: Optional[int] = None,
               reason: Optional[str] = None, fault: Optional[str] = None,
               provider: Optional[str] = None, provider_code: Optional[str] = None,
               status: Optional[str] = None, hard: Optional[bool] = None,
               confidence: Optional[float] = None, report_id: Optional[str] = None,
               original_id: Optional[str] = None, recipient: Optional[str] = None,
               source: Optional[str] = None) -> bool:
        """Records one diagnosis given by the caller; `event` is "bounce",
        "delay", "success" (a delivery: ends a run of soft bounces) or
        "complaint".  Returns False for a duplicate (same report_id,
        original_id, recipient and event)."""
        return self._h.record(address, event, int(time or 0), reason, fault, provider,
                              provider_code, status, hard, confidence, report_id,
                              original_id, recipient, source)

    def record_success(self, address: str, time: Optional[int] = None,
                       message_id: Optional[str] = None) -> bool:
        """Records a successful delivery to `address`."""
        return self.record(address, "success", time=time, original_id=message_id,
                           recipient=address if message_id else None)

    def forget(self, address: str) -> None:
        """Forgets an address's history (re-subscribed): it is active
        again.  NotFoundError when the ledger does not know it."""
        self._h.forget(address)

    # -- asking ---------------------------------------------------------
    def state(self, address: str) -> str:
        """"active", "suppressed", "unsubscribed" or "held"."""
        return self._h.state(address)[0]

    def status(self, address: str) -> Dict[str, Any]:
        """The address's state, rule, changes and entries (as `ledger status
        --format json`)."""
        return json.loads(self._h.status(address, "json"))

    def suppressed(self) -> List[Dict[str, Any]]:
        """The addresses to stop sending to, with state, rule, since, reason."""
        return json.loads(self._h.suppressed("json"))

    def suppressed_text(self, format: str = "text") -> str:
        """The same list as `ledger suppressed --format FORMAT` prints it
        ("text", "csv", "json" or "postfix")."""
        return self._h.suppressed(format)

    def alerts(self) -> Dict[str, Any]:
        """{"sender": [...per provider and reason...], "outages": [...per domain...]}"""
        return json.loads(self._h.alerts("json"))

    def stats(self) -> Dict[str, Any]:
        """Counts by state, event, reason, fault, provider, domain and day."""
        return json.loads(self._h.stats("json"))

    def policy(self) -> Dict[str, Any]:
        """The effective policy (and "source", the file it came from)."""
        return json.loads(self._h.policy("json"))

    def policy_text(self) -> str:
        """The effective policy as a commented policy file."""
        return self._h.policy("text")

    def __repr__(self) -> str:
        return "<bouncewhy.Ledger %s>" % self.backend
