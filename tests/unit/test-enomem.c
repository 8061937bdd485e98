/*
 * Allocation failures are reported, never silent: every allocation made by
 * the library's own code (malloc, calloc, realloc, strdup, strndup, wrapped
 * at link time; GMime, cJSON, SQLite and PCRE2 are shared libraries and keep
 * the real ones) is made to fail in turn, the Nth for N = 1, 2, ...  Each
 * parse must then either fail with BW_ENOMEM or give exactly the report of
 * a parse without failures: a report with a field silently missing fails.
 * An mbox file is also read with the scanner (bw_scan): up to the first
 * BW_ENOMEM (returned, or an error item) the items must be those of a
 * scan without failures, and a scan that saw none must give them all.
 *
 *   test-enomem MESSAGE|DIR...     (a directory: every *.eml and *.mbox below it)
 */
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bouncewhy.h"
#include "check.h"
#include "util.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static long calls, fail_at;   /* fail the fail_at-th call (0: never) */

static int fail_now(void)
{
	return fail_at && ++calls == fail_at;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fail_now() ? NULL : __real_strndup(s, n); }

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	bw_buf b = BW_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bw_buf__put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return bw_buf__detach(&b);
}

static char *as_json(const bw_report *r)
{
	char *j = NULL;

	return bw_report_to_json(&j, r, NULL, BW_JSON_EVIDENCE) == BW_OK ? j : NULL;
}

static void check_message(const bw_rules *rules, const char *path)
{
	size_t len;
	char *msg = slurp(path, &len), *want;
	bw_report *r = NULL;
	long n, failed = 0, silent = 0;

	CHECK(msg != NULL);
	if (!msg)
		return;
	CHECK(bw_parse_buffer(&r, rules, msg, len, NULL) == BW_OK);
	want = r ? as_json(r) : NULL;
	bw_report_free(r);
	CHECK(want != NULL);
	for (n = 1; want; n++) {
		char *got;
		int rc;

		r = NULL;
		calls = 0;
		fail_at = n;
		rc = bw_parse_buffer(&r, rules, msg, len, NULL);
		fail_at = 0;
		if (calls < n) {           /* no allocation failed: done */
			CHECK(rc == BW_OK);
			bw_report_free(r);
			break;
		}
		if (rc == BW_ENOMEM) {
			CHECK(r == NULL);
			failed++;
			continue;
		}
		got = rc == BW_OK ? as_json(r) : NULL;
		if (rc != BW_OK || !got || strcmp(got, want) != 0) {
			if (!silent++)
				fprintf(stderr, "%s: allocation %ld failed and the parse gave %s%s\n", path, n,
				        bw_error_code_name(rc), rc == BW_OK ? " with a different report" : "");
		}
		bw_free(got);
		bw_report_free(r);
	}
	printf("%s: %ld allocations tried, %ld gave BW_ENOMEM, %ld silent\n", path, n - 1, failed, silent);
	CHECK(silent == 0);
	CHECK(failed > 0);
	bw_free(want);
	free(msg);
}

/* The items of a scan over `path`, one line each (source, index, code,
 * report JSON), into *out; returns BW_OK, or BW_ENOMEM when the scanner
 * failed (what was read so far is in *out).  *enomem_item: an error item
 * with BW_ENOMEM was seen (its line is included). */
static int scan_lines(const bw_rules *rules, const char *path, bw_buf *out, bool *enomem_item)
{
	bw_scan *s = NULL;
	const bw_scan_item *it;
	int rc;

	*enomem_item = false;
	if ((rc = bw_scan_new(&s, rules, NULL)) < 0 || (rc = bw_scan_add_path(s, path)) < 0) {
		bw_scan_free(s);
		return rc;
	}
	while ((rc = bw_scan_next(&it, s)) == BW_OK) {
		const bw_report *r = bw_scan_item_report(it);
		long saved = fail_at;   /* the test's own bookkeeping never fails */
		char *j;

		fail_at = 0;
		j = r ? as_json(r) : NULL;
		bw_buf__printf(out, "%s %ld %d %s\n", bw_scan_item_source(it), bw_scan_item_mbox_index(it),
		               bw_scan_item_error_code(it), j ? j : "");
		bw_free(j);
		fail_at = saved;
		if (bw_scan_item_error_code(it) == BW_ENOMEM)
			*enomem_item = true;
	}
	bw_scan_free(s);
	return rc == BW_ENOTFOUND ? BW_OK : rc;
}

/* Whether `got` is a line-wise prefix of `want` up to a line that is a
 * BW_ENOMEM item ("source index -2 "), after which anything may follow. */
static bool prefix_then_enomem(const char *got, const char *want)
{
	char code[32], *line;
	bool ok;

	snprintf(code, sizeof(code), " %d ", BW_ENOMEM);
	while (*got) {
		const char *ge = strchr(got, '\n'), *we = strchr(want, '\n');
		size_t gl = ge ? (size_t)(ge - got) : strlen(got);
		if (we && (size_t)(we - want) == gl && memcmp(got, want, gl) == 0) {
			got += gl + (ge != NULL);
			want = we + 1;
			continue;
		}
		fail_at = 0;
		line = bw_strndup(got, gl);
		ok = line && strstr(line, code) != NULL;
		free(line);
		return ok;
	}
	return true;
}

static void check_scan(const bw_rules *rules, const char *path)
{
	bw_buf want = BW_BUF_INIT;
	long n, failed = 0, silent = 0;
	bool enomem_item;


	CHECK(scan_lines(rules, path, &want, &enomem_item) == BW_OK && !enomem_item && want.len);
	for (n = 1; want.len; n++) {
		bw_buf got = BW_BUF_INIT;
		int rc;

		calls = 0;
		fail_at = n;
		rc = scan_lines(rules, path, &got, &enomem_item);
		fail_at = 0;
		if (calls < n) {           /* no allocation failed: done */
			bw_buf__free(&got);
			break;
		}
		if (rc == BW_ENOMEM || enomem_item) {
			/* the lines before the failure are a clean scan's; the first
			 * that differs is the BW_ENOMEM item */
			failed++;
			if (got.oom || !prefix_then_enomem(got.p ? got.p : "", want.p)) {
				if (!silent++)
					fprintf(stderr, "%s: allocation %ld failed and the scan changed an item\n",
					        path, n);
			}
		} else if (got.len != want.len || memcmp(got.p, want.p, want.len) != 0) {
			if (!silent++)
				fprintf(stderr, "%s: allocation %ld failed and the scan gave other items\n", path, n);
		}
		bw_buf__free(&got);
	}
	printf("%s (scan): %ld allocations tried, %ld gave BW_ENOMEM, %ld silent\n", path, n - 1, failed,
	       silent);
	CHECK(silent == 0);
	CHECK(failed > 0);
	bw_buf__free(&want);
}

static bw_rules *rules;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && n > 4 && strcmp(path + n - 4, ".eml") == 0)
		check_message(rules, path);
	if (type == FTW_F && n > 5 && strcmp(path + n - 5, ".mbox") == 0)
		check_scan(rules, path);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "cannot open rules: %s\n", bw_error_message());
		return 1;
	}
	for (i = 1; i < argc; i++)
		CHECK(nftw(argv[i], visit, 16, FTW_PHYS) == 0);
	bw_rules_free(rules);
	return check_done();
}
