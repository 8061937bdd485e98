"""Printing diagnoses the way the bouncewhy CLI does (cli/output.c), so that
``python3 -m bouncewhy`` and ``bouncewhy`` print the same bytes.

JSON is written in the layout of cJSON, which the CLI uses: ``--format json``
is an array of objects printed by cJSON_Print (tab indentation, ``"key":\\t``,
arrays on one line), ``--format ndjson`` one cJSON_PrintUnformatted object per
line.  Messages inside an mbox carry ``"mbox_index":N`` spliced in right
after the opening brace, as the CLI does.
"""
from __future__ import annotations

import json
from typing import IO, Any, Dict

from ._model import Diagnosis

__all__ = ["Printer", "cjson_print"]

_HEADLINES = {
    "userunknown": "the address does not exist",
    "hostunknown": "the domain does not exist or cannot receive mail",
    "hasmoved": "the person has moved to another address",
    "mailboxfull": "the mailbox is full",
    "suspend": "the mailbox is disabled or suspended",
    "exceedlimit": "the message is larger than this mailbox accepts",
    "mesgtoobig": "the message is larger than the receiving server accepts",
    "filtered": "the recipient's filters refused the message",
    "rejected": "the receiving server refused the sender address",
    "blocked": "the receiving server refuses mail from the sending server's IP address",
    "badreputation": "the sending IP or domain has a poor reputation there",
    "requireptr": "the sending server's IP has no proper reverse DNS name",
    "authfailure": "SPF, DKIM or DMARC checks failed",
    "speeding": "the sender is sending too fast for this provider",
    "toomanyconn": "too many connections or recipients at once",
    "spamdetected": "the message was judged to be spam",
    "virusdetected": "the message carried malware",
    "policyviolation": "the message breaks the receiver's policy",
    "contenterror": "the message content was not accepted",
    "notcompliantrfc": "the message is not properly formatted",
    "securityerror": "a security or authentication requirement was not met",
    "failedstarttls": "an encrypted connection could not be set up",
    "norelaying": "the server refused to relay the message",
    "notaccept": "the destination does not accept mail",
    "networkerror": "the receiving server could not be reached",
    "expired": "the sending server gave up after retrying for too long",
    "systemerror": "the receiving system had an error",
    "systemfull": "the receiving system is out of space",
    "mailererror": "the local delivery program failed",
    "syntaxerror": "a command in the mail conversation was refused",
    "suppressed": "the sending service skipped this address (suppression list)",
    "onhold": "it failed, but the bounce does not say clearly why",
    "undefined": "the bounce does not say enough to tell",
    "vacation": "an automatic reply (out of office), not a failure",
    "feedback": "a spam complaint or feedback report about your message",
    "delivered": "the message was delivered",
}


def _wrap(first: str, rest: str, text: str, width: int = 78) -> str:
    """The CLI's word wrap (cli/output.c: wrap): `first` before the first
    line, `rest` before the others; words longer than a line stay whole.
    Widths count bytes, as the C code does."""
    out = [first]
    col = len(first.encode("utf-8"))
    line_start = True
    for word in [w for w in text.split(" ") if w]:
        n = len(word.encode("utf-8"))
        if not line_start and col + 1 + n > width:
            out.append("\n" + rest)
            col = len(rest.encode("utf-8"))
            line_start = True
        if not line_start:
            out.append(" ")
            col += 1
        out.append(word)
        col += n
        line_start = False
    out.append("\n")
    return "".join(out)


def _scalar(v: Any) -> str:
    # json.dumps escapes strings exactly as cJSON does with ensure_ascii off:
    # \" \\ \b \f \n \r \t, other control characters as \u00xx.
    return json.dumps(v, ensure_ascii=False)


def cjson_print(value: Any, depth: int = 0) -> str:
    """`value` formatted as cJSON_Print() formats it."""
    if isinstance(value, dict):
        out = ["{\n"]
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            out.append("\t" * (depth + 1))
            out.append(_scalar(k))
            out.append(":\t")
            out.append(cjson_print(v, depth + 1))
            if i + 1 < len(items):
                out.append(",")
            out.append("\n")
        out.append("\t" * depth + "}")
        return "".join(out)
    if isinstance(value, list):
        return "[" + ", ".join(cjson_print(v, depth + 1) for v in value) + "]"
    return _scalar(value)


def _cjson_compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Printer:
    """Writes diagnoses to a binary stream in the CLI's text, json or ndjson
    format.  Call :meth:`begin`, then :meth:`put` per diagnosis, then
    :meth:`end`."""

    def __init__(self, out: IO[bytes], fmt: str = "text", explain: bool = False) -> None:
        if fmt not in ("text", "json", "ndjson"):
            raise ValueError("format must be text, json or ndjson")
        self.out = out
        self.fmt = fmt
        self.explain = explain
        self._first = True
        self.messages = 0
        self.errors = 0

    def _w(self, s: str) -> None:
        self.out.write(s.encode("utf-8", "surrogateescape"))

    def begin(self) -> None:
        if self.fmt == "json":
            self._w("[\n")
            self._first = True

    def end(self) -> None:
        if self.fmt == "json":
            self._w("]\n" if self._first else "\n]\n")
        self.out.flush()

    def put(self, d: Diagnosis) -> None:
        self.messages += 1
        if not d.ok:
            self.errors += 1
        if self.fmt == "text":
            self._w(self._text(d))
            return
        obj: Dict[str, Any] = d.to_dict(evidence=self.explain and d.ok)
        index = obj.pop("mbox_index", None)
        text = cjson_print(obj) if self.fmt == "json" else _cjson_compact(obj)
        if self.fmt == "json":
            if not self._first:
                self._w(",\n")
            self._first = False
        if index is not None:
            text = '{"mbox_index":%d,%s' % (index, text[1:])
        self._w(text)
        if self.fmt == "ndjson":
            self._w("\n")

    def _text(self, d: Diagnosis) -> str:
        source = d.source if d.source is not None else "-"
        if not d.ok:
            if d.mbox_index is not None:
                return "%s (message %d): error: %s\n\n" % (source, d.mbox_index + 1, d.error)
            return "%s: error: %s\n\n" % (source, d.error)
        rcpts = d.recipients
        n = len(rcpts)
        if d.mbox_index is not None:
            lines = ["%s (message %d): %s" % (source, d.mbox_index + 1, d.kind)]
        else:
            lines = ["%s: %s" % (source, d.kind)]
        if d.format:
            lines.append(" (read as %s)" % d.format)
        lines.append(", %d recipient%s\n" % (n, "" if n == 1 else "s"))
        for r in rcpts:
            reason = r.reason or ""
            lines.append("\n  %s: %s.\n" % (r.recipient or ("this reply" if d.kind == "reply" else "(address unknown)"),
                                            _HEADLINES.get(reason, "unknown")))
            lines.append("    reason %s, %s" % (reason, "permanent" if r.permanent else "temporary"))
            if r.fault:
                lines.append(", cause on the %s side" % r.fault)
            if r.hard_bounce:
                lines.append(": remove this address from your lists")
            elif reason not in ("vacation", "feedback", "delivered"):
                lines.append(": keep the address")
            lines.append("\n")
            if r.provider or r.provider_code:
                lines.append("    provider %s" % (r.provider or "unknown"))
                if r.provider_code:
                    lines.append(", code %s" % r.provider_code)
                if r.server_tag:
                    lines.append(", answering server %s" % r.server_tag)
                lines.append("\n")
            if r.explanation:
                lines.append(_wrap("    ", "    ", r.explanation))
            if r.diagnostic:
                said = "The server said: %s" % r.diagnostic
                host, ip = r.remote_mta, r.remote_ip
                if host and ip:
                    said += " (host %s, %s)" % (host, ip)
                elif host or ip:
                    said += " (host %s)" % (host or ip)
                lines.append(_wrap("    ", "      ", said))
            for k, remedy in enumerate(r.remedies):
                if k == 0:
                    lines.append("    What to do:\n")
                lines.append(_wrap("    %d. " % (k + 1), "       ", remedy))
            for ref in r.references:
                lines.append("    See: %s\n" % ref)
            if self.explain:
                if r.rule:
                    lines.append("    rule: %s\n" % r.rule)
                for k, ev in enumerate(r.evidence):
                    lines.append("    evidence %d: %s\n" % (k + 1, ev))
        if self.explain:
            for w in d.warnings:
                lines.append("  warning: %s\n" % w)
        lines.append("\n")
        return "".join(lines)
