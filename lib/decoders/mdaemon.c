/*
 * mdaemon.c - Alt-N / MDaemon Technologies MDaemon delivery status messages
 * (X-MDDSN-Message header; From MDaemon@host):
 *
 *     The attached message had PERMANENT fatal delivery errors!
 *     ...
 *     --- Session Transcript ---
 *      Mon 2008-01-01 00:00:00: Attempting SMTP connection to [mx.example.com : 25]
 *      ...
 *      Mon 2008-01-01 00:00:01: --> RCPT To:<user@example.com>
 *      Mon 2008-01-01 00:00:01: <-- 550 5.1.1 <user@example.com>... User unknown
 *     --- End Transcript ---
 *
 * Each "--> RCPT To:<address>" answered by a 4xx/5xx "<--" line is a failed
 * recipient, the reply (with the host of the last "connection to" line) its
 * diagnostic.  A 4xx/5xx answer to any other command (MAIL, DATA, EHLO, the
 * greeting) fails every recipient of the session: those accepted at RCPT,
 * else the envelope recipients the transcript lists ("*  To: address").  Warnings ("This is a WARNING message only", "has not yet been
 * delivered") mark the recipients delayed.  Older versions' "--- Partial
 * Session Transcript ---" carries no arrows ("   RCPT To:<x>", "   550 ...");
 * when it stops before the server took the message, the recipients it
 * accepted at RCPT failed for a reason it does not show.  When the transcript names none
 * the addresses listed in the report are taken; a DSN part, when there is
 * one, is read first and its recipients get the transcript's reply.
 */
#include <stdlib.h>
#include <string.h>

#include "../smtp.h"
#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_HAD_PERMANENT_FATAL_DELIVERY,
	M_SESSION_TRANSCRIPT,
};
static const char *const body_markers[] = {
	[M_HAD_PERMANENT_FATAL_DELIVERY] = "had PERMANENT fatal delivery errors",
	[M_SESSION_TRANSCRIPT] = "--- Session Transcript ---",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_msg__header(m, "X-MDDSN-Message") || bw_sniff__header_has(m, "From", "MDaemon@") ||
	    bw_sniff__header_has(m, "X-Mailer", "MDaemon"))
		return BW_SNIFF_STRONG;
	if (bw_found__in(f, M_HAD_PERMANENT_FATAL_DELIVERY) ||
	    bw_found__in(f, M_SESSION_TRANSCRIPT))
		return BW_SNIFF_LIKELY;
	return 0;
}

/* Is the arrow at p, in line l, the transcript's command arrow: at the
 * start of the line or right after the time stamp's colon? */
static bool command_arrow(const char *l, const char *p)
{
	while (p > l && p[-1] == ' ')
		p--;
	return p == l || p[-1] == ':';
}

/* An older transcript's line without arrows ("   RCPT To:<x>", "   550
 * 5.1.1 ..."): the line from its first visible character, or NULL when the
 * transcript has arrows or this is not one. */
static const char *bare(const char *l, size_t n, bool arrowless, size_t *out_len)
{
	const char *t;

	if (!arrowless)
		return NULL;
	t = bw_text__trim(l, n, out_len);
	return *out_len ? t : NULL;
}

/* The reply text after "<-- " at l (or, in a transcript without arrows, at
 * the start of the line), up to the end of the line. */
static const char *reply_after(const char *l, size_t n, bool arrowless, size_t *out_len)
{
	const char *p = bw_memcasemem(l, n, "<-- ");
	size_t bl;

	if (p)
		p += 4;
	else if (!(p = bare(l, n, arrowless, &bl)))
		return NULL;
	*out_len = n - (size_t)(p - l);
	if (!bw_smtp__reply_at(p, *out_len, 0) || p[0] == '2')
		return NULL;
	return p;
}

/* Records the failed recipient `addr` (owned by the caller) with the reply
 * `ds` to `command`; 1 when a new recipient was added. */
static int fail_one(const bw_msg *m, bw_report *r, size_t first, const char *addr,
                    const char *ds, const char *command, bool delayed, char class)
{
	bw_recipient *rc = bw_decoders__find(r, first, addr);

	if (rc) {
		bw_decoders__better_diag(rc, ds, ds ? strlen(ds) : 0);
		return 0;
	}
	if (bw_decoders__is_own_address(m, addr) ||
	    !(rc = bw_decoders__add(r, addr, ds, ds ? strlen(ds) : 0)))
		return 0;
	bw_recipient__set(rc, BW_RCPT_ACTION, delayed || class == '4' ? "delayed" : "failed");
	if (command)
		bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, command);
	return 1;
}

#define MAX_SESSION_RCPTS 64
#define MAX_ORPHANS 16

/* A session refused outside RCPT before the transcript named any of its
 * recipients: the host it was talking to and the refusal ("host x said:
 * ..."), for the listed recipients of that host's domain. */
typedef struct orphan {
	char *host, *diag;
	const char *command;
} orphan;

/* Does a remark of the server's own ("*  ...") say that reaching the host
 * failed (a lookup or a connection)? */
static bool remark_fails(const char *t, size_t n)
{
	static const char *const words[] = { "timed out", "failed", "refused", "no MX",
		"unable to", "could not", "not found", "unreachable" };

	return bw_text__find_any(t, n, words, sizeof(words) / sizeof(words[0]), NULL) != NULL;
}

static int transcript(const bw_msg *m, bw_report *r, size_t first, bool delayed,
                      orphan *orphans, size_t *n_orphans)
{
	size_t len = m->body_len, n, added = 0, n_env = 0, n_ok = 0, i;
	const char *l, *host = NULL;
	size_t host_len = 0;
	char *pending = NULL, *env[MAX_SESSION_RCPTS], *ok[MAX_SESSION_RCPTS];
	bw_buf local = BW_BUF_INIT;    /* the server's own "*  Error: ..." lines */
	const char *command = NULL;    /* the last command sent; NULL: the greeting */
	bool oom = false, arrowless = false, refused = false, data_taken = false, go_ahead = false;
	bool ended = false;            /* the session said QUIT: the next "*  To:" opens another */
	bw_lines it;

	bw_lines__init(&it, m->body, len);
	while (bw_lines__next(&it, &l, &n)) {
		const char *p, *reply, *b, *err;
		size_t rl, bl;
		/* "--- Partial Session Transcript ---" of older versions: its
		 * commands and replies carry no arrows */
		if (!arrowless && bw_memcasemem(l, n, "Partial Session Transcript ---"))
			arrowless = true;
		/* the line without arrows, read once */
		if ((b = bare(l, n, arrowless, &bl)) && bl >= 4 && memcmp(b, "354", 3) == 0 && b[3] == ' ')
			go_ahead = true;
		else if (b && go_ahead && bl >= 4 && b[0] == '2' && bw_smtp__reply_at(b, bl, 0))
			data_taken = true;   /* the message itself was accepted */
		if ((p = bw_text__after(l, n, "connection to ["))) {
			const char *e;
			/* a new session: its greeting first, none of the last
			 * session's recipients accepted in it */
			command = NULL;
			for (i = 0; i < n_ok; i++)
				free(ok[i]);
			n_ok = 0;
			e = memchr(p, ']', n - (size_t)(p - l));
			host = p;
			host_len = e ? (size_t)(e - p) : 0;
			/* "[host : port]" */
			while (host_len && (host[host_len - 1] == ' ' || bw_isdigit((unsigned char)host[host_len - 1])))
				host_len--;
			if (host_len && host[host_len - 1] == ':')
				host_len--;
			while (host_len && host[host_len - 1] == ' ')
				host_len--;
			continue;
		}
		if ((p = bw_memcasemem(l, n, "--> RCPT To:")) || (b && bw_text__starts(p = b, bl, "RCPT To:"))) {
			free(pending);
			pending = bw_text__first_address(p, n - (size_t)(p - l));
			command = "RCPT";
			continue;
		}
		/* "*  DNS Error: Domain name not found", "*  Error: Host x does
		 * not exist": a failure of this server's own, no reply */
		if ((p = bw_memcasemem(l, n, "*  ")) && (err = bw_memcasemem(p, n - (size_t)(p - l), "Error:")) &&
		    err - p < 16) {
			if (local.len)
				bw_buf__puts(&local, " ");
			bw_buf__put(&local, p + 3, n - (size_t)(p + 3 - l));
			continue;
		}
		/* "*  DNS lookup timed out; no MX records obtained for [x]": this
		 * server's own failure to reach the session's host, which gave no
		 * reply: the recipients listed for that host take it
		 * (listed_rest()) */
		if ((p = bw_memcasemem(l, n, "*  ")) && host_len && !pending && !n_ok &&
		    *n_orphans < MAX_ORPHANS && remark_fails(p + 3, n - (size_t)(p + 3 - l))) {
			char *hd = bw_strndup(host, host_len), *dd = bw_squeeze_dup(p + 3, n - (size_t)(p + 3 - l));

			if (hd && dd) {
				orphans[*n_orphans].host = hd;
				orphans[*n_orphans].diag = dd;
				orphans[*n_orphans].command = "CONN";
				(*n_orphans)++;
			} else {
				free(hd);
				free(dd);
				oom = true;
				break;
			}
			continue;
		}
		if ((p = bw_memcasemem(l, n, "*  To:"))) {
			char *a = bw_text__first_address(p, n - (size_t)(p - l));

			if (ended) {
				for (i = 0; i < n_env; i++)
					free(env[i]);
				n_env = 0;
				ended = false;
			}

			if (a && n_env < MAX_SESSION_RCPTS)
				env[n_env++] = a;
			else
				free(a);
			continue;
		}
		/* a command line ("...: --> MAIL From:<x>"), not an arrow inside
		 * a remark ("Connection established (a:25 --> b:3190)") */
		if (((p = bw_memcasemem(l, n, "--> ")) && command_arrow(l, p) && (p += 4)) ||
		    (b && bl >= 4 && (p = b) &&
		     (!bw_strncasecmp(p, "MAIL", 4) || !bw_strncasecmp(p, "DATA", 4) ||
		      !bw_strncasecmp(p, "EHLO", 4) || !bw_strncasecmp(p, "HELO", 4)))) {
			/* "" for a command that concerns no recipient (RSET, QUIT...) */
			command = !bw_strncasecmp(p, "MAIL", 4) ? "MAIL" : !bw_strncasecmp(p, "DATA", 4) ? "DATA" :
			          !bw_strncasecmp(p, "EHLO", 4) || !bw_strncasecmp(p, "HELO", 4) ? "EHLO" : "";
			if (!bw_strncasecmp(p, "QUIT", 4))
				ended = true;
			continue;
		}
		if ((reply = reply_after(l, n, arrowless, &rl)) && (pending || !command || *command)) {
			bw_buf d = BW_BUF_INIT;
			char *ds;
			if (host && host_len) {
				bw_buf__puts(&d, "host ");
				bw_buf__put(&d, host, host_len);
				bw_buf__puts(&d, " said: ");
			}
			bw_buf__put(&d, reply, rl);
			/* a multi-line reply ("<-- 550-5.7.1 ..." up to "<-- 550
			 * 5.7.1 ..."), its lines joined: the classifier reads the
			 * whole, not its first or last line */
			while (rl > 3 && reply[3] == '-') {
				bw_lines peek = it;
				const char *nl, *more;
				size_t nn, ml;

				if (!bw_lines__next(&peek, &nl, &nn) || !(more = reply_after(nl, nn, arrowless, &ml)) ||
				    ml < 4 || memcmp(more, reply, 3) != 0)
					break;
				it = peek;
				bw_buf__puts(&d, " ");
				bw_buf__put(&d, more, ml);
				reply = more;
				rl = ml;
			}
			if (!(ds = bw_buf__detach(&d))) {
				oom = true;
				break;
			}
			if (pending) {
				added += (size_t)fail_one(m, r, first, pending, ds, "RCPT", delayed, reply[0]);
				free(pending);
				pending = NULL;
			} else {
				/* refused outside RCPT: every recipient of this session */
				char **who = n_ok ? ok : env;
				size_t nw = n_ok ? n_ok : n_env;

				refused = true;
				for (i = 0; i < nw; i++)
					added += (size_t)fail_one(m, r, first, who[i], ds, command ? command : "CONN",
					                          delayed, reply[0]);
				if (!nw && host_len && *n_orphans < MAX_ORPHANS &&
				    (orphans[*n_orphans].host = bw_strndup(host, host_len))) {
					orphans[*n_orphans].diag = ds;
					orphans[*n_orphans].command = command && *command ? command : "CONN";
					(*n_orphans)++;
					ds = NULL;
				}
			}
			free(ds);
		} else if (pending && (bw_memcasemem(l, n, "<-- ") ||
		                       (b && b[0] == '2' && bw_smtp__reply_at(b, bl, 0)))) {
			/* a 2xx: this recipient was accepted */
			if (n_ok < MAX_SESSION_RCPTS)
				ok[n_ok++] = pending;
			else
				free(pending);
			pending = NULL;
		}
	}
	/* A permanent failure whose transcript stops after the recipients were
	 * accepted, before the server took the message ("354 Enter mail" and
	 * no more): the failure came later, its reply is not shown. */
	if (!oom && !delayed && arrowless && !refused && !data_taken)
		for (i = 0; i < n_ok; i++)
			added += (size_t)fail_one(m, r, first, ok[i], NULL, go_ahead ? "DATA" : NULL, false, '5');
	/* No server answered (the name did not resolve, no connection): the
	 * envelope recipients failed with this server's own errors. */
	oom = oom || local.oom;
	if (!oom && !added && !refused && local.len)
		for (i = 0; i < n_env; i++)
			added += (size_t)fail_one(m, r, first, env[i], local.p, NULL, delayed, delayed ? '4' : '5');
	bw_buf__free(&local);
	free(pending);
	for (i = 0; i < n_env; i++)
		free(env[i]);
	for (i = 0; i < n_ok; i++)
		free(ok[i]);
	return oom ? BW_ENOMEM : (int)added;
}

/* Does `host` belong to the domain of address `a` (the domain itself or a
 * name under it)? */
static bool host_of(const char *host, const char *a)
{
	const char *d = strrchr(a, '@');
	size_t hl = strlen(host), dl;

	if (!d++)
		return false;
	dl = strlen(d);
	return hl >= dl && bw_strcasecmp(host + hl - dl, d) == 0 &&
	       (hl == dl || host[hl - dl - 1] == '.');
}

/* The listed recipients r->rcpt[from..] (bw_decoders__listed()) that the
 * transcript had not reported already (r->rcpt[first..from)): kept, each
 * with the refusal of a session with a host of its domain when there was
 * one; the others are dropped (the transcript's reading stands). */
static void listed_rest(bw_report *r, size_t first, size_t from, const orphan *orphans,
                        size_t n_orphans)
{
	size_t i = from, k;

	while (i < r->n_rcpt) {
		bw_recipient *rc = r->rcpt[i];
		const char *a = bw_recipient__get(rc, BW_RCPT_RECIPIENT);

		if (!a || bw_decoders__find(r, first, a) != rc) {
			bw_report__remove_recipient(r, i);   /* reported by the transcript */
			continue;
		}
		for (k = 0; k < n_orphans; k++)
			if (host_of(orphans[k].host, a)) {
				bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, orphans[k].diag);
				bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, orphans[k].command);
				break;
			}
		i++;
	}
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, len, n_orphans = 0, i, start, before;
	bool delayed = bw_sniff__delay_notice(m);
	orphan orphans[MAX_ORPHANS];
	const char *at;
	int got;

	if (m->dsn.n && (got = bw_dsn__decode(m, r)) < 0)
		return got;
	if ((got = transcript(m, r, first, delayed, orphans, &n_orphans)) < 0)
		goto out;
	/* the addresses the report lists: all of them when there is no
	 * transcript, else those the transcript did not report */
	len = bw_text__report_length(m);
	if ((at = bw_memcasemem(m->body, len, "--- Session Transcript ---")) ||
	    (at = bw_memcasemem(m->body, len, "--- Partial Session Transcript ---")))
		len = (size_t)(at - m->body);
	start = bw_text__after_line(m->body, len, "delivery errors");
	if (start == len)
		start = bw_text__after_line(m->body, len, "following recipient");
	if (start == len)
		start = bw_text__after_line(m->body, len, "NOT DELIVERED TO THESE ADDRESSES");
	if (start == len)
		start = bw_text__after_line(m->body, len, "recipients listed below");
	if (start == len)
		start = bw_text__after_line(m->body, len, "not yet reached");
	before = r->n_rcpt;
	if (start < len && (r->n_rcpt == first || at) &&
	    (got = bw_decoders__listed(m, r, m->body + start, len - start,
	                               delayed ? "delayed" : "failed")) < 0)
		goto out;
	listed_rest(r, first, before, orphans, n_orphans);
	/* a permanent failure notice ("had PERMANENT fatal delivery errors",
	 * sent when the retry queue gave up): a last attempt answered with a
	 * 4xx reply is still a failure, not a delay */
	if (!delayed && bw_memcasemem(m->body, len, body_markers[M_HAD_PERMANENT_FATAL_DELIVERY]))
		for (i = first; i < r->n_rcpt; i++)
			if (bw_recipient__set(r->rcpt[i], BW_RCPT_ACTION, "failed") < 0) {
				got = BW_ENOMEM;
				goto out;
			}
	got = (int)(r->n_rcpt - first);
out:
	for (i = 0; i < n_orphans; i++) {
		free(orphans[i].host);
		free(orphans[i].diag);
	}
	return got;
}

const bw_decoder bw_decoder_mdaemon = { "mdaemon", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
