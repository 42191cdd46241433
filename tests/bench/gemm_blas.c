/* gemm through OpenBLAS directly, the baseline for tests/bench/gemm.lua: cblas_sgemm on
 * float32 n x n (n = 256, 1024, 2048), 3 warm-up products, then 20 timed ones (5 for 2048).
 * GFLOP/s from the mean time (as ref.py) and from the fastest product. Matrices are 64-byte
 * aligned, as moongrad's storage is. OPENBLAS_CORETYPE (which kernel OpenBLAS loads) comes
 * from the environment; scripts/bench.sh runs this once per core type to find OpenBLAS's
 * fastest kernel on the machine.
 *   cc -O2 gemm_blas.c -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas
 *   usage: gemm_blas [threads=2]      prints one JSON line */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Uniform in [-1, 1) from xorshift64*: the values do not change the time of a product. */
static float *random_matrix(int n, uint64_t *state) {
  float *m = aligned_alloc(64, sizeof(float) * (size_t)n * (size_t)n);
  if (!m) exit(1);
  for (size_t i = 0; i < (size_t)n * (size_t)n; i++) {
    *state ^= *state >> 12, *state ^= *state << 25, *state ^= *state >> 27;
    m[i] = (float)((*state * 0x2545F4914F6CDD1DULL) >> 40) * 0x1.0p-23f - 1.0f;
  }
  return m;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2;
  openblas_set_num_threads(threads);
  static const int sizes[] = {256, 1024, 2048};
  double gflops[3], best[3], seconds[3];
  uint64_t state = 88172645463325252ULL;
  for (int s = 0; s < 3; s++) {
    int n = sizes[s], reps = n < 2048 ? 20 : 5;
    float *a = random_matrix(n, &state), *b = random_matrix(n, &state);
    float *c = aligned_alloc(64, sizeof(float) * (size_t)n * (size_t)n);
    if (!c) return 1;
    double total = 0, fastest = 1e300;
    for (int r = 0; r < 3 + reps; r++) {
      double t = now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f,
                  c, n);
      t = now() - t;
      if (r < 3) continue; /* warm-up */
      total += t;
      if (t < fastest) fastest = t;
    }
    seconds[s] = total / reps;
    gflops[s] = 2.0 * n * n * n / seconds[s] / 1e9;
    best[s] = 2.0 * n * n * n / fastest / 1e9;
    free(a), free(b), free(c);
  }
  const char *env = getenv("OPENBLAS_CORETYPE");
  printf("{\"workload\":\"gemm\",\"impl\":\"openblas\",\"metric\":\"gflops\",\"value\":%.6g,"
         "\"by_size\":{\"256\":%.6g,\"1024\":%.6g,\"2048\":%.6g},"
         "\"best_by_size\":{\"256\":%.6g,\"1024\":%.6g,\"2048\":%.6g},"
         "\"seconds\":{\"256\":%.6g,\"1024\":%.6g,\"2048\":%.6g},"
         "\"core\":\"%s\",\"coretype_env\":\"%s\",\"threads\":%d}\n",
         gflops[1], gflops[0], gflops[1], gflops[2], best[0], best[1], best[2], seconds[0],
         seconds[1], seconds[2],
         openblas_get_corename(), env ? env : "", openblas_get_num_threads());
  return 0;
}
