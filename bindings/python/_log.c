/*
 * _log.c - the mail log part of bouncewhy._bouncewhy (bouncewhy/log.h),
 * registered by module_exec() in _bouncewhy.c through bw_py_log_register().
 *
 * Types:
 *   LogRules    one bw_rules for log reading (immutable, shareable)
 *   LogReader   one push reader (bw_log_open_push): feed(bytes), next(),
 *               end(), stats(); one thread at a time
 *   LogAttempt  an owned copy of one attempt (bw_log_attempt_dup): to_json()
 *   LogSummary  bw_log_summary: add(attempt), add_stats(reader), to_json(),
 *               to_text(), has_fault()
 *   LogRun      `bouncewhy log` as the library runs it (bw_log_run): set()
 *               options from their command-line text, run() over paths
 *
 * Attempts cross into Python as the JSON text bw_log_attempt_to_json()
 * produces (what `bouncewhy log --format ndjson` prints); the pure-Python
 * side (bouncewhy/_log.py) builds objects from it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <string.h>

#include "bouncewhy/log.h"
#include "_report.h"

int bw_py_log_register(PyObject *m);

static PyObject *text_to_str(char *s)
{
	PyObject *r = PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");

	bw_free(s);
	return r;
}

/* ---- LogRules ----------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	bw_rules *rules;
} LogRulesObject;

static void LogRules_dealloc(LogRulesObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_rules_free(self->rules);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int LogRules_init(LogRulesObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "path", "overlays", NULL };
	const char *path = NULL;
	PyObject *overlays = Py_None, *seq = NULL;
	const char **ov = NULL;
	bw_rules_options o = BW_RULES_OPTIONS_INIT;
	bw_rules *rules = NULL;
	Py_ssize_t i, n = 0;
	int rc;

	if (self->rules) {
		PyErr_SetString(PyExc_RuntimeError, "LogRules already initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|zO", kwlist, &path, &overlays))
		return -1;
	if (overlays != Py_None) {
		if (!(seq = PySequence_Fast(overlays, "overlays must be a sequence of str")))
			return -1;
		n = PySequence_Fast_GET_SIZE(seq);
		if (!(ov = PyMem_Calloc((size_t)n + 1, sizeof(*ov)))) {
			Py_DECREF(seq);
			PyErr_NoMemory();
			return -1;
		}
		for (i = 0; i < n; i++)
			if (!(ov[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i)))) {
				PyMem_Free(ov);
				Py_DECREF(seq);
				return -1;
			}
		o.overlays = ov;
		o.n_overlays = (size_t)n;
	}
	o.path = path;
	Py_BEGIN_ALLOW_THREADS
	rc = bw_rules_open(&rules, &o);
	Py_END_ALLOW_THREADS
	PyMem_Free(ov);
	Py_XDECREF(seq);
	if (rc < 0) {
		bw_py_raise(Py_TYPE(self), rc, NULL);
		return -1;
	}
	self->rules = rules;
	return 0;
}

static PyType_Slot LogRules_slots[] = {
	{ Py_tp_dealloc, LogRules_dealloc },
	{ Py_tp_init, LogRules_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_doc, (void *)"LogRules(path=None, overlays=None): a rule set for reading mail logs." },
	{ 0, NULL },
};

static PyType_Spec LogRules_spec = {
	"bouncewhy._bouncewhy.LogRules", sizeof(LogRulesObject), 0,
	Py_TPFLAGS_DEFAULT, LogRules_slots,
};

static PyTypeObject *rules_type(PyTypeObject *from)
{
	PyObject *m = PyType_GetModule(from);
	PyObject *t = m ? PyObject_GetAttrString(m, "LogRules") : NULL;

	Py_XDECREF(t);          /* the module keeps it alive */
	return (PyTypeObject *)t;
}

static bw_rules *rules_of(PyTypeObject *from, PyObject *o)
{
	PyTypeObject *t = rules_type(from);

	if (!t || !PyObject_TypeCheck(o, t) || !((LogRulesObject *)o)->rules) {
		PyErr_SetString(PyExc_TypeError, "expected an initialised LogRules");
		return NULL;
	}
	return ((LogRulesObject *)o)->rules;
}

/* ---- LogAttempt --------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	bw_log_attempt *a;
} LogAttemptObject;

static void LogAttempt_dealloc(LogAttemptObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_log_attempt_free(self->a);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static PyObject *LogAttempt_to_json(LogAttemptObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "source", "evidence", NULL };
	const char *source = NULL;
	int evidence = 0, rc;
	char *json;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|zp", kwlist, &source, &evidence))
		return NULL;
	if ((rc = bw_log_attempt_to_json(&json, self->a, source, evidence ? BW_JSON_EVIDENCE : 0)) < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	return text_to_str(json);
}

static PyMethodDef LogAttempt_methods[] = {
	{ "to_json", (PyCFunction)(void (*)(void))LogAttempt_to_json, METH_VARARGS | METH_KEYWORDS,
	  "to_json(source=None, evidence=False): the attempt as bw_log_attempt_to_json() gives it." },
	{ NULL, NULL, 0, NULL },
};

static PyType_Slot LogAttempt_slots[] = {
	{ Py_tp_dealloc, LogAttempt_dealloc },
	{ Py_tp_methods, LogAttempt_methods },
	{ Py_tp_doc, (void *)"One delivery attempt read from a mail log (an owned copy)." },
	{ 0, NULL },
};

static PyType_Spec LogAttempt_spec = {
	"bouncewhy._bouncewhy.LogAttempt", sizeof(LogAttemptObject), 0,
	Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, LogAttempt_slots,
};

/* ---- LogReader ---------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	bw_log *log;
	PyObject *rules;        /* keeps the LogRules alive */
	PyObject *chunk;        /* the bytes being read (borrowed by the reader) */
	bool ended;
} LogReaderObject;

static void LogReader_dealloc(LogReaderObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_log_free(self->log);
	Py_XDECREF(self->chunk);
	Py_XDECREF(self->rules);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int LogReader_init(LogReaderObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "rules", "reference_time", NULL };
	PyObject *rules_obj;
	long long ref = 0;
	bw_log_options o = BW_LOG_OPTIONS_INIT;
	bw_rules *rules;
	int rc;

	if (self->log) {
		PyErr_SetString(PyExc_RuntimeError, "LogReader already initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|L", kwlist, &rules_obj, &ref))
		return -1;
	if (!(rules = rules_of(Py_TYPE(self), rules_obj)))
		return -1;
	o.reference_time = ref;
	if ((rc = bw_log_open_push(&self->log, rules, &o)) < 0) {
		bw_py_raise(Py_TYPE(self), rc, NULL);
		return -1;
	}
	Py_INCREF(rules_obj);
	self->rules = rules_obj;
	return 0;
}

static PyObject *LogReader_feed(LogReaderObject *self, PyObject *data)
{
	int rc;

	if (!self->log || self->ended) {
		PyErr_SetString(PyExc_ValueError, "the reader is not open for input");
		return NULL;
	}
	if (!PyBytes_Check(data)) {
		PyErr_Format(PyExc_TypeError, "feed() wants bytes, not %.100s", Py_TYPE(data)->tp_name);
		return NULL;
	}
	if ((rc = bw_log_feed(self->log, PyBytes_AS_STRING(data), (size_t)PyBytes_GET_SIZE(data))) < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	Py_INCREF(data);
	Py_XSETREF(self->chunk, data);
	Py_RETURN_NONE;
}

static PyObject *LogReader_end(LogReaderObject *self, PyObject *unused)
{
	(void)unused;
	if (self->log && !self->ended)
		bw_log_feed_end(self->log);
	self->ended = true;
	Py_RETURN_NONE;
}

static PyObject *LogReader_next(LogReaderObject *self, PyObject *unused)
{
	const bw_log_attempt *a;
	LogAttemptObject *obj;
	PyObject *m, *t;
	int rc;

	(void)unused;
	if (!self->log) {
		PyErr_SetString(PyExc_ValueError, "the reader is not initialised");
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	rc = bw_log_next(self->log, &a);
	Py_END_ALLOW_THREADS
	if (rc == BW_ENOTFOUND)
		Py_RETURN_NONE;
	if (rc < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	if (!(m = PyType_GetModule(Py_TYPE(self))) || !(t = PyObject_GetAttrString(m, "LogAttempt")))
		return NULL;
	obj = PyObject_New(LogAttemptObject, (PyTypeObject *)t);
	Py_DECREF(t);
	if (!obj)
		return NULL;
	obj->a = NULL;
	if ((rc = bw_log_attempt_dup(&obj->a, a)) < 0) {
		Py_DECREF(obj);
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	}
	return (PyObject *)obj;
}

static PyObject *LogReader_stats(LogReaderObject *self, PyObject *unused)
{
	(void)unused;
	return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K}",
	                     "lines", bw_log_stat_get(self->log, BW_LOG_STAT_LINES),
	                     "attempts", bw_log_stat_get(self->log, BW_LOG_STAT_ATTEMPTS),
	                     "skipped_lines", bw_log_stat_get(self->log, BW_LOG_STAT_SKIPPED),
	                     "cut_lines", bw_log_stat_get(self->log, BW_LOG_STAT_CUT_LINES),
	                     "bytes", bw_log_stat_get(self->log, BW_LOG_STAT_BYTES));
}

static PyMethodDef LogReader_methods[] = {
	{ "feed", (PyCFunction)LogReader_feed, METH_O, "feed(bytes): the next piece of the log." },
	{ "end", (PyCFunction)LogReader_end, METH_NOARGS, "end(): no more input." },
	{ "next", (PyCFunction)LogReader_next, METH_NOARGS,
	  "next(): the next LogAttempt, or None when more input is needed (or at the end)." },
	{ "stats", (PyCFunction)LogReader_stats, METH_NOARGS, "stats(): the reader's counters." },
	{ NULL, NULL, 0, NULL },
};

static PyType_Slot LogReader_slots[] = {
	{ Py_tp_dealloc, LogReader_dealloc },
	{ Py_tp_init, LogReader_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_methods, LogReader_methods },
	{ Py_tp_doc, (void *)"LogReader(rules, reference_time=0): a push reader over a mail log." },
	{ 0, NULL },
};

static PyType_Spec LogReader_spec = {
	"bouncewhy._bouncewhy.LogReader", sizeof(LogReaderObject), 0,
	Py_TPFLAGS_DEFAULT, LogReader_slots,
};

/* ---- LogSummary --------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	bw_log_summary *s;
	PyObject *rules;
} LogSummaryObject;

static void LogSummary_dealloc(LogSummaryObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_log_summary_free(self->s);
	Py_XDECREF(self->rules);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int LogSummary_init(LogSummaryObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "rules", NULL };
	PyObject *rules_obj;
	bw_rules *rules;
	int rc;

	if (self->s) {
		PyErr_SetString(PyExc_RuntimeError, "LogSummary already initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &rules_obj))
		return -1;
	if (!(rules = rules_of(Py_TYPE(self), rules_obj)))
		return -1;
	if ((rc = bw_log_summary_new(&self->s, rules)) < 0) {
		bw_py_raise(Py_TYPE(self), rc, NULL);
		return -1;
	}
	Py_INCREF(rules_obj);
	self->rules = rules_obj;
	return 0;
}

static PyObject *LogSummary_add(LogSummaryObject *self, PyObject *attempt)
{
	PyObject *m = PyType_GetModule(Py_TYPE(self)), *t;
	int ok, rc;

	if (!m || !(t = PyObject_GetAttrString(m, "LogAttempt")))
		return NULL;
	ok = PyObject_TypeCheck(attempt, (PyTypeObject *)t);
	Py_DECREF(t);
	if (!ok) {
		PyErr_SetString(PyExc_TypeError, "add() wants a LogAttempt");
		return NULL;
	}
	if ((rc = bw_log_summary_add(self->s, ((LogAttemptObject *)attempt)->a)) < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	Py_RETURN_NONE;
}

static PyObject *LogSummary_add_stats(LogSummaryObject *self, PyObject *reader)
{
	PyObject *m = PyType_GetModule(Py_TYPE(self)), *t;
	int ok;

	if (!m || !(t = PyObject_GetAttrString(m, "LogReader")))
		return NULL;
	ok = PyObject_TypeCheck(reader, (PyTypeObject *)t);
	Py_DECREF(t);
	if (!ok) {
		PyErr_SetString(PyExc_TypeError, "add_stats() wants a LogReader");
		return NULL;
	}
	bw_log_summary_add_stats(self->s, ((LogReaderObject *)reader)->log);
	Py_RETURN_NONE;
}

static PyObject *LogSummary_to_json(LogSummaryObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "pretty", NULL };
	int pretty = 0, rc;
	char *out;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|p", kwlist, &pretty))
		return NULL;
	if ((rc = bw_log_summary_to_json(&out, self->s, pretty ? BW_JSON_PRETTY : 0)) < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	return text_to_str(out);
}

static PyObject *LogSummary_to_text(LogSummaryObject *self, PyObject *unused)
{
	char *out;
	int rc;

	(void)unused;
	if ((rc = bw_log_summary_to_text(&out, self->s, 0)) < 0)
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	return text_to_str(out);
}

static PyObject *LogSummary_has_fault(LogSummaryObject *self, PyObject *arg)
{
	const char *f = PyUnicode_AsUTF8(arg);

	if (!f)
		return NULL;
	return PyBool_FromLong(bw_log_summary_has_fault(self->s, f));
}

static PyMethodDef LogSummary_methods[] = {
	{ "add", (PyCFunction)LogSummary_add, METH_O, "add(attempt): count one LogAttempt." },
	{ "add_stats", (PyCFunction)LogSummary_add_stats, METH_O, "add_stats(reader): count its lines." },
	{ "to_json", (PyCFunction)(void (*)(void))LogSummary_to_json, METH_VARARGS | METH_KEYWORDS,
	  "to_json(pretty=False): the summary as `bouncewhy log --format json` prints it." },
	{ "to_text", (PyCFunction)LogSummary_to_text, METH_NOARGS,
	  "to_text(): the summary as `bouncewhy log` prints it." },
	{ "has_fault", (PyCFunction)LogSummary_has_fault, METH_O,
	  "has_fault(side): is there a problem whose fault is side ('any' for any)?" },
	{ NULL, NULL, 0, NULL },
};

static PyType_Slot LogSummary_slots[] = {
	{ Py_tp_dealloc, LogSummary_dealloc },
	{ Py_tp_init, LogSummary_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_methods, LogSummary_methods },
	{ Py_tp_doc, (void *)"LogSummary(rules): failures grouped as `bouncewhy log` groups them." },
	{ 0, NULL },
};

static PyType_Spec LogSummary_spec = {
	"bouncewhy._bouncewhy.LogSummary", sizeof(LogSummaryObject), 0,
	Py_TPFLAGS_DEFAULT, LogSummary_slots,
};

/* ---- LogRun ------------------------------------------------------------ */

/* `bouncewhy log` as the library runs it (bw_log_run): options set from
 * their command-line text with set(), then run(). */
typedef struct {
	PyObject_HEAD
	bw_log_run_options o;
	int running;
} LogRunObject;

typedef struct run_call {
	PyObject *out, *err, *stop;
	bw_py_calls calls;
} run_call;

static int LogRun_init(LogRunObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { NULL };

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "", kwlist))
		return -1;
	if (self->running) {
		PyErr_SetString(PyExc_RuntimeError, "LogRun is running");
		return -1;
	}
	bw_log_run_options_init(&self->o, BW_LOG_RUN_OPTIONS_VERSION);
	return 0;
}

static void LogRun_dealloc(LogRunObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static PyObject *LogRun_set(LogRunObject *self, PyObject *args)
{
	const char *name, *value;

	if (!PyArg_ParseTuple(args, "ss", &name, &value))
		return NULL;
	if (self->running) {
		PyErr_SetString(PyExc_RuntimeError, "LogRun is running");
		return NULL;
	}
	if (bw_log_run_option(&self->o, name, value) < 0)
		return bw_py_raise(Py_TYPE(self), bw_error_code_last(), NULL);
	Py_RETURN_NONE;
}

static int run_out(const char *data, size_t len, void *payload)
{
	run_call *c = payload;

	return bw_py_calls_write(&c->calls, c->out, data, len);
}

static int run_err(const char *data, size_t len, void *payload)
{
	run_call *c = payload;

	return bw_py_calls_write(&c->calls, c->err, data, len);
}

/* Following ends when stop() says so (the caller's SIGINT and SIGTERM
 * handlers, run here, tell it: as the signals end the CLI's), or when a
 * signal handler raised KeyboardInterrupt; the summary is still printed. */
static int run_stop(void *payload)
{
	run_call *c = payload;
	PyGILState_STATE g = PyGILState_Ensure();
	int stop = c->calls.exc_type != NULL;
	PyObject *r;

	if (!stop && PyErr_CheckSignals() < 0) {
		if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt))
			PyErr_Clear();
		else
			bw_py_calls_keep(&c->calls);
		stop = 1;
	}
	if (!stop && c->stop != Py_None) {
		if (!(r = PyObject_CallNoArgs(c->stop)) || (stop = PyObject_IsTrue(r)) < 0) {
			bw_py_calls_keep(&c->calls);
			stop = 1;
		}
		Py_XDECREF(r);
	}
	PyGILState_Release(g);
	return stop;
}

/* run(rules, paths, *, explain=False, follow=False, out=None, err=None,
 *     stop=None) -> (code, fault_seen) */
static PyObject *LogRun_run(LogRunObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "rules", "paths", "explain", "follow", "out", "err", "stop", NULL };
	PyObject *rules_obj, *paths, *bytes = NULL, *ret = NULL;
	const char **path_v = NULL;
	int explain = 0, follow = 0, fault = 0, rc;
	bw_log_run_options o;
	Py_ssize_t n = 0;
	bw_rules *rules;
	run_call c;

	memset(&c, 0, sizeof(c));
	c.out = c.err = c.stop = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|$ppOOO", kwlist, &rules_obj, &paths, &explain,
	                                 &follow, &c.out, &c.err, &c.stop))
		return NULL;
	if (!(rules = rules_of(Py_TYPE(self), rules_obj)))
		return NULL;
	if (self->running) {
		PyErr_SetString(PyExc_RuntimeError, "LogRun is running");
		return NULL;
	}
	if (bw_py_fs_list(paths, &bytes, &path_v, &n) < 0)
		goto out;
	o = self->o;
	o.explain = explain;
	o.follow = follow;
	o.write = run_out;
	o.diag = run_err;
	o.stop = run_stop;
	o.payload = &c;
	self->running = 1;
	Py_INCREF(rules_obj);       /* kept alive while the GIL is released */
	Py_BEGIN_ALLOW_THREADS
	rc = bw_log_run(&fault, rules, path_v, (size_t)n, &o);
	Py_END_ALLOW_THREADS
	Py_DECREF(rules_obj);
	self->running = 0;
	if (bw_py_calls_restore(&c.calls) == 0)
		ret = Py_BuildValue("(iO)", rc, fault ? Py_True : Py_False);
out:
	PyMem_Free(path_v);
	Py_XDECREF(bytes);
	return ret;
}

static PyMethodDef LogRun_methods[] = {
	{ "set", (PyCFunction)LogRun_set, METH_VARARGS,
	  "set(name, value): one option from its command-line text (bw_log_run_option):\n"
	  "format, since, until, year, fail-on.  InvalidInputError with the message\n"
	  "`bouncewhy log` prints for a bad value." },
	{ "run", (PyCFunction)(void (*)(void))LogRun_run, METH_VARARGS | METH_KEYWORDS,
	  "run(rules, paths, *, explain=False, follow=False, out=None, err=None, stop=None)\n"
	  "-> (code, fault_seen): `bouncewhy log` (bw_log_run) over the paths (none:\n"
	  "standard input), without the GIL; out(bytes) receives the output, err(bytes)\n"
	  "the lines for standard error.  Following ends when stop() returns true (asked\n"
	  "about five times a second, after the signal handlers ran) or a signal handler\n"
	  "raises KeyboardInterrupt.  code is 0 or the library's error code; fault_seen\n"
	  "tells whether the fail-on side was seen." },
	{ NULL, NULL, 0, NULL },
};

static PyType_Slot LogRun_slots[] = {
	{ Py_tp_dealloc, LogRun_dealloc },
	{ Py_tp_init, LogRun_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_methods, LogRun_methods },
	{ Py_tp_doc, (void *)"LogRun(): the options and run of `bouncewhy log` (bw_log_run)." },
	{ 0, NULL },
};

static PyType_Spec LogRun_spec = {
	"bouncewhy._bouncewhy.LogRun", sizeof(LogRunObject), 0,
	Py_TPFLAGS_DEFAULT, LogRun_slots,
};

/* ---- registration ------------------------------------------------------- */

int bw_py_log_register(PyObject *m)
{
	static PyType_Spec *const specs[] = { &LogRules_spec, &LogAttempt_spec, &LogReader_spec,
	                                      &LogSummary_spec, &LogRun_spec };
	static const char *const names[] = { "LogRules", "LogAttempt", "LogReader", "LogSummary",
	                                     "LogRun" };
	size_t i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		PyObject *t = PyType_FromModuleAndSpec(m, specs[i], NULL);
		if (!t || PyModule_AddObject(m, names[i], t) < 0) {
			Py_XDECREF(t);
			return -1;
		}
	}
	return 0;
}
