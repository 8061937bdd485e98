#!/usr/bin/env python3
"""`bouncewhy log` end to end.

    log-test.py BOUNCEWHY LOGDIR [--update]

Golden excerpts: every LOGDIR/NAME.log is read with --format ndjson and
--format json; the fields that matter (per attempt, and per summary group
in the summary's order) must equal LOGDIR/NAME.expected.  --update rewrites
the .expected files (check the diff by eye).  Then: the operator's first
lines for the seed's replies, ordinary lines never reported, --fail-on,
--since/--until, .gz and standard input, a 1 MB line, invalid UTF-8, and
--follow across a log rotation (bounded by events: each step waits for the
record it caused, never for a fixed time).
"""
import gzip, json, os, shutil, signal, subprocess, sys, tempfile

exe, logdir = sys.argv[1], sys.argv[2]
update = '--update' in sys.argv[3:]
env = dict(os.environ, TZ='UTC')
failures = passed = 0


def check(cond, what):
    global failures, passed
    if cond:
        passed += 1
    else:
        failures += 1
        print('FAIL ' + what)


def run(*args, stdin=None):
    # --year: classic stamps have no year; the files' mtimes must not decide it
    p = subprocess.run([exe, 'log', '--year', '2026'] + list(args), input=stdin, capture_output=True, env=env)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')


def digest(path):
    rc, out, err = run('--format', 'ndjson', path)
    lines = []
    for line in out.splitlines():
        d = json.loads(line)
        g = d['diagnosis'] or {}
        lines.append('|'.join(str(x) for x in (
            d['line'], d['time'], d['mta'], d['status'], d['queue_id'], d['recipient'],
            d['original_recipient'], d['relay'], d['relay_ip'], d['dsn'],
            g.get('reason'), g.get('fault'), g.get('provider'), g.get('provider_code'),
            g.get('smtp_command'), g.get('reply_code'))))
    rc2, out2, err2 = run('--format', 'json', path)
    s = json.loads(out2)
    t = s['totals']
    lines.append('totals|lines %d|attempts %d|sent %d|deferred %d|bounced %d|expired %d|skipped %d|cut %d' % (
        t['lines'], t['attempts'], t['sent'], t['deferred'], t['bounced'], t['expired'],
        t['skipped_lines'], t['cut_lines']))
    for g in s['groups']:
        lines.append('group|%s|%s|%s|%s|%s|attempts %d|messages %d|recipients %d|%s|%s..%s|ongoing %s' % (
            g['provider'], g['domain'], g['reason'], g['provider_code'], g['fault'],
            g['attempts'], g['messages'], g['recipients'], ','.join(g['domains']),
            g['first_seen'], g['last_seen'], g['ongoing']))
    return rc, '\n'.join(lines) + '\n'


# ---- golden excerpts -------------------------------------------------------
names = sorted(f[:-4] for f in os.listdir(logdir) if f.endswith('.log'))
for name in names:
    rc, got = digest(os.path.join(logdir, name + '.log'))
    check(rc == 0, name + ': exit status %d' % rc)
    exp_path = os.path.join(logdir, name + '.expected')
    if update:
        with open(exp_path, 'w', encoding='utf-8') as f:
            f.write(got)
        continue
    want = open(exp_path, encoding='utf-8').read() if os.path.exists(exp_path) else ''
    check(got == want, name + ': differs from %s:\n%s' % (exp_path, got))

seed = os.path.join(logdir, 'postfix-seed.log')

# ---- the operator's first lines (the "done when") ------------------
rc, out, err = run(seed)
head = '\n'.join(out.splitlines()[:12])
check('1. Microsoft Outlook.com' in head, 'seed: Microsoft first:\n' + head)
check("refuses mail from the sending server's IP address (SC-001)" in head.replace('\n   ', ' '), 'seed: IP refused')
check('since 2026-12-01 09:12:03' in head, 'seed: since when')
check('3 messages, 3 recipients' in head, 'seed: how many messages')
check('recipients are not at fault' in head.replace('\n   ', ' '), 'seed: not the recipients')
check('What to do:' in out.split('2. ')[0] and 'delisting' in out.split('2. Microsoft')[0], 'seed: what to do')
check(out.index('RP-001') < out.index('userunknown'), 'seed: sender-side problems before recipient ones')
for mta in ('exim-mainlog', 'sendmail', 'opensmtpd'):
    rc, out, err = run(os.path.join(logdir, mta + '.log'))
    first = ' '.join(' '.join(out.splitlines()[:11]).split())
    check('1. Microsoft Outlook.com (consumer): the receiving server refuses mail from the sending server' in first
          and 'recipients are not at fault' in first and 'What to do' in out.split('\n2. ')[0],
          mta + ': same answer:\n' + out[:600])

# ---- a failure's diagnosis has the bounce JSON's recipient shape ----------
p = subprocess.run([exe, 'explain', '--format', 'json', '550 5.1.1 user unknown'], capture_output=True, env=env)
explained = json.loads(p.stdout)
explained = explained[0] if isinstance(explained, list) else explained
rc, out, err = run('--format', 'ndjson', seed)
diag = [json.loads(l)['diagnosis'] for l in out.splitlines()]
check(all(list(d.keys()) == list(explained['recipients'][0].keys()) for d in diag if d),
      'diagnosis keys equal the bounce recipient keys')

# ---- ordinary lines are never problems -------------------------------------
ordinary = (b'Dec  1 09:10:58 mail postfix/smtpd[2101]: connect from localhost[127.0.0.1]\n'
            b'Dec  1 09:10:59 mail postfix/smtp[2106]: 4A1B2C3D4E: to=<carol@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)\n'
            b'Dec  1 09:11:00 mail postfix/qmgr[812]: 4A1B2C3D4E: removed\n'
            b'Dec  1 09:11:01 mail postfix/smtp[2107]: warning: connect to mx.example.com[198.51.100.7]:25: Connection refused\n'
            b'Dec  1 09:11:02 mail postfix/smtp[2108]: 5B6C7D8E9F: host mx.example.com[198.51.100.7] said: 450 try later (in reply to RCPT TO command)\n'
            b'Dec  1 09:11:03 mail dovecot: imap(bob): Logged out in=10 out=200 status=ok\n')
rc, out, err = run('--fail-on', 'any', '-', stdin=ordinary)
check(rc == 0 and out.startswith('No delivery problems found.'), 'ordinary lines: ' + out)
rc, out, err = run('--format', 'ndjson', '-', stdin=ordinary)
recs = [json.loads(l) for l in out.splitlines()]
check(len(recs) == 1 and recs[0]['status'] == 'sent' and recs[0]['diagnosis'] is None, 'ordinary: one sent attempt, no diagnosis')

# ---- --fail-on, --since/--until -------------------------------------------
check(run('--fail-on', 'sender', seed)[0] == 1, '--fail-on sender on the seed exits 1')
check(run('--fail-on', 'receiver', seed)[0] == 0, '--fail-on receiver on the seed exits 0')
check(run('--fail-on', 'nonsense', seed)[0] == 2, '--fail-on nonsense is a usage error')
rc, out, err = run('--format', 'json', '--since', '2026-12-02', seed)
s = json.loads(out)
check(s['totals']['attempts'] == 2 and [g['reason'] for g in s['groups']] == ['blocked', 'userunknown'],
      '--since keeps the last day: %s' % s['totals'])
rc, out, err = run('--format', 'json', '--until', '2026-12-01T12:00:00Z', seed)
check(json.loads(out)['totals']['attempts'] == 4, '--until keeps the morning')
check(run('--since', 'yesterday-ish', seed)[0] == 2, 'a bad time is a usage error')

# ---- .gz, standard input, ndjson equality ----------------------------------
tmp = tempfile.mkdtemp(prefix='bw-log-test-')
try:
    raw = open(seed, 'rb').read()
    gz = os.path.join(tmp, 'mail.log.2.gz')
    with gzip.open(gz, 'wb') as f:
        f.write(raw)
    strip = lambda out: [dict(json.loads(l), source=None) for l in out.splitlines()]
    plain = strip(run('--format', 'ndjson', seed)[1])
    check(strip(run('--format', 'ndjson', gz)[1]) == plain, '.gz gives the same attempts')
    check(strip(run('--format', 'ndjson', '-', stdin=gzip.compress(raw))[1]) == plain, 'gzip on stdin')
    check(strip(run('--format', 'ndjson', stdin=raw)[1]) == plain, 'stdin by default')

    # a 1 MB line (cut, still read) followed by an ordinary attempt; invalid UTF-8
    big = (b'Dec  1 10:00:00 mail postfix/smtp[1]: FFF666: to=<h@example.net>, relay=mx.example.net[192.0.2.5]:25, '
           b'delay=1, dsn=5.7.1, status=bounced (host mx.example.net[192.0.2.5] said: 550 5.7.1 ' + b'x' * (1 << 20) + b')\n'
           b'Dec  1 10:00:01 mail postfix/smtp[1]: GGG777: to=<i\xe9\xff@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, dsn=2.0.0, status=sent (250 ok \xc3\x28)\n')
    rc, out, err = run('--format', 'ndjson', '-', stdin=big)
    recs = [json.loads(l) for l in out.splitlines()]
    check(rc == 0 and [r['queue_id'] for r in recs] == ['FFF666', 'GGG777'], '1 MB line: both attempts')
    check(len(recs) == 2 and recs[1]['recipient'] == 'i\u00e9\u00ff@example.net', 'invalid UTF-8 read as Latin-1')
    rc, out, err = run('--format', 'json', '-', stdin=big)
    check(json.loads(out)['totals']['cut_lines'] == 1, '1 MB line counted as cut')

    # ---- --follow through a rotation -------------------------------------
    live = os.path.join(tmp, 'mail.log')
    lines = raw.decode().splitlines(True)
    with open(live, 'w') as f:
        f.writelines(lines[:7])           # up to the first SC-001 bounce
    p = subprocess.Popen([exe, 'log', '--year', '2026', '--follow', '--format', 'ndjson', live],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # Every wait below ends on an event (a record, end of output, the
    # process's exit); a hang is the test harness's timeout, not a bound here.

    def next_record():
        buf = b''
        while not buf.endswith(b'\n'):
            c = os.read(p.stdout.fileno(), 1)
            if not c:
                return None
            buf += c
        return json.loads(buf)

    got = [next_record(), next_record()]
    check([r and r['recipient'] for r in got] == ['carol@example.net', 'bob.friend@hotmail.com'],
          'follow: the existing lines: %s' % got)
    with open(live, 'a') as f:            # the file grows
        f.writelines(lines[7:12])
        f.write(lines[12][:40])           # half a line: not read yet
    got = [next_record(), next_record()]
    check([r and r['recipient'] for r in got] == ['dave@outlook.com', 'erin@example.com'], 'follow: growth: %s' % got)
    with open(live, 'a') as f:
        f.write(lines[12][40:])           # the line completed before the rotation
    got = next_record()
    check(got and got['recipient'] == 'frank@live.com', 'follow: a line completed later: %s' % got)
    os.rename(live, live + '.1')          # rotation: a new file under the old name
    with open(live, 'w') as f:
        f.writelines(lines[13:])
    got = [next_record() for _ in range(3)]
    check([r and r['recipient'] for r in got] == ['gina@gmail.com', 'henry@hotmail.com', 'nobody@example.net'],
          'follow: the new file after rotation: %s' % got)
    check(all(r and r['line'] <= 4 for r in got), 'follow: lines counted in the new file')
    p.send_signal(signal.SIGTERM)
    rc = p.wait()
    check(rc == 0, 'follow: ends cleanly on SIGTERM (%d)' % rc)

    # --follow with the text format: failures as they happen, the summary at the end
    p = subprocess.Popen([exe, 'log', '--year', '2026', '--follow', live],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = b''
    while b'nobody@example.net' not in first:
        c = os.read(p.stdout.fileno(), 4096)
        if not c:
            break
        first += c
    check(b'2026-12-02 05:31:37 bounced henry@hotmail.com: Microsoft Outlook.com (consumer), blocked SC-001' in first,
          'follow text: a failure line as it happens:\n' + first.decode())
    p.send_signal(signal.SIGINT)
    rest, _ = p.communicate()
    check(b'delivery problems' in first + rest and p.returncode == 0, 'follow text: the summary on SIGINT')
finally:
    shutil.rmtree(tmp)

print('%d passed, %d failed' % (passed, failures))
sys.exit(1 if failures else 0)
