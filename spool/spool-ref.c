/*
 * References: the tiny document of a job vaultd re-creates in cupsd when
 * cupsd lost the original, naming the vault entry to print on release.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Anyone may submit a document of this type, so a reference is worth
 * nothing unless it verifies: it carries an HMAC-SHA256 under a key derived
 * from the site key (purpose "reference-mac") over the entry id, the job's
 * owner and the time it was issued.  The format (v1) is five lines of text:
 *
 *   %cups-vault-reference 1
 *   entry: <32 lowercase hex digits>
 *   owner: <user name>
 *   issued: <UNIX seconds>
 *   mac: <64 lowercase hex digits, over the four lines above>
 *
 * Parsing is strict (exact order, one space, LF line ends, nothing after
 * the mac line), so a verified reference has exactly one meaning.
 */

#include "spool-private.h"
#include <stdio.h>
#include <string.h>

#define REF_MAX_OWNER	255		/* CUPS user names are shorter */


/*
 * 'ref_mac_key()' - Derive the reference MAC key from the store's site key.
 */

static bool
ref_mac_key(vault_store_t *store, _vault_key_t *key, GError **error)
{
  return (_vaultKeyDerive(&store->kek, "reference-mac", key, error));
}


/*
 * 'owner_is_valid()' - True for a non-empty user name without control
 *                      characters that fits a reference line.
 */

static bool
owner_is_valid(const char *owner)
{
  size_t len = owner ? strlen(owner) : 0;

  if (len == 0 || len > REF_MAX_OWNER || !g_utf8_validate(owner, (gssize)len, NULL))
    return (false);

  for (const unsigned char *p = (const unsigned char *)owner; *p; p ++)
    if (*p < ' ' || *p == 0x7f)
      return (false);

  return (true);
}


/*
 * 'ref_body()' - The signed part of a reference: the four lines before "mac:".
 */

static char *
ref_body(const char *entry_id, const char *owner, gint64 issued)
{
  return (g_strdup_printf("%s 1\nentry: %s\nowner: %s\nissued: %" G_GINT64_FORMAT "\n", VAULT_REF_MAGIC, entry_id, owner, issued));
}


/*
 * 'vaultRefCreate()' - Make the reference document for entry, bound to its
 *                      id and its owner (the originator).
 *
 * Returns the document (g_free it) and its length in *len.  Fails with KEY
 * when the MAC key cannot be derived, INVALID for an owner that cannot be
 * written in a reference.  Nothing is durable.
 */

char *
vaultRefCreate(vault_store_t       *store,
               const vault_entry_t *entry,
               gsize               *len,
               GError              **error)
{
  const vault_job_t	*job;
  _vault_key_t		key;
  char			mac[65], *body, *doc;

  g_return_val_if_fail(store && entry && len, NULL);

  job = vaultEntryGetJob(entry);
  if (!owner_is_valid(job->user))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Entry %s has an owner that cannot be written in a reference.", vaultEntryGetId(entry));
    return (NULL);
  }

  if (!ref_mac_key(store, &key, error))
    return (NULL);

  body = ref_body(vaultEntryGetId(entry), job->user, g_get_real_time() / G_USEC_PER_SEC);
  _vaultMacHex(&key, body, strlen(body), mac);
  _vaultKeyWipe(&key, sizeof(key));

  doc  = g_strdup_printf("%smac: %s\n", body, mac);
  *len = strlen(doc);
  g_free(body);

  return (doc);
}


/*
 * 'take_line()' - Split the next "name: value" line off *p; NULL when the
 *                 line is missing, unterminated or has another name.
 */

static char *
take_line(char **p, const char *name)
{
  size_t	nlen = strlen(name);
  char		*nl, *value;

  if (strncmp(*p, name, nlen) || strncmp(*p + nlen, ": ", 2) || (nl = strchr(*p, '\n')) == NULL)
    return (NULL);

  value  = *p + nlen + 2;
  *nl    = '\0';
  *p     = nl + 1;

  return (value);
}


/*
 * 'parse_ref()' - Split a reference (a NUL-terminated copy, changed in
 *                 place) into its fields; false when malformed.
 */

static bool
parse_ref(char *copy, char **id, char **owner, gint64 *issued, char **mac, size_t *body_len)
{
  char	*p = copy, *issued_s, *end;
  char	magic[sizeof(VAULT_REF_MAGIC) + 3];

  snprintf(magic, sizeof(magic), "%s 1\n", VAULT_REF_MAGIC);
  if (strncmp(p, magic, strlen(magic)))
    return (false);
  p += strlen(magic);

  if ((*id = take_line(&p, "entry")) == NULL || (*owner = take_line(&p, "owner")) == NULL ||
      (issued_s = take_line(&p, "issued")) == NULL)
    return (false);

  *body_len = (size_t)(p - copy);
  if ((*mac = take_line(&p, "mac")) == NULL || *p)
    return (false);

  *issued = g_ascii_strtoll(issued_s, &end, 10);

  return (_vaultIdIsValid(*id) && owner_is_valid(*owner) && g_ascii_isdigit(*issued_s) && *end == '\0' && end != issued_s &&
          *issued > 0 && strlen(*mac) == 64 && strspn(*mac, "0123456789abcdef") == 64);
}


/*
 * 'vaultRefIs()' - True when data begins like a reference (its magic); says
 *                  nothing about whether it verifies.
 */

bool
vaultRefIs(const void *data,
           gsize      len)
{
  return (len >= sizeof(VAULT_REF_MAGIC) - 1 && !memcmp(data, VAULT_REF_MAGIC, sizeof(VAULT_REF_MAGIC) - 1));
}


/*
 * 'vaultRefVerify()' - Check a reference document for the job's owner user.
 *
 * Returns true and the entry id (g_free it) in *entry_id when the document
 * is well formed, its MAC verifies under this site key and it was issued to
 * user.  Fails with CORRUPT for a malformed document, AUTH for a wrong MAC
 * (forged, tampered, other site key) or another owner, KEY when the MAC
 * key cannot be derived.  Nothing is durable.
 */

bool
vaultRefVerify(vault_store_t *store,
               const void    *data,
               gsize         len,
               const char    *user,
               char          **entry_id,
               GError        **error)
{
  char		*copy, *id, *owner, *mac;
  gint64	issued;
  size_t	body_len;
  _vault_key_t	key;
  bool		ok = false;

  g_return_val_if_fail(store && (data || !len) && user && entry_id, false);

  *entry_id = NULL;
  if (len > VAULT_REF_MAX_SIZE || memchr(data, '\0', len))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Not a vault reference: too long or binary.");
    return (false);
  }

  copy = g_strndup(data, len);
  if (!parse_ref(copy, &id, &owner, &issued, &mac, &body_len))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Not a well-formed vault reference.");
  else if (ref_mac_key(store, &key, error))
  {
    ok = _vaultMacVerify(&key, data, body_len, mac);
    _vaultKeyWipe(&key, sizeof(key));

    if (!ok)
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH, "The vault reference does not verify: forged, altered or from another site.");
    else if (strcmp(owner, user))
    {
      ok = false;
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH, "The vault reference belongs to another user.");
    }
    else
      *entry_id = g_strdup(id);
  }

  g_free(copy);
  return (ok);
}
