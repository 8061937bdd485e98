/*
 * ledger_add.c - `bouncewhy ledger add` as one library call
 * (bw_ledger_add_paths): operands read as mail with the scanner (files,
 * mbox, Maildirs, standard input) or as NDJSON records (a file whose
 * first non-blank byte is '{', or standard input when told), recorded in
 * batches of BATCH messages, with the command's lines on standard error
 * and its count line.  The CLI and the Python package's Ledger.add() call
 * it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bouncewhy-ledger.h"
#include "error.h"
#include "util.h"

/* Messages per transaction: a crash loses at most this many, and the next
 * run records them (entries are recorded once). */
#define BATCH 500

typedef struct adder {
	bw_ledger *ledger;
	const bw_ledger_add_options *o;
	const bw_rules *rules;
	bw_ledger_add_result *res;
	unsigned long since_commit;
	int failed;          /* 0, BW_ELEDGER or BW_ERULES: stop recording */
} adder;

int bw_ledger_add_options_init(bw_ledger_add_options *opts, unsigned int version)
{
	static const bw_ledger_add_options init = BW_LEDGER_ADD_OPTIONS_INIT;

	if (!opts || version != BW_LEDGER_ADD_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_ledger_add_options: version %u, this library has %u",
		                     version, BW_LEDGER_ADD_OPTIONS_VERSION);
	*opts = init;
	return BW_OK;
}

static void diag_text(adder *a, const char *s, size_t len)
{
	if (a->o->diag && len)
		a->o->diag(s, len, a->o->payload);
}

static void diag(adder *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One line for the diagnostics. */
static void diag(adder *a, const char *fmt, ...)
{
	bw_buf b = BW_BUF_INIT;
	va_list ap;

	if (!a->o->diag)
		return;
	va_start(ap, fmt);
	bw_buf__vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.oom && b.len)
		diag_text(a, b.p, b.len);
	bw_buf__free(&b);
}

static void ledger_fail(adder *a)
{
	if (!a->failed)
		diag(a, "bouncewhy: ledger: %s\n", bw_error_message());
	a->failed = BW_ELEDGER;
}

static void batch_tick(adder *a)
{
	if (a->failed || ++a->since_commit < BATCH)
		return;
	a->since_commit = 0;
	if (bw_ledger_commit(a->ledger) < 0 || bw_ledger_begin(a->ledger) < 0)
		ledger_fail(a);
}

static void unreadable(adder *a, const char *source, const char *message)
{
	a->res->unreadable++;
	if (a->o->on_unreadable)
		a->o->on_unreadable(source, message, a->o->payload);
}

/* A message of a mail operand that gave no report: the command's error
 * line (bw_error_line), once. */
static void message_error(adder *a, const char *source, long index, const char *message)
{
	char *line = NULL;

	a->res->messages++;
	a->res->errors++;
	if (bw_error_line(&line, source, index, message) == BW_OK)
		diag_text(a, line, strlen(line));
	bw_free(line);
	unreadable(a, source, message);
}

static void add_report(adder *a, const bw_report *r, const char *source)
{
	size_t n = 0;

	a->res->messages++;
	if (a->failed)
		return;
	if (bw_ledger_add_report(a->ledger, r, source, &n) < 0) {
		ledger_fail(a);
		return;
	}
	a->res->entries += n;
	batch_tick(a);
}

/* One operand read as mail with the scanner. */
static void add_mail(adder *a, const char *operand)
{
	bw_scan *scan = NULL;
	const bw_scan_item *it;
	int err;

	if (bw_scan_new(&scan, a->rules, a->o->parse) < 0 ||
	    (strcmp(operand, "-") == 0 ? bw_scan_add_fd(scan, STDIN_FILENO, "-")
	                               : bw_scan_add_path(scan, operand)) < 0) {
		message_error(a, operand, -1, bw_error_message());
		bw_scan_free(scan);
		return;
	}
	while (!a->failed && (err = bw_scan_next(&it, scan)) != BW_ENOTFOUND) {
		if (err < 0) {
			message_error(a, operand, -1, bw_error_message());
			break;
		}
		if (bw_scan_item_report(it))
			add_report(a, bw_scan_item_report(it), bw_scan_item_source(it));
		else
			message_error(a, bw_scan_item_source(it), bw_scan_item_mbox_index(it),
			              bw_scan_item_error(it));
		if (a->o->progress)
			a->o->progress(a->res->messages, a->res->errors, a->o->payload);
	}
	bw_scan_free(scan);
}

/* One operand of NDJSON records, one per line. */
static void add_ndjson(adder *a, const char *source, FILE *f)
{
	char *line = NULL;
	size_t cap = 0, n;
	ssize_t len;
	unsigned long lineno = 0;

	while (!a->failed && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len == 0 || line[0] == '\n')
			continue;
		a->res->messages++;
		n = 0;
		if (bw_ledger_add_json(a->ledger, line, (size_t)len, &n) < 0) {
			if (bw_error_code_last() == BW_EPARSE) {
				a->res->errors++;
				diag(a, "bouncewhy: %s:%lu: %s\n", source, lineno, bw_error_message());
				unreadable(a, source, bw_error_message());
				continue;
			}
			ledger_fail(a);
			break;
		}
		a->res->entries += n;
		batch_tick(a);
	}
	free(line);
}

/* A regular file whose first non-blank byte is '{' holds NDJSON. */
static bool looks_ndjson(const char *path)
{
	struct stat st;
	char buf[64];
	ssize_t n, i;
	int fd;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (i = 0; i < n; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			return buf[i] == '{';
	return false;
}

/* The rule set, asked for the first time it is needed. */
static bool need_rules(adder *a)
{
	if (a->rules)
		return true;
	if (a->o->rules(&a->rules, a->o->payload) < 0 || !a->rules) {
		diag(a, "bouncewhy: cannot load the rules: %s\n", bw_error_message());
		a->failed = BW_ERULES;
		return false;
	}
	return true;
}

static int open_default_rules(const bw_rules **out, void *payload)
{
	(void)payload;
	return bw_rules_open((bw_rules **)out, NULL);
}

int bw_ledger_add_paths(bw_ledger_add_result *out, bw_ledger *ledger, const char *const *paths,
                        size_t n, const bw_ledger_add_options *opts)
{
	static const char *const stdin_path[] = { "-" };
	static const bw_ledger_add_options defaults = BW_LEDGER_ADD_OPTIONS_INIT;
	bw_ledger_add_options o;
	bw_ledger_add_result res;
	adder a;
	bw_rules *own_rules = NULL;
	char msg[1024], count[160];
	size_t i;
	int len;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!ledger || (n && !paths))
		return bw_error__set(BW_EINVALID, "bw_ledger_add_paths: NULL argument");
	if (opts && opts->version != BW_LEDGER_ADD_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_ledger_add_options: version %u, this library has %u",
		                     opts->version, BW_LEDGER_ADD_OPTIONS_VERSION);
	o = opts ? *opts : defaults;
	if (!o.rules) {
		o.rules = open_default_rules;
		o.payload = opts ? opts->payload : NULL;
	}
	memset(&res, 0, sizeof(res));
	memset(&a, 0, sizeof(a));
	a.ledger = ledger;
	a.o = &o;
	a.res = &res;
	if (n == 0) {
		paths = stdin_path;
		n = 1;
	}
	if (bw_ledger_begin(ledger) < 0) {
		ledger_fail(&a);
		return bw_error__set(BW_ELEDGER, "%s", bw_error_message());
	}
	for (i = 0; i < n && !a.failed; i++) {
		const char *p = paths[i];
		bool is_stdin = strcmp(p, "-") == 0;

		if (is_stdin ? o.ndjson_stdin : looks_ndjson(p)) {
			FILE *f = is_stdin ? stdin : fopen(p, "r");
			if (!f) {
				const char *why = strerror(errno);
				diag(&a, "bouncewhy: %s: %s\n", p, why);
				unreadable(&a, p, why);
				continue;
			}
			add_ndjson(&a, p, f);
			if (f != stdin)
				fclose(f);
			continue;
		}
		if (!need_rules(&a))
			break;
		if (o.rules == open_default_rules)
			own_rules = (bw_rules *)a.rules;
		add_mail(&a, p);
	}
	if (!a.failed && bw_ledger_commit(ledger) < 0)
		ledger_fail(&a);
	bw_rules_free(own_rules);
	if (out)
		*out = res;
	if (a.failed) {
		/* the message of what failed, kept across the rollback */
		snprintf(msg, sizeof(msg), "%s", bw_error_message());
		bw_ledger_rollback(ledger);
		return bw_error__set(a.failed, "%s", msg);
	}
	if (o.write) {
		len = snprintf(count, sizeof(count), "%lu messages read, %lu entries recorded, %lu unreadable\n",
		               res.messages, res.entries, res.unreadable);
		o.write(count, (size_t)len, o.payload);
	}
	return BW_OK;
}
