#!/usr/bin/env python3
"""Hostile inputs of issue 15, run through the CLI: time, peak RSS and
records per input.  Figures go to bench/README.md ("Hostile inputs"); the
tests assert the work (tests/cli-robust.py, tests/unit/test-limits.c), never
the time.

    bench/hostile.py BOUNCEWHY [MBOX_MB]      (MBOX_MB default 300)

Generated files go to a temporary directory, deleted afterwards.
"""
import json, os, random, resource, subprocess, sys, tempfile, time

cli = sys.argv[1]
mbox_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 300
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = open(os.path.join(HERE, '..', 'tests', 'corpus', 'postfix', 'outlook-sc001.eml'), 'rb').read()
DSN_HEAD = (b'From: MAILER-DAEMON@mx.example.org\nTo: s@example.com\nSubject: failure\nMIME-Version: 1.0\n'
            b'Content-Type: multipart/report; report-type=delivery-status; boundary="E"\n\n'
            b'--E\nContent-Type: message/delivery-status\n\n')
ONE_RCPT = b'Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\n\n'


def measure(name, args, path):
    """Runs the CLI (ndjson) in a child that reports its own usage."""
    code = ('import resource,subprocess,sys,time,json\n'
            't=time.time()\n'
            'if sys.argv[1]=="ZERO":\n'
            '    p=subprocess.run(["sh","-c","head -c 1G /dev/zero | \\"$0\\" \\"$@\\""]+sys.argv[2:],'
            'stdout=subprocess.PIPE,stderr=subprocess.DEVNULL)\n'
            'else:\n'
            '    p=subprocess.run(sys.argv[2:],stdin=open(sys.argv[1],"rb"),'
            'stdout=subprocess.PIPE,stderr=subprocess.DEVNULL)\n'
            'dt=time.time()-t\n'
            'recs=[json.loads(l) for l in p.stdout.splitlines() if l.strip()]\n'
            'err=sum(1 for r in recs if r["kind"]=="error")\n'
            'print(json.dumps([dt,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,len(recs),err,p.returncode]))\n')
    out = subprocess.run([sys.executable, '-c', code, path, cli, '-f', 'ndjson'] + args,
                         capture_output=True, check=True).stdout
    dt, rss, n, err, rc = json.loads(out)
    print('| %s | %.1f s | %.0f MiB | %d | %d | %d |' % (name, dt, rss / 1024, n, err, rc), flush=True)
    return n, err


def main():
    print('| input | time | peak RSS | records | error records | exit |')
    print('|---|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as d:
        def put(name, data):
            p = os.path.join(d, name)
            with open(p, 'wb') as f:
                f.write(data)
            return p
        # item 5: one 65 KB per-message Diagnostic-Code, 10,000 recipients (504 KB)
        dsn = (DSN_HEAD + b'Reporting-MTA: dns; mx.example.org\nAction: failed\nStatus: 5.1.1\n'
               b'Diagnostic-Code: smtp; 550 5.1.1 ' + b'q' * 65000 + b'\n'
               + b''.join(b'\nFinal-Recipient: rfc822; u%d@example.net\n' % i for i in range(10000))
               + b'\n--E--\n')
        measure('504 KB DSN, 65 KB per-message Diagnostic-Code, 10,000 recipients', [], path=put('amp.eml', dsn))
        # item 6: 5 MB and 20 MB of empty parts, --max-parts=10
        for mb in (5, 20):
            data = DSN_HEAD + ONE_RCPT + b'--E\n\n' * (mb * (1 << 20) // 5) + b'--E--\n'
            measure('%d MB of empty parts, --max-parts=10' % mb, ['--max-parts=10'],
                    path=put('parts%d.eml' % mb, data))
        # item 15: a 10 MB header line
        data = (b'From: MAILER-DAEMON@mx.example.org\nSubject: ' + b'a' * (10 << 20) + b'\n'
                + DSN_HEAD[DSN_HEAD.index(b'MIME-Version'):] + ONE_RCPT + b'--E--\n')
        measure('10 MB Subject line', [], path=put('longline.eml', data))
        # item 7: 1 GB of zeros on stdin, --max-size=1M
        measure('1 GB of zeros on stdin, --max-size=1M', ['--max-size=1M', '-'], path='ZERO')
        # items 1-2: an mbox of MBOX_MB with random message sizes, on stdin
        rnd = random.Random(15)
        path = os.path.join(d, 'big.mbox')
        n = 0
        with open(path, 'wb') as f:
            size = 0
            while size < mbox_mb << 20:
                pad = rnd.choice([0, 0, 0, 100, 4000, 30000, 70000, 200000])
                msg = (b'From MAILER-DAEMON Thu Sep 18 17:54:04 2008\n' + SAMPLE
                       + (b'p' * 76 + b'\n') * (pad // 77))
                f.write(msg)
                size += len(msg)
                n += 1
        got, err = measure('%d MB mbox on stdin, %d messages' % (mbox_mb, n), ['-'], path=path)
        print('\nmbox: %d messages written, %d records, %d error records' % (n, got, err))


main()
