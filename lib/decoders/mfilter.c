/*
 * mfilter.c - m-FILTER (a Japanese mail gateway), "X-Mailer: m-FILTER".
 *
 *   以下のメールアドレスへの送信に失敗しました。
 *   rcpt@example.com
 *
 *   -------server message
 *   550 unknown user <rcpt@example.com>
 *
 *   -------SMTP command
 *   DATA
 *
 *   -------original message
 *
 * The addresses come after the "failed to send to" line, the remote reply
 * under "-------server message", the command it answered under
 * "-------SMTP command".
 */
#include <stdlib.h>
#include <string.h>

#include "../smtp.h"
#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_SERVER_MESSAGE,
	M_SMTP_COMMAND,
};
static const char *const body_markers[] = {
	[M_SERVER_MESSAGE] = "-------server message",
	[M_SMTP_COMMAND] = "-------SMTP command",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_sniff__header_has(m, "X-Mailer", "m-FILTER"))
		return BW_SNIFF_SIGNED;
	if (bw_found__in(f, M_SERVER_MESSAGE) && bw_found__in(f, M_SMTP_COMMAND))
		return BW_SNIFF_LIKELY;
	return 0;
}

/* The text of the section after `marker` up to the next "-------" line. */
static void section(const bw_msg *m, const char *marker, const char **out, size_t *out_len)
{
	size_t start = bw_text__after_line(m->body, m->body_len, marker), e;
	const char *next;

	*out = NULL;
	*out_len = 0;
	if (start >= m->body_len)
		return;
	next = bw_memcasemem(m->body + start, m->body_len - start, "\n-------");
	e = next ? (size_t)(next - m->body) : m->body_len;
	*out = m->body + start;
	*out_len = e - start;
}

static int decode(const bw_msg *m, bw_report *r)
{
	size_t first = r->n_rcpt, start, k;
	const char *reply, *cmd, *list_end, *l, *stage;
	size_t reply_len, cmd_len, n;
	bw_lines it;

	section(m, "-------server message", &reply, &reply_len);
	section(m, "-------SMTP command", &cmd, &cmd_len);
	start = bw_text__after_line(m->body, m->body_len, "送信に失敗しました");
	if (start >= m->body_len)
		start = 0;
	list_end = bw_memcasemem(m->body + start, m->body_len - start, "-------");
	bw_lines__init(&it, m->body + start, list_end ? (size_t)(list_end - m->body) - start : m->body_len - start);
	while (bw_lines__next(&it, &l, &n)) {
		char *a = bw_text__first_address(l, n);
		if (a && !bw_decoders__find(r, first, a) && !bw_decoders__is_own_address(m, a)) {
			bw_recipient *rc = bw_decoders__add(r, a, reply, reply_len);
			if (rc)
				bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
		}
		free(a);
	}
	while (cmd_len && bw_isspace((unsigned char)*cmd))
		cmd++, cmd_len--;
	for (n = 0; n < cmd_len && bw_isalpha((unsigned char)cmd[n]); n++)
		;
	if ((stage = bw_smtp__stage_of_command(cmd, n)))
		for (k = first; k < r->n_rcpt; k++)
			bw_recipient__set(r->rcpt[k], BW_RCPT_SMTP_COMMAND, stage);
	return (int)(r->n_rcpt - first);
}

const bw_decoder bw_decoder_mfilter = { "mfilter", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
