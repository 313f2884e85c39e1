# SPDX-License-Identifier: GPL-2.0
#
# The Arm SPE mem_sampling driver: its kselftests (selftests/spe_driver.c,
# selftests/spe_perf.c) run in the guest with make test; this host check
# decodes the AUX data perf took there with perf's own SPE decoder.

GUEST_POSTCHECKS += check-spe-perf

.PHONY: check-spe-perf
check-spe-perf: $(HOSTBIN)/perf-spe-dump
	@mkdir -p $(RESULTS)
	@$(PYTHON) scripts/check-spe-perf.py $(HOSTBIN)/perf-spe-dump \
		$(TEST_OUT)/spe_perf $(RESULTS)/check-spe-perf.txt
