// SPDX-License-Identifier: GPL-2.0
/*
 * The boot timeline as inline SVG: the phases between the console's
 * milestones (QEMU start, first kernel line, Run /init, boottest-init
 * started, CMD/TESTS, finished, QEMU gone) on a time axis, crashes and
 * warnings as markers, and with initcall_debug the slowest initcalls as
 * bars, the way scripts/bootgraph.pl draws them, inside the verdict page.
 * Host seconds since QEMU started when the offset of the kernel's clock is
 * known (boottest-init's uptime against vmrun's clock), kernel seconds else.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "report-html.h"

#define W	960
#define LEFT	12
#define RIGHT	14
#define BAR_Y	34
#define BAR_H	20
#define AXIS_Y	128
#define IC_Y	172
#define LABEL_ROWS	4
#define CHAR_W	6	/* width of a label character (11px sans) */
#define IC_H	15

static const char *const phase_fill[] = {
	"#90caf9", "#a5d6a7", "#ce93d8", "#ffcc80", "#80cbc4", "#b0bec5",
};

struct axis {
	double t0, t1, off;
};

static double host(const struct axis *a, double ts)
{
	return ts + a->off;
}

static int xof(const struct axis *a, double t)
{
	double span = a->t1 - a->t0 > 0 ? a->t1 - a->t0 : 1;
	double x = LEFT + (t - a->t0) * (W - LEFT - RIGHT) / span + 0.5;

	/* clamped as a double: a time from the guest may be any number */
	if (!(x >= LEFT))
		return LEFT;
	if (x > W - RIGHT)
		return W - RIGHT;
	return (int)x;
}

static double nice_step(double span)
{
	static const double steps[] = { 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
		0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600 };
	double step = 7200;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		if (span / steps[i] <= 12)
			return steps[i];
	/* a guest's clock may say anything: tenfold steps, up to a bound */
	while (span / step > 12 && step < 1e15)
		step *= 10;
	return step;
}

static void svg_text(FILE *f, int x, int y, const char *anchor, const char *fill,
		 const char *s)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"%s\" fill=\"%s\">",
		x, y, anchor, fill);
	rh_escs(f, s);
	fputs("</text>\n", f);
}

static void phases(FILE *f, const struct rh_timeline *t, const struct axis *a)
{
	int row_end[LABEL_ROWS] = { -1000, -1000, -1000, -1000 };
	double prev = t->offset >= 0 ? 0 : a->t0;
	const char *prev_label = t->offset >= 0 ? "QEMU start" : NULL;
	int i, k = 0;

	for (i = 0; i <= t->nev; i++) {
		const struct rh_event *e = i < t->nev ? &t->ev[i] : NULL;
		double at;
		int x0, x1;

		if (e && e->kind != RH_EV_MILESTONE)
			continue;
		if (!e && t->qemu_end < 0)
			break;
		at = e ? host(a, e->ts) : t->qemu_end;
		if (at < prev)
			at = prev;
		x0 = xof(a, prev);
		x1 = xof(a, at);
		if (prev_label && x1 > x0) {
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>",
				x0, BAR_Y, x1 - x0, BAR_H, phase_fill[k++ % 6]);
			rh_escs(f, prev_label);
			fprintf(f, " to %s: %.3f s</title></rect>\n",
				e ? e->label : "QEMU exit", at - prev);
		}
		prev = at;
		prev_label = e ? e->label : NULL;
	}
	/* milestone lines; each label on the first of 4 rows where it fits */
	for (i = 0; i < t->nev; i++) {
		const struct rh_event *e = &t->ev[i];
		int x = xof(a, host(a, e->ts)), x0, y, row, len;
		char lab[96];

		if (e->kind != RH_EV_MILESTONE)
			continue;
		len = snprintf(lab, sizeof(lab), "%s %.2f s", e->label, host(a, e->ts));
		len = len * CHAR_W;
		x0 = x > W - 160 ? x - len : x < 160 ? x : x - len / 2;
		for (row = 0; row < LABEL_ROWS - 1 && x0 < row_end[row] + 6; row++)
			;
		row_end[row] = x0 + len;
		y = BAR_Y + BAR_H + 14 + 13 * row;
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" stroke-dasharray=\"2,2\"/>\n",
			x, BAR_Y - 4, x, y - 9);
		svg_text(f, x, y, x > W - 160 ? "end" : x < 160 ? "start" : "middle",
			 "#222", lab);
	}
	if (t->offset >= 0) {
		svg_text(f, LEFT, BAR_Y - 8, "start", "#222", "QEMU start");
		if (t->qemu_end >= 0)
			svg_text(f, xof(a, t->qemu_end), BAR_Y - 8, "end", "#222", "QEMU exit");
	}
}

static void markers(FILE *f, const struct rh_timeline *t, const struct axis *a)
{
	int i, ncrash = 0;

	for (i = 0; i < t->nev; i++) {
		const struct rh_event *e = &t->ev[i];
		int x = xof(a, host(a, e->ts));

		if (e->kind == RH_EV_CRASH) {
			fprintf(f, "<a href=\"#crash%d\"><polygon points=\"%d,%d %d,%d %d,%d\" fill=\"#c62828\"><title>",
				++ncrash, x, BAR_Y - 2, x - 7, BAR_Y - 16, x + 7, BAR_Y - 16);
			rh_escs(f, e->label);
			fprintf(f, " at %.3f s</title></polygon></a>\n", host(a, e->ts));
		} else if (e->kind == RH_EV_WARN) {
			fprintf(f, "<a href=\"#L%ld\"><rect x=\"%d\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"#ef6c00\"><title>",
				e->line, x - 1, BAR_Y + BAR_H, 8);
			rh_escs(f, e->label);
			fprintf(f, " (line %ld)</title></rect></a>\n", e->line);
		}
	}
}

static void axis_line(FILE *f, const struct axis *a, bool hostclock)
{
	double step = nice_step(a->t1 - a->t0), v;
	char lab[32];
	int n = 0;

	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n",
		LEFT, AXIS_Y, W - RIGHT, AXIS_Y);
	/* at most 13 ticks fit; the bound holds for any span, even infinite */
	for (v = 0; v <= a->t1 + 1e-9 && n < 26; v += step, n++) {
		int x = xof(a, v);

		if (v < a->t0)
			continue;
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n",
			x, AXIS_Y, x, AXIS_Y + 5);
		snprintf(lab, sizeof(lab), step < 1 ? "%.2f s" : "%.0f s", v);
		svg_text(f, x, AXIS_Y + 17, "middle", "#444", lab);
	}
	svg_text(f, W - RIGHT, AXIS_Y - 5, "end", "#666",
	     hostclock ? "seconds since QEMU started" : "kernel seconds");
}

static void initcalls(FILE *f, const struct rh_timeline *t, const struct axis *a)
{
	size_t i;

	svg_text(f, LEFT, IC_Y - 6, "start", "#222", "slowest initcalls (initcall_debug)");
	for (i = 0; i < t->nic; i++) {
		const struct rh_initcall *ic = &t->ic[i];
		int x = xof(a, host(a, ic->start)), y = IC_Y + (int)i * IC_H;
		int w = xof(a, host(a, ic->start + ic->secs)) - x;
		bool right = x < W / 2;

		if (w < 2)
			w = 2;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#5c6bc0\"><title>",
			x, y, w, IC_H - 4);
		rh_escs(f, ic->name);
		fprintf(f, "</title></rect>\n<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"%s\" fill=\"#222\">",
			right ? x + w + 4 : x - 4, y + IC_H - 5, right ? "start" : "end");
		rh_escs(f, ic->name);
		fprintf(f, " %.1f ms</text>\n", ic->secs * 1000);
	}
}

void rh_timeline_write(FILE *f, const struct rh_timeline *t)
{
	struct axis a = { 0, 0, t->offset >= 0 ? t->offset : 0 };
	int i, h = AXIS_Y + 26;
	bool first = true;
	size_t k;

	for (i = 0; i < t->nev; i++) {
		double v = host(&a, t->ev[i].ts);

		if (first || v < a.t0)
			a.t0 = v;
		if (first || v > a.t1)
			a.t1 = v;
		first = false;
	}
	for (k = 0; k < t->nic; k++)
		if (host(&a, t->ic[k].start + t->ic[k].secs) > a.t1)
			a.t1 = host(&a, t->ic[k].start + t->ic[k].secs);
	if (t->offset >= 0 || a.t0 > 0)
		a.t0 = 0;
	if (t->qemu_end > a.t1)
		a.t1 = t->qemu_end;
	if (a.t1 <= a.t0)
		a.t1 = a.t0 + 1;
	if (t->nic)
		h = IC_Y + (int)t->nic * IC_H + 8;
	fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
		W, h, W, h);
	phases(f, t, &a);
	markers(f, t, &a);
	axis_line(f, &a, t->offset >= 0);
	if (t->nic)
		initcalls(f, t, &a);
	fputs("</svg>\n", f);
}
