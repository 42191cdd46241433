/* Broadcasting, strided iteration over several operands, and the one thread pool. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int mg_broadcast_shapes(const char *what, int na, const int64_t *sa, int nb,
                        const int64_t *sb, int *nout, int64_t *out) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  int n = na > nb ? na : nb;
  for (int d = 0; d < n; d++) {
    int64_t x = d < n - na ? 1 : sa[d - (n - na)];
    int64_t y = d < n - nb ? 1 : sb[d - (n - nb)];
    if (x != y && x != 1 && y != 1)
      return mg_fail("%s: shapes %s and %s cannot be broadcast (dimension %d: %lld vs %lld)",
                     what, mg_shape_str(na, sa, b1), mg_shape_str(nb, sb, b2), d + 1,
                     (long long)x, (long long)y);
    out[d] = x == 1 ? y : x;
  }
  *nout = n;
  return 0;
}

/* ---- the thread pool: workers sleep on a condition variable between jobs, so they never
 * spin against OpenBLAS's threads. ------------------------------------------------------ */

#define MAX_THREADS 64

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t dispatch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;
static _Atomic int num_threads; /* 0 until first asked: then the number of online CPUs */
static int num_workers; /* started so far; workers stay, idle ones sleep */
static uint64_t generation;
static int pending;
static struct {
  mg_range_fn fn;
  void *ctx;
  int64_t n;
  int parts;
} job;
static uint64_t start_generation[MAX_THREADS]; /* the generation each worker starts from */
static _Thread_local bool inside_pool;

static void run_part(mg_range_fn fn, void *ctx, int64_t n, int parts, int i) {
  fn(ctx, n * i / parts, n * (i + 1) / parts);
}

static void *worker_main(void *arg) {
  int id = (int)(intptr_t)arg; /* runs part id + 1; the caller runs part 0 */
  inside_pool = true;
  pthread_mutex_lock(&pool_lock);
  uint64_t seen = start_generation[id];
  for (;;) {
    while (generation == seen) pthread_cond_wait(&work_ready, &pool_lock);
    seen = generation;
    if (id + 1 >= job.parts) continue;
    mg_range_fn fn = job.fn;
    void *ctx = job.ctx;
    int64_t n = job.n;
    int parts = job.parts;
    pthread_mutex_unlock(&pool_lock);
    run_part(fn, ctx, n, parts, id + 1);
    pthread_mutex_lock(&pool_lock);
    if (--pending == 0) pthread_cond_signal(&work_done);
  }
  return NULL;
}

int mg_get_num_threads(void) {
  int n = atomic_load_explicit(&num_threads, memory_order_relaxed);
  if (n == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
    int unset = 0;
    if (!atomic_compare_exchange_strong(&num_threads, &unset, n)) n = unset;
  }
  return n;
}

int mg_set_num_threads(int n) {
  if (n < 1 || n > MAX_THREADS)
    return mg_fail("set_num_threads: expected a number of threads from 1 to %d, got %d",
                   MAX_THREADS, n);
  atomic_store(&num_threads, n);
  mg_blas_set_threads(n);
  return 0;
}

/* Starts workers up to `wanted` (under pool_lock, before the job's generation is published,
 * so a new worker cannot miss it); returns how many parts can run (1 when none start). */
static int ensure_workers(int wanted) {
  while (num_workers < wanted - 1) {
    pthread_t t;
    start_generation[num_workers] = generation;
    if (pthread_create(&t, NULL, worker_main, (void *)(intptr_t)num_workers) != 0) break;
    pthread_detach(t);
    num_workers++;
  }
  return num_workers + 1 < wanted ? num_workers + 1 : wanted;
}

void mg_parallel_for(int64_t n, int64_t min_per_thread, mg_range_fn fn, void *ctx) {
  int threads = mg_get_num_threads();
  int64_t fit = min_per_thread > 0 ? n / min_per_thread : n;
  int parts = fit < threads ? (int)fit : threads;
  /* Nested calls, or a second caller while a job runs, run serially. */
  if (parts < 2 || inside_pool || pthread_mutex_trylock(&dispatch_lock) != 0) {
    if (n > 0) fn(ctx, 0, n);
    return;
  }
  pthread_mutex_lock(&pool_lock);
  parts = ensure_workers(parts);
  job.fn = fn, job.ctx = ctx, job.n = n, job.parts = parts;
  pending = parts - 1;
  generation++;
  pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&pool_lock);

  run_part(fn, ctx, n, parts, 0);

  pthread_mutex_lock(&pool_lock);
  while (pending > 0) pthread_cond_wait(&work_done, &pool_lock);
  pthread_mutex_unlock(&pool_lock);
  pthread_mutex_unlock(&dispatch_lock);
}

/* ---- strided iteration ---------------------------------------------------------------- */

typedef struct {
  int nops, ndim;
  int64_t size[MG_MAX_DIMS];
  int64_t stride[MG_MAX_OPERANDS][MG_MAX_DIMS]; /* bytes */
  char *base[MG_MAX_OPERANDS];
  mg_run_kernel kernel;
  const void *ctx;
} plan;

static void run_range(void *arg, int64_t begin, int64_t end) {
  const plan *p = arg;
  int last = p->ndim - 1;
  int64_t idx[MG_MAX_DIMS], rem = begin;
  for (int d = last; d >= 0; d--) idx[d] = rem % p->size[d], rem /= p->size[d];
  int64_t inner_stride[MG_MAX_OPERANDS];
  for (int k = 0; k < p->nops; k++) inner_stride[k] = p->stride[k][last];
  for (int64_t pos = begin; pos < end;) {
    char *ptr[MG_MAX_OPERANDS];
    for (int k = 0; k < p->nops; k++) {
      ptr[k] = p->base[k];
      for (int d = 0; d <= last; d++) ptr[k] += idx[d] * p->stride[k][d];
    }
    int64_t n = p->size[last] - idx[last];
    if (n > end - pos) n = end - pos;
    p->kernel(ptr, inner_stride, n, p->ctx);
    pos += n;
    idx[last] += n;
    for (int d = last; d > 0 && idx[d] == p->size[d]; d--) idx[d] = 0, idx[d - 1]++;
  }
}

void mg_foreach(int nops, const mg_tensor *const *ops, int ndim, const int64_t *size,
                mg_run_kernel kernel, const void *ctx) {
  plan p = {.nops = nops, .kernel = kernel, .ctx = ctx};
  int64_t numel = 1;
  for (int d = 0; d < ndim; d++) numel *= size[d];
  if (numel == 0) return;
  for (int k = 0; k < nops; k++) p.base[k] = mg_data(ops[k]);
  /* Drop size-1 dims and merge neighbours that are contiguous in every operand, so that
   * the kernel sees runs as long as possible. */
  for (int d = 0; d < ndim; d++) {
    if (size[d] == 1) continue;
    int m = p.ndim;
    bool merge = m > 0;
    for (int k = 0; k < nops && merge; k++) {
      int64_t es = (int64_t)mg_dtype_size(ops[k]->dtype);
      merge = p.stride[k][m - 1] == ops[k]->stride[d] * es * size[d];
    }
    if (merge) {
      p.size[m - 1] *= size[d];
      for (int k = 0; k < nops; k++)
        p.stride[k][m - 1] = ops[k]->stride[d] * (int64_t)mg_dtype_size(ops[k]->dtype);
    } else {
      p.size[m] = size[d];
      for (int k = 0; k < nops; k++)
        p.stride[k][m] = ops[k]->stride[d] * (int64_t)mg_dtype_size(ops[k]->dtype);
      p.ndim++;
    }
  }
  if (p.ndim == 0) {
    p.ndim = 1, p.size[0] = 1;
    for (int k = 0; k < nops; k++) p.stride[k][0] = 0;
  }
  mg_parallel_for(numel, MG_PARALLEL_GRAIN, run_range, &p);
}

void mg_broadcast_header(const mg_tensor *t, int ndim, const int64_t *size, mg_tensor *out) {
  *out = *t;
  out->ndim = ndim;
  int lead = ndim - t->ndim;
  for (int d = 0; d < ndim; d++) {
    out->size[d] = size[d];
    out->stride[d] = d < lead || t->size[d - lead] != size[d] ? 0 : t->stride[d - lead];
  }
}
