/*
 * _report.h - reports as Python dicts (_report.c), for the extension's
 * other files.
 */
#ifndef BW_PY_REPORT_H
#define BW_PY_REPORT_H

#include <Python.h>

#include "bouncewhy.h"

/* The definition of the module bouncewhy._bouncewhy (_bouncewhy.c): its
 * types find their module with PyType_GetModuleByDef(). */
extern struct PyModuleDef bw_py_module;

/* Registers the "bouncewhy.latin1" decoding error handler; -1 on failure. */
int bw_py_report_init(void);

/* The package's exception for a library error code: an instance of the
 * class of that code (ParseError, ReadError, ..., LedgerError; Error for
 * any other), looked up by name in module `m`, with `message` (NULL: the
 * thread's bw_error_message()), `code` and `code_name` set.  The one
 * mapping from codes to classes (the module function make_error() serves
 * the pure-Python package).  NULL with an exception set on failure. */
PyObject *bw_py_error_new(PyObject *m, int code, const char *message);

/* A Python sequence of paths as file-system bytes: *bytes_out receives a
 * new list that owns them, *out a PyMem_Calloc'd NULL-terminated array of
 * their strings (PyMem_Free it; it points into *bytes_out), *n their count.
 * 0, or -1 with an exception set (*bytes_out, if not NULL, still to be
 * released, and *out to be freed). */
int bw_py_fs_list(PyObject *seq, PyObject **bytes_out, const char ***out, Py_ssize_t *n);

/* Raises bw_py_error_new(m, code, message); returns NULL. */
PyObject *bw_py_raise_in(PyObject *m, int code, const char *message);

/* bw_py_raise_in() for the module that type `tp` belongs to. */
PyObject *bw_py_raise(PyTypeObject *tp, int code, const char *message);

/* A string from the library as str (UTF-8, other bytes as Latin-1). */
PyObject *bw_py_str(const char *s);

/* The report as the dict equal to bw_report_to_json()'s object, with
 * "mbox_index" first when mbox_index >= 0, "source" when source is not
 * NULL, and each recipient's "evidence" when evidence is non-zero. */
PyObject *bw_py_report_dict(const bw_report *r, const char *source, long mbox_index, int evidence);

/* The error record bw_error_to_json() writes, as a dict. */
PyObject *bw_py_error_dict(const char *source, long mbox_index, int code, const char *message);

/* Calls from the library's callbacks into Python, made without the GIL
 * held by the caller: the first Python exception is kept, later calls are
 * skipped, and the library is told to stop (a non-zero return). */
typedef struct bw_py_calls {
	PyObject *exc_type, *exc_value, *exc_tb;
} bw_py_calls;

/* Keeps the current exception (the first one only); the GIL held. */
void bw_py_calls_keep(bw_py_calls *c);

/* fn(bytes) with the GIL taken; nothing for fn NULL or None.  0, or 1 when
 * a call failed (now or before). */
int bw_py_calls_write(bw_py_calls *c, PyObject *fn, const char *data, size_t len);

/* Raises the kept exception: -1, or 0 when there is none. */
int bw_py_calls_restore(bw_py_calls *c);

#endif
