"""Printing diagnoses the way the bouncewhy CLI does (cli/output.c), so that
``python3 -m bouncewhy`` and ``bouncewhy`` print the same bytes.

Text is rendered by the library itself (bw_report_to_text, the renderer the
CLI uses): the Printer is handed that text with each diagnosis.

JSON is written in the layout of cJSON, which the CLI uses: ``--format json``
is an array of objects printed by cJSON_Print (tab indentation, ``"key":\\t``,
arrays on one line), ``--format ndjson`` one cJSON_PrintUnformatted object per
line.  Messages inside an mbox carry ``"mbox_index":N`` spliced in right
after the opening brace, as the CLI does.
"""
from __future__ import annotations

import json
from typing import IO, Any, Dict, Optional

from ._model import Diagnosis

__all__ = ["Printer", "cjson_print"]

def _escaped(s: str) -> str:
    """Control characters (C0, DEL, C1) as \\xHH of their UTF-8 bytes, as
    the CLI writes error lines (cli/output.c)."""
    out = []
    for ch in s:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F:
            out.append("".join("\\x%02x" % b for b in ch.encode("utf-8")))
        else:
            out.append(ch)
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

    def put(self, d: Diagnosis, text: Optional[str] = None) -> None:
        """Print one diagnosis.  In text format `text` is the library's
        rendering of it (:meth:`Classifier._scan_rendered`); error records
        need none."""
        self.messages += 1
        if not d.ok:
            self.errors += 1
        if self.fmt == "text":
            self._w(self._text(d, text))
            return
        obj: Dict[str, Any] = d.to_dict(evidence=self.explain and d.ok)
        index = obj.pop("mbox_index", None)
        out = cjson_print(obj) if self.fmt == "json" else _cjson_compact(obj)
        if self.fmt == "json":
            if not self._first:
                self._w(",\n")
            self._first = False
        if index is not None:
            out = '{"mbox_index":%d,%s' % (index, out[1:])
        self._w(out)
        if self.fmt == "ndjson":
            self._w("\n")

    @staticmethod
    def _text(d: Diagnosis, text: Optional[str]) -> str:
        source = d.source if d.source is not None else "-"
        if not d.ok:
            if d.mbox_index is not None:
                return "%s (mbox_index %d): error: %s\n\n" % (
                    _escaped(source), d.mbox_index, _escaped(d.error or ""))
            return "%s: error: %s\n\n" % (_escaped(source), _escaped(d.error or ""))
        if text is None:
            raise ValueError("text output needs the library's rendering of the diagnosis")
        return text
