// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for dmesg-classify: any bytes as a console log, with
 * the shipped rules; also the rules parser on the same bytes, and the
 * first-byte filter of a regexp (the first line) checked on every line.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/report.h"
#include "err.h"
#include "path.h"

#ifndef DC_RULES_DIR
#define DC_RULES_DIR "."
#endif

static struct dc_rules rules;
static bool loaded;

static void load_rules(void)
{
	char *path = bt_path_join(DC_RULES_DIR, "dmesg-classify.rules");

	bt_set_prog("fuzz-classify");
	if (dc_rules_load(&rules, path) < 0 || dc_rules_finish(&rules) < 0)
		abort();
	free(path);
	loaded = true;
}

/* The first-byte filter of re never turns away a line that re matches. */
static void check_first(const struct dc_first *f, pcre2_code *re,
			const struct dc_log *log)
{
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);

	for (size_t i = 0; re && i < log->nlines; i++) {
		const struct dc_line *ln = dc_line(log, i);
		const char *text = dc_text(log, ln);

		if (!dc_first_may(f, text, ln->len) &&
		    pcre2_match(re, (PCRE2_SPTR)text, ln->len, 0, 0, md,
				NULL) >= 0)
			abort();
	}
	pcre2_match_data_free(md);
}

/* A regexp read as anchored matches a line as its anchored build does. */
static void check_anchored(const char *src, pcre2_code *re,
			   const struct dc_log *log)
{
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	pcre2_code *anch;
	PCRE2_SIZE off;
	int ec;

	if (!dc_src_anchored(src))
		goto out;
	anch = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
			     DC_RE_FLAGS | PCRE2_ANCHORED, &ec, &off, NULL);
	if (!anch)
		abort();
	for (size_t i = 0; i < log->nlines; i++) {
		const struct dc_line *ln = dc_line(log, i);
		PCRE2_SPTR s = (PCRE2_SPTR)dc_text(log, ln);

		if ((pcre2_match(re, s, ln->len, 0, 0, md, NULL) >= 0) !=
		    (pcre2_match(anch, s, ln->len, 0, 0, md, NULL) >= 0))
			abort();
	}
	pcre2_code_free(anch);
out:
	pcre2_match_data_free(md);
}

/* The input's first line as a regexp, its other lines as subjects. */
static void fuzz_first(const uint8_t *data, size_t size,
		       const struct dc_log *log)
{
	const char *nl = memchr(data, '\n', size);
	struct dc_first f;
	pcre2_code *re;
	PCRE2_SIZE off;
	char *src;
	int ec;

	if (!nl || size > 4096 || memchr(data, '\0', nl - (const char *)data))
		return;
	src = bt_strndup((const char *)data, nl - (const char *)data);
	re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, DC_RE_FLAGS,
			   &ec, &off, NULL);
	if (re) {
		dc_first_build(&f, src);
		check_first(&f, re, log);
		check_anchored(src, re, log);
		pcre2_code_free(re);
	}
	free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_result res;
	struct dc_log log;

	if (!loaded)
		load_rules();

	if (dc_log_parse(&log, (const char *)data, size) < 0)
		return 0;
	dc_find_headers(&rules, &log);
	dc_classify(&rules, &log, &res);
	for (int i = 0; i < res.ncrash; i++)
		if (!res.crashes[i].title || !res.crashes[i].category)
			abort();
	check_first(&rules.stack_first, rules.stack_start, &log);
	for (int k = 0; k < 8; k++)
		check_first(&rules.msg_first[k], rules.msg_re[k], &log);
	check_first(&rules.benign_first, rules.benign_anch, &log);
	fuzz_first(data, size, &log);
	dc_result_free(&res);
	dc_log_free(&log);

	/* the rules parser: a bad file is an error, never a crash */
	if (size < 4096 && !memchr(data, '\0', size)) {
		struct dc_rules r = { 0 };
		char *buf = bt_strndup((const char *)data, size);

		bt_set_quiet(1);
		if (dc_rules_load_buf(&r, "fuzz", buf) == 0)
			dc_rules_finish(&r);
		bt_set_quiet(0);
		dc_rules_free(&r);
		free(buf);
	}
	return 0;
}
