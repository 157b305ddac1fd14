/*
 * Keys of the spool: the site key file, random keys, the wiping of key
 * material, and MACs.  spool-key-wrap.c derives keys from the site key and
 * wraps the per-job data keys (doc/FORMAT.md, "Keys", and that file's
 * opening comment give the key hierarchy).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every temporary key buffer is wiped before it goes out of scope.
 */

#include "spool-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>


/*
 * '_vaultKeyWipe()' - Overwrite len bytes at p with zeros; never optimized away.
 */

void
_vaultKeyWipe(void   *p,
              size_t len)
{
  if (p && len)
    gnutls_memset(p, 0, len);
}


/*
 * '_vaultKeyRandom()' - Fill key with fresh random bytes (GNUTLS_RND_KEY).
 *                       FAILED when the generator fails.
 */

bool
_vaultKeyRandom(_vault_key_t *key,
                GError       **error)
{
  if (gnutls_rnd(GNUTLS_RND_KEY, key->bytes, sizeof(key->bytes)) < 0)
  {
    g_set_error_literal(error, VAULT_ERROR, VAULT_ERROR_FAILED, "The random number generator failed.");
    return (false);
  }

  return (true);
}


/*
 * 'fsync_parent()' - fsync the directory holding path; 0 or -1 with errno.
 */

static int
fsync_parent(const char *path)
{
  char	*dir = g_path_get_dirname(path);
  int	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = -1;

  g_free(dir);
  if (fd >= 0)
  {
    ret = fsync(fd);
    close(fd);
  }

  return (ret);
}


/*
 * 'vaultKeyFileCreate()' - Create a new site key file: 32 random bytes, mode
 *                          0600, never replacing an existing file (EXISTS).
 *                          The file and its name are durable on success; on
 *                          failure nothing is left (IO).
 */

bool
vaultKeyFileCreate(const char *path,
                   GError     **error)
{
  _vault_key_t	key;
  const char	*what = "write site key file";
  ssize_t	n = -1;
  int		fd, err;

  g_return_val_if_fail(path != NULL, false);

  if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
  {
    if (errno == EEXIST)
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS,
                  "Site key file %s already exists: it is kept, because a new key would make every stored job unreadable.", path);
    else
      _vaultSetIoError(error, errno, "create site key file", path);
    return (false);
  }

  if (!_vaultKeyRandom(&key, error))
  {
    close(fd);
    unlink(path);
    return (false);
  }

  if (fchmod(fd, 0600) == 0 && (n = write(fd, key.bytes, sizeof(key.bytes))) == (ssize_t)sizeof(key.bytes) &&
      (what = "fsync site key file", fsync(fd) == 0) && (what = "close site key file", close(fd) == 0))
  {
    fd = -1;
    if (fsync_parent(path) == 0)
    {
      _vaultKeyWipe(&key, sizeof(key));
      return (true);
    }
    what = "fsync the directory of site key file";
  }

  err = (n >= 0 && n < (ssize_t)sizeof(key.bytes)) ? ENOSPC : errno;
  _vaultKeyWipe(&key, sizeof(key));
  if (fd >= 0)
    close(fd);
  unlink(path);
  _vaultSetIoError(error, err, what, path);
  return (false);
}


/*
 * 'key_error()' - Set a VAULT_ERROR_KEY sentence about the key file at path.
 */

G_GNUC_PRINTF(3, 4) static void
key_error(GError     **error,
          const char *path,
          const char *fmt,
          ...)
{
  va_list	ap;
  char		*why;

  va_start(ap, fmt);
  why = g_strdup_vprintf(fmt, ap);
  va_end(ap);

  g_set_error(error, VAULT_ERROR, VAULT_ERROR_KEY, "Site key file %s %s", path, why);
  g_free(why);
}


/*
 * '_vaultKeyLoad()' - Read the site key from path into kek.  KEY when the
 *                     file is missing, unreadable, not a regular file, not
 *                     exactly 32 bytes, or has any group/other permission.
 */

bool
_vaultKeyLoad(const char   *path,
              _vault_key_t *kek,
              GError       **error)
{
  struct stat	st;
  size_t	got = 0;
  bool		ok = false;
  int		fd;

  g_return_val_if_fail(path != NULL && kek != NULL, false);

  if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
  {
    if (errno == ENOENT)
      key_error(error, path, "does not exist: create it with \"vaultctl keygen\", or set key-file in vault.conf to the existing key.");
    else
      key_error(error, path, "cannot be opened (%s): make it readable by the user the backend runs as, and by nobody else.", g_strerror(errno));
    return (false);
  }

  if (fstat(fd, &st) || !S_ISREG(st.st_mode))
    key_error(error, path, "is not a regular file: point key-file in vault.conf at the 32-byte key file.");
  else if (st.st_mode & 077)
    key_error(error, path, "is accessible by group or others (mode %04o): run \"chmod 600 %s\" and consider the key exposed.", (unsigned)(st.st_mode & 07777), path);
  else if (st.st_size != _VAULT_KEY_SIZE)
    key_error(error, path, "holds %lld bytes instead of %d: restore the right key file from its backup.", (long long)st.st_size, _VAULT_KEY_SIZE);
  else
  {
    while (got < sizeof(kek->bytes))
    {
      ssize_t n = read(fd, kek->bytes + got, sizeof(kek->bytes) - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (size_t)n;
    }

    if (!(ok = got == sizeof(kek->bytes)))
    {
      _vaultKeyWipe(kek, sizeof(*kek));
      key_error(error, path, "could not be read in full: restore the right key file from its backup.");
    }
  }

  close(fd);
  return (ok);
}


/*
 * '_vaultMacHex()' - HMAC-SHA256 of data under mac_key as 64 lowercase hex
 *                    digits.
 */

void
_vaultMacHex(const _vault_key_t *mac_key,
             const void         *data,
             size_t             len,
             char               hex[65])
{
  uint8_t	digest[32];
  int		i;

  if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, mac_key->bytes, sizeof(mac_key->bytes), data, len, digest) < 0)
    memset(digest, 0, sizeof(digest));	/* Cannot verify against anything real */

  for (i = 0; i < 32; i ++)
  {
    hex[2 * i]     = "0123456789abcdef"[digest[i] >> 4];
    hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
  }
  hex[64] = '\0';
}


/*
 * '_vaultMacVerify()' - Whether hex is the HMAC-SHA256 of data; the digests
 *                       are compared in constant time.
 */

bool
_vaultMacVerify(const _vault_key_t *mac_key,
                const void         *data,
                size_t             len,
                const char         *hex)
{
  char			want[65];
  volatile unsigned	diff = 0;
  int			i;

  if (!hex || strlen(hex) != 64)
    return (false);

  _vaultMacHex(mac_key, data, len, want);

  for (i = 0; i < 64; i ++)
    diff |= (unsigned)(want[i] ^ g_ascii_tolower(hex[i]));

  return (diff == 0);
}


/*
 * MAC trailers of key files (sidecars, counters files): the text, a blank
 * line, then "[mac]\nhmac-sha256=<64 lowercase hex>\n" over all before it.
 */

#define MAC_LINE	"[mac]\nhmac-sha256="
#define MAC_TAIL	(sizeof(MAC_LINE) - 1 + 64 + 1)


/*
 * '_vaultMacSeal()' - Append the MAC trailer to text.
 */

void
_vaultMacSeal(GString *text, const _vault_key_t *mac_key)
{
  char	hex[65];

  if (text->len && text->str[text->len - 1] != '\n')
    g_string_append_c(text, '\n');
  g_string_append_c(text, '\n');

  _vaultMacHex(mac_key, text->str, text->len, hex);
  g_string_append_printf(text, MAC_LINE "%s\n", hex);
}


/*
 * '_vaultIsLowerHex()' - True when the len bytes at p are lowercase hex
 *                        digits (entry ids, MACs).
 */

bool
_vaultIsLowerHex(const char *p, size_t len)
{
  for (size_t i = 0; i < len; i ++)
    if (!g_ascii_isxdigit(p[i]) || g_ascii_isupper(p[i]))
      return (false);

  return (true);
}


/*
 * '_vaultMacOpen()' - How many bytes of data (at most max in all, no NUL)
 *                     the final MAC trailer covers, when it verifies.
 *                     CORRUPT without one, AUTH when it does not verify;
 *                     what names the file in the message ("Sidecar").
 */

bool
_vaultMacOpen(const char *data, gsize len, gsize max, const _vault_key_t *mac_key, const char *what, gsize *covered, GError **error)
{
  const char	*line = len >= MAC_TAIL ? data + len - MAC_TAIL : data;
  char		hex[65];

  if (len > max || len < MAC_TAIL || memchr(data, '\0', len) || data[len - 1] != '\n' ||
      memcmp(line, MAC_LINE, sizeof(MAC_LINE) - 1) || (line > data && line[-1] != '\n') ||
      !_vaultIsLowerHex(line + sizeof(MAC_LINE) - 1, 64))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s is malformed: no valid final [mac] group.", what);
    return (false);
  }

  memcpy(hex, line + sizeof(MAC_LINE) - 1, 64);
  hex[64] = '\0';

  if (!_vaultMacVerify(mac_key, data, (gsize)(line - data), hex))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH, "%s fails its MAC: it was changed outside the vault, or belongs to another site key.", what);
    return (false);
  }

  *covered = (gsize)(line - data);
  return (true);
}
