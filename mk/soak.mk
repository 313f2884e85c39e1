# SPDX-License-Identifier: GPL-2.0
#
# make soak SOAK_MINUTES=N: mem_sampling_stress's actors for N minutes on
# the debug kernel (KASAN, lockdep, kmemleak; mk/test-debug.mk), the
# kernel's memory totals taken every minute (scripts/guest/plans/soak.sh),
# then kmemleak.  Fails on a kernel report, a kmemleak finding, the stress
# run's own checks or memory growth beyond scripts/check-soak.py's bound.

SOAK_MINUTES ?= 30

.PHONY: soak
soak: kernel-debug initramfs $(QEMU)
	@rm -rf $(RESULTS)/soak && mkdir -p $(RESULTS)/soak
	@QEMU=$(QEMU) GUEST_MEM=$(GUEST_MEM) \
		GUEST_APPEND="kmemleak=on mssoak.minutes=$(SOAK_MINUTES) $(GUEST_APPEND)" \
		scripts/boot-guest.sh $(BUILD) $(KOBJ_DEBUG)/arch/arm64/boot/Image \
		$(BUILD)/initramfs.cpio.gz soak $$(( $(SOAK_MINUTES) * 60 + 1800 )); rc=$$?; \
	$(PYTHON) scripts/parse-guest-log.py $(LOGS)/soak$(GUEST_SUFFIX).log \
		$(BUILD)/guest-out/soak$(GUEST_SUFFIX) $(RESULTS)/soak || rc=1; \
	$(PYTHON) scripts/check-soak.py $(BUILD)/guest-out/soak$(GUEST_SUFFIX)/soak.txt \
		$(RESULTS)/soak/soak.txt || rc=1; \
	scripts/summarize-results.sh $(RESULTS)/soak || rc=1; exit $$rc

help-parts::
	@echo '  soak           SOAK_MINUTES=N (30) of the stress test on the debug kernel, memory totals and kmemleak'
