"""The list manager example: the ledger's suppressions, never a sender-side fault."""
import os
import subprocess
import sys

from conftest import corpus_dir

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                       "list_cleanup.py")


def test_list_cleanup_on_corpus(tmp_path):
    p = subprocess.run([sys.executable, EXAMPLE, corpus_dir()], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, p.stderr
    removed = p.stdout.decode().split()
    # exactly what `bouncewhy ledger suppressed` says for the same bounces
    cli = os.environ.get("BOUNCEWHY_CLI")
    if cli:
        db = str(tmp_path / "cli.db")
        subprocess.run([cli, "--ledger", db, "ledger", "add", corpus_dir()], check=True,
                       capture_output=True)
        want = subprocess.run([cli, "--ledger", db, "ledger", "suppressed"], check=True,
                              capture_output=True, text=True).stdout.split()
        assert removed == want
    assert "hanako@example.jp" in removed
    assert "bob.friend@hotmail.com" not in removed  # SC-001 block: the sender's problem
    assert "taro@example.jp" not in removed         # mailbox full once: keep
    assert "complainer@example.net" in removed      # an ARF complaint: unsubscribed
    summary = p.stderr.decode()
    assert "failures by provider:" in summary and "failures by reason:" in summary
    assert "userunknown" in summary and "Microsoft" in summary
    assert "suspected outages" in summary


def test_list_cleanup_keeps_history(tmp_path):
    db = str(tmp_path / "list.db")
    first = subprocess.run([sys.executable, EXAMPLE, "--quiet", "--ledger", db, corpus_dir()],
                           capture_output=True, timeout=300)
    again = subprocess.run([sys.executable, EXAMPLE, "--ledger", db, corpus_dir()],
                           capture_output=True, timeout=300)
    assert first.returncode == 0 and again.returncode == 0
    assert first.stdout == again.stdout and first.stdout


def test_list_cleanup_bad_rules():
    p = subprocess.run([sys.executable, EXAMPLE, "--rules", "/nonexistent.db", corpus_dir()],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 2 and p.stdout == b""
