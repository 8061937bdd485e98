#!/usr/bin/env python3
"""The output contract: every JSON record the CLI prints validates against
doc/record.schema.json, and the vocabularies the schema and the Python stubs
spell out agree with the library's.

Usage: schema-check.py BOUNCEWHY CORPUS_DIR SOURCE_ROOT
"""
import ast
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
except ImportError:  # python3-jsonschema (tools/debian-packages.txt)
    print("python3-jsonschema is not installed: skipped")
    sys.exit(77)

exe, corpus, root = sys.argv[1:4]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


schema = json.load(open(os.path.join(root, "doc", "record.schema.json"), encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)


def valid(record):
    return not any(True for _ in validator.iter_errors(record))


def records(args, stdin=None):
    out = subprocess.run([exe] + args, input=stdin, capture_output=True).stdout
    return [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]


# The CLI's records: the whole test corpus (plain, with --explain), an
# mbox, a reply and an error record.
runs = [
    ["--format", "ndjson", corpus],
    ["--format", "ndjson", "--explain", corpus],
    ["--format", "ndjson", os.path.join(corpus, "does-not-exist.eml")],
    ["explain", "--format", "ndjson", "--host", "mx1.hotmail.com",
     "550 SC-001 (BAY004-MC1F7) Unfortunately, messages from 192.0.2.1 weren't sent."],
]
seen = 0
kinds = set()
for args in runs:
    for rec in records(args):
        seen += 1
        kinds.add(rec.get("kind"))
        errors = sorted(validator.iter_errors(rec), key=lambda e: list(e.path))
        check(not errors, "%s: %s: %s" % (rec.get("source"), "/".join(map(str, errors[0].absolute_path))
                                          if errors else "", errors[0].message[:200] if errors else ""))
        check(rec.get("schema_version") == 1, "schema_version missing: %s" % rec.get("source"))
        for r in rec.get("recipients", []):
            check((r["provider"] is None) == (r["provider_id"] is None),
                  "provider and provider_id go together: %s" % rec.get("source"))
check(seen > 50, "too few records (%d)" % seen)
check({"bounce", "error", "reply"} <= kinds, "kinds seen: %s" % sorted(kinds))
pretty = json.loads(subprocess.run([exe, "--format", "json", corpus], capture_output=True).stdout)
check(all(valid(rec) for rec in pretty), "--format json records validate")
check(any(r["provider_id"] for rec in pretty for r in rec["recipients"]), "some provider_id is set")

# The schema refuses what breaks the contract.
good = records(runs[3])[0]


def broken(change):
    rec = json.loads(json.dumps(good))
    change(rec)
    return rec


check(valid(good), "the reply record validates")
check(not valid(broken(lambda r: r.pop("schema_version"))), "schema_version is required")
check(not valid(broken(lambda r: r.update(schema_version=2))), "schema_version is 1")
check(not valid(broken(lambda r: r["recipients"][0].update(status="5.01.1"))), "RFC 3463: no leading zero")
check(not valid(broken(lambda r: r["recipients"][0].update(status="5.1.1.1"))), "status grammar")
check(valid(broken(lambda r: r["recipients"][0].update(status="4.7.650"))), "status 4.7.650")
check(not valid(broken(lambda r: r["recipients"][0].update(reason="nosuchreason"))), "reason enum")
check(not valid(broken(lambda r: r["recipients"][0].update(fault="nobody"))), "fault enum")
check(not valid(broken(lambda r: r["recipients"][0].update(smtp_command="QUIT"))), "stage enum")
check(not valid(broken(lambda r: r["recipients"][0].pop("provider_id"))), "provider_id is required")
check(not valid(broken(lambda r: r.update(surprise=1))), "no unknown members")

# The vocabularies spelled out in the schema and the stubs are the library's.
defs = schema["$defs"]
vocab = open(os.path.join(root, "rules", "vocabulary", "reasons.vocab"), encoding="utf-8").read()
reasons = re.findall(r"^\[reason ([a-z]+)\]", vocab, re.M)
check(len(reasons) > 30, "reasons read from rules/vocabulary/reasons.vocab")
check([x for x in defs["reason"]["enum"] if x] == reasons, "schema reasons == reasons.vocab")
smtp_c = open(os.path.join(root, "lib", "smtp.c"), encoding="utf-8").read()
stages = re.findall(r'"([A-Z]+)"', re.search(r"bw_smtp__stages\[\] = \{(.*?)\}", smtp_c, re.S).group(1))
check([x for x in defs["smtp_command"]["enum"] if x] == stages, "schema stages == lib/smtp.c")
report_c = open(os.path.join(root, "lib", "report.c"), encoding="utf-8").read()
kind_names = re.findall(r'\[BW_KIND_[A-Z_]+\] = "([a-z-]+)"', report_c)
check(defs["kind"]["enum"] == kind_names, "schema kinds == lib/report.c")

stub = ast.parse(open(os.path.join(root, "bindings", "python", "bouncewhy", "_bouncewhy.pyi"),
                      encoding="utf-8").read())
literals = {}
for node in stub.body:
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript):
        if getattr(node.value.value, "id", None) == "Literal":
            elts = node.value.slice.elts if isinstance(node.value.slice, ast.Tuple) else [node.value.slice]
            literals[node.targets[0].id] = [e.value for e in elts]
check(literals.get("Reason") == reasons, "stub Reason == reasons.vocab")
check(literals.get("Fault") == [x for x in defs["fault"]["enum"] if x], "stub Fault == schema")
check(literals.get("Kind") == kind_names + ["error"], "stub Kind == lib/report.c + error")
check(literals.get("Stage") == stages, "stub Stage == lib/smtp.c")

for f in failures:
    print("FAIL:", f)
print("%d records checked, %d failures" % (seen, len(failures)))
sys.exit(1 if failures else 0)
