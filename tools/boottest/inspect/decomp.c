// SPDX-License-Identifier: GPL-2.0
/*
 * kinspect: compression formats of kernels and modules, recognised by their
 * magic numbers and decompressed through Debian's libraries, with the output
 * capped.  The kernel's legacy lz4 format (lz4 -l) is a sequence of blocks of
 * at most 8 MiB, each a little-endian compressed length followed by a raw lz4
 * block, after the magic 0x184c2102.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "err.h"
#include "kinspect.h"

#define LZ4_LEGACY_MAGIC	0x184c2102u
#define LZ4_LEGACY_BLOCK	(8u << 20)
/* Feed the libraries with 32-bit counters at most this much at a time. */
#define CHUNK_IN		(1u << 30)

static const struct {
	enum ki_comp comp;
	const char *name;
	const uint8_t magic[6];
	size_t len;
} magics[] = {
	{ KI_COMP_GZIP, "gzip", { 0x1f, 0x8b, 0x08 }, 3 },
	{ KI_COMP_XZ, "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6 },
	/* lzma-alone: lc/lp/pb byte 0x5d, then a dictionary size < 4 GiB */
	{ KI_COMP_LZMA, "lzma", { 0x5d, 0x00, 0x00 }, 3 },
	{ KI_COMP_ZSTD, "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
	{ KI_COMP_LZ4, "lz4", { 0x04, 0x22, 0x4d, 0x18 }, 4 },
	{ KI_COMP_LZ4_LEGACY, "lz4-legacy", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
	{ KI_COMP_BZIP2, "bzip2", { 'B', 'Z', 'h' }, 3 },
	{ KI_COMP_LZO, "lzo", { 0x89, 'L', 'Z', 'O', 0x00 }, 5 },
};

enum ki_comp ki_comp_detect(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(magics); i++)
		if (len >= magics[i].len &&
		    !memcmp(p, magics[i].magic, magics[i].len))
			return magics[i].comp;
	return KI_COMP_NONE;
}

const char *ki_comp_name(enum ki_comp c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(magics); i++)
		if (magics[i].comp == c)
			return magics[i].name;
	return "none";
}

/* Growable output with a hard cap. */
struct out {
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t max;
};

/* Make room for at least one more byte; fails at the cap. */
static int out_grow(struct out *o)
{
	size_t ncap;

	if (o->cap - o->len > 1)
		return 0;
	if (o->cap >= o->max + 1) {
		ki_seterr("decompressed data exceeds the %zu MiB limit",
			  o->max >> 20);
		return -1;
	}
	ncap = o->cap < (1 << 16) ? (1 << 16) : o->cap * 2;
	if (ncap > o->max + 1)
		ncap = o->max + 1;
	o->buf = bt_realloc(o->buf, ncap);
	o->cap = ncap;
	return 0;
}

/* Make room for want more bytes, or as much as the cap allows. */
static void out_reserve(struct out *o, size_t want)
{
	size_t ncap = o->cap ? o->cap : (1 << 16);

	while (ncap - o->len - 1 < want && ncap < o->max + 1)
		ncap = ncap * 2 > o->max + 1 ? o->max + 1 : ncap * 2;
	if (ncap != o->cap) {
		o->buf = bt_realloc(o->buf, ncap);
		o->cap = ncap;
	}
}

/* Space the decoder may fill: keep one byte for the final NUL. */
static size_t out_room(const struct out *o)
{
	return o->cap - o->len - 1;
}

static size_t in_chunk(size_t left)
{
	return left > CHUNK_IN ? CHUNK_IN : left;
}

static void set_truncated(const char *fmt)
{
	ki_seterr("%s data truncated (stream ends early)", fmt);
}

static int do_gzip(const uint8_t *p, size_t len, struct out *o)
{
	size_t left = len, fed, room;
	z_stream zs;
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		ki_seterr("zlib: %s", zs.msg ? zs.msg : "cannot initialise");
		return -1;
	}
	zs.next_in = (Bytef *)p;
	for (;;) {
		if (out_grow(o))
			goto fail;
		if (!zs.avail_in && left) {
			fed = in_chunk(left);
			zs.avail_in = fed;
			left -= fed;
		}
		zs.next_out = o->buf + o->len;
		room = out_room(o) > UINT_MAX ? UINT_MAX : out_room(o);
		zs.avail_out = room;
		ret = inflate(&zs, Z_NO_FLUSH);
		o->len += room - zs.avail_out;
		if (ret == Z_STREAM_END)
			break;
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			ki_seterr("gzip data corrupt: %s",
				  zs.msg ? zs.msg : zError(ret));
			goto fail;
		}
		if (!zs.avail_in && !left && zs.avail_out) {
			set_truncated("gzip");
			goto fail;
		}
	}
	inflateEnd(&zs);
	return 0;
fail:
	inflateEnd(&zs);
	return -1;
}

static const char *lzma_reason(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "needs more than 256 MiB of dictionary memory";
	case LZMA_FORMAT_ERROR:
		return "bad header";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_BUF_ERROR:
		return "truncated data";
	default:
		return "decoder error";
	}
}

static int do_lzma(bool xz, const uint8_t *p, size_t len, struct out *o)
{
	lzma_stream s = LZMA_STREAM_INIT;
	const char *fmt = xz ? "xz" : "lzma";
	size_t left = len, fed, room;
	lzma_ret r;

	r = xz ? lzma_stream_decoder(&s, 256u << 20, 0) :
		 lzma_alone_decoder(&s, 256u << 20);
	if (r != LZMA_OK) {
		ki_seterr("%s: %s", fmt, lzma_reason(r));
		return -1;
	}
	s.next_in = p;
	for (;;) {
		if (out_grow(o))
			goto fail;
		if (!s.avail_in && left) {
			fed = in_chunk(left);
			s.avail_in = fed;
			left -= fed;
		}
		room = out_room(o);
		s.next_out = o->buf + o->len;
		s.avail_out = room;
		r = lzma_code(&s, LZMA_RUN);
		o->len += room - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r == LZMA_OK && !s.avail_in && !left && s.avail_out) {
			set_truncated(fmt);
			goto fail;
		}
		if (r != LZMA_OK) {
			ki_seterr("%s data corrupt: %s", fmt, lzma_reason(r));
			goto fail;
		}
	}
	lzma_end(&s);
	return 0;
fail:
	lzma_end(&s);
	return -1;
}

static int do_zstd(const uint8_t *p, size_t len, struct out *o)
{
	ZSTD_inBuffer in = { p, len, 0 };
	ZSTD_outBuffer ob;
	ZSTD_DCtx *dctx;
	int wlog = 10;
	size_t r;

	dctx = ZSTD_createDCtx();
	if (!dctx)
		bt_die(BT_EXIT_USAGE, "out of memory");
	/* The window never needs to exceed the output cap. */
	while (wlog < 27 && ((size_t)1 << wlog) < o->max)
		wlog++;
	ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, wlog);
	for (;;) {
		if (out_grow(o))
			goto fail;
		ob.dst = o->buf + o->len;
		ob.size = out_room(o);
		ob.pos = 0;
		r = ZSTD_decompressStream(dctx, &ob, &in);
		o->len += ob.pos;
		if (ZSTD_isError(r)) {
			ki_seterr("zstd data corrupt: %s", ZSTD_getErrorName(r));
			goto fail;
		}
		if (r == 0)
			break;
		if (in.pos == in.size && ob.pos < ob.size) {
			set_truncated("zstd");
			goto fail;
		}
	}
	ZSTD_freeDCtx(dctx);
	return 0;
fail:
	ZSTD_freeDCtx(dctx);
	return -1;
}

static int do_lz4(const uint8_t *p, size_t len, struct out *o)
{
	LZ4F_decompressionContext_t ctx;
	size_t r, src_size, dst_size, pos = 0;

	r = LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION);
	if (LZ4F_isError(r)) {
		ki_seterr("lz4: %s", LZ4F_getErrorName(r));
		return -1;
	}
	for (;;) {
		if (out_grow(o))
			goto fail;
		src_size = len - pos;
		dst_size = out_room(o);
		r = LZ4F_decompress(ctx, o->buf + o->len, &dst_size, p + pos,
				    &src_size, NULL);
		pos += src_size;
		o->len += dst_size;
		if (LZ4F_isError(r)) {
			ki_seterr("lz4 data corrupt: %s", LZ4F_getErrorName(r));
			goto fail;
		}
		if (r == 0)
			break;
		if (pos == len && !dst_size) {
			set_truncated("lz4");
			goto fail;
		}
	}
	LZ4F_freeDecompressionContext(ctx);
	return 0;
fail:
	LZ4F_freeDecompressionContext(ctx);
	return -1;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int do_lz4_legacy(const uint8_t *p, size_t len, struct out *o)
{
	size_t pos = 4, room;
	uint32_t csize;
	int n;

	while (len - pos >= 4) {
		csize = get_le32(p + pos);
		pos += 4;
		if (csize == LZ4_LEGACY_MAGIC)
			continue;	/* concatenated archives */
		if (pos == len)
			break;		/* the kernel's appended size */
		if (csize > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK) ||
		    csize == 0) {
			ki_seterr("lz4-legacy data corrupt: block of %u bytes",
				  csize);
			return -1;
		}
		if (csize > len - pos) {
			set_truncated("lz4-legacy");
			return -1;
		}
		out_reserve(o, LZ4_LEGACY_BLOCK);
		room = out_room(o);
		if (room > LZ4_LEGACY_BLOCK)
			room = LZ4_LEGACY_BLOCK;
		n = LZ4_decompress_safe((const char *)p + pos,
					(char *)o->buf + o->len, csize, room);
		if (n < 0) {
			if (room < LZ4_LEGACY_BLOCK)
				ki_seterr("lz4-legacy data corrupt, or beyond the %zu MiB limit",
					  o->max >> 20);
			else
				ki_seterr("lz4-legacy data corrupt");
			return -1;
		}
		o->len += n;
		pos += csize;
	}
	if (!o->len) {
		set_truncated("lz4-legacy");
		return -1;
	}
	return 0;
}

static int do_bzip2(const uint8_t *p, size_t len, struct out *o)
{
	size_t left = len, fed, room;
	bz_stream bs;
	int ret;

	memset(&bs, 0, sizeof(bs));
	if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) {
		ki_seterr("bzip2: cannot initialise the decoder");
		return -1;
	}
	bs.next_in = (char *)p;
	for (;;) {
		if (out_grow(o))
			goto fail;
		if (!bs.avail_in && left) {
			fed = in_chunk(left);
			bs.avail_in = fed;
			left -= fed;
		}
		bs.next_out = (char *)o->buf + o->len;
		room = out_room(o) > UINT_MAX ? UINT_MAX : out_room(o);
		bs.avail_out = room;
		ret = BZ2_bzDecompress(&bs);
		o->len += room - bs.avail_out;
		if (ret == BZ_STREAM_END)
			break;
		if (ret != BZ_OK) {
			ki_seterr("bzip2 data corrupt (libbz2 error %d)", ret);
			goto fail;
		}
		if (!bs.avail_in && !left && bs.avail_out) {
			set_truncated("bzip2");
			goto fail;
		}
	}
	BZ2_bzDecompressEnd(&bs);
	return 0;
fail:
	BZ2_bzDecompressEnd(&bs);
	return -1;
}

int ki_decompress(enum ki_comp c, const uint8_t *p, size_t len, size_t max,
		  size_t hint, uint8_t **out, size_t *outlen)
{
	struct out o = { NULL, 0, 0, max };
	int ret;

	*out = NULL;
	*outlen = 0;
	/* Trust a size hint for the first allocation only, and not blindly. */
	if (hint > max)
		hint = max;
	if (hint / 64 > len)
		hint = 0;
	if (hint) {
		o.cap = hint + 2;
		o.buf = bt_malloc(o.cap);
	}
	switch (c) {
	case KI_COMP_GZIP:
		ret = do_gzip(p, len, &o);
		break;
	case KI_COMP_XZ:
	case KI_COMP_LZMA:
		ret = do_lzma(c == KI_COMP_XZ, p, len, &o);
		break;
	case KI_COMP_ZSTD:
		ret = do_zstd(p, len, &o);
		break;
	case KI_COMP_LZ4:
		ret = do_lz4(p, len, &o);
		break;
	case KI_COMP_LZ4_LEGACY:
		ret = do_lz4_legacy(p, len, &o);
		break;
	case KI_COMP_BZIP2:
		ret = do_bzip2(p, len, &o);
		break;
	case KI_COMP_LZO:
		ki_seterr("lzo compression is not supported (no LZO decoder in boottest); build the kernel with another KERNEL_* compression or pass vmlinux");
		ret = -1;
		break;
	default:
		ki_seterr("not compressed data");
		ret = -1;
		break;
	}
	if (ret) {
		free(o.buf);
		return -1;
	}
	if (!o.buf) {
		o.buf = bt_malloc(1);
		o.cap = 1;
	}
	o.buf[o.len] = 0;
	*out = o.buf;
	*outlen = o.len;
	return 0;
}
