/*
 * pec.c - receipts of Italian certified mail (Posta Elettronica Certificata,
 * DPR 68/2005 and its technical rules), whatever the provider.  Every
 * receipt says what it is in a header of its own:
 *
 *     X-Ricevuta: errore-consegna          (the message was not delivered)
 *     X-Ricevuta: preavviso-errore-consegna (not delivered yet: a warning)
 *     X-Ricevuta: avvenuta-consegna         (delivered)
 *     X-Ricevuta: accettazione              (accepted for sending: no report)
 *
 * and its text names the recipient and the error in the same sentence
 * shape across providers:
 *
 *     Il giorno 15/03/2018 alle ore 10:20:12 (+0100) nel messaggio
 *     "Subject" proveniente da "sender@example.it"
 *     e destinato all'utente "recipient@example.it"
 *     e' avvenuto un errore di consegna.
 *     Errore: 5.1.1 - casella inesistente / user unknown
 *
 * (the same facts are in the attached daticert.xml, which is not text).
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

/* The receipt types that report on a recipient, and the action each means. */
static const struct {
	const char *type;
	const char *action;
} receipts[] = {
	{ "errore-consegna", "failed" },
	{ "preavviso-errore-consegna", "delayed" },
	{ "avvenuta-consegna", "delivered" },
};

static const char *receipt_action(const bw_msg *m)
{
	const char *v = bw_msg__header(m, "X-Ricevuta");
	size_t i, n;

	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	for (i = 0; i < sizeof(receipts) / sizeof(receipts[0]); i++) {
		n = strlen(receipts[i].type);
		if (bw_strncasecmp(v, receipts[i].type, n) == 0 && !bw_isalnum((unsigned char)v[n]) && v[n] != '-')
			return receipts[i].action;
	}
	return NULL;
}

static int sniff(const bw_msg *m, const bw_found *f)
{
	(void)f;
	return receipt_action(m) ? BW_SNIFF_CERTAIN : 0;
}

/* The text after "label" on its line, trimmed; NULL when absent or empty. */
static char *after_label(const char *body, size_t len, const char *label)
{
	const char *at = bw_memcasemem(body, len, label), *eol, *v;
	size_t vl;

	if (!at)
		return NULL;
	at += strlen(label);
	eol = memchr(at, '\n', len - (size_t)(at - body));
	v = bw_text__trim(at, eol ? (size_t)(eol - at) : len - (size_t)(at - body), &vl);
	return vl ? bw_strndup(v, vl) : NULL;
}

static int decode(const bw_msg *m, bw_report *r)
{
	static const char *const to_marks[] = { "destinato all'utente", "destinato all\xe2\x80\x99utente",
		"destinato all utente", "indirizzato a", "destinatario" };
	const char *action = receipt_action(m), *at = NULL;
	size_t len = bw_text__report_length(m), i, rest;
	char *addr = NULL, *diag;
	bw_recipient *rc;

	if (!action)
		return 0;
	for (i = 0; i < sizeof(to_marks) / sizeof(to_marks[0]) && !at; i++)
		at = bw_memcasemem(m->body, len, to_marks[i]);
	if (at) {
		rest = len - (size_t)(at - m->body);
		addr = bw_text__first_address(at, rest < 300 ? rest : 300);
	}
	if (!addr)
		return 0;
	diag = after_label(m->body, len, "Errore:");
	rc = bw_decoders__add(r, addr, diag, diag ? strlen(diag) : 0);
	free(addr);
	free(diag);
	if (!rc)
		return BW_ENOMEM;
	bw_recipient__set(rc, BW_RCPT_ACTION, action);
	return 1;
}

const bw_decoder bw_decoder_pec = { "pec", sniff, decode, false, NULL, 0 };
