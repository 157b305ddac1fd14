/*
 * Counting PDF pages in one streaming pass, without a PDF parser.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A small lexer walks the bytes once, one state at a time, so a token cut
 * by a buffer boundary simply continues in the next buffer: the only
 * memory kept is the current token (at most TOKEN_MAX bytes) and the
 * object being looked at.  Strings, comments and stream bodies are skipped.
 * Two numbers come out:
 *  - the /Count of the last root page tree node (/Type /Pages without a
 *    /Parent): authoritative, and right even after incremental updates;
 *  - the number of /Type /Page objects: the fallback.
 * Compressed object streams (/Type /ObjStm /Filter /FlateDecode) are
 * inflated on the fly and lexed the same way, since PDF 1.5 writers put the
 * page objects there.
 */

#include "account.h"

#include <string.h>
#include <gio/gio.h>

#define TOKEN_MAX	32	/* Longer names and keywords are none we look for */


/*
 * Lexer states.
 */

typedef enum pdf_state_e
{
  PDF_NORMAL,			/* Between tokens */
  PDF_NAME,			/* In a /Name */
  PDF_REGULAR,			/* In a number or keyword */
  PDF_COMMENT,			/* In a % comment */
  PDF_STRING,			/* In a (literal string) */
  PDF_HEX,			/* In a <hex string> */
  PDF_LT,			/* After '<': dictionary or hex string */
  PDF_GT,			/* After '>': end of dictionary */
  PDF_STREAM_EOL,		/* After "stream", before the body's EOL */
  PDF_STREAM			/* In a stream body, looking for "endstream" */
} pdf_state_t;

typedef struct pdf_counts_s
{
  guint64	type_page;		/* /Type /Page objects */
  gint64	root_count;		/* /Count of the last root /Pages, -1 if none */
} pdf_counts_t;

typedef struct pdf_lex_s pdf_lex_t;

struct pdf_lex_s
{
  pdf_counts_t	*counts;		/* Where findings go */
  bool		in_objstm;		/* Lexing an inflated object stream */
  pdf_state_t	state;
  char		token[TOKEN_MAX + 1];	/* Current name or regular token */
  size_t	token_len;
  int		string_depth;		/* Parentheses open in a literal string */
  bool		string_escape;		/* Last string byte was a backslash */
  int		dict_depth;		/* << >> nesting */
  bool		after_type,		/* Last token was /Type */
		expect_count;		/* Last token was /Count */
  bool		is_pages, has_parent;	/* Dictionary being read */
  gint64	count;
  bool		is_objstm, flate,	/* Object being read (until its stream) */
		has_parms;
  unsigned	match;			/* Bytes of "endstream" matched */
  GConverter	*inflater;		/* Object stream being inflated */
  pdf_lex_t	*sub;			/* Lexer for the inflated bytes */
};

static const char	endstream[] = "endstream";
static const unsigned	endstream_fail[] = { 0, 0, 0, 0, 0, 0, 1, 0, 0 };

static void	pdf_feed(pdf_lex_t *lex, const unsigned char *data, size_t length);


/*
 * 'pdf_lex_new()' - A lexer that adds to counts.
 */

static pdf_lex_t *
pdf_lex_new(pdf_counts_t *counts,
            bool         in_objstm)
{
  pdf_lex_t *lex = g_new0(pdf_lex_t, 1);

  lex->counts    = counts;
  lex->in_objstm = in_objstm;
  lex->count     = -1;

  return (lex);
}


/*
 * 'pdf_lex_free()' - Free a lexer and any object stream it was inflating.
 */

static void
pdf_lex_free(pdf_lex_t *lex)
{
  if (!lex)
    return;

  g_clear_object(&lex->inflater);
  pdf_lex_free(lex->sub);
  g_free(lex);
}


/*
 * 'is_delimiter()' - PDF whitespace or delimiter (ISO 32000 7.2.2).
 */

static bool
is_delimiter(unsigned char c)
{
  return (strchr(" \t\r\n\f()<>[]{}/%", c) != NULL || c == '\0');
}


/*
 * 'dict_end()' - A top-level dictionary closed: was it the root /Pages?
 */

static void
dict_end(pdf_lex_t *lex)
{
  if (lex->is_pages && !lex->has_parent && lex->count >= 0)
    lex->counts->root_count = lex->count;

  lex->is_pages   = lex->has_parent = false;
  lex->count      = -1;
}


/*
 * 'stream_begin()' - "stream": skip its body, inflating object streams.
 */

static void
stream_begin(pdf_lex_t *lex)
{
  lex->state = PDF_STREAM_EOL;
  lex->match = 0;

  if (lex->in_objstm || !lex->is_objstm || !lex->flate || lex->has_parms)
    return;

  lex->inflater = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
  lex->sub      = pdf_lex_new(lex->counts, true);
}


/*
 * 'name_token()' - A complete /Name.
 */

static void
name_token(pdf_lex_t  *lex,
           const char *name)
{
  if (lex->after_type)
  {
    if (!strcmp(name, "Page"))
      lex->counts->type_page ++;
    else if (!strcmp(name, "Pages"))
      lex->is_pages = true;
    else if (!strcmp(name, "ObjStm"))
      lex->is_objstm = true;
  }
  else if (!strcmp(name, "Parent"))
    lex->has_parent = true;
  else if (!strcmp(name, "FlateDecode"))
    lex->flate = true;
  else if (!strcmp(name, "DecodeParms"))
    lex->has_parms = true;

  lex->after_type   = !strcmp(name, "Type");
  lex->expect_count = !strcmp(name, "Count");
}


/*
 * 'regular_token()' - A complete number or keyword.
 */

static void
regular_token(pdf_lex_t  *lex,
              const char *token)
{
  if (lex->expect_count)
  {
    char	*end;
    gint64	value = g_ascii_strtoll(token, &end, 10);

    if (*end == '\0' && end != token)
      lex->count = value;
  }
  else if (!strcmp(token, "obj"))
  {
    lex->is_objstm = lex->flate = lex->has_parms = false;
    lex->dict_depth = 0;
  }
  else if (!strcmp(token, "stream") && !lex->in_objstm)
    stream_begin(lex);

  lex->after_type = lex->expect_count = false;
}


/*
 * 'token_end()' - The current name or regular token is complete.
 */

static void
token_end(pdf_lex_t *lex)
{
  lex->token[lex->token_len] = '\0';

  if (lex->state == PDF_NAME)
    name_token(lex, lex->token);
  else
    regular_token(lex, lex->token);

  lex->token_len = 0;
  if (lex->state == PDF_NAME || lex->state == PDF_REGULAR)
    lex->state = PDF_NORMAL;
}


/*
 * 'normal_byte()' - A byte between tokens: what starts here?
 */

static void
normal_byte(pdf_lex_t     *lex,
            unsigned char c)
{
  switch (c)
  {
    case '/' : lex->state = PDF_NAME; break;
    case '%' : lex->state = PDF_COMMENT; break;
    case '(' : lex->state = PDF_STRING; lex->string_depth = 1; lex->string_escape = false; break;
    case '<' : lex->state = PDF_LT; break;
    case '>' : lex->state = PDF_GT; break;
    case '[' : case ']' : case '{' : case '}' :
        lex->after_type = lex->expect_count = false;
        break;
    default :
        if (is_delimiter(c))
          break;
        lex->state        = PDF_REGULAR;
        lex->token[0]     = (char)c;
        lex->token_len    = 1;
        break;
  }
}


/*
 * 'string_byte()' - A byte inside a literal string.
 */

static void
string_byte(pdf_lex_t     *lex,
            unsigned char c)
{
  if (lex->string_escape)
    lex->string_escape = false;
  else if (c == '\\')
    lex->string_escape = true;
  else if (c == '(')
    lex->string_depth ++;
  else if (c == ')' && -- lex->string_depth == 0)
  {
    lex->state      = PDF_NORMAL;
    lex->after_type = lex->expect_count = false;
  }
}


/*
 * 'angle_byte()' - A byte after '<' or '>'.
 */

static void
angle_byte(pdf_lex_t     *lex,
           unsigned char c)
{
  bool opening = lex->state == PDF_LT;

  lex->state      = PDF_NORMAL;
  lex->after_type = lex->expect_count = false;

  if (opening && c == '<')
    lex->dict_depth ++;
  else if (opening)
    lex->state = c == '>' ? PDF_NORMAL : PDF_HEX;
  else if (c == '>' && lex->dict_depth > 0 && -- lex->dict_depth == 0)
    dict_end(lex);
}


/*
 * 'pdf_byte()' - Lex one byte outside stream bodies.
 */

static void
pdf_byte(pdf_lex_t     *lex,
         unsigned char c)
{
  switch (lex->state)
  {
    case PDF_NAME :
    case PDF_REGULAR :
        if (!is_delimiter(c))
        {
          if (lex->token_len < TOKEN_MAX)
            lex->token[lex->token_len ++] = (char)c;
          return;
        }
        token_end(lex);
        if (lex->state == PDF_NORMAL)
          normal_byte(lex, c);
        else if (lex->state == PDF_STREAM_EOL && c == '\n')
          lex->state = PDF_STREAM;
        break;
    case PDF_NORMAL :  normal_byte(lex, c); break;
    case PDF_COMMENT : if (c == '\r' || c == '\n') lex->state = PDF_NORMAL; break;
    case PDF_STRING :  string_byte(lex, c); break;
    case PDF_HEX :     if (c == '>') lex->state = PDF_NORMAL; break;
    case PDF_LT :
    case PDF_GT :      angle_byte(lex, c); break;
    case PDF_STREAM_EOL :
        lex->state = PDF_STREAM;
        if (c != '\r' && c != '\n')
          pdf_feed(lex, &c, 1);
        break;
    case PDF_STREAM :  break;		/* Handled by stream_span */
  }
}


/*
 * 'inflate_span()' - Inflate object stream bytes and lex what comes out.
 *
 * Bytes after the end of the compressed data (the "endstream" keyword
 * itself) are ignored; a corrupt stream just stops being inflated.
 */

static void
inflate_span(pdf_lex_t           *lex,
             const unsigned char *data,
             size_t              length)
{
  unsigned char		out[16384];
  gsize			nread, nwritten;
  GConverterResult	result;

  while (lex->inflater && length > 0)
  {
    result = g_converter_convert(lex->inflater, data, length, out, sizeof(out),
                                 G_CONVERTER_NO_FLAGS, &nread, &nwritten, NULL);
    if (result == G_CONVERTER_ERROR || (nread == 0 && nwritten == 0))
      break;

    pdf_feed(lex->sub, out, nwritten);
    data   += nread;
    length -= nread;

    if (result == G_CONVERTER_FINISHED)
      g_clear_object(&lex->inflater);
  }
}


/*
 * 'stream_span()' - Consume stream body bytes up to and including
 *                   "endstream"; returns how many were consumed.
 */

static size_t
stream_span(pdf_lex_t           *lex,
            const unsigned char *data,
            size_t              length)
{
  size_t i;

  for (i = 0; i < length && lex->match < sizeof(endstream) - 1; i ++)
  {
    while (lex->match > 0 && data[i] != (unsigned char)endstream[lex->match])
      lex->match = endstream_fail[lex->match - 1];
    if (data[i] == (unsigned char)endstream[lex->match])
      lex->match ++;
  }

  inflate_span(lex, data, i);

  if (lex->match == sizeof(endstream) - 1)
  {
    lex->state     = PDF_NORMAL;
    lex->match     = 0;
    lex->is_objstm = lex->flate = lex->has_parms = false;
    g_clear_object(&lex->inflater);
    g_clear_pointer(&lex->sub, pdf_lex_free);
  }

  return (i);
}


/*
 * 'pdf_feed()' - Lex a block of bytes.
 */

static void
pdf_feed(pdf_lex_t           *lex,
         const unsigned char *data,
         size_t              length)
{
  size_t i = 0;

  while (i < length)
  {
    if (lex->state == PDF_STREAM)
      i += stream_span(lex, data + i, length - i);
    else
      pdf_byte(lex, data[i ++]);
  }
}


/*
 * 'vaultCountPDF()' - Count a PDF document.
 *
 * Returns false on an I/O error or when no page was found at all.
 */

bool
vaultCountPDF(vault_pass_t          *pass,
              const vault_options_t *opts,
              vault_tally_t         *tally)
{
  unsigned char	buffer[65536];
  pdf_counts_t	counts = { 0, -1 };
  pdf_lex_t	*lex = pdf_lex_new(&counts, false);
  ssize_t	n;
  guint64	pages, before = tally->record->impressions;

  while ((n = vaultPassRead(pass, buffer, sizeof(buffer))) > 0)
    pdf_feed(lex, buffer, (size_t)n);
  pdf_lex_free(lex);

  if (n < 0)
    return (false);

  vaultLog("DEBUG", "vault-account: PDF root /Count %" G_GINT64_FORMAT ", /Type /Page objects %" G_GUINT64_FORMAT ".",
           counts.root_count, counts.type_page);

  if (counts.root_count < 0 && counts.type_page == 0)
  {
    vaultLog("INFO", "Not counting pages: no pages found in the PDF document.");
    return (false);
  }

  pages = counts.root_count >= 0 ? (guint64)counts.root_count : counts.type_page;
  vaultTallyAddDocument(tally, opts, pages);
  vaultLog("PAGE", "total %" G_GUINT64_FORMAT, tally->record->impressions - before);

  return (true);
}
