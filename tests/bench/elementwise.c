/* The elementwise workload as plain C loops, the baseline for tests/bench/elementwise.lua:
 * out[i] = a[i] + b[i] and out[i] = a[i] * b[i] + c[i] on 10^7 float32, one thread, -O2;
 * 3 warm-up evaluations, then 20 timed ones; seconds per evaluation (mean, and fastest).
 *   fresh   - the output is malloc'd (and freed) every evaluation, as moongrad allocates its
 *             result each time; the ratio moongrad/C is taken against this one
 *   reused  - one output buffer for every evaluation
 *   2-pass  - a * b + c as moongrad's unfused expression runs: tmp = a * b, out = tmp + c
 *             (reused buffers), to show what fusing would buy
 *   usage: elementwise      prints one JSON line */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 10000000
#define WARM 3
#define REPS 20

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Keeps the compiler from dropping stores to a buffer that is freed unread. */
static void escape(void *p) { __asm__ volatile("" : : "g"(p) : "memory"); }

static void add(float *out, const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

static void mul(float *out, const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}

static void muladd(float *out, const float *a, const float *b, const float *c, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = a[i] * b[i] + c[i];
}

static float *buffer(void) {
  float *p = malloc(sizeof(float) * N);
  if (!p) exit(1);
  return p;
}

static float *a, *b, *c, *out, *tmp;

/* what: 0 add, 1 a*b+c, 2 a*b+c in two passes; fresh: allocate the output(s) each time. */
static void evaluate(int what, int fresh) {
  float *o = fresh ? buffer() : out, *t = fresh && what == 2 ? buffer() : tmp;
  if (what == 0) add(o, a, b, N);
  else if (what == 1) muladd(o, a, b, c, N);
  else mul(t, a, b, N), add(o, t, c, N);
  escape(o), escape(t);
  if (fresh) {
    free(o);
    if (what == 2) free(t);
  }
}

static void measure(int what, int fresh, double *mean, double *best) {
  double total = 0;
  *best = 1e300;
  for (int r = 0; r < WARM; r++) evaluate(what, fresh);
  for (int r = 0; r < REPS; r++) {
    double t = now();
    evaluate(what, fresh);
    t = now() - t;
    total += t;
    if (t < *best) *best = t;
  }
  *mean = total / REPS;
}

int main(void) {
  a = buffer(), b = buffer(), c = buffer(), out = buffer(), tmp = buffer();
  uint64_t s = 88172645463325252ULL;
  for (size_t i = 0; i < N; i++) {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    uint64_t r = s * 0x2545F4914F6CDD1DULL;
    a[i] = (float)(r >> 40) * 0x1.0p-24f;
    b[i] = (float)((r >> 16) & 0xFFFFFF) * 0x1.0p-24f;
    c[i] = (float)(r & 0xFFFF) * 0x1.0p-16f;
    out[i] = tmp[i] = 0; /* touch the reused buffers once, as a warm cache would have */
  }
  double m[5], best[5];
  measure(0, 1, &m[0], &best[0]);
  measure(1, 1, &m[1], &best[1]);
  measure(0, 0, &m[2], &best[2]);
  measure(1, 0, &m[3], &best[3]);
  measure(2, 0, &m[4], &best[4]);
  printf("{\"workload\":\"elementwise\",\"impl\":\"c\",\"metric\":\"seconds_per_op\",\"n\":%d,"
         "\"threads\":1,\"add_s\":%.6g,\"add_min_s\":%.6g,\"muladd_s\":%.6g,\"muladd_min_s\":%.6g,"
         "\"add_reused_s\":%.6g,\"add_reused_min_s\":%.6g,\"muladd_reused_s\":%.6g,"
         "\"muladd_reused_min_s\":%.6g,\"muladd_2pass_s\":%.6g,\"muladd_2pass_min_s\":%.6g}\n",
         N, m[0], best[0], m[1], best[1], m[2], best[2], m[3], best[3], m[4], best[4]);
  return 0;
}
