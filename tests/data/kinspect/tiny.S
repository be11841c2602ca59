/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny stand-in for vmlinux: the facts kinspect reads (banner, notes,
 * IKCONFIG), nothing else.  Built by mkfixtures with gcc -c and ld.
 */
#ifdef PVH
	/* XEN_ELFNOTE_PHYS32_ENTRY, as arch/x86/platform/pvh/head.S */
	.section .note.Xen,"a",@note
	.balign 4
	.long 4, 8, 18
	.asciz "Xen"
	.balign 4
	.quad 0x1000850
#endif

	.section .rodata,"a"
	/* init/version.c's weak copy first, as in 6.1 */
	.asciz "Linux version " RELEASE " (builder@boottest) (gcc) # SMP\n"
	.asciz "Linux version " RELEASE " (builder@boottest) (gcc) #1 SMP PREEMPT\n"
#ifdef IKCONFIG
	.ascii "IKCFG_ST"
	.incbin IKCONFIG
	.ascii "IKCFG_ED"
#endif

	.text
	.globl _start
_start:
	hlt
