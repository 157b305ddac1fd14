/*
 * The side channel while a job is being stored: filters of the queue may
 * ask the backend things (CUPS_SC_CMD_*) while they still write the job,
 * but the real backend only starts once the whole job is in the vault.
 * Until then the vault answers, so that no filter waits for a timeout.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Once the inner backend runs it inherits the side channel (fd 4) and
 * answers for itself, with the printer's own knowledge.
 */

#include "backend.h"

#include <cups/sidechannel.h>
#include <errno.h>
#include <poll.h>


/*
 * 'backendWaitInput()' - Wait until fd has data (or EOF), answering side
 *                        channel requests meanwhile.
 *
 * *side_open is cleared once the side channel is found closed, so it is not
 * polled again.  Returns -1 with errno set when poll(2) fails.
 */

int
backendWaitInput(int  fd,			/* I  - Job data */
                 bool *side_open)		/* IO - Side channel still usable */
{
  struct pollfd	fds[2] = { { fd, POLLIN, 0 }, { CUPS_SC_FD, POLLIN, 0 } };

  for (;;)
  {
    if (poll(fds, *side_open ? 2 : 1, -1) < 0)
    {
      if (errno == EINTR && !backendTerminated())
        continue;
      return (-1);
    }

    if (*side_open && fds[1].revents)
      *side_open = backendSideChannelAnswer();

    if (fds[0].revents)
      return (0);
  }
}


/*
 * 'backendSideChannelAnswer()' - Answer one side-channel request.
 *
 * Nothing is buffered in the vault, so DRAIN_OUTPUT succeeds at once;
 * everything else is "not implemented" (the printer is not reachable yet).
 * Returns false when the side channel is closed or broken.
 */

bool
backendSideChannelAnswer(void)
{
  cups_sc_command_t	command;		/* Request */
  cups_sc_status_t	status;			/* Its status */
  char			data[2048];		/* Its data */
  int			datalen = sizeof(data);

  if (cupsSideChannelRead(&command, &status, data, &datalen, 0.0))
    return (false);

  if (command == CUPS_SC_CMD_DRAIN_OUTPUT)
    status = CUPS_SC_STATUS_OK;
  else
    status = CUPS_SC_STATUS_NOT_IMPLEMENTED;

  return (cupsSideChannelWrite(command, status, NULL, 0, 1.0) == 0);
}
