/* Where a bounce may be cut before GMime parses it (lib/mimecut.c): only
 * after the header block of an unencoded original that ends the message,
 * never where the cut could change what is read. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mimecut.h"
#include "prepare.h"
#include "util.h"

static const char head[] =
	"From: MAILER-DAEMON@example.org\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"Content-Type: multipart/report; report-type=delivery-status;\n"
	"\tboundary=\"OUTER.1\"\n"
	"\n"
	"This is a MIME-encapsulated message.\n"
	"\n"
	"--OUTER.1\n"
	"Content-Type: text/plain\n"
	"\n"
	"I could not deliver your message.\n"
	"\n";
static const char dsn[] =
	"--OUTER.1\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example.org\n"
	"\n"
	"Final-Recipient: rfc822; nobody@example.net\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"\n";
static const char orig_head[] =     /* %s: the original's part headers */
	"--OUTER.1\n"
	"%s\n"
	"\n"
	"From: someone@example.org\n"
	"To: nobody@example.net\n"
	"Subject: hello\n"
	"Content-Type: multipart/mixed; boundary=\"INNER.2\"\n"
	"\n";
static const char orig_body[] =
	"--INNER.2\n"
	"Content-Type: text/plain\n"
	"\n"
	"the returned text, which nobody reads\n"
	"--INNER.2--\n";
static const char tail[] = "\n--OUTER.1--\n";

static char msg[8192];

/* head + [dsn] + the original (part headers `part`, default message/rfc822)
 * + body + [after] + tail */
static size_t build(bool with_dsn, const char *part, const char *body, const char *after)
{
	char oh[1024];

	snprintf(oh, sizeof(oh), orig_head, part ? part : "Content-Type: message/rfc822");
	snprintf(msg, sizeof(msg), "%s%s%s%s%s%s", head, with_dsn ? dsn : "", oh, body,
	         after ? after : "", tail);
	return strlen(msg);
}

/* bw_mimecut__find(), checked against bw_mimecut__find_with() given the
 * "--" lines that bw_prepare__input() lists: both must answer the same. */
static bool find(const char *buf, size_t len, bw_mimecut *out)
{
	bw_prepared p;
	bw_mimecut w;
	bool scanned = bw_mimecut__find(buf, len, out), listed;
	size_t i, n = 0;

	CHECK(bw_prepare__input(&p, buf, len, 65536, 2000) == 0);
	CHECK(!p.buf && p.dash);
	for (i = 0; i + 1 < len; i++)
		if (buf[i] == '-' && buf[i + 1] == '-' && (i == 0 || buf[i - 1] == '\n'))
			CHECK(n < p.n_dash && p.dash[n++] == i);
	CHECK(n == p.n_dash);
	listed = bw_mimecut__find_with(buf, len, p.dash, p.n_dash, &w);
	CHECK(listed == scanned);
	CHECK(memcmp(&w, out, sizeof(w)) == 0);
	bw_prepare__clear(&p);
	/* and given the message's scan index (prepare.h): its lists are what
	 * a search finds, and the answer is the same */
	{
		bw_scanidx x;
		size_t ns = 0, nb = 0;

		bw_scanidx__build(&x, buf, len);
		CHECK(x.has_cr == (memchr(buf, '\r', len) != NULL));
		if (!x.has_cr) {
			for (i = 0, n = 0; i + 1 < len; i++)
				if (buf[i] == '-' && buf[i + 1] == '-' && (i == 0 || buf[i - 1] == '\n'))
					CHECK(n < x.n_dash && x.dash[n++] == i);
			CHECK(n == x.n_dash);
			for (i = 0; i < len; i++) {
				size_t q = i + 1;

				while (buf[i] == ';' && q < len && (buf[q] == ' ' || buf[q] == '\t'))
					q++;
				if (buf[i] == ';' && q < len && buf[q] == '\n')
					CHECK(ns < x.n_semi && x.semi[ns++] == i);
				if (i + 9 <= len && bw_strncasecmp(buf + i, "boundary=", 9) == 0)
					CHECK(nb < x.n_bnd && x.bnd[nb++] == i);
			}
			CHECK(ns == x.n_semi && nb == x.n_bnd);
		}
		CHECK(bw_prepare__input_indexed(&p, buf, len, 65536, 2000, &x, 0) == 0);
		CHECK(p.indexed == !x.has_cr);
		listed = bw_mimecut__find_indexed(buf, len, p.dash, p.n_dash, p.indexed, p.bnd, p.n_bnd,
		                                  p.base, &w);
		CHECK(listed == scanned);
		CHECK(memcmp(&w, out, sizeof(w)) == 0);
		bw_prepare__clear(&p);
		bw_scanidx__free(&x);
	}
	return scanned;
}

int main(void)
{
	bw_mimecut c;
	size_t len;

	/* The plain case: cut just after the original's blank line, close both
	 * multiparts. */
	len = build(true, NULL, orig_body, NULL);
	CHECK(find(msg, len, &c));
	CHECK(c.cut == (size_t)(strstr(msg, "boundary=\"INNER.2\"\n\n") - msg) +
	               strlen("boundary=\"INNER.2\"\n\n"));
	CHECK_STR(c.boundary, "OUTER.1");
	CHECK_STR(c.inner_boundary, "INNER.2");
	CHECK(c.n_parts == 3);
	CHECK(c.orig < c.cut && msg[c.orig - 1] == '\n' && msg[c.orig - 2] == '\n');

	/* CRLF line ends: same cut. */
	{
		static char crlf[16384];
		size_t i, w = 0;

		for (i = 0; i < len; i++) {
			if (msg[i] == '\n')
				crlf[w++] = '\r';
			crlf[w++] = msg[i];
		}
		CHECK(bw_mimecut__find(crlf, w, &c));
		CHECK(memcmp(crlf + c.cut - 5, "\"\r\n\r\n", 5) == 0);
		CHECK(strncmp(crlf + c.cut, "--INNER.2", 9) == 0);
	}

	/* The bounce itself never closed: GMime warns at its end, past the cut. */
	len = (size_t)(strstr(msg, "\n--OUTER.1--") + 1 - msg);
	CHECK(!find(msg, len, &c));

	/* A part after the original: the cut would lose it. */
	len = build(true, NULL, orig_body, "--OUTER.1\nContent-Type: text/plain\n\nmore\n");
	CHECK(!find(msg, len, &c));

	/* An encoded original: GMime keeps it a leaf and we decode it. */
	len = build(true, "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64", orig_body, NULL);
	CHECK(!find(msg, len, &c));
	len = build(true, "Content-Type: message/rfc822\nContent-Transfer-Encoding: 7bit", orig_body, NULL);
	CHECK(find(msg, len, &c));

	/* Headers only: nothing to save. */
	len = build(true, "Content-Type: text/rfc822-headers", orig_body, NULL);
	CHECK(!find(msg, len, &c));

	/* A truncated original (an inner multipart never closed): GMime warns
	 * about it on a whole parse, so parse it whole. */
	len = build(true, NULL, "--INNER.2\nContent-Type: text/plain\n\ncut short\n", NULL);
	CHECK(!find(msg, len, &c));

	/* No report at the top: a report inside the original is the one read
	 * (bounce of a bounce), so keep it... */
	len = build(false, NULL,
	            "--INNER.2\nContent-Type: message/delivery-status\n\nAction: failed\n--INNER.2--\n",
	            NULL);
	CHECK(!find(msg, len, &c));
	/* ...but an original without one may be cut. */
	len = build(false, NULL, orig_body, NULL);
	CHECK(find(msg, len, &c));

	/* The original's headers, read when they are plain. */
	{
		bw_mimecut_header h[8];
		int n;

		len = build(true, NULL, orig_body, NULL);
		CHECK(find(msg, len, &c));
		CHECK(strncmp(msg + c.orig, "From: someone@example.org\n", 26) == 0);
		n = bw_mimecut__plain_original(msg, &c, h, 8);
		CHECK(n == 4);
		CHECK(n == 4 && h[2].name_len == 7 && strncmp(h[2].name, "Subject", 7) == 0);
		CHECK(n == 4 && h[2].value_len == 6 && strncmp(h[2].value, " hello", 6) == 0);
		/* folding kept in the raw value */
		n = bw_mimecut__headers("A: x\n\ty\nB:z\n\nbody", 19, h, 8);
		CHECK(n == 2 && h[0].value_len == 5 && strncmp(h[0].value, " x\n\ty", 5) == 0);
		/* not plain: 8-bit, a line that is no header, a name with a space,
		 * no blank line, too many headers */
		CHECK(bw_mimecut__headers("A: \xc3\xa9\n\n", 8, h, 8) == -1);
		/* the same deep in long lines (read eight bytes at a time) */
		CHECK(bw_mimecut__headers("Subject: a long enough value \xc3\xa9 here\n\n", 42, h, 8) == -1);
		CHECK(bw_mimecut__headers("Subject: a long enough value \x01 here\n\n", 40, h, 8) == -1);
		CHECK(bw_mimecut__headers("Subject: a long\tenough value ~ here\n\n", 39, h, 8) == 1);
		CHECK(bw_mimecut__headers("X-Long-Name_1.2: v\n\n", 21, h, 8) == 1);
		CHECK(bw_mimecut__headers("X(Bad): v\n\n", 12, h, 8) == -1);
		CHECK(bw_mimecut__headers("A: x\nnot a header\n\n", 20, h, 8) == -1);
		CHECK(bw_mimecut__headers("A b: x\n\n", 8, h, 8) == -1);
		CHECK(bw_mimecut__headers("A: x\n", 5, h, 8) == -1);
		CHECK(bw_mimecut__headers("A: x\nB: y\n\n", 12, h, 1) == -1);
		/* a repeated header (GMime warns when they differ), an odd
		 * Content-Type, a forwarded report: GMime reads those */
		len = build(true, NULL, orig_body, NULL);
		memcpy(strstr(msg, "To: nobody"), "Subject: x", 10);
		CHECK(find(msg, len, &c));
		CHECK(bw_mimecut__plain_original(msg, &c, h, 8) == -1);
		len = build(true, NULL, orig_body, NULL);
		memcpy(strstr(msg, "multipart/mixed; boundary=\"INNER"), "multipart/report;boundary=\"INNER", 32);
		CHECK(find(msg, len, &c));
		CHECK(bw_mimecut__plain_original(msg, &c, h, 8) == -1);
	}

	/* Not a multipart, or no boundary. */
	CHECK(!bw_mimecut__find("From: a\nSubject: b\n\nbody\n", 24, &c));
	CHECK(!bw_mimecut__find("Content-Type: multipart/mixed\n\n--x\n\n", 36, &c));
	return check_done();
}
