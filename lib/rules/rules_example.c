/*
 * rules_example.c - pulls the reply code, enhanced status code, remote host
 * and SMTP command out of a rule example, so that the self-test can
 * classify it as a bare reply.  Deliberately small: the real evidence
 * extraction of the library lives elsewhere; this only has to read the
 * one-line examples of rule files.
 */
#include <string.h>

#include "rules_example.h"
#include "../util.h"

static int boundary_before(const char *text, const char *p)
{
	return p == text || (!bw_isalnum((unsigned char)p[-1]) && p[-1] != '.');
}

/* After a code: not a digit, not a letter, not ".digit". */
static int boundary_after(const char *p)
{
	if (bw_isalnum((unsigned char)*p))
		return 0;
	return !(*p == '.' && bw_isdigit((unsigned char)p[1]));
}

static void find_reply(const char *text, char out[4])
{
	const char *p;

	out[0] = '\0';
	for (p = text; *p; p++) {
		if ((*p == '2' || *p == '4' || *p == '5') && bw_isdigit((unsigned char)p[1]) &&
		    bw_isdigit((unsigned char)p[2]) && boundary_before(text, p) && boundary_after(p + 3)) {
			memcpy(out, p, 3);
			out[3] = '\0';
			return;
		}
	}
}

static size_t digit_run(const char *p, size_t max)
{
	size_t n = 0;

	while (n < max && bw_isdigit((unsigned char)p[n]))
		n++;
	return bw_isdigit((unsigned char)p[n]) ? 0 : n;
}

static void find_status(const char *text, char *out, size_t size)
{
	const char *p;

	out[0] = '\0';
	for (p = text; *p; p++) {
		size_t a, b;

		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.' || !boundary_before(text, p))
			continue;
		a = digit_run(p + 2, 3);
		if (!a || p[2 + a] != '.')
			continue;
		b = digit_run(p + 3 + a, 3);
		if (!b || !boundary_after(p + 3 + a + b))
			continue;
		if (3 + a + b < size) {
			memcpy(out, p, 3 + a + b);
			out[3 + a + b] = '\0';
		}
		return;
	}
}

/* "host NAME[IP]" as Postfix writes it. */
static void find_host(const char *text, char *out, size_t size)
{
	const char *p = text;

	out[0] = '\0';
	while ((p = bw_strcasestr(p, "host "))) {
		const char *n = p + 5, *e = n;

		p += 5;
		while (bw_isalnum((unsigned char)*e) || *e == '.' || *e == '-')
			e++;
		if (e > n && *e == '[' && (size_t)(e - n) < size) {
			memcpy(out, n, (size_t)(e - n));
			out[e - n] = '\0';
			return;
		}
	}
}

/* "(in reply to MAIL FROM command)", "in reply to end of DATA command". */
static void find_command(const char *text, char *out, size_t size)
{
	const char *p = bw_strcasestr(text, "in reply to ");
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return;
	p += 12;
	if (bw_startswith_ci(p, "end of "))
		p += 7;
	while (bw_isalpha((unsigned char)p[n]) && n + 1 < size) {
		out[n] = (char)(p[n] >= 'a' && p[n] <= 'z' ? p[n] - 32 : p[n]);
		n++;
	}
	out[n] = '\0';
	if (strcmp(out, "EHLO") == 0)
		strcpy(out, "HELO");
}

void bw_rules__read_example(bw_example_facts *out, const char *text)
{
	find_reply(text, out->reply);
	find_status(text, out->status, sizeof(out->status));
	find_host(text, out->host, sizeof(out->host));
	find_command(text, out->command, sizeof(out->command));
}
