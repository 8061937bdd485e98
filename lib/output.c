/*
 * output.c - a sequence of records framed for a program or a person
 * (bw_output_*): one JSON array, NDJSON lines, or the text of
 * bw_report_to_text() one report after another.  The CLI and the Python
 * module print through it, so the framing exists once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bouncewhy.h"
#include "error.h"
#include "text.h"
#include "util.h"

struct bw_output {
	bw_output_format format;
	unsigned int flags;
	bw_write_cb write;
	void *payload;
	bool first;            /* no record written yet */
	bool broken;           /* a record was cut off: nothing more is written */
	bool finished;         /* bw_output_finish() was called */
};

/* One record's writing: the separator and "mbox_index" go out with its
 * first byte, so a record that fails before writing anything leaves the
 * stream as it was. */
typedef struct record {
	bw_output *o;
	long index;
	bool started;
} record;

static int put(bw_output *o, const char *s, size_t len)
{
	return len && o->write(s, len, o->payload) != 0 ? BW_EIO : BW_OK;
}

static int record_write(const char *data, size_t len, void *payload)
{
	record *rec = payload;
	bw_output *o = rec->o;
	char head[48];

	if (!rec->started && len) {
		rec->started = true;
		if (o->format == BW_OUTPUT_JSON && !o->first && put(o, ",\n", 2) < 0)
			return 1;
		o->first = false;
		if (rec->index >= 0 && data[0] == '{') {
			int n = snprintf(head, sizeof(head), "{\"mbox_index\":%ld,", rec->index);

			if (put(o, head, (size_t)n) < 0)
				return 1;
			data++;
			len--;
		}
	}
	return put(o, data, len) < 0;
}

/* After a record: its line end, or the stream marked broken. */
static int record_end(record *rec, int rc)
{
	bw_output *o = rec->o;

	if (rc < 0) {
		if (rec->started)
			o->broken = true;
		return rc;
	}
	if (o->format == BW_OUTPUT_NDJSON && put(o, "\n", 1) < 0) {
		o->broken = true;
		return bw_error__set(BW_EIO, "the output refused a record");
	}
	return BW_OK;
}

/* Writes a rendered record (rc: how the rendering went), then frees it. */
static int put_text(record *rec, int rc, char *text)
{
	if (rc >= 0) {
		rc = record_write(text, strlen(text), rec) ? bw_error__set(BW_EIO, "the output refused a record")
		                                           : BW_OK;
		bw_free(text);
	}
	return record_end(rec, rc);
}

int bw_output_new(bw_output **out, bw_output_format format, unsigned int flags,
                  bw_write_cb write, void *payload)
{
	bw_output *o;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_output_new: NULL argument");
	*out = NULL;
	if (!write || format < BW_OUTPUT_TEXT || format > BW_OUTPUT_NDJSON)
		return bw_error__set(BW_EINVALID, "bw_output_new: no writer or an unknown format");
	if (!(o = calloc(1, sizeof(*o))))
		return bw_error__set(BW_ENOMEM, "out of memory");
	o->format = format;
	o->flags = flags;
	o->write = write;
	o->payload = payload;
	o->first = true;
	if (format == BW_OUTPUT_JSON && put(o, "[\n", 2) < 0) {
		free(o);
		return bw_error__set(BW_EIO, "the output refused the opening of the array");
	}
	*out = o;
	return BW_OK;
}

int bw_output_report(bw_output *o, const bw_report *report, const char *source, long mbox_index)
{
	record rec = { o, mbox_index, false };
	unsigned int json = 0;
	char *text = NULL;

	if (!o || !report)
		return bw_error__set(BW_EINVALID, "bw_output_report: NULL argument");
	if (o->broken || o->finished)
		return bw_error__set(BW_EIO, o->finished ? "the output is finished"
		                     : "the output was cut off by an earlier error");
	if (o->format == BW_OUTPUT_TEXT) {
		int rc = bw_report_to_text(&text, report, source, mbox_index,
		                           (o->flags & BW_OUTPUT_EXPLAIN) ? BW_TEXT_EXPLAIN : 0);
		return put_text(&rec, rc, text);
	}
	if (o->flags & BW_OUTPUT_EXPLAIN)
		json |= BW_JSON_EVIDENCE;
	if (o->format == BW_OUTPUT_JSON)
		json |= BW_JSON_PRETTY;
	/* Streamed: a report with many recipients is never held as text. */
	return record_end(&rec, bw_report_write_json(report, source, json, record_write, &rec));
}

int bw_output_error(bw_output *o, const char *source, long mbox_index, int code,
                    const char *message)
{
	record rec = { o, mbox_index, false };
	char *text = NULL;

	if (!o)
		return bw_error__set(BW_EINVALID, "bw_output_error: NULL argument");
	if (o->broken || o->finished)
		return bw_error__set(BW_EIO, o->finished ? "the output is finished"
		                     : "the output was cut off by an earlier error");
	if (o->format == BW_OUTPUT_TEXT) {
		int rc = bw_error_to_text(&text, source, mbox_index, message);

		return put_text(&rec, rc, text);
	}
	return record_end(&rec, bw_error_write_json(source, code, message,
	                  o->format == BW_OUTPUT_JSON ? BW_JSON_PRETTY : 0, record_write, &rec));
}

int bw_output_finish(bw_output *o)
{
	if (!o)
		return bw_error__set(BW_EINVALID, "bw_output_finish: NULL argument");
	if (o->broken)
		return bw_error__set(BW_EIO, "the output was cut off by an earlier error");
	if (o->finished)
		return bw_error__set(BW_EINVALID, "bw_output_finish: called twice");
	o->finished = true;
	if (o->format == BW_OUTPUT_JSON) {
		const char *end = o->first ? "]\n" : "\n]\n";

		if (put(o, end, strlen(end)) < 0)
			return bw_error__set(BW_EIO, "the output refused the end of the array");
	}
	return BW_OK;
}

void bw_output_free(bw_output *o)
{
	free(o);
}

/* The source named on one line, escaped as the text report escapes what it
 * prints (bw_text__unsafe_at): control characters and bytes that are not
 * UTF-8 as \xHH; valid UTF-8 as it is. */
static void put_escaped(bw_buf *b, const char *s)
{
	bw_text__put_terminal(b, s, strlen(s));
}

int bw_error_line(char **out, const char *source, long mbox_index, const char *message)
{
	bw_buf b = BW_BUF_INIT;

	if (!out)
		return bw_error__set(BW_EINVALID, "bw_error_line: out is NULL");
	*out = NULL;
	bw_buf__puts(&b, "bouncewhy: ");
	put_escaped(&b, source ? source : "-");
	if (mbox_index >= 0)
		bw_buf__printf(&b, " (mbox_index %ld)", mbox_index);
	bw_buf__printf(&b, ": %s\n", message ? message : "");
	if (b.oom || !(*out = bw_buf__detach(&b))) {
		bw_buf__free(&b);
		return bw_error__set(BW_ENOMEM, "out of memory");
	}
	return BW_OK;
}
