"""The library's scanner (bw_scan) as the package uses it: a Dovecot-style
Maildir gives no error records, a stream over the size limit gives one, the
items of _bouncewhy.Scanner, and the result classes whose string attributes
are the library's field names."""
import ast
import io
import os
import subprocess
import sys

import pytest

import bouncewhy
from bouncewhy import _bouncewhy

from conftest import corpus_dir, run_cli_raw, run_module_raw

SC001 = os.path.join(corpus_dir(), "postfix", "outlook-sc001.eml")


def _message():
    with open(SC001, "rb") as f:
        return f.read()


def _dovecot_maildir(tmp_path):
    """A Maildir as Dovecot leaves it: messages in cur/ and new/, a message
    being written in tmp/, its index, uid list, keywords, the subscription
    list, a maildirfolder marker and a hidden subfolder."""
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp", ".Sent/cur"):
        (md / sub).mkdir(parents=True)
    msg = _message()
    (md / "cur" / "1700000001.M1P1.host:2,S").write_bytes(msg)
    (md / "new" / "1700000002.M2P2.host").write_bytes(msg)
    (md / "tmp" / "1700000003.M3P3.host").write_bytes(b"")
    (md / ".Sent" / "cur" / "1700000004.M4P4.host:2,S").write_bytes(b"")
    (md / "dovecot-uidlist").write_bytes(b"3 V1700000000 N3 G0123\n1 1700000001.M1P1.host\n")
    (md / "dovecot-uidvalidity").write_bytes(b"65a1b2c3")
    (md / "dovecot.index.cache").write_bytes(b"\x00\x01\x02binary")
    (md / "dovecot.index.log").write_bytes(b"\x00\x01\x02binary")
    (md / "dovecot-keywords").write_bytes(b"0 $Junk\n")
    (md / "subscriptions").write_bytes(b"Sent\n")
    (md / "maildirfolder").write_bytes(b"")
    return md


def test_dovecot_maildir_gives_no_error_records(tmp_path, cli):
    md = _dovecot_maildir(tmp_path)
    got = list(bouncewhy.scan(md))
    assert [d.ok for d in got] == [True, True]
    assert [os.path.relpath(d.source, md) for d in got] == [
        "cur/1700000001.M1P1.host:2,S", "new/1700000002.M2P2.host"]
    # the CLI and the module read it alike: exit status 0, same bytes
    c = run_cli_raw(cli, "--no-progress", "--format", "ndjson", str(md))
    assert c[0] == 0 and c[1].count(b"\n") == 2
    assert run_module_raw("--format", "ndjson", str(md)) == c


def test_stdin_over_the_size_limit_is_an_error_record(cli):
    data = _message()
    limit = str(len(data) // 2)
    for fmt in ("ndjson", "text"):
        c = run_cli_raw(cli, "--no-progress", "--format", fmt, "--max-size", limit, "-",
                        stdin=data)
        assert c[0] == 1 and b"exceeds the limit of %s bytes" % limit.encode() in c[1]
        assert run_module_raw("--format", fmt, "--max-size", limit, "-", stdin=data) == c


def test_scan_stream_over_the_limit_and_within():
    data = _message()
    small = bouncewhy.Classifier(max_message_size=len(data) // 2)
    (d,) = list(small.scan_stream(io.BytesIO(data)))
    assert d.kind == "error" and d.error_code == "BW_ELIMIT" and d.source == "-"
    (d,) = list(bouncewhy.Classifier().scan_stream(io.BytesIO(data), "in"))
    assert d.ok and d.source == "in"
    assert d.to_dict() == {**bouncewhy.parse(data, source="in").to_dict()}
    with pytest.raises(TypeError):
        list(bouncewhy.Classifier().scan_stream(io.StringIO("text")))


def test_scanner_items(tmp_path):
    rules = bouncewhy.default_classifier()._rules
    mbox = os.path.join(corpus_dir(), "mbox", "three-messages.mbox")
    missing = str(tmp_path / "missing.eml")
    items = list(_bouncewhy.Scanner(rules, [SC001, mbox, missing]))
    assert [(os.path.basename(i[0]), i[1], i[2]) for i in items] == [
        ("outlook-sc001.eml", -1, 0),
        ("three-messages.mbox", 0, 0),
        ("three-messages.mbox", 1, 0),
        ("three-messages.mbox", 2, 0),
        ("missing.eml", -1, _bouncewhy.BW_EIO),
    ]
    first = items[0][4]
    assert first == bouncewhy.parse_file(SC001).to_dict(evidence=True)
    assert items[1][4]["mbox_index"] == 0 and list(items[1][4])[0] == "mbox_index"
    err = items[-1]
    assert err[3] and err[4]["kind"] == "error" and err[4]["error"] == err[3]
    assert err[5] is None
    # rendered by the library: text, or JSON as bw_report_to_json writes it
    (t,) = list(_bouncewhy.Scanner(rules, [SC001], dicts=False, text=0))
    assert t[4] is None and t[5].startswith(SC001 + ": bounce")
    (j,) = list(_bouncewhy.Scanner(rules, [SC001], json=0))
    assert j[5].startswith('{"schema_version":1,"source":')
    with pytest.raises(TypeError):
        _bouncewhy.Scanner("not rules", [SC001])


def test_scanner_reads_a_descriptor_with_a_head():
    rules = bouncewhy.default_classifier()._rules
    data = _message()
    r, w = os.pipe()
    os.write(w, data[10:])
    os.close(w)
    try:
        (item,) = list(_bouncewhy.Scanner(rules, fd=r, source="pipe", head=data[:10]))
    finally:
        os.close(r)
    assert item[0] == "pipe" and item[2] == 0
    assert item[4] == bouncewhy.parse(data, source="pipe").to_dict(evidence=True)


def test_string_attributes_are_the_library_fields():
    d = bouncewhy.parse_file(SC001)
    r = d.recipients[0]
    for key in _bouncewhy.RECIPIENT_FIELDS:
        assert getattr(r, key) == r.to_dict()[key]
    for key in _bouncewhy.REPORT_FIELDS:
        attr = key + "_" if key == "from" else key
        assert getattr(d, attr) == d.to_dict()[key]
    assert r.provider_id == "microsoft-consumer" and r.confidence > 0
    with pytest.raises(AttributeError):
        r.reason = "x"


def _stub_attributes(cls_name):
    path = os.path.join(os.path.dirname(bouncewhy.__file__), "_model.pyi")
    tree = ast.parse(open(path, encoding="utf-8").read())
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls_name]
    return {n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)}


@pytest.mark.parametrize("cls", [bouncewhy.Diagnosis, bouncewhy.Recipient],
                         ids=lambda c: c.__name__)
def test_model_stub_names_exactly_the_attributes(cls):
    from bouncewhy._model import _Field
    runtime = {k for k, v in vars(cls).items() if isinstance(v, _Field)}
    assert runtime and runtime == _stub_attributes(cls.__name__)


def test_package_modules_that_are_gone():
    pkg = os.path.dirname(bouncewhy.__file__)
    for gone in ("_scan.py", "_output.py"):
        assert not os.path.exists(os.path.join(pkg, gone))


def test_module_progress_like_cli(cli, tmp_path):
    # --progress: the error on a line of its own and the same closing count
    missing = str(tmp_path / "missing.eml")
    args = ("--progress", "--format", "ndjson", SC001, missing)
    c = subprocess.run([cli, *args], capture_output=True)
    p = subprocess.run([sys.executable, "-m", "bouncewhy", *args], capture_output=True)
    assert (p.returncode, p.stdout) == (c.returncode, c.stdout) and c.returncode == 1
    want_end = b"\rbouncewhy: 2 messages, 1 errors\n"
    assert c.stderr.endswith(want_end) and p.stderr.endswith(want_end)
    err_line = b"\nbouncewhy: " + missing.encode() + b": No such file or directory\n"
    assert err_line in c.stderr and err_line in p.stderr
    quiet = subprocess.run([sys.executable, "-m", "bouncewhy", "--no-progress", SC001],
                           capture_output=True)
    assert quiet.returncode == 0 and quiet.stderr == b""
