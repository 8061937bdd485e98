/*
 * classify.h - deciding reason, fault, permanence and hard bounce.
 */
#ifndef BW_CLASSIFY_H
#define BW_CLASSIFY_H

#include "bouncewhy.h"
#include "record.h"

/* Completes one recipient: rules first, then the built-in code tables.
 * Returns BW_OK or a negative code from the rule engine. */
int bw_classify__recipient(const bw_rules *rules, bw_recipient *rc);

/* The reason the built-in table gives an enhanced status code or a reply
 * code, or NULL.  (Also used by tests.) */
const char *bw_classify__by_status(const char *status);
const char *bw_classify__by_reply(const char *reply_code);

#endif
