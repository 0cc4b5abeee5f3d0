# tests/conformance: stress-ng's stressors natively and in dunebox
# (conform.sh; docs/conformance.md has the last full table).
#   make check-conformance       every stressor that passes natively here,
#                                natively and in the box (long: see the doc)
#   make check-conformance-fast  the fast subset (fast.list), part of make check
CONFORM_DIR_OUT := $(B)/conformance

check-conformance: $(B)/dunebox
	@tools/apt-need stress-ng
	@mkdir -p $(CONFORM_DIR_OUT)
	nice -n 10 tests/conformance/conform.sh -o $(CONFORM_DIR_OUT)/table.tsv \
		-l $(CONFORM_DIR_OUT)/logs $(B)/dunebox all

check-conformance-fast: $(B)/dunebox
	@tools/apt-need stress-ng
	CONFORM_SECONDS=1 tests/conformance/conform.sh $(B)/dunebox tests/conformance/fast.list

.PHONY: check-conformance check-conformance-fast
