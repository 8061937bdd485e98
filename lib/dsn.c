/*
 * dsn.c - RFC 3464 / RFC 6533 delivery-status field groups.
 *
 * A delivery-status body is a per-message group followed by one group per
 * recipient, separated by blank lines, each a block of "Name: value" fields
 * with folded continuation lines.  Real reports bend this: recipient fields
 * inside the per-message group, groups without blank lines between them,
 * Action or Status given once for everybody.  We read field by field and
 * start a new recipient whenever a Final-Recipient or Original-Recipient
 * arrives for a recipient that already has one.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dsn.h"
#include "msg.h"
#include "rfc2047.h"
#include "smtp.h"
#include "text.h"
#include "util.h"

typedef enum field_kind {
	F_OTHER = 0,
	F_REPORTING_MTA, F_ARRIVAL_DATE, F_RECEIVED_FROM_MTA, F_MSG_OTHER,
	F_FINAL_RECIPIENT, F_ORIGINAL_RECIPIENT, F_ACTION, F_STATUS, F_REMOTE_MTA,
	F_DIAGNOSTIC_CODE, F_LAST_ATTEMPT_DATE, F_WILL_RETRY_UNTIL, F_FINAL_LOG_ID,
} field_kind;

static const struct { const char *name; field_kind kind; } field_names[] = {
	{ "Reporting-MTA", F_REPORTING_MTA },
	{ "Arrival-Date", F_ARRIVAL_DATE },
	{ "Received-From-MTA", F_RECEIVED_FROM_MTA },
	{ "Original-Envelope-Id", F_MSG_OTHER },
	{ "DSN-Gateway", F_MSG_OTHER },
	{ "Final-Recipient", F_FINAL_RECIPIENT },
	{ "Original-Recipient", F_ORIGINAL_RECIPIENT },
	{ "Action", F_ACTION },
	{ "Status", F_STATUS },
	{ "Remote-MTA", F_REMOTE_MTA },
	{ "Diagnostic-Code", F_DIAGNOSTIC_CODE },
	{ "Last-Attempt-Date", F_LAST_ATTEMPT_DATE },
	{ "Will-Retry-Until", F_WILL_RETRY_UNTIL },
	{ "Final-Log-ID", F_FINAL_LOG_ID },
	/* Seen in the wild for Final-Recipient. */
	{ "X-Actual-Recipient", F_OTHER },
};

static field_kind classify_field(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (bw_strcasecmp(name, field_names[i].name) == 0)
			return field_names[i].kind;
	return F_OTHER;
}

bool bw_dsn__field_line(const char *p, size_t len)
{
	size_t i, n;

	for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++) {
		n = strlen(field_names[i].name);
		if (len > n && p[n] == ':' && bw_strncasecmp(p, field_names[i].name, n) == 0)
			return true;
	}
	return false;
}

/* "dns; mx.example.com" -> "mx.example.com"; "smtp; 550 ..." -> type and text. */
static const char *after_type(const char *value, char *type, size_t type_size)
{
	const char *semi = strchr(value, ';');
	size_t n;

	if (type_size)
		type[0] = '\0';
	if (!semi)
		return value;
	n = (size_t)(semi - value);
	/* A type is one short token: "smtp", "x-unix", "X-Postfix", "utf-8". */
	if (n == 0 || n > 24 || memchr(value, ' ', n))
		return value;
	if (type_size) {
		if (n >= type_size)
			n = type_size - 1;
		memcpy(type, value, n);
		type[n] = '\0';
	}
	semi++;
	while (*semi == ' ' || *semi == '\t')
		semi++;
	return semi;
}

/* Status: "5.1.1", or with a comment that says why ("4.0.0 (mx.example:
 * host name lookup failure)", RFC 3464's own example): the comment is the
 * recipient's diagnostic while no Diagnostic-Code gives one. */
static int set_status(bw_recipient *rc, const char *value)
{
	size_t i, n, len = strlen(value);

	for (i = 0; i < len; i++)
		if ((n = bw_smtp__status_at(value, len, i))) {
			const char *open = memchr(value + i + n, '(', len - i - n), *close;
			int err = bw_recipient__set_len(rc, BW_RCPT_STATUS, value + i, n);

			if (err == BW_OK && open && (close = memchr(open, ')', len - (size_t)(open - value))) &&
			    close - open > 1 && !bw_text__only_status_name(open + 1, (size_t)(close - open - 1)) &&
			    !bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC))
				err = bw_recipient__set_len(rc, BW_RCPT_DIAGNOSTIC, open + 1,
				                            (size_t)(close - open - 1));
			return err;
		}
	return BW_OK;
}

/* Exchange's X-Supplementary-Info, "<mx.example.net #530 5.7.1 Client was
 * not authenticated>": the remote host's reply after the '#', the
 * recipient's diagnostic while no Diagnostic-Code gives one (Exchange
 * writes none for a reply its smart host relayed). */
static int set_supplementary(bw_recipient *rc, const char *value)
{
	const char *p = value, *end = value + strlen(value), *hash;

	while (p < end && (*p == ' ' || *p == '<'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '>'))
		end--;
	hash = memchr(p, '#', (size_t)(end - p));
	if (hash && hash + 1 < end && bw_isdigit((unsigned char)hash[1]))
		p = hash + 1;
	else if (!bw_smtp__has_failure_code(p, (size_t)(end - p)))
		return BW_OK;
	return end > p ? bw_recipient__set_len(rc, BW_RCPT_DIAGNOSTIC, p, (size_t)(end - p)) : BW_OK;
}

static int set_address(bw_recipient *rc, bw_recipient_field f, const char *value)
{
	/* "utf-8; j\x{E9}r\x{F4}me@example.org" (RFC 6533) reads as the
	 * address it encodes */
	char *plain = strstr(value, "\\x{") ? bw_addr__embedded_unicode(value, strlen(value)) : NULL;
	char *addr;
	int err;

	if (plain)
		value = plain;
	addr = bw_addr__normalize(value, strlen(value));

	/* a field that holds only an address gives one typed without its
	 * top-level domain too ("rfc822; kim@gmail") */
	if (!addr)
		addr = bw_text__address_line(value, strlen(value));
	free(plain);
	if (!addr)
		return BW_OK;
	err = bw_recipient__set(rc, f, addr);
	free(addr);
	return err;
}

/* Remote-MTA: "dns; mx.example.com" or "dns; mx.example.com [192.0.2.1]". */
static int set_remote_mta(bw_recipient *rc, const char *value)
{
	const char *v = after_type(value, NULL, 0);
	const char *lb = strchr(v, '['), *rb;
	size_t n = strcspn(v, " [");
	int err = BW_OK;

	if (n)
		err = bw_recipient__set_len(rc, BW_RCPT_REMOTE_MTA, v, n);
	if (!err && lb && (rb = strchr(lb, ']')) && rb > lb + 1)
		err = bw_recipient__set_len(rc, BW_RCPT_REMOTE_IP, lb + 1, (size_t)(rb - lb - 1));
	return err;
}

static int set_action(bw_recipient *rc, const char *value)
{
	char word[16];
	size_t n = 0;

	while (value[n] && !bw_isspace((unsigned char)value[n]) && value[n] != '(' && n < sizeof(word) - 1) {
		word[n] = (char)bw_lower((unsigned char)value[n]);
		n++;
	}
	word[n] = '\0';
	/* Non-standard words seen in reports. */
	if (strcmp(word, "failure") == 0 || strcmp(word, "expired") == 0)
		strcpy(word, "failed");
	else if (strcmp(word, "deliverable") == 0)
		strcpy(word, "delivered");
	return n ? bw_recipient__set(rc, BW_RCPT_ACTION, word) : BW_OK;
}

static int apply_field(bw_recipient *rc, field_kind k, const char *name, const char *value)
{
	char type[32];
	const char *text;

	switch (k) {
	case F_FINAL_RECIPIENT:
		return set_address(rc, BW_RCPT_RECIPIENT, value);
	case F_ORIGINAL_RECIPIENT:
		return set_address(rc, BW_RCPT_ORIGINAL_RECIPIENT, value);
	case F_ACTION:
		return set_action(rc, value);
	case F_STATUS:
		return set_status(rc, value);
	case F_REMOTE_MTA:
		return set_remote_mta(rc, value);
	case F_DIAGNOSTIC_CODE:
		text = after_type(value, type, sizeof(type));
		if (type[0]) {
			char *p;
			for (p = type; *p; p++)
				*p = (char)bw_lower((unsigned char)*p);
			bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC_TYPE, type);
		}
		return bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, text);
	case F_LAST_ATTEMPT_DATE:
		return bw_recipient__set(rc, BW_RCPT_LAST_ATTEMPT_DATE, value);
	case F_WILL_RETRY_UNTIL:
		return bw_recipient__set(rc, BW_RCPT_WILL_RETRY_UNTIL, value);
	default:
		if (bw_strcasecmp(name, "X-Supplementary-Info") == 0 && !bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC)) {
			int err = set_supplementary(rc, value);

			if (err < 0)
				return err;
		}
		return bw_kvlist__push(&rc->extras, name, value);
	}
}

/* Recipient fields kept outside any recipient group.  Each is applied to
 * every recipient, so an unbounded list would cost recipients x fields
 * (100,000 lone "Status:" lines after 10,000 recipients took minutes);
 * real reports have a handful. */
#define MAX_DEFAULTS 64

typedef struct dsn_state {
	bw_report *r;
	bw_recipient *cur;
	/* Recipient fields that came without a recipient: defaults for all. */
	bw_kvlist defaults;
	size_t first;         /* index of the first recipient this DSN added */
	int added;
	/* The group being read: whether one ended before it (it is not the
	 * per-message group), whether it has a field yet, and where its fields
	 * begin in defaults. */
	bool after_first_group;
	bool group_open;
	size_t group_from;
} dsn_state;

/* A recipient group after the per-message one whose fields came before
 * its recipient line ("Action: failed", "Status: 5.1.2", then
 * "Original-recipient:", as Sun's Messaging Server writes them): those
 * fields are the new recipient's own, not defaults for all. */
static void adopt_group_fields(dsn_state *st)
{
	size_t j;

	if (!st->cur || !st->after_first_group || st->defaults.n <= st->group_from)
		return;
	for (j = st->group_from; j < st->defaults.n; j++)
		apply_field(st->cur, classify_field(st->defaults.name[j]), st->defaults.name[j],
		            st->defaults.value[j]);
	bw_kvlist__truncate(&st->defaults, st->group_from);
}

static bw_recipient *new_recipient(dsn_state *st)
{
	st->cur = bw_report__add_recipient(st->r);
	if (st->cur)
		st->added++;
	return st->cur;
}

static void field(dsn_state *st, const char *name, char *value)
{
	field_kind k = classify_field(name);
	char *decoded = NULL;

	value = bw_squeeze(value);
	if (strstr(value, "=?"))
		value = decoded = bw_rfc2047__decode(value);
	if (!value)
		return;
	st->group_open = true;
	if (st->r->max_line && strlen(value) > st->r->max_line) {
		/* max_line_length: a field folded over many lines, or a delivery-
		 * status text quoted in a body, is cut at a UTF-8 boundary. */
		size_t cut = st->r->max_line;
		while (cut > 0 && ((unsigned char)value[cut] & 0xC0) == 0x80)
			cut--;
		value[cut] = '\0';
		if (!st->r->line_cut)
			bw_report__warn(st->r, "a delivery-status field longer than %zu bytes was cut", st->r->max_line);
		st->r->line_cut = true;
	}
	switch (k) {
	case F_REPORTING_MTA:
		bw_report__set(st->r, BW_REPORT_REPORTING_MTA, after_type(value, NULL, 0));
		break;
	case F_ARRIVAL_DATE:
		bw_report__set(st->r, BW_REPORT_ARRIVAL_DATE, value);
		break;
	case F_RECEIVED_FROM_MTA:
		bw_report__set(st->r, BW_REPORT_RECEIVED_FROM_MTA, after_type(value, NULL, 0));
		break;
	case F_MSG_OTHER:
		bw_kvlist__push(&st->r->extras, name, value);
		break;
	case F_FINAL_RECIPIENT:
	case F_ORIGINAL_RECIPIENT:
		/* a new recipient for a group's first, or for one who has it */
		if (!st->cur) {
			new_recipient(st);
			adopt_group_fields(st);
		} else if (bw_recipient__get(st->cur, k == F_FINAL_RECIPIENT ? BW_RCPT_RECIPIENT
		                                                                : BW_RCPT_ORIGINAL_RECIPIENT)) {
			new_recipient(st);
		}
		if (st->cur)
			apply_field(st->cur, k, name, value);
		break;
	case F_OTHER:
		if (st->cur)
			apply_field(st->cur, k, name, value);
		else
			bw_kvlist__push(&st->r->extras, name, value);
		break;
	default:
		if (st->cur)
			apply_field(st->cur, k, name, value);
		else if (st->defaults.n < MAX_DEFAULTS)
			bw_kvlist__push(&st->defaults, name, value);
		break;
	}
	free(decoded);
}

/* Work proportional to the input: per-message fields copied to N
 * recipients cost N times their length, so what all the copies may take
 * together is bounded (a 65 KB Diagnostic-Code before 10,000 recipients
 * once took 477 s, 1.9 GB and 663 MB of output).  Beyond the budget each
 * copy is cut to an equal share, never below DEFAULT_FLOOR bytes. */
#define DEFAULTS_BUDGET ((size_t)4 << 20)
#define DEFAULT_FLOOR 64

static void apply_defaults(dsn_state *st)
{
	static const bw_recipient_field slot[] = {
		[F_ACTION] = BW_RCPT_ACTION, [F_STATUS] = BW_RCPT_STATUS,
		[F_REMOTE_MTA] = BW_RCPT_REMOTE_MTA, [F_DIAGNOSTIC_CODE] = BW_RCPT_DIAGNOSTIC,
		[F_LAST_ATTEMPT_DATE] = BW_RCPT_LAST_ATTEMPT_DATE,
		[F_WILL_RETRY_UNTIL] = BW_RCPT_WILL_RETRY_UNTIL,
	};
	size_t i, j, n = st->r->n_rcpt - st->first, total = 0, cap = (size_t)-1;

	if (!n || !st->defaults.n)
		return;
	for (j = 0; j < st->defaults.n; j++)
		total += strlen(st->defaults.value[j]);
	if (total > DEFAULTS_BUDGET / n) {
		cap = DEFAULTS_BUDGET / n / st->defaults.n;
		if (cap < DEFAULT_FLOOR)
			cap = DEFAULT_FLOOR;
		for (j = 0; j < st->defaults.n; j++) {
			char *v = st->defaults.value[j];
			if (strlen(v) > cap) {
				size_t cut = cap;
				while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
					cut--;
				v[cut] = '\0';
				bw_report__warn(st->r, "a per-message %s given to %zu recipients was cut to %zu bytes",
				                st->defaults.name[j], n, cut);
			}
		}
	}
	for (i = st->first; i < st->r->n_rcpt; i++) {
		bw_recipient *rc = st->r->rcpt[i];
		for (j = 0; j < st->defaults.n; j++) {
			field_kind k = classify_field(st->defaults.name[j]);
			if (k >= F_ACTION && k <= F_WILL_RETRY_UNTIL && k != F_FINAL_LOG_ID &&
			    !bw_recipient__get(rc, slot[k]))
				apply_field(rc, k, st->defaults.name[j], st->defaults.value[j]);
		}
	}
}

int bw_dsn__parse_fields(bw_report *r, const char *text, size_t len)
{
	dsn_state st;
	bw_buf value = BW_BUF_INIT;
	char name[64], empty[1] = "";   /* writable: field() squeezes in place */
	bool have = false, broken_fold;
	size_t i = 0;

	memset(&st, 0, sizeof(st));
	st.r = r;
	st.first = r->n_rcpt;
	name[0] = '\0';
	while (i <= len) {
		const char *line = text + i;
		const char *nl = i < len ? memchr(line, '\n', len - i) : NULL;
		size_t ll = i < len ? (nl ? (size_t)(nl - line) : len - i) : 0;
		size_t k, blank;

		for (blank = 0; blank < ll && bw_isspace((unsigned char)line[blank]); blank++)
			;
		/* a multi-line reply in Diagnostic-Code whose later lines lost
		 * their folding ("550-5.7.1 ..." at the margin): still the field */
		broken_fold = have && i < len && ll > 4 && bw_strcasecmp(name, "Diagnostic-Code") == 0 &&
		              (line[3] == '-' || line[3] == ' ') && bw_smtp__reply_at(line, ll, 0);
		if (have && !broken_fold &&
		    (i >= len || blank == ll || !(line[0] == ' ' || line[0] == '\t'))) {
			field(&st, name, value.p ? value.p : empty);
			have = false;
		}
		if (i >= len)
			break;
		i += ll + 1;
		if (blank == ll) {          /* blank line: the group ends */
			st.cur = NULL;
			st.after_first_group = st.after_first_group || st.group_open;
			st.group_open = false;
			st.group_from = st.defaults.n;
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t' || broken_fold) {
			if (have) {
				bw_buf__putc(&value, ' ');
				bw_buf__put(&value, line, ll);
			}
			continue;
		}
		for (k = 0; k < ll && line[k] != ':' && !bw_isspace((unsigned char)line[k]); k++)
			;
		if (k == 0 || k >= ll || line[k] != ':' || k >= sizeof(name))
			continue;           /* not a field: skip the line */
		memcpy(name, line, k);
		name[k] = '\0';
		value.len = 0;
		bw_buf__put(&value, "", 0);
		bw_buf__put(&value, line + k + 1, ll - k - 1);
		have = true;
	}
	if (have)   /* the last field, when the text does not end with a newline */
		field(&st, name, value.p ? value.p : empty);
	apply_defaults(&st);
	bw_kvlist__clear(&st.defaults);
	bw_buf__free(&value);
	/* A recipient group without any address is of no use. */
	for (i = r->n_rcpt; i > st.first; i--) {
		bw_recipient *rc = r->rcpt[i - 1];
		if (!bw_recipient__get(rc, BW_RCPT_RECIPIENT)) {
			const char *orig = bw_recipient__get(rc, BW_RCPT_ORIGINAL_RECIPIENT);
			if (orig) {
				bw_recipient__set(rc, BW_RCPT_RECIPIENT, orig);
			} else {
				bw_report__remove_recipient(r, i - 1);
				st.added--;
			}
		}
	}
	return st.added;
}

int bw_dsn__decode(const bw_msg *m, bw_report *r)
{
	size_t i;
	int n = 0, got;

	for (i = 0; i < m->dsn.n; i++) {
		got = bw_dsn__parse_fields(r, m->dsn.v[i], strlen(m->dsn.v[i]));
		if (got < 0)
			return got;
		n += got;
	}
	return n;
}
