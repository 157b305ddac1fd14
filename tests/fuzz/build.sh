#!/bin/bash
# Build the libFuzzer targets of cups-vault with clang (ASan + UBSan +
# libFuzzer), compiling the spool sources they need directly: automake
# builds the project with gcc, which has no libFuzzer.
# SPDX-License-Identifier: Apache-2.0
#
# Usage: tests/fuzz/build.sh OUTDIR [TARGET...]
#
# Targets (default: all): fuzz-meta fuzz-meta-body fuzz-data fuzz-config
# fuzz-journal fuzz-ref fuzz-ipp.  Objects are rebuilt only when a source
# or a header is newer.  Environment: CLANG (default clang, else clang-14),
# FUZZ_CFLAGS (added to the compile flags).  Exits non-zero on any error.

set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:?usage: build.sh OUTDIR [TARGET...]}
shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz-meta fuzz-meta-body fuzz-data fuzz-config fuzz-journal fuzz-ref fuzz-ipp)

CC=${CLANG:-}
if [ -z "$CC" ]; then
	for c in clang clang-14; do
		command -v "$c" >/dev/null && CC=$c && break
	done
fi
[ -n "$CC" ] || { echo "build.sh: clang is not installed" >&2; exit 77; }

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-g -O1 $SAN -Wall -Wno-unused-function -Wno-parentheses ${FUZZ_CFLAGS:-}"
PKG_CFLAGS=$(pkg-config --cflags glib-2.0 gnutls)
PKG_LIBS=$(pkg-config --libs glib-2.0 gnutls)
CUPS_CFLAGS=$(cups-config --cflags)
CUPS_LIBS=$(cups-config --libs)

mkdir -p "$OUT/obj"
# The daemon's files include config.h; the project's is made by configure,
# these are the only definitions they need.
cat >"$OUT/config.h.new" <<CONF
#define _GNU_SOURCE 1
#define VAULT_DEFAULT_CONF "/etc/cups/vault.conf"
CONF
cmp -s "$OUT/config.h.new" "$OUT/config.h" && rm "$OUT/config.h.new" || mv "$OUT/config.h.new" "$OUT/config.h"

# newest FILE... - the newest modification time (seconds) among FILEs.
newest() {
	stat -c %Y "$@" | sort -n | tail -n 1
}

HEADERS_TIME=$(newest "$SRC"/spool/*.h "$SRC"/daemon/*.h "$SRC"/tests/fuzz/*.h "$OUT/config.h")

# compile SRC OBJ [EXTRA FLAGS...] - clang -c when OBJ is out of date.
compile() {
	local src=$1 obj=$2
	shift 2
	if [ -f "$obj" ] && [ "$(stat -c %Y "$obj")" -ge "$(newest "$src")" ] &&
		[ "$(stat -c %Y "$obj")" -ge "$HEADERS_TIME" ]; then
		return 0
	fi
	echo "  CC $src"
	# shellcheck disable=SC2086
	"$CC" $CFLAGS "$@" -I"$SRC/spool" -I"$SRC/daemon" -I"$SRC/tests/fuzz" -I"$OUT" \
		-DVAULT_DEFAULT_CONF_PATH='"/etc/cups/vault.conf"' \
		$PKG_CFLAGS $CUPS_CFLAGS -c "$src" -o "$obj"
}

# The spool library, instrumented for coverage but without libFuzzer's main.
LIB_OBJS=()
pids=()
for src in "$SRC"/spool/*.c "$SRC"/tests/fuzz/fuzz-store.c "$SRC"/daemon/vaultd-ipp-attrs.c \
	"$SRC"/daemon/vaultd-ipp-listen.c; do
	obj=$OUT/obj/$(basename "${src%.c}").o
	LIB_OBJS+=("$obj")
	compile "$src" "$obj" -fsanitize=fuzzer-no-link &
	pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
[ "$status" = 0 ] || { echo "build.sh: compiling the spool failed" >&2; exit 1; }
rm -f "$OUT/libfuzzspool.a"
ar rcs "$OUT/libfuzzspool.a" "${LIB_OBJS[@]}"

for t in "${TARGETS[@]}"; do
	[ -f "$SRC/tests/fuzz/$t.c" ] || { echo "build.sh: no target $t" >&2; exit 2; }
	compile "$SRC/tests/fuzz/$t.c" "$OUT/obj/$t.o" -fsanitize=fuzzer
	echo "  LD $t"
	# shellcheck disable=SC2086
	"$CC" $CFLAGS -fsanitize=fuzzer "$OUT/obj/$t.o" "$OUT/libfuzzspool.a" \
		$PKG_LIBS $CUPS_LIBS -o "$OUT/$t"
done
