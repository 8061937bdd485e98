#!/bin/sh
# Benchmark of the bounce ledger (`bouncewhy ledger`), on SQLite and, when
# pg_virtualenv and a PostgreSQL server are installed, on PostgreSQL:
#
#   add-ndjson  the shared corpus (CORPUS, default ../shared/corpus/sisimai,
#               else tests/corpus) diagnosed once with --format ndjson, then
#               replicated to N_ADD (default 100,000) records, each copy with
#               its own recipient addresses and Message-IDs, fed to
#               `ledger add`: bounces/s and database size.  Measures the
#               ledger alone (reading NDJSON, the policy, the database).
#   add-mail    (SQLite only) the corpus messages replicated into an mbox of
#               N_ADD messages, each copy with its own Message-ID: `ledger
#               add` parses and records them (parse + ledger).
#   suppressed  `ledger suppressed` on a ledger of N_EVENTS (default
#               1,000,000) events: N_EVENTS/5 addresses with five bounces
#               each, of mixed reasons, fed with `ledger add`.
#
# Generated files go to a temporary directory, deleted at the end.
#   bench/ledger.sh            (BUILD=build-bench: a release build)
set -eu
SELF=$(readlink -f "$0")
cd "$(dirname "$SELF")/.."
BUILD=${BUILD:-build-bench}
N_ADD=${N_ADD:-100000}
N_EVENTS=${N_EVENTS:-1000000}
PY=/usr/bin/python3

if [ -z "${CORPUS:-}" ]; then
	for c in ../shared/corpus/sisimai tests/corpus; do
		[ -d "$c" ] && { CORPUS=$c; break; }
	done
fi
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=false -Dpython=disabled >/dev/null
fi
ninja -C "$BUILD" >/dev/null
BW=$PWD/$BUILD/bouncewhy
BOUNCEWHY_RULES=$PWD/$BUILD/rules/rules.db
export BOUNCEWHY_RULES

# timed OUT-PREFIX COMMAND...: runs COMMAND with stdout to $TMP/out and
# prints "wall W s, cpu C s" (the machine may be shared: CPU time is the
# steadier figure; PostgreSQL's own CPU is not in it).
timed() {
	/usr/bin/time -f "%e %U %S" -o "$TMP/time" "$@" >"$TMP/out" || true
	tail -n 1 "$TMP/time" | awk '{printf "wall %.2f s, cpu %.2f s", $1, $2 + $3}'
}

# run_backend NAME MAKE-LEDGER-COMMAND SIZE-COMMAND
run_backend() {
	name=$1 mk=$2 size=$3
	loc=$($mk add)
	t=$(timed "$BW" --ledger "$loc" ledger add "$TMP/add.ndjson")
	echo "$name add-ndjson: $(cat "$TMP/out"): $t; database $($size "$loc")"
	if [ "$name" = sqlite ]; then
		loc=$($mk mail)
		t=$(timed "$BW" --ledger "$loc" ledger add "$TMP/add.mbox" 2>/dev/null)
		echo "$name add-mail: $(cat "$TMP/out"): $t; database $($size "$loc")"
	fi
	loc=$($mk million)
	t=$(timed "$BW" --ledger "$loc" ledger add "$TMP/million.ndjson")
	echo "$name add-million: $(cat "$TMP/out"): $t; database $($size "$loc")"
	for run in 1 2 3; do
		t=$(timed "$BW" --ledger "$loc" ledger suppressed)
		echo "$name suppressed (run $run): $(wc -l < "$TMP/out") addresses: $t"
	done
	t=$(timed "$BW" --ledger "$loc" ledger --format csv suppressed)
	echo "$name suppressed --format csv: $t"
}

pg_mk() { dropdb --if-exists "$1" >/dev/null 2>&1; createdb "$1"; echo "postgresql:///$1"; }
pg_size() { psql -Atc "SELECT pg_size_pretty(pg_database_size('${1##*/}'))"; }

# Inside pg_virtualenv (see the end): the inputs are in $TMP already.
if [ "${1:-}" = --pg-inner ]; then
	run_backend postgresql pg_mk pg_size
	exit 0
fi

TMP=$(mktemp -d /tmp/bw-ledger-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

echo "corpus: $CORPUS"
"$BW" --format ndjson "$CORPUS" > "$TMP/corpus.ndjson" || true

# NDJSON replicated: copy k renames every address local@domain to
# local+bk@domain and every Message-ID, so no copy is a duplicate.
$PY - "$TMP/corpus.ndjson" "$TMP/add.ndjson" "$N_ADD" <<'EOF'
import json, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
recs = [json.loads(l) for l in open(src) if l.strip()]
recs = [r for r in recs if r.get("recipients")]
def tag(a, k):
    if not a or "@" not in a:
        return a
    l, d = a.rsplit("@", 1)
    return "%s+b%d@%s" % (l, k, d)
out, k, written, bounces = open(dst, "w"), 0, 0, 0
while written < n:
    for r in recs:
        if written >= n:
            break
        c = dict(r)
        c["original_message_id"] = "<bench%d.%s" % (k, (r.get("original_message_id") or "x>").lstrip("<"))
        c["subject"] = "%s [%d]" % (r.get("subject") or "", k)
        c["recipients"] = [dict(x, recipient=tag(x.get("recipient"), k),
                                original_recipient=tag(x.get("original_recipient"), k))
                           for x in r["recipients"]]
        bounces += len(c["recipients"])
        out.write(json.dumps(c) + "\n")
        written += 1
    k += 1
out.close()
print("add-ndjson input: %d records, %d recipients, %.1f MB" % (written, bounces, sum(1 for _ in open(dst)) and __import__("os").path.getsize(dst) / 1e6))
EOF

# The million-event ledger's input: N_EVENTS/5 addresses, five bounces
# each a week apart; reasons cycle so that some addresses are suppressed
# (hard), some by a soft run, and some never (sender-side).
$PY - "$TMP/million.ndjson" "$N_EVENTS" <<'EOF'
import json, sys
dst, n = sys.argv[1], int(sys.argv[2])
kinds = [("userunknown", "recipient", True), ("mailboxfull", "recipient", False),
         ("blocked", "sender", False), ("expired", "transit", False), ("mailboxfull", "recipient", False)]
with open(dst, "w") as f:
    for i in range(n):
        a, j = i // 5, i % 5
        reason, fault, hard = kinds[a % 5]
        day = 1 + j * 7
        f.write(json.dumps({"kind": "bounce", "date": "%d Jan 2026 %02d:%02d:00 +0000" % (day, a // 60 % 24, a % 60),
                            "from": "MAILER-DAEMON@mx%d.example" % (a % 97), "subject": "failure %d" % i,
                            "original_message_id": "<m%d@list.example>" % i,
                            "recipients": [{"recipient": "user%d@d%d.example" % (a, a % 5000),
                                            "action": "failed", "status": "5.0.0", "reason": reason,
                                            "fault": fault, "hard_bounce": hard}]}) + "\n")
EOF

# The mbox of replicated messages (each copy gets its own Message-ID).
$PY - "$CORPUS" "$TMP/add.mbox" "$N_ADD" <<'EOF'
import os, re, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = []
for root, dirs, names in os.walk(src):
    dirs.sort()
    for f in sorted(names):
        if not f.endswith((".json", ".tsv", ".md")) and not f.startswith("."):
            files.append(os.path.join(root, f))
msgs = []
for p in files:
    b = open(p, "rb").read().replace(b"\r\n", b"\n")
    if b.startswith(b"From "):
        continue   # already an mbox
    b = re.sub(rb"(?im)^message-id:[^\n]*\n(?:[ \t][^\n]*\n)*", b"", b, count=1)
    msgs.append(re.sub(rb"(?m)^(>*From )", rb">\1", b))
with open(dst, "wb") as out:
    for i in range(n):
        m = msgs[i % len(msgs)]
        out.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\nMessage-ID: <copy%d@bench>\n" % i)
        out.write(m if m.endswith(b"\n") else m + b"\n")
        out.write(b"\n")
EOF

sqlite_mk() { echo "$TMP/$1.db"; }
sqlite_size() { "$BW" --ledger "$1" ledger stats >/dev/null; du -k "$1" | awk '{printf "%.1f MB\n", $1/1024}'; }
run_backend sqlite sqlite_mk sqlite_size

if command -v pg_virtualenv >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	TMP=$TMP BUILD=$BUILD pg_virtualenv "$SELF" --pg-inner 2>&1 | grep -v '^20[0-9][0-9]-' || true
else
	echo "postgresql: skipped (pg_virtualenv or a PostgreSQL server not installed)"
fi
