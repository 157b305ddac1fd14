#!/bin/sh
# Regenerates the build system (configure, Makefile.in) from configure.ac and Makefile.am.
# SPDX-License-Identifier: Apache-2.0
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf --install --force
# automake does not copy its TAP driver by itself.
for d in /usr/share/automake-*; do
	if [ -f "$d/tap-driver.sh" ]; then
		cp -f "$d/tap-driver.sh" build-aux/tap-driver.sh
		break
	fi
done
test -f build-aux/tap-driver.sh || { echo "autogen.sh: automake's tap-driver.sh not found" >&2; exit 1; }
