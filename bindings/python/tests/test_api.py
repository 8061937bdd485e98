"""The Python API: objects, attributes, input types, scanning."""
import io
import json
import os
import pathlib
import shutil

import pytest

import bouncewhy
from bouncewhy import _bouncewhy
from conftest import corpus_dir, run_cli_json

SC001 = os.path.join(corpus_dir(), "postfix", "outlook-sc001.eml")
THREE = os.path.join(corpus_dir(), "rfc3464", "three-recipients-crlf-base64.eml")
MBOX = os.path.join(corpus_dir(), "mbox", "three-messages.mbox")


def test_every_c_field_is_an_attribute():
    d = bouncewhy.parse_file(THREE)
    r = d.recipients[0]
    keys = d.to_dict()
    for name in _bouncewhy.REPORT_FIELDS:
        attr = "from_" if name == "from" else name
        assert getattr(type(d), attr).__doc__, attr
        assert getattr(d, attr) == keys[name]
    for name in _bouncewhy.RECIPIENT_FIELDS:
        assert getattr(type(r), name).__doc__, name
        assert getattr(r, name) == keys["recipients"][0][name]
    for name in ("kind", "original_headers", "warnings", "source"):
        assert getattr(d, name) == keys[name]
    for name in ("permanent", "hard_bounce", "remedies", "references"):
        assert getattr(r, name) == keys["recipients"][0][name]
    # every key of the JSON is reachable as an attribute
    for k in keys:
        if k != "recipients":
            assert getattr(d, "from_" if k == "from" else k) == keys[k]
    for k, v in keys["recipients"][0].items():
        assert getattr(r, k) == v


def test_values_of_a_known_bounce():
    d = bouncewhy.parse_file(THREE)
    assert d.kind == "bounce" and d.ok
    assert d.error is None and d.mbox_index is None
    assert len(d) == 3
    by_addr = {r.recipient: r for r in d}
    hanako = by_addr["hanako@example.jp"]
    assert hanako.reason == "userunknown"
    assert hanako.hard_bounce is True and hanako.permanent is True
    assert hanako.fault == "recipient"
    assert by_addr["taro@example.jp"].hard_bounce is False


def test_subscriber_of_a_verp_return_address():
    # the failed address is a forwarding target; the VERP return address
    # names the subscriber the list knows
    d = bouncewhy.parse_file(os.path.join(corpus_dir(), "rfc3464", "verp-ids-forward-target.eml"))
    assert d.subscriber == "jane.roe@example.org"
    assert [r.recipient for r in d] == ["jroe.home@forward.example.net"]
    assert bouncewhy.parse_file(THREE).subscriber is None


def test_seed_reply_sc001():
    d = bouncewhy.parse_file(SC001)
    (r,) = d.recipients
    assert r.reason == "blocked"
    assert r.fault == "sender"
    assert r.hard_bounce is False
    assert r.provider_code == "SC-001"
    assert r.remedies and all(isinstance(x, str) for x in r.remedies)
    assert r.evidence


def test_input_types_agree():
    with open(SC001, "rb") as f:
        data = f.read()
    ref = bouncewhy.parse(data).to_dict()
    assert bouncewhy.parse(bytearray(data)).to_dict() == ref
    assert bouncewhy.parse(memoryview(data)).to_dict() == ref
    assert bouncewhy.parse(data.decode("utf-8", "surrogateescape")).to_dict() == ref
    assert bouncewhy.parse(io.BytesIO(data)).to_dict() == ref
    with open(SC001, "rb") as f:
        assert bouncewhy.parse(f).to_dict() == ref
    from_path = bouncewhy.parse(pathlib.Path(SC001)).to_dict()
    assert from_path.pop("source") == SC001
    assert from_path == ref


def test_str_is_text_not_a_path():
    # A str is the message itself: a file name is not a message.
    with pytest.raises(bouncewhy.ParseError):
        bouncewhy.parse(SC001)


def test_to_json_round_trips():
    d = bouncewhy.parse_file(THREE)
    assert json.loads(d.to_json()) == d.to_dict()
    assert json.loads(d.to_json(pretty=True, evidence=True)) == d.to_dict(evidence=True)
    r = d.recipients[1]
    assert json.loads(r.to_json()) == r.to_dict() == d.to_dict()["recipients"][1]
    assert "evidence" not in r.to_dict() and "evidence" in r.to_dict(evidence=True)


def test_results_are_read_only_views():
    d = bouncewhy.parse_file(THREE)
    with pytest.raises(AttributeError):
        d.kind = "delay"
    with pytest.raises(AttributeError):
        d.recipients[0].reason = "x"
    d.recipients[0].remedies.append("changed")
    d.original_headers["X-New"] = "1"
    d.to_dict()["recipients"].clear()
    assert d.to_dict() == bouncewhy.parse_file(THREE).to_dict()
    assert d == bouncewhy.parse_file(THREE)
    assert d != bouncewhy.parse_file(SC001)
    with pytest.raises(AttributeError):
        d.no_such_field
    assert "Diagnosis" in repr(d) and "Recipient" in repr(d.recipients[0])


def test_explain_bare_reply():
    d = bouncewhy.explain("550 5.1.1 <nobody@example.org>: Recipient address rejected: "
                          "User unknown in virtual mailbox table", command="RCPT")
    assert d.kind == "reply"
    (r,) = d.recipients
    assert r.reason == "userunknown"
    assert r.reply_code == "550" and r.status == "5.1.1"
    assert d.to_dict()["recipients"][0]["reason"] == "userunknown"


def test_explain_equals_cli(cli):
    import subprocess
    text = "550 SC-001 (BAY004-MC1F7) Unfortunately, messages from 203.0.113.25 weren't sent."
    p = subprocess.run([cli, "explain", "--format", "json", "--host", "mx1.hotmail.com",
                        "--command", "DATA", text], stdout=subprocess.PIPE, check=True)
    (want,) = json.loads(p.stdout)
    want.pop("source")
    got = bouncewhy.explain(text, remote_host="mx1.hotmail.com", command="DATA").to_dict()
    assert got == want
    assert got["recipients"][0]["provider_code"] == "SC-001"


def test_scan_mbox_indexes():
    ds = list(bouncewhy.scan(MBOX))
    assert [d.mbox_index for d in ds] == list(range(len(ds)))
    assert len(ds) == 3
    assert all(d.source == MBOX for d in ds)
    assert list(ds[0].to_dict())[0] == "mbox_index"


def _maildir(tmp_path):
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
    shutil.copy(THREE, md / "new" / "1700000000.M1P1.host")
    shutil.copy(SC001, md / "cur" / "1700000001.M2P2.host:2,S")
    shutil.copy(SC001, md / "cur" / ".hidden")            # skipped
    (md / "cur" / "labels.json").write_text("{}")         # skipped
    shutil.copy(MBOX, md / "new" / "1700000002.M3P3.host")  # an mbox inside
    (md / "cur" / "1700000003.M4P4.host:2,S").write_bytes(b"")  # an error record
    # Dovecot's and Courier's files, and tmp/: skipped in a Maildir
    (md / "tmp" / "1700000004.M5P5.host").write_bytes(b"")
    for name in ("dovecot-uidlist", "dovecot.index.cache", "dovecot-keywords", "subscriptions",
                 "maildirfolder", "courierimapuiddb"):
        (md / name).write_bytes(b"3 V1 N2\n\x00\x01binary")
    return md


def test_scan_maildir_like_cli(cli, tmp_path):
    md = _maildir(tmp_path)
    want = run_cli_json(cli, str(md))
    got = [d.to_dict() for d in bouncewhy.scan(md)]
    assert got == want
    assert [d["kind"] for d in got].count("error") == 1
    assert not any(".hidden" in d["source"] or d["source"].endswith(".json") for d in got)
    # a trailing slash gives the same sources as the CLI
    assert [d.to_dict() for d in bouncewhy.scan(str(md) + "/")] == run_cli_json(cli, str(md) + "/")


def test_scan_on_error_modes(tmp_path):
    md = _maildir(tmp_path)
    records = list(bouncewhy.scan(md))
    errors = [d for d in records if not d.ok]
    assert len(errors) == 1
    e = errors[0]
    assert e.kind == "error" and e.error_code == "BW_EPARSE" and e.error
    assert e.recipients == []
    skipped = list(bouncewhy.scan(md, on_error="skip"))
    assert skipped == [d for d in records if d.ok]
    with pytest.raises(bouncewhy.ParseError) as info:
        list(bouncewhy.scan(md, on_error="raise"))
    assert info.value.code_name == "BW_EPARSE"
    with pytest.raises(ValueError):
        bouncewhy.scan(md, on_error="ignore")


def test_scan_missing_path():
    (d,) = list(bouncewhy.scan("/nonexistent/bouncewhy-test"))
    assert d.kind == "error" and d.error_code == "BW_EIO"
    assert d.source == "/nonexistent/bouncewhy-test"
    with pytest.raises(bouncewhy.ReadError):
        list(bouncewhy.scan("/nonexistent/bouncewhy-test", on_error="raise"))


def test_classifier_information(classifier):
    assert classifier.rule_count > 0
    assert classifier.rules_path.endswith(".db")
    assert classifier.meta("schema_version") != ""
    assert classifier.meta("no-such-key") == ""
    assert bouncewhy.default_classifier() is bouncewhy.default_classifier()
    assert bouncewhy.__version__ == _bouncewhy.LIBRARY_VERSION


def test_classifier_with_overlay(tmp_path):
    base = bouncewhy.default_classifier()
    overlay = tmp_path / "site.rules"
    overlay.write_text("")  # an empty overlay is valid and changes nothing
    c = bouncewhy.Classifier(overlay=overlay)
    assert c.rule_count == base.rule_count
    assert c.parse_file(SC001).to_dict() == base.parse_file(SC001).to_dict()
    c2 = bouncewhy.Classifier(rules=base.rules_path, overlay=[str(overlay)])
    assert c2.rules_path == base.rules_path


def test_limits_are_applied(cli):
    c = bouncewhy.Classifier(max_recipients=1)
    d = c.parse_file(THREE)
    assert len(d.recipients) <= 1
    small = bouncewhy.Classifier(max_message_size=100)
    with pytest.raises(bouncewhy.LimitError):
        small.parse_file(THREE)
    ds = list(small.scan(MBOX))
    # the first two messages are over the limit and skipped; the reader goes on
    assert [d.error_code for d in ds[:2]] == ["BW_ELIMIT", "BW_ELIMIT"]
    assert [d.mbox_index for d in ds] == [0, 1, 2]
    assert [d.to_dict() for d in ds] == run_cli_json(cli, "--max-size", "100", MBOX)


def test_docstrings():
    for obj in (bouncewhy, bouncewhy.parse, bouncewhy.parse_file, bouncewhy.scan,
                bouncewhy.explain, bouncewhy.Classifier, bouncewhy.Classifier.parse,
                bouncewhy.Classifier.scan, bouncewhy.Diagnosis, bouncewhy.Recipient,
                bouncewhy.Error, bouncewhy.ParseError, _bouncewhy, _bouncewhy.Rules,
                _bouncewhy.Rules.parse_buffer, _bouncewhy.MboxReader):
        assert obj.__doc__ and len(obj.__doc__.strip()) > 10, obj


def test_stub_files_are_shipped():
    pkg = os.path.dirname(bouncewhy.__file__)
    assert os.path.isfile(os.path.join(pkg, "py.typed"))
    assert os.path.isfile(os.path.join(pkg, "_bouncewhy.pyi"))
