// SPDX-License-Identifier: GPL-2.0
/*
 * Records per second of our SPE record decoder and of perf's
 * (arm-spe-decoder.c from the pristine tree) on the same synthetic buffer
 * of realistic 64-byte records, repetitions interleaved so that both see
 * the same machine noise.
 *
 *   spe-decoder-bench [MiB] [reps]       timed runs, min/median/max
 *   spe-decoder-bench --once ours|perf MiB  one pass (for callgrind, which
 *                                           collects only *_decode_all)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm-spe-decoder.h"

#include "spe-decoder.h"
#include "spe-synth.h"

struct feed {
	const u8 *buf;
	size_t len;
	int given;
};

static int get_trace(struct arm_spe_buffer *b, void *data)
{
	struct feed *feed = data;

	b->len = 0;
	if (!feed->given) {
		feed->given = 1;
		b->buf = feed->buf;
		b->len = feed->len;
	}
	return 0;
}

static u64 checksum;

/* noinline: callgrind's --toggle-collect names these two. */
__attribute__((__noinline__)) size_t ours_decode_all(const u8 *buf, size_t len)
{
	struct mem_sampling_record rec;
	struct spe_decoder dec;
	size_t n = 0;
	u64 sum = 0;

	spe_decoder_init(&dec, buf, len);
	while (spe_decoder_next_record(&dec, &rec) > 0) {
		sum += rec.vaddr ^ rec.timestamp ^ rec.events;
		n++;
	}
	checksum += sum;
	return n;
}

__attribute__((__noinline__)) size_t perf_decode_all(const u8 *buf, size_t len)
{
	struct feed feed = { .buf = buf, .len = len };
	struct arm_spe_params params = { .get_trace = get_trace, .data = &feed };
	struct arm_spe_decoder *dec = arm_spe_decoder_new(&params);
	size_t n = 0;
	u64 sum = 0;

	while (arm_spe_decode(dec) > 0) {
		sum += dec->record.virt_addr ^ dec->record.timestamp ^
		       dec->record.type;
		n++;
	}
	arm_spe_decoder_free(dec);
	checksum += sum;
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(double *v, int n, double *min, double *med, double *max)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*min = v[0];
	*max = v[n - 1];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	size_t mib = 64, len, nrec, n_ours = 0, n_perf = 0;
	int reps = 7, i;
	double *ours, *perf, *ratio, omin, omed, omax, pmin, pmed, pmax;
	double rmin, rmed, rmax, t;
	u8 *buf;

	if (argc == 4 && !strcmp(argv[1], "--once")) {
		mib = strtoul(argv[3], NULL, 0);
		len = mib << 20;
		buf = aligned_alloc(4096, len);
		if (!buf)
			return 1;
		nrec = spe_synth_fill(buf, len, 42);
		n_ours = !strcmp(argv[2], "ours") ? ours_decode_all(buf, len) :
						    perf_decode_all(buf, len);
		printf("records %zu of %zu\n", n_ours, nrec);
		return n_ours != nrec;
	}
	if (argc > 1)
		mib = strtoul(argv[1], NULL, 0);
	if (argc > 2)
		reps = atoi(argv[2]);
	if (!mib || reps < 1)
		return 2;
	len = mib << 20;
	buf = aligned_alloc(4096, len);
	ours = calloc(reps, sizeof(double));
	perf = calloc(reps, sizeof(double));
	ratio = calloc(reps, sizeof(double));
	if (!buf || !ours || !perf || !ratio)
		return 1;
	nrec = spe_synth_fill(buf, len, 42);
	/* warm up both, and check that they see every record */
	n_ours = ours_decode_all(buf, len);
	n_perf = perf_decode_all(buf, len);
	if (n_ours != nrec || n_perf != nrec) {
		fprintf(stderr, "record counts differ: synth %zu ours %zu perf %zu\n",
			nrec, n_ours, n_perf);
		return 1;
	}
	for (i = 0; i < reps; i++) {
		t = now();
		ours_decode_all(buf, len);
		ours[i] = nrec / (now() - t);
		t = now();
		perf_decode_all(buf, len);
		perf[i] = nrec / (now() - t);
		ratio[i] = ours[i] / perf[i];
	}
	stats(ours, reps, &omin, &omed, &omax);
	stats(perf, reps, &pmin, &pmed, &pmax);
	stats(ratio, reps, &rmin, &rmed, &rmax);
	printf("buffer: %zu MiB, %zu records of %d bytes, %d repetitions\n",
	       mib, nrec, SPE_SYNTH_RECORD_SIZE, reps);
	printf("ours  Mrecords/s: min %.2f median %.2f max %.2f\n",
	       omin / 1e6, omed / 1e6, omax / 1e6);
	printf("perf  Mrecords/s: min %.2f median %.2f max %.2f\n",
	       pmin / 1e6, pmed / 1e6, pmax / 1e6);
	printf("ratio ours/perf:  min %.2f median %.2f max %.2f\n",
	       rmin, rmed, rmax);
	printf("checksum %llx\n", (unsigned long long)checksum);
	return 0;
}
