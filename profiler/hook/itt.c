// SPDX-License-Identifier: MIT
/*
 * The ITT collector side of libconvprof-hook.so: the few __itt_* functions
 * oneDNN calls, with the structure layouts of ittnotify.h (the loader reads
 * and writes their first fields). See itt.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hook/itt.h"

#define CP_EXPORT __attribute__((visibility("default")))

/* ittnotify.h's layouts: the loader and oneDNN touch only the first fields */
typedef struct cp_itt_domain {
	volatile int flags;	/* non-zero: enabled; oneDNN's macros test it */
	const char *nameA;
	void *nameW;
	int extra1;
	void *extra2;
	struct cp_itt_domain *next;
} cp_itt_domain;

typedef struct cp_itt_string_handle {
	const char *strA;
	void *strW;
	int extra1;
	void *extra2;
	struct cp_itt_string_handle *next;
} cp_itt_string_handle;

typedef struct {
	unsigned long long d1, d2, d3;
} cp_itt_id;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cp_itt_domain *domains;
static cp_itt_string_handle *strings;
static struct cp_itt_ops ops;
static unsigned long ntasks;

/* Both lists live as long as the process: oneDNN keeps the pointers. */
static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The loader binds a collector only if it exports this (ittnotify 2.x API). */
CP_EXPORT const char *__itt_api_version(void)
{
	return "convprof ITT collector 1";
}

CP_EXPORT cp_itt_domain *__itt_domain_create(const char *name)
{
	cp_itt_domain *d;

	pthread_mutex_lock(&lock);
	for (d = domains; d; d = d->next)
		if (d->nameA && name && strcmp(d->nameA, name) == 0)
			break;
	if (!d && (d = calloc(1, sizeof(*d)))) {
		d->flags = 1;
		d->nameA = dup_or_null(name);
		d->next = domains;
		domains = d;
	}
	pthread_mutex_unlock(&lock);
	return d;
}

CP_EXPORT cp_itt_string_handle *__itt_string_handle_create(const char *name)
{
	cp_itt_string_handle *h;

	pthread_mutex_lock(&lock);
	for (h = strings; h; h = h->next)
		if (h->strA && name && strcmp(h->strA, name) == 0)
			break;
	if (!h && (h = calloc(1, sizeof(*h)))) {
		h->strA = dup_or_null(name);
		h->next = strings;
		strings = h;
	}
	pthread_mutex_unlock(&lock);
	return h;
}

CP_EXPORT void __itt_task_begin(const cp_itt_domain *d, cp_itt_id id, cp_itt_id parent,
				cp_itt_string_handle *name)
{
	void (*fn)(void *, const char *, const char *) = ops.task_begin;

	(void)id;
	(void)parent;
	__atomic_fetch_add(&ntasks, 1, __ATOMIC_RELAXED);
	if (fn)
		fn(ops.arg, d ? d->nameA : NULL, name ? name->strA : NULL);
}

CP_EXPORT void __itt_task_end(const cp_itt_domain *d)
{
	void (*fn)(void *, const char *) = ops.task_end;

	if (fn)
		fn(ops.arg, d ? d->nameA : NULL);
}

CP_EXPORT void cp_itt_set_ops(const struct cp_itt_ops *o)
{
	if (o)
		ops = *o;
	else
		memset(&ops, 0, sizeof(ops));
}

CP_EXPORT unsigned long cp_itt_task_count(void)
{
	return __atomic_load_n(&ntasks, __ATOMIC_RELAXED);
}
