/*
 * icewarp.c - IceWarp Mail Server (formerly Merak Mail Server) delivery reports.
 *
 * Recognised by the product's name in the headers it writes (X-Mailer,
 * Message-ID, From; not Received, which the sender's own server adds to
 * any bounce it passes on) or in the report's text.  When the report
 * carries a delivery-status part the DSN decoder reads it; otherwise the
 * recipients are the addresses listed after the report's intro line
 * ("the following recipients", "could not be delivered to", ...), each with
 * the lines below it as its diagnostic.  Warnings that the server keeps
 * retrying mark the recipients delayed.
 */
#include <string.h>

#include "../util.h"
#include "common.h"

static const char *const names[] = { "IceWarp", "Merak Mail Server", "Merak " };
static const char *const headers[] = { "X-Mailer", "Message-ID", "From", "X-Server" };

static bool named(const bw_msg *m)
{
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (j = 0; j < sizeof(headers) / sizeof(headers[0]); j++)
			if (bw_sniff__header_has(m, headers[j], names[i]))
				return true;
		if (bw_memcasemem(m->body, bw_text__report_length(m), names[i]))
			return true;
	}
	return false;
}

static int sniff(const bw_msg *m)
{
	if (m->dsn.n || !named(m) || !bw_decoders__looks_like_report(m))
		return 0;
	return 55;
}

static int decode(const bw_msg *m, bw_report *r)
{
	return bw_decoders__listed_after_intro(m, r, bw_sniff__delay_notice(m) ? "delayed" : "failed");
}

const bw_decoder bw_decoder_icewarp = { "icewarp", sniff, decode };
