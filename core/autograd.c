/* Reverse-mode autodiff: recording nodes while ops run, and walking them back.
 *
 * Each differentiable op records, in its result, a node holding its backward rule, the
 * tensors that rule needs (saved as detached aliases, so a node never keeps its own output
 * alive) and one edge per input: the input's own node, or the input itself when it is a
 * leaf requiring grad. backward() visits the nodes reachable from a tensor in reverse
 * topological order (Kahn's algorithm on the counts of edges into each node), sums each
 * node's incoming gradients, and hands the leaves' gradients over only once every rule has
 * run, so a failure leaves every .grad as it was. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static _Thread_local bool grad_enabled = true;
static uint64_t visits; /* numbers each backward's walk, marking the nodes it reached */

bool mg_is_grad_enabled(void) { return grad_enabled; }

bool mg_set_grad_enabled(bool enabled) {
  bool was = grad_enabled;
  grad_enabled = enabled;
  return was;
}

bool mg_wants_grad(int n, const mg_tensor *const *inputs) {
  if (!grad_enabled) return false;
  for (int i = 0; i < n; i++)
    if (inputs[i]->requires_grad) return true;
  return false;
}

int mg_record(mg_tensor *out, const char *name, mg_backward_fn backward, int n,
              const mg_tensor *const *inputs, mg_node **node) {
  *node = NULL;
  if (!mg_wants_grad(n, inputs)) return 0;
  mg_node *nd = calloc(1, sizeof *nd + (size_t)n * sizeof(mg_edge));
  if (!nd) {
    mg_release(out);
    return mg_fail("%s: out of memory recording the graph", name);
  }
  *nd = (mg_node){.name = name, .backward = backward, .refcount = 1, .num_inputs = n,
                  .inputs = (mg_edge *)(nd + 1)};
  for (int i = 0; i < n; i++) {
    const mg_tensor *t = inputs[i];
    mg_edge *e = &nd->inputs[i];
    e->dtype = t->dtype;
    e->ndim = t->ndim;
    memcpy(e->size, t->size, sizeof e->size);
    if (!t->requires_grad) continue;
    if (t->grad_fn) {
      e->node = t->grad_fn;
      e->node->refcount++;
    } else {
      e->leaf = mg_retain((mg_tensor *)t);
    }
  }
  out->grad_fn = nd;
  out->requires_grad = true;
  *node = nd;
  return 0;
}

int mg_save(mg_node *node, const mg_tensor *t, mg_tensor *out) {
  mg_tensor *alias = mg_detach((mg_tensor *)t);
  if (!alias) {
    mg_release(out);
    return -1;
  }
  node->saved_version[node->num_saved] = t->storage->version;
  node->saved[node->num_saved++] = alias;
  return 0;
}

static void free_saved(mg_node *node) {
  for (int k = 0; k < node->num_saved; k++) {
    mg_release(node->saved[k]);
    node->saved[k] = NULL;
  }
  node->freed = true;
}

/* Iterative, through each node's own link: a graph thousands of ops deep must not
 * exhaust the C stack when its last tensor goes. */
void mg_node_release(mg_node *node) {
  mg_node *todo = NULL;
  if (node && --node->refcount == 0) todo = node, node->link = NULL;
  while (todo) {
    mg_node *n = todo;
    todo = n->link;
    for (int i = 0; i < n->num_inputs; i++) {
      mg_node *child = n->inputs[i].node;
      if (child && --child->refcount == 0) child->link = todo, todo = child;
      mg_release(n->inputs[i].leaf);
    }
    free_saved(n);
    mg_release(n->grad_sum);
    free(n);
  }
}

int mg_set_requires_grad(mg_tensor *t, bool requires_grad) {
  if (requires_grad && !mg_dtype_is_float(t->dtype))
    return mg_fail("requires_grad_: only float tensors can require grad, got %s",
                   mg_dtype_name(t->dtype));
  if (!requires_grad && t->grad_fn)
    return mg_fail("requires_grad_: a tensor made by recorded ops (grad_fn %s) always "
                   "requires grad; use detach() for one that does not",
                   t->grad_fn->name);
  t->requires_grad = requires_grad;
  return 0;
}

mg_tensor *mg_grad(const mg_tensor *t) { return t->grad; }

int mg_set_grad(mg_tensor *t, mg_tensor *grad) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (grad && (grad->dtype != t->dtype || grad->ndim != t->ndim ||
               memcmp(grad->size, t->size, sizeof(int64_t) * (size_t)t->ndim) != 0))
    return mg_fail("grad: expected a %s tensor of shape %s, got %s of shape %s",
                   mg_dtype_name(t->dtype), mg_shape_str(t->ndim, t->size, b1),
                   mg_dtype_name(grad->dtype), mg_shape_str(grad->ndim, grad->size, b2));
  if (grad == t) return mg_fail("grad: a tensor cannot be its own gradient");
  if (grad) mg_retain(grad);
  mg_release(t->grad);
  t->grad = grad;
  return 0;
}

const char *mg_grad_fn_name(const mg_tensor *t) { return t->grad_fn ? t->grad_fn->name : NULL; }
int mg_node_num_inputs(const mg_node *node) { return node->num_inputs; }
const char *mg_node_name(const mg_node *node) { return node->name; }

void mg_node_input(const mg_node *node, int i, mg_node **input_node, mg_tensor **leaf) {
  *input_node = node->inputs[i].node;
  *leaf = node->inputs[i].leaf;
}

int mg_node_input_shape(const mg_node *node, int i, mg_dtype *dtype, int64_t *size) {
  const mg_edge *e = &node->inputs[i];
  *dtype = e->dtype;
  memcpy(size, e->size, sizeof(int64_t) * (size_t)e->ndim);
  return e->ndim;
}

mg_tensor *mg_detach(mg_tensor *t) {
  return mg_make_view(t, t->ndim, t->size, t->stride, t->offset);
}

uint64_t mg_tensor_version(const mg_tensor *t) { return t->storage->version; }

int mg_prepare_write(const char *what, mg_tensor *t, int n, const mg_tensor *const *sources) {
  if (mg_check_writable(what, t)) return -1;
  if (grad_enabled && t->requires_grad)
    return mg_fail("%s: in-place change of a tensor that requires grad; use the "
                   "out-of-place form, or mg.no_grad for updates autograd must not see",
                   what);
  if (mg_wants_grad(n, sources))
    return mg_fail("%s: in-place writes are not recorded by autograd and an input requires "
                   "grad; use the out-of-place form",
                   what);
  t->storage->version++;
  return 0;
}

int mg_pass_backward(mg_node *node, const mg_tensor *grad, mg_tensor **gi) {
  (void)node;
  gi[0] = mg_retain((mg_tensor *)grad);
  return 0;
}

mg_tensor *mg_op2(mg_binary_op op, mg_tensor *a, mg_tensor *b, int own) {
  mg_tensor *r = a && b ? mg_binary(op, a, b) : NULL;
  if (own & MG_OWN_A) mg_release(a);
  if (own & MG_OWN_B) mg_release(b);
  return r;
}

mg_tensor *mg_op1(mg_unary_op op, mg_tensor *a, int own) {
  mg_tensor *r = a ? mg_unary(op, a) : NULL;
  if (own & MG_OWN_A) mg_release(a);
  return r;
}

mg_tensor *mg_op_number(mg_binary_op op, mg_tensor *a, double v, int own) {
  return mg_op2(op, a, mg_wrapped_number(v, false), own | MG_OWN_B);
}

/* ---- backward ----------------------------------------------------------------------- */

/* The gradient g of an input summed over the dims it was broadcast along, in the input's
 * dtype; g itself (retained) when it already fits. */
static mg_tensor *conform(mg_tensor *g, const mg_edge *e, const char *op) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  mg_tensor *r = mg_retain(g);
  while (r && r->ndim > e->ndim) {
    mg_tensor *s = mg_reduce(MG_SUM, r, 0, false, 0);
    mg_release(r);
    r = s;
  }
  for (int d = 0; r && d < e->ndim; d++) {
    if (r->size[d] == e->size[d] || e->size[d] != 1) continue;
    mg_tensor *s = mg_reduce(MG_SUM, r, d, true, 0);
    mg_release(r);
    r = s;
  }
  if (r && (r->ndim != e->ndim ||
            memcmp(r->size, e->size, sizeof(int64_t) * (size_t)e->ndim) != 0)) {
    mg_fail("backward: %s gave a gradient of shape %s for an input of shape %s", op,
            mg_shape_str(g->ndim, g->size, b1), mg_shape_str(e->ndim, e->size, b2));
    mg_release(r);
    return NULL;
  }
  if (r && r->dtype != e->dtype) {
    mg_tensor *c = mg_to(r, e->dtype);
    mg_release(r);
    r = c;
  }
  return r;
}

typedef struct {
  mg_node **items;
  int64_t count, capacity;
} node_list;

static int push_node(node_list *l, mg_node *n) {
  if (l->count == l->capacity) {
    int64_t cap = l->capacity ? 2 * l->capacity : 64;
    mg_node **items = realloc(l->items, (size_t)cap * sizeof *items);
    if (!items) return mg_fail("backward: out of memory");
    l->items = items, l->capacity = cap;
  }
  l->items[l->count++] = n;
  return 0;
}

/* Every node behind root, with pending = the number of edges into it; fails before any
 * gradient is computed when one was freed or one of its saved tensors changed since. */
static int collect(mg_node *root, node_list *reached) {
  char b[MG_SHAPE_STR];
  uint64_t visit = ++visits;
  root->visit = visit, root->pending = 0;
  if (push_node(reached, root)) return -1;
  for (int64_t next = 0; next < reached->count; next++) {
    mg_node *n = reached->items[next];
    if (n->freed)
      return mg_fail("backward: the graph through %s was freed by an earlier backward; "
                     "pass {retain_graph = true} to that call to go through it again",
                     n->name);
    for (int k = 0; k < n->num_saved; k++)
      if (n->saved[k]->storage->version != n->saved_version[k])
        return mg_fail("backward: a tensor of shape %s that %s saved for its gradient was "
                       "changed in place since (version %llu, expected %llu)",
                       mg_shape_str(n->saved[k]->ndim, n->saved[k]->size, b), n->name,
                       (unsigned long long)n->saved[k]->storage->version,
                       (unsigned long long)n->saved_version[k]);
    for (int i = 0; i < n->num_inputs; i++) {
      mg_node *child = n->inputs[i].node;
      if (!child) continue;
      if (child->visit != visit) {
        child->visit = visit, child->pending = 0;
        if (push_node(reached, child)) return -1;
      }
      child->pending++;
    }
  }
  return 0;
}

typedef struct {
  mg_tensor *leaf, *grad;
} leaf_grad;

typedef struct {
  leaf_grad *items;
  int64_t count, capacity;
} leaf_list;

static int push_leaf(leaf_list *l, mg_tensor *leaf, mg_tensor *grad) {
  if (l->count == l->capacity) {
    int64_t cap = l->capacity ? 2 * l->capacity : 16;
    leaf_grad *items = realloc(l->items, (size_t)cap * sizeof *items);
    if (!items) return mg_fail("backward: out of memory");
    l->items = items, l->capacity = cap;
  }
  l->items[l->count++] = (leaf_grad){leaf, grad};
  return 0;
}

/* Adds g into *sum (taking g over when *sum is empty). */
static int accumulate(mg_tensor **sum, mg_tensor *g) {
  if (!*sum) {
    *sum = g;
    return 0;
  }
  mg_tensor *s = mg_binary(MG_ADD, *sum, g);
  mg_release(g);
  if (!s) return -1;
  mg_release(*sum);
  *sum = s;
  return 0;
}

/* Runs one node's rule and passes each input's gradient on: to its node's sum (pushing
 * the node on ready once all its gradients are in) or to the leaves' list. */
static int run_node(mg_node *n, mg_node **ready, leaf_list *leaves) {
  mg_tensor *fixed[8] = {0}, **grads = fixed;
  if (n->num_inputs > 8 && !(grads = calloc((size_t)n->num_inputs, sizeof *grads)))
    return mg_fail("backward: out of memory");
  int rc = n->backward(n, n->grad_sum, grads);
  mg_release(n->grad_sum);
  n->grad_sum = NULL;
  for (int i = 0; i < n->num_inputs; i++) {
    mg_edge *e = &n->inputs[i];
    mg_tensor *g = NULL;
    bool needed = e->node || e->leaf;
    if (rc == 0 && needed && grads[i] && !(g = conform(grads[i], e, n->name))) rc = -1;
    mg_release(grads[i]);
    if (rc == 0 && g && e->leaf && push_leaf(leaves, e->leaf, g)) mg_release(g), rc = -1;
    if (rc == 0 && g && e->node && accumulate(&e->node->grad_sum, g)) rc = -1;
    if (rc == 0 && e->node && --e->node->pending == 0) e->node->link = *ready, *ready = e->node;
  }
  if (grads != fixed) free(grads);
  return rc;
}

/* Hands a leaf its gradient: taken over when nothing else can see it, else copied, so a
 * later in-place accumulation cannot change another tensor. */
static int commit(mg_tensor *leaf, mg_tensor *g) {
  if (leaf->grad) return mg_binary_out(MG_ADD, leaf->grad, g, leaf->grad);
  bool exclusive = g->refcount == 1 && g->storage->refcount == 1 && mg_is_contiguous(g);
  mg_tensor *own = exclusive ? mg_retain(g) : mg_clone(g);
  if (!own) return -1;
  leaf->grad = own;
  return 0;
}

static int run_graph(mg_node *root, mg_tensor *seed, bool retain_graph) {
  node_list reached = {0};
  leaf_list leaves = {0};
  int rc = collect(root, &reached);
  if (rc == 0) {
    root->grad_sum = mg_retain(seed);
    mg_node *ready = root;
    root->link = NULL;
    while (ready && rc == 0) {
      mg_node *n = ready;
      ready = n->link;
      rc = run_node(n, &ready, &leaves);
    }
  }
  for (int64_t k = 0; k < leaves.count; k++) {
    if (rc == 0) rc = commit(leaves.items[k].leaf, leaves.items[k].grad);
    mg_release(leaves.items[k].grad);
  }
  for (int64_t k = 0; k < reached.count; k++) {
    mg_node *n = reached.items[k];
    mg_release(n->grad_sum);
    n->grad_sum = NULL;
    if (rc == 0 && !retain_graph) free_saved(n);
  }
  free(reached.items);
  free(leaves.items);
  return rc;
}

int mg_backward(mg_tensor *t, const mg_tensor *grad, bool retain_graph) {
  char b1[MG_SHAPE_STR], b2[MG_SHAPE_STR];
  if (!t->requires_grad)
    return mg_fail("backward: the tensor does not require grad (no input of the ops that "
                   "made it requires grad)");
  if (!grad && mg_numel(t) != 1)
    return mg_fail("backward: a gradient can be left out only for a tensor of one element, "
                   "got shape %s (pass one of that shape)",
                   mg_shape_str(t->ndim, t->size, b1));
  if (grad && (grad->ndim != t->ndim ||
               memcmp(grad->size, t->size, sizeof(int64_t) * (size_t)t->ndim) != 0))
    return mg_fail("backward: expected a gradient of shape %s, got %s",
                   mg_shape_str(t->ndim, t->size, b1), mg_shape_str(grad->ndim, grad->size, b2));
  bool was = mg_set_grad_enabled(false); /* before the seed: converting it must not record */
  mg_tensor *seed = grad ? mg_to((mg_tensor *)grad, t->dtype) : mg_ones(t->dtype, t->ndim, t->size);
  int rc = !seed ? -1 : t->grad_fn ? run_graph(t->grad_fn, seed, retain_graph) : commit(t, seed);
  mg_set_grad_enabled(was);
  mg_release(seed);
  return rc;
}
