// SPDX-License-Identifier: GPL-2.0
/* YAML to and from jansson documents through libyaml (yaml-json.h). */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util.h"
#include "yaml-json.h"

/* Deeper than any job or log holds; a bound on recursion for hostile input. */
#define YAML_DEPTH_MAX 64

/* libyaml's output handler: 1 on success, 0 (and @oom) when the text cannot grow. */
struct yaml_buf {
	struct util_buf text;
	bool oom;
};

static int buf_write(void *data, unsigned char *bytes, size_t size)
{
	struct yaml_buf *b = data;

	if (util_buf_add(&b->text, bytes, size) < 0) {
		b->oom = true;
		return 0;
	}
	return 1;
}

/* YAML 1.1's plain words for null and booleans, as PyYAML resolves them. */
static const char *const yaml_words[] = {
	"~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
	"true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
	NULL,
};

static bool yaml_word(const char *s)
{
	for (const char *const *w = yaml_words; *w; w++)
		if (!strcmp(s, *w))
			return true;
	return false;
}

/* Would a YAML 1.1 reader take plain @s for something other than a string? */
static bool string_needs_quotes(const char *s)
{
	const char *p = s;

	if (!*s || yaml_word(s))
		return true;
	if (*p == '-' || *p == '+')
		p++;
	if (*p == '.')
		p++;
	/* Numbers in every base, sexagesimals (1:20), .inf and .nan all start so. */
	return (*p >= '0' && *p <= '9') || !strcasecmp(p, "inf") || !strcasecmp(p, "nan");
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) ? 0 : -EINVAL;
}

static int emit_scalar(yaml_emitter_t *e, const char *value, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)value, (int)strlen(value),
					  1, 1, style))
		return -ENOMEM;
	return emit(e, &ev);
}

static int emit_node(yaml_emitter_t *e, const json_t *node, int depth);

static int emit_object(yaml_emitter_t *e, const json_t *node, int depth)
{
	const char *key;
	json_t *value;
	yaml_event_t ev;
	int r;

	if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE))
		return -ENOMEM;
	if ((r = emit(e, &ev)) < 0)
		return r;
	/* json_object_foreach() takes a non-const object; it does not change it. */
	json_object_foreach((json_t *)node, key, value) {
		r = emit_scalar(e, key, string_needs_quotes(key) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
								   : YAML_ANY_SCALAR_STYLE);
		if (r < 0 || (r = emit_node(e, value, depth + 1)) < 0)
			return r;
	}
	yaml_mapping_end_event_initialize(&ev);
	return emit(e, &ev);
}

static int emit_array(yaml_emitter_t *e, const json_t *node, int depth)
{
	yaml_event_t ev;
	size_t i;
	int r;

	if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE))
		return -ENOMEM;
	if ((r = emit(e, &ev)) < 0)
		return r;
	for (i = 0; i < json_array_size(node); i++)
		if ((r = emit_node(e, json_array_get(node, i), depth + 1)) < 0)
			return r;
	yaml_sequence_end_event_initialize(&ev);
	return emit(e, &ev);
}

static int emit_node(yaml_emitter_t *e, const json_t *node, int depth)
{
	char number[64];

	if (depth > YAML_DEPTH_MAX)
		return -EINVAL;
	switch (json_typeof(node)) {
	case JSON_OBJECT:
		return emit_object(e, node, depth);
	case JSON_ARRAY:
		return emit_array(e, node, depth);
	case JSON_STRING:
		return emit_scalar(e, json_string_value(node),
				   string_needs_quotes(json_string_value(node))
					   ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
	case JSON_INTEGER:
		snprintf(number, sizeof(number), "%" JSON_INTEGER_FORMAT, json_integer_value(node));
		return emit_scalar(e, number, YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		snprintf(number, sizeof(number), "%.17g", json_real_value(node));
		/* A real that prints as an integer stays a real. */
		if (!strpbrk(number, ".eEin"))
			strcat(number, ".0");
		return emit_scalar(e, number, YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE:
		return emit_scalar(e, "true", YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return emit_scalar(e, "false", YAML_PLAIN_SCALAR_STYLE);
	default:
		return emit_scalar(e, "null", YAML_PLAIN_SCALAR_STYLE);
	}
}

static int emit_document(yaml_emitter_t *e, const json_t *doc)
{
	yaml_event_t ev;
	int r;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if ((r = emit(e, &ev)) < 0)
		return r;
	if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1))
		return -ENOMEM;
	if ((r = emit(e, &ev)) < 0 || (r = emit_node(e, doc, 0)) < 0)
		return r;
	yaml_document_end_event_initialize(&ev, 1);
	if ((r = emit(e, &ev)) < 0)
		return r;
	yaml_stream_end_event_initialize(&ev);
	return emit(e, &ev);
}

int yaml_emit_json(const json_t *doc, char **text)
{
	struct yaml_buf b = { 0 };
	yaml_emitter_t e;
	int r;

	*text = NULL;
	if (!yaml_emitter_initialize(&e))
		return -ENOMEM;
	yaml_emitter_set_output(&e, buf_write, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	r = emit_document(&e, doc);
	if (!r && !yaml_emitter_flush(&e))
		r = -EINVAL;
	yaml_emitter_delete(&e);
	if (b.oom)
		r = -ENOMEM;
	if (r < 0) {
		free(b.text.text);
		return r;
	}
	*text = b.text.text;
	return 0;
}

/* ---- loading ---------------------------------------------------------- */

static bool full_match(const char *pattern, const char *s)
{
	regex_t re;
	bool match;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		return false;
	match = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}

/* A plain scalar as YAML 1.1 resolves it (the forms LAVA's files use). */
static json_t *plain_scalar(const char *s)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					   "on", "On", "ON", NULL };
	char *end;

	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return json_null();
	if (yaml_word(s)) {
		for (const char *const *w = yes; *w; w++)
			if (!strcmp(s, *w))
				return json_true();
		return json_false();
	}
	if (full_match("^[-+]?[0-9]+$", s)) {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && !*end)
			return json_integer(v);
	}
	if (full_match("^[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$", s))
		return json_real(strtod(s, NULL));
	return json_string(s);
}

static json_t *node_json(yaml_document_t *doc, yaml_node_t *node, int depth, char *err,
			 size_t size);

static json_t *mapping_json(yaml_document_t *doc, yaml_node_t *node, int depth, char *err,
			    size_t size)
{
	json_t *obj = json_object();

	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     obj && p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(doc, p->key);
		json_t *value;

		if (!key || key->type != YAML_SCALAR_NODE) {
			snprintf(err, size, "line %zu: a mapping key that is not a scalar",
				 node->start_mark.line + 1);
			json_decref(obj);
			return NULL;
		}
		value = node_json(doc, yaml_document_get_node(doc, p->value), depth + 1, err, size);
		if (!value || json_object_set_new(obj, (const char *)key->data.scalar.value, value)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

static json_t *node_json(yaml_document_t *doc, yaml_node_t *node, int depth, char *err,
			 size_t size)
{
	json_t *arr;

	if (!node || depth > YAML_DEPTH_MAX) {
		snprintf(err, size, "nested deeper than %d levels", YAML_DEPTH_MAX);
		return NULL;
	}
	if (node->type == YAML_SCALAR_NODE) {
		const char *s = (const char *)node->data.scalar.value;
		json_t *v = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_scalar(s)
									       : json_string(s);

		if (!v)
			snprintf(err, size, "line %zu: a scalar that is not UTF-8",
				 node->start_mark.line + 1);
		return v;
	}
	if (node->type == YAML_MAPPING_NODE)
		return mapping_json(doc, node, depth, err, size);
	arr = json_array();
	for (yaml_node_item_t *i = node->data.sequence.items.start;
	     arr && i < node->data.sequence.items.top; i++) {
		json_t *v = node_json(doc, yaml_document_get_node(doc, *i), depth + 1, err, size);

		if (!v || json_array_append_new(arr, v)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *yaml_load_json(const char *text, size_t len, char *err, size_t size)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	json_t *result = NULL;

	snprintf(err, size, "out of memory");
	if (!yaml_parser_initialize(&parser))
		return NULL;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, size, "line %zu: %s", parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return NULL;
	}
	if (!yaml_document_get_root_node(&doc))
		snprintf(err, size, "no YAML document");
	else
		result = node_json(&doc, yaml_document_get_root_node(&doc), 0, err, size);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return result;
}
