# SPDX-License-Identifier: GPL-2.0
#
# Reliability: the kselftests mem_sampling_hostile, mem_sampling_security
# and mem_sampling_stress run in the guest with make test (selftests/).
# After its stress run, mem_sampling_stress leaves the AUX data of two perf
# SPE sessions in its outbox; this host check decodes them with perf's own
# decoder, as check-spe-perf does for spe_perf.

GUEST_POSTCHECKS += check-mem-sampling-stress

.PHONY: check-mem-sampling-stress
check-mem-sampling-stress: $(HOSTBIN)/perf-spe-dump
	@mkdir -p $(RESULTS)
	@$(PYTHON) scripts/check-spe-perf.py $(HOSTBIN)/perf-spe-dump \
		$(TEST_OUT)/mem_sampling_stress \
		$(RESULTS)/check-mem-sampling-stress.txt mem_sampling_stress
