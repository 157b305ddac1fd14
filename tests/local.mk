# The private-CUPS test bed and integration tests (owner: test bed).
# SPDX-License-Identifier: Apache-2.0
