/*
 * Writing and reading the accounting record (vault-account-<job-id>.counts).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The file is a GLib key file: a [job] group with the totals, then one
 * [media <media> <tray>] group per media and tray that was used.  The filter
 * writes it to a temporary name, fsyncs it, renames it into place and
 * fsyncs the directory, so the backend sees either no file or a whole one.
 * Its mode is 0644: the filter runs as the CUPS user, the backend as root.
 */

#include "account-record.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define JOB_GROUP	"job"
#define MEDIA_PREFIX	"media "


/*
 * 'media_free()' - Free one media entry.
 */

static void
media_free(gpointer data)
{
  vault_account_media_t *m = data;

  g_free(m->media);
  g_free(m->tray);
  g_free(m);
}


/*
 * 'vaultAccountRecordNew()' - A new, empty, uncounted record for a job.
 */

vault_account_record_t *
vaultAccountRecordNew(int job_id)
{
  vault_account_record_t *record = g_new0(vault_account_record_t, 1);

  record->job_id = job_id;
  record->media  = g_ptr_array_new_with_free_func(media_free);

  return (record);
}


/*
 * 'vaultAccountRecordFree()' - Free a record (NULL is fine).
 */

void
vaultAccountRecordFree(vault_account_record_t *record)
{
  if (!record)
    return;

  g_free(record->job_uuid);
  g_free(record->document_format);
  g_ptr_array_unref(record->media);
  g_free(record);
}


/*
 * 'vaultAccountRecordGetMedia()' - The entry for a media + tray, added with
 *                                  zero counts when it is not there yet.
 */

vault_account_media_t *
vaultAccountRecordGetMedia(vault_account_record_t *record,
                           const char             *media,
                           const char             *tray)
{
  vault_account_media_t	*m;

  g_return_val_if_fail(record && media && tray, NULL);

  for (guint i = 0; i < record->media->len; i ++)
  {
    m = g_ptr_array_index(record->media, i);
    if (!strcmp(m->media, media) && !strcmp(m->tray, tray))
      return (m);
  }

  m        = g_new0(vault_account_media_t, 1);
  m->media = g_strdup(media);
  m->tray  = g_strdup(tray);
  g_ptr_array_add(record->media, m);

  return (m);
}


/*
 * 'vaultAccountRecordPath()' - "<dir>/vault-account-<job-id>.counts" (free
 *                              with g_free).
 */

char *
vaultAccountRecordPath(const char *dir,
                       int        job_id)
{
  char name[64];

  g_snprintf(name, sizeof(name), "vault-account-%d.counts", job_id);

  return (g_build_filename(dir ? dir : g_get_tmp_dir(), name, NULL));
}


/*
 * 'record_to_keyfile()' - Serialize a record into key file text.
 */

static char *
record_to_keyfile(const vault_account_record_t *record,
                  gsize                        *length)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();

  g_key_file_set_integer(kf, JOB_GROUP, "job-id", record->job_id);
  if (record->job_uuid)
    g_key_file_set_string(kf, JOB_GROUP, "job-uuid", record->job_uuid);
  if (record->document_format)
    g_key_file_set_string(kf, JOB_GROUP, "document-format", record->document_format);
  g_key_file_set_boolean(kf, JOB_GROUP, "counted", record->counted);
  g_key_file_set_uint64(kf, JOB_GROUP, "pages", record->pages);
  g_key_file_set_uint64(kf, JOB_GROUP, "impressions", record->impressions);
  g_key_file_set_uint64(kf, JOB_GROUP, "sheets", record->sheets);

  for (guint i = 0; i < record->media->len; i ++)
  {
    const vault_account_media_t *m = g_ptr_array_index(record->media, i);
    g_autofree char *group = g_strdup_printf(MEDIA_PREFIX "%s %s", m->media, m->tray);

    g_key_file_set_string(kf, group, "media", m->media);
    g_key_file_set_string(kf, group, "tray", m->tray);
    g_key_file_set_uint64(kf, group, "pages", m->pages);
    g_key_file_set_uint64(kf, group, "impressions", m->impressions);
    g_key_file_set_uint64(kf, group, "sheets", m->sheets);
  }

  return (g_key_file_to_data(kf, length, NULL));
}


/*
 * 'write_all_fd()' - Write a whole buffer; -1 with errno on failure.
 */

static int
write_all_fd(int        fd,
             const char *data,
             gsize      length)
{
  while (length > 0)
  {
    ssize_t n = write(fd, data, length);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return (-1);
    data   += n;
    length -= (gsize)n;
  }

  return (0);
}


/*
 * 'sync_dir()' - fsync the directory holding path; -1 with errno on failure.
 */

static int
sync_dir(const char *path)
{
  g_autofree char *dir = g_path_get_dirname(path);
  int		  fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int		  ret;

  if (fd < 0)
    return (-1);
  ret = fsync(fd);
  close(fd);

  return (ret);
}


/*
 * 'vaultAccountRecordWrite()' - Write a record atomically to path.
 *
 * Returns true when the file is in place and durable (file and directory
 * fsynced).  On failure (VAULT_ERROR_IO) the old file, if any, is untouched
 * and no temporary file is left.
 */

bool
vaultAccountRecordWrite(const vault_account_record_t *record,
                        const char                   *path,
                        GError                       **error)
{
  g_autofree char *tmp = NULL, *data = NULL;
  gsize		  length;
  int		  fd, err;

  g_return_val_if_fail(record && path, false);

  data = record_to_keyfile(record, &length);
  tmp  = g_strdup_printf("%s.tmp-%ld", path, (long)getpid());

  if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
  {
    err = errno;
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Unable to create \"%s\": %s", tmp, g_strerror(err));
    return (false);
  }

  if (fchmod(fd, 0644) || write_all_fd(fd, data, length) || fsync(fd))
  {
    err = errno;
    close(fd);
    g_unlink(tmp);
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Unable to write \"%s\": %s", tmp, g_strerror(err));
    return (false);
  }

  if (close(fd) || rename(tmp, path) || sync_dir(path))
  {
    err = errno;
    g_unlink(tmp);
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Unable to put \"%s\" in place: %s", path, g_strerror(err));
    return (false);
  }

  return (true);
}


/*
 * 'get_count()' - Read a non-negative count; false with VAULT_ERROR_CORRUPT.
 */

static bool
get_count(GKeyFile   *kf,
          const char *group,
          const char *key,
          guint64    *value,
          const char *path,
          GError     **error)
{
  g_autofree char *text = g_key_file_get_value(kf, group, key, NULL);

  if (!text || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, value, NULL))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT,
                "\"%s\": [%s] %s is missing or not a count", path, group, key);
    return (false);
  }

  return (true);
}


/*
 * 'read_media_group()' - Read one [media ...] group into the record.
 */

static bool
read_media_group(GKeyFile               *kf,
                 const char             *group,
                 vault_account_record_t *record,
                 const char             *path,
                 GError                 **error)
{
  g_autofree char	*media = g_key_file_get_string(kf, group, "media", NULL);
  g_autofree char	*tray = g_key_file_get_string(kf, group, "tray", NULL);
  vault_account_media_t	*m;

  if (!media || !*media || !tray || !*tray)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT,
                "\"%s\": [%s] lacks media or tray", path, group);
    return (false);
  }

  m = vaultAccountRecordGetMedia(record, media, tray);

  return (get_count(kf, group, "pages", &m->pages, path, error) &&
          get_count(kf, group, "impressions", &m->impressions, path, error) &&
          get_count(kf, group, "sheets", &m->sheets, path, error));
}


/*
 * 'vaultAccountRecordRead()' - Read a record written by
 *                              vaultAccountRecordWrite.
 *
 * Returns a new record, or NULL with VAULT_ERROR_NOT_FOUND (no file),
 * VAULT_ERROR_IO (unreadable) or VAULT_ERROR_CORRUPT (bad content).
 */

vault_account_record_t *
vaultAccountRecordRead(const char *path,
                       GError     **error)
{
  g_autoptr(GKeyFile)			kf = g_key_file_new();
  g_autoptr(vault_account_record_t)	record = NULL;
  g_auto(GStrv)				groups = NULL;
  g_autoptr(GError)			local = NULL;
  guint64				job_id;

  g_return_val_if_fail(path, NULL);

  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local))
  {
    int code = g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? VAULT_ERROR_NOT_FOUND :
               local->domain == G_KEY_FILE_ERROR ? VAULT_ERROR_CORRUPT : VAULT_ERROR_IO;

    g_set_error(error, VAULT_ERROR, code, "Unable to read \"%s\": %s", path, local->message);
    return (NULL);
  }

  if (!get_count(kf, JOB_GROUP, "job-id", &job_id, path, error))
    return (NULL);

  record                  = vaultAccountRecordNew((int)job_id);
  record->job_uuid        = g_key_file_get_string(kf, JOB_GROUP, "job-uuid", NULL);
  record->document_format = g_key_file_get_string(kf, JOB_GROUP, "document-format", NULL);
  record->counted         = g_key_file_get_boolean(kf, JOB_GROUP, "counted", &local);

  if (local)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "\"%s\": [job] counted: %s", path, local->message);
    return (NULL);
  }

  if (!get_count(kf, JOB_GROUP, "pages", &record->pages, path, error) ||
      !get_count(kf, JOB_GROUP, "impressions", &record->impressions, path, error) ||
      !get_count(kf, JOB_GROUP, "sheets", &record->sheets, path, error))
    return (NULL);

  groups = g_key_file_get_groups(kf, NULL);
  for (int i = 0; groups[i]; i ++)
    if (g_str_has_prefix(groups[i], MEDIA_PREFIX) &&
        !read_media_group(kf, groups[i], record, path, error))
      return (NULL);

  return (g_steal_pointer(&record));
}
