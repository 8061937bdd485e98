#!/usr/bin/env python3
"""Scores `bouncewhy explain` on the paraphrase set (replies.tsv).

Usage: score.py BOUNCEWHY [--set FILE.tsv] [--min PERCENT] [--show-misses]
Prints reason and hard-bounce agreement, the onhold/undefined share, and the
misses; exits 1 when the reason share is below --min (threshold.txt in CI).
"""
import json
import os
import subprocess
import sys

HARD = {'userunknown', 'hostunknown', 'hasmoved'}


def load(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            reason, alts, reply = line.split('\t', 2)
            ok = {reason} | (set(alts.split(',')) if alts != '-' else set())
            rows.append((reason, ok, reply))
    return rows


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    exe = args[0]
    minimum = None
    if '--min' in args:
        minimum = float(args[args.index('--min') + 1])
    show = '--show-misses' in args
    here = os.path.dirname(os.path.abspath(__file__))
    name = args[args.index('--set') + 1] if '--set' in args else 'replies.tsv'
    rows = load(os.path.join(here, name))
    text = ''.join(r[2] + '\n' for r in rows)
    out = subprocess.run([exe, 'explain', '--format', 'ndjson', '-'], input=text.encode(),
                         stdout=subprocess.PIPE, check=False).stdout.decode()
    got = [json.loads(l) for l in out.splitlines() if l.strip()]
    if len(got) != len(rows):
        print('expected %d records, got %d' % (len(rows), len(got)))
        return 1
    right = hard_right = vague = 0
    misses = []
    for (want, ok, reply), rec in zip(rows, got):
        r = rec['recipients'][0]
        if r['reason'] in ok:
            right += 1
        else:
            misses.append('want %-15s got %-15s %-28s %s' % (want, r['reason'], r['rule'], reply))
        if r['reason'] in ('onhold', 'undefined'):
            vague += 1
        want_hard = want in HARD or (want == 'notaccept' and reply[:1] == '5')
        if bool(r['hard_bounce']) == want_hard:
            hard_right += 1
    n = len(rows)
    print('%s %d: reason %.1f%% (%d), hard %.1f%% (%d), onhold/undefined %.1f%% (%d)'
          % (name, n, 100.0 * right / n, right, 100.0 * hard_right / n, hard_right,
             100.0 * vague / n, vague))
    if show:
        for m in misses:
            print('  ' + m)
    if minimum is not None and 100.0 * right / n < minimum:
        print('reason share below the threshold %.1f%%' % minimum)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
