# Proof of the invariants beyond the unit tests: fuzzing, crash sweeps along
# recovery, load, permissions and secrets, valgrind (owner: proof).  See
# doc/RELIABILITY.md.
# SPDX-License-Identifier: Apache-2.0

# Crash sweep of vaultd --recover at every I/O step (stop and drop).
check_PROGRAMS += tests/crash/crash-recover
tests_crash_crash_recover_SOURCES = tests/crash/crash-recover.c
tests_crash_crash_recover_CPPFLAGS = $(AM_CPPFLAGS) \
	-DVAULTD_PATH='"$(abs_top_builddir)/daemon/vaultd$(EXEEXT)"'
tests_crash_crash_recover_LDADD = $(VAULT_SPOOL_LIBS)
TESTS += tests/crash/crash-recover

# Crash sweep along one job's life through the backend (stop and drop at
# every I/O step, then recovery, re-run, release); libFuzzer targets, built
# with clang by tests/fuzz/build.sh, short runs.
PROOF_SCRIPT_TESTS = \
	tests/crash/backend-sweep.sh \
	tests/fuzz/run.sh \
	tests/load/load.sh \
	tests/perm/perm.sh \
	tests/perm/valgrind.sh
TESTS += $(PROOF_SCRIPT_TESTS)

EXTRA_DIST += $(PROOF_SCRIPT_TESTS) \
	doc/RELIABILITY.md \
	tests/fuzz/build.sh \
	tests/fuzz/fuzz.h \
	tests/fuzz/fuzz-store.c \
	tests/fuzz/fuzz-meta.c \
	tests/fuzz/fuzz-meta-body.c \
	tests/fuzz/fuzz-data.c \
	tests/fuzz/fuzz-config.c \
	tests/fuzz/fuzz-journal.c \
	tests/fuzz/fuzz-ref.c \
	tests/fuzz/fuzz-ipp.c \
	tests/fuzz/corpus \
	tests/fuzz/known

# The fuzz targets' objects live here (tests/fuzz/run.sh).
clean-local: clean-proof
clean-proof:
	rm -rf tests/fuzz/bin

# The list of tests, for scripts/check --sanitizers (which runs a subset).
print-check-tests:
	@echo $(TESTS)
.PHONY: print-check-tests clean-proof
