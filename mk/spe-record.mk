# SPDX-License-Identifier: GPL-2.0
# spe-record (samples/bpf/spe): built static for arm64 and shipped in the
# guest's /usr/bin.  The BPF object is compiled once with clang and
# embedded in the program by a bpftool skeleton.

DEPS_HOST += clang llvm bpftool
DEPS_ARM64 += libbpf-dev libelf-dev zlib1g-dev

SPE_RECORD_SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../samples/bpf/spe)
SPE_RECORD_OUT := $(BUILD)/spe-record

GUEST_BINS += $(BUILD)/guest-bin/spe-record

.PHONY: spe-record
spe-record: $(BUILD)/guest-bin/spe-record

# The sub-make knows the real dependencies; this only decides when to ask.
$(BUILD)/guest-bin/spe-record: $(wildcard $(SPE_RECORD_SRC)/*) | $(BUILD)/.deps-ok
	@echo "  BPF     $@"
	@mkdir -p $(SPE_RECORD_OUT) $(dir $@)
	@$(MAKE) -s -C $(SPE_RECORD_SRC) OUTPUT=$(SPE_RECORD_OUT) \
		CC=$(CROSS_COMPILE)gcc STATIC=1 BPF_MULTIARCH=$(shell gcc -print-multiarch)
	@$(CROSS_COMPILE)strip -o $@ $(SPE_RECORD_OUT)/spe-record

# Host test: the same sources build natively (as on an arm64 Debian host)
# and refuse what they must, before any kernel feature is needed.
DEPS_HOST += libbpf-dev zlib1g-dev
HOST_TESTS += test-spe-record

.PHONY: test-spe-record
test-spe-record: | $(BUILD)/.deps-ok
	@mkdir -p $(RESULTS) $(BUILD)/spe-record-host
	@scripts/test-spe-record.sh $(SPE_RECORD_SRC) $(BUILD)/spe-record-host \
		> $(RESULTS)/test-spe-record.txt; \
	cat $(RESULTS)/test-spe-record.txt; \
	! grep -q '^not ok' $(RESULTS)/test-spe-record.txt

help-parts::
	@echo '  spe-record     static arm64 spe-record in build/guest-bin'
	@echo '  test-spe-record  native spe-record build, arguments and refusals'
