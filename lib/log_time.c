/*
 * log_time.c - the head of a log line: time stamp, host and program.
 *
 * Forms read:
 *   "Dec  2 05:31:37 mail postfix/smtp[123]: msg"      classic syslog (local
 *                                                       time, year inferred)
 *   "2026-12-02T05:31:37.123+01:00 mail postfix/smtp[123]: msg"
 *                                                       RFC 3339 (rsyslog,
 *                                                       journalctl -o short-iso)
 *   "2026-12-02 05:31:37 1tGZ9A-0001Qx-7b => ..."      Exim's main log (local
 *                                                       time unless a zone follows)
 *   "msg" or "postfix/smtp[123]: msg"                  no stamp (journalctl -o cat)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static int two(const char *s)
{
	if (!bw_isdigit((unsigned char)s[0]) || !bw_isdigit((unsigned char)s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void bw_log__clock_init(bw_log_clock *c, long long ref)
{
	time_t t = (time_t)(ref > 0 ? ref : (long long)time(NULL));
	struct tm tm;

	memset(c, 0, sizeof(*c));
	c->ref = (long long)t;
	localtime_r(&t, &tm);
	c->ref_year = tm.tm_year + 1900;
	c->cache[0].key = c->cache[1].key = -1;
}

/* Epoch seconds of a local civil time; mktime once per hour of the log
 * (time zone changes happen on whole hours). */
static long long local_time(bw_log_clock *c, int y, int mo, int d, int h, int mi, int s)
{
	int key = ((y * 13 + mo) * 32 + d) * 24 + h, i;
	struct tm tm;

	for (i = 0; i < 2; i++)
		if (c->cache[i].key == key)
			return c->cache[i].t + mi * 60 + s;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_isdst = -1;
	c->cache[1] = c->cache[0];
	c->cache[0].key = key;
	c->cache[0].t = (long long)mktime(&tm);
	return c->cache[0].t + mi * 60 + s;
}

/* "hh:mm:ss" at s; false if not. */
static bool hms(const char *s, int *h, int *mi, int *sec)
{
	if (s[2] != ':' || s[5] != ':')
		return false;
	*h = two(s);
	*mi = two(s + 3);
	*sec = two(s + 6);
	return *h >= 0 && *h < 24 && *mi >= 0 && *mi < 60 && *sec >= 0 && *sec <= 60;
}

/* "Mmm dd hh:mm:ss " at line: returns the length, 0 if not. */
static size_t syslog_stamp(bw_log_clock *c, const char *s, long long *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int mo, d, h, mi, sec, y;
	const char *p;
	size_t i;

	for (mo = 0; mo < 12; mo++)
		if (strncmp(s, months + 3 * mo, 3) == 0)
			break;
	if (mo == 12 || s[3] != ' ')
		return 0;
	p = s + 4;
	if (*p == ' ' && bw_isdigit((unsigned char)p[1]))
		d = p[1] - '0', p += 2;
	else if ((d = two(p)) >= 0)
		p += 2;
	else if (bw_isdigit((unsigned char)*p))
		d = *p - '0', p += 1;
	else
		return 0;
	if (*p != ' ' || d < 1 || d > 31 || !hms(p + 1, &h, &mi, &sec))
		return 0;
	p += 9;
	if (*p == '.')         /* fractional seconds (rsyslog high precision without year) */
		for (p++; bw_isdigit((unsigned char)*p); p++)
			;
	i = (size_t)(p - s);
	y = c->ref_year;
	*t = local_time(c, y, mo + 1, d, h, mi, sec);
	if (*t > c->ref + 86400)
		*t = local_time(c, y - 1, mo + 1, d, h, mi, sec);
	return i;
}

/* "YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|+hhmm| +hhmm]" at s. */
static size_t iso_stamp(bw_log_clock *c, const char *s, long long *t)
{
	int y, mo, d, h, mi, sec, sign, oh, om;
	const char *p = s + 19, *z;

	if (two(s) < 0 || two(s + 2) < 0 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' '))
		return 0;
	y = two(s) * 100 + two(s + 2);
	mo = two(s + 5);
	d = two(s + 8);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || !hms(s + 11, &h, &mi, &sec))
		return 0;
	if (*p == '.' || *p == ',')
		for (p++; bw_isdigit((unsigned char)*p); p++)
			;
	z = (*p == ' ' && (p[1] == '+' || p[1] == '-') && bw_isdigit((unsigned char)p[2])) ? p + 1 : p;
	if (*z == 'Z') {
		*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
		return (size_t)(z + 1 - s);
	}
	if ((*z == '+' || *z == '-') && (oh = two(z + 1)) >= 0) {
		const char *q = z + 3;
		sign = *z == '-' ? -1 : 1;
		if (*q == ':')
			q++;
		if ((om = two(q)) < 0)
			om = 0;
		else
			q += 2;
		*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
		     sign * (oh * 3600 + om * 60);
		return (size_t)(q - s);
	}
	*t = local_time(c, y, mo, d, h, mi, sec);
	return (size_t)(p - s);
}

/* "name[pid]: " or "name: " at s, a program without spaces; returns the
 * length of the whole (with ": "), 0 if not; *plen the name's length. */
static size_t program(const char *s, size_t *plen, bool bare)
{
	const char *p = s;
	bool slash = false;

	while (*p && *p != ' ' && *p != '[' && *p != ':')
		slash |= *p++ == '/';
	/* Without a stamp, "3F2A1C0D2E: to=<...>" is a message, not a program. */
	if (p == s || (bare && !slash && *p != '['))
		return 0;
	*plen = (size_t)(p - s);
	if (*p == '[') {
		while (*p && *p != ']' && *p != ' ')
			p++;
		if (*p != ']')
			return 0;
		p++;
	}
	if (p[0] != ':' || (p[1] != ' ' && p[1] != '\0'))
		return 0;
	return (size_t)(p + (p[1] ? 2 : 1) - s);
}

void bw_log__head(bw_log_clock *c, const char *line, bw_log_head *h)
{
	const char *p = line, *host;
	size_t n, plen;

	memset(h, 0, sizeof(*h));
	h->time = -1;
	if ((n = syslog_stamp(c, p, &h->time)) == 0)
		n = iso_stamp(c, p, &h->time);
	p += n;
	while (*p == ' ')
		p++;
	h->msg = p;
	if (n) {
		/* host then program, or (Exim's main log) the message itself */
		host = p;
		while (*p && *p != ' ')
			p++;
		if (*p == ' ' && (n = program(p + 1, &plen, false)) != 0) {
			h->host = host;
			h->host_len = (size_t)(p - host);
			h->prog = p + 1;
			h->prog_len = plen;
			h->msg = p + 1 + n;
		}
	} else if ((n = program(p, &plen, true)) != 0) {
		h->prog = p;
		h->prog_len = plen;
		h->msg = p + n;
	}
}

void bw_log__iso(long long t, char *buf)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
