# SPDX-License-Identifier: GPL-2.0
# The exported series (patches/series, scripts/series.sh): make patches
# writes it; test-patches checks that it applies with git am onto a clean
# linux-source-6.12 and gives exactly the tree we build; check-series
# builds every commit of it.

HOST_TESTS += test-patches

.PHONY: test-patches check-series
test-patches: kernel-tree
	@mkdir -p $(RESULTS)
	@if scripts/export-patches.sh $(BUILD) --verify; then \
		echo "ok make patches applies with git am and matches the tree" ; \
	else \
		echo "not ok make patches applies with git am and matches the tree"; \
	fi > $(RESULTS)/test-patches.txt; \
	! grep -q '^not ok' $(RESULTS)/test-patches.txt

check-series: kernel-tree
	@scripts/check-series.sh $(BUILD) $(KCONFIGS)

help-parts::
	@echo '  test-patches   check that make patches applies with git am'
	@echo '  check-series   build the kernel at every commit of the series'
