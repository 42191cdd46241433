/* Shared between core's source files; not part of the public API. */
#ifndef MG_INTERNAL_H
#define MG_INTERNAL_H

#include "moongrad.h"

struct mg_storage {
  void *data;
  size_t nbytes;
  int refcount;
};

mg_storage *mg_storage_new(size_t nbytes); /* uninitialised, 64-byte aligned */
void mg_storage_release(mg_storage *s);

/* Sets the message mg_last_error() returns. Both return the failure value of their kind. */
int mg_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *mg_fail_null(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formats a shape as "{2,3}" into buf (at least MG_SHAPE_STR bytes); returns buf. */
#define MG_SHAPE_STR 200
const char *mg_shape_str(int ndim, const int64_t *size, char *buf);

/* Checks a 0-based dim against ndim (what names the calling function). */
int mg_check_dim(const char *what, int dim, int ndim);

/* A new contiguous, uninitialised tensor; what names the constructor in errors. */
mg_tensor *mg_allocate(const char *what, mg_dtype dtype, int ndim, const int64_t *size);

/* A new tensor header over an existing storage (retained). */
mg_tensor *mg_make_view(const mg_tensor *base, int ndim, const int64_t *size,
                        const int64_t *stride, int64_t offset);

/* NumPy broadcasting of two shapes into out (MG_MAX_DIMS entries); what names the caller. */
int mg_broadcast_shapes(const char *what, int na, const int64_t *sa, int nb,
                        const int64_t *sb, int *nout, int64_t *out);

/* A stack header viewing t broadcast to a shape already checked compatible (stride 0 on
 * broadcast dims); it borrows t's storage and must not outlive t. */
void mg_broadcast_header(const mg_tensor *t, int ndim, const int64_t *size, mg_tensor *out);

/* Strided iteration over up to 4 operands of one shape. op[0] is usually the output.
 * Each operand's strides must match the shape's ndim (0 where broadcast). The kernel sees
 * one run of n elements at a time with byte strides per operand. Runs above a size
 * threshold are split over the thread pool, so kernels must not keep state across calls
 * other than through ctx, read-only. */
#define MG_MAX_OPERANDS 4
typedef void (*mg_run_kernel)(char **ptr, const int64_t *byte_stride, int64_t n,
                              const void *ctx);
void mg_foreach(int nops, const mg_tensor *const *ops, int ndim, const int64_t *size,
                mg_run_kernel kernel, const void *ctx);

/* Runs fn over [0, n) split into contiguous ranges, one per pool thread, when n is at least
 * min_per_thread times two; otherwise in the calling thread. */
typedef void (*mg_range_fn)(void *ctx, int64_t begin, int64_t end);
void mg_parallel_for(int64_t n, int64_t min_per_thread, mg_range_fn fn, void *ctx);

/* Bytes of elements a run of this many elements must have before it is worth a thread. */
#define MG_PARALLEL_GRAIN 32768

/* Casting copy between any two dtypes over one run (used by copy_ and to). */
void mg_cast_run(mg_dtype dst, char *d, int64_t ds, mg_dtype src, const char *s, int64_t ss,
                 int64_t n);

/* Rejects writing into a tensor in which several elements share memory (an expand). */
int mg_check_writable(const char *what, const mg_tensor *t);

/* OpenBLAS entry points, loaded at first use (blas.c). */
typedef struct {
  void (*sgemm)(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a,
                int lda, const float *b, int ldb, float beta, float *c, int ldc);
  void (*dgemm)(int order, int ta, int tb, int m, int n, int k, double alpha,
                const double *a, int lda, const double *b, int ldb, double beta, double *c,
                int ldc);
} mg_blas_api;
const mg_blas_api *mg_blas(void); /* NULL (error set) when OpenBLAS cannot be loaded */
void mg_blas_set_threads(int n);

#endif
