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
#include "_report.h"

int bw_py_ledger_register(PyObject *module);

typedef struct {
	PyObject_HEAD
	bw_ledger *ledger;
	bw_rules *rules;        /* opened on the first message to parse */
	char *rules_path;       /* NULL: the library's default */
	int busy;               /* add_paths() runs without the GIL */
} LedgerHandle;

/* Raises the bouncewhy exception for the last library error. */
static PyObject *raise_last(PyObject *self)
{
	return bw_py_raise(Py_TYPE(self), bw_error_code_last(), NULL);
}

static int check_open(LedgerHandle *h)
{
	if (h->busy) {
		PyErr_SetString(PyExc_RuntimeError, "the ledger is in use by another thread");
		return -1;
	}
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

	if (h->busy) {
		PyErr_SetString(PyExc_RuntimeError, "the ledger is in use by another thread");
		return NULL;
	}
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

/* The state of one add_paths() call, shared with the library's callbacks
 * (which run without the GIL and take it to call Python). */
typedef struct add_call {
	LedgerHandle *h;
	bw_rules_options ropts;     /* rules given to the call */
	int own_rules;              /* open them for this call (else h->rules) */
	bw_rules *rules;
	PyObject *out, *err, *progress;   /* callables or None */
	PyObject *errors;           /* list of (source, message) */
	bw_py_calls calls;          /* the first Python error */
} add_call;

static int add_out(const char *data, size_t len, void *payload)
{
	add_call *c = payload;

	return bw_py_calls_write(&c->calls, c->out, data, len);
}

static int add_err(const char *data, size_t len, void *payload)
{
	add_call *c = payload;

	return bw_py_calls_write(&c->calls, c->err, data, len);
}

static void add_unreadable(const char *source, const char *message, void *payload)
{
	add_call *c = payload;
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *e = Py_BuildValue("(O&O&)", PyUnicode_DecodeFSDefault, source, bw_py_str, message);

	if (!e || PyList_Append(c->errors, e) < 0)
		bw_py_calls_keep(&c->calls);
	Py_XDECREF(e);
	PyGILState_Release(g);
}

static void add_progress(unsigned long messages, unsigned long errors, void *payload)
{
	add_call *c = payload;
	PyGILState_STATE g;
	PyObject *r = NULL;

	if (c->progress == Py_None)
		return;
	g = PyGILState_Ensure();
	if (!c->calls.exc_type && !(r = PyObject_CallFunction(c->progress, "kk", messages, errors)))
		bw_py_calls_keep(&c->calls);
	Py_XDECREF(r);
	PyGILState_Release(g);
}

/* The rule set, opened with the library only (no Python): the message of a
 * failure is the library's. */
static int add_rules(const bw_rules **out, void *payload)
{
	add_call *c = payload;
	int rc;

	if (c->own_rules) {
		rc = bw_rules_open(&c->rules, &c->ropts);
		*out = c->rules;
		return rc;
	}
	if (!c->h->rules) {
		bw_rules_options o = BW_RULES_OPTIONS_INIT;
		o.path = c->h->rules_path;
		if ((rc = bw_rules_open(&c->h->rules, &o)) < 0)
			return rc;
	}
	*out = c->h->rules;
	return BW_OK;
}

/* add_paths(paths, *, ndjson_stdin=False, rules=None, overlays=None,
 *           max_message_size=0, max_mime_depth=0, max_parts=0,
 *           max_recipients=0, out=None, err=None, progress=None)
 *   -> (messages, entries, unreadable, errors, error_count)
 * The library's bw_ledger_add_paths(), run without the GIL. */
static PyObject *Ledger_add_paths(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "paths", "ndjson_stdin", "rules", "overlays", "max_message_size",
		"max_mime_depth", "max_parts", "max_recipients", "out", "err", "progress", NULL };
	LedgerHandle *h = (LedgerHandle *)self;
	PyObject *paths, *rules = Py_None, *overlays = Py_None, *rules_b = NULL, *paths_b = NULL;
	PyObject *ov_b = NULL, *ret = NULL;
	const char **path_v = NULL, **ov_v = NULL;
	Py_ssize_t n = 0, n_ov = 0;
	Py_ssize_t max_size = 0;
	unsigned int max_depth = 0, max_parts = 0, max_rcpt = 0;
	int ndjson = 0, rc;
	bw_parse_options popts = BW_PARSE_OPTIONS_INIT;
	bw_ledger_add_options o = BW_LEDGER_ADD_OPTIONS_INIT;
	bw_ledger_add_result res;
	add_call c;

	memset(&c, 0, sizeof(c));
	c.out = c.err = c.progress = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$pOOnIIIOOO", kwlist, &paths, &ndjson, &rules,
	                                 &overlays, &max_size, &max_depth, &max_parts, &max_rcpt,
	                                 &c.out, &c.err, &c.progress))
		return NULL;
	if (check_open(h) < 0 || bw_py_fs_list(paths, &paths_b, &path_v, &n) < 0)
		goto done;
	c.h = h;
	c.ropts = (bw_rules_options)BW_RULES_OPTIONS_INIT;
	if (rules != Py_None || overlays != Py_None) {
		c.own_rules = 1;
		if (rules != Py_None) {
			if (!PyUnicode_FSConverter(rules, &rules_b))
				goto done;
			c.ropts.path = PyBytes_AS_STRING(rules_b);
		} else {
			c.ropts.path = h->rules_path;
		}
		if (overlays != Py_None) {
			if (bw_py_fs_list(overlays, &ov_b, &ov_v, &n_ov) < 0)
				goto done;
			c.ropts.overlays = ov_v;
			c.ropts.n_overlays = (size_t)n_ov;
		}
	}
	if (!(c.errors = PyList_New(0)))
		goto done;
	popts.max_message_size = (size_t)max_size;
	popts.max_mime_depth = max_depth;
	popts.max_parts = max_parts;
	popts.max_recipients = max_rcpt;
	o.ndjson_stdin = ndjson;
	o.parse = &popts;
	o.rules = add_rules;
	o.write = c.out != Py_None ? add_out : NULL;
	o.diag = c.err != Py_None ? add_err : NULL;
	o.on_unreadable = add_unreadable;
	o.progress = add_progress;
	o.payload = &c;
	h->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	rc = bw_ledger_add_paths(&res, h->ledger, path_v, (size_t)n, &o);
	Py_END_ALLOW_THREADS
	h->busy = 0;
	if (bw_py_calls_restore(&c.calls) < 0) {
		;
	} else if (rc < 0) {
		raise_last(self);
	} else {
		ret = Py_BuildValue("(kkkOk)", res.messages, res.entries, res.unreadable, c.errors,
		                    res.errors);
	}
done:
	bw_rules_free(c.rules);
	Py_XDECREF(c.errors);
	Py_XDECREF(paths_b);
	Py_XDECREF(ov_b);
	Py_XDECREF(rules_b);
	PyMem_Free(path_v);
	PyMem_Free(ov_v);
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

/* A format name read with the library's vocabulary; sets the package's
 * InvalidInputError (a ValueError) when there is no such format. */
static int format_of(PyObject *self, const char *s, bw_ledger_format *out)
{
	int rc = bw_ledger_format_from_name(s, out);

	if (rc < 0) {
		bw_py_raise(Py_TYPE(self), rc, bw_error_message());
		return -1;
	}
	return 0;
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

	if (!PyArg_ParseTuple(args, "s|s", &address, &fmt) || check_open(h) < 0 || format_of(self, fmt, &f) < 0)
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
	    format_of(self, fmt, &f) < 0)                                      \
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
	{ "add_paths", (PyCFunction)(void (*)(void))Ledger_add_paths, METH_VARARGS | METH_KEYWORDS,
	  "add_paths(paths, *, ndjson_stdin=False, rules=None, overlays=None, max_message_size=0,\n"
	  "max_mime_depth=0, max_parts=0, max_recipients=0, out=None, err=None, progress=None)\n"
	  "-> (messages, entries, unreadable, errors, error_count): `bouncewhy ledger add`\n"
	  "(the library's bw_ledger_add_paths): mail and NDJSON operands recorded in batches;\n"
	  "errors lists (source, message) of what could not be read; error_count counts the\n"
	  "messages and records among them; out(bytes) gets the count line,\n"
	  "err(bytes) the command's lines for standard error, progress(messages, errors)\n"
	  "the counts.  Rules (path, overlays): opened for this call; else the handle's." },
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
