/*
 * registry.c - the table of format decoders and the order they are tried in.
 *
 * Every decoder sniffs the message cheaply; the ones that claim it are tried
 * best claim first (ties: table order), and the first that finds recipients
 * wins.  The record says which one it was (BW_RCPT_FORMAT, BW_REPORT_FORMAT).
 *
 * Before the sniffs, the body is read once for the markers of all the
 * decoders (markers.h); each sniff reads where its own were found.  The
 * caller (parse.c) also indexes the body (textindex.h) for the searches
 * the decoders make while decoding.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "decoder.h"
#include "../dsn.h"
#include "../util.h"

extern const bw_decoder bw_decoder_rfc3464;
extern const bw_decoder bw_decoder_arf;
extern const bw_decoder bw_decoder_rfc3834;
extern const bw_decoder bw_decoder_apachejames;
extern const bw_decoder bw_decoder_dsnnotice;
extern const bw_decoder bw_decoder_exchange2003;
extern const bw_decoder bw_decoder_exchange2007;
extern const bw_decoder bw_decoder_office365;
extern const bw_decoder bw_decoder_outlook;
extern const bw_decoder bw_decoder_gmail;
extern const bw_decoder bw_decoder_googlegroups;
extern const bw_decoder bw_decoder_yahoo;
extern const bw_decoder bw_decoder_notes;
extern const bw_decoder bw_decoder_domino;
extern const bw_decoder bw_decoder_messagingserver;
extern const bw_decoder bw_decoder_mailru;
extern const bw_decoder bw_decoder_gmx;
extern const bw_decoder bw_decoder_einsundeins;
extern const bw_decoder bw_decoder_zoho;
extern const bw_decoder bw_decoder_verizon;
extern const bw_decoder bw_decoder_ezweb;
extern const bw_decoder bw_decoder_kddi;
extern const bw_decoder bw_decoder_interscanmss;
extern const bw_decoder bw_decoder_mxlogic;
extern const bw_decoder bw_decoder_amazonses;
extern const bw_decoder bw_decoder_amazonworkmail;
extern const bw_decoder bw_decoder_postfix;
extern const bw_decoder bw_decoder_activehunter;
extern const bw_decoder bw_decoder_fml;
extern const bw_decoder bw_decoder_listrefusal;
extern const bw_decoder bw_decoder_mfilter;
extern const bw_decoder bw_decoder_imailserver;
extern const bw_decoder bw_decoder_prose;
extern const bw_decoder bw_decoder_groupwise;
extern const bw_decoder bw_decoder_netscape;
extern const bw_decoder bw_decoder_mdaemon;
extern const bw_decoder bw_decoder_communigate;
extern const bw_decoder bw_decoder_mailenable;
extern const bw_decoder bw_decoder_xmail;
extern const bw_decoder bw_decoder_smail;
extern const bw_decoder bw_decoder_aol;
extern const bw_decoder bw_decoder_mailman;
extern const bw_decoder bw_decoder_kerio;
extern const bw_decoder bw_decoder_mercury;
extern const bw_decoder bw_decoder_icewarp;
extern const bw_decoder bw_decoder_surgemail;
extern const bw_decoder bw_decoder_postini;
extern const bw_decoder bw_decoder_listserv;
extern const bw_decoder bw_decoder_sendmail;
extern const bw_decoder bw_decoder_opensmtpd;
extern const bw_decoder bw_decoder_dragonfly;
extern const bw_decoder bw_decoder_qmail;
extern const bw_decoder bw_decoder_exim;
extern const bw_decoder bw_decoder_pec;

static const bw_decoder *const decoders[] = {
	&bw_decoder_arf,
	&bw_decoder_rfc3464,
	&bw_decoder_rfc3834,
	&bw_decoder_pec,
	&bw_decoder_apachejames,
	&bw_decoder_dsnnotice,
	&bw_decoder_exchange2003,
	&bw_decoder_exchange2007,
	&bw_decoder_office365,
	&bw_decoder_outlook,
	&bw_decoder_gmail,
	&bw_decoder_googlegroups,
	&bw_decoder_yahoo,
	&bw_decoder_notes,
	&bw_decoder_domino,
	&bw_decoder_messagingserver,
	&bw_decoder_mailru,
	&bw_decoder_gmx,
	&bw_decoder_einsundeins,
	&bw_decoder_zoho,
	&bw_decoder_verizon,
	&bw_decoder_ezweb,
	&bw_decoder_kddi,
	&bw_decoder_interscanmss,
	&bw_decoder_mxlogic,
	&bw_decoder_amazonses,
	&bw_decoder_amazonworkmail,
	&bw_decoder_postfix,
	&bw_decoder_activehunter,
	&bw_decoder_fml,
	&bw_decoder_mfilter,
	&bw_decoder_imailserver,
	&bw_decoder_groupwise,
	&bw_decoder_netscape,
	&bw_decoder_mdaemon,
	&bw_decoder_communigate,
	&bw_decoder_mailenable,
	&bw_decoder_xmail,
	&bw_decoder_smail,
	&bw_decoder_aol,
	&bw_decoder_mailman,
	&bw_decoder_kerio,
	&bw_decoder_mercury,
	&bw_decoder_icewarp,
	&bw_decoder_surgemail,
	&bw_decoder_postini,
	&bw_decoder_listserv,
	&bw_decoder_listrefusal,
	&bw_decoder_prose,
	&bw_decoder_sendmail,
	&bw_decoder_opensmtpd,
	&bw_decoder_dragonfly,
	&bw_decoder_qmail,
	&bw_decoder_exim,
};

#define N_DECODERS (sizeof(decoders) / sizeof(decoders[0]))

/* The fields a delivery-status part states that a template decoder which
 * read only the human-readable part lacks. */
static const bw_recipient_field dsn_fields[] = {
	BW_RCPT_STATUS, BW_RCPT_ACTION, BW_RCPT_ORIGINAL_RECIPIENT, BW_RCPT_REMOTE_MTA,
	BW_RCPT_DIAGNOSTIC_TYPE, BW_RCPT_DIAGNOSTIC, BW_RCPT_LAST_ATTEMPT_DATE,
	BW_RCPT_WILL_RETRY_UNTIL,
};

/* Does the recipient's diagnostic say nothing beyond its own address (the
 * line that listed it) or its status code's generic name ("Other or
 * undefined security status")?  False when it has none. */
static bool diag_says_nothing(const bw_recipient *rc)
{
	const char *d = bw_recipient__get(rc, BW_RCPT_DIAGNOSTIC);
	const char *a = bw_recipient__get(rc, BW_RCPT_RECIPIENT);
	size_t dl;

	if (!d)
		return false;
	d = bw_text__trim(d, strlen(d), &dl);
	while (dl && strchr("<>", *d))
		d++, dl--;
	while (dl && strchr("<>:,;", d[dl - 1]))
		dl--;
	return !dl || (a && strlen(a) == dl && bw_strncasecmp(d, a, dl) == 0) ||
	       bw_text__only_status_name(d, dl);
}

/*
 * A decoder read the message's own wording and found recipients[first..);
 * when the message also carries a delivery-status part, each of them that
 * the part names by the same address takes from it the fields it has none
 * of (a Domino or GroupWise notice with an RFC 3464 part beside its text).
 * Recipients the decoder filled from the part already have them.
 */
static int complete_from_dsn(const bw_msg *m, bw_report *r, size_t first)
{
	bw_report *dsn;
	size_t i, j, k;

	if (!m->dsn.n)
		return BW_OK;
	for (i = first; i < r->n_rcpt && bw_recipient__get(r->rcpt[i], BW_RCPT_STATUS); i++)
		;
	if (i == r->n_rcpt)
		return BW_OK;
	if (!(dsn = bw_report__new(r->max_rcpt)))
		return BW_ENOMEM;
	if (bw_dsn__decode(m, dsn) < 0) {
		bw_report_free(dsn);
		return BW_ENOMEM;
	}
	for (i = first; i < r->n_rcpt; i++) {
		bw_recipient *rc = r->rcpt[i];
		const char *addr = bw_recipient__get(rc, BW_RCPT_RECIPIENT);

		if (!addr || bw_recipient__get(rc, BW_RCPT_STATUS))
			continue;
		for (j = 0; j < dsn->n_rcpt; j++) {
			const char *da = bw_recipient__get(dsn->rcpt[j], BW_RCPT_RECIPIENT);

			if (!da || bw_strcasecmp(da, addr) != 0)
				continue;
			for (k = 0; k < sizeof(dsn_fields) / sizeof(dsn_fields[0]); k++) {
				const char *v = bw_recipient__get(dsn->rcpt[j], dsn_fields[k]);

				/* a diagnostic that only repeats the address
				 * that listed it is none */
				if (v && (!bw_recipient__get(rc, dsn_fields[k]) ||
				          (dsn_fields[k] == BW_RCPT_DIAGNOSTIC && diag_says_nothing(rc))) &&
				    bw_recipient__set(rc, dsn_fields[k], v) < 0) {
					bw_report_free(dsn);
					return BW_ENOMEM;
				}
			}
			break;
		}
	}
	bw_report_free(dsn);
	return BW_OK;
}

/* The shared scanner of the decoders' markers, made on first use; each
 * decoder's markers as its pattern ids. */
static pthread_once_t markers_once = PTHREAD_ONCE_INIT;
static bw_markers *markers;
static uint16_t *marker_ids[N_DECODERS];

static void make_markers(void)
{
	const char *const *lists[N_DECODERS];
	size_t counts[N_DECODERS], i;

	for (i = 0; i < N_DECODERS; i++) {
		lists[i] = decoders[i]->markers;
		counts[i] = decoders[i]->n_markers;
	}
	markers = bw_markers__new(lists, counts, N_DECODERS, marker_ids);
}

/* Each decoder's sniff, with where its markers are (at[]: where each
 * pattern first starts in the body); the claims in score[], the claimants
 * best first in order[].  Returns how many. */
static size_t sniff_all(const bw_msg *m, size_t *at, int *score, size_t *order)
{
	size_t n = 0, i, j;
	bw_found f;
	/* A list's distribution of posts (a digest, a post that quotes a
	 * bounce) is nobody's bounce, whatever text it carries. */
	bool list_post = bw_sniff__list_post(m);

	/* A person's reply that quotes a bounce is no report at all. */
	if (bw_sniff__person_reply(m))
		return 0;
	bw_markers__scan(markers, m->body, m->body_len, at);
	f.at = at;
	f.len = bw_markers__lengths(markers);
	f.body = m->body;
	for (i = 0; i < N_DECODERS; i++) {
		if (list_post && !decoders[i]->list_notices)
			continue;
		f.id = marker_ids[i];
		score[i] = decoders[i]->sniff(m, &f);
		if (score[i] <= 0)
			continue;
		/* insertion sort, stable */
		for (j = n; j > 0 && score[order[j - 1]] < score[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	return n;
}

/* Whether no recipient from `first` on has a diagnostic that says more
 * (diag_says_nothing, or none at all). */
static bool says_nothing(const bw_report *r, size_t first)
{
	size_t k;

	for (k = first; k < r->n_rcpt; k++)
		if (bw_recipient__get(r->rcpt[k], BW_RCPT_DIAGNOSTIC) && !diag_says_nothing(r->rcpt[k]))
			return false;
	return r->n_rcpt > first;
}

static int run(const bw_msg *m, bw_report *r)
{
	int score[N_DECODERS];
	size_t order[N_DECODERS], n, i, at_stack[512], *at = at_stack;

	pthread_once(&markers_once, make_markers);
	if (!markers)
		return BW_ENOMEM;
	if (bw_markers__count(markers) > sizeof(at_stack) / sizeof(at_stack[0]) &&
	    !(at = malloc(bw_markers__count(markers) * sizeof(size_t))))
		return BW_ENOMEM;
	n = sniff_all(m, at, score, order);
	if (at != at_stack)
		free(at);
	for (i = 0; i < n; i++) {
		const bw_decoder *d = decoders[order[i]];
		size_t first = r->n_rcpt, k;
		int got = d->decode(m, r);

		if (got < 0)
			return got;
		if (got == 0 || r->n_rcpt == first) {
			while (r->n_rcpt > first)
				bw_report__remove_recipient(r, r->n_rcpt - 1);
			continue;
		}
		if ((got = complete_from_dsn(m, r, first)) < 0 ||
		    (got = bw_decoders__list_stand_ins(m, r, first)) < 0)
			return got;
		bw_report__set(r, BW_REPORT_FORMAT, d->name);
		for (k = first; k < r->n_rcpt; k++)
			if (!bw_recipient__get(r->rcpt[k], BW_RCPT_FORMAT))
				bw_recipient__set(r->rcpt[k], BW_RCPT_FORMAT, d->name);
		/* a notice whose reader found no words of the failure for any of
		 * its recipients ("... to the following recipients: a@b", the
		 * cause in a paragraph below): classify may read the notice as a
		 * whole for each */
		if (says_nothing(r, first)) {
			size_t len = bw_text__report_length(m);

			for (k = first; k < r->n_rcpt; k++)
				if (!r->rcpt[k]->notice &&
				    (got = bw_recipient__set_notice(r->rcpt[k], m->body, len)) < 0)
					return got;
		}
		return (int)(r->n_rcpt - first);
	}
	return 0;
}

int bw_decoders__run(const bw_msg *m, bw_report *r)
{
	return run(m, r);
}

bool bw_decoders__known_format(const char *name, size_t len)
{
	size_t i;

	/* "reply": a bare reply given to explain, read by no decoder */
	if (len == 5 && memcmp(name, "reply", 5) == 0)
		return true;
	for (i = 0; i < N_DECODERS; i++)
		if (strlen(decoders[i]->name) == len && memcmp(decoders[i]->name, name, len) == 0)
			return true;
	return false;
}
