/*
 * html.h - HTML bodies (Exchange, Office 365 NDRs) turned into plain text.
 */
#ifndef BW_HTML_H
#define BW_HTML_H

#include <stddef.h>

/* Plain text of an HTML document: tags removed, block elements and <br>
 * become line breaks, <script>/<style>/<head> dropped, common entities and
 * numeric references decoded.  NULL on ENOMEM. */
char *bw_html__to_text(const char *html, size_t len);

/* s[0..len) with its character references ("&eacute;", "&#39;", "&lt;")
 * decoded, as a string for the caller to free; NULL when it has none (or
 * on ENOMEM). */
char *bw_html__decode_entities(const char *s, size_t len);

#endif
