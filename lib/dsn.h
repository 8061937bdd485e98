/*
 * dsn.h - RFC 3464 delivery-status fields.
 */
#ifndef BW_DSN_H
#define BW_DSN_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"
#include "record.h"

/* Reads the field groups of one delivery-status body: per-message fields
 * go to the report, one recipient is appended per recipient group.
 * Returns the number of recipients added. */
int bw_dsn__parse_fields(bw_report *r, const char *text, size_t len);

/* Does p[0..len) start with the name of a delivery-status field and its
 * colon ("Final-Recipient:", "Diagnostic-Code:"; case ignored)? */
bool bw_dsn__field_line(const char *p, size_t len);

/* The RFC 3464 delivery-status decoder: the field groups of every
 * delivery-status part of `m` (bw_dsn__parse_fields).  Decoders that start
 * from the DSN call it, then patch what their family gets wrong. */
int bw_dsn__decode(const bw_msg *m, bw_report *r);

#endif
