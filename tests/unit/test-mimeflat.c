/*
 * A flat multipart read without GMime objects (lib/mimeflat.c, mime.c's
 * flat_view): the strict readers accept what they should and refuse the
 * rest, and the view built from them is the view GMime's parts give, field
 * for field, on every message of the corpora given as arguments and on
 * generated messages with quoted-printable and base64 bodies.
 *
 *   test-mimeflat DIR...     (tests/corpus; ../shared/corpus when present)
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimeflat.h"
#include "msg.h"
#include "text.h"
#include "util.h"

static size_t n_messages, n_flat;

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_kv(const bw_kvlist *a, const bw_kvlist *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!same_str(a->name[i], b->name[i]) || !same_str(a->value[i], b->value[i]))
			return false;
	return true;
}

static bool same_list(const bw_strlist *a, const bw_strlist *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!same_str(a->v[i], b->v[i]))
			return false;
	return true;
}

static size_t n_envelope, n_envelope_plain;

static void check_same(const char *name, int ra, const bw_msg *pa, int rb, const bw_msg *pb);

/* Parses buf both ways; every field of the two views must be the same. */
static void compare(const char *name, const char *buf, size_t len, const bw_parse_options *opts)
{
	bw_msg a, b;
	int ra, rb;

	bw_msg__flat_off = false;
	ra = bw_msg__parse(&a, buf, len, opts);
	bw_msg__flat_off = true;
	rb = bw_msg__parse(&b, buf, len, opts);
	bw_msg__flat_off = false;
	n_messages++;
	n_flat += a.flat;
	CHECK(!b.flat);
	check_same(name, ra, &a, rb, &b);
	bw_msg__clear(&a);
	bw_msg__clear(&b);
}

/* The same message after an mbox envelope line ("From " ...): GMime's
 * message parse (the envelope line makes the header block one that GMime
 * reads whole) must give the view that bw_msg__parse_plain() gives of the
 * message after the line, when that reads it. */
static void compare_envelope(const char *name, const char *buf, size_t len)
{
	static const char envelope[] = "From MAILER-DAEMON  Thu Dec  3 12:00:00 2026\n";
	size_t el = sizeof(envelope) - 1;
	char *with = malloc(el + len);
	bw_msg a, b;
	int ra, rb;

	CHECK(with != NULL);
	if (!with || (len >= 5 && memcmp(buf, "From ", 5) == 0)) {
		free(with);
		return;
	}
	memcpy(with, envelope, el);
	memcpy(with + el, buf, len);
	n_envelope++;
	ra = bw_msg__parse_plain(&a, buf, len, NULL, NULL, 0);
	if (ra != BW_MSG_NEEDS_GMIME) {
		n_envelope_plain++;
		bw_msg__flat_off = true;
		rb = bw_msg__parse(&b, with, el + len, NULL);
		bw_msg__flat_off = false;
		check_same(name, ra, &a, rb, &b);
		bw_msg__clear(&a);
		bw_msg__clear(&b);
	}
	free(with);
}

static void check_same(const char *name, int ra, const bw_msg *pa, int rb, const bw_msg *pb)
{
	const bw_msg a = *pa, b = *pb;

	if (ra != rb || !same_kv(&a.headers, &b.headers) || !same_str(a.content_type, b.content_type) ||
	    !same_str(a.report_type, b.report_type) || a.body_len != b.body_len ||
	    !same_str(a.body, b.body) || !same_list(&a.dsn, &b.dsn) || !same_str(a.feedback, b.feedback) ||
	    !same_kv(&a.orig_headers, &b.orig_headers) || a.has_original != b.has_original ||
	    a.nested != b.nested || !same_list(&a.warnings, &b.warnings))
	{
		check_fail(__FILE__, __LINE__, "flat view == GMime's view", name);
		if (getenv("SHOW")) {
			size_t i;
			printf("ra %d rb %d ct %s/%s rt %s/%s body %zu/%zu dsn %zu/%zu orig %zu/%zu w %zu/%zu\n", ra, rb, a.content_type, b.content_type, a.report_type, b.report_type, a.body_len, b.body_len, a.dsn.n, b.dsn.n, a.orig_headers.n, b.orig_headers.n, a.warnings.n, b.warnings.n);
			for (i = 0; i < b.warnings.n; i++) printf("  w %s\n", b.warnings.v[i]);
			for (i = 0; i < a.orig_headers.n && i < b.orig_headers.n; i++) printf("  o %s=%s | %s=%s\n", a.orig_headers.name[i], a.orig_headers.value[i], b.orig_headers.name[i], b.orig_headers.value[i]);
		}
	}
	else
		check_passed++;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path), len;
	char *buf;

	(void)st;
	(void)ftw;
	if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".eml") != 0)
		return 0;
	if (bw_read_file(path, &buf, &len) != 0)
		return 0;
	len = bw_text__normalize_eol(buf, len);
	compare(path, buf, len, NULL);
	compare_envelope(path, buf, len);
	free(buf);
	return 0;
}

static void check_content_type(void)
{
	bw_mimeflat_type t;
	const char *v;
	size_t n;

	v = " multipart/report; report-type=delivery-status;\n\tboundary=\"a b=c\"";
	CHECK(bw_mimeflat__content_type(v, strlen(v), &t));
	CHECK(bw_mimeflat__is(&t, "MULTIPART", "Report") && t.n_param == 2);
	v = bw_mimeflat__param(&t, "Boundary", &n);
	CHECK(v && n == 5 && memcmp(v, "a b=c", 5) == 0);
	CHECK(bw_mimeflat__content_type("text/plain;", 11, &t) && t.n_param == 0);
	CHECK(bw_mimeflat__content_type("text/plain", 10, &t) && !bw_mimeflat__param(&t, "charset", &n));
	/* what GMime might read otherwise: refused */
	CHECK(!bw_mimeflat__content_type("text/plain; charset*=utf-8''x", 29, &t));  /* RFC 2231 */
	CHECK(!bw_mimeflat__content_type("text/plain (c); a=b", 19, &t));           /* comment */
	CHECK(!bw_mimeflat__content_type("text / plain", 12, &t));
	CHECK(!bw_mimeflat__content_type("text/plain; a=b; A=c", 20, &t));          /* repeated */
	CHECK(!bw_mimeflat__content_type("text/plain; a=\"b\\\"c\"", 20, &t));      /* escape */
	CHECK(!bw_mimeflat__content_type("text/plain; a=\"=?utf-8?q?x?=\"", 30, &t));
	CHECK(!bw_mimeflat__content_type("text/plain; a", 13, &t));
	CHECK(!bw_mimeflat__content_type("text/plain; a=\"b", 16, &t));
	CHECK(!bw_mimeflat__content_type("text", 4, &t));
	CHECK(bw_mimeflat__encoding(" Quoted-Printable ", 18) == BW_MIMEFLAT_QP);
	CHECK(bw_mimeflat__encoding("base64", 6) == BW_MIMEFLAT_BASE64);
	CHECK(bw_mimeflat__encoding("8BIT", 4) == BW_MIMEFLAT_IDENTITY);
	CHECK(bw_mimeflat__encoding("x-uuencode", 10) == BW_MIMEFLAT_OTHER);
}

static const char top[] =
	"From: MAILER-DAEMON@example.org\n"
	"To: sender@example.com\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B.1\"\n"
	"\n"
	"This is a MIME-encapsulated message.\n"
	"--B.1x is not a boundary of ours\n";

static void check_read(void)
{
	bw_mimeflat f;
	char msg[1024];
	size_t len, from = strlen(top);

	snprintf(msg, sizeof(msg), "%s--B.1\nContent-Type: text/plain\n\nhello\n\n--B.1\n"
	         "Content-Type: message/delivery-status\n\nAction: failed\n--B.1--\nepilogue\n", top);
	len = strlen(msg);
	/* "--B.1x" is a line GMime may read as a boundary: not flat */
	CHECK(!bw_mimeflat__read(msg, 0, len, "B.1", 3, BW_MIMEFLAT_CLOSED, &f));
	CHECK(bw_mimeflat__read(msg, from, len, "B.1", 3, BW_MIMEFLAT_CLOSED, &f));
	CHECK(f.n == 2);
	CHECK(f.n == 2 && f.part[0].body_len == 6 && memcmp(f.part[0].body, "hello\n", 6) == 0);
	CHECK(f.n == 2 && bw_mimeflat__is(&f.part[1].type, "message", "delivery-status"));
	CHECK(f.n == 2 && f.part[1].body_len == 14);
	/* never closed, an encoding GMime has other plans for, a nested
	 * multipart's parts, a repeated header, an empty body */
	CHECK(!bw_mimeflat__read(msg, from, (size_t)(strstr(msg, "--B.1--") - msg), "B.1", 3, BW_MIMEFLAT_CLOSED, &f));
	snprintf(msg, sizeof(msg), "%s--B.1\nContent-Transfer-Encoding: x-uuencode\n\nx\n--B.1--\n", top);
	CHECK(!bw_mimeflat__read(msg, from, strlen(msg), "B.1", 3, BW_MIMEFLAT_CLOSED, &f));
	snprintf(msg, sizeof(msg), "%s--B.1\nContent-Type: text/plain\nContent-type: text/html\n\nx\n--B.1--\n", top);
	CHECK(!bw_mimeflat__read(msg, from, strlen(msg), "B.1", 3, BW_MIMEFLAT_CLOSED, &f));
	snprintf(msg, sizeof(msg), "%s--B.1\nContent-Type: text/plain\n\n--B.1--\n", top);
	CHECK(!bw_mimeflat__read(msg, from, strlen(msg), "B.1", 3, BW_MIMEFLAT_CLOSED, &f));
	/* the open last part: its header block ends the region */
	snprintf(msg, sizeof(msg), "%s--B.1\n\nno headers\n--B.1\nContent-Type: message/rfc822\n\n", top);
	CHECK(bw_mimeflat__read(msg, from, strlen(msg), "B.1", 3, BW_MIMEFLAT_CUT, &f));
	CHECK(f.n == 2 && bw_mimeflat__is(&f.part[0].type, "text", "plain"));
	CHECK(f.n == 2 && bw_mimeflat__is(&f.part[1].type, "message", "rfc822") && f.part[1].body_len == 0);
	/* never closed: the last part runs to the end, when allowed */
	snprintf(msg, sizeof(msg), "%s--B.1\n\ntext\n--B.1\nContent-Type: message/rfc822\n\nFrom: a\n\nbody\n", top);
	CHECK(!bw_mimeflat__read(msg, from, strlen(msg), "B.1", 3, BW_MIMEFLAT_CLOSED, &f));
	CHECK(bw_mimeflat__read(msg, from, strlen(msg), "B.1", 3, BW_MIMEFLAT_CLOSED_OR_END, &f));
	CHECK(f.n == 2 && f.to_end && f.part[1].body_len == 14);
	snprintf(msg, sizeof(msg), "%s--B.1\n\ntext\n--B.1--\n", top);
	CHECK(bw_mimeflat__read(msg, from, strlen(msg), "B.1", 3, BW_MIMEFLAT_CLOSED_OR_END, &f));
	CHECK(f.n == 1 && !f.to_end);
}

/* Generated reports: text parts in each encoding and charset (converted by
 * GMime's charset filter when they are not taken as they are), with bytes
 * that need care (8-bit, '=' runs, long lines, soft breaks, bad escapes,
 * bad base64), the original cut or text/rfc822-headers; each compared. */
static void check_generated(void)
{
	static const char *const enc[] = { NULL, "7bit", "8bit", "quoted-printable", "base64", "binary" };
	static const char *const cs[] = { NULL, "us-ascii", "utf-8", "\"UTF-8\"", "iso-2022-jp", "iso-8859-1",
		"windows-1252", "shift_jis", "unicode-1-1-utf-7", "x-no-such-charset" };
	static const char *const body[] = {
		"I could not deliver your message to <nobody@example.net>.\n550 5.1.1 user unknown",
		"caf\xc3\xa9 =C3=A9 =E9 =\nsoft break =3D=3d ==41 =4 =\n",
		"Y2Fmw6kgdXNlciB1bmtub3du\nIT0/\n=== not base64 ***\n",
		"Latin-1 \xe9t\xe9 \x80\n\n\n",
		"ESC $B in ISO-2022-JP: \x1b$B$3$l\x1b(B end",
	};
	static const char *const orig[] = {
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nTo: nobody@example.net\nSubject: hi\n\nbody\n--B.1--\n",
		"--B.1\nContent-Type: text/rfc822-headers\n\nFrom: sender@example.com\nSubject: hi\n\n--B.1--\n",
		"--B.1\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n--B.1--\n",
		/* truncated: never closed, the original running to the end */
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nTo: nobody@example.net\n\nbody\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\n\n--B.1 cut short\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\nbody\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nContent-Type: text/plain\n\nbody",
		"--B.1\nContent-Type: text/plain\n\nnot the original, never closed\n",
		/* originals GMime reads (not plain): 8-bit, encoded words, a
		 * repeated header, a mail system's, a multipart, a report */
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nSubject: caf\xc3\xa9\n\nbody\n--B.1--\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: =?utf-8?q?S=C3=A9n?= <s@example.com>\nSubject: =?iso-8859-1?q?caf=E9?=\n\nbody\n--B.1--\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nSubject: one\nSubject: two\nBad Header: x\n\nbody\n--B.1--\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: Mail Delivery System <MAILER-DAEMON@example.org>\nSubject: \xe9\n\nbody\n--B.1--\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: s@example.com\nSubject: \xe9\nContent-Type: multipart/mixed; boundary=\"in\"\n\n--in\n\nx\n--in--\n--B.1--\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: s@example.com\nSubject: \xe9\nContent-Type: multipart/report; boundary=\"in\"\n\n--in\n\nx\n--in--\n--B.1--\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: s@example.com\nSubject: \xe9\nContent-Type: message/delivery-status\n\nAction: failed\n--B.1--\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nContent-Type: text/plain\n\nbody\n",
		"--B.1\nContent-Type: message/rfc822\n\nFrom: sender@example.com\nContent-Type: text/plain\n\nbody\n--B.1--\n",
	};
	size_t e, c, b, o;
	char msg[4096], name[64];

	for (e = 0; e < sizeof(enc) / sizeof(enc[0]); e++)
		for (c = 0; c < sizeof(cs) / sizeof(cs[0]); c++)
			for (b = 0; b < sizeof(body) / sizeof(body[0]); b++)
				for (o = 0; o < sizeof(orig) / sizeof(orig[0]); o++) {
					char ct[128] = "", cte[64] = "";

					if (cs[c])
						snprintf(ct, sizeof(ct), "Content-Type: text/plain; charset=%s\n", cs[c]);
					if (enc[e])
						snprintf(cte, sizeof(cte), "Content-Transfer-Encoding: %s\n", enc[e]);
					snprintf(msg, sizeof(msg), "%s--B.1\n%s%s\n%s\n--B.1\n"
					         "Content-Type: message/delivery-status\n\n"
					         "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; nobody@example.net\n"
					         "Action: failed\nStatus: 5.1.1\n\n%s",
					         top + 0, ct, cte, body[b], orig[o]);
					/* "--B.1x" in the prologue would make every one not flat */
					memcpy(strstr(msg, "--B.1x"), "  B.1x", 6);
					snprintf(name, sizeof(name), "generated %zu/%zu/%zu/%zu", e, c, b, o);
					compare(name, msg, strlen(msg), NULL);
				}
	/* The report text nested two and three deep (related > alternative >
	 * plain + html; an image beside), as some providers write it; and
	 * deeper than the reader goes. */
	for (b = 0; b < sizeof(body) / sizeof(body[0]); b++)
		for (c = 0; c < 3; c++) {
			snprintf(msg, sizeof(msg), "%s--B.1\nContent-Type: multipart/related; boundary=R\n\n"
			         "--R\nContent-Type: multipart/alternative; boundary=A\n\n"
			         "%s"
			         "--A\nContent-Type: text/%s; charset=%s\nContent-Transfer-Encoding: quoted-printable\n\n%s\n"
			         "--A\nContent-Type: text/html; charset=UTF-8\n\n<p>%s</p>\n--A--\n%s"
			         "--R\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--R--\n"
			         "--B.1\nContent-Type: message/delivery-status\n\nAction: failed\nStatus: 5.1.1\n\n%s",
			         top, c == 2 ? "--A\nContent-Type: multipart/mixed; boundary=C\n\n--C\nContent-Type: multipart/alternative; boundary=D\n\n--D\n\ndeep\n--D--\n--C--\n" : "",
			         c == 1 ? "html" : "plain", c ? "windows-1252" : "utf-8", body[b], body[b],
			         c == 2 ? "" : "", orig[0]);
			memcpy(strstr(msg, "--B.1x"), "  B.1x", 6);
			snprintf(name, sizeof(name), "generated nested %zu/%zu", b, c);
			compare(name, msg, strlen(msg), NULL);
		}
	/* Single parts: the body is the rest of the message. */
	for (e = 0; e < sizeof(enc) / sizeof(enc[0]); e++)
		for (c = 0; c < sizeof(cs) / sizeof(cs[0]); c++)
			for (b = 0; b < sizeof(body) / sizeof(body[0]); b++) {
				char ct[128] = "", cte[64] = "";

				if (cs[c])
					snprintf(ct, sizeof(ct), "Content-Type: text/plain; charset=%s\n", cs[c]);
				else if (b % 2)
					snprintf(ct, sizeof(ct), "Content-Type: message/delivery-status\n");
				if (enc[e])
					snprintf(cte, sizeof(cte), "Content-Transfer-Encoding: %s\n", enc[e]);
				snprintf(msg, sizeof(msg), "From: MAILER-DAEMON@example.org\nSubject: failure\n%s%s\n%s",
				         ct, cte, body[b]);
				snprintf(name, sizeof(name), "generated single %zu/%zu/%zu", e, c, b);
				compare(name, msg, strlen(msg), NULL);
			}
}

int main(int argc, char **argv)
{
	int i;
	size_t before;

	check_content_type();
	check_read();
	before = n_flat;
	check_generated();
	printf("generated: %zu of %zu read flat\n", n_flat - before, n_messages);
	CHECK(n_flat - before >= 2000);     /* the path is taken, not only refused */
	for (i = 1; i < argc; i++) {
		size_t m = n_messages;
		before = n_flat;
		CHECK(nftw(argv[i], visit, 16, FTW_PHYS) == 0);
		printf("%s: %zu of %zu read flat\n", argv[i], n_flat - before, n_messages - m);
	}
	printf("after an envelope line: %zu of %zu read without GMime\n", n_envelope_plain, n_envelope);
	CHECK(argc < 2 || n_envelope_plain > 0);
	return check_done();
}
