#!/usr/bin/env python3
"""Per-field agreement of a CLI with an evaluation folder of labelled bounces.

    tools/eval-blind.py CLI DIR [--quiet]

For every DIR/NAME.eml with NAME.json beside it (tests/golden.py's format: a
"kind" and a "recipients" list of objects with "recipient" and any of
"reason", "status", "reply_code", "hard_bounce"), runs `CLI --format ndjson`
once over all messages and compares field by field, matching recipients by
address (case-insensitive) rather than by position.  A field is counted only
where the label gives it.  Prints the agreement per field, the reason
agreement per expected reason, and (unless --quiet) every disagreement with
the diagnostic the CLI read.  A measurement, not a gate: exits 0 whenever it
could run.  Used on tests/eval/blind (see tests/eval/README.md).
"""
import collections
import json
import os
import subprocess
import sys

FIELDS = ('reason', 'status', 'reply_code', 'hard_bounce')


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    cli, d = args
    quiet = '--quiet' in sys.argv
    files = sorted(f for f in os.listdir(d) if f.endswith('.eml'))
    out = subprocess.run([cli, '--format', 'ndjson'] + [os.path.join(d, f) for f in files],
                         capture_output=True).stdout.decode('utf-8', 'replace')
    got = {}
    for line in out.splitlines():
        if line.strip():
            rec = json.loads(line)
            got[os.path.basename(rec.get('source', ''))] = rec
    n = collections.Counter()
    ok = collections.Counter()
    per_reason = collections.defaultdict(lambda: [0, 0])
    misses = []
    for f in files:
        with open(os.path.join(d, f[:-4] + '.json'), encoding='utf-8') as fh:
            want = json.load(fh)
        rec = got.get(f, {})
        n['kind'] += 1
        if rec.get('kind') == want.get('kind'):
            ok['kind'] += 1
        else:
            misses.append('%s: kind want %s got %s' % (f, want.get('kind'), rec.get('kind')))
        grecs = {str(r.get('recipient') or '').lower(): r for r in rec.get('recipients') or []}
        wrecs = want.get('recipients') or []
        n['recipient set'] += 1
        if {w['recipient'].lower() for w in wrecs} == set(grecs):
            ok['recipient set'] += 1
        else:
            misses.append('%s: recipients want %s got %s' % (
                f, sorted(w['recipient'] for w in wrecs), sorted(grecs)))
        for w in wrecs:
            g = grecs.get(w['recipient'].lower())
            n['recipient found'] += 1
            ok['recipient found'] += g is not None
            g = g or {}
            for k in FIELDS:
                if k not in w:
                    continue
                n[k] += 1
                right = g.get(k) == w[k]
                ok[k] += right
                if k == 'reason':
                    per_reason[w[k]][0] += 1
                    per_reason[w[k]][1] += right
                if not right:
                    misses.append('%s: %s %s want %r got %r | %s' % (
                        f, w['recipient'], k, w[k], g.get(k),
                        ' '.join(str(g.get('diagnostic') or '').split())[:160]))
    print('%s: %d messages, %d labelled recipients' % (d, len(files), n['recipient found']))
    for k in ('kind', 'recipient set', 'recipient found') + FIELDS:
        if n[k]:
            print('  %-15s %5.1f%% (%d/%d)' % (k, 100.0 * ok[k] / n[k], ok[k], n[k]))
    print('  reason by expected reason:')
    for r, (t, right) in sorted(per_reason.items(), key=lambda x: (-x[1][0], x[0])):
        print('    %-15s %d/%d' % (r, right, t))
    if not quiet and misses:
        print('  disagreements:')
        for m in misses:
            print('    ' + m)
    return 0


if __name__ == '__main__':
    sys.exit(main())
