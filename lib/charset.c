/*
 * charset.c - converters kept open (see charset.h).
 */
#include <iconv.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "gmime_load.h"
#include "util.h"

static struct {
	char *name;
	iconv_t cd;                 /* (iconv_t)-1: iconv does not know it */
} pins[BW_CHARSET_PINS];
static size_t n_pins;
static pthread_mutex_t pins_lock = PTHREAD_MUTEX_INITIALIZER;

/* With the lock held: keeps `name` pinned, unless it is or cannot be. */
static void pin_name(const char *name)
{
	size_t i;

	for (i = 0; i < n_pins; i++)
		if (strcmp(pins[i].name, name) == 0)
			return;
	if (n_pins == BW_CHARSET_PINS || !(pins[n_pins].name = bw_strdup(name)))
		return;
	pins[n_pins].cd = iconv_open("UTF-8", name);
	n_pins++;
}

void bw_charset__pin(const char *charset, size_t len, bool gmime)
{
	char name[64];
	const char *gm;

	if (!charset || !len || len >= sizeof(name))
		return;
	memcpy(name, charset, len);
	name[len] = '\0';
	pthread_mutex_lock(&pins_lock);
	pin_name(name);
	gm = gmime ? g_mime_charset_iconv_name(name) : NULL;
	if (gm && strcmp(gm, name) != 0)
		pin_name(gm);
	pthread_mutex_unlock(&pins_lock);
}
