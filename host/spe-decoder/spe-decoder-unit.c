// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of the SPE decoder: the shared hand-made vectors (also
 * run by KUnit), each again at the very end of a mapping followed by an
 * inaccessible page (a read past the input faults), every prefix of every
 * record vector, the events mapping bit by bit, and the JSON output of
 * spe-decode (path in argv[1]) on the perf documentation sample.
 *
 * Prints "ok NAME" / "not ok NAME" lines; exits 1 if a case failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spe-decoder.h"
#include "spe-decoder-test-vectors.h"
#include "tap-result.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static u8 *guard_area;
static size_t page_size;

/* Copy @len bytes so that they end exactly where the guard page starts. */
static u8 *at_guard(const u8 *bytes, size_t len)
{
	u8 *p = guard_area + page_size - len;

	memcpy(p, bytes, len);
	return p;
}

static int check_packet(const struct spe_packet_vector *v, const u8 *buf,
			char *why, size_t whylen)
{
	struct spe_packet packet;
	int ret = spe_packet_decode(buf, v->len, v->pos, &packet);

	if (ret != v->ret) {
		snprintf(why, whylen, "returned %d, want %d", ret, v->ret);
		return 0;
	}
	if (ret == -ENODATA)
		return 1;
	if (packet.type != v->type || (ret > 0 && (packet.index != v->index ||
	    packet.payload != v->payload || packet.len != ret))) {
		snprintf(why, whylen, "type %u index %u payload 0x%llx len %u",
			 packet.type, packet.index,
			 (unsigned long long)packet.payload, packet.len);
		return 0;
	}
	if (packet.header != buf[v->pos]) {
		snprintf(why, whylen, "header 0x%02x", packet.header);
		return 0;
	}
	return 1;
}

static void test_packets(void)
{
	char why[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spe_packet_vectors); i++) {
		const struct spe_packet_vector *v = &spe_packet_vectors[i];
		int ok;

		why[0] = 0;
		ok = check_packet(v, v->bytes, why, sizeof(why));
		result(ok, "packet %s %s", v->name, why);
		why[0] = 0;
		ok = check_packet(v, at_guard(v->bytes, v->len), why,
				  sizeof(why));
		result(ok, "packet %s at end of mapping %s", v->name, why);
	}
}

static int check_records(const struct spe_record_vector *v, const u8 *buf,
			 char *why, size_t whylen)
{
	struct mem_sampling_record rec;
	struct spe_decoder dec;
	unsigned int n = 0;
	const char *field;

	spe_decoder_init(&dec, buf, v->len);
	while (spe_decoder_next_record(&dec, &rec) == 1) {
		if (n >= v->nr_records) {
			snprintf(why, whylen, "extra record %u", n);
			return 0;
		}
		field = spe_record_mismatch(&rec, &v->records[n]);
		if (field) {
			snprintf(why, whylen, "record %u: %s", n, field);
			return 0;
		}
		n++;
	}
	if (n != v->nr_records) {
		snprintf(why, whylen, "%u records, want %u", n, v->nr_records);
		return 0;
	}
	if (spe_decoder_next_record(&dec, &rec) != 0) {
		snprintf(why, whylen, "no 0 after the end");
		return 0;
	}
	if (dec.records != v->nr_records || dec.dropped != v->dropped ||
	    dec.skipped_bytes != v->skipped_bytes ||
	    dec.unknown_packets != v->unknown_packets || dec.pos != v->len) {
		snprintf(why, whylen,
			 "counters records %lu dropped %lu skipped %lu unknown %lu pos %zu",
			 dec.records, dec.dropped, dec.skipped_bytes,
			 dec.unknown_packets, dec.pos);
		return 0;
	}
	return 1;
}

static void test_records(void)
{
	char why[160];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spe_record_vectors); i++) {
		const struct spe_record_vector *v = &spe_record_vectors[i];

		why[0] = 0;
		result(check_records(v, v->bytes, why, sizeof(why)),
		       "record %s %s", v->name, why);
		why[0] = 0;
		result(check_records(v, at_guard(v->bytes, v->len), why,
				     sizeof(why)),
		       "record %s at end of mapping %s", v->name, why);
	}
}

/*
 * Every prefix of every record vector, at the end of the mapping: the
 * decoder terminates, never faults, returns at most one record more than
 * the whole input has, and only the last one it returns can be truncated.
 */
static void test_prefixes(void)
{
	size_t i, cut;
	int ok = 1;

	for (i = 0; i < ARRAY_SIZE(spe_record_vectors); i++) {
		const struct spe_record_vector *v = &spe_record_vectors[i];

		for (cut = 0; cut <= v->len; cut++) {
			struct mem_sampling_record rec;
			struct spe_decoder dec;
			unsigned int n = 0, truncated_before_last = 0;
			u32 last_flags = 0;

			spe_decoder_init(&dec, at_guard(v->bytes, cut), cut);
			while (spe_decoder_next_record(&dec, &rec) == 1) {
				if (last_flags & MEM_SAMPLING_RECORD_TRUNCATED)
					truncated_before_last++;
				last_flags = rec.flags;
				if (++n > v->len + 1U)
					break;
			}
			if (n > v->nr_records + 1U || truncated_before_last ||
			    dec.pos != cut) {
				result(0, "prefix %s cut at %zu: %u records",
				       v->name, cut, n);
				ok = 0;
			}
		}
	}
	result(ok, "every prefix of every record vector");
}

static void test_events(void)
{
	static const u32 want[] = {
		[SPE_EV_RETIRED]	= MEM_SAMPLING_EVENT_RETIRED,
		[SPE_EV_L1D_ACCESS]	= MEM_SAMPLING_EVENT_L1D_ACCESS,
		[SPE_EV_L1D_REFILL]	= MEM_SAMPLING_EVENT_L1D_MISS,
		[SPE_EV_TLB_ACCESS]	= MEM_SAMPLING_EVENT_TLB_ACCESS,
		[SPE_EV_TLB_WALK]	= MEM_SAMPLING_EVENT_TLB_WALK,
		[SPE_EV_NOT_TAKEN]	= MEM_SAMPLING_EVENT_NOT_TAKEN,
		[SPE_EV_MISPREDICTED]	= MEM_SAMPLING_EVENT_MISPREDICT,
		[SPE_EV_LLC_ACCESS]	= MEM_SAMPLING_EVENT_LLC_ACCESS,
		[SPE_EV_LLC_MISS]	= MEM_SAMPLING_EVENT_LLC_MISS,
		[SPE_EV_REMOTE_ACCESS]	= MEM_SAMPLING_EVENT_REMOTE_ACCESS,
	};
	unsigned int bit;

	for (bit = 0; bit < 64; bit++) {
		u32 expect = bit < ARRAY_SIZE(want) ? want[bit] : 0;
		u32 got = spe_events_to_mem_sampling(1ULL << bit);

		result(got == expect, "events bit %u -> 0x%x", bit, got);
	}
}

static const char perf_sample_records[] =
	"{\"offset\":0,\"len\":46,\"op\":\"load\",\"op_subclass\":\"0x00\","
	"\"pc\":\"0xffff00000815c400\",\"vaddr\":\"0xffff00000f293bc0\","
	"\"vaddr_tag\":\"0xff\",\"paddr\":\"0xfb24ebc0\",\"paddr_ns\":1,"
	"\"timestamp\":39395093558,\"total_latency\":0,"
	"\"translation_latency\":0,"
	"\"events\":[\"retired\",\"l1d_access\",\"tlb_access\"],"
	"\"truncated\":false}\n";

static const char perf_sample_packets[] =
	"{\"offset\":0,\"len\":2,\"type\":\"op_type\",\"index\":1,\"payload\":\"0x0\",\"class\":\"ldst\",\"op\":\"load\",\"subclass\":\"gp_reg\"}\n"
	"{\"offset\":2,\"len\":9,\"type\":\"address\",\"index\":2,\"payload\":\"0xffff00000f293bc0\",\"kind\":\"data_va\",\"addr\":\"0xff00000f293bc0\",\"va\":\"0xffff00000f293bc0\",\"tag\":\"0xff\"}\n"
	"{\"offset\":11,\"len\":9,\"type\":\"address\",\"index\":3,\"payload\":\"0x80000000fb24ebc0\",\"kind\":\"data_pa\",\"addr\":\"0xfb24ebc0\",\"ns\":1,\"ch\":0,\"pat\":0}\n"
	"{\"offset\":20,\"len\":3,\"type\":\"counter\",\"index\":2,\"payload\":\"0x0\",\"kind\":\"translation\",\"value\":0}\n"
	"{\"offset\":23,\"len\":2,\"type\":\"events\",\"index\":0,\"payload\":\"0x16\",\"events\":[\"retired\",\"l1d_access\",\"tlb_access\"]}\n"
	"{\"offset\":25,\"len\":9,\"type\":\"address\",\"index\":0,\"payload\":\"0xffff00000815c400\",\"kind\":\"pc\",\"addr\":\"0xff00000815c400\",\"el\":3,\"ns\":1}\n"
	"{\"offset\":34,\"len\":3,\"type\":\"counter\",\"index\":0,\"payload\":\"0x0\",\"kind\":\"total\",\"value\":0}\n"
	"{\"offset\":37,\"len\":9,\"type\":\"timestamp\",\"index\":0,\"payload\":\"0x92c216c36\",\"timestamp\":39395093558}\n";

static void test_tool(const char *tool, const char *opts, const char *want,
		      const char *name)
{
	const struct spe_record_vector *v = &spe_record_vectors[0];
	char path[] = "/tmp/spe-decoder-unit-XXXXXX";
	char cmd[512], out[4096];
	size_t n;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	if (fd < 0 || write(fd, v->bytes, v->len) != v->len) {
		result(0, "%s: temporary file", name);
		return;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s %s < %s", tool, opts, path);
	f = popen(cmd, "r");
	n = f ? fread(out, 1, sizeof(out) - 1, f) : 0;
	out[n] = 0;
	if (f && pclose(f)) {
		result(0, "%s: %s exited with an error", name, cmd);
		unlink(path);
		return;
	}
	unlink(path);
	result(!strcmp(out, want), "%s", name);
	if (strcmp(out, want))
		fprintf(stderr, "got:\n%swant:\n%s", out, want);
}

static int run_status(const char *cmd, char *out, size_t outlen)
{
	FILE *f = popen(cmd, "r");
	size_t n;
	int st;

	if (!f)
		return -1;
	n = fread(out, 1, outlen - 1, f);
	out[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Exit codes, --stats, truncation as spe-decode reports them. */
static void test_tool_cli(const char *tool)
{
	char cmd[512], out[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "%s /nonexistent/spe.bin 2>/dev/null", tool);
	st = run_status(cmd, out, sizeof(out));
	result(st == 1 && !out[0], "spe-decode: missing file exits 1 (%d)", st);
	snprintf(cmd, sizeof(cmd), "%s --bogus < /dev/null 2>/dev/null", tool);
	st = run_status(cmd, out, sizeof(out));
	result(st == 2, "spe-decode: unknown option exits 2 (%d)", st);
	snprintf(cmd, sizeof(cmd),
		 "printf '\\111\\001\\001\\300\\001\\111\\000\\262\\000' | %s --stats 2>&1",
		 tool);
	st = run_status(cmd, out, sizeof(out));
	result(st == 0 && !strcmp(out,
	       "{\"offset\":0,\"len\":3,\"op\":\"store\",\"op_subclass\":\"0x01\",\"events\":[],\"truncated\":false}\n"
	       "{\"offset\":5,\"len\":4,\"op\":\"load\",\"op_subclass\":\"0x00\",\"events\":[],\"truncated\":true}\n"
	       "{\"bytes\":9,\"records\":2,\"truncated\":1,\"dropped\":1,\"skipped_bytes\":1,\"unknown_packets\":0}\n"),
	       "spe-decode --stats: records, truncation, resync counters");
	if (st || !strstr(out, "\"dropped\":1"))
		fprintf(stderr, "got:\n%s", out);
}

/* Seed corpus for the fuzzer: every record vector and packet vector. */
static int emit_corpus(const char *dir)
{
	char path[4096];
	size_t i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(spe_record_vectors); i++) {
		snprintf(path, sizeof(path), "%s/record-%02zu", dir, i);
		f = fopen(path, "wb");
		if (!f || fwrite(spe_record_vectors[i].bytes, 1,
				 spe_record_vectors[i].len, f) !=
		    spe_record_vectors[i].len || fclose(f))
			return 1;
	}
	for (i = 0; i < ARRAY_SIZE(spe_packet_vectors); i++) {
		snprintf(path, sizeof(path), "%s/packet-%02zu", dir, i);
		f = fopen(path, "wb");
		if (!f || fwrite(spe_packet_vectors[i].bytes, 1,
				 spe_packet_vectors[i].len, f) !=
		    spe_packet_vectors[i].len || fclose(f))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--emit-corpus"))
		return emit_corpus(argv[2]);
	page_size = sysconf(_SC_PAGESIZE);
	guard_area = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_area == MAP_FAILED ||
	    mprotect(guard_area + page_size, page_size, PROT_NONE)) {
		perror("mmap");
		return 1;
	}

	test_packets();
	test_records();
	test_prefixes();
	test_events();
	if (argc > 1) {
		test_tool(argv[1], "", perf_sample_records,
			  "spe-decode records of the perf documentation sample");
		test_tool(argv[1], "--packets -", perf_sample_packets,
			  "spe-decode --packets of the perf documentation sample");
		test_tool_cli(argv[1]);
	} else {
		printf("skip spe-decode JSON no tool path given\n");
	}
	return failures ? 1 : 0;
}
