/*
 * domino.c - IBM/HCL Domino, Subject "DELIVERY FAILURE: ..." or
 * "Delivery Failure Report" / "DELIVERY_FAILURE":
 *
 *     Your message
 *
 *       Subject: ...
 *
 *     was not delivered to:
 *
 *       user@example.com
 *
 *     because:
 *
 *       User some.name (user@example.com) not listed in Domino Directory
 *
 * A report may repeat the "was not delivered to: / because:" pair for
 * several recipients.  Domino writes the report in the server's language;
 * the pair of lead-in lines is read in each of them (German "wurde nicht
 * zugestellt an: / weil:", ...).
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* Per language of the report: the line that opens a report ("Your
 * message"), the lead-in before the recipients and the one before the
 * reason. */
enum lead { OPENING, TO, BECAUSE };
static const char *const leads[][3] = {
	{ "Your message", "was not delivered to:", "because:" },
	{ "Ihre Nachricht", "wurde nicht zugestellt an:", "weil:" },
	{ "Votre message", "n'a pas été remis à :", "pour la raison suivante :" },
	{ "Votre message", "n'a pas été remis à:", "pour la raison suivante:" },
	{ "Votre message", "n'a pas été distribué à :", "car :" },
	{ "Su mensaje", "no se ha entregado a:", "porque:" },
	{ "Su mensaje", "no se entregó a:", "debido a:" },
	{ "Il messaggio", "non è stato recapitato a:", "perché:" },
	{ "Il messaggio", "non è stato consegnato a:", "perché:" },
	{ "Sua mensagem", "não foi entregue a:", "porque:" },
	{ "Uw bericht", "is niet afgeleverd bij:", "omdat:" },
	{ "Uw bericht", "is niet bezorgd bij:", "omdat:" },
};

static bool has_pair(const bw_msg *m)
{
	size_t i;

	for (i = 0; i < sizeof(leads) / sizeof(leads[0]); i++)
		if (bw_sniff__body_has(m, leads[i][TO]) && bw_sniff__body_has(m, leads[i][BECAUSE]))
			return true;
	return false;
}

/* The words that join a second "was not delivered to:" to the first ("and
 * was not delivered to:"), in the languages above. */
static const char *const joins[] = { "and ", "und ", "et ", "y ", "e ", "en " };

/* The length of the `which` lead of any language that starts the trimmed
 * line t (after a joining word, for the recipients' lead), or 0. */
static size_t lead_line(const char *t, size_t tl, enum lead which)
{
	size_t i, skip = 0;

	if (which == TO)
		for (i = 0; i < sizeof(joins) / sizeof(joins[0]) && !skip; i++)
			if (bw_text__starts(t, tl, joins[i]))
				skip = strlen(joins[i]);
	for (i = 0; i < sizeof(leads) / sizeof(leads[0]); i++)
		if (bw_text__starts(t + skip, tl - skip, leads[i][which]))
			return skip + strlen(leads[i][which]);
	return 0;
}

/* The phrases the sniff looks for in the body (markers.h). */
enum {
	M_DOMINO,
};
static const char *const body_markers[] = {
	[M_DOMINO] = "Domino",
};

static int sniff(const bw_msg *m, const bw_found *f)
{
	bool body = has_pair(m);

	if (!body)
		return 0;
	if (bw_sniff__subject_starts(m, "DELIVERY FAILURE") || bw_sniff__subject_starts(m, "DELIVERY_FAILURE") ||
	    bw_sniff__subject_starts(m, "Delivery Failure Report") || bw_found__in(f, M_DOMINO))
		return BW_SNIFF_SIGNED;
	return BW_SNIFF_WORDING;
}

/* "Ann Lee/Sales/Acme@ACME (ann.lee@acme.example)": a Notes name with the
 * Internet address in parentheses at the end of the line. */
static char *address_in_parentheses(const char *t, size_t tl)
{
	size_t open = tl;

	if (!tl || t[tl - 1] != ')')
		return NULL;
	while (open && t[open - 1] != '(')
		open--;
	if (!open)
		return NULL;
	return bw_text__address_line(t + open, tl - open - 1);
}

/* The recipient of the batch r->rcpt[batch..] whose address begins the
 * reason line t ("a@b: the user is not listed"), when the batch has more
 * than one; NULL otherwise. */
static bw_recipient *own_reason_line(bw_report *r, size_t batch, const char *t, size_t tl)
{
	const char *colon = memchr(t, ':', tl);
	bw_recipient *rc = NULL;
	char *a;

	if (r->n_rcpt - batch < 2 || !colon || !memchr(t, '@', (size_t)(colon - t)) ||
	    !(a = bw_text__address_line(t, (size_t)(colon - t))))
		return NULL;
	rc = bw_decoders__find(r, batch, a);
	free(a);
	return rc;
}

static int read_notice(const bw_msg *m, bw_report *r)
{
	size_t n = bw_text__report_length(m), first = r->n_rcpt, batch = first, len;
	const char *line;
	enum { NONE, ADDRS, REASON } state = NONE;
	bool reason_read = false;
	bw_lines it;

	bw_lines__init(&it, m->body, n);
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl, i, to, because;
		const char *t = bw_text__trim(line, len, &tl);
		char *addr;

		if (!tl) {
			/* the reason is one paragraph: what follows it is advice */
			if (state == REASON && reason_read)
				state = NONE;
			continue;
		}
		to = lead_line(t, tl, TO);
		because = to ? 0 : lead_line(t, tl, BECAUSE);
		if (to || because) {
			state = to ? ADDRS : REASON;
			if (to)
				batch = r->n_rcpt;
			reason_read = false;
			/* the first address or the reason may follow on the lead's
			 * own line ("because:   Unable to deliver ...") */
			t = bw_text__trim(t + to + because, tl - to - because, &tl);
			if (!tl)
				continue;
		}
		if (state == ADDRS && ((addr = bw_text__address_line(t, tl)) ||
		                       (addr = address_in_parentheses(t, tl)))) {
			bw_recipient *rc = bw_decoders__add(r, addr, NULL, 0);
			free(addr);
			if (!rc)
				return BW_ENOMEM;
		} else if (state == REASON) {
			bw_recipient *own;

			if (lead_line(t, tl, OPENING)) {
				state = NONE;
			} else if ((own = own_reason_line(r, batch, t, tl))) {
				/* "a@b: reason" under several recipients: a's alone */
				bw_decoders__append_diag(own, t, tl);
				reason_read = true;
			} else {
				for (i = batch; i < r->n_rcpt; i++)
					bw_decoders__append_diag(r->rcpt[i], t, tl);
				reason_read = true;
			}
		}
	}
	return (int)(r->n_rcpt - first);
}

/* The notice as read, or a copy with the addresses its fixed-column wrap
 * cut joined again. */
static int decode(const bw_msg *m, bw_report *r)
{
	return bw_decoders__read_unfolded(m, r, read_notice);
}

const bw_decoder bw_decoder_domino = { "domino", sniff, decode, false, body_markers, sizeof(body_markers) / sizeof(body_markers[0]) };
