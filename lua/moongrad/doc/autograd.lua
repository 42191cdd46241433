-- Documentation of moongrad's autograd area, shown by help(); format in moongrad/help.lua.
-- Every example runs in the test suite: keep them short, and their comments true.
return {title = 'Autograd: gradients, graphs, no_grad, gradcheck', entries = {

  {name = 'autograd',
   sig = 'autograd: how loss:backward() fills x.grad',
   desc = [[
Define-by-run, as PyTorch and micrograd: every op on a tensor that requires grad records in
its result a node holding the op's backward rule, the tensors that rule needs, and links to
its inputs (t.grad_fn names the op). loss:backward() walks these nodes from loss back to the
leaves in reverse topological order, applying the chain rule: each node turns the gradient
of its output into gradients of its inputs, and every leaf that requires grad adds its total
into its .grad. Gradients of broadcast inputs are summed back to the input's shape.
In practice: parameters require grad (nn layers make them so); clear grads before each
backward (opt:zero_grad()), since they accumulate; evaluate and update weights inside
mg.no_grad; detach() what must count as a constant; check a new op or layer with
mg.gradcheck; see the recorded graph with mg.viz.graph(loss). Pages: Tensor:backward,
Tensor.grad, Tensor:requires_grad_, Tensor.grad_fn, Tensor:detach, no_grad, enable_grad,
set_grad_enabled, gradcheck.]],
   example = [[
local a = mg.tensor(2.0, {requires_grad = true})
local b = mg.tensor(-3.0, {requires_grad = true})
local c = a * b + b ^ 2            -- c = ab + b^2
c:backward()
print(a.grad, b.grad, c.grad_fn)   -- -3 (dc/da = b);  -4 (dc/db = a + 2b);  add]]},

  {name = {'mg.Tensor:backward', 'mg.backward'},
   sig = 't:backward([grad] [, {retain_graph = false}])     mg.backward(t, ...)',
   desc = [[
Computes the gradient of t with respect to every leaf behind it that requires grad and ADDS
it into each leaf's .grad (grads accumulate: clear them between steps). For a one-element t
grad may be left out (it is 1); otherwise pass grad, a tensor of t's shape (the gradient of
some final value with respect to t), and backward computes the vector-Jacobian product.
The graph's saved tensors are freed afterwards, so a second backward through it is an error
unless the first passed {retain_graph = true}. Fails, leaving every .grad unchanged, when t
does not require grad or a tensor saved for the gradient was changed in place since.]],
   example = [[
local x = mg.tensor({1, 2, 3}, {requires_grad = true})
local y = (x * x):sum()
y:backward(); print(x.grad)            -- 2 4 6
local z = x * 2                        -- not one element: backward needs grad
z:backward(mg.ones(3)); print(x.grad)  -- 4 6 8 (added to the first)]]},

  {name = 'mg.Tensor.grad',
   sig = 't.grad   -- the accumulated gradient, or nil\nt.grad = nil     t.grad = tensor',
   desc = [[
After backward, a leaf that requires grad holds in t.grad the gradient of the output with
respect to t: a tensor of t's shape and dtype that does not itself require grad. Each later
backward adds into it. t.grad = nil clears it (an optimizer's zero_grad() does this); a
tensor assigned to it must have t's shape and dtype. Tensors made by ops (non-leaves) get no
.grad from backward; for the gradient at an intermediate value h, compute on from
h = h:detach():requires_grad_(), a leaf.]],
   example = [[
local w = mg.tensor({1, -1}, {requires_grad = true})
print(w.grad)                        -- nil: no backward yet
w:sum():backward(); print(w.grad)    -- 1 1
w.grad = nil                         -- cleared for the next step]]},

  {name = {'mg.Tensor:requires_grad_', 'mg.requires_grad_', 'mg.Tensor.requires_grad'},
   sig = 't:requires_grad_([flag = true])  -> t     mg.requires_grad_(t [, flag])\n'
      .. 't.requires_grad  -> boolean     t.requires_grad = flag',
   desc = [[
Whether autograd records the ops on t and computes its gradient. Creation functions take
{requires_grad = true}; requires_grad_ sets the flag on an existing tensor and returns t,
so it chains: mg.randn(3, 2):mul(0.1):requires_grad_(). Only float tensors can require
grad. A result of recorded ops requires grad through its inputs and cannot be switched off
(detach() gives one that does not). While grad mode is on, a tensor that requires grad
refuses in-place ops: update parameters inside mg.no_grad.]],
   example = [[
local w = mg.randn(3, 2):mul(0.1):requires_grad_()
print(w.requires_grad, w.is_leaf)        -- true  true
local y = w * 2
print(y.requires_grad, y.is_leaf)        -- true  false]]},

  {name = {'mg.Tensor.grad_fn', 'mg.Tensor.is_leaf'},
   sig = "t.grad_fn  -> the name of the op that made t ('mul', 'sum', ...), or nil\n"
      .. 't.is_leaf  -> boolean',
   desc = [[
An op recorded by autograd (one run in grad mode, with an input that requires grad) leaves
its name in its result's grad_fn, and the result is not a leaf. Tensors you create
(mg.tensor, mg.zeros, mg.randn, ..., t:detach()) and results of unrecorded ops are leaves:
grad_fn nil, is_leaf true. backward fills .grad only in leaves that require grad.]],
   example = [[
local x = mg.tensor({1, 2}, {requires_grad = true})
local y = (x:exp() * 3):sum()
print(x.is_leaf, x.grad_fn)           -- true  nil
print(y.is_leaf, y.grad_fn)           -- false  sum]]},

  {name = {'mg.Tensor:detach', 'mg.detach'},
   sig = 't:detach()     mg.detach(t)',
   desc = [[
A tensor sharing t's memory (no copy) that is a leaf not requiring grad: ops on it record
nothing, and no gradient flows through it back into t's graph, so it acts as a constant
(targets, running statistics, values to plot). Memory is shared: an in-place change of one
shows in the other, and a backward needing t's old values then reports the change.]],
   example = [[
local x = mg.tensor({1, 2}, {requires_grad = true})
local y = (x * x:detach()):sum()      -- x:detach() counts as a constant
y:backward(); print(x.grad)           -- 1 2 (not 2x = 2 4)
print(x:detach().requires_grad)       -- false]]},

  {name = 'mg.no_grad',
   sig = 'mg.no_grad(fn, ...)  -> what fn(...) returns',
   desc = [[
Runs fn(...) with grad mode off: ops record nothing, so their results do not require grad
and keep no graph in memory, and in-place changes of tensors that require grad are allowed
(weight updates, initialisation). Use it for evaluation and manual updates. The previous
mode is restored afterwards, also when fn raises an error (which is raised again).]],
   example = [[
local w = mg.ones(2, {requires_grad = true})
local y = mg.no_grad(function() return w * 2 end)
print(y.requires_grad)                            -- false
mg.no_grad(function() w:sub_(0.5) end); print(w)  -- 0.5 0.5]]},

  {name = 'mg.enable_grad',
   sig = 'mg.enable_grad(fn, ...)  -> what fn(...) returns',
   desc = [[
Runs fn(...) with grad mode on, restoring the previous mode afterwards (also on error): the
inverse of no_grad, for a part that must record inside a no_grad region.]],
   example = [[
local x = mg.ones(2, {requires_grad = true})
local y = mg.no_grad(function()
  return mg.enable_grad(function() return x * 2 end)
end)
print(y.requires_grad)                  -- true]]},

  {name = {'mg.is_grad_enabled', 'mg.set_grad_enabled'},
   sig = 'mg.is_grad_enabled()  -> boolean\nmg.set_grad_enabled(flag)  -> the previous mode',
   desc = [[
Grad mode (on at start) decides whether ops on tensors that require grad record the graph.
set_grad_enabled(flag) (a boolean) switches it until switched back and returns the previous
mode; prefer mg.no_grad(fn), which restores the mode even when fn raises an error. The mode
belongs to the thread that sets it.]],
   example = [[
local was = mg.set_grad_enabled(false)
print(was, mg.is_grad_enabled())        -- true  false
mg.set_grad_enabled(was)]]},

  {name = 'mg.gradcheck',
   sig = 'mg.gradcheck(fn, inputs [, {eps = 1e-6, atol = 1e-5, rtol = 1e-3}])\n'
      .. '  -> true, or raises an error naming the first gradient that disagrees',
   desc = [[
Checks autograd's gradients of fn against finite differences: use it to test an op, a loss
or a layer you wrote. fn(table.unpack(inputs)) must return a tensor; inputs is a list whose
tensors that require grad are checked (other entries are passed along unchanged). For each
checked input x, gradcheck builds the Jacobian d fn / d x twice: by autograd (one backward
per output element) and numerically, nudging each element of x by +-eps and taking the
central difference (fn(x + eps) - fn(x - eps)) / (2 eps). Every entry must satisfy
|analytic - numeric| <= atol + rtol * |numeric|; then it returns true.
Checked inputs must be float64: in float32 (7 digits) x + 1e-6 barely differs from x and the
difference of two nearly equal outputs loses most digits, so the numeric estimate is noise.
A failure raises 'gradcheck: input i, element a,b, output element j: analytic A, numeric N':
input i of the list, its element at 1-based index (a, b), the flat 1-based output element,
and both values. Reading it: analytic 0 where numeric is not means the gradient did not flow
(a detach, a non-differentiable path); a wrong value means a wrong backward rule; a failure
only at a kink (relu or abs at 0, ties in max) is expected: move the point.
Cost: 2 * numel(x) calls of fn and numel(output) backwards, so keep tensors small. The
inputs keep their values and .grad. Errors too when no input requires grad, or fn returns no
tensor.]],
   example = [[
local x = mg.tensor({1, 2, 3}, {dtype = 'float64', requires_grad = true})
local w = mg.tensor({{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.6}},
                    {dtype = 'float64', requires_grad = true})
print(mg.gradcheck(function(x, w) return x:matmul(w):tanh() end, {x, w}))   -- true
-- a wrong gradient: x:detach() hides one factor of x from autograd
print(pcall(mg.gradcheck, function(x) return x * x:detach() end, {x}))
-- false  gradcheck: input 1, element 1, output element 1: analytic 1, numeric 2]]},
}}
