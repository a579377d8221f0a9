// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "util.h"

#define PLACEHOLDER_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* One line into @s; 1 for a scenario, 0 for a comment or blank, -EINVAL otherwise. */
static int scenario_parse_line(const char *line, struct scenario *s)
{
	char kernel[16], beside[16];
	int probe_at = 0;
	bool micro;

	line += strspn(line, " \t");
	if (!*line || *line == '#' || *line == '\n')
		return 0;
	memset(s, 0, sizeof(*s));
	if (sscanf(line, "%31s %15s %15s %15s %u %15s %n", s->name, s->stage, kernel, s->l2_kernel,
		   &s->timeout_s, beside, &probe_at) != 6 || !probe_at)
		return -EINVAL;
	if (strcmp(s->stage, "runcmd") && strcmp(s->stage, "bootcmd") && strcmp(s->stage, "init") &&
	    strcmp(s->stage, "micro"))
		return -EINVAL;
	if (strcmp(kernel, "patched") && strcmp(kernel, "stock"))
		return -EINVAL;
	if (strcmp(beside, "-") && strcmp(beside, "neighbor"))
		return -EINVAL;
	/* An L2 kernel for every scenario that boots an L2, none ("-") for the micro stage. */
	micro = !strcmp(s->stage, "micro");
	if (micro ? strcmp(s->l2_kernel, "-") : !scenario_l2_kernel_valid(s->l2_kernel))
		return -EINVAL;
	if (micro)
		s->l2_kernel[0] = '\0';
	s->stock = !strcmp(kernel, "stock");
	s->neighbor = !strcmp(beside, "neighbor");
	snprintf(s->probe, sizeof(s->probe), "%.*s", (int)strcspn(line + probe_at, "\n"),
		 line + probe_at);
	return s->probe[0] && s->timeout_s ? 1 : -EINVAL;
}

int scenario_repeat(struct scenario *s, unsigned int n, char *why, size_t size)
{
	size_t len = strlen(s->probe);
	int r;

	if (!n)
		return 0;
	if (scenario_is_micro(s))
		snprintf(why, size, "'%s' is a micro scenario: no L2, no probe window to repeat",
			 s->name);
	else if (strncmp(s->probe, "run ", 4) || !strncmp(s->probe, "run boot", 8))
		snprintf(why, size, "'%s' takes a snapshot of L2's boot, not a workload's window",
			 s->name);
	else if (s->stock)
		snprintf(why, size, "'%s' runs the stock kernel: its window is the kvm_exit histogram "
			 "over L2's life", s->name);
	else if (strcmp(s->stage, "runcmd"))
		snprintf(why, size, "'%s' runs its probe in stage %s, not runcmd", s->name, s->stage);
	else if (n == 1)
		return 0;
	else {
		r = snprintf(s->probe + len, sizeof(s->probe) - len, " --repeat %u", n);
		if (r >= 0 && (size_t)r < sizeof(s->probe) - len)
			return 0;
		s->probe[len] = '\0';
		snprintf(why, size, "'%s''s probe command is too long for --repeat", s->name);
		return -ENAMETOOLONG;
	}
	return -EINVAL;
}

/* Why @s cannot share a boot with @first, or NULL when it can. */
static const char *shared_refusal(const struct scenario *first, const struct scenario *s)
{
	if (strcmp(s->stage, "runcmd"))
		return "its probe does not run in stage runcmd";
	if (s->stock)
		return "it runs the stock kernel, whose window is the histogram over L2's life";
	if (s->neighbor)
		return "a neighbor VM runs beside its L2";
	if (strcmp(s->l2_kernel, first->l2_kernel))
		return "its L2 kernel differs from the first scenario's";
	return NULL;
}

int scenario_shared(const struct scenario *s, size_t n, char *boot, size_t boot_size,
		    char *why, size_t size)
{
	size_t len = 0;

	if (n < 2 || n > SCENARIO_SHARED_MAX) {
		snprintf(why, size, "one boot serves 2 to %d scenarios, not %zu", SCENARIO_SHARED_MAX,
			 n);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *refusal = shared_refusal(&s[0], &s[i]);
		int r;

		for (size_t j = 0; j < i && !refusal; j++)
			if (!strcmp(s[i].name, s[j].name))
				refusal = "it is named twice";
		if (refusal) {
			snprintf(why, size, "'%s' cannot share L2's boot: %s", s[i].name, refusal);
			return -EINVAL;
		}
		r = snprintf(boot + len, boot_size - len, "%s%s", i ? "+" : "", s[i].name);
		if (r < 0 || (size_t)r >= boot_size - len ||
		    len + (size_t)r >= sizeof(s->name)) {
			snprintf(why, size, "the names joined by '+' must fit %zu characters",
				 sizeof(s->name) - 1);
			return -EINVAL;
		}
		len += (size_t)r;
	}
	return 0;
}

int scenario_windows_yaml(const struct scenario *s, size_t n, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		/* A YAML single-quoted scalar inside sh's arguments: nothing to escape, by refusal. */
		int r;

		if (strpbrk(s[i].probe, "'\"\\") || strpbrk(s[i].name, "'\"\\, "))
			return -EINVAL;
		r = snprintf(out + len, size - len, "%s%s, '%s'", i ? ", " : "", s[i].name,
			     s[i].probe);
		if (r < 0 || (size_t)r >= size - len)
			return -ENAMETOOLONG;
		len += (size_t)r;
	}
	return 0;
}

bool scenario_is_micro(const struct scenario *s)
{
	return !strcmp(s->stage, "micro");
}

bool scenario_l2_kernel_valid(const char *name)
{
	return !strcmp(name, SCENARIO_L2_TRIMMED) || !strcmp(name, SCENARIO_L2_DEBIAN);
}

/* A positive decimal number up to @max at *@p, ending at a space or the end; *@p moves past it. */
static int micro_number(const char **p, unsigned long long max, unsigned long long *value)
{
	char *end;

	if (**p < '1' || **p > '9')
		return -EINVAL;
	*value = strtoull(*p, &end, 10);
	if (*value > max || (*end && *end != ' '))
		return -EINVAL;
	*p = end + strspn(end, " ");
	return 0;
}

/* "cost N [W]": exitmicro cost, N CPUIDs per window, W windows per mode (exitmicro's default). */
static int micro_cost_args(const struct scenario *s, const char *p, char *args, size_t size)
{
	unsigned long long n_cpuid, windows = 0;
	int n;

	if (micro_number(&p, UINT32_MAX, &n_cpuid) || (*p && micro_number(&p, 100, &windows)) || *p)
		return -EINVAL;
	n = snprintf(args, size, "exitmicro.mode=cost exitmicro.k=%llu exitmicro.timeout=%u",
		     n_cpuid, s->timeout_s);
	if (n >= 0 && (size_t)n < size && windows)
		n += snprintf(args + n, size - (size_t)n, " exitmicro.windows=%llu", windows);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* "check MAP K": exitmicro check, the grader through leaf map MAP, K exits per action. */
static int micro_check_args(const struct scenario *s, const char *p, char *args, size_t size)
{
	size_t len = strcspn(p, " ");
	const char *k_at = p + len + strspn(p + len, " ");
	unsigned long long k;
	int n;

	if (!len || strspn(p, "abcdefghijklmnopqrstuvwxyz") < len ||
	    micro_number(&k_at, UINT32_MAX, &k) || *k_at)
		return -EINVAL;
	n = snprintf(args, size, "exitmicro.mode=check exitmicro.abi=%.*s exitmicro.k=%llu "
		     "exitmicro.timeout=%u", (int)len, p, k, s->timeout_s);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int scenario_micro_args(const struct scenario *s, char *args, size_t size)
{
	const char *p = s->probe, *actions;
	char *end;
	unsigned long long k;
	int n;

	if (!strncmp(p, "cost ", 5))
		return micro_cost_args(s, p + 5, args, size);
	if (!strncmp(p, "check ", 6))
		return micro_check_args(s, p + 6, args, size);
	if (*p < '1' || *p > '9')
		return -EINVAL;
	k = strtoull(p, &end, 10);
	if (k > UINT32_MAX || (*end && *end != ' '))
		return -EINVAL;
	actions = end + strspn(end, " ");
	/* Action names, a space between two: they become one comma-separated argument. */
	if (strspn(actions, "abcdefghijklmnopqrstuvwxyz0123456789- ") != strlen(actions))
		return -EINVAL;
	n = snprintf(args, size, "exitmicro.k=%llu exitmicro.timeout=%u%s", k, s->timeout_s,
		     *actions ? " exitmicro.actions=" : "");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	for (size_t len = (size_t)n; *actions; actions++) {
		bool sep = *actions == ' ';

		if (sep && (actions[1] == ' ' || !actions[1]))
			continue;
		if (len + 1 >= size)
			return -ENAMETOOLONG;
		args[len++] = sep ? ',' : *actions;
		args[len] = '\0';
	}
	return 0;
}

int scenario_l2_args(const struct scenario *s, const char *base, const char *append,
		     char *args, size_t size)
{
	bool init = !strcmp(s->stage, "init");
	int n;

	n = snprintf(args, size, "%s%s%s%s%s", base, append ? " " : "", append ? append : "",
		     init ? " init=" SCENARIO_L2_INIT " -- " : "", init ? s->probe : "");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return strpbrk(args, ",\n") ? -EINVAL : 0;
}

int scenario_spec_env(const struct scenario *s, const char *l2_args, unsigned int l2_memory_mib,
		      char *out, size_t size)
{
	bool initrd = !strcmp(s->l2_kernel, SCENARIO_L2_DEBIAN);
	int n = snprintf(out, size,
			 "SCENARIO=%s\nL2_TIMEOUT=%u\nL2_DISK=/dev/vdb\n"
			 "L2_KERNEL=/run/exitscope/l2-vmlinuz\n%s"
			 "L2_KERNEL_ARGS=%s\nL2_MEMORY=%u\nL2_VCPUS=1\nNEIGHBOR=%d\n",
			 s->name, s->timeout_s,
			 initrd ? "L2_INITRD=/run/exitscope/l2-initrd.img\n" : "", l2_args,
			 l2_memory_mib, s->neighbor ? 1 : 0);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

struct scenario_search {
	const char *name;
	struct scenario *s;
	int line;		/* lines seen so far */
};

/* 1 when this line is the scenario searched for, -EINVAL when it does not parse. */
static int scenario_find_line(const char *line, void *arg)
{
	struct scenario_search *search = arg;
	int r;

	search->line++;
	r = scenario_parse_line(line, search->s);
	return r > 0 ? !strcmp(search->s->name, search->name) : r;
}

int scenario_find(const char *cfg, const char *name, struct scenario *s, int *line)
{
	struct scenario_search search = { .name = name, .s = s };
	int r = util_for_each_line(cfg, scenario_find_line, &search);

	if (r < 0)
		*line = search.line;
	return r < 0 ? r : r > 0 ? 0 : -ENOENT;
}

static int scenario_list_line(const char *line, void *out)
{
	struct scenario s;

	if (scenario_parse_line(line, &s) > 0)
		fprintf(out, "  %-8s %s\n", s.name, s.probe);
	return 0;
}

void scenario_list(const char *cfg, FILE *out)
{
	util_for_each_line(cfg, scenario_list_line, out);
}

static const char *pair_value(const char *const *pairs, const char *key, size_t key_len)
{
	for (; pairs[0] && pairs[1]; pairs += 2)
		if (strlen(pairs[0]) == key_len && !strncmp(pairs[0], key, key_len))
			return pairs[1];
	return NULL;
}

char *template_render(const char *template, const char *const *pairs)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool ok = f != NULL;

	for (const char *at = template; ok && *at;) {
		const char *open = strchr(at, '@'), *close = open ? strchr(open + 1, '@') : NULL;
		const char *value;

		if (!close) {
			fputs(at, f);
			break;
		}
		fwrite(at, 1, open - at, f);
		if (close == open + 1 || strspn(open + 1, PLACEHOLDER_CHARS) != (size_t)(close - open - 1)) {
			/* Not a placeholder (an address, a lone @): literal text. */
			fputc('@', f);
			at = open + 1;
			continue;
		}
		value = pair_value(pairs, open + 1, close - open - 1);
		/* A placeholder without a value would reach a guest as literal text. */
		ok = value != NULL;
		if (ok)
			fputs(value, f);
		at = close + 1;
	}
	if (f)
		fclose(f);
	if (!ok) {
		free(text);
		return NULL;
	}
	return text;
}
