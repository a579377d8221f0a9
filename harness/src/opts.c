// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "exitscope/number.h"
#include "opts.h"

int opts_parse_decimal(const char *text, double min, double max, double *value)
{
	size_t whole = strspn(text, "0123456789"), frac = 0;
	double v;

	if (text[whole] == '.')
		frac = strspn(text + whole + 1, "0123456789");
	/* strtod() alone would take " 5", "+5", "0x10", "1e3", "inf" and "nan". */
	if (!whole || text[whole + (text[whole] == '.' ? 1 + frac : 0)] ||
	    (text[whole] == '.' && !frac) || whole > 15)
		return -EINVAL;
	v = strtod(text, NULL);
	if (v < min || v > max)
		return -ERANGE;
	*value = v;
	return 0;
}

static const struct opt *opts_find_long(const struct opt *table, const char *name, size_t len)
{
	for (; table->name; table++)
		if (strlen(table->name) == len && !strncmp(table->name, name, len))
			return table;
	return NULL;
}

static const struct opt *opts_find_short(const struct opt *table, char c)
{
	for (; table->name; table++)
		if (table->short_name && table->short_name == c)
			return table;
	return NULL;
}

/* "6.1 or 6.12", "auto, kvm or tcg" */
static void opts_print_choices(FILE *out, const char *const *choices)
{
	for (size_t i = 0; choices[i]; i++)
		fprintf(out, "%s%s", i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
}

static void opts_print_range(FILE *out, const struct opt *o)
{
	if (o->kind == OPT_DECIMAL)
		fprintf(out, "a number from %llu to %llu (digits, an optional fraction)",
			(unsigned long long)o->min, (unsigned long long)o->max);
	else
		fprintf(out, "a whole number from %llu to %llu", (unsigned long long)o->min,
			(unsigned long long)o->max);
}

static int opts_number(const struct opt *o, const char *text, char *dest)
{
	uint64_t u;
	double d;

	if (o->kind == OPT_DECIMAL) {
		if (opts_parse_decimal(text, (double)o->min, (double)o->max, &d))
			return -EINVAL;
		memcpy(dest, &d, sizeof(d));
		return 0;
	}
	if (exsc_parse_u64(text, o->min, o->max, &u))
		return -EINVAL;
	if (o->kind == OPT_UINT) {
		unsigned int v = (unsigned int)u;

		memcpy(dest, &v, sizeof(v));
	} else if (o->kind == OPT_SIZE) {
		size_t v = (size_t)u;

		memcpy(dest, &v, sizeof(v));
	} else {
		memcpy(dest, &u, sizeof(u));
	}
	return 0;
}

static bool opts_choice_ok(const struct opt *o, const char *text)
{
	for (size_t i = 0; o->choices[i]; i++)
		if (!strcmp(o->choices[i], text))
			return true;
	return false;
}

/* One more value of a repeatable option: 0, or -EINVAL after one line naming it. */
static int opts_append(const char *cmd, const struct opt *o, const char *text,
		       struct opt_list *list)
{
	if (!*text) {
		fprintf(stderr, "exitscope: %s: --%s needs %s, not an empty word\n", cmd, o->name,
			o->meta);
		return -EINVAL;
	}
	if (list->n == OPT_LIST_MAX) {
		fprintf(stderr, "exitscope: %s: --%s is given more than %d times\n", cmd, o->name,
			OPT_LIST_MAX);
		return -EINVAL;
	}
	list->v[list->n++] = text;
	return 0;
}

/* Stores @text as option @o's value: 0, or -EINVAL after one line naming the option. */
static int opts_store(const char *cmd, const struct opt *o, const char *text, void *values)
{
	char *dest = (char *)values + o->offset;

	switch (o->kind) {
	case OPT_STRING:
		if (*text) {
			memcpy(dest, &text, sizeof(text));
			return 0;
		}
		fprintf(stderr, "exitscope: %s: --%s needs %s, not an empty word\n", cmd, o->name,
			o->meta);
		return -EINVAL;
	case OPT_LIST:
		return opts_append(cmd, o, text, (struct opt_list *)(void *)dest);
	case OPT_CHOICE:
		if (opts_choice_ok(o, text)) {
			memcpy(dest, &text, sizeof(text));
			return 0;
		}
		fprintf(stderr, "exitscope: %s: --%s must be ", cmd, o->name);
		opts_print_choices(stderr, o->choices);
		break;
	default:
		if (!opts_number(o, text, dest))
			return 0;
		fprintf(stderr, "exitscope: %s: --%s needs %s, ", cmd, o->name, o->meta);
		opts_print_range(stderr, o);
		break;
	}
	fprintf(stderr, ", not '%s'\n", text);
	return -EINVAL;
}

/* The option at argv[*i]: its value from "=VALUE" or the next word; -EINVAL after one line. */
static int opts_one(const char *cmd, const struct opt *table, int argc, char **argv, int *i,
		    void *values)
{
	const char *arg = argv[*i], *eq = NULL, *value;
	const struct opt *o;

	if (arg[1] == '-') {
		eq = strchr(arg + 2, '=');
		o = opts_find_long(table, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
	} else {
		o = arg[2] ? NULL : opts_find_short(table, arg[1]);
	}
	if (!o) {
		fprintf(stderr, "exitscope: %s: unknown option '%.*s'; see 'exitscope help %.*s'\n",
			cmd, eq ? (int)(eq - arg) : (int)strlen(arg), arg,
			(int)strcspn(cmd, " "), cmd);
		return -EINVAL;
	}
	if (o->kind == OPT_FLAG) {
		if (eq) {
			fprintf(stderr, "exitscope: %s: --%s takes no value\n", cmd, o->name);
			return -EINVAL;
		}
		*(bool *)((char *)values + o->offset) = true;
		return 0;
	}
	value = eq ? eq + 1 : *i + 1 < argc ? argv[*i + 1] : NULL;
	/* "--results --kernel X": the value was forgotten, not "--kernel". */
	if (!value || (!eq && !strncmp(value, "--", 2) && value[2])) {
		fprintf(stderr, "exitscope: %s: --%s needs a value: --%s %s\n", cmd, o->name,
			o->name, o->meta);
		return -EINVAL;
	}
	*i += !eq;
	return opts_store(cmd, o, value, values);
}

int opts_parse(const char *cmd, const struct opt *table, int argc, char **argv, void *values)
{
	int nr = 0;
	bool options = true;

	for (int i = 1; i < argc; i++) {
		if (options && !strcmp(argv[i], "--")) {
			options = false;
		} else if (options && argv[i][0] == '-' && argv[i][1]) {
			if (opts_one(cmd, table, argc, argv, &i, values) < 0)
				return -EINVAL;
		} else {
			/* Only ever moves a word back, over words already consumed. */
			argv[++nr] = argv[i];
		}
	}
	return nr;
}

void opts_usage(FILE *out, const struct opt *table)
{
	for (; table->name; table++) {
		char head[64];
		int n = 0;

		if (table->short_name)
			n = snprintf(head, sizeof(head), "-%c, ", table->short_name);
		snprintf(head + n, sizeof(head) - (size_t)n, "--%s%s%s", table->name,
			 table->meta ? " " : "", table->meta ? table->meta : "");
		fprintf(out, "  %-20s %s\n", head, table->help);
	}
}
