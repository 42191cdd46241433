/* Matrix products through OpenBLAS (float32/float64) with PyTorch's matmul rules; int64
 * products run a plain loop, since BLAS has none. */
#include <limits.h>
#include <string.h>

#include "internal.h"

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

/* A 2-D operand as BLAS sees it: its first element, whether it is stored transposed, and
 * its leading dimension; NULL layout means it must be copied first. */
typedef struct {
  const char *data;
  int trans;
  int64_t ld;
} blas_matrix;

static bool as_blas_matrix(const char *data, int64_t rows, int64_t cols, int64_t rs,
                           int64_t cs, blas_matrix *m) {
  m->data = data;
  if (cs == 1 && rs >= (cols > 1 ? cols : 1)) m->trans = NO_TRANS, m->ld = rs;
  else if (rs == 1 && cs >= (rows > 1 ? rows : 1)) m->trans = TRANS, m->ld = cs;
  else if (rows <= 1 && cs == 1) m->trans = NO_TRANS, m->ld = cols > 1 ? cols : 1;
  else if (cols <= 1 && rs == 1) m->trans = TRANS, m->ld = rows > 1 ? rows : 1;
  else return false;
  return m->ld <= INT_MAX;
}

/* out (n x m, contiguous) = alpha * a (n x k) @ b (k x m) + beta * out. */
static void gemm(const mg_blas_api *blas, mg_dtype dtype, int64_t n, int64_t m, int64_t k,
                 double alpha, blas_matrix a, blas_matrix b, double beta, char *out) {
  if (dtype == MG_FLOAT32)
    blas->sgemm(ROW_MAJOR, a.trans, b.trans, (int)n, (int)m, (int)k, (float)alpha,
                (const float *)a.data, (int)a.ld, (const float *)b.data, (int)b.ld,
                (float)beta, (float *)out, (int)(m > 1 ? m : 1));
  else
    blas->dgemm(ROW_MAJOR, a.trans, b.trans, (int)n, (int)m, (int)k, alpha,
                (const double *)a.data, (int)a.ld, (const double *)b.data, (int)b.ld, beta,
                (double *)out, (int)(m > 1 ? m : 1));
}

static void int_gemm(int64_t n, int64_t m, int64_t k, int64_t alpha, const char *a,
                     int64_t ars, int64_t acs, const char *b, int64_t brs, int64_t bcs,
                     int64_t beta, int64_t *out) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < m; j++) {
      uint64_t acc = 0; /* wraps on overflow, as integer tensors do */
      for (int64_t p = 0; p < k; p++)
        acc += (uint64_t)*(const int64_t *)(a + (i * ars + p * acs) * 8) *
               (uint64_t) * (const int64_t *)(b + (p * brs + j * bcs) * 8);
      out[i * m + j] = (int64_t)((uint64_t)beta * (uint64_t)out[i * m + j] + (uint64_t)alpha * acc);
    }
}

/* out[batch] = alpha * a[batch] @ b[batch] + beta * out[batch] for 3-D a (B,n,k), b (B,k,m)
 * (batch strides may be 0), out contiguous (B,n,m). */
static int batched_gemm(const mg_tensor *a, const mg_tensor *b, double alpha, double beta,
                        mg_tensor *out) {
  int64_t batch = out->size[0], n = a->size[1], k = a->size[2], m = b->size[2];
  if (n == 0 || m == 0 || batch == 0) return 0;
  size_t es = mg_dtype_size(a->dtype);
  char *o = mg_data(out);
  if (a->dtype == MG_INT64) {
    for (int64_t i = 0; i < batch; i++)
      int_gemm(n, m, k, (int64_t)alpha, (const char *)mg_data(a) + i * a->stride[0] * 8,
               a->stride[1], a->stride[2], (const char *)mg_data(b) + i * b->stride[0] * 8,
               b->stride[1], b->stride[2], (int64_t)beta, (int64_t *)(o + i * n * m * 8));
    return 0;
  }
  if (n > INT_MAX || m > INT_MAX || k > INT_MAX)
    return mg_fail("matmul: matrices of more than %d rows or columns are not supported", INT_MAX);
  const mg_blas_api *blas = mg_blas();
  if (!blas) return -1;
  for (int64_t i = 0; i < batch; i++) {
    char *dst = o + i * n * m * (int64_t)es;
    if (k == 0) { /* BLAS leaves C untouched when k == 0 only if beta == 1 */
      for (int64_t j = 0; j < n * m; j++)
        mg_store(a->dtype, dst + j * (int64_t)es, beta == 0 ? 0 : beta * mg_load(a->dtype, dst + j * (int64_t)es));
      continue;
    }
    blas_matrix ma, mb;
    const char *pa = (const char *)mg_data(a) + i * a->stride[0] * (int64_t)es;
    const char *pb = (const char *)mg_data(b) + i * b->stride[0] * (int64_t)es;
    if (!as_blas_matrix(pa, n, k, a->stride[1], a->stride[2], &ma) ||
        !as_blas_matrix(pb, k, m, b->stride[1], b->stride[2], &mb))
      return mg_fail("matmul: internal error: operand layout not usable by BLAS");
    gemm(blas, a->dtype, n, m, k, alpha, ma, mb, beta, dst);
  }
  return 0;
}

/* A 3-D view whose matrices BLAS can read, copying when their strides do not allow it. */
static mg_tensor *blas_ready(mg_tensor *t) {
  blas_matrix probe;
  if (t->dtype == MG_INT64 ||
      as_blas_matrix(NULL, t->size[1], t->size[2], t->stride[1], t->stride[2], &probe))
    return mg_retain(t);
  return mg_contiguous(t);
}

static int check_dtypes(const char *what, const mg_tensor *a, const mg_tensor *b) {
  if (a->dtype != b->dtype)
    return mg_fail("%s: expected operands of one dtype, got %s and %s", what,
                   mg_dtype_name(a->dtype), mg_dtype_name(b->dtype));
  if (a->dtype == MG_BOOL) return mg_fail("%s: bool tensors cannot be multiplied", what);
  return 0;
}

static int check_inner(const char *what, const mg_tensor *a, const mg_tensor *b, int64_t ka,
                       int64_t kb) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (ka != kb)
    return mg_fail("%s: shapes %s and %s do not align (%lld ~= %lld)", what,
                   mg_shape_str(a->ndim, a->size, b1), mg_shape_str(b->ndim, b->size, b2),
                   (long long)ka, (long long)kb);
  return 0;
}

/* The general case: a (..., n, k) @ b (..., k, m) with batch dims broadcast; result shape
 * out_ndim/out_size given by the caller (so 1-D operands can drop their added dim). When c
 * is given, the result starts as c broadcast and is scaled by beta (addmm). */
static mg_tensor *product(const char *what, mg_tensor *a, mg_tensor *b, const mg_tensor *c,
                          double beta, double alpha) {
  int nb;
  int64_t batch[MG_MAX_DIMS], size[MG_MAX_DIMS];
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (mg_broadcast_shapes(what, a->ndim - 2, a->size, b->ndim - 2, b->size, &nb, batch))
    return mg_fail_null("%s: the batch dimensions of shapes %s and %s cannot be broadcast", what,
                        mg_shape_str(a->ndim, a->size, b1), mg_shape_str(b->ndim, b->size, b2));
  int64_t n = a->size[a->ndim - 2], m = b->size[b->ndim - 1], total = 1;
  for (int d = 0; d < nb; d++) total *= batch[d];
  memcpy(size, batch, sizeof(int64_t) * (size_t)nb);
  size[nb] = n, size[nb + 1] = m;
  mg_tensor *out = mg_empty(a->dtype, nb + 2, size);
  if (!out) return NULL;
  if (c && (mg_copy_raw("addmm", out, c) || (beta == 0 && mg_fill_(out, 0)))) {
    mg_release(out);
    return NULL;
  }
  /* Flatten the broadcast batch dims into one, viewing each operand as (B, rows, cols). */
  int64_t ea[MG_MAX_DIMS], eb[MG_MAX_DIMS];
  memcpy(ea, batch, sizeof(int64_t) * (size_t)nb), ea[nb] = n, ea[nb + 1] = a->size[a->ndim - 1];
  memcpy(eb, batch, sizeof(int64_t) * (size_t)nb), eb[nb] = b->size[b->ndim - 2], eb[nb + 1] = m;
  mg_tensor *xa = mg_expand(a, nb + 2, ea), *xb = mg_expand(b, nb + 2, eb);
  mg_tensor *ra = xa ? mg_reshape(xa, 3, (int64_t[]){total, ea[nb], ea[nb + 1]}) : NULL;
  mg_tensor *rb = xb ? mg_reshape(xb, 3, (int64_t[]){total, eb[nb], eb[nb + 1]}) : NULL;
  mg_tensor *ba = ra ? blas_ready(ra) : NULL, *bb = rb ? blas_ready(rb) : NULL;
  mg_tensor *o3 = mg_view(out, 3, (int64_t[]){total, n, m});
  int rc = ba && bb && o3 ? batched_gemm(ba, bb, alpha, c ? beta : 0, o3) : -1;
  mg_release(xa), mg_release(xb), mg_release(ra), mg_release(rb);
  mg_release(ba), mg_release(bb), mg_release(o3);
  if (rc) {
    mg_release(out);
    return NULL;
  }
  return out;
}

/* Removes dim d of t (size 1), handing back a view and releasing t. */
static mg_tensor *drop_dim(mg_tensor *t, int d) {
  if (!t) return NULL;
  mg_tensor *s = mg_squeeze(t, d);
  mg_release(t);
  return s;
}

/* t with its last two dims swapped (a view). */
static mg_tensor *swap_last(mg_tensor *t) {
  return t ? mg_transpose(t, t->ndim - 2, t->ndim - 1) : NULL;
}

/* ---- gradients ------------------------------------------------------------------------
 * C = alpha * A @ B (+ beta * c, addmm) with 1-D operands promoted, A a row and B a column:
 *   dA = alpha * G @ B^T,   dB = alpha * A^T @ G,   dc = beta * G.
 * Both products go through BLAS on transposed views, without copies. When A or B had batch
 * dims broadcast, the engine sums their gradient back over them. */

/* alpha * x @ y, computed as (alpha * y^T @ x^T)^T when like (the operand whose gradient
 * this is) is stored transposed, so that the gradient has its layout: the gradient of
 * Linear's weight:t() then lands in the contiguous weight without a copy. */
static mg_tensor *product_like(mg_tensor *x, mg_tensor *y, double alpha, const mg_tensor *like) {
  int d = like->ndim;
  if (!(like->stride[d - 2] == 1 && like->stride[d - 1] != 1))
    return product("matmul", x, y, NULL, 0, alpha);
  mg_tensor *xt = swap_last(x), *yt = swap_last(y);
  mg_tensor *p = xt && yt ? product("matmul", yt, xt, NULL, 0, alpha) : NULL, *r = swap_last(p);
  mg_release(xt), mg_release(yt), mg_release(p);
  return r;
}

/* Inputs (c,) a, b; saved[0], saved[1]: a and b promoted to 2-D; ctx.ints[0], ints[1]:
 * whether a, b were 1-D; ctx.number: alpha, beta. */
static int product_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  int ia = node->num_inputs - 2, ib = ia + 1;
  mg_tensor *a = node->saved[0], *b = node->saved[1];
  bool a1 = node->ctx.ints[0], b1 = node->ctx.ints[1];
  double alpha = node->ctx.number[0], beta = node->ctx.number[1];
  /* grad with the dims the 1-D operands dropped put back: {batch..., n, m} */
  int nb = grad->ndim - !a1 - !b1, k = nb;
  int64_t size[MG_MAX_DIMS];
  memcpy(size, grad->size, sizeof(int64_t) * (size_t)nb);
  size[nb] = a1 ? 1 : grad->size[k++];
  size[nb + 1] = b1 ? 1 : grad->size[k];
  mg_tensor *g = mg_reshape((mg_tensor *)grad, nb + 2, size);
  mg_tensor *at = swap_last(a), *bt = swap_last(b);
  bool ok = g && at && bt;
  if (ia && mg_needs_grad(node, 0)) /* addmm's c */
    gi[0] = beta == 1 ? mg_retain((mg_tensor *)grad)
                      : mg_op_number(MG_MUL, (mg_tensor *)grad, beta, 0);
  if (ok && mg_needs_grad(node, ia)) {
    gi[ia] = product_like(g, bt, alpha, a);
    if (a1) gi[ia] = drop_dim(gi[ia], nb);
  }
  if (ok && mg_needs_grad(node, ib)) {
    gi[ib] = product_like(at, g, alpha, b);
    if (b1) gi[ib] = drop_dim(gi[ib], nb + 1);
  }
  mg_release(g), mg_release(at), mg_release(bt);
  for (int i = 0; i < node->num_inputs; i++)
    if (mg_needs_grad(node, i) && !gi[i]) return -1;
  return 0;
}

/* Records out = alpha * a @ b (+ beta * c) as the op what, saving a and b as promoted (ua,
 * ub). On failure releases out. */
static int record_product(mg_tensor *out, const char *what, const mg_tensor *c,
                          const mg_tensor *a, const mg_tensor *b, const mg_tensor *ua,
                          const mg_tensor *ub, double beta, double alpha) {
  mg_node *node;
  const mg_tensor *inputs[3] = {c, a, b};
  if (mg_record(out, what, product_backward, c ? 3 : 2, c ? inputs : inputs + 1, &node) ||
      (node && (mg_save(node, ua, out) || mg_save(node, ub, out))))
    return -1;
  if (node) {
    node->ctx.ints[0] = a->ndim == 1, node->ctx.ints[1] = b->ndim == 1;
    node->ctx.number[0] = alpha, node->ctx.number[1] = beta;
  }
  return 0;
}

/* 1-D t as a row (dim 0) or a column (dim 1); others as they are. */
static mg_tensor *promote(const mg_tensor *t, int dim) {
  return t->ndim == 1 ? mg_unsqueeze((mg_tensor *)t, dim) : mg_retain((mg_tensor *)t);
}

/* alpha * a @ b (+ beta * c), under the name of the function the user called (mm, dot, …)
 * for its errors and its node. The views taken of a and b run with grad mode off: the
 * product records one node of its own. */
static mg_tensor *matmul(const char *what, const mg_tensor *c, const mg_tensor *a,
                         const mg_tensor *b, double beta, double alpha) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (a->ndim == 0 || b->ndim == 0)
    return mg_fail_null("%s: expected tensors of at least 1 dimension, got shapes %s and %s",
                        what, mg_shape_str(a->ndim, a->size, b1), mg_shape_str(b->ndim, b->size, b2));
  if (check_dtypes(what, a, b) ||
      check_inner(what, a, b, a->size[a->ndim - 1], b->size[b->ndim == 1 ? 0 : b->ndim - 2]))
    return NULL;
  bool was = mg_set_grad_enabled(false);
  mg_tensor *ua = promote(a, 0), *ub = promote(b, 1);
  mg_tensor *out = ua && ub ? product(what, ua, ub, c, beta, alpha) : NULL;
  if (b->ndim == 1) out = drop_dim(out, out ? out->ndim - 1 : 0);
  if (a->ndim == 1) out = drop_dim(out, out ? out->ndim - 1 - (b->ndim != 1) : 0);
  mg_set_grad_enabled(was);
  if (out && record_product(out, what, c, a, b, ua, ub, beta, alpha)) out = NULL;
  mg_release(ua), mg_release(ub);
  return out;
}

mg_tensor *mg_matmul(const mg_tensor *a, const mg_tensor *b) {
  return matmul("matmul", NULL, a, b, 0, 1);
}

static int check_ndim(const char *what, const mg_tensor *t, int ndim, const char *which) {
  if (t->ndim != ndim)
    return mg_fail("%s: expected %s to be %d-D, got %d-D", what, which, ndim, t->ndim);
  return 0;
}

mg_tensor *mg_mm(const mg_tensor *a, const mg_tensor *b) {
  if (check_ndim("mm", a, 2, "the first matrix") || check_ndim("mm", b, 2, "the second matrix"))
    return NULL;
  return matmul("mm", NULL, a, b, 0, 1);
}

mg_tensor *mg_bmm(const mg_tensor *a, const mg_tensor *b) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (check_ndim("bmm", a, 3, "the first batch") || check_ndim("bmm", b, 3, "the second batch"))
    return NULL;
  if (a->size[0] != b->size[0])
    return mg_fail_null("bmm: batch sizes differ in %s and %s", mg_shape_str(3, a->size, b1),
                        mg_shape_str(3, b->size, b2));
  return matmul("bmm", NULL, a, b, 0, 1);
}

mg_tensor *mg_mv(const mg_tensor *a, const mg_tensor *v) {
  if (check_ndim("mv", a, 2, "the matrix") || check_ndim("mv", v, 1, "the vector")) return NULL;
  return matmul("mv", NULL, a, v, 0, 1);
}

mg_tensor *mg_dot(const mg_tensor *a, const mg_tensor *b) {
  if (check_ndim("dot", a, 1, "the first vector") || check_ndim("dot", b, 1, "the second vector"))
    return NULL;
  return matmul("dot", NULL, a, b, 0, 1);
}

/* d(a b^T): da = G b, db = G^T a (saved a, b). */
static int outer_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  mg_tensor *gt = mg_transpose((mg_tensor *)grad, 0, 1);
  if (mg_needs_grad(node, 0) && !(gi[0] = mg_mv(grad, node->saved[1]))) return -1;
  if (mg_needs_grad(node, 1)) gi[1] = gt ? mg_mv(gt, node->saved[0]) : NULL;
  mg_release(gt);
  return mg_needs_grad(node, 1) && !gi[1] ? -1 : 0;
}

mg_tensor *mg_outer(const mg_tensor *a, const mg_tensor *b) {
  if (check_ndim("outer", a, 1, "the first vector") || check_ndim("outer", b, 1, "the second vector"))
    return NULL;
  bool was = mg_set_grad_enabled(false);
  mg_tensor *col = mg_unsqueeze((mg_tensor *)a, 1);
  mg_tensor *out = col ? mg_binary(MG_MUL, col, b) : NULL;
  mg_set_grad_enabled(was);
  mg_release(col);
  mg_node *node;
  if (!out || mg_record(out, "outer", outer_backward, 2, (const mg_tensor *[]){a, b}, &node) ||
      (node && (mg_save(node, a, out) || mg_save(node, b, out))))
    return NULL;
  return out;
}

mg_tensor *mg_addmm(const mg_tensor *c, const mg_tensor *a, const mg_tensor *b, double beta,
                    double alpha) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (check_ndim("addmm", a, 2, "the first matrix") || check_ndim("addmm", b, 2, "the second matrix") ||
      check_dtypes("addmm", a, b) || check_inner("addmm", a, b, a->size[1], b->size[0]))
    return NULL;
  if (c->dtype != a->dtype)
    return mg_fail_null("addmm: expected the added tensor to be %s, got %s",
                        mg_dtype_name(a->dtype), mg_dtype_name(c->dtype));
  int nd;
  int64_t shape[MG_MAX_DIMS];
  if (mg_broadcast_shapes("addmm", c->ndim, c->size, 2, (int64_t[]){a->size[0], b->size[1]}, &nd, shape))
    return NULL;
  if (nd != 2 || shape[0] != a->size[0] || shape[1] != b->size[1])
    return mg_fail_null("addmm: the added tensor of shape %s does not broadcast to %s",
                        mg_shape_str(c->ndim, c->size, b1),
                        mg_shape_str(2, (int64_t[]){a->size[0], b->size[1]}, b2));
  return matmul("addmm", c, a, b, beta, alpha);
}
