"""``python3 -m bouncewhy [OPTION]... [FILE|DIR|-]...`` and ``python3 -m
bouncewhy explain [OPTION]... REPLY...|-``: the bouncewhy command's main mode
and its explain command, in Python.  Same options, output and exit status as
the C CLI: 0 every input was read, 1 some input could not be read or parsed
(an error record was printed for it), 2 bad usage, 3 the rules could not be
loaded, 4 the output could not be written.

Reading, parsing, rendering and framing are the C library's: its scanner
(bw_scan) walks the operands and its output (bw_output, through
_bouncewhy.Output) frames every record as the CLI prints it (the JSON
array, NDJSON lines, text and error records); this module writes those
bytes, the error lines on standard error and the progress line.
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import IO, Iterable, Iterator, List, Optional, Tuple

from . import Classifier, Error, __version__
from . import _bouncewhy as _c

EXIT_INPUT_ERRORS = 1
EXIT_USAGE = 2
EXIT_RULES = 3
EXIT_OUTPUT = 4


def _size(text: str) -> int:
    """A positive size such as 10M (k, M, G suffixes), as the CLI reads it."""
    mult = 1
    if text[-1:] in ("k", "K", "m", "M", "g", "G"):
        mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[text[-1].lower()]
        text = text[:-1]
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError("wants a positive size such as 10M")
    return int(text) * mult


def _count(text: str) -> int:
    n = _size(text)
    if n > 100000000:
        raise argparse.ArgumentTypeError("wants a positive number")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m bouncewhy",
        description="Read bounced email and say, for every recipient, what failed, why, "
                    "and what to do about it.  FILE may be one message or an mbox file "
                    "(detected by its content); DIR is read recursively (Maildir or plain; "
                    "files named *.json, *.tsv and *.md are skipped there); - or no operand "
                    "reads standard input.")
    p.add_argument("inputs", nargs="*", metavar="FILE|DIR|-")
    p.add_argument("-f", "--format", choices=("text", "json", "ndjson"), default="text",
                   help="text (default), json (one pretty array) or ndjson (one object per "
                        "message, with \"source\")")
    p.add_argument("-e", "--explain", action="store_true",
                   help="show the rule and the evidence behind each verdict")
    p.add_argument("-r", "--rules", metavar="PATH",
                   help="rule database to use (default: $BOUNCEWHY_RULES, the package's "
                        "rules.db, or the installed one)")
    p.add_argument("-o", "--rules-overlay", metavar="FILE", action="append", default=[],
                   help="site rules (.rules or .db) on top; repeatable; later ones win")
    p.add_argument("--max-size", type=_size, default=0, metavar="BYTES",
                   help="largest message accepted (default 64 MiB)")
    p.add_argument("--max-depth", type=_count, default=0, metavar="N",
                   help="deepest MIME nesting read (default 32)")
    p.add_argument("--max-parts", type=_count, default=0, metavar="N",
                   help="most MIME parts read (default 2000)")
    p.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="progress on stderr (default: when stderr is a terminal)")
    p.add_argument("--no-progress", dest="progress", action="store_false")
    p.add_argument("--max-recipients", type=_count, default=0, metavar="N",
                   help="most recipients kept per message (default 10000)")
    p.add_argument("-V", "--version", action="version", version="bouncewhy %s" % __version__)
    return p


def _escaped(s: str) -> bytes:
    """A file name or message as one line: control characters and bytes
    that are not UTF-8 as \\xHH (as cli/output.c writes them)."""
    b = s.encode("utf-8", "surrogateescape")
    out = bytearray()
    for i, c in enumerate(b):
        nxt = b[i + 1] if i + 1 < len(b) else 0
        if (c < 0x20 or c == 0x7F or (c == 0xC2 and 0x80 <= nxt <= 0x9F)
                or 0x80 <= c < 0xC2 or c > 0xF4):
            out += b"\\x%02x" % c
        else:
            out.append(c)
    return bytes(out)


# An item to print: (source, mbox_index, error code, error message, the
# bytes the library framed for it).
_Item = Tuple[str, int, int, str, bytes]


class _Printer:
    """Writes what the library framed (an Output) to standard output; error
    lines on standard error; counts; the progress line."""

    def __init__(self, out: IO[bytes], output: "_c.Output", progress: bool = False) -> None:
        self.out = out
        self.output = output
        self.messages = 0
        self.errors = 0
        self.progress = progress
        self._shown = 0.0

    def _progress(self) -> None:
        """The CLI's progress line, at most every 0.2 s."""
        now = time.monotonic()
        if self.progress and now - self._shown >= 0.2:
            self._shown = now
            sys.stderr.write("\rbouncewhy: %d messages, %d errors" % (self.messages, self.errors))
            sys.stderr.flush()

    def done(self) -> None:
        if self.progress and self.messages:
            sys.stderr.write("\rbouncewhy: %d messages, %d errors\n" % (self.messages, self.errors))
            sys.stderr.flush()

    def begin(self) -> None:
        self.out.write(self.output.take())

    def end(self) -> None:
        self.output.finish()
        self.out.write(self.output.take())
        self.out.flush()

    def put(self, item: _Item) -> None:
        source, index, code, message, framed = item
        self.messages += 1
        if code != _c.BW_OK:
            self.errors += 1
            where = b" (mbox_index %d)" % index if index >= 0 else b""
            sys.stderr.buffer.write((b"\n" if self.progress else b"") + b"bouncewhy: "
                                    + _escaped(source) + where + b": "
                                    + message.encode("utf-8", "surrogateescape") + b"\n")
            sys.stderr.flush()
        self.out.write(framed)
        self._progress()


def _print_all(output: "_c.Output", items: Iterable[_Item], progress: bool = False) -> int:
    """Print each item as the CLI does; returns the exit status."""
    printer = _Printer(sys.stdout.buffer, output, progress)
    try:
        printer.begin()
        for item in items:
            printer.put(item)
        printer.end()
    except OSError as e:
        if isinstance(e, BrokenPipeError):
            raise
        print("bouncewhy: cannot write the output", file=sys.stderr)
        return EXIT_OUTPUT
    finally:
        printer.done()
    return EXIT_INPUT_ERRORS if printer.errors else 0


def build_explain_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m bouncewhy explain",
        description="Classifies an SMTP reply (\"550 5.7.26 ...\"), a provider code "
                    "(\"SC-001\") or a Postfix/Exim/Sendmail log line as a mail server sees "
                    "it at SMTP time.  Several REPLY words are one reply; - reads one reply "
                    "or log line per input line.")
    p.add_argument("reply", nargs="+", metavar="REPLY|-")
    p.add_argument("-H", "--host", help="the host that answered (picks the provider)")
    p.add_argument("-c", "--command", help="the SMTP command it answered (MAIL, RCPT, DATA...)")
    p.add_argument("-f", "--format", choices=("text", "json", "ndjson"), default="text",
                   help="text (default), json or ndjson")
    p.add_argument("-e", "--explain", action="store_true",
                   help="show the rule and the evidence")
    p.add_argument("-r", "--rules", metavar="PATH", help="rule database to use")
    p.add_argument("-o", "--rules-overlay", metavar="FILE", action="append", default=[],
                   help="site rules (.rules or .db) on top; repeatable; later ones win")
    return p


def explain_main(argv: List[str]) -> int:
    """``explain``: one diagnosis per reply (or per input line with -)."""
    args = build_explain_parser().parse_args(argv)
    try:
        classifier = Classifier(args.rules, args.rules_overlay or None)
    except Error as e:
        print("bouncewhy: cannot load the rules: %s" % e, file=sys.stderr)
        return EXIT_RULES
    if args.reply == ["-"]:
        # as the CLI reads them: lines split at LF, CR and LF at their ends
        # dropped, empty lines skipped
        lines = (raw.rstrip(b"\r\n") for raw in sys.stdin.buffer.read().split(b"\n"))
        replies = [line.decode("utf-8", "surrogateescape") for line in lines if line]
    else:
        replies = [" ".join(args.reply)]
    output = _c.Output(args.format, args.explain)

    def items() -> Iterator[_Item]:
        for reply in replies:
            code, message = classifier._explain_into(reply, args.host, args.command, output)
            yield "reply", -1, code, message, output.take()
    return _print_all(output, items())


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command; returns the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["explain"]:
        return explain_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        classifier = Classifier(
            args.rules, args.rules_overlay or None,
            max_message_size=args.max_size, max_mime_depth=args.max_depth,
            max_parts=args.max_parts, max_recipients=args.max_recipients)
    except Error as e:
        print("bouncewhy: cannot load the rules: %s" % e, file=sys.stderr)
        return EXIT_RULES
    output = _c.Output(args.format, args.explain)

    def items() -> Iterator[_Item]:
        for operand in args.inputs or ["-"]:
            for source, index, code, message, _, framed in classifier._scanner(operand, output):
                yield source, index, code, message, framed
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    return _print_all(output, items(), progress)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(1)
