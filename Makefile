# SPDX-License-Identifier: GPL-2.0
#
# mem_sampling: build, boot and test the patched Linux 6.12 arm64 kernel on
# an emulated 2-node NUMA machine.  `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

TOP		:= $(CURDIR)
BUILD		?= $(TOP)/build
KPRISTINE	:= $(BUILD)/linux-pristine
KSRC		:= $(BUILD)/linux
KOBJ		:= $(BUILD)/kernel-arm64
HOSTBIN		:= $(BUILD)/host
RESULTS		:= $(BUILD)/results
LOGS		:= $(BUILD)/logs
CROSS_COMPILE	:= aarch64-linux-gnu-
JOBS		?= $(shell nproc)
PYTHON		:= /usr/bin/python3
comma		:= ,
empty		:=
space		:= $(empty) $(empty)

# ccache shares objects between checkouts below the same parent directory.
export CCACHE_BASEDIR ?= $(abspath $(TOP)/..)
export CCACHE_DIR ?= $(HOME)/.ccache

# The guest: QEMU virt, 2 CPUs, 2 NUMA nodes, one CPU and half the memory
# each.  GUEST_MEM is the total.  mk/qemu.mk points QEMU at our SPE model.
QEMU		?= /usr/bin/qemu-system-aarch64
# The machine (scripts/boot-guest.sh): numa2 (device tree, two nodes) or
# tiered (UEFI and ACPI, two DRAM nodes and a CPU-less slow node).
# scripts/boot-guest.sh reads GUEST_TOPOLOGY; setting that instead still
# works (numa3-memonly, for bench-numa-cost).  A plan's console log and
# outbox are build/logs/PLAN.log and build/guest-out/PLAN on numa2,
# PLAN-TOPOLOGY on the others (GUEST_SUFFIX).
TOPOLOGY	?= numa2
export GUEST_TOPOLOGY ?= $(TOPOLOGY)
GUEST_SUFFIX	:= $(if $(filter numa2,$(GUEST_TOPOLOGY)),,-$(GUEST_TOPOLOGY))
GUEST_MEM	?= 2G
GUEST_TIMEOUT	?= 1500
GUEST_APPEND	?=

# Packages every target needs; mk/*.mk add theirs.
DEPS_HOST	:= gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-source-6.12 \
		   ccache sparse bc bison flex libssl-dev libelf-dev cpio \
		   xz-utils rsync python3 qemu-system-arm dpkg-dev git \
		   qemu-efi-aarch64
DEPS_ARM64	:= busybox-static

# Kernel config fragments, merged onto allnoconfig in this order.
KCONFIGS	:= configs/qemu-virt.config configs/mem_sampling.config \
		   configs/test.config

# Filled by mk/*.mk: host test targets, host checks run after the guest
# boot, static arm64 programs for the guest, our kernel objects to check.
HOST_TESTS	:=
GUEST_POSTCHECKS :=
GUEST_BINS	:=
BENCH_TARGETS	:=
CHECK_KERNEL_TARGETS :=

# Prerequisite of everything that needs the packages (make deps).
DEPS_STAMP	:= $(BUILD)/.deps-ok

include $(sort $(wildcard mk/*.mk))

KMAKE = $(MAKE) -s -C $(KSRC) O=$(KOBJ) ARCH=arm64 \
	CROSS_COMPILE=$(CROSS_COMPILE) CC="ccache $(CROSS_COMPILE)gcc" \
	-j$(JOBS)

# Each mk/*.mk adds its own lines to `make help` with a help-parts:: rule.
help-parts::
	@true

.PHONY: help help-parts deps kernel kernel-tree kernel-config initramfs selftests run \
	shell test test-host test-guest test-guest-tiered check patches clean distclean

help:
	@echo 'mem_sampling: Linux 6.12 NUMA balancing from hardware access samples'
	@echo
	@echo 'Main jobs (each installs and builds what it needs):'
	@echo '  run            boot the 2-node guest and run the demo, print a report'
	@echo '  test           host tests, KUnit at guest boot, kselftests in the guest (numa2,'
	@echo '                 then the machine-dependent ones on the tiered machine)'
	@echo '  check          checkpatch --strict, sparse and W=1 on our code'
	@echo '  shell          boot the same guest to an interactive shell'
	@echo
	@echo 'Steps:'
	@echo '  deps           install the Debian packages the targets need (apt-get)'
	@echo '  kernel         patched arm64 Image in build/kernel-arm64 (incremental)'
	@echo '  test-guest     boot once and run the kselftests only (no host tests)'
	@echo '  test-guest-tiered  the same on the tiered machine, machine-dependent kselftests only'
	@echo '  initramfs      busybox, our static test programs and the guest init'
	@echo '  patches        export the change as a git am series in build/patches'
	@echo '  clean          remove build outputs but keep unpacked sources'
	@echo '  distclean      remove build/ entirely'
	@$(MAKE) -s --no-print-directory help-parts
	@echo
	@echo 'Variables: GUEST_MEM=$(GUEST_MEM) GUEST_TIMEOUT=$(GUEST_TIMEOUT)s JOBS=$(JOBS)'
	@echo '           GUEST_APPEND="extra kernel command line"; with test-guest,'
	@echo '           GUEST_APPEND="mstests=a,b msrepeat=N" runs only those kselftests'
	@echo '           GUEST_NUMA_COST=off boots without the memory cost model (qemu/README.md);'
	@echo '           TOPOLOGY=$(TOPOLOGY) (run, shell, test, test-guest, bench): numa2 is the 2-node'
	@echo '           device-tree guest; tiered boots UEFI and ACPI (SRAT, SLIT, HMAT, SPE in the'
	@echo '           MADT) with two DRAM nodes and a CPU-less slow node in a lower memory tier;'
	@echo '           logs: build/logs/PLAN.log on numa2, PLAN-tiered.log on tiered'
	@echo '           GUEST_TOPOLOGY=numa3-memonly adds a CPU-less node at distance 30 (DT)'

# ---------------------------------------------------------------- packages

deps:
	@mkdir -p $(BUILD)
	@scripts/deps.sh --host "$(sort $(DEPS_HOST))" --arm64 "$(sort $(DEPS_ARM64))"
	@touch $(DEPS_STAMP)

$(DEPS_STAMP): $(MAKEFILE_LIST) scripts/deps.sh
	@$(MAKE) -s deps

# ------------------------------------------------------------------ kernel
# The tree is rebuilt from the pristine source, patches/ and the overlay on
# every run, but only files whose content changed get a new time stamp, so
# an unchanged tree rebuilds in seconds.
kernel-tree: $(DEPS_STAMP)
	@scripts/prepare-kernel-tree.sh $(BUILD)

kernel-config: kernel-tree
	@scripts/configure-kernel.sh $(KSRC) $(KOBJ) arm64 $(KCONFIGS)

kernel: kernel-config
	@echo "  KERNEL  $(KOBJ)/arch/arm64/boot/Image"
	@$(KMAKE) Image
	@$(KMAKE) headers >/dev/null

# --------------------------------------------------------------- initramfs
selftests: kernel
	@scripts/build-selftests.sh $(KSRC) $(KOBJ) $(BUILD)/selftests

initramfs: selftests $(GUEST_BINS)
	@scripts/build-initramfs.sh $(BUILD) $(BUILD)/initramfs.cpio.gz \
		$(BUILD)/selftests $(GUEST_BINS)

# ------------------------------------------------------------ boot and run
BOOT = QEMU=$(QEMU) GUEST_MEM=$(GUEST_MEM) GUEST_APPEND="$(GUEST_APPEND)" \
	scripts/boot-guest.sh $(BUILD) $(KOBJ)/arch/arm64/boot/Image \
	$(BUILD)/initramfs.cpio.gz

# The demo needs room for a 1 GiB workload on one node.
run: GUEST_MEM = 4G
run: kernel initramfs $(QEMU)
	@$(BOOT) run $(GUEST_TIMEOUT)
	@echo
	@$(PYTHON) scripts/bench-report.py $(BUILD)/guest-out/run$(GUEST_SUFFIX) $(BUILD)/run$(GUEST_SUFFIX) \
		| grep -E '^\|---|^\| (workload|(skewed|tiered) \| (off|ideal|scan|sample|time|NUMA|PTE|pages|samples|sampling|promotions|ping))|^(fixed work|plot:)'

shell: kernel initramfs $(QEMU)
	@$(BOOT) shell 0

# -------------------------------------------------------------------- test
# What the test plan's guest left (the host checks of mk/*.mk read it).
TEST_OUT	:= $(BUILD)/guest-out/test$(GUEST_SUFFIX)

test:
	@scripts/run-tests.sh

test-host: $(HOST_TESTS)

test-guest: kernel initramfs $(QEMU)
	@rm -f $(RESULTS)/kunit.txt $(RESULTS)/kselftest.txt $(RESULTS)/guest-boot.txt
	@mkdir -p $(RESULTS)
	@$(BOOT) test $(GUEST_TIMEOUT); rc=$$?; \
	$(PYTHON) scripts/parse-guest-log.py $(LOGS)/test$(GUEST_SUFFIX).log \
		$(TEST_OUT) $(RESULTS) || rc=1; \
	for c in $(GUEST_POSTCHECKS); do $(MAKE) -s $$c || rc=1; done; \
	exit $$rc

# make test boots the tiered machine too, for the tests that depend on how
# the machine is described (ACPI): the SPE driver and perf sharing, the
# NUMA tests and tiering.  Its result files are RESULTS/*-tiered.txt.
TIERED_TESTS	:= numa_topology spe_driver spe_perf spe_perf_aux spe_perf_hotplug \
		   numa_sampling_migrate numa_sampling_modes numa_sampling_tiering \
		   damon_sampled

test-guest-tiered:
	@rm -rf $(RESULTS)/tiered; rm -f $(RESULTS)/*-tiered.txt
	@$(MAKE) -s test-guest TOPOLOGY=tiered GUEST_TOPOLOGY=tiered \
		RESULTS=$(RESULTS)/tiered \
		GUEST_APPEND="mstests=$(subst $(space),$(comma),$(TIERED_TESTS)) $(GUEST_APPEND)" \
		GUEST_POSTCHECKS="check-spe-perf check-spe-perf-aux"; rc=$$?; \
	for f in $(RESULTS)/tiered/*.txt; do \
		[ -e "$$f" ] && mv "$$f" "$(RESULTS)/$$(basename "$$f" .txt)-tiered.txt"; \
	done; exit $$rc

# ------------------------------------------------------------------- check
check: kernel-config
	@scripts/check.sh $(KSRC) $(KOBJ) "$(CHECK_KERNEL_TARGETS)"

# ----------------------------------------------------------------- patches
patches: kernel-tree
	@scripts/export-patches.sh $(BUILD)

clean:
	rm -rf $(KOBJ) $(BUILD)/selftests $(BUILD)/initramfs* $(RESULTS) \
		$(LOGS) $(BUILD)/guest-out $(HOSTBIN) $(BUILD)/patches

distclean:
	rm -rf $(BUILD)

print-%:
	@echo '$($*)'
