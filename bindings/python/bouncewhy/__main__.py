"""``python3 -m bouncewhy``: the bouncewhy command in Python, with its main
mode ``[OPTION]... [FILE|DIR|-]...`` and its subcommands ``explain``,
``log``, ``rules`` and ``ledger``.  Same options, output (standard output
and standard error) and exit status as the C CLI: 0 every input was read,
1 some input could not be read or parsed (an error record was printed for
it), 2 bad usage, 3 the rules could not be loaded, 4 the output could not
be written (`ledger`: the ledger failed).  Only the help and usage texts
are argparse's own.

Everything but argv is the C library's: its scanner (bw_scan) walks the
operands and its output (bw_output, through _bouncewhy.Output) frames every
record; the error lines are bw_error_line()'s; `log` is bw_log_run(), `ledger
add` bw_ledger_add_paths(), `rules list|show|check|compile` bw_rules_list(),
bw_rules_show(), bw_rules_check() and bw_rules_compile().  This module
parses argv, writes those bytes and maps outcomes to exit statuses.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import IO, Any, Callable, Iterable, Iterator, List, Optional, Sequence, Tuple

from . import Classifier, Error, __version__, _default_rules_path
from . import _bouncewhy as _c
from ._log import _rules as _log_rules

EXIT_INPUT_ERRORS = 1
EXIT_USAGE = 2
EXIT_RULES = 3
EXIT_OUTPUT = 4
EXIT_LEDGER = 4


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
    p.add_argument("-l", "--ledger", metavar="FILE|URI",
                   help="the bounce ledger of `ledger` (default: $BOUNCEWHY_LEDGER)")
    p.add_argument("-V", "--version", action="version", version="bouncewhy %s" % __version__)
    return p


def _write_to(stream: IO[bytes]) -> Callable[[bytes], None]:
    """A writer of the library's bytes that flushes each time (followed
    logs, lines on standard error)."""
    def write(data: bytes) -> None:
        stream.write(data)
        stream.flush()
    return write


def _put_err(text: str) -> None:
    """A line of ours on standard error, its bytes as the library's."""
    sys.stderr.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stderr.flush()


class _Progress:
    """The CLI's progress line on standard error, at most every 0.2 s."""

    def __init__(self, on: bool) -> None:
        self.on = on
        self._shown = 0.0

    def show(self, messages: int, errors: int) -> None:
        now = time.monotonic()
        if self.on and now - self._shown >= 0.2:
            self._shown = now
            sys.stderr.write("\rbouncewhy: %d messages, %d errors" % (messages, errors))
            sys.stderr.flush()

    def done(self, messages: int, errors: int) -> None:
        if self.on and messages:
            sys.stderr.write("\rbouncewhy: %d messages, %d errors\n" % (messages, errors))
            sys.stderr.flush()


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
        self._line = _Progress(progress)

    def done(self) -> None:
        self._line.done(self.messages, self.errors)

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
            sys.stderr.buffer.write((b"\n" if self.progress else b"")
                                    + _c.error_line(source, index, message))
            sys.stderr.flush()
        self.out.write(framed)
        self._line.show(self.messages, self.errors)


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


def explain_main(argv: List[str], g: Optional[argparse.Namespace] = None) -> int:
    """``explain``: one diagnosis per reply (or per input line with -)."""
    args = build_explain_parser().parse_args(argv)
    rules = args.rules or (g.rules if g else None)
    overlays = (g.rules_overlay if g else []) + args.rules_overlay
    try:
        classifier = Classifier(rules, overlays or None)
    except Error as e:
        _put_err("bouncewhy: cannot load the rules: %s\n" % e)
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


class _InOrder(argparse.Action):
    """Keeps (name, value) of the options whose values the library checks,
    in the order given: the first bad one is told, as the CLI's getopt
    loop does."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: Optional[str] = None) -> None:
        seen = list(getattr(namespace, self.dest, None) or [])
        seen.append((self.const, values))
        setattr(namespace, self.dest, seen)


def build_log_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m bouncewhy log",
        description="Reads a mail server's log (Postfix, Exim main log, Sendmail, OpenSMTPD; "
                    "plain or .gz; - or no operand: standard input), diagnoses every failed "
                    "delivery attempt and summarises the problems for a person: grouped by "
                    "provider, reason and provider code, sender-side problems first.")
    p.add_argument("files", nargs="*", metavar="FILE|-")
    p.add_argument("-f", "--format", dest="opts", action=_InOrder, const="format", metavar="FMT",
                   help="text (default: the summary), json (the summary as data) or ndjson "
                        "(one record per delivery attempt)")
    p.add_argument("-F", "--follow", action="store_true",
                   help="keep reading the last FILE as it grows, through log rotation; stop "
                        "with Ctrl-C or SIGTERM, which prints the summary")
    p.add_argument("--since", dest="opts", action=_InOrder, const="since", metavar="TIME",
                   help="only attempts at or after TIME (2026-12-01, \"2026-12-01 09:30[:00]\", "
                        "2026-12-01T09:30:00Z, @EPOCH, or an age: 30m, 24h, 7d)")
    p.add_argument("--until", dest="opts", action=_InOrder, const="until", metavar="TIME",
                   help="only attempts at or before TIME")
    p.add_argument("--year", dest="opts", action=_InOrder, const="year", metavar="YYYY",
                   help="the year of classic syslog stamps (default: from each file's "
                        "modification time)")
    p.add_argument("--fail-on", dest="opts", action=_InOrder, const="fail-on", metavar="FAULT",
                   help="exit 1 when a problem of that side is seen: sender, recipient, "
                        "receiver, transit or any")
    p.add_argument("-e", "--explain", action="store_true",
                   help="ndjson: add each verdict's evidence chain")
    return p


def log_main(argv: List[str], g: argparse.Namespace) -> int:
    """``log``: the library's bw_log_run() over the files."""
    args = build_log_parser().parse_intermixed_args(argv)
    run = _c.LogRun()
    for name, value in args.opts or []:
        try:
            run.set(name, value)
        except Error as e:
            _put_err("bouncewhy log: %s\n" % e)
            return EXIT_USAGE
    try:
        rules = _log_rules(g.rules, g.rules_overlay or None)
    except Error as e:
        _put_err("bouncewhy: cannot load the rules: %s\n" % e)
        return EXIT_RULES
    stopped: List[int] = []
    if args.follow:
        # SIGINT and SIGTERM end following, and the summary is printed: the
        # handlers only take note (an exception could cut a write short)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, frame: stopped.append(signum))
    code, fault = run.run(rules, args.files, explain=args.explain, follow=args.follow,
                          out=_write_to(sys.stdout.buffer), err=_write_to(sys.stderr.buffer),
                          stop=lambda: bool(stopped))
    return EXIT_INPUT_ERRORS if code < 0 or fault else 0


def build_rules_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m bouncewhy rules",
        description="list: every rule in precedence order (id, reason, provider); show ID: "
                    "everything about one rule; check: self-test, every example must be won "
                    "by its own rule (exit status 1 when anything fails); compile OUT.db "
                    "SOURCE...: compile .rules files, or directories of them, into a rule "
                    "database.  The rules are those of --rules and --rules-overlay given "
                    "before `rules`.")
    p.add_argument("command", metavar="list|show ID|check|compile OUT.db SOURCE...")
    p.add_argument("operands", nargs="*", help=argparse.SUPPRESS)
    return p


def rules_main(argv: List[str], g: argparse.Namespace) -> int:
    """``rules list|show ID|check|compile OUT.db SOURCE...``."""
    p = build_rules_parser()
    sub = argv[0] if argv else None
    if sub in (None, "--help", "-h", "help"):
        if sub is None:
            p.print_usage(sys.stderr)
            return EXIT_USAGE
        p.print_help(sys.stdout)
        return 0
    if sub == "compile":
        if len(argv) < 3:
            p.print_usage(sys.stderr)
            return EXIT_USAGE
        try:
            _c.rules_compile(argv[1], argv[2:])
        except Error as e:
            _put_err("bouncewhy rules compile: %s\n" % e)
            return EXIT_INPUT_ERRORS
        return 0
    if not ((sub in ("list", "check") and len(argv) == 1) or (sub == "show" and len(argv) == 2)):
        p.print_usage(sys.stderr)
        return EXIT_USAGE
    try:
        rules = Classifier(g.rules, g.rules_overlay or None)._rules
    except Error as e:
        _put_err("bouncewhy rules %s: cannot load the rules: %s\n" % (sub, e))
        # for check, a rule that does not load is one more failure
        return EXIT_INPUT_ERRORS if sub == "check" else EXIT_RULES
    out = sys.stdout.buffer
    try:
        if sub == "list":
            text = rules.listing()
        elif sub == "show":
            text = rules.show(argv[1])
        else:
            ok, text = rules.check()
            if not ok:
                out = sys.stderr.buffer
    except Error as e:
        _put_err("bouncewhy rules %s: %s\n" % (sub, e))
        return EXIT_INPUT_ERRORS
    out.write(text.encode("utf-8", "surrogateescape"))
    out.flush()
    return 0 if out is sys.stdout.buffer else EXIT_INPUT_ERRORS


def build_ledger_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m bouncewhy [--ledger FILE|URI] ledger",
        description="add [--ndjson] [FILE|DIR|-]...: record the diagnoses of bounces (or of "
                    "NDJSON records); status ADDRESS; suppressed; alerts; stats; forget "
                    "ADDRESS; policy.  The ledger is --ledger FILE (SQLite) or URI "
                    "(postgresql://...), given before `ledger`, or $BOUNCEWHY_LEDGER.")
    p.add_argument("command", nargs="?", metavar="COMMAND")
    p.add_argument("operands", nargs="*", metavar="ARG")
    p.add_argument("-f", "--format", dest="opts", action=_InOrder, const="format", metavar="FMT",
                   help="text (default) or json; suppressed also takes csv and postfix")
    p.add_argument("-p", "--policy", metavar="FILE",
                   help="policy file (default: $BOUNCEWHY_LEDGER_POLICY, else the built-in "
                        "policy)")
    p.add_argument("--now", dest="opts", action=_InOrder, const="now", metavar="EPOCH",
                   help="the clock, in seconds since 1970 (replays, tests)")
    p.add_argument("--ndjson", action="store_true",
                   help="add: standard input is NDJSON (files starting with '{' are "
                        "recognised by themselves)")
    return p


def _ledger_error(e: Error, not_found: int = EXIT_LEDGER) -> int:
    _put_err("bouncewhy: ledger: %s\n" % e)
    if e.code == _c.BW_EINVALID:
        return EXIT_USAGE
    return not_found if e.code == _c.BW_ENOTFOUND else EXIT_LEDGER


def ledger_main(argv: List[str], g: argparse.Namespace) -> int:
    """``ledger COMMAND``: the bounce ledger of include/bouncewhy-ledger.h."""
    p = build_ledger_parser()
    args = p.parse_intermixed_args(argv)
    fmt, now = "text", 0
    for name, value in args.opts or []:
        try:
            if name == "format":
                _c.ledger_check(None, 0, value)   # the format name alone
                fmt = value
            else:
                now = _c.ledger_clock(value)
        except Error as e:
            _put_err("bouncewhy: %s\n" % e)
            return EXIT_USAGE
    cmd = args.command
    if cmd is None:
        p.print_usage(sys.stderr)
        return EXIT_USAGE
    location = g.ledger or os.environ.get("BOUNCEWHY_LEDGER")
    if not location and cmd == "policy":
        location = ":memory:"          # the policy needs no ledger
    if not location:
        _put_err("bouncewhy: ledger: no ledger: give --ledger FILE before `ledger`, or set "
                 "BOUNCEWHY_LEDGER\n")
        return EXIT_USAGE
    try:
        _c.ledger_check(cmd, len(args.operands), fmt)
    except Error as e:
        _put_err("bouncewhy: %s\n" % e)
        if e.code == _c.BW_ENOTFOUND:
            p.print_usage(sys.stderr)
        return EXIT_USAGE
    try:
        h = _c.LedgerHandle(location, args.policy, None, now)
    except Error as e:
        return _ledger_error(e)
    try:
        if cmd == "add":
            return _ledger_add(h, args.operands, args.ndjson, g)
        try:
            if cmd == "forget":
                h.forget(args.operands[0])
                text = "%s: forgotten; active again\n" % args.operands[0]
            elif cmd == "status":
                text = h.status(args.operands[0], fmt)
            else:
                text = getattr(h, cmd)(fmt)
        except Error as e:
            return _ledger_error(e, EXIT_INPUT_ERRORS if cmd == "forget" else EXIT_LEDGER)
        sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
        sys.stdout.buffer.flush()
        return 0
    finally:
        h.close()


def _ledger_add(h: Any, operands: Sequence[str], ndjson: bool, g: argparse.Namespace) -> int:
    """``ledger add``: the library's bw_ledger_add_paths()."""
    on = sys.stderr.isatty() if g.progress is None else g.progress
    line = _Progress(on)

    def err(data: bytes) -> None:
        sys.stderr.buffer.write((b"\n" if on else b"") + data)   # after the progress line
        sys.stderr.flush()
    try:
        messages, _, unreadable, _, errors = h.add_paths(
            list(operands), ndjson_stdin=ndjson, rules=g.rules or _default_rules_path(),
            overlays=g.rules_overlay or None, max_message_size=g.max_size,
            max_mime_depth=g.max_depth, max_parts=g.max_parts, max_recipients=g.max_recipients,
            out=_write_to(sys.stdout.buffer), err=err, progress=line.show if on else None)
    except Error as e:
        return EXIT_RULES if e.code == _c.BW_ERULES else EXIT_LEDGER
    line.done(messages, errors)
    return EXIT_INPUT_ERRORS if unreadable else 0


SUBCOMMANDS = {"explain": explain_main, "log": log_main, "rules": rules_main,
               "ledger": ledger_main}
# The main mode's options that take a value in the next word.
_VALUE_OPTIONS = {"-f", "--format", "-r", "--rules", "-o", "--rules-overlay", "-l", "--ledger",
                  "--max-size", "--max-depth", "--max-parts", "--max-recipients"}


def _split(argv: List[str]) -> Tuple[List[str], Optional[str], List[str]]:
    """(main options, subcommand, its arguments): as the CLI's getopt with
    "+", the options before the first operand are the main mode's, and that
    operand names the subcommand, if it is one."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            i += 1
            break
        if not a.startswith("-") or a == "-":
            break
        if a in _VALUE_OPTIONS:
            i += 2
            continue
        if not a.startswith("--") and len(a) > 2:
            # a cluster such as -ef: a value option letter last takes the next word
            letters = a[1:]
            for k, ch in enumerate(letters):
                if ch in "frol":
                    if k == len(letters) - 1:
                        i += 1
                    break
        i += 1
    if i < len(argv) and argv[i] in SUBCOMMANDS:
        return argv[:i], argv[i], argv[i + 1:]
    return argv, None, []


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command; returns the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    head, sub, rest = _split(argv)
    if sub is not None:
        return SUBCOMMANDS[sub](rest, build_parser().parse_args(head))
    args = build_parser().parse_args(argv)
    try:
        classifier = Classifier(
            args.rules, args.rules_overlay or None,
            max_message_size=args.max_size, max_mime_depth=args.max_depth,
            max_parts=args.max_parts, max_recipients=args.max_recipients)
    except Error as e:
        _put_err("bouncewhy: cannot load the rules: %s\n" % e)
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
