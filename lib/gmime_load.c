/*
 * gmime_load.c - GMime's library opened on first need (gmime_load.h).
 */
#define BW_GMIME_LOAD_SELF
#include "gmime_load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "bouncewhy.h"
#include "error.h"

#ifndef BW_GMIME_SONAME
#define BW_GMIME_SONAME "libgmime-3.0.so.0"
#endif

struct bw_gmime_fns bw_gmime__fn;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool loaded;
static char load_error[256];   /* why not, for every thread that asks */

/* dlsym's answer stored through a void pointer: ISO C has no conversion
 * from void * to a function pointer, POSIX guarantees this one. */
static bool find(void *lib, const char *name, void *slot)
{
	void *f = dlsym(lib, name);

	if (!f) {
		snprintf(load_error, sizeof(load_error), "GMime: %s not found in %s",
		         name, BW_GMIME_SONAME);
		return false;
	}
	*(void **)slot = f;
	return true;
}

static void load(void)
{
	/* RTLD_LOCAL: dlsym on the handle searches GMime and the libraries
	 * it needs (GIO, GObject, GLib), and nothing else sees them */
	void *lib = dlopen(BW_GMIME_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		const char *why = dlerror();

		snprintf(load_error, sizeof(load_error), "GMime could not be loaded: %s",
		         why ? why : BW_GMIME_SONAME);
		return;
	}
#define BW_GMIME_FIND(name) if (!find(lib, #name, &bw_gmime__fn.name)) return;
	BW_GMIME_FUNCTIONS(BW_GMIME_FIND)
#undef BW_GMIME_FIND
	loaded = true;
}

int bw_gmime__load(void)
{
	pthread_once(&load_once, load);
	return loaded ? BW_OK : bw_error__set(BW_ERROR, "%s", load_error);
}
