# SPDX-License-Identifier: GPL-2.0
# Workloads and the scan-mode vs sample-mode benchmark (make run, make bench).

GUEST_BINS += $(BUILD)/guest-bin/numa-workload
DEPS_HOST += gnuplot-nox
BENCH_REPS ?= 3
# The tiered machine's workload is tiered (memory on its slow tier).
BENCH_WORKLOADS ?= $(if $(filter tiered,$(GUEST_TOPOLOGY)),tiered,uniform skewed shared thp numa01 numa02)
# tiered promotes a 256 MiB hot set at TCG speed: a minute a run.
BENCH_SECONDS ?= $(if $(filter tiered,$(GUEST_TOPOLOGY)),60,30)
# Empty: the kernel's default region order (see the admin guide).
BENCH_REGION_ORDER ?=
ifneq ($(BENCH_REGION_ORDER),)
ifeq ($(filter 0 1 2 3 4 5 6 7 8 9,$(BENCH_REGION_ORDER)),)
$(error BENCH_REGION_ORDER=$(BENCH_REGION_ORDER): must be one of 0-9)
endif
endif
# Variants of sample mode: sample+EVENT (event_filter), sample~N
# (min_latency), sample@B (budget in basis points), in that order.
# The tiered machine compares DAMON's migrate_hot too, with Accessed bits
# (damon~N) and with samples (damon-sampled~N), N the hot threshold in
# sampling intervals of 20 (scripts/guest/lib.sh, damon_tier_start): 1 as
# in DAMON's tiering examples (5%), 10 (half).
BENCH_MODES ?= off ideal scan sample$(if $(filter tiered,$(GUEST_TOPOLOGY)), damon~1 damon~10 damon-sampled~1 damon-sampled~10)
BENCH_MODE_PATTERNS := off ideal scan sample sample+% sample~% sample@% damon damon~% damon-sampled damon-sampled~%
ifneq ($(filter-out $(BENCH_MODE_PATTERNS),$(BENCH_MODES)),)
$(error BENCH_MODES: $(filter-out $(BENCH_MODE_PATTERNS),$(BENCH_MODES)): modes are off, ideal, scan, sample and its variants sample+EVENT~LATENCY@BUDGET, and on the tiered machine damon~N and damon-sampled~N)
endif
BENCH_SYSCTLS = $(if $(BENCH_REGION_ORDER),sysctl.kernel.numa_balancing_mem_sampling_region_order=$(BENCH_REGION_ORDER))

GUEST_BINS += $(BUILD)/guest-bin/numa-cost
GUEST_BINS += $(BUILD)/guest-bin/sched-workload
GUEST_BINS += $(BUILD)/guest-bin/numa-threads
GUEST_BINS += $(BUILD)/guest-bin/numa-placement

$(BUILD)/guest-bin/numa-workload: bench/numa_workload.c bench/numa_util.h
$(BUILD)/guest-bin/numa-cost: bench/numa_cost.c
$(BUILD)/guest-bin/sched-workload: bench/sched_workload.c
$(BUILD)/guest-bin/numa-threads: bench/numa_threads.c bench/numa_util.h
$(BUILD)/guest-bin/numa-placement: bench/numa_placement.c bench/numa_util.h
$(BUILD)/guest-bin/numa-workload $(BUILD)/guest-bin/numa-cost \
$(BUILD)/guest-bin/sched-workload $(BUILD)/guest-bin/numa-threads \
$(BUILD)/guest-bin/numa-placement: $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CROSS_COMPILE)gcc -static -O2 -Wall -Wextra -Wno-unused-parameter \
		-pthread -o $@ $(filter %.c,$^)

# What mem_sampling costs context-switch-heavy work: bench/sched_workload.c
# in five modes alternated in one boot (scripts/guest/plans/bench-sched.sh).
BENCH_TARGETS += bench-sched
BENCH_SCHED_REPS ?= 5
bench-sched: GUEST_APPEND += msbench.sched_reps=$(BENCH_SCHED_REPS)
# The table's arguments after the runs file: the guest's CPUs.
bench-sched: TABLE_ARGS = 2

# Task placement: how often and how soon each mode moves a task to the node
# of memory that cannot move (scripts/guest/plans/bench-placement.sh).
BENCH_TARGETS += bench-placement
BENCH_PLACEMENT_REPS ?= 20
bench-placement: GUEST_APPEND += msbench.placement_reps=$(BENCH_PLACEMENT_REPS)

# DAMON with Accessed bits against DAMON from samples on one workload:
# time to find its hot range, how much of it, kdamond's CPU time
# (scripts/guest/plans/bench-damon.sh, selftests/damon_bench.c).
BENCH_TARGETS += bench-damon
BENCH_DAMON_REPS ?= 5
bench-damon: GUEST_APPEND += msbench.damon_reps=$(BENCH_DAMON_REPS)

# One boot of plan $@ writes one line per run to $@.txt in its outbox;
# scripts/$@-table.py makes the table of them, $(RESULTS)/$@.txt.
bench-sched bench-placement bench-damon: kernel initramfs $(QEMU)
	@mkdir -p $(RESULTS)
	@$(BOOT) $@ $(GUEST_TIMEOUT)
	@tr -d '\r' < $(BUILD)/guest-out/$@$(GUEST_SUFFIX)/$@.txt > $(RESULTS)/runs-$@.txt
	@$(PYTHON) scripts/$@-table.py $(RESULTS)/runs-$@.txt $(TABLE_ARGS) \
		| tee $(RESULTS)/$@.txt

# Other parts' figures (the decoder ratio, the QEMU model's slowdown) come
# from their BENCH_TARGETS, each leaving $(RESULTS)/bench-*.txt.
.PHONY: bench
bench: kernel initramfs $(QEMU)
	@rm -f $(RESULTS)/bench-*.txt
	@# The decoder and QEMU figures belong to the numa2 report.
	@[ "$(GUEST_TOPOLOGY)" != numa2 ] || \
		for t in $(BENCH_TARGETS); do $(MAKE) -s $$t || exit 1; done
	@rm -rf $(BUILD)/guest-out/bench$(GUEST_SUFFIX)
	@GUEST_MEM=4G GUEST_APPEND="msbench.reps=$(BENCH_REPS) msbench.workloads=$(subst $(space),$(comma),$(BENCH_WORKLOADS)) msbench.seconds=$(BENCH_SECONDS) msbench.modes=$(subst $(space),$(comma),$(BENCH_MODES)) $(BENCH_SYSCTLS)" \
		QEMU=$(QEMU) scripts/boot-guest.sh $(BUILD) $(KOBJ)/arch/arm64/boot/Image \
		$(BUILD)/initramfs.cpio.gz bench 7200
	@$(PYTHON) scripts/bench-report.py $(BUILD)/guest-out/bench$(GUEST_SUFFIX) \
		$(BUILD)/bench$(GUEST_SUFFIX) $(RESULTS)/bench-*.txt
	@# Each machine has its own generated part of bench/RESULTS.md.
	@$(PYTHON) scripts/update-results.py bench/RESULTS.md $(BUILD)/bench$(GUEST_SUFFIX)/results.md \
		"$$(cat $(KPRISTINE)/.debian-version)" \
		"make bench$(if $(GUEST_SUFFIX), TOPOLOGY=$(GUEST_TOPOLOGY)) BENCH_REPS=$(BENCH_REPS) BENCH_SECONDS=$(BENCH_SECONDS) BENCH_WORKLOADS='$(BENCH_WORKLOADS)'$(if $(filter-out off ideal scan sample,$(BENCH_MODES)), BENCH_MODES='$(BENCH_MODES)')$(if $(BENCH_REGION_ORDER), BENCH_REGION_ORDER=$(BENCH_REGION_ORDER))" \
		$(GUEST_TOPOLOGY)

help-parts::
	@echo '  bench-sched    context-switch cost: ping-pong, hackbench, tbench with mem_sampling off,'
	@echo '                 on, sample and scan mode (BENCH_SCHED_REPS=$(BENCH_SCHED_REPS)), part of bench'
	@echo '  bench-placement task placement: how often and how soon scan and sample mode move a task'
	@echo '                 to its (unmovable) memory, BENCH_PLACEMENT_REPS=$(BENCH_PLACEMENT_REPS) runs each, part of bench'
	@echo '  bench-damon    DAMON with Accessed bits (vaddr) against DAMON from samples (vaddr-sampled):'
	@echo '                 time to find a hot range, overlap, kdamond CPU time, BENCH_DAMON_REPS=$(BENCH_DAMON_REPS) runs each, part of bench'
	@echo '  bench          all workloads, scan vs sample mode against off and ideal placement,'
	@echo '                 BENCH_REPS=$(BENCH_REPS) runs of BENCH_SECONDS=$(BENCH_SECONDS) s each'
	@echo '                 (BENCH_WORKLOADS="$(BENCH_WORKLOADS)", BENCH_REGION_ORDER=N sets kernel.numa_balancing_mem_sampling_region_order,'
	@echo '                 BENCH_MODES="$(BENCH_MODES)"; sample+EVENT~N@B: sample mode with event_filter EVENT,'
	@echo '                 min_latency N, budget B basis points, each optional)'
	@echo '                 TOPOLOGY=tiered: the tiered workload, upstream tiering (hint faults) vs tiering'
	@echo '                 from samples, and DAMON migrate_hot with Accessed bits (damon~N) or samples'
	@echo '                 (damon-sampled~N), N the hot threshold of 20 intervals; written to its own part'
	@echo '                 of bench/RESULTS.md'
