// SPDX-License-Identifier: GPL-2.0
/* text.c: a result's strings printed as data, on a terminal, in Markdown and in JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static char *md_of(void (*fn)(FILE *, const char *), const char *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	fn(out, in);
	fclose(out);
	return text;
}

static void assert_md(void (*fn)(FILE *, const char *), const char *in, const char *expected)
{
	char *text = md_of(fn, in);

	assert_string_equal(text, expected);
	free(text);
}

static void test_term_strips_control(void **state)
{
	(void)state;
	assert_string_equal(text_term("cpuid"), "cpuid");
	assert_string_equal(text_term("\x1b[2Jevil"), "?[2Jevil");
	assert_string_equal(text_term("a\nb\tc\rd\x7f"), "a?b?c?d?");
	/* C1 CSI as UTF-8 (U+009B), and a lone 0x9b byte: both acted on by some terminals. */
	assert_string_equal(text_term("x\xc2\x9b" "1m\x9b"), "x?1m?");
	/* Valid UTF-8 stays; overlong and surrogate forms do not. */
	assert_string_equal(text_term("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
	assert_string_equal(text_term("\xc0\xaf\xed\xa0\x80"), "?????");
	assert_string_equal(text_term(NULL), "");
}

static void test_term_slots_last_a_printf(void **state)
{
	const char *first = text_term("one");

	(void)state;
	for (int i = 0; i < TEXT_SLOTS - 1; i++)
		text_term("other");
	assert_string_equal(first, "one");
}

static void test_md_escapes_markup(void **state)
{
	(void)state;
	assert_md(text_md, "cpuid", "cpuid");
	assert_md(text_md, "6.1.192-1 (x)", "6.1.192-1 (x)");
	assert_md(text_md, "a|b", "a\\|b");
	assert_md(text_md, "*x* _y_ `z` [l](u) <img src=x> &amp; $m$ ~s~ \\",
		  "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\<img src=x\\> \\&amp; \\$m\\$ \\~s\\~ \\\\");
	assert_md(text_md, "two\nlines\x1b", "two lines?");
	assert_md(text_md_code, "n`ame\n\x01", "n'ame ?");
}

static void test_md_url(void **state)
{
	(void)state;
	assert_md(text_md_url, "/tmp/my run (1).svg", "/tmp/my%20run%20%281%29.svg");
	assert_md(text_md_url, "a_b-c.d~e", "a_b-c.d~e");
	assert_md(text_md_url, "\xff", "%FF");
}

static void test_json_keeps_every_path(void **state)
{
	json_t *s;

	(void)state;
	s = text_json("res/\xff\xfe.json");
	assert_non_null(s);
	assert_string_equal(json_string_value(s), "res/\\xFF\\xFE.json");
	json_decref(s);
	s = text_json("caf\xc3\xa9");
	assert_string_equal(json_string_value(s), "caf\xc3\xa9");
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_strips_control),
		cmocka_unit_test(test_term_slots_last_a_printf),
		cmocka_unit_test(test_md_escapes_markup),
		cmocka_unit_test(test_md_url),
		cmocka_unit_test(test_json_keeps_every_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
