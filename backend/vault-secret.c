/*
 * The vault backend's side of originator secrets: take job-password out of
 * the job's options, ask vaultd for a release grant, and say how a
 * protected job is released.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * cupsd passes job-password in clear text in argv[5] on every run of the
 * job.  The backend takes it out first thing: the option's bytes in argv[5]
 * are overwritten in place (so /proc/<pid>/cmdline no longer shows it, and
 * the inner backend, which gets our argv[5], never sees it), and the
 * unescaped copy lives in one buffer that is wiped when the run ends.  That
 * copy is used only on a job's first run (store and print in one go) and on
 * a STORED entry (committed in this boot, never interrupted).  Any other
 * run of a protected entry prints only with a grant from vaultd: the data
 * key vaultd recovered when the owner ran "vaultctl release" (doc/SECRETS.md).
 */

#include "backend.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SECRET_OPTION	"job-password"
#define GRANT_TIMEOUT_MS 5000		/* How long vaultd may take to answer */


/*
 * 'option_end()' - End of the option token starting at p, as
 *                  cupsParseOptions reads it: quotes, braces and backslash
 *                  escapes keep spaces inside a value.
 */

static char *
option_end(char *p)			/* I - Start of a token */
{
  char	quote = 0;			/* Open quote */
  int	braces = 0;			/* Open braces */

  for (; *p; p ++)
  {
    if (*p == '\\' && p[1])
      p ++;
    else if (quote)
      quote = *p == quote ? 0 : quote;
    else if (*p == '\'' || *p == '\"')
      quote = *p;
    else if (*p == '{')
      braces ++;
    else if (*p == '}' && braces > 0)
      braces --;
    else if (!braces && (*p == ' ' || *p == '\t' || *p == '\n'))
      break;
  }

  return (p);
}


/*
 * 'unescape_value()' - Copy an option value without its quotes and
 *                      backslashes (as cupsParseOptions gives it).
 */

static char *
unescape_value(const char *start,	/* I - First byte of the value */
               const char *end)		/* I - End of the token */
{
  char	*value = g_malloc((size_t)(end - start) + 1),
	*out = value,
	quote = 0;

  for (const char *p = start; p < end; p ++)
  {
    if (*p == '\\' && p + 1 < end)
      *out++ = *++p;
    else if (quote && *p == quote)
      quote = 0;
    else if (!quote && (*p == '\'' || *p == '\"'))
      quote = *p;
    else
      *out++ = *p;
  }

  *out = '\0';
  return (value);
}


/*
 * 'backendSecretTake()' - Take job-password out of options (argv[5]).
 *
 * Every job-password=... token is overwritten with spaces in place.
 * Returns the (last) secret, unescaped, or NULL when there is none or it is
 * empty; free it with backendSecretFree.  Nothing is durable.
 */

char *
backendSecretTake(char *options)	/* IO - argv[5], scrubbed in place */
{
  char		*secret = NULL,		/* Secret found */
		*p, *end;		/* Token */
  size_t	nlen = strlen(SECRET_OPTION);

  if (!options)
    return (NULL);

  for (p = options; *p; p = end)
  {
    while (*p == ' ' || *p == '\t' || *p == '\n')
      p ++;
    if (!*p)
      break;

    end = option_end(p);

    if (!g_ascii_strncasecmp(p, SECRET_OPTION, nlen) && (p[nlen] == '=' || p + nlen == end))
    {
      backendSecretFree(secret);
      secret = p[nlen] == '=' ? unescape_value(p + nlen + 1, end) : NULL;
      memset(p, ' ', (size_t)(end - p));
    }
  }

  if (secret && !*secret)
  {
    backendSecretFree(secret);
    secret = NULL;
  }

  return (secret);
}


/*
 * 'backendSecretFree()' - Wipe and free a secret (NULL allowed).
 */

void
backendSecretFree(char *secret)		/* I - Secret */
{
  if (!secret)
    return;

  explicit_bzero(secret, strlen(secret));
  g_free(secret);
}


/*
 * 'backendSecretHeldMessage()' - The sentence on a held protected job; g_free it.
 */

char *
backendSecretHeldMessage(int        job_id,	/* I - CUPS job id */
                         const char *user,	/* I - Owner */
                         const char *stored)	/* I - When it was stored */
{
  return (g_strdup_printf("Protected job, held: stored %s, printing was cut off. It prints once only after "
                          "%s supplies the job's secret again: run \"vaultctl release %d\" as %s. "
                          "Releasing it from the web interface or with lp is not enough. Cancel it to discard it.",
                          stored, user, job_id, user));
}


/*
 * 'backendSecretJournal()' - Journal an event of entry that leaves its state
 *                            as it is (best effort: a failure is logged).
 */

void
backendSecretJournal(vault_store_t       *store,	/* I - Store */
                     const vault_entry_t *entry,	/* I - Entry */
                     const char          *actor,	/* I - "backend[pid]" */
                     const char          *reason)	/* I - What happened */
{
  GError		*error = NULL;

  if (!vaultJournalNote(store, entry, 0, actor, reason, &error))
  {
    backendLog("WARNING", "The vault journal cannot be written: %s", error->message);
    g_error_free(error);
  }
}


/*
 * 'backendSecretRefuseUnprotected()' - A queue that requires a secret got a
 *                                      job without one: journal it and say so.
 */

void
backendSecretRefuseUnprotected(vault_store_t     *store,	/* I - Store */
                               const vault_job_t *job,		/* I - Job */
                               const char        *actor)	/* I - "backend[pid]" */
{
  GError		*error = NULL;

  if (!vaultJournalRefusal(store, job, actor, "the queue requires an originator secret (job-password) and the job has none; canceled, nothing stored or printed", &error))
  {
    backendLog("WARNING", "The vault journal cannot be written: %s", error->message);
    g_error_free(error);
  }

  backendLog("ERROR", "Job canceled, nothing was printed: the queue %s accepts only jobs protected by a secret. "
             "Print it again with a job password (lp -o job-password=...).", job->queue);
}


/*
 * 'backendSecretGrant()' - Ask vaultd for the grant of entry id.
 *
 * Returns true with key filled (wipe it after use) when vaultd had a grant:
 * vaultd hands it out once and forgets it.  Returns false when there is
 * none, vaultd cannot be reached or answers wrongly; *why (g_free) then
 * says so for the debug log.  Nothing is durable.
 */

bool
backendSecretGrant(const vault_config_t *config,	/* I - vault.conf */
                   const char           *id,		/* I - Entry id */
                   guint8               key[VAULT_DATA_KEY_SIZE],	/* O - Data key */
                   char                 **why)		/* O - Why not */
{
  char		*request = g_strdup_printf("grant %s", id);
  guint8	*reply = NULL;
  gsize		len = 0;
  bool		ok = false;
  GError	*error = NULL;

  *why = NULL;

  if ((reply = vaultReleaseAsk(vaultConfigGetReleaseSocket(config), request, strlen(request), GRANT_TIMEOUT_MS, &len, &error)) == NULL)
    *why = g_strdup(error->message);
  else if (len == 4 + VAULT_DATA_KEY_SIZE && !memcmp(reply, "key ", 4))
  {
    memcpy(key, reply + 4, VAULT_DATA_KEY_SIZE);
    ok = true;
  }
  else
    *why = g_strdup_printf("vaultd has no grant: %.*s", (int)MIN(len, 200), (const char *)reply);

  if (reply)
  {
    explicit_bzero(reply, len);
    g_free(reply);
  }
  g_clear_error(&error);
  g_free(request);

  return (ok);
}
