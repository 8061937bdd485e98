#!/usr/bin/env python3
"""Golden tests: every tests/corpus/**/NAME.eml (or .mbox) has NAME.json beside it.

The expected JSON is a *subset* of what `bouncewhy --format json FILE` prints for
that file: every key it names must be present with an equal value; lists of
recipients are compared element by element and must have the same length;
keys it leaves out are not checked.  A string value starting with "~" is a
regular expression the actual value must match (re.search); against a list of
strings, one item must match.

    golden.py CLI CORPUS_DIR [--update NAME]

Exits 1 when a case fails, printing what differs.  Writes nothing.
"""
import json, os, re, subprocess, sys


def compare(want, got, path, errors):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            errors.append('%s: want an object, got %r' % (path, got))
            return
        for k, v in want.items():
            if k not in got:
                errors.append('%s.%s: missing' % (path, k))
            else:
                compare(v, got[k], '%s.%s' % (path, k), errors)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            errors.append('%s: want %d items, got %s' % (path, len(want), len(got) if isinstance(got, list) else repr(got)))
            return
        for i, (w, g) in enumerate(zip(want, got)):
            compare(w, g, '%s[%d]' % (path, i), errors)
    elif isinstance(want, str) and want.startswith('~') and isinstance(got, list):
        if not any(isinstance(g, str) and re.search(want[1:], g) for g in got):
            errors.append('%s: no item of %r matches /%s/' % (path, got, want[1:]))
    elif isinstance(want, str) and want.startswith('~'):
        if not isinstance(got, str) or not re.search(want[1:], got):
            errors.append('%s: %r does not match /%s/' % (path, got, want[1:]))
    elif want != got:
        errors.append('%s: want %r, got %r' % (path, want, got))


def main():
    cli, corpus = sys.argv[1], sys.argv[2]
    cases = []
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(('.eml', '.mbox')):
                cases.append(os.path.join(root, f))
    if not cases:
        print('no cases under %s' % corpus)
        return 1
    failed = 0
    for case in cases:
        exp_path = os.path.splitext(case)[0] + '.json'
        name = os.path.relpath(case, corpus)
        if not os.path.exists(exp_path):
            print('FAIL %s: no expected %s' % (name, os.path.basename(exp_path)))
            failed += 1
            continue
        with open(exp_path, encoding='utf-8') as f:
            want = json.load(f)
        p = subprocess.run([cli, '--format', 'json', case], capture_output=True)
        try:
            got = json.loads(p.stdout.decode('utf-8'))
        except ValueError as e:
            print('FAIL %s: output is not JSON (%s); stderr: %s' % (name, e, p.stderr.decode('utf-8', 'replace')[:300]))
            failed += 1
            continue
        # One object per message: a single message compares with the object,
        # an mbox with the list.
        if not isinstance(want, list):
            got = got[0] if len(got) == 1 else got
        errors = []
        compare(want, got, '$', errors)
        if errors:
            failed += 1
            print('FAIL %s' % name)
            for e in errors[:20]:
                print('    ' + e)
        else:
            print('ok   %s' % name)
    print('%d passed, %d failed' % (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
