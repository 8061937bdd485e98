/*
 * rules_example.h - what the self-test reads out of a rule example.
 */
#ifndef BW_RULES_EXAMPLE_H
#define BW_RULES_EXAMPLE_H

typedef struct bw_example_facts {
	char reply[4];      /* the first reply code (bw_smtp__reply_at), or "" */
	char status[12];    /* the first status code (bw_smtp__status_at), or "" */
	char host[256];     /* the remote host (bw_smtp__host_ip), or "" */
	char command[16];   /* the stage (bw_smtp__stage_of_reply), or "" */
} bw_example_facts;

void bw_rules__read_example(bw_example_facts *out, const char *text);

#endif
