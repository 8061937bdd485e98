/*
 * bench-io.h - what bw-bench.c and gmime-floor.c share: loading input files
 * into memory, timing, peak RSS, and the result line the driver reads.
 */
#ifndef BW_BENCH_IO_H
#define BW_BENCH_IO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct bench_file {
	char *data;
	size_t len;
} bench_file;

/* CPU time of the process (user + system): the machine is shared, and
 * wall time moves with what else runs on it. */
static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long bench_peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Whether bench_load() reads each loaded page once (BW_BENCH_TOUCH=0: no).
 * On a paravirtualised guest such as this machine's, the first access from
 * the program to a page that the kernel filled during read() costs a
 * fault in the hypervisor, unseen by the guest (no minor fault is
 * counted): about 5 us a 4 KiB page, 108 ms for the 85 MB of the multi-MB
 * set, against 0.3 ms for the same reads once done.  Whoever reads a page
 * first pays it, so without this the first timed round of every tool
 * pays for loading its files; with it the clock covers parsing only, as
 * on a machine where read() leaves the pages ready. */
static int bench_touch_wanted(void)
{
	const char *w = getenv("BW_BENCH_TOUCH");

	return !(w && strcmp(w, "0") == 0);
}

/* Reads one byte of every page of f's data. */
static void bench_touch(const bench_file *f)
{
	volatile unsigned char sink = 0;
	size_t i;

	for (i = 0; i < f->len; i += 4096)
		sink ^= (unsigned char)f->data[i];
	(void)sink;
}

static int bench_load(bench_file *f, const char *path)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		if (fp)
			fclose(fp);
		return -1;
	}
	f->len = (size_t)n;
	f->data = malloc(f->len ? f->len : 1);
	if (!f->data || fread(f->data, 1, f->len, fp) != f->len) {
		fprintf(stderr, "cannot read %s\n", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if (bench_touch_wanted())
		bench_touch(f);
	return 0;
}

/* The warm-up: one small fixed bounce (an RFC 3464 report of 1,004 bytes: a
 * text part, a delivery-status part for one recipient, the original's
 * headers) that both programs parse once before their clock starts, so
 * that the timed work is parsing only.  GMime is linked into the floor and
 * initialised by g_mime_init() before its clock; bouncewhy loads and
 * initialises GMime on its first parse (lib/gmime_load.c).  Parsing this
 * message first gives both the same start: GMime loaded and initialised,
 * its parser's, message's and parts' types made (GObject classes are made
 * on first use, in both), and for bouncewhy the lazy per-rule work (a
 * prefilter, a compiled pattern) of the rules that this one message brings
 * up, and no other: what each new message of a set brings up stays inside
 * the clock.  BW_BENCH_WARMUP=0 skips it (the clock then includes the
 * one-off loading, as before the eighth round of issue 14). */
static const char bench_warmup_msg[] =
	"From: MAILER-DAEMON@mail.example.com (Mail Delivery System)\n"
	"To: sender@example.com\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"Date: Mon, 2 Mar 2026 10:00:00 +0000\n"
	"Message-Id: <warmup@mail.example.com>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status;\n"
	"\tboundary=\"W.bounce\"\n"
	"\n"
	"--W.bounce\n"
	"Content-Type: text/plain; charset=us-ascii\n"
	"\n"
	"This is the mail system at host mail.example.com.\n"
	"\n"
	"<user@example.org>: host mx.example.org[198.51.100.1] said: 550 5.1.1\n"
	"    <user@example.org>: Recipient address rejected: User unknown\n"
	"\n"
	"--W.bounce\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mail.example.com\n"
	"\n"
	"Final-Recipient: rfc822; user@example.org\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"Remote-MTA: dns; mx.example.org\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <user@example.org>: Recipient address\n"
	"    rejected: User unknown\n"
	"\n"
	"--W.bounce\n"
	"Content-Type: text/rfc822-headers\n"
	"\n"
	"From: Sender <sender@example.com>\n"
	"To: user@example.org\n"
	"Subject: Hello\n"
	"Message-ID: <orig-warmup@example.com>\n"
	"\n"
	"--W.bounce--\n";

/* Whether to parse bench_warmup_msg before the clock (BW_BENCH_WARMUP=0:
 * no). */
static int bench_warmup_wanted(void)
{
	const char *w = getenv("BW_BENCH_WARMUP");

	return !(w && strcmp(w, "0") == 0);
}

/* One line the driver (bench/run.sh) parses:
 *   RESULT tool set messages bytes seconds peak_rss_kib */
static void bench_result(const char *tool, const char *set, size_t msgs, size_t bytes, double secs)
{
	printf("RESULT %s %s %zu %zu %.6f %ld\n", tool, set, msgs, bytes, secs, bench_peak_rss_kib());
	fprintf(stderr, "%-10s %-10s %8zu msgs %9.1f MB %8.3f s %10.0f msg/s %8.1f MB/s  peak RSS %.1f MiB\n",
	        tool, set, msgs, (double)bytes / 1e6, secs, (double)msgs / secs,
	        (double)bytes / 1e6 / secs, (double)bench_peak_rss_kib() / 1024.0);
}

#endif
