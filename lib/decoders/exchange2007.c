/*
 * exchange2007.c - Microsoft Exchange 2007 and newer non-delivery reports,
 * on-premises ("exchange2007") and Exchange Online / Microsoft 365
 * ("office365"): the same generator, told apart only by where it runs.
 *
 * The user-facing part is localised; the part that matters is the block
 * for administrators, whose shape does not change with the language:
 *
 *     Diagnostic information for administrators:     (localised)
 *     Generating server: host                        (localised)
 *
 *     user@example.com
 *     remote.example.net                             (optional: who said it)
 *     Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'
 *
 * or, in older versions, "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##",
 * or, after retries, lines "DATE - Remote Server at host (ip) returned '...'"
 * (latest first).  Most of these reports carry a delivery-status part too;
 * its Diagnostic-Code is often cut short, so the decoder starts from the DSN
 * and takes the longer text from the prose.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "common.h"

static const char *const admin_markers[] = {
	"Diagnostic information for administrators",
	"Informations de diagnostic pour les administrateurs",
	"Diagnoseinformationen f", /* für Administratoren */
	"Informazioni di diagnostica per gli amministratori",
	"Informaci\xc3\xb3n de diagn\xc3\xb3stico para administradores",
	"Informa\xc3\xa7\xc3\xb5""es de diagn\xc3\xb3stico para administradores",
	"Diagnostische informatie voor beheerders",
	"Generating server:",
	"Serveur de g\xc3\xa9n\xc3\xa9ration",
	"Server di generazione",
	"Generierender Server",
	"Servidor de generaci\xc3\xb3n",
	"Servidor de gera\xc3\xa7\xc3\xa3o",
};
#define N_ADMIN (sizeof(admin_markers) / sizeof(admin_markers[0]))

static const char *const intro_markers[] = {
	"Delivery has failed to these recipients or",
	"rejected your message to the following e",
	"Your message to",
	"couldn't be delivered",
	"wasn't delivered to",
	"\xc3\x89""chec de la remise",
	"Il recapito non \xc3\xa8 riuscito",
	"Die Zustellung an folgende Empf",
	"Error en la entrega a estos destinatarios",
	"Falha na entrega para estes destinat",
	"De bezorging is mislukt",
};
#define N_INTRO (sizeof(intro_markers) / sizeof(intro_markers[0]))

static bool has_admin_block(const bw_msg *m)
{
	return bw_text__find_any(m->body, m->body_len, admin_markers, N_ADMIN, NULL) != NULL;
}

static bool from_exchange_online(const bw_msg *m)
{
	size_t i;

	if (bw_sniff__header_has(m, "From", ".onmicrosoft.com") ||
	    bw_sniff__header_has(m, "Message-ID", ".outlook.com") ||
	    bw_sniff__header_has(m, "Message-ID", ".outlook.office365.com"))
		return true;
	for (i = 0; i < m->headers.n; i++) {
		const char *name = m->headers.name[i], *v = m->headers.value[i];
		if ((bw_strcasecmp(name, "Received") == 0 || bw_strcasecmp(name, "X-MS-Exchange-CrossTenant-Id") == 0) &&
		    (bw_strcasestr(v, ".prod.outlook.com") || bw_strcasestr(v, "protection.outlook.com") ||
		     bw_strcasecmp(name, "X-MS-Exchange-CrossTenant-Id") == 0))
			return true;
	}
	return false;
}

static int sniff_common(const bw_msg *m)
{
	bool ndr = bw_msg__header(m, "X-MS-Exchange-Message-Is-Ndr") != NULL;
	bool admin = has_admin_block(m);
	bool intro = bw_text__find_any(m->body, bw_text__report_length(m), intro_markers, N_INTRO, NULL) != NULL;
	bool prose = bw_sniff__body_has(m, "Remote Server returned '") || bw_sniff__body_has(m, " returned '") ||
	             bw_sniff__body_has(m, "Microsoft Exchange");

	if (admin && (ndr || intro || prose))
		return 80;
	if (admin || (ndr && (intro || prose)))
		return 70;
	if (intro && prose)
		return 55;
	return 0;
}

static int sniff_onprem(const bw_msg *m)
{
	int s = sniff_common(m);

	return s && !from_exchange_online(m) ? s : 0;
}

static int sniff_online(const bw_msg *m)
{
	int s = sniff_common(m);

	return s && from_exchange_online(m) ? s + 2 : 0;
}

/* One recipient's entry in the administrators' block. */
typedef struct entry {
	char *addr;
	char *diag;    /* NULL if none found */
	char *host;    /* the server that answered, when named alone on a line */
} entry;

/* The text quoted in "... returned '...'", with "Remote Server at host (ip)"
 * kept in front so that evidence.c finds the remote host. */
static char *returned_text(const char *t, size_t tl)
{
	const char *ret = bw_memcasemem(t, tl, "returned '");
	const char *start = t, *dash;
	const char *end = t + tl;
	bw_buf b = BW_BUF_INIT;

	if (!ret)
		return NULL;
	/* drop a leading "DATE TIME - " */
	dash = bw_memcasemem(t, (size_t)(ret - t), " - ");
	if (dash && bw_isdigit((unsigned char)t[0]))
		start = dash + 3;
	if (end > ret + 10 && end[-1] == '\'')
		end--;
	{
		const char *host = bw_memcasemem(start, (size_t)(ret - start), " at ");
		if (host) {
			/* "Remote Server at host (ip) returned": keep as "host (ip) said:" */
			bw_buf__puts(&b, "host ");
			bw_buf__put(&b, host + 4, (size_t)(ret - host - 4));
			bw_buf__puts(&b, " said: ");
		}
	}
	bw_buf__put(&b, ret + 10, (size_t)(end - ret - 10));
	return bw_buf__detach(&b);
}

/* "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##rfc822;..." */
static char *hash_text(const char *t, size_t tl)
{
	const char *end;

	if (tl < 5 || t[0] != '#' || !bw_isdigit((unsigned char)t[1]))
		return NULL;
	end = bw_memcasemem(t + 1, tl - 1, "##");
	if (!end)
		end = t + tl;
	return bw_squeeze_dup(t + 1, (size_t)(end - t - 1));
}

static bool bare_host(const char *t, size_t tl)
{
	size_t i;
	bool dot = false;

	if (tl < 3 || memchr(t, '@', tl))
		return false;
	for (i = 0; i < tl; i++) {
		if (t[i] == '.')
			dot = true;
		else if (!bw_isalnum((unsigned char)t[i]) && t[i] != '-')
			return false;
	}
	return dot && t[tl - 1] != '.';
}

static bool headers_start(const char *t, size_t tl)
{
	return bw_text__starts(t, tl, "Received: ") || bw_text__starts(t, tl, "Return-Path:") ||
	       bw_text__starts(t, tl, "DKIM-Signature:") || bw_text__starts(t, tl, "Message-ID:");
}

/* Reads the administrators' block into entries.  Returns their count. */
static size_t read_admin_block(const bw_msg *m, entry *out, size_t cap)
{
	const char *at = bw_text__find_any(m->body, m->body_len, admin_markers, N_ADMIN, NULL);
	const char *line;
	size_t len, n = 0;
	bw_lines it;
	entry *cur = NULL;

	if (!at)
		return 0;
	bw_lines__init(&it, at, m->body_len - (size_t)(at - m->body));
	while (bw_lines__next(&it, &line, &len)) {
		size_t tl;
		const char *t = bw_text__trim(line, len, &tl);
		char *s;

		if (!tl)
			continue;
		if (headers_start(t, tl))
			break;
		if ((s = bw_text__address_line(t, tl))) {
			if (n == cap) {
				free(s);
				break;
			}
			cur = &out[n++];
			cur->addr = s;
			cur->diag = cur->host = NULL;
			continue;
		}
		if (!cur)
			continue;
		if (!cur->diag && ((s = returned_text(t, tl)) || (s = hash_text(t, tl)))) {
			cur->diag = s;
			continue;
		}
		if (!cur->diag && !cur->host && bare_host(t, tl))
			cur->host = bw_strndup(t, tl);
	}
	return n;
}

/* "host gave this error:" followed by the text (Exchange Online): used when
 * the administrators' block gives nothing for a recipient. */
static char *gave_this_error(const bw_msg *m)
{
	const char *at = bw_memcasemem(m->body, m->body_len, " gave this error:");
	const char *end;

	if (!at)
		return NULL;
	at += strlen(" gave this error:");
	end = bw_memcasemem(at, m->body_len - (size_t)(at - m->body), "\n\n");
	if (!end)
		end = m->body + m->body_len;
	return bw_squeeze_dup(at, (size_t)(end - at));
}

#define MAX_ENTRIES 256

static int decode(const bw_msg *m, bw_report *r)
{
	entry *e = calloc(MAX_ENTRIES, sizeof(*e));
	size_t first = r->n_rcpt, n, i;
	char *gave;
	int rc = 0;

	if (!e)
		return BW_ENOMEM;
	n = read_admin_block(m, e, MAX_ENTRIES);
	gave = gave_this_error(m);

	if (m->dsn.n && (rc = bw_dsn__decode(m, r)) < 0)
		goto out;
	if (r->n_rcpt > first) {
		/* patch the DSN's records from the prose */
		for (i = 0; i < n; i++) {
			bw_recipient *rcp = bw_decoders__find(r, first, e[i].addr);
			if (!rcp)
				continue;
			if (e[i].diag)
				bw_decoders__better_diag(rcp, e[i].diag, strlen(e[i].diag));
			if (e[i].host && !bw_recipient__get(rcp, BW_RCPT_REMOTE_MTA))
				bw_recipient__set(rcp, BW_RCPT_REMOTE_MTA, e[i].host);
		}
	} else {
		for (i = 0; i < n; i++) {
			bw_recipient *rcp;
			const char *d = e[i].diag ? e[i].diag : (n == 1 ? gave : NULL);
			if (bw_decoders__find(r, first, e[i].addr))
				continue;
			if (!(rcp = bw_decoders__add(r, e[i].addr, d, d ? strlen(d) : 0))) {
				rc = BW_ENOMEM;
				goto out;
			}
			if (e[i].host)
				bw_recipient__set(rcp, BW_RCPT_REMOTE_MTA, e[i].host);
		}
	}
	rc = (int)(r->n_rcpt - first);
out:
	for (i = 0; i < n; i++) {
		free(e[i].addr);
		free(e[i].diag);
		free(e[i].host);
	}
	free(e);
	free(gave);
	return rc;
}

const bw_decoder bw_decoder_exchange2007 = { "exchange2007", sniff_onprem, decode };
const bw_decoder bw_decoder_office365 = { "office365", sniff_online, decode };
