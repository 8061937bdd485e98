"""`python3 -m bouncewhy log|ledger|rules|explain` against the C CLI: for
every subcommand, on several inputs and on error cases, the exit status,
standard output and standard error are the same bytes.  (Only help and
usage texts are argparse's own: there only the status is compared.)"""
import gzip
import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import SOURCE_ROOT, corpus_dir, run_cli_full, run_module_full

LOGS = os.path.join(SOURCE_ROOT, "tests", "log")
LOG_FILES = sorted(os.path.join(LOGS, f) for f in os.listdir(LOGS) if f.endswith(".log"))
ENV = dict(os.environ, TZ="Europe/Berlin")   # text times are local: one zone for both


def same(cli, *args, stdin=None, env=ENV, tmp=None):
    """Runs both; asserts equal (status, stdout, stderr); returns the CLI's.
    With `tmp`, "{}" in an argument is a directory of its own for each."""
    def argv(which):
        if tmp is None:
            return args
        d = tmp / which
        d.mkdir(exist_ok=True)
        return tuple(a.replace("{}", str(d)) for a in args)
    want = run_cli_full(cli, *argv("cli"), stdin=stdin, env=env)
    got = run_module_full(*argv("module"), stdin=stdin, env=env)
    if tmp is not None:   # the scratch directory's name, not the bytes, differs
        got = tuple(x.replace(str(tmp / "module").encode(), str(tmp / "cli").encode())
                    if isinstance(x, bytes) else x for x in got)
    assert got[0] == want[0], (args, got[2], want[2])
    assert got[2] == want[2], args
    assert got[1] == want[1], args
    return want


def test_log_files_are_there():
    assert len(LOG_FILES) >= 5


# ---- log ---------------------------------------------------------------------

@pytest.mark.parametrize("opts", [[], ["-f", "json"], ["-f", "ndjson"], ["-f", "ndjson", "-e"],
                                  ["--year", "2025"]],
                         ids=lambda o: " ".join(o) or "text")
@pytest.mark.parametrize("path", LOG_FILES, ids=os.path.basename)
def test_log_each_file(cli, opts, path):
    status, out, _ = same(cli, "log", *opts, path)
    assert status == 0 and out


def test_log_several_files_filters_and_fail_on(cli):
    status, out, _ = same(cli, "log", *LOG_FILES)
    assert status == 0 and out
    same(cli, "log", "--since", "2026-01-01", "--until", "2026-12-31T23:59:59Z", *LOG_FILES)
    same(cli, "log", "--since", "@0", "--until", "@1", "-f", "json", *LOG_FILES)
    status, _, _ = same(cli, "log", "--fail-on", "any", LOG_FILES[0])
    assert status == 1
    same(cli, "log", "--fail-on", "sender", "-f", "ndjson", *LOG_FILES)
    # options after the operands, as getopt permutes them
    same(cli, "log", LOG_FILES[0], "--format", "json", LOG_FILES[1])


@pytest.mark.parametrize("args", [["--since", "yesterday"], ["--until", "2026-13-45"],
                                  ["--year", "1900"], ["--year", "20x6"], ["-f", "xml"],
                                  ["--fail-on", "nobody"], ["--since", "1h", "-f", "xml"]],
                         ids=" ".join)
def test_log_bad_options(cli, args):
    status, out, err = same(cli, "log", *args, LOG_FILES[0])
    assert status == 2 and out == b"" and err.startswith(b"bouncewhy log: ")


def test_log_unreadable_inputs(cli, tmp_path):
    status, out, err = same(cli, "log", "/nonexistent/mail.log", LOG_FILES[0])
    assert status == 1 and out and b"cannot open /nonexistent/mail.log" in err
    status, _, err = same(cli, "log", LOGS)
    assert status == 1 and b"is a directory" in err
    same(cli, "--rules", "/nonexistent/rules.db", "log", LOG_FILES[0])


def test_log_gzip_and_stdin(cli, tmp_path):
    gz = tmp_path / "mail.log.gz"
    with open(LOG_FILES[0], "rb") as f:
        raw = f.read()
    gz.write_bytes(gzip.compress(raw))
    plain = same(cli, "log", "-f", "ndjson", LOG_FILES[0])[1]
    packed = same(cli, "log", "-f", "ndjson", str(gz))[1]
    assert packed == plain.replace(LOG_FILES[0].encode(), str(gz).encode())
    same(cli, "log", stdin=raw)
    same(cli, "log", "-f", "ndjson", "-", stdin=gzip.compress(raw))
    same(cli, "log", "-f", "json", "-", stdin=b"")


def recipient(line):
    return line.split(b"to=<", 1)[1].split(b">", 1)[0]


def follow(argv, path, more, marks):
    """Runs `argv` following `path`: waits for the output naming marks[0],
    appends more[0] and waits for marks[1], rotates the file (a new one
    holding more[1]) and waits for marks[2], then ends the run with SIGTERM.
    Every wait ends on an event (output, exit); a hang is the harness's
    timeout.  Returns (status, stdout, stderr)."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    out = b""

    def wait_for(mark):
        nonlocal out
        while mark not in out:
            chunk = os.read(p.stdout.fileno(), 65536)
            assert chunk, "the run ended early: %r" % p.stderr.read()
            out += chunk
    wait_for(marks[0])
    with open(path, "ab") as f:
        f.write(more[0])
    wait_for(marks[1])
    os.rename(path, str(path) + ".1")
    with open(path, "wb") as f:
        f.write(more[1])
    wait_for(marks[2])
    p.send_signal(signal.SIGTERM)
    rest, err = p.communicate()
    return p.returncode, out + rest, err


@pytest.mark.parametrize("fmt", ["ndjson", "text"])
def test_log_follow_through_rotation(cli, tmp_path, fmt):
    with open(os.path.join(LOGS, "postfix-seed.log"), "rb") as f:
        lines = f.read().splitlines(True)
    failed, seen = [], set(recipient(ln) for ln in lines[:3] if b"to=<" in ln)
    for ln in lines[3:]:
        if b"status=" in ln and b"status=sent" not in ln and recipient(ln) not in seen:
            failed.append(ln)
            seen.add(recipient(ln))
    assert len(failed) >= 3
    marks = [recipient(ln) for ln in failed[:3]]
    results = []
    for which, argv in (("cli", [cli]), ("module", [sys.executable, "-m", "bouncewhy"])):
        path = tmp_path / ("%s.log" % which)
        path.write_bytes(b"".join(lines[:3]) + failed[0])
        results.append(follow(argv + ["log", "--year", "2026", "--follow", "-f", fmt, str(path)],
                              path, (failed[1], failed[2]), marks))
    (sc, oc, ec), (sp, op, ep) = results
    op = op.replace(b"module.log", b"cli.log")
    assert (sp, op, ep) == (sc, oc, ec)
    assert sc == 0 and ec == b""
    if fmt == "text":
        assert b"delivery problems" in oc     # the summary, after the failure lines


# ---- rules -------------------------------------------------------------------

def test_rules_list_show_check(cli):
    status, listing, _ = same(cli, "rules", "list")
    assert status == 0 and listing.count(b"\n") > 100
    ids = [ln.split()[0].decode() for ln in listing.splitlines()]
    for rule_id in ids[:3] + ids[len(ids) // 2:len(ids) // 2 + 3] + ids[-3:]:
        status, out, _ = same(cli, "rules", "show", rule_id)
        assert status == 0 and out.startswith(b"id:")
    status, out, err = same(cli, "rules", "show", "no-such-rule")
    assert status == 1 and out == b"" and b"no rule 'no-such-rule'" in err
    status, out, _ = same(cli, "rules", "check")
    assert status == 0 and out


def test_rules_with_overlay_and_failures(cli, tmp_path):
    overlay = tmp_path / "site.rules"
    overlay.write_text("[rule local-block]\nreason = blocked\nfault = sender\n"
                       "text = our own block text\nexample = 550 our own block text\n"
                       "explain = A site rule.\nremedy = Ask the postmaster.\n")
    status, out, _ = same(cli, "--rules-overlay", str(overlay), "rules", "show", "local-block")
    assert status == 0 and b"overlay 1" in out
    same(cli, "-o", str(overlay), "rules", "list")
    same(cli, "--rules-overlay", str(overlay), "rules", "check")
    status, _, err = same(cli, "--rules", "/nonexistent/rules.db", "rules", "list")
    assert status == 3 and err.startswith(b"bouncewhy rules list: cannot load the rules")
    assert same(cli, "--rules", "/nonexistent/rules.db", "rules", "check")[0] == 1
    bad = tmp_path / "bad.rules"
    bad.write_text("[rule broken]\nreason = no-such-reason\n")
    assert same(cli, "--rules-overlay", str(bad), "rules", "show", "x")[0] == 3


def test_rules_compile(cli, tmp_path):
    src = os.path.join(SOURCE_ROOT, "rules", "providers")
    same(cli, "rules", "compile", "{}/out.db", src, tmp=tmp_path)
    assert (tmp_path / "cli" / "out.db").read_bytes() == (tmp_path / "module" / "out.db").read_bytes()
    bad = tmp_path / "bad.rules"
    bad.write_text("[rule broken]\nreason = no-such-reason\n")
    status, _, err = same(cli, "rules", "compile", "{}/bad.db", str(bad), tmp=tmp_path)
    assert status == 1 and b"bad.rules" in err


@pytest.mark.parametrize("args", [["rules"], ["rules", "bogus"], ["rules", "list", "x"],
                                  ["rules", "show"], ["rules", "compile", "x.db"],
                                  ["ledger"], ["ledger", "frobnicate"]],
                         ids=" ".join)
def test_usage_errors_exit_alike(cli, args):
    # the usage texts are each program's own; the status is the same
    env = dict(ENV, BOUNCEWHY_LEDGER=":memory:")
    assert run_module_full(*args, env=env)[0] == run_cli_full(cli, *args, env=env)[0] == 2


# ---- ledger ------------------------------------------------------------------

NOW = "1765000000"


def ledger(cli, tmp, *args, stdin=None):
    return same(cli, "--ledger", "{}/l.db", "ledger", "--now", NOW, *args, stdin=stdin, tmp=tmp)


def test_ledger_add_and_ask(cli, tmp_path):
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"garbage\x00\x01")
    status, out, err = ledger(cli, tmp_path, "add", corpus_dir(), str(bad), "/nonexistent")
    assert status == 1 and b"entries recorded" in out and b"bad.eml" in err
    status, out, _ = ledger(cli, tmp_path, "add", corpus_dir())   # again: nothing new
    assert status == 0 and b" 0 entries recorded" in out
    for args in (["suppressed"], ["-f", "csv", "suppressed"], ["-f", "postfix", "suppressed"],
                 ["-f", "json", "suppressed"], ["stats"], ["-f", "json", "stats"], ["alerts"],
                 ["-f", "json", "alerts"], ["policy"], ["-f", "json", "policy"]):
        status, out, _ = ledger(cli, tmp_path, *args)
        assert status == 0 and out, args
    suppressed = ledger(cli, tmp_path, "-f", "json", "suppressed")[1]
    address = __import__("json").loads(suppressed)[0]["address"]
    assert ledger(cli, tmp_path, "status", address)[0] == 0
    assert ledger(cli, tmp_path, "-f", "json", "status", address)[0] == 0
    status, out, _ = ledger(cli, tmp_path, "forget", address)
    assert status == 0 and out.endswith(b"forgotten; active again\n")
    ledger(cli, tmp_path, "forget", "nobody@example.org")
    status, _, err = ledger(cli, tmp_path, "forget", "not an address")
    assert status in (1, 2) and err.startswith(b"bouncewhy: ledger: ")


def test_ledger_add_ndjson_and_stdin(cli, tmp_path):
    records = run_cli_full(cli, "--no-progress", "-f", "ndjson",
                           os.path.join(corpus_dir(), "aol"), os.path.join(corpus_dir(), "gmail"))[1]
    nd = tmp_path / "records.ndjson"
    nd.write_bytes(records)
    junk = tmp_path / "junk.ndjson"
    junk.write_bytes(b'{"x": 1}\nnot json\n\n{bad\n')
    status, out, _ = ledger(cli, tmp_path, "add", str(nd))
    assert status == 0 and b"0 unreadable" in out
    status, _, err = ledger(cli, tmp_path, "add", str(junk))
    assert status == 1 and b"junk.ndjson:2: " in err
    ledger(cli, tmp_path, "add", "--ndjson", "-", stdin=records)
    ledger(cli, tmp_path, "add", "-", stdin=b"garbage\x00\x01")
    ledger(cli, tmp_path, "add", stdin=open(os.path.join(corpus_dir(), "mbox",
                                                          "three-messages.mbox"), "rb").read())
    ledger(cli, tmp_path, "add", "--ndjson", stdin=b"")


def test_ledger_errors(cli, tmp_path):
    env = {k: v for k, v in ENV.items() if k != "BOUNCEWHY_LEDGER"}
    status, _, err = same(cli, "ledger", "stats", env=env)
    assert status == 2 and b"no ledger" in err
    same(cli, "ledger", "policy", env=env)                        # needs no ledger
    for args in (["status"], ["forget", "a@b", "c@d"], ["-f", "csv", "stats"],
                 ["-f", "xml", "stats"], ["--now", "-5", "stats"], ["--now", "soon", "stats"]):
        status, out, err = ledger(cli, tmp_path, *args)
        assert status == 2 and out == b"" and err, args
    status, _, err = same(cli, "--ledger", "/nonexistent/dir/l.db", "ledger", "stats")
    assert status == 4 and err.startswith(b"bouncewhy: ledger: ")
    status, _, err = same(cli, "--ledger", "{}/l.db", "--rules", "/nonexistent/rules.db",
                          "ledger", "add", os.path.join(corpus_dir(), "aol"), tmp=tmp_path)
    assert status == 3 and b"cannot load the rules" in err
    same(cli, "--ledger", "{}/l.db", "--rules", "/nonexistent/rules.db", "ledger", "add",
         "--ndjson", "-", stdin=b"", tmp=tmp_path)                 # NDJSON needs no rules


def test_ledger_add_limits_before_the_subcommand(cli, tmp_path):
    status, _, err = same(cli, "--max-size", "1k", "--ledger", "{}/l.db", "ledger", "add",
                          corpus_dir(), tmp=tmp_path)
    assert status == 1 and b"limit" in err


# ---- explain and the main mode, with options before the subcommand ----------

def test_explain_and_main_options(cli, tmp_path):
    same(cli, "explain", "550 5.1.1 <a@example.com>: Recipient address rejected: User unknown")
    same(cli, "explain", "-f", "json", "--host", "mx1.hotmail.com", "550", "SC-001")
    same(cli, "--rules", "/nonexistent/rules.db", "explain", "550 no")
    same(cli, "--no-progress", "-f", "ndjson", os.path.join(corpus_dir(), "aol"), "/nonexistent")
    weird = tmp_path / "we\x01ird\x85.eml".encode("latin-1").decode("utf-8", "surrogateescape")
    weird.write_bytes(b"\x00\x01")
    status, _, err = same(cli, "--no-progress", str(weird))
    assert status == 1 and b"\\x01" in err and b"\\x85" in err
