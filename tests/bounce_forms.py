#!/usr/bin/env python3
"""The same reply gives the same verdict in every bounce form.

Usage: bounce_forms.py BOUNCEWHY SET.tsv...

Each reply of the paraphrase sets that carries a reply code is classified by
`bouncewhy explain`, then wrapped in nine bounce layouts written here (a
Postfix report with a delivery-status part and an older one without, two
Exim notices, a qmail notice, a bare RFC 3464 report without a stage, a
Sendmail report with its session transcript and an older one without a
delivery-status part, an Exchange report) and parsed as a bounce.  The verdict
must be the same, recipient found, except where a bounce legitimately adds
knowledge the bare reply lacks:
  - a report that records no SMTP stage keeps the convention for "user
    unknown" without a stage (rule filtered.unknown-stage, doc/rules-format.md);
  - a failed delivery whose last reply was temporary (4xx) may read as
    `expired` (the queue gave up).
A difference means a decoder mangles the reply (drops it, adds its own
template words to it, misreads the code).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

RCPT = 'kim@example.org'
# The returned original's header block, the same in every layout.
ORIGINAL = 'From: bob@example.net\nTo: %s\nSubject: hello\n' % RCPT


def status_of(reply):
    m = re.match(r'\s*[245]\d\d[ -]+([245]\.\d{1,3}\.\d{1,3})\b', reply)
    if m:
        return m.group(1)
    return reply.strip()[0] + '.0.0'


def postfix(reply, status):
    return f"""From: MAILER-DAEMON@mail.example.net (Mail Delivery System)
To: bob@example.net
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=utf-8

This is the mail system at host mail.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{RCPT}>: host mx.example.org[192.0.2.25] said: {reply} (in reply to
    RCPT TO command)

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.net

Final-Recipient: rfc822; {RCPT}
Action: failed
Status: {status}
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; {reply}

--B1
Content-Type: text/rfc822-headers

{ORIGINAL}
--B1--
"""


def exim(reply, status):
    return f"""From: Mail Delivery System <Mailer-Daemon@mail.example.net>
To: bob@example.net
Subject: Mail delivery failed: returning message to sender

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {RCPT}
    host mx.example.org [192.0.2.25]
    SMTP error from remote mail server after RCPT TO:<{RCPT}>:
    {reply}

------ This is a copy of the message, including all the headers. ------

{ORIGINAL}
hi
"""


def qmail(reply, status):
    return f"""From: MAILER-DAEMON@mail.example.net
To: bob@example.net
Subject: failure notice

Hi. This is the qmail-send program at mail.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{RCPT}>:
192.0.2.25 does not like recipient.
Remote host said: {reply}
Giving up on 192.0.2.25.

--- Below this line is a copy of the message.

{ORIGINAL}
hi
"""


def rfc3464(reply, status):
    return f"""From: postmaster@mail.example.net
To: bob@example.net
Subject: Delivery Status Notification (Failure)
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

Delivery has failed to these recipients or groups:

{RCPT}

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.net

Final-Recipient: rfc822; {RCPT}
Action: failed
Status: {status}
Diagnostic-Code: smtp; {reply}

--B1--
"""


def sendmail(reply, status):
    return f"""From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.net>
To: bob@example.net
Subject: Returned mail: see transcript for details
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B2"

--B2

The original message was received at Tue, 1 Dec 2026 10:00:00 +0100
from localhost [127.0.0.1]

   ----- The following addresses had permanent fatal errors -----
<{RCPT}>
    (reason: {reply})

   ----- Transcript of session follows -----
... while talking to mx.example.org.:
>>> RCPT To:<{RCPT}>
<<< {reply}

--B2
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.net
Arrival-Date: Tue, 1 Dec 2026 10:00:00 +0100

Final-Recipient: RFC822; {RCPT}
Action: failed
Status: {status}
Remote-MTA: DNS; mx.example.org
Diagnostic-Code: SMTP; {reply}
Last-Attempt-Date: Tue, 1 Dec 2026 10:00:01 +0100

--B2
Content-Type: text/rfc822-headers

{ORIGINAL}
--B2--
"""


def exchange(reply, status):
    return f"""From: postmaster@example.net
To: bob@example.net
Subject: Undeliverable: hello
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B3"

--B3
Content-Type: text/plain; charset=us-ascii

Delivery has failed to these recipients or groups:

{RCPT}
A problem occurred during the delivery of this message to this e-mail
address. Try sending this message again.

Diagnostic information for administrators:

Generating server: mail.example.net

{RCPT}
mx.example.org #{reply} ##

--B3
Content-Type: message/delivery-status

Reporting-MTA: dns;mail.example.net
Received-From-MTA: dns;client.example.net
Arrival-Date: Tue, 1 Dec 2026 09:00:00 +0000

Final-Recipient: rfc822;{RCPT}
Action: failed
Status: {status}
Remote-MTA: dns;mx.example.org
Diagnostic-Code: smtp;{reply}

--B3
Content-Type: text/rfc822-headers

{ORIGINAL}
--B3--
"""


def postfix_plain(reply, status):
    """An older Postfix notice: no delivery-status part, the reply folded."""
    return f"""From: MAILER-DAEMON@mail.example.net (Mail Delivery System)
To: bob@example.net
Subject: Undelivered Mail Returned to Sender

This is the Postfix program at host mail.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

\t\t\tThe Postfix program

<{RCPT}>: host mx.example.org[192.0.2.25] said: {reply} (in reply to RCPT TO
    command)

--- Below this line is a copy of the message.

{ORIGINAL}
hi
"""


def exim_host_line(reply, status):
    """Exim with the reply on the host line, as older versions write it."""
    return f"""From: Mail Delivery System <Mailer-Daemon@mail.example.net>
To: bob@example.net
Subject: Mail delivery failed: returning message to sender

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {RCPT}
    SMTP error from remote mail server after RCPT TO:<{RCPT}>:
    host mx.example.org [192.0.2.25]: {reply}

------ This is a copy of the message, including all the headers. ------

{ORIGINAL}
hi
"""


def sendmail_plain(reply, status):
    """An older Sendmail notice: the transcript only, no delivery-status part."""
    return f"""From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.net>
To: bob@example.net
Subject: Returned mail: User unknown

The original message was received at Tue, 1 Dec 2026 10:00:00 +0100
from localhost [127.0.0.1]

   ----- The following addresses had permanent fatal errors -----
<{RCPT}>

   ----- Transcript of session follows -----
... while talking to mx.example.org.:
>>> RCPT To:<{RCPT}>
<<< {reply}

   ----- Original message follows -----

{ORIGINAL}
hi
"""


FORMS = {'postfix': postfix, 'exim': exim, 'qmail': qmail, 'rfc3464': rfc3464,
         'sendmail': sendmail, 'exchange': exchange, 'postfix-plain': postfix_plain,
         'exim-host-line': exim_host_line, 'sendmail-plain': sendmail_plain}


def replies(paths):
    out = []
    for path in paths:
        with open(path, encoding='utf-8') as f:
            for line in f:
                line = line.rstrip('\n')
                if line and not line.startswith('#'):
                    reply = line.split('\t', 2)[2]
                    if re.match(r'[245]\d\d\b', reply):
                        out.append(reply)
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    exe, sets = sys.argv[1], sys.argv[2:]
    rows = replies(sets)
    text = ''.join(r + '\n' for r in rows)
    out = subprocess.run([exe, 'explain', '--format', 'ndjson', '-'], input=text.encode(),
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    said = [json.loads(l)['recipients'][0]['reason'] for l in out]
    assert len(said) == len(rows), 'explain gave %d records for %d replies' % (len(said), len(rows))
    failures = []
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i, reply in enumerate(rows):
            for name, form in FORMS.items():
                path = os.path.join(d, '%04d-%s.eml' % (i, name))
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(form(reply, status_of(reply)))
                files.append((i, name, path))
        # the directory, not thousands of file arguments (the kernel's
        # limit on an argument list)
        out = subprocess.run([exe, '--format', 'ndjson', d],
                             stdout=subprocess.PIPE, check=False).stdout.decode().splitlines()
        records = {}
        for line in out:
            rec = json.loads(line)
            records[rec['source']] = rec
        for i, name, path in files:
            rec = records.get(path)
            rcpts = (rec or {}).get('recipients') or []
            if len(rcpts) != 1 or rcpts[0].get('recipient') != RCPT:
                failures.append('%s: recipients %s: %s' % (
                    name, [r.get('recipient') for r in rcpts], rows[i]))
                continue
            got = rcpts[0]
            if got['reason'] == said[i]:
                continue
            if got.get('rule') == 'filtered.unknown-stage' and said[i] == 'userunknown':
                continue
            if got['reason'] == 'expired' and rows[i].startswith('4'):
                continue
            failures.append('%s: explain says %s, the bounce %s (rule %s): %s' % (
                name, said[i], got['reason'], got.get('rule'), rows[i]))
    print('%d replies x %d bounce forms: %d differ' % (len(rows), len(FORMS), len(failures)))
    for f in failures:
        print('  ' + f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
