/*
 * Tests of the accounting filter (vault-account) and its counts file:
 * raster, PDF, PostScript and unknown data, options and PPD defaults,
 * byte-for-byte pass-through and bounded memory on a 200 MiB stream.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "test-run.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <glib-unix.h>


/*
 * '/filter/record/roundtrip' - Written, read back, mode 0644, errors.
 */

static void
test_record_roundtrip(void)
{
  g_autofree char	*dir = g_dir_make_tmp("rec-XXXXXX", NULL);
  g_autofree char	*path = vaultAccountRecordPath(dir, 7);
  g_autoptr(vault_account_record_t) rec = vaultAccountRecordNew(7), back = NULL;
  g_autoptr(GError)	error = NULL;
  vault_account_media_t	*m;
  struct stat		st;

  g_assert_true(g_str_has_suffix(path, "/vault-account-7.counts"));
  rec->job_uuid        = g_strdup(UUID);
  rec->document_format = g_strdup("application/pdf");
  rec->counted         = true;
  rec->pages = 3; rec->impressions = 6; rec->sheets = 4;
  m = vaultAccountRecordGetMedia(rec, "iso_a4_210x297mm", "tray-1");
  m->pages = 2; m->impressions = 4; m->sheets = 2;
  m = vaultAccountRecordGetMedia(rec, "na_letter_8.5x11in", "auto");
  m->pages = 1; m->impressions = 2; m->sheets = 2;
  g_assert_true(vaultAccountRecordGetMedia(rec, "iso_a4_210x297mm", "tray-1") == g_ptr_array_index(rec->media, 0));

  umask(077);
  g_assert_true(vaultAccountRecordWrite(rec, path, &error));
  g_assert_no_error(error);
  g_assert_cmpint(g_stat(path, &st), ==, 0);
  g_assert_cmpint(st.st_mode & 07777, ==, 0644);

  back = vaultAccountRecordRead(path, &error);
  g_assert_no_error(error);
  g_assert_cmpint(back->job_id, ==, 7);
  g_assert_cmpstr(back->job_uuid, ==, UUID);
  g_assert_cmpstr(back->document_format, ==, "application/pdf");
  g_assert_true(back->counted);
  g_assert_cmpuint(back->pages + back->impressions + back->sheets, ==, 13);
  g_assert_cmpuint(back->media->len, ==, 2);
  m = g_ptr_array_index(back->media, 1);
  g_assert_cmpstr(m->media, ==, "na_letter_8.5x11in");
  g_assert_cmpstr(m->tray, ==, "auto");
  g_assert_cmpuint(m->impressions, ==, 2);

  g_assert_true(g_file_set_contents(path, "[job]\njob-id=7\ncounted=true\npages=x\n", -1, NULL));
  g_assert_null(vaultAccountRecordRead(path, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT);
  g_clear_error(&error);

  g_unlink(path);
  g_assert_null(vaultAccountRecordRead(path, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND);
  g_rmdir(dir);
}


/*
 * '/filter/raster/cups' - Uncompressed CUPS raster (RaS3) on stdin, argv
 * copies, media from cupsPageSizeName.
 */

static void
test_raster_cups(void)
{
  static const test_raster_page_t pages[] =
  {
    { "iso_a4_210x297mm", true, false, 1, 0 },
    { "iso_a4_210x297mm", true, false, 1, 0 },
    { "iso_a4_210x297mm", true, false, 1, 0 }
  };
  g_autoptr(GBytes)	data = testRaster(CUPS_RASTER_WRITE, pages, 3);
  g_autofree char	*lines = NULL;
  run_t			run = { .copies = "2", .content_type = "application/vnd.cups-raster", .use_stdin = true };

  g_assert_cmpmem(g_bytes_get_data(data, NULL), 4, "3SaR", 4);
  run_filter(&run, data);
  assert_passed(&run, data);
  assert_totals(&run, true, 3, 6, 6);
  g_assert_cmpuint(run.record->media->len, ==, 1);
  assert_media(&run, 0, "iso_a4_210x297mm", "auto", 3, 6, 6);
  g_assert_cmpstr(run.record->document_format, ==, "application/vnd.cups-raster");
  lines = page_lines(&run);
  g_assert_cmpstr(lines, ==, "1 2|2 2|3 2");
  g_assert_cmpint(count_lines(&run, "DEBUG: vault-account: application/vnd.cups-raster"), ==, 1);
  run_clear(&run);
}


/*
 * '/filter/raster/cups-compressed' - RaS2, duplex, NumCopies in the stream
 * (wins over argv), media from PageSize alone, MediaPosition.
 */

static void
test_raster_compressed(void)
{
  static const test_raster_page_t pages[] =
  {
    { "na_letter_8.5x11in", false, true, 3, 21 },
    { "na_letter_8.5x11in", false, true, 3, 21 },
    { "na_letter_8.5x11in", false, true, 3, 21 },
    { "na_letter_8.5x11in", false, true, 3, 21 },
    { "na_letter_8.5x11in", false, true, 3, 21 }
  };
  g_autoptr(GBytes)	data = testRaster(CUPS_RASTER_WRITE_COMPRESSED, pages, 5);
  g_autofree char	*lines = NULL;
  run_t			run = { .copies = "7", .content_type = "application/vnd.cups-raster" };

  run_filter(&run, data);
  assert_passed(&run, data);
  assert_totals(&run, true, 5, 15, 9);		/* ceil(5/2) sheets x 3 copies */
  assert_media(&run, 0, "na_letter_8.5x11in", "tray-2", 5, 15, 9);
  lines = page_lines(&run);
  g_assert_cmpstr(lines, ==, "1 3|2 3|3 3|4 3|5 3");
  run_clear(&run);
}


/*
 * '/filter/raster/pwg-mixed' - PWG raster with two media and trays, a
 * change of sides in the middle.
 */

static void
test_raster_pwg(void)
{
  static const test_raster_page_t pages[] =
  {
    { "iso_a4_210x297mm", true, true, 1, 20 },
    { "iso_a4_210x297mm", true, true, 1, 20 },
    { "iso_a4_210x297mm", true, true, 1, 20 },
    { "iso_a5_148x210mm", true, true, 1, 4 },
    { "iso_a4_210x297mm", true, true, 1, 20 },
    { "iso_a4_210x297mm", true, true, 1, 20 }
  };
  g_autoptr(GBytes)	data = testRaster(CUPS_RASTER_WRITE_PWG, pages, 6);
  run_t			run = { .content_type = "image/pwg-raster", .options = "media-source=tray-9" };

  g_assert_cmpmem(g_bytes_get_data(data, NULL), 13, "RaS2PwgRaster", 13);
  run_filter(&run, data);
  assert_passed(&run, data);
  assert_totals(&run, true, 6, 6, 4);		/* A4: 2+1 sheets, A5: 1 */
  g_assert_cmpuint(run.record->media->len, ==, 2);
  assert_media(&run, 0, "iso_a4_210x297mm", "tray-1", 5, 5, 3);
  assert_media(&run, 1, "iso_a5_148x210mm", "manual", 1, 1, 1);
  run_clear(&run);
}


/*
 * '/filter/raster/truncated' - A stream cut inside page 2: all bytes pass,
 * the pages begun are counted, the count is marked untrustworthy.
 */

static void
test_raster_truncated(void)
{
  static const test_raster_page_t pages[] =
  {
    { "iso_a4_210x297mm", true, false, 1, 0 },
    { "iso_a4_210x297mm", true, false, 1, 0 }
  };
  g_autoptr(GBytes)	full = testRaster(CUPS_RASTER_WRITE, pages, 2);
  g_autoptr(GBytes)	data = g_bytes_new_from_bytes(full, 0, g_bytes_get_size(full) * 3 / 4);
  run_t			run = { .content_type = "application/vnd.cups-raster" };

  run_filter(&run, data);
  assert_passed(&run, data);
  assert_totals(&run, false, 2, 2, 2);
  run_clear(&run);
}


/*
 * 'pdf_case()' - Run a PDF spec and check pass-through and page count.
 */

static void
pdf_case(const test_pdf_t *spec,
         guint64          pages)
{
  g_autoptr(GBytes)	data = testPDF(spec);
  run_t			run = { .content_type = "application/vnd.cups-pdf", .options = "media=iso_a4_210x297mm" };

  run_filter(&run, data);
  assert_passed(&run, data);
  assert_totals(&run, true, pages, pages, pages);
  assert_media(&run, 0, "iso_a4_210x297mm", "auto", pages, pages, pages);
  g_assert_cmpint(count_lines(&run, "PAGE: "), ==, 1);
  run_clear(&run);
}


/*
 * '/filter/pdf/spellings' - Spaced and compact /Type /Page, with and
 * without a root /Count, decoys, incremental update, object stream.
 */

static void
test_pdf_spellings(void)
{
  pdf_case(&(test_pdf_t){ .pages = 4, .width = 595, .height = 842, .content = 100 }, 4);
  pdf_case(&(test_pdf_t){ .pages = 7, .width = 595, .height = 842, .compact = true, .no_count = true }, 7);
  pdf_case(&(test_pdf_t){ .pages = 3, .width = 595, .height = 842, .compact = true }, 3);
  pdf_case(&(test_pdf_t){ .pages = 2, .width = 595, .height = 842, .no_count = true, .decoys = true }, 2);
  pdf_case(&(test_pdf_t){ .pages = 5, .width = 595, .height = 842, .incremental = true }, 5);
  pdf_case(&(test_pdf_t){ .pages = 6, .width = 595, .height = 842, .no_count = true, .incremental = true }, 7);
  pdf_case(&(test_pdf_t){ .pages = 9, .width = 595, .height = 842, .objstm = true, .content = 50 }, 9);
  pdf_case(&(test_pdf_t){ .pages = 9, .width = 595, .height = 842, .objstm = true, .no_count = true }, 9);
}


/*
 * '/filter/pdf/boundaries' - "/Type /Page" and "/Count" cut at every
 * offset by the filter's 64 KiB reads (the first 64 bytes come alone).
 */

static void
test_pdf_boundaries(void)
{
  g_autoptr(GBytes) probe = testPDF(&(test_pdf_t){ .pages = 1, .width = 595, .height = 842, .no_count = true, .pad = 1000 });
  const char	*text = g_bytes_get_data(probe, NULL);
  const char	*page = g_strstr_len(text, (gssize)g_bytes_get_size(probe), "/Type /Page\n");
  gsize		base = (gsize)(page - text) - 1000;	/* Offset of the page's /Type without padding */

  g_assert_nonnull(page);
  for (gsize shift = 0; shift <= 12; shift ++)
  {
    gsize	pad = 64 + 65536 - base - shift;
    test_pdf_t	spec = { .pages = 1, .width = 595, .height = 842, .no_count = true, .pad = pad };

    pdf_case(&spec, 1);
  }
}


/*
 * '/filter/pdf/options' - Raw application/pdf: copies, sides, number-up and
 * page-ranges apply; on vnd.cups-pdf (already laid out) only copies do, and
 * not even those when the PPD says cupsManualCopies.
 */

static void
test_pdf_options(void)
{
  g_autoptr(GBytes) data = testPDF(&(test_pdf_t){ .pages = 10, .width = 612, .height = 792 });
  run_t		raw = { .copies = "3", .content_type = "application/pdf",
                        .options = "media=na_letter_8.5x11in,tray-2 sides=two-sided-long-edge number-up=2 page-ranges=1-5,9-" };
  run_t		cooked = raw;

  run_filter(&raw, data);
  assert_passed(&raw, data);
  assert_totals(&raw, true, 7, 12, 6);		/* 7 pages, 4 sides x 3, 2 sheets x 3 */
  assert_media(&raw, 0, "na_letter_8.5x11in", "tray-2", 7, 12, 6);
  g_assert_cmpint(count_lines(&raw, "PAGE: total 12"), ==, 1);
  run_clear(&raw);

  cooked.content_type = "application/vnd.cups-pdf";
  run_filter(&cooked, data);
  assert_passed(&cooked, data);
  assert_totals(&cooked, true, 10, 30, 15);
  run_clear(&cooked);
}


/*
 * '/filter/ppd' - Defaults from the PPD: page size, input slot, duplex,
 * manual copies; job options override them.
 */

static void
test_ppd(void)
{
  static const char ppd_text[] =
    "*PPD-Adobe: \"4.3\"\n*FormatVersion: \"4.3\"\n*FileVersion: \"1.0\"\n*LanguageVersion: English\n"
    "*LanguageEncoding: ISOLatin1\n*PCFileName: \"VAULT.PPD\"\n*Manufacturer: \"Test\"\n*Product: \"(Test)\"\n"
    "*ModelName: \"Test\"\n*ShortNickName: \"Test\"\n*NickName: \"Test\"\n*PSVersion: \"(3010.000) 0\"\n"
    "*cupsManualCopies: True\n"
    "*OpenUI *PageSize/Media Size: PickOne\n*DefaultPageSize: Letter\n"
    "*PageSize Letter/US Letter: \"<</PageSize[612 792]>>setpagedevice\"\n"
    "*PageSize A4/A4: \"<</PageSize[595 842]>>setpagedevice\"\n*CloseUI: *PageSize\n"
    "*OpenUI *PageRegion: PickOne\n*DefaultPageRegion: Letter\n"
    "*PageRegion Letter/US Letter: \"<</PageSize[612 792]>>setpagedevice\"\n"
    "*PageRegion A4/A4: \"<</PageSize[595 842]>>setpagedevice\"\n*CloseUI: *PageRegion\n"
    "*DefaultImageableArea: Letter\n*ImageableArea Letter: \"0 0 612 792\"\n*ImageableArea A4: \"0 0 595 842\"\n"
    "*DefaultPaperDimension: Letter\n*PaperDimension Letter: \"612 792\"\n*PaperDimension A4: \"595 842\"\n"
    "*OpenUI *InputSlot/Source: PickOne\n*DefaultInputSlot: Tray2\n"
    "*InputSlot Tray1/Tray 1: \"<</MediaPosition 0>>setpagedevice\"\n"
    "*InputSlot Tray2/Tray 2: \"<</MediaPosition 1>>setpagedevice\"\n*CloseUI: *InputSlot\n"
    "*OpenUI *Duplex/2-Sided: PickOne\n*DefaultDuplex: DuplexNoTumble\n"
    "*Duplex None/Off: \"<</Duplex false>>setpagedevice\"\n"
    "*Duplex DuplexNoTumble/Long Edge: \"<</Duplex true/Tumble false>>setpagedevice\"\n*CloseUI: *Duplex\n";
  g_autofree char	*dir = g_dir_make_tmp("ppd-XXXXXX", NULL);
  g_autofree char	*ppd = g_build_filename(dir, "vault.ppd", NULL);
  g_autoptr(GBytes)	data = testPS(5, TEST_PS_DECLARED, false);
  run_t			run = { .copies = "4", .content_type = "application/vnd.cups-postscript", .ppd = ppd };

  g_assert_true(g_file_set_contents(ppd, ppd_text, -1, NULL));
  run_filter(&run, data);
  assert_passed(&run, data);
  assert_totals(&run, true, 5, 5, 3);		/* Manual copies: the data holds them */
  assert_media(&run, 0, "na_letter_8.5x11in", "tray-2", 5, 5, 3);
  run_clear(&run);

  run.options      = "PageSize=A4 InputSlot=Tray1 sides=one-sided";
  run.content_type = "application/postscript";
  run_filter(&run, data);
  assert_passed(&run, data);
  assert_totals(&run, true, 5, 20, 20);		/* Raw PostScript: the printer copies */
  assert_media(&run, 0, "iso_a4_210x297mm", "tray-1", 5, 20, 20);
  run_clear(&run);

  g_unlink(ppd);
  g_rmdir(dir);
}


/*
 * '/filter/ps' - DSC: declared, (atend), comments only with an embedded
 * document, no DSC at all.
 */

static void
test_ps(void)
{
  struct { test_ps_t mode; bool embedded; bool counted; guint64 pages; } cases[] =
  {
    { TEST_PS_DECLARED, false, true, 3 },
    { TEST_PS_ATEND, true, true, 3 },
    { TEST_PS_COMMENTS, true, true, 3 },
    { TEST_PS_NO_DSC, false, false, 0 }
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i ++)
  {
    g_autoptr(GBytes)	data = testPS(3, cases[i].mode, cases[i].embedded);
    run_t		run = { .copies = "2", .content_type = "application/postscript", .use_stdin = i % 2 };

    run_filter(&run, data);
    assert_passed(&run, data);
    assert_totals(&run, cases[i].counted, cases[i].pages, cases[i].pages * 2, cases[i].pages * 2);
    g_assert_cmpint(count_lines(&run, "PAGE: total"), ==, cases[i].counted ? 1 : 0);
    run_clear(&run);
  }
}


/*
 * '/filter/unknown' - Unknown data passes through, counts nothing, says so
 * exactly once; raster claimed by CONTENT_TYPE but not there is unknown too.
 */

static void
test_unknown(void)
{
  const char	*types[] = { "application/octet-stream", "application/vnd.cups-raster" };
  GString	*blob = g_string_new(NULL);

  testPDFContent(blob, 300000, 99);
  g_autoptr(GBytes) data = g_string_free_to_bytes(blob);

  for (guint i = 0; i < G_N_ELEMENTS(types); i ++)
  {
    g_autofree char *msg = g_strdup_printf("INFO: Not counting pages: unknown document format %s.", types[i]);
    run_t run = { .content_type = types[i], .use_stdin = true };

    run_filter(&run, data);
    assert_passed(&run, data);
    assert_totals(&run, false, 0, 0, 0);
    g_assert_cmpuint(run.record->media->len, ==, 0);
    g_assert_cmpint(count_lines(&run, "INFO: "), ==, 1);
    g_assert_cmpint(count_lines(&run, msg), ==, 1);
    g_assert_cmpint(count_lines(&run, "PAGE: "), ==, 0);
    run_clear(&run);
  }
}


/*
 * '/filter/usage' - Wrong arguments: exit 1, nothing recorded.
 */

static void
test_usage(void)
{
  g_autofree char	*path = filter_path();
  g_autofree char	*err = NULL;
  char			*argv[] = { path, "notanumber", "u", "t", "1", "", NULL };
  int			status;

  g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, NULL));
  g_assert_true(WIFEXITED(status));
  g_assert_cmpint(WEXITSTATUS(status), ==, 1);
  g_assert_nonnull(strstr(err, "Usage:"));
}


/*
 * The 200 MiB stream: a writer thread feeds the filter's stdin while the
 * test reads its stdout; both sides are hashed.
 */

#ifdef VAULT_TEST_SANITIZED
#  define BIG_RSS_KIB	(96 * 1024)	/* ASan's shadow memory and quarantine */
#else
#  define BIG_RSS_KIB	(16 * 1024)
#endif
#define BIG_PAGES	100
#define BIG_CONTENT	(2 * 1024 * 1024)

typedef struct big_s
{
  int		fd;		/* Filter's stdin */
  GChecksum	*sum;		/* Of what was written */
  guint64	bytes;
} big_t;

static void
big_write(big_t      *big,
          const char *data,
          gsize      length)
{
  g_checksum_update(big->sum, (const guchar *)data, (gssize)length);
  big->bytes += length;
  while (length > 0)
  {
    ssize_t n = write(big->fd, data, length);

    g_assert_cmpint(n, >, 0);
    data += n; length -= (gsize)n;
  }
}

static gpointer
big_writer(gpointer data)
{
  big_t		*big = data;
  GString	*chunk = g_string_new("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                                      "2 0 obj\n<< /Type /Pages /Kids [] /Count 100 >>\nendobj\n");

  big_write(big, chunk->str, chunk->len);
  for (int p = 0; p < BIG_PAGES; p ++)
  {
    g_string_printf(chunk, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /Contents %d 0 R >>\nendobj\n"
                    "%d 0 obj\n<< /Length %d >>\nstream\n", 3 + 2 * p, 4 + 2 * p, 4 + 2 * p, BIG_CONTENT);
    testPDFContent(chunk, BIG_CONTENT, (guint32)p + 7);
    g_string_append(chunk, "\nendstream\nendobj\n");
    big_write(big, chunk->str, chunk->len);
  }
  g_string_assign(chunk, "trailer\n<< /Root 1 0 R >>\n%%EOF\n");
  big_write(big, chunk->str, chunk->len);
  g_string_free(chunk, TRUE);
  close(big->fd);

  return (NULL);
}


/*
 * '/filter/pdf/200mib' - A 200 MiB PDF stream passes byte for byte with
 * the filter's peak RSS under 16 MiB.
 */

static void
test_pdf_big(void)
{
  g_autofree char	*dir = g_dir_make_tmp("big-XXXXXX", NULL);
  g_autofree char	*counts = g_build_filename(dir, "vault-account-42.counts", NULL);
  g_autoptr(GChecksum)	out_sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_autoptr(vault_account_record_t) rec = NULL;
  big_t			big = { .sum = g_checksum_new(G_CHECKSUM_SHA256) };
  run_t			run = { .content_type = "application/pdf" };
  int			in[2], out[2], devnull = open("/dev/null", O_WRONLY), status;
  guchar		buf[65536];
  guint64		out_bytes = 0;
  ssize_t		n;
  struct rusage		ru, all;
  GThread		*writer;
  pid_t			pid;

  g_assert_true(g_unix_open_pipe(in, FD_CLOEXEC, NULL));
  g_assert_true(g_unix_open_pipe(out, FD_CLOEXEC, NULL));
  pid = spawn_filter(&run, in[0], out[1], devnull, dir);
  close(in[0]); close(out[1]); close(devnull);

  big.fd = in[1];
  writer = g_thread_new("big-writer", big_writer, &big);
  while ((n = read(out[0], buf, sizeof(buf))) > 0)
  {
    g_checksum_update(out_sum, buf, n);
    out_bytes += (guint64)n;
  }
  close(out[0]);
  g_thread_join(writer);

  g_assert_cmpint(wait4(pid, &status, 0, &ru), ==, pid);
  g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  g_assert_cmpuint(big.bytes, >, 200 * 1024 * 1024);
  g_assert_cmpuint(out_bytes, ==, big.bytes);
  g_assert_cmpstr(g_checksum_get_string(out_sum), ==, g_checksum_get_string(big.sum));
  g_assert_cmpint(getrusage(RUSAGE_CHILDREN, &all), ==, 0);
  g_test_message("filter peak RSS %ld KiB, all children %ld KiB", ru.ru_maxrss, all.ru_maxrss);
  g_assert_cmpint(ru.ru_maxrss, <, BIG_RSS_KIB);
  g_assert_cmpint(all.ru_maxrss, <, BIG_RSS_KIB);

  rec = vaultAccountRecordRead(counts, NULL);
  g_assert_nonnull(rec);
  g_assert_true(rec->counted);
  g_assert_cmpuint(rec->pages, ==, BIG_PAGES);
  g_checksum_free(big.sum);
  g_unlink(counts);
  g_rmdir(dir);
}


/*
 * 'main()' - Run the tests.
 */

int
main(int  argc,
     char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  signal(SIGPIPE, SIG_IGN);

  g_test_add_func("/filter/record/roundtrip", test_record_roundtrip);
  g_test_add_func("/filter/raster/cups", test_raster_cups);
  g_test_add_func("/filter/raster/cups-compressed", test_raster_compressed);
  g_test_add_func("/filter/raster/pwg-mixed", test_raster_pwg);
  g_test_add_func("/filter/raster/truncated", test_raster_truncated);
  g_test_add_func("/filter/pdf/spellings", test_pdf_spellings);
  g_test_add_func("/filter/pdf/boundaries", test_pdf_boundaries);
  g_test_add_func("/filter/pdf/options", test_pdf_options);
  g_test_add_func("/filter/ppd", test_ppd);
  g_test_add_func("/filter/ps", test_ps);
  g_test_add_func("/filter/unknown", test_unknown);
  g_test_add_func("/filter/usage", test_usage);
  g_test_add_func("/filter/pdf/200mib", test_pdf_big);

  return (g_test_run());
}
