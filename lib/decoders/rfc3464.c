/*
 * rfc3464.c - the standard delivery-status report (any MTA that sends one).
 */
#include "decoder.h"

static int sniff(const bw_msg *m, const bw_found *f)
{
	return m->dsn.n ? BW_SNIFF_STANDARD : 0;
}

const bw_decoder bw_decoder_rfc3464 = { "rfc3464", sniff, bw_dsn__decode, false, NULL, 0 };
