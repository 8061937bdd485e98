"""bouncewhy.Ledger: the operations of `bouncewhy ledger` from Python."""
import json
import os
import sqlite3
import subprocess

import pytest

import bouncewhy
from conftest import corpus_dir

BASE = 1780000000
DAY = 86400


def test_add_twice_and_ask(tmp_path):
    db = str(tmp_path / "l.db")
    with bouncewhy.Ledger(db) as ledger:
        assert ledger.backend == "sqlite"
        res = ledger.add(corpus_dir())
        assert res.messages > 100 and res.entries > 100 and res.unreadable == 0
        again = ledger.add(corpus_dir())
        assert again.entries == 0
        stop = [r["address"] for r in ledger.suppressed()]
        assert "hanako@example.jp" in stop and "bob.friend@hotmail.com" not in stop
        assert ledger.state("bob.friend@hotmail.com") == "active"
        st = ledger.status("hanako@example.jp")
        assert st["state"] == "suppressed" and st["rule"] == "hard-bounce"
        assert ledger.stats()["events"]["bounce"] > 50
        assert ledger.suppressed_text("csv").startswith("address,state,rule,since,reason\n")
    cli = os.environ.get("BOUNCEWHY_CLI")
    if cli:
        out = subprocess.run([cli, "--ledger", db, "ledger", "suppressed"], capture_output=True,
                             text=True, check=True).stdout.split()
        assert out == stop


def test_policy_cases_with_the_clock(tmp_path):
    policy = tmp_path / "policy.conf"
    policy.write_text("soft_count = 2\nsoft_days = 3\n")
    ledger = bouncewhy.Ledger(str(tmp_path / "p.db"), policy=str(policy), now=BASE)
    assert ledger.policy()["soft_count"] == 2 and ledger.policy()["source"] == str(policy)
    assert "soft_days = 3" in ledger.policy_text()
    ledger.record("a@example.com", time=BASE, reason="mailboxfull", fault="recipient",
                  hard=False, report_id="<1@x>")
    ledger.record("a@example.com", time=BASE + 2 * DAY, reason="mailboxfull",
                  fault="recipient", hard=False, report_id="<2@x>")
    assert ledger.state("a@example.com") == "active"        # 2 days < 3
    ledger.record_success("a@example.com", time=BASE + 3 * DAY)
    ledger.record("a@example.com", time=BASE + 4 * DAY, reason="mailboxfull",
                  fault="recipient", hard=False, report_id="<3@x>")
    assert ledger.state("a@example.com") == "active"        # the run started again
    ledger.record("a@example.com", time=BASE + 8 * DAY, reason="mailboxfull",
                  fault="recipient", hard=False, report_id="<4@x>")
    assert ledger.state("a@example.com") == "suppressed"
    assert ledger.status("a@example.com")["rule"] == "soft-bounces"
    # sender faults never count, and raise an alert
    for i in range(5):
        assert ledger.record("b@example.com", time=BASE + i, reason="blocked", fault="sender",
                             hard=True, provider="Example", report_id="<b%d@x>" % i)
    assert not ledger.record("b@example.com", time=BASE, reason="blocked", fault="sender",
                             hard=True, provider="Example", report_id="<b0@x>")
    assert ledger.state("b@example.com") == "active"
    assert ledger.alerts()["sender"][0]["count"] == 5
    ledger.set_now(BASE + 30 * DAY)
    assert ledger.alerts()["sender"] == []
    ledger.record("c@example.com", "complaint", time=BASE)
    assert ledger.state("c@example.com") == "unsubscribed"
    ledger.forget("c@example.com")
    assert ledger.state("c@example.com") == "active"
    with pytest.raises(bouncewhy.NotFoundError):
        ledger.forget("nobody@example.com")
    with pytest.raises(bouncewhy.InvalidInputError):
        ledger.record("not an address")
    with pytest.raises(ValueError):
        ledger.record("d@example.com", "exploded")
    ledger.close()
    with pytest.raises(ValueError):
        ledger.state("a@example.com")


def test_ndjson_and_diagnosis(tmp_path):
    ledger = bouncewhy.Ledger(str(tmp_path / "n.db"))
    n = 0
    for d in bouncewhy.scan(os.path.join(corpus_dir(), "postfix")):
        n += ledger.add_diagnosis(d)
    assert n > 0
    nd = tmp_path / "x.ndjson"
    nd.write_text("".join(d.to_json() + "\n" for d in bouncewhy.scan(os.path.join(corpus_dir(), "postfix"))))
    other = bouncewhy.Ledger(str(tmp_path / "m.db"))
    assert other.add(str(nd)).entries == n
    assert other.suppressed() == ledger.suppressed()


def test_newer_schema_refused(tmp_path):
    db = str(tmp_path / "new.db")
    bouncewhy.Ledger(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE bw_meta SET value = '9' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(bouncewhy.LedgerError) as e:
        bouncewhy.Ledger(db)
    assert "newer" in str(e.value) and e.value.code_name == "BW_ELEDGER"


def test_add_counts_unreadable_inputs_as_the_cli_does(tmp_path):
    # Ledger.add is bw_ledger_add_paths: a path that cannot be read, a
    # message that is not one and a line that is not a record are counted
    # and listed, not raised; the rest is recorded
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"\x00\x01\x02")
    junk = tmp_path / "junk.ndjson"
    junk.write_text('{"not": "a record"}\nnot json\n')
    with bouncewhy.Ledger(str(tmp_path / "l.db"), now=BASE) as ledger:
        res = ledger.add(os.path.join(corpus_dir(), "aol"), str(tmp_path / "missing.eml"),
                         str(bad), str(junk))
        assert res.entries > 0
        assert res.unreadable == 3 and len(res.errors) == 3
        sources = [s for s, _ in res.errors]
        assert str(tmp_path / "missing.eml") in sources and str(bad) in sources
        assert (str(junk), res.errors[-1][1]) == res.errors[-1]
        assert "aol" not in " ".join(sources)


def test_add_raises_rules_error_only_for_mail(tmp_path):
    nd = tmp_path / "r.ndjson"
    nd.write_bytes(subprocess.run(
        [os.environ.get("BOUNCEWHY_CLI") or "true", "--no-progress", "-f", "ndjson",
         os.path.join(corpus_dir(), "aol")], capture_output=True).stdout or b"{}\n")
    with bouncewhy.Ledger(str(tmp_path / "l.db"), rules="/nonexistent/rules.db") as ledger:
        assert ledger.add(str(nd)).messages >= 1          # NDJSON needs no rules
        with pytest.raises(bouncewhy.RulesError):
            ledger.add(os.path.join(corpus_dir(), "aol"))
