/* The scanner (bw_scan): directory order, a Dovecot-style Maildir read
 * without error items, notes and hidden entries skipped, mbox files and
 * descriptors, size limits on streams, an error item for every input that
 * gives no report. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "check.h"

static const char MSG[] =
	"From: someone@example.com\nTo: you@example.org\nSubject: hello\n\nJust a note.\n";
static const char MBOX[] =
	"From a@example.com Thu Sep 18 17:54:04 2008\nSubject: one\n\nfirst\n\n"
	"From b@example.com Thu Sep 18 17:54:05 2008\nSubject: two\n\n>From the desk\n";

static char root[256];

static void put(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(mkdir(path, 0700) == 0);
}

/* Everything a scanner over `path` yields, one line per item:
 * "relative-source index code" ("-" for the root itself). */
static char *scan_all(const bw_rules *rules, const char *path, const bw_parse_options *opts)
{
	static char out[4096];
	bw_scan *s = NULL;
	const bw_scan_item *it;
	size_t rl = strlen(root);
	int rc;

	out[0] = '\0';
	CHECK(bw_scan_new(&s, rules, opts) == BW_OK);
	CHECK(bw_scan_add_path(s, path) == BW_OK);
	while ((rc = bw_scan_next(&it, s)) == BW_OK) {
		const char *src = bw_scan_item_source(it);
		char line[512];
		/* a report xor an error, never neither */
		CHECK((bw_scan_item_report(it) != NULL) == (bw_scan_item_error_code(it) == BW_OK));
		CHECK((bw_scan_item_error(it)[0] == '\0') == (bw_scan_item_error_code(it) == BW_OK));
		if (strncmp(src, root, rl) == 0)
			src += src[rl] == '/' ? rl + 1 : rl;
		snprintf(line, sizeof(line), "%s %ld %s\n", src, bw_scan_item_mbox_index(it),
		         bw_scan_item_error_code(it) == BW_OK ? "ok" :
		         bw_error_code_name(bw_scan_item_error_code(it)));
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	}
	CHECK(rc == BW_ENOTFOUND);
	CHECK(bw_scan_next(&it, s) == BW_ENOTFOUND);   /* and stays done */
	bw_scan_free(s);
	return out;
}

static void test_dovecot_maildir(const bw_rules *rules)
{
	char path[512];

	dir("Maildir");
	dir("Maildir/cur");
	dir("Maildir/new");
	dir("Maildir/tmp");
	dir("Maildir/.Sent");
	dir("Maildir/.Sent/cur");
	put("Maildir/cur/1700000002.M2.host:2,S", MSG);
	put("Maildir/cur/1700000001.M1.host:2,S", MSG);
	put("Maildir/new/1700000003.M3.host", MSG);
	put("Maildir/tmp/1700000004.M4.host", "");            /* being written */
	put("Maildir/.Sent/cur/1700000005.M5.host:2,S", MSG);  /* another folder */
	put("Maildir/dovecot-uidlist", "3 V1700000000 N4\n");
	put("Maildir/dovecot-uidvalidity", "65a1b2c3\n");
	put("Maildir/dovecot.index.cache", "\x01\x02\x03");
	put("Maildir/dovecot.index.log", "\x01\x02\x03");
	put("Maildir/dovecot-keywords", "0 $Junk\n");
	put("Maildir/subscriptions", "Sent\n");
	put("Maildir/maildirfolder", "");
	put("Maildir/courierimapuiddb", "1 1\n");
	snprintf(path, sizeof(path), "%s/Maildir", root);
	CHECK_STR(scan_all(rules, path, NULL),
	          "Maildir/cur/1700000001.M1.host:2,S -1 ok\n"
	          "Maildir/cur/1700000002.M2.host:2,S -1 ok\n"
	          "Maildir/new/1700000003.M3.host -1 ok\n");
}

static void test_plain_directory(const bw_rules *rules)
{
	char path[512], target[512];

	dir("plain");
	dir("plain/sub");
	put("plain/b.eml", MSG);
	put("plain/a.mbox", MBOX);
	put("plain/labels.json", "{}");
	put("plain/notes.md", "# notes");
	put("plain/expected.tsv", "a\tb\n");
	put("plain/.hidden", MSG);
	put("plain/empty.eml", "");
	put("plain/sub/c.eml", MSG);
	put("plain/sub/From-only.mbox", "From nobody Thu Sep 18 17:54:04 2008\n");
	/* a link back to the top is read once */
	snprintf(path, sizeof(path), "%s/plain/sub/loop", root);
	snprintf(target, sizeof(target), "%s/plain", root);
	CHECK(symlink(target, path) == 0);
	CHECK_STR(scan_all(rules, target, NULL),
	          "plain/a.mbox 0 ok\n"
	          "plain/a.mbox 1 ok\n"
	          "plain/b.eml -1 ok\n"
	          "plain/empty.eml -1 BW_EPARSE\n"
	          "plain/sub/From-only.mbox -1 BW_EPARSE\n"
	          "plain/sub/c.eml -1 ok\n");
	/* a missing operand and an mbox message over the limit are error items */
	snprintf(path, sizeof(path), "%s/no-such-file", root);
	CHECK_STR(scan_all(rules, path, NULL), "no-such-file -1 BW_EIO\n");
	{
		bw_parse_options o = BW_PARSE_OPTIONS_INIT;
		o.max_message_size = 20;
		snprintf(path, sizeof(path), "%s/plain/a.mbox", root);
		CHECK_STR(scan_all(rules, path, &o), "plain/a.mbox 0 BW_ELIMIT\nplain/a.mbox 1 BW_ELIMIT\n");
	}
}

/* A pipe holding `data`, its write end closed: a stream that cannot seek. */
static int pipe_of(const char *data, size_t len)
{
	int p[2];

	if (pipe(p) != 0)
		return -1;
	CHECK(write(p[1], data, len) == (ssize_t)len);
	close(p[1]);
	return p[0];
}

static void test_descriptors(const bw_rules *rules)
{
	bw_parse_options o = BW_PARSE_OPTIONS_INIT;
	bw_scan *s = NULL;
	const bw_scan_item *it;
	char big[4000];
	int fd1, fd2, fd3;

	memset(big, 'x', sizeof(big));
	memcpy(big, "Subject: big\n\n", 14);
	o.max_message_size = 1000;
	fd1 = pipe_of(big, sizeof(big));               /* over the limit */
	fd2 = pipe_of(MBOX, strlen(MBOX));             /* an mbox on a stream */
	fd3 = pipe_of(MSG + 5, strlen(MSG) - 5);       /* its head read by the caller */
	CHECK(bw_scan_new(&s, rules, &o) == BW_OK);
	CHECK(bw_scan_add_fd(s, fd1, NULL) == BW_OK);
	CHECK(bw_scan_add_fd(s, fd2, "stdin") == BW_OK);
	CHECK(bw_scan_add_fd_head(s, fd3, "headed", MSG, 5) == BW_OK);
	CHECK(bw_scan_add_fd_head(s, fd3, "x", NULL, 3) == BW_EINVALID);

	CHECK(bw_scan_next(&it, s) == BW_OK);
	CHECK_STR(bw_scan_item_source(it), "-");
	CHECK(bw_scan_item_report(it) == NULL);
	CHECK(bw_scan_item_error_code(it) == BW_ELIMIT);
	CHECK_STR(bw_scan_item_error(it), "message exceeds the limit of 1000 bytes");

	CHECK(bw_scan_next(&it, s) == BW_OK);
	CHECK_STR(bw_scan_item_source(it), "stdin");
	CHECK(bw_scan_item_mbox_index(it) == 0 && bw_scan_item_report(it) != NULL);
	CHECK_STR(bw_report_get(bw_scan_item_report(it), BW_REPORT_SUBJECT), "one");
	CHECK(bw_scan_next(&it, s) == BW_OK);
	CHECK(bw_scan_item_mbox_index(it) == 1 && bw_scan_item_report(it) != NULL);
	CHECK_STR(bw_report_get(bw_scan_item_report(it), BW_REPORT_SUBJECT), "two");

	CHECK(bw_scan_next(&it, s) == BW_OK);
	CHECK_STR(bw_scan_item_source(it), "headed");
	CHECK(bw_scan_item_report(it) != NULL);
	CHECK_STR(bw_report_get(bw_scan_item_report(it), BW_REPORT_SUBJECT), "hello");
	CHECK(bw_scan_next(&it, s) == BW_ENOTFOUND);
	bw_scan_free(s);
	/* queued descriptors are the caller's: still open */
	CHECK(fcntl(fd1, F_GETFD) != -1 && fcntl(fd2, F_GETFD) != -1);
	close(fd1);
	close(fd2);
	close(fd3);
}

static void test_arguments(const bw_rules *rules)
{
	bw_scan *s = NULL;
	const bw_scan_item *it;
	bw_parse_options bad = BW_PARSE_OPTIONS_INIT;

	bad.version = 99;
	CHECK(bw_scan_new(NULL, rules, NULL) == BW_EINVALID);
	CHECK(bw_scan_new(&s, NULL, NULL) == BW_EINVALID && s == NULL);
	CHECK(bw_scan_new(&s, rules, &bad) == BW_EINVALID && s == NULL);
	CHECK(bw_scan_new(&s, rules, NULL) == BW_OK);
	CHECK(bw_scan_add_path(s, NULL) == BW_EINVALID);
	CHECK(bw_scan_add_fd(s, -1, NULL) == BW_EINVALID);
	CHECK(bw_scan_next(NULL, s) == BW_EINVALID);
	CHECK(bw_scan_next(&it, s) == BW_ENOTFOUND);    /* nothing queued */
	bw_scan_free(s);
	bw_scan_free(NULL);
	CHECK_STR(bw_scan_item_source(NULL), "");
	CHECK(bw_scan_item_report(NULL) == NULL);
}

int main(void)
{
	bw_rules *rules = NULL;
	char cmd[300];

	snprintf(root, sizeof(root), "%s/bw-test-scan-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	CHECK(bw_rules_open(&rules, NULL) == BW_OK);
	if (rules) {
		test_dovecot_maildir(rules);
		test_plain_directory(rules);
		test_descriptors(rules);
		test_arguments(rules);
	}
	bw_rules_free(rules);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return check_done();
}
