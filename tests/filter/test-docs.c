/*
 * Test document generators for the accounting filter's tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Raster streams are written with libcups' own writer (cupsRasterOpenIO in
 * the CUPS, compressed CUPS and PWG modes), so the filter is checked against
 * what real rasterizers emit.  PDFs are written by hand, object by object
 * with a correct xref table, in the spellings real writers use.
 */

#include "test-docs.h"

#include <string.h>
#include <gio/gio.h>
#include <cups/pwg.h>


/*
 * 'raster_write_cb()' - libcups raster writer callback appending to a GByteArray.
 */

static ssize_t
raster_write_cb(void          *ctx,
                unsigned char *buffer,
                size_t        length)
{
  g_byte_array_append((GByteArray *)ctx, buffer, (guint)length);

  return ((ssize_t)length);
}


/*
 * 'testRaster()' - A raster stream of num_pages pages at 36 dpi.
 */

GBytes *
testRaster(cups_mode_t              mode,
           const test_raster_page_t *pages,
           int                      num_pages)
{
  GByteArray		*out = g_byte_array_new();
  cups_raster_t		*ras = cupsRasterOpenIO(raster_write_cb, out, mode);
  cups_page_header2_t	h;

  g_assert_nonnull(ras);
  for (int p = 0; p < num_pages; p ++)
  {
    pwg_media_t *media = pwgMediaForPWG(pages[p].media);

    g_assert_nonnull(media);
    g_assert_true(cupsRasterInitPWGHeader(&h, media, "black_1", 36, 36,
                                          pages[p].duplex ? "two-sided-long-edge" : "one-sided", NULL));
    h.NumCopies     = pages[p].copies;
    h.MediaPosition = pages[p].position;
    if (!pages[p].size_name)
      h.cupsPageSizeName[0] = '\0';
    g_assert_true(cupsRasterWriteHeader2(ras, &h));

    g_autofree unsigned char *line = g_malloc(h.cupsBytesPerLine);
    for (unsigned y = 0; y < h.cupsHeight; y ++)
    {
      for (unsigned x = 0; x < h.cupsBytesPerLine; x ++)
        line[x] = (unsigned char)((x / 5 + y / 3 + (unsigned)p) & 0xff);
      g_assert_cmpuint(cupsRasterWritePixels(ras, line, h.cupsBytesPerLine), ==, h.cupsBytesPerLine);
    }
  }
  cupsRasterClose(ras);

  return (g_byte_array_free_to_bytes(out));
}


/*
 * 'testPDFContent()' - Append length bytes of a page content stream: drawing
 *                      operators then pseudo-random binary bytes.
 */

void
testPDFContent(GString *out,
               size_t  length,
               guint32 seed)
{
  static const char ops[] = "0 0 m 100 100 l S\n";
  guint32 x = seed | 1;

  if (length >= sizeof(ops) - 1)
  {
    g_string_append(out, ops);
    length -= sizeof(ops) - 1;
  }
  while (length -- > 0)
  {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    g_string_append_c(out, (char)(x & 0xff));
  }
}


/*
 * 'pdf_obj()' - Start object num, recording its offset.
 */

static void
pdf_obj(GString *out,
        GArray  *offsets,
        int     num)
{
  gsize off = out->len;

  if ((guint)num >= offsets->len)
    g_array_set_size(offsets, (guint)num + 1);
  g_array_index(offsets, gsize, num) = off;
  g_string_append_printf(out, "%d 0 obj\n", num);
}


/*
 * 'pdf_page_dict()', 'pdf_pages_dict()' - A page's dictionary and the root
 *                  /Pages dictionary as text, without obj/endobj.
 */

static char *
pdf_page_dict(const test_pdf_t *spec,
              int              page)
{
  int contents = 3 + spec->pages + page;

  if (spec->compact)
    return (g_strdup_printf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 %d %d]/Contents %d 0 R>>",
                            spec->width, spec->height, contents));

  return (g_strdup_printf("<<\n  /Type /Page\n  /Parent 2 0 R\n  /MediaBox [0 0 %d %d]\n  /Contents %d 0 R\n>>",
                          spec->width, spec->height, contents));
}

static char *
pdf_pages_dict(const test_pdf_t *spec)
{
  GString *kids = g_string_new(NULL);
  char *dict;

  for (int p = 0; p < spec->pages; p ++)
    g_string_append_printf(kids, "%d 0 R ", 3 + p);

  if (spec->no_count)
    dict = g_strdup_printf("<< /Type /Pages /Kids [%s] >>", kids->str);
  else if (spec->compact)
    dict = g_strdup_printf("<</Kids[%s]/Count %d/Type/Pages>>", kids->str, spec->pages);
  else
    dict = g_strdup_printf("<< /Type /Pages /Kids [%s] /Count %d >>", kids->str, spec->pages);
  g_string_free(kids, TRUE);

  return (dict);
}


/*
 * 'deflate_bytes()' - zlib-compress a buffer.
 */

static GBytes *
deflate_bytes(const char *data,
              gsize      length)
{
  GConverter	*z = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9));
  gsize		cap = length + 1024, nread = 0, nwritten = 0;
  char		*buf = g_malloc(cap);

  g_assert_cmpint(g_converter_convert(z, data, length, buf, cap, G_CONVERTER_INPUT_AT_END,
                                      &nread, &nwritten, NULL), ==, G_CONVERTER_FINISHED);
  g_assert_cmpuint(nread, ==, length);
  g_object_unref(z);

  return (g_bytes_new_take(buf, nwritten));
}


/*
 * 'pdf_tree_objstm()' - Objects 2.. (page tree) inside object stream 100.
 */

static void
pdf_tree_objstm(GString          *out,
                GArray           *offsets,
                const test_pdf_t *spec)
{
  GString	*index = g_string_new(NULL), *body = g_string_new(NULL);
  GBytes	*z;
  char		*dict;

  for (int num = 2; num < 3 + spec->pages; num ++)
  {
    dict = num == 2 ? pdf_pages_dict(spec) : pdf_page_dict(spec, num - 3);
    g_string_append_printf(index, "%d %u ", num, (unsigned)body->len);
    g_string_append_printf(body, "%s\n", dict);
    g_free(dict);
  }

  g_string_append_c(index, '\n');
  g_string_prepend(body, index->str);
  z = deflate_bytes(body->str, body->len);

  pdf_obj(out, offsets, 3 + 2 * spec->pages);
  g_string_append_printf(out, "<< /Type /ObjStm /N %d /First %u /Filter /FlateDecode /Length %u >>\nstream\n",
                         spec->pages + 1, (unsigned)index->len, (unsigned)g_bytes_get_size(z));
  g_string_append_len(out, g_bytes_get_data(z, NULL), (gssize)g_bytes_get_size(z));
  g_string_append(out, "\nendstream\nendobj\n");

  g_bytes_unref(z);
  g_string_free(index, TRUE);
  g_string_free(body, TRUE);
}


/*
 * 'pdf_xref()' - Cross-reference table, trailer and %%EOF.
 */

static void
pdf_xref(GString *out,
         GArray  *offsets,
         gsize   prev)
{
  gsize start = out->len;

  g_string_append_printf(out, "xref\n0 %u\n0000000000 65535 f \n", offsets->len);
  for (guint i = 1; i < offsets->len; i ++)
    g_string_append_printf(out, "%010lu 00000 n \n", (unsigned long)g_array_index(offsets, gsize, i));
  g_string_append_printf(out, "trailer\n<< /Size %u /Root 1 0 R", offsets->len);
  if (prev)
    g_string_append_printf(out, " /Prev %lu", (unsigned long)prev);
  g_string_append_printf(out, " >>\nstartxref\n%lu\n%%%%EOF\n", (unsigned long)start);
}


/*
 * 'pdf_decoys()' - "/Type /Page" where it is no page: in a string, a
 *                  comment and an uncompressed stream.
 */

static void
pdf_decoys(GString *out,
           GArray  *offsets,
           int     num)
{
  static const char stream[] = "BT (/Type /Page) Tj ET /Type /Page\n";

  pdf_obj(out, offsets, num);
  g_string_append(out, "<< /Title (a \\) /Type /Page (nested /Type /Page) ) /Note <2F54797065> >>\n"
                       "% /Type /Page in a comment\nendobj\n");
  pdf_obj(out, offsets, num + 1);
  g_string_append_printf(out, "<< /Length %u >>\nstream\r\n%sendstream\nendobj\n",
                         (unsigned)(sizeof(stream) - 1), stream);
}


/*
 * 'testPDF()' - A PDF document as spec describes.
 */

GBytes *
testPDF(const test_pdf_t *spec)
{
  GString	*out = g_string_new("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  GArray	*offsets = g_array_new(FALSE, TRUE, sizeof(gsize));
  char		*dict;
  gsize		first_xref;

  pdf_obj(out, offsets, 1);
  g_string_append(out, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");

  if (spec->pad)
  {
    g_string_append_c(out, '%');
    for (gsize i = 1; i < spec->pad; i ++)
      g_string_append_c(out, i + 1 == spec->pad ? '\n' : 'x');
  }

  if (spec->objstm)
    pdf_tree_objstm(out, offsets, spec);
  else
  {
    for (int num = 2; num < 3 + spec->pages; num ++)
    {
      dict = num == 2 ? pdf_pages_dict(spec) : pdf_page_dict(spec, num - 3);
      pdf_obj(out, offsets, num);
      g_string_append_printf(out, "%s\nendobj\n", dict);
      g_free(dict);
    }
  }

  for (int p = 0; p < spec->pages; p ++)
  {
    GString *content = g_string_new(NULL);

    testPDFContent(content, spec->content, (guint32)p + 1);
    pdf_obj(out, offsets, 3 + spec->pages + p);
    g_string_append_printf(out, "<< /Length %u >>\nstream\n", (unsigned)content->len);
    g_string_append_len(out, content->str, (gssize)content->len);
    g_string_append(out, "\nendstream\nendobj\n");
    g_string_free(content, TRUE);
  }

  if (spec->decoys)
    pdf_decoys(out, offsets, 4 + 2 * spec->pages);

  first_xref = out->len;
  pdf_xref(out, offsets, 0);

  if (spec->incremental)
  {
    g_array_set_size(offsets, 4);
    dict = pdf_page_dict(spec, 0);
    pdf_obj(out, offsets, 3);
    g_string_append_printf(out, "%s\nendobj\n", dict);
    g_free(dict);
    pdf_xref(out, offsets, first_xref);
  }

  g_array_unref(offsets);

  return (g_string_free_to_bytes(out));
}


/*
 * 'testPS()' - A PostScript document with pages pages.
 */

GBytes *
testPS(int       pages,
       test_ps_t mode,
       bool      embedded)
{
  GString *out = g_string_new(mode == TEST_PS_NO_DSC ? "%!\n" : "%!PS-Adobe-3.0\n");

  if (mode == TEST_PS_DECLARED)
    g_string_append_printf(out, "%%%%Pages: %d\n", pages);
  else if (mode == TEST_PS_ATEND)
    g_string_append(out, "%%Pages: (atend)\n");
  if (mode != TEST_PS_NO_DSC)
    g_string_append(out, "%%EndComments\r\n");

  for (int p = 1; p <= pages; p ++)
  {
    if (mode != TEST_PS_NO_DSC)
      g_string_append_printf(out, "%%%%Page: %d %d\n", p, p);
    g_string_append(out, "newpath 72 72 moveto 200 200 lineto stroke\n");
    if (embedded && p == 1)
      g_string_append(out, "%%BeginDocument: inner.eps\n%!PS-Adobe-3.0 EPSF-3.0\n%%Pages: 9\n"
                           "%%Page: 1 1\n%%Page: 2 2\n%%EndDocument\n");
    g_string_append(out, "showpage\n");
  }

  if (mode != TEST_PS_NO_DSC)
    g_string_append(out, "%%Trailer\n");
  if (mode == TEST_PS_ATEND)
    g_string_append_printf(out, "%%%%Pages: %d\n", pages);
  if (mode != TEST_PS_NO_DSC)
    g_string_append(out, "%%EOF\n");

  return (g_string_free_to_bytes(out));
}
