/*
 * test-jsonw.c - the JSON writer (lib/jsonw.c) against cJSON: the same
 * documents built as a cJSON tree and written through the writer must
 * give the same bytes, compact (cJSON_PrintUnformatted) and pretty
 * (cJSON_Print), for every byte in strings, for numbers at the edges of
 * cJSON's formats, and for nesting of every kind; then the log's layouts
 * and the sink.  This test is the one place outside the library's
 * parser where cJSON is linked: it pins the writer to cJSON's format.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bouncewhy.h"
#include "check.h"
#include "jsonw.h"

/* Writes a cJSON tree through the writer, member by member. */
static void write_tree(bw_jsonw *w, const cJSON *j)
{
	const cJSON *c;

	if (cJSON_IsObject(j)) {
		bw_jsonw__begin_object(w);
		for (c = j->child; c; c = c->next) {
			bw_jsonw__key(w, c->string);
			write_tree(w, c);
		}
		bw_jsonw__end_object(w);
	} else if (cJSON_IsArray(j)) {
		bw_jsonw__begin_array(w);
		for (c = j->child; c; c = c->next)
			write_tree(w, c);
		bw_jsonw__end_array(w);
	} else if (cJSON_IsString(j)) {
		bw_jsonw__string(w, j->valuestring);
	} else if (cJSON_IsNumber(j)) {
		bw_jsonw__number(w, j->valuedouble);
	} else if (cJSON_IsBool(j)) {
		bw_jsonw__bool(w, cJSON_IsTrue(j));
	} else {
		bw_jsonw__null(w);
	}
}

static char *written(const cJSON *j, bw_jsonw_layout layout)
{
	bw_jsonw w;
	char *out = NULL;

	bw_jsonw__init(&w, layout, NULL, NULL);
	write_tree(&w, j);
	if (bw_jsonw__finish(&w, &out) != BW_OK)
		return NULL;
	return out;
}

static int mismatches;

/* Compares both layouts with cJSON's, then frees the tree. */
static void same_as_cjson(cJSON *j, const char *what)
{
	char *want[2], *got[2];
	int i;

	want[0] = cJSON_PrintUnformatted(j);
	want[1] = cJSON_Print(j);
	got[0] = written(j, BW_JSONW_COMPACT);
	got[1] = written(j, BW_JSONW_TABS);
	for (i = 0; i < 2; i++) {
		bool same = want[i] && got[i] && strcmp(want[i], got[i]) == 0;
		CHECK(same);
		if (!same && mismatches++ < 5)
			fprintf(stderr, "%s (%s):\n cJSON: %s\nwriter: %s\n", what,
			        i ? "pretty" : "compact", want[i] ? want[i] : "(null)",
			        got[i] ? got[i] : "(null)");
		cJSON_free(want[i]);
		free(got[i]);
	}
	cJSON_Delete(j);
}

static void strings(void)
{
	char s[4];
	int c;

	/* every byte alone, and between other characters */
	for (c = 1; c < 256; c++) {
		cJSON *o = cJSON_CreateObject();
		s[0] = (char)c;
		s[1] = '\0';
		cJSON_AddStringToObject(o, s, s);
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'z';
		s[3] = '\0';
		cJSON_AddStringToObject(o, "k", s);
		same_as_cjson(o, "byte in a string");
	}
	/* every byte at every place of strings longer than a word */
	for (c = 1; c < 256; c++) {
		char longer[40];
		size_t at, len;

		for (len = 8; len < sizeof(longer); len += 9)
			for (at = 0; at < len; at++) {
				memset(longer, 'a' + (int)(at % 26), len);
				longer[len] = '\0';
				longer[at] = (char)c;
				if (at + 2 < len && c < 0x20)
					longer[at + 2] = '"';
				same_as_cjson(cJSON_CreateString(longer), "byte in a longer string");
			}
	}
	{
		/* long strings of random bytes */
		char big[3000];
		unsigned x = 12345;
		size_t i, k;

		for (k = 0; k < 50; k++) {
			size_t len = (k * 977) % sizeof(big);
			for (i = 0; i < len; i++) {
				x = x * 1103515245u + 12345u;
				big[i] = (char)((x >> 16) % (k % 3 ? 255 : 40) + 1);
			}
			big[len] = '\0';
			same_as_cjson(cJSON_CreateString(big), "random long string");
		}
	}
	same_as_cjson(cJSON_CreateString(""), "empty string");
	same_as_cjson(cJSON_CreateString("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac / <\\/> \"q\" \x7f \xff\xfe"),
	              "UTF-8, slash, DEL and stray bytes");
	same_as_cjson(cJSON_CreateString("\x01\x02\x1f\t\n\r\b\f\\\"end"), "escapes in a row");
}

static void numbers(void)
{
	static const double v[] = {
		0, -0.0, 1, -1, 42, 100, 1e6, 123456789, 2147483646, 2147483647, 2147483648.0,
		-2147483647, -2147483648.0, -2147483649.0, 4294967296.0, 1e15, 1e16, 1e17,
		9007199254740993.0, 1e20, 1e300, -1e300, 0.5, -0.5, 0.1, 0.2, 0.3, 1.0 / 3,
		2.0 / 3, 1e-5, 1e-7, 1e-300, 5e-324, DBL_MAX, -DBL_MAX, DBL_MIN, 3.14159265358979,
		0.1 + 0.2, 95.5, 99.99, 1234.5678, 2147483646.5, -2147483647.5, 1.7976931348623157e308,
	};
	size_t i;
	cJSON *a = cJSON_CreateArray();

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
		same_as_cjson(cJSON_CreateNumber(v[i]), "number");
	}
	same_as_cjson(a, "numbers in an array");
	same_as_cjson(cJSON_CreateNumber(NAN), "NaN");
	same_as_cjson(cJSON_CreateNumber(INFINITY), "infinity");
	same_as_cjson(cJSON_CreateNumber(-INFINITY), "-infinity");
	/* a spread of magnitudes and fractions */
	for (i = 0; i < 2000; i++) {
		double x = ((double)(i * 7919 % 10007) - 5000.0) / (double)(i % 97 + 1);
		int e;

		for (e = 0; e < (int)(i % 41); e++)
			x = e < 20 ? x / 10 : x * 1000;
		same_as_cjson(cJSON_CreateNumber(x), "spread number");
	}
}

static cJSON *scalar(unsigned k)
{
	switch (k % 6) {
	case 0: return cJSON_CreateString("s\tv");
	case 1: return cJSON_CreateNumber((double)k);
	case 2: return cJSON_CreateTrue();
	case 3: return cJSON_CreateFalse();
	case 4: return cJSON_CreateNull();
	default: return cJSON_CreateNumber(k / 8.0);
	}
}

/* A deterministic tree of the given depth: objects and arrays, empty and
 * not, holding scalars, objects and arrays. */
static cJSON *tree(unsigned seed, int depth)
{
	bool array = seed & 1;
	unsigned n = (seed >> 1) % 4, i;
	cJSON *j = array ? cJSON_CreateArray() : cJSON_CreateObject();

	for (i = 0; i < n; i++) {
		unsigned s = seed * 2654435761u + i * 40503u + (unsigned)depth;
		cJSON *c = depth > 0 && (s >> 7) % 3 ? tree(s >> 3, depth - 1) : scalar(s >> 5);
		char key[16];

		if (array) {
			cJSON_AddItemToArray(j, c);
		} else {
			snprintf(key, sizeof(key), "k%u", i);
			cJSON_AddItemToObject(j, key, c);
		}
	}
	return j;
}

static void nesting(void)
{
	unsigned seed;
	cJSON *o, *a, *e;

	same_as_cjson(cJSON_CreateObject(), "empty object");
	same_as_cjson(cJSON_CreateArray(), "empty array");
	o = cJSON_CreateObject();
	cJSON_AddObjectToObject(o, "empty");
	cJSON_AddArrayToObject(o, "none");
	a = cJSON_AddArrayToObject(o, "objects");
	cJSON_AddItemToArray(a, cJSON_CreateObject());
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "x", "y");
	cJSON_AddItemToObject(e, "inner", cJSON_CreateObject());
	cJSON_AddItemToArray(a, e);
	cJSON_AddItemToArray(a, cJSON_CreateArray());
	same_as_cjson(o, "empty containers in containers");
	for (seed = 0; seed < 3000; seed++)
		same_as_cjson(tree(seed, (int)(seed % 6)), "generated tree");
}

/* The log summary's layouts: two spaces, objects in arrays on their own
 * lines, scalar arrays "[a, b]" (also on one line). */
static void spaces(void)
{
	bw_jsonw w;
	char *out = NULL;
	int flat;

	for (flat = 0; flat < 2; flat++) {
		bw_jsonw__init(&w, flat ? BW_JSONW_SPACES_FLAT : BW_JSONW_SPACES, NULL, NULL);
		bw_jsonw__begin_object(&w);
		bw_jsonw__key(&w, "totals");
		bw_jsonw__begin_object(&w);
		bw_jsonw__key(&w, "n");
		bw_jsonw__uint(&w, 18446744073709551615ull);
		bw_jsonw__end_object(&w);
		bw_jsonw__key(&w, "groups");
		bw_jsonw__begin_array(&w);
		bw_jsonw__begin_object(&w);
		bw_jsonw__key(&w, "domains");
		bw_jsonw__begin_array(&w);
		bw_jsonw__string(&w, "a");
		bw_jsonw__string(&w, "b");
		bw_jsonw__end_array(&w);
		bw_jsonw__end_object(&w);
		bw_jsonw__begin_object(&w);
		bw_jsonw__key(&w, "t");
		bw_jsonw__int(&w, -5);
		bw_jsonw__end_object(&w);
		bw_jsonw__end_array(&w);
		bw_jsonw__key(&w, "empty");
		bw_jsonw__begin_array(&w);
		bw_jsonw__end_array(&w);
		bw_jsonw__end_object(&w);
		CHECK(bw_jsonw__finish(&w, &out) == BW_OK);
		CHECK_STR(out, flat
		  ? "{\"totals\":{\"n\":18446744073709551615},\"groups\":[{\"domains\":[\"a\", \"b\"]},"
		    "{\"t\":-5}],\"empty\":[]}"
		  : "{\n  \"totals\": {\n    \"n\": 18446744073709551615\n  },\n  \"groups\": [\n"
		    "    {\n      \"domains\": [\"a\", \"b\"]\n    },\n    {\n      \"t\": -5\n    }\n  ],\n"
		    "  \"empty\": []\n}");
		free(out);
	}
}

/* bw_jsonw__int and __uint write the digits %lld and %llu make, and the
 * same text as bw_jsonw__number below 10^15 in magnitude (json.c writes
 * the record's integers with them). */
static void integers(void)
{
	static const long long v[] = {
		0, 1, -1, 9, 10, -10, 99, 100, 12345, -98765, 2147483647LL, -2147483648LL,
		999999999999999LL, -999999999999999LL, 1000000000000000LL, 9223372036854775807LL,
		-9223372036854775807LL - 1
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		bw_jsonw w;
		char *out = NULL, want[64];
		int pass;

		for (pass = 0; pass < 3; pass++) {
			bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
			if (pass == 0) {
				bw_jsonw__int(&w, v[i]);
				snprintf(want, sizeof(want), "%lld", v[i]);
			} else if (pass == 1) {
				bw_jsonw__uint(&w, (unsigned long long)v[i]);
				snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
			} else {
				if (v[i] <= -1000000000000000LL || v[i] >= 1000000000000000LL)
					continue;
				bw_jsonw__number(&w, (double)v[i]);
				snprintf(want, sizeof(want), "%lld", v[i]);
			}
			CHECK(bw_jsonw__finish(&w, &out) == BW_OK);
			CHECK_STR(out, want);
			free(out);
		}
	}
}

typedef struct collect {
	char *text;
	size_t len, calls;
	size_t fail_after;   /* 0: never */
} collect;

static int collect_sink(const char *data, size_t len, void *payload)
{
	collect *c = payload;
	char *p;

	if (c->fail_after && c->calls >= c->fail_after)
		return -1;
	c->calls++;
	if (!(p = realloc(c->text, c->len + len + 1)))
		return -1;
	memcpy(p + c->len, data, len);
	c->len += len;
	p[c->len] = '\0';
	c->text = p;
	return 0;
}

/* A long document through a sink: the same text in several pieces; a sink
 * that stops gives BW_EIO and nothing more is written. */
static void sink(void)
{
	collect c = { NULL, 0, 0, 0 };
	bw_jsonw w;
	cJSON *a = cJSON_CreateArray();
	char *want, *out = (char *)"x";
	int i, pass;

	for (i = 0; i < 20000; i++)
		cJSON_AddItemToArray(a, tree((unsigned)i, 2));
	want = cJSON_Print(a);
	for (pass = 0; pass < 2; pass++) {
		bw_jsonw__init(&w, BW_JSONW_TABS, collect_sink, &c);
		write_tree(&w, a);
		if (pass == 0) {
			CHECK(bw_jsonw__finish(&w, &out) == BW_OK);
			CHECK(out == NULL);
			CHECK(c.calls > 2);
			CHECK(c.text && want && strcmp(c.text, want) == 0);
		} else {
			CHECK(bw_jsonw__finish(&w, NULL) == BW_EIO);
			CHECK(c.calls == 1);
		}
		free(c.text);
		c.text = NULL;
		c.len = c.calls = 0;
		c.fail_after = 1;
	}
	cJSON_free(want);
	cJSON_Delete(a);
}

static void misuse(void)
{
	bw_jsonw w;
	char *out = NULL;
	int i;

	bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
	bw_jsonw__begin_array(&w);
	bw_jsonw__key(&w, "k");   /* a key in an array */
	CHECK(bw_jsonw__finish(&w, &out) == BW_EINVALID);
	CHECK(out == NULL);
	bw_jsonw__init(&w, BW_JSONW_COMPACT, NULL, NULL);
	for (i = 0; i <= BW_JSONW_MAX_DEPTH; i++)
		bw_jsonw__begin_array(&w);
	CHECK(bw_jsonw__finish(&w, &out) == BW_EINVALID);
}

int main(void)
{
	strings();
	numbers();
	nesting();
	spaces();
	integers();
	sink();
	misuse();
	return check_done();
}
