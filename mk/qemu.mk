# SPDX-License-Identifier: GPL-2.0
#
# qemu: Debian 12's qemu 7.2 source + qemu/patches (FEAT_SPE for TCG),
# built for aarch64-softmmu only into $(BUILD)/qemu/qemu-system-aarch64.
#
#   make qemu        fetch (once), patch, configure (once), build (incremental)
#   make bench-qemu  guest slowdown with SPE at the minimum interval vs off
#   make bench-numa-cost  the memory cost model's calibration

QEMU_APT	:= $(BUILD)/apt
QEMU_FETCH	:= $(BUILD)/qemu-src
QEMU_PRISTINE	:= $(QEMU_FETCH)/src
QEMU_TREE	:= $(BUILD)/qemu-tree
QEMU_OBJ	:= $(BUILD)/qemu
QEMU		:= $(QEMU_OBJ)/qemu-system-aarch64
QEMU_PATCHES	:= $(wildcard qemu/patches/*.patch) qemu/patches/series

# Everything not needed to boot the virt board from -kernel/-initrd is left
# out (-Dauto_features=disabled); the device tree library is required by the
# virt board.  Option ROMs (efi-virtio.rom for the default NIC) come from
# Debian's packages, as for Debian's own qemu.  Extra options can be given
# with QEMU_CONFIGURE_EXTRA.
QEMU_FIRMWARE	:= /usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
QEMU_CONFIGURE	:= --target-list=aarch64-softmmu --without-default-features \
		   --enable-fdt=system --disable-docs --disable-debug-info \
		   --disable-werror --meson=meson --cc="ccache gcc" \
		   --host-cc="ccache gcc" --firmwarepath=$(QEMU_FIRMWARE) \
		   $(QEMU_CONFIGURE_EXTRA)

DEPS_HOST	+= ninja-build meson python3 python3-venv pkgconf \
		   libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev \
		   dpkg-dev ccache rsync patch gcc make ipxe-qemu

help-parts::
	@echo '  qemu           SPE-capable qemu-system-aarch64 in build/qemu'
	@echo '  bench-qemu     guest slowdown: SPE at the minimum interval vs off,'
	@echo '                 then bench-numa-cost'
	@echo '  bench-numa-cost  the memory cost model (numa-cost) calibration table'

.PHONY: qemu qemu-source qemu-tree

qemu: $(QEMU)

$(QEMU_PRISTINE)/configure: scripts/fetch-qemu-source.sh | $(DEPS_STAMP)
	@echo "  FETCH   qemu source (apt-get source, private apt config)"
	@scripts/fetch-qemu-source.sh $(QEMU_APT) $(QEMU_FETCH) \
		>$(QEMU_FETCH).log 2>&1 || { tail -n 30 $(QEMU_FETCH).log; exit 1; }
	@touch $@

qemu-source: $(QEMU_PRISTINE)/configure

$(QEMU_TREE)/.stamp: $(QEMU_PRISTINE)/configure $(QEMU_PATCHES) \
		scripts/prepare-qemu-tree.sh
	@echo "  PATCH   qemu ($(words $(filter %.patch,$(QEMU_PATCHES))) patches)"
	@scripts/prepare-qemu-tree.sh $(QEMU_PRISTINE) qemu/patches $(QEMU_TREE)
	@touch $@

qemu-tree: $(QEMU_TREE)/.stamp

# Configure once per change of the options; after that ninja re-runs meson
# by itself when a meson.build in the tree changes (so build.ninja's own
# time stamp says nothing about the options: a stamp does).
$(QEMU_OBJ)/.configured: $(QEMU_OBJ)/configure.opts | $(QEMU_TREE)/.stamp
	@echo "  CONFIG  qemu"
	@mkdir -p $(QEMU_OBJ)
	@cd $(QEMU_OBJ) && $(QEMU_TREE)/configure $(QEMU_CONFIGURE) \
		>configure.log 2>&1 || { tail -n 30 configure.log; exit 1; }
	@touch $@

$(QEMU_OBJ)/configure.opts: FORCE
	@mkdir -p $(@D)
	@echo '$(QEMU_CONFIGURE)' | cmp -s - $@ || echo '$(QEMU_CONFIGURE)' >$@

# ninja decides what to rebuild; the rule always runs but is a no-op when
# nothing changed, and only touches $(QEMU) when it relinked.
$(QEMU): $(QEMU_OBJ)/.configured $(QEMU_TREE)/.stamp FORCE
	@echo "  NINJA   $@"
	@ninja -C $(QEMU_OBJ) -j$(JOBS) qemu-system-aarch64 \
		>$(QEMU_OBJ)/ninja.log 2>&1 || { grep -B2 -A12 -m3 'error' \
		$(QEMU_OBJ)/ninja.log; tail -n 5 $(QEMU_OBJ)/ninja.log; exit 1; }
	@# Run from the build tree, qemu looks for firmware under qemu-bundle/.
	@for d in $(subst :, ,$(QEMU_FIRMWARE)); do \
		mkdir -p $(QEMU_OBJ)/qemu-bundle$$(dirname $$d); \
		ln -sfn $$d $(QEMU_OBJ)/qemu-bundle$$d; \
	done

.PHONY: FORCE
FORCE:

# ------------------------------------------------------------ guest checks
# spe_perf_aux (selftests/) leaves the AUX data of a perf arm_spe session
# and the pages it sampled in the outbox; perf's own packet decoder
# (perf-spe-dump, from the decoder's mk file) reads them back on the host.
GUEST_POSTCHECKS += check-spe-perf-aux

.PHONY: check-spe-perf-aux bench-qemu bench-numa-cost

check-spe-perf-aux:
	@mkdir -p $(RESULTS)
	@$(MAKE) -s $(HOSTBIN)/perf-spe-dump
	@$(PYTHON) scripts/check-spe-perf-aux.py \
		$(TEST_OUT)/spe_perf_aux $(HOSTBIN)/perf-spe-dump \
		$(RESULTS)/check-spe-perf-aux.txt

# ------------------------------------------------------------------- bench
# One boot: spe_bench times the same loop with SPE off and at the minimum
# interval; the ratio lands in $(RESULTS)/bench-qemu.txt.  Then the memory
# cost model's calibration table (bench-numa-cost).
BENCH_TARGETS += bench-qemu

bench-qemu: kernel initramfs $(QEMU)
	@$(BOOT) bench-qemu $(GUEST_TIMEOUT)
	@mkdir -p $(RESULTS)
	@grep -h '^spe_bench:' $(BUILD)/guest-out/bench-qemu$(GUEST_SUFFIX)/spe_bench.txt \
		| tr -d '\r' | tee $(RESULTS)/bench-qemu.txt | grep -q spe_off_ms=
	@if [ "$(GUEST_NUMA_COST)" != off ]; then $(MAKE) -s bench-numa-cost; fi

# The memory cost model's calibration: numa-cost on a 3-node machine (node
# 2 without CPUs, at distance 30) with the model on and off, two boots;
# the table lands in $(RESULTS)/bench-numa-cost.txt.
NUMA_COST_REPS ?= 5
bench-numa-cost: GUEST_APPEND += msbench.reps=$(NUMA_COST_REPS)
bench-numa-cost: kernel initramfs $(QEMU)
	@mkdir -p $(RESULTS)
	@for cost in on off; do \
		GUEST_TOPOLOGY=numa3-memonly GUEST_NUMA_COST=$$cost \
			$(BOOT) bench-numa-cost $(GUEST_TIMEOUT) || exit 1; \
		tr -d '\r' < $(BUILD)/guest-out/bench-numa-cost-numa3-memonly/numa_cost.txt \
			> $(RESULTS)/numa-cost-$$cost.txt; \
	done
	@$(PYTHON) scripts/numa-cost-table.py $(RESULTS)/numa-cost-on.txt \
		$(RESULTS)/numa-cost-off.txt | tee $(RESULTS)/bench-numa-cost.txt
