/*
 * _report.h - reports as Python dicts (_report.c), for the extension's
 * other files.
 */
#ifndef BW_PY_REPORT_H
#define BW_PY_REPORT_H

#include <Python.h>

#include "bouncewhy.h"

/* Registers the "bouncewhy.latin1" decoding error handler; -1 on failure. */
int bw_py_report_init(void);

/* Raises the package's exception class for `code` (ParseError, ReadError,
 * ...: looked up by name in the module that type `tp` belongs to) with the
 * thread's bw_error_message(), `code` and `code_name` set; returns NULL. */
PyObject *bw_py_raise(PyTypeObject *tp, int code);

/* A string from the library as str (UTF-8, other bytes as Latin-1). */
PyObject *bw_py_str(const char *s);

/* The report as the dict equal to bw_report_to_json()'s object, with
 * "mbox_index" first when mbox_index >= 0, "source" when source is not
 * NULL, and each recipient's "evidence" when evidence is non-zero. */
PyObject *bw_py_report_dict(const bw_report *r, const char *source, long mbox_index, int evidence);

/* The error record bw_error_to_json() writes, as a dict. */
PyObject *bw_py_error_dict(const char *source, long mbox_index, int code, const char *message);

#endif
