/*
 * util.h - small string helpers shared by the library modules.
 */
#ifndef BW_UTIL_H
#define BW_UTIL_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* Room for element n of the array *v of *cap elements of `size` bytes:
 * when n == *cap the array is reallocated to twice its capacity (`first`
 * elements the first time).  BW_OK, or BW_ENOMEM (no error message set:
 * the caller says what failed) with *v and *cap unchanged. */
int bw_grow(void **v, size_t *cap, size_t n, size_t size, size_t first);

/* A growable byte buffer, always NUL-terminated when non-empty. */
typedef struct bw_buf {
	char *p;
	size_t len, cap;
	bool oom;   /* an append failed; the content is truncated */
} bw_buf;

#define BW_BUF_INIT { NULL, 0, 0, false }

void bw_buf__put(bw_buf *b, const char *s, size_t len);
void bw_buf__puts(bw_buf *b, const char *s);
void bw_buf__putc(bw_buf *b, char c);
/* Appends code point cp as UTF-8; U+FFFD for one that is not a character
 * (NUL, a surrogate, beyond U+10FFFF). */
void bw_buf__put_codepoint(bw_buf *b, unsigned long cp);
/* The value of hexadecimal digit c (either case), or -1. */
int bw_hex_value(int c);
/* The byte an escape of `intro` and two hex digits (either case) at s[i]
 * of s[0..len) stands for ("%2B" URL, "=3D" quoted-printable, "+40"
 * Exchange's IMCEA), or -1 when none starts there. */
int bw_hex_escape_at(const char *s, size_t len, size_t i, char intro);
/* The byte a URL escape ("%2B") at s[i] of s[0..len) stands for, or -1
 * when none starts there. */
int bw_percent_escape_at(const char *s, size_t len, size_t i);
void bw_buf__printf(bw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* bw_buf__printf with the arguments as a va_list (the caller's, left as
 * it was: the function works on a copy). */
void bw_buf__vprintf(bw_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Gives the content to the caller (never NULL unless out of memory). */
char *bw_buf__detach(bw_buf *b);
void bw_buf__free(bw_buf *b);

char *bw_strndup(const char *s, size_t n);
char *bw_strdup(const char *s);

/* ASCII-only, locale-independent. */
static inline int bw_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline bool bw_isspace(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
static inline bool bw_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool bw_isalpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool bw_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool bw_isalnum(int c) { return bw_isalpha(c) || bw_isdigit(c); }

int bw_strcasecmp(const char *a, const char *b);
/* bw_strcasecmp(a, b) == 0 for two non-NULL strings, the first bytes
 * compared inline (header lookups compare a name with every header's). */
static inline bool bw_streq_ci(const char *a, const char *b)
{
	return bw_lower((unsigned char)*a) == bw_lower((unsigned char)*b) && bw_strcasecmp(a, b) == 0;
}
int bw_strncasecmp(const char *a, const char *b, size_t n);
/* Is w[0..n), a word cut out of a longer text, `word` (case ignored)? */
static inline bool bw_word_is_ci(const char *w, size_t n, const char *word)
{
	return strlen(word) == n && bw_strncasecmp(w, word, n) == 0;
}
/* Case-insensitive substring search (ASCII); NULL if absent. */
const char *bw_strcasestr(const char *hay, const char *needle);
/* Same, limited to the first hay_len bytes. */
const char *bw_memcasemem(const char *hay, size_t hay_len, const char *needle);
bool bw_startswith_ci(const char *s, const char *prefix);
/* The first line starting with "--" at or after p (MIME boundary lines),
 * or NULL.  `first` is a position known to be a line start (the others
 * follow a '\n').  Keyed on '-' with memchr: the byte never occurs in
 * base64, so a large attachment is crossed at memchr's speed. */
const char *bw_next_dash_line(const char *p, const char *end, const char *first);

/* Collapses every run of white space (including newlines) to one space and
 * trims both ends, in place.  Returns s. */
char *bw_squeeze(char *s);
/* Trims white space at both ends; returns a pointer into s. */
char *bw_trim(char *s);
/* A copy of s[0..len) with white space squeezed; NULL on ENOMEM. */
char *bw_squeeze_dup(const char *s, size_t len);

/* Reads fd to its end after `head` (head_len bytes the caller already read
 * from it), refusing more than `limit` bytes as soon as they arrive (an
 * endless stream costs `limit` at most).  *out (NUL-terminated, free it)
 * and *len on BW_OK; BW_ELIMIT, BW_EIO or BW_ENOMEM with the message set. */
int bw_read_fd(int fd, const char *head, size_t head_len, size_t limit, char **out, size_t *len);
/* Reads the file at `path` whole; the same contract, without a limit. */
int bw_read_file(const char *path, char **out, size_t *len);


/* The length of a string literal or char array, counted by the compiler
 * (never by hand): BW_LITERAL_LEN("IPv6:") == 5. */
#define BW_LITERAL_LEN(lit) (sizeof(lit) - 1)
/* Does s start with the string literal `lit`?  Case-sensitive, and
 * case-insensitive (ASCII). */
#define BW_HAS_PREFIX(s, lit) (strncmp((s), "" lit, BW_LITERAL_LEN(lit)) == 0)
#define BW_HAS_PREFIX_CI(s, lit) (bw_strncasecmp((s), "" lit, BW_LITERAL_LEN(lit)) == 0)
/* The same, and when it does, advances the pointer `s` (an lvalue, read
 * more than once) past the literal. */
#define BW_SKIP_PREFIX(s, lit) (BW_HAS_PREFIX((s), lit) ? ((s) += BW_LITERAL_LEN(lit), true) : false)
#define BW_SKIP_PREFIX_CI(s, lit) \
	(BW_HAS_PREFIX_CI((s), lit) ? ((s) += BW_LITERAL_LEN(lit), true) : false)

#endif
