/*
 * Unit tests of the vault backend's argv, option and device URI parsing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "backend.h"

#include <stdlib.h>
#include <string.h>


/*
 * 'test_uri_plain()' - A plain inner URI splits into scheme and URI.
 */

static void
test_uri_plain(void)
{
  backend_uri_t	uri;
  GError	*error = NULL;

  g_assert_true(backendUriParse("vault:/ipp://127.0.0.1:8631/ipp/print?waitjob=false", &uri, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(uri.scheme, ==, "ipp");
  g_assert_cmpstr(uri.full, ==, "ipp://127.0.0.1:8631/ipp/print?waitjob=false");
  g_assert_cmpstr(uri.sanitized, ==, uri.full);
  backendUriClear(&uri);
  g_assert_null(uri.full);

  g_assert_true(backendUriParse("vault:///socket://127.0.0.1:9100", &uri, &error));
  g_assert_cmpstr(uri.scheme, ==, "socket");
  g_assert_cmpstr(uri.full, ==, "socket://127.0.0.1:9100");
  backendUriClear(&uri);

  g_assert_true(backendUriParse("VAULT:/IPPS://printer.example/ipp/print", &uri, &error));
  g_assert_cmpstr(uri.scheme, ==, "ipps");
  backendUriClear(&uri);

  g_assert_true(backendUriParse("vault:/usb://HP/LaserJet%20P2015?serial=00CNBW4", &uri, &error));
  g_assert_cmpstr(uri.scheme, ==, "usb");
  g_assert_cmpstr(uri.sanitized, ==, "usb://HP/LaserJet%20P2015?serial=00CNBW4");
  backendUriClear(&uri);
}


/*
 * 'test_uri_credentials()' - user:pass stays only in the full URI.
 */

static void
test_uri_credentials(void)
{
  backend_uri_t	uri;
  GError	*error = NULL;

  g_assert_true(backendUriParse("vault:/ipps://alice:s3cret@127.0.0.1:631/printers/x", &uri, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(uri.full, ==, "ipps://alice:s3cret@127.0.0.1:631/printers/x");
  g_assert_cmpstr(uri.sanitized, ==, "ipps://127.0.0.1:631/printers/x");
  g_assert_null(strstr(uri.sanitized, "s3cret"));
  backendUriClear(&uri);
}


/*
 * 'test_uri_sanitize()' - Only the authority's userinfo is removed.
 */

static void
test_uri_sanitize(void)
{
  static const char * const cases[][2] =
  {
    { "socket://127.0.0.1:9100", "socket://127.0.0.1:9100" },
    { "smb://dom;u:p@ss@server/share", "smb://server/share" },
    { "lpd://bob@127.0.0.1/queue", "lpd://127.0.0.1/queue" },
    { "ipp://127.0.0.1/path@not-a-user", "ipp://127.0.0.1/path@not-a-user" },
    { "ipp://127.0.0.1?x=a@b", "ipp://127.0.0.1?x=a@b" },
    { "file:/dev/null", "file:/dev/null" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i ++)
  {
    char *s = backendUriSanitize(cases[i][0]);

    g_assert_cmpstr(s, ==, cases[i][1]);
    g_free(s);
  }
}


/*
 * 'test_uri_bad()' - Malformed URIs fail with BACKEND_ERROR_URI and never echo the URI.
 */

static void
test_uri_bad(void)
{
  static const char * const bad[] =
  {
    "ipp://127.0.0.1/ipp/print",		/* Not vault: */
    "vault:",
    "vault:/",
    "vault:/no-scheme-here",
    "vault:/:nothing",
    "vault:/../../bin/sh:x",			/* Path in the scheme */
    "vault:/ip p://u:secret@h/",		/* Space */
    "vault:/ipp://u:secret@h/\nERROR: forged",	/* Control character */
    "vault:/vault:/ipp://127.0.0.1/",		/* Loop */
    "vault:/9ipp://127.0.0.1/",
  };

  for (gsize i = 0; i < G_N_ELEMENTS(bad); i ++)
  {
    backend_uri_t	uri;
    GError		*error = NULL;

    g_assert_false(backendUriParse(bad[i], &uri, &error));
    g_assert_error(error, BACKEND_ERROR, BACKEND_ERROR_URI);
    g_assert_null(strstr(error->message, "secret"));
    g_assert_null(uri.full);
    g_clear_error(&error);
  }

  {
    backend_uri_t	uri;
    GError		*error = NULL;

    g_assert_false(backendUriParse(NULL, &uri, &error));
    g_assert_error(error, BACKEND_ERROR, BACKEND_ERROR_URI);
    g_clear_error(&error);
  }
}


/*
 * 'test_job_parse()' - Identity from argv, argv[5], $PRINTER and $CLASS.
 */

static void
test_job_parse(void)
{
  char		*argv[] =
  {
    "vault:/ipp://127.0.0.1/ipp/print", "42", "alice", "Cheque 0001", "2",
    "job-uuid=urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab time-at-creation=1764000000 "
    "job-originating-host-name=10.0.0.7 job-password=hunter2 job-priority=70 media=a4",
    "/var/spool/cups/d00042-001", NULL
  };
  backend_job_t	bj;
  GError	*error = NULL;

  g_setenv("PRINTER", "cheques", TRUE);
  g_setenv("CONTENT_TYPE", "application/pdf", TRUE);
  g_setenv("FINAL_CONTENT_TYPE", "application/vnd.cups-pdf", TRUE);

  g_assert_true(backendJobParse(&bj, 6, argv, "ipp://127.0.0.1/ipp/print", &error));
  g_assert_no_error(error);
  g_assert_cmpstr(bj.job.uuid, ==, "urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab");
  g_assert_cmpint(bj.job.created, ==, 1764000000);
  g_assert_cmpint(bj.job.job_id, ==, 42);
  g_assert_cmpstr(bj.job.queue, ==, "cheques");
  g_assert_cmpstr(bj.job.user, ==, "alice");
  g_assert_cmpstr(bj.job.host, ==, "10.0.0.7");
  g_assert_cmpstr(bj.job.title, ==, "Cheque 0001");
  g_assert_cmpint(bj.job.copies, ==, 2);
  g_assert_cmpint(bj.job.priority, ==, 70);
  g_assert_cmpstr(bj.job.inner_uri, ==, "ipp://127.0.0.1/ipp/print");
  g_assert_cmpstr(bj.job.content_type, ==, "application/vnd.cups-pdf");
  g_assert_null(bj.data_file);
  backendJobClear(&bj);

  g_unsetenv("FINAL_CONTENT_TYPE");
  argv[4] = "junk";
  argv[5] = "job-uuid=urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab time-at-creation=1764000000 job-priority=500";
  g_assert_true(backendJobParse(&bj, 7, argv, "ipp://127.0.0.1/ipp/print", &error));
  g_assert_cmpstr(bj.data_file, ==, "/var/spool/cups/d00042-001");
  g_assert_cmpstr(bj.job.content_type, ==, "application/pdf");
  g_assert_cmpint(bj.job.copies, ==, 1);
  g_assert_cmpint(bj.job.priority, ==, 50);
  g_assert_null(bj.job.host);
  g_assert_cmpstr(bj.printer, ==, "cheques");
  backendJobClear(&bj);

  /* A job sent to a class: its identity names the class, the run the printer. */
  g_setenv("CLASS", "cheque-printers", TRUE);
  g_assert_true(backendJobParse(&bj, 7, argv, "ipp://127.0.0.1/ipp/print", &error));
  g_assert_cmpstr(bj.job.queue, ==, "cheque-printers");
  g_assert_cmpstr(bj.printer, ==, "cheques");
  backendJobClear(&bj);
  g_unsetenv("CLASS");
}


/*
 * 'test_job_bad()' - Missing identity fails with BACKEND_ERROR_JOB.
 */

static void
test_job_bad(void)
{
  static const char * const cases[][3] =
  {
    /* job id, options, $PRINTER */
    { "42", "time-at-creation=1764000000", "q" },
    { "42", "job-uuid=urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab", "q" },
    { "42", "job-uuid=urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab time-at-creation=soon", "q" },
    { "0", "job-uuid=urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab time-at-creation=1764000000", "q" },
    { "4x", "job-uuid=urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab time-at-creation=1764000000", "q" },
    { "42", "job-uuid=urn:uuid:6f1b6c1e-2a4f-4c7a-9d33-0123456789ab time-at-creation=1764000000", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i ++)
  {
    char		*argv[7] = { "vault:/ipp://h/", (char *)cases[i][0], "alice", "t", "1", (char *)cases[i][1], NULL };
    backend_job_t	bj;
    GError		*error = NULL;

    if (cases[i][2])
      g_setenv("PRINTER", cases[i][2], TRUE);
    else
      g_unsetenv("PRINTER");

    g_assert_false(backendJobParse(&bj, 6, argv, "ipp://h/", &error));
    g_assert_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB);
    g_clear_error(&error);
    backendJobClear(&bj);
  }

  {
    char		*argv[] = { "vault:/ipp://h/", "1", "alice", "t", NULL };
    backend_job_t	bj;
    GError		*error = NULL;

    g_assert_false(backendJobParse(&bj, 4, argv, "ipp://h/", &error));
    g_assert_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB);
    g_clear_error(&error);
  }
}


/*
 * 'main()' - Run the tests.
 */

int
main(int  argc,
     char *argv[])
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/backend/uri/plain", test_uri_plain);
  g_test_add_func("/backend/uri/credentials", test_uri_credentials);
  g_test_add_func("/backend/uri/sanitize", test_uri_sanitize);
  g_test_add_func("/backend/uri/bad", test_uri_bad);
  g_test_add_func("/backend/job/parse", test_job_parse);
  g_test_add_func("/backend/job/bad", test_job_bad);

  return (g_test_run());
}
