/*
 * aesgcm: AES-256-GCM throughput of this machine's GnuTLS on 64 KiB chunks
 * (the vault's chunk size), one core -- the physical limit beside the
 * vault's figures.  gnutls-cli --benchmark-ciphers in 3.7 has no
 * AES-256-GCM line.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage: aesgcm [MIB]   (default 1024)
 */

#include <gnutls/crypto.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
 * 'main()' - Encrypt MIB mebibytes in 64 KiB chunks, print GB/s.
 */

int
main(int  argc,
     char *argv[])
{
  static unsigned char	buf[65536 + 16];
  unsigned char		keybytes[32] = { 1 }, nonce[12] = { 0 };
  gnutls_datum_t	key = { keybytes, sizeof(keybytes) };
  gnutls_aead_cipher_hd_t cipher;
  size_t		out_len, mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
  guint64		i, chunks = mib * 16;
  gint64		start;
  double		seconds;

  if (gnutls_aead_cipher_init(&cipher, GNUTLS_CIPHER_AES_256_GCM, &key) < 0)
    return (1);

  start = g_get_monotonic_time();
  for (i = 0; i < chunks; i ++)
  {
    memcpy(nonce + 4, &i, sizeof(i));
    out_len = sizeof(buf);
    if (gnutls_aead_cipher_encrypt(cipher, nonce, sizeof(nonce), NULL, 0, 16, buf, 65536, buf, &out_len) < 0)
      return (1);
  }
  seconds = (g_get_monotonic_time() - start) / 1e6;

  printf("AES-256-GCM (GnuTLS %s), 64 KiB chunks: %zu MiB in %.3f s = %.2f GB/s\n",
         gnutls_check_version(NULL), mib, seconds, mib * 1048576.0 / seconds / 1e9);

  gnutls_aead_cipher_deinit(cipher);

  return (0);
}
