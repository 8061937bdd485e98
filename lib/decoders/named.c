/*
 * named.c - delivery reports of servers recognised only by the product's
 * name: Kerio Connect, Mercury, IceWarp/Merak, SurgeMail, LISTSERV/LSMTP.
 *
 * Their report wording is not documented well enough for a decoder of its
 * own, so each is recognised by its name in the headers it writes
 * (X-Mailer, Message-ID, From, X-Server; not Received, which the sender's
 * own server adds to any bounce it passes on) or, for most, in the report's
 * text.  When the report carries a delivery-status part the DSN decoder
 * reads it; otherwise the recipients are the addresses listed after the
 * report's intro line ("the following recipients", "could not be delivered
 * to", ...), each with the lines below it as its diagnostic.  Warnings that
 * the server keeps retrying mark the recipients delayed.
 */
#include <string.h>

#include "../util.h"
#include "common.h"

typedef struct product {
	const char *const *names;   /* NULL-terminated */
	bool in_text;               /* the name in the report's text counts too */
} product;

static const char *const headers[] = { "X-Mailer", "Message-ID", "From", "X-Server" };

/* One of p's names in a header of `headers` or, when p->in_text, in the
 * report's text (then the names are the decoder's body markers: `f`)?
 * Each header is looked at once, for all the names. */
static bool named(const bw_msg *m, const bw_found *f, const product *p)
{
	const char *const *name;
	size_t i, j;

	for (i = 0; i < m->headers.n; i++) {
		for (j = 0; j < sizeof(headers) / sizeof(headers[0]); j++)
			if (m->headers.key[i] == bw_kvlist__key(headers[j]) &&
			    bw_strcasecmp(m->headers.name[i], headers[j]) == 0)
				break;
		if (j == sizeof(headers) / sizeof(headers[0]))
			continue;
		for (name = p->names; *name; name++)
			if (bw_strcasestr(m->headers.value[i], *name))
				return true;
	}
	for (i = 0; p->in_text && p->names[i]; i++)
		if (bw_found__before(f, i, bw_text__report_length(m)))
			return true;
	return false;
}

static int sniff_product(const bw_msg *m, const bw_found *f, const product *p)
{
	if (m->dsn.n || !named(m, f, p) || !bw_decoders__looks_like_report(m))
		return 0;
	return BW_SNIFF_PARTIAL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	return bw_decoders__listed_after_intro(m, r, bw_sniff__delay_notice(m) ? "delayed" : "failed");
}

/* One decoder per product, so the record names the product. */
#define NAMED_DECODER(id, in_text_, ...)                                              \
	static const char *const id##_names[] = { __VA_ARGS__, NULL };                \
	static const product id##_product = { id##_names, in_text_ };                 \
	static int sniff_##id(const bw_msg *m, const bw_found *f) { return sniff_product(m, f, &id##_product); } \
	const bw_decoder bw_decoder_##id = { #id, sniff_##id, decode, false,                 \
		in_text_ ? id##_names : NULL,                                         \
		in_text_ ? sizeof(id##_names) / sizeof(id##_names[0]) - 1 : 0 };

NAMED_DECODER(kerio, true, "Kerio Connect", "Kerio MailServer")
NAMED_DECODER(mercury, true, "Mercury/32", "Mercury Mail Transport", "Mercury for Win32", "Mercury for NetWare")
NAMED_DECODER(icewarp, true, "IceWarp", "Merak Mail Server", "Merak ")
NAMED_DECODER(surgemail, true, "SurgeMail", "NetWin")
/* The list server's name in the text proves nothing: bounces of list mail
 * quote it. */
NAMED_DECODER(listserv, false, "L-Soft", "LISTSERV", "LSMTP")
