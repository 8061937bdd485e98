/* The public header alone compiles as strict C99 (and the code using it
 * needs nothing else). */
#include <bouncewhy.h>
#include <bouncewhy/log.h>

int main(void)
{
	bw_parse_options popts = BW_PARSE_OPTIONS_INIT;
	bw_rules_options ropts = BW_RULES_OPTIONS_INIT;
	bw_log_options lopts = BW_LOG_OPTIONS_INIT;

	(void)popts;
	(void)ropts;
	(void)lopts;
	return bw_version()[0] == '\0';
}
