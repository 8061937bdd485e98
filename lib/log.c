/*
 * log.c - the mail log reader: input (fd, buffer, pushed chunks), lines in
 * bounded memory, dispatch to the per-MTA parsers, and the diagnosis of
 * failures with the same evidence and rules as a bounce.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "error.h"
#include "evidence.h"
#include "log.h"
#include "record.h"
#include "text.h"

#define DEFAULT_MAX_LINE ((size_t)64 << 10)
#define READ_SIZE ((size_t)128 << 10)
#define DEFERRALS 256           /* recent deferrals kept for "status=expired" */
#define KEPT_TEXT 2048          /* longest reply kept for them */

typedef struct deferral {
	char qid[32];
	char *rcpt, *relay, *ip, *dsn, *reply;
} deferral;

struct bw_log {
	const bw_rules *rules;
	size_t max_line;
	bw_log_clock clock;
	int fd;
	bool own_fd, push, ended;
	char *rbuf;                 /* fd readers: the read buffer */
	const char *chunk;          /* the input being read */
	size_t clen, cpos;
	char *lb;                   /* the current line, NUL-terminated */
	size_t lblen;
	bool lb_cut;                /* bytes of it were dropped */
	bool lb_open;               /* a line is being collected across chunks */
	bw_log_attempt cur;
	char *rlist;                /* recipients of the current line still to return */
	size_t rpos;
	unsigned long long stat[BW_LOG_STAT_COUNT];
	deferral recent[DEFERRALS];
	size_t recent_next;
};

int bw_log_options_init(bw_log_options *opts, unsigned int version)
{
	bw_log_options init = BW_LOG_OPTIONS_INIT;

	if (!opts || version != BW_LOG_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_log_options_init: unsupported version %u", version);
	*opts = init;
	return BW_OK;
}

static int new_log(bw_log **out, const bw_rules *rules, const bw_log_options *opts, long long mtime)
{
	bw_log *l;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_log_open: out is NULL");
	*out = NULL;
	if (!rules)
		return bw_error__set(BW_EINVALID, "bw_log_open: rules are required");
	if (opts && opts->version != BW_LOG_OPTIONS_VERSION)
		return bw_error__set(BW_EINVALID, "bw_log_open: unsupported options version %u", opts->version);
	if (!(l = calloc(1, sizeof(*l))))
		return bw_error__set(BW_ENOMEM, "out of memory");
	l->rules = rules;
	l->fd = -1;
	l->max_line = opts && opts->max_line_length ? opts->max_line_length : DEFAULT_MAX_LINE;
	bw_log__clock_init(&l->clock, opts && opts->reference_time ? opts->reference_time : mtime);
	if (!(l->lb = malloc(l->max_line + 1))) {
		free(l);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	bw_log_attempt__reset(&l->cur);
	*out = l;
	return BW_OK;
}

int bw_log_open_fd(bw_log **out, const bw_rules *rules, int fd, const bw_log_options *opts)
{
	struct stat st;
	int err;

	if (fd < 0) {
		if (out)
			*out = NULL;
		return bw_error__set(BW_EINVALID, "bw_log_open_fd: bad file descriptor");
	}
	if ((err = new_log(out, rules, opts, fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_mtime : 0)) < 0)
		return err;
	(*out)->fd = fd;
	if (!((*out)->rbuf = malloc(READ_SIZE))) {
		bw_log_free(*out);
		*out = NULL;
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	return BW_OK;
}

int bw_log_open_file(bw_log **out, const bw_rules *rules, const char *path, const bw_log_options *opts)
{
	int fd, err;

	if (out)
		*out = NULL;
	if (!path)
		return bw_error__set(BW_EINVALID, "bw_log_open_file: path is NULL");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return bw_error__set(BW_EIO, "cannot open %s: %s", path, strerror(errno));
	if ((err = bw_log_open_fd(out, rules, fd, opts)) < 0) {
		close(fd);
		return err;
	}
	(*out)->own_fd = true;
	return BW_OK;
}

int bw_log_open_buffer(bw_log **out, const bw_rules *rules, const char *buf, size_t len,
                       const bw_log_options *opts)
{
	int err;

	if (!buf && len) {
		if (out)
			*out = NULL;
		return bw_error__set(BW_EINVALID, "bw_log_open_buffer: buf is NULL");
	}
	if ((err = new_log(out, rules, opts, 0)) < 0)
		return err;
	(*out)->chunk = buf;
	(*out)->clen = len;
	(*out)->ended = true;
	(*out)->stat[BW_LOG_STAT_BYTES] = len;
	return BW_OK;
}

int bw_log_open_push(bw_log **out, const bw_rules *rules, const bw_log_options *opts)
{
	int err;

	if ((err = new_log(out, rules, opts, 0)) < 0)
		return err;
	(*out)->push = true;
	return BW_OK;
}

int bw_log_feed(bw_log *log, const char *buf, size_t len)
{
	if (!log || !log->push || log->ended || (!buf && len))
		return bw_error__set(BW_EINVALID, "bw_log_feed: not an open push reader");
	if (log->cpos < log->clen)
		return bw_error__set(BW_EINVALID, "bw_log_feed: the previous chunk is not read yet");
	log->chunk = buf;
	log->clen = len;
	log->cpos = 0;
	log->stat[BW_LOG_STAT_BYTES] += len;
	return BW_OK;
}

int bw_log_feed_end(bw_log *log)
{
	if (!log || !log->push)
		return bw_error__set(BW_EINVALID, "bw_log_feed_end: not a push reader");
	log->ended = true;
	return BW_OK;
}

unsigned long long bw_log_stat_get(const bw_log *log, bw_log_stat stat)
{
	return log && (unsigned)stat < BW_LOG_STAT_COUNT ? log->stat[stat] : 0;
}

static void forget_deferral(deferral *d)
{
	free(d->rcpt);
	free(d->relay);
	free(d->ip);
	free(d->dsn);
	free(d->reply);
	memset(d, 0, sizeof(*d));
}

void bw_log_free(bw_log *log)
{
	size_t i;

	if (!log)
		return;
	if (log->own_fd && log->fd >= 0)
		close(log->fd);
	for (i = 0; i < DEFERRALS; i++)
		forget_deferral(&log->recent[i]);
	bw_log_attempt__clear(&log->cur);
	free(log->rlist);
	free(log->rbuf);
	free(log->lb);
	free(log);
}

/* ---- helpers for the parsers ------------------------------------------ */

bool bw_log__prog_is(const bw_log_head *h, const char *name)
{
	size_t n = strlen(name);

	if (!h->prog || h->prog_len < n || memcmp(h->prog + h->prog_len - n, name, n) != 0)
		return false;
	return h->prog_len == n || h->prog[h->prog_len - n - 1] == '/';
}

const char *bw_log__kv(const char *s, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	const char *p = s, *v, *e;

	while ((p = strstr(p, key))) {
		if ((p == s || p[-1] == ' ' || p[-1] == ',') && p[kl] == '=')
			break;
		p += kl;
	}
	if (!p)
		return NULL;
	v = p + kl + 1;
	if (*v == '<' && (e = strchr(v + 1, '>'))) {
		*len = (size_t)(e - v - 1);
		return v + 1;
	}
	if (*v == '"') {
		e = strchr(v + 1, '"');
		*len = e ? (size_t)(e - v - 1) : strlen(v + 1);
		return v + 1;
	}
	for (e = v; *e && *e != ',' && *e != ' '; e++)
		;
	*len = (size_t)(e - v);
	return v;
}

void bw_log__set_relay(bw_log_attempt *a, const char *s, size_t len)
{
	const char *e = s + len, *b, *c;

	/* "ip (host)" (OpenSMTPD) */
	if ((b = memchr(s, '(', len)) && (c = memchr(b, ')', (size_t)(e - b)))) {
		bw_log_attempt__set(a, BW_LOG_RELAY, b + 1, (size_t)(c - b - 1));
		bw_log_attempt__set(a, BW_LOG_RELAY_IP, s, (size_t)(b - s));
		return;
	}
	/* "host[ip]:port" (Postfix), "host. [ip]" or "[ip]" (Sendmail); not
	 * "host[private/dovecot-lmtp]" (a socket) */
	if ((b = memchr(s, '[', len)) && (c = memchr(b, ']', (size_t)(e - b))) &&
	    c - b > 1 && strspn(b + 1, "0123456789abcdefABCDEF.:") == (size_t)(c - b - 1)) {
		const char *he = b;
		while (he > s && (he[-1] == ' ' || he[-1] == '.'))
			he--;
		bw_log_attempt__set(a, BW_LOG_RELAY, s, (size_t)(he - s));
		bw_log_attempt__set(a, BW_LOG_RELAY_IP, b + 1, (size_t)(c - b - 1));
		return;
	}
	while (len && s[len - 1] == '.')
		len--;
	bw_log_attempt__set(a, BW_LOG_RELAY, s, len);
}

/* ---- lines -------------------------------------------------------------- */

static void collect(bw_log *log, const char *s, size_t n)
{
	size_t room = log->max_line - log->lblen;

	if (n > room) {
		log->lb_cut = true;
		n = room;
	}
	memcpy(log->lb + log->lblen, s, n);
	log->lblen += n;
}

/* The next whole line into log->lb: 1, or 0 when the input is used up
 * (for now), or BW_EIO. */
static int next_line(bw_log *log)
{
	for (;;) {
		if (log->cpos < log->clen) {
			const char *s = log->chunk + log->cpos;
			size_t avail = log->clen - log->cpos;
			const char *nl = memchr(s, '\n', avail);

			if (!log->lb_open) {
				log->lblen = 0;
				log->lb_cut = false;
				log->lb_open = true;
			}
			if (nl) {
				collect(log, s, (size_t)(nl - s));
				log->cpos += (size_t)(nl - s) + 1;
				log->lb_open = false;
				return 1;
			}
			collect(log, s, avail);
			log->cpos = log->clen;
			continue;
		}
		if (log->fd >= 0 && !log->ended) {
			ssize_t n = read(log->fd, log->rbuf, READ_SIZE);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return bw_error__set(BW_EIO, "read failed: %s", strerror(errno));
			if (n == 0) {
				log->ended = true;
			} else {
				log->chunk = log->rbuf;
				log->clen = (size_t)n;
				log->cpos = 0;
				log->stat[BW_LOG_STAT_BYTES] += (size_t)n;
				continue;
			}
		}
		if (log->ended && log->lb_open) {
			/* the last line, without its newline (cut off at the end) */
			log->lb_open = false;
			return 1;
		}
		return 0;
	}
}

/* ---- diagnosis ---------------------------------------------------------- */

static bool valid_status(const char *s)
{
	int i, n;

	if (!(*s == '2' || *s == '4' || *s == '5') || s[1] != '.')
		return false;
	s += 2;
	for (i = 0; i < 2; i++) {
		for (n = 0; bw_isdigit((unsigned char)*s); s++)
			n++;
		if (n < 1 || n > 3 || (i == 0 ? *s != '.' : *s != '\0'))
			return false;
		s++;
	}
	return true;
}

/* A relay that names a host (not "none", "local", "private/dovecot-lmtp"). */
static bool relay_is_host(const char *r)
{
	return strchr(r, '.') && !strchr(r, '/');
}

static int diagnose(bw_log *log, bw_log_attempt *a)
{
	const char *status = bw_log_attempt__get(a, BW_LOG_STATUS);
	const char *dsn = bw_log_attempt__get(a, BW_LOG_DSN);
	const char *relay = bw_log_attempt__get(a, BW_LOG_RELAY);
	bool deferred = strcmp(status, BW_LOG_DEFERRED) == 0;
	bw_recipient *rc;
	bw_report *r;
	char *text;

	if (!(r = bw_report__new(1)) || !(rc = bw_report__add_recipient(r))) {
		bw_report_free(r);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	r->kind = deferred ? BW_KIND_DELAY : BW_KIND_BOUNCE;
	r->kind_set = true;
	bw_report__set(r, BW_REPORT_FORMAT, bw_log_attempt__get(a, BW_LOG_MTA));
	bw_report__set(r, BW_REPORT_REPORTING_MTA, bw_log_attempt__get(a, BW_LOG_HOST));
	bw_recipient__set(rc, BW_RCPT_RECIPIENT, bw_log_attempt__get(a, BW_LOG_RECIPIENT));
	bw_recipient__set(rc, BW_RCPT_ORIGINAL_RECIPIENT, bw_log_attempt__get(a, BW_LOG_ORIG_RECIPIENT));
	bw_recipient__set(rc, BW_RCPT_ACTION, deferred ? "delayed" : "failed");
	bw_recipient__set(rc, BW_RCPT_FORMAT, bw_log_attempt__get(a, BW_LOG_MTA));
	bw_recipient__set(rc, BW_RCPT_LAST_ATTEMPT_DATE, bw_log_attempt__get(a, BW_LOG_TIME));
	if (valid_status(dsn))
		bw_recipient__set(rc, BW_RCPT_STATUS, dsn);
	else if (strcmp(status, BW_LOG_EXPIRED) == 0 && !*bw_log_attempt__get(a, BW_LOG_REPLY))
		bw_recipient__set(rc, BW_RCPT_STATUS, "4.4.7");
	if (relay_is_host(relay))
		bw_recipient__set(rc, BW_RCPT_REMOTE_MTA, relay);
	bw_recipient__set(rc, BW_RCPT_REMOTE_IP, bw_log_attempt__get(a, BW_LOG_RELAY_IP));
	text = bw_squeeze_dup(bw_log_attempt__get(a, BW_LOG_REPLY), strlen(bw_log_attempt__get(a, BW_LOG_REPLY)));
	if (text && *text)
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, text);
	free(text);
	bw_evidence__complete(rc);
	a->report = r;
	return bw_classify__recipient(log->rules, rc);
}

/* Postfix logs "status=expired" per message, without a recipient: take
 * the last deferral of the same queue id, when it is still remembered. */
static void remember_deferral(bw_log *log, const bw_log_attempt *a)
{
	deferral *d = &log->recent[log->recent_next];
	const char *reply = bw_log_attempt__get(a, BW_LOG_REPLY);
	const char *qid = bw_log_attempt__get(a, BW_LOG_QUEUE_ID);

	if (!*qid || strlen(qid) >= sizeof(d->qid))
		return;
	forget_deferral(d);
	log->recent_next = (log->recent_next + 1) % DEFERRALS;
	strcpy(d->qid, qid);
	d->rcpt = bw_strdup(bw_log_attempt__get(a, BW_LOG_RECIPIENT));
	d->relay = bw_strdup(bw_log_attempt__get(a, BW_LOG_RELAY));
	d->ip = bw_strdup(bw_log_attempt__get(a, BW_LOG_RELAY_IP));
	d->dsn = bw_strdup(bw_log_attempt__get(a, BW_LOG_DSN));
	d->reply = bw_strndup(reply, strlen(reply) > KEPT_TEXT ? KEPT_TEXT : strlen(reply));
}

static void recall_deferral(bw_log *log, bw_log_attempt *a)
{
	const char *qid = bw_log_attempt__get(a, BW_LOG_QUEUE_ID);
	size_t i;

	for (i = 1; i <= DEFERRALS; i++) {
		deferral *d = &log->recent[(log->recent_next + DEFERRALS - i) % DEFERRALS];
		if (d->qid[0] && strcmp(d->qid, qid) == 0) {
			if (d->rcpt)
				bw_log_attempt__set(a, BW_LOG_RECIPIENT, d->rcpt, strlen(d->rcpt));
			if (d->relay)
				bw_log_attempt__set(a, BW_LOG_RELAY, d->relay, strlen(d->relay));
			if (d->ip)
				bw_log_attempt__set(a, BW_LOG_RELAY_IP, d->ip, strlen(d->ip));
			if (d->dsn && !*bw_log_attempt__get(a, BW_LOG_DSN))
				bw_log_attempt__set(a, BW_LOG_DSN, d->dsn, strlen(d->dsn));
			if (d->reply)
				bw_log_attempt__set(a, BW_LOG_REPLY, d->reply, strlen(d->reply));
			return;
		}
	}
}

/* ---- attempts ----------------------------------------------------------- */

/* Could the line be a delivery line at all?  (Most lines are not.)  One
 * pass looking for "stat" (status=, stat=) and Exim's " => ", " -> ",
 * " == ", " ** "; four memmem() calls cost several times more. */
static bool candidate(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e;

	if (n < 4)
		return false;
	for (e = p + n - 3; p < e; p++) {
		if (*p == 't') {
			if (p[1] == 'a' && p[2] == 't' && p > (const unsigned char *)s && p[-1] == 's')
				return true;
		} else if (*p == ' ' && p[3] == ' ') {
			if ((p[2] == '>' && (p[1] == '=' || p[1] == '-')) || (p[1] == '=' && p[2] == '=') ||
			    (p[1] == '*' && p[2] == '*'))
				return true;
		}
	}
	return false;
}

/* Parses log->lb into log->cur: 1 for a delivery attempt, 0 for another line. */
static int parse_line(bw_log *log)
{
	bw_log_attempt *a = &log->cur;
	bw_log_head h;
	char *conv = NULL, iso[32];
	const char *line = log->lb;
	size_t n = log->lblen, i;
	int got = 0;

	log->stat[BW_LOG_STAT_LINES]++;
	if (log->lb_cut)
		log->stat[BW_LOG_STAT_CUT_LINES]++;
	while (n && log->lb[n - 1] == '\r')
		n--;
	log->lb[n] = '\0';
	if (!candidate(line, n))
		return 0;
	for (i = 0; i < n && !(line[i] & 0x80); i++)
		;
	if (i < n && !bw_text__valid_utf8(line, n)) {
		if (!(conv = bw_text__latin1_to_utf8(line, n)))
			return bw_error__set(BW_ENOMEM, "out of memory");
		line = conv;
	}
	bw_log__head(&log->clock, line, &h);
	bw_log_attempt__reset(a);
	got = bw_log__postfix(&h, a);
	if (!got) {
		bw_log_attempt__reset(a);
		got = bw_log__exim(&h, a);
	}
	if (!got) {
		bw_log_attempt__reset(a);
		got = bw_log__sendmail(&h, a);
	}
	if (!got) {
		bw_log_attempt__reset(a);
		got = bw_log__opensmtpd(&h, a);
	}
	if (got) {
		a->line = log->stat[BW_LOG_STAT_LINES];
		a->time = h.time;
		if (h.time >= 0) {
			bw_log__iso(h.time, iso);
			bw_log_attempt__set(a, BW_LOG_TIME, iso, strlen(iso));
		}
		if (h.host)
			bw_log_attempt__set(a, BW_LOG_HOST, h.host, h.host_len);
		if (h.prog)
			bw_log_attempt__set(a, BW_LOG_PROGRAM, h.prog, h.prog_len);
		else
			bw_log_attempt__set(a, BW_LOG_PROGRAM, bw_log_attempt__get(a, BW_LOG_MTA),
			                    strlen(bw_log_attempt__get(a, BW_LOG_MTA)));
	}
	free(conv);
	return got;
}

/* Takes the next address off log->rlist into the attempt; false when none is left. */
static bool next_recipient(bw_log *log)
{
	char *p = log->rlist + log->rpos, *e;
	size_t n;

	while (*p == ',' || *p == ' ')
		p++;
	if (!*p)
		return false;
	/* "<a@x>,<b@y>" or "a@x,b@y"; a comma inside <...> belongs to the address */
	if (*p == '<' && (e = strchr(p, '>')))
		e++;
	else
		for (e = p; *e && *e != ','; e++)
			;
	n = (size_t)(e - p);
	log->rpos = (size_t)(e - log->rlist);
	if (n >= 2 && p[0] == '<' && p[n - 1] == '>')
		p++, n -= 2;
	bw_log_attempt__set(&log->cur, BW_LOG_RECIPIENT, p, n);
	return true;
}

static int finish_attempt(bw_log *log, const bw_log_attempt **out)
{
	bw_log_attempt *a = &log->cur;
	/* read once: setting fields may move the arena the status lives in */
	const char *status = bw_log_attempt__get(a, BW_LOG_STATUS);
	bool sent = strcmp(status, BW_LOG_SENT) == 0;
	bool expired = strcmp(status, BW_LOG_EXPIRED) == 0;
	bool deferred = strcmp(status, BW_LOG_DEFERRED) == 0;
	int err;

	bw_report_free(a->report);
	a->report = NULL;
	if (!sent) {
		if (expired && !*bw_log_attempt__get(a, BW_LOG_RECIPIENT))
			recall_deferral(log, a);
		if ((err = diagnose(log, a)) < 0)
			return err;
		if (deferred)
			remember_deferral(log, a);
	}
	if (a->arena.oom)
		return bw_error__set(BW_ENOMEM, "out of memory");
	log->stat[BW_LOG_STAT_ATTEMPTS]++;
	*out = a;
	return BW_OK;
}

int bw_log_next(bw_log *log, const bw_log_attempt **out)
{
	const char *list;
	int err;

	if (!out || !log)
		return bw_error__set(BW_EINVALID, "bw_log_next: log and out are required");
	*out = NULL;
	/* more recipients of the line read last (Sendmail "to=<a>,<b>") */
	if (log->rlist) {
		if (next_recipient(log))
			return finish_attempt(log, out);
		free(log->rlist);
		log->rlist = NULL;
	}
	for (;;) {
		if ((err = next_line(log)) <= 0) {
			if (err == 0)
				bw_error__set(BW_ENOTFOUND, "end of the log");
			return err < 0 ? err : BW_ENOTFOUND;
		}
		if ((err = parse_line(log)) < 0)
			return err;
		if (err == 0) {
			log->stat[BW_LOG_STAT_SKIPPED]++;
			continue;
		}
		list = bw_log_attempt__get(&log->cur, BW_LOG_RECIPIENT);
		if (!strpbrk(list, ",<"))
			return finish_attempt(log, out);
		if (!(log->rlist = bw_strdup(list)))
			return bw_error__set(BW_ENOMEM, "out of memory");
		log->rpos = 0;
		if (next_recipient(log))
			return finish_attempt(log, out);
		free(log->rlist);
		log->rlist = NULL;
		return finish_attempt(log, out);   /* "to=<>" : no address */
	}
}
