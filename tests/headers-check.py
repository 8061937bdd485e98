#!/usr/bin/env python3
"""The library's include graph: every header keeps all of itself inside its
include guard, and no module includes one from a layer above its own.

Layers, lowest first (a module may include its own layer and those below):
  0  util, error, reason, smtp, textindex, jsonw, charset, gmime_load, mojibake   plain helpers and vocabularies
  1  addr, rfc2047, html, record, msg, dsn, evidence, headers, text
  2  decoders/ (one per reporting-server family), rules/ (the rule engine)
  3  mime, mimecut, mimeflat, prepare, classify, report_text, walk, json, output, report, mbox, parse, scan (the pipeline,
     its input and output)
  4  log, log_* (the mail log reader), ledger, ledger_* (the bounce ledger): users of the pipeline
The public header (include/bouncewhy.h) may be included from any layer.

Usage: headers-check.py SOURCE_ROOT
"""
import os
import re
import sys

root = sys.argv[1]
lib = os.path.join(root, "lib")
LAYER = {}
for n, names in enumerate([
        "util error reason smtp textindex jsonw charset gmime_load mojibake",
        "addr rfc2047 html record msg dsn evidence headers text",
        "rules",
        "mime mimecut mimeflat prepare classify report_text walk json output report mbox parse scan"]):
    for name in names.split():
        LAYER[name] = n
ANY_LAYER = {"bouncewhy"}
failures = []


def layer_of(path):
    rel = os.path.relpath(path, lib)
    if rel.startswith("decoders" + os.sep) or rel.startswith("rules" + os.sep):
        return 2
    stem = os.path.splitext(os.path.basename(rel))[0]
    if stem.split("_")[0] in ("log", "ledger"):
        return 4
    return LAYER.get(stem)


def included(path):
    base = os.path.dirname(path)
    for m in re.finditer(r'^#include "([^"]+)"', open(path, encoding="utf-8").read(), re.M):
        yield m.group(1), os.path.normpath(os.path.join(base, m.group(1)))


for dirpath, _, files in os.walk(lib):
    for f in sorted(files):
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)
        if f.endswith(".h"):
            text = open(path, encoding="utf-8").read()
            m = re.search(r"^#ifndef (\w+)\n#define \1\n", text, re.M)
            if not m:
                failures.append("%s: no include guard" % rel)
            elif not text.rstrip().endswith("#endif") or text.count("\n#endif") != \
                    len(re.findall(r"^#if", text, re.M)):
                failures.append("%s: something follows the include guard's #endif" % rel)
        if not f.endswith((".c", ".h")):
            continue
        mine = layer_of(path)
        if mine is None:
            failures.append("%s: not in the layer table of tests/headers-check.py" % rel)
            continue
        for name, target in included(path):
            stem = os.path.splitext(os.path.basename(target))[0]
            if not os.path.exists(target):
                continue   # generated (rules_schema.h) or public (bouncewhy.h)
            if stem in ANY_LAYER or os.path.dirname(target) == os.path.dirname(path):
                continue
            theirs = layer_of(target)
            if theirs is None or theirs > mine:
                failures.append("%s (layer %s) includes %s (layer %s)" % (rel, mine, name, theirs))

# A module's internal functions live in the file named for them: bw_text__*
# in text.c, bw_smtp__* in smtp.c.
for dirpath, _, files in os.walk(lib):
    for f in sorted(files):
        if not f.endswith(".c"):
            continue
        path = os.path.join(dirpath, f)
        for m in re.finditer(r"^[a-z][^;(]*\b(bw_(text|smtp)__\w+)\(", open(path, encoding="utf-8").read(), re.M):
            if f != m.group(2) + ".c":
                failures.append("%s defines %s (it belongs in lib/%s.c)"
                                % (os.path.relpath(path, root), m.group(1), m.group(2)))

for f in failures:
    print("FAIL:", f)
print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
