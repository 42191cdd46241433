/* Tests of mg_kmeans_assign, one pass of Lloyd's k-means, on cases worked by hand, and on
 * integer-valued points (whose distances are exact) checked against a brute-force loop over
 * several blocks of rows and threads. */
#include "helpers.h"

/* An int64 {n} of labels no pass gives (-1), so the first pass changes every one. */
static mg_tensor *no_labels(int64_t n) { return mg_full(MG_INT64, 1, SHAPE(n), -1); }

/* Five points on two centers, worked by hand. Squared distances to {0,0} and {10,0}:
 * {0,0}: 0, 100   {1,0}: 1, 81   {10,0}: 100, 0   {11,1}: 122, 2   {5,0}: 25, 25 (a tie: the
 * first center). Labels 0 0 1 1 0; sums {6,0} and {21,1}; counts 3 and 2; inertia
 * 0 + 1 + 0 + 2 + 25 = 28. */
static void check_five_points(mg_dtype dt) {
  mg_tensor *x = make(dt, 2, SHAPE(5, 2), VALS(0, 0, 1, 0, 10, 0, 11, 1, 5, 0));
  mg_tensor *centers = make(dt, 2, SHAPE(2, 2), VALS(0, 0, 10, 0));
  mg_tensor *sums = mg_full(dt, 2, SHAPE(2, 2), -1), *counts = mg_full(dt, 1, SHAPE(2), -1);
  mg_tensor *labels = no_labels(5);
  assert_int_equal(mg_kmeans_assign(x, centers, labels, sums, counts, NULL), 5);
  check(labels, MG_INT64, 1, SHAPE(5), VALS(0, 0, 1, 1, 0), 0);
  check(sums, dt, 2, SHAPE(2, 2), VALS(6, 0, 21, 1), 0);
  check(counts, dt, 1, SHAPE(2), VALS(3, 2), 0);
  double inertia = -1;
  assert_int_equal(mg_kmeans_assign(x, centers, labels, NULL, NULL, &inertia), 0);
  check(labels, MG_INT64, 1, SHAPE(5), VALS(0, 0, 1, 1, 0), 0);
  assert_float_equal(inertia, 28, 1e-12);
  /* Counting changes: centers {2,0} and {10.5,0.5} keep every label ({5,0}: 9 < 30.5); with
   * {0,0} and {4,0}, {5,0} moves to the second (1 < 25). */
  mg_tensor *moved = make(dt, 2, SHAPE(2, 2), VALS(2, 0, 10.5, 0.5));
  assert_int_equal(mg_kmeans_assign(x, moved, labels, NULL, NULL, NULL), 0);
  check(labels, MG_INT64, 1, SHAPE(5), VALS(0, 0, 1, 1, 0), 0);
  mg_tensor *far = make(dt, 2, SHAPE(2, 2), VALS(0, 0, 4, 0));
  assert_int_equal(mg_kmeans_assign(x, far, labels, NULL, NULL, NULL), 1);
  check(labels, MG_INT64, 1, SHAPE(5), VALS(0, 0, 1, 1, 1), 0);
  mg_release(x), mg_release(centers), mg_release(sums), mg_release(counts), mg_release(labels),
      mg_release(moved), mg_release(far);
}

static void test_hand_worked_float64(void **state) { check_five_points(MG_FLOAT64); }
static void test_hand_worked_float32(void **state) { check_five_points(MG_FLOAT32); }

/* A center equal to an earlier one gets no points: its sum and count are 0. The new sums
 * may be written over the centers themselves. */
static void test_duplicate_center_stays_empty(void **state) {
  mg_tensor *x = make(MG_FLOAT64, 2, SHAPE(3, 1), VALS(0, 9, 12));
  mg_tensor *centers = make(MG_FLOAT64, 2, SHAPE(3, 1), VALS(1, 10, 10));
  mg_tensor *counts = mg_empty(MG_FLOAT64, 1, SHAPE(3)), *labels = no_labels(3);
  double inertia;
  assert_int_equal(mg_kmeans_assign(x, centers, labels, centers, counts, &inertia), 3);
  check(labels, MG_INT64, 1, SHAPE(3), VALS(0, 1, 1), 0);
  check(centers, MG_FLOAT64, 2, SHAPE(3, 1), VALS(0, 21, 0), 0);
  check(counts, MG_FLOAT64, 1, SHAPE(3), VALS(1, 2, 0), 0);
  assert_float_equal(inertia, 1 + 1 + 4, 1e-12); /* distances to the centers as given */
  mg_release(x), mg_release(centers), mg_release(counts), mg_release(labels);
}

/* 9000 rows of integer points (exact distances, and sums exact in float32): 36 blocks of
 * 256 rows (the last one short) in groups shared out between 1, 2 or 3 threads. Labels,
 * sums and counts as a brute-force loop gives them. */
static void test_many_rows_match_brute_force(void **state) {
  enum { N = 9000, D = 3, K = 4 };
  static double xv[N * D], expected_labels[N], expected_sums[K * D], expected_counts[K];
  const double cv[K * D] = {0, 0, 0, 6, 4, 2, 3, 2, 1, 6, 0, 2};
  double expected_inertia = 0;
  for (int i = 0; i < N; i++) {
    xv[i * D] = i % 7, xv[i * D + 1] = (i * 3) % 5, xv[i * D + 2] = (i / 10) % 3;
    int best = 0;
    double best_sq = INFINITY;
    for (int j = 0; j < K; j++) {
      double sq = 0;
      for (int q = 0; q < D; q++) {
        double diff = xv[i * D + q] - cv[j * D + q];
        sq += diff * diff;
      }
      if (sq < best_sq) best_sq = sq, best = j;
    }
    expected_labels[i] = best;
    expected_counts[best]++;
    for (int q = 0; q < D; q++) expected_sums[best * D + q] += xv[i * D + q];
    expected_inertia += best_sq;
  }
  mg_tensor *x = make(MG_FLOAT32, 2, SHAPE(N, D), xv);
  mg_tensor *centers = make(MG_FLOAT32, 2, SHAPE(K, D), cv);
  mg_tensor *sums = mg_empty(MG_FLOAT32, 2, SHAPE(K, D));
  mg_tensor *counts = mg_empty(MG_FLOAT32, 1, SHAPE(K));
  int threads = mg_get_num_threads();
  for (int t = 1; t <= 3; t++) {
    assert_int_equal(mg_set_num_threads(t), 0);
    mg_tensor *labels = no_labels(N);
    double inertia;
    assert_int_equal(mg_kmeans_assign(x, centers, labels, sums, counts, &inertia), N);
    expect(labels, MG_INT64, 1, SHAPE(N), expected_labels, 0);
    check(sums, MG_FLOAT32, 2, SHAPE(K, D), expected_sums, 0);
    check(counts, MG_FLOAT32, 1, SHAPE(K), expected_counts, 0);
    assert_float_equal(inertia, expected_inertia, 1e-9);
  }
  assert_int_equal(mg_set_num_threads(threads), 0);
  mg_release(x), mg_release(centers), mg_release(sums), mg_release(counts);
}

/* A strided x and centers of another float dtype are read as contiguous copies in x's dtype;
 * no rows give empty labels, zero sums and counts, and inertia 0. */
static void test_strided_converted_and_empty(void **state) {
  /* the points {0,0}, {1,0}, {10,0} as columns */
  mg_tensor *xt = make(MG_FLOAT64, 2, SHAPE(2, 3), VALS(0, 1, 10, 0, 0, 0));
  mg_tensor *x = mg_transpose(xt, 0, 1);
  mg_tensor *centers = make(MG_FLOAT32, 2, SHAPE(2, 2), VALS(9, 0, 0, 0));
  mg_tensor *labels = no_labels(3);
  assert_int_equal(mg_kmeans_assign(x, centers, labels, NULL, NULL, NULL), 3);
  check(labels, MG_INT64, 1, SHAPE(3), VALS(1, 1, 0), 0);
  mg_tensor *none = mg_empty(MG_FLOAT64, 2, SHAPE(0, 2)), *no_rows = no_labels(0);
  mg_tensor *sums = mg_full(MG_FLOAT64, 2, SHAPE(2, 2), 7);
  mg_tensor *counts = mg_full(MG_FLOAT64, 1, SHAPE(2), 7);
  double inertia = -1;
  assert_int_equal(mg_kmeans_assign(none, centers, no_rows, sums, counts, &inertia), 0);
  check(sums, MG_FLOAT64, 2, SHAPE(2, 2), VALS(0, 0, 0, 0), 0);
  check(counts, MG_FLOAT64, 1, SHAPE(2), VALS(0, 0), 0);
  assert_float_equal(inertia, 0, 0);
  mg_release(xt), mg_release(x), mg_release(centers), mg_release(none), mg_release(sums),
      mg_release(counts), mg_release(labels), mg_release(no_rows);
}

/* Bad arguments are refused with a message, and the outputs are left as they were. */
/* Bad arguments are refused with a message, and the outputs are left as they were. */
static void test_bad_arguments(void **state) {
  mg_tensor *x = make(MG_FLOAT32, 2, SHAPE(2, 2), VALS(0, 0, 1, 1));
  mg_tensor *centers = make(MG_FLOAT32, 2, SHAPE(1, 2), VALS(0, 0));
  mg_tensor *labels = no_labels(2);
  mg_tensor *sums = mg_full(MG_FLOAT32, 2, SHAPE(1, 2), 5);
  mg_tensor *counts = mg_full(MG_FLOAT32, 1, SHAPE(1), 5);
  mg_tensor *ints = mg_zeros(MG_INT64, 2, SHAPE(2, 2)), *flat = mg_zeros(MG_FLOAT32, 1, SHAPE(4));
  mg_tensor *wide = mg_zeros(MG_FLOAT32, 2, SHAPE(1, 3));
  mg_tensor *no_centers = mg_zeros(MG_FLOAT32, 2, SHAPE(0, 2));
  mg_tensor *sums64 = mg_zeros(MG_FLOAT64, 2, SHAPE(1, 2));
  mg_tensor *long_counts = mg_zeros(MG_FLOAT32, 1, SHAPE(2));
  mg_tensor *float_labels = mg_zeros(MG_FLOAT32, 1, SHAPE(2)), *short_labels = no_labels(1);
  assert_int_equal(mg_kmeans_assign(ints, centers, labels, NULL, NULL, NULL), -1);
  expect_error("kmeans_assign: expected x as a 2-D float tensor {n, d}, got int64 of shape "
               "{2,2}");
  assert_int_equal(mg_kmeans_assign(flat, centers, labels, NULL, NULL, NULL), -1);
  error_has("expected x as a 2-D float tensor");
  assert_int_equal(mg_kmeans_assign(x, wide, labels, NULL, NULL, NULL), -1);
  expect_error("kmeans_assign: expected centers as a 2-D float tensor {k, 2} with k >= 1, got "
               "float32 of shape {1,3}");
  assert_int_equal(mg_kmeans_assign(x, no_centers, labels, NULL, NULL, NULL), -1);
  error_has("with k >= 1, got float32 of shape {0,2}");
  assert_int_equal(mg_kmeans_assign(x, centers, float_labels, NULL, NULL, NULL), -1);
  expect_error("kmeans_assign: expected labels as a contiguous int64 tensor of shape {2}, got "
               "float32 of shape {2}");
  assert_int_equal(mg_kmeans_assign(x, centers, short_labels, NULL, NULL, NULL), -1);
  error_has("expected labels as a contiguous int64 tensor of shape {2}, got int64 of shape {1}");
  assert_int_equal(mg_kmeans_assign(x, centers, labels, sums, NULL, NULL), -1);
  expect_error("kmeans_assign: expected both sums and counts, or neither");
  assert_int_equal(mg_kmeans_assign(x, centers, labels, sums64, counts, NULL), -1);
  expect_error("kmeans_assign: expected sums as a contiguous float32 tensor of shape {1,2}, got "
               "float64 of shape {1,2}");
  assert_int_equal(mg_kmeans_assign(x, centers, labels, sums, long_counts, NULL), -1);
  error_has("expected counts as a contiguous float32 tensor of shape {1}, got float32 of "
            "shape {2}");
  check(labels, MG_INT64, 1, SHAPE(2), VALS(-1, -1), 0);
  check(sums, MG_FLOAT32, 2, SHAPE(1, 2), VALS(5, 5), 0);
  check(counts, MG_FLOAT32, 1, SHAPE(1), VALS(5), 0);
  mg_release(x), mg_release(centers), mg_release(labels), mg_release(sums), mg_release(counts),
      mg_release(ints), mg_release(flat), mg_release(wide), mg_release(no_centers),
      mg_release(sums64), mg_release(long_counts), mg_release(float_labels),
      mg_release(short_labels);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_worked_float64),
      cmocka_unit_test(test_hand_worked_float32),
      cmocka_unit_test(test_duplicate_center_stays_empty),
      cmocka_unit_test(test_many_rows_match_brute_force),
      cmocka_unit_test(test_strided_converted_and_empty),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
