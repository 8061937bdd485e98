"""The binding gives the same answers as the CLI: for every file of
tests/corpus (and the shared corpus when present), the dicts of
bouncewhy.scan() equal the objects `bouncewhy --format json` prints, and
`python3 -m bouncewhy` prints the same bytes as `bouncewhy` there and on the
shared corpus when present."""
import os
import subprocess

import pytest

import bouncewhy
from conftest import (corpus_dir, corpus_files, run_cli_json, run_cli_raw, run_module_raw,
                      shared_corpus_dir)

CORPUS = corpus_files()


def test_corpus_is_there():
    # Guards the parametrised tests below against an empty corpus list.
    assert len(CORPUS) >= 5
    assert any(f.endswith(".mbox") for f in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: os.path.relpath(p, corpus_dir()))
def test_scan_equals_cli_json(cli, path):
    want = run_cli_json(cli, path)
    got = [d.to_dict() for d in bouncewhy.scan(path)]
    assert got == want
    # same keys in the same order, too
    assert [list(d) for d in got] == [list(d) for d in want]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: os.path.relpath(p, corpus_dir()))
def test_evidence_equals_cli_explain(cli, path):
    want = run_cli_json(cli, "--explain", path)
    got = [d.to_dict(evidence=True) for d in bouncewhy.scan(path)]
    assert got == want
    for d in bouncewhy.scan(path):
        for r in d.recipients:
            assert isinstance(r.evidence, list)


@pytest.mark.parametrize("path", [p for p in CORPUS if not p.endswith(".mbox")],
                         ids=lambda p: os.path.relpath(p, corpus_dir()))
def test_parse_file_and_parse_bytes_equal_cli(cli, path):
    (want,) = run_cli_json(cli, path)
    assert bouncewhy.parse_file(path).to_dict() == want
    with open(path, "rb") as f:
        data = f.read()
    from_bytes = bouncewhy.parse(data).to_dict()
    assert "source" not in from_bytes
    assert from_bytes == {k: v for k, v in want.items() if k != "source"}
    assert bouncewhy.parse(data, source=path).to_dict() == want


def test_whole_corpus_directory(cli):
    d = corpus_dir()
    want = run_cli_json(cli, d)
    got = [x.to_dict() for x in bouncewhy.scan(d)]
    assert len(got) == len(want) > len(CORPUS)  # the mbox holds several messages
    assert got == want


def test_shared_corpus(cli):
    d = shared_corpus_dir()
    if d is None:
        pytest.skip("shared corpus not present (set BOUNCEWHY_SHARED_CORPUS)")
    want = run_cli_json(cli, "--explain", d)
    got = [x.to_dict(evidence=True) for x in bouncewhy.scan(d)]
    assert len(got) == len(want) > 100
    for g, w in zip(got, want):
        assert g == w, g.get("source")


@pytest.mark.parametrize("opts", [[], ["--format", "json"], ["--format", "ndjson"],
                                  ["--explain"], ["--format", "json", "--explain"],
                                  ["--format", "ndjson", "--explain"]],
                         ids=lambda o: " ".join(o) or "text")
def test_module_prints_what_cli_prints(cli, opts):
    d = corpus_dir()
    status_c, out_c = run_cli_raw(cli, "--no-progress", *opts, d)
    status_p, out_p = run_module_raw(*opts, d)
    assert out_c  # something was printed
    assert (status_p, out_p) == (status_c, out_c)


def test_module_errors_and_stdin_like_cli(cli):
    missing = os.path.join(corpus_dir(), "no-such-file.eml")
    sample = CORPUS[0]
    with open(os.path.join(corpus_dir(), "mbox", "three-messages.mbox"), "rb") as f:
        mbox = f.read()
    for opts in ([], ["--format", "ndjson"]):
        for stdin in (b"", mbox, b"\x00\x01\x02 binary"):
            args = opts + [missing, sample, "-"]
            c = run_cli_raw(cli, "--no-progress", *args, stdin=stdin)
            p = run_module_raw(*args, stdin=stdin)
            assert c[0] == 1
            assert p == c


def test_module_usage_and_rules_errors(cli):
    assert run_module_raw("--format", "xml", corpus_dir())[0] == 2
    status, out = run_module_raw("--rules", "/nonexistent/rules.db", corpus_dir())
    assert status == run_cli_raw(cli, "--rules", "/nonexistent/rules.db", corpus_dir())[0] == 3
    assert out == b""


EXPLAIN_REPLIES = (
    b"550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown\n"
    b"421 RP-001 (BLU004-MC1F5) Unfortunately, some messages from 192.0.2.1 weren't sent.\n"
    b"\n"
    b"  \n"
    b"550 5.7.1 <x@example.com>: Recipient address rejected: Multiple authentication checks failed\r\n"
    b"550 Probable spam\n"
)


@pytest.mark.parametrize("fmt", ["text", "json", "ndjson"])
def test_module_explain_equals_cli(cli, fmt):
    # one reply per input line, empty lines skipped, in every format
    want = run_cli_raw(cli, "explain", "--format", fmt, "-", stdin=EXPLAIN_REPLIES)
    got = run_module_raw("explain", "--format", fmt, "-", stdin=EXPLAIN_REPLIES)
    assert got == want
    assert want[0] == 0 and want[1].count(b"reply") >= 5


def test_module_explain_words_and_evidence_equal_cli(cli):
    # several words are one reply; --explain shows the rule, tier and evidence
    args = ("explain", "--explain", "--host", "mx1.hotmail.com", "550", "SC-001")
    want = run_cli_raw(cli, *args)
    assert run_module_raw(*args) == want
    assert b"decided by: provider rule" in want[1]


@pytest.mark.parametrize("opts", [["--format", "ndjson"], ["--format", "json", "--explain"],
                                  []], ids=lambda o: " ".join(o) or "text")
@pytest.mark.parametrize("which", ["sisimai", "sisimai-mbox"])
def test_module_prints_what_cli_prints_on_shared_corpus(cli, tmp_path, opts, which):
    # byte for byte, compared with cmp, on ../shared when it is there
    d = shared_corpus_dir()
    if d is None:
        pytest.skip("shared corpus not present (set BOUNCEWHY_SHARED_CORPUS)")
    d = os.path.join(os.path.dirname(d), which)
    if not os.path.isdir(d):
        pytest.skip("%s not present" % d)
    c, p = tmp_path / "cli.out", tmp_path / "module.out"
    status_c, out_c = run_cli_raw(cli, "--no-progress", *opts, d)
    status_p, out_p = run_module_raw(*opts, d)
    c.write_bytes(out_c)
    p.write_bytes(out_p)
    assert status_p == status_c and len(out_c) > 10000
    assert subprocess.run(["cmp", str(c), str(p)]).returncode == 0
