"""bouncewhy.read_log / summarize: the same attempts and groups as
`bouncewhy log --format ndjson|json` for every golden log of tests/log."""
import gzip
import io
import json
import os
import subprocess

import pytest

import bouncewhy

HERE = os.path.dirname(os.path.abspath(__file__))
LOGS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "tests", "log"))
CLI = os.environ.get("BOUNCEWHY_CLI")
ENV = dict(os.environ, TZ="UTC")


def log_files():
    return sorted(os.path.join(LOGS, f) for f in os.listdir(LOGS) if f.endswith(".log"))


def cli(*args):
    if not CLI:
        pytest.skip("BOUNCEWHY_CLI not set")
    out = subprocess.run([CLI, "log", "--year", "2026"] + list(args), capture_output=True,
                         env=ENV, check=False).stdout
    return out.decode("utf-8")


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    import time
    time.tzset()


@pytest.mark.parametrize("path", log_files(), ids=os.path.basename)
def test_attempts_equal_cli(path):
    got = [a.to_dict() for a in bouncewhy.read_log(path, year=2026)]
    want = [json.loads(l) for l in cli("--format", "ndjson", path).splitlines()]
    assert got == want


@pytest.mark.parametrize("path", log_files(), ids=os.path.basename)
def test_summary_groups_equal_cli(path):
    s = bouncewhy.summarize(bouncewhy.read_log(path, year=2026))
    want = json.loads(cli("--format", "json", path))
    assert s.groups == want["groups"]
    assert s.totals["attempts"] == want["totals"]["attempts"]


def test_seed_attempt_fields():
    stats = {}
    attempts = list(bouncewhy.read_log(os.path.join(LOGS, "postfix-seed.log"), year=2026, stats=stats))
    assert stats["lines"] == 17 and stats["skipped_lines"] == 9
    a = attempts[1]
    assert (a.status, a.recipient, a.relay, a.relay_ip, a.queue_id) == (
        "bounced", "bob.friend@hotmail.com", "mx2.hotmail.com", "65.54.188.72", "4A1B2C3D4E")
    assert a.failed and a.diagnosis.reason == "blocked" and a.diagnosis.fault == "sender"
    assert a.diagnosis.provider_code == "SC-001" and a.diagnosis.remedies
    assert not attempts[0].failed and attempts[0].diagnosis is None
    s = bouncewhy.summarize(attempts)
    assert s.has_fault("sender") and not s.has_fault("receiver")
    assert s.text().startswith("3 delivery problems")
    assert s.groups[0]["provider_code"] == "SC-001" and s.groups[0]["messages"] == 3


def test_file_objects_and_gzip():
    path = os.path.join(LOGS, "exim-mainlog.log")
    raw = open(path, "rb").read()
    want = [a.to_dict() for a in bouncewhy.read_log(io.BytesIO(raw), year=2026)]
    assert want and "source" not in want[0] and want[0]["mta"] == "exim"
    got = [a.to_dict() for a in bouncewhy.read_log(io.BufferedReader(io.BytesIO(gzip.compress(raw))), year=2026)]
    assert got == want


def test_bad_arguments():
    with pytest.raises(TypeError):
        list(bouncewhy.read_log(42))
    with pytest.raises(TypeError):
        list(bouncewhy.read_log(io.StringIO("x")))
    with pytest.raises(TypeError):
        bouncewhy.summarize([{"status": "sent"}])
    with pytest.raises(OSError):
        list(bouncewhy.read_log("/nonexistent/mail.log"))
