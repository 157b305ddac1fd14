# The vault backend (owner: backend).
# SPDX-License-Identifier: Apache-2.0
