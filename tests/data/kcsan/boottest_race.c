// SPDX-License-Identifier: GPL-2.0
/*
 * boottest_race: a data race on purpose, for tests/62-boot-kcsan.t.
 *
 * Loading the module starts two kthreads that access one variable with
 * plain (unmarked) accesses for a few seconds: a writer that increments it
 * and a reader that reads it.  On a CONFIG_KCSAN kernel this gives a real
 * report, "BUG: KCSAN: data-race in boottest_race_reader /
 * boottest_race_writer".  The load returns when both threads have been
 * stopped.
 */
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>

static unsigned int seconds = 3;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long the threads race (default 3)");

/* Shared without any marking or lock: the race KCSAN is to find. */
static unsigned long boottest_race_var;

static int boottest_race_writer(void *arg)
{
	while (!kthread_should_stop()) {
		boottest_race_var++;
		cpu_relax();
		cond_resched();
	}
	return 0;
}

static int boottest_race_reader(void *arg)
{
	unsigned long sum = 0;

	while (!kthread_should_stop()) {
		sum += boottest_race_var;
		cpu_relax();
		cond_resched();
	}
	pr_info("boottest_race: reader done (sum %lu)\n", sum);
	return 0;
}

static int __init boottest_race_init(void)
{
	struct task_struct *writer, *reader;

	writer = kthread_run(boottest_race_writer, NULL, "boottest_racew");
	if (IS_ERR(writer))
		return PTR_ERR(writer);
	reader = kthread_run(boottest_race_reader, NULL, "boottest_racer");
	if (IS_ERR(reader)) {
		kthread_stop(writer);
		return PTR_ERR(reader);
	}
	pr_info("boottest_race: racing for %u s\n", seconds);
	msleep(seconds * 1000);
	kthread_stop(reader);
	kthread_stop(writer);
	pr_info("boottest_race: done, %lu increments\n", boottest_race_var);
	return 0;
}

static void __exit boottest_race_exit(void)
{
}

module_init(boottest_race_init);
module_exit(boottest_race_exit);
MODULE_DESCRIPTION("boottest: a deliberate data race for KCSAN");
MODULE_LICENSE("GPL");
