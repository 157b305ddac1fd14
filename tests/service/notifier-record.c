/*
 * A CUPS notifier for the service tests: records each event it receives.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Installed as ServerBin/notifier/SCHEME, cupsd runs it (as lp) with the
 * recipient URI in argv[1] and writes IPP event messages to its stdin.
 * Each event becomes one line of $VAULT_NOTICE_LOG:
 *
 *   RECIPIENT-URI <TAB> notify-subscribed-event <TAB> job-id <TAB> job-state
 *
 * With $VAULT_NOTICE_FAIL set it reads nothing and exits 1 (a notifier
 * that cannot deliver).
 */

#include <cups/cups.h>
#include <stdio.h>
#include <stdlib.h>


/*
 * 'record_event()' - Append one event of msg to log as a line.
 */

static void
record_event(FILE *log, const char *recipient, ipp_t *msg)
{
  ipp_attribute_t	*event = ippFindAttribute(msg, "notify-subscribed-event", IPP_TAG_KEYWORD),
			*job_id = ippFindAttribute(msg, "notify-job-id", IPP_TAG_INTEGER),
			*state = ippFindAttribute(msg, "job-state", IPP_TAG_ENUM);

  fprintf(log, "%s\t%s\t%d\t%s\n", recipient, event ? ippGetString(event, 0, NULL) : "-",
          job_id ? ippGetInteger(job_id, 0) : 0,
          state ? ippEnumString("job-state", ippGetInteger(state, 0)) : "-");
  fflush(log);
}


/*
 * 'main()' - Read events from stdin until cupsd closes it.
 */

int
main(int  argc,
     char *argv[])
{
  const char	*path = getenv("VAULT_NOTICE_LOG");
  FILE		*log;
  ipp_t		*msg;
  ipp_state_t	state;

  if (argc < 2 || !path || getenv("VAULT_NOTICE_FAIL"))
    return (1);

  if ((log = fopen(path, "a")) == NULL)
    return (1);

  for (;;)
  {
    msg = ippNew();
    while ((state = ippReadFile(0, msg)) != IPP_STATE_DATA)
      if (state <= IPP_STATE_IDLE)
        break;

    if (state != IPP_STATE_DATA)
    {
      ippDelete(msg);
      break;
    }

    record_event(log, argv[1], msg);
    ippDelete(msg);
  }

  fclose(log);
  return (0);
}
