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
typedef struct mg_node mg_node; /* a recorded op of the autograd graph */

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
  /* Autograd: a leaf that requires grad accumulates into grad; a result of recorded ops
   * holds the node that made it (grad_fn) and requires grad through it. */
  bool requires_grad;
  struct mg_tensor *grad;
  mg_node *grad_fn;
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
/* A random permutation of 0..n-1 (n >= 0), 1-D, of a numeric dtype. */
mg_tensor *mg_randperm(int64_t n, mg_dtype dtype);
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
  MG_SIGMOID, MG_RELU, MG_ERF, MG_SIGN, MG_FLOOR, MG_CEIL, MG_ROUND, MG_LOGICAL_NOT,
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
/* exp(t) / sum(exp(t)) along dim, and its log, computed stably (the max subtracted first);
 * float32/float64 keep their dtype, integers give float32. */
mg_tensor *mg_softmax(const mg_tensor *t, int dim);
mg_tensor *mg_log_softmax(const mg_tensor *t, int dim);
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
/* The indices (0-based) of t's nonzero elements in row-major order, as an int64 tensor
 * {count, t->ndim}; not differentiable. */
mg_tensor *mg_nonzero(const mg_tensor *t);
mg_tensor *mg_index_select(const mg_tensor *t, int dim, const mg_tensor *index);
mg_tensor *mg_gather(const mg_tensor *t, int dim, const mg_tensor *index);
/* t[..index[i][j]..] += src[i][j] along dim, into a copy or in place. */
mg_tensor *mg_scatter_add(const mg_tensor *t, int dim, const mg_tensor *index,
                          const mg_tensor *src);
int mg_scatter_add_(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src);
/* t.select(dim, index[i]) += src.select(dim, i) in place (PyTorch's index_add_): index 1-D,
 * src t's shape but index's length along dim; repeated indices add up. */
int mg_index_add_(mg_tensor *t, int dim, const mg_tensor *index, const mg_tensor *src);
mg_tensor *mg_masked_fill(const mg_tensor *t, const mg_tensor *mask, double value);
int mg_masked_fill_(mg_tensor *t, const mg_tensor *mask, double value);
mg_tensor *mg_one_hot(const mg_tensor *index, int64_t num_classes);

/* ---- input/output ------------------------------------------------------------------ */
/* Reads an IDX file (the format of MNIST), plain or gzip-compressed, into a new contiguous
 * tensor of dtype with every value multiplied by scale (1: unchanged). dtype may be
 * MG_IDX_NATURAL: float32/float64 for the float IDX types; for the integer ones int64 when
 * scale is 1, float32 otherwise. Fails on a missing file, a bad header or truncated data. */
#define MG_IDX_NATURAL (-1)
mg_tensor *mg_read_idx(const char *path, int dtype, double scale);

/* ---- images (PNG, JPEG and BMP through stb_image) ----------------------------------- */
/* How an image is decoded. channels: 0 keeps the file's own (1 grey, 2 grey and alpha,
 * 3 RGB, 4 RGBA); 1..4 converts as stb_image does (grey = (77 R + 150 G + 29 B) >> 8,
 * alpha dropped or added as 255). height and width: both 0 keeps the stored size, both
 * positive resizes with mg_resize_bilinear. scale multiplies every value (1: 0..255). */
typedef struct {
  int channels;
  int64_t height, width;
  double scale;
} mg_image_options;
/* Decodes a PNG, JPEG or BMP file into a new contiguous float32 tensor {C, H, W} (opts may
 * be NULL: as stored, scale 1). Errors name the file: missing or unreadable, empty, not one
 * of the three formats, truncated or corrupt, too large (more than 2^28 pixels). */
mg_tensor *mg_read_image(const char *path, const mg_image_options *opts);
/* The same from n bytes in memory; name stands for them in errors (e.g. the file's path). */
mg_tensor *mg_decode_image(const void *bytes, size_t n, const char *name,
                           const mg_image_options *opts);
/* Resizes the last two dims (H, W) of a float32 or float64 tensor of at least 2 dims to
 * height x width by bilinear interpolation with half-pixel centres (PyTorch's interpolate
 * with align_corners=false, OpenCV's INTER_LINEAR; no antialiasing when shrinking): output
 * pixel i samples the input at (i + 0.5) * in / out - 0.5, clamped to the edges. A new
 * contiguous tensor of the same dtype; not differentiable (fails on a tensor that requires
 * grad while grad mode is on). */
mg_tensor *mg_resize_bilinear(const mg_tensor *t, int64_t height, int64_t width);

/* ---- optimizers -------------------------------------------------------------------- */
/* One step of an optimizer on one parameter, fused into a single pass that updates the
 * parameter and its state in place by PyTorch 1.13's single-tensor formulas. The parameter
 * is a contiguous float32 or float64 tensor; grad has its dtype and shape (any strides);
 * each state tensor has its dtype and shape and is contiguous, and state the options do not
 * use may be NULL (it is ignored). Like PyTorch's step() under no_grad, the update ignores
 * grad mode and counts as an in-place change (version) of the parameter and the state.
 * Options and tensors are all checked first: on failure nothing has changed. */
typedef struct {
  double lr, momentum, dampening, weight_decay;
  bool nesterov; /* needs momentum > 0 and dampening 0 */
} mg_sgd_options;
/* momentum_buffer is used when momentum != 0; first says it holds nothing yet: this step
 * sets it to the gradient (no dampening on the first step, as PyTorch). */
int mg_sgd_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *momentum_buffer, bool first,
                const mg_sgd_options *o);
typedef struct {
  double lr, beta1, beta2, eps, weight_decay;
  bool amsgrad; /* then max_exp_avg_sq is used */
} mg_adam_options;
/* step: the number of this step, from 1 (bias corrections). AdamW decays the parameter by
 * 1 - lr * weight_decay instead of adding weight_decay * param to the gradient. */
int mg_adam_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *exp_avg,
                 mg_tensor *exp_avg_sq, mg_tensor *max_exp_avg_sq, int64_t step,
                 const mg_adam_options *o);
int mg_adamw_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *exp_avg,
                  mg_tensor *exp_avg_sq, mg_tensor *max_exp_avg_sq, int64_t step,
                  const mg_adam_options *o);
typedef struct {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered; /* then grad_avg is used; momentum_buffer is used when momentum > 0 */
} mg_rmsprop_options;
int mg_rmsprop_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *square_avg,
                    mg_tensor *grad_avg, mg_tensor *momentum_buffer, const mg_rmsprop_options *o);
typedef struct {
  double lr, lr_decay, weight_decay, eps;
} mg_adagrad_options;
/* sum starts filled with initial_accumulator_value; step counts from 1 (for lr_decay). */
int mg_adagrad_step(mg_tensor *param, const mg_tensor *grad, mg_tensor *sum, int64_t step,
                    const mg_adagrad_options *o);

/* ---- autograd ----------------------------------------------------------------------- */
/* Define-by-run: while grad mode is on, every differentiable op with an input that
 * requires grad records a node (its backward rule, saved tensors, inputs) in its result. */
bool mg_is_grad_enabled(void);
bool mg_set_grad_enabled(bool enabled); /* returns the previous mode (per thread) */
/* Only float tensors can require grad; a non-leaf cannot stop requiring it. */
int mg_set_requires_grad(mg_tensor *t, bool requires_grad);
/* The accumulated gradient of a leaf (borrowed, NULL when none); set replaces it (NULL
 * clears it) after checking shape and dtype. */
mg_tensor *mg_grad(const mg_tensor *t);
int mg_set_grad(mg_tensor *t, mg_tensor *grad);
/* Name of the op that made t ("mul", "matmul", ...), NULL for a leaf. */
const char *mg_grad_fn_name(const mg_tensor *t);
/* The graph walked backwards: a node's inputs, each either another node or a leaf that
 * requires grad (the other NULL), or neither for an input that needs no gradient. */
int mg_node_num_inputs(const mg_node *node);
const char *mg_node_name(const mg_node *node);
void mg_node_input(const mg_node *node, int i, mg_node **input_node, mg_tensor **leaf);
/* The dtype and shape (into size, MG_MAX_DIMS entries) input i had when the node was
 * recorded; returns its ndim. For an input made by a node, that is the node's output. */
int mg_node_input_shape(const mg_node *node, int i, mg_dtype *dtype, int64_t *size);
/* Accumulates d(t)/d(leaf) * grad into every leaf's grad. grad may be NULL when t has one
 * element (it is then 1). Frees the graph's saved tensors unless retain_graph. Fails,
 * changing no grad, when the graph was already freed or a saved tensor changed in place. */
int mg_backward(mg_tensor *t, const mg_tensor *grad, bool retain_graph);
/* A tensor sharing t's storage that is a leaf not requiring grad. */
mg_tensor *mg_detach(mg_tensor *t);
/* Counts in-place changes of a storage: shared by every view of it. */
uint64_t mg_tensor_version(const mg_tensor *t);

/* ---- Frames: named columns of float64, int64, bool or string ------------------------ */
/* A frame is a list of named columns of one length (its rows). Every column may have
 * missing values (NA); a float64 column holds NaN at its missing rows, and a NaN put into
 * one is missing. Strings are dictionary-encoded (each distinct string stored once).
 * Columns are immutable and shared between the frames made from them, so the functions
 * returning a new mg_frame * are cheap where no row changes (select, copy); the caller
 * owns the result (mg_frame_free). Rows and columns are 0-based. Errors name the frame
 * operation as users call it ("select: no column 'z'"). */
typedef enum { MG_COL_FLOAT64, MG_COL_INT64, MG_COL_BOOL, MG_COL_STRING, MG_NUM_COLTYPES } mg_coltype;
typedef struct mg_frame mg_frame;

/* One cell: valid says whether it holds a value, which is in the field of its type (a
 * string borrows len bytes from the frame, not NUL-terminated). */
typedef struct {
  mg_coltype type;
  bool valid;
  double f;
  int64_t i;
  bool b;
  const char *s;
  size_t len;
} mg_cell;

const char *mg_coltype_name(mg_coltype type); /* "float64", "int64", "bool", "string" */
int mg_coltype_from_name(const char *name, mg_coltype *out);

mg_frame *mg_frame_new(void); /* no columns, no rows */
mg_frame *mg_frame_copy(const mg_frame *f);
void mg_frame_free(mg_frame *f);
int64_t mg_frame_nrows(const mg_frame *f);
int mg_frame_ncols(const mg_frame *f);
const char *mg_frame_name(const mg_frame *f, int col);
mg_coltype mg_frame_type(const mg_frame *f, int col);
int mg_frame_find(const mg_frame *f, const char *name); /* -1 when absent (no error set) */
int64_t mg_frame_missing(const mg_frame *f, int col);   /* missing values in a column */
int64_t mg_frame_nbytes(const mg_frame *f);             /* bytes of column data */
void mg_frame_get(const mg_frame *f, int col, int64_t row, mg_cell *out);

/* Sets the column name to n values copied from v (valid may be NULL: all present; a NULL
 * string is missing): replaces a column of that name or appends one. n must be the row
 * count unless the frame has no columns. */
int mg_frame_set_float64(mg_frame *f, const char *name, int64_t n, const double *v,
                         const bool *valid);
int mg_frame_set_int64(mg_frame *f, const char *name, int64_t n, const int64_t *v,
                       const bool *valid);
int mg_frame_set_bool(mg_frame *f, const char *name, int64_t n, const bool *v, const bool *valid);
int mg_frame_set_string(mg_frame *f, const char *name, int64_t n, const char *const *s,
                        const size_t *len);
/* A 1-D tensor as a column: float32/float64 give float64 (NaN missing), int64 and bool
 * their own type. */
int mg_frame_set_tensor(mg_frame *f, const char *name, const mg_tensor *t);
/* Columns cols[0..n) in that order, renamed to names[k] where names (or names[k]) is not NULL. */
mg_frame *mg_frame_select(const mg_frame *f, int n, const int *cols, const char *const *names);

/* Rows: rows[k] in [0, nrows) (repeats allowed); a slice; those where a 1-D bool tensor of
 * nrows elements is true. */
mg_frame *mg_frame_take(const mg_frame *f, int64_t n, const int64_t *rows);
mg_frame *mg_frame_slice(const mg_frame *f, int64_t start, int64_t length);
mg_frame *mg_frame_filter(const mg_frame *f, const mg_tensor *mask);

/* A column as a new 1-D tensor of its type (float64, int64, bool). Missing values become
 * *fill when fill is not NULL, else NaN in float64; in an int64 or bool column they are an
 * error. Strings are an error. */
mg_tensor *mg_frame_column(const mg_frame *f, int col, const double *fill);
/* Columns as a new {nrows, n} tensor of dtype; missing values are NaN (an error for an
 * int64 or bool dtype). */
mg_tensor *mg_frame_to_tensor(const mg_frame *f, int n, const int *cols, mg_dtype dtype);

/* The rows of frames[0..n) one above the other, in order. The frames have the same column
 * names (in any order; the result has the first frame's) and types; a frame without rows
 * takes no part, so its columns may be of other types. */
mg_frame *mg_frame_concat(int n, const mg_frame *const *frames);
/* Missing values. dropna: rows missing any (or, with all, every one) of the columns.
 * fillna_ replaces column col of f (its data is not changed in place): with value (of the
 * column's type; an integral number for int64, any number for float64), the previous
 * value in the column, or the mean or median of its values (an int64 column with missing
 * values becomes float64; one without stays as it is). */
typedef enum { MG_FILL_VALUE, MG_FILL_FORWARD, MG_FILL_MEAN, MG_FILL_MEDIAN } mg_fill;
mg_frame *mg_frame_dropna(const mg_frame *f, int n, const int *cols, bool all);
int mg_frame_fillna_(mg_frame *f, int col, mg_fill how, const mg_cell *value);

/* Hash-based, linear in the rows: the first (or last) row of each distinct combination of
 * the columns, in the order of the rows; a stable sort on keys (descending per key; missing
 * values last either way); groups of equal keys (missing keys are dropped unless keep_na)
 * with one row per group, its keys and one column per aggregation, in the order of the
 * groups' first rows or sorted by key. Aggregations skip missing values: count, nunique
 * (int64), sum (int64 for int64 and bool columns), mean, std (ddof 1; float64), min, max,
 * first, last (the column's type; min/max of strings compare bytes). */
mg_frame *mg_frame_drop_duplicates(const mg_frame *f, int n, const int *cols, bool keep_last);
mg_frame *mg_frame_sort(const mg_frame *f, int n, const int *cols, const bool *descending);
typedef enum {
  MG_AGG_COUNT, MG_AGG_SUM, MG_AGG_MEAN, MG_AGG_MIN, MG_AGG_MAX, MG_AGG_STD, MG_AGG_NUNIQUE,
  MG_AGG_FIRST, MG_AGG_LAST, MG_NUM_AGGS
} mg_agg;
const char *mg_agg_name(mg_agg agg);
int mg_agg_from_name(const char *name, mg_agg *out);
typedef struct {
  int col;
  mg_agg agg;
  const char *name; /* of the result column */
} mg_agg_spec;
mg_frame *mg_frame_groupby(const mg_frame *f, int nkeys, const int *keys, int naggs,
                           const mg_agg_spec *aggs, bool sort, bool keep_na);
/* For each row of f's column col, the position (1-based) of the first row of values' column
 * vcol that holds the same value, as an int64 tensor; 0 for a missing or unmatched value.
 * The two columns must be of one type. */
mg_tensor *mg_frame_match(const mg_frame *f, int col, const mg_frame *values, int vcol);

/* Each row's group among f's rows grouped by keys, numbered as mg_frame_groupby orders its
 * rows (sorted by the keys, or in order of first appearance), 1-based; with cumcount, the
 * row's position among its group's rows instead, 1-based in row order. An int64 tensor; 0
 * for a row with a missing key unless keep_na. ngroups (unless NULL) gets the count. */
mg_tensor *mg_frame_group_ids(const mg_frame *f, int nkeys, const int *keys, bool sort, bool keep_na,
                              bool cumcount, int64_t *ngroups);
/* The 32-bit MurmurHash3 (x86) of each value of a string or int64 column (an integer hashes
 * as its decimal text), as a signed number in an int64 tensor, as scikit-learn's
 * murmurhash3_32(value, seed); 0 for a missing value. */
mg_tensor *mg_frame_hash(const mg_frame *f, int col, uint32_t seed);
/* The UTC seconds since 1970 of each time in a string column, as a float64 tensor (NaN where
 * missing): text under a strptime format, or by default ISO 8601 (YYYY-MM-DD, with HH:MM or
 * HH:MM:SS after a space or T, and an offset after seconds). Fails on a text that is not a
 * real time under the format, naming its row. */
mg_tensor *mg_frame_to_seconds(const mg_frame *f, int col, const char *format);
/* Rows of left joined to the rows of right with equal keys (missing keys match nothing), in
 * left's order: left's columns, then right's other columns; a name in both gets
 * suffixes[0] on the left and suffixes[1] on the right. A left join keeps unmatched left
 * rows, with right's columns missing. */
typedef enum { MG_JOIN_INNER, MG_JOIN_LEFT } mg_join;
mg_frame *mg_frame_join(const mg_frame *left, const mg_frame *right, int nkeys,
                        const int *left_keys, const int *right_keys, mg_join how,
                        const char *const suffixes[2]);

/* ---- CSV ------------------------------------------------------------------------------ */
/* RFC 4180: fields separated by delimiter, quoted when they hold it, a quote or a newline
 * (a quote inside doubled); lines end in LF or CRLF; blank lines are skipped. Column types
 * are inferred (int64, widened to float64, else bool from true/false, else string) unless
 * the schema names them. Empty fields and na_values are missing; quoted ones are strings in
 * a string column, and a column holding only quoted ones is a string column. Errors name the file, line and field: "read_csv: a.csv:17:3: ...";
 * with skip_bad_lines, lines with the wrong number of fields, bad quoting, invalid UTF-8 or
 * a value the schema's type cannot hold are skipped and counted instead. */
typedef struct {
  char delimiter, quote; /* quote 0: none */
  bool header;           /* the first line names the columns */
  int nnames;            /* names: the columns' names (replacing the header's), or NULL */
  const char *const *names;
  int nna; /* the missing-value tokens besides the empty field; NULL: the defaults */
  const char *const *na_values;
  int nschema; /* the types of the columns named */
  const char *const *schema_names;
  const mg_coltype *schema_types;
  bool skip_bad_lines;
} mg_csv_options;
typedef struct {
  int64_t skipped;    /* bad lines skipped */
  char first_bad[256]; /* "file:line:field: reason" of the first one */
} mg_csv_report;
void mg_csv_default_options(mg_csv_options *o); /* ',' '"', header, default NA tokens */
/* Reads a file, plain or gzip-compressed. report may be NULL. */
mg_frame *mg_read_csv(const char *path, const mg_csv_options *o, mg_csv_report *report);
/* The same from n bytes in memory; name stands for them in errors. */
mg_frame *mg_parse_csv(const char *bytes, size_t n, const char *name, const mg_csv_options *o,
                       mg_csv_report *report);
/* Writes a header and the rows so that mg_read_csv reads them back unchanged (floats to 17
 * significant digits at most, missing values as empty fields, or NA in a frame of one column,
 * where an empty field would make a blank line); gzip when path ends in .gz. */
int mg_write_csv(const mg_frame *f, const char *path, char delimiter);

/* ---- SQLite --------------------------------------------------------------------------- */
/* Runs one SQL statement on the database at path (opened read-only), its ? parameters
 * bound to params[0..nparams) in order (a cell that is not valid binds NULL), and returns
 * its rows. A column's type comes from the values SQLite returns: any text makes a string
 * column, any real number float64, integers int64; the declared type decides a column of
 * NULLs, makes integers float64 in a REAL column and bool in a BOOLEAN one (when all are 0
 * or 1). NULL is missing; a BLOB is an error. Errors start "read_sql: ". */
mg_frame *mg_read_sql(const char *path, const char *query, int nparams, const mg_cell *params);
/* Writes each frames[k] as table tables[k] (created with REAL, INTEGER, BOOLEAN and TEXT
 * columns; missing values NULL) in the database at path, created if absent, all in one
 * transaction: on failure the database is as it was. A table that exists is an error,
 * replaced, or appended to. */
typedef enum { MG_IF_EXISTS_FAIL, MG_IF_EXISTS_REPLACE, MG_IF_EXISTS_APPEND } mg_if_exists;
int mg_write_sql(const char *path, int n, const mg_frame *const *frames, const char *const *tables,
                 mg_if_exists if_exists);

/* ---- safetensors files ---------------------------------------------------------------- */
/* The safetensors format (https://github.com/huggingface/safetensors), read by PyTorch, JAX
 * and NumPy: an 8-byte little-endian header length, a UTF-8 JSON header (padded with spaces
 * to a multiple of 8 bytes) giving each tensor's dtype (float32 "F32", float64 "F64", int64
 * "I64", bool "BOOL"), shape and data_offsets, and an optional "__metadata__" object of
 * strings, then the tensors' little-endian, row-major bytes packed without gaps. Errors read
 * "save: PATH: ..." and "load: PATH: ...". */
typedef struct {
  int ntensors;
  char **names;        /* in the order of their data in the file */
  mg_tensor **tensors; /* new contiguous tensors, owned by the struct */
  int nmetadata;
  char **metadata_keys, **metadata_values;
} mg_safetensors;
/* Writes tensors[k] as names[k] (distinct UTF-8 names, not "__metadata__"), any strides
 * (written row-major), ordered by element size, largest first, so that each starts at a
 * multiple of its element size; nmeta entries of metadata (0: no "__metadata__"). The file
 * is written as path.tmp and renamed to path once complete: on failure path is unchanged. */
int mg_safetensors_save(const char *path, int n, const char *const *names,
                        const mg_tensor *const *tensors, int nmeta, const char *const *meta_keys,
                        const char *const *meta_values);
/* Reads a file after checking its whole header: its length (at most 100 MB, within the
 * file), the JSON, dtypes, shapes (at most MG_MAX_DIMS dims) and that the data offsets match
 * them and tile the data exactly. A BOOL byte other than 0 reads as true. */
mg_safetensors *mg_safetensors_load(const char *path);
void mg_safetensors_free(mg_safetensors *st);

/* ---- clustering: k-means ----------------------------------------------------------- */
/* One pass of Lloyd's k-means, as scikit-learn's: each row of x {n, d} (float32 or float64)
 * goes to the nearest row of centers {k, d} by ||c||^2 - 2 x.c computed in x's dtype (the
 * first of equally near centers), a block of rows at a time over the thread pool. labels
 * (int64 {n}, contiguous) is overwritten with each row's center (0-based); returns how many
 * rows' labels changed from what labels held (-1 on error). sums {k, d} and counts {k}
 * (both or neither; contiguous, x's dtype; they may be centers itself) are overwritten with
 * each cluster's sum of rows (accumulated in x's dtype) and number of rows. inertia (unless
 * NULL) is set to the sum over rows of ||x - c_label||^2, accumulated in float64. */
int64_t mg_kmeans_assign(const mg_tensor *x, const mg_tensor *centers, mg_tensor *labels,
                         mg_tensor *sums, mg_tensor *counts, double *inertia);

/* ---- privacy: keyed pseudonyms ------------------------------------------------------ */
/* HMAC-SHA256 (RFC 2104 over SHA-256, by libsodium) of len bytes at msg under a key of any
 * length. */
#define MG_HMAC_SHA256_BYTES 32
void mg_hmac_sha256(const uint8_t *key, size_t keylen, const void *msg, size_t len,
                    uint8_t out[MG_HMAC_SHA256_BYTES]);
/* n bytes from the operating system's secure generator (libsodium's randombytes_buf). */
int mg_random_bytes(uint8_t *out, size_t n);
/* A copy of f in which each column cols[k] is a string column of pseudonyms: prefix (NULL:
 * none) then the first hexlen (1 to 64) lowercase hex digits of the HMAC-SHA256, under key
 * (at least MG_PSEUDONYM_MIN_KEY bytes), of each value's canonical text: a string's bytes,
 * an integer in decimal, true/false, a float in the fewest digits that read back to it
 * (integral floats below 1e16 as integers: 30.0 hashes as 30; -0.0 as 0). Missing values
 * stay missing. Errors start "pseudonymize: ". */
#define MG_PSEUDONYM_MIN_KEY 32
mg_frame *mg_frame_pseudonymize(const mg_frame *f, int n, const int *cols, const uint8_t *key,
                                size_t keylen, const char *prefix, int hexlen);

#endif
