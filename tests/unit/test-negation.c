/*
 * test-negation.c - causes a reply denies are hidden from the rules
 * (lib/rules/rules_negation.c, rules/vocabulary/negation.vocab), and only
 * those: words that state a real cause after "not" stay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rules/rules_impl.h"

static const bw_rules *rules;

/* Every section over the reply, as bw_rules__match() runs them (without
 * their prefilters). */
static char *mask_all(const char *reply, size_t len, char *lower)
{
	char *out = NULL;
	size_t i;

	for (i = 0; i < bw_rules__negation_sections(); i++)
		out = bw_rules__mask_negated(rules, i, reply, len, out, lower);
	return out;
}

/* The reply as the rules read it ("" when nothing is masked). */
static char *masked(const char *reply)
{
	size_t i, len = strlen(reply);
	char *lower = malloc(len + 1), *m, *m2;

	/* with the lower-cased copy to blank and without: the same */
	for (i = 0; lower && i <= len; i++)
		lower[i] = (char)(reply[i] >= 'A' && reply[i] <= 'Z' ? reply[i] - 'A' + 'a' : reply[i]);
	m = mask_all(reply, len, NULL);
	m2 = lower ? mask_all(reply, len, lower) : NULL;
	CHECK((m == NULL) == (m2 == NULL));
	if (m) {
		CHECK(strlen(m) == len);   /* same offsets for the evidence */
		CHECK(m2 && strcmp(m, m2) == 0);
		for (i = 0; lower && i < len; i++)   /* blanked in the lower-cased copy too */
			CHECK(m[i] != ' ' || lower[i] == ' ');
	}
	free(m2);
	free(lower);
	return m;
}

/* `hidden` is gone from the reply and `kept` is still there. */
static void denies(const char *reply, const char *hidden, const char *kept)
{
	char *m = masked(reply);

	CHECK(m != NULL);
	if (m) {
		if (strstr(m, hidden))
			fprintf(stderr, "not hidden: '%s' in '%s'\n", hidden, m);
		CHECK(strstr(m, hidden) == NULL);
		CHECK(!kept || strstr(m, kept) != NULL);
	}
	free(m);
}

static void denies_nothing(const char *reply)
{
	char *m = masked(reply);

	if (m)
		fprintf(stderr, "masked: '%s'\n", m);
	CHECK(m == NULL);
	free(m);
}

int main(void)
{
	bw_rules *r = NULL;

	if (bw_rules_open(&r, NULL) < 0) {
		fprintf(stderr, "rules: %s\n", bw_error_message());
		return 1;
	}
	rules = r;
	denies("550 5.1.1 User unknown. This is not a block list issue.", "block list", "User unknown");
	denies("554 Your IP is not listed; the body was scored as spam", "listed", "scored as spam");
	denies("550 5.6.0 Bad MIME. It is not a spam or virus decision.", "virus", "Bad MIME");
	denies("550 Not spam, not a virus: .docm files are refused by policy", "spam", "refused by policy");
	denies("450 Rate limited. If you think this is a block list problem, it is not.", "block list",
	       "Rate limited");
	denies("454 STARTTLS failed; SPF, DKIM and DMARC were never evaluated", "DKIM", "STARTTLS failed");
	denies("550 El buzón no existe; su IP no aparece en ninguna lista negra", "lista negra", "no existe");
	denies("550 Empfänger unbekannt, kein Spam", "Spam", "unbekannt");
	denies("550 宛先は存在しません。スパム判定ではありません", "スパム", "存在しません");
	/* "not" that states the cause itself, and "no spam" as a refusal */
	denies_nothing("550 5.1.1 <a@example.com> is not listed in LDAP");
	denies_nothing("554 No spam accepted here");
	denies_nothing("550 Mail not accepted from blacklisted IPs");
	denies_nothing("550 5.7.1 Sender not authorized to send for this domain");
	denies_nothing("550 Address not found");
	bw_rules_free(r);
	return check_done();
}
