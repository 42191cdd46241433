/* Shared between core's source files; not part of the public API. */
#ifndef MG_INTERNAL_H
#define MG_INTERNAL_H

#include "moongrad.h"

struct mg_storage {
  void *data;
  size_t nbytes;
  int refcount;
  uint64_t version; /* in-place writes so far: autograd checks its saved tensors with it */
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

/* Copies src (broadcast) into dst, through a temporary when they overlap: the unchecked
 * copy_ that ops use to fill their own new results. */
int mg_copy_raw(const char *what, mg_tensor *dst, const mg_tensor *src);
/* A new contiguous copy of t in dtype that records nothing: the temporaries ops make of
 * their operands, and what clone, contiguous and to return before recording. */
mg_tensor *mg_copy_as(const char *what, const mg_tensor *t, mg_dtype dtype);

/* Rejects writing into a tensor in which several elements share memory (an expand). */
int mg_check_writable(const char *what, const mg_tensor *t);
/* Before an in-place op writes t from sources (n of them, may be NULL): checks t is
 * writable and that autograd is not asked to track the change (t or a source requiring
 * grad while grad mode is on), then counts the write in t's version. */
int mg_prepare_write(const char *what, mg_tensor *t, int n, const mg_tensor *const *sources);

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

/* ---- autograd (autograd.c) --------------------------------------------------------- */
/* A backward rule: from the gradient of the node's output, the gradient of each input for
 * which mg_needs_grad(node, i); leave the others NULL. A gradient may have any shape that
 * broadcasts to its input's and any float dtype: the engine sums it to the input's shape
 * and converts it. Grad mode is off while rules run. */
typedef int (*mg_backward_fn)(mg_node *node, const mg_tensor *grad, mg_tensor **grad_inputs);

typedef struct {
  mg_node *node;   /* the input's grad_fn (retained), or NULL */
  mg_tensor *leaf; /* the input itself (retained) when it is a leaf requiring grad */
  mg_dtype dtype;  /* the input's dtype and shape, what its gradient must have */
  int ndim;
  int64_t size[MG_MAX_DIMS];
} mg_edge;

#define MG_MAX_SAVED 4
struct mg_node {
  const char *name;
  mg_backward_fn backward;
  int refcount;
  int num_inputs;
  mg_edge *inputs;
  int num_saved;
  mg_tensor *saved[MG_MAX_SAVED]; /* detached aliases: a node never holds its own output */
  uint64_t saved_version[MG_MAX_SAVED];
  bool freed; /* saved tensors released by a backward without retain_graph */
  struct {    /* what the backward rule needs besides tensors; each op says which */
    int op, dim;
    bool flag;
    double number[2];
    int64_t ints[MG_MAX_DIMS];
  } ctx;
  /* the engine's bookkeeping during one backward */
  uint64_t visit;
  int pending;
  mg_tensor *grad_sum;
  mg_node *link; /* the next node in the engine's ready stack, or in a release's */
};

/* Whether an op on these inputs must be recorded (grad mode on, an input requiring grad). */
bool mg_wants_grad(int n, const mg_tensor *const *inputs);
/* Records a node for out, made from inputs by the op name with the backward rule: out then
 * requires grad. *node is NULL when nothing needs recording. On failure releases out. */
int mg_record(mg_tensor *out, const char *name, mg_backward_fn backward, int n,
              const mg_tensor *const *inputs, mg_node **node);
/* Saves t for the backward rule (as node->saved[k], in call order). On failure releases
 * out, the tensor being recorded. */
int mg_save(mg_node *node, const mg_tensor *t, mg_tensor *out);
/* The rule of ops whose gradient is the output's unchanged (clone, to, expand). */
int mg_pass_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi);
static inline bool mg_needs_grad(const mg_node *node, int i) {
  return node->inputs[i].node || node->inputs[i].leaf;
}
void mg_node_release(mg_node *node);

/* Arithmetic for backward rules, chainable: a NULL operand gives NULL (the error is
 * already set), and the operands flagged in own are released either way. */
enum { MG_OWN_A = 1, MG_OWN_B = 2 };
mg_tensor *mg_op2(mg_binary_op op, mg_tensor *a, mg_tensor *b, int own);
mg_tensor *mg_op1(mg_unary_op op, mg_tensor *a, int own);
mg_tensor *mg_op_number(mg_binary_op op, mg_tensor *a, double v, int own); /* a op v */

/* The length of the valid UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF) that starts with the non-ASCII byte s[0], avail bytes there; 0 when
 * it is not one. */
static inline size_t mg_utf8_length(const unsigned char *s, size_t avail) {
  unsigned c = s[0], lo = 0x80, hi = 0xBF;
  size_t len;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, lo = c == 0xE0 ? 0xA0 : lo, hi = c == 0xED ? 0x9F : hi;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, lo = c == 0xF0 ? 0x90 : lo, hi = c == 0xF4 ? 0x8F : hi;
  else return 0;
  if (avail < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t k = 2; k < len; k++)
    if ((s[k] & 0xC0) != 0x80) return 0;
  return len;
}

/* Whether s[0..n) is valid UTF-8. */
static inline bool mg_valid_utf8(const char *s, size_t n) {
  const unsigned char *b = (const unsigned char *)s;
  for (size_t i = 0, len; i < n; i += len)
    if (!(len = b[i] < 0x80 ? 1 : mg_utf8_length(b + i, n - i))) return false;
  return true;
}

#endif
