#!/usr/bin/env python3
"""Verdicts that do not contradict themselves, over whole corpora.

Usage: consistency.py BOUNCEWHY DIR [DIR...]   (a missing DIR is skipped)
For every recipient of every message: a failure carries at least one
remedy; a hard bounce is never told to keep the address and a soft one
never told plainly to remove it; a delay (action delayed) never says the
server gave up nor calls the failure permanent; a complaint's advice is to stop mailing the complainer;
every verdict names the tier that decided it and a confidence.
"""
import json
import os
import re
import subprocess
import sys

NOT_FAILURES = {'delivered', 'vacation', 'feedback'}


def check(rec, r):
    where = '%s: %s (%s)' % (rec.get('source'), r.get('recipient'), r.get('reason'))
    errors = []
    rem = r.get('remedies') or []
    text = ' '.join(rem)
    if r['reason'] not in NOT_FAILURES and not rem:
        errors.append('%s: a failure without a remedy' % where)
    if r.get('hard_bounce') and re.search(r'\bkeep the address\b', text, re.I):
        errors.append('%s: hard bounce, but a remedy says to keep the address' % where)
    if not r.get('hard_bounce') and any(re.match(r'(remove|delete) (the|this) address', x, re.I)
                                        for x in rem):
        errors.append('%s: soft bounce, but a remedy says to remove the address' % where)
    if r.get('action') == 'delayed' and re.search(r'\bgave up\b|\bgiven up\b',
                                                  (r.get('explanation') or ''), re.I):
        errors.append('%s: a delay whose explanation says the server gave up' % where)
    if r.get('action') == 'delayed' and r.get('permanent'):
        errors.append('%s: a delay called permanent' % where)
    if r['reason'] == 'feedback' and not re.search(r'\b(stop|unsubscribe)', text, re.I):
        errors.append('%s: a complaint without the advice to stop mailing' % where)
    if not r.get('decided_by') or not isinstance(r.get('confidence'), int):
        errors.append('%s: no decided_by/confidence' % where)
    return errors


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    dirs = [d for d in sys.argv[2:] if os.path.isdir(d)]
    if not dirs:
        print('no corpus present, skipped')
        return 77
    out = subprocess.run([sys.argv[1], '--format', 'ndjson'] + dirs,
                         stdout=subprocess.PIPE, check=False).stdout.decode()
    n = 0
    errors = []
    for line in out.splitlines():
        rec = json.loads(line)
        for r in rec.get('recipients', []):
            n += 1
            errors += check(rec, r)
    for e in errors:
        print(e)
    print('%d recipients checked, %d contradictions' % (n, len(errors)))
    return 1 if errors or n == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
