/*
 * activehunter.c - ActiveHunter (a mail gateway; "X-AHMAILID" header).
 *
 * Its bounce is Sendmail's layout ("The following addresses had permanent
 * fatal errors" with ">>> address <address>" lines, then "Transcript of
 * session follows"), so the Sendmail decoder reads it; this entry only names
 * the product.
 */
#include "common.h"

extern const bw_decoder bw_decoder_sendmail;

static int sniff(const bw_msg *m, const bw_found *f)
{
	return bw_msg__header(m, "X-AHMAILID") ? BW_SNIFF_SIGNED : 0;
}

static int decode(const bw_msg *m, bw_report *r)
{
	return bw_decoder_sendmail.decode(m, r);
}

const bw_decoder bw_decoder_activehunter = { "activehunter", sniff, decode, false, NULL, 0 };
