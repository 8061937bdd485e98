"""Shared fixtures for the binding's tests.

Run by `meson test` (test "python") with PYTHONPATH pointing at the built
package (build/bindings/python) and these environment variables:

  BOUNCEWHY_RULES          the built rules.db
  BOUNCEWHY_CLI            the built bouncewhy executable (reference output)
  BOUNCEWHY_TEST_CORPUS    tests/corpus of the source tree
  BOUNCEWHY_SHARED_CORPUS  the labelled shared corpus, when present
"""
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

# Files that are labels or notes beside the samples, not messages.
NOT_MESSAGES = (".json", ".tsv", ".md")


def corpus_dir():
    return os.environ.get("BOUNCEWHY_TEST_CORPUS") or os.path.join(SOURCE_ROOT, "tests", "corpus")


def corpus_files():
    """Every message file of tests/corpus, sorted."""
    out = []
    for root, dirs, files in os.walk(corpus_dir()):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith(NOT_MESSAGES) and not f.startswith("."):
                out.append(os.path.join(root, f))
    return out


def shared_corpus_dir():
    d = os.environ.get("BOUNCEWHY_SHARED_CORPUS")
    return d if d and os.path.isdir(d) else None


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("BOUNCEWHY_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("BOUNCEWHY_CLI does not name the built bouncewhy executable")
    return path


def run_cli_raw(cli_path, *args, stdin=None):
    """(exit status, stdout bytes) of the C CLI."""
    p = subprocess.run([cli_path, *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    return p.returncode, p.stdout


def run_cli_json(cli_path, *args):
    """The list of objects `bouncewhy --format json ARGS` prints."""
    status, out = run_cli_raw(cli_path, "--format", "json", "--no-progress", *args)
    assert status in (0, 1), "CLI failed with status %d" % status
    return json.loads(out.decode("utf-8", "surrogateescape"))


def run_module_raw(*args, stdin=None):
    """(exit status, stdout bytes) of `python3 -m bouncewhy ARGS`."""
    p = subprocess.run([sys.executable, "-m", "bouncewhy", *args], input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return p.returncode, p.stdout


def run_cli_full(cli_path, *args, stdin=None, env=None):
    """(exit status, stdout bytes, stderr bytes) of the C CLI."""
    p = subprocess.run([cli_path, *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600, env=env)
    return p.returncode, p.stdout, p.stderr


def run_module_full(*args, stdin=None, env=None):
    """(exit status, stdout bytes, stderr bytes) of `python3 -m bouncewhy ARGS`."""
    p = subprocess.run([sys.executable, "-m", "bouncewhy", *args], input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600, env=env)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="session")
def classifier():
    import bouncewhy
    return bouncewhy.Classifier()
