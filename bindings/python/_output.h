/*
 * _output.h - the Output type of bouncewhy._bouncewhy (_output.c): the
 * library's record framing (bw_output) into a buffer, used by the Scanner
 * and by Rules.classify_reply to frame what they parse.
 */
#ifndef BW_PY_OUTPUT_H
#define BW_PY_OUTPUT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "bouncewhy.h"

typedef struct bw_py_output bw_py_output;

/* Registers the Output type in module `m`; 0 or -1 with an exception. */
int bw_py_output_register(PyObject *m);

/* The bw_py_output behind `obj` (an Output of module `m`), reserved for one
 * caller (busy) until bw_py_output_release(); NULL with an exception set
 * when obj is not an Output or is in use. */
bw_py_output *bw_py_output_acquire(PyObject *m, PyObject *obj);
void bw_py_output_release(bw_py_output *o);

/* Writes report `r` (or, when it cannot be written and nothing of it went
 * out, an error record with *code and *message set from the library) or,
 * when r is NULL, the error record (code, message).  Needs no GIL.
 * Returns BW_OK or the code of a failure that cut the output off. */
int bw_py_output_put(bw_py_output *o, const bw_report *r, const char *source, long mbox_index,
                     int *code, char **message);

/* What was written since the last take, as bytes (the GIL held). */
PyObject *bw_py_output_take(bw_py_output *o);

#endif
