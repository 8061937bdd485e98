#!/usr/bin/python3
"""list_cleanup.py - which addresses should a mailing list stop sending to?

Feeds the bounces a list received (a Maildir, an mbox, a directory, single
files, or NDJSON from `bouncewhy --format ndjson`) to a bounce ledger and
prints, one per line on standard output, the addresses the ledger's policy
says to stop: hard bounces of a bad address, runs of soft bounces over
days, complaints.  Never one where the cause is on the sending side (a
blocked IP, a bad reputation, an authentication failure: removing readers
does not fix those), and not a burst of "unknown user" at one domain (held
as the receiver's outage).

A summary goes to standard error: failures by provider and by reason, the
sender-side problems worth fixing and the suspected outages.

    list_cleanup.py ~/Maildir/.bounces/ > remove.txt
    list_cleanup.py --ledger /var/lib/list/bounces.db ~/Maildir/.bounces/new   # from cron

Without --ledger the ledger lives in memory for this run only; with it,
history accumulates across runs and each bounce counts once.

Exit status: 0, 1 when some message could not be read, 2 when the rules or
the ledger could not be opened.
"""
import argparse
import sys

import bouncewhy


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", metavar="PATH",
                    help="Maildir, mbox, directory, message file or NDJSON file")
    ap.add_argument("--ledger", default=":memory:",
                    help="ledger file or postgresql:// URI (default: in memory, this run only)")
    ap.add_argument("--policy", help="policy file (default: the built-in policy)")
    ap.add_argument("--rules", help="rule database (default: the installed one)")
    ap.add_argument("--quiet", action="store_true", help="no summary on standard error")
    args = ap.parse_args(argv)

    try:
        ledger = bouncewhy.Ledger(args.ledger, policy=args.policy, rules=args.rules)
        result = ledger.add(*args.paths)
    except (bouncewhy.RulesError, bouncewhy.LedgerError, bouncewhy.InvalidInputError) as e:
        print("list_cleanup: %s" % e, file=sys.stderr)
        return 2

    stop = ledger.suppressed()
    for row in stop:
        print(row["address"])

    if not args.quiet:
        err = sys.stderr
        for source, error in result.errors:
            print("list_cleanup: %s: %s" % (source, error), file=err)
        stats = ledger.stats()
        print("%d messages read, %d addresses to stop, %d held, %d unreadable"
              % (result.messages, len(stop), stats["states"].get("held", 0), result.unreadable),
              file=err)
        print("\nfailures by provider:", file=err)
        for name, n in stats["providers"].items():
            print("  %6d  %s" % (n, name), file=err)
        print("\nfailures by reason:", file=err)
        for name, n in stats["reasons"].items():
            print("  %6d  %s" % (n, name), file=err)
        alerts = ledger.alerts()
        if alerts["sender"]:
            print("\nproblems on the sending side (fix these, keep the addresses):", file=err)
            for a in alerts["sender"]:
                print("  %6d  %s at %s" % (a["count"], a["reason"], a["provider"]), file=err)
        if alerts["outages"]:
            print("\nsuspected outages (addresses held, not removed):", file=err)
            for a in alerts["outages"]:
                print("  %6d  %s" % (a["held"], a["domain"]), file=err)
    ledger.close()
    return 1 if result.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
