#!/usr/bin/python3
"""list_cleanup.py - which addresses should a mailing list drop?

Reads the bounces a list received (a Maildir, an mbox, a directory, or
single files) and prints, one per line on standard output, the addresses to
remove: those whose bounce says the address itself is bad (a hard bounce),
and never one where the cause is on the sending side (a blocked IP, a bad
reputation, an authentication failure: removing readers does not fix those).

A summary goes to standard error: failures counted by provider and by
reason, plus the sender-side problems worth fixing.

    list_cleanup.py ~/Maildir/.bounces/ > remove.txt
    list_cleanup.py --rules /path/rules.db bounces.mbox

Exit status: 0, or 1 when some message could not be read.
"""
import argparse
import collections
import sys

import bouncewhy

# Kinds that report failed or delayed delivery; feedback reports, automatic
# replies and ordinary mail say nothing about whether an address exists.
FAILURE_KINDS = {"bounce", "delay"}


def should_remove(r: bouncewhy.Recipient) -> bool:
    """True when the list should drop this recipient's address."""
    return bool(r.recipient) and r.hard_bounce and r.fault != "sender"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", metavar="PATH",
                    help="Maildir, mbox, directory or message file")
    ap.add_argument("--rules", help="rule database (default: the installed one)")
    ap.add_argument("--quiet", action="store_true", help="no summary on standard error")
    args = ap.parse_args(argv)

    try:
        classifier = bouncewhy.Classifier(rules=args.rules)
    except bouncewhy.Error as e:
        print("list_cleanup: cannot load the rules: %s" % e, file=sys.stderr)
        return 2

    remove = set()
    by_provider = collections.Counter()
    by_reason = collections.Counter()
    sender_side = collections.Counter()
    unreadable = 0
    messages = 0

    for path in args.paths:
        for d in classifier.scan(path):
            messages += 1
            if not d.ok:
                unreadable += 1
                print("list_cleanup: %s: %s" % (d.source, d.error), file=sys.stderr)
                continue
            if d.kind not in FAILURE_KINDS:
                continue
            for r in d.recipients:
                by_provider[r.provider or "(unknown provider)"] += 1
                by_reason[r.reason or "(no reason)"] += 1
                if r.fault == "sender":
                    sender_side[(r.reason, r.provider or "", r.provider_code or "")] += 1
                if should_remove(r):
                    remove.add(r.recipient.lower())

    for address in sorted(remove):
        print(address)

    if not args.quiet:
        err = sys.stderr
        print("%d messages read, %d addresses to remove, %d unreadable"
              % (messages, len(remove), unreadable), file=err)
        print("\nfailures by provider:", file=err)
        for name, n in by_provider.most_common():
            print("  %6d  %s" % (n, name), file=err)
        print("\nfailures by reason:", file=err)
        for name, n in by_reason.most_common():
            print("  %6d  %s" % (n, name), file=err)
        if sender_side:
            print("\nproblems on the sending side (fix these, keep the addresses):", file=err)
            for (reason, provider, code), n in sender_side.most_common():
                what = reason + (" at " + provider if provider else "") + (" (" + code + ")" if code else "")
                print("  %6d  %s" % (n, what), file=err)
    return 1 if unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
