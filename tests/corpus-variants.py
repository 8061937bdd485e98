#!/usr/bin/env python3
"""The CRLF and CR copies of the shared corpus give the same diagnoses as the
LF originals (files present in both), and every mbox message gets a record.

    corpus-variants.py CLI SHARED_CORPUS_DIR

Skipped (exit 77) when the shared corpus is absent.
"""
import json, os, subprocess, sys

cli, base = sys.argv[1], sys.argv[2]
if not os.path.isdir(os.path.join(base, 'sisimai')):
    print('shared corpus not present: skipped')
    sys.exit(77)


def run(files):
    out = subprocess.run([cli, '--format', 'ndjson'] + files, capture_output=True, text=True).stdout
    recs = {}
    for line in out.splitlines():
        j = json.loads(line)
        key = (os.path.basename(j.pop('source')), j.get('mbox_index'))
        recs[key] = j
    return recs


passed = failed = 0
for variant in ('sisimai-dos', 'sisimai-mac'):
    d = os.path.join(base, variant)
    if not os.path.isdir(d):
        continue
    names = sorted(f for f in os.listdir(d) if os.path.exists(os.path.join(base, 'sisimai', f)))
    a = run([os.path.join(base, 'sisimai', f) for f in names])
    b = run([os.path.join(d, f) for f in names])
    for key in sorted(set(a) | set(b), key=str):
        if a.get(key) == b.get(key):
            passed += 1
        else:
            failed += 1
            print('FAIL %s %s differs from the LF original' % (variant, key[0]))
mdir = os.path.join(base, 'sisimai-mbox')
if os.path.isdir(mdir):
    for f in sorted(os.listdir(mdir)):
        path = os.path.join(mdir, f)
        with open(path, 'rb') as fh:
            want = sum(1 for line in fh if line.startswith(b'From '))
        got = len(run([path]))
        ok = got == want
        passed += ok
        failed += not ok
        if not ok:
            print('FAIL %s: %d messages, %d records' % (f, want, got))
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
