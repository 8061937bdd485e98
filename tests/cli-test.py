#!/usr/bin/env python3
"""Behaviour of the bouncewhy command: options, inputs, records, exit codes.

    cli-test.py CLI CORPUS_DIR
"""
import json, os, subprocess, sys, tempfile

cli, corpus = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print('FAIL: ' + what)


def run(*args, stdin=None):
    return subprocess.run([cli] + list(args), input=stdin, capture_output=True)


sample = os.path.join(corpus, 'postfix', 'outlook-sc001.eml')
mbox = os.path.join(corpus, 'mbox', 'three-messages.mbox')

p = run('--help')
check(p.returncode == 0 and b'Usage: bouncewhy' in p.stdout and b'Exit status' in p.stdout, '--help')
p = run('--version')
check(p.returncode == 0 and p.stdout.startswith(b'bouncewhy '), '--version')
p = run('--format', 'yaml', sample)
check(p.returncode == 2 and b'unknown format' in p.stderr, 'bad --format gives exit 2 and says why')
p = run('--no-such-option')
check(p.returncode == 2, 'unknown option gives exit 2')
# an uninstalled build finds the database built beside it, from any directory
env = {k: v for k, v in os.environ.items() if k != 'BOUNCEWHY_RULES'}
p = subprocess.run([os.path.abspath(cli), '--format', 'ndjson', os.path.abspath(sample)],
                   capture_output=True, env=env, cwd='/')
check(p.returncode == 0 and json.loads(p.stdout)['recipients'][0]['reason'] == 'blocked',
      'without BOUNCEWHY_RULES the build finds its own rule database')
p = run('--rules', '/nonexistent/rules.db', sample)
check(p.returncode == 3 and b'cannot load the rules' in p.stderr, 'missing rules database gives exit 3')

# ndjson: one object per message, source exactly as given
p = run('--format', 'ndjson', sample, mbox)
lines = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
check(p.returncode == 0, 'ndjson exit 0')
check(len(lines) == 4, 'ndjson: 1 + 3 mbox messages, got %d' % len(lines))
check(lines[0]['source'] == sample, 'source is the path as given')
check([l.get('mbox_index') for l in lines[1:]] == [0, 1, 2], 'mbox messages are numbered')
check(all(l['source'] == mbox for l in lines[1:]), 'mbox messages keep the mbox path as source')

# json: one array
p = run('--format', 'json', sample, sample)
arr = json.loads(p.stdout)
check(isinstance(arr, list) and len(arr) == 2, 'json is an array with one element per message')

# text: readable paragraph
p = run(sample)
out = p.stdout.decode()
check(p.returncode == 0 and 'bob.friend@hotmail.com' in out and 'reason' in out, 'text output names recipient and reason')
p = run('--explain', sample)
check('evidence 1:' in p.stdout.decode(), '--explain prints the evidence chain')

# stdin, plain and mbox
with open(sample, 'rb') as f:
    data = f.read()
p = run('--format', 'ndjson', '-', stdin=data)
rec = json.loads(p.stdout)
check(rec['source'] == '-' and rec['recipients'][0]['recipient'] == 'bob.friend@hotmail.com', 'stdin message')
with open(mbox, 'rb') as f:
    p = run('--format', 'ndjson', stdin=f.read())
check(len(p.stdout.decode().splitlines()) == 3, 'stdin mbox without operands')

# bad inputs: an error record each, the run goes on, exit 1
with tempfile.TemporaryDirectory() as d:
    empty = os.path.join(d, 'empty.eml')
    open(empty, 'w').close()
    missing = os.path.join(d, 'missing.eml')
    sub = os.path.join(d, 'Maildir', 'cur')
    os.makedirs(sub)
    with open(os.path.join(sub, '1.eml'), 'wb') as f:
        f.write(data)
    with open(os.path.join(sub, 'expected.json'), 'w') as f:
        f.write('{}')
    big = os.path.join(d, 'big.eml')
    with open(big, 'wb') as f:
        f.write(data + b'x' * 5000)
    p = run('--format', 'ndjson', '--max-size', '4k', empty, missing, os.path.join(d, 'Maildir'), big)
    recs = [json.loads(l) for l in p.stdout.decode().splitlines()]
    check(p.returncode == 1, 'exit 1 when some input failed, got %d' % p.returncode)
    check(len(recs) == 4, 'a record for every input (empty, missing, 1 in Maildir, big), got %d' % len(recs))
    by = {r['source']: r for r in recs}
    check(by.get(empty, {}).get('error_code') == 'BW_EPARSE', 'empty file: BW_EPARSE record')
    check(by.get(missing, {}).get('error_code') == 'BW_EIO', 'missing file: BW_EIO record')
    check(by.get(big, {}).get('error_code') == 'BW_ELIMIT', 'over --max-size: BW_ELIMIT record')
    check(os.path.join(sub, '1.eml') in by and by[os.path.join(sub, '1.eml')]['kind'] == 'bounce',
          'directories are read recursively')
    check(all('error' in r for r in recs if r['source'] != os.path.join(sub, '1.eml')), 'error records carry error')

# explain subcommand
p = run('explain', '--format', 'json', '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown')
r = json.loads(p.stdout)[0]
check(p.returncode == 0 and r['kind'] == 'reply' and r['recipients'][0]['reason'] == 'userunknown', 'explain a reply')
p = run('explain', '-', stdin=b'421 4.7.0 try later\n550 5.1.1 no such user\n')
check(p.returncode == 0 and sum(l.startswith('reply:') for l in p.stdout.decode().splitlines()) == 2,
      'explain reads one reply per line from stdin')
p = run('explain')
check(p.returncode == 2, 'explain without text is a usage error')

# the seed replies through `bouncewhy explain` (../shared/docs/seed-replies.md)
p = run('explain', '--format', 'json', '--host', 'mx2.hotmail.com', '--command', 'MAIL',
        "550 SC-001 (COL004-MC2F22) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact "
        "your Internet service provider since part of their network is on our block list.")
r = json.loads(p.stdout)[0]['recipients'][0]
check((r['reason'], r['fault'], r['provider_code'], r['server_tag'], r['permanent'], r['hard_bounce'])
      == ('blocked', 'sender', 'SC-001', 'COL004-MC2F22', True, False), 'explain SC-001: %r' % r)
check('Microsoft' in (r['provider'] or '') and any('SNDS' in x for x in r['remedies']), 'explain SC-001 provider and remedies')
p = run('explain', '--format', 'json', "421 RP-001 (BLU004-MC1F5) Unfortunately, some messages from 192.0.2.1 "
        "weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day.")
r = json.loads(p.stdout)[0]['recipients'][0]
check((r['reason'], r['fault'], r['provider_code'], r['permanent'], r['hard_bounce'])
      == ('speeding', 'sender', 'RP-001', False, False), 'explain RP-001: %r' % r)
p = run('explain', '--format', 'json', 'SC-001')
r = json.loads(p.stdout)[0]['recipients'][0]
check(r['reason'] == 'blocked' and 'Microsoft' in (r['provider'] or ''), 'explain a bare provider code')

print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
