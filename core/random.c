/* One seedable generator for everything random: PCG-XSH-RR (64-bit state, 32-bit output),
 * so that mg_manual_seed(n) makes every run give the same numbers. */
#include <math.h>

#include "internal.h"

static uint64_t state = 0x853c49e6748fea9bULL;
static const uint64_t increment = 0xda3e39cb94b95bdbULL;

static uint32_t next_u32(void) {
  uint64_t old = state;
  state = old * 6364136223846793005ULL + increment;
  uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
  uint32_t rot = (uint32_t)(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}

void mg_manual_seed(uint64_t seed) {
  state = 0;
  next_u32();
  state += seed;
  next_u32();
}

uint64_t mg_random_u64(void) { return (uint64_t)next_u32() << 32 | next_u32(); }

static double uniform_double(void) { return (double)(mg_random_u64() >> 11) * 0x1.0p-53; }

/* Fills a fresh contiguous tensor value by value from a sampler. */
static mg_tensor *sample(mg_dtype dtype, int ndim, const int64_t *size, const char *what,
                         double (*draw)(void)) {
  if (!mg_dtype_is_float(dtype))
    return mg_fail_null("%s: expected a floating-point dtype, got %s", what, mg_dtype_name(dtype));
  mg_tensor *t = mg_allocate(what, dtype, ndim, size);
  if (!t) return NULL;
  int64_t n = mg_numel(t);
  if (dtype == MG_FLOAT32) {
    float *p = mg_data(t);
    for (int64_t i = 0; i < n; i++) p[i] = (float)draw();
  } else {
    double *p = mg_data(t);
    for (int64_t i = 0; i < n; i++) p[i] = draw();
  }
  return t;
}

/* float32 uniforms take 24 bits so that (float) never rounds up to 1.0. */
static double uniform_24(void) { return (double)(next_u32() >> 8) * 0x1.0p-24; }

/* Box-Muller, one spare value kept for the next call. */
static bool have_spare;
static double spare;
static double normal(void) {
  if (have_spare) {
    have_spare = false;
    return spare;
  }
  double u1 = uniform_double(), u2 = uniform_double();
  double r = sqrt(-2.0 * log(1.0 - u1)), theta = 2.0 * M_PI * u2;
  spare = r * sin(theta);
  have_spare = true;
  return r * cos(theta);
}

mg_tensor *mg_rand(mg_dtype dtype, int ndim, const int64_t *size) {
  return sample(dtype, ndim, size, "rand", dtype == MG_FLOAT32 ? uniform_24 : uniform_double);
}

mg_tensor *mg_randn(mg_dtype dtype, int ndim, const int64_t *size) {
  have_spare = false; /* so that a seed fixes every randn call's values */
  return sample(dtype, ndim, size, "randn", normal);
}

/* Uniform in [0, span) for span >= 1: draws at or above the largest multiple of span are
 * rejected, which keeps every value equally likely. */
static uint64_t random_below(uint64_t span) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % span;
  uint64_t r = mg_random_u64();
  while (r >= limit) r = mg_random_u64();
  return r % span;
}

mg_tensor *mg_randint(int64_t low, int64_t high, mg_dtype dtype, int ndim,
                      const int64_t *size) {
  if (high < low)
    return mg_fail_null("randint: expected low <= high, got %lld > %lld", (long long)low,
                        (long long)high);
  mg_tensor *t = mg_allocate("randint", dtype, ndim, size);
  if (!t) return NULL;
  uint64_t span = (uint64_t)high - (uint64_t)low + 1; /* 0 means the full 2^64 range */
  char *p = mg_data(t);
  for (int64_t i = 0, n = mg_numel(t); i < n; i++) {
    int64_t v = (int64_t)((uint64_t)low + (span ? random_below(span) : mg_random_u64()));
    if (dtype == MG_INT64) ((int64_t *)p)[i] = v;
    else mg_store(dtype, p + i * (int64_t)mg_dtype_size(dtype), (double)v);
  }
  return t;
}

/* Fisher-Yates: position i swaps with a position drawn uniformly from [0, i]. */
mg_tensor *mg_randperm(int64_t n, mg_dtype dtype) {
  if (n < 0) return mg_fail_null("randperm: expected n >= 0, got %lld", (long long)n);
  if ((unsigned)dtype >= MG_NUM_DTYPES || dtype == MG_BOOL)
    return mg_fail_null("randperm: expected a numeric dtype, got %s",
                        dtype == MG_BOOL ? "bool" : "an unknown one");
  if (dtype == MG_FLOAT32 && n > (1 << 24))
    return mg_fail_null("randperm: float32 cannot hold every value of 0..%lld exactly",
                        (long long)n - 1);
  mg_tensor *t = mg_allocate("randperm", MG_INT64, 1, &n);
  if (!t) return NULL;
  int64_t *p = mg_data(t);
  for (int64_t i = 0; i < n; i++) p[i] = i;
  for (int64_t i = n - 1; i > 0; i--) {
    int64_t j = (int64_t)random_below((uint64_t)i + 1), tmp = p[i];
    p[i] = p[j];
    p[j] = tmp;
  }
  if (dtype == MG_INT64) return t;
  mg_tensor *out = mg_to(t, dtype);
  mg_release(t);
  return out;
}
