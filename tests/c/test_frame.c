/* Tests of frames: building columns, taking rows, tensors, missing values, sort,
 * drop_duplicates, groupby and join. Inputs are parsed from CSV text (the reader has its
 * own tests in test_csv.c); every expected value is worked out by hand in the comments. */
#include <math.h>

#include "frame_helpers.h"

#define COLS(...) ((const int[]){__VA_ARGS__})
#define NCOLS(...) ((int)(sizeof((const int[]){__VA_ARGS__}) / sizeof(int))), COLS(__VA_ARGS__)

/* ---- building and reading columns ------------------------------------------------------- */

static void test_set_and_get(void **state) {
  mg_frame *f = mg_frame_new();
  assert_int_equal(mg_frame_nrows(f), 0);
  assert_int_equal(mg_frame_ncols(f), 0);
  const double x[] = {1.5, NAN, -2};
  assert_int_equal(mg_frame_set_float64(f, "x", 3, x, NULL), 0);
  const int64_t n[] = {7, 8, INT64_MIN};
  const bool nvalid[] = {true, false, true};
  assert_int_equal(mg_frame_set_int64(f, "n", 3, n, nvalid), 0);
  const bool b[] = {true, false, true};
  assert_int_equal(mg_frame_set_bool(f, "b", 3, b, NULL), 0);
  const char *s[] = {"a", NULL, "a\0b"};
  const size_t len[] = {1, 0, 3};
  assert_int_equal(mg_frame_set_string(f, "s", 3, s, len), 0);
  assert_int_equal(mg_frame_nrows(f), 3);
  assert_string_equal(names_text(f), "x n b s");
  assert_string_equal(types_text(f), "float64 int64 bool string");
  assert_string_equal(column_text(f, "x"), "1.5|NA|-2"); /* NaN is missing */
  assert_string_equal(column_text(f, "n"), "7|NA|-9223372036854775808");
  assert_string_equal(column_text(f, "b"), "true|false|true");
  assert_int_equal(mg_frame_missing(f, 0), 1);
  assert_int_equal(mg_frame_missing(f, 2), 0);
  assert_int_equal(mg_frame_missing(f, 3), 1);
  mg_cell cell;
  mg_frame_get(f, 3, 2, &cell); /* strings keep NUL bytes */
  assert_true(cell.valid);
  assert_int_equal(cell.len, 3);
  assert_memory_equal(cell.s, "a\0b", 3);
  assert_int_equal(mg_frame_find(f, "b"), 2);
  assert_int_equal(mg_frame_find(f, "nope"), -1);

  /* replacing a column keeps its place; a column of another length is an error */
  const int64_t m[] = {1, 2, 3};
  assert_int_equal(mg_frame_set_int64(f, "x", 3, m, NULL), 0);
  assert_string_equal(names_text(f), "x n b s");
  assert_string_equal(column_text(f, "x"), "1|2|3");
  assert_int_equal(mg_frame_set_int64(f, "y", 2, m, NULL), -1);
  expect_error("with_column: column 'y' has 2 values, expected 3 (the frame's rows)");
  assert_string_equal(names_text(f), "x n b s");
  mg_frame_free(f);
}

static void test_set_tensor(void **state) {
  mg_frame *f = mg_frame_new();
  mg_tensor *t32 = make(MG_FLOAT32, 1, SHAPE(3), VALS(0.5, NAN, 3));
  mg_tensor *i64 = make(MG_INT64, 1, SHAPE(3), VALS(-1, 0, 5));
  mg_tensor *b = make(MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1));
  mg_tensor *m = make(MG_FLOAT32, 2, SHAPE(3, 1), VALS(1, 2, 3));
  assert_int_equal(mg_frame_set_tensor(f, "f", t32), 0);
  assert_int_equal(mg_frame_set_tensor(f, "i", i64), 0);
  assert_int_equal(mg_frame_set_tensor(f, "b", b), 0);
  assert_string_equal(types_text(f), "float64 int64 bool");
  assert_string_equal(column_text(f, "f"), "0.5|NA|3");
  assert_string_equal(column_text(f, "i"), "-1|0|5");
  assert_string_equal(column_text(f, "b"), "true|false|true");
  assert_int_equal(mg_frame_set_tensor(f, "m", m), -1);
  expect_error("with_column: expected a 1-D tensor, got shape {3,1}");
  mg_release(t32), mg_release(i64), mg_release(b), mg_release(m);
  mg_frame_free(f);
}

static void test_select_take_slice_filter(void **state) {
  mg_frame *f = csv("a,b,c\n1,x,true\n2,y,false\n3,NA,true\n");
  mg_frame *s = mg_frame_select(f, NCOLS(2, 0), (const char *[]){NULL, "A"});
  assert_string_equal(names_text(s), "c A");
  assert_string_equal(column_text(s, "A"), "1|2|3");
  mg_frame_free(s);
  assert_null(mg_frame_select(f, NCOLS(0, 0), NULL));
  expect_error("select: column name 'a' repeats");
  assert_null(mg_frame_select(f, NCOLS(3), NULL));
  expect_error("select: column 4 out of range (the frame has 3)");

  mg_frame *t = mg_frame_take(f, 4, (const int64_t[]){2, 0, 2, 1});
  assert_string_equal(column_text(t, "b"), "NA|x|NA|y");
  assert_string_equal(column_text(t, "a"), "3|1|3|2");
  mg_frame_free(t);
  assert_null(mg_frame_take(f, 1, (const int64_t[]){3}));
  expect_error("take: row 4 out of range (expected 1 to 3)");

  mg_frame *sl = mg_frame_slice(f, 1, 2);
  assert_string_equal(column_text(sl, "a"), "2|3");
  mg_frame_free(sl);
  mg_frame *none = mg_frame_slice(f, 3, 0);
  assert_int_equal(mg_frame_nrows(none), 0);
  assert_string_equal(types_text(none), "int64 string bool");
  mg_frame_free(none);
  assert_null(mg_frame_slice(f, 2, 2));
  expect_error("slice: rows 3 to 4 out of range (the frame has 3)");

  mg_tensor *mask = make(MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1));
  mg_frame *kept = mg_frame_filter(f, mask);
  assert_string_equal(column_text(kept, "b"), "x|NA");
  mg_frame_free(kept);
  mg_tensor *short_mask = make(MG_BOOL, 1, SHAPE(2), VALS(1, 0));
  assert_null(mg_frame_filter(f, short_mask));
  expect_error("filter: expected a 1-D bool mask of 3 elements, got a bool tensor of shape {2}");
  mg_tensor *floats = make(MG_FLOAT32, 1, SHAPE(3), VALS(1, 0, 1));
  assert_null(mg_frame_filter(f, floats));
  expect_error("filter: expected a 1-D bool mask of 3 elements, got a float32 tensor of shape {3}");
  mg_release(mask), mg_release(short_mask), mg_release(floats);
  mg_frame_free(f);
}

/* ---- tensors ------------------------------------------------------------------------------ */

static void test_column_and_to_tensor(void **state) {
  mg_frame *f = csv("x,n,b,s\n1.5,1,true,a\nNA,NA,false,b\n-3,3,true,c\n");
  expect(mg_frame_column(f, 0, NULL), MG_FLOAT64, 1, SHAPE(3), VALS(1.5, NAN, -3), 0);
  expect(mg_frame_column(f, 0, &(double){0}), MG_FLOAT64, 1, SHAPE(3), VALS(1.5, 0, -3), 0);
  assert_null(mg_frame_column(f, 1, NULL));
  expect_error("col: column 'n' has 1 missing values, which int64 cannot hold (give a fill value)");
  expect(mg_frame_column(f, 1, &(double){-1}), MG_INT64, 1, SHAPE(3), VALS(1, -1, 3), 0);
  expect(mg_frame_column(f, 2, NULL), MG_BOOL, 1, SHAPE(3), VALS(1, 0, 1), 0);
  assert_null(mg_frame_column(f, 3, NULL));
  expect_error("col: column 's' holds strings (expected float64, int64 or bool)");

  /* {rows, columns}: NaN for the missing values of a float dtype */
  expect(mg_frame_to_tensor(f, NCOLS(0, 2), MG_FLOAT32), MG_FLOAT32, 2, SHAPE(3, 2),
         VALS(1.5, 1, NAN, 0, -3, 1), 0);
  expect(mg_frame_to_tensor(f, NCOLS(2, 1), MG_FLOAT64), MG_FLOAT64, 2, SHAPE(3, 2),
         VALS(1, 1, 0, NAN, 1, 3), 0);
  assert_null(mg_frame_to_tensor(f, NCOLS(1), MG_INT64));
  expect_error("to_tensor: column 'n' has 1 missing values, which int64 cannot hold (give a fill value)");
  assert_null(mg_frame_to_tensor(f, NCOLS(0, 3), MG_FLOAT32));
  expect_error("to_tensor: column 's' holds strings (expected float64, int64 or bool)");
  mg_frame_free(f);

  /* int64 to int64 is exact beyond 2^53 */
  mg_frame *big = csv("a\n9007199254740993\n-9223372036854775808\n");
  mg_tensor *t = mg_frame_to_tensor(big, NCOLS(0), MG_INT64);
  assert_non_null(t);
  assert_int_equal(iat(t, 0), INT64_C(9007199254740993));
  assert_int_equal(iat(t, 1), INT64_MIN);
  mg_release(t);
  mg_frame_free(big);
}

/* ---- missing values ---------------------------------------------------------------------- */

static const char *const gaps = "a,b,c\n1,x,1.5\nNA,y,2.5\n3,NA,NA\nNA,NA,NA\n";

static void test_dropna(void **state) {
  mg_frame *f = csv(gaps);
  mg_frame *any = mg_frame_dropna(f, NCOLS(0, 1, 2), false);
  assert_string_equal(column_text(any, "b"), "x");
  mg_frame *all = mg_frame_dropna(f, NCOLS(0, 1, 2), true);
  assert_string_equal(column_text(all, "b"), "x|y|NA");
  mg_frame *sub = mg_frame_dropna(f, NCOLS(0), false);
  assert_string_equal(column_text(sub, "a"), "1|3");
  mg_frame *bc = mg_frame_dropna(f, NCOLS(1, 2), true);
  assert_string_equal(column_text(bc, "c"), "1.5|2.5");
  mg_frame_free(any), mg_frame_free(all), mg_frame_free(sub), mg_frame_free(bc);
  mg_frame_free(f);
}

static void test_fillna(void **state) {
  mg_frame *f = csv(gaps);
  mg_frame *g = mg_frame_copy(f);
  assert_int_equal(mg_frame_fillna_(g, 0, MG_FILL_VALUE, &(mg_cell){.type = MG_COL_INT64, .i = 0}), 0);
  assert_int_equal(mg_frame_fillna_(g, 1, MG_FILL_VALUE,
                                    &(mg_cell){.type = MG_COL_STRING, .s = "?", .len = 1}), 0);
  assert_int_equal(mg_frame_fillna_(g, 2, MG_FILL_VALUE, &(mg_cell){.type = MG_COL_INT64, .i = -1}), 0);
  assert_string_equal(column_text(g, "a"), "1|0|3|0");
  assert_string_equal(column_text(g, "b"), "x|y|?|?");
  assert_string_equal(column_text(g, "c"), "1.5|2.5|-1|-1");
  assert_string_equal(column_text(f, "b"), "x|y|NA|NA"); /* f is as it was */
  mg_frame_free(g);

  g = mg_frame_copy(f);
  for (int c = 0; c < 3; c++) assert_int_equal(mg_frame_fillna_(g, c, MG_FILL_FORWARD, NULL), 0);
  assert_string_equal(column_text(g, "a"), "1|1|3|3");
  assert_string_equal(column_text(g, "b"), "x|y|y|y");
  assert_string_equal(column_text(g, "c"), "1.5|2.5|2.5|2.5");
  mg_frame_free(g);

  /* mean of c: (1.5 + 2.5) / 2 = 2; median of a: (1 + 3) / 2 = 2, as float64 */
  g = mg_frame_copy(f);
  assert_int_equal(mg_frame_fillna_(g, 2, MG_FILL_MEAN, NULL), 0);
  assert_int_equal(mg_frame_fillna_(g, 0, MG_FILL_MEDIAN, NULL), 0);
  assert_string_equal(column_text(g, "c"), "1.5|2.5|2|2");
  assert_string_equal(types_text(g), "float64 string float64");
  assert_string_equal(column_text(g, "a"), "1|2|3|2");
  mg_frame_free(g);

  /* a leading gap stays after a forward fill; an empty column keeps its gaps */
  mg_frame *lead = csv("a,b\nNA,NA\n2,NA\n");
  assert_int_equal(mg_frame_fillna_(lead, 0, MG_FILL_FORWARD, NULL), 0);
  assert_int_equal(mg_frame_fillna_(lead, 1, MG_FILL_MEAN, NULL), 0);
  assert_string_equal(column_text(lead, "a"), "NA|2");
  assert_string_equal(column_text(lead, "b"), "NA|NA");
  mg_frame_free(lead);

  /* a NaN put into float64 is missing: filling with it leaves the gaps as they were */
  g = mg_frame_copy(f);
  assert_int_equal(mg_frame_fillna_(g, 2, MG_FILL_VALUE, &(mg_cell){.type = MG_COL_FLOAT64, .f = NAN}), 0);
  assert_string_equal(column_text(g, "c"), "1.5|2.5|NA|NA");
  assert_int_equal(mg_frame_missing(g, 2), 2);
  mg_frame_free(g);

  assert_int_equal(mg_frame_fillna_(f, 0, MG_FILL_VALUE, &(mg_cell){.type = MG_COL_STRING, .s = "?", .len = 1}), -1);
  expect_error("fillna: column 'a' is int64, which cannot hold a string fill value");
  assert_int_equal(mg_frame_fillna_(f, 0, MG_FILL_VALUE, &(mg_cell){.type = MG_COL_FLOAT64, .f = 2.5}), -1);
  expect_error("fillna: column 'a' is int64, which cannot hold a float64 fill value");
  assert_int_equal(mg_frame_fillna_(f, 1, MG_FILL_MEAN, NULL), -1);
  expect_error("fillna: column 'b' is string; its mean needs numbers");
  assert_string_equal(column_text(f, "a"), "1|NA|3|NA");
  mg_frame_free(f);
}

/* ---- drop_duplicates and sort ------------------------------------------------------------------ */

static void test_drop_duplicates(void **state) {
  mg_frame *f = csv("a,b\n1,x\n2,y\n1,x\nNA,z\nNA,z\n1,w\n");
  /* all columns: rows 1, 2, 4, 6 are first of their kind (missing equals missing) */
  mg_frame *first = mg_frame_drop_duplicates(f, NCOLS(0, 1), false);
  assert_string_equal(column_text(first, "a"), "1|2|NA|1");
  assert_string_equal(column_text(first, "b"), "x|y|z|w");
  /* the last of each kind: rows 2, 3, 5, 6 */
  mg_frame *last = mg_frame_drop_duplicates(f, NCOLS(0, 1), true);
  assert_string_equal(column_text(last, "b"), "y|x|z|w");
  /* by a alone: rows 1, 2, 4 first; rows 2, 5, 6 last */
  mg_frame *a_first = mg_frame_drop_duplicates(f, NCOLS(0), false);
  assert_string_equal(column_text(a_first, "b"), "x|y|z");
  mg_frame *a_last = mg_frame_drop_duplicates(f, NCOLS(0), true);
  assert_string_equal(column_text(a_last, "b"), "y|z|w");
  mg_frame_free(first), mg_frame_free(last), mg_frame_free(a_first), mg_frame_free(a_last);
  mg_frame_free(f);

  /* 0.0 and -0.0 are one value; 0.1 + 0.2 is not 0.3 */
  mg_frame *z = csv("x\n0.0\n-0.0\n0.30000000000000004\n0.3\n");
  mg_frame *u = mg_frame_drop_duplicates(z, NCOLS(0), false);
  assert_string_equal(column_text(u, "x"), "0|0.30000000000000004|0.29999999999999999");
  mg_frame_free(u), mg_frame_free(z);
}

static void test_sort(void **state) {
  mg_frame *f = csv("a,b\n2,x\n1,y\nNA,z\n2,w\n1,v\n");
  mg_frame *s = mg_frame_sort(f, NCOLS(0), NULL); /* stable; missing last */
  assert_string_equal(column_text(s, "b"), "y|v|x|w|z");
  mg_frame_free(s);
  s = mg_frame_sort(f, NCOLS(0), (const bool[]){true}); /* missing last here too */
  assert_string_equal(column_text(s, "b"), "x|w|y|v|z");
  mg_frame_free(s);
  s = mg_frame_sort(f, NCOLS(0, 1), (const bool[]){false, true});
  assert_string_equal(column_text(s, "b"), "y|v|x|w|z");
  mg_frame_free(s);
  s = mg_frame_sort(f, NCOLS(0, 1), (const bool[]){true, false});
  assert_string_equal(column_text(s, "b"), "w|x|v|y|z");
  assert_string_equal(column_text(s, "a"), "2|2|1|1|NA");
  mg_frame_free(s);
  mg_frame_free(f);

  /* strings sort by bytes: "" < "B" < "a" < "b" < "é" (0xC3 0xA9); floats by value */
  mg_frame *t = csv("s,x\nb,2.5\nB,-1\n\"\",1e300\né,-inf\na,NA\n");
  s = mg_frame_sort(t, NCOLS(0), NULL);
  assert_string_equal(column_text(s, "s"), "|B|a|b|é");
  mg_frame_free(s);
  s = mg_frame_sort(t, NCOLS(1), NULL);
  assert_string_equal(column_text(s, "x"), "-inf|-1|2.5|1.0000000000000001e+300|NA");
  mg_frame_free(s);
  mg_frame_free(t);
}

/* ---- groupby -------------------------------------------------------------------------------- */

/* Groups by k: a holds rows 1, 3, 4 (v = 1, NA, 4; s = x, x, z), b rows 2 and 5 (v = 2, 8;
 * s = y, y), and row 6 has no key. */
static const char *const table = "k,g,v,s,t\n"
                                 "a,1,1.0,x,true\n"
                                 "b,1,2.0,y,true\n"
                                 "a,2,NA,x,false\n"
                                 "a,1,4.0,z,true\n"
                                 "b,2,8.0,y,NA\n"
                                 "NA,1,16.0,w,true\n";

static void test_groupby_numbers(void **state) {
  mg_frame *f = csv(table);
  const mg_agg_spec aggs[] = {
      {2, MG_AGG_COUNT, "count"}, {2, MG_AGG_SUM, "sum"},   {2, MG_AGG_MEAN, "mean"},
      {2, MG_AGG_MIN, "min"},     {2, MG_AGG_MAX, "max"},   {2, MG_AGG_STD, "std"},
      {2, MG_AGG_NUNIQUE, "nu"},  {2, MG_AGG_FIRST, "first"}, {2, MG_AGG_LAST, "last"},
      {1, MG_AGG_SUM, "gsum"},    {4, MG_AGG_SUM, "tsum"}};
  mg_frame *g = mg_frame_groupby(f, NCOLS(0), 11, aggs, false, false);
  assert_non_null(g);
  assert_string_equal(names_text(g), "k count sum mean min max std nu first last gsum tsum");
  assert_string_equal(types_text(g), "string int64 float64 float64 float64 float64 float64 int64 "
                                     "float64 float64 int64 int64");
  assert_string_equal(column_text(g, "k"), "a|b");
  assert_string_equal(column_text(g, "count"), "2|2");
  assert_string_equal(column_text(g, "sum"), "5|10");
  assert_string_equal(column_text(g, "mean"), "2.5|5");
  assert_string_equal(column_text(g, "min"), "1|2");
  assert_string_equal(column_text(g, "max"), "4|8");
  /* a: sqrt(((1 - 2.5)^2 + (4 - 2.5)^2) / 1) = sqrt(4.5); b: sqrt((3^2 + 3^2) / 1) = sqrt(18) */
  assert_string_equal(column_text(g, "std"), "2.1213203435596424|4.2426406871192848");
  assert_string_equal(column_text(g, "nu"), "2|2");
  assert_string_equal(column_text(g, "first"), "1|2");
  assert_string_equal(column_text(g, "last"), "4|8");
  assert_string_equal(column_text(g, "gsum"), "4|3");  /* 1 + 2 + 1, 1 + 2 */
  assert_string_equal(column_text(g, "tsum"), "2|1");  /* true, false, true; true, NA */
  mg_frame_free(g);

  /* the missing key kept as a group of its own: v = 16 alone, so no std */
  g = mg_frame_groupby(f, NCOLS(0), 11, aggs, true, true);
  assert_string_equal(column_text(g, "k"), "a|b|NA");
  assert_string_equal(column_text(g, "sum"), "5|10|16");
  assert_string_equal(column_text(g, "std"), "2.1213203435596424|4.2426406871192848|NA");
  mg_frame_free(g);
  mg_frame_free(f);
}

static void test_groupby_keys_and_strings(void **state) {
  mg_frame *f = csv(table);
  const mg_agg_spec aggs[] = {{3, MG_AGG_NUNIQUE, "nu"}, {3, MG_AGG_MIN, "min"},
                              {3, MG_AGG_MAX, "max"},    {3, MG_AGG_FIRST, "first"},
                              {3, MG_AGG_LAST, "last"},  {3, MG_AGG_COUNT, "n"}};
  mg_frame *g = mg_frame_groupby(f, NCOLS(0), 6, aggs, true, false);
  assert_string_equal(column_text(g, "nu"), "2|1");
  assert_string_equal(column_text(g, "min"), "x|y");
  assert_string_equal(column_text(g, "max"), "z|y");
  assert_string_equal(column_text(g, "first"), "x|y");
  assert_string_equal(column_text(g, "last"), "z|y");
  assert_string_equal(column_text(g, "n"), "3|2");
  mg_frame_free(g);

  /* two keys: (a,1) rows 1, 4; (b,1) row 2; (a,2) row 3 (v missing); (b,2) row 5 */
  const mg_agg_spec sum[] = {{2, MG_AGG_SUM, "v"}, {2, MG_AGG_MEAN, "m"}};
  g = mg_frame_groupby(f, NCOLS(0, 1), 2, sum, false, false);
  assert_string_equal(column_text(g, "k"), "a|b|a|b");
  assert_string_equal(column_text(g, "g"), "1|1|2|2");
  assert_string_equal(column_text(g, "v"), "5|2|0|8");
  assert_string_equal(column_text(g, "m"), "2.5|2|NA|8");
  mg_frame_free(g);
  g = mg_frame_groupby(f, NCOLS(0, 1), 2, sum, true, false);
  assert_string_equal(column_text(g, "k"), "a|a|b|b");
  assert_string_equal(column_text(g, "g"), "1|2|1|2");
  assert_string_equal(column_text(g, "v"), "5|0|2|8");
  mg_frame_free(g);

  assert_null(mg_frame_groupby(f, NCOLS(0), 1, (const mg_agg_spec[]){{3, MG_AGG_MEAN, "m"}}, true, false));
  expect_error("groupby: cannot take the mean of column 's' (strings)");
  assert_null(mg_frame_groupby(f, NCOLS(0), 2, (const mg_agg_spec[]){{2, MG_AGG_SUM, "k"}, {2, MG_AGG_MIN, "x"}}, true, false));
  expect_error("groupby: column name 'k' repeats");
  assert_null(mg_frame_groupby(f, 0, NULL, 0, NULL, true, false));
  expect_error("groupby: expected at least one key column");
  mg_frame_free(f);
}

/* ---- join --------------------------------------------------------------------------------- */

static void test_join(void **state) {
  mg_frame *left = csv("id,x\n1,a\n2,b\n3,c\nNA,d\n2,e\n");
  mg_frame *right = csv("id,y,x\n2,20,p\n2,21,q\n3,30,r\n4,40,s\nNA,50,t\n");
  const char *const suffixes[2] = {"_x", "_y"};
  /* left rows in order, each with its matches in right's order; missing keys match nothing */
  mg_frame *in = mg_frame_join(left, right, 1, COLS(0), COLS(0), MG_JOIN_INNER, suffixes);
  assert_non_null(in);
  assert_string_equal(names_text(in), "id x_x y x_y");
  assert_string_equal(column_text(in, "id"), "2|2|3|2|2");
  assert_string_equal(column_text(in, "x_x"), "b|b|c|e|e");
  assert_string_equal(column_text(in, "y"), "20|21|30|20|21");
  assert_string_equal(column_text(in, "x_y"), "p|q|r|p|q");
  mg_frame_free(in);
  mg_frame *lj = mg_frame_join(left, right, 1, COLS(0), COLS(0), MG_JOIN_LEFT, suffixes);
  assert_string_equal(column_text(lj, "id"), "1|2|2|3|NA|2|2");
  assert_string_equal(column_text(lj, "x_x"), "a|b|b|c|d|e|e");
  assert_string_equal(column_text(lj, "y"), "NA|20|21|30|NA|20|21");
  assert_string_equal(column_text(lj, "x_y"), "NA|p|q|r|NA|p|q");
  mg_frame_free(lj);

  /* two keys, named differently on each side */
  mg_frame *l2 = csv("a,b,v\n1,x,10\n1,y,11\n2,x,12\n");
  mg_frame *r2 = csv("k1,k2,w\n1,y,100\n2,x,200\n2,y,300\n");
  mg_frame *j2 = mg_frame_join(l2, r2, 2, COLS(0, 1), COLS(0, 1), MG_JOIN_LEFT, suffixes);
  assert_string_equal(names_text(j2), "a b v w");
  assert_string_equal(column_text(j2, "w"), "NA|100|200");
  mg_frame_free(j2), mg_frame_free(l2), mg_frame_free(r2);

  /* keys of empty strings alone, in two dictionaries (compared by their bytes) */
  l2 = csv("k,v\n\"\",1\n\"\",2\n");
  r2 = csv("k,w\n\"\",3\n");
  j2 = mg_frame_join(l2, r2, 1, COLS(0), COLS(0), MG_JOIN_INNER, suffixes);
  assert_string_equal(column_text(j2, "w"), "3|3");
  mg_frame_free(j2), mg_frame_free(l2), mg_frame_free(r2);

  assert_null(mg_frame_join(left, right, 1, COLS(0), COLS(2), MG_JOIN_INNER, suffixes));
  expect_error("join: key 'id' is int64 on the left but 'x' is string on the right");
  mg_frame_free(left), mg_frame_free(right);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_set_and_get),      cmocka_unit_test(test_set_tensor),
      cmocka_unit_test(test_select_take_slice_filter), cmocka_unit_test(test_column_and_to_tensor),
      cmocka_unit_test(test_dropna),           cmocka_unit_test(test_fillna),
      cmocka_unit_test(test_drop_duplicates),  cmocka_unit_test(test_sort),
      cmocka_unit_test(test_groupby_numbers),  cmocka_unit_test(test_groupby_keys_and_strings),
      cmocka_unit_test(test_join),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
