#!/bin/sh
# The ledger's tests against PostgreSQL: the C tests (test-ledger) and the
# command-line tests (ledger-test.py), on a throw-away cluster that
# pg_virtualenv (Debian's postgresql-common) creates and removes.  Skipped
# (exit 77) when pg_virtualenv or a PostgreSQL server is not installed, or
# when bouncewhy was built without libpq.
#   ledger-pg.sh TEST-LEDGER LEDGER-TEST.PY BOUNCEWHY CORPUS
set -u
test_ledger=$1 cli_test=$2 bouncewhy=$3 corpus=$4
if ! command -v pg_virtualenv >/dev/null 2>&1; then
	echo "SKIP: pg_virtualenv not installed (Debian packages postgresql postgresql-common)"
	exit 77
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	echo "SKIP: no PostgreSQL server installed (Debian package postgresql)"
	exit 77
fi
if "$bouncewhy" --ledger postgresql://nowhere ledger stats 2>&1 | grep -q "without PostgreSQL support"; then
	echo "SKIP: bouncewhy was built without libpq (Debian package libpq-dev)"
	exit 77
fi
# pg_virtualenv sets PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE;
# "postgresql://" means: those.  Run as root it always names its cluster
# "regress", so two test runs on one machine (an ASan build beside the
# normal one) take turns through a lock instead of failing with "Cluster
# 15/regress exists".
set -- pg_virtualenv sh -c '"$1" postgresql:// && /usr/bin/python3 "$2" "$3" "$4" postgresql://' \
	ledger-pg "$test_ledger" "$cli_test" "$bouncewhy" "$corpus"
if command -v flock >/dev/null 2>&1; then
	exec flock "${TMPDIR:-/tmp}/bouncewhy-ledger-pg.lock" "$@"
fi
exec "$@"
