/*
 * _ledger.c - the bounce ledger in the extension module: the type
 * bouncewhy._bouncewhy.LedgerHandle over one bw_ledger
 * (include/bouncewhy-ledger.h), and bouncewhy.LedgerError.  The Pythonic
 * class is bouncewhy.Ledger (bouncewhy/_ledger.py).
 *
 * Registered from the module's exec function by bw_py_ledger_register().
 * A handle is used by one thread at a time (the GIL is kept held during
 * its calls, so threads sharing one are serialised, not racing).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "bouncewhy-ledger.h"

int bw_py_ledger_register(PyObject *module);

typedef struct {
	PyObject_HEAD
	bw_ledger *ledger;
	bw_rules *rules;        /* opened on the first message to parse */
	char *rules_path;       /* NULL: the library's default */
} LedgerHandle;

/* Raises the bouncewhy exception for the last library error. */
static PyObject *raise_last(PyObject *self)
{
	static const struct { int code; const char *name; } classes[] = {
		{ BW_EPARSE, "ParseError" }, { BW_ELIMIT, "LimitError" }, { BW_ERULES, "RulesError" },
		{ BW_EIO, "ReadError" }, { BW_EINVALID, "InvalidInputError" },
		{ BW_ENOTFOUND, "NotFoundError" }, { BW_ENOMEM, "OutOfMemoryError" },
		{ BW_ELEDGER, "LedgerError" },
	};
	int code = bw_error_code_last();
	const char *name = "Error";
	PyObject *m = PyType_GetModule(Py_TYPE(self)), *cls, *exc, *v;
	size_t i;

	if (code >= 0)
		code = BW_ERROR;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (classes[i].code == code)
			name = classes[i].name;
	if (!m || !(cls = PyObject_GetAttrString(m, name)))
		return NULL;
	exc = PyObject_CallFunction(cls, "s", bw_error_message());
	if (exc) {
		if ((v = PyLong_FromLong(code))) {
			PyObject_SetAttrString(exc, "code", v);
			Py_DECREF(v);
		}
		if ((v = PyUnicode_FromString(bw_error_code_name(code)))) {
			PyObject_SetAttrString(exc, "code_name", v);
			Py_DECREF(v);
		}
		PyErr_SetObject(cls, exc);
		Py_DECREF(exc);
	}
	Py_DECREF(cls);
	return NULL;
}

static int check_open(LedgerHandle *h)
{
	if (h->ledger)
		return 0;
	PyErr_SetString(PyExc_ValueError, "the ledger is closed");
	return -1;
}

static int Ledger_init(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "location", "policy", "rules", "now", NULL };
	LedgerHandle *h = (LedgerHandle *)self;
	const char *location, *policy = NULL, *rules = NULL;
	long long now = 0;
	bw_ledger_options o = BW_LEDGER_OPTIONS_INIT;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|zzL", kwlist, &location, &policy, &rules, &now))
		return -1;
	if (h->ledger)
		bw_ledger_free(h->ledger), h->ledger = NULL;
	o.policy_path = policy;
	o.now = now;
	if (rules && !(h->rules_path = strdup(rules))) {
		PyErr_NoMemory();
		return -1;
	}
	if (bw_ledger_open(&h->ledger, location, &o) < 0) {
		raise_last(self);
		return -1;
	}
	return 0;
}

static void Ledger_dealloc(PyObject *self)
{
	LedgerHandle *h = (LedgerHandle *)self;
	PyTypeObject *tp = Py_TYPE(self);

	bw_ledger_free(h->ledger);
	bw_rules_free(h->rules);
	free(h->rules_path);
	tp->tp_free(self);
	Py_DECREF(tp);
}

static PyObject *Ledger_close(PyObject *self, PyObject *unused)
{
	LedgerHandle *h = (LedgerHandle *)self;

	bw_ledger_free(h->ledger);
	h->ledger = NULL;
	Py_RETURN_NONE;
}

static int need_rules(LedgerHandle *h)
{
	bw_rules_options o = BW_RULES_OPTIONS_INIT;

	if (h->rules)
		return 0;
	o.path = h->rules_path;
	if (bw_rules_open(&h->rules, &o) < 0) {
		raise_last((PyObject *)h);
		return -1;
	}
	return 0;
}

static PyObject *added_or_raise(PyObject *self, int rc, size_t added)
{
	if (rc < 0)
		return raise_last(self);
	return PyLong_FromSize_t(added);
}

/* add_message(data: bytes, source: str | None) -> int: parses one message
 * and records its recipients; returns the number of new entries. */
static PyObject *Ledger_add_message(PyObject *self, PyObject *args)
{
	LedgerHandle *h = (LedgerHandle *)self;
	const char *source = NULL;
	Py_buffer buf;
	bw_report *r = NULL;
	size_t added = 0;
	int rc;

	if (!PyArg_ParseTuple(args, "y*|z", &buf, &source))
		return NULL;
	if (check_open(h) < 0 || need_rules(h) < 0) {
		PyBuffer_Release(&buf);
		return NULL;
	}
	rc = bw_parse_buffer(&r, h->rules, buf.buf, (size_t)buf.len, NULL);
	PyBuffer_Release(&buf);
	if (rc == BW_OK)
		rc = bw_ledger_add_report(h->ledger, r, source, &added);
	bw_report_free(r);
	return added_or_raise(self, rc, added);
}

/* add_file(path: str, source: str | None) -> int */
static PyObject *Ledger_add_file(PyObject *self, PyObject *args)
{
	LedgerHandle *h = (LedgerHandle *)self;
	const char *path, *source = NULL;
	bw_report *r = NULL;
	size_t added = 0;
	int rc;

	if (!PyArg_ParseTuple(args, "s|z", &path, &source))
		return NULL;
	if (check_open(h) < 0 || need_rules(h) < 0)
		return NULL;
	rc = bw_parse_file(&r, h->rules, path, NULL);
	if (rc == BW_OK)
		rc = bw_ledger_add_report(h->ledger, r, source ? source : path, &added);
	bw_report_free(r);
	return added_or_raise(self, rc, added);
}

/* add_path(path, pending=0, batch=500) -> (messages, entries, errors, pending):
 * reads a file, mbox, directory or Maildir with the library's scanner
 * (bw_scan) and records every report; `errors` lists (source, message) of
 * the messages that gave none.  `pending` messages of the open batch are
 * counted on: every `batch` the batch is committed and a new one begun. */
static PyObject *Ledger_add_path(PyObject *self, PyObject *args)
{
	LedgerHandle *h = (LedgerHandle *)self;
	PyObject *path_b = NULL, *errors = NULL, *ret = NULL;
	Py_ssize_t pending = 0, batch = 500;
	size_t messages = 0, entries = 0, added;
	bw_scan *scan = NULL;
	const bw_scan_item *it;
	int rc;

	if (!PyArg_ParseTuple(args, "O&|nn", PyUnicode_FSConverter, &path_b, &pending, &batch))
		return NULL;
	if (check_open(h) < 0 || need_rules(h) < 0 || !(errors = PyList_New(0)))
		goto out;
	if ((rc = bw_scan_new(&scan, h->rules, NULL)) < 0 ||
	    (rc = bw_scan_add_path(scan, PyBytes_AS_STRING(path_b))) < 0) {
		raise_last(self);
		goto out;
	}
	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		rc = bw_scan_next(&it, scan);
		Py_END_ALLOW_THREADS
		if (rc == BW_ENOTFOUND)
			break;
		if (rc < 0) {
			raise_last(self);
			goto out;
		}
		messages++;
		if (bw_scan_item_report(it)) {
			added = 0;
			if (bw_ledger_add_report(h->ledger, bw_scan_item_report(it), bw_scan_item_source(it),
			                         &added) < 0) {
				raise_last(self);
				goto out;
			}
			entries += added;
		} else {
			PyObject *e = Py_BuildValue("(O&O&)", PyUnicode_DecodeFSDefault, bw_scan_item_source(it),
			                            PyUnicode_DecodeFSDefault, bw_scan_item_error(it));
			if (!e || PyList_Append(errors, e) < 0) {
				Py_XDECREF(e);
				goto out;
			}
			Py_DECREF(e);
		}
		if (++pending >= batch) {
			if (bw_ledger_commit(h->ledger) < 0 || bw_ledger_begin(h->ledger) < 0) {
				raise_last(self);
				goto out;
			}
			pending = 0;
		}
	}
	ret = Py_BuildValue("(nnOn)", (Py_ssize_t)messages, (Py_ssize_t)entries, errors, pending);
out:
	bw_scan_free(scan);
	Py_XDECREF(errors);
	Py_XDECREF(path_b);
	return ret;
}

/* add_json(record: str) -> int: one record of `bouncewhy --format ndjson`. */
static PyObject *Ledger_add_json(PyObject *self, PyObject *arg)
{
	LedgerHandle *h = (LedgerHandle *)self;
	Py_ssize_t len;
	const char *s;
	size_t added = 0;
	int rc;

	if (check_open(h) < 0)
		return NULL;
	if (!(s = PyUnicode_AsUTF8AndSize(arg, &len)))
		return NULL;
	rc = bw_ledger_add_json(h->ledger, s, (size_t)len, &added);
	return added_or_raise(self, rc, added);
}

static int event_of(const char *s, bw_ledger_event *out)
{
	int i;

	for (i = 0; i <= BW_LEDGER_COMPLAINT; i++)
		if (!strcmp(s, bw_ledger_event_name((bw_ledger_event)i))) {
			*out = (bw_ledger_event)i;
			return 0;
		}
	PyErr_Format(PyExc_ValueError, "event must be bounce, delay, success or complaint, not '%s'", s);
	return -1;
}

static PyObject *Ledger_record(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "address", "event", "time", "reason", "fault", "provider",
		"provider_code", "status", "hard", "confidence", "report_id", "original_id",
		"recipient", "source", NULL };
	LedgerHandle *h = (LedgerHandle *)self;
	bw_ledger_entry e = BW_LEDGER_ENTRY_INIT;
	const char *event = "bounce";
	PyObject *hard = Py_None, *confidence = Py_None;
	int added = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|sLzzzzzOOzzzz", kwlist, &e.address, &event,
	                                 &e.time, &e.reason, &e.fault, &e.provider, &e.provider_code,
	                                 &e.status, &hard, &confidence, &e.report_id,
	                                 &e.original_id, &e.recipient, &e.source))
		return NULL;
	if (check_open(h) < 0 || event_of(event, &e.event) < 0)
		return NULL;
	if (hard != Py_None && (e.hard = PyObject_IsTrue(hard)) < 0)
		return NULL;
	if (confidence != Py_None && (e.confidence = PyFloat_AsDouble(confidence)) == -1.0 && PyErr_Occurred())
		return NULL;
	if (bw_ledger_record(h->ledger, &e, &added) < 0)
		return raise_last(self);
	return PyBool_FromLong(added);
}

static PyObject *Ledger_simple(PyObject *self, int (*fn)(bw_ledger *))
{
	LedgerHandle *h = (LedgerHandle *)self;

	if (check_open(h) < 0)
		return NULL;
	if (fn(h->ledger) < 0)
		return raise_last(self);
	Py_RETURN_NONE;
}

static PyObject *Ledger_begin(PyObject *self, PyObject *unused) { return Ledger_simple(self, bw_ledger_begin); }
static PyObject *Ledger_commit(PyObject *self, PyObject *unused) { return Ledger_simple(self, bw_ledger_commit); }
static PyObject *Ledger_rollback(PyObject *self, PyObject *unused) { return Ledger_simple(self, bw_ledger_rollback); }

static int format_of(const char *s, bw_ledger_format *out)
{
	static const char *const names[] = { "text", "json", "csv", "postfix" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*out = (bw_ledger_format)i;
			return 0;
		}
	PyErr_SetString(PyExc_ValueError, "format must be text, json, csv or postfix");
	return -1;
}

static PyObject *string_result(PyObject *self, int rc, char *out)
{
	PyObject *res;

	if (rc < 0)
		return raise_last(self);
	res = PyUnicode_DecodeUTF8(out, (Py_ssize_t)strlen(out), "surrogateescape");
	bw_free(out);
	return res;
}

/* The report functions: status(address, format), suppressed(format),
 * alerts(format), stats(format), policy(format) -> str */
static PyObject *Ledger_status(PyObject *self, PyObject *args)
{
	LedgerHandle *h = (LedgerHandle *)self;
	const char *address, *fmt = "json";
	bw_ledger_format f;
	char *out = NULL;
	int rc;

	if (!PyArg_ParseTuple(args, "s|s", &address, &fmt) || check_open(h) < 0 || format_of(fmt, &f) < 0)
		return NULL;
	rc = bw_ledger_status(&out, h->ledger, address, f);
	return string_result(self, rc, out);
}

#define REPORT_METHOD(name, call)                                              \
static PyObject *Ledger_##name(PyObject *self, PyObject *args)                 \
{                                                                              \
	LedgerHandle *h = (LedgerHandle *)self;                                \
	const char *fmt = "json";                                              \
	bw_ledger_format f;                                                    \
	char *out = NULL;                                                      \
	int rc;                                                                \
	if (!PyArg_ParseTuple(args, "|s", &fmt) || check_open(h) < 0 ||        \
	    format_of(fmt, &f) < 0)                                            \
		return NULL;                                                   \
	rc = call(&out, h->ledger, f);                                         \
	return string_result(self, rc, out);                                   \
}

REPORT_METHOD(suppressed, bw_ledger_suppressed)
REPORT_METHOD(alerts, bw_ledger_alerts)
REPORT_METHOD(stats, bw_ledger_stats)
REPORT_METHOD(policy, bw_ledger_policy)

static PyObject *Ledger_state(PyObject *self, PyObject *arg)
{
	LedgerHandle *h = (LedgerHandle *)self;
	bw_ledger_state st;
	const char *address;
	char *rule = NULL;
	PyObject *res;

	if (check_open(h) < 0 || !(address = PyUnicode_AsUTF8(arg)))
		return NULL;
	if (bw_ledger_state_of(h->ledger, address, &st, &rule) < 0)
		return raise_last(self);
	res = Py_BuildValue("(ss)", bw_ledger_state_name(st), rule ? rule : "");
	bw_free(rule);
	return res;
}

static PyObject *Ledger_forget(PyObject *self, PyObject *arg)
{
	LedgerHandle *h = (LedgerHandle *)self;
	const char *address;

	if (check_open(h) < 0 || !(address = PyUnicode_AsUTF8(arg)))
		return NULL;
	if (bw_ledger_forget(h->ledger, address) < 0)
		return raise_last(self);
	Py_RETURN_NONE;
}

static PyObject *Ledger_set_now(PyObject *self, PyObject *arg)
{
	LedgerHandle *h = (LedgerHandle *)self;
	long long now = PyLong_AsLongLong(arg);

	if (now == -1 && PyErr_Occurred())
		return NULL;
	if (check_open(h) < 0)
		return NULL;
	bw_ledger_set_now(h->ledger, now);
	Py_RETURN_NONE;
}

static PyObject *Ledger_backend(PyObject *self, void *closure)
{
	LedgerHandle *h = (LedgerHandle *)self;

	return PyUnicode_FromString(h->ledger ? bw_ledger_backend(h->ledger) : "");
}

static PyMethodDef Ledger_methods[] = {
	{ "close", Ledger_close, METH_NOARGS, "Closes the ledger (an open batch is rolled back)." },
	{ "add_message", Ledger_add_message, METH_VARARGS,
	  "add_message(data, source=None) -> int: parse one message, record its recipients." },
	{ "add_file", Ledger_add_file, METH_VARARGS,
	  "add_file(path, source=None) -> int: parse one message file, record its recipients." },
	{ "add_path", Ledger_add_path, METH_VARARGS,
	  "add_path(path, pending=0, batch=500) -> (messages, entries, errors, pending): read\n"
	  "a file, mbox, directory or Maildir with the library's scanner and record every\n"
	  "report; errors lists (source, message) of the messages that gave none." },
	{ "add_json", Ledger_add_json, METH_O,
	  "add_json(record) -> int: record one `bouncewhy --format ndjson` record." },
	{ "record", (PyCFunction)(void (*)(void))Ledger_record, METH_VARARGS | METH_KEYWORDS,
	  "record(address, event='bounce', time=0, ...) -> bool: record one diagnosis." },
	{ "begin", Ledger_begin, METH_NOARGS, "Starts a batch (one transaction)." },
	{ "commit", Ledger_commit, METH_NOARGS, "Commits the batch." },
	{ "rollback", Ledger_rollback, METH_NOARGS, "Rolls the batch back." },
	{ "status", Ledger_status, METH_VARARGS, "status(address, format='json') -> str" },
	{ "suppressed", Ledger_suppressed, METH_VARARGS, "suppressed(format='json') -> str" },
	{ "alerts", Ledger_alerts, METH_VARARGS, "alerts(format='json') -> str" },
	{ "stats", Ledger_stats, METH_VARARGS, "stats(format='json') -> str" },
	{ "policy", Ledger_policy, METH_VARARGS, "policy(format='json') -> str" },
	{ "state", Ledger_state, METH_O, "state(address) -> (state, rule)" },
	{ "forget", Ledger_forget, METH_O, "forget(address): the address is active again." },
	{ "set_now", Ledger_set_now, METH_O, "set_now(epoch): the ledger's clock (0: real)." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef Ledger_getset[] = {
	{ "backend", Ledger_backend, NULL, "\"sqlite\" or \"postgresql\"", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyType_Slot Ledger_slots[] = {
	{ Py_tp_doc, "LedgerHandle(location, policy=None, rules=None, now=0): one bw_ledger." },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_init, Ledger_init },
	{ Py_tp_dealloc, Ledger_dealloc },
	{ Py_tp_methods, Ledger_methods },
	{ Py_tp_getset, Ledger_getset },
	{ 0, NULL },
};

static PyType_Spec Ledger_spec = {
	"bouncewhy._bouncewhy.LedgerHandle",
	sizeof(LedgerHandle),
	0,
	Py_TPFLAGS_DEFAULT,
	Ledger_slots,
};

int bw_py_ledger_register(PyObject *m)
{
	PyObject *t, *base, *exc;

	if (!(base = PyObject_GetAttrString(m, "Error")))
		return -1;
	exc = PyErr_NewExceptionWithDoc("bouncewhy.LedgerError",
	                                "The ledger's database failed, or its schema is newer "
	                                "than this bouncewhy knows (BW_ELEDGER).", base, NULL);
	Py_DECREF(base);
	if (!exc || PyModule_AddObject(m, "LedgerError", exc) < 0) {
		Py_XDECREF(exc);
		return -1;
	}
	t = PyType_FromModuleAndSpec(m, &Ledger_spec, NULL);
	if (!t || PyModule_AddObject(m, "LedgerHandle", t) < 0) {
		Py_XDECREF(t);
		return -1;
	}
	if (PyModule_AddIntConstant(m, "BW_ELEDGER", BW_ELEDGER) < 0 ||
	    PyModule_AddIntConstant(m, "LEDGER_SCHEMA_VERSION", BW_LEDGER_SCHEMA_VERSION) < 0)
		return -1;
	return 0;
}
