-- Documentation of moongrad's tensor area, shown by help(); format in moongrad/help.lua.
-- Every example runs in the test suite: keep them short, and their comments true.
return {title = 'Tensors: creation, shape and views, math, reductions, indexing, linear algebra',
        entries = {

  ---------------------------------------------------------------------------- the class
  {name = 'mg.Tensor',
   sig = 'mg.Tensor   -- the class of every tensor: t:sum(2) is mg.Tensor.sum(t, 2), or mg.sum(t, 2)',
   desc = [[
A tensor is an array of up to 8 dimensions holding one dtype: 'float32' (the default),
'float64', 'int64' (labels, indices) or 'bool' (masks). Views (view, t(), narrow, t[i],
...) share memory with the tensor they come from; clone() copies. Dims and indices are
1-based, negative ones count from the end (-1 is the last).
Fields: t.shape, t.dtype, t.ndim; for autograd t.requires_grad, t.grad, t.grad_fn, t.is_leaf.
Operators: + - * / ^ and unary -, elementwise with NumPy broadcasting, with a Lua number on
either side (2 * t, 1 - t, 2 ^ t). #t is the size of dim 1. == is identity (Lua's rule) and
< does not compare tensors: use t:eq(u), t:lt(u) ... for elementwise results.
Indexing: t[i] selects along dim 1 (a view; a 1-D t gives a 0-d tensor, :item() its value).
Torch7 slicing t[{a, b, ...}]: per dim a number selects, {} keeps all, {i, j} keeps i..j
inclusive, {i} keeps i alone. t[i] = v and t[{...}] = v fill (number) or copy (tensor,
broadcast) into that view. print(t) shows the values and a footer with dtype and shape,
summarising tensors of more than 1000 elements. help(t) shows this page for any tensor.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x[2], x[{{}, {2, 3}}])       -- 4 5 6;  {{2, 3}, {5, 6}}
print(#x, x.dtype, x * 2 + 1)      -- 2  float32  {{3, 5, 7}, {9, 11, 13}}
x[{1, {2, 3}}] = 0; print(x:eq(0):sum():item())   -- 2]]},

  {name = {'mg.Tensor.shape', 'mg.Tensor.dtype', 'mg.Tensor.ndim'},
   sig = 't.shape   t.dtype   t.ndim   -- read-only fields',
   desc = [[
t.shape is a new table of the sizes ({} for a 0-d tensor), as t:size(); t.dtype the dtype's
name, 'float32', 'float64', 'int64' or 'bool', as t:type(); t.ndim the number of dimensions,
as t:dim(). Assigning them is an error: use view/reshape for another shape, to/float/double/
long/bool for another dtype.]],
   example = [[
local x = mg.zeros(2, 3)
print(table.concat(x.shape, 'x'), x.dtype, x.ndim)   -- 2x3  float32  2
print(mg.tensor(7).ndim, #mg.tensor(7).shape)         -- 0  0]]},

  ---------------------------------------------------------------------------- creation
  {name = 'mg.tensor',
   sig = "mg.tensor(data [, {dtype = 'float32', requires_grad = false}])",
   desc = [[
A new tensor from data: nested Lua tables of numbers or booleans (they must be rectangular),
a single number or boolean (a 0-d tensor), or a tensor (a copy, converted to opts.dtype).
The dtype is float32 unless opts.dtype says otherwise, bool when the values are booleans;
an int64 tensor keeps Lua integers exactly. requires_grad = true makes it a leaf for
autograd.]],
   example = [[
print(mg.tensor{{1, 2}, {3, 4}})                 -- float32, shape {2,2}
print(mg.tensor({1, 2, 3}, {dtype = 'int64'}))   -- 1 2 3 (int64)
print(mg.tensor(2.5), mg.tensor{true, false})     -- a 0-d 2.5;  a bool mask]]},

  {name = {'mg.zeros', 'mg.ones', 'mg.empty'},
   sig = "mg.zeros(size... [, {dtype = 'float32', requires_grad = false}])\n"
      .. "mg.zeros({size...} [, opts])     mg.ones(...)     mg.empty(...): the same arguments",
   desc = [[
A new tensor of the given sizes (non-negative integers, as arguments or one table such as
another tensor's t.shape) filled with 0 (zeros) or 1 (ones); empty leaves the values
unspecified (whatever the memory held), for tensors about to be overwritten.
dtype defaults to float32; requires_grad = true makes a leaf for autograd.]],
   example = [[
print(mg.zeros(2, 3))                           -- 2x3 of 0, float32
print(mg.ones({2}, {dtype = 'int64'}))          -- 1 1 (int64)
local w = mg.zeros(3, {requires_grad = true})   -- a leaf, w.requires_grad == true]]},

  {name = {'mg.zeros_like', 'mg.ones_like', 'mg.empty_like'},
   sig = "mg.zeros_like(t [, {dtype = t.dtype, requires_grad = false}])\n"
      .. "mg.ones_like(t [, opts])     mg.empty_like(t [, opts])",
   desc = [[
A new tensor of t's shape and (unless opts.dtype says) t's dtype, filled with 0, with 1, or
left unspecified (empty_like). Only the shape and dtype are taken from t: the result is
never a view of t and does not require grad unless opts.requires_grad.]],
   example = [[
local x = mg.tensor{{1, 2}, {3, 4}}
print(mg.zeros_like(x))                          -- {{0, 0}, {0, 0}}, float32
print(mg.ones_like(x, {dtype = 'bool'}))          -- all true]]},

  {name = {'mg.full', 'mg.full_like'},
   sig = "mg.full({size...}, value [, {dtype, requires_grad}])\n"
      .. "mg.full_like(t, value [, {dtype = t.dtype, requires_grad}])",
   desc = [[
A new tensor filled with value. full takes its sizes as one table (mg.full({2, 3}, 7)); the
dtype is float32, or bool when value is a boolean, unless opts.dtype says otherwise.
full_like takes t's shape and dtype (value is converted to that dtype).]],
   example = [[
print(mg.full({2, 2}, 7))                        -- {{7, 7}, {7, 7}}, float32
print(mg.full({3}, true))                        -- true true true (bool)
print(mg.full_like(mg.arange(1, 4), 5))          -- 5 5 5 (int64, as arange's)]]},

  {name = {'mg.rand', 'mg.randn'},
   sig = "mg.rand(size... [, {dtype = 'float32', requires_grad = false}])\n"
      .. "mg.rand({size...} [, opts])     mg.randn(...): the same arguments",
   desc = [[
A new tensor of random numbers: rand uniform in [0, 1), randn standard normal (mean 0,
variance 1). Sizes as for mg.zeros; dtype float32 or float64. Both draw from moongrad's one
generator: mg.manual_seed(n) makes the sequence reproducible.]],
   example = [[
mg.manual_seed(0)
local u = mg.rand(2, 3)                       -- 2x3, every value in [0, 1)
local w = mg.randn(4, 5, {dtype = 'float64', requires_grad = true})
print(u:min():item() >= 0, u:max():item() < 1)   -- true  true]]},

  {name = {'mg.rand_like', 'mg.randn_like'},
   sig = "mg.rand_like(t [, {dtype = t.dtype, requires_grad = false}])\n"
      .. "mg.randn_like(t [, opts])",
   desc = [[
A new tensor of t's shape and (unless opts.dtype says) dtype, of uniform [0, 1) numbers
(rand_like) or standard normal ones (randn_like). t must be float unless opts.dtype names a
float dtype.]],
   example = [[
local x = mg.zeros(2, 3, {dtype = 'float64'})
local noise = mg.randn_like(x) * 0.1          -- float64, shape {2,3}
print(noise.dtype)                            -- float64]]},

  {name = {'mg.randint', 'mg.randint_like'},
   sig = "mg.randint([low = 1,] high, {size...} [, {dtype = 'int64'}])\n"
      .. "mg.randint_like(t, low, high [, {dtype = t.dtype}])",
   desc = [[
A new tensor of random integers uniform in low..high, BOTH ends included (as Lua's
math.random, unlike PyTorch's randint). Without low, the range is 1..high, which suits
1-based class labels. Sizes are one table. The dtype is int64 for randint and t's dtype
for randint_like (a float t gives whole numbers stored as floats).]],
   example = [[
mg.manual_seed(0)
local dice = mg.randint(1, 6, {10})           -- ten values in 1..6
local labels = mg.randint(10, {4})            -- four labels in 1..10 (int64)
print(dice:min():item() >= 1, dice:max():item() <= 6)   -- true  true]]},

  {name = 'mg.randperm',
   sig = "mg.randperm(n [, {dtype = 'int64'}])",
   desc = [[
A random permutation of 1..n (Lua's indices) as a 1-D tensor, int64 unless opts.dtype names
another numeric dtype (bool is refused). n >= 0. Use it to shuffle rows:
x:index_select(1, mg.randperm(#x)).]],
   example = [[
mg.manual_seed(0)
local p = mg.randperm(5)                      -- 1..5 in a random order
print(p:sort())                               -- 1 2 3 4 5, and where each came from]]},

  {name = 'mg.arange',
   sig = "mg.arange([start = 0,] stop [, step = 1] [, {dtype, requires_grad}])",
   desc = [[
A 1-D tensor of start, start + step, ... up to but EXCLUDING stop, as PyTorch's and Python's
range (numpy's arange). When start, stop and step are all Lua integers the dtype is int64,
else float32; opts.dtype overrides. step may be negative; it must not be 0.]],
   example = [[
print(mg.arange(1, 5))            -- 1 2 3 4 (int64)
print(mg.arange(5))               -- 0 1 2 3 4
print(mg.arange(0, 1, 0.25))      -- 0 0.25 0.5 0.75 (float32)]]},

  {name = 'mg.linspace',
   sig = "mg.linspace(start, stop, steps [, {dtype = 'float32', requires_grad = false}])",
   desc = [[
A 1-D tensor of steps evenly spaced values from start to stop, both included (the last is
exactly stop). steps >= 0; float32 unless opts.dtype says otherwise.]],
   example = [[
print(mg.linspace(0, 1, 5))       -- 0 0.25 0.5 0.75 1
print(mg.linspace(-1, 1, 3, {dtype = 'float64'}))   -- -1 0 1 (float64)]]},

  {name = 'mg.eye',
   sig = "mg.eye(n [, m = n] [, {dtype = 'float32', requires_grad = false}])",
   desc = [[
An n x m matrix with ones on the main diagonal and zeros elsewhere (the identity when
m == n).]],
   example = [[
print(mg.eye(3))                  -- the 3x3 identity
print(mg.eye(2, 3))               -- {{1, 0, 0}, {0, 1, 0}}]]},

  {name = 'mg.is_tensor',
   sig = 'mg.is_tensor(x)',
   desc = [[
true when x is a moongrad tensor, false for anything else (numbers, tables, nil,
modules).]],
   example = [[
print(mg.is_tensor(mg.zeros(2)), mg.is_tensor({1, 2}))   -- true  false]]},

  {name = 'mg.memory',
   sig = 'mg.memory()  -> live_bytes, cached_bytes',
   desc = [[
Bytes of tensor storage held now by tensors alive in Lua (rounded up to the allocator's size
classes), and bytes freed but kept in a cache for reuse. Storage is freed when Lua collects
the last tensor using it; the binding steps the collector as tensors are allocated, so a
training loop holds steady memory without collectgarbage().]],
   example = [[
collectgarbage()                  -- only so that no dead tensor is freed meanwhile
local before = mg.memory()
local x = mg.zeros(1000)          -- 4000 bytes of float32
print(mg.memory() - before)       -- 4096: x's storage, rounded to a size class]]},

  ---------------------------------------------------------------------------- shape
  {name = {'mg.Tensor:size', 'mg.size'},
   sig = 't:size()  -> {size...}     t:size(dim)  -> integer' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
Without dim, a new table of t's sizes (the same as t.shape); with dim (1-based, negative
from the end), the size of that dimension. #t is t:size(1).]],
   example = [[
local x = mg.zeros(2, 3)
print(x:size(1), x:size(-1), #x:size())   -- 2  3  2]]},

  {name = {'mg.Tensor:dim', 'mg.dim', 'mg.Tensor:numel', 'mg.numel', 'mg.Tensor:nelement',
           'mg.nelement'},
   sig = 't:dim()  -> number of dimensions     t:numel()  or  t:nelement()  -> number of elements' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
t:dim() is t.ndim (0 for a 0-d tensor); t:numel() the product of the sizes (1 for a 0-d
tensor, 0 when a size is 0). nelement is Torch7's name for numel.]],
   example = [[
local x = mg.zeros(2, 3, 4)
print(x:dim(), x:numel(), mg.tensor(5):numel())   -- 3  24  1]]},

  {name = {'mg.Tensor:stride', 'mg.stride', 'mg.Tensor:is_contiguous', 'mg.is_contiguous'},
   sig = 't:stride()  -> {stride...}     t:stride(dim)  -> integer\nt:is_contiguous()  -> boolean' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
Strides count elements (not bytes) to step along each dim. A tensor is contiguous when its
elements lie in row-major order without gaps; transposes, permutes and some narrows are not.
view() needs a layout it can express: t:contiguous() or reshape() copy when needed.]],
   example = [[
local x = mg.zeros(2, 3)
print(x:stride(1), x:stride(2), x:is_contiguous())   -- 3  1  true
print(x:t():stride(1), x:t():is_contiguous())        -- 1  false]]},

  {name = {'mg.Tensor:item', 'mg.item'},
   sig = 't:item()  -> number or boolean' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The single element of a one-element tensor (any shape) as a Lua value: an integer for int64,
a boolean for bool, a float otherwise. Fails when t has more than one element.]],
   example = [[
local x = mg.tensor{{1, 2}, {3, 4}}
print(x:sum():item(), x[{2, 1}]:item())   -- 10.0  3.0
print(mg.arange(1, 4)[2]:item())          -- 2 (an integer)]]},

  {name = {'mg.Tensor:totable', 'mg.totable'},
   sig = 't:totable()  -> nested Lua table' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The values of t as nested Lua tables (one level per dim, 1-based), of numbers or booleans
as item() gives them. A 0-d tensor gives its value. mg.tensor(t:totable()) rebuilds t.]],
   example = [[
local rows = mg.tensor{{1, 2}, {3, 4}}:totable()
print(rows[2][1], #rows)               -- 3.0  2]]},

  {name = {'mg.Tensor:view', 'mg.view', 'mg.Tensor:reshape', 'mg.reshape'},
   sig = 't:view(size...)  or  t:view({size...})\nt:reshape(size...)  or  t:reshape({size...})' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
t with another shape and the same elements in row-major order; one size may be -1, inferred
from the element count. view always shares t's memory and fails when t's strides cannot
express the new shape (after a transpose, say); reshape then copies (a view when it can).]],
   example = [[
local x = mg.arange(1, 7)
print(x:view(2, 3))                   -- {{1, 2, 3}, {4, 5, 6}}
print(x:view(-1, 2):size(1))          -- 3
print(x:view(2, 3):t():reshape(6))    -- 1 4 2 5 3 6]]},

  {name = {'mg.Tensor:expand', 'mg.expand', 'mg.Tensor:expand_as', 'mg.expand_as'},
   sig = 't:expand(size...)  or  t:expand({size...})  or  t:expand(other)\nt:expand_as(other)' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
A view of t broadcast to a larger shape without copying: dims of size 1 repeat, new leading
dims are added, and -1 keeps a dim's size. expand_as(other) expands to other's shape. The
result's repeated elements share memory, so it cannot be written in place (clone() it).]],
   example = [[
print(mg.tensor{1, 2}:expand(3, 2))            -- three rows of 1 2
print(mg.tensor{{1}, {2}}:expand(-1, 3))       -- {{1, 1, 1}, {2, 2, 2}}
print(mg.tensor{1, 2}:expand_as(mg.zeros(2, 2)):size(1))   -- 2]]},

  {name = {'mg.Tensor:transpose', 'mg.transpose', 'mg.Tensor:t', 'mg.t'},
   sig = 't:transpose(dim1, dim2)     t:t()' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
A view with dims dim1 and dim2 swapped (no copy; not contiguous). t:t() transposes a matrix
and returns a 0-d or 1-D tensor as it is; it refuses more than 2 dims (use transpose).]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x:t())                                   -- {{1, 4}, {2, 5}, {3, 6}}
print(mg.zeros(2, 3, 4):transpose(1, 3):size(1))   -- 4]]},

  {name = {'mg.Tensor:permute', 'mg.permute'},
   sig = 't:permute(dim...)  or  t:permute({dim...})' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
A view with the dims reordered: dim i of the result is dim (the i-th argument) of t. Every
dim of t must be named once. Like transpose, the result is usually not contiguous.]],
   example = [[
local images = mg.zeros(8, 28, 28, 3)             -- N H W C
print(table.concat(images:permute(1, 4, 2, 3).shape, ','))   -- 8,3,28,28]]},

  {name = {'mg.Tensor:narrow', 'mg.narrow', 'mg.Tensor:select', 'mg.select'},
   sig = 't:narrow(dim, start, length)     t:select(dim, index)' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
Views of part of t. narrow keeps length elements of dim from start (1-based, negative from
the end), keeping the dim; select keeps one index of dim and removes the dim (t[i] is
t:select(1, i)). Both share memory with t: writing into them writes into t.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x:narrow(2, 2, 2))          -- {{2, 3}, {5, 6}}
print(x:select(2, -1))            -- 3 6 (the last column)]]},

  {name = {'mg.Tensor:squeeze', 'mg.squeeze', 'mg.Tensor:unsqueeze', 'mg.unsqueeze'},
   sig = 't:squeeze([dim])     t:unsqueeze(dim)' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
squeeze removes dims of size 1: all of them, or only dim (a dim whose size is not 1 is left
as it is). unsqueeze inserts a dim of size 1 at position dim (1 to t.ndim + 1; -1 appends
it at the end). Both are views.]],
   example = [[
local x = mg.zeros(2, 1, 3)
print(x:squeeze().ndim, x:squeeze(1).ndim)         -- 2  3
local v = mg.zeros(3)
print(v:unsqueeze(1):size(1), v:unsqueeze(-1):size(2))   -- 1  1: shapes {1,3}, {3,1}]]},

  {name = {'mg.Tensor:flatten', 'mg.flatten'},
   sig = 't:flatten([start_dim = 1 [, end_dim = -1]])' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
Merges dims start_dim..end_dim into one: by default every dim (a 1-D result). A view when
the layout allows it, else a copy, as reshape.]],
   example = [[
local x = mg.zeros(2, 3, 4)
print(x:flatten():numel(), table.concat(x:flatten(2).shape, ','))   -- 24  2,12]]},

  {name = {'mg.Tensor:contiguous', 'mg.contiguous', 'mg.Tensor:clone', 'mg.clone'},
   sig = 't:contiguous()     t:clone()' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
clone() copies t into new memory (contiguous, same dtype); autograd passes gradients
through it. contiguous() returns t as it is (no copy, the same memory) when it is already
contiguous, else such a copy.]],
   example = [[
local x = mg.tensor{1, 2, 3}
local y = x:clone(); y[1] = 10
print(x[1]:item(), y[1]:item())                   -- 1.0  10.0
print(mg.zeros(2, 3):t():contiguous():is_contiguous())   -- true]]},

  {name = {'mg.Tensor:copy_', 'mg.copy_', 'mg.Tensor:fill_', 'mg.fill_', 'mg.Tensor:zero_',
           'mg.zero_'},
   sig = 't:copy_(src)     t:fill_(value)     t:zero_()   -- each returns t' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
Write into t in place: copy_ copies src's values (broadcast to t's shape, converted to t's
dtype), fill_ sets every element to value (a number, or a boolean), zero_ to 0. As every
in-place op they fail on a tensor that requires grad while grad mode is on (see
mg.no_grad).]],
   example = [[
local x = mg.zeros(2, 2)
x:copy_(mg.tensor{1, 2}); print(x)        -- {{1, 2}, {1, 2}}
print(x:fill_(3):sum(), x:zero_():sum())  -- 12  0]]},

  {name = {'mg.Tensor:to', 'mg.to', 'mg.Tensor:float', 'mg.float', 'mg.Tensor:double',
           'mg.double', 'mg.Tensor:long', 'mg.long', 'mg.Tensor:bool', 'mg.bool',
           'mg.Tensor:type', 'mg.type'},
   sig = "t:to(dtype)     t:float()   t:double()   t:long()   t:bool()\nt:type()  -> dtype name" .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
t converted to dtype 'float32' (float), 'float64' (double), 'int64' (long) or 'bool'; no
copy when t already has it. Floats become integers by truncation toward zero; numbers become
bools by != 0. Autograd passes gradients through conversions between float dtypes.
t:type() is t.dtype.]],
   example = [[
local x = mg.tensor{1.5, -2.7, 0}
print(x:long(), x:bool())         -- 1 -2 0;  true true false
print(x:to('float64'):type())     -- float64]]},

  {name = {'mg.cat', 'mg.stack'},
   sig = 'mg.cat({t1, t2, ...} [, dim = 1])     mg.stack({t1, t2, ...} [, dim = 1])',
   desc = [[
cat joins tensors along an existing dim: they must agree in every other dim and have one
dtype. stack joins tensors of one shape along a new dim inserted at dim (1 to ndim + 1),
so stacking n tensors of shape {3} gives {n, 3}.]],
   example = [[
local a, b = mg.tensor{1, 2}, mg.tensor{3, 4}
print(mg.cat({a, b}))             -- 1 2 3 4
print(mg.stack({a, b}))           -- {{1, 2}, {3, 4}}
print(mg.stack({a, b}, 2))        -- {{1, 3}, {2, 4}}]]},

  {name = {'mg.Tensor:split', 'mg.split', 'mg.Tensor:chunk', 'mg.chunk'},
   sig = 't:split(size [, dim = 1])  or  t:split({size...} [, dim = 1])\nt:chunk(n [, dim = 1])' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
A Lua list of views of t along dim. split(size) makes pieces of size elements (the last may
be smaller); split({sizes}) pieces of those sizes, which must add up to t's size along dim.
chunk(n) makes n pieces of equal size but the last (fewer when t is too short).]],
   example = [[
local x = mg.arange(1, 6)                  -- 1 2 3 4 5
local p = x:split(2)
print(#p, p[3])                            -- 3;  5
print(#x:chunk(2), x:split({1, 4})[2])     -- 2;  2 3 4 5]]},

  ---------------------------------------------------------------------------- arithmetic
  {name = {'mg.add', 'mg.Tensor:add', 'mg.add_', 'mg.Tensor:add_'},
   sig = 'a + b   mg.add(a, b)   a:add(b)     a:add_(b)  (in place)',
   desc = [[
Elementwise sum with NumPy broadcasting; a or b may be a Lua number. The result dtype
follows PyTorch's promotion (bool < int64 < float32 < float64), where a Lua number or a 0-d
tensor matters only when of a higher kind: float32 + 2 stays float32, int64 + 0.5 gives
float32. add_ works in place: b broadcasts to a's shape and the result must fit a's dtype.
Shapes that do not broadcast are an error naming both shapes.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x + mg.tensor{10, 20, 30})   -- {{11, 22, 33}, {14, 25, 36}}
print(mg.arange(1, 4) + 0.5)       -- 1.5 2.5 3.5 (float32)
x:add_(1)                          -- x is now {{2, 3, 4}, {5, 6, 7}}]]},

  {name = {'mg.sub', 'mg.Tensor:sub', 'mg.sub_', 'mg.Tensor:sub_'},
   sig = 'a - b   mg.sub(a, b)   a:sub(b)     a:sub_(b)  (in place)',
   desc = [[
Elementwise difference a - b, with broadcasting and dtype promotion as in mg.add; a or b may
be a Lua number (1 - t works). sub_ works in place on a.]],
   example = [[
local x = mg.tensor{1, 2, 3}
print(x - 1, 10 - x)              -- 0 1 2;  9 8 7
print(x:sub(mg.tensor{1, 1, 1}))  -- 0 1 2]]},

  {name = {'mg.mul', 'mg.Tensor:mul', 'mg.mul_', 'mg.Tensor:mul_'},
   sig = 'a * b   mg.mul(a, b)   a:mul(b)     a:mul_(b)  (in place)',
   desc = [[
Elementwise product (not a matrix product: see matmul), with broadcasting and dtype
promotion as in mg.add; a or b may be a Lua number. mul_ works in place on a.]],
   example = [[
local x = mg.tensor{1, 2, 3}
print(x * x, 2 * x)               -- 1 4 9;  2 4 6
print(mg.ones(2, 3) * mg.tensor{{1}, {2}})   -- {{1, 1, 1}, {2, 2, 2}}]]},

  {name = {'mg.div', 'mg.Tensor:div', 'mg.div_', 'mg.Tensor:div_'},
   sig = 'a / b   mg.div(a, b)   a:div(b)     a:div_(b)  (in place)',
   desc = [[
Elementwise true division, with broadcasting as in mg.add; integer operands give float32
(int64 / int64 is never floored). Division by zero gives inf or nan, as IEEE arithmetic.
div_ works in place on a, which must be a float tensor.]],
   example = [[
print(mg.arange(1, 4) / 2)        -- 0.5 1 1.5 (float32)
print(1 / mg.tensor{1, 2, 4})     -- 1 0.5 0.25]]},

  {name = {'mg.pow', 'mg.Tensor:pow', 'mg.pow_', 'mg.Tensor:pow_'},
   sig = 'a ^ b   mg.pow(a, b)   a:pow(b)     a:pow_(b)  (in place)',
   desc = [[
Elementwise power a^b, with broadcasting and dtype promotion as in mg.add; either side may
be a Lua number (2 ^ t raises 2 to each element). int64 ^ integer stays int64. pow_ works in
place on a.]],
   example = [[
local x = mg.tensor{1, 2, 3}
print(x ^ 2, 2 ^ x)               -- 1 4 9;  2 4 8
print(mg.tensor{4, 9}:pow(0.5))   -- 2 3]]},

  {name = {'mg.neg', 'mg.Tensor:neg', 'mg.neg_', 'mg.Tensor:neg_'},
   sig = '-t   mg.neg(t)   t:neg()     t:neg_()  (in place)',
   desc = [[
Elementwise negation, keeping t's dtype. neg_ works in place.]],
   example = [[
print(-mg.tensor{1, -2, 3})       -- -1 2 -3]]},

  {name = {'mg.maximum', 'mg.Tensor:maximum', 'mg.maximum_', 'mg.Tensor:maximum_',
           'mg.minimum', 'mg.Tensor:minimum', 'mg.minimum_', 'mg.Tensor:minimum_'},
   sig = 'mg.maximum(a, b)   a:maximum(b)   a:maximum_(b)  (in place)\n'
      .. 'mg.minimum(a, b)   a:minimum(b)   a:minimum_(b)  (in place)',
   desc = [[
The elementwise larger (maximum) or smaller (minimum) of a and b, with broadcasting and
dtype promotion as in mg.add; b may be a Lua number. The _ forms work in place on a.
t:max(u) and t:max(2.5) (a tensor or a non-integer number) are the same as maximum; for the
largest element of t, see max.]],
   example = [[
local x = mg.tensor{1, 5, 3}
print(x:maximum(mg.tensor{4, 4, 4}))   -- 4 5 4
print(mg.minimum(x, 2))                -- 1 2 2]]},

  {name = {'mg.clamp', 'mg.Tensor:clamp', 'mg.clamp_', 'mg.Tensor:clamp_'},
   sig = 't:clamp(min, max)  or  t:clamp({min = ..., max = ...})   mg.clamp(t, ...)\n'
      .. 't:clamp_(...)  (in place)',
   desc = [[
Each element limited to [min, max]; nil (or a key left out of the table) means no bound on
that side. Gradients flow where the element was inside the bounds. clamp_ works in place.]],
   example = [[
local x = mg.tensor{-2, 0.5, 3}
print(x:clamp(0, 1))              -- 0 0.5 1
print(x:clamp({min = 0}))         -- 0 0.5 3
print(x:clamp(nil, 1))            -- -2 0.5 1]]},

  ---------------------------------------------------------------------------- math functions
  {name = {'mg.abs', 'mg.Tensor:abs', 'mg.abs_', 'mg.Tensor:abs_'},
   sig = 'mg.abs(t)   t:abs()     t:abs_()  (in place)',
   desc = [[
Elementwise absolute value, keeping t's dtype. abs_ works in place.]],
   example = [[
print(mg.tensor{-1.5, 2}:abs())   -- 1.5 2]]},

  {name = {'mg.sign', 'mg.Tensor:sign', 'mg.sign_', 'mg.Tensor:sign_'},
   sig = 'mg.sign(t)   t:sign()     t:sign_()  (in place)',
   desc = [[
Elementwise sign: -1, 0 or 1, in t's dtype. Its gradient is 0. sign_ works in place.]],
   example = [[
print(mg.tensor{-3, 0, 2}:sign())   -- -1 0 1]]},

  {name = {'mg.exp', 'mg.Tensor:exp', 'mg.exp_', 'mg.Tensor:exp_'},
   sig = 'mg.exp(t)   t:exp()     t:exp_()  (in place)',
   desc = [[
Elementwise e^t. Integer and bool tensors give float32. exp_ works in place (on a float
tensor).]],
   example = [[
print(mg.tensor{0, 1}:exp())      -- 1 2.7183]]},

  {name = {'mg.log', 'mg.Tensor:log', 'mg.log_', 'mg.Tensor:log_'},
   sig = 'mg.log(t)   t:log()     t:log_()  (in place)',
   desc = [[
Elementwise natural logarithm: -inf at 0, nan below. Integer tensors give float32. log_
works in place. For log(softmax(x)) use log_softmax, which stays finite.]],
   example = [[
print(mg.tensor{1, math.exp(2)}:log())   -- 0 2]]},

  {name = {'mg.log1p', 'mg.Tensor:log1p', 'mg.log1p_', 'mg.Tensor:log1p_'},
   sig = 'mg.log1p(t)   t:log1p()     t:log1p_()  (in place)',
   desc = [[
Elementwise log(1 + t), accurate for small t where log(1 + t) would round 1 + t away.
log1p_ works in place.]],
   example = [[
local t = mg.tensor({1e-10}, {dtype = 'float64'})
print(t:log1p():item(), (t + 1):log():item())   -- 9.9999999995e-11  1.0000000826904e-10]]},

  {name = {'mg.sqrt', 'mg.Tensor:sqrt', 'mg.sqrt_', 'mg.Tensor:sqrt_', 'mg.rsqrt',
           'mg.Tensor:rsqrt', 'mg.rsqrt_', 'mg.Tensor:rsqrt_'},
   sig = 't:sqrt()   t:rsqrt()     mg.sqrt(t)   mg.rsqrt(t)\nt:sqrt_()   t:rsqrt_()  (in place)',
   desc = [[
Elementwise square root, and its reciprocal 1 / sqrt(t) (rsqrt). Negative elements give nan;
integer tensors give float32. The _ forms work in place.]],
   example = [[
print(mg.tensor{4, 9}:sqrt())     -- 2 3
print(mg.tensor{4}:rsqrt())       -- 0.5]]},

  {name = {'mg.sin', 'mg.Tensor:sin', 'mg.sin_', 'mg.Tensor:sin_', 'mg.cos', 'mg.Tensor:cos',
           'mg.cos_', 'mg.Tensor:cos_'},
   sig = 't:sin()   t:cos()     mg.sin(t)   mg.cos(t)     t:sin_()   t:cos_()  (in place)',
   desc = [[
Elementwise sine and cosine of angles in radians. Integer tensors give float32. The _ forms
work in place.]],
   example = [[
print(mg.tensor{0, math.pi / 2}:sin())   -- 0 1
print(mg.tensor{0}:cos())                -- 1]]},

  {name = {'mg.tanh', 'mg.Tensor:tanh', 'mg.tanh_', 'mg.Tensor:tanh_'},
   sig = 'mg.tanh(t)   t:tanh()     t:tanh_()  (in place)',
   desc = [[
Elementwise hyperbolic tangent, in (-1, 1); its derivative is 1 - tanh(t)^2. tanh_ works in
place.]],
   example = [[
print(mg.tensor{-100, 0, 100}:tanh())   -- -1 0 1]]},

  {name = {'mg.sigmoid', 'mg.Tensor:sigmoid', 'mg.sigmoid_', 'mg.Tensor:sigmoid_'},
   sig = 'mg.sigmoid(t)   t:sigmoid()     t:sigmoid_()  (in place)',
   desc = [[
Elementwise logistic function 1 / (1 + exp(-t)), in (0, 1); its derivative is s * (1 - s).
Computed without overflow for large |t|. sigmoid_ works in place.]],
   example = [[
print(mg.tensor{-100, 0, 100}:sigmoid())   -- 0 0.5 1]]},

  {name = {'mg.relu', 'mg.Tensor:relu', 'mg.relu_', 'mg.Tensor:relu_'},
   sig = 'mg.relu(t)   t:relu()     t:relu_()  (in place)',
   desc = [[
Elementwise max(t, 0), keeping t's dtype; the gradient is 1 where t > 0, else 0. relu_ works
in place. As a layer: nn.ReLU().]],
   example = [[
print(mg.tensor{-1, 0, 2}:relu())   -- 0 0 2]]},

  {name = {'mg.erf', 'mg.Tensor:erf', 'mg.erf_', 'mg.Tensor:erf_'},
   sig = 'mg.erf(t)   t:erf()     t:erf_()  (in place)',
   desc = [[
Elementwise Gauss error function, 2/sqrt(pi) times the integral of exp(-x^2) from 0 to t
(as in GELU's exact form). erf_ works in place.]],
   example = [[
print(mg.tensor{0, 1}:erf())        -- 0 0.8427]]},

  {name = {'mg.floor', 'mg.Tensor:floor', 'mg.floor_', 'mg.Tensor:floor_', 'mg.ceil',
           'mg.Tensor:ceil', 'mg.ceil_', 'mg.Tensor:ceil_', 'mg.round', 'mg.Tensor:round',
           'mg.round_', 'mg.Tensor:round_'},
   sig = 't:floor()   t:ceil()   t:round()     mg.floor(t)   mg.ceil(t)   mg.round(t)\n'
      .. 't:floor_()   t:ceil_()   t:round_()  (in place)',
   desc = [[
Elementwise rounding down, up, or to the nearest integer, keeping t's dtype (the result of
a float tensor stays float: use long() for int64). round takes halves to the even neighbour,
as PyTorch (0.5 -> 0, 2.5 -> 2). Their gradient is 0. The _ forms work in place.]],
   example = [[
local x = mg.tensor{-1.5, 0.5, 2.5}
print(x:floor(), x:ceil())        -- -2 0 2;  -1 1 3
print(x:round())                  -- -2 0 2]]},

  ---------------------------------------------------------------------------- comparisons, masks
  {name = {'mg.eq', 'mg.Tensor:eq', 'mg.eq_', 'mg.Tensor:eq_', 'mg.ne', 'mg.Tensor:ne', 'mg.ne_',
           'mg.Tensor:ne_', 'mg.lt', 'mg.Tensor:lt', 'mg.lt_', 'mg.Tensor:lt_', 'mg.le',
           'mg.Tensor:le', 'mg.le_', 'mg.Tensor:le_', 'mg.gt', 'mg.Tensor:gt', 'mg.gt_',
           'mg.Tensor:gt_', 'mg.ge', 'mg.Tensor:ge', 'mg.ge_', 'mg.Tensor:ge_'},
   sig = 'a:eq(b)   a:ne(b)   a:lt(b)   a:le(b)   a:gt(b)   a:ge(b)     mg.eq(a, b) ...\n'
      .. 'a:eq_(b)   a:ne_(b)   ...  (in place)',
   desc = [[
Elementwise comparisons ==, ~=, <, <=, >, >= with broadcasting; b may be a Lua number. The
result is a bool tensor (a mask for masked_fill, where, or sum() to count). Lua's a == b
compares identity and a < b is an error for tensors: use these. The _ forms write 0/1 (or
false/true) into a, keeping its dtype.]],
   example = [[
local x = mg.tensor{1, 2, 3}
print(x:eq(2), x:gt(1))                  -- false true false;  false true true
print(x:ge(2):sum():item())              -- 2 (elements >= 2)]]},

  {name = {'mg.logical_and', 'mg.Tensor:logical_and', 'mg.logical_and_', 'mg.Tensor:logical_and_',
           'mg.logical_or', 'mg.Tensor:logical_or', 'mg.logical_or_', 'mg.Tensor:logical_or_',
           'mg.logical_not', 'mg.Tensor:logical_not', 'mg.logical_not_', 'mg.Tensor:logical_not_'},
   sig = 'a:logical_and(b)   a:logical_or(b)   a:logical_not()     mg.logical_and(a, b) ...\n'
      .. 'a:logical_and_(b)   a:logical_or_(b)   a:logical_not_()  (in place)',
   desc = [[
Elementwise and, or, not of truth values (a non-zero number counts as true), with
broadcasting; b may be a boolean or a number. The result is a bool tensor; the _ forms write
into a, keeping its dtype.]],
   example = [[
local a, b = mg.tensor{true, true, false}, mg.tensor{true, false, false}
print(a:logical_and(b), a:logical_or(b))   -- true false false;  true true false
print(a:logical_not())                     -- false false true]]},

  {name = 'mg.where',
   sig = 'mg.where(condition, a, b)',
   desc = [[
Elementwise choice: a where condition is true, b elsewhere. condition must be a bool tensor;
a and b are tensors or Lua numbers; all three broadcast together and the dtype follows
promotion as in mg.add. Gradients flow to a and b where each was chosen.]],
   example = [[
local x = mg.tensor{-2, 1, 3}
print(mg.where(x:gt(0), x, 0))       -- 0 1 3
print(mg.where(x:gt(0), 1, -1))      -- -1 1 1 (int64)]]},

  {name = {'mg.masked_fill', 'mg.Tensor:masked_fill', 'mg.masked_fill_', 'mg.Tensor:masked_fill_'},
   sig = 't:masked_fill(mask, value)   mg.masked_fill(t, mask, value)\n'
      .. 't:masked_fill_(mask, value)  (in place)',
   desc = [[
A copy of t with value (a number, or a boolean) where the bool tensor mask is true; mask
broadcasts to t's shape. Used for attention masks (value -math.huge before a softmax).
masked_fill_ writes into t.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x:masked_fill(x:gt(3), 0))                       -- {{1, 2, 3}, {0, 0, 0}}
print(x:masked_fill(mg.tensor{true, false, true}, -1)) -- {{-1, 2, -1}, {-1, 5, -1}}]]},

  {name = {'mg.nonzero', 'mg.Tensor:nonzero'},
   sig = 't:nonzero()   mg.nonzero(t)',
   desc = [[
The indices (1-based) of t's nonzero (true) elements in row-major order, as an int64 tensor
{count, t:dim()}, one row per element, as torch.nonzero. Not differentiable (indices).]],
   example = [[
local x = mg.tensor{{0, 7}, {5, 0}}
print(x:nonzero())                  -- {{1, 2}, {2, 1}}]]},

  {name = {'mg.masked_select', 'mg.Tensor:masked_select'},
   sig = 't:masked_select(mask)   mg.masked_select(t, mask)',
   desc = [[
The elements of t where the bool tensor mask is true, in row-major order, as a 1-D tensor;
t and mask broadcast together, as torch.masked_select. Gradients flow back to the selected
elements.]],
   example = [[
local x = mg.tensor{{1, -2}, {-3, 4}}
print(x:masked_select(x:gt(0)))      -- 1 4]]},

  ---------------------------------------------------------------------------- reductions
  {name = {'mg.any', 'mg.Tensor:any', 'mg.all', 'mg.Tensor:all'},
   sig = 't:any([dim] [, {keepdim = false}])   t:all([dim] [, {keepdim = false}])',
   desc = [[
Whether any (all) element of t is nonzero (true): over every element as a 0-d bool tensor,
or along dim as sum does. :item() gives the Lua boolean.]],
   example = [[
local m = mg.tensor{{true, false}, {false, false}}
print(m:any():item(), m:all():item(), m:any(2))   -- true  false;  true false]]},

  {name = {'mg.sum', 'mg.Tensor:sum'},
   sig = 't:sum([dim] [, {keepdim = false}])   mg.sum(t [, dim] [, opts])',
   desc = [[
The sum of all elements (a 0-d tensor), or over dim (1-based, negative from the end), which
is removed unless keepdim = true keeps it as size 1. Float tensors keep their dtype;
int64 and bool give int64 (a bool mask's sum counts its trues). :item() gives the number.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x:sum(), x:sum(1))            -- 21;  5 7 9
print(x:sum(2, {keepdim = true}))   -- {{6}, {15}}, shape {2,1}]]},

  {name = {'mg.mean', 'mg.Tensor:mean'},
   sig = 't:mean([dim] [, {keepdim = false}])   mg.mean(t [, dim] [, opts])',
   desc = [[
The mean of all elements (a 0-d tensor), or over dim, removed unless keepdim = true. Integer
and bool tensors give float32.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x:mean(), x:mean(2))          -- 3.5;  2 5
print(mg.arange(1, 5):mean())       -- 2.5 (float32)]]},

  {name = {'mg.prod', 'mg.Tensor:prod'},
   sig = 't:prod([dim] [, {keepdim = false}])   mg.prod(t [, dim] [, opts])',
   desc = [[
The product of all elements (a 0-d tensor), or over dim, removed unless keepdim = true.
Float tensors keep their dtype; int64 and bool give int64.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x:prod(), x:prod(2))          -- 720;  6 120]]},

  {name = {'mg.max', 'mg.Tensor:max', 'mg.min', 'mg.Tensor:min'},
   sig = 't:max()  -> 0-d     t:max(dim [, {keepdim = false}])  -> values, indices\n'
      .. 't:max(u)  -> elementwise     t:min(...), mg.max(t, ...), mg.min(t, ...): the same',
   desc = [[
The largest (max) or smallest (min) element, as a 0-d tensor of t's dtype. With an integer
dim: two tensors, the values along dim and their 1-based int64 indices (dim removed unless
keepdim). With a tensor or a non-integer number, the elementwise maximum/minimum (so
t:max(2) is dim 2, t:max(2.0) compares with 2). Gradients go to the chosen elements.]],
   example = [[
local x = mg.tensor{{1, 5, 3}, {4, 2, 6}}
print(x:max())                      -- 6
local values, indices = x:max(2)
print(values, indices)              -- 5 6;  2 3]]},

  {name = {'mg.argmax', 'mg.Tensor:argmax', 'mg.argmin', 'mg.Tensor:argmin'},
   sig = 't:argmax([dim] [, {keepdim = false}])     t:argmin([dim] [, opts])' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The 1-based int64 index of the largest (argmax) or smallest (argmin) element: without dim,
the flat index in row-major order (a 0-d tensor); with dim, the index along dim for each
position (dim removed unless keepdim). For class scores of shape {batch, classes},
scores:argmax(2) gives the predicted 1-based labels.]],
   example = [[
local scores = mg.tensor{{0.1, 0.7, 0.2}, {0.8, 0.1, 0.1}}
print(scores:argmax(2))             -- 2 1
print(scores:argmax(), scores:argmin(1))   -- 4;  1 2 2]]},

  {name = {'mg.var', 'mg.Tensor:var', 'mg.std', 'mg.Tensor:std'},
   sig = 't:var([dim] [, {unbiased = true, correction = 1, keepdim = false}])\n'
      .. 't:std(...), mg.var(t, ...), mg.std(t, ...): the same',
   desc = [[
Variance (var) and standard deviation (std) over all elements or over dim. By default the
unbiased estimate, dividing by N - 1; unbiased = false (or correction = 0) divides by N, and
correction = c divides by N - c. Integer tensors give float32.]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print(x:var(), x:std(2))            -- 3.5;  1 1
print(x:var({unbiased = false}))    -- 2.9167]]},

  {name = {'mg.norm', 'mg.Tensor:norm'},
   sig = 't:norm([p = 2] [, dim] [, {keepdim = false}])' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The p-norm (sum |t|^p)^(1/p) of all elements, or over dim: p = 2 the Euclidean length, p = 1
the sum of absolute values, p = math.huge the largest absolute value. Note that the first
number is p, not a dim: t:norm(1) is the 1-norm, t:norm(2, 1) the 2-norm over dim 1.]],
   example = [[
local x = mg.tensor{{3, 4}, {0, 0}}
print(x:norm(), x:norm(1), x:norm(math.huge))   -- 5;  7;  4
print(x:norm(2, 2))                              -- 5 0]]},

  {name = {'mg.logsumexp', 'mg.Tensor:logsumexp'},
   sig = 't:logsumexp([dim] [, {keepdim = false}])' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
log(sum(exp(t))) over all elements or over dim, computed stably (the maximum is taken out
first), so large inputs do not overflow. Integer tensors give float32.]],
   example = [[
local x = mg.tensor{1000, 1000}
print(x:logsumexp())                -- 1000.6932 (exp(1000) alone would overflow)]]},

  {name = {'mg.cumsum', 'mg.Tensor:cumsum'},
   sig = 't:cumsum(dim)' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The running sum along dim (required): element i is the sum of elements 1..i. Same shape as
t; dtype as for sum.]],
   example = [[
print(mg.arange(1, 5):cumsum(1))                -- 1 3 6 10
print(mg.tensor{{1, 2}, {3, 4}}:cumsum(2))       -- {{1, 3}, {3, 7}}]]},

  {name = {'mg.softmax', 'mg.Tensor:softmax', 'mg.log_softmax', 'mg.Tensor:log_softmax'},
   sig = 't:softmax([dim = -1])     t:log_softmax([dim = -1])' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
exp(t) / sum(exp(t)) along dim (by default the last), so that each slice along dim is a
probability distribution, and its logarithm (log_softmax), both computed stably. Prefer
log_softmax to log(softmax(t)): it stays finite. Integer tensors give float32.]],
   example = [[
local p = mg.tensor{{1, 2, 3}, {1, 1, 1}}:softmax()
print(p)                          -- {{0.0900, 0.2447, 0.6652}, {0.3333, 0.3333, 0.3333}}
print(p:sum(2))                   -- 1 1]]},

  {name = {'mg.sort', 'mg.Tensor:sort'},
   sig = 't:sort([dim = -1] [, {descending = false}])  or  t:sort(dim, true)\n'
      .. '  -> values, indices' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
t sorted along dim (by default the last), ascending unless descending (given in the options
or as a boolean, as in Torch7). Returns the sorted values and their 1-based int64 indices in
t, so that t:gather(dim, indices) equals values.]],
   example = [[
local values, indices = mg.tensor{3, 1, 2}:sort()
print(values, indices)            -- 1 2 3;  2 3 1
print(mg.tensor{3, 1, 2}:sort(1, true))   -- 3 2 1;  1 3 2]]},

  {name = {'mg.topk', 'mg.Tensor:topk'},
   sig = 't:topk(k [, dim = -1] [, {largest = true}])  -> values, indices' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The k largest elements along dim (by default the last), largest first, and their 1-based
int64 indices; largest = false (or false in the options' place) gives the k smallest,
smallest first.]],
   example = [[
local values, indices = mg.tensor{3, 1, 4, 2}:topk(2)
print(values, indices)            -- 4 3;  3 1
print(mg.tensor{3, 1, 4, 2}:topk(2, 1, {largest = false}))   -- 1 2;  2 4]]},

  ---------------------------------------------------------------------------- indexing
  {name = {'mg.index_select', 'mg.Tensor:index_select'},
   sig = 't:index_select(dim, index)' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The slices of t at the 1-based positions in index (a 1-D int64 tensor) along dim, in that
order, as a new tensor (not a view); positions may repeat. A float index is an error: make
it with {dtype = 'int64'}, arange, or long().]],
   example = [[
local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
local idx = mg.tensor({3, 1}, {dtype = 'int64'})
print(x:index_select(2, idx))     -- {{3, 1}, {6, 4}}
print(x:index_select(1, mg.tensor({2, 2}, {dtype = 'int64'})))   -- two copies of row 2]]},

  {name = {'mg.gather', 'mg.Tensor:gather'},
   sig = 't:gather(dim, index)' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
Picks one element along dim for each entry of index (an int64 tensor with as many dims as
t): for dim 2, out[i][j] = t[i][ index[i][j] ]. The result has index's shape. Picking each
row's target class: scores:gather(2, labels:view(-1, 1)).]],
   example = [[
local scores = mg.tensor{{0.1, 0.9}, {0.6, 0.4}}
local labels = mg.tensor({{2}, {1}}, {dtype = 'int64'})
print(scores:gather(2, labels))   -- {{0.9}, {0.6}}]]},

  {name = {'mg.scatter_add', 'mg.Tensor:scatter_add', 'mg.scatter_add_', 'mg.Tensor:scatter_add_'},
   sig = 't:scatter_add(dim, index, src)     t:scatter_add_(dim, index, src)  (in place)' .. '\n  (each also as a function: t:name(...) is mg.name(t, ...))',
   desc = [[
The reverse of gather: a copy of t with each element of src added at the position index
gives along dim (for dim 1 of a 1-D t, out[ index[i] ] += src[i]); repeated positions add
up.
index is int64 (1-based); src has t's dtype and is at least index's size in every dim (the
elements at index's positions are used). scatter_add_ adds into t.]],
   example = [[
local counts = mg.zeros(3)
local idx = mg.tensor({1, 1, 3}, {dtype = 'int64'})
print(counts:scatter_add(1, idx, mg.tensor{1, 2, 3}))   -- 3 0 3]]},

  {name = {'mg.index_add_', 'mg.Tensor:index_add_'},
   sig = 't:index_add_(dim, index, source)   mg.index_add_(t, dim, index, source)  (in place)',
   desc = [[
Adds slices of source into t along dim, as PyTorch's index_add_: slice i of source (along
dim) is added to slice index[i] of t; repeated indices add up. index is a 1-D int64 tensor
(1-based); source has t's dtype and shape except along dim, where it has #index elements.
Returns t. Sums of rows by group in one pass (e.g. per-cluster sums); not recorded by
autograd, so t and source must not require grad.]],
   example = [[
local sums = mg.zeros(2, 2)
local groups = mg.tensor({2, 1, 2}, {dtype = 'int64'})
print(sums:index_add_(1, groups, mg.tensor{{1, 2}, {3, 4}, {5, 6}}))   -- {{3, 4}, {6, 8}}]]},

  {name = {'mg.one_hot', 'mg.Tensor:one_hot'},
   sig = 'mg.one_hot(labels [, num_classes])   labels:one_hot([num_classes])',
   desc = [[
One-hot encoding of 1-based int64 labels: a new int64 tensor with one more (last) dim of
size num_classes, holding 1 at position label and 0 elsewhere. Without num_classes, it is
the largest label. Labels outside 1..num_classes are an error. :float() gives a float
target.]],
   example = [[
local labels = mg.tensor({2, 1, 3}, {dtype = 'int64'})
print(labels:one_hot())           -- {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}}
print(mg.one_hot(labels, 5):size(2))   -- 5]]},

  ---------------------------------------------------------------------------- linear algebra
  {name = {'mg.matmul', 'mg.Tensor:matmul'},
   sig = 'a:matmul(b)   mg.matmul(a, b)',
   desc = [[
The matrix product by PyTorch's rules: 1-D x 1-D is the dot product (0-d); 2-D x 2-D the
matrix product; a 1-D operand is treated as a row (left) or column (right) vector and that
dim removed; more dims are batches, broadcast. Both operands need one dtype. Float products
go through OpenBLAS. Shapes that do not align are an error naming both.]],
   example = [[
local a = mg.tensor{{1, 2}, {3, 4}}
print(a:matmul(a))                       -- {{7, 10}, {15, 22}}
print(a:matmul(mg.tensor{1, 1}))         -- 3 7
print(mg.ones(5, 2, 3):matmul(mg.ones(3, 4)):size(1))   -- 5]]},

  {name = {'mg.mm', 'mg.Tensor:mm', 'mg.bmm', 'mg.Tensor:bmm', 'mg.mv', 'mg.Tensor:mv'},
   sig = 'a:mm(b)  (2-D x 2-D)     a:bmm(b)  (3-D x 3-D)     a:mv(v)  (2-D x 1-D)\n'
      .. 'mg.mm(a, b)   mg.bmm(a, b)   mg.mv(a, v)',
   desc = [[
Matrix products with fixed shapes, no broadcasting: mm multiplies {n, k} by {k, m} into
{n, m}; bmm multiplies batches {B, n, k} by {B, k, m} into {B, n, m}; mv multiplies a
matrix {n, k} by a vector {k} into {n}. matmul does all of these, choosing by the operands'
dims, and broadcasts batches.]],
   example = [[
local a = mg.tensor{{1, 2}, {3, 4}}
print(a:mm(a:t()), a:mv(mg.tensor{1, 1}))   -- {{5, 11}, {11, 25}};  3 7
print(mg.ones(2, 2, 3):bmm(mg.ones(2, 3, 1)):size(2))   -- 2]]},

  {name = {'mg.dot', 'mg.Tensor:dot', 'mg.outer', 'mg.Tensor:outer'},
   sig = 'a:dot(b)  -> 0-d     a:outer(b)  -> matrix     mg.dot(a, b)   mg.outer(a, b)',
   desc = [[
For 1-D a and b: dot is the sum of a[i] * b[i] (same length, a 0-d tensor); outer the
matrix out[i][j] = a[i] * b[j], of shape {#a, #b}.]],
   example = [[
local a, b = mg.tensor{1, 2}, mg.tensor{3, 4, 5}
print(a:dot(mg.tensor{3, 4}))     -- 11
print(a:outer(b))                 -- {{3, 4, 5}, {6, 8, 10}}]]},

  {name = {'mg.addmm', 'mg.Tensor:addmm'},
   sig = 'mg.addmm(c, a, b [, {beta = 1, alpha = 1}])   c:addmm(a, b [, opts])',
   desc = [[
beta * c + alpha * (a @ b) for matrices a {n, k} and b {k, m}, with c broadcast to {n, m}
(a bias row {m} works): a linear layer's x @ W + bias in one call.]],
   example = [[
local x, w = mg.tensor{{1, 2}}, mg.tensor{{1, 0}, {0, 1}}
print(mg.addmm(mg.tensor{10, 20}, x, w))             -- {{11, 22}}
print(mg.addmm(mg.zeros(2), x, w, {beta = 0, alpha = 2}))   -- {{2, 4}}]]},
}}
