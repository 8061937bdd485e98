/*
 * rules_example.c - pulls the reply code, enhanced status code, remote host
 * and SMTP command out of a rule example, so that the self-test can
 * classify it as a bare reply.  The recognising is smtp.c's, the same the
 * library applies to real bounces; only the choice differs: an example's
 * first code is the one it is about.
 */
#include <string.h>

#include "rules_example.h"
#include "../smtp.h"
#include "../util.h"

void bw_rules__read_example(bw_example_facts *out, const char *text)
{
	char ip[64];
	const char *stage;
	size_t i, n, len = strlen(text);

	out->reply[0] = out->status[0] = '\0';
	for (i = 0; i < len && !out->reply[0]; i++)
		if (bw_smtp__reply_at(text, len, i))
			memcpy(out->reply, text + i, 3), out->reply[3] = '\0';
	for (i = 0; i < len && !out->status[0]; i++)
		if ((n = bw_smtp__status_at(text, len, i)) && n < sizeof(out->status))
			memcpy(out->status, text + i, n), out->status[n] = '\0';
	bw_smtp__host_ip(text, out->host, sizeof(out->host), ip, sizeof(ip));
	stage = bw_smtp__stage_of_reply(text);
	strcpy(out->command, stage ? stage : "");
}
