# SPDX-License-Identifier: GPL-2.0
# make test-debug: the guest test suite on a debug kernel (KASAN, lockdep,
# PROVE_RCU, DEBUG_ATOMIC_SLEEP, DEBUG_PREEMPT, SLUB debug, kmemleak).
# Any report in the guest's kernel log or a kmemleak finding fails it.

KOBJ_DEBUG := $(BUILD)/kernel-arm64-debug

.PHONY: kernel-debug test-debug
kernel-debug: kernel-tree
	@scripts/configure-kernel.sh $(KSRC) $(KOBJ_DEBUG) arm64 $(KCONFIGS) configs/debug.config
	@echo "  KERNEL  $(KOBJ_DEBUG)/arch/arm64/boot/Image"
	@$(subst $(KOBJ),$(KOBJ_DEBUG),$(KMAKE)) Image

test-debug: kernel-debug initramfs $(QEMU)
	@rm -rf $(RESULTS)/debug && mkdir -p $(RESULTS)/debug
	@QEMU=$(QEMU) GUEST_MEM=$(GUEST_MEM) GUEST_APPEND="kmemleak=on $(GUEST_APPEND)" \
		scripts/boot-guest.sh $(BUILD) $(KOBJ_DEBUG)/arch/arm64/boot/Image \
		$(BUILD)/initramfs.cpio.gz test-debug $$(( $(GUEST_TIMEOUT) * 4 )); rc=$$?; \
	$(PYTHON) scripts/parse-guest-log.py $(LOGS)/test-debug$(GUEST_SUFFIX).log \
		$(BUILD)/guest-out/test-debug$(GUEST_SUFFIX) $(RESULTS)/debug || rc=1; \
	scripts/summarize-results.sh $(RESULTS)/debug || rc=1; exit $$rc

help-parts::
	@echo '  test-debug     the guest tests on a debug kernel (KASAN, lockdep, kmemleak)'
