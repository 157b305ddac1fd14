/*
 * Test document generators for the accounting filter's tests: CUPS and PWG
 * raster through libcups, small PDFs in several spellings, DSC PostScript.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULT_TEST_DOCS_H
#define VAULT_TEST_DOCS_H

#include <stdbool.h>
#include <glib.h>
#include <cups/raster.h>

G_BEGIN_DECLS

typedef struct test_raster_page_s
{
  const char	*media;		/* PWG media name */
  bool		size_name;	/* Put the name in cupsPageSizeName (else only PageSize) */
  bool		duplex;		/* Duplex field */
  unsigned	copies;		/* NumCopies field */
  unsigned	position;	/* MediaPosition field */
} test_raster_page_t;

typedef struct test_pdf_s
{
  int		pages;		/* Number of pages */
  int		width, height;	/* MediaBox in points */
  bool		compact;	/* "/Type/Page" with no spaces */
  bool		no_count;	/* Root /Pages without /Count */
  bool		objstm;		/* Page tree in a Flate-compressed object stream */
  bool		decoys;		/* "/Type /Page" in strings, comments, a stream */
  bool		incremental;	/* An update re-writes page 1 (one more /Type /Page) */
  size_t	pad;		/* Bytes of comment before the first page object */
  size_t	content;	/* Bytes of each page's content stream */
} test_pdf_t;

typedef enum test_ps_e
{
  TEST_PS_DECLARED,		/* %%Pages: N in the header */
  TEST_PS_ATEND,		/* %%Pages: (atend), N in the trailer */
  TEST_PS_COMMENTS,		/* Only %%Page: comments */
  TEST_PS_NO_DSC		/* No DSC at all */
} test_ps_t;

extern GBytes	*testRaster(cups_mode_t mode, const test_raster_page_t *pages, int num_pages);
extern GBytes	*testPDF(const test_pdf_t *spec);
extern GBytes	*testPS(int pages, test_ps_t mode, bool embedded);
extern void	testPDFContent(GString *out, size_t length, guint32 seed);

G_END_DECLS

#endif /* !VAULT_TEST_DOCS_H */
