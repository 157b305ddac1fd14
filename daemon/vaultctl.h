/*
 * Commands of vaultctl that live outside vaultctl.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULTCTL_H
#define VAULTCTL_H

#include "spool.h"

/* vaultctl-trays.c: "trays QUEUE" and "load QUEUE --tray T --media M --sheets N". */
extern int	vaultctlTrays(vault_store_t *store, int argc, char *argv[]);
extern int	vaultctlLoad(vault_store_t *store, int argc, char *argv[]);

/* vaultctl-release.c: "release [--stdin] [--socket PATH] JOB-ID"; needs no store (any user may run it). */
extern int	vaultctlRelease(const char *config_path, int argc, char *argv[]);

#endif /* !VAULTCTL_H */
