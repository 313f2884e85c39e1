# SPDX-License-Identifier: GPL-2.0
# The arch-neutral mem_sampling core built for x86_64 and its KUnit suite
# run under qemu-system-x86_64: the abstraction must not lean on arm64.

KOBJ_X86 := $(BUILD)/kernel-x86_64
DEPS_HOST += qemu-system-x86
HOST_TESTS += test-core-x86_64


KMAKE_X86 = $(MAKE) -s -C $(KSRC) O=$(KOBJ_X86) ARCH=x86_64 CC="ccache gcc" -j$(JOBS)

.PHONY: test-core-x86_64
test-core-x86_64: kernel-tree
	@mkdir -p $(RESULTS) $(LOGS)
	@scripts/configure-kernel.sh $(KSRC) $(KOBJ_X86) x86_64 configs/x86_64-kunit.config
	@echo "  KERNEL  $(KOBJ_X86)/arch/x86/boot/bzImage"
	@$(KMAKE_X86) bzImage
	@timeout -k 5 300 qemu-system-x86_64 -m 512M -smp 2 -nographic -no-reboot \
		-kernel $(KOBJ_X86)/arch/x86/boot/bzImage \
		-append "console=ttyS0 panic=-1 kunit.shutdown=poweroff" \
		< /dev/null > $(LOGS)/x86_64-kunit.log 2>&1; \
	rc=$$?; [ $$rc = 0 ] || echo "test-core-x86_64: QEMU exited with $$rc (log $(LOGS)/x86_64-kunit.log)"; \
	mkdir -p $(BUILD)/guest-out/x86_64; \
	$(PYTHON) scripts/parse-guest-log.py $(LOGS)/x86_64-kunit.log \
		$(BUILD)/guest-out/x86_64 $(BUILD)/guest-out/x86_64/results >/dev/null 2>&1; \
	sed 's/^\(ok\|not ok\|skip\) /\1 x86_64: /' $(BUILD)/guest-out/x86_64/results/kunit.txt \
		> $(RESULTS)/test-core-x86_64.txt; \
	[ -s $(RESULTS)/test-core-x86_64.txt ] || echo "not ok x86_64: no KUnit results (log $(LOGS)/x86_64-kunit.log)" > $(RESULTS)/test-core-x86_64.txt; \
	! grep -q '^not ok' $(RESULTS)/test-core-x86_64.txt

help-parts::
	@echo '  test-core-x86_64  build the core for x86_64 and run its KUnit suite there'
