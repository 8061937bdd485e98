/*
 * apachejames.c - bounces of the Apache James mail server.
 *
 * James writes a short report: "Error message below:" followed by the
 * remote server's reply, then "Message details:" with the envelope of the
 * refused message as "MAIL FROM:" / "RCPT TO:" lines.  The failed recipients
 * are the RCPT TO addresses (comma separated when there are several).
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_MESSAGE_DETAILS,
	M_RCPT_TO,
	M_ERROR_MESSAGE_BELOW,
};
static const char *const body_markers[] = {
	[M_MESSAGE_DETAILS] = "Message details:",
	[M_RCPT_TO] = "RCPT TO:",
	[M_ERROR_MESSAGE_BELOW] = "Error message below:",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (!bw_found__in(f, M_MESSAGE_DETAILS) || !bw_found__in(f, M_RCPT_TO))
		return 0;
	if (bw_found__in(f, M_ERROR_MESSAGE_BELOW))
		return BW_SNIFF_MARKERS;
	return bw_sniff__header_has(m, "Message-ID", "JavaMail") ? BW_SNIFF_WORDING : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	const char *report_end = m->body + bw_text__report_length(m);
	const char *err = bw_memcasemem(m->body, (size_t)(report_end - m->body), "Error message below:");
	const char *details = bw_memcasemem(m->body, (size_t)(report_end - m->body), "Message details:");
	const char *diag = NULL, *line;
	size_t diag_len = 0, len;
	bw_lines it;
	int n = 0;

	if (!details)
		return 0;
	if (err && err < details) {
		diag = err + strlen("Error message below:");
		diag_len = (size_t)(details - diag);
	} else {
		/* The first paragraph ("Error: Invalid user address") then. */
		const char *end = strstr(m->body, "\n\n");
		diag = m->body;
		diag_len = end && end < details ? (size_t)(end - m->body) : (size_t)(details - m->body);
	}
	bw_lines__init(&it, details, (size_t)(report_end - details));
	while (bw_lines__next(&it, &line, &len)) {
		const char *p = line, *end = line + len;
		while (p < end && bw_isspace((unsigned char)*p))
			p++;
		if ((size_t)(end - p) < BW_LITERAL_LEN("RCPT TO:") || !BW_SKIP_PREFIX_CI(p, "RCPT TO:"))
			continue;
		while (p < end) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			const char *stop = comma ? comma : end;
			char *a = bw_text__first_address(p, (size_t)(stop - p));
			if (a && !bw_decoders__find(r, 0, a)) {
				/* "RCPT TO:" names the envelope, not the command the
				 * error answered: no SMTP command is recorded */
				if (bw_decoders__add(r, a, diag, diag_len))
					n++;
			}
			free(a);
			p = comma ? comma + 1 : end;
		}
	}
	return n;
}

const bw_decoder bw_decoder_apachejames = { "apachejames", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
