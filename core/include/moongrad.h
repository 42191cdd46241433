/* moongrad core: tensors and kernels, in plain C11, knowing nothing of Lua.
 *
 * Conventions
 * - Every function that can fail returns NULL (constructors) or -1 (the rest) and sets a
 *   message readable with mg_last_error(), of the form "matmul: shapes {2,3} and {4,5} do
 *   not align (3 ~= 4)". On failure no argument has been changed.
 * - Dimensions and indices are 0-based here; the Lua binding maps Lua's 1-based and
 *   negative ones onto them.
 * - Tensors are reference counted: a function returning mg_tensor * hands the caller one
 *   reference, released with mg_release(). Arguments are borrowed.
 */
#ifndef MOONGRAD_H
#define MOONGRAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_VERSION "0.1.0"
#define MG_MAX_DIMS 8
#define MG_ALL_DIMS (-1) /* "reduce over every element" / "squeeze every size-1 dim" */

typedef enum { MG_FLOAT32, MG_FLOAT64, MG_INT64, MG_BOOL, MG_NUM_DTYPES } mg_dtype;

typedef struct mg_storage mg_storage;

typedef struct mg_tensor {
  mg_dtype dtype;
  int ndim;
  int64_t size[MG_MAX_DIMS];
  int64_t stride[MG_MAX_DIMS]; /* in elements */
  int64_t offset;              /* in elements, into storage */
  mg_storage *storage;
  int refcount;
  /* A number the user wrote (Lua's 2 or 2.5) turned into a 0-d tensor: it takes part in
   * type promotion only by category, as PyTorch's wrapped numbers do (float32 tensor * 2.5
   * stays float32; int64 tensor * 2.5 becomes float32). */
  bool wrapped_number;
} mg_tensor;

/* ---- errors, version, configuration ------------------------------------------------ */
const char *mg_last_error(void);
const char *mg_version(void);
/* Sets the threads used by OpenBLAS and by moongrad's own kernels (n >= 1). */
int mg_set_num_threads(int n);
int mg_get_num_threads(void);
/* OpenBLAS is loaded on first use; these load it if needed. The kernel is chosen before
 * loading: AVX-512 ("SkylakeX") on CPUs that have it unless OPENBLAS_CORETYPE is set. */
const char *mg_blas_corename(void); /* e.g. "SkylakeX"; NULL and error when unavailable */
const char *mg_blas_config(void);
/* Bytes of tensor storage allocated since start (monotonic, counts cache reuse too): the
 * binding feeds its growth to Lua's collector. live = held now, cached = kept for reuse. */
uint64_t mg_bytes_allocated_total(void);
void mg_memory_stats(int64_t *live_bytes, int64_t *cached_bytes);

/* ---- dtypes and elements ----------------------------------------------------------- */
size_t mg_dtype_size(mg_dtype dtype);
const char *mg_dtype_name(mg_dtype dtype); /* "float32", "float64", "int64", "bool" */
int mg_dtype_from_name(const char *name, mg_dtype *out);
bool mg_dtype_is_float(mg_dtype dtype);
/* The dtype PyTorch's promotion rules give an op on a and b: 0-d tensors and wrapped
 * numbers change a dimensioned tensor's dtype only when of a higher category. */
mg_dtype mg_result_type(const mg_tensor *a, const mg_tensor *b);
double mg_load(mg_dtype dtype, const void *p);
void mg_store(mg_dtype dtype, void *p, double v);

/* ---- tensor objects ---------------------------------------------------------------- */
mg_tensor *mg_retain(mg_tensor *t);
void mg_release(mg_tensor *t);
int64_t mg_numel(const mg_tensor *t);
bool mg_is_contiguous(const mg_tensor *t);
void *mg_data(const mg_tensor *t); /* address of the element at index 0 */
/* Address of the element at a full 0-based index (no bounds check). */
void *mg_element(const mg_tensor *t, const int64_t *index);
size_t mg_storage_nbytes(const mg_tensor *t);
bool mg_same_storage(const mg_tensor *a, const mg_tensor *b);

/* ---- creation ---------------------------------------------------------------------- */
mg_tensor *mg_empty(mg_dtype dtype, int ndim, const int64_t *size);
mg_tensor *mg_zeros(mg_dtype dtype, int ndim, const int64_t *size);
mg_tensor *mg_ones(mg_dtype dtype, int ndim, const int64_t *size);
mg_tensor *mg_full(mg_dtype dtype, int ndim, const int64_t *size, double value);
mg_tensor *mg_scalar(mg_dtype dtype, double value); /* 0-d */
mg_tensor *mg_wrapped_number(double value, bool integral);
mg_tensor *mg_arange(double start, double end, double step, mg_dtype dtype);
mg_tensor *mg_linspace(double start, double end, int64_t steps, mg_dtype dtype);
mg_tensor *mg_eye(int64_t n, int64_t m, mg_dtype dtype);

/* ---- randomness: one seedable generator (PCG-XSH-RR 64/32) ------------------------- */
void mg_manual_seed(uint64_t seed);
mg_tensor *mg_rand(mg_dtype dtype, int ndim, const int64_t *size);  /* U[0,1) */
mg_tensor *mg_randn(mg_dtype dtype, int ndim, const int64_t *size); /* N(0,1) */
/* Integers uniform in [low, high], both ends included. */
mg_tensor *mg_randint(int64_t low, int64_t high, mg_dtype dtype, int ndim, const int64_t *size);
uint64_t mg_random_u64(void);

/* ---- views (share storage) and copies --------------------------------------------- */
/* size may hold one -1, inferred from the element count. view fails when the strides
 * cannot express the new shape; reshape then copies. */
mg_tensor *mg_view(mg_tensor *t, int ndim, const int64_t *size);
mg_tensor *mg_reshape(mg_tensor *t, int ndim, const int64_t *size);
mg_tensor *mg_transpose(mg_tensor *t, int dim0, int dim1);
mg_tensor *mg_permute(mg_tensor *t, const int *dims); /* t->ndim entries */
mg_tensor *mg_narrow(mg_tensor *t, int dim, int64_t start, int64_t length);
mg_tensor *mg_select(mg_tensor *t, int dim, int64_t index);
mg_tensor *mg_squeeze(mg_tensor *t, int dim); /* MG_ALL_DIMS: every size-1 dim */
mg_tensor *mg_unsqueeze(mg_tensor *t, int dim);
/* Broadcast to size (ndim >= t->ndim); -1 keeps the existing size. */
mg_tensor *mg_expand(mg_tensor *t, int ndim, const int64_t *size);
mg_tensor *mg_flatten(mg_tensor *t, int start_dim, int end_dim);
mg_tensor *mg_contiguous(mg_tensor *t); /* t itself (retained) when already contiguous */
mg_tensor *mg_clone(const mg_tensor *t);
mg_tensor *mg_to(mg_tensor *t, mg_dtype dtype); /* t itself (retained) when same dtype */
int mg_copy_(mg_tensor *dst, const mg_tensor *src); /* src broadcast to dst, converted */
int mg_fill_(mg_tensor *t, double value);
mg_tensor *mg_cat(int n, mg_tensor *const *tensors, int dim);
mg_tensor *mg_stack(int n, mg_tensor *const *tensors, int dim);

/* ---- elementwise, with NumPy broadcasting ----------------------------------------- */
typedef enum {
  MG_ADD, MG_SUB, MG_MUL, MG_DIV, MG_POW, MG_MAXIMUM, MG_MINIMUM,
  MG_EQ, MG_NE, MG_LT, MG_LE, MG_GT, MG_GE, MG_LOGICAL_AND, MG_LOGICAL_OR,
  MG_NUM_BINARY_OPS
} mg_binary_op;

typedef enum {
  MG_NEG, MG_ABS, MG_EXP, MG_LOG, MG_LOG1P, MG_SQRT, MG_RSQRT, MG_SIN, MG_COS, MG_TANH,
  MG_SIGMOID, MG_RELU, MG_SIGN, MG_FLOOR, MG_CEIL, MG_ROUND, MG_LOGICAL_NOT,
  MG_NUM_UNARY_OPS
} mg_unary_op;

const char *mg_binary_op_name(mg_binary_op op);
const char *mg_unary_op_name(mg_unary_op op);
mg_tensor *mg_binary(mg_binary_op op, const mg_tensor *a, const mg_tensor *b);
/* Writes op(a, b) into out, which must have the broadcast shape and a dtype the result can
 * be cast to (out may be a: the in-place form). */
int mg_binary_out(mg_binary_op op, const mg_tensor *a, const mg_tensor *b, mg_tensor *out);
mg_tensor *mg_unary(mg_unary_op op, const mg_tensor *a);
int mg_unary_out(mg_unary_op op, const mg_tensor *a, mg_tensor *out);
/* min/max may be -INFINITY/INFINITY for "no bound". */
mg_tensor *mg_clamp(const mg_tensor *a, double min, double max);
int mg_clamp_out(const mg_tensor *a, double min, double max, mg_tensor *out);
mg_tensor *mg_where(const mg_tensor *cond, const mg_tensor *a, const mg_tensor *b);

/* ---- reductions -------------------------------------------------------------------- */
typedef enum {
  MG_SUM, MG_MEAN, MG_PROD, MG_MAX, MG_MIN, MG_ARGMAX, MG_ARGMIN,
  MG_VAR, MG_STD, MG_NORM, MG_LOGSUMEXP, MG_NUM_REDUCE_OPS
} mg_reduce_op;

/* Reduces over dim, or over all elements when dim == MG_ALL_DIMS (keepdim then keeps every
 * dim as size 1). param: the correction for VAR/STD (1 = unbiased, 0 = biased), p for NORM;
 * ignored otherwise. sum/prod of int64/bool give int64; mean/var/std/norm/logsumexp of
 * integers give float32; max/min keep the dtype; argmax/argmin give int64 (0-based). */
mg_tensor *mg_reduce(mg_reduce_op op, const mg_tensor *t, int dim, bool keepdim, double param);
/* MG_MAX or MG_MIN along dim, values and 0-based int64 indices. */
int mg_reduce_with_index(mg_reduce_op op, const mg_tensor *t, int dim, bool keepdim,
                         mg_tensor **values, mg_tensor **indices);
mg_tensor *mg_cumsum(const mg_tensor *t, int dim);
int mg_sort(const mg_tensor *t, int dim, bool descending, mg_tensor **values,
            mg_tensor **indices);
int mg_topk(const mg_tensor *t, int64_t k, int dim, bool largest, mg_tensor **values,
            mg_tensor **indices);

/* ---- linear algebra (OpenBLAS) ----------------------------------------------------- */
/* PyTorch's rules: 1-D x 1-D dot, 2-D x 2-D product, 1-D operands promoted and the added
 * dim removed, batch dims broadcast. */
mg_tensor *mg_matmul(const mg_tensor *a, const mg_tensor *b);
mg_tensor *mg_mm(const mg_tensor *a, const mg_tensor *b);
mg_tensor *mg_bmm(const mg_tensor *a, const mg_tensor *b);
mg_tensor *mg_mv(const mg_tensor *a, const mg_tensor *v);
mg_tensor *mg_dot(const mg_tensor *a, const mg_tensor *b);
mg_tensor *mg_outer(const mg_tensor *a, const mg_tensor *b);
/* beta * c + alpha * (a @ b), c broadcast to the product's shape. */
mg_tensor *mg_addmm(const mg_tensor *c, const mg_tensor *a, const mg_tensor *b, double beta,
                    double alpha);

/* ---- indexing (0-based int64 indices) ---------------------------------------------- */
mg_tensor *mg_index_select(const mg_tensor *t, int dim, const mg_tensor *index);
mg_tensor *mg_gather(const mg_tensor *t, int dim, const mg_tensor *index);
/* t[..index[i][j]..] += src[i][j] along dim, into a copy or in place. */
mg_tensor *mg_scatter_add(const mg_tensor *t, int dim, const mg_tensor *index,
                          const mg_tensor *src);
int mg_scatter_add_(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src);
mg_tensor *mg_masked_fill(const mg_tensor *t, const mg_tensor *mask, double value);
int mg_masked_fill_(mg_tensor *t, const mg_tensor *mask, double value);
mg_tensor *mg_one_hot(const mg_tensor *index, int64_t num_classes);

#endif
