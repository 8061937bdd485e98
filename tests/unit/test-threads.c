/*
 * One bw_rules shared by 8 threads, each parsing every message of the
 * corpora given on the command line (directories, read recursively: *.eml
 * and *.mbox files) in a different order; every report's JSON must equal
 * the single-thread run's.  Built under ThreadSanitizer by
 * .ci/sanitize-thread.sh.
 */
#include <dirent.h>
#include <iconv.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bouncewhy.h"
#include "check.h"

#define NTHREADS 8

typedef struct item {
	char *path;
	char *data;
	size_t len;
	char *json;        /* single-thread result: report JSON or error record */
} item;

static item *items;
static size_t n_items, cap_items;
static bw_rules *rules;

static const char *const replies[] = {
	"550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown",
	"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
	"550 SC-001 (BAY004-MC1F7) Unfortunately, messages from 192.0.2.1 weren't sent.",
	"452 4.2.2 The email account that you tried to reach is over quota",
};

static bool wanted(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && strcmp(name + n - 4, ".eml") == 0) || (n > 5 && strcmp(name + n - 5, ".mbox") == 0);
}

static void load(const char *path)
{
	struct stat st;
	FILE *f;

	if (stat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char sub[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			if (stat(sub, &st) == 0 && (S_ISDIR(st.st_mode) || wanted(e->d_name)))
				load(sub);
		}
		if (d)
			closedir(d);
		return;
	}
	if (n_items == cap_items) {
		cap_items = cap_items ? cap_items * 2 : 256;
		items = realloc(items, cap_items * sizeof(*items));
	}
	if (!(f = fopen(path, "rb")))
		return;
	items[n_items].path = strdup(path);
	items[n_items].len = (size_t)st.st_size;
	items[n_items].data = malloc(items[n_items].len + 1);
	if (fread(items[n_items].data, 1, items[n_items].len, f) == items[n_items].len)
		n_items++;
	else
		free(items[n_items].data), free(items[n_items].path);
	fclose(f);
}

/* The JSON of one input: the report, or the error record. */
static char *run(const item *it)
{
	bw_report *r = NULL;
	char *json = NULL;
	int rc = bw_parse_buffer(&r, rules, it->data, it->len, NULL);

	if (rc == BW_OK)
		bw_report_to_json(&json, r, it->path, BW_JSON_EVIDENCE);
	else
		bw_error_to_json(&json, it->path, rc, bw_error_message(), 0);
	bw_report_free(r);
	return json;
}

static char *run_reply(size_t i)
{
	bw_report *r = NULL;
	char *json = NULL;

	if (bw_classify_reply(&r, rules, replies[i], "mx.example.org", "RCPT") == BW_OK)
		bw_report_to_json(&json, r, NULL, BW_JSON_EVIDENCE);
	bw_report_free(r);
	return json;
}

static char *reply_json[sizeof(replies) / sizeof(replies[0])];

typedef struct worker {
	size_t start;
	size_t mismatches, done;
} worker;

static void *work(void *arg)
{
	worker *w = arg;
	size_t k, i;

	for (k = 0; k < n_items; k++) {
		char *json;
		i = (w->start + k) % n_items;  /* each thread starts elsewhere */
		json = run(&items[i]);
		if (!json || !items[i].json || strcmp(json, items[i].json) != 0) {
			if (w->mismatches++ < 3)
				fprintf(stderr, "thread result differs for %s\n", items[i].path);
		}
		bw_free(json);
		w->done++;
		if (k % 16 == 0) {
			size_t j = k / 16 % (sizeof(replies) / sizeof(replies[0]));
			json = run_reply(j);
			if (!json || !reply_json[j] || strcmp(json, reply_json[j]) != 0)
				w->mismatches++;
			bw_free(json);
		}
	}
	return NULL;
}

/*
 * Keeps glibc's gconv modules for the usual mail charsets loaded for the
 * whole run.  Otherwise every iconv_close() that drops a module's last user
 * dlclose()s it and the next iconv_open() dlopen()s it again, from any
 * thread; under ThreadSanitizer a race report symbolised while another
 * thread holds ld.so's lock deadlocks the run (seen with GCC 12's TSan).
 * The library's behaviour does not depend on it.
 */
static iconv_t pinned[16];

static void pin_charsets(void)
{
	static const char *const cs[] = { "ISO-2022-JP", "ISO-8859-1", "ISO-8859-15", "UTF-7",
		"SHIFT_JIS", "WINDOWS-1252", "WINDOWS-1251", "EUC-JP", "GB2312", "BIG5", "KOI8-R",
		"EUC-KR", "UTF-16", "ISO-8859-2", "WINDOWS-1250" };
	size_t i;

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		pinned[i] = iconv_open("UTF-8", cs[i]);
}

static void unpin_charsets(void)
{
	size_t i;

	for (i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++)
		if (pinned[i] && pinned[i] != (iconv_t)-1)
			iconv_close(pinned[i]);
}

int main(int argc, char **argv)
{
	pthread_t tid[NTHREADS];
	worker w[NTHREADS];
	size_t i, mismatches = 0, done = 0;
	int a;

	for (a = 1; a < argc; a++)
		load(argv[a]);
	printf("%zu inputs\n", n_items);
	pin_charsets();
	CHECK(n_items > 0);
	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "cannot open rules: %s\n", bw_error_message());
		return 1;
	}
	/* The single-thread reference first. */
	for (i = 0; i < n_items; i++)
		CHECK((items[i].json = run(&items[i])) != NULL);
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++)
		CHECK((reply_json[i] = run_reply(i)) != NULL);
	for (a = 0; a < NTHREADS; a++) {
		w[a].start = (size_t)a * n_items / NTHREADS;
		w[a].mismatches = w[a].done = 0;
		CHECK(pthread_create(&tid[a], NULL, work, &w[a]) == 0);
	}
	for (a = 0; a < NTHREADS; a++) {
		pthread_join(tid[a], NULL);
		mismatches += w[a].mismatches;
		done += w[a].done;
	}
	printf("%d threads, %zu parses, %zu mismatches\n", NTHREADS, done, mismatches);
	CHECK(done == (size_t)NTHREADS * n_items);
	CHECK(mismatches == 0);
	for (i = 0; i < n_items; i++) {
		free(items[i].path);
		free(items[i].data);
		bw_free(items[i].json);
	}
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++)
		bw_free(reply_json[i]);
	free(items);
	bw_rules_free(rules);
	unpin_charsets();
	return check_done();
}
