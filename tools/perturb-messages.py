#!/usr/bin/env python3
"""Verdict stability of bouncewhy under structural rewrites of messages.

    tools/perturb-messages.py BOUNCEWHY DIR...      (NAME.eml files, walked)
    ONLY=nodsn,flatten tools/perturb-messages.py ...

Each rewrite keeps what a message reports but changes its structure: the
delivery-status part or the returned message dropped, text parts
re-encoded (base64, quoted-printable), a neutral From or Subject, no
Return-Path, CRLF line ends, blank lines before the headers, the parts
flattened into one text/plain, header names lower-cased, no MIME-Version,
no closing boundary, DSN fields squeezed and upper-cased.  For each it
prints how many messages changed kind, recipient set or reasons against the
unmodified message, and writes them to /tmp/mp-NAME.txt (the rewritten
messages are left in /tmp/mp/).  Dropping a part that carries the only
statement of a fact (the DSN of a notice whose text names no cause, a
forwarded bounce's attachment) changes verdicts rightly; read the rows.
Use development sets only.
"""
import email, email.policy, json, os, re, subprocess, sys, base64, quopri, collections
from email import message_from_bytes
BIN = sys.argv[1]
files = []
for d in sys.argv[2:]:
    for root, _, fs in os.walk(d):
        for f in sorted(fs):
            if f.endswith('.eml'):
                files.append(os.path.join(root, f))

def parse(b):
    return message_from_bytes(b, policy=email.policy.compat32)

def ser(m):
    return m.as_bytes()

def drop_ct(m, types):
    if not m.is_multipart():
        return False
    pl = m.get_payload()
    keep = [p for p in pl if p.get_content_type() not in types]
    if len(keep) == len(pl):
        ch = False
        for p in pl:
            ch |= drop_ct(p, types)
        return ch
    m.set_payload(keep)
    return True

def p_nodsn(b):
    m = parse(b)
    return ser(m) if drop_ct(m, ('message/delivery-status', 'message/global-delivery-status')) else None

def p_noorig(b):
    m = parse(b)
    return ser(m) if drop_ct(m, ('message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global', 'message/global-headers')) else None

def reencode(b, enc):
    m = parse(b)
    ch = False
    for p in m.walk():
        if p.get_content_type() == 'text/plain' and not p.is_multipart():
            cte = (p.get('Content-Transfer-Encoding') or '').lower()
            if cte in ('base64', 'quoted-printable'):
                continue
            raw = p.get_payload(decode=True)
            if raw is None:
                continue
            del p['Content-Transfer-Encoding']
            if enc == 'b64':
                p.set_payload(base64.encodebytes(raw).decode())
                p['Content-Transfer-Encoding'] = 'base64'
            else:
                p.set_payload(quopri.encodestring(raw).decode())
                p['Content-Transfer-Encoding'] = 'quoted-printable'
            if not p.get_param('charset'):
                p.set_param('charset', 'utf-8')
            ch = True
    return ser(m) if ch else None

def hdr(b, name, value):
    i = b.find(b'\n\n')
    if i < 0:
        return None
    h, rest = b[:i + 1], b[i:]
    new = re.sub(rb'(?mi)^' + name.encode() + rb':.*\n(?:[ \t].*\n)*', b'', h)
    if value is not None:
        new = new + (name + ': ' + value + '\n').encode()
    return new[:-0 or None] + rest[1:] if False else new + rest[1:] if new != h or value else None

def p_from(b):
    return hdr(b, 'From', 'Mail Delivery Subsystem <postmaster@relay.example.org>')
def p_subject(b):
    return hdr(b, 'Subject', 'Notification')
def p_noret(b):
    return hdr(b, 'Return-Path', None)
def p_crlf(b):
    return b.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
def p_junk(b):
    return b'\n\n' + b
def leaf_text(p):
    ct = p.get_content_type()
    if ct.startswith('text/'):
        raw = p.get_payload(decode=True)
        if raw is None:
            return None
        return raw.decode(p.get_content_charset() or 'utf-8', 'replace')
    if ct in ('message/delivery-status', 'message/global-delivery-status'):
        pl = p.get_payload()
        if isinstance(pl, list):
            return '\n'.join(x.as_string() for x in pl)
        return str(pl)
    if ct.startswith('message/'):
        pl = p.get_payload()
        if isinstance(pl, list) and pl:
            return pl[0].as_string()
        return str(pl)
    return None

def p_flatten(b):
    m = parse(b)
    if not m.is_multipart():
        return None
    texts = []
    def rec(p):
        if p.get_content_type().startswith('multipart/'):
            for q in p.get_payload():
                rec(q)
            return
        t = leaf_text(p)
        if t:
            texts.append(t)
    rec(m)
    if not texts:
        return None
    i = b.find(b'\n\n')
    h = b[:i + 1].decode('utf-8', 'replace')
    h = re.sub(r'(?mi)^(Content-Type|Content-Transfer-Encoding|MIME-Version):.*\n(?:[ \t].*\n)*', '', h)
    return (h + 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n' + '\n\n'.join(texts)).encode()

def p_lowerhdr(b):
    # lower-case every header field name (top level and MIME parts)
    out = re.sub(rb'(?m)^([A-Z][A-Za-z-]+):', lambda m: m.group(1).lower() + b':', b)
    return out if out != b else None
def p_nomime(b):
    return hdr(b, 'MIME-Version', None)
def p_noclose(b):
    m = re.search(rb'boundary="?([^";\s]+)"?', b)
    if not m:
        return None
    bd = m.group(1)
    out = b.replace(b'--' + bd + b'--', b'')
    return out if out != b else None
def p_dsnsqueeze(b):
    out = re.sub(rb'(?mi)^(Final-Recipient|Original-Recipient|Action|Status|Remote-MTA|Diagnostic-Code|Reporting-MTA):[ \t]*', lambda m: m.group(1).upper() + b':', b)
    out = re.sub(rb'(?mi)^(ACTION):(\w+)', lambda m: m.group(1) + b':' + m.group(2).upper(), out)
    out = re.sub(rb'(?mi)^(FINAL-RECIPIENT|ORIGINAL-RECIPIENT|DIAGNOSTIC-CODE|REMOTE-MTA|REPORTING-MTA):(\w+);[ \t]*', lambda m: m.group(1) + b':' + m.group(2).upper() + b';', out)
    return out if out != b else None
P = {'lowerhdr': p_lowerhdr, 'nomime': p_nomime, 'noclose': p_noclose, 'dsnsqueeze': p_dsnsqueeze,'nodsn': p_nodsn, 'noorig': p_noorig, 'b64': lambda b: reencode(b, 'b64'), 'qp': lambda b: reencode(b, 'qp'),
     'from': p_from, 'subject': p_subject, 'noret': p_noret, 'crlf': p_crlf, 'junk': p_junk, 'flatten': p_flatten}

def run(paths):
    out = subprocess.run([BIN, '--format', 'ndjson'] + paths, stdout=subprocess.PIPE).stdout.decode('utf-8', 'replace')
    res = {}
    for l in out.splitlines():
        if l.strip():
            r = json.loads(l)
            res[r.get('source')] = r
    return res

def key(r):
    if not r:
        return ('none', (), ())
    rs = r.get('recipients') or []
    return (r.get('kind'), tuple(sorted((x.get('recipient') or '').lower() for x in rs)),
            tuple(sorted(((x.get('recipient') or '').lower(), x.get('reason')) for x in rs)))

base = run(files)
only = os.environ.get('ONLY')
tmp = '/tmp/mp'
os.makedirs(tmp, exist_ok=True)
for name, fn in P.items():
    if only and name not in only.split(','):
        continue
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    made = {}
    for i, f in enumerate(files):
        try:
            nb = fn(open(f, 'rb').read())
        except Exception as e:
            nb = None
        if not nb:
            continue
        p = os.path.join(tmp, '%05d.eml' % i)
        open(p, 'wb').write(nb)
        made[p] = f
    got = run(list(made))
    kind = rset = reas = 0
    lines = []
    for p, f in made.items():
        a, b = key(base.get(f)), key(got.get(p))
        if a[0] != b[0]:
            kind += 1; lines.append('KIND  %s %s -> %s' % (f, a[0], b[0]))
        elif a[1] != b[1]:
            rset += 1; lines.append('SET   %s %s -> %s' % (f, a[1], b[1]))
        elif a[2] != b[2]:
            reas += 1; lines.append('REASON %s %s -> %s' % (f, [x[1] for x in a[2]], [x[1] for x in b[2]]))
    open('/tmp/mp-%s.txt' % name, 'w').write('\n'.join(lines) + '\n')
    print('%-8s messages %4d: kind %3d, recipient set %3d, reason %3d' % (name, len(made), kind, rset, reas))
