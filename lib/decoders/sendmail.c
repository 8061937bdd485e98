/*
 * sendmail.c - Sendmail bounces, from 8.x with a delivery-status part back to
 * V5 ("----- Unsent message follows -----").
 *
 *      ----- The following addresses had permanent fatal errors -----
 *   <rcpt@example.com>
 *       (reason: 550 5.1.1 User unknown)
 *       (expanded from: <alias@example.com>)
 *
 *      ----- Transcript of session follows -----
 *   ... while talking to mx.example.com.:
 *   >>> RCPT To:<rcpt@example.com>
 *   <<< 550 5.1.1 User unknown
 *   550 5.1.1 <rcpt@example.com>... User unknown
 *
 * The transcript gives the remote replies ("<<<") per command and Sendmail's
 * own summary line per recipient ("NNN <addr>... text").  With a DSN part,
 * the DSN names the recipients and the transcript completes replies the DSN
 * lacks (a local mailer's exit code, an empty Diagnostic-Code).  Sendmail's
 * Status is its own mapping (4.4.7 for every timeout, 5.1.1 for any RCPT
 * refusal); when the remote reply in Diagnostic-Code carries an enhanced code
 * of the same class, that code is the more exact one.  A section heading
 * counts where it stands as one, not where a paragraph quotes it; a
 * recipient that nothing else gives a reason takes the one of the subject
 * ("Returned mail: User unknown").
 */
#include <stdlib.h>
#include <string.h>

#include "../smtp.h"
#include "../util.h"
#include "../error.h"
#include "common.h"
#include "notices_phrases.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_TRANSCRIPT_OF_SESSION_FOLLOWS,
	M_THE_FOLLOWING_ADDRESSES_HAD,
	M_UNSENT_MESSAGE_FOLLOWS,
};
static const char *const body_markers[] = {
	[M_TRANSCRIPT_OF_SESSION_FOLLOWS] = "----- Transcript of session follows -----",
	[M_THE_FOLLOWING_ADDRESSES_HAD] = "----- The following addresses had permanent fatal errors -----",
	[M_UNSENT_MESSAGE_FOLLOWS] = "----- Unsent message follows -----",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_found__in(f, M_TRANSCRIPT_OF_SESSION_FOLLOWS) ||
	    bw_found__in(f, M_THE_FOLLOWING_ADDRESSES_HAD) ||
	    bw_found__in(f, M_UNSENT_MESSAGE_FOLLOWS))
		return BW_SNIFF_LIKELY;
	/* subject and sender alone add nothing to a DSN part */
	if (!m->dsn.n && bw_sniff__from_daemon(m) &&
	    (bw_sniff__subject_starts(m, "Returned mail:") ||
	     bw_sniff__subject_starts(m, "Warning: could not send message")))
		return BW_SNIFF_PARTIAL;
	return 0;
}

typedef struct srcpt {
	char *address;
	bw_buf summary;   /* Sendmail's own lines naming it */
	bw_buf replies;   /* "<<<" replies to its RCPT, or to the session's MAIL/DATA */
	bw_buf reason;    /* "(reason: ...)" in the fatal-errors list */
	const char *cmd;  /* the command its first "<<<" reply answered */
	bool transient;   /* listed under "transient non-fatal errors": still queued */
	unsigned session_no; /* the "while talking to" session of that reply */
	bool accepted;    /* its RCPT got a 2xx reply (in session accepted_no) */
	bool delivered_only; /* named only by a summary that reports a delivery */
	unsigned accepted_no;
} srcpt;

typedef struct sstate {
	srcpt *v;
	size_t n, cap;
	bw_buf session;   /* replies not tied to a recipient in this session */
	bw_buf misc;      /* other transcript lines (local mailer output) */
	const char *session_cmd; /* the command the first session reply answered */
	unsigned session_no;     /* counts "while talking to" lines */
} sstate;

static srcpt *find(sstate *s, const char *addr)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (bw_strcasecmp(s->v[i].address, addr) == 0)
			return &s->v[i];
	return NULL;
}

static srcpt *get(sstate *s, const char *addr)
{
	srcpt *found = find(s, addr);

	if (found)
		return found;
	if (bw_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v), 8) < 0) {
		bw_error__oom();
		return NULL;
	}
	memset(&s->v[s->n], 0, sizeof(srcpt));
	if (!(s->v[s->n].address = bw_strdup(addr)))
		return NULL;
	return &s->v[s->n++];
}

/* Does l[0..n) say more than the address in it: at least two words of
 * three letters or more that are no address ("ResponseCode 421, Host not
 * reachable")? */
static bool words_beside(const char *l, size_t n)
{
	size_t words;

	bw_text__beside_addresses(l, n, NULL, &words);
	return words >= 2;
}

static void put(bw_buf *b, const char *s, size_t n)
{
	while (n && bw_isspace((unsigned char)*s))
		s++, n--;
	while (n && bw_isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return;
	if (b->len)
		bw_buf__putc(b, ' ');
	bw_buf__put(b, s, n);
}

static bool boilerplate(const char *l, size_t n)
{
	static const char *const lines[] = {
		"Message could not be delivered for", "Message will be deleted from queue",
		"Warning: message still undelivered", "Will keep trying until",
		"Message will be returned", "Your message could not be delivered",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (n >= strlen(lines[i]) && bw_strncasecmp(l, lines[i], strlen(lines[i])) == 0)
			return true;
	return false;
}

/* "550 5.1.1 <a@b>... text", "<a@b>... Deferred: text", "a@b... text". */
static char *summary_address(const char *l, size_t n)
{
	const char *dots = bw_memcasemem(l, n, "... ");
	const char *end3 = bw_memcasemem(l, n, "...");

	if (!dots && end3 && end3 + 3 == l + n)
		dots = end3;
	if (!dots)
		return NULL;
	return bw_text__first_address(l, (size_t)(dots - l));
}

/* Is p[0..k) a local user name alone on its line ("fred"), which the
 * "(expanded from: <address>)" line under it turns into the address? */
static bool local_name(const char *p, size_t k)
{
	size_t i;

	if (k == 0 || k > 64)
		return false;
	for (i = 0; i < k; i++)
		if (!bw_isalnum((unsigned char)p[i]) && !strchr("._-+", p[i]))
			return false;
	return true;
}

static void read_fatal_list(const char *t, size_t len, sstate *s, bool transient)
{
	bw_lines it;
	const char *l;
	size_t n;
	srcpt *cur = NULL;

	/* a program, file or local user the address expanded to
	 * ("|/usr/bin/procmail", "fred"): its reason waits for the
	 * "(expanded from: <address>)" line, which names the recipient */
	const char *prog_reason = NULL;
	size_t prog_reason_len = 0;
	bool program = false;
	/* a "(reason: ..." that goes on to the next lines until its ")" */
	bool open_reason = false;

	bw_lines__init(&it, t, len);
	while (bw_lines__next(&it, &l, &n)) {
		const char *p = l;
		size_t k = n;
		char *a;
		/* a notice a person forwarded quotes each line ("> ", "> > ") */
		while (k && (bw_isspace((unsigned char)*p) || *p == '>'))
			p++, k--;
		if (!k)
			continue;
		if (k > 5 && p[0] == '-' && p[1] == '-' && p[2] == '-')
			break;
		while (k && bw_isspace((unsigned char)p[k - 1]))
			k--;
		if (open_reason) {
			/* "address was retired. Please write to x@y)": more
			 * of the reason, not an address of the list */
			open_reason = p[k - 1] != ')';
			if (cur)
				put(&cur->reason, p, open_reason ? k : k - 1);
			continue;
		}
		if (*p == '|' || *p == '/' || (k > 1 && *p == '"' && (p[1] == '|' || p[1] == '/')) ||
		    local_name(p, k)) {
			program = true;
			prog_reason = NULL;
			cur = NULL;
			continue;
		}
		if (BW_HAS_PREFIX_CI(p, "(reason:")) {
			size_t rl = k > 9 && p[k - 1] == ')' ? k - 9 : k - 8;
			open_reason = p[k - 1] != ')';
			if (cur)
				put(&cur->reason, p + 8, rl);
			else if (program) {
				prog_reason = p + 8;
				prog_reason_len = rl;
			}
			continue;
		}
		if (program && BW_HAS_PREFIX_CI(p, "(expanded from")) {
			if ((a = bw_text__first_address(p, k))) {
				cur = get(s, a);
				free(a);
				if (cur) {
					cur->transient = transient;
					if (prog_reason)
						put(&cur->reason, prog_reason, prog_reason_len);
				}
			}
			program = false;
			continue;
		}
		if (*p == '(')
			continue;
		if ((a = bw_text__first_address(p, k))) {
			cur = get(s, a);
			free(a);
			if (cur) {
				cur->transient = transient;
				/* the reason on the address's own line ("[Status: Error,
				 * Address: <a@b>, ResponseCode 421, Host not reachable.]") */
				if (!cur->reason.len && words_beside(p, k))
					put(&cur->reason, p, k);
			}
		}
	}
}

/* The command word of a ">>> " line, as the rules name it. */
static const char *command_of(const char *l, size_t n)
{
	return bw_smtp__stage_of_command(l, n);
}

/* "<<< 503 ... RCPT" after ">>> DATA": the session was pipelined
 * (RFC 2920) and the replies read after DATA answered the RCPT commands
 * ("503 5.0.0 Need RCPT", "503 Valid RCPT command must precede DATA"). */
static void pipelined_rcpt(sstate *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].session_no == s->session_no && s->v[i].cmd &&
		    strcmp(s->v[i].cmd, "DATA") == 0)
			s->v[i].cmd = "RCPT";
	if (s->session_cmd && strcmp(s->session_cmd, "DATA") == 0)
		s->session_cmd = "RCPT";
}

/* Is l[0..n) one of the report's "----- ... -----" section lines, indented
 * or not (the next section, or the returned message, starts there)? */
static bool marker_line(const char *l, size_t n)
{
	size_t sp = 0;

	while (sp < n && l[sp] == ' ')
		sp++;
	return n - sp >= 5 && l[sp] == '-' && l[sp + 1] == '-' && l[sp + 2] == '-' &&
	       bw_memcasemem(l, n, "-----");
}

/* Does t[0..len) name first another recipient of the notice than `addr`
 * (not the sender, whom a MAIL FROM reply names)? */
static bool names_other(sstate *s, const char *t, size_t len, const char *addr)
{
	char *a = bw_text__first_address(t, len);
	bool other = a && bw_strcasecmp(a, addr) != 0 && find(s, a);

	free(a);
	return other;
}

/* Does the rest of a summary line, after "<a@b>...", say that the message
 * reached the recipient, or went on from here? */
static bool reports_delivery(const char *rest, size_t rn)
{
	static const char *const words[] = {
		"Successfully delivered", "Sent", "relayed", "expanded", "delivered",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (bw_text__starts(rest, rn, words[i]))
			return true;
	return false;
}

/* ... or the recipient's own outcome: delivered, or deferred with its own
 * cause ("Deferred: Connection timed out with ...")? */
static bool own_outcome(const char *rest, size_t rn)
{
	return reports_delivery(rest, rn) || bw_text__starts(rest, rn, "Deferred");
}

static void read_transcript(const char *t, size_t len, sstate *s)
{
	bw_lines it;
	const char *l;
	size_t n;
	char *rcpt = NULL;
	const char *last_cmd = NULL;

	bw_lines__init(&it, t, len);
	while (bw_lines__next(&it, &l, &n)) {
		char *a;
		while (n && bw_isspace((unsigned char)l[n - 1]))
			n--;
		if (!n)
			continue;
		if (marker_line(l, n))
			break;
		if (bw_memcasemem(l, n < 40 ? n : 40, "while talking to")) {
			s->session.len = 0;
			s->session_cmd = NULL;
			s->session_no++;
			free(rcpt);
			rcpt = NULL;
			continue;
		}
		if (n > 4 && BW_HAS_PREFIX(l, ">>> ")) {
			free(rcpt);
			rcpt = NULL;
			last_cmd = command_of(l + 4, n - 4);
			if (BW_HAS_PREFIX_CI(l + 4, "RCPT"))
				rcpt = bw_text__first_address(l + 4, n - 4);
			continue;
		}
		if (n > 3 && BW_HAS_PREFIX(l, "<<<")) {
			size_t k = 3;
			while (k < n && l[k] == ' ')
				k++;
			/* a recipient the server accepted ("<<< 250 OK") did not fail
			 * there: only one already known (listed as failed) gets it */
			srcpt *r = !rcpt ? NULL : k < n && l[k] == '2' ? find(s, rcpt) : get(s, rcpt);
			size_t i;

			/* a listed recipient whose RCPT was accepted failed later in
			 * the session: the refusal of DATA (or of its end) is its
			 * reply, not the "250 Ok" */
			if (r && k < n && l[k] == '2' && !r->replies.len) {
				r->accepted = true;
				r->accepted_no = s->session_no;
				continue;
			}
			if (!r && k < n && (l[k] == '4' || l[k] == '5'))
				for (i = 0; i < s->n; i++)
					if (s->v[i].accepted && s->v[i].accepted_no == s->session_no &&
					    !s->v[i].replies.len) {
						s->v[i].cmd = last_cmd;
						s->v[i].session_no = s->session_no;
						put(&s->v[i].replies, l + 3, n - 3);
					}
			if (r && !r->replies.len)
				r->cmd = last_cmd, r->session_no = s->session_no;
			else if (!r && !s->session.len)
				s->session_cmd = last_cmd;
			if (last_cmd && strcmp(last_cmd, "DATA") == 0 && n > 7 &&
			    BW_HAS_PREFIX(l + 3, " 503") && bw_memcasemem(l, n, "RCPT"))
				pipelined_rcpt(s);
			put(r ? &r->replies : &s->session, l + 3, n - 3);
			continue;
		}
		if ((a = summary_address(l, n))) {
			const char *dots = bw_memcasemem(l, n, "...");
			const char *rest = dots ? dots + 3 : l + n;
			size_t rn = n - (size_t)(rest - l);
			srcpt *r;

			while (rn && *rest == ' ')
				rest++, rn--;
			/* a summary that reports a delivery ("<a>... Sent",
			 * "Successfully delivered") names no failed recipient:
			 * one it alone names is kept for its text (a
			 * delivery-status part may list it), not reported */
			if (!(r = find(s, a)) && (r = get(s, a)) && reports_delivery(rest, rn))
				r->delivered_only = true;
			free(a);
			if (r) {
				/* "554 <a>... 550 Host unknown": the inner reply is the remote's */
				bool inner = rn >= 4 && rest[3] == ' ' && bw_smtp__starts_with_reply(rest, rn);
				if (inner)
					put(&r->summary, rest, rn);
				else
					put(&r->summary, l, n);
				/* the session's replies explain a summary without its own
				 * reply ("Remote protocol error"), not one that has it,
				 * nor one whose reply names another recipient ("<<< 550
				 * 5.1.1 <b@example.org>... User unknown" after DATA),
				 * nor one whose host was never found ("Host unknown (Name
				 * server: ...)"): no session was held for it, nor one that
				 * states its own outcome ("Deferred: Connection timed out
				 * with ...", "Successfully delivered") */
				if (!inner && !r->replies.len && s->session.len &&
				    !own_outcome(rest, rn) &&
				    !bw_memcasemem(rest, rn, "Host unknown") &&
				    !names_other(s, s->session.p, s->session.len, r->address)) {
					put(&r->replies, s->session.p, s->session.len);
					r->cmd = s->session_cmd;
					r->session_no = s->session_no;
				}
			}
			continue;
		}
		if (!boilerplate(l, n))
			put(&s->misc, l, n);
	}
	free(rcpt);
}

/* Does the transcript's other text start as a local program's output
 * ("procmail: Quota exceeded while writing ...", "mail.local: ...",
 * "sh: ..."): a lower-case program name and a colon, unlike a header line? */
static bool program_output(const bw_buf *misc)
{
	size_t i;

	if (!misc->len || !bw_islower((unsigned char)misc->p[0]))
		return false;
	for (i = 1; i < misc->len && i <= 20; i++) {
		unsigned char c = (unsigned char)misc->p[i];

		if (c == ':')
			return i + 1 < misc->len && misc->p[i + 1] == ' ';
		if (!bw_islower(c) && !bw_isdigit(c) && c != '.' && c != '-' && c != '_')
			return false;
	}
	return false;
}

static char *diag_for(const srcpt *r, const sstate *s)
{
	static const char *const mute[] = { BW_PHRASES_SENDMAIL_MUTE_SUMMARIES };
	bw_buf b = BW_BUF_INIT;

	/* the remote's own reply is the evidence; Sendmail's summary line maps
	 * any refusal at RCPT to "User unknown" and says less */
	if (r && r->replies.len)
		put(&b, r->replies.p, r->replies.len);
	else if (r && r->summary.len)
		put(&b, r->summary.p, r->summary.len);
	if (!b.len && r && r->reason.len)
		put(&b, r->reason.p, r->reason.len);
	/* the transcript's other lines, unless the list gave the reason and
	 * they quote no reply (a transcript that holds only the original's
	 * headers) */
	if (s->misc.len && (!r || !r->summary.len) &&
	    !(b.len && !bw_smtp__has_failure_code(s->misc.p, s->misc.len)))
		put(&b, s->misc.p, s->misc.len);
	/* a summary that says only that the local program failed, after
	 * that program's words ("procmail: Quota exceeded ..." then "550
	 * 5.0.0 <a>... Can't create output"): those words say why, when the
	 * transcript is about this one recipient */
	else if (r && r->summary.len && !r->replies.len && s->n == 1 && program_output(&s->misc) &&
	         bw_text__find_any(r->summary.p, r->summary.len, mute, sizeof(mute) / sizeof(mute[0]), NULL))
		put(&b, s->misc.p, s->misc.len);
	if (!b.len && s->session.len)
		put(&b, s->session.p, s->session.len);
	return b.len ? bw_buf__detach(&b) : (bw_buf__free(&b), NULL);
}

/* Status from "NNN X.Y.Z" at the start of the remote reply, same class. */
static void prefer_remote_status(bw_recipient *rc)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const char *st = bw_recipient__get(rc, BW_RCPT_STATUS);
	bw_smtp_evidence ev;
	size_t n;

	/* (even over a Status X.4.7 under Action: failed, which the generic
	 * DSN reader keeps: the shared corpus labels Sendmail's expiries with
	 * the remote reply's status, 3 rows) */
	if (!st || !d || !bw_smtp__starts_with_reply(d, strlen(d)))
		return;
	bw_smtp__scan(d, &ev);
	n = strlen(ev.status);
	if (!n || strcmp(ev.status + 1, ".0.0") == 0 || ev.status[0] != d[0] || ev.status[0] != st[0] || strcmp(ev.status, st) == 0 ||
	    strncmp(d + 4, ev.status, n) != 0)
		return;
	bw_recipient__evidence(rc, "status %s of the remote reply replaces the reporting server's %s",
	                       ev.status, st);
	bw_recipient__set(rc, BW_RCPT_STATUS, ev.status);
}

/* Sendmail's Diagnostic-Code keeps only the first line of a multi-line
 * reply ("550-5.7.1 ... has detected that this message is"); the
 * transcript's "<<<" lines for the recipient (or the session) hold all of
 * it.  The whole reply replaces the first line when it begins with it. */
static void complete_reply(bw_recipient *rc, const srcpt *sr, const sstate *s)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const bw_buf *b = sr && sr->replies.len ? &sr->replies : s->session.len ? &s->session : NULL;
	char *first, *whole;

	if (!d || strlen(d) < 5 || d[3] != '-' || !b)
		return;
	first = bw_squeeze_dup(d, strlen(d));
	whole = bw_squeeze_dup(b->p, b->len);
	if (first && whole && strlen(whole) > strlen(first) &&
	    strncmp(whole, first, strlen(first)) == 0) {
		bw_recipient__evidence(rc, "the transcript completes the multi-line reply the DSN cut after its first line");
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, whole);
	}
	free(first);
	free(whole);
}

/* The SMTP stage of `sr`'s failure, unless the record already has one: the
 * command its own reply answered, else, when it has no reply of its own,
 * the command the session's reply answered. */
static void set_command(bw_recipient *rc, const srcpt *sr, const sstate *s)
{
	const char *cmd;

	if (!sr || bw_recipient__get(rc, BW_RCPT_SMTP_COMMAND))
		return;
	cmd = sr->cmd ? sr->cmd : !sr->replies.len && s->session.len ? s->session_cmd : NULL;
	if (cmd)
		bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, cmd);
}

/* The first occurrence of `heading` in text[0..len) that stands as a
 * heading, not quoted in a sentence that explains the notice ('... listed
 * in the section labeled: "----- Transcript of Session Follows -----"'):
 * no quotation mark before it on its line.  NULL when there is none. */
static const char *heading_at(const char *text, size_t len, const char *heading)
{
	const char *p = text, *e = text + len, *hit;

	while (p < e && (hit = bw_memcasemem(p, (size_t)(e - p), heading))) {
		const char *b = hit;

		while (b > text && b[-1] != '\n')
			b--;
		if (!memchr(b, '"', (size_t)(hit - b)))
			return hit;
		p = hit + 1;
	}
	return NULL;
}

/* The offset just after the line of text[0..len) that `at` is on, or len
 * when at is NULL. */
static size_t after_line_of(const char *text, size_t len, const char *at)
{
	const char *nl;

	if (!at)
		return len;
	nl = memchr(at, '\n', len - (size_t)(at - text));
	return nl ? (size_t)(nl - text) + 1 : len;
}

/* Sendmail names the failure in its subject ("Returned mail: User
 * unknown", "Returned mail: Host unknown (Name server: x: host not
 * found)"): that text, for a recipient that nothing else gives a reason,
 * or NULL (no such subject, or the uninformative "see transcript for
 * details"). */
static const char *subject_reason(const bw_msg *m)
{
	const char *v = bw_msg__header(m, "Subject");
	size_t n;

	if (!v || !bw_text__starts(v, strlen(v), "Returned mail:"))
		return NULL;
	v = bw_text__trim(v + 14, strlen(v + 14), &n);
	if (!n || bw_text__starts(v, n, "see transcript"))
		return NULL;
	return v;
}

static void reason_from_subject(const bw_msg *m, bw_recipient *rc)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC), *why = subject_reason(m);

	if (why && (!d || !*d)) {
		bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, why);
		bw_recipient__evidence(rc, "the reason is the one Sendmail put in the subject");
	}
}

static int decode(const bw_msg *m, bw_report *r)
{
	static const struct { const char *heading; bool transient; } lists[] = {
		{ "following addresses had permanent fatal errors", false },
		{ "following addresses had transient non-fatal errors", true },
	};
	size_t first = r->n_rcpt, len = bw_text__report_length(m), i, k;
	const char *at;
	sstate s;
	int got;

	memset(&s, 0, sizeof(s));
	got = m->dsn.n ? bw_dsn__decode(m, r) : bw_decoders__inline_dsn(m, r);
	if (got < 0)
		return got;
	/* the addresses listed as failed, then those listed as still queued
	 * (a heading that is not there leaves nothing to read) */
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		size_t off = after_line_of(m->body, m->body_len, heading_at(m->body, m->body_len, lists[i].heading));
		read_fatal_list(m->body + off, m->body_len - off, &s, lists[i].transient);
	}
	if ((at = heading_at(m->body, m->body_len, "----- Transcript of session follows -----"))) {
		size_t off = after_line_of(m->body, m->body_len, at);
		size_t stop = m->body_len;
		const char *unsent = bw_memcasemem(m->body + off, m->body_len - off, "----- Unsent message follows");
		const char *dsn = bw_memcasemem(m->body + off, m->body_len - off, "\nReporting-MTA:");
		if (unsent)
			stop = (size_t)(unsent - m->body);
		else if (len > off)
			stop = len;
		/* delivery-status fields pasted inline end the transcript too */
		if (dsn && (size_t)(dsn - m->body) < stop)
			stop = (size_t)(dsn - m->body);
		read_transcript(m->body + off, stop - off, &s);
	}
	if (r->n_rcpt > first) {
		size_t n_dsn = r->n_rcpt - first;
		for (k = first; k < r->n_rcpt; k++) {
			bw_recipient *rc = r->rcpt[k];
			const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
			const char *a = bw_recipient__get(rc, BW_RCPT_RECIPIENT);
			srcpt *sr = NULL;
			for (i = 0; a && i < s.n; i++)
				if (bw_strcasecmp(s.v[i].address, a) == 0)
					sr = &s.v[i];
			if (!sr && n_dsn == 1 && s.n == 1)
				sr = &s.v[0];
			set_command(rc, sr, &s);
			const char *type = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC_TYPE);
			if (type && bw_strcasecmp(type, "smtp") != 0)
				d = NULL;
			if (!d || !bw_smtp__starts_with_reply(d, strlen(d))) {
				/* a local mailer's exit code or nothing: the transcript says more */
				char *t = diag_for(sr, &s);
				if (t && *t)
					bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, bw_squeeze(t));
				free(t);
			} else {
				complete_reply(rc, sr, &s);
				prefer_remote_status(rc);
			}
			reason_from_subject(m, rc);
		}
	} else {
		/* a warning ("THIS IS A WARNING MESSAGE ONLY", "transient non-fatal
		 * errors"): the server still retries */
		const char *action = bw_sniff__delay_notice(m) ? "delayed" : "failed";
		for (i = 0; i < s.n; i++) {
			char *t;
			bw_recipient *rc;

			if (s.v[i].delivered_only)
				continue;
			t = diag_for(&s.v[i], &s);
			rc = bw_decoders__add(r, s.v[i].address, t, t ? strlen(t) : 0);
			free(t);
			if (!rc)
				break;
			bw_recipient__set(rc, BW_RCPT_ACTION, s.v[i].transient ? "delayed" : action);
			set_command(rc, &s.v[i], &s);
			reason_from_subject(m, rc);
		}
	}
	for (i = 0; i < s.n; i++) {
		free(s.v[i].address);
		bw_buf__free(&s.v[i].summary);
		bw_buf__free(&s.v[i].replies);
		bw_buf__free(&s.v[i].reason);
	}
	free(s.v);
	bw_buf__free(&s.session);
	bw_buf__free(&s.misc);
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_sendmail = { "sendmail", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
