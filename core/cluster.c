/* k-means: one pass of Lloyd's algorithm as scikit-learn's lloyd_iter_chunked_dense runs it.
 * The rows are taken a block at a time, small enough to stay in cache while BLAS computes
 * their distances to every center, each row is labelled, and the rows are added to their
 * cluster's sum, so the data is read from memory once per pass. The blocks form a fixed
 * number of contiguous groups, each with its own sums, added up in group order afterwards;
 * the pool's threads take the groups one at a time, so a thread that the system holds back
 * (the machine is shared) leaves the rest of its share to the others. The results do not
 * depend on which thread ran which group, nor on the thread count (up to MAX_GROUPS threads)
 * unless the groups' sums outgrow GROUP_SUMS_BUDGET. */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

/* scikit-learn's chunk: 256 rows of 32 float32 features are 32 KiB. */
#define BLOCK_ROWS 256
/* Groups of blocks: enough for threads to even out; fewer when the sums of one group
 * (k x d elements) are large, but never fewer than the threads. */
#define MAX_GROUPS 32
#define GROUP_SUMS_BUDGET (4 << 20) /* bytes of all the groups' sums */

typedef struct {
  const mg_blas_api *blas;
  const void *x, *centers;
  const void *center_norms; /* ||c||^2 per center, in x's dtype */
  int64_t n, d, k, blocks, groups;
  _Atomic int64_t next_group; /* the next group a thread takes */
  int64_t *labels;
  bool sums_wanted, inertia_wanted;
  void *group_sums;       /* groups x k x d, in x's dtype */
  int64_t *group_counts;  /* groups x k */
  int64_t *group_changed; /* groups: rows whose label changed */
  double *group_inertia;  /* groups */
  void *distances;        /* threads x BLOCK_ROWS x k, in x's dtype */
} assign_job;

/* ||a - b||^2 in float64, over four running sums: one would wait on each addition. */
#define DEFINE_SQ_DISTANCE(T)                                                                    \
  static double sq_distance_##T(const T *a, const T *b, int64_t d) {                             \
    double s[4] = {0, 0, 0, 0};                                                                  \
    int64_t q = 0;                                                                               \
    for (; q + 4 <= d; q += 4)                                                                   \
      for (int i = 0; i < 4; i++) {                                                              \
        double diff = (double)a[q + i] - (double)b[q + i];                                       \
        s[i] += diff * diff;                                                                     \
      }                                                                                          \
    for (; q < d; q++) {                                                                         \
      double diff = (double)a[q] - (double)b[q];                                                 \
      s[0] += diff * diff;                                                                       \
    }                                                                                            \
    return (s[0] + s[1]) + (s[2] + s[3]);                                                        \
  }
DEFINE_SQ_DISTANCE(float)
DEFINE_SQ_DISTANCE(double)

/* Group g of the job, with room for one block's distances at dist. Distances less ||x||^2
 * (the same for every center of a row) are ||c||^2 - 2 x.c, from one GEMM per block; a row
 * goes to the first nearest center. Its squared distance for the inertia is summed from the
 * differences. The pool runs name over thread slots [slot, end): each slot takes groups
 * until none is left. */
#define DEFINE_ASSIGN(name, T, gemm)                                                             \
  static void name##_group(const assign_job *job, int64_t g, T *dist) {                          \
    const T *x = job->x, *centers = job->centers, *norms = job->center_norms;                    \
    int64_t d = job->d, k = job->k;                                                              \
    T *sums = (T *)job->group_sums + g * k * d;                                                  \
    int64_t *counts = job->group_counts + g * k;                                                 \
    double inertia = 0;                                                                          \
    int64_t changed = 0;                                                                         \
    if (job->sums_wanted) {                                                                      \
      memset(sums, 0, (size_t)(k * d) * sizeof *sums);                                           \
      memset(counts, 0, (size_t)k * sizeof *counts);                                             \
    }                                                                                            \
    for (int64_t b = job->blocks * g / job->groups; b < job->blocks * (g + 1) / job->groups;     \
         b++) {                                                                                  \
      int64_t start = b * BLOCK_ROWS;                                                            \
      int64_t rows = job->n - start < BLOCK_ROWS ? job->n - start : BLOCK_ROWS;                  \
      for (int64_t r = 0; r < rows; r++) memcpy(dist + r * k, norms, (size_t)k * sizeof *dist);   \
      job->blas->gemm(ROW_MAJOR, NO_TRANS, TRANS, (int)rows, (int)k, (int)d, -2, x + start * d,  \
                      (int)d, centers, (int)d, 1, dist, (int)k);                                 \
      for (int64_t r = 0; r < rows; r++) {                                                       \
        const T *row_dist = dist + r * k, *point = x + (start + r) * d;                          \
        int64_t label = 0;                                                                       \
        T nearest = row_dist[0];                                                                 \
        for (int64_t j = 1; j < k; j++) { /* selects, not branches: those mispredict */          \
          bool nearer = row_dist[j] < nearest;                                                   \
          nearest = nearer ? row_dist[j] : nearest;                                              \
          label = nearer ? j : label;                                                            \
        }                                                                                        \
        changed += job->labels[start + r] != label;                                              \
        job->labels[start + r] = label;                                                          \
        if (job->sums_wanted) {                                                                  \
          T *sum = sums + label * d;                                                             \
          for (int64_t q = 0; q < d; q++) sum[q] += point[q];                                    \
          counts[label]++;                                                                       \
        }                                                                                        \
        if (job->inertia_wanted) inertia += sq_distance_##T(point, centers + label * d, d);     \
      }                                                                                          \
    }                                                                                            \
    job->group_inertia[g] = inertia;                                                             \
    job->group_changed[g] = changed;                                                             \
  }                                                                                              \
  static void name(void *ctx, int64_t slot, int64_t end) {                                       \
    assign_job *job = ctx;                                                                       \
    T *dist = (T *)job->distances + slot * BLOCK_ROWS * job->k;                                  \
    for (int64_t g; (g = atomic_fetch_add(&job->next_group, 1)) < job->groups;)                  \
      name##_group(job, g, dist);                                                                \
  }                                                                                              \
  /* out_sums = the groups' sums added in group order; out_counts likewise, as T. */             \
  static void name##_merge(const assign_job *job, T *out_sums, T *out_counts) {                  \
    int64_t kd = job->k * job->d;                                                                \
    const T *group_sums = job->group_sums;                                                       \
    memcpy(out_sums, group_sums, (size_t)kd * sizeof *out_sums);                                 \
    for (int64_t g = 1; g < job->groups; g++)                                                    \
      for (int64_t i = 0; i < kd; i++) out_sums[i] += group_sums[g * kd + i];                    \
    for (int64_t j = 0; j < job->k; j++) {                                                       \
      int64_t count = 0;                                                                         \
      for (int64_t g = 0; g < job->groups; g++) count += job->group_counts[g * job->k + j];      \
      out_counts[j] = (T)count;                                                                  \
    }                                                                                            \
  }                                                                                              \
  static void name##_norms(const assign_job *job, T *norms) {                                    \
    const T *centers = job->centers;                                                             \
    for (int64_t j = 0; j < job->k; j++) {                                                       \
      const T *center = centers + j * job->d;                                                    \
      T sq = 0;                                                                                  \
      for (int64_t q = 0; q < job->d; q++) sq += center[q] * center[q];                          \
      norms[j] = sq;                                                                             \
    }                                                                                            \
  }
DEFINE_ASSIGN(assign_f32, float, sgemm)
DEFINE_ASSIGN(assign_f64, double, dgemm)

/* Checks an output of the pass: contiguous, of the given dtype and shape. */
static int check_output(const char *name, mg_tensor *t, mg_dtype dtype, int ndim,
                        const int64_t *size) {
  char want[MG_SHAPE_STR], got[MG_SHAPE_STR];
  bool shape_ok = t->ndim == ndim;
  for (int i = 0; shape_ok && i < ndim; i++) shape_ok = t->size[i] == size[i];
  if (!shape_ok || t->dtype != dtype || !mg_is_contiguous(t))
    return mg_fail("kmeans_assign: expected %s as a contiguous %s tensor of shape %s, got %s%s "
                   "of shape %s", name, mg_dtype_name(dtype), mg_shape_str(ndim, size, want),
                   mg_is_contiguous(t) ? "" : "non-contiguous ", mg_dtype_name(t->dtype),
                   mg_shape_str(t->ndim, t->size, got));
  return mg_prepare_write("kmeans_assign", t, 0, NULL);
}

static int check_arguments(const mg_tensor *x, const mg_tensor *centers, mg_tensor *labels,
                           mg_tensor *sums, mg_tensor *counts) {
  char got[MG_SHAPE_STR];
  if (x->ndim != 2 || !mg_dtype_is_float(x->dtype))
    return mg_fail("kmeans_assign: expected x as a 2-D float tensor {n, d}, got %s of shape %s",
                   mg_dtype_name(x->dtype), mg_shape_str(x->ndim, x->size, got));
  if (centers->ndim != 2 || !mg_dtype_is_float(centers->dtype) ||
      centers->size[1] != x->size[1] || centers->size[0] < 1)
    return mg_fail("kmeans_assign: expected centers as a 2-D float tensor {k, %lld} with k >= 1, "
                   "got %s of shape %s", (long long)x->size[1],
                   mg_dtype_name(centers->dtype), mg_shape_str(centers->ndim, centers->size, got));
  if (x->size[1] < 1 || x->size[1] > INT_MAX || centers->size[0] > INT_MAX)
    return mg_fail("kmeans_assign: expected 1 to %d features and centers, got %lld and %lld",
                   INT_MAX, (long long)x->size[1], (long long)centers->size[0]);
  if (check_output("labels", labels, MG_INT64, 1, x->size)) return -1;
  if ((sums == NULL) != (counts == NULL))
    return mg_fail("kmeans_assign: expected both sums and counts, or neither");
  if (sums) {
    if (check_output("sums", sums, x->dtype, 2, (const int64_t[]){centers->size[0], x->size[1]}) ||
        check_output("counts", counts, x->dtype, 1, (const int64_t[]){centers->size[0]}))
      return -1;
    if (mg_same_storage(sums, counts) || mg_same_storage(sums, labels) ||
        mg_same_storage(counts, labels))
      return mg_fail("kmeans_assign: labels, sums and counts should not share memory");
  }
  return 0;
}

int64_t mg_kmeans_assign(const mg_tensor *x, const mg_tensor *centers, mg_tensor *labels,
                         mg_tensor *sums, mg_tensor *counts, double *inertia) {
  if (check_arguments(x, centers, labels, sums, counts)) return -1;
  const mg_blas_api *blas = mg_blas();
  if (!blas) return -1;
  int64_t n = x->size[0], d = x->size[1], k = centers->size[0];
  size_t elem = mg_dtype_size(x->dtype);
  int64_t blocks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
  int threads = mg_get_num_threads();
  int64_t groups = GROUP_SUMS_BUDGET / ((int64_t)elem * k * d);
  groups = groups > MAX_GROUPS ? MAX_GROUPS : groups < threads ? threads : groups;
  if (groups > blocks) groups = blocks > 0 ? blocks : 1;
  int workers = groups < threads ? (int)groups : threads;
  /* The operands as contiguous x-dtype copies where they are not already */
  mg_tensor *xs = mg_is_contiguous(x) ? mg_retain((mg_tensor *)x)
                                       : mg_copy_as("kmeans_assign", x, x->dtype);
  mg_tensor *cs = mg_is_contiguous(centers) && centers->dtype == x->dtype
                      ? mg_retain((mg_tensor *)centers)
                      : mg_copy_as("kmeans_assign", centers, x->dtype);
  size_t group_bytes = (size_t)groups * (sizeof(int64_t) + sizeof(double)); /* changed, inertia */
  size_t counts_bytes = (size_t)(groups * k) * sizeof(int64_t);
  size_t sums_bytes = (size_t)(groups * k * d) * elem;
  size_t dist_bytes = (size_t)workers * BLOCK_ROWS * (size_t)k * elem;
  size_t norms_bytes = (size_t)k * elem;
  char *scratch = malloc(group_bytes + counts_bytes + sums_bytes + dist_bytes + norms_bytes);
  if (!xs || !cs || !scratch) {
    if (xs && cs) mg_fail("kmeans_assign: out of memory for %lld x %lld distances",
                          (long long)workers * BLOCK_ROWS, (long long)k);
    mg_release(xs), mg_release(cs), free(scratch);
    return -1;
  }
  /* One allocation for the scratch: the 8-byte arrays first, so each is aligned. */
  assign_job job = {.blas = blas, .x = mg_data(xs), .centers = mg_data(cs), .n = n, .d = d,
                    .k = k, .blocks = blocks, .groups = groups, .labels = mg_data(labels),
                    .sums_wanted = sums != NULL, .inertia_wanted = inertia != NULL};
  atomic_init(&job.next_group, 0);
  job.group_inertia = (double *)scratch;
  job.group_changed = (int64_t *)(scratch + (size_t)groups * sizeof(double));
  job.group_counts = (int64_t *)(scratch + group_bytes);
  job.group_sums = scratch + group_bytes + counts_bytes;
  job.distances = scratch + group_bytes + counts_bytes + sums_bytes;
  void *norms = scratch + group_bytes + counts_bytes + sums_bytes + dist_bytes;
  job.center_norms = norms;
  bool f32 = x->dtype == MG_FLOAT32;
  if (f32) assign_f32_norms(&job, norms);
  else assign_f64_norms(&job, norms);
  /* Each thread makes its own small GEMMs; BLAS threads under them would only contend. */
  if (workers > 1) mg_blas_set_threads(1);
  mg_parallel_for(workers, 1, f32 ? assign_f32 : assign_f64, &job);
  if (workers > 1) mg_blas_set_threads(threads);
  if (sums) {
    if (f32) assign_f32_merge(&job, mg_data(sums), mg_data(counts));
    else assign_f64_merge(&job, mg_data(sums), mg_data(counts));
  }
  if (inertia) *inertia = 0;
  int64_t changed = 0;
  for (int64_t g = 0; g < groups; g++) {
    if (inertia) *inertia += job.group_inertia[g];
    changed += job.group_changed[g];
  }
  mg_release(xs), mg_release(cs);
  free(scratch);
  return changed;
}
