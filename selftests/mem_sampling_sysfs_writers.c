// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent writers of /sys/kernel/mm/mem_sampling/: one thread per
 * tunable of the core's configuration (interval, min_latency, buffer_size,
 * op_filter, paddr), all started together every round, each writing a
 * valid value that differs from its previous one.  After every round each
 * file must read as its writer's value: a store that read the whole
 * configuration, changed its field and wrote it all back without holding
 * the lock in between would put back another writer's old value.
 *
 * With sampling on, every store reconfigures the provider (the test
 * provider, whose caps take every value used here), which keeps a store
 * long enough for the others to start theirs meanwhile.
 */
#define _GNU_SOURCE
#include <pthread.h>

#include "../kselftest_harness.h"
#include "mem_sampling_util.h"

#define ROUNDS		300
#define MAX_SECONDS	20

/* A writer: its file and the two values it alternates between. */
static const struct writer {
	const char *path;
	const char *value[2];
} writers[] = {
	{ MS_SYSFS "interval",		{ "4096", "8192" } },
	{ MS_SYSFS "min_latency",	{ "16", "32" } },
	{ MS_SYSFS "buffer_size",	{ "8192", "16384" } },
	{ MS_SYSFS "op_filter",		{ "load", "store" } },
	{ MS_SYSFS "paddr",		{ "0", "1" } },
};

#define NR_WRITERS	ARRAY_SIZE(writers)

struct race {
	pthread_barrier_t start, done;
	int round;		/* written by the main thread between rounds */
	bool stop;
	int failed_writes;
	char first_error[128];
};

struct writer_arg {
	struct race *race;
	const struct writer *writer;
};

static void *write_rounds(void *arg)
{
	struct writer_arg *w = arg;
	struct race *race = w->race;
	int err;

	for (;;) {
		pthread_barrier_wait(&race->start);
		if (race->stop)
			return NULL;
		err = ms_write(w->writer->path,
			       w->writer->value[race->round % 2]);
		if (err && !__atomic_fetch_add(&race->failed_writes, 1,
					       __ATOMIC_RELAXED))
			snprintf(race->first_error, sizeof(race->first_error),
				 "%s <- %s: %s", w->writer->path,
				 w->writer->value[race->round % 2],
				 strerror(-err));
		pthread_barrier_wait(&race->done);
	}
}

static const char * const writers_settings[] = {
	MS_SYSCTL, MS_ACTIVE, MS_SYSFS "interval", MS_SYSFS "min_latency",
	MS_SYSFS "buffer_size", MS_SYSFS "op_filter", MS_SYSFS "paddr", NULL,
};

FIXTURE(sysfs_writers) {
	struct ms_settings saved;
};

FIXTURE_SETUP(sysfs_writers)
{
	if (geteuid())
		SKIP(return, "needs root");
	if (access(MS_ACTIVE, F_OK) || access(MS_SYSFS "interval", F_OK))
		SKIP(return, "no test provider or no %s", MS_SYSFS);
	ASSERT_EQ(0, ms_settings_save(&self->saved, writers_settings));
}

FIXTURE_TEARDOWN_PARENT(sysfs_writers)
{
	EXPECT_EQ(0, ms_settings_restore(&self->saved));
}

/*
 * Every round each file must hold its writer's value of that round; one
 * that holds the previous round's lost its update.
 */
TEST_F_TIMEOUT(sysfs_writers, no_update_lost, 2 * MAX_SECONDS)
{
	struct writer_arg args[NR_WRITERS];
	pthread_t threads[NR_WRITERS];
	int lost[NR_WRITERS] = { 0 };
	int i, round, rounds_lost = 0;
	double end = ms_now() + MAX_SECONDS;
	struct race *race;
	char value[64];

	ASSERT_EQ(0, ms_write(MS_SYSCTL, "0"));
	ASSERT_EQ(0, ms_write(MS_ACTIVE, "1"));
	/* Round 0's values, so that round 1 changes every file. */
	for (i = 0; i < NR_WRITERS; i++)
		ASSERT_EQ(0, ms_write(writers[i].path, writers[i].value[0]));
	ASSERT_EQ(0, ms_write(MS_SYSCTL, "1"));

	race = calloc(1, sizeof(*race));
	ASSERT_NE(NULL, race);
	ASSERT_EQ(0, pthread_barrier_init(&race->start, NULL, NR_WRITERS + 1));
	ASSERT_EQ(0, pthread_barrier_init(&race->done, NULL, NR_WRITERS + 1));
	for (i = 0; i < NR_WRITERS; i++) {
		args[i].race = race;
		args[i].writer = &writers[i];
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, write_rounds,
					    &args[i]));
	}
	for (round = 1; round <= ROUNDS && ms_now() < end; round++) {
		bool this_round = false;

		race->round = round;
		pthread_barrier_wait(&race->start);
		pthread_barrier_wait(&race->done);
		for (i = 0; i < NR_WRITERS; i++) {
			const char *want = writers[i].value[round % 2];

			if (ms_read(writers[i].path, value, sizeof(value)) ||
			    strcmp(value, want)) {
				if (!lost[i]++)
					ksft_print_msg("round %d: %s is %s, its writer wrote %s\n",
						       round, writers[i].path,
						       value, want);
				this_round = true;
			}
		}
		rounds_lost += this_round;
	}
	race->stop = true;
	pthread_barrier_wait(&race->start);
	for (i = 0; i < NR_WRITERS; i++)
		pthread_join(threads[i], NULL);
	ksft_print_msg("%d rounds of %zu writers: %d rounds lost an update\n",
		       round - 1, NR_WRITERS, rounds_lost);
	for (i = 0; i < NR_WRITERS; i++)
		if (lost[i])
			ksft_print_msg("%s lost %d updates\n", writers[i].path,
				       lost[i]);
	EXPECT_EQ(0, rounds_lost);
	EXPECT_EQ(0, race->failed_writes) TH_LOG("%s", race->first_error);
	EXPECT_LE(100, round - 1) TH_LOG("too few rounds to tell");
	pthread_barrier_destroy(&race->start);
	pthread_barrier_destroy(&race->done);
	free(race);
}

TEST_HARNESS_MAIN
