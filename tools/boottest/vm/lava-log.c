// SPDX-License-Identifier: GPL-2.0
/*
 * LAVA's job log, as lava-run writes it: one YAML flow mapping a line,
 * {"dt": TIME, "lvl": LEVEL, "msg": SCALAR|MAPPING|SEQUENCE, ...} (it looks
 * like JSON, but is not: a number kept as a string is written ! "42").
 * The board's console comes as "target" lines (and "feedback" ones while
 * LAVA powers the board off), action results as "results" mappings
 * ({case, result, error_msg, error_type, extra: {label, fail, ...}}), where
 * a download was saved as a "saving as PATH" message.  LAVA wrote every
 * console line with '"' as '\"' (and without CR and ESC): the quote is
 * given back here.  All of it is untrusted: the console lines are what the
 * guest printed.  Parsed with libyaml.
 */
#include <string.h>
#include <yaml.h>

#include "err.h"
#include "vmrun.h"

#define MAX_RECORD	(1L << 20)

static yaml_node_t *get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    k->data.scalar.length == strlen(key) &&
		    !memcmp(k->data.scalar.value, key, k->data.scalar.length))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/* A scalar without NUL bytes, or NULL. */
static const char *str(yaml_node_t *n, size_t *len)
{
	if (!n || n->type != YAML_SCALAR_NODE ||
	    memchr(n->data.scalar.value, '\0', n->data.scalar.length))
		return NULL;
	if (len)
		*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

static const char *str_at(yaml_document_t *d, yaml_node_t *map,
			  const char *key)
{
	return str(get(d, map, key), NULL);
}

/* '\"' -> '"', in place; the new length. */
static size_t unquote(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '"')
			i++;
		s[o++] = s[i];
	}
	return o;
}

int vm_lava_parse(const char *line, size_t len, struct vm_lava_rec *r)
{
	yaml_parser_t parser;
	yaml_document_t *d;
	yaml_node_t *root, *msg, *extra;
	const char *lvl, *s;
	size_t n;

	memset(r, 0, sizeof(*r));
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!len || len > MAX_RECORD || line[0] != '{')
		return -1;
	d = bt_calloc(1, sizeof(*d));
	if (!yaml_parser_initialize(&parser)) {
		free(d);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)line, len);
	if (!yaml_parser_load(&parser, d)) {
		yaml_parser_delete(&parser);
		free(d);
		return -1;
	}
	yaml_parser_delete(&parser);
	r->doc = d;
	root = yaml_document_get_root_node(d);
	lvl = str_at(d, root, "lvl");
	msg = get(d, root, "msg");
	if (!lvl || !msg)
		return 0;

	if (!strcmp(lvl, "target") || !strcmp(lvl, "feedback")) {
		s = str(msg, &n);
		if (s) {
			r->kind = VM_LAVA_CONSOLE;
			r->len = unquote((char *)s, n);
			r->text = s;
		}
	} else if (!strcmp(lvl, "results")) {
		r->rcase = str_at(d, msg, "case");
		r->result = str_at(d, msg, "result");
		if (!r->rcase || !r->result)
			return 0;
		r->kind = VM_LAVA_RESULT;
		r->error_msg = str_at(d, msg, "error_msg");
		r->error_type = str_at(d, msg, "error_type");
		extra = get(d, msg, "extra");
		r->label = str_at(d, extra, "label");
		if (!r->error_msg)
			r->error_msg = str_at(d, extra, "fail");
	} else if (str(msg, &n)) {
		s = str(msg, &n);
		if (n > 10 && !strncmp(s, "saving as ", 10)) {
			r->kind = VM_LAVA_SAVED;
			r->text = s + 10;
			r->len = n - 10;
		} else {
			r->kind = VM_LAVA_MESSAGE;
			r->text = s;
			r->len = n;
		}
	}
	return 0;
}

void vm_lava_rec_free(struct vm_lava_rec *r)
{
	if (r->doc) {
		yaml_document_delete(r->doc);
		free(r->doc);
	}
	memset(r, 0, sizeof(*r));
}
