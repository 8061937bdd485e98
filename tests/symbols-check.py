#!/usr/bin/env python3
"""The shared library exports exactly the functions the public headers
declare with BW_EXTERN: no internal helper leaks, none is missing.

    symbols-check.py HEADER... LIBRARY
"""
import re, subprocess, sys

headers, lib = sys.argv[1:-1], sys.argv[-1]
text = ''.join(open(h, encoding='utf-8').read() for h in headers)
declared = set(re.findall(r'BW_EXTERN\([^)]*\)\s*(bw_\w+)\s*\(', text))
out = subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True, text=True, check=True).stdout
exported = {l.split()[-1] for l in out.splitlines() if l.split() and l.split()[-2] in ('T', 'W')}
exported = {s.split('@')[0] for s in exported}
missing = sorted(declared - exported)
extra = sorted(exported - declared)
for s in missing:
    print('FAIL declared but not exported: ' + s)
for s in extra:
    print('FAIL exported but not declared: ' + s)
print('%d passed, %d failed' % (len(declared & exported), len(missing) + len(extra)))
sys.exit(1 if missing or extra else 0)
