/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line options declared once, as a table per command: the same
 * table parses argv and prints the options' lines of the usage, so the two
 * cannot drift apart.  Values land in the command's options struct by
 * offset, so a table can be a static const shared by parse and usage.
 *
 * The contract, for every command: "--name VALUE" or "--name=VALUE" (and
 * "-x VALUE" where a short name is declared), options and operands in any
 * order, "--" ends the options.  Numbers are strict (exsc_parse_u64() of
 * exitscope/number.h, which exitprobe's command line uses too, and
 * opts_parse_decimal()): digits only, no blanks, signs, hex, exponents or
 * overflow, and within the range the table declares, which the error
 * names.  A missing value, an unknown option, a value for a flag: each is
 * one line naming the option, and the caller exits 2.
 *
 * opts_parse() prints that line (it is the command's own parser); the
 * number parsers do not print.
 */
#ifndef EXITSCOPE_OPTS_H
#define EXITSCOPE_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_kind {
	OPT_FLAG,	/* bool, set when given */
	OPT_STRING,	/* const char *, not empty */
	OPT_UINT,	/* unsigned int in [min, max] */
	OPT_U64,	/* uint64_t in [min, max] */
	OPT_SIZE,	/* size_t in [min, max] */
	OPT_DECIMAL,	/* double: digits with an optional fraction, in [min, max] */
	OPT_CHOICE,	/* const char *, one of choices */
	OPT_LIST,	/* struct opt_list: every occurrence, in order, none empty */
};

/* An OPT_LIST's values: pointers into argv, so nothing to free. */
#define OPT_LIST_MAX 8
struct opt_list {
	size_t n;
	const char *v[OPT_LIST_MAX];
};

struct opt {
	const char *name;	/* "timeout" for --timeout; NULL ends the table */
	char short_name;	/* 'o' for -o, or 0 */
	enum opt_kind kind;
	size_t offset;		/* of the value in the command's options struct */
	const char *meta;	/* "S" in "--timeout S"; NULL for a flag */
	const char *help;	/* its line in the usage */
	uint64_t min, max;	/* numbers: the range; OPT_DECIMAL: whole bounds */
	const char *const *choices;	/* OPT_CHOICE: NULL-terminated */
};

/*
 * Parses @argv (argv[0] is the command's name, @cmd as in "kernel build")
 * into @values by @table.  The operands are moved, in order, to argv[1]...;
 * returns how many there are, or -EINVAL after one line on stderr.
 */
int opts_parse(const char *cmd, const struct opt *table, int argc, char **argv, void *values);

/* The table's lines of a usage: "  --timeout S   the help", one per option. */
void opts_usage(FILE *out, const struct opt *table);

/* Digits with at most one '.' and digits after it, in [@min, @max]: 0 or -EINVAL / -ERANGE. */
int opts_parse_decimal(const char *text, double min, double max, double *value);

#endif
