/*
 * rules_example.h - what the self-test reads out of a rule example.
 */
#ifndef BW_RULES_EXAMPLE_H
#define BW_RULES_EXAMPLE_H

typedef struct bw_example_facts {
	char reply[4];      /* first [245]xx token, or "" */
	char status[12];    /* first [245].d.d token, or "" */
	char host[256];     /* NAME of the first "host NAME[", or "" */
	char command[16];   /* word after "in reply to" (upper case), or "" */
} bw_example_facts;

void bw_rules__read_example(bw_example_facts *out, const char *text);

#endif
