/* SPDX-License-Identifier: GPL-2.0 */
/*
 * YAML to and from jansson documents, through libyaml: LAVA's job
 * definitions, test definitions and job logs are YAML, the harness's data
 * are jansson trees.  libyaml does the quoting and the escapes; what is left
 * here is the one mapping of scalars between the two.  Helpers here do not
 * print.
 */
#ifndef EXITSCOPE_YAML_JSON_H
#define EXITSCOPE_YAML_JSON_H

#include <stddef.h>

#include <jansson.h>

/*
 * @doc as one block-style YAML document into *@text (NUL-terminated, owned
 * by the caller, free()).  Objects keep their keys' order.  A string that a
 * YAML 1.1 reader would take for another type ("true", "300", "~", "1:20")
 * is double-quoted, so it is read back as the string it is.  0, -ENOMEM, or
 * -EINVAL when libyaml refuses (a string that is not UTF-8).
 */
int yaml_emit_json(const json_t *doc, char **text);

/*
 * The first document of @text (@len bytes) as a new jansson tree, owned by
 * the caller.  Quoted scalars are strings; plain ones are null, booleans,
 * integers or reals when YAML 1.1 reads them so, else strings.  Mapping keys
 * must be scalars.  NULL with @err saying where the text is not YAML, or
 * holds no document.
 */
json_t *yaml_load_json(const char *text, size_t len, char *err, size_t size);

#endif
