"""Reading without amplification: size limits applied while a stream is
read, an mbox on a pipe read as a stream, symbolic-link loops in a walk."""
import io
import os
import subprocess
import sys

import pytest

import bouncewhy

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


class Endless(io.RawIOBase):
    """A stream that never ends; counts what was read from it."""

    def __init__(self):
        self.given = 0

    def readable(self):
        return True

    def readinto(self, b):
        n = len(b)
        b[:n] = b"x" * n
        self.given += n
        return n


def test_parse_endless_stream_stops_at_the_limit():
    s = Endless()
    c = bouncewhy.Classifier(max_message_size=1 << 20)
    with pytest.raises(bouncewhy.LimitError):
        c.parse(s)
    # read in chunks: at most the limit and one chunk more
    assert s.given <= (1 << 20) + (1 << 20) + 1


def test_scan_stream_endless_single_message_is_an_error_record():
    s = Endless()
    c = bouncewhy.Classifier(max_message_size=1 << 20)
    (d,) = list(c.scan_stream(s))
    assert d.kind == "error" and d.error_code == "BW_ELIMIT"
    assert s.given <= 3 << 20


def _mbox_bytes(n):
    out = []
    for i in range(n):
        out.append(b"From MAILER-DAEMON Thu Sep 18 17:54:04 2008\n"
                   b"From: MAILER-DAEMON@example.org\nSubject: m%d\n\nbody %d\n" % (i, i)
                   + b"y" * (i * 997 % 70000) + b"\n")
    return b"".join(out)


def test_scan_stream_mbox_on_a_pipe_is_read_as_a_stream():
    data = _mbox_bytes(300)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        with os.fdopen(w, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        got = list(bouncewhy.Classifier().scan_stream(f))
    os.waitpid(pid, 0)
    assert len(got) == 300
    assert [d.mbox_index for d in got] == list(range(300))


def test_scan_symlink_loops_end(tmp_path):
    top = tmp_path / "top"
    (top / "a").mkdir(parents=True)
    with open(os.path.join(SOURCE_ROOT, "tests", "corpus", "rfc3464", "global-dsn-utf8.eml"), "rb") as f:
        msg = f.read()
    (top / "a" / "one.eml").write_bytes(msg)
    os.symlink("..", top / "a" / "up")          # back to the parent
    os.symlink("../a", top / "a" / "again")     # a second way into a/
    got = list(bouncewhy.scan(top))
    assert len(got) == 1


def test_error_lines_escaped_like_the_cli(tmp_path):
    cli = os.environ.get("BOUNCEWHY_CLI")
    if not cli:
        pytest.skip("BOUNCEWHY_CLI not set")
    missing = str(tmp_path / "gone\x1b]0;t\x07\n.eml")
    want = subprocess.run([cli, missing], capture_output=True).stdout
    got = subprocess.run([sys.executable, "-m", "bouncewhy", missing], capture_output=True,
                         env=dict(os.environ)).stdout
    assert b"\x1b" not in want and b"\x07" not in want
    assert got == want


def test_python_cli_errors_on_stderr_and_full_disk(tmp_path):
    missing = str(tmp_path / "gone.eml")
    p = subprocess.run([sys.executable, "-m", "bouncewhy", missing], capture_output=True)
    assert p.returncode == 1 and missing.encode() in p.stderr
    sample = os.path.join(SOURCE_ROOT, "tests", "corpus", "rfc3464", "global-dsn-utf8.eml")
    with open("/dev/full", "wb") as full:
        p = subprocess.run([sys.executable, "-m", "bouncewhy", sample], stdout=full,
                           stderr=subprocess.PIPE)
    assert p.returncode == 4 and b"cannot write" in p.stderr
