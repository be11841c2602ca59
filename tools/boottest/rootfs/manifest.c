// SPDX-License-Identifier: GPL-2.0
/* Manifest parser: one line per entry, fields separated by blanks. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "manifest.h"
#include "path.h"
#include "strbuf.h"

#define MF_MAX_FIELDS	64
#define MF_MAX_LINE	65536
/* Longest file name (one path component) ext4 stores. */
#define MF_NAME_MAX	255

void mf_init(struct mf_list *list)
{
	list->head = NULL;
	list->tail = &list->head;
	list->count = 0;
}

static void entry_free(struct mf_entry *e)
{
	int i;

	free(e->where);
	free(e->name);
	free(e->host);
	free(e->home);
	free(e->shell);
	for (i = 0; i < e->nextra; i++)
		free(e->extra[i]);
	free(e->extra);
	free(e);
}

void mf_free(struct mf_list *list)
{
	struct mf_entry *e, *next;

	for (e = list->head; e; e = next) {
		next = e->next;
		entry_free(e);
	}
	mf_init(list);
}

char *mf_normalize(const char *path)
{
	return bt_path_normalize(path, false);
}

/*
 * Expand ${VAR} from the environment, as usr/gen_init_cpio does.  Returns 0,
 * or -1 with *why set (allocated).
 */
static int expand(const char *in, char **out, char **why)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = in;

	while (*p) {
		const char *end;
		char *var, *val;

		if (p[0] != '$' || p[1] != '{') {
			sb_addch(&sb, *p++);
			continue;
		}
		end = strchr(p + 2, '}');
		if (!end) {
			*why = bt_strdup("unterminated ${");
			sb_release(&sb);
			return -1;
		}
		var = bt_strndup(p + 2, (size_t)(end - p - 2));
		val = getenv(var);
		if (!val) {
			*why = bt_asprintf("${%.64s} is not set in the environment; export it",
					   var);
			free(var);
			sb_release(&sb);
			return -1;
		}
		free(var);
		sb_addstr(&sb, val);
		p = end + 1;
	}
	*out = sb_detach(&sb);
	return 0;
}

static bool parse_uint(const char *s, int base, unsigned long max,
		       unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = (unsigned int)v;
	return true;
}

struct kw {
	const char *word;
	enum mf_type type;
	int min, max;		/* field counts after the keyword */
	const char *usage;
};

static const struct kw keywords[] = {
	{ "file", MF_FILE, 5, MF_MAX_FIELDS,
	  "file NAME LOCATION MODE UID GID [HARDLINKS...]" },
	{ "dir", MF_DIR, 4, 4, "dir NAME MODE UID GID" },
	{ "nod", MF_NOD, 7, 7, "nod NAME MODE UID GID b|c MAJ MIN" },
	{ "slink", MF_SLINK, 5, 5, "slink NAME TARGET MODE UID GID" },
	{ "pipe", MF_PIPE, 4, 4, "pipe NAME MODE UID GID" },
	{ "sock", MF_SOCK, 4, 4, "sock NAME MODE UID GID" },
	{ "prog", MF_PROG, 1, 2, "prog PATH [HOSTPATH]" },
	{ "tree", MF_TREE, 2, 2, "tree DEST HOSTDIR" },
	{ "user", MF_USER, 5, 5, "user NAME UID GID HOME SHELL" },
	{ "group", MF_GROUP, 2, MF_MAX_FIELDS, "group NAME GID [MEMBERS...]" },
	{ "busybox", MF_BUSYBOX, 0, 1, "busybox [HOSTPATH]" },
};

static bool valid_account(const char *s)
{
	if (!*s || strlen(s) > 32 || *s == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-$", *s))
			return false;
	return true;
}

/*
 * A path component longer than ext4 and the cpio readers take (255 bytes):
 * the reason (in a static buffer), else NULL.
 */
static const char *long_component(const char *path)
{
	static char why[64];
	const char *p = path;

	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n > MF_NAME_MAX) {
			snprintf(why, sizeof(why), "name too long (%zu > %d bytes)",
				 n, MF_NAME_MAX);
			return why;
		}
		p += n;
	}
	return NULL;
}

/* The index of MODE among the fields of k's entries, or 0: none. */
static int mode_field(const struct kw *k)
{
	switch (k->type) {
	case MF_FILE:
	case MF_SLINK:
		return 2;
	case MF_DIR:
	case MF_NOD:
	case MF_PIPE:
	case MF_SOCK:
		return 1;
	default:
		return 0;
	}
}

/* NAME and MODE UID GID, the fields most entries share: NULL or the reason. */
static const char *parse_common(struct mf_entry *e, const struct kw *k,
				char **f)
{
	int mi = mode_field(k);

	if (k->type == MF_USER || k->type == MF_GROUP) {
		if (!valid_account(f[0]))
			return "invalid user or group name";
		e->name = bt_strdup(f[0]);
	} else if (k->type != MF_BUSYBOX) {
		e->name = mf_normalize(f[0]);
		if (!e->name)
			return "NAME is empty or contains a '..' component";
		if (long_component(e->name))
			return long_component(e->name);
	}
	if (!mi)
		return NULL;
	if (!parse_uint(f[mi], 8, 07777, &e->mode))
		return "MODE is not an octal number up to 07777";
	if (!parse_uint(f[mi + 1], 10, 0xfffffffeUL, &e->uid))
		return "UID is not a number";
	if (!parse_uint(f[mi + 2], 10, 0xfffffffeUL, &e->gid))
		return "GID is not a number";
	if (k->type != MF_DIR && !strcmp(e->name, "/"))
		return "only a dir may be named /";
	return NULL;
}

/* Returns NULL on success, else the reason. */
static const char *parse_fields(struct mf_entry *e, const struct kw *k,
				char **f, int nf)
{
	const char *why = parse_common(e, k, f);
	int i;

	if (why)
		return why;
	switch (k->type) {
	case MF_FILE:
		e->host = bt_strdup(f[1]);
		e->extra = bt_calloc((size_t)(nf - 5) + 1, sizeof(char *));
		for (i = 0; i < nf - 5; i++) {
			e->extra[i] = mf_normalize(f[5 + i]);
			e->nextra++;
			if (!e->extra[i] || !strcmp(e->extra[i], "/"))
				return "hard link name is empty, / or contains '..'";
			if (long_component(e->extra[i]))
				return long_component(e->extra[i]);
		}
		break;
	case MF_SLINK:
		if (!*f[1] || strlen(f[1]) >= 4096)
			return "TARGET is empty or too long";
		e->host = bt_strdup(f[1]);
		break;
	case MF_NOD:
		if (strcmp(f[4], "b") && strcmp(f[4], "c"))
			return "device type is not b or c";
		e->devtype = f[4][0];
		if (!parse_uint(f[5], 10, 4095, &e->major))
			return "MAJ is not a number up to 4095";
		if (!parse_uint(f[6], 10, 0xfffff, &e->minor))
			return "MIN is not a number up to 1048575";
		break;
	case MF_PROG:
		/* A bare name is looked up in the bin directories. */
		free(e->name);
		e->name = strchr(f[0], '/') ? mf_normalize(f[0]) : bt_strdup(f[0]);
		if (!e->name || !strcmp(e->name, "/"))
			return "PATH is empty, / or contains '..'";
		if (long_component(e->name))
			return long_component(e->name);
		if (nf > 1)
			e->host = bt_strdup(f[1]);
		break;
	case MF_TREE:
		e->host = bt_strdup(f[1]);
		break;
	case MF_USER:
		if (!parse_uint(f[1], 10, 0xfffffffeUL, &e->uid))
			return "UID is not a number";
		if (!parse_uint(f[2], 10, 0xfffffffeUL, &e->gid))
			return "GID is not a number";
		if (f[3][0] != '/' || strchr(f[3], ':') || f[4][0] != '/' ||
		    strchr(f[4], ':'))
			return "HOME and SHELL must be absolute paths without ':'";
		e->home = mf_normalize(f[3]);
		if (!e->home)
			return "HOME contains '..'";
		e->shell = bt_strdup(f[4]);
		break;
	case MF_GROUP:
		if (!parse_uint(f[1], 10, 0xfffffffeUL, &e->gid))
			return "GID is not a number";
		for (i = 2; i < nf; i++) {
			char *tok, *save = NULL, *copy = bt_strdup(f[i]);

			for (tok = strtok_r(copy, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (!valid_account(tok)) {
					free(copy);
					return "invalid member name";
				}
				e->extra = bt_realloc(e->extra,
					(size_t)(e->nextra + 1) * sizeof(char *));
				e->extra[e->nextra++] = bt_strdup(tok);
			}
			free(copy);
		}
		break;
	case MF_BUSYBOX:
		if (nf > 0)
			e->host = bt_strdup(f[0]);
		break;
	default:
		break;
	}
	return NULL;
}

static int parse_line(struct mf_list *list, char *line, const char *fname,
		      unsigned long lineno)
{
	char *f[MF_MAX_FIELDS + 2];
	const struct kw *k = NULL;
	struct mf_entry *e;
	const char *reason;
	char *p = line, *why = NULL;
	int nf = 0, i;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		if (nf == MF_MAX_FIELDS + 1)
			return bt_error("%s:%lu: more than %d fields", fname,
					lineno, MF_MAX_FIELDS);
		f[nf++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (nf == 0)
		return 0;
	for (i = 0; i < (int)ARRAY_SIZE(keywords); i++)
		if (!strcmp(f[0], keywords[i].word))
			k = &keywords[i];
	if (!k)
		return bt_error("%s:%lu: unknown entry type '%.40s' (expected file, dir, nod, slink, pipe, sock, prog, tree, user, group or busybox)",
				fname, lineno, f[0]);
	if (nf - 1 < k->min || nf - 1 > k->max)
		return bt_error("%s:%lu: %s takes %s%d fields, got %d; usage: %s",
				fname, lineno, k->word,
				k->min == k->max ? "" : "at least ", k->min,
				nf - 1, k->usage);
	/* Expand ${VAR} in every field. */
	for (i = 1; i < nf; i++) {
		char *x;

		if (expand(f[i], &x, &why) < 0) {
			bt_err("%s:%lu: %s", fname, lineno, why);
			free(why);
			for (i--; i >= 1; i--)
				free(f[i]);
			return -1;
		}
		f[i] = x;
	}
	e = bt_calloc(1, sizeof(*e));
	e->type = k->type;
	e->where = bt_asprintf("%s:%lu", fname, lineno);
	reason = parse_fields(e, k, f + 1, nf - 1);
	for (i = 1; i < nf; i++)
		free(f[i]);
	if (reason) {
		bt_err("%s: %s: %s; usage: %s", e->where, k->word, reason,
		       k->usage);
		entry_free(e);
		return -1;
	}
	*list->tail = e;
	list->tail = &e->next;
	list->count++;
	return 0;
}

int mf_parse(struct mf_list *list, const char *buf, size_t len,
	     const char *fname)
{
	unsigned long lineno = 0;
	size_t pos = 0;
	char *line;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		if (n > MF_MAX_LINE) {
			bt_err("%s:%lu: line longer than %d bytes", fname,
			       lineno, MF_MAX_LINE);
			return -EINVAL;
		}
		if (memchr(buf + pos, '\0', n)) {
			bt_err("%s:%lu: NUL byte in line", fname, lineno);
			return -EINVAL;
		}
		line = bt_strndup(buf + pos, n);
		if (parse_line(list, line, fname, lineno) < 0) {
			free(line);
			return -EINVAL;
		}
		free(line);
		pos += n + 1;
	}
	return 0;
}

int mf_parse_file(struct mf_list *list, const char *path)
{
	char *buf;
	size_t len;
	int ret;

	if (bt_read_file(path, &buf, &len, 64 << 20, NULL) < 0) {
		bt_err("%s: cannot read manifest: %s", path, strerror(errno));
		return -EIO;
	}
	ret = mf_parse(list, buf, len, strcmp(path, "-") ? path : "<stdin>");
	free(buf);
	return ret;
}
