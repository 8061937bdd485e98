"""Error paths: bad arguments raise TypeError/ValueError, library failures
raise bouncewhy.Error subclasses with the library's message and code, and no
input crashes the interpreter."""
import os
import random
import subprocess
import sys

import pytest

import bouncewhy
from bouncewhy import _bouncewhy
from conftest import corpus_files


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["a"], {"a": 1}, object()])
def test_parse_rejects_non_messages(bad):
    with pytest.raises(TypeError):
        bouncewhy.parse(bad)


@pytest.mark.parametrize("bad", [None, 42, b"\0".decode() + "x"])
def test_other_entry_points_reject_bad_arguments(bad):
    with pytest.raises((TypeError, ValueError)):
        bouncewhy.parse_file(bad)
    with pytest.raises((TypeError, ValueError)):
        bouncewhy.explain(bad)
    if bad is None or isinstance(bad, int):
        with pytest.raises(TypeError):
            bouncewhy.scan(bad)
    with pytest.raises(TypeError):
        bouncewhy.explain("550 x", remote_host=42)


def test_exception_hierarchy():
    for cls in (bouncewhy.ParseError, bouncewhy.LimitError, bouncewhy.RulesError,
                bouncewhy.ReadError, bouncewhy.InvalidInputError, bouncewhy.NotFoundError,
                bouncewhy.OutOfMemoryError):
        assert issubclass(cls, bouncewhy.Error)
    assert issubclass(bouncewhy.ReadError, OSError)
    assert issubclass(bouncewhy.ParseError, ValueError)
    assert issubclass(bouncewhy.Error, Exception)


def test_empty_input_is_a_parse_error():
    with pytest.raises(bouncewhy.ParseError) as info:
        bouncewhy.parse(b"")
    e = info.value
    assert e.code == _bouncewhy.BW_EPARSE == -5
    assert e.code_name == "BW_EPARSE"
    assert str(e)  # the library's message


def test_missing_file_is_a_read_error():
    with pytest.raises(bouncewhy.ReadError) as info:
        bouncewhy.parse_file("/nonexistent/dir/message.eml")
    assert info.value.code_name == "BW_EIO"
    assert "message.eml" in str(info.value) or str(info.value)
    with pytest.raises(OSError):
        bouncewhy.parse_file("/nonexistent/dir/message.eml")


def test_directory_is_not_a_message(tmp_path):
    with pytest.raises(bouncewhy.Error):
        bouncewhy.parse_file(tmp_path)


def test_bad_rules_are_a_rules_error(tmp_path):
    with pytest.raises(bouncewhy.RulesError) as info:
        bouncewhy.Classifier(rules=tmp_path / "missing.db")
    assert info.value.code_name == "BW_ERULES"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(bouncewhy.Error):
        bouncewhy.Classifier(rules=junk)
    bad_overlay = tmp_path / "bad.rules"
    bad_overlay.write_text("this is [not a rule\n((((\n")
    with pytest.raises(bouncewhy.Error):
        bouncewhy.Classifier(overlay=bad_overlay)
    with pytest.raises(TypeError):
        bouncewhy.Classifier(overlay=42)
    with pytest.raises((TypeError, ValueError)):
        bouncewhy.Classifier(max_parts=-1)
    with pytest.raises(TypeError):
        bouncewhy.Classifier(max_parts="many")


def test_huge_input_is_a_limit_error():
    c = bouncewhy.Classifier(max_message_size=1 << 20)
    big = b"From: a@example.com\nSubject: big\n\n" + b"x" * (2 << 20)
    with pytest.raises(bouncewhy.LimitError) as info:
        c.parse(big)
    assert info.value.code_name == "BW_ELIMIT"
    # the default limit (64 MiB) applies too
    huge = b"From: a@example.com\n\n" + b"y" * (65 << 20)
    with pytest.raises(bouncewhy.LimitError):
        bouncewhy.parse(huge)


def _junk(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def test_binary_junk_never_crashes():
    rng = random.Random(1234)
    seen_ok = seen_err = 0
    samples = [b"\0", b"\xff" * 64, b"\r\n" * 100, b":" * 1000, b"From \n", b"From x\n\n"]
    samples += [_junk(rng, rng.randrange(1, 4000)) for _ in range(150)]
    for data in samples:
        try:
            d = bouncewhy.parse(data)
            assert d.kind in _bouncewhy.KINDS
            d.to_dict()
            seen_ok += 1
        except bouncewhy.Error:
            seen_err += 1
    assert seen_ok + seen_err == len(samples)


def test_mutated_corpus_never_crashes():
    rng = random.Random(99)
    for path in corpus_files():
        with open(path, "rb") as f:
            data = bytearray(f.read())
        for _ in range(25):
            m = bytearray(data)
            for _ in range(rng.randrange(1, 40)):
                op = rng.randrange(3)
                pos = rng.randrange(len(m) + 1)
                if op == 0 and m:
                    del m[pos:pos + rng.randrange(1, 200)]
                elif op == 1:
                    m[pos:pos] = _junk(rng, rng.randrange(1, 50))
                elif m:
                    m[min(pos, len(m) - 1)] = rng.getrandbits(8)
            try:
                bouncewhy.parse(bytes(m)).to_json()
            except bouncewhy.Error:
                pass


def test_undecodable_bytes_survive(cli, tmp_path):
    # invalid UTF-8 in a header must come back the way the CLI prints it
    from conftest import run_cli_json
    msg = (b"From: MAILER-DAEMON@example.com\nSubject: caf\xe9 \xff\xfe\n"
           b"Content-Type: text/plain\n\nThe following address failed:\n"
           b"  <ab\xe9@example.com>: 550 5.1.1 unknown user\n")
    p = tmp_path / "bad-utf8.eml"
    p.write_bytes(msg)
    assert bouncewhy.parse_file(p).to_dict() == run_cli_json(cli, str(p))[0]
    d = bouncewhy.parse(msg)
    d.to_json()
    assert d.subject is None or isinstance(d.subject, str)


def test_bad_input_in_a_subprocess_does_not_kill_python():
    # Belt and braces: run the nastiest inputs in a child so a crash shows as
    # a failed test, not a dead test run.
    code = (
        "import bouncewhy\n"
        "for data in (b'', b'\\0' * 10, b'\\xff' * 100000, b'From \\n' * 10000,"
        " b'Content-Type: multipart/mixed; boundary=x\\n\\n' + b'--x\\nContent-Type: multipart/mixed; boundary=x\\n\\n' * 5000):\n"
        "    try:\n"
        "        bouncewhy.parse(data)\n"
        "    except bouncewhy.Error:\n"
        "        pass\n"
        "print('survived')\n")
    p = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, timeout=300)
    assert p.returncode == 0
    assert p.stdout.strip() == b"survived"


def test_low_level_objects_guard_misuse():
    with pytest.raises(ValueError):
        _bouncewhy.MboxReader(-1)
    fd = os.open(os.devnull, os.O_RDONLY)
    try:
        r = _bouncewhy.MboxReader(fd)
        assert r.read() is None
        r.close()
    finally:
        os.close(fd)
    with pytest.raises(ValueError):
        r.read()
    rules = _bouncewhy.Rules.__new__(_bouncewhy.Rules)
    with pytest.raises(RuntimeError):
        rules.parse_buffer(b"x")
    with pytest.raises(TypeError):
        _bouncewhy.Rules(overlays="one-string")


def test_one_mapping_from_codes_to_exceptions():
    # the package's _make_error and the C module's raising use one mapping
    from bouncewhy import _bouncewhy as c
    for code, cls in ((c.BW_EPARSE, bouncewhy.ParseError), (c.BW_ELIMIT, bouncewhy.LimitError),
                      (c.BW_ERULES, bouncewhy.RulesError), (c.BW_EIO, bouncewhy.ReadError),
                      (c.BW_EINVALID, bouncewhy.InvalidInputError),
                      (c.BW_ENOTFOUND, bouncewhy.NotFoundError),
                      (c.BW_ENOMEM, bouncewhy.OutOfMemoryError),
                      (c.BW_ELEDGER, bouncewhy.LedgerError), (c.BW_ERROR, bouncewhy.Error)):
        e = bouncewhy._make_error(code, "what \udce9 went wrong")
        assert type(e) is cls and e.code == code and e.code_name == c.error_code_name(code)
        assert str(e) == "what \udce9 went wrong"
    with pytest.raises(bouncewhy.LedgerError) as info:
        bouncewhy.Ledger("/nonexistent/dir/l.db")
    assert info.value.code == c.BW_ELEDGER
