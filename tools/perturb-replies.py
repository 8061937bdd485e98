#!/usr/bin/env python3
"""Verdict stability of `bouncewhy explain` under rewrites of the replies.

    tools/perturb-replies.py BOUNCEWHY tests/paraphrase/SET.tsv...
    ONLY=isnot,inbox tools/perturb-replies.py ...     (some rewrites only)

Each rewrite changes a reply in a way that should not change its reason
(a negation contracted, "mailbox" as "mail box", a help link appended, a
synonym, a British spelling...).  For each, prints how many replies it
applied to and how many verdicts changed ("worse": the plain reply's
verdict was its label, "better": the rewritten one's is), and writes the
changed rows to /tmp/p2-NAME.txt.  A rewrite that changes many verdicts
points to rules written for one spelling of a family.  Some rewrites are
cruder than real replies (swapping a wrapper's words); read the rows before
acting on them.  Use development sets only: the rows show the replies.
"""
import json, os, re, subprocess, sys, collections
BIN = sys.argv[1]
rows = []
for p in sys.argv[2:]:
    for line in open(p, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        reason, alts, reply = line.split('\t', 2)
        rows.append((os.path.basename(p), reason, reply))

def sub(pat, rep, flags=re.I):
    rx = re.compile(pat, flags)
    def f(s):
        t = rx.sub(rep, s)
        return t if t != s else None
    return f

import textwrap
def flat_multiline(s):
    m = re.match(r'^([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})\s)?\s*(.*)$', s)
    if not m:
        return None
    code, esc, text = m.group(1), m.group(2), m.group(3)
    parts = textwrap.wrap(text, 40, break_long_words=False, break_on_hyphens=False)
    if len(parts) < 2:
        return None
    pre = lambda sep: code + sep + ((esc + ' ') if esc else '')
    return ' '.join(pre('-' if i < len(parts) - 1 else ' ') + p for i, p in enumerate(parts))

CODE_RX = re.compile(r'^([245]\d\d)([ -])(?:([245]\.\d{1,3}\.\d{1,3})\s+)?(.*)$')
def add500(s):
    m = CODE_RX.match(s)
    if not m or m.group(3):
        return None
    return '%s%s%s.0.0 %s' % (m.group(1), m.group(2), m.group(1)[0], m.group(4))
def to500(s):
    m = CODE_RX.match(s)
    if not m or not m.group(3) or m.group(3).endswith('.0.0'):
        return None
    return '%s%s%s.0.0 %s' % (m.group(1), m.group(2), m.group(1)[0], m.group(4))
def swap_clauses(s):
    m = CODE_RX.match(s)
    pre = ''
    rest = s
    if m:
        pre = m.group(1) + ' ' + ((m.group(3) + ' ') if m.group(3) else '')
        rest = m.group(4)
    parts = re.split(r'(?<=\w): ', rest, maxsplit=1)
    if len(parts) != 2 or len(parts[0]) < 8 or len(parts[1]) < 8 or '@' in parts[0][-3:]:
        return None
    a, b = parts
    return pre + b.rstrip('.') + ' (' + a + ')'
R = {
 'rcpt-addr': sub(r"\brecipient\b", "addressee"),
 'user-acct': sub(r"\buser\b", "account"),
 'rej-decl': sub(r"\brejected\b", "declined"),
 'yourip': sub(r"\byour IP\b", "the sending IP"),
 'uk-us': lambda s: (lambda t: t if t != s else None)(re.sub(r'(?i)(authori|organi|recogni|customi|minimi|prioriti|categori|utili)s', r'\1z', s)),
 'us-uk': lambda s: (lambda t: t if t != s else None)(re.sub(r'(?i)(authori|organi|recogni|customi|minimi|prioriti|categori|utili)z', r'\1s', s)),
 'retry': sub(r"\btry again later\b", "retry later"),
 'cannot-unable': sub(r"\bcannot\b", "is unable to"),
 'nolonger': sub(r"\bdoes not exist\b", "no longer exists"),
 'inbox': sub(r"\bmailbox\b", "inbox"),
 'acct-mbox': sub(r"\baccount\b", "mailbox"),
 'dis-deact': sub(r"\bdisabled\b", "deactivated"),
 'deact-dis': sub(r"\b(deactivated|suspended)\b", "disabled"),
 'dis-inact': sub(r"\b(?:is|has been) disabled\b", "is inactive"),
 'bl-listed': sub(r"\bblacklisted\b", "blocklisted"),
 'bl-deny': sub(r"\b(?:blacklist|blocklist)\b", "denylist"),
 'spam-junk': sub(r"\bspam\b", "junk mail"),
 'spam-unsol': sub(r"\bspam\b", "unsolicited mail"),
 'exc-reach': sub(r"\bexceeded\b", "reached"),
 'toomany': sub(r"\btoo many\b", "an excessive number of"),
 'temp-curr': sub(r"\btemporarily\b", "currently"),
 'full-noroom': sub(r"\bis full\b", "has no room left"),
 'quota-storage': sub(r"\bquota\b", "storage limit"),
 'unk-invalid': sub(r"\bunknown\b", "invalid"),
 'notfound-unk': sub(r"\bnot found\b", "unknown"),
 'exist-valid': sub(r"\bdoes not exist\b", "is not valid"),
 'msg-letter': sub(r"\bmessages\b", "emails"),
 'sender-from': sub(r"\bsender\b", "originator"),
 'ip-host': sub(r"\bIP address\b", "host"),
 'server-host': sub(r"\bserver\b", "host"),
 'domain-dom': sub(r"\bdomain\b", "mail domain"),
 'add500': add500, 'to500': to500, 'swapcl': swap_clauses,
 'upper': lambda s: s.upper() if s.upper() != s else None,
 'flatml': lambda s: flat_multiline(s),
 'lower': lambda s: s.lower() if s.lower() != s else None,
 'doesnt': sub(r"\bdoes not\b", "doesn't"),
 'doesnot': sub(r"\bdoesn'?t\b", "does not"),
 'isnot': sub(r"\bis not\b", "isn't"),
 'cant': sub(r"\bcan ?not\b", "can't"),
 'couldnt': sub(r"\b(could|would|should|was|were|are|do|did|has|have) not\b", r"\1n't"),
 'wont': sub(r"\bwill not\b", "won't"),
 'curly': sub(r"n't\b", "n\u2019t"),
 'expand': sub(r"\b(is|are|was|were|do|does|did|has|have|could|would|should)n't\b", r"\1 not"),
 'mail-box': sub(r"\bmailbox", "mail box"),
 'mbox-acct': sub(r"\bmailbox\b", "email account"),
 'user-rcpt': sub(r"\buser\b", "recipient"),
 'rcpt-user': sub(r"\brecipient\b", "user"),
 'addr-rcpt': sub(r"\baddressee\b", "recipient"),
 'email-mail': sub(r"\be-?mail\b", "message"),
 'msg-email': sub(r"\bmessage\b", "email"),
 'rej-ref': sub(r"\brejected\b", "refused"),
 'rej-den': sub(r"\brejected\b", "denied"),
 'ref-rej': sub(r"\b(?:refused|denied|declined)\b", "rejected"),
 'dueto': sub(r"\bbecause\b", "due to"),
 'sorry': lambda s: re.sub(r'^((?:[245]\d\d[ -])?(?:[245]\.\d+\.\d+ )?)', r'\1Sorry, ', s, count=1),
 'moreinfo': lambda s: s.rstrip() + ' For more information see https://help.example.net/smtp-errors',
 'idtag': lambda s: s.rstrip() + ' [AM6PR01MB1234.eurprd01.prod.example.net 2026-03-09T10:12:40.123Z 08DC1234ABCD]',
 'nopunct': lambda s: (re.sub(r'[.;:!,]', '', s) if re.search(r'[.;:!,]', s) else None),
 'quoted': lambda s: "Remote server returned '%s'" % s,
 'prefix-rcpt': lambda s: re.sub(r'^((?:[245]\d\d[ -])?(?:[245]\.\d+\.\d+ )?)', r'\1<robin@example.net>: ', s, count=1),
 'temporarily': sub(r"\b(unavailable|blocked|rejected|refused)\b", r"temporarily \1"),
 'hyphen': sub(r"\b(over) (quota)\b", r"\1-\2"),
 'spaces': lambda s: re.sub(r' ', '  ', s) if ' ' in s else None,
 'pfx-said': lambda s: ('host mx.example.net[192.0.2.25] said: %s (in reply to RCPT TO command)' % s) if CODE_RX.match(s) else None,
 'exim-said': lambda s: ('SMTP error from remote mail server after RCPT TO:<robin@example.net>: %s' % s) if CODE_RX.match(s) else None,
 'smtp-semi': lambda s: ('smtp; %s' % s) if CODE_RX.match(s) else None,
}
def run(args, inp):
    return subprocess.run(args, input=inp, stdout=subprocess.PIPE, check=False).stdout.decode('utf-8', 'replace')
def verdicts(texts):
    out = run([BIN, 'explain', '--format', 'ndjson', '-'], ''.join(t.replace('\n', ' ') + '\n' for t in texts).encode())
    return [json.loads(l)['recipients'][0] for l in out.splitlines() if l.strip()]
plain = verdicts([r[2] for r in rows])
only = os.environ.get('ONLY')
for name, fn in R.items():
    if only and name not in only.split(','):
        continue
    idx, texts = [], []
    for i, r in enumerate(rows):
        t = fn(r[2])
        if t:
            idx.append(i); texts.append(t)
    got = verdicts(texts)
    diff = []; worse = better = 0
    for i, t, g in zip(idx, texts, got):
        a, b = plain[i]['reason'], g['reason']
        if a != b:
            lab = rows[i][1]
            tag = '+' if b == lab else ('-' if a == lab else ' ')
            worse += tag == '-'; better += tag == '+'
            diff.append('%s %-14s plain %-14s now %-14s %-24s %s' % (tag, rows[i][0], a, b, g.get('rule'), t))
    open('/tmp/p2-%s.txt' % name, 'w').write('\n'.join(diff) + '\n')
    print('%-12s rows %5d differ %4d (worse %4d, better %3d)' % (name, len(texts), len(diff), worse, better))
