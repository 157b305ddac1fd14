/*
 * vaultd's release socket: where an originator hands in the secret of a
 * protected job ("vaultctl release N"), and where the backend run that
 * follows picks up the job's data key, once.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A unix stream socket (vault.conf release-socket, default
 * /run/cups-vault/release.sock), mode 0666: anyone may ask, the peer's
 * credentials (SO_PEERCRED) say who asks.  One request per connection, in
 * one frame (doc/SECRETS.md):
 *
 *   release JOB-ID SECRET   any user: checks in vaultd-secret-release.c
 *   grant ENTRY-ID          root only (the backend): "key " + 32 bytes, or "none ..."
 *
 * Anything else is refused.  Clients are read without blocking on the main
 * loop, at most CLIENTS_MAX at a time, each dropped after CLIENT_TIMEOUT_S.
 * Grants live only in this process's memory (locked when the system
 * allows), expire after VAULTD_GRANT_SECONDS, are handed out once and are
 * wiped when used, expired or replaced.  Secrets are never logged.
 */

#define G_LOG_DOMAIN "vaultd-secret"

#include "config.h"
#include "vaultd-secret.h"
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CLIENTS_MAX		32
#define CLIENT_TIMEOUT_S	5
#define FRAME_BUF		(4 + VAULT_RELEASE_FRAME_MAX)

struct _vaultd_secret_s
{
  vault_store_t	*store;
  char		*path;		/* Socket path */
  int		fd;		/* Listening socket */
  guint		watch;		/* Its source */
  guint		clients;	/* Connections open */
  GHashTable	*grants;	/* entry id -> grant_t */
  GHashTable	*failures;	/* entry id -> wrong secrets (GUINT_TO_POINTER) */
};

/* A one-time grant: the data key of one entry. */
typedef struct grant_s
{
  guint8	key[VAULT_DATA_KEY_SIZE];
  guint		timer;		/* Expiry source */
  char		*id;
  vaultd_secret_t *secret;
} grant_t;

/* One connection being read. */
typedef struct client_s
{
  vaultd_secret_t *secret;
  int		fd;
  guint		watch, timer;
  uid_t		uid;
  pid_t		pid;
  size_t	got;		/* Bytes in buf */
  guint8	buf[FRAME_BUF + 1];
} client_t;


/*
 * 'grant_free()' - Wipe and free a grant (hash table destroy function).
 */

static void
grant_free(gpointer data)
{
  grant_t *grant = data;

  if (grant->timer)
    g_source_remove(grant->timer);
  explicit_bzero(grant->key, sizeof(grant->key));
  munlock(grant, sizeof(*grant));
  g_free(grant->id);
  g_free(grant);
}


/*
 * 'grant_expire_cb()' - A grant nobody picked up in time.
 */

static gboolean
grant_expire_cb(gpointer data)
{
  grant_t *grant = data;

  grant->timer = 0;
  g_message("The release grant of entry %s expired unused.", grant->id);
  g_hash_table_remove(grant->secret->grants, grant->id);
  return (G_SOURCE_REMOVE);
}


/*
 * 'vaultdSecretGrantAdd()' - Keep key as the one-time grant of entry id.
 */

void
vaultdSecretGrantAdd(vaultd_secret_t *secret,
                     const char      *id,
                     const guint8    key[VAULT_DATA_KEY_SIZE])
{
  grant_t *grant = g_new0(grant_t, 1);

  mlock(grant, sizeof(*grant));		/* Best effort: never swapped out */
  memcpy(grant->key, key, sizeof(grant->key));
  grant->id     = g_strdup(id);
  grant->secret = secret;
  grant->timer  = g_timeout_add_seconds(VAULTD_GRANT_SECONDS, grant_expire_cb, grant);
  g_hash_table_replace(secret->grants, grant->id, grant);
}


/*
 * 'vaultdSecretGrantDrop()' - Forget the grant of id.
 */

void
vaultdSecretGrantDrop(vaultd_secret_t *secret,
                      const char      *id)
{
  g_hash_table_remove(secret->grants, id);
}


/* What count_failure looks for and has found. */
typedef struct failures_s
{
  const char	*id;
  guint		count;
} failures_t;


/*
 * 'count_failure()' - vaultJournalForeach callback: count wrong secrets of one entry.
 */

static bool
count_failure(const vault_record_t *record, void *data)
{
  failures_t *f = data;

  if (record->entry_id && !strcmp(record->entry_id, f->id) && record->reason &&
      g_str_has_prefix(record->reason, "release refused: wrong secret"))
    f->count ++;

  return (true);
}


/*
 * 'vaultdSecretGetFailures()' - Wrong secrets so far for entry id: the
 *                               journal is the durable count, read once.
 */

guint
vaultdSecretGetFailures(vaultd_secret_t *secret,
                        const char      *id)
{
  gpointer		value;
  failures_t		f = { id, 0 };
  g_autoptr(GError)	error = NULL;

  if (g_hash_table_lookup_extended(secret->failures, id, NULL, &value))
    return (GPOINTER_TO_UINT(value));

  if (!vaultJournalForeach(secret->store, count_failure, &f, &error))
  {
    g_warning("The journal cannot be read to count release attempts: %s", error->message);
    return (VAULTD_SECRET_ATTEMPTS);	/* Fail closed */
  }

  g_hash_table_insert(secret->failures, g_strdup(id), GUINT_TO_POINTER(f.count));
  return (f.count);
}


/*
 * 'vaultdSecretAddFailure()' - One more wrong secret for id (journalled by the caller).
 */

void
vaultdSecretAddFailure(vaultd_secret_t *secret,
                       const char      *id)
{
  guint n = vaultdSecretGetFailures(secret, id);

  g_hash_table_insert(secret->failures, g_strdup(id), GUINT_TO_POINTER(n + 1));
}


vault_store_t *
vaultdSecretGetStore(vaultd_secret_t *secret)
{
  return (secret->store);
}


/*
 * 'client_free()' - Close and free a connection.
 */

static void
client_free(client_t *client)
{
  if (client->watch)
    g_source_remove(client->watch);
  if (client->timer)
    g_source_remove(client->timer);
  close(client->fd);
  client->secret->clients --;
  explicit_bzero(client->buf, sizeof(client->buf));
  g_free(client);
}


/*
 * 'reply()' - Send one answer frame: word, a space, then text.
 */

static void
reply(client_t *client, const char *word, const char *text)
{
  g_autofree char	*answer = g_strdup_printf("%s %s", word, text);
  g_autoptr(GError)	error = NULL;

  if (!vaultReleaseFrameWrite(client->fd, answer, strlen(answer), &error))
    g_debug("A release client went away: %s", error->message);
}


/*
 * 'serve_grant()' - "grant ENTRY-ID": root only; the key once, then forget it.
 */

static void
serve_grant(client_t *client, const char *id)
{
  vaultd_secret_t	*secret = client->secret;
  grant_t		*grant;
  guint8		answer[4 + VAULT_DATA_KEY_SIZE];
  g_autoptr(GError)	error = NULL;

  if (client->uid != 0)
  {
    g_warning("uid %u (pid %d) asked for a release grant; only the backend (root) may.", (unsigned)client->uid, (int)client->pid);
    reply(client, "refused", "Only the vault backend may ask for grants.");
    return;
  }

  if ((grant = g_hash_table_lookup(secret->grants, id)) == NULL)
  {
    reply(client, "none", "No release with the secret is waiting for this entry.");
    return;
  }

  memcpy(answer, "key ", 4);
  memcpy(answer + 4, grant->key, VAULT_DATA_KEY_SIZE);
  g_hash_table_remove(secret->grants, id);	/* Once only, whatever happens next */

  if (!vaultReleaseFrameWrite(client->fd, answer, sizeof(answer), &error))
    g_warning("The grant of entry %s was lost on the way to the backend: %s", id, error->message);
  else
    g_message("Entry %s: the release grant went to the backend (pid %d).", id, (int)client->pid);

  explicit_bzero(answer, sizeof(answer));
}


/*
 * 'serve()' - Answer one complete request of len bytes in client->buf + 4.
 */

static void
serve(client_t *client, size_t len)
{
  char		*request = (char *)client->buf + 4, *job, *space;
  bool		ok = false;
  char		*answer;

  request[len] = '\0';

  if (strlen(request) != len)
    reply(client, "refused", "Malformed request.");
  else if (g_str_has_prefix(request, "grant ") && strlen(request + 6) == 32 && strspn(request + 6, "0123456789abcdef") == 32)
    serve_grant(client, request + 6);
  else if (g_str_has_prefix(request, "release ") && (space = strchr((job = request + 8), ' ')) != NULL &&
           space[1] && strlen(space + 1) <= VAULT_RELEASE_SECRET_MAX)
  {
    *space = '\0';
    answer = vaultdSecretRelease(client->secret, client->uid, job, space + 1, &ok);
    explicit_bzero(space + 1, strlen(space + 1));
    reply(client, ok ? "ok" : "refused", answer);
    g_free(answer);
  }
  else
    reply(client, "refused", "This socket accepts only \"release JOB-ID SECRET\" (a secret of 1 to 1024 bytes).");
}


/*
 * 'client_cb()' - Bytes arrived: read, and answer once the frame is whole.
 */

static gboolean
client_cb(gint fd, GIOCondition condition, gpointer data)
{
  client_t	*client = data;
  size_t	want = 4, len = 0;
  ssize_t	n;

  (void)condition;

  if (client->got >= 4)
  {
    len  = ((size_t)client->buf[0] << 24) | ((size_t)client->buf[1] << 16) | ((size_t)client->buf[2] << 8) | client->buf[3];
    want = 4 + len;
  }

  if ((n = read(fd, client->buf + client->got, want - client->got)) < 0 && (errno == EINTR || errno == EAGAIN))
    return (G_SOURCE_CONTINUE);

  if (n <= 0)
  {
    client->watch = 0;
    client_free(client);
    return (G_SOURCE_REMOVE);
  }

  client->got += (size_t)n;
  if (client->got == 4)
  {
    len = ((size_t)client->buf[0] << 24) | ((size_t)client->buf[1] << 16) | ((size_t)client->buf[2] << 8) | client->buf[3];
    if (len == 0 || len > VAULT_RELEASE_FRAME_MAX)
    {
      reply(client, "refused", "Malformed request.");
      client->watch = 0;
      client_free(client);
      return (G_SOURCE_REMOVE);
    }
    return (G_SOURCE_CONTINUE);
  }

  if (client->got < want || want == 4)
    return (G_SOURCE_CONTINUE);

  serve(client, len);
  client->watch = 0;
  client_free(client);
  return (G_SOURCE_REMOVE);
}


/*
 * 'client_timeout_cb()' - A client that did not finish its request in time.
 */

static gboolean
client_timeout_cb(gpointer data)
{
  client_t *client = data;

  client->timer = 0;
  client_free(client);
  return (G_SOURCE_REMOVE);
}


/*
 * 'accept_cb()' - A new connection: who is it (SO_PEERCRED), then read it.
 */

static gboolean
accept_cb(gint fd, GIOCondition condition, gpointer data)
{
  vaultd_secret_t	*secret = data;
  struct ucred		cred;
  socklen_t		cred_len = sizeof(cred);
  client_t		*client;
  int			cfd;

  (void)condition;

  if ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0)
    return (G_SOURCE_CONTINUE);

  if (secret->clients >= CLIENTS_MAX || getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) < 0)
  {
    close(cfd);
    return (G_SOURCE_CONTINUE);
  }

  secret->clients ++;
  client         = g_new0(client_t, 1);
  client->secret = secret;
  client->fd     = cfd;
  client->uid    = cred.uid;
  client->pid    = cred.pid;
  client->watch  = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, client_cb, client);
  client->timer  = g_timeout_add_seconds(CLIENT_TIMEOUT_S, client_timeout_cb, client);

  return (G_SOURCE_CONTINUE);
}


/*
 * 'vaultdSecretStart()' - Listen on the release socket.  IO or CONFIG when
 *                         it cannot be created.
 */

vaultd_secret_t *
vaultdSecretStart(vault_store_t *store,
                  GError        **error)
{
  const char		*path = vaultConfigGetReleaseSocket(vaultStoreGetConfig(store));
  vaultd_secret_t	*secret;
  int			fd;

  if ((fd = vaultdListenUnix(path, "release-socket", error)) < 0)
    return (NULL);

  secret           = g_new0(vaultd_secret_t, 1);
  secret->store    = store;
  secret->path     = g_strdup(path);
  secret->fd       = fd;
  secret->grants   = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, grant_free);
  secret->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  secret->watch    = g_unix_fd_add(fd, G_IO_IN, accept_cb, secret);

  g_message("Release socket %s: originators release protected jobs here (vaultctl release).", path);
  return (secret);
}


/*
 * 'vaultdSecretStop()' - Close the socket, wipe every grant.  Open client
 *                        connections are dropped with the process.
 */

void
vaultdSecretStop(vaultd_secret_t *secret)
{
  if (!secret)
    return;

  g_source_remove(secret->watch);
  close(secret->fd);
  unlink(secret->path);
  g_hash_table_destroy(secret->grants);
  g_hash_table_destroy(secret->failures);
  g_free(secret->path);
  g_free(secret);
}
