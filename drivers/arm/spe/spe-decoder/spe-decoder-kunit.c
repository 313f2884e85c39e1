// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the Arm SPE decoder.  The vectors are shared with the
 * host unit test (spe-decoder-test-vectors.h); here they run on the
 * kernel's build of the decoder.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "spe-decoder.h"
#include "spe-decoder-test-vectors.h"

static void spe_decoder_test_packets(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spe_packet_vectors); i++) {
		const struct spe_packet_vector *v = &spe_packet_vectors[i];
		struct spe_packet packet;
		int ret;

		ret = spe_packet_decode(v->bytes, v->len, v->pos, &packet);
		KUNIT_EXPECT_EQ_MSG(test, ret, v->ret, "packet %s", v->name);
		if (ret == -ENODATA || ret != v->ret)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, packet.type, v->type, "packet %s",
				    v->name);
		KUNIT_EXPECT_EQ_MSG(test, packet.header, v->bytes[v->pos],
				    "packet %s", v->name);
		if (ret < 0)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, packet.len, ret, "packet %s", v->name);
		KUNIT_EXPECT_EQ_MSG(test, packet.index, v->index, "packet %s",
				    v->name);
		KUNIT_EXPECT_EQ_MSG(test, packet.payload, v->payload,
				    "packet %s", v->name);
	}
}

static void spe_decoder_test_records(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spe_record_vectors); i++) {
		const struct spe_record_vector *v = &spe_record_vectors[i];
		struct mem_sampling_record rec;
		struct spe_decoder dec;
		unsigned int n = 0;

		spe_decoder_init(&dec, v->bytes, v->len);
		while (spe_decoder_next_record(&dec, &rec) == 1) {
			const char *field = NULL;

			if (n < v->nr_records)
				field = spe_record_mismatch(&rec, &v->records[n]);
			KUNIT_EXPECT_LT_MSG(test, n, v->nr_records,
					    "record %s: extra record", v->name);
			KUNIT_EXPECT_PTR_EQ_MSG(test, field, NULL,
						"record %s #%u differs in %s",
						v->name, n, field);
			n++;
			if (n > v->nr_records)
				break;
		}
		KUNIT_EXPECT_EQ_MSG(test, n, v->nr_records, "record %s", v->name);
		KUNIT_EXPECT_EQ_MSG(test, spe_decoder_next_record(&dec, &rec), 0,
				    "record %s: 0 after the end", v->name);
		KUNIT_EXPECT_EQ_MSG(test, dec.pos, v->len, "record %s", v->name);
		KUNIT_EXPECT_EQ_MSG(test, dec.dropped, v->dropped, "record %s",
				    v->name);
		KUNIT_EXPECT_EQ_MSG(test, dec.skipped_bytes, v->skipped_bytes,
				    "record %s", v->name);
		KUNIT_EXPECT_EQ_MSG(test, dec.unknown_packets,
				    v->unknown_packets, "record %s", v->name);
	}
}

/*
 * Every prefix of every record vector, copied to the end of an exact-size
 * allocation (KASAN, when enabled, catches a read past it): the decoder
 * ends at the end of the input and only its last record can be truncated.
 */
static void spe_decoder_test_truncation(struct kunit *test)
{
	size_t i, cut;

	for (i = 0; i < ARRAY_SIZE(spe_record_vectors); i++) {
		const struct spe_record_vector *v = &spe_record_vectors[i];

		for (cut = 1; cut <= v->len; cut++) {
			struct mem_sampling_record rec;
			struct spe_decoder dec;
			unsigned int n = 0, early_truncated = 0;
			u32 last_flags = 0;
			u8 *buf;

			buf = kunit_kmalloc(test, cut, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, buf);
			memcpy(buf, v->bytes, cut);
			spe_decoder_init(&dec, buf, cut);
			while (spe_decoder_next_record(&dec, &rec) == 1 &&
			       n <= v->nr_records) {
				if (last_flags & MEM_SAMPLING_RECORD_TRUNCATED)
					early_truncated++;
				last_flags = rec.flags;
				n++;
			}
			KUNIT_EXPECT_LE_MSG(test, n, v->nr_records + 1,
					    "%s cut at %zu", v->name, cut);
			KUNIT_EXPECT_EQ_MSG(test, early_truncated, 0U,
					    "%s cut at %zu", v->name, cut);
			KUNIT_EXPECT_EQ_MSG(test, dec.pos, cut,
					    "%s cut at %zu", v->name, cut);
			kunit_kfree(test, buf);
		}
	}
}

/* Pseudo-random garbage: decoding terminates, consumes all, stays sane. */
static void spe_decoder_test_garbage(struct kunit *test)
{
	const size_t len = 64 * 1024;
	struct mem_sampling_record rec;
	struct spe_decoder dec;
	u64 state = 0x2545f4914f6cdd1dULL;
	unsigned long n = 0;
	size_t i, last = 0;
	u8 *buf;

	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		buf[i] = state;
	}
	spe_decoder_init(&dec, buf, len);
	while (spe_decoder_next_record(&dec, &rec) == 1) {
		KUNIT_ASSERT_GT(test, dec.pos, last);
		KUNIT_EXPECT_EQ(test, rec.flags & ~(u32)GENMASK(10, 0), 0U);
		last = dec.pos;
		n++;
	}
	KUNIT_EXPECT_EQ(test, dec.pos, len);
	KUNIT_EXPECT_EQ(test, dec.records, n);
	KUNIT_EXPECT_GT(test, dec.dropped, 0UL);
	KUNIT_EXPECT_LE(test, dec.skipped_bytes, (unsigned long)len);
	KUNIT_EXPECT_LE(test, dec.truncated, 1UL);
}

static void spe_decoder_test_events(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, spe_events_to_mem_sampling(BIT(SPE_EV_RETIRED)),
			MEM_SAMPLING_EVENT_RETIRED);
	KUNIT_EXPECT_EQ(test, spe_events_to_mem_sampling(BIT(SPE_EV_L1D_REFILL)),
			MEM_SAMPLING_EVENT_L1D_MISS);
	KUNIT_EXPECT_EQ(test, spe_events_to_mem_sampling(BIT(SPE_EV_TLB_WALK)),
			MEM_SAMPLING_EVENT_TLB_WALK);
	KUNIT_EXPECT_EQ(test, spe_events_to_mem_sampling(BIT(SPE_EV_LLC_MISS)),
			MEM_SAMPLING_EVENT_LLC_MISS);
	KUNIT_EXPECT_EQ(test,
			spe_events_to_mem_sampling(BIT(SPE_EV_REMOTE_ACCESS)),
			MEM_SAMPLING_EVENT_REMOTE_ACCESS);
	KUNIT_EXPECT_EQ(test,
			spe_events_to_mem_sampling(BIT(SPE_EV_MISPREDICTED)),
			MEM_SAMPLING_EVENT_MISPREDICT);
	KUNIT_EXPECT_EQ(test, spe_events_to_mem_sampling(BIT(SPE_EV_NOT_TAKEN)),
			MEM_SAMPLING_EVENT_NOT_TAKEN);
	KUNIT_EXPECT_EQ(test,
			spe_events_to_mem_sampling(BIT(SPE_EV_EXCEPTION_GEN) |
						   BIT(SPE_EV_ALIGNMENT) |
						   GENMASK_ULL(63, 12)), 0U);
}

static struct kunit_case spe_decoder_test_cases[] = {
	KUNIT_CASE(spe_decoder_test_packets),
	KUNIT_CASE(spe_decoder_test_records),
	KUNIT_CASE(spe_decoder_test_truncation),
	KUNIT_CASE(spe_decoder_test_garbage),
	KUNIT_CASE(spe_decoder_test_events),
	{}
};

static struct kunit_suite spe_decoder_test_suite = {
	.name = "spe_decoder",
	.test_cases = spe_decoder_test_cases,
};

kunit_test_suite(spe_decoder_test_suite);

MODULE_DESCRIPTION("KUnit tests for the Arm SPE record decoder");
MODULE_LICENSE("GPL");
