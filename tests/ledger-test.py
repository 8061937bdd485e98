#!/usr/bin/env python3
"""`bouncewhy ledger` from the command line: add (mail and NDJSON, twice),
the report formats, sender faults never suppressing, two processes writing
at once with nothing lost, an `add` killed in the middle leaving a
consistent ledger, a newer schema refused, forget, the exit codes.

    ledger-test.py BOUNCEWHY CORPUS_DIR [postgresql://]

With a postgresql:// argument every ledger is a new database on the server
the environment names (PGHOST...; tests/ledger-pg.sh runs this under
pg_virtualenv); without it, SQLite files in a temporary directory.
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

exe, corpus = sys.argv[1], sys.argv[2]
pg = len(sys.argv) > 3 and sys.argv[3].startswith("postgres")
tmp = tempfile.mkdtemp(prefix="bw-ledger-cli-")
passed = failed = 0
BATCH = 500   # messages per transaction in `ledger add` (cli/cmd_ledger.c)
# PostgreSQL pays a round trip per statement: smaller inputs keep it quick.
N_WRITER = 1500 if pg else 3000
N_BIG = 6000 if pg else 20000


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (what, detail[:2000]))


def new_ledger(name):
    if pg:
        subprocess.run(["dropdb", "--if-exists", name], check=True, capture_output=True)
        subprocess.run(["createdb", name], check=True, capture_output=True)
        return "postgresql:///" + name
    path = os.path.join(tmp, name + ".db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    return path


def run(ledger, *args, stdin=None, env=None):
    argv = [exe] + (["--ledger", ledger] if ledger else []) + ["ledger"] + list(args)
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env)


def stats(ledger):
    p = run(ledger, "--format", "json", "stats")
    check(p.returncode == 0, "stats exit", p.stderr)
    return json.loads(p.stdout) if p.returncode == 0 else {}


def ndjson_record(i, domain_count=50, reason="userunknown", hard=True, fault="recipient"):
    return json.dumps({
        "source": "synthetic", "kind": "bounce",
        "date": "Thu, 28 May 2026 %02d:%02d:%02d +0000" % (i // 3600 % 24, i // 60 % 60, i % 60),
        "from": "MAILER-DAEMON@mx.example", "subject": "failure %d" % i,
        "original_message_id": "<m%d@list.example>" % i,
        "recipients": [{"recipient": "u%d@d%d.example" % (i, i % domain_count),
                        "action": "failed", "status": "5.1.1", "reason": reason,
                        "fault": fault, "hard_bounce": hard}],
    })


def write_ndjson(name, start, n, **kw):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        for i in range(start, start + n):
            f.write(ndjson_record(i, **kw) + "\n")
    return path


# --- the policy and usage -------------------------------------------------
p = run(None, "policy")
check(p.returncode == 0 and "\nsoft_count = 3\n" in p.stdout, "policy prints the defaults", p.stdout + p.stderr)
bad = os.path.join(tmp, "bad.conf")
with open(bad, "w") as f:
    f.write("soft_count = 3\nsoft_dayz = 1\n")
p = run(None, "--policy", bad, "policy")
check(p.returncode == 2 and "bad.conf:2: unknown key" in p.stderr, "bad policy: exit 2 with file:line", p.stderr)
env = dict(os.environ)
env.pop("BOUNCEWHY_LEDGER", None)
p = run(None, "stats", env=env)
check(p.returncode == 2 and "no ledger" in p.stderr, "no ledger named: exit 2", p.stderr)
p = run(None, "frobnicate", env=env)
check(p.returncode == 2, "unknown command: exit 2", p.stderr)

# --- add the corpus, twice ------------------------------------------------
mail = new_ledger("mail")
p = run(mail, "add", corpus)
check(p.returncode == 0 and " entries recorded" in p.stdout, "add corpus", p.stdout + p.stderr)
first = p.stdout
p = run(mail, "add", corpus)
check(p.returncode == 0 and " 0 entries recorded" in p.stdout, "adding again records nothing", p.stdout)
s1 = stats(mail)
check(s1.get("events", {}).get("bounce", 0) > 50, "bounces counted", json.dumps(s1))
supp_mail = run(mail, "suppressed").stdout
check(len(supp_mail.splitlines()) > 10, "some addresses suppressed", supp_mail)

# through NDJSON: the same decisions
ndj = os.path.join(tmp, "corpus.ndjson")
with open(ndj, "w") as f:
    subprocess.run([exe, "--format", "ndjson", corpus], stdout=f, check=False)
viajson = new_ledger("viajson")
p = run(viajson, "add", ndj)
check(p.returncode == 0, "add NDJSON file", p.stdout + p.stderr)
check(run(viajson, "suppressed").stdout == supp_mail, "NDJSON gives the same suppressions")
viastdin = new_ledger("viastdin")
with open(ndj) as f:
    p = run(viastdin, "add", "--ndjson", "-", stdin=f.read())
check(p.returncode == 0 and run(viastdin, "suppressed").stdout == supp_mail,
      "NDJSON on stdin (--ndjson -)", p.stdout + p.stderr)

# --- formats ----------------------------------------------------------------
csv = run(mail, "--format", "csv", "suppressed").stdout.splitlines()
check(csv[0] == "address,state,rule,since,reason", "csv header", csv[0] if csv else "")
check([l.split(",")[0] for l in csv[1:]] == supp_mail.splitlines(), "csv: the address first")
pf = run(mail, "--format", "postfix", "suppressed").stdout.splitlines()
check(all(l.split()[1] == "REJECT" for l in pf) and len(pf) == len(csv) - 1, "postfix access map", "\n".join(pf[:3]))
js = json.loads(run(mail, "--format", "json", "suppressed").stdout)
check([o["address"] for o in js] == supp_mail.splitlines() and all(o["rule"] for o in js), "json list")
p = run(mail, "--format", "csv", "stats")
check(p.returncode == 2, "csv only for suppressed", p.stderr)

# --- sender-side failures never suppress -------------------------------------
blocked = "bob.friend@hotmail.com"    # tests/corpus/postfix/outlook-sc001.eml: blocked, sender
st = json.loads(run(mail, "--format", "json", "status", blocked).stdout)
check(st["state"] == "active" and st["entries"] and st["entries"][0]["fault"] == "sender",
      "a sender-side bounce keeps the address", json.dumps(st))
check(blocked not in supp_mail, "not in suppressed")
day = st["entries"][0]["time"]
now = int(time.mktime(time.strptime(day, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone) + 3600
al = json.loads(run(mail, "--format", "json", "--now", str(now), "alerts").stdout)
check(any("Outlook" in (a["provider"] or "") for a in al["sender"]), "sender alert per provider", json.dumps(al))
p = run(mail, "--now", str(now), "alerts")
check("sender-side failures" in p.stdout and "Outlook" in p.stdout, "alerts text", p.stdout)

# --- forget -------------------------------------------------------------------
victim = supp_mail.splitlines()[0]
p = run(mail, "forget", victim)
check(p.returncode == 0, "forget", p.stdout + p.stderr)
st = json.loads(run(mail, "--format", "json", "status", victim).stdout)
check(st["state"] == "active" and st["rule"] == "forget", "forgotten: active", json.dumps(st))
check(run(mail, "add", corpus).stdout.count(" 0 entries recorded") == 1 and
      json.loads(run(mail, "--format", "json", "status", victim).stdout)["state"] == "active",
      "re-feeding the old bounces does not suppress a forgotten address")
p = run(mail, "forget", "nobody@nowhere.example")
check(p.returncode == 1, "forget of an unknown address: exit 1", p.stderr)

# --- two writers at once ---------------------------------------------------
shared = new_ledger("shared")
a = write_ndjson("a.ndjson", 0, N_WRITER)
b = write_ndjson("b.ndjson", N_WRITER, N_WRITER)
pa = subprocess.Popen([exe, "--ledger", shared, "ledger", "add", a], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
pb = subprocess.Popen([exe, "--ledger", shared, "ledger", "add", b], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
oa, ea = pa.communicate()
ob, eb = pb.communicate()
check(pa.returncode == 0 and pb.returncode == 0, "two concurrent writers succeed", ea + eb)
s = stats(shared)
check(s.get("events", {}).get("bounce") == 2 * N_WRITER, "nothing lost: every entry", json.dumps(s.get("events")))
check(sum(s.get("states", {}).values()) == 2 * N_WRITER, "every address", json.dumps(s.get("states")))
once = new_ledger("once")
run(once, "add", a, b)
check(run(shared, "suppressed").stdout == run(once, "suppressed").stdout,
      "concurrent writers decide as one writer does")

# --- an add killed in the middle -----------------------------------------------
big = write_ndjson("big.ndjson", 100000, N_BIG, domain_count=N_BIG // 10)
killed = new_ledger("killed")
proc = subprocess.Popen([exe, "--ledger", killed, "ledger", "add", big],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
n = 0
while proc.poll() is None:
    s = stats(killed)
    n = s.get("events", {}).get("bounce", 0)
    if n > 0:
        break
    time.sleep(0.01)
mid = proc.poll() is None
proc.send_signal(signal.SIGKILL)
proc.wait()
if not mid:
    print("note: add finished before the kill; only consistency is checked")
s = stats(killed)
n = s.get("events", {}).get("bounce", 0)
check(n % BATCH == 0, "killed add: whole batches only (%d entries)" % n)
check(sum(s.get("states", {}).values()) == n, "killed add: every entry has its address", json.dumps(s.get("states")))
if not pg:
    db = sqlite3.connect(killed)
    check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "killed add: integrity_check ok")
    db.close()
p = run(killed, "add", big)
check(p.returncode == 0, "add after the kill", p.stderr)
s = stats(killed)
check(s.get("events", {}).get("bounce") == N_BIG, "after the kill: all entries, none twice", json.dumps(s.get("events")))
clean = new_ledger("clean")
run(clean, "add", big)
check(run(killed, "suppressed").stdout == run(clean, "suppressed").stdout,
      "killed and re-run ledger equals a clean one")

# --- a newer schema is refused ------------------------------------------------
if not pg:   # the C test covers PostgreSQL (tests/unit/test-ledger.c)
    newer = new_ledger("newer")
    run(newer, "stats")
    db = sqlite3.connect(newer)
    db.execute("UPDATE bw_meta SET value = '7' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    p = run(newer, "stats")
    check(p.returncode == 4 and "schema version 7, newer than" in p.stderr, "newer schema: exit 4, clear message", p.stderr)

# $BOUNCEWHY_LEDGER names the ledger
env = dict(os.environ, BOUNCEWHY_LEDGER=mail)
p = run(None, "suppressed", env=env)
check(p.returncode == 0 and p.stdout, "$BOUNCEWHY_LEDGER", p.stderr)

subprocess.run(["rm", "-rf", tmp])
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
