/*
 * The journal: an append-only audit log with one fsynced record per state
 * transition of any entry.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A record is one line of TAB-separated key=value fields (doc/FORMAT.md):
 *
 *   v=1 time=1714557600 utc=2024-05-01T10:00:00Z entry=... uuid=...
 *   created=... job-id=... queue=... user=... from=stored to=sending
 *   actor=backend[123] reason=...
 *
 * Values escape backslash, TAB, LF, CR and other control bytes (\\ \t \n \r
 * \xHH), so a title or reason can never forge a field or a record.  An
 * append is one write(2) on an O_APPEND descriptor followed by fsync, so
 * records never interleave; a torn last line (crash during the write) has no
 * newline and is skipped by readers.  The next append ends such a line
 * with TAB "torn" and a newline, in the same write as its own record, so
 * its record is never glued to the fragment; readers skip lines that end
 * so (no record can: values escape TAB).  Rotation renames the file under an
 * exclusive flock to journal.<UTC time> and fsyncs the directory: a record
 * lands either in the old file or in the new one, and readers walk the
 * rotated files (oldest first) and then the current one.
 */

#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define _VAULT_JOURNAL_TORN	"\ttorn"	/* Ends a torn line the next append closed */


/*
 * 'append_field()' - Append "\tkey=value" (escaped); nothing for NULL.
 */

static void
append_field(GString *line, const char *key, const char *value)
{
  if (!value)
    return;

  g_string_append_printf(line, "%s%s=", line->len ? "\t" : "", key);
  for (const unsigned char *p = (const unsigned char *)value; *p; p ++)
  {
    switch (*p)
    {
      case '\\' : g_string_append(line, "\\\\"); break;
      case '\t' : g_string_append(line, "\\t"); break;
      case '\n' : g_string_append(line, "\\n"); break;
      case '\r' : g_string_append(line, "\\r"); break;
      default :
          if (*p < ' ' || *p == 127)
            g_string_append_printf(line, "\\x%02x", *p);
          else
            g_string_append_c(line, (char)*p);
          break;
    }
  }
}


/*
 * 'format_record()' - The journal line of a record (with its newline).
 */

static GString *
format_record(const vault_record_t *r)
{
  GString	*line = g_string_new(NULL);
  GDateTime	*dt = g_date_time_new_from_unix_utc(r->time);
  char		num[32], *utc = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");

  append_field(line, "v", "1");
  g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT, r->time);
  append_field(line, "time", num);
  append_field(line, "utc", utc);
  append_field(line, "entry", r->entry_id);
  append_field(line, "uuid", r->uuid);
  g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT, r->created);
  append_field(line, "created", r->created ? num : NULL);
  g_snprintf(num, sizeof(num), "%d", r->job_id);
  append_field(line, "job-id", r->job_id ? num : NULL);
  append_field(line, "queue", r->queue);
  append_field(line, "user", r->user);
  append_field(line, "from", r->from);
  append_field(line, "to", r->to);
  append_field(line, "actor", r->actor);
  append_field(line, "reason", r->reason);
  g_string_append_c(line, '\n');

  g_free(utc);
  g_date_time_unref(dt);
  return (line);
}


/*
 * 'ends_torn()' - True when the journal open on fd is not empty and does
 *                 not end with a newline: a crash cut its last record.
 */

static bool
ends_torn(int fd)
{
  struct stat	st;
  char		last;

  return (!fstat(fd, &st) && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n');
}


/*
 * '_vaultJournalAppendText()' - Append text (whole records, each ending
 *                               with a newline) in ONE write(2) on an
 *                               O_APPEND descriptor, then fsync it (and
 *                               the root directory when this creates the
 *                               journal).  Durable when it returns true;
 *                               IO otherwise.
 */

bool
_vaultJournalAppendText(vault_store_t *store, const char *text, size_t len, GError **error)
{
  bool		created = access(store->journal_path, F_OK) < 0;
  int		fd;
  bool		ok;
  g_autofree char *mended = NULL;

  if ((fd = _vaultIoOpen(store->io, store->journal_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot open the journal", store->journal_path);
    return (false);
  }

  if (ends_torn(fd))
  {
    mended = g_strconcat(_VAULT_JOURNAL_TORN "\n", text, NULL);
    text   = mended;
    len   += strlen(_VAULT_JOURNAL_TORN "\n");
  }

  ok = _vaultIoWrite(store->io, fd, text, len) == 0 && _vaultIoFsync(store->io, fd) == 0;
  if (!ok)
    _vaultSetIoError(error, errno, "Cannot write the journal", store->journal_path);

  if (_vaultIoClose(store->io, fd) < 0 && ok)
  {
    _vaultSetIoError(error, errno, "Cannot close the journal", store->journal_path);
    ok = false;
  }

  if (ok && created && _vaultIoFsyncDir(store->io, vaultConfigGetRoot(store->config)) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot sync the directory of", store->journal_path);
    ok = false;
  }

  return (ok);
}


/*
 * 'vaultJournalAppend()' - Append one record and fsync it (and the root
 *                          directory when this creates the journal).
 *                          record->time 0 means now.  IO on failure; the
 *                          record is durable when it returns true.
 */

bool
vaultJournalAppend(vault_store_t *store, const vault_record_t *record, GError **error)
{
  vault_record_t	r;
  GString		*line;
  bool			ok;

  g_return_val_if_fail(record != NULL && record->to != NULL, false);

  r = *record;
  if (!r.time)
    r.time = g_get_real_time() / G_USEC_PER_SEC;

  line = format_record(&r);
  ok   = _vaultJournalAppendText(store, line->str, line->len, error);
  g_string_free(line, TRUE);
  return (ok);
}


/*
 * 'transition_record()' - The record of meta's move from state `from`
 *                         (now; strings point into meta and the arguments).
 */

static vault_record_t
transition_record(const _vault_meta_t *meta, const char *from, const char *actor, const char *reason)
{
  vault_record_t r =
  {
    .time     = g_get_real_time() / G_USEC_PER_SEC,
    .entry_id = meta->id,
    .uuid     = meta->uuid,
    .created  = meta->created,
    .job_id   = meta->job_id,
    .queue    = meta->queue,
    .user     = meta->user,
    .from     = from,
    .to       = vaultStateString(meta->state),
    .actor    = actor,
    .reason   = reason
  };

  return (r);
}


/*
 * '_vaultJournalTransition()' - Journal the move of meta from state `from`
 *                               ("none" for a new entry) to meta->state.
 */

bool
_vaultJournalTransition(vault_store_t *store, const _vault_meta_t *meta, const char *from, const char *actor, const char *reason, GError **error)
{
  vault_record_t r = transition_record(meta, from, actor, reason);

  return (vaultJournalAppend(store, &r, error));
}


/*
 * 'vaultJournalNote()' - Journal what happened to entry while its state
 *                        stayed (a consult, a refused release): from and
 *                        to are its state; job_id 0 means the entry's.
 */

bool
vaultJournalNote(vault_store_t *store, const vault_entry_t *entry, int job_id, const char *actor, const char *reason, GError **error)
{
  vault_record_t r = transition_record(entry->meta, vaultStateString(entry->meta->state), actor, reason);

  if (job_id)
    r.job_id = job_id;

  return (vaultJournalAppend(store, &r, error));
}


/*
 * 'vaultJournalRefusal()' - Journal a job refused before anything of it
 *                           was stored (none -> refused, no entry id).
 */

bool
vaultJournalRefusal(vault_store_t *store, const vault_job_t *job, const char *actor, const char *reason, GError **error)
{
  vault_record_t r =
  {
    .time    = g_get_real_time() / G_USEC_PER_SEC,
    .uuid    = job->uuid,
    .created = job->created,
    .job_id  = job->job_id,
    .queue   = job->queue,
    .user    = job->user,
    .from    = "none",
    .to      = "refused",
    .actor   = actor,
    .reason  = reason
  };

  return (vaultJournalAppend(store, &r, error));
}


/*
 * '_vaultJournalFormatTransition()' - Append to text the journal line of
 *                                     meta's move from state `from` to
 *                                     meta->state (stamped now), for a
 *                                     later _vaultJournalAppendText.
 */

void
_vaultJournalFormatTransition(GString *text, const _vault_meta_t *meta, const char *from, const char *actor, const char *reason)
{
  vault_record_t	r = transition_record(meta, from, actor, reason);
  GString		*line = format_record(&r);

  g_string_append_len(text, line->str, (gssize)line->len);
  g_string_free(line, TRUE);
}


/*
 * 'unescape()' - Undo append_field's escaping in place; false when bad.
 */

static bool
unescape(char *s)
{
  char *out = s;

  for (char *p = s; *p; p ++)
  {
    if (*p != '\\')
    {
      *out++ = *p;
      continue;
    }

    switch (*++p)
    {
      case '\\' : *out++ = '\\'; break;
      case 't' : *out++ = '\t'; break;
      case 'n' : *out++ = '\n'; break;
      case 'r' : *out++ = '\r'; break;
      case 'x' :
          if (!g_ascii_isxdigit(p[1]) || !g_ascii_isxdigit(p[2]))
            return (false);
          *out++ = (char)(g_ascii_xdigit_value(p[1]) * 16 + g_ascii_xdigit_value(p[2]));
          p += 2;
          break;
      default :
          return (false);
    }
  }

  *out = '\0';
  return (true);
}


/*
 * 'parse_record()' - Parse one line (without its newline) into r; strings
 *                    point into line.  False for a malformed line.
 */

static bool
parse_record(char *line, vault_record_t *r)
{
  char *saveptr = NULL;

  memset(r, 0, sizeof(*r));
  for (char *field = strtok_r(line, "\t", &saveptr); field; field = strtok_r(NULL, "\t", &saveptr))
  {
    char *value = strchr(field, '=');

    if (!value)
      return (false);
    *value++ = '\0';
    if (!unescape(value))
      return (false);

    if (!strcmp(field, "time"))
      r->time = g_ascii_strtoll(value, NULL, 10);
    else if (!strcmp(field, "entry"))
      r->entry_id = value;
    else if (!strcmp(field, "uuid"))
      r->uuid = value;
    else if (!strcmp(field, "created"))
      r->created = g_ascii_strtoll(value, NULL, 10);
    else if (!strcmp(field, "job-id"))
      r->job_id = atoi(value);
    else if (!strcmp(field, "queue"))
      r->queue = value;
    else if (!strcmp(field, "user"))
      r->user = value;
    else if (!strcmp(field, "from"))
      r->from = value;
    else if (!strcmp(field, "to"))
      r->to = value;
    else if (!strcmp(field, "actor"))
      r->actor = value;
    else if (!strcmp(field, "reason"))
      r->reason = value;
  }

  return (r->time > 0 && r->to != NULL);
}


/*
 * 'read_file()' - Visit the records of one journal file.  *stop is set when
 *                 cb asked to stop.  A missing file has no records; a last
 *                 line without a newline is a torn append and is skipped,
 *                 as is a torn line that a later append ended.
 */

static bool
read_file(const char *path, vault_journal_cb_t cb, void *data, bool *stop, GError **error)
{
  FILE		*fp = fopen(path, "re");
  char		*line = NULL;
  size_t	size = 0;
  ssize_t	len;
  guint		lineno = 0;
  bool		ok = true;

  if (!fp)
  {
    if (errno == ENOENT)
      return (true);
    _vaultSetIoError(error, errno, "Cannot read the journal", path);
    return (false);
  }

  while (!*stop && (len = getline(&line, &size, fp)) > 0)
  {
    vault_record_t r;

    lineno ++;
    if (line[len - 1] != '\n')
      break;
    line[-- len] = '\0';
    if ((size_t)len >= strlen(_VAULT_JOURNAL_TORN) &&
        !memcmp(line + len - strlen(_VAULT_JOURNAL_TORN), _VAULT_JOURNAL_TORN, strlen(_VAULT_JOURNAL_TORN)))
      continue;				/* A record a crash cut (maybe zeros), ended by the next append */

    if (!parse_record(line, &r))
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s:%u: malformed journal record.", path, lineno);
      ok = false;
      break;
    }

    *stop = !cb(&r, data);
  }

  free(line);
  fclose(fp);
  return (ok);
}


/*
 * 'compare_paths()' - strcmp for g_ptr_array_sort (rotated names sort by time).
 */

static gint
compare_paths(gconstpointer a, gconstpointer b)
{
  return (strcmp(*(char * const *)a, *(char * const *)b));
}


/*
 * 'vaultJournalForeach()' - Visit every record, oldest first: the rotated
 *                           files in name (= time) order, then the current
 *                           journal.  IO/CORRUPT on a bad file.
 */

bool
vaultJournalForeach(vault_store_t *store, vault_journal_cb_t cb, void *data, GError **error)
{
  const char	*root = vaultConfigGetRoot(store->config), *name;
  GDir		*dir;
  GPtrArray	*files = g_ptr_array_new_with_free_func(g_free);
  bool		ok = true, stop = false;

  if ((dir = g_dir_open(root, 0, NULL)) == NULL)
  {
    _vaultSetIoError(error, errno, "Cannot read the spool root", root);
    g_ptr_array_unref(files);
    return (false);
  }

  while ((name = g_dir_read_name(dir)) != NULL)
    if (g_str_has_prefix(name, "journal.") && !g_str_has_suffix(name, _VAULT_TMP_SUFFIX))
      g_ptr_array_add(files, g_build_filename(root, name, NULL));
  g_dir_close(dir);

  g_ptr_array_sort(files, compare_paths);
  g_ptr_array_add(files, g_strdup(store->journal_path));

  for (guint i = 0; ok && !stop && i < files->len; i ++)
    ok = read_file(files->pdata[i], cb, data, &stop, error);

  g_ptr_array_unref(files);
  return (ok);
}


/*
 * 'rotated_name()' - A free name "journal.<UTC time>[.NNN]" in root.
 */

static char *
rotated_name(const char *journal_path)
{
  GDateTime	*now = g_date_time_new_now_utc();
  char		*stamp = g_date_time_format(now, "%Y%m%dT%H%M%SZ");
  char		*path = g_strdup_printf("%s.%s", journal_path, stamp);

  for (guint n = 1; access(path, F_OK) == 0; n ++)
  {
    g_free(path);
    path = g_strdup_printf("%s.%s.%03u", journal_path, stamp, n);
  }

  g_free(stamp);
  g_date_time_unref(now);
  return (path);
}


/*
 * 'vaultJournalRotate()' - Rename the current journal to a dated name under
 *                          an exclusive flock and fsync the directory; the
 *                          next append starts a new file.  Nothing to do
 *                          for a missing or empty journal.  IO on failure.
 */

bool
vaultJournalRotate(vault_store_t *store, GError **error)
{
  struct stat	st_fd, st_path;
  char		*to = NULL;
  bool		ok = true;
  int		fd;

  if ((fd = open(store->journal_path, O_RDONLY | O_CLOEXEC)) < 0)
  {
    if (errno == ENOENT)
      return (true);
    _vaultSetIoError(error, errno, "Cannot open the journal", store->journal_path);
    return (false);
  }

  while (flock(fd, LOCK_EX) < 0 && errno == EINTR);

  /* Another process may have rotated it while we waited for the lock. */
  if (fstat(fd, &st_fd) == 0 && stat(store->journal_path, &st_path) == 0 && st_fd.st_ino == st_path.st_ino && st_fd.st_size > 0)
  {
    to = rotated_name(store->journal_path);
    if (_vaultIoRename(store->io, store->journal_path, to) < 0 || _vaultIoFsyncDir(store->io, vaultConfigGetRoot(store->config)) < 0)
    {
      _vaultSetIoError(error, errno, "Cannot rotate the journal to", to);
      ok = false;
    }
  }

  g_free(to);
  close(fd);
  return (ok);
}
