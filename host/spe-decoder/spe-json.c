// SPDX-License-Identifier: GPL-2.0
/*
 * JSON lines for SPE packets and records.  One object per line, fixed key
 * order, addresses and raw payloads as "0x..." strings, counts as numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spe-json.h"

static const char * const spe_event_names[64] = {
	[SPE_EV_EXCEPTION_GEN]		= "exception_gen",
	[SPE_EV_RETIRED]		= "retired",
	[SPE_EV_L1D_ACCESS]		= "l1d_access",
	[SPE_EV_L1D_REFILL]		= "l1d_refill",
	[SPE_EV_TLB_ACCESS]		= "tlb_access",
	[SPE_EV_TLB_WALK]		= "tlb_walk",
	[SPE_EV_NOT_TAKEN]		= "not_taken",
	[SPE_EV_MISPREDICTED]		= "mispredicted",
	[SPE_EV_LLC_ACCESS]		= "llc_access",
	[SPE_EV_LLC_MISS]		= "llc_miss",
	[SPE_EV_REMOTE_ACCESS]		= "remote_access",
	[SPE_EV_ALIGNMENT]		= "alignment",
	[SPE_EV_SVE_PARTIAL_PRED]	= "sve_partial_pred",
	[SPE_EV_SVE_EMPTY_PRED]		= "sve_empty_pred",
};

static const char * const spe_record_event_names[] = {
	"retired", "l1d_access", "l1d_miss", "llc_access", "llc_miss",
	"tlb_access", "tlb_walk", "remote_access", "mispredict", "not_taken",
};

static const char * const spe_addr_kinds[] = {
	[SPE_ADDR_PC]			= "pc",
	[SPE_ADDR_BRANCH_TARGET]	= "branch_target",
	[SPE_ADDR_DATA_VIRT]		= "data_va",
	[SPE_ADDR_DATA_PHYS]		= "data_pa",
	[SPE_ADDR_PREV_BRANCH_TARGET]	= "prev_branch_target",
};

static const char * const spe_counter_kinds[] = {
	[SPE_COUNTER_TOTAL_LAT]		= "total",
	[SPE_COUNTER_ISSUE_LAT]		= "issue",
	[SPE_COUNTER_XLAT_LAT]		= "translation",
};

static const char *spe_ldst_subclass(u64 p)
{
	if (SPE_OP_LDST_IS_SVE(p))
		return "sve";
	switch (SPE_OP_LDST_SUBCLASS(p)) {
	case SPE_OP_LDST_GP_REG:	return "gp_reg";
	case SPE_OP_LDST_SIMD_FP:	return "simd_fp";
	case SPE_OP_LDST_UNSPEC_REG:	return "unspec_reg";
	case SPE_OP_LDST_MTE_TAG:	return "mte_tag";
	case SPE_OP_LDST_MEMCPY:	return "memcpy";
	case SPE_OP_LDST_NV_SYSREG:	return "nv_sysreg";
	case SPE_OP_LDST_MEMSET:	return (p & SPE_OP_LDST_ST) ? "memset" : "other";
	}
	if (SPE_OP_LDST_IS_ATOMIC(p))
		return "atomic";
	return "other";
}

static void spe_json_op_type(FILE *out, const struct spe_packet *packet)
{
	u64 p = packet->payload;

	switch (packet->index) {
	case SPE_OP_CLASS_OTHER:
		fprintf(out, ",\"class\":\"other\"");
		if (SPE_OP_OTHER_IS_SVE(p))
			fprintf(out, ",\"sve\":true,\"sve_evl\":%u,\"fp\":%s,\"pred\":%s",
				SPE_OP_SVE_EVL(p),
				p & SPE_OP_OTHER_SVE_FP ? "true" : "false",
				p & SPE_OP_OTHER_SVE_PRED ? "true" : "false");
		else
			fprintf(out, ",\"sve\":false,\"cond_select\":%s",
				p & SPE_OP_OTHER_COND ? "true" : "false");
		break;
	case SPE_OP_CLASS_LDST:
		fprintf(out, ",\"class\":\"ldst\",\"op\":\"%s\",\"subclass\":\"%s\"",
			p & SPE_OP_LDST_ST ? "store" : "load",
			spe_ldst_subclass(p));
		if (SPE_OP_LDST_IS_ATOMIC(p))
			fprintf(out, ",\"atomic\":%s,\"exclusive\":%s,\"acquire_release\":%s",
				p & SPE_OP_LDST_AT ? "true" : "false",
				p & SPE_OP_LDST_EXCL ? "true" : "false",
				p & SPE_OP_LDST_AR ? "true" : "false");
		if (SPE_OP_LDST_IS_SVE(p))
			fprintf(out, ",\"sve_evl\":%u,\"pred\":%s,\"gather_scatter\":%s",
				SPE_OP_SVE_EVL(p),
				p & SPE_OP_SVE_PRED ? "true" : "false",
				p & SPE_OP_SVE_SG ? "true" : "false");
		break;
	case SPE_OP_CLASS_BRANCH: {
		static const char * const cr[] = {
			"none", "bl", "ret", "non_bl_ret",
		};

		fprintf(out, ",\"class\":\"branch\",\"cond\":%s,\"indirect\":%s,\"gcs\":%s,\"call_return\":\"%s\"",
			p & SPE_OP_BR_COND ? "true" : "false",
			p & SPE_OP_BR_INDIRECT ? "true" : "false",
			p & SPE_OP_BR_GCS ? "true" : "false",
			cr[SPE_OP_BR_CR(p)]);
		break;
	}
	default:
		fprintf(out, ",\"class\":\"reserved\"");
		break;
	}
}

static void spe_json_events(FILE *out, u64 payload)
{
	const char *sep = "";
	unsigned int bit;

	fprintf(out, ",\"events\":[");
	for (bit = 0; bit < 64; bit++) {
		if (!(payload & (1ULL << bit)))
			continue;
		if (spe_event_names[bit])
			fprintf(out, "%s\"%s\"", sep, spe_event_names[bit]);
		else
			fprintf(out, "%s\"bit%u\"", sep, bit);
		sep = ",";
	}
	fprintf(out, "]");
}

void spe_json_pad_run(FILE *out, size_t offset, size_t len)
{
	fprintf(out, "{\"offset\":%zu,\"len\":%zu,\"type\":\"pad\"}\n",
		offset, len);
}

void spe_json_packet(FILE *out, size_t offset, const struct spe_packet *packet)
{
	u64 p = packet->payload;

	fprintf(out, "{\"offset\":%zu,\"len\":%u,\"type\":\"%s\"", offset,
		packet->len, spe_packet_type_name(packet->type));
	switch (packet->type) {
	case SPE_PACKET_BAD:
	case SPE_PACKET_UNKNOWN:
		fprintf(out, ",\"header\":\"0x%02x\"", packet->header);
		break;
	case SPE_PACKET_ALIGNMENT:
		fprintf(out, ",\"align\":%u", 1U << packet->index);
		break;
	case SPE_PACKET_PAD:
	case SPE_PACKET_END:
		break;
	default:
		fprintf(out, ",\"index\":%u", packet->index);
		break;
	}
	if (packet->type != SPE_PACKET_PAD && packet->type != SPE_PACKET_END &&
	    packet->type != SPE_PACKET_BAD && packet->type != SPE_PACKET_ALIGNMENT)
		fprintf(out, ",\"payload\":\"0x%llx\"", (unsigned long long)p);

	switch (packet->type) {
	case SPE_PACKET_TIMESTAMP:
		fprintf(out, ",\"timestamp\":%llu", (unsigned long long)p);
		break;
	case SPE_PACKET_EVENTS:
		spe_json_events(out, p);
		break;
	case SPE_PACKET_DATA_SOURCE:
		fprintf(out, ",\"source\":%llu", (unsigned long long)p);
		break;
	case SPE_PACKET_CONTEXT:
		if (packet->index <= SPE_CONTEXT_EL2)
			fprintf(out, ",\"el\":%u", packet->index + 1);
		fprintf(out, ",\"context_id\":%llu", (unsigned long long)p);
		break;
	case SPE_PACKET_OP_TYPE:
		spe_json_op_type(out, packet);
		break;
	case SPE_PACKET_COUNTER:
		fprintf(out, ",\"kind\":\"%s\",\"value\":%llu",
			packet->index < 3 ? spe_counter_kinds[packet->index] :
					    "unknown",
			(unsigned long long)p);
		break;
	case SPE_PACKET_ADDRESS:
		fprintf(out, ",\"kind\":\"%s\",\"addr\":\"0x%llx\"",
			packet->index < 5 ? spe_addr_kinds[packet->index] :
					    "unknown",
			(unsigned long long)spe_addr_packet_address(packet));
		switch (packet->index) {
		case SPE_ADDR_PC:
		case SPE_ADDR_BRANCH_TARGET:
		case SPE_ADDR_PREV_BRANCH_TARGET:
			fprintf(out, ",\"el\":%u,\"ns\":%d",
				spe_addr_packet_el(packet),
				spe_addr_packet_ns(packet));
			break;
		case SPE_ADDR_DATA_VIRT:
			fprintf(out, ",\"va\":\"0x%llx\",\"tag\":\"0x%02x\"",
				(unsigned long long)spe_addr_canonical(p),
				spe_addr_packet_tag(packet));
			break;
		case SPE_ADDR_DATA_PHYS:
			fprintf(out, ",\"ns\":%d,\"ch\":%d,\"pat\":%u",
				spe_addr_packet_ns(packet),
				spe_addr_packet_ch(packet),
				spe_addr_packet_pat(packet));
			break;
		}
		break;
	default:
		break;
	}
	fprintf(out, "}\n");
}

void spe_json_record(FILE *out, size_t offset, size_t len,
		     const struct mem_sampling_record *rec)
{
	static const char * const ops[] = { "other", "load", "store", "branch" };
	const char *sep = "";
	unsigned int bit;
	u32 f = rec->flags;

	fprintf(out, "{\"offset\":%zu,\"len\":%zu,\"op\":\"%s\",\"op_subclass\":\"0x%02x\"",
		offset, len, rec->op < 4 ? ops[rec->op] : "other",
		rec->op_subclass);
	if (f & MEM_SAMPLING_RECORD_PC_VALID)
		fprintf(out, ",\"pc\":\"0x%llx\"", (unsigned long long)rec->pc);
	if (f & MEM_SAMPLING_RECORD_VADDR_VALID)
		fprintf(out, ",\"vaddr\":\"0x%llx\",\"vaddr_tag\":\"0x%02x\"",
			(unsigned long long)rec->vaddr, rec->vaddr_tag);
	if (f & MEM_SAMPLING_RECORD_PADDR_VALID)
		fprintf(out, ",\"paddr\":\"0x%llx\",\"paddr_ns\":%d",
			(unsigned long long)rec->paddr,
			!!(f & MEM_SAMPLING_RECORD_PADDR_NS));
	if (f & MEM_SAMPLING_RECORD_CONTEXT_VALID)
		fprintf(out, ",\"context_id\":%llu",
			(unsigned long long)rec->context_id);
	if (f & MEM_SAMPLING_RECORD_TIMESTAMP_VALID)
		fprintf(out, ",\"timestamp\":%llu",
			(unsigned long long)rec->timestamp);
	if (f & MEM_SAMPLING_RECORD_TOTAL_LAT_VALID)
		fprintf(out, ",\"total_latency\":%u", rec->total_latency);
	if (f & MEM_SAMPLING_RECORD_ISSUE_LAT_VALID)
		fprintf(out, ",\"issue_latency\":%u", rec->issue_latency);
	if (f & MEM_SAMPLING_RECORD_XLAT_LAT_VALID)
		fprintf(out, ",\"translation_latency\":%u",
			rec->translation_latency);
	if (f & MEM_SAMPLING_RECORD_DATA_SOURCE_VALID)
		fprintf(out, ",\"data_source\":%u", rec->data_source);
	fprintf(out, ",\"events\":[");
	for (bit = 0; bit < 10; bit++) {
		if (rec->events & (1U << bit)) {
			fprintf(out, "%s\"%s\"", sep, spe_record_event_names[bit]);
			sep = ",";
		}
	}
	fprintf(out, "],\"truncated\":%s}\n",
		f & MEM_SAMPLING_RECORD_TRUNCATED ? "true" : "false");
}

int spe_read_input(const char *path, u8 **bufp, size_t *lenp)
{
	FILE *in = stdin;
	size_t cap = 1 << 20, len = 0, n;
	u8 *buf, *nbuf;

	if (path && strcmp(path, "-")) {
		in = fopen(path, "rb");
		if (!in)
			return -errno;
	}
	buf = aligned_alloc(4096, cap);
	if (!buf)
		goto nomem;
	while ((n = fread(buf + len, 1, cap - len, in)) > 0) {
		len += n;
		if (len == cap) {
			nbuf = aligned_alloc(4096, cap * 2);
			if (!nbuf)
				goto nomem;
			memcpy(nbuf, buf, len);
			free(buf);
			buf = nbuf;
			cap *= 2;
		}
	}
	if (ferror(in)) {
		free(buf);
		if (in != stdin)
			fclose(in);
		return -EIO;
	}
	if (in != stdin)
		fclose(in);
	*bufp = buf;
	*lenp = len;
	return 0;
nomem:
	free(buf);
	if (in != stdin)
		fclose(in);
	return -ENOMEM;
}
