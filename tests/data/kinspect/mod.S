/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny stand-in for a module: only its .modinfo, from -DMODINFO="...". */
	.section .modinfo,"a"
	.ascii MODINFO
	.byte 0
	.text
	.byte 0
