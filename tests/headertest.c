/* The public header alone compiles as strict C99 (and the code using it
 * needs nothing else). */
#include <bouncewhy.h>
#include <bouncewhy/log.h>
#include <bouncewhy-ledger.h>

int main(void)
{
	bw_parse_options popts = BW_PARSE_OPTIONS_INIT;
	bw_rules_options ropts = BW_RULES_OPTIONS_INIT;
	bw_log_options lopts = BW_LOG_OPTIONS_INIT;
	bw_ledger_options ledger_opts = BW_LEDGER_OPTIONS_INIT;
	bw_ledger_entry entry = BW_LEDGER_ENTRY_INIT;

	(void)popts;
	(void)ropts;
	(void)lopts;
	(void)ledger_opts;
	(void)entry;
	return bw_version()[0] == '\0';
}
