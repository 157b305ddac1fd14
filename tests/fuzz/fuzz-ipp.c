/*
 * Fuzz target: vaultd's counters IPP service from the request bytes on.
 * The input is an IPP message (what follows the HTTP header of a POST); it
 * is read with ippReadIO exactly as serve_request() reads it, then handed
 * to the service's own process_request() (this file includes
 * daemon/vaultd-ipp.c to reach that static function), and the response is
 * encoded as it would be sent.  The store holds counters for queue "q1", so
 * a well-formed Get-Printer-Attributes reaches the gate, the counters and
 * the attribute builders.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../../daemon/vaultd-ipp.c"	/* First: it defines G_LOG_DOMAIN */
#include "fuzz.h"

typedef struct fuzz_input_s
{
  const uint8_t	*data;
  size_t	size, off;
} fuzz_input_t;


/*
 * 'read_input()' - ippReadIO callback over the fuzz input, bounded like
 *                  ipp_read_cb (IPP_MAX_REQUEST).
 */

static ssize_t
read_input(void *ctx, ipp_uchar_t *buffer, size_t length)
{
  fuzz_input_t	*in = ctx;
  size_t	n = MIN(length, in->size - in->off);

  if (in->off + length > IPP_MAX_REQUEST && n == length)
    return (-1);
  memcpy(buffer, in->data + in->off, n);
  in->off += n;
  return ((ssize_t)n);
}


/*
 * 'write_null()' - ippWriteIO callback that discards the response.
 */

static ssize_t
write_null(void *ctx, ipp_uchar_t *buffer, size_t length)
{
  *(size_t *)ctx += length;
  return ((ssize_t)length);
}


/*
 * 'the_service()' - The IPP service object over the shared store, with
 *                   counters for q1 (made once).
 */

static vaultd_ipp_t *
the_service(void)
{
  static vaultd_ipp_t	ipp;
  GError		*error = NULL;

  if (ipp.store)
    return (&ipp);

  ipp.store           = fuzzStore();
  ipp.fds[0]          = ipp.fds[1] = -1;
  ipp.gate_timeout_ms = 1000;
  if (!vaultCountersSetLoad(ipp.store, "q1", "tray-1", "iso_a4_210x297mm", 500, &error))
  {
    fprintf(stderr, "fuzz-ipp: %s\n", error->message);
    abort();
  }
  return (&ipp);
}


/*
 * 'LLVMFuzzerTestOneInput()' - Read, process, encode one request.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  vaultd_ipp_t	*ipp = the_service();
  fuzz_input_t	in = { data, size, 0 };
  ipp_t		*request = ippNew(), *response;
  ipp_state_t	ist;
  vault_gate_t	*gate = NULL;
  size_t	written = 0;
  int		rounds = 0;

  // The service's loop; a message that never ends must not spin forever.
  while ((ist = ippReadIO(&in, read_input, 1, NULL, request)) != IPP_STATE_DATA && ist != IPP_STATE_ERROR)
    if (++ rounds > 100000)
      __builtin_trap();

  if (ist == IPP_STATE_DATA)
  {
    response = process_request(ipp, request, &gate);
    if (!response || ippGetStatusCode(response) == 0 && ippGetOperation(request) != IPP_OP_GET_PRINTER_ATTRIBUTES)
      __builtin_trap();
    ippSetState(response, IPP_STATE_IDLE);
    while ((ist = ippWriteIO(&written, write_null, 1, NULL, response)) != IPP_STATE_DATA && ist != IPP_STATE_ERROR);
    if (ist == IPP_STATE_ERROR)
      __builtin_trap();			/* Our own answer must encode */
    vaultGateEndQuery(gate);
    ippDelete(response);
  }

  ippDelete(request);
  return (0);
}
