/*
 * Derived keys and the wrapping of the per-job data keys: HKDF of the site
 * key for each purpose, and AES-256-GCM wraps of a data key, optionally
 * under an originator secret too.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Key hierarchy (doc/FORMAT.md, "Keys"):
 *
 *   site key (32 raw bytes in the key file, the KEK)
 *     +- HKDF-SHA256, info "cups-vault v1 <purpose>" -> wrap, sidecar-mac, ...
 *   data key (random per job)
 *     wrapped = base64(nonce || AES-256-GCM(wrap key, data key) || tag)
 *   with an originator secret, the data key is first sealed under
 *     HKDF(salt = wrap key, PBKDF2-HMAC-SHA256(secret, salt, iterations))
 *   and that inner blob is wrapped as above: the outer layer fails (AUTH)
 *   without the right site key, the inner one (SECRET_WRONG) without the
 *   right secret, and neither key alone yields the data key.
 *
 * Every temporary key buffer is wiped before it goes out of scope.
 */

#include "spool-private.h"

#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>


/*
 * Local constants...
 */

#define KEY_INFO_PREFIX		"cups-vault v1 "
#define WRAP_SALT_SIZE		16
#define WRAP_ITERATIONS		100000
#define WRAP_PLAIN_SIZE		(_VAULT_NONCE_SIZE + _VAULT_KEY_SIZE + _VAULT_TAG_SIZE)
#define WRAP_SECRET_SIZE	(_VAULT_NONCE_SIZE + WRAP_PLAIN_SIZE + _VAULT_TAG_SIZE)
#define WRAP_AAD_MAX		128		/* Longest label + 55 */


/*
 * 'hkdf()' - HKDF-SHA256(salt, ikm, info) into out (32 bytes).
 */

static bool
hkdf(const uint8_t *salt,
     const uint8_t *ikm,
     const char    *info,
     uint8_t       *out)
{
  uint8_t		prk[_VAULT_KEY_SIZE];
  static const uint8_t	zero[_VAULT_KEY_SIZE] = { 0 };
  gnutls_datum_t	ikm_d = { (unsigned char *)ikm, _VAULT_KEY_SIZE };
  gnutls_datum_t	salt_d = { (unsigned char *)(salt ? salt : zero), _VAULT_KEY_SIZE };
  gnutls_datum_t	prk_d = { prk, sizeof(prk) };
  gnutls_datum_t	info_d = { (unsigned char *)info, (unsigned)strlen(info) };
  bool			ok;

  ok = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &ikm_d, &salt_d, prk) == 0 &&
       gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &prk_d, &info_d, out, _VAULT_KEY_SIZE) == 0;

  _vaultKeyWipe(prk, sizeof(prk));
  return (ok);
}


/*
 * '_vaultKeyDerive()' - Derive the key for purpose ("wrap", "sidecar-mac",
 *                       "reference-mac", ...) from the site key: HKDF-SHA256
 *                       with a zero salt and info "cups-vault v1 <purpose>".
 */

bool
_vaultKeyDerive(const _vault_key_t *kek,
                const char         *purpose,
                _vault_key_t       *out,
                GError             **error)
{
  char	*info;
  bool	ok;

  g_return_val_if_fail(kek != NULL && purpose != NULL && out != NULL, false);

  info = g_strconcat(KEY_INFO_PREFIX, purpose, NULL);
  ok   = hkdf(NULL, kek->bytes, info, out->bytes);
  g_free(info);

  if (!ok)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Deriving the \"%s\" key failed.", purpose);

  return (ok);
}


/*
 * 'wrap_aad()' - Associated data of a key wrap layer; returns its length.
 *
 * label NUL version(1) id(32) secret-flag(1) [iterations(4, BE) salt(16)]
 */

static size_t
wrap_aad(uint8_t       *aad,
         const char    *label,
         const char    *id,
         const uint8_t *salt,
         guint         iterations)
{
  size_t	len = strlen(label) + 1;

  memcpy(aad, label, len);
  aad[len ++] = _VAULT_FORMAT_VERSION;
  memcpy(aad + len, id, _VAULT_ID_LEN);
  len += _VAULT_ID_LEN;
  aad[len ++] = salt ? 1 : 0;

  if (salt)
  {
    aad[len ++] = (uint8_t)(iterations >> 24);
    aad[len ++] = (uint8_t)(iterations >> 16);
    aad[len ++] = (uint8_t)(iterations >> 8);
    aad[len ++] = (uint8_t)iterations;
    memcpy(aad + len, salt, WRAP_SALT_SIZE);
    len += WRAP_SALT_SIZE;
  }

  return (len);
}


/*
 * 'gcm_seal()' - out = random nonce || AES-256-GCM(key, in, aad) || tag.
 */

static bool
gcm_seal(const uint8_t *key,
         const uint8_t *aad,
         size_t        aad_len,
         const uint8_t *in,
         size_t        in_len,
         uint8_t       *out)
{
  gnutls_aead_cipher_hd_t	h;
  gnutls_datum_t		key_d = { (unsigned char *)key, _VAULT_KEY_SIZE };
  size_t			out_len = in_len + _VAULT_TAG_SIZE;
  bool				ok;

  if (gnutls_rnd(GNUTLS_RND_NONCE, out, _VAULT_NONCE_SIZE) < 0 ||
      gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &key_d) < 0)
    return (false);

  ok = gnutls_aead_cipher_encrypt(h, out, _VAULT_NONCE_SIZE, aad, aad_len, _VAULT_TAG_SIZE,
                                  in, in_len, out + _VAULT_NONCE_SIZE, &out_len) == 0;
  gnutls_aead_cipher_deinit(h);

  return (ok);
}


/*
 * 'gcm_open()' - Inverse of gcm_seal; in_len counts nonce and tag.  false
 *                when the tag does not verify.
 */

static bool
gcm_open(const uint8_t *key,
         const uint8_t *aad,
         size_t        aad_len,
         const uint8_t *in,
         size_t        in_len,
         uint8_t       *out)
{
  gnutls_aead_cipher_hd_t	h;
  gnutls_datum_t		key_d = { (unsigned char *)key, _VAULT_KEY_SIZE };
  size_t			out_len = in_len - _VAULT_NONCE_SIZE - _VAULT_TAG_SIZE;
  bool				ok;

  if (gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &key_d) < 0)
    return (false);

  ok = gnutls_aead_cipher_decrypt(h, in, _VAULT_NONCE_SIZE, aad, aad_len, _VAULT_TAG_SIZE,
                                  in + _VAULT_NONCE_SIZE, in_len - _VAULT_NONCE_SIZE, out, &out_len) == 0;
  gnutls_aead_cipher_deinit(h);

  return (ok);
}


/*
 * 'secret_key()' - The key that seals a data key under a secret:
 *                  HKDF(salt = wrap key, PBKDF2-HMAC-SHA256(secret, salt, iterations)).
 */

static bool
secret_key(const _vault_key_t *wrap,
           const char         *secret,
           const uint8_t      *salt,
           guint              iterations,
           uint8_t            *out)
{
  uint8_t		stretched[_VAULT_KEY_SIZE];
  gnutls_datum_t	secret_d = { (unsigned char *)secret, (unsigned)strlen(secret) };
  gnutls_datum_t	salt_d = { (unsigned char *)salt, WRAP_SALT_SIZE };
  bool			ok;

  ok = gnutls_pbkdf2(GNUTLS_MAC_SHA256, &secret_d, &salt_d, iterations, stretched, sizeof(stretched)) == 0 &&
       hkdf(wrap->bytes, stretched, KEY_INFO_PREFIX "secret-wrap", out);

  _vaultKeyWipe(stretched, sizeof(stretched));
  return (ok);
}


/*
 * '_vaultKeyWrap()' - Wrap dek for entry id under the site key and, when
 *                     secret is not NULL, under the secret as well.  Sets
 *                     *wrapped_b64, and *salt_b64 and *iterations (NULL, 0
 *                     without a secret).  FAILED on a crypto failure.
 */

bool
_vaultKeyWrap(const _vault_key_t *kek,
              const char         *id,
              const _vault_key_t *dek,
              const char         *secret,
              char               **wrapped_b64,
              char               **salt_b64,
              guint              *iterations,
              GError             **error)
{
  _vault_key_t	wrap, skey;
  uint8_t	salt[WRAP_SALT_SIZE], aad[WRAP_AAD_MAX];
  uint8_t	inner[WRAP_PLAIN_SIZE], out[WRAP_SECRET_SIZE];
  size_t	aad_len, out_len;
  bool		ok;

  g_return_val_if_fail(kek && id && strlen(id) == _VAULT_ID_LEN && dek && wrapped_b64 && salt_b64 && iterations, false);

  *wrapped_b64 = *salt_b64 = NULL;
  *iterations  = 0;

  if (!_vaultKeyDerive(kek, "wrap", &wrap, error))
    return (false);

  if (!secret)
  {
    aad_len = wrap_aad(aad, "cups-vault data-key", id, NULL, 0);
    ok      = gcm_seal(wrap.bytes, aad, aad_len, dek->bytes, _VAULT_KEY_SIZE, out);
    out_len = WRAP_PLAIN_SIZE;
  }
  else
  {
    ok = gnutls_rnd(GNUTLS_RND_NONCE, salt, sizeof(salt)) == 0 &&
         secret_key(&wrap, secret, salt, WRAP_ITERATIONS, skey.bytes);
    aad_len = wrap_aad(aad, "cups-vault data-key secret", id, salt, WRAP_ITERATIONS);
    ok      = ok && gcm_seal(skey.bytes, aad, aad_len, dek->bytes, _VAULT_KEY_SIZE, inner);
    aad_len = wrap_aad(aad, "cups-vault data-key", id, salt, WRAP_ITERATIONS);
    ok      = ok && gcm_seal(wrap.bytes, aad, aad_len, inner, sizeof(inner), out);
    out_len = WRAP_SECRET_SIZE;
    _vaultKeyWipe(&skey, sizeof(skey));
    _vaultKeyWipe(inner, sizeof(inner));
  }

  _vaultKeyWipe(&wrap, sizeof(wrap));

  if (!ok)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FAILED, "Wrapping the data key of entry %s failed.", id);
    return (false);
  }

  *wrapped_b64 = g_base64_encode(out, out_len);
  if (secret)
  {
    *salt_b64   = g_base64_encode(salt, sizeof(salt));
    *iterations = WRAP_ITERATIONS;
  }

  return (true);
}


/*
 * 'b64_decode()' - Decode base64 text that must hold exactly len bytes.
 */

static bool
b64_decode(const char *text,
           uint8_t    *out,
           size_t     len)
{
  gsize		n = 0;
  guchar	*bytes;
  bool		ok;

  if (!text || strlen(text) != (len + 2) / 3 * 4 ||
      strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen(text))
    return (false);

  bytes = g_base64_decode(text, &n);
  if ((ok = n == len) != false)
    memcpy(out, bytes, len);

  _vaultKeyWipe(bytes, n);
  g_free(bytes);
  return (ok);
}


/*
 * 'unwrap_inner()' - Open the secret layer of an unwrapped blob into dek.
 */

static bool
unwrap_inner(const _vault_key_t *wrap,
             const char         *id,
             const uint8_t      *salt,
             guint              iterations,
             const char         *secret,
             const uint8_t      *inner,
             _vault_key_t       *dek,
             GError             **error)
{
  _vault_key_t	skey;
  uint8_t	aad[WRAP_AAD_MAX];
  size_t	aad_len = wrap_aad(aad, "cups-vault data-key secret", id, salt, iterations);
  bool		ok;

  if (!secret)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_REQUIRED,
                "Entry %s is protected by its originator's secret: supply the secret to read it.", id);
    return (false);
  }

  ok = secret_key(wrap, secret, salt, iterations, skey.bytes) &&
       gcm_open(skey.bytes, aad, aad_len, inner, WRAP_PLAIN_SIZE, dek->bytes);
  _vaultKeyWipe(&skey, sizeof(skey));

  if (!ok)
  {
    _vaultKeyWipe(dek, sizeof(*dek));
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_WRONG,
                "The secret supplied for entry %s is not the one the job was stored with.", id);
  }

  return (ok);
}


/*
 * '_vaultKeyUnwrap()' - Recover the data key of entry id.  CORRUPT for a
 *                       malformed blob, AUTH for a wrong site key or a
 *                       tampered blob, SECRET_REQUIRED / SECRET_WRONG for a
 *                       secret-protected key.
 */

bool
_vaultKeyUnwrap(const _vault_key_t *kek,
                const char         *id,
                const char         *wrapped_b64,
                const char         *salt_b64,
                guint              iterations,
                const char         *secret,
                _vault_key_t       *dek,
                GError             **error)
{
  _vault_key_t	wrap;
  uint8_t	blob[WRAP_SECRET_SIZE], inner[WRAP_PLAIN_SIZE], salt[WRAP_SALT_SIZE], aad[WRAP_AAD_MAX];
  size_t	blob_len = salt_b64 ? WRAP_SECRET_SIZE : WRAP_PLAIN_SIZE, aad_len;
  bool		ok;

  g_return_val_if_fail(kek && id && strlen(id) == _VAULT_ID_LEN && dek, false);

  if (!b64_decode(wrapped_b64, blob, blob_len) ||
      (salt_b64 && (!b64_decode(salt_b64, salt, sizeof(salt)) || iterations == 0)))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT,
                "The wrapped data key of entry %s is malformed (bad base64, length, salt or iteration count).", id);
    return (false);
  }

  if (!_vaultKeyDerive(kek, "wrap", &wrap, error))
    return (false);

  aad_len = wrap_aad(aad, "cups-vault data-key", id, salt_b64 ? salt : NULL, iterations);

  if (!gcm_open(wrap.bytes, aad, aad_len, blob, blob_len, salt_b64 ? inner : dek->bytes))
  {
    _vaultKeyWipe(&wrap, sizeof(wrap));
    _vaultKeyWipe(dek, sizeof(*dek));
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH,
                "The data key of entry %s does not unwrap under this site key: the key file is not the one the job was stored with, or the sidecar was altered.", id);
    return (false);
  }

  ok = !salt_b64 || unwrap_inner(&wrap, id, salt, iterations, secret, inner, dek, error);

  _vaultKeyWipe(&wrap, sizeof(wrap));
  _vaultKeyWipe(inner, sizeof(inner));
  return (ok);
}
