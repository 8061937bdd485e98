/*
 * bw-bench - throughput and peak memory of libbouncewhy.
 *
 *   bw-bench files SET ROUNDS FILE...   parse every FILE (held in memory)
 *                                       ROUNDS times with bw_parse_buffer()
 *   bw-bench mbox SET PATH              stream an mbox with bw_mbox_* and
 *                                       parse every message
 *   bw-bench gen-synthetic DIR N        write N synthetic bounces returning
 *                                       multi-megabyte originals with
 *                                       attachments (deterministic)
 *   bw-bench gen-mbox PATH MB FILE...   write an mbox of at least MB
 *                                       megabytes from FILEs, cycling
 *   bw-bench gen-recipients PATH N      write one DSN listing N recipients
 *   bw-bench startup NAME N CMD...      run CMD N times, report the mean
 *                                       CPU time of one run
 *
 * Timing covers parsing and JSON serialisation only, not opening the rules,
 * not the warm-up (one small fixed bounce parsed before the clock, as the
 * GMime floor parses it: bench-io.h), not reading files
 * (the JSON is streamed to a byte counter; BW_BENCH_JSON=string makes it
 * one string instead); it is CPU time (bench-io.h).  BW_BENCH_MAX_RCPT raises the recipient
 * limit of bw_parse_buffer() (default 10,000) for the large DSN.
 * Prints a RESULT line (see bench-io.h) for bench/run.sh.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "bench-io.h"

static bw_rules *open_rules(void)
{
	bw_rules *rules = NULL;

	if (bw_rules_open(&rules, NULL) != BW_OK) {
		fprintf(stderr, "bw-bench: cannot open rules: %s\n", bw_error_message());
		exit(3);
	}
	return rules;
}

/* bw_report_write_json()'s callback: counts the bytes (as writing them to
 * a file would, without the file). */
static int count_bytes(const char *data, size_t len, void *payload)
{
	(void)data;
	*(size_t *)payload += len;
	return 0;
}

/* What a caller does with a report: write it out as JSON, streamed as the
 * CLI does (BW_BENCH_JSON=string: as one string, bw_report_to_json()). */
static size_t use_report(const bw_rules *rules, const char *buf, size_t len)
{
	bw_parse_options opts = BW_PARSE_OPTIONS_INIT;
	bw_report *r = NULL;
	char *json = NULL;
	const char *how = getenv("BW_BENCH_JSON");
	size_t n = 0;

	if (getenv("BW_BENCH_MAX_RCPT"))
		opts.max_recipients = (unsigned int)atol(getenv("BW_BENCH_MAX_RCPT"));
	if (bw_parse_buffer(&r, rules, buf, len, &opts) != BW_OK)
		return 0;
	if (how && strcmp(how, "string") == 0) {
		if (bw_report_to_json(&json, r, NULL, 0) == BW_OK)
			n = strlen(json);
		bw_free(json);
	} else if (bw_report_write_json(r, NULL, 0, count_bytes, &n) != BW_OK) {
		n = 0;
	}
	bw_report_free(r);
	return n;
}

/* Before the clock: the warm-up bounce (bench-io.h), parsed and written
 * out as every message is, once. */
static void warm_up(const bw_rules *rules)
{
	if (bench_warmup_wanted() && use_report(rules, bench_warmup_msg, sizeof(bench_warmup_msg) - 1) == 0)
		fprintf(stderr, "bw-bench: the warm-up message gave no report\n");
}

static int cmd_files(const char *set, int rounds, int nfiles, char **paths)
{
	bench_file *files = calloc((size_t)nfiles, sizeof(*files));
	bw_rules *rules = open_rules();
	size_t msgs = 0, bytes = 0, sink = 0;
	double t0;
	int i, k;

	for (i = 0; i < nfiles; i++)
		if (bench_load(&files[i], paths[i]) < 0)
			return 1;
	warm_up(rules);
	t0 = bench_now();
	for (k = 0; k < rounds; k++)
		for (i = 0; i < nfiles; i++) {
			sink += use_report(rules, files[i].data, files[i].len);
			msgs++;
			bytes += files[i].len;
		}
	bench_result("bouncewhy", set, msgs, bytes, bench_now() - t0);
	if (sink == 0)
		fprintf(stderr, "bw-bench: no report was produced\n");
	for (i = 0; i < nfiles; i++)
		free(files[i].data);
	free(files);
	bw_rules_free(rules);
	return 0;
}

static int cmd_mbox(const char *set, const char *path)
{
	bw_rules *rules = open_rules();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bw_mbox *mb = NULL;
	const char *msg;
	size_t len, msgs = 0, bytes = 0;
	double t0;
	int rc;

	if (fd < 0 || bw_mbox_open_fd(&mb, fd, 0) != BW_OK) {
		fprintf(stderr, "bw-bench: cannot open %s\n", path);
		return 1;
	}
	warm_up(rules);
	t0 = bench_now();
	while ((rc = bw_mbox_next(mb, &msg, &len)) != BW_ENOTFOUND) {
		if (rc != BW_OK && rc != BW_ELIMIT) {
			fprintf(stderr, "bw-bench: %s\n", bw_error_message());
			return 1;
		}
		if (rc == BW_OK) {
			use_report(rules, msg, len);
			bytes += len;
		}
		msgs++;
	}
	bench_result("bouncewhy", set, msgs, bytes, bench_now() - t0);
	bw_mbox_free(mb);
	close(fd);
	bw_rules_free(rules);
	return 0;
}

/* ---- deterministic generators ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void put_base64(FILE *f, size_t nbytes)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;

	for (i = 0; i < nbytes; i += 3) {
		uint64_t v = rng();
		fputc(b64[v & 63], f);
		fputc(b64[(v >> 6) & 63], f);
		fputc(b64[(v >> 12) & 63], f);
		fputc(b64[(v >> 18) & 63], f);
		if ((col += 4) >= 76) {
			fputc('\n', f);
			col = 0;
		}
	}
	if (col)
		fputc('\n', f);
}

static void put_words(FILE *f, size_t nbytes)
{
	static const char *const words[] = { "delivery", "report", "quarterly", "the", "invoice",
		"attached", "please", "find", "meeting", "schedule", "a", "of", "and", "numbers",
		"regards", "project", "update", "summary", "customer", "order" };
	size_t col = 0, out = 0;

	while (out < nbytes) {
		const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];
		size_t n = strlen(w);
		if (col + n > 72) {
			fputc('\n', f);
			out++;
			col = 0;
		}
		fputs(w, f);
		fputc(' ', f);
		col += n + 1;
		out += n + 1;
	}
	fputc('\n', f);
}

/* A Postfix-style DSN returning an original of about 1 to 4 MB: a text
 * body, an HTML alternative, a PDF and an image attachment. */
static void write_synthetic(FILE *f, unsigned i)
{
	unsigned nrcpt = 1 + i % 3, k;
	size_t attach = ((size_t)1 << 20) + (size_t)(rng() % (3u << 20));

	fprintf(f, "Return-Path: <>\n"
	        "Received: from mx%u.example.net (mx%u.example.net [192.0.2.%u])\n"
	        "\tby mail.example.com (Postfix) with ESMTP id 4F%05u\n"
	        "\tfor <sender@example.com>; Mon, 2 Mar 2026 10:%02u:00 +0000 (UTC)\n"
	        "From: MAILER-DAEMON@mail.example.com (Mail Delivery System)\n"
	        "To: sender@example.com\n"
	        "Subject: Undelivered Mail Returned to Sender\n"
	        "Date: Mon, 2 Mar 2026 10:%02u:00 +0000 (UTC)\n"
	        "Message-Id: <bounce-%u@mail.example.com>\n"
	        "MIME-Version: 1.0\n"
	        "Content-Type: multipart/report; report-type=delivery-status;\n"
	        "\tboundary=\"B%u.bounce\"\n\n"
	        "This is a MIME-encapsulated message.\n\n"
	        "--B%u.bounce\n"
	        "Content-Description: Notification\n"
	        "Content-Type: text/plain; charset=us-ascii\n\n"
	        "This is the mail system at host mail.example.com.\n\n"
	        "I'm sorry to have to inform you that your message could not\n"
	        "be delivered to one or more recipients. It's attached below.\n\n",
	        i % 7, i % 7, i % 250 + 1, i, i % 60, i % 60, i, i, i);
	for (k = 0; k < nrcpt; k++)
		fprintf(f, "<user%u.%u@example.org>: host mx.example.org[198.51.100.%u] said: 550 5.1.1\n"
		        "    <user%u.%u@example.org>: Recipient address rejected: User unknown in\n"
		        "    virtual mailbox table (in reply to RCPT TO command)\n\n",
		        i, k, k + 1, i, k);
	fprintf(f, "--B%u.bounce\n"
	        "Content-Description: Delivery report\n"
	        "Content-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; mail.example.com\n"
	        "X-Postfix-Queue-ID: 4F%05u\n"
	        "Arrival-Date: Mon, 2 Mar 2026 10:%02u:00 +0000 (UTC)\n", i, i, i % 60);
	for (k = 0; k < nrcpt; k++)
		fprintf(f, "\nFinal-Recipient: rfc822; user%u.%u@example.org\n"
		        "Original-Recipient: rfc822;user%u.%u@example.org\n"
		        "Action: failed\n"
		        "Status: 5.1.1\n"
		        "Remote-MTA: dns; mx.example.org\n"
		        "Diagnostic-Code: smtp; 550 5.1.1 <user%u.%u@example.org>: Recipient address\n"
		        "    rejected: User unknown in virtual mailbox table\n",
		        i, k, i, k, i, k);
	fprintf(f, "\n--B%u.bounce\n"
	        "Content-Description: Undelivered Message\n"
	        "Content-Type: message/rfc822\n\n"
	        "Return-Path: <sender@example.com>\n"
	        "From: Sender <sender@example.com>\n"
	        "To: user%u.0@example.org\n"
	        "Subject: Quarterly report %u\n"
	        "Date: Mon, 2 Mar 2026 09:%02u:00 +0000\n"
	        "Message-ID: <orig-%u@example.com>\n"
	        "List-Id: <news.example.com>\n"
	        "X-Campaign: c%u\n"
	        "MIME-Version: 1.0\n"
	        "Content-Type: multipart/mixed; boundary=\"M%u\"\n\n"
	        "--M%u\n"
	        "Content-Type: multipart/alternative; boundary=\"A%u\"\n\n"
	        "--A%u\n"
	        "Content-Type: text/plain; charset=utf-8\n\n",
	        i, i, i, i % 60, i, i, i, i, i, i);
	put_words(f, 40000 + (size_t)(rng() % 40000));
	fprintf(f, "\n--A%u\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>", i);
	put_words(f, 60000);
	fprintf(f, "</p></body></html>\n\n--A%u--\n\n"
	        "--M%u\n"
	        "Content-Type: application/pdf; name=\"report-%u.pdf\"\n"
	        "Content-Disposition: attachment; filename=\"report-%u.pdf\"\n"
	        "Content-Transfer-Encoding: base64\n\n", i, i, i, i);
	put_base64(f, attach);
	fprintf(f, "\n--M%u\n"
	        "Content-Type: image/png; name=\"chart.png\"\n"
	        "Content-Disposition: attachment; filename=\"chart.png\"\n"
	        "Content-Transfer-Encoding: base64\n\n", i);
	put_base64(f, 300000 + (size_t)(rng() % 400000));
	fprintf(f, "\n--M%u--\n\n--B%u.bounce--\n", i, i);
}

static int cmd_gen_synthetic(const char *dir, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		char path[4096];
		FILE *f;
		snprintf(path, sizeof(path), "%s/synthetic-%03u.eml", dir, i);
		if (!(f = fopen(path, "w"))) {
			perror(path);
			return 1;
		}
		write_synthetic(f, i);
		if (fclose(f) != 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

/* mboxrd: "From " lines (and already quoted ones) get one more ">". */
static void put_mbox_message(FILE *f, const char *p, size_t len, unsigned i)
{
	const char *end = p + len;

	if (len >= 5 && memcmp(p, "From ", 5) == 0) { /* drop an envelope line of its own */
		const char *nl = memchr(p, '\n', len);
		p = nl ? nl + 1 : end;
	}
	fprintf(f, "From MAILER-DAEMON@example.com Mon Mar  2 10:%02u:%02u 2026\n", i / 60 % 60, i % 60);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *q = p;
		size_t ll = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		while (q < p + ll && *q == '>')
			q++;
		if ((size_t)(p + ll - q) >= 5 && memcmp(q, "From ", 5) == 0)
			fputc('>', f);
		fwrite(p, 1, ll, f);
		p += ll;
	}
	if (len && end[-1] != '\n')
		fputc('\n', f);
	fputc('\n', f);
}

static int cmd_gen_mbox(const char *path, size_t mb, int nfiles, char **paths)
{
	bench_file *files = calloc((size_t)nfiles, sizeof(*files));
	FILE *f = fopen(path, "w");
	unsigned i = 0;
	int k;

	if (!f || !files) {
		perror(path);
		return 1;
	}
	for (k = 0; k < nfiles; k++)
		if (bench_load(&files[k], paths[k]) < 0)
			return 1;
	while ((size_t)ftello(f) < mb * 1000000) {
		bench_file *b = &files[i % (unsigned)nfiles];
		put_mbox_message(f, b->data, b->len, i);
		i++;
	}
	for (k = 0; k < nfiles; k++)
		free(files[k].data);
	free(files);
	if (fclose(f) != 0) {
		perror(path);
		return 1;
	}
	fprintf(stderr, "bw-bench: wrote %u messages to %s\n", i, path);
	return 0;
}

/* One Postfix-style DSN failing n recipients (text part, delivery-status
 * part with one group per recipient, the original's headers). */
static int cmd_gen_recipients(const char *path, unsigned long n)
{
	FILE *f = fopen(path, "w");
	unsigned long k;

	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "From: MAILER-DAEMON@mail.example.com (Mail Delivery System)\n"
	        "To: sender@example.com\n"
	        "Subject: Undelivered Mail Returned to Sender\n"
	        "Date: Mon, 2 Mar 2026 10:00:00 +0000 (UTC)\n"
	        "MIME-Version: 1.0\n"
	        "Content-Type: multipart/report; report-type=delivery-status;\n"
	        "\tboundary=\"R.bounce\"\n\n"
	        "--R.bounce\n"
	        "Content-Type: text/plain; charset=us-ascii\n\n"
	        "This is the mail system at host mail.example.com.\n\n"
	        "I'm sorry to have to inform you that your message could not\n"
	        "be delivered to one or more recipients.\n\n"
	        "--R.bounce\n"
	        "Content-Type: message/delivery-status\n\n"
	        "Reporting-MTA: dns; mail.example.com\n");
	for (k = 0; k < n; k++)
		fprintf(f, "\nFinal-Recipient: rfc822; user%lu@example.org\n"
		        "Action: failed\n"
		        "Status: 5.1.1\n"
		        "Remote-MTA: dns; mx.example.org\n"
		        "Diagnostic-Code: smtp; 550 5.1.1 <user%lu@example.org>: Recipient address\n"
		        "    rejected: User unknown in virtual mailbox table\n", k, k);
	fprintf(f, "\n--R.bounce\n"
	        "Content-Type: text/rfc822-headers\n\n"
	        "From: Sender <sender@example.com>\n"
	        "Subject: News\n\n"
	        "--R.bounce--\n");
	if (fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

/* Start-up: the mean CPU time (user + system) of one run of argv. */
static int cmd_startup(const char *name, int n, char **argv)
{
	struct rusage ru;
	double cpu;
	int i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			return 1;
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);

			dup2(null, 0);
			dup2(null, 1);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 127) {
			fprintf(stderr, "bw-bench: %s did not run\n", argv[0]);
			return 1;
		}
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("STARTUP %s %.3f\n", name, cpu / n * 1e3);
	fprintf(stderr, "%-28s start-up %7.1f ms CPU (mean of %d runs)\n", name, cpu / n * 1e3, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "files") == 0)
		return cmd_files(argv[2], atoi(argv[3]), argc - 4, argv + 4);
	if (argc == 4 && strcmp(argv[1], "mbox") == 0)
		return cmd_mbox(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "gen-synthetic") == 0)
		return cmd_gen_synthetic(argv[2], (unsigned)atoi(argv[3]));
	if (argc >= 5 && strcmp(argv[1], "gen-mbox") == 0)
		return cmd_gen_mbox(argv[2], (size_t)atol(argv[3]), argc - 4, argv + 4);
	if (argc == 4 && strcmp(argv[1], "gen-recipients") == 0)
		return cmd_gen_recipients(argv[2], (unsigned long)atol(argv[3]));
	if (argc >= 5 && strcmp(argv[1], "startup") == 0)
		return cmd_startup(argv[2], atoi(argv[3]), argv + 4);
	fprintf(stderr, "usage: bw-bench files SET ROUNDS FILE... | mbox SET PATH |\n"
	        "       gen-synthetic DIR N | gen-mbox PATH MB FILE... |\n"
	        "       gen-recipients PATH N | startup NAME N CMD...\n");
	return 2;
}
