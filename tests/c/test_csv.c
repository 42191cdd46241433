/* Tests of the CSV reader and writer: types inferred and widened, missing values, RFC 4180
 * quoting, options, malformed input (errors naming the file, line and field; skipping bad
 * lines), large fields, gzip, reading in parallel chunks, and write_csv's round trip.
 * Expected values are worked out by hand next to each input. */
#include "frame_helpers.h"
#include "temp_files.h"

/* The error of parsing text with options o (NULL: defaults); fails when it parses. */
static const char *parse_error(const char *text, const mg_csv_options *o) {
  mg_frame *f = mg_parse_csv(text, strlen(text), "t.csv", o, NULL);
  if (f) fail_msg("expected an error for \"%s\"", text);
  return mg_last_error();
}

static mg_csv_options skipping(void) {
  mg_csv_options o;
  mg_csv_default_options(&o);
  o.skip_bad_lines = true;
  return o;
}

/* Every column of a and b holds the same names, types and cells. */
static void expect_same_frames(const mg_frame *a, const mg_frame *b) {
  assert_int_equal(mg_frame_ncols(a), mg_frame_ncols(b));
  assert_int_equal(mg_frame_nrows(a), mg_frame_nrows(b));
  for (int c = 0; c < mg_frame_ncols(a); c++) {
    assert_string_equal(mg_frame_name(a, c), mg_frame_name(b, c));
    assert_int_equal(mg_frame_type(a, c), mg_frame_type(b, c));
    for (int64_t r = 0; r < mg_frame_nrows(a); r++) {
      mg_cell x, y;
      mg_frame_get(a, c, r, &x);
      mg_frame_get(b, c, r, &y);
      bool same = x.valid == y.valid &&
                  (!x.valid || (x.type == MG_COL_FLOAT64 ? memcmp(&x.f, &y.f, sizeof x.f) == 0
                                : x.type == MG_COL_INT64 ? x.i == y.i
                                : x.type == MG_COL_BOOL  ? x.b == y.b
                                                         : x.len == y.len && memcmp(x.s, y.s, x.len) == 0));
      if (!same) fail_msg("column %s, row %lld differs", mg_frame_name(a, c), (long long)r + 1);
    }
  }
}

/* ---- types ------------------------------------------------------------------------------ */

static void test_types(void **state) {
  mg_frame *f = csv("i,f,w,b,s,e,m\n"
                    "1,1.5,1,true,x,NA,007\n"
                    "2,-2,2.5,false,y,,8\n"
                    "3,1e3,x,TRUE,z,,9\n");
  assert_string_equal(types_text(f), "int64 float64 string bool string float64 int64");
  assert_string_equal(column_text(f, "i"), "1|2|3");
  assert_string_equal(column_text(f, "f"), "1.5|-2|1000");
  assert_string_equal(column_text(f, "w"), "1|2.5|x"); /* read again as text when x came */
  assert_string_equal(column_text(f, "b"), "true|false|true");
  assert_string_equal(column_text(f, "s"), "x|y|z");
  assert_string_equal(column_text(f, "e"), "NA|NA|NA"); /* no value: float64 */
  assert_string_equal(column_text(f, "m"), "7|8|9");
  mg_frame_free(f);

  /* widening keeps every earlier value: int to float, anything to the text as written */
  f = csv("a,b,c,d,e\n007,1,true,1.50,9223372036854775807\nNA,NA,maybe,2,9223372036854775808\nabc,2.5,NA,x,1\n");
  assert_string_equal(types_text(f), "string float64 string string float64");
  assert_string_equal(column_text(f, "a"), "007|NA|abc");
  assert_string_equal(column_text(f, "b"), "1|NA|2.5");
  assert_string_equal(column_text(f, "c"), "true|maybe|NA");
  assert_string_equal(column_text(f, "d"), "1.50|2|x");
  /* 2^63 - 1 and 2^63 as doubles are both 2^63 */
  assert_string_equal(column_text(f, "e"), "9.2233720368547758e+18|9.2233720368547758e+18|1");
  mg_frame_free(f);
}

static void test_numbers(void **state) {
  mg_frame *f = csv("x\n 7 \n+3\n-0.5\n.5\n5.\n1E-2\ninf\n-Infinity\n0.1\n"
                    "123456789012345678901234567890\n1.7976931348623157e308\n4.9e-324\n1e400\n"
                    "0.30000000000000004\n-0\n");
  assert_string_equal(types_text(f), "float64");
  assert_string_equal(column_text(f, "x"),
                      "7|3|-0.5|0.5|5|0.01|inf|-inf|0.10000000000000001|1.2345678901234568e+29|"
                      "1.7976931348623157e+308|4.9406564584124654e-324|inf|0.30000000000000004|-0");
  mg_frame_free(f);
  /* not numbers: hexadecimal, a bare exponent, two signs, separators */
  f = csv("a,b,c,d\n0x10,1e,--1,1_000\n");
  assert_string_equal(types_text(f), "string string string string");
  mg_frame_free(f);
}

static void test_missing_values(void **state) {
  /* quoted missing tokens are strings in a string column, missing in the others */
  mg_frame *f = csv("s,n\n\"\",1\n\"NA\",\"\"\nNA,\"NA\"\nx,3\n");
  assert_string_equal(types_text(f), "string int64");
  assert_string_equal(column_text(f, "s"), "|NA|NA|x");
  assert_int_equal(mg_frame_missing(f, 0), 1); /* the unquoted NA only */
  assert_string_equal(column_text(f, "n"), "1|NA|NA|3");
  mg_frame_free(f);
  /* a column that starts with a quoted "" and turns to strings keeps it as text */
  f = csv("q\n\"\"\nx\n");
  assert_string_equal(column_text(f, "q"), "|x");
  assert_int_equal(mg_frame_missing(f, 0), 0);
  mg_frame_free(f);
  /* a column of quoted missing tokens and gaps alone holds them as text (write_csv's "" and
   * "NA" read back); unquoted ones alone leave it float64 */
  f = csv("q,u\n\"\",NA\n,\n\"NA\",\n");
  assert_string_equal(types_text(f), "string float64");
  assert_string_equal(column_text(f, "q"), "|NA|NA");
  assert_int_equal(mg_frame_missing(f, 0), 1);
  mg_frame_free(f);
  f = csv("a,b,c,d,e,f\nN/A,null,None,NaN,nan,-nan\n1,2,3,4,5,6\n");
  for (int c = 0; c < 6; c++) assert_int_equal(mg_frame_missing(f, c), 1);
  mg_frame_free(f);

  /* na_values replaces the tokens; an empty field is missing still */
  mg_csv_options o;
  mg_csv_default_options(&o);
  o.na_values = (const char *[]){"-", "-999"};
  o.nna = 2;
  f = csv_with("a,b\n-,NA\n-999,x\n5,\n", &o);
  assert_string_equal(types_text(f), "int64 string");
  assert_string_equal(column_text(f, "a"), "NA|NA|5");
  assert_int_equal(mg_frame_missing(f, 1), 1); /* the empty field; NA is a string here */
  mg_frame_free(f);
}

/* ---- quoting and layout --------------------------------------------------------------------- */

static void test_quoting(void **state) {
  mg_frame *f = csv("a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",2\n");
  assert_string_equal(column_text(f, "a"), "x,y|multi\nline");
  assert_string_equal(column_text(f, "b"), "he said \"hi\"|2");
  mg_frame_free(f);
  /* quoted numbers are numbers; a quote inside an unquoted field is data */
  f = csv("a,b\n\"1\",ab\"c\n\"2\",d\n");
  assert_string_equal(types_text(f), "int64 string");
  assert_string_equal(column_text(f, "b"), "ab\"c|d");
  mg_frame_free(f);
}

static void test_layout(void **state) {
  mg_frame *f = csv("a,b\r\n1,2\r\n3,4\r\n"); /* CRLF */
  assert_string_equal(column_text(f, "b"), "2|4");
  mg_frame_free(f);
  f = csv("a\nx\ry\n"); /* a CR alone is data */
  assert_string_equal(column_text(f, "a"), "x\ry");
  mg_frame_free(f);
  f = csv("\xEF\xBB\xBF" "a,b\n1,2\n"); /* a byte order mark */
  assert_string_equal(names_text(f), "a b");
  mg_frame_free(f);
  f = csv("\n\na\n\n1\n\r\n2"); /* blank lines skipped; no newline at the end */
  assert_string_equal(column_text(f, "a"), "1|2");
  mg_frame_free(f);
  f = csv("a,a,,a\n1,2,3,4\n"); /* repeated and empty names */
  assert_string_equal(names_text(f), "a a.1 V3 a.2");
  mg_frame_free(f);
  f = mg_parse_csv("\0b,c\n1,2\n", 9, "t.csv", NULL, NULL); /* a NUL ends a name: empty */
  assert_non_null(f);
  assert_string_equal(names_text(f), "V1 c");
  mg_frame_free(f);
  f = csv("a,b,c\n"); /* a header only: no rows */
  assert_int_equal(mg_frame_nrows(f), 0);
  assert_string_equal(types_text(f), "float64 float64 float64");
  mg_frame_free(f);
}

static void test_options(void **state) {
  mg_csv_options o;
  mg_csv_default_options(&o);
  o.delimiter = ';';
  mg_frame *f = csv_with("a;b\n1,5;\"x;y\"\n", &o);
  assert_string_equal(column_text(f, "a"), "1,5");
  assert_string_equal(column_text(f, "b"), "x;y");
  mg_frame_free(f);
  o.delimiter = '\t';
  o.quote = 0;
  f = csv_with("a\tb\n\"x\"\t2\n", &o);
  assert_string_equal(column_text(f, "a"), "\"x\"");
  mg_frame_free(f);

  mg_csv_default_options(&o);
  o.header = false;
  f = csv_with("1,x\n2,y\n", &o);
  assert_string_equal(names_text(f), "V1 V2");
  assert_string_equal(column_text(f, "V1"), "1|2");
  mg_frame_free(f);
  o.names = (const char *[]){"p", "q"};
  o.nnames = 2;
  f = csv_with("1,x\n", &o);
  assert_string_equal(names_text(f), "p q");
  mg_frame_free(f);
  f = csv_with("", &o); /* no header expected and names given: an empty frame */
  assert_string_equal(names_text(f), "p q");
  assert_int_equal(mg_frame_nrows(f), 0);
  mg_frame_free(f);
  o.header = true; /* names replace the header's */
  f = csv_with("a,b\n1,x\n", &o);
  assert_string_equal(names_text(f), "p q");
  assert_string_equal(column_text(f, "p"), "1");
  mg_frame_free(f);
  parse_error("a,b,c\n1,2,3\n", &o);
  expect_error("read_csv: t.csv has 3 columns but 2 names were given");
}

static void test_schema(void **state) {
  mg_csv_options o;
  mg_csv_default_options(&o);
  o.schema_names = (const char *[]){"z", "x", "s"};
  o.schema_types = (const mg_coltype[]){MG_COL_STRING, MG_COL_FLOAT64, MG_COL_STRING};
  o.nschema = 3;
  mg_frame *f = csv_with("x,y,z,s\n1,2,007,NA\n2,3,8,\"NA\"\n", &o);
  assert_string_equal(types_text(f), "float64 int64 string string");
  assert_string_equal(column_text(f, "z"), "007|8");
  assert_int_equal(mg_frame_missing(f, 3), 1);
  mg_frame_free(f);
  f = csv_with("x,y,z,s\n", &o); /* a header only: the schema's types */
  assert_string_equal(types_text(f), "float64 float64 string string");
  mg_frame_free(f);

  o.schema_names = (const char *[]){"n"};
  o.schema_types = (const mg_coltype[]){MG_COL_INT64};
  o.nschema = 1;
  parse_error("n\n1\n2.5\n", &o);
  expect_error("read_csv: t.csv:3:1: column 'n' is int64, got '2.5'");
  parse_error("a,n\nx,1\ny,12345678901234567890123456789012345678901234567890\n", &o);
  expect_error("read_csv: t.csv:3:2: column 'n' is int64, got "
               "'1234567890123456789012345678901234567890...'");
  parse_error("q\n1\n", &o);
  expect_error("read_csv: the schema names column 'n', which t.csv does not have");
  o.skip_bad_lines = true;
  mg_csv_report report;
  f = mg_parse_csv("n,s\n1,a\nx,b\n3,c\n", 16, "t.csv", &o, &report);
  assert_non_null(f);
  assert_string_equal(column_text(f, "s"), "a|c");
  assert_int_equal(report.skipped, 1);
  assert_string_equal(report.first_bad, "t.csv:3:1: column 'n' is int64, got 'x'");
  mg_frame_free(f);
}

/* ---- malformed input ---------------------------------------------------------------------- */

static void test_errors(void **state) {
  parse_error("a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n", NULL);
  expect_error("read_csv: t.csv:3:2: unbalanced quote: the quoted field starting here never ends");
  parse_error("a,b,c\n1,2,3\n4,5\n", NULL);
  expect_error("read_csv: t.csv:3:3: expected 3 fields, got 2");
  parse_error("a,b,c\n1,2,3\n4,5,6,7\n", NULL);
  expect_error("read_csv: t.csv:3:4: expected 3 fields, got 4");
  parse_error("a,b\n\"x\ny\",1\n2,3,4\n", NULL); /* the quoted newline counts as a line */
  expect_error("read_csv: t.csv:4:3: expected 2 fields, got 3");
  parse_error("a,b\n\"ab\"c,d\n", NULL);
  expect_error("read_csv: t.csv:2:1: unexpected character after the closing quote (quote the "
               "whole field, doubling the quotes inside)");
  parse_error("a,b\nx,\xff\n", NULL);
  expect_error("read_csv: t.csv:2:2: invalid UTF-8 (byte 0xff)");
  parse_error("a,b\nx,y\n\xc0\x80,z\n", NULL); /* an overlong NUL */
  expect_error("read_csv: t.csv:3:1: invalid UTF-8 (byte 0xc0)");
  parse_error("a\n\xed\xa0\x80\n", NULL); /* a surrogate */
  expect_error("read_csv: t.csv:2:1: invalid UTF-8 (byte 0xed)");
  parse_error("a\n\xe2\x82\n", NULL); /* cut short */
  expect_error("read_csv: t.csv:2:1: invalid UTF-8 (byte 0xe2)");
  parse_error("a,\xff\n", NULL); /* in the header */
  expect_error("read_csv: t.csv:1:2: invalid UTF-8 (byte 0xff)");
  parse_error("", NULL);
  expect_error("read_csv: t.csv is empty (expected a header line)");
  parse_error("\n\r\n\n", NULL);
  expect_error("read_csv: t.csv is empty (expected a header line)");
  mg_csv_options o;
  mg_csv_default_options(&o);
  o.delimiter = '"';
  parse_error("a\n", &o);
  expect_error("read_csv: the delimiter and the quote must differ (both '\"')");
  o.delimiter = '\n';
  parse_error("a\n", &o);
  expect_error("read_csv: the delimiter cannot be a line end or NUL");

  /* valid UTF-8 of 2, 3 and 4 bytes */
  mg_frame *f = csv("a\né\n€\n\xf0\x9f\x98\x80\n");
  assert_string_equal(column_text(f, "a"), "é|€|\xf0\x9f\x98\x80");
  mg_frame_free(f);
}

static void test_skip_bad_lines(void **state) {
  mg_csv_options o = skipping();
  mg_csv_report report;
  const char *text = "a,b\n1,x\n2,\xff\n3\n4,y,z\n5,\"q\"w\n6,\"never\n7,ok\n";
  mg_frame *f = mg_parse_csv(text, strlen(text), "t.csv", &o, &report);
  assert_non_null(f);
  /* lines 3-7 are bad; the unbalanced quote on 7 is read on from line 8 */
  assert_string_equal(column_text(f, "a"), "1|7");
  assert_string_equal(column_text(f, "b"), "x|ok");
  assert_int_equal(report.skipped, 5);
  assert_string_equal(report.first_bad, "t.csv:3:2: invalid UTF-8 (byte 0xff)");
  mg_frame_free(f);

  /* a column that turns to strings after a skipped line is read again without it */
  text = "a,b\n1,2\n3\n4,5\nx,6\n";
  f = mg_parse_csv(text, strlen(text), "t.csv", &o, &report);
  assert_string_equal(column_text(f, "a"), "1|4|x");
  assert_string_equal(column_text(f, "b"), "2|5|6");
  assert_int_equal(report.skipped, 1);
  mg_frame_free(f);
  f = mg_parse_csv("a\n1\n", 4, "t.csv", &o, &report);
  assert_int_equal(report.skipped, 0);
  assert_string_equal(report.first_bad, "");
  mg_frame_free(f);
}

/* A 10 MB field, unquoted and quoted (with a line end), and 10 MB of digits. */
static void test_huge_fields(void **state) {
  size_t big = 10 << 20;
  char *text = malloc(2 * big + 64);
  assert_non_null(text);
  size_t n = (size_t)sprintf(text, "a,b\n");
  memset(text + n, 'x', big);
  n += big;
  n += (size_t)sprintf(text + n, ",1\n\"");
  memset(text + n, 'y', big);
  text[n + big / 2] = '\n';
  n += big;
  n += (size_t)sprintf(text + n, "\",2\n");
  mg_frame *f = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  assert_non_null(f);
  mg_cell cell;
  mg_frame_get(f, 0, 0, &cell);
  assert_int_equal(cell.len, big);
  mg_frame_get(f, 0, 1, &cell);
  assert_int_equal(cell.len, big);
  assert_int_equal(cell.s[big / 2], '\n');
  assert_string_equal(column_text(f, "b"), "1|2");
  mg_frame_free(f);

  n = (size_t)sprintf(text, "a\n");
  memset(text + n, '7', big);
  n += big;
  f = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  assert_string_equal(column_text(f, "a"), "inf"); /* 10^(10^7): a float too large */
  mg_frame_free(f);
  free(text);
}

/* ---- files ---------------------------------------------------------------------------------- */

static void test_files_and_gzip(void **state) {
  const char *text = "a,b\n1,x\n2,y\n";
  const char *plain = write_file("plain.csv", false, text, strlen(text));
  const char *gz = write_file("data.csv.gz", true, text, strlen(text));
  mg_frame *a = mg_read_csv(plain, NULL, NULL), *b = mg_read_csv(gz, NULL, NULL);
  assert_non_null(a);
  assert_non_null(b);
  expect_same_frames(a, b);
  assert_string_equal(column_text(b, "b"), "x|y");
  mg_frame_free(a), mg_frame_free(b);

  /* two gzip members one after the other read as one file */
  FILE *in = fopen(gz, "rb");
  char bytes[256];
  size_t n = fread(bytes, 1, sizeof bytes, in);
  fclose(in);
  const char *more = "3,z\n";
  gzFile out = gzopen(temp_path("more.csv.gz"), "wb");
  gzwrite(out, more, 4);
  gzclose(out);
  in = fopen(paths[num_files - 1], "rb");
  size_t m = fread(bytes + n, 1, sizeof bytes - n, in);
  fclose(in);
  const char *two = write_file("two.csv.gz", false, bytes, n + m);
  a = mg_read_csv(two, NULL, NULL);
  assert_non_null(a);
  assert_string_equal(column_text(a, "b"), "x|y|z");
  mg_frame_free(a);

  const char *cut = write_file("cut.csv.gz", false, bytes, n / 2);
  assert_null(mg_read_csv(cut, NULL, NULL));
  char want[256];
  snprintf(want, sizeof want, "read_csv: %s is truncated (its gzip data ends early)", cut);
  expect_error(want);
  const char *bad = write_file("bad.csv.gz", false, "\x1f\x8b\x08\0\0\0\0\0\0\x03\xff\xff\xff\xff", 14);
  assert_null(mg_read_csv(bad, NULL, NULL));
  snprintf(want, sizeof want, "read_csv: cannot read %s: invalid block type", bad);
  expect_error(want);
  assert_null(mg_read_csv(dir, NULL, NULL));
  snprintf(want, sizeof want, "read_csv: cannot read %s: Is a directory", dir);
  expect_error(want);
  snprintf(want, sizeof want, "%s/missing.csv", dir);
  assert_null(mg_read_csv(want, NULL, NULL));
  error_has("read_csv: cannot open ");
  error_has("missing.csv: No such file or directory");
}

/* Rows of i,x,s,w,q: x an int that turns float at row 70001, s one of seven strings, w an
 * int that turns to a word at row 90001 (so the first chunk is read again as text), q a
 * quoted string; row `quoted` holds a quoted field of `lines` lines. */
static char *many_rows(int rows, int quoted, int lines, size_t *n) {
  char *text = malloc((size_t)rows * 64 + (size_t)lines * 8 + 64);
  assert_non_null(text);
  size_t k = (size_t)sprintf(text, "i,x,s,w,q\n");
  for (int i = 1; i <= rows; i++) {
    k += (size_t)sprintf(text + k, i == 70001 ? "%d,%d.5,s%d," : "%d,%d,s%d,", i, i, i % 7);
    k += (size_t)sprintf(text + k, i == 90001 ? "word," : "%d,", i % 1000);
    if (i != quoted) {
      k += (size_t)sprintf(text + k, "\"q%d\"\n", i);
      continue;
    }
    text[k++] = '"';
    for (int l = 0; l < lines; l++) k += (size_t)sprintf(text + k, "l%d\n", l);
    k += (size_t)sprintf(text + k, "\"\n");
  }
  *n = k;
  return text;
}

/* In parallel chunks (2 MB and more) the result is the one of a single pass. */
static void test_chunks(void **state) {
  size_t n;
  char *text = many_rows(100000, 0, 0, &n);
  assert_true(n > (2u << 20));
  mg_set_num_threads(1);
  mg_frame *one = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  mg_set_num_threads(2);
  mg_frame *two = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  assert_non_null(one);
  assert_non_null(two);
  assert_string_equal(types_text(two), "int64 float64 string string string");
  assert_int_equal(mg_frame_nrows(two), 100000);
  expect_same_frames(one, two);
  mg_cell cell;
  mg_frame_get(two, 1, 70000, &cell);
  assert_true(cell.f == 70001.5);
  mg_frame_get(two, 3, 89998, &cell); /* row 89999 */
  assert_int_equal(cell.len, 3);
  assert_memory_equal(cell.s, "999", 3);
  mg_frame_free(one), mg_frame_free(two);

  /* a bad row in the second chunk: its line is counted from the start of the file */
  char *bad = strstr(text, "\n80000,");
  bad[3] = 'x', bad[4] = ',';
  assert_null(mg_parse_csv(text, n, "t.csv", NULL, NULL));
  expect_error("read_csv: t.csv:80001:6: expected 5 fields, got 6");
  mg_csv_options o = skipping();
  mg_csv_report report;
  char *early = strstr(text, "\n10,");
  early[3] = ';';
  two = mg_parse_csv(text, n, "t.csv", &o, &report);
  assert_int_equal(mg_frame_nrows(two), 99998);
  assert_int_equal(report.skipped, 2);
  assert_string_equal(report.first_bad, "t.csv:11:5: expected 5 fields, got 4");
  mg_frame_free(two);
  free(text);

  /* a quoted field of 200 000 lines across the middle, where the chunks are cut */
  text = many_rows(60000, 25000, 200000, &n);
  mg_set_num_threads(1);
  one = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  mg_set_num_threads(2);
  two = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  assert_non_null(one);
  assert_non_null(two);
  assert_int_equal(mg_frame_nrows(two), 60000);
  expect_same_frames(one, two);
  mg_frame_free(one), mg_frame_free(two);
  free(text);

  /* a column of gaps with quoted "" only in the last rows (the second chunk's) is text */
  text = malloc(300000 * 16);
  assert_non_null(text);
  n = (size_t)sprintf(text, "i,q\n");
  for (int i = 1; i <= 300000; i++) n += (size_t)sprintf(text + n, i > 299998 ? "%d,\"\"\n" : "%d,\n", i);
  assert_true(n > (2u << 20));
  mg_set_num_threads(1);
  one = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  mg_set_num_threads(2);
  two = mg_parse_csv(text, n, "t.csv", NULL, NULL);
  assert_non_null(one);
  assert_non_null(two);
  assert_string_equal(types_text(two), "int64 string");
  assert_int_equal(mg_frame_missing(two, 1), 299998);
  expect_same_frames(one, two);
  mg_frame_free(one), mg_frame_free(two);
  free(text);
}

/* ---- writing ----------------------------------------------------------------------------- */

static void test_write_round_trip(void **state) {
  mg_frame *f = mg_frame_new();
  const double x[] = {0.1, 1.0 / 3, 1e300, -0.0, 1.0, INFINITY, NAN, 5e-324};
  const int64_t i[] = {1, INT64_MIN, 0, 3, 4, 5, 6, 7};
  const bool ivalid[] = {true, true, false, true, true, true, true, true};
  const bool b[] = {true, false, true, false, true, false, true, false};
  const bool bvalid[] = {true, true, true, false, true, true, true, true};
  const char *s[] = {"", "NA", "a,b", "say \"hi\"", "line\nbreak", " spaced ", "é", NULL};
  const size_t len[] = {0, 2, 3, 8, 10, 8, 2, 0};
  assert_int_equal(mg_frame_set_float64(f, "x", 8, x, NULL), 0);
  assert_int_equal(mg_frame_set_int64(f, "i", 8, i, ivalid), 0);
  assert_int_equal(mg_frame_set_bool(f, "b", 8, b, bvalid), 0);
  assert_int_equal(mg_frame_set_string(f, "s,\"t\"", 8, s, len), 0);
  const char *path = temp_path("round.csv"), *gz = temp_path("round.csv.gz");
  assert_int_equal(mg_write_csv(f, path, ','), 0);
  assert_int_equal(mg_write_csv(f, gz, ','), 0);
  mg_frame *back = mg_read_csv(path, NULL, NULL), *gback = mg_read_csv(gz, NULL, NULL);
  assert_non_null(back);
  assert_non_null(gback);
  expect_same_frames(f, back);
  expect_same_frames(f, gback);
  mg_frame_free(back), mg_frame_free(gback);

  /* the text itself: the shortest digits that read back, ".0" on integral floats */
  FILE *in = fopen(path, "rb");
  char text[512];
  size_t n = fread(text, 1, sizeof text - 1, in);
  fclose(in);
  text[n] = 0;
  assert_string_equal(text, "x,i,b,\"s,\"\"t\"\"\"\n"
                            "0.1,1,true,\"\"\n"
                            "0.3333333333333333,-9223372036854775808,false,\"NA\"\n"
                            "1e+300,,true,\"a,b\"\n"
                            "-0.0,3,,\"say \"\"hi\"\"\"\n"
                            "1.0,4,true,\"line\nbreak\"\n"
                            "inf,5,false, spaced \n"
                            ",6,true,é\n"
                            "4.94065645841247e-324,7,false,\n");

  assert_int_equal(mg_write_csv(f, "/nonexistent/dir/x.csv", ','), -1);
  expect_error("write_csv: cannot open /nonexistent/dir/x.csv: No such file or directory");
  assert_int_equal(mg_write_csv(f, path, '"'), -1);
  expect_error("write_csv: the delimiter cannot be a quote, a line end or NUL");
  mg_frame_free(f);

  /* one column: a missing value is written NA, as a blank line would be skipped */
  f = csv("s,n\nx,1\nNA,NA\n\"\",3\n");
  mg_frame *strs = mg_frame_select(f, 1, (const int[]){0}, NULL);
  mg_frame *ints = mg_frame_select(f, 1, (const int[]){1}, NULL);
  assert_int_equal(mg_write_csv(strs, path, ','), 0);
  in = fopen(path, "rb");
  text[fread(text, 1, sizeof text - 1, in)] = 0;
  fclose(in);
  assert_string_equal(text, "s\nx\nNA\n\"\"\n");
  back = mg_read_csv(path, NULL, NULL);
  expect_same_frames(strs, back);
  mg_frame_free(back);
  assert_int_equal(mg_write_csv(ints, path, ','), 0);
  back = mg_read_csv(path, NULL, NULL);
  expect_same_frames(ints, back);
  mg_frame_free(back), mg_frame_free(strs), mg_frame_free(ints), mg_frame_free(f);

  /* a name starting with a byte order mark is quoted: the reader drops one at the start */
  f = csv("\n\xEF\xBB\xBF\n1\n"); /* after a blank line the mark is the name */
  assert_string_equal(names_text(f), "\xEF\xBB\xBF");
  assert_int_equal(mg_write_csv(f, path, ','), 0);
  in = fopen(path, "rb");
  text[fread(text, 1, sizeof text - 1, in)] = 0;
  fclose(in);
  assert_string_equal(text, "\"\xEF\xBB\xBF\"\n1\n");
  back = mg_read_csv(path, NULL, NULL);
  expect_same_frames(f, back);
  mg_frame_free(back), mg_frame_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_types),          cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_missing_values), cmocka_unit_test(test_quoting),
      cmocka_unit_test(test_layout),         cmocka_unit_test(test_options),
      cmocka_unit_test(test_schema),         cmocka_unit_test(test_errors),
      cmocka_unit_test(test_skip_bad_lines), cmocka_unit_test(test_huge_fields),
      cmocka_unit_test(test_files_and_gzip), cmocka_unit_test(test_chunks),
      cmocka_unit_test(test_write_round_trip),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
