/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV loader on the tiny files of tests/data/files/: what good files hold, and the exact
 * FILE:LINE:COLUMN message for every malformed one. */
#include <glib.h>
#include <locale.h>
#include <string.h>

#include "data/csv.h"

static char *
path_of (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "files", name, NULL);
}

static bp_dataset *
load (const char *name, const bp_csv_options *opts, bp_csv_info *info, char *err, size_t errlen)
{
  g_autofree char *path = path_of (name);
  return bp_csv_load_file (path, opts, info, err, errlen);
}

/* Loads a file that must fail and checks the message: the full path, then want. */
static void
assert_error (const char *name, const bp_csv_options *opts, const char *want)
{
  char err[512] = "";
  g_autofree char *path = path_of (name);
  bp_dataset *ds = bp_csv_load_file (path, opts, NULL, err, sizeof err);
  g_assert_null (ds);
  g_autofree char *expected = g_strconcat (path, want, NULL);
  if (!g_str_has_prefix (err, expected))
    g_error ("%s:\n  got      \"%s\"\n  expected \"%s...\"", name, err, expected);
}

static void
test_good (void)
{
  char err[256] = "";
  bp_csv_info info;
  bp_dataset *ds = load ("good.csv", NULL, &info, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (ds->name, ==, "good.csv");
  g_assert_true (g_str_has_suffix (ds->source, "tests/data/files/good.csv"));
  g_assert_cmpuint (ds->n_rows, ==, 4);
  g_assert_cmpint (ds->n_features, ==, 3);
  g_assert_cmpint (ds->storage, ==, BP_FEATURES_F32);
  g_assert_cmpstr (ds->feature_names[0], ==, "a");
  g_assert_cmpstr (ds->feature_names[2], ==, "c");
  g_assert_cmpint (ds->task, ==, BP_TASK_CLASSIFICATION);
  g_assert_cmpint (ds->n_classes, ==, 3);
  /* Classes in natural order of their text, whatever the row order. */
  g_assert_cmpstr (ds->class_names[0], ==, "bird");
  g_assert_cmpstr (ds->class_names[1], ==, "cat");
  g_assert_cmpstr (ds->class_names[2], ==, "dog");
  const int32_t labels[4] = { 1, 2, 1, 0 };
  const float x[12] = { 1, 2, 3, 4, 5, 6, -1.5f, 0.25f, 1000, 7, 8, 9 };
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (ds->labels[i], ==, labels[i]);
  for (int i = 0; i < 12; i++)
    g_assert_cmpfloat (ds->x_f32[i], ==, x[i]);
  g_assert_cmpint (info.delimiter, ==, ',');
  g_assert_true (info.had_header);
  g_assert_cmpint (info.label_column, ==, 3);
  g_assert_cmpuint (info.rows_dropped, ==, 0);
  bp_dataset_free (ds);
}

static void
test_semicolon_bom_crlf_quotes (void)
{
  char err[256] = "";
  bp_csv_info info;
  bp_dataset *ds = load ("semicolon.csv", NULL, &info, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (info.delimiter, ==, ';');
  g_assert_true (info.had_header);
  g_assert_cmpuint (ds->n_rows, ==, 3); /* the blank CRLF line is skipped */
  g_assert_cmpint (ds->n_features, ==, 2);
  g_assert_cmpstr (ds->feature_names[0], ==, "x;1"); /* BOM gone, quotes gone */
  g_assert_cmpstr (ds->feature_names[1], ==, "x2");
  /* "1,5" in a ';' file is a decimal comma. */
  const float x[6] = { 1.5f, 2, 3, 4, 5, 6 };
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat (ds->x_f32[i], ==, x[i]);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[0], ==, "a;b");
  g_assert_cmpstr (ds->class_names[1], ==, "plain");
  g_assert_cmpstr (ds->class_names[2], ==, "say \"hi\"");
  g_assert_cmpint (ds->labels[0], ==, 0);
  g_assert_cmpint (ds->labels[1], ==, 1);
  g_assert_cmpint (ds->labels[2], ==, 2);
  bp_dataset_free (ds);
}

static void
test_tab_no_header (void)
{
  char err[256] = "";
  bp_csv_info info;
  bp_dataset *ds = load ("tab.tsv", NULL, &info, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (info.delimiter, ==, '\t');
  g_assert_false (info.had_header);
  g_assert_cmpuint (ds->n_rows, ==, 3);
  g_assert_cmpstr (ds->feature_names[0], ==, "x1");
  g_assert_cmpstr (ds->feature_names[1], ==, "x2");
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->class_names[0], ==, "0");
  g_assert_cmpstr (ds->class_names[1], ==, "1");
  g_assert_cmpint (ds->labels[0], ==, 0);
  g_assert_cmpint (ds->labels[2], ==, 1);
  g_assert_cmpfloat (ds->x_f32[5], ==, 6);
  bp_dataset_free (ds);
}

static void
test_quoted_newlines (void)
{
  char err[256] = "";
  bp_dataset *ds = load ("quoted.csv", NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 3);
  g_assert_cmpstr (ds->feature_names[1], ==, "note, with comma");
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->class_names[0], ==, "multi\nline");
  g_assert_cmpstr (ds->class_names[1], ==, "other");
  g_assert_cmpint (ds->labels[2], ==, 1);
  g_assert_cmpfloat (ds->x_f32[4], ==, 5);
  bp_dataset_free (ds);
}

static void
test_regression_auto (void)
{
  char err[256] = "";
  bp_dataset *ds = load ("regression.csv", NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->task, ==, BP_TASK_REGRESSION);
  g_assert_cmpint (ds->n_targets, ==, 1);
  g_assert_cmpstr (ds->target_names[0], ==, "y");
  const float t[5] = { 0.125f, 3.5f, -1.25f, 2.75f, 0.5f };
  for (int i = 0; i < 5; i++)
    g_assert_cmpfloat (ds->targets[i], ==, t[i]);
  bp_dataset_free (ds);
}

static void
test_integer_labels (void)
{
  char err[256] = "";
  bp_dataset *ds = load ("intlabels.csv", NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->task, ==, BP_TASK_CLASSIFICATION); /* few whole numbers: classes */
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[2], ==, "3");
  g_assert_cmpint (ds->labels[0], ==, 2);
  g_assert_cmpint (ds->labels[1], ==, 0);
  bp_dataset_free (ds);

  bp_csv_options o = { .task = BP_CSV_TASK_REGRESSION };
  ds = load ("intlabels.csv", &o, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->task, ==, BP_TASK_REGRESSION);
  g_assert_cmpstr (ds->target_names[0], ==, "grade");
  g_assert_cmpfloat (ds->targets[3], ==, 3);
  bp_dataset_free (ds);

  /* Many distinct whole numbers: regression unless told otherwise. */
  GString *s = g_string_new ("a,y\n");
  for (int i = 0; i < 40; i++)
    g_string_append_printf (s, "%d,%d\n", i, i * 3);
  ds = bp_csv_load_buffer (s->str, s->len, "many", NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->task, ==, BP_TASK_REGRESSION);
  bp_dataset_free (ds);
  o.task = BP_CSV_TASK_CLASSIFICATION;
  ds = bp_csv_load_buffer (s->str, s->len, "many", &o, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->n_classes, ==, 40);
  g_assert_cmpstr (ds->class_names[39], ==, "117");
  g_assert_cmpint (ds->labels[39], ==, 39);
  bp_dataset_free (ds);
  g_string_free (s, TRUE);
}

static void
test_label_column (void)
{
  char err[256] = "";
  bp_csv_options o = { .label = "B" }; /* names match case-insensitively as a fallback */
  bp_csv_info info;
  bp_dataset *ds;

  /* "label" then is a feature column holding text: an error at its first cell. */
  assert_error ("good.csv", &o, ":2:4: not a number: 'cat'");

  const char *const picks[] = { "1", "-3", "X1" };
  for (size_t i = 0; i < G_N_ELEMENTS (picks); i++)
    {
      o.label = picks[i];
      ds = load ("regression.csv", &o, &info, err, sizeof err);
      g_assert_nonnull (ds);
      g_assert_cmpint (info.label_column, ==, 0);
      g_assert_cmpstr (ds->feature_names[0], ==, "x2");
      g_assert_cmpstr (ds->feature_names[1], ==, "y");
      bp_dataset_free (ds);
    }
  o.label = "zzz";
  assert_error ("good.csv", &o, ": no column 'zzz' for the label (columns: a, b, c, label)");
  o.label = "9";
  assert_error ("tab.tsv", &o, ": the label column '9' is neither a column number from 1 to 3");
}

static void
test_malformed (void)
{
  static const struct {
    const char *file, *msg;
  } cases[] = {
    { "bad.csv", ":4:2: not a number: 'abc'" },
    { "bad-missing.csv", ":3:2: missing value" },
    { "bad-nan.csv", ":4:2: NaN is not a usable value: 'NaN'" },
    { "bad-inf.csv", ":3:2: infinite value '-inf'" },
    { "bad-range.csv", ":2:2: number too large for 32-bit floats '1e39'" },
    { "bad-ragged.csv", ":3: 2 fields, expected 3 (as in the header)" },
    { "empty.csv", ": empty file (no rows)" },
    { "blank.csv", ": empty file (no rows)" },
    { "header-only.csv", ":1: header only, no data rows" },
    /* Control bytes in the first 8000 bytes: not a text file at all, said before parsing;
     * further on, the reader names the line and column. */
    { "binary.csv", " does not look like a CSV text file (binary data at byte 18)" },
    { "picture.png", " does not look like a CSV text file (binary data at byte 6)" },
    { "binary-late.csv", ":1201:2: binary data (byte 0x00): this is not a text CSV file" },
    { "bad-truncated.csv.gz", ": damaged gzip data after " },
    { "bad-quote.csv", ":2:3: quoted field never closed (it opens here)" },
    { "bad-after-quote.csv", ":2:3: unexpected 'z' after the closing quote" },
    { "one-column.csv", ":1: only one column: a dataset needs feature columns and a label" },
    { "no-such-file.csv", ": No such file or directory" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_error (cases[i].file, NULL, cases[i].msg);

  bp_csv_options small = { .max_bytes = 10 };
  assert_error ("good.csv", &small, ": 61 bytes: larger than the 10 bytes allowed");
  bp_csv_options regress = { .task = BP_CSV_TASK_REGRESSION };
  assert_error ("good.csv", &regress, ":2:4: label 'cat' is not a number (regression needs");
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "files", NULL);
  char err[256];
  g_assert_null (bp_csv_load_file (dir, NULL, NULL, err, sizeof err));
  g_assert_true (g_str_has_suffix (err, ": is a directory"));
}

/* good.csv.gz is good.csv through gzip -9: the same rows come out. */
static void
test_gzip (void)
{
  char err[256] = "";
  bp_dataset *ds = load ("good.csv.gz", NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpuint (ds->n_rows, ==, 4);
  g_assert_cmpint (ds->n_features, ==, 3);
  g_assert_cmpfloat (ds->x_f32[2 * 3 + 2], ==, 1000.0f);
  g_assert_cmpstr (ds->name, ==, "good.csv.gz");
  bp_dataset_free (ds);

  bp_csv_options small = { .max_bytes = 60 }; /* the file is 77 bytes: refused before unpacking */
  assert_error ("good.csv.gz", &small, ": 77 bytes: larger than the 60 bytes allowed");
  small.max_bytes = 80; /* 61 bytes unpacked: fits */
  ds = load ("good.csv.gz", &small, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  bp_dataset_free (ds);
}

static void
test_drop_bad_rows (void)
{
  char err[256] = "";
  bp_csv_options o = { .drop_bad_rows = true };
  bp_csv_info info;
  bp_dataset *ds = load ("droppable.csv", &o, &info, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 2);
  g_assert_cmpuint (info.rows_dropped, ==, 3);
  g_assert_nonnull (strstr (info.first_drop, "droppable.csv:3:1: missing value"));
  g_assert_cmpfloat (ds->x_f32[2], ==, 6);
  g_assert_cmpint (ds->n_classes, ==, 2); /* "x" and "y": no class left over from dropped rows */
  bp_dataset_free (ds);

  /* Without the option the first bad row is the error. */
  assert_error ("droppable.csv", NULL, ":3:1: missing value");

  /* Everything dropped: say so, with the first reason. */
  const char all_bad[] = "a,b,l\n1,,x\n,2,y\n";
  ds = bp_csv_load_buffer (all_bad, sizeof all_bad - 1, "allbad", &o, NULL, err, sizeof err);
  g_assert_null (ds);
  g_assert_cmpstr (err, ==,
                   "allbad: all 2 rows were dropped; the first: allbad:2:2: missing value");
}

/* bad-rows.csv: a header quoted over lines 1-2, 14 good rows and 6 bad ones: a missing
 * feature (line 4), NaN (6), a word (9), inf (12), a missing label (21), -inf (22). The lines
 * are the file's, header counted, as in every FILE:LINE:COLUMN message. */
static void
test_drop_lines (void)
{
  char err[512] = "", words[512];
  bp_csv_options o = { .drop_bad_rows = true };
  bp_csv_info info;
  g_autofree char *path = path_of ("bad-rows.csv");
  g_autofree char *want = NULL;
  bp_dataset *ds = bp_csv_load_file (path, &o, &info, err, sizeof err);

  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 14);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpuint (info.rows_dropped, ==, 6);
  g_assert_cmpuint (info.drop_lines[0], ==, 4);
  g_assert_cmpuint (info.drop_lines[1], ==, 6);
  g_assert_cmpuint (info.drop_lines[2], ==, 9);
  g_assert_cmpuint (info.drop_lines[3], ==, 12);
  g_assert_cmpuint (info.drop_lines[4], ==, 21);
  g_assert_false (info.failed_on_bad_cell);
  bp_csv_drop_summary (&info, words, sizeof words);
  want = g_strdup_printf ("6 bad rows left out (lines 4, 6, 9, 12, 21 and 1 more); the first: "
                          "%s:4:2: missing value", path);
  g_assert_cmpstr (words, ==, want);
  bp_dataset_free (ds);

  /* Without the option: the first bad row is the error, and info says it was a bad cell. */
  ds = bp_csv_load_file (path, NULL, &info, err, sizeof err);
  g_assert_null (ds);
  g_clear_pointer (&want, g_free);
  want = g_strdup_printf ("%s:4:2: missing value", path);
  g_assert_cmpstr (err, ==, want);
  g_assert_true (info.failed_on_bad_cell);

  /* Each kind of bad cell alone, with its line and column. */
  {
    static const struct {
      const char *text, *error;
    } cases[] = {
      { "a,b,l\n1,2,x\n3,NaN,y\n", "one:3:2: NaN is not a usable value: 'NaN'" },
      { "a,b,l\n1,2,x\nsix,4,y\n", "one:3:1: not a number: 'six'" },
      { "a,b,l\n1,2,x\n3,4,y\n5,Inf,x\n", "one:4:2: infinite value 'Inf'" },
      { "a,b,l\n1,2,x\n3,,y\n", "one:3:2: missing value" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        ds = bp_csv_load_buffer (cases[i].text, strlen (cases[i].text), "one", NULL, &info, err,
                                 sizeof err);
        g_assert_null (ds);
        g_assert_cmpstr (err, ==, cases[i].error);
        g_assert_true (info.failed_on_bad_cell);
        ds = bp_csv_load_buffer (cases[i].text, strlen (cases[i].text), "one", &o, &info, err,
                                 sizeof err);
        g_assert_nonnull (ds);
        bp_csv_drop_summary (&info, words, sizeof words);
        g_clear_pointer (&want, g_free);
        want = g_strdup_printf ("1 bad row left out (line %c); the first: %s",
                                cases[i].error[4], cases[i].error);
        g_assert_cmpstr (words, ==, want);
        bp_dataset_free (ds);
      }
  }

  /* Three dropped: all their lines; none dropped: nothing to say. */
  ds = load ("droppable.csv", &o, &info, err, sizeof err);
  bp_csv_drop_summary (&info, words, sizeof words);
  g_assert_true (g_str_has_prefix (words, "3 bad rows left out (lines 3, 4 and 5); the first: "));
  bp_dataset_free (ds);
  ds = load ("good.csv", &o, &info, err, sizeof err);
  bp_csv_drop_summary (&info, words, sizeof words);
  g_assert_cmpstr (words, ==, "");
  bp_dataset_free (ds);
}

/* ragged-rows.csv: 5 columns; line 7 has 3 fields, line 9 a NaN, line 10 six fields. Ragged
 * rows are bad rows like the NaN one: dropped and listed in the same sentence, or without
 * dropping the first of them is the error and one drop_bad_rows would skip. */
static void
test_ragged_rows (void)
{
  char err[512] = "", words[512];
  bp_csv_options o = { .drop_bad_rows = true };
  bp_csv_info info;
  g_autofree char *path = path_of ("ragged-rows.csv");
  g_autofree char *want = NULL;
  bp_dataset *ds = bp_csv_load_file (path, &o, &info, err, sizeof err);

  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 8); /* 11 data rows, 3 bad */
  g_assert_cmpint (ds->n_features, ==, 4);
  g_assert_cmpuint (info.rows_dropped, ==, 3);
  g_assert_cmpuint (info.rows_ragged, ==, 2);
  g_assert_cmpuint (info.drop_lines[0], ==, 7);
  g_assert_cmpuint (info.drop_lines[1], ==, 9);
  g_assert_cmpuint (info.drop_lines[2], ==, 10);
  /* The row after the ragged line 7 is line 8's (7, 8, 9, 10): nothing shifted. */
  g_assert_cmpfloat (ds->x_f32[5 * 4 + 0], ==, 7);
  g_assert_cmpfloat (ds->x_f32[5 * 4 + 3], ==, 10);
  bp_csv_drop_summary (&info, words, sizeof words);
  want = g_strdup_printf ("3 bad rows left out (lines 7, 9 and 10), 2 of them with the wrong "
                          "number of fields; the first: %s:7: 3 fields, expected 5 (as in the "
                          "header)", path);
  g_assert_cmpstr (words, ==, want);
  bp_dataset_free (ds);

  ds = bp_csv_load_file (path, NULL, &info, err, sizeof err);
  g_assert_null (ds);
  g_clear_pointer (&want, g_free);
  want = g_strdup_printf ("%s:7: 3 fields, expected 5 (as in the header)", path);
  g_assert_cmpstr (err, ==, want);
  g_assert_true (info.failed_on_bad_cell);

  /* bad-ragged.csv: one ragged row of three; without a header the first row sets the width. */
  ds = load ("bad-ragged.csv", &o, &info, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 2);
  g_assert_cmpuint (info.drop_lines[0], ==, 3);
  bp_csv_drop_summary (&info, words, sizeof words);
  g_assert_true (g_str_has_prefix (words, "1 bad row left out (line 3); the first: "));
  g_assert_true (g_str_has_suffix (words, "bad-ragged.csv:3: 2 fields, expected 3 (as in the "
                                          "header)"));
  bp_dataset_free (ds);
  const char no_header[] = "1,2,x\n3,4\n5,6,y\n7,8,x\n";
  const bp_csv_options nh = { .header = BP_CSV_HEADER_NO };
  g_assert_null (bp_csv_load_buffer (no_header, sizeof no_header - 1, "nh", &nh, &info, err,
                                     sizeof err));
  g_assert_cmpstr (err, ==, "nh:2: 2 fields, expected 3 (as in the first row)");
}

/* bad-header.csv: the header names 4 columns, 5 of the 6 rows have 5 fields. Dropping would
 * keep one row of six: the header is wrong, not the rows, so the file is refused with or
 * without dropping, saying so, and not as a bad row drop_bad_rows would skip. */
static void
test_bad_header (void)
{
  char err[512] = "";
  bp_csv_options o = { .drop_bad_rows = true };
  bp_csv_info info;
  g_autofree char *path = path_of ("bad-header.csv");
  g_autofree char *want = g_strdup_printf (
    "%s:1: the header has 4 fields but 5 of 6 data rows have another number (5 have 5, the "
    "first on line 2): check the header and the delimiter (','); bad rows are dropped only "
    "when most rows fit", path);

  for (int drop = 0; drop < 2; drop++)
    {
      g_assert_null (bp_csv_load_file (path, drop ? &o : NULL, &info, err, sizeof err));
      g_assert_cmpstr (err, ==, want);
      g_assert_false (info.failed_on_bad_cell);
    }
  /* Exactly half ragged still loads: "most" is more than half. */
  const char half[] = "a,b,l\n1,2,x\n3,4,5,y\n";
  bp_dataset *ds = bp_csv_load_buffer (half, sizeof half - 1, "half", &o, &info, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 1);
  bp_dataset_free (ds);
}

/* keep_row_lines: each kept row's file line, header counted, the bad ones skipped. */
static void
test_row_lines (void)
{
  char err[512] = "";
  bp_csv_options o = { .drop_bad_rows = true, .keep_row_lines = true };
  bp_csv_info info;
  g_autofree char *path = path_of ("bad-rows.csv");
  static const uint32_t want[14] = { 3, 5, 7, 8, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20 };
  bp_dataset *ds = bp_csv_load_file (path, &o, &info, err, sizeof err);

  g_assert_nonnull (ds);
  g_assert_nonnull (info.row_lines);
  g_assert_cmpuint (ds->n_rows, ==, 14);
  for (int i = 0; i < 14; i++)
    g_assert_cmpuint (info.row_lines[i], ==, want[i]);
  g_assert_cmpfloat (ds->x_f32[1 * 2], ==, 4.7f); /* row 1 is line 5: 4.7,1.3,setosa */
  free (info.row_lines);
  bp_dataset_free (ds);
  /* Not asked: none. */
  o.keep_row_lines = false;
  ds = bp_csv_load_file (path, &o, &info, err, sizeof err);
  g_assert_null (info.row_lines);
  bp_dataset_free (ds);
}

static void
test_class_order_is_row_order_free (void)
{
  char err[256];
  const char a[] = "f,l\n1,dog\n2,cat\n3,class_10\n4,class_9\n";
  const char b[] = "f,l\n4,class_9\n3,class_10\n2,cat\n1,dog\n";
  bp_dataset *da = bp_csv_load_buffer (a, sizeof a - 1, "a", NULL, NULL, err, sizeof err);
  bp_dataset *db = bp_csv_load_buffer (b, sizeof b - 1, "b", NULL, NULL, err, sizeof err);
  g_assert_nonnull (da);
  g_assert_nonnull (db);
  for (int c = 0; c < 4; c++)
    g_assert_cmpstr (da->class_names[c], ==, db->class_names[c]);
  g_assert_cmpstr (da->class_names[0], ==, "cat");
  g_assert_cmpstr (da->class_names[1], ==, "class_9"); /* natural order: 9 before 10 */
  g_assert_cmpstr (da->class_names[2], ==, "class_10");
  g_assert_cmpint (da->labels[0], ==, db->labels[3]); /* dog */
  bp_dataset_free (da);
  bp_dataset_free (db);
}

static void
test_too_many_classes (void)
{
  GString *s = g_string_new ("a,b\n");
  for (int i = 0; i < BP_DATASET_MAX_CLASSES + 5; i++)
    g_string_append_printf (s, "%d,name%d\n", i, i);
  char err[256];
  bp_dataset *ds = bp_csv_load_buffer (s->str, s->len, "many", NULL, NULL, err, sizeof err);
  g_assert_null (ds);
  g_assert_cmpstr (err, ==, "many:4098: more than 4096 distinct labels: too many classes (is the "
                            "label column the right one?)");
  g_string_free (s, TRUE);
}

static void
test_small_error_buffer (void)
{
  char err[8];
  memset (err, 'x', sizeof err);
  g_autofree char *path = path_of ("bad.csv");
  g_assert_null (bp_csv_load_file (path, NULL, NULL, err, sizeof err));
  g_assert_cmpuint (strlen (err), ==, sizeof err - 1); /* truncated, terminated */
  g_assert_null (bp_csv_load_file (path, NULL, NULL, NULL, 0));
}

static void
test_locale_independent (void)
{
  const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8" };
  const char *got = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (names) && got == NULL; i++)
    got = setlocale (LC_NUMERIC, names[i]);
  if (got == NULL)
    {
      g_test_skip ("no locale with a decimal comma is installed (de_DE, fr_FR)");
      return;
    }
  char err[256];
  const char csv[] = "a,l\n1.5,x\n2.25,y\n";
  bp_dataset *ds = bp_csv_load_buffer (csv, sizeof csv - 1, "loc", NULL, NULL, err, sizeof err);
  setlocale (LC_NUMERIC, "C");
  g_assert_nonnull (ds);
  g_assert_cmpfloat (ds->x_f32[0], ==, 1.5f);
  bp_dataset_free (ds);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/good", test_good);
  g_test_add_func ("/csv/semicolon-bom-crlf-quotes", test_semicolon_bom_crlf_quotes);
  g_test_add_func ("/csv/tab-no-header", test_tab_no_header);
  g_test_add_func ("/csv/quoted-newlines", test_quoted_newlines);
  g_test_add_func ("/csv/regression-auto", test_regression_auto);
  g_test_add_func ("/csv/integer-labels", test_integer_labels);
  g_test_add_func ("/csv/label-column", test_label_column);
  g_test_add_func ("/csv/malformed", test_malformed);
  g_test_add_func ("/csv/gzip", test_gzip);
  g_test_add_func ("/csv/drop-bad-rows", test_drop_bad_rows);
  g_test_add_func ("/csv/drop-lines", test_drop_lines);
  g_test_add_func ("/csv/ragged-rows", test_ragged_rows);
  g_test_add_func ("/csv/bad-header", test_bad_header);
  g_test_add_func ("/csv/row-lines", test_row_lines);
  g_test_add_func ("/csv/class-order", test_class_order_is_row_order_free);
  g_test_add_func ("/csv/too-many-classes", test_too_many_classes);
  g_test_add_func ("/csv/small-error-buffer", test_small_error_buffer);
  g_test_add_func ("/csv/locale", test_locale_independent);
  return g_test_run ();
}
