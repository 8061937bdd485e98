/*
 * _report.c - reports as Python dicts, built by walking the record with the
 * library (bw_report_walk, the same walk its JSON writer makes): a dict
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
#include "bouncewhy-ledger.h"
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

/* The one mapping from a library error code to the package's exception
 * class, by name in the module (see _report.h). */
PyObject *bw_py_error_new(PyObject *m, int code, const char *message)
{
	static const struct { int code; const char *name; } classes[] = {
		{ BW_EPARSE, "ParseError" }, { BW_ELIMIT, "LimitError" }, { BW_ERULES, "RulesError" },
		{ BW_EIO, "ReadError" }, { BW_EINVALID, "InvalidInputError" },
		{ BW_ENOTFOUND, "NotFoundError" }, { BW_ENOMEM, "OutOfMemoryError" },
		{ BW_ELEDGER, "LedgerError" },
	};
	const char *name = "Error";
	PyObject *cls, *exc, *msg, *v;
	size_t i;

	if (!m)
		return NULL;
	if (code >= 0)
		code = BW_ERROR;
	if (!message)
		message = bw_error_message();
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (classes[i].code == code)
			name = classes[i].name;
	if (!(cls = PyObject_GetAttrString(m, name)))
		return NULL;
	/* bytes that are not UTF-8 (a file name) come back as they were when
	 * encoded with "surrogateescape" */
	msg = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "surrogateescape");
	exc = msg ? PyObject_CallOneArg(cls, msg) : NULL;
	Py_XDECREF(msg);
	Py_DECREF(cls);
	if (!exc)
		return NULL;
	if (!(v = PyLong_FromLong(code)) || PyObject_SetAttrString(exc, "code", v) < 0)
		goto fail;
	Py_DECREF(v);
	if (!(v = PyUnicode_FromString(bw_error_code_name(code))) ||
	    PyObject_SetAttrString(exc, "code_name", v) < 0)
		goto fail;
	Py_DECREF(v);
	return exc;
fail:
	Py_XDECREF(v);
	Py_DECREF(exc);
	return NULL;
}

PyObject *bw_py_raise_in(PyObject *m, int code, const char *message)
{
	PyObject *exc = bw_py_error_new(m, code, message);

	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

PyObject *bw_py_raise(PyTypeObject *tp, int code, const char *message)
{
	return bw_py_raise_in(PyType_GetModuleByDef(tp, &bw_py_module), code, message);
}

PyObject *bw_py_str(const char *s)
{
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), LATIN1_HANDLER);
}

/* The library's walk of a record (bw_report_walk) built into dicts and
 * lists: a stack of the open containers and the key waiting for its value. */
typedef struct builder {
	PyObject *stack[8];
	int depth;
	PyObject *key;      /* the pending key of the innermost dict, or NULL */
	PyObject *root;
} builder;

/* Adds v (taken) where the walk is: the root, a list's next item, or the
 * pending key's value (a repeated key keeps its first value, as in the
 * JSON).  Returns 0, or 1 to stop the walk with a Python error set. */
static int add(builder *b, PyObject *v)
{
	PyObject *c;
	int r = 0;

	if (!v)
		return 1;
	if (b->depth == 0) {
		Py_XDECREF(b->root);
		b->root = v;
		return 0;
	}
	c = b->stack[b->depth - 1];
	if (PyList_Check(c)) {
		r = PyList_Append(c, v) < 0;
	} else if (b->key) {
		int has = PyDict_Contains(c, b->key);

		r = has < 0 || (!has && PyDict_SetItem(c, b->key, v) < 0);
		Py_CLEAR(b->key);
	}
	Py_DECREF(v);
	return r;
}

static int push(builder *b, PyObject *c)
{
	if (!c || b->depth >= (int)(sizeof(b->stack) / sizeof(b->stack[0]))) {
		Py_XDECREF(c);
		if (c)
			PyErr_SetString(PyExc_ValueError, "record nested too deeply");
		return 1;
	}
	Py_INCREF(c);
	if (add(b, c)) {
		Py_DECREF(c);
		return 1;
	}
	b->stack[b->depth++] = c;
	return 0;
}

static int pop(builder *b)
{
	if (b->depth > 0)
		Py_DECREF(b->stack[--b->depth]);
	return 0;
}

static int b_begin_object(void *ctx) { return push(ctx, PyDict_New()); }
static int b_begin_array(void *ctx) { return push(ctx, PyList_New(0)); }
static int b_end(void *ctx) { return pop(ctx); }
static int b_integer(void *ctx, long n) { return add(ctx, PyLong_FromLong(n)); }
static int b_boolean(void *ctx, int v) { return add(ctx, PyBool_FromLong(v)); }

static int b_key(void *ctx, const char *name)
{
	builder *b = ctx;

	Py_XDECREF(b->key);
	b->key = bw_py_str(name);
	return b->key == NULL;
}

static int b_string(void *ctx, const char *s)
{
	if (!s) {
		Py_INCREF(Py_None);
		return add(ctx, Py_None);
	}
	return add(ctx, bw_py_str(s));
}

static const bw_record_visitor to_python = {
	b_begin_object, b_end, b_begin_array, b_end, b_key, b_string, b_integer, b_boolean,
};

/* The walk's result, or NULL with an exception set. */
static PyObject *built(builder *b, int rc)
{
	while (b->depth > 0)
		pop(b);
	Py_CLEAR(b->key);
	if (rc < 0 || PyErr_Occurred()) {
		Py_CLEAR(b->root);
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_RuntimeError, bw_error_message());
		return NULL;
	}
	return b->root;
}

PyObject *bw_py_report_dict(const bw_report *r, const char *source, long mbox_index, int evidence)
{
	builder b = { { NULL }, 0, NULL, NULL };

	return built(&b, bw_report_walk(r, source, mbox_index, evidence ? BW_JSON_EVIDENCE : 0,
	                                &to_python, &b));
}

PyObject *bw_py_error_dict(const char *source, long mbox_index, int code, const char *message)
{
	builder b = { { NULL }, 0, NULL, NULL };

	return built(&b, bw_error_walk(source, mbox_index, code, message, &to_python, &b));
}

/* ---- callbacks from the library into Python ----------------------------- */

void bw_py_calls_keep(bw_py_calls *c)
{
	if (!c->exc_type)
		PyErr_Fetch(&c->exc_type, &c->exc_value, &c->exc_tb);
	PyErr_Clear();
}

int bw_py_calls_write(bw_py_calls *c, PyObject *fn, const char *data, size_t len)
{
	PyGILState_STATE g;
	PyObject *b, *r = NULL;
	int failed;

	if (!fn || fn == Py_None)
		return 0;
	g = PyGILState_Ensure();
	if (!c->exc_type && (b = PyBytes_FromStringAndSize(data, (Py_ssize_t)len))) {
		r = PyObject_CallOneArg(fn, b);
		Py_DECREF(b);
	}
	if (!r && !c->exc_type)
		bw_py_calls_keep(c);
	Py_XDECREF(r);
	failed = c->exc_type != NULL;
	PyGILState_Release(g);
	return failed;
}

int bw_py_calls_restore(bw_py_calls *c)
{
	if (!c->exc_type)
		return 0;
	PyErr_Restore(c->exc_type, c->exc_value, c->exc_tb);
	c->exc_type = c->exc_value = c->exc_tb = NULL;
	return -1;
}

int bw_py_fs_list(PyObject *seq, PyObject **bytes_out, const char ***out, Py_ssize_t *n)
{
	PyObject *fast = PySequence_Fast(seq, "a sequence of paths is wanted"), *b;
	Py_ssize_t i;

	*bytes_out = NULL;
	if (!fast)
		return -1;
	*n = PySequence_Fast_GET_SIZE(fast);
	if (!(*bytes_out = PyList_New(*n)) || !(*out = PyMem_Calloc((size_t)*n + 1, sizeof(char *)))) {
		Py_DECREF(fast);
		if (*bytes_out)
			PyErr_NoMemory();
		return -1;
	}
	for (i = 0; i < *n; i++) {
		if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fast, i), &b)) {
			Py_DECREF(fast);
			return -1;
		}
		PyList_SET_ITEM(*bytes_out, i, b);
		(*out)[i] = PyBytes_AS_STRING(b);
	}
	Py_DECREF(fast);
	return 0;
}
