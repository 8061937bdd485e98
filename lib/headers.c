/*
 * headers.c - RFC 5322 header blocks found as text (text/rfc822-headers
 * parts, returned messages quoted in a bounce's body).
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "rfc2047.h"
#include "util.h"

#define MAX_HEADERS 500

static void flush(bw_kvlist *out, const char *name, bw_buf *value)
{
	char *v, *decoded;

	if (out->n >= MAX_HEADERS)
		return;
	v = value->p ? bw_squeeze(value->p) : (char *)"";
	decoded = strstr(v, "=?") ? bw_rfc2047__decode(v) : NULL;
	bw_kvlist__push(out, name, decoded ? decoded : v);
	free(decoded);
}

static bool is_field_name_char(int c)
{
	return c > 32 && c != 127 && c != ':'; /* 8-bit names are tolerated */
}

size_t bw_headers__parse(const char *text, size_t len, bw_kvlist *out)
{
	size_t i = 0;
	bw_buf value = BW_BUF_INIT;
	char name[128];
	bool have = false;

	name[0] = '\0';
	while (i < len) {
		const char *line = text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;
		size_t next = i + ll + (nl ? 1 : 0);
		size_t k;

		if (ll == 0 || (ll == 1 && line[0] == '\r')) {
			i = next;
			break;
		}
		if ((line[0] == ' ' || line[0] == '\t') && have) {
			bw_buf__putc(&value, ' ');
			bw_buf__put(&value, line, ll);
			i = next;
			continue;
		}
		for (k = 0; k < ll && is_field_name_char((unsigned char)line[k]); k++)
			;
		if (k == 0 || k >= ll || line[k] != ':' || k >= sizeof(name)) {
			/* Not a header line: the block ends here. */
			if (!have && out->n == 0 && i == 0 && bw_startswith_ci(line, "From ")) {
				i = next; /* an mbox separator line before the headers */
				continue;
			}
			break;
		}
		if (have)
			flush(out, name, &value);
		memcpy(name, line, k);
		name[k] = '\0';
		value.len = 0;
		if (value.p)
			value.p[0] = '\0';
		bw_buf__put(&value, line + k + 1, ll - k - 1);
		have = true;
		i = next;
	}
	if (have)
		flush(out, name, &value);
	bw_buf__free(&value);
	return i;
}
