#!/usr/bin/env python3
"""Is-bounce and exact recipient-set accuracy of a CLI over a golden folder.

    tools/set-score.py CLI DIR

For every DIR/NAME.eml with its golden NAME.json (tests/golden.py's format):
the message is a bounce when the expected "kind" is "bounce" or "delay" (a
"~regex" kind counts as not a bounce); for a bounce whose expectation lists
recipients, the set of recipient addresses (case-insensitive) must be the
same.  Prints one line.  Used to compare builds on tests/corpus/generic (the
structural detector and the generic reader, issue 11); the golden test is
what fails the suite.
"""
import json, os, re, subprocess, sys


def main():
    cli, d = sys.argv[1], sys.argv[2]
    files = sorted(f for f in os.listdir(d) if f.endswith('.eml'))
    out = subprocess.run([cli, '--format', 'ndjson'] + [os.path.join(d, f) for f in files],
                         capture_output=True).stdout.decode('utf-8', 'replace')
    got = {}
    for line in out.splitlines():
        if line.strip():
            rec = json.loads(line)
            got[os.path.basename(rec['source'])] = rec
    n_b = ok_b = n_s = ok_s = 0
    for f in files:
        with open(os.path.join(d, f[:-4] + '.json'), encoding='utf-8') as fh:
            want = json.load(fh)
        kind = want.get('kind', '')
        want_bounce = bool(re.match(r'^(bounce|delay)$', kind))
        rec = got.get(f, {})
        n_b += 1
        ok_b += want_bounce == (rec.get('kind') in ('bounce', 'delay'))
        if want_bounce and 'recipients' in want:
            w = {r['recipient'].lower() for r in want['recipients']}
            g = {str(r.get('recipient', '')).lower() for r in rec.get('recipients') or []}
            n_s += 1
            ok_s += w == g
    print('messages %d: is-bounce %.1f%% (%d/%d); exact recipient set %.1f%% (%d/%d)' % (
        n_b, 100.0 * ok_b / max(n_b, 1), ok_b, n_b, 100.0 * ok_s / max(n_s, 1), ok_s, n_s))
    return 0


if __name__ == '__main__':
    sys.exit(main())
