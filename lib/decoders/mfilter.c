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
 * under "-------server message" (one per recipient when the section names
 * each address on a line of its own above its reply), the command it
 * answered under "-------SMTP command".
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

/* Within a server-message section that gives each recipient its own reply
 * (the address alone on a line, its reply on the lines below it), the
 * part for addr: *out and *out_len, or unchanged when it has no such
 * part. */
static void own_part(const char *text, size_t len, const char *addr, const char **out, size_t *out_len)
{
	const char *l, *mine = NULL, *end = NULL;
	size_t n;
	bw_lines it;

	bw_lines__init(&it, text, len);
	while (bw_lines__next(&it, &l, &n)) {
		size_t tl;
		const char *t = bw_text__trim(l, n, &tl);
		char *a = tl ? bw_text__address_line(t, tl) : NULL;

		if (a && mine && !end)
			end = l;
		if (a && !mine && bw_strcasecmp(a, addr) == 0)
			mine = l + n;
		free(a);
	}
	if (!mine)
		return;
	if (!end)
		end = text + len;
	if (end > mine) {
		*out = mine;
		*out_len = (size_t)(end - mine);
	}
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
			const char *own = reply;
			size_t own_len = reply_len;
			bw_recipient *rc;

			if (reply)
				own_part(reply, reply_len, a, &own, &own_len);
			rc = bw_decoders__add(r, a, own, own_len);
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
