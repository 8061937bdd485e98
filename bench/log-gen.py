#!/usr/bin/env python3
"""Writes a synthetic Postfix mail log for the `bouncewhy log` benchmark.

    log-gen.py OUT MEGABYTES [FAIL_PERCENT]

Classic syslog lines of one busy server: for every message, smtpd
connect/client/disconnect, cleanup, qmgr, one or two smtp delivery lines and
"removed"; FAIL_PERCENT (default 3) of the delivery lines are deferrals or
bounces (the seed's Outlook.com SC-001 and RP-001 replies, Yahoo TSS04,
user unknown, mailbox full, connection timeouts), the rest status=sent.
Deterministic (fixed seed).  Prints the counts of delivery lines and
failures written.
"""
import random
import sys

out, mb = sys.argv[1], float(sys.argv[2])
fail_pct = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
rnd = random.Random(42)
target = int(mb * 1024 * 1024)

domains = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "example.net", "example.com",
           "mail.example.de", "corp.example.org", "live.com", "aol.com"]
relays = {"gmail.com": "gmail-smtp-in.l.google.com[142.250.27.27]",
          "hotmail.com": "hotmail-com.olc.protection.outlook.com[52.101.40.1]",
          "outlook.com": "outlook-com.olc.protection.outlook.com[52.101.41.2]",
          "live.com": "live-com.olc.protection.outlook.com[52.101.42.3]",
          "yahoo.com": "mta5.am0.yahoodns.net[67.195.204.72]",
          "aol.com": "mx-aol.mail.gm0.yahoodns.net[67.195.204.77]"}
failures = [
    ("5.0.0", "bounced", "host {h} said: 550 SC-001 (BAY004-MC1F7) Unfortunately, messages from 203.0.113.25 weren't sent. Please contact your Internet service provider since part of their network is on our block list. You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. (in reply to MAIL FROM command)"),
    ("4.0.0", "deferred", "host {h} said: 421 RP-001 (BLU004-MC1F5) Unfortunately, some messages from 203.0.113.25 weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day. You can also refer to http://mail.live.com/mail/troubleshooting.aspx#errors. (in reply to MAIL FROM command)"),
    ("4.7.0", "deferred", "host {h} said: 421 4.7.0 [TSS04] Messages from 203.0.113.25 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)"),
    ("5.1.1", "bounced", "host {h} said: 550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"),
    ("4.2.2", "deferred", "host {h} said: 452 4.2.2 <{r}>: Mailbox full (in reply to RCPT TO command)"),
    ("4.4.1", "deferred", "connect to {h}:25: Connection timed out"),
]
months = ["Dec"]
n_deliveries = n_failures = 0
qid = 0x1A2B3C4D5E
t = 0
size = 0
with open(out, "w", buffering=1 << 20) as f:
    while size < target:
        block = []
        for _ in range(200):
            t += rnd.randint(0, 3)
            day, rem = divmod(t, 86400)
            stamp = "Dec %2d %02d:%02d:%02d" % (1 + day % 28, rem // 3600, rem % 3600 // 60, rem % 60)
            qid += rnd.randint(1, 4096)
            q = "%010X" % (qid & 0xFFFFFFFFFF)
            pid = rnd.randint(1000, 30000)
            ip = "198.51.100.%d" % rnd.randint(1, 254)
            block.append("%s mail postfix/smtpd[%d]: connect from client%d.example.org[%s]\n" % (stamp, pid, pid, ip))
            block.append("%s mail postfix/smtpd[%d]: %s: client=client%d.example.org[%s], sasl_method=PLAIN, sasl_username=user%d\n" % (stamp, pid, q, pid, ip, pid % 97))
            block.append("%s mail postfix/cleanup[%d]: %s: message-id=<%d.%s@example.org>\n" % (stamp, pid + 3, q, t, q))
            nr = 1 if rnd.random() < 0.8 else 2
            block.append("%s mail postfix/qmgr[812]: %s: from=<user%d@example.org>, size=%d, nrcpt=%d (queue active)\n" % (stamp, q, pid % 97, rnd.randint(800, 90000), nr))
            block.append("%s mail postfix/smtpd[%d]: disconnect from client%d.example.org[%s] ehlo=1 auth=1 mail=1 rcpt=%d data=1 quit=1 commands=6\n" % (stamp, pid, pid, ip, nr))
            for k in range(nr):
                d = domains[rnd.randrange(len(domains))]
                r = "u%d.%d@%s" % (rnd.randint(1, 500000), k, d)
                host = relays.get(d, "mx.%s[192.0.2.%d]" % (d, rnd.randint(1, 254)))
                n_deliveries += 1
                if rnd.random() * 100 < fail_pct:
                    n_failures += 1
                    if d in ("hotmail.com", "outlook.com", "live.com"):
                        dsn, st, text = failures[rnd.randrange(2)]
                    elif d in ("yahoo.com", "aol.com"):
                        dsn, st, text = failures[2]
                    else:
                        dsn, st, text = failures[3 + rnd.randrange(3)]
                    block.append("%s mail postfix/smtp[%d]: %s: to=<%s>, relay=%s, delay=%.1f, delays=0.1/0/0.5/0.4, dsn=%s, status=%s (%s)\n" % (
                        stamp, pid + 7, q, r, host + ":25" if dsn != "4.4.1" else "none", rnd.random() * 5, dsn, st,
                        text.format(h=host, r=r)))
                else:
                    block.append("%s mail postfix/smtp[%d]: %s: to=<%s>, relay=%s:25, delay=%.1f, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %X)\n" % (
                        stamp, pid + 7, q, r, host, rnd.random() * 5, rnd.getrandbits(40)))
            block.append("%s mail postfix/qmgr[812]: %s: removed\n" % (stamp, q))
        s = "".join(block)
        f.write(s)
        size += len(s)
print("deliveries %d failures %d bytes %d" % (n_deliveries, n_failures, size))
