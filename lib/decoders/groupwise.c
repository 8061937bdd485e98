/*
 * groupwise.c - Novell / Micro Focus GroupWise (the GWIA and the post office
 * agent) status messages:
 *
 *     Subject: Message status - undeliverable
 *
 *     The message that you sent was undeliverable to the following:
 *             user@example.com (user not found)
 *
 *     Possible causes:
 *     ...
 *
 * The addresses listed under the marker (one a line, with the explanation in
 * parentheses or on the lines below) are the failed recipients.  A "Message
 * status - delayed" notice lists recipients the agent still retries.
 */
#include <string.h>

#include "../util.h"
#include "common.h"

/* The introductions: the sniff's body markers (markers.h). */
static const char *const intro[] = {
	"The message that you sent was undeliverable to the following:",
	"The message that you sent has been delayed to the following:",
	"The attached file had the following undeliverable recipient(s):",
};

static const char *const stops[] = {
	"Possible causes:", "Possible issues:", "Possible solutions:", "Original message",
	"Transfer Status:", "Options:", "-----",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	size_t len = bw_text__report_length(m);

	if (bw_found__first(f, 0, sizeof(intro) / sizeof(intro[0]), len, NULL))
		return BW_SNIFF_DISTINCT;
	if (bw_sniff__subject_starts(m, "Message status - undeliverable") ||
	    bw_sniff__subject_starts(m, "Message status - delayed"))
		return BW_SNIFF_WORDING;
	return 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), which = 0, start;
	const char *at = bw_text__find_any(m->body, len, intro, sizeof(intro) / sizeof(intro[0]), &which);
	const char *stop;
	bool delayed = which == 1 || bw_sniff__subject_starts(m, "Message status - delayed");

	if (!at)
		return 0;
	start = bw_text__after_line(m->body, len, intro[which]);
	stop = bw_text__find_any(m->body + start, len - start, stops, sizeof(stops) / sizeof(stops[0]), NULL);
	return bw_decoders__listed(m, r, m->body + start, stop ? (size_t)(stop - m->body) - start : len - start,
	                           delayed ? "delayed" : "failed");
}

const bw_decoder bw_decoder_groupwise = { "groupwise", sniff, decode, false, intro, sizeof(intro) / sizeof(intro[0]) };
