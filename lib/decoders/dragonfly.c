/*
 * dragonfly.c - the DragonFly Mail Agent (dma).
 *
 *   This is the DragonFly Mail Agent v0.13 at host.example.net.
 *
 *   There was an error delivering your mail to <rcpt@example.com>.
 *
 *   mx.example.com [192.0.2.1] did not like our RCPT TO:
 *   550 5.1.1 User unknown
 *
 *   Message headers follow.
 *
 * One recipient per report; the lines between the address and "Message
 * headers follow." are the explanation.  "did not like our X" names the
 * command the remote server refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_THIS_IS_THE_DRAGONFLY,
	M_THERE_WAS_AN_ERROR,
};
static const char *const body_markers[] = {
	[M_THIS_IS_THE_DRAGONFLY] = "This is the DragonFly Mail Agent",
	[M_THERE_WAS_AN_ERROR] = "There was an error delivering your mail to",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	if (bw_found__in(f, M_THIS_IS_THE_DRAGONFLY))
		return BW_SNIFF_DISTINCT;
	if (bw_found__in(f, M_THERE_WAS_AN_ERROR))
		return BW_SNIFF_WORDING;
	return 0;
}

static const struct { const char *phrase, *command; } commands[] = {
	{ "did not like our RCPT", "RCPT" }, { "did not like our MAIL", "MAIL" },
	{ "did not like our final DATA", "DATA" }, { "did not like our DATA", "DATA" },
	{ "did not like our EHLO", "HELO" }, { "did not like our HELO", "HELO" },
	{ "did not like our AUTH", "AUTH" }, { "did not like our STARTTLS", "STARTTLS" },
	{ "did not like our greeting", "CONN" },
};

static int decode(const bw_msg *m, bw_report *r)
{
	size_t len = bw_text__report_length(m), start, i;
	const char *lead = bw_memcasemem(m->body, len, "There was an error delivering your mail to");
	const char *end, *text, *dnl;
	char *addr;
	bw_recipient *rc;

	if (!lead)
		return 0;
	dnl = memchr(lead, '\n', len - (size_t)(lead - m->body));
	start = dnl ? (size_t)(dnl - m->body) + 1 : len;
	if (!(addr = bw_text__first_address(lead, (size_t)(m->body + start - lead))))
		return 0;
	text = m->body + start;
	end = bw_memcasemem(text, len - start, "Message headers follow");
	if (!end)
		end = m->body + len;
	rc = bw_decoders__add(r, addr, text, (size_t)(end - text));
	free(addr);
	if (!rc)
		return 0;
	bw_recipient__set(rc, BW_RCPT_ACTION, "failed");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *at = bw_memcasemem(text, (size_t)(end - text), commands[i].phrase);
		const char *h, *ip, *ipe;
		if (!at)
			continue;
		bw_recipient__set(rc, BW_RCPT_SMTP_COMMAND, commands[i].command);
		/* "HOST [IP] did not like ..." at the start of that line */
		for (h = at; h > text && h[-1] != '\n'; h--)
			;
		ip = memchr(h, '[', (size_t)(at - h));
		ipe = ip ? memchr(ip, ']', (size_t)(at - ip)) : NULL;
		if (ip && ipe && ip > h) {
			const char *he = ip;
			while (he > h && he[-1] == ' ')
				he--;
			bw_recipient__set_len(rc, BW_RCPT_REMOTE_MTA, h, (size_t)(he - h));
			bw_recipient__set_len(rc, BW_RCPT_REMOTE_IP, ip + 1, (size_t)(ipe - ip - 1));
		}
		break;
	}
	return 1;
}

const bw_decoder bw_decoder_dragonfly = { "dragonfly", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
