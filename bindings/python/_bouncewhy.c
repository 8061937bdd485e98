/*
 * _bouncewhy.c - the CPython extension module bouncewhy._bouncewhy.
 *
 * A thin layer over include/bouncewhy.h.  Reports cross into Python as
 * dicts built from the library's accessors (_report.c), equal to the objects
 * bw_report_to_json() writes; the pure-Python package (bouncewhy/__init__.py)
 * wraps them in Diagnosis objects.  Text and JSON for printing are the
 * library's own (bw_report_to_text, bw_report_to_json, bw_error_to_json).
 *
 * Types:
 *   Rules       one bw_rules plus parse limits; immutable, shareable between
 *               threads.  Its parse methods release the GIL.
 *   Scanner     one bw_scan over paths or a descriptor, an iterator of
 *               items; reads and parses without the GIL; one thread at a time.
 *   MboxReader  one bw_mbox over a file descriptor; one thread at a time.
 *
 * Errors raise bouncewhy.Error subclasses chosen by bw_error_code, carrying
 * the library's message and the attributes `code` and `code_name`.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "bouncewhy.h"
#include "bouncewhy-ledger.h"
#include "_output.h"
#include "_report.h"

int bw_py_ledger_register(PyObject *module);   /* the ledger's types: _ledger.c */

/* ------------------------------------------------------------------ */
/* Module state: the exception classes                                  */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject *Error;
	PyObject *ParseError;
	PyObject *LimitError;
	PyObject *RulesError;
	PyObject *ReadError;
	PyObject *InvalidInputError;
	PyObject *NotFoundError;
	PyObject *OutOfMemoryError;
} module_state;


int bw_py_log_register(PyObject *m);   /* _log.c */

static module_state *state_of_module(PyObject *m)
{
	return (module_state *)PyModule_GetState(m);
}

/* The state of this module, found from a type defined in it. */
static module_state *state_of_type(PyTypeObject *tp)
{
	PyObject *m = PyType_GetModuleByDef(tp, &bw_py_module);

	return m ? state_of_module(m) : NULL;
}

/* Text or JSON rendered by the library -> str.  Bytes that are not UTF-8
 * (text output may pass them through from a broken message) round-trip as
 * surrogate escapes: encoded with "surrogateescape" they are the library's
 * bytes again. */
static PyObject *json_to_str(const char *json)
{
	return PyUnicode_DecodeUTF8(json, (Py_ssize_t)strlen(json), "surrogateescape");
}

/* Optional str argument -> UTF-8 bytes object (new ref) or None. */
static int opt_utf8(PyObject *obj, PyObject **out)
{
	if (obj == Py_None) {
		Py_INCREF(Py_None);
		*out = Py_None;
		return 1;
	}
	if (!PyUnicode_Check(obj)) {
		PyErr_Format(PyExc_TypeError, "expected str or None, not %.100s", Py_TYPE(obj)->tp_name);
		return 0;
	}
	*out = PyUnicode_AsEncodedString(obj, "utf-8", "surrogateescape");
	if (!*out)
		return 0;
	if (memchr(PyBytes_AS_STRING(*out), '\0', (size_t)PyBytes_GET_SIZE(*out))) {
		Py_CLEAR(*out);
		PyErr_SetString(PyExc_ValueError, "embedded NUL character");
		return 0;
	}
	return 1;
}

static const char *opt_cstr(PyObject *bytes_or_none)
{
	return bytes_or_none == Py_None ? NULL : PyBytes_AS_STRING(bytes_or_none);
}

/* ------------------------------------------------------------------ */
/* Rules                                                                */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	bw_rules *rules;
	bw_parse_options popts;
} RulesObject;

static void Rules_dealloc(RulesObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_rules_free(self->rules);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int get_ulong(PyObject *o, const char *name, unsigned long max, unsigned long *out)
{
	unsigned long v;

	if (o == NULL || o == Py_None) {
		*out = 0;
		return 0;
	}
	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s must be an int", name);
		return -1;
	}
	v = PyLong_AsUnsignedLong(o);
	if (v == (unsigned long)-1 && PyErr_Occurred()) {
		PyErr_Clear();
		PyErr_Format(PyExc_ValueError, "%s must be a non-negative int", name);
		return -1;
	}
	if (v > max) {
		PyErr_Format(PyExc_ValueError, "%s is too large (at most %lu)", name, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int Rules_init(RulesObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "path", "overlays", "match_limit", "depth_limit", "heap_limit_kib",
	                          "max_message_size", "max_mime_depth", "max_parts",
	                          "max_recipients", "max_line_length", NULL };
	PyObject *path = Py_None, *overlays = Py_None, *path_b = NULL, *seq = NULL;
	PyObject *lim[7] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	unsigned long v[7];
	static const char *lim_names[7] = { "match_limit", "depth_limit", "heap_limit_kib",
	                                    "max_message_size", "max_mime_depth", "max_parts",
	                                    "max_recipients" };
	PyObject *line_len = NULL;
	unsigned long line_len_v;
	PyObject **ov_b = NULL;
	const char **ov = NULL;
	Py_ssize_t n_ov = 0, i;
	bw_rules_options ropts = BW_RULES_OPTIONS_INIT;
	bw_rules *rules = NULL;
	int rc, ret = -1;
	const char *emsg;

	if (self->rules) {
		PyErr_SetString(PyExc_RuntimeError, "Rules objects cannot be re-initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO$OOOOOOOO", kwlist, &path, &overlays,
	                                 &lim[0], &lim[1], &lim[2], &lim[3], &lim[4], &lim[5],
	                                 &lim[6], &line_len))
		return -1;
	for (i = 0; i < 7; i++)
		if (get_ulong(lim[i], lim_names[i], i == 3 ? (unsigned long)PY_SSIZE_T_MAX : 0xffffffffUL,
		              &v[i]) < 0)
			return -1;
	if (get_ulong(line_len, "max_line_length", (unsigned long)PY_SSIZE_T_MAX, &line_len_v) < 0)
		return -1;

	if (path != Py_None && !PyUnicode_FSConverter(path, &path_b))
		return -1;
	if (overlays != Py_None) {
		if (PyUnicode_Check(overlays) || PyBytes_Check(overlays)) {
			PyErr_SetString(PyExc_TypeError, "overlays must be a sequence of paths, not one string");
			goto out;
		}
		seq = PySequence_Fast(overlays, "overlays must be a sequence of paths");
		if (!seq)
			goto out;
		n_ov = PySequence_Fast_GET_SIZE(seq);
		ov_b = PyMem_Calloc((size_t)n_ov + 1, sizeof(*ov_b));
		ov = PyMem_Calloc((size_t)n_ov + 1, sizeof(*ov));
		if (!ov_b || !ov) {
			PyErr_NoMemory();
			goto out;
		}
		for (i = 0; i < n_ov; i++) {
			if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(seq, i), &ov_b[i]))
				goto out;
			ov[i] = PyBytes_AS_STRING(ov_b[i]);
		}
	}
	ropts.path = path_b ? PyBytes_AS_STRING(path_b) : NULL;
	ropts.overlays = ov;
	ropts.n_overlays = (size_t)n_ov;
	ropts.match_limit = v[0];
	ropts.depth_limit = v[1];
	ropts.heap_limit_kib = v[2];

	Py_BEGIN_ALLOW_THREADS
	rc = bw_rules_open(&rules, &ropts);
	emsg = bw_error_message();
	Py_END_ALLOW_THREADS
	if (rc < 0) {
		bw_py_raise(Py_TYPE(self), rc, emsg);
		goto out;
	}
	self->rules = rules;
	bw_parse_options_init(&self->popts, BW_PARSE_OPTIONS_VERSION);
	self->popts.max_message_size = (size_t)v[3];
	self->popts.max_mime_depth = (unsigned)v[4];
	self->popts.max_parts = (unsigned)v[5];
	self->popts.max_recipients = (unsigned)v[6];
	self->popts.max_line_length = (size_t)line_len_v;
	ret = 0;
out:
	for (i = 0; ov_b && i < n_ov; i++)
		Py_XDECREF(ov_b[i]);
	PyMem_Free(ov_b);
	PyMem_Free(ov);
	Py_XDECREF(seq);
	Py_XDECREF(path_b);
	return ret;
}

static int check_open(RulesObject *self)
{
	if (!self->rules) {
		PyErr_SetString(PyExc_RuntimeError, "Rules object was not initialised");
		return -1;
	}
	return 0;
}

/* What one parse call asks for and produced; rendered without the GIL. */
typedef struct {
	int rc;
	const char *emsg;
	int text_flags;   /* -1: no text rendering wanted */
	int json_flags;   /* -1: no JSON rendering wanted */
	long mbox_index;
	char *rendered;
} parse_result;

#define PARSE_RESULT_INIT { 0, NULL, -1, -1, -1, NULL }

/* Renders the report as text or JSON when asked; runs without the GIL. */
static void render(parse_result *res, const bw_report *r, const char *source)
{
	if (res->rc >= 0 && res->text_flags >= 0)
		res->rc = bw_report_to_text(&res->rendered, r, source, res->mbox_index,
		                            (unsigned)res->text_flags);
	else if (res->rc >= 0 && res->json_flags >= 0)
		res->rc = bw_report_to_json(&res->rendered, r, source, (unsigned)res->json_flags);
	if (res->rc < 0)
		res->emsg = bw_error_message();
}

/* The report as a dict, or (dict, rendering) when one was asked for.
 * Frees the report. */
static PyObject *result_to_py(PyTypeObject *tp, parse_result *res, bw_report *r,
                              const char *source, unsigned flags)
{
	PyObject *d, *t;

	if (res->rc < 0) {
		bw_free(res->rendered);
		bw_report_free(r);
		return bw_py_raise(tp, res->rc, res->emsg);
	}
	d = bw_py_report_dict(r, source, -1, (flags & BW_JSON_EVIDENCE) != 0);
	bw_report_free(r);
	if (!d || (res->text_flags < 0 && res->json_flags < 0)) {
		bw_free(res->rendered);
		return d;
	}
	t = json_to_str(res->rendered);
	bw_free(res->rendered);
	if (!t) {
		Py_DECREF(d);
		return NULL;
	}
	return Py_BuildValue("(NN)", d, t);
}

#define JSON_FLAGS_DOC "flags: BW_JSON_EVIDENCE to include each recipient's evidence (the default).\n"
#define TEXT_DOC "text: BW_TEXT_* bits (TEXT_EXPLAIN) to also render the report as the CLI's\n" \
	"text (bw_report_to_text), returned as (dict, text); -1 (default) renders none.\n" \
	"json: BW_JSON_* bits to render it as JSON (bw_report_to_json) instead.\n" \
	"mbox_index: the message's 0-based position in an mbox, for that text.\n"

PyDoc_STRVAR(Rules_parse_buffer_doc,
"parse_buffer(data, source=None, flags=JSON_EVIDENCE, text=-1, json=-1, mbox_index=-1) -> dict\n\n"
"Parse one message held in a bytes-like object and return the report as a\n"
"dict equal to the object bw_report_to_json() writes.  `source`, when\n"
"given, becomes the \"source\" key.  The GIL is released while parsing.\n"
JSON_FLAGS_DOC TEXT_DOC);

static PyObject *Rules_parse_buffer(RulesObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "data", "source", "flags", "text", "json", "mbox_index", NULL };
	Py_buffer buf;
	PyObject *source = Py_None, *source_b = NULL, *ret;
	unsigned int flags = BW_JSON_EVIDENCE;
	parse_result res = PARSE_RESULT_INIT;
	const char *src;
	bw_report *r = NULL;

	if (check_open(self) < 0)
		return NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "y*|OIiil", kwlist, &buf, &source, &flags,
	                                 &res.text_flags, &res.json_flags, &res.mbox_index))
		return NULL;
	if (!opt_utf8(source, &source_b)) {
		PyBuffer_Release(&buf);
		return NULL;
	}
	src = opt_cstr(source_b);
	Py_BEGIN_ALLOW_THREADS
	res.rc = bw_parse_buffer(&r, self->rules, (const char *)buf.buf, (size_t)buf.len, &self->popts);
	if (res.rc < 0)
		res.emsg = bw_error_message();
	render(&res, r, src);
	Py_END_ALLOW_THREADS
	PyBuffer_Release(&buf);
	ret = result_to_py(Py_TYPE(self), &res, r, src, flags);
	Py_DECREF(source_b);
	return ret;
}

PyDoc_STRVAR(Rules_parse_file_doc,
"parse_file(path, source=None, flags=JSON_EVIDENCE, text=-1, json=-1, mbox_index=-1) -> dict\n\n"
"Parse the message in the file at `path` (str, bytes or os.PathLike) and\n"
"return the report as a dict.  Raises ReadError when it cannot be read.\n"
"The GIL is released while reading and parsing.\n"
JSON_FLAGS_DOC TEXT_DOC);

static PyObject *Rules_parse_file(RulesObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "path", "source", "flags", "text", "json", "mbox_index", NULL };
	PyObject *path_b = NULL, *source = Py_None, *source_b = NULL, *ret;
	unsigned int flags = BW_JSON_EVIDENCE;
	parse_result res = PARSE_RESULT_INIT;
	const char *src, *path;
	bw_report *r = NULL;

	if (check_open(self) < 0)
		return NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O&|OIiil", kwlist, PyUnicode_FSConverter, &path_b,
	                                 &source, &flags, &res.text_flags, &res.json_flags,
	                                 &res.mbox_index))
		return NULL;
	if (!opt_utf8(source, &source_b)) {
		Py_DECREF(path_b);
		return NULL;
	}
	src = opt_cstr(source_b);
	path = PyBytes_AS_STRING(path_b);
	Py_BEGIN_ALLOW_THREADS
	res.rc = bw_parse_file(&r, self->rules, path, &self->popts);
	if (res.rc < 0)
		res.emsg = bw_error_message();
	render(&res, r, src);
	Py_END_ALLOW_THREADS
	ret = result_to_py(Py_TYPE(self), &res, r, src, flags);
	Py_DECREF(path_b);
	Py_DECREF(source_b);
	return ret;
}

PyDoc_STRVAR(Rules_classify_reply_doc,
"classify_reply(reply, remote_host=None, command=None, source=None, flags=JSON_EVIDENCE, text=-1, json=-1) -> dict\n\n"
"Classify a bare SMTP reply (\"550 5.7.1 ...\"), a provider code or a mail\n"
"log line, as bw_classify_reply() does, and return the report (kind\n"
"\"reply\", one recipient) as a dict.\n"
JSON_FLAGS_DOC
"text: BW_TEXT_* bits to also render the report as the CLI's text, returned\n"
"as (dict, text); json: BW_JSON_* bits to render JSON instead; -1 (default)\n"
"renders none.  output: an Output that receives the framed record (or, when\n"
"the reply cannot be classified, its error record; the error is raised too).\n");

static PyObject *Rules_classify_reply(RulesObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "reply", "remote_host", "command", "source", "flags", "text", "json",
	                          "output", NULL };
	PyObject *reply, *host = Py_None, *command = Py_None, *source = Py_None, *output = Py_None;
	bw_py_output *out = NULL;
	int put_rc = BW_OK, code = BW_OK;
	char *msg = NULL;
	PyObject *reply_b = NULL, *host_b = NULL, *command_b = NULL, *source_b = NULL, *ret = NULL;
	unsigned int flags = BW_JSON_EVIDENCE;
	parse_result res = PARSE_RESULT_INIT;
	const char *c_reply, *c_host, *c_command, *c_src;
	bw_report *r = NULL;

	if (check_open(self) < 0)
		return NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "U|OOOIii$O", kwlist, &reply, &host, &command,
	                                 &source, &flags, &res.text_flags, &res.json_flags, &output))
		return NULL;
	if (!opt_utf8(reply, &reply_b) || !opt_utf8(host, &host_b) ||
	    !opt_utf8(command, &command_b) || !opt_utf8(source, &source_b))
		goto out;
	c_reply = PyBytes_AS_STRING(reply_b);
	c_host = opt_cstr(host_b);
	c_command = opt_cstr(command_b);
	c_src = opt_cstr(source_b);
	if (output != Py_None &&
	    !(out = bw_py_output_acquire(PyType_GetModuleByDef(Py_TYPE(self), &bw_py_module), output)))
		goto out;
	Py_BEGIN_ALLOW_THREADS
	res.rc = bw_classify_reply(&r, self->rules, c_reply, c_host, c_command);
	if (res.rc < 0)
		res.emsg = bw_error_message();
	if (out) {
		/* framed into the Output: the report, or its error record */
		code = res.rc;
		msg = res.rc < 0 ? strdup(res.emsg ? res.emsg : "") : NULL;
		put_rc = bw_py_output_put(out, res.rc < 0 ? NULL : r, c_src ? c_src : "reply", -1,
		                          &code, &msg);
		res.rc = BW_OK;
	}
	render(&res, r, c_src);
	Py_END_ALLOW_THREADS
	if (out) {
		bw_py_output_release(out);
		if (put_rc < 0 || !r) {
			/* a cut-off output, or the error (whose record went into
			 * the output) raised as without one */
			bw_report_free(r);
			ret = bw_py_raise(Py_TYPE(self), put_rc < 0 ? put_rc : code,
			               put_rc < 0 ? bw_error_message() : msg);
			free(msg);
			goto out;
		}
		free(msg);
	}
	ret = result_to_py(Py_TYPE(self), &res, r, c_src, flags);
out:
	Py_XDECREF(reply_b);
	Py_XDECREF(host_b);
	Py_XDECREF(command_b);
	Py_XDECREF(source_b);
	return ret;
}

PyDoc_STRVAR(Rules_meta_doc,
"meta(key) -> str\n\n"
"Metadata of the rule set: \"schema_version\", \"source_hash\", \"rule_count\"\n"
"or \"provider_count\".  \"\" for an unknown key.");

static PyObject *Rules_meta(RulesObject *self, PyObject *arg)
{
	const char *key;

	if (check_open(self) < 0)
		return NULL;
	if (!PyUnicode_Check(arg)) {
		PyErr_SetString(PyExc_TypeError, "key must be a str");
		return NULL;
	}
	if (!(key = PyUnicode_AsUTF8(arg)))
		return NULL;
	return PyUnicode_DecodeUTF8(bw_rules_meta(self->rules, key),
	                            (Py_ssize_t)strlen(bw_rules_meta(self->rules, key)), "replace");
}

/* A string the library rendered -> str (surrogate escapes for bytes that
 * are not UTF-8), or the exception for rc.  Call as rendered(tp, f(&text,
 * ...), &text): *textp is read after the call. */
static PyObject *rendered(PyTypeObject *tp, int rc, char **textp)
{
	PyObject *r;

	if (rc < 0)
		return bw_py_raise(tp, rc, NULL);
	r = json_to_str(*textp);
	bw_free(*textp);
	return r;
}

static PyObject *Rules_listing(RulesObject *self, PyObject *unused)
{
	char *text = NULL;

	if (check_open(self) < 0)
		return NULL;
	return rendered(Py_TYPE(self), bw_rules_list(&text, self->rules), &text);
}

static PyObject *Rules_show(RulesObject *self, PyObject *arg)
{
	char *text = NULL;
	const char *id;

	if (check_open(self) < 0 || !(id = PyUnicode_AsUTF8(arg)))
		return NULL;
	return rendered(Py_TYPE(self), bw_rules_show(&text, self->rules, id), &text);
}

static PyObject *Rules_check(RulesObject *self, PyObject *unused)
{
	char *text = NULL;
	PyObject *report;
	int rc;

	if (check_open(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = bw_rules_check(&text, self->rules);
	Py_END_ALLOW_THREADS
	if (rc != BW_OK && rc != BW_ERULES) {
		bw_free(text);
		return bw_py_raise(Py_TYPE(self), rc, NULL);
	}
	if (!(report = json_to_str(text ? text : "")))
		return NULL;
	bw_free(text);
	return Py_BuildValue("(NN)", PyBool_FromLong(rc == BW_OK), report);
}

static PyObject *Rules_get_count(RulesObject *self, void *closure)
{
	if (check_open(self) < 0)
		return NULL;
	return PyLong_FromSize_t(bw_rules_count(self->rules));
}

static PyObject *Rules_get_path(RulesObject *self, void *closure)
{
	if (check_open(self) < 0)
		return NULL;
	return PyUnicode_DecodeFSDefault(bw_rules_path(self->rules));
}

static PyObject *Rules_get_max_message_size(RulesObject *self, void *closure)
{
	return PyLong_FromSize_t(self->popts.max_message_size);
}

static PyMethodDef Rules_methods[] = {
	{ "parse_buffer", (PyCFunction)(void (*)(void))Rules_parse_buffer, METH_VARARGS | METH_KEYWORDS,
	  Rules_parse_buffer_doc },
	{ "parse_file", (PyCFunction)(void (*)(void))Rules_parse_file, METH_VARARGS | METH_KEYWORDS,
	  Rules_parse_file_doc },
	{ "classify_reply", (PyCFunction)(void (*)(void))Rules_classify_reply,
	  METH_VARARGS | METH_KEYWORDS, Rules_classify_reply_doc },
	{ "meta", (PyCFunction)Rules_meta, METH_O, Rules_meta_doc },
	{ "listing", (PyCFunction)Rules_listing, METH_NOARGS,
	  "listing() -> str\n\nEvery rule in precedence order, one line each: id, reason,\n"
	  "provider (bw_rules_list: what `bouncewhy rules list` prints)." },
	{ "show", (PyCFunction)Rules_show, METH_O,
	  "show(id) -> str\n\nEverything about one rule (bw_rules_show: what `bouncewhy rules\n"
	  "show ID` prints).  NotFoundError (\"no rule 'ID'\") for an unknown id." },
	{ "check", (PyCFunction)Rules_check, METH_NOARGS,
	  "check() -> (ok, report)\n\nThe self-test (bw_rules_check): ok is False when\n"
	  "anything failed; report has one line per failure and a summary line." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef Rules_getset[] = {
	{ "count", (getter)Rules_get_count, NULL, "Number of rules loaded (all layers).", NULL },
	{ "path", (getter)Rules_get_path, NULL,
	  "Path of the base rule database actually opened (\"\" for none).", NULL },
	{ "max_message_size", (getter)Rules_get_max_message_size, NULL,
	  "Largest message accepted, in bytes (0: the library default, 64 MiB).", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyDoc_STRVAR(Rules_doc,
"Rules(path=None, overlays=None, *, match_limit=0, depth_limit=0,\n"
"      heap_limit_kib=0, max_message_size=0, max_mime_depth=0, max_parts=0,\n"
"      max_recipients=0, max_line_length=0)\n\n"
"An opened, compiled, immutable rule set (bw_rules) together with the\n"
"parse limits to use with it.  `path` is the rule database (None: the\n"
"BOUNCEWHY_RULES environment variable, else the installed database);\n"
"`overlays` is a sequence of extra rule files or databases, later ones win.\n"
"Limits of 0 mean the library defaults.  One Rules object may be used by\n"
"any number of threads at once; parsing releases the GIL.\n"
"Raises RulesError when the rules cannot be loaded.");

static PyType_Slot Rules_slots[] = {
	{ Py_tp_dealloc, Rules_dealloc },
	{ Py_tp_init, Rules_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_methods, Rules_methods },
	{ Py_tp_getset, Rules_getset },
	{ Py_tp_doc, (void *)Rules_doc },
	{ 0, NULL },
};

static PyType_Spec Rules_spec = {
	"bouncewhy._bouncewhy.Rules",
	sizeof(RulesObject),
	0,
	Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	Rules_slots,
};

/* ------------------------------------------------------------------ */
/* Scanner                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	bw_scan *scan;
	PyObject *rules;   /* the Rules object, kept alive while the scanner is */
	int busy;          /* a next() is running with the GIL released */
	int dicts;         /* build each item's dict */
	int evidence;      /* with the recipients' evidence */
	int text_flags;    /* -1: no text rendering */
	int json_flags;    /* -1: no JSON rendering */
	PyObject *output;  /* an Output framing every item, or NULL */
} ScannerObject;

static void Scanner_dealloc(ScannerObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_scan_free(self->scan);
	Py_XDECREF(self->rules);
	Py_XDECREF(self->output);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int Scanner_init(ScannerObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "rules", "paths", "fd", "source", "head", "dicts", "evidence",
	                          "text", "json", "output", NULL };
	PyObject *rules, *paths = Py_None, *source = Py_None, *source_b = NULL, *seq = NULL;
	PyObject *output = Py_None;
	Py_buffer head = { 0 };
	int fd = -1, dicts = 1, evidence = 1, text = -1, json = -1, rc = BW_OK, ret = -1;
	PyTypeObject *rules_type;
	module_state *st = state_of_type(Py_TYPE(self));
	PyObject *m = PyType_GetModuleByDef(Py_TYPE(self), &bw_py_module);
	Py_ssize_t i, n;

	if (self->scan) {
		PyErr_SetString(PyExc_RuntimeError, "Scanner objects cannot be re-initialised");
		return -1;
	}
	if (!m || !st)
		return -1;
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O$iOy*ppiiO", kwlist, &rules, &paths, &fd,
	                                 &source, &head, &dicts, &evidence, &text, &json, &output))
		return -1;
	if (output != Py_None) {
		bw_py_output *o = bw_py_output_acquire(m, output);   /* checks the type */

		if (!o)
			goto out;
		bw_py_output_release(o);
	}
	rules_type = (PyTypeObject *)PyObject_GetAttrString(m, "Rules");
	if (!rules_type)
		goto out;
	if (!PyObject_TypeCheck(rules, rules_type)) {
		Py_DECREF(rules_type);
		PyErr_SetString(PyExc_TypeError, "rules must be a Rules object");
		goto out;
	}
	Py_DECREF(rules_type);
	if (check_open((RulesObject *)rules) < 0)
		goto out;
	if (!opt_utf8(source, &source_b))
		goto out;
	rc = bw_scan_new(&self->scan, ((RulesObject *)rules)->rules, &((RulesObject *)rules)->popts);
	if (rc == BW_OK && paths != Py_None) {
		if (PyUnicode_Check(paths) || PyBytes_Check(paths)) {
			PyErr_SetString(PyExc_TypeError, "paths must be a sequence of paths, not one string");
			goto out;
		}
		if (!(seq = PySequence_Fast(paths, "paths must be a sequence of paths")))
			goto out;
		n = PySequence_Fast_GET_SIZE(seq);
		for (i = 0; rc == BW_OK && i < n; i++) {
			PyObject *p = NULL;
			if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(seq, i), &p))
				goto out;
			rc = bw_scan_add_path(self->scan, PyBytes_AS_STRING(p));
			Py_DECREF(p);
		}
	}
	if (rc == BW_OK && fd >= 0)
		rc = bw_scan_add_fd_head(self->scan, fd, opt_cstr(source_b), head.buf,
		                         head.buf ? (size_t)head.len : 0);
	if (rc < 0) {
		bw_py_raise(Py_TYPE(self), rc, NULL);
		goto out;
	}
	Py_INCREF(rules);
	self->rules = rules;
	self->dicts = dicts;
	self->evidence = evidence;
	self->text_flags = text;
	self->json_flags = json;
	if (output != Py_None) {
		Py_INCREF(output);
		self->output = output;
	}
	ret = 0;
out:
	if (ret < 0) {
		bw_scan_free(self->scan);
		self->scan = NULL;
	}
	if (head.buf)
		PyBuffer_Release(&head);
	Py_XDECREF(seq);
	Py_XDECREF(source_b);
	return ret;
}

/* (source, mbox_index, error_code, error, record, rendered) for the next
 * message; record is the dict (None when dicts=False), rendered the text or
 * JSON asked for (None otherwise; for an error item in text, None: the
 * caller writes its line). */
static PyObject *Scanner_next(ScannerObject *self)
{
	const bw_scan_item *it = NULL;
	const bw_report *r = NULL;
	const char *emsg = NULL, *src, *msg;
	char *rendered = NULL, *tmp_msg = NULL;
	long index;
	int rc, code = BW_OK, put_rc = BW_OK;
	PyObject *rec = NULL, *rend = NULL, *source = NULL, *message = NULL;
	bw_py_output *out = NULL;

	if (!self->scan) {
		PyErr_SetString(PyExc_RuntimeError, "Scanner was not initialised");
		return NULL;
	}
	if (self->busy) {
		PyErr_SetString(PyExc_RuntimeError, "Scanner used by two threads at once");
		return NULL;
	}
	if (self->output &&
	    !(out = bw_py_output_acquire(PyType_GetModuleByDef(Py_TYPE(self), &bw_py_module),
	                                 self->output)))
		return NULL;
	self->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	rc = bw_scan_next(&it, self->scan);
	if (rc < 0 && rc != BW_ENOTFOUND)
		emsg = bw_error_message();
	if (rc == BW_OK) {
		r = bw_scan_item_report(it);
		code = bw_scan_item_error_code(it);
		src = bw_scan_item_source(it);
		index = bw_scan_item_mbox_index(it);
		if (out) {
			/* framed by the library; a report that cannot be written
			 * becomes an error record there */
			tmp_msg = r ? NULL : strdup(bw_scan_item_error(it));
			put_rc = bw_py_output_put(out, r, src, index, &code, &tmp_msg);
			if (code < 0)
				r = NULL;
		} else if (r && self->text_flags >= 0)
			code = bw_report_to_text(&rendered, r, src, index, (unsigned)self->text_flags);
		else if (r && self->json_flags >= 0)
			code = bw_report_to_json(&rendered, r, src, (unsigned)self->json_flags);
		if (code < 0 && r) {
			/* not renderable: an error record instead, as the CLI does */
			r = NULL;
			tmp_msg = strdup(bw_error_message());
		}
		msg = tmp_msg ? tmp_msg : bw_scan_item_error(it);
		if (!out && !r && self->json_flags >= 0 &&
		    bw_error_to_json(&rendered, src, code, msg, (unsigned)self->json_flags & BW_JSON_PRETTY) < 0)
			rendered = NULL;
	}
	Py_END_ALLOW_THREADS
	self->busy = 0;
	if (out) {
		bw_py_output_release(out);
		if (rc == BW_OK && put_rc < 0) {
			free(tmp_msg);
			return bw_py_raise(Py_TYPE(self), put_rc, NULL);
		}
	}
	if (rc == BW_ENOTFOUND)
		return NULL;     /* StopIteration */
	if (rc < 0)
		return bw_py_raise(Py_TYPE(self), rc, emsg);
	src = bw_scan_item_source(it);
	index = bw_scan_item_mbox_index(it);
	msg = tmp_msg ? tmp_msg : bw_scan_item_error(it);
	if (!self->dicts) {
		Py_INCREF(Py_None);
		rec = Py_None;
	} else {
		rec = r ? bw_py_report_dict(r, src, index, self->evidence)
		        : bw_py_error_dict(src, index, code, msg);
	}
	if (out) {
		rend = bw_py_output_take(out);
	} else if (rendered) {
		rend = json_to_str(rendered);
	} else {
		Py_INCREF(Py_None);
		rend = Py_None;
	}
	source = PyUnicode_DecodeFSDefault(src);
	message = bw_py_str(msg);
	bw_free(rendered);
	free(tmp_msg);
	if (!rec || !rend || !source || !message) {
		Py_XDECREF(rec);
		Py_XDECREF(rend);
		Py_XDECREF(source);
		Py_XDECREF(message);
		return NULL;
	}
	return Py_BuildValue("(NliNNN)", source, index, code, message, rec, rend);
}

PyDoc_STRVAR(Scanner_doc,
"Scanner(rules, paths=None, *, fd=-1, source=None, head=b\"\", dicts=True,\n"
"        evidence=True, text=-1, json=-1)\n\n"
"The library's scanner (bw_scan) over `paths` (files, mbox files,\n"
"directories and Maildirs, read recursively in name order) and then `fd`\n"
"(a descriptor read as a stream, not closed; `head`: bytes already read\n"
"from it; `source`: its name, \"-\" by default), parsed with the Rules\n"
"object `rules` and its limits.  An iterator of tuples\n"
"(source, mbox_index, error_code, error, record, rendered): mbox_index is\n"
"-1 outside an mbox, error_code BW_OK (0) when the message gave a report;\n"
"record is the report's dict (or the error record's) unless dicts=False\n"
"(then None), with evidence when `evidence`; rendered is the library's\n"
"text (text: BW_TEXT_* bits) or JSON (json: BW_JSON_* bits) for the item,\n"
"or None (also for an error item in text); with output (an Output) it is\n"
"instead the bytes the item added to that Output, framed as the CLI prints\n"
"them.  Reading and parsing release the GIL.  One thread at a time.");

static PyType_Slot Scanner_slots[] = {
	{ Py_tp_dealloc, Scanner_dealloc },
	{ Py_tp_init, Scanner_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_iter, PyObject_SelfIter },
	{ Py_tp_iternext, Scanner_next },
	{ Py_tp_doc, (void *)Scanner_doc },
	{ 0, NULL },
};

static PyType_Spec Scanner_spec = {
	"bouncewhy._bouncewhy.Scanner",
	sizeof(ScannerObject),
	0,
	Py_TPFLAGS_DEFAULT,
	Scanner_slots,
};

/* ------------------------------------------------------------------ */
/* MboxReader                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	bw_mbox *mbox;
	int busy;      /* a read() is running with the GIL released */
} MboxObject;

static void Mbox_dealloc(MboxObject *self)
{
	PyTypeObject *tp = Py_TYPE(self);

	bw_mbox_free(self->mbox);
	tp->tp_free((PyObject *)self);
	Py_DECREF(tp);
}

static int Mbox_init(MboxObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "fd", "max_message_size", "head", NULL };
	int fd, rc;
	Py_ssize_t max_size = 0;
	Py_buffer head = { 0 };
	bw_mbox *mb = NULL;

	if (self->mbox) {
		PyErr_SetString(PyExc_RuntimeError, "MboxReader objects cannot be re-initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kwds, "i|ny*", kwlist, &fd, &max_size, &head))
		return -1;
	if (fd < 0 || max_size < 0) {
		PyBuffer_Release(&head);
		PyErr_SetString(PyExc_ValueError, "fd and max_message_size must not be negative");
		return -1;
	}
	/* head: bytes already read from fd (a stream's buffer), read first */
	rc = bw_mbox_open_fd_head(&mb, fd, head.buf, head.buf ? (size_t)head.len : 0, (size_t)max_size);
	PyBuffer_Release(&head);
	if (rc < 0) {
		bw_py_raise(Py_TYPE(self), rc, NULL);
		return -1;
	}
	self->mbox = mb;
	return 0;
}

PyDoc_STRVAR(Mbox_read_doc,
"read() -> bytes | None\n\n"
"The next message of the mbox (\">From \" quoting undone), or None at the\n"
"end.  Raises LimitError for a message over the size limit: it is skipped\n"
"and the next read() continues after it.  Raises ReadError on a read error.");

static PyObject *Mbox_read(MboxObject *self, PyObject *unused)
{
	const char *msg = NULL, *emsg = NULL;
	size_t len = 0;
	int rc;

	if (!self->mbox) {
		PyErr_SetString(PyExc_ValueError, "MboxReader is closed");
		return NULL;
	}
	if (self->busy) {
		PyErr_SetString(PyExc_RuntimeError, "MboxReader used by two threads at once");
		return NULL;
	}
	self->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	rc = bw_mbox_next(self->mbox, &msg, &len);
	if (rc < 0)
		emsg = bw_error_message();
	Py_END_ALLOW_THREADS
	self->busy = 0;
	if (rc == BW_ENOTFOUND)
		Py_RETURN_NONE;
	if (rc < 0)
		return bw_py_raise(Py_TYPE(self), rc, emsg);
	return PyBytes_FromStringAndSize(msg, (Py_ssize_t)len);
}

PyDoc_STRVAR(Mbox_close_doc, "close()\n\nRelease the reader (the file descriptor is not closed).");

static PyObject *Mbox_close(MboxObject *self, PyObject *unused)
{
	if (self->busy) {
		PyErr_SetString(PyExc_RuntimeError, "MboxReader is being read by another thread");
		return NULL;
	}
	bw_mbox_free(self->mbox);
	self->mbox = NULL;
	Py_RETURN_NONE;
}

static PyMethodDef Mbox_methods[] = {
	{ "read", (PyCFunction)Mbox_read, METH_NOARGS, Mbox_read_doc },
	{ "close", (PyCFunction)Mbox_close, METH_NOARGS, Mbox_close_doc },
	{ NULL, NULL, 0, NULL },
};

PyDoc_STRVAR(Mbox_doc,
"MboxReader(fd, max_message_size=0)\n\n"
"Streams the messages of an mbox file open on `fd` (a file descriptor the\n"
"caller keeps open and closes), one at a time in bounded memory (bw_mbox).\n"
"Not for use by two threads at once.");

static PyType_Slot Mbox_slots[] = {
	{ Py_tp_dealloc, Mbox_dealloc },
	{ Py_tp_init, Mbox_init },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_methods, Mbox_methods },
	{ Py_tp_doc, (void *)Mbox_doc },
	{ 0, NULL },
};

static PyType_Spec Mbox_spec = {
	"bouncewhy._bouncewhy.MboxReader",
	sizeof(MboxObject),
	0,
	Py_TPFLAGS_DEFAULT,
	Mbox_slots,
};

/* ------------------------------------------------------------------ */
/* Module functions                                                     */
/* ------------------------------------------------------------------ */

PyDoc_STRVAR(mbox_detect_doc,
"mbox_detect(data) -> bool\n\nTrue if the bytes start like an mbox file (a \"From \" line).");

static PyObject *mod_mbox_detect(PyObject *m, PyObject *arg)
{
	Py_buffer buf;
	int r;

	if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
		return NULL;
	r = bw_mbox_detect((const char *)buf.buf, (size_t)buf.len);
	PyBuffer_Release(&buf);
	return PyBool_FromLong(r);
}

PyDoc_STRVAR(error_code_name_doc,
"error_code_name(code) -> str\n\nThe constant name of a bw_error_code (\"BW_EPARSE\").");

static PyObject *mod_error_code_name(PyObject *m, PyObject *arg)
{
	long code = PyLong_AsLong(arg);

	if (code == -1 && PyErr_Occurred())
		return NULL;
	if (code < -1000 || code > 1000)
		code = 1000;
	return PyUnicode_FromString(bw_error_code_name((int)code));
}

PyDoc_STRVAR(error_json_doc,
"error_json(source, code, message, flags=0) -> str\n\n"
"The JSON error record bw_error_to_json() makes for an input that gave no\n"
"report (what the CLI prints for it).");

static PyObject *mod_error_json(PyObject *m, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "source", "code", "message", "flags", NULL };
	PyObject *source, *message, *source_b = NULL, *message_b = NULL, *ret = NULL;
	int code;
	unsigned int flags = 0;
	char *json = NULL;
	int rc;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "OiU|I", kwlist, &source, &code, &message, &flags))
		return NULL;
	if (!opt_utf8(source, &source_b) || !opt_utf8(message, &message_b))
		goto out;
	rc = bw_error_to_json(&json, opt_cstr(source_b), code, PyBytes_AS_STRING(message_b), flags);
	if (rc < 0) {
		bw_py_raise_in(m, rc, NULL);
		goto out;
	}
	ret = json_to_str(json);
	bw_free(json);
out:
	Py_XDECREF(source_b);
	Py_XDECREF(message_b);
	return ret;
}

PyDoc_STRVAR(error_line_doc,
"error_line(source, mbox_index, message) -> bytes\n\n"
"The line the bouncewhy command writes on standard error for an input it\n"
"could not read (bw_error_line): the source's control characters and bytes\n"
"that are not UTF-8 as \\xHH.");

static PyObject *mod_error_line(PyObject *m, PyObject *args)
{
	PyObject *source_b = NULL, *message_b = NULL, *ret = NULL;
	long index;
	char *line = NULL;
	int rc;

	if (!PyArg_ParseTuple(args, "O&lO&", PyUnicode_FSConverter, &source_b, &index,
	                      PyUnicode_FSConverter, &message_b))
		goto out;
	if ((rc = bw_error_line(&line, PyBytes_AS_STRING(source_b), index,
	                        PyBytes_AS_STRING(message_b))) < 0) {
		bw_py_raise_in(m, rc, NULL);
		goto out;
	}
	ret = PyBytes_FromString(line);
	bw_free(line);
out:
	Py_XDECREF(source_b);
	Py_XDECREF(message_b);
	return ret;
}

PyDoc_STRVAR(make_error_doc,
"make_error(code, message) -> Error\n\n"
"The exception this module raises for a bw_error_code (ParseError, ...),\n"
"with `message`, `code` and `code_name`; not raised.");

static PyObject *mod_make_error(PyObject *m, PyObject *args)
{
	PyObject *message_b = NULL, *ret;
	int code;

	if (!PyArg_ParseTuple(args, "iO&", &code, PyUnicode_FSConverter, &message_b))
		return NULL;
	ret = bw_py_error_new(m, code, PyBytes_AS_STRING(message_b));
	Py_DECREF(message_b);
	return ret;
}

PyDoc_STRVAR(rules_compile_doc,
"rules_compile(out_db, sources)\n\n"
"Compiles .rules files, or directories of them, into a rule database\n"
"(bw_rules_compile).  RulesError names file:line of a bad rule.");

static PyObject *mod_rules_compile(PyObject *m, PyObject *args)
{
	PyObject *out_b = NULL, *sources, *bytes = NULL, *ret = NULL;
	const char **v = NULL;
	Py_ssize_t n = 0;
	int rc;

	if (!PyArg_ParseTuple(args, "O&O", PyUnicode_FSConverter, &out_b, &sources))
		return NULL;
	if (bw_py_fs_list(sources, &bytes, &v, &n) < 0)
		goto out;
	Py_BEGIN_ALLOW_THREADS
	rc = bw_rules_compile(PyBytes_AS_STRING(out_b), v, (size_t)n);
	Py_END_ALLOW_THREADS
	if (rc < 0)
		bw_py_raise_in(m, rc, NULL);
	else
		ret = Py_NewRef(Py_None);
out:
	PyMem_Free(v);
	Py_XDECREF(bytes);
	Py_XDECREF(out_b);
	return ret;
}

static PyObject *name_tuple(const char *(*name)(int), int n)
{
	PyObject *t = PyTuple_New(n);
	int i;

	for (i = 0; t && i < n; i++) {
		PyObject *s = PyUnicode_FromString(name(i));
		if (!s) {
			Py_DECREF(t);
			return NULL;
		}
		PyTuple_SET_ITEM(t, i, s);
	}
	return t;
}

static const char *report_field_name(int i) { return bw_report_field_name((bw_report_field)i); }
static const char *recipient_field_name(int i) { return bw_recipient_field_name((bw_recipient_field)i); }
PyDoc_STRVAR(ledger_check_doc,
"ledger_check(command, n_operands, format) -> None\n\n"
"The `bouncewhy ledger` command line's rules, as the CLI applies them\n"
"(bw_ledger_format_from_name, then bw_ledger_check_command unless command\n"
"is None): raises the\n"
"package's error (code BW_ENOTFOUND for an unknown command, BW_EINVALID\n"
"otherwise) with the message the CLI prints.");

static PyObject *mod_ledger_check(PyObject *m, PyObject *args)
{
	const char *command, *format_name;
	Py_ssize_t n;
	bw_ledger_format f;
	int rc;

	if (!PyArg_ParseTuple(args, "zns", &command, &n, &format_name))
		return NULL;
	if ((rc = bw_ledger_format_from_name(format_name, &f)) < 0 ||
	    (command && (rc = bw_ledger_check_command(command, n < 0 ? 0 : (size_t)n, f)) < 0))
		return bw_py_raise_in(m, rc, bw_error_message());
	Py_RETURN_NONE;
}

PyDoc_STRVAR(ledger_clock_doc,
"ledger_clock(text) -> int\n\n"
"The `--now` value as the CLI reads it (bw_ledger_clock_from_text).");

static PyObject *mod_ledger_clock(PyObject *m, PyObject *arg)
{
	const char *text = PyUnicode_AsUTF8(arg);
	long long v;
	int rc;

	if (!text)
		return NULL;
	if ((rc = bw_ledger_clock_from_text(text, &v)) < 0)
		return bw_py_raise_in(m, rc, bw_error_message());
	return PyLong_FromLongLong(v);
}

static const char *kind_name(int i) { return bw_kind_name((bw_kind)i); }

static PyMethodDef module_methods[] = {
	{ "mbox_detect", mod_mbox_detect, METH_O, mbox_detect_doc },
	{ "error_code_name", mod_error_code_name, METH_O, error_code_name_doc },
	{ "error_json", (PyCFunction)(void (*)(void))mod_error_json, METH_VARARGS | METH_KEYWORDS,
	  error_json_doc },
	{ "error_line", mod_error_line, METH_VARARGS, error_line_doc },
	{ "ledger_check", mod_ledger_check, METH_VARARGS, ledger_check_doc },
	{ "ledger_clock", mod_ledger_clock, METH_O, ledger_clock_doc },
	{ "make_error", mod_make_error, METH_VARARGS, make_error_doc },
	{ "rules_compile", mod_rules_compile, METH_VARARGS, rules_compile_doc },
	{ NULL, NULL, 0, NULL },
};

/* ------------------------------------------------------------------ */
/* Module setup                                                         */
/* ------------------------------------------------------------------ */

static int add_exception(PyObject *m, PyObject **slot, const char *name, const char *doc,
                         PyObject *bases)
{
	char qual[128];

	snprintf(qual, sizeof(qual), "bouncewhy.%s", name);
	*slot = PyErr_NewExceptionWithDoc(qual, doc, bases, NULL);
	if (!*slot)
		return -1;
	Py_INCREF(*slot);
	if (PyModule_AddObject(m, name, *slot) < 0) {
		Py_DECREF(*slot);
		return -1;
	}
	return 0;
}

static int add_sub(PyObject *m, PyObject **slot, const char *name, const char *doc,
                   PyObject *base, PyObject *builtin)
{
	PyObject *bases = builtin ? PyTuple_Pack(2, base, builtin) : PyTuple_Pack(1, base);
	int r;

	if (!bases)
		return -1;
	r = add_exception(m, slot, name, doc, bases);
	Py_DECREF(bases);
	return r;
}

static int module_exec(PyObject *m)
{
	module_state *st = state_of_module(m);
	PyObject *t;

	if (bw_py_report_init() < 0)
		return -1;
	if (add_exception(m, &st->Error, "Error",
	                  "Base class of the errors bouncewhy raises.  Attributes: code (the\n"
	                  "negative bw_error_code) and code_name (\"BW_EPARSE\"...).", NULL) < 0 ||
	    add_sub(m, &st->ParseError, "ParseError",
	            "The input is not a usable message (empty, binary) (BW_EPARSE).",
	            st->Error, PyExc_ValueError) < 0 ||
	    add_sub(m, &st->LimitError, "LimitError",
	            "The input exceeds a configured limit (BW_ELIMIT).", st->Error, NULL) < 0 ||
	    add_sub(m, &st->RulesError, "RulesError",
	            "The rule database is missing, corrupt or too new, or a rule is bad (BW_ERULES).",
	            st->Error, NULL) < 0 ||
	    add_sub(m, &st->ReadError, "ReadError",
	            "A file could not be read (BW_EIO).", st->Error, PyExc_OSError) < 0 ||
	    add_sub(m, &st->InvalidInputError, "InvalidInputError",
	            "An argument the library refused (BW_EINVALID).", st->Error, PyExc_ValueError) < 0 ||
	    add_sub(m, &st->NotFoundError, "NotFoundError",
	            "The requested item does not exist (BW_ENOTFOUND).", st->Error, NULL) < 0 ||
	    add_sub(m, &st->OutOfMemoryError, "OutOfMemoryError",
	            "The library ran out of memory (BW_ENOMEM).", st->Error, PyExc_MemoryError) < 0)
		return -1;

	t = PyType_FromModuleAndSpec(m, &Rules_spec, NULL);
	if (!t || PyModule_AddObject(m, "Rules", t) < 0) {
		Py_XDECREF(t);
		return -1;
	}
	t = PyType_FromModuleAndSpec(m, &Scanner_spec, NULL);
	if (!t || PyModule_AddObject(m, "Scanner", t) < 0) {
		Py_XDECREF(t);
		return -1;
	}
	t = PyType_FromModuleAndSpec(m, &Mbox_spec, NULL);
	if (!t || PyModule_AddObject(m, "MboxReader", t) < 0) {
		Py_XDECREF(t);
		return -1;
	}
	if ((t = name_tuple(report_field_name, BW_REPORT_FIELD_COUNT)) == NULL ||
	    PyModule_AddObject(m, "REPORT_FIELDS", t) < 0)
		goto fail_t;
	if ((t = name_tuple(recipient_field_name, BW_RCPT_FIELD_COUNT)) == NULL ||
	    PyModule_AddObject(m, "RECIPIENT_FIELDS", t) < 0)
		goto fail_t;
	if ((t = name_tuple(kind_name, BW_KIND_REPLY + 1)) == NULL ||
	    PyModule_AddObject(m, "KINDS", t) < 0)
		goto fail_t;
	if (PyModule_AddStringConstant(m, "LIBRARY_VERSION", bw_version()) < 0 ||
	    PyModule_AddIntConstant(m, "JSON_PRETTY", BW_JSON_PRETTY) < 0 ||
	    PyModule_AddIntConstant(m, "JSON_EVIDENCE", BW_JSON_EVIDENCE) < 0 ||
	    PyModule_AddIntConstant(m, "TEXT_EXPLAIN", BW_TEXT_EXPLAIN) < 0 ||
	    PyModule_AddIntConstant(m, "JSON_SCHEMA_VERSION", BW_JSON_SCHEMA_VERSION) < 0 ||
	    PyModule_AddIntConstant(m, "BW_OK", BW_OK) < 0 ||
	    PyModule_AddIntConstant(m, "BW_ERROR", BW_ERROR) < 0 ||
	    PyModule_AddIntConstant(m, "BW_ENOMEM", BW_ENOMEM) < 0 ||
	    PyModule_AddIntConstant(m, "BW_EINVALID", BW_EINVALID) < 0 ||
	    PyModule_AddIntConstant(m, "BW_EIO", BW_EIO) < 0 ||
	    PyModule_AddIntConstant(m, "BW_EPARSE", BW_EPARSE) < 0 ||
	    PyModule_AddIntConstant(m, "BW_ELIMIT", BW_ELIMIT) < 0 ||
	    PyModule_AddIntConstant(m, "BW_ERULES", BW_ERULES) < 0 ||
	    PyModule_AddIntConstant(m, "BW_ENOTFOUND", BW_ENOTFOUND) < 0)
		return -1;
	if (bw_py_output_register(m) < 0)   /* _output.c: the record framing */
		return -1;
	if (bw_py_ledger_register(m) < 0)   /* _ledger.c: the bounce ledger */
		return -1;
	return bw_py_log_register(m);   /* _log.c: the mail log types */
fail_t:
	Py_XDECREF(t);
	return -1;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
	module_state *st = state_of_module(m);

	Py_VISIT(st->Error);
	Py_VISIT(st->ParseError);
	Py_VISIT(st->LimitError);
	Py_VISIT(st->RulesError);
	Py_VISIT(st->ReadError);
	Py_VISIT(st->InvalidInputError);
	Py_VISIT(st->NotFoundError);
	Py_VISIT(st->OutOfMemoryError);
	return 0;
}

static int module_clear(PyObject *m)
{
	module_state *st = state_of_module(m);

	Py_CLEAR(st->Error);
	Py_CLEAR(st->ParseError);
	Py_CLEAR(st->LimitError);
	Py_CLEAR(st->RulesError);
	Py_CLEAR(st->ReadError);
	Py_CLEAR(st->InvalidInputError);
	Py_CLEAR(st->NotFoundError);
	Py_CLEAR(st->OutOfMemoryError);
	return 0;
}

static void module_free(void *m)
{
	module_clear((PyObject *)m);
}

static PyModuleDef_Slot module_slots[] = {
	{ Py_mod_exec, module_exec },
	{ 0, NULL },
};

PyDoc_STRVAR(module_doc,
"Low-level binding of the bouncewhy C library (include/bouncewhy.h).\n\n"
"Use the `bouncewhy` package instead: it wraps these pieces in Classifier,\n"
"Diagnosis and Recipient objects.");

struct PyModuleDef bw_py_module = {
	PyModuleDef_HEAD_INIT,
	"bouncewhy._bouncewhy",
	module_doc,
	sizeof(module_state),
	module_methods,
	module_slots,
	module_traverse,
	module_clear,
	module_free,
};

PyMODINIT_FUNC PyInit__bouncewhy(void);

PyMODINIT_FUNC PyInit__bouncewhy(void)
{
	return PyModuleDef_Init(&bw_py_module);
}
