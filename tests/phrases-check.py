#!/usr/bin/env python3
"""phrases-check.py GEN-VOCAB: tools/gen-vocab.c --phrases on small lists.

A [phrases NAME] list becomes one #define of C strings: phrases split at
'|', trimmed, continued over indented lines and past '#' comment lines,
kept whole (spaces at the ends, a '|' inside) in double quotes; a phrase
given twice, an empty phrase, an unclosed quote and a section without
words are errors that name file and line."""
import os, subprocess, sys, tempfile

GEN = sys.argv[1]
failures = 0


def run(text):
    d = tempfile.mkdtemp()
    src, out = os.path.join(d, 't.vocab'), os.path.join(d, 't.h')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(text)
    p = subprocess.run([GEN, '--phrases', src, out], capture_output=True, text=True)
    body = open(out, encoding='utf-8').read() if p.returncode == 0 else ''
    return p.returncode, body, p.stderr


def check(name, cond, detail=''):
    global failures
    print(('ok   ' if cond else 'FAIL ') + name + ('' if cond else ': ' + detail))
    failures += not cond


rc, body, err = run('# a list\n[phrases one-list]\nwords = could not be delivered | no such user\n'
                    '# a comment between lines keeps the list open\n'
                    '        |   non remis  | "551 " | "a|b" | неизвестен\n')
check('generates', rc == 0, err)
check('one define', '#define BW_PHRASES_ONE_LIST "could not be delivered", "no such user", '
      '"non remis", "551 ", "a|b", "неизвестен"\n' in body, body)
rc, _, err = run('[phrases twice]\nwords = x | y | x\n')
check('a phrase twice fails', rc != 0 and 't.vocab:1' in err and 'twice' in err, err)
rc, _, err = run('[phrases empty]\nwords = x | | y\n')
check('an empty phrase fails', rc != 0 and 'empty' in err, err)
rc, _, err = run('[phrases quote]\nwords = x | "y\n')
check('an unclosed quote fails', rc != 0 and 'quote' in err, err)
rc, _, err = run('[phrases none]\n')
check('no words fails', rc != 0 and 'needs words' in err, err)
rc, _, err = run('[phrases Bad_Name]\nwords = x\n')
check('a bad name fails', rc != 0, err)
sys.exit(1 if failures else 0)
