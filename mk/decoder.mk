# SPDX-License-Identifier: GPL-2.0
#
# SPE decoder on the host: the spe-decode tool, perf-spe-dump (perf's packet
# decoder from the pristine tree with our JSON), unit, differential and
# fuzz tests, and the benchmark against perf's record decoder.
#
# Standalone (without the top Makefile):
#   make -f mk/decoder.mk BUILD=$PWD/build KPRISTINE=/path/to/linux-6.12 test-decoder-unit

BUILD		?= $(CURDIR)/build
KPRISTINE	?= $(BUILD)/linux-pristine
HOSTBIN		?= $(BUILD)/host
RESULTS		?= $(BUILD)/results

DEPS_HOST	+= clang libclang-rt-14-dev valgrind
HOST_TESTS	+= test-decoder-unit test-decoder-diff test-decoder-fuzz

DEC_SRC		:= drivers/arm/spe/spe-decoder
DEC_HOST	:= host/spe-decoder
DEC_OBJ		:= $(BUILD)/decoder
PERF_TOOLS	:= $(KPRISTINE)/tools
PERF_SPE	:= $(PERF_TOOLS)/perf/util/arm-spe-decoder
DEC_TOOLS_ARCH	:= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

DEC_CC		?= gcc
DEC_CFLAGS	:= -O2 -g -Wall -Wextra -Wno-unused-parameter -Werror \
		   -Ihost/include -Iinclude -I$(DEC_SRC) -I$(DEC_HOST)
# perf's sources see perf's tools/include; ours come after it (same types).
PERF_CFLAGS	:= -O2 -g -D_GNU_SOURCE -I$(PERF_TOOLS)/include \
		   -I$(PERF_TOOLS)/arch/$(DEC_TOOLS_ARCH)/include \
		   -I$(PERF_TOOLS)/include/uapi \
		   -I$(PERF_TOOLS)/arch/$(DEC_TOOLS_ARCH)/include/uapi \
		   -I$(PERF_TOOLS)/lib/perf/include -I$(PERF_TOOLS)/perf/util \
		   -I$(PERF_TOOLS)/perf -Iinclude -I$(DEC_SRC) -I$(DEC_HOST) \
		   -DPERF_SPE_PKT_DECODER_C='"$(PERF_SPE)/arm-spe-pkt-decoder.c"'
FUZZ_CC		?= clang
FUZZ_CFLAGS	:= -O1 -g -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=undefined -Ihost/include -Iinclude \
		   -I$(DEC_SRC) -I$(DEC_HOST)
FUZZ_SECONDS	?= 600
FUZZ_TEST_SECONDS ?= 90
FUZZ_CORPUS	:= $(DEC_HOST)/fuzz-corpus

DEC_CORE	:= $(DEC_SRC)/spe-pkt-decoder.c $(DEC_SRC)/spe-decoder.c
DEC_HDRS	:= $(wildcard $(DEC_SRC)/*.h $(DEC_HOST)/*.h host/include/linux/*.h) \
		   include/linux/mem_sampling.h
DEC_CORE_OBJS	:= $(DEC_OBJ)/spe-pkt-decoder.o $(DEC_OBJ)/spe-decoder.o \
		   $(DEC_OBJ)/spe-json.o
PERF_PKT_C	:= $(PERF_SPE)/arm-spe-pkt-decoder.c
PERF_OBJS	:= $(DEC_OBJ)/perf-arm-spe-pkt-decoder.o \
		   $(DEC_OBJ)/perf-arm-spe-decoder.o $(DEC_OBJ)/perf-glue.o

.PHONY: decoder-tools spe-decode perf-spe-dump test-decoder-unit \
	test-decoder-diff test-decoder-fuzz fuzz bench-decoder

decoder-tools: $(HOSTBIN)/spe-decode $(HOSTBIN)/perf-spe-dump
spe-decode: $(HOSTBIN)/spe-decode
perf-spe-dump: $(HOSTBIN)/perf-spe-dump

# The pristine tree comes from the top Makefile's kernel-tree; only asked
# for when it is missing.
$(PERF_PKT_C):
	@$(MAKE) -s kernel-tree

$(DEC_OBJ)/%.o: $(DEC_SRC)/%.c $(DEC_HDRS)
	@mkdir -p $(@D)
	$(DEC_CC) $(DEC_CFLAGS) -c -o $@ $<

$(DEC_OBJ)/%.o: $(DEC_HOST)/%.c $(DEC_HDRS)
	@mkdir -p $(@D)
	$(DEC_CC) $(DEC_CFLAGS) -c -o $@ $<

$(DEC_OBJ)/perf-arm-spe-pkt-decoder.o: $(PERF_PKT_C)
	@mkdir -p $(@D)
	$(DEC_CC) $(PERF_CFLAGS) -c -o $@ $(PERF_SPE)/arm-spe-pkt-decoder.c

$(DEC_OBJ)/perf-arm-spe-decoder.o: $(PERF_PKT_C)
	@mkdir -p $(@D)
	$(DEC_CC) $(PERF_CFLAGS) -c -o $@ $(PERF_SPE)/arm-spe-decoder.c

$(DEC_OBJ)/perf-glue.o: $(DEC_HOST)/perf-glue.c $(PERF_PKT_C)
	@mkdir -p $(@D)
	$(DEC_CC) $(PERF_CFLAGS) -c -o $@ $<

$(HOSTBIN)/spe-decode: $(DEC_OBJ)/spe-decode.o $(DEC_CORE_OBJS)
	@mkdir -p $(@D)
	$(DEC_CC) -o $@ $^

# perf's packet decoder is compiled into perf-spe-dump's translation unit.
$(HOSTBIN)/perf-spe-dump: $(DEC_HOST)/perf-spe-dump.c $(DEC_CORE_OBJS) \
		$(PERF_PKT_C) $(DEC_HDRS)
	@mkdir -p $(@D)
	$(DEC_CC) $(PERF_CFLAGS) -Wall -o $@ $(DEC_HOST)/perf-spe-dump.c \
		$(DEC_CORE_OBJS)

$(HOSTBIN)/spe-decoder-unit: $(DEC_OBJ)/spe-decoder-unit.o $(DEC_CORE_OBJS)
	@mkdir -p $(@D)
	$(DEC_CC) -o $@ $^

# The differential test links perf's packet decoder through its own
# translation unit, like perf-spe-dump.
$(HOSTBIN)/spe-decoder-diff: $(DEC_HOST)/spe-decoder-diff.c $(DEC_CORE_OBJS) \
		$(DEC_OBJ)/spe-synth.o $(DEC_OBJ)/perf-arm-spe-decoder.o \
		$(DEC_OBJ)/perf-glue.o $(PERF_PKT_C) $(DEC_HDRS)
	@mkdir -p $(@D)
	$(DEC_CC) $(PERF_CFLAGS) -I$(PERF_SPE) -Wall -o $@ \
		$(DEC_HOST)/spe-decoder-diff.c $(DEC_CORE_OBJS) \
		$(DEC_OBJ)/spe-synth.o $(DEC_OBJ)/perf-arm-spe-decoder.o \
		$(DEC_OBJ)/perf-glue.o

$(DEC_OBJ)/spe-decoder-bench.o: $(DEC_HOST)/spe-decoder-bench.c $(DEC_HDRS) \
		$(PERF_PKT_C)
	@mkdir -p $(@D)
	$(DEC_CC) $(PERF_CFLAGS) -I$(PERF_SPE) -Wall -c -o $@ $<

$(HOSTBIN)/spe-decoder-bench: $(DEC_OBJ)/spe-decoder-bench.o \
		$(DEC_OBJ)/spe-synth.o $(DEC_OBJ)/spe-pkt-decoder.o \
		$(DEC_OBJ)/spe-decoder.o $(PERF_OBJS)
	@mkdir -p $(@D)
	$(DEC_CC) -o $@ $^

$(HOSTBIN)/spe-decoder-fuzz: $(DEC_HOST)/spe-decoder-fuzz.c $(DEC_CORE) $(DEC_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(DEC_HOST)/spe-decoder-fuzz.c $(DEC_CORE)

test-decoder-unit: $(HOSTBIN)/spe-decoder-unit $(HOSTBIN)/spe-decode
	@mkdir -p $(RESULTS)
	@$(HOSTBIN)/spe-decoder-unit $(HOSTBIN)/spe-decode \
		> $(RESULTS)/test-decoder-unit.txt; rc=$$?; \
	grep -c '^ok' $(RESULTS)/test-decoder-unit.txt | sed 's/^/test-decoder-unit: ok /'; \
	grep '^not ok' $(RESULTS)/test-decoder-unit.txt; exit $$rc

test-decoder-diff: $(HOSTBIN)/spe-decoder-diff $(HOSTBIN)/spe-decode \
		$(HOSTBIN)/perf-spe-dump
	@mkdir -p $(RESULTS) $(DEC_OBJ)/diff
	@HOSTBIN=$(HOSTBIN) WORK=$(DEC_OBJ)/diff \
		$(DEC_HOST)/test-decoder-diff.sh > $(RESULTS)/test-decoder-diff.txt; \
	rc=$$?; grep -c '^ok' $(RESULTS)/test-decoder-diff.txt | \
		sed 's/^/test-decoder-diff: ok /'; \
	grep '^not ok' $(RESULTS)/test-decoder-diff.txt; exit $$rc

# The differential target (ours against perf's packet decoder) gets a
# third of the time.
$(DEC_OBJ)/fuzz-spe-pkt-decoder.o: $(DEC_SRC)/spe-pkt-decoder.c $(DEC_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(HOSTBIN)/spe-decoder-perf-fuzz: $(DEC_HOST)/spe-decoder-perf-fuzz.c \
		$(DEC_OBJ)/fuzz-spe-pkt-decoder.o $(DEC_HDRS) $(PERF_PKT_C)
	@mkdir -p $(@D)
	$(FUZZ_CC) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(filter-out -O2,$(PERF_CFLAGS)) \
		-o $@ $(DEC_HOST)/spe-decoder-perf-fuzz.c \
		$(DEC_OBJ)/fuzz-spe-pkt-decoder.o

FUZZ_RUN = mkdir -p $(RESULTS) $(DEC_OBJ)/fuzz $(DEC_OBJ)/perf-fuzz; \
	SECONDS_RUN=$$(( $(1) * 2 / 3 )) FUZZER=$(HOSTBIN)/spe-decoder-fuzz \
		SEED=$(FUZZ_CORPUS) WORK=$(DEC_OBJ)/fuzz NAME=$(2) \
		$(DEC_HOST)/run-fuzz.sh > $(RESULTS)/$(2).txt; rc=$$?; \
	SECONDS_RUN=$$(( $(1) / 3 )) FUZZER=$(HOSTBIN)/spe-decoder-perf-fuzz \
		SEED=$(FUZZ_CORPUS) WORK=$(DEC_OBJ)/perf-fuzz NAME=$(2)-vs-perf \
		$(DEC_HOST)/run-fuzz.sh >> $(RESULTS)/$(2).txt || rc=1; \
	cat $(RESULTS)/$(2).txt; exit $$rc

test-decoder-fuzz: $(HOSTBIN)/spe-decoder-fuzz $(HOSTBIN)/spe-decoder-perf-fuzz
	@$(call FUZZ_RUN,$(FUZZ_TEST_SECONDS),test-decoder-fuzz)

fuzz: $(HOSTBIN)/spe-decoder-fuzz $(HOSTBIN)/spe-decoder-perf-fuzz
	@$(call FUZZ_RUN,$(FUZZ_SECONDS),fuzz)

bench-decoder: $(HOSTBIN)/spe-decoder-bench
	@mkdir -p $(RESULTS)
	@HOSTBIN=$(HOSTBIN) $(DEC_HOST)/bench-decoder.sh | \
		tee $(RESULTS)/bench-decoder.txt

help-parts::
	@echo '  bench-decoder  records/s of our SPE decoder vs perf, callgrind instr/record'
	@echo '  fuzz           libFuzzer on the SPE decoder for FUZZ_SECONDS (default 600)'
