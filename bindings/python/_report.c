/*
 * _report.c - reports as Python dicts, built straight from the library's
 * accessors (include/bouncewhy.h): the field names and their order are the
 * library's (bw_report_field_name, bw_recipient_field_name), and a dict
 * equals, key for key and in the same order, the object bw_report_to_json()
 * writes for the same report.  No JSON text is made or read.
 *
 * Strings are decoded as the JSON writer encodes them: UTF-8 where valid,
 * any other byte read as Latin-1 (the "bouncewhy.latin1" error handler).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "bouncewhy.h"
#include "_report.h"

#define LATIN1_HANDLER "bouncewhy.latin1"

/* The error handler: the bytes that are not valid UTF-8 as Latin-1. */
static PyObject *latin1_handler(PyObject *self, PyObject *exc)
{
	PyObject *obj, *s;
	Py_ssize_t start, end;

	if (!PyObject_TypeCheck(exc, (PyTypeObject *)PyExc_UnicodeDecodeError)) {
		PyErr_SetObject(PyExceptionInstance_Class(exc), exc);
		return NULL;
	}
	if (PyUnicodeDecodeError_GetStart(exc, &start) < 0 || PyUnicodeDecodeError_GetEnd(exc, &end) < 0 ||
	    !(obj = PyUnicodeDecodeError_GetObject(exc)))
		return NULL;
	s = PyUnicode_DecodeLatin1(PyBytes_AS_STRING(obj) + start, end - start, NULL);
	Py_DECREF(obj);
	if (!s)
		return NULL;
	return Py_BuildValue("(Nn)", s, end);
}

static PyMethodDef latin1_def = { LATIN1_HANDLER, latin1_handler, METH_O, NULL };

int bw_py_report_init(void)
{
	PyObject *f = PyCFunction_New(&latin1_def, NULL);
	int r;

	if (!f)
		return -1;
	r = PyCodec_RegisterError(LATIN1_HANDLER, f);
	Py_DECREF(f);
	return r;
}

PyObject *bw_py_str(const char *s)
{
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), LATIN1_HANDLER);
}

/* A field's value: None when absent (""), as the JSON writer's null. */
static PyObject *field(const char *s)
{
	if (!*s)
		Py_RETURN_NONE;
	return bw_py_str(s);
}

/* d[key] = v, taking v. */
static int put(PyObject *d, const char *key, PyObject *v)
{
	int r;

	if (!v)
		return -1;
	r = PyDict_SetItemString(d, key, v);
	Py_DECREF(v);
	return r;
}

/* A list of n strings read with get(obj, i). */
#define STR_LIST(out, n, get, obj) do { \
	size_t i_, n_ = (n); \
	(out) = PyList_New((Py_ssize_t)n_); \
	for (i_ = 0; (out) && i_ < n_; i_++) { \
		PyObject *s_ = bw_py_str(get(obj, i_)); \
		if (!s_) { Py_CLEAR(out); break; } \
		PyList_SET_ITEM(out, (Py_ssize_t)i_, s_); \
	} \
} while (0)

/* A name -> value dict of n pairs read with get(obj, i, &name, &value);
 * a repeated name keeps its first value, as in the JSON. */
#define KV_DICT(out, n, get, obj) do { \
	size_t i_, n_ = (n); \
	(out) = PyDict_New(); \
	for (i_ = 0; (out) && i_ < n_; i_++) { \
		const char *k_ = "", *v_ = ""; \
		PyObject *ko_, *vo_ = NULL; \
		get(obj, i_, &k_, &v_); \
		if (!(ko_ = bw_py_str(k_)) || \
		    (!PyDict_Contains(out, ko_) && \
		     (!(vo_ = bw_py_str(v_)) || PyDict_SetItem(out, ko_, vo_) < 0))) { \
			Py_XDECREF(ko_); Py_XDECREF(vo_); Py_CLEAR(out); break; \
		} \
		Py_DECREF(ko_); Py_XDECREF(vo_); \
	} \
} while (0)

static PyObject *recipient_dict(const bw_recipient *rc, int evidence)
{
	PyObject *d = PyDict_New(), *v;
	int f;

	if (!d)
		return NULL;
	for (f = 0; f < BW_RCPT_FIELD_COUNT; f++) {
		if (f == BW_RCPT_PROVIDER_ID)
			continue;   /* beside the provider's name */
		if (put(d, bw_recipient_field_name((bw_recipient_field)f),
		        field(bw_recipient_get(rc, (bw_recipient_field)f))) < 0)
			goto fail;
		if (f == BW_RCPT_PROVIDER &&
		    put(d, "provider_id", field(bw_recipient_get(rc, BW_RCPT_PROVIDER_ID))) < 0)
			goto fail;
		if (f == BW_RCPT_REASON &&
		    (put(d, "permanent", PyBool_FromLong(bw_recipient_permanent(rc))) < 0 ||
		     put(d, "hard_bounce", PyBool_FromLong(bw_recipient_hard_bounce(rc))) < 0))
			goto fail;
		if (f == BW_RCPT_DECIDED_BY &&
		    put(d, "confidence", PyLong_FromLong(bw_recipient_confidence(rc))) < 0)
			goto fail;
	}
	STR_LIST(v, bw_recipient_remedy_count(rc), bw_recipient_remedy, rc);
	if (put(d, "remedies", v) < 0)
		goto fail;
	STR_LIST(v, bw_recipient_reference_count(rc), bw_recipient_reference, rc);
	if (put(d, "references", v) < 0)
		goto fail;
	if (bw_recipient_extra_count(rc)) {
		KV_DICT(v, bw_recipient_extra_count(rc), bw_recipient_extra, rc);
		if (put(d, "extras", v) < 0)
			goto fail;
	}
	if (evidence) {
		STR_LIST(v, bw_recipient_evidence_count(rc), bw_recipient_evidence, rc);
		if (put(d, "evidence", v) < 0)
			goto fail;
	}
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

/* The keys every record starts with: mbox_index (when >= 0, as the CLI
 * puts it first), schema_version, source (when given). */
static PyObject *record_head(const char *source, long mbox_index)
{
	PyObject *d = PyDict_New();

	if (!d)
		return NULL;
	if ((mbox_index >= 0 && put(d, "mbox_index", PyLong_FromLong(mbox_index)) < 0) ||
	    put(d, "schema_version", PyLong_FromLong(BW_JSON_SCHEMA_VERSION)) < 0 ||
	    (source && put(d, "source", bw_py_str(source)) < 0)) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

PyObject *bw_py_report_dict(const bw_report *r, const char *source, long mbox_index, int evidence)
{
	PyObject *d = record_head(source, mbox_index), *v;
	size_t i, n;
	int f;

	if (!d)
		return NULL;
	if (put(d, "kind", PyUnicode_FromString(bw_kind_name(bw_report_kind(r)))) < 0)
		goto fail;
	for (f = 0; f < BW_REPORT_FIELD_COUNT; f++)
		if (put(d, bw_report_field_name((bw_report_field)f),
		        field(bw_report_get(r, (bw_report_field)f))) < 0)
			goto fail;
	KV_DICT(v, bw_report_original_header_count(r), bw_report_original_header, r);
	if (put(d, "original_headers", v) < 0)
		goto fail;
	if (bw_report_extra_count(r)) {
		KV_DICT(v, bw_report_extra_count(r), bw_report_extra, r);
		if (put(d, "extras", v) < 0)
			goto fail;
	}
	STR_LIST(v, bw_report_warning_count(r), bw_report_warning, r);
	if (put(d, "warnings", v) < 0)
		goto fail;
	n = bw_report_recipient_count(r);
	if (!(v = PyList_New((Py_ssize_t)n)))
		goto fail;
	for (i = 0; i < n; i++) {
		PyObject *rd = recipient_dict(bw_report_recipient(r, i), evidence);
		if (!rd) {
			Py_DECREF(v);
			goto fail;
		}
		PyList_SET_ITEM(v, (Py_ssize_t)i, rd);
	}
	if (put(d, "recipients", v) < 0)
		goto fail;
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

PyObject *bw_py_error_dict(const char *source, long mbox_index, int code, const char *message)
{
	PyObject *d = record_head(source, mbox_index);

	if (!d)
		return NULL;
	if (put(d, "kind", PyUnicode_FromString("error")) < 0 ||
	    put(d, "error", bw_py_str(message ? message : "")) < 0 ||
	    put(d, "error_code", PyUnicode_FromString(bw_error_code_name(code))) < 0 ||
	    put(d, "recipients", PyList_New(0)) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}
