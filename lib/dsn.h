/*
 * dsn.h - RFC 3464 delivery-status fields.
 */
#ifndef BW_DSN_H
#define BW_DSN_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

/* Reads the field groups of one delivery-status body: per-message fields
 * go to the report, one recipient is appended per recipient group.
 * Returns the number of recipients added. */
int bw_dsn__parse_fields(bw_report *r, const char *text, size_t len);

/* Is s[0..len) an RFC 3463 status code: [245].d{1,3}.d{1,3}? */
bool bw_status__valid(const char *s, size_t len);

#endif
