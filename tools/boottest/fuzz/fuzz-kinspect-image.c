// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: kinspect's kernel image path (format detection, bzImage
 * and zboot headers, every decompressor, ELF notes and banner, IKCONFIG,
 * the ELF symbol table lookup of kinspect vermagic).
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/kinspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ki_image ki;
	uint8_t *buf;
	char *text, *sym;
	size_t len;

	/* libelf may write to its input: give it a private copy. */
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!ki_inspect(&ki, buf, size, 16 << 20)) {
		if (ki.ikconfig && !ki_config_text(&ki, &text, &len))
			free(text);
		if (ki.body_is_elf) {
			sym = ki_elf_symbol_string(ki.body, ki.body_len,
						   "vermagic");
			free(sym);
		}
	}
	ki_image_free(&ki);
	free(buf);
	return 0;
}
