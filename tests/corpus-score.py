#!/usr/bin/env python3
"""Scores the CLI on the shared labelled corpus, when it is there.

    corpus-score.py CLI CORPUS_DIR THRESHOLDS_FILE

Skipped (exit 77) when CORPUS_DIR or the scorer beside it is absent, as in a
user's clone.  Fails when a figure is below its threshold, or when a record is
missing or the CLI failed on a file.  Raise the thresholds as accuracy rises.
"""
import os, re, subprocess, sys

cli, corpus, thresholds = sys.argv[1], sys.argv[2], sys.argv[3]
scorer = os.path.join(corpus, '..', '..', 'eval', 'score.py')
if not os.path.isdir(corpus) or not os.path.exists(scorer):
    print('shared corpus not present: skipped')
    sys.exit(77)
want = {}
with open(thresholds) as f:
    for line in f:
        line = line.split('#')[0].strip()
        if line:
            k, v = line.split()
            want[k] = float(v)
p = subprocess.run([sys.executable, scorer, '--cli', cli, corpus], capture_output=True, text=True)
print(p.stdout)
print(p.stderr, file=sys.stderr)
last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ''
got = {}
for key, pat in [('reason', r'reason ([\d.]+)%'), ('found', r'found ([\d.]+)%'), ('status', r'status ([\d.]+)%'),
                 ('reply', r'reply ([\d.]+)%'), ('hard', r'hard ([\d.]+)%'), ('count', r'count ([\d.]+)%')]:
    m = re.search(pat, last)
    if m:
        got[key] = float(m.group(1))
failed = 0
for k, v in want.items():
    if k not in got:
        print('FAIL %s: not in the score line %r' % (k, last)); failed += 1
    elif got[k] < v:
        print('FAIL %s: %.1f%% is below the threshold %.1f%%' % (k, got[k], v)); failed += 1
    else:
        print('ok   %s: %.1f%% >= %.1f%%' % (k, got[k], v))
if 'missing' in last:
    print('FAIL records missing or errors: %s' % last); failed += 1
print('%d passed, %d failed' % (len(want) + 1 - failed, failed))
sys.exit(1 if failed else 0)
