#!/usr/bin/env python3
"""Per-field agreement of a CLI with an evaluation folder of labelled bounces.

    tools/eval-blind.py CLI DIR [--quiet]
    tools/eval-blind.py CLI SET.tsv [--quiet]

For every DIR/NAME.eml with NAME.json beside it (tests/golden.py's format: a
"kind" and a "recipients" list of objects with "recipient" and any of
"reason", "status", "reply_code", "hard_bounce"), runs `CLI --format ndjson`
once over all messages and compares field by field, matching recipients by
address (case-insensitive) rather than by position.  A field is counted only
where the label gives it.  Prints the agreement per field, the reason
agreement per expected reason, and (unless --quiet) every disagreement with
the diagnostic the CLI read.  Given a paraphrase set (tests/paraphrase/*.tsv, the format
score.py reads) instead of a folder, prints the reason agreement per expected
reason and the confusions (expected -> got, with counts), which score.py does
not.  A measurement, not a gate: exits 0 whenever it could run.  Used on
tests/eval/blind and tests/paraphrase/heldout6.tsv (see tests/eval/README.md).
"""
import collections
import json
import os
import subprocess
import sys

FIELDS = ('reason', 'status', 'reply_code', 'hard_bounce')


def score_tsv(cli, path, quiet):
    rows = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line and not line.startswith('#'):
                reason, alts, reply = line.split('\t', 2)
                rows.append((reason, {reason} | (set(alts.split(',')) if alts != '-' else set()), reply))
    out = subprocess.run([cli, 'explain', '--format', 'ndjson', '-'],
                         input=''.join(r[2] + '\n' for r in rows).encode(),
                         capture_output=True).stdout.decode('utf-8', 'replace')
    got = [json.loads(l)['recipients'][0]['reason'] for l in out.splitlines() if l.strip()]
    if len(got) != len(rows):
        print('expected %d records, got %d' % (len(rows), len(got)))
        return 1
    per = collections.defaultdict(lambda: [0, 0])
    conf = collections.Counter()
    for (want, ok, _), g in zip(rows, got):
        per[want][0] += 1
        per[want][1] += g in ok
        if g not in ok:
            conf[(want, g)] += 1
    right = sum(v[1] for v in per.values())
    print('%s: %d replies, reason %.1f%% (%d)' % (path, len(rows), 100.0 * right / len(rows), right))
    print('  reason by expected reason:')
    for r, (t, k) in sorted(per.items(), key=lambda x: (-x[1][0], x[0])):
        print('    %-15s %2d/%-2d %5.1f%%' % (r, k, t, 100.0 * k / t))
    if not quiet and conf:
        print('  confusions (expected -> got):')
        for (w, g), c in sorted(conf.items(), key=lambda x: (-x[1], x[0])):
            print('    %-15s -> %-15s %d' % (w, g, c))
    return 0


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    cli, d = args
    quiet = '--quiet' in sys.argv
    if d.endswith('.tsv'):
        return score_tsv(cli, d, quiet)
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
        if {(w.get('recipient') or '').lower() for w in wrecs} == set(grecs):
            ok['recipient set'] += 1
        else:
            misses.append('%s: recipients want %s got %s' % (
                f, sorted(w.get('recipient') or '' for w in wrecs), sorted(grecs)))
        for w in wrecs:
            g = grecs.get((w.get('recipient') or '').lower())
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
                        f, w.get('recipient') or '', k, w[k], g.get(k),
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
