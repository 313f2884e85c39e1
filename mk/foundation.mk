# SPDX-License-Identifier: GPL-2.0
# The foundation's own host test: the exported series applies with git am
# onto a clean linux-source-6.12 and gives exactly the tree we build.

HOST_TESTS += test-patches

.PHONY: test-patches
test-patches: kernel-tree
	@mkdir -p $(RESULTS)
	@if scripts/export-patches.sh $(BUILD) --verify; then \
		echo "ok make patches applies with git am and matches the tree" ; \
	else \
		echo "not ok make patches applies with git am and matches the tree"; \
	fi > $(RESULTS)/test-patches.txt; \
	! grep -q '^not ok' $(RESULTS)/test-patches.txt

help-parts::
	@echo '  test-patches   check that make patches applies with git am'
