# Benchmark helpers (built by "make", run by the bench/*.sh scripts).
# SPDX-License-Identifier: Apache-2.0

noinst_PROGRAMS += bench/spool-roundtrip
bench_spool_roundtrip_SOURCES = bench/spool-roundtrip.c
bench_spool_roundtrip_LDADD = $(VAULT_SPOOL_LIBS)

noinst_PROGRAMS += bench/jobtime bench/aesgcm
bench_jobtime_SOURCES = bench/jobtime.c
bench_jobtime_LDADD = $(CUPS_LIBS) $(GLIB_LIBS)
bench_aesgcm_SOURCES = bench/aesgcm.c
bench_aesgcm_LDADD = $(GNUTLS_LIBS) $(GLIB_LIBS)

noinst_PROGRAMS += bench/spool-fill
bench_spool_fill_SOURCES = bench/spool-fill.c
bench_spool_fill_LDADD = $(VAULT_SPOOL_LIBS)
