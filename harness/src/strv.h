/* SPDX-License-Identifier: GPL-2.0 */
/* A growable, NULL-terminated vector of owned strings: argv for exec. */
#ifndef EXITSCOPE_STRV_H
#define EXITSCOPE_STRV_H

#include <stddef.h>

struct strv {
	char **v;	/* always NULL-terminated once anything was added */
	size_t n;
	size_t cap;
};

/* Each returns 0 or -ENOMEM; on -ENOMEM the vector is unchanged. */
int strv_add(struct strv *sv, const char *s);
int strv_addf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds every string of a NULL-terminated list. */
int strv_addv(struct strv *sv, const char *const *list);
/* One line, words separated by spaces, for --dry-run and logs; NULL on ENOMEM. */
char *strv_join(const struct strv *sv);
void strv_free(struct strv *sv);

#endif
