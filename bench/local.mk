# Benchmark helpers (built by "make", run by the bench/*.sh scripts).
# SPDX-License-Identifier: Apache-2.0

noinst_PROGRAMS += bench/spool-roundtrip
bench_spool_roundtrip_SOURCES = bench/spool-roundtrip.c
bench_spool_roundtrip_LDADD = $(VAULT_SPOOL_LIBS)
