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
	return 0;
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
