/*
 * input.c - turning command-line operands into printed reports: the
 * library's scanner (bw_scan) reads files, directories, Maildirs, mbox
 * files and standard input; this file prints what it yields and shows the
 * progress line.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void cli_progress(bool on, unsigned long messages, unsigned long errors)
{
	static struct timespec last;
	struct timespec now;

	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - last.tv_sec + (now.tv_nsec - last.tv_nsec) / 1e9 < 0.2)
		return;
	last = now;
	fprintf(stderr, "\rbouncewhy: %lu messages, %lu errors", messages, errors);
	fflush(stderr);
}

void cli_progress_end(bool on, unsigned long messages, unsigned long errors)
{
	if (on && messages) {
		fprintf(stderr, "\rbouncewhy: %lu messages, %lu errors\n", messages, errors);
		fflush(stderr);
	}
}

void cli_progress_done(cli_ctx *c)
{
	cli_progress_end(c->progress, c->messages, c->errors);
}

void cli_process(cli_ctx *c, const char *operand)
{
	bw_scan *scan = NULL;
	const bw_scan_item *it;
	int err;

	if (c->write_failed)
		return;
	c->inputs++;
	if (bw_scan_new(&scan, c->rules, &c->popts) < 0 ||
	    (strcmp(operand, "-") == 0 ? bw_scan_add_fd(scan, STDIN_FILENO, "-")
	                               : bw_scan_add_path(scan, operand)) < 0) {
		cli_print_error(c, operand, -1, bw_error_code_last(), bw_error_message());
		bw_scan_free(scan);
		return;
	}
	while (!c->write_failed && (err = bw_scan_next(&it, scan)) != BW_ENOTFOUND) {
		if (err < 0) {
			cli_print_error(c, operand, -1, err, bw_error_message());
			break;
		}
		if (bw_scan_item_report(it))
			cli_print_report(c, bw_scan_item_source(it), bw_scan_item_mbox_index(it),
			                 bw_scan_item_report(it));
		else
			cli_print_error(c, bw_scan_item_source(it), bw_scan_item_mbox_index(it),
			                bw_scan_item_error_code(it), bw_scan_item_error(it));
		cli_progress(c->progress, c->messages, c->errors);
	}
	bw_scan_free(scan);
}
