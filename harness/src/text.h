/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text from outside (a result's strings, file names) made safe for where it
 * is printed: a terminal, Markdown, JSON.  A result is data, never markup
 * or terminal control: an escape sequence in a reason's name must not move
 * the cursor, a '|' must not end a table cell, a newline must not end a row.
 * Helpers here write only to the stream they are given.
 */
#ifndef EXITSCOPE_TEXT_H
#define EXITSCOPE_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* At most this many text_term() results are valid at once: one printf's worth. */
#define TEXT_SLOTS 16
#define TEXT_SLOT_SIZE 1024

/*
 * @in with every control character (C0, DEL, C1) and every byte that is not
 * part of valid UTF-8 replaced by '?', cut at TEXT_SLOT_SIZE - 1 bytes.  The
 * result lives in one of TEXT_SLOTS rotating buffers: use it as an argument,
 * do not keep it.  NULL reads as "".
 */
const char *text_term(const char *in);

/* Whether @in is valid UTF-8 without control characters but tab. */
bool text_is_clean(const char *in);

/*
 * @in as Markdown text that renders as itself, inline and in a table cell:
 * what starts emphasis, code, a link, HTML, an entity or math (\ ` * _ [ ] <
 * > ~ & $) and '|' backslash-escaped; newlines and tabs as spaces, other
 * controls and bytes that are not UTF-8 as '?'.  Never at the start of a
 * line, where '#', '-' or '1.' would start a block.
 */
void text_md(FILE *out, const char *in);

/* @in inside a `code span`: a backtick as ', newlines as spaces, controls as '?'. */
void text_md_code(FILE *out, const char *in);

/* @in as a Markdown link destination: bytes outside [A-Za-z0-9/._~-] percent-encoded. */
void text_md_url(FILE *out, const char *in);

/*
 * A JSON string of @in; bytes that are not valid UTF-8 (a file name can hold
 * any) are written as the four characters \xNN, so nothing is dropped.
 */
json_t *text_json(const char *in);

#endif
