#!/bin/sh
# In the SVM machine (make bench-gc-svm): scaling for each tracker at a few
# heap sizes; the lines go to the console, the counts are what matters.
for t in dune mprotect softdirty; do
	for mib in 1 16 64; do
		GC_TRACKER=$t /extra/scaling $mib || exit 1
	done
done
