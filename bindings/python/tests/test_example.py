"""The list manager example: hard bounces only, never a sender-side fault."""
import os
import subprocess
import sys

import bouncewhy
from conftest import corpus_dir

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                       "list_cleanup.py")


def test_list_cleanup_on_corpus():
    p = subprocess.run([sys.executable, EXAMPLE, corpus_dir()], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, p.stderr
    removed = p.stdout.decode().split()
    # exactly the hard bounces the binding reports, never a sender-side fault
    want = set()
    for d in bouncewhy.scan(corpus_dir()):
        if d.kind in ("bounce", "delay"):
            for r in d.recipients:
                if r.hard_bounce and r.fault != "sender" and r.recipient:
                    want.add(r.recipient.lower())
    assert removed == sorted(want)
    assert "hanako@example.jp" in removed
    assert "bob.friend@hotmail.com" not in removed  # SC-001 block: the sender's problem
    assert "taro@example.jp" not in removed         # mailbox full: keep
    summary = p.stderr.decode()
    assert "failures by provider:" in summary and "failures by reason:" in summary
    assert "userunknown" in summary and "Microsoft" in summary


def test_list_cleanup_bad_rules():
    p = subprocess.run([sys.executable, EXAMPLE, "--rules", "/nonexistent.db", corpus_dir()],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 2 and p.stdout == b""
