/*
 * log_summary.h - the groups behind bw_log_summary: built by
 * log_summary.c, rendered by log_summary_text.c and log_summary_json.c.
 */
#ifndef BW_LOG_SUMMARY_H
#define BW_LOG_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "record.h"

#define PROVIDER_CACHE 4096

/* A set of 64-bit hashes (open addressing; 0 is the empty slot). */
typedef struct bw_log_hset {
	uint64_t *v;
	size_t n, cap;
	bool full;              /* MAX_DISTINCT reached: counts are lower bounds */
} bw_log_hset;

typedef struct bw_log_group {
	char *provider;         /* provider name, or the recipient domain */
	bool by_domain;
	uint64_t pkey;
	char *reason, *code, *fault, *explanation, *rule;
	int confidence;                     /* of the group's first verdict */
	unsigned long attempts, deferred, bounced, expired, hard;
	bw_log_hset messages, recipients, domains;
	bw_strlist domain_names;
	long long first, last;              /* -1 unknown */
	unsigned long long first_seq, last_seq;
	char *reply, *relay, *ip, *rcpt;    /* of the latest attempt */
	long long reply_time;
	bw_strlist remedies, references;
} bw_log_group;

typedef struct bw_log_sent {
	uint64_t key;
	long long time;
	unsigned long long seq;
} bw_log_sent;

struct bw_log_summary {
	const bw_rules *rules;
	bw_log_group **g;
	size_t n, cap;
	unsigned long long seq;
	unsigned long long attempts, sent, deferred, bounced, expired, ungrouped;
	unsigned long long lines, skipped, cut, bytes;
	bool have_stats;
	bw_log_sent *sent_tab;
	size_t sent_n, sent_cap;
	struct { uint64_t key; const char *name; } pcache[PROVIDER_CACHE];
};

/* The entry of a provider key in the table of successful deliveries; with
 * `add`, created when missing (NULL when the table is full). */
bw_log_sent *bw_log__sent_find(bw_log_summary *s, uint64_t key, bool add);

/* A problem of the recipient's address or mailbox: mail to other addresses
 * getting through does not end it, so "still happening" is not told. */
bool bw_log__per_address(const bw_log_group *g);
/* The later successful delivery to the group's provider that ends it, or
 * NULL (still happening). */
const bw_log_sent *bw_log__ended_by(const bw_log_summary *s, const bw_log_group *g);
/* Distinct messages of a group. */
unsigned long bw_log__messages(const bw_log_group *g);
/* The groups in presentation order: sender-side first, then by messages and
 * attempts, then first seen (a new array of borrowed pointers; free() it). */
bw_log_group **bw_log__sorted(const bw_log_summary *s);

#endif
