/*
 * _output.c - bouncewhy._bouncewhy.Output: the library's framing of records
 * (bw_output: text, one JSON array, or NDJSON) collected into a buffer, so
 * that `python3 -m bouncewhy` prints exactly what the CLI prints without a
 * copy of the framing in Python.
 *
 *   out = Output("json", explain=False)   # "[\n" is waiting in the buffer
 *   Scanner(rules, paths, output=out)     # each item's `rendered` is its
 *                                         # framed bytes, taken from out
 *   out.error(source, mbox_index, code, message); out.take() -> bytes
 *   out.finish(); out.take()              # "\n]\n"
 */
#include <stdlib.h>
#include <string.h>

#include "_output.h"
#include "_report.h"

struct bw_py_output {
	PyObject_HEAD
	bw_output *out;
	char *buf;
	size_t len, cap;
	int oom;
	int busy;      /* reserved by a Scanner step or a call */
};

static int collect(const char *data, size_t len, void *payload)
{
	bw_py_output *o = payload;

	if (o->len + len > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *b;

		while (cap < o->len + len)
			cap *= 2;
		if (!(b = realloc(o->buf, cap))) {
			o->oom = 1;
			return 1;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, data, len);
	o->len += len;
	return 0;
}

static void Output_dealloc(bw_py_output *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_output_free(self->out);
	free(self->buf);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int Output_init(bw_py_output *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "format", "explain", NULL };
	const char *format;
	int explain = 0, rc;
	bw_output_format f;

	if (self->out) {
		PyErr_SetString(PyExc_RuntimeError, "Output objects cannot be re-initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "s|p", kwlist, &format, &explain))
		return -1;
	if (strcmp(format, "text") == 0)
		f = BW_OUTPUT_TEXT;
	else if (strcmp(format, "json") == 0)
		f = BW_OUTPUT_JSON;
	else if (strcmp(format, "ndjson") == 0)
		f = BW_OUTPUT_NDJSON;
	else {
		PyErr_SetString(PyExc_ValueError, "format must be text, json or ndjson");
		return -1;
	}
	rc = bw_output_new(&self->out, f, explain ? BW_OUTPUT_EXPLAIN : 0, collect, self);
	if (rc < 0) {
		bw_py_raise(Py_TYPE(self), rc, NULL);
		return -1;
	}
	return 0;
}

bw_py_output *bw_py_output_acquire(PyObject *m, PyObject *obj)
{
	PyObject *type = m ? PyObject_GetAttrString(m, "Output") : NULL;
	bw_py_output *o;
	int ok;

	if (!type)
		return NULL;
	ok = PyObject_TypeCheck(obj, (PyTypeObject *)type);
	Py_DECREF(type);
	if (!ok) {
		PyErr_SetString(PyExc_TypeError, "output must be an Output object");
		return NULL;
	}
	o = (bw_py_output *)obj;
	if (!o->out) {
		PyErr_SetString(PyExc_RuntimeError, "Output was not initialised");
		return NULL;
	}
	if (o->busy) {
		PyErr_SetString(PyExc_RuntimeError, "Output used by two callers at once");
		return NULL;
	}
	o->busy = 1;
	return o;
}

void bw_py_output_release(bw_py_output *o)
{
	if (o)
		o->busy = 0;
}

int bw_py_output_put(bw_py_output *o, const bw_report *r, const char *source, long mbox_index,
                     int *code, char **message)
{
	size_t before = o->len;
	int rc;

	if (r) {
		rc = bw_output_report(o->out, r, source, mbox_index);
		if (rc >= 0 || o->len != before || o->oom)
			return rc;
		/* nothing of it went out: an error record instead, as the CLI does */
		*code = rc;
		free(*message);
		*message = strdup(bw_error_message());
	}
	return bw_output_error(o->out, source, mbox_index, *code, *message ? *message : "");
}

PyObject *bw_py_output_take(bw_py_output *o)
{
	PyObject *b = PyBytes_FromStringAndSize(o->buf ? o->buf : "", (Py_ssize_t)o->len);

	if (b)
		o->len = 0;
	return b;
}

static PyObject *Output_error(bw_py_output *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "source", "mbox_index", "code", "message", NULL };
	PyObject *source_b = NULL;
	const char *message;
	char *msg;
	long index;
	int code, rc;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O&lis", kwlist, PyUnicode_FSConverter,
	                                 &source_b, &index, &code, &message))
		return NULL;
	if (self->busy) {
		Py_DECREF(source_b);
		PyErr_SetString(PyExc_RuntimeError, "Output used by two callers at once");
		return NULL;
	}
	msg = strdup(message);
	rc = bw_py_output_put(self, NULL, PyBytes_AS_STRING(source_b), index, &code, &msg);
	free(msg);
	Py_DECREF(source_b);
	if (rc < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	Py_RETURN_NONE;
}

static PyObject *Output_finish(bw_py_output *self, PyObject *unused)
{
	int rc;

	(void)unused;
	if (!self->out) {
		PyErr_SetString(PyExc_RuntimeError, "Output was not initialised");
		return NULL;
	}
	if ((rc = bw_output_finish(self->out)) < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	Py_RETURN_NONE;
}

static PyObject *Output_take(bw_py_output *self, PyObject *unused)
{
	(void)unused;
	return bw_py_output_take(self);
}

static PyMethodDef Output_methods[] = {
	{ "error", (PyCFunction)(void (*)(void))Output_error, METH_VARARGS | METH_KEYWORDS,
	  "error(source, mbox_index, code, message): the record of a message that could not be read." },
	{ "finish", (PyCFunction)Output_finish, METH_NOARGS,
	  "finish(): ends the output (the closing bracket of the JSON array)." },
	{ "take", (PyCFunction)Output_take, METH_NOARGS,
	  "take() -> bytes: what was written since the last take." },
	{ NULL, NULL, 0, NULL },
};

PyDoc_STRVAR(Output_doc,
"Output(format, explain=False)\n\n"
"The library's framing of records (bw_output) as the bouncewhy command\n"
"prints them: \"text\", \"json\" (one indented array) or \"ndjson\"; with\n"
"`explain` the evidence (JSON) or rule and evidence (text).  Records are\n"
"added by a Scanner or Rules.classify_reply given output=, or by error();\n"
"take() returns the bytes written so far.");

static PyType_Slot Output_slots[] = {
	{ Py_tp_dealloc, Output_dealloc },
	{ Py_tp_init, Output_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_methods, Output_methods },
	{ Py_tp_doc, (void *)Output_doc },
	{ 0, NULL },
};

static PyType_Spec Output_spec = {
	"bouncewhy._bouncewhy.Output",
	sizeof(bw_py_output),
	0,
	Py_TPFLAGS_DEFAULT,
	Output_slots,
};

int bw_py_output_register(PyObject *m)
{
	PyObject *t = PyType_FromModuleAndSpec(m, &Output_spec, NULL);

	if (!t || PyModule_AddObject(m, "Output", t) < 0) {
		Py_XDECREF(t);
		return -1;
	}
	return 0;
}
