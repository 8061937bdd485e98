"""_bouncewhy.Output: the library's framing of records (bw_output), as the
Scanner and classify_reply write into it; the bytes are the CLI's."""
import os

import pytest

from bouncewhy import _bouncewhy

from conftest import corpus_dir, run_cli_raw

SC001 = os.path.join(corpus_dir(), "postfix", "outlook-sc001.eml")
MISSING = os.path.join(corpus_dir(), "no-such-file.eml")


def _rules():
    return _bouncewhy.Rules()


@pytest.mark.parametrize("fmt", ["text", "json", "ndjson"])
@pytest.mark.parametrize("explain", [False, True])
def test_scanner_output_is_the_cli_output(cli, fmt, explain):
    out = _bouncewhy.Output(fmt, explain)
    data = out.take()
    items = list(_bouncewhy.Scanner(_rules(), [SC001, MISSING, SC001], dicts=False,
                                    output=out))
    assert [i[2] == _bouncewhy.BW_OK for i in items] == [True, False, True]
    data += b"".join(i[5] for i in items)
    out.finish()
    data += out.take()
    args = ["--format", fmt, "--no-progress"] + (["--explain"] if explain else [])
    status, expected = run_cli_raw(cli, *args, SC001, MISSING, SC001)
    assert status == 1
    assert data == expected


@pytest.mark.parametrize("fmt", ["text", "json", "ndjson"])
def test_classify_reply_output_is_the_cli_output(cli, fmt):
    out = _bouncewhy.Output(fmt)
    data = out.take()
    for reply in ("550 5.1.1 no such user", "421 4.7.0 try again later"):
        _bouncewhy.Rules().classify_reply(reply, source="reply", output=out)
        data += out.take()
    out.finish()
    data += out.take()
    status, expected = run_cli_raw(cli, "explain", "--format", fmt, "-",
                                   stdin=b"550 5.1.1 no such user\n421 4.7.0 try again later\n")
    assert status == 0
    assert data == expected


def test_empty_json_array_and_error_records():
    out = _bouncewhy.Output("json")
    out.finish()
    assert out.take() == b"[\n]\n"
    out = _bouncewhy.Output("ndjson")
    out.error("x.eml", 3, _bouncewhy.BW_EPARSE, "not an email message")
    line = out.take()
    assert line.startswith(b'{"mbox_index":3,') and line.endswith(b"}\n")
    assert b'"error_code":"BW_EPARSE"' in line
    out = _bouncewhy.Output("text")
    out.error("bad\x01name", -1, _bouncewhy.BW_EIO, "gone")
    assert out.take() == b"bad\\x01name: error: gone\n\n"


def test_misuse():
    with pytest.raises(ValueError):
        _bouncewhy.Output("xml")
    out = _bouncewhy.Output("json")
    out.finish()
    with pytest.raises(ValueError):
        out.finish()
    with pytest.raises(OSError):
        out.error("x", -1, _bouncewhy.BW_EIO, "after the end")
    with pytest.raises(TypeError):
        _bouncewhy.Scanner(_rules(), [SC001], output="json")
