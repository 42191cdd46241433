-- Documentation of moongrad's nn area, shown by help(); format in moongrad/help.lua.
return {title = 'Networks (mg.nn): modules, layers, losses, functional, init, utils', entries = {

  -- ---- the module --------------------------------------------------------------------

  {name = 'mg.nn', sig = 'local nn = mg.nn',
   desc = [[
Networks. Layers (Linear, Sequential, ReLU, Dropout, Flatten, ...) and losses (MSELoss,
CrossEntropyLoss, ...) are Module classes: call the class to make a module, call the module
to run its forward. nn.Module is the base class of your own networks (help(nn.Module)),
nn.Parameter makes a tensor a learnable parameter. Submodules: nn.functional (the same
operations as plain functions, usually local F), nn.init (weight initialisation) and
nn.utils (gradient clipping). Layers take a batch along dimension 1; class labels are int64
indices 1..C.]],
   example = [[
local model = nn.Sequential{nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)}
local logits = model(mg.randn(5, 4))                    -- a {5,3} tensor
local loss = F.cross_entropy(logits, mg.tensor({1, 3, 2, 2, 1}, {dtype = 'int64'}))
loss:backward()
print(model, loss)]]},

  -- ---- Module ------------------------------------------------------------------------

  {name = 'mg.nn.Module', sig = "local Net = nn.Module:extend('Net')",
   desc = [[
The base class of every layer and network. Write your own: Net = nn.Module:extend('Net'),
function Net:init(...) (runs when you call Net(...)) and function Net:forward(x) (runs when
you call the module). Assigning to self registers the value: a module becomes a child, a
leaf tensor that requires grad (nn.Parameter(t)) a parameter, anything else a plain field
(not saved: use register_buffer for other tensors). Registration keeps the order of
assignment, which fixes the order of parameters(), state_dict() and printing. m.training
(true at first) is set by train() and eval(); printing shows layers and parameter counts.]],
   example = [[
local Net = nn.Module:extend('Net')
function Net:init(n_in, n_out)
  self.fc = nn.Linear(n_in, n_out)               -- a child module
  self.scale = nn.Parameter(mg.ones(1))          -- a parameter
end
function Net:forward(x) return self.fc(x) * self.scale end
local net = Net(4, 2)
print(net(mg.randn(3, 4)), #net:parameters())    -- a {3,2} tensor, 3 parameters]]},

  {name = 'mg.nn.Module:extend', sig = 'Class = Base:extend([name])',
   desc = [[
A new module class inheriting Base's methods (Base is nn.Module or any module class, e.g.
nn.Linear). name (default 'Module') is shown when printing and in error messages.
Class.super is Base, so an override can call Class.super.init(self, ...) or
Base.forward(self, x). Calling Class(...) makes an instance and runs Class:init(...).]],
   example = [[
local Scaled = nn.Linear:extend('Scaled')
function Scaled:init(n_in, n_out, s) Scaled.super.init(self, n_in, n_out); self.s = s end
function Scaled:forward(x) return nn.Linear.forward(self, x) * self.s end
print(Scaled(2, 3, 10))                          -- Scaled(2 -> 3)  9 params]]},

  {name = 'mg.nn.Module:new', sig = 'Class:new(...)   -- the same as Class(...)',
   desc = [[
Makes an instance of Class (empty parameters, buffers and children, training = true), calls
its init(...) with the arguments and returns it. Calling the class does this; override init,
not new.]],
   example = [[
local a = nn.Linear:new(2, 3)
print(a, nn.Linear(2, 3))]]},

  {name = 'mg.nn.Module:init', sig = 'function Class:init(...) ... end',
   desc = [[
The constructor hook: runs on a new instance with the arguments given to Class(...). Make
layers, parameters and buffers here by assigning them to self. nn.Module's init does
nothing; in a subclass of a layer, call Class.super.init(self, ...) first. An error raised
in init with error(msg, 3) points at the line that called Class(...).]],
   example = [[
local Affine = nn.Module:extend('Affine')
function Affine:init(n) self.w = nn.Parameter(mg.ones(n)); self.b = nn.Parameter(mg.zeros(n)) end
function Affine:forward(x) return x * self.w + self.b end
print(Affine(3)(mg.tensor{1, 2, 3}))             -- 1 2 3]]},

  {name = 'mg.nn.Module:forward', sig = 'function Class:forward(...) ... end   -- m(...) calls it',
   desc = [[
The module's computation: m(x, ...) calls m:forward(x, ...) and returns what it returns
(losses take (input, target)). Each layer's page says what its forward computes. nn.Module's
own forward raises "<Name>: forward is not defined (define function <Name>:forward(x))".]],
   example = [[
local Double = nn.Module:extend('Double')
function Double:forward(x) return x * 2 end
print(Double()(mg.tensor{1, 2}))                 -- 2 4]]},

  {name = 'mg.nn.Module:extra_repr', sig = 'function Class:extra_repr() return text end',
   desc = [[
What printing shows in parentheses after the class name: Linear's gives '4 -> 3',
Dropout's 'p=0.5'. The default returns nil: the name alone.]],
   example = [[
local Gain = nn.Module:extend('Gain')
function Gain:init(g) self.g = g end
function Gain:forward(x) return x * self.g end
function Gain:extra_repr() return 'g=' .. self.g end
print(Gain(3))                                   -- Gain(g=3)]]},

  {name = {'mg.nn.Parameter', 'mg.nn.Module.Parameter'}, sig = 'nn.Parameter(t)',
   desc = [[
t as a parameter: a leaf tensor that requires grad. Returns t itself when it already is
one, else a detached alias of t (the same storage) with requires_grad = true. Assign the
result to a module's field to register it. Error when t is not a tensor.]],
   example = [[
local t = mg.zeros(3)
local p = nn.Parameter(t)
print(p.requires_grad, p.is_leaf, t.requires_grad)   -- true  true  false]]},

  {name = 'mg.nn.Module.is_module', sig = 'nn.Module.is_module(v)',
   desc = [[
true when v is a module instance (made by calling a class), false for anything else,
module classes included.]],
   example = [[
print(nn.Module.is_module(nn.ReLU()), nn.Module.is_module(nn.ReLU))   -- true  false]]},

  {name = 'mg.nn.Module.describe', sig = 'nn.Module.describe(v)',
   desc = [[
A short description of v for error messages: for a module class,
'the class Linear (call it to make a module: Linear())' (the usual slip of passing nn.ReLU
for nn.ReLU()), else type(v).]],
   example = [[
print(nn.Module.describe(nn.Linear))   -- the class Linear (call it to make a module: Linear())
print(nn.Module.describe(42))          -- number]]},

  {name = 'mg.nn.Module:register_parameter', sig = 'm:register_parameter(name, t)',
   desc = [[
Registers nn.Parameter(t) as the parameter name, the same as m[name] = nn.Parameter(t);
t = nil removes the parameter (or whatever name held).]],
   example = [[
local m = nn.Linear(2, 2)
m:register_parameter('gain', mg.ones(1))
print(#m:parameters(), m.gain.requires_grad)     -- 3  true]]},

  {name = 'mg.nn.Module:register_buffer', sig = 'm:register_buffer(name, t)',
   desc = [[
Registers tensor t as the buffer name: state that is saved by state_dict() and converted
by to()/double(), but not learned (running statistics, class weights). Later assignments
of a tensor to m[name] replace the buffer. t = nil removes it. Error when t is not a tensor
or nil.]],
   example = [[
local m = nn.Linear(2, 2)
m:register_buffer('steps', mg.zeros(1))
for name in pairs(m:state_dict()) do print(name) end   -- weight, bias, steps]]},

  {name = 'mg.nn.Module:add_module', sig = 'm:add_module(name, child)',
   desc = [[
Registers child as the child module name, the same as m[name] = child (useful for names
made at run time). Returns m. Error when child is not a module instance.]],
   example = [[
local m = nn.Module()
for i = 1, 3 do m:add_module('layer' .. i, nn.Linear(2, 2)) end
print(#m:children())                             -- 3]]},

  {name = 'mg.nn.Module:parameters', sig = 'm:parameters() -> {tensor, ...}',
   desc = [[
A list of the parameters of m and its descendants: m's own in order of assignment, then each
child's in turn (depth first). A tensor shared by two modules is listed once. This is what
an optimizer takes: mg.optim.Adam(m:parameters()).]],
   example = [[
local m = nn.Sequential{nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1)}
print(#m:parameters())                           -- 4: weight and bias of each Linear]]},

  {name = 'mg.nn.Module:named_parameters', sig = 'for name, p in m:named_parameters() do ... end',
   desc = [[
Iterates over the parameters as parameters() orders them, each with its dotted name from
m: 'weight', 'fc.bias', '1.weight' (the children of a Sequential are named 1, 2, ...).]],
   example = [[
local m = nn.Sequential{nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1)}
for name, p in m:named_parameters() do print(name, p:numel()) end   -- 1.weight 12, 1.bias 3, ...]]},

  {name = 'mg.nn.Module:buffers', sig = 'm:buffers() -> {tensor, ...}',
   desc = [[
A list of the buffers of m and its descendants (see register_buffer), in the order of
parameters(): m's own first, then each child's.]],
   example = [[
local loss = nn.CrossEntropyLoss{weight = mg.tensor{1, 2, 1}}   -- a tensor option is a buffer
print(#loss:buffers())                                          -- 1]]},

  {name = 'mg.nn.Module:named_buffers', sig = 'for name, b in m:named_buffers() do ... end',
   desc = [[
Iterates over the buffers of m and its descendants with their dotted names, in the order
of buffers().]],
   example = [[
local m = nn.Sequential{nn.Linear(2, 2)}
m[1]:register_buffer('count', mg.zeros(1))
for name, b in m:named_buffers() do print(name, b) end   -- 1.count  0]]},

  {name = 'mg.nn.Module:children', sig = 'm:children() -> {module, ...}',
   desc = [[
A list of m's direct children, in order of assignment.]],
   example = [[
local m = nn.Sequential{nn.Linear(2, 2), nn.ReLU()}
print(#m:children(), m:children()[2])            -- 2  ReLU]]},

  {name = 'mg.nn.Module:named_children', sig = 'for name, child in m:named_children() do ... end',
   desc = [[
Iterates over m's direct children with their names, in order of assignment.]],
   example = [[
local m = nn.Sequential{nn.Linear(2, 2), nn.ReLU()}
for name, child in m:named_children() do print(name, child) end   -- 1 Linear(2 -> 2), 2 ReLU]]},

  {name = 'mg.nn.Module:modules', sig = 'm:modules() -> {module, ...}',
   desc = [[
A list of m and every descendant, depth first (m first), each module once.]],
   example = [[
local m = nn.Sequential{nn.Linear(2, 2), nn.Sequential{nn.ReLU(), nn.Linear(2, 1)}}
print(#m:modules())                              -- 5]]},

  {name = 'mg.nn.Module:apply', sig = 'm:apply(fn) -> m',
   desc = [[
Calls fn(module) for every module in the tree, children before their parent (m last), and
returns m. Typical use: a custom initialisation of every layer of one kind.]],
   example = [[
local m = nn.Sequential{nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2)}
m:apply(function(l)
  if getmetatable(l) == nn.Linear then nn.init.xavier_uniform_(l.weight); nn.init.zeros_(l.bias) end
end)
print(m[1].bias)                                 -- 0 0 0 0]]},

  {name = 'mg.nn.Module:train', sig = 'm:train([mode = true]) -> m',
   desc = [[
Sets training = mode on m and every descendant and returns m. Layers that behave
differently in training (Dropout) read self.training in forward.]],
   example = [[
local m = nn.Sequential{nn.Linear(2, 2), nn.Dropout(0.5)}
m:eval()
print(m[2].training, m:train()[2].training)      -- false  true]]},

  {name = 'mg.nn.Module:eval', sig = 'm:eval() -> m',
   desc = [[
m:train(false): evaluation mode for m and every descendant (Dropout becomes the identity).
Returns m. Use mg.no_grad as well to stop recording the graph.]],
   example = [[
local m = nn.Sequential{nn.Linear(2, 2), nn.Dropout(0.5)}:eval()
print(m.training, m[2].training)                 -- false  false]]},

  {name = 'mg.nn.Module:zero_grad', sig = 'm:zero_grad()',
   desc = [[
Sets the .grad of every parameter of m and its descendants to nil (the optimizer's
zero_grad does the same for its parameters).]],
   example = [[
local m = nn.Linear(3, 1)
m(mg.randn(2, 3)):sum():backward()
m:zero_grad()
print(m.weight.grad)                             -- nil]]},

  {name = 'mg.nn.Module:num_parameters', sig = 'm:num_parameters() -> integer',
   desc = [[
The number of elements in all parameters of m and its descendants (each shared tensor
counted once).]],
   example = [[
print(nn.Linear(784, 512):num_parameters())      -- 401920]]},

  {name = {'mg.nn.Module:to', 'mg.nn.Module:double', 'mg.nn.Module:float'},
   sig = "m:to(dtype) -> m;   m:double() = m:to('float64');   m:float() = m:to('float32')",
   desc = [[
Converts every float32/float64 parameter and buffer of m and its descendants to dtype
('float32' or 'float64'; other dtypes are an error), other buffers stay as they are.
The module's tensors are replaced by new ones (a tensor shared by two modules stays shared):
make the optimizer after converting. Returns m.]],
   example = [[
local m = nn.Linear(2, 2):double()
print(m.weight.dtype, m(mg.ones(1, 2, {dtype = 'float64'})).dtype)   -- float64  float64]]},

  {name = 'mg.nn.Module:state_dict', sig = 'm:state_dict() -> {name = tensor, ...}',
   desc = [[
Every parameter, then every buffer, of m and its descendants under its dotted name
('1.weight'); pairs() visits them in that order. The tensors are detached aliases of the
module's own, so they see later updates: clone them for a snapshot. Load it back with
load_state_dict.]],
   example = [[
local m = nn.Sequential{nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)}
for name, t in pairs(m:state_dict()) do print(name, t) end   -- 1.weight, 1.bias, 3.weight, 3.bias]]},

  {name = 'mg.nn.Module:load_state_dict',
   sig = 'm:load_state_dict(sd [, {strict = true}]) -> {missing = {...}, unexpected = {...}}',
   desc = [[
Copies the tensors of sd (name -> tensor, as from state_dict()) into m's parameters and
buffers, without recording for autograd. Every name, shape and dtype is checked first; on
any problem the error lists them all and nothing is loaded. strict = false tolerates names
missing from sd and names m does not have (not wrong shapes). Returns the names missing and
unexpected.]],
   example = [[
local a, b = nn.Linear(2, 2), nn.Linear(2, 2)
b:load_state_dict(a:state_dict())
print(b.weight:eq(a.weight):sum():item())        -- 4
local r = b:load_state_dict({weight = mg.zeros(2, 2)}, {strict = false})
print(r.missing[1])                              -- bias]]},

  -- ---- layers ------------------------------------------------------------------------

  {name = 'mg.nn.Linear', sig = "nn.Linear(in_features, out_features [, {bias = true, dtype = 'float32'}])",
   desc = [[
y = x W^T + b. weight has shape {out_features, in_features}, bias {out_features} (none with
bias = false). Input {..., in_features} (any leading dimensions, or just {in_features}),
output {..., out_features}. W and b start as PyTorch's: uniform in
[-1/sqrt(in_features), 1/sqrt(in_features)]. Error when the sizes are not non-negative
integers, or when the input's last dimension is not in_features.]],
   example = [[
local fc = nn.Linear(4, 3)
print(fc, fc.weight, fc(mg.randn(2, 4)))         -- Linear(4 -> 3)  15 params; {3,4}; {2,3}
print(nn.Linear(4, 3, {bias = false}).bias)      -- nil]]},

  {name = 'mg.nn.Linear:reset_parameters', sig = 'fc:reset_parameters()',
   desc = [[
Draws weight and bias again with Linear's default initialisation (kaiming_uniform_ with
a = sqrt(5) for the weight, which is U(-1/sqrt(in), 1/sqrt(in)), the same bound for the
bias) from the global generator: mg.manual_seed makes it reproducible.]],
   example = [[
local fc = nn.Linear(4, 2)
mg.manual_seed(1); fc:reset_parameters(); local w = fc.weight:clone()
mg.manual_seed(1); fc:reset_parameters()
print(fc.weight:eq(w):sum():item())              -- 8]]},

  {name = 'mg.nn.Sequential', sig = 'nn.Sequential{m1, m2, ...}   or   nn.Sequential(m1, m2, ...)',
   desc = [[
A chain of modules: forward(x) passes x through each in turn and returns the last output.
The children are named '1', '2', ... (state_dict keys '1.weight'). seq[i] or seq:get(i) is
the i-th (negative i counts from the end), #seq their number. Error when an element is not
a module instance (e.g. nn.ReLU instead of nn.ReLU()).]],
   example = [[
local seq = nn.Sequential{nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)}
print(#seq, seq[1], seq[-1])                     -- 3  Linear(4 -> 8)  Linear(8 -> 2)
print(seq(mg.randn(5, 4)))                       -- a {5,2} tensor]]},

  {name = 'mg.nn.Sequential:add', sig = 'seq:add(m) -> seq',
   desc = [[
Appends module m (named #seq + 1) and returns seq, so calls chain. Error when m is not a
module instance.]],
   example = [[
local seq = nn.Sequential():add(nn.Linear(3, 3)):add(nn.Tanh())
print(#seq, seq)]]},

  {name = 'mg.nn.Sequential:get', sig = 'seq:get(i)',
   desc = [[
The i-th module, the same as seq[i]; negative i counts from the end, nil when out of range.]],
   example = [[
local seq = nn.Sequential{nn.Linear(2, 2), nn.ReLU()}
print(seq:get(1), seq:get(-1), seq:get(3))       -- Linear(2 -> 2)  ReLU  nil]]},

  {name = 'mg.nn.Identity', sig = 'nn.Identity()',
   desc = [[
Returns its input unchanged (a placeholder layer).]],
   example = [[
print(nn.Identity()(mg.tensor{1, 2}))            -- 1 2]]},

  {name = 'mg.nn.ReLU', sig = 'nn.ReLU()',
   desc = [[
max(x, 0) elementwise, any shape; see F.relu.]],
   example = [[
print(nn.ReLU()(mg.tensor{-1, 2}))               -- 0 2]]},

  {name = 'mg.nn.Sigmoid', sig = 'nn.Sigmoid()',
   desc = [[
1 / (1 + exp(-x)) elementwise, any shape; see F.sigmoid.]],
   example = [[
print(nn.Sigmoid()(mg.tensor{0}))                -- 0.5]]},

  {name = 'mg.nn.Tanh', sig = 'nn.Tanh()',
   desc = [[
tanh(x) elementwise, any shape; see F.tanh.]],
   example = [[
print(nn.Tanh()(mg.tensor{0, 1}))                -- 0 0.7616]]},

  {name = 'mg.nn.LeakyReLU', sig = 'nn.LeakyReLU([negative_slope = 0.01])',
   desc = [[
x where x > 0, negative_slope * x elsewhere; elementwise, any shape. See F.leaky_relu.]],
   example = [[
print(nn.LeakyReLU(0.2)(mg.tensor{-1, 2}))       -- -0.2 2]]},

  {name = 'mg.nn.ELU', sig = 'nn.ELU([alpha = 1])',
   desc = [[
x where x > 0, alpha * (exp(x) - 1) elsewhere; elementwise, any shape. See F.elu.]],
   example = [[
print(nn.ELU()(mg.tensor{-1, 2}))                -- -0.6321 2]]},

  {name = 'mg.nn.GELU', sig = "nn.GELU([{approximate = 'none'}])",
   desc = [[
x * Phi(x) (Phi the standard normal CDF) elementwise; approximate = 'tanh' uses the tanh
approximation. See F.gelu (an approximate other than 'none' or 'tanh' is an error when the
layer is called).]],
   example = [[
print(nn.GELU()(mg.tensor{1}), nn.GELU{approximate = 'tanh'}(mg.tensor{1}))   -- 0.8413  0.8412]]},

  {name = 'mg.nn.Softmax', sig = 'nn.Softmax([dim = -1])',
   desc = [[
exp(x) / sum(exp(x)) along dim (default the last), so each slice sums to 1. For a loss,
give logits to nn.CrossEntropyLoss instead, which is more stable.]],
   example = [[
print(nn.Softmax()(mg.tensor{{1, 2, 3}}))        -- 0.0900 0.2447 0.6652]]},

  {name = 'mg.nn.LogSoftmax', sig = 'nn.LogSoftmax([dim = -1])',
   desc = [[
log(softmax(x)) along dim (default the last), computed stably; pair it with nn.NLLLoss.]],
   example = [[
print(nn.LogSoftmax()(mg.tensor{0, 0}))          -- -0.6931 -0.6931]]},

  {name = 'mg.nn.Dropout', sig = 'nn.Dropout([p = 0.5])',
   desc = [[
In training mode zeroes each element with probability p and scales the others by
1 / (1 - p), so the expected value is unchanged; after eval() it is the identity. Draws from
the global generator. Error unless 0 <= p <= 1.]],
   example = [[
local drop = nn.Dropout(0.5)
print(drop(mg.ones(6)))                          -- each element 0 or 2
print(drop:eval()(mg.ones(3)))                   -- 1 1 1]]},

  {name = 'mg.nn.Flatten', sig = 'nn.Flatten([start_dim = 2 [, end_dim = -1]])',
   desc = [[
Merges dimensions start_dim..end_dim into one: by default every dimension but the batch's,
so {N, 28, 28} becomes {N, 784}. See Tensor:flatten.]],
   example = [[
print(nn.Flatten()(mg.zeros(2, 3, 4)))           -- a {2,12} tensor]]},

  {name = 'mg.nn.Embedding',
   sig = "nn.Embedding(num_embeddings, embedding_dim [, {padding_idx, init, dtype = 'float32', sparse = false}])",
   desc = [[
A lookup table: weight {num_embeddings, embedding_dim}, one learnable row per id. forward(ids)
takes int64 ids 1..num_embeddings of any shape and returns their rows, shaped ids.shape ..
{embedding_dim}. The weight starts N(0, 1) as PyTorch's, or filled by init(weight) (an
nn.init function, e.g. nn.init.xavier_uniform_). padding_idx (1-based; negative counts from
the end) names a row that starts at zeros and never gets a gradient: ids equal to it look
up the row as it is, but training leaves it alone. The gradient of weight is dense: the
rows of the ids used hold their gradients, summed over repeated ids; every other row is
zero (optimizers with weight decay or momentum still touch those rows). With sparse = true,
as PyTorch's, the gradient holds only the rows looked up: weight.grad stays nil and
nn.sparse_grad(weight) gives the ids and their gradients, which optim.SparseAdam and SGD
(without momentum or weight decay) apply to those rows alone, so a step costs the batch,
not the table; other optimizers refuse it, and clip_grad_norm_ does not see it. The lookups
are kept from forward until the optimizer's step or a zero_grad (not under mg.no_grad).
Errors name the layer: an id out of range ("Embedding: index 11 is out of range for 10
embeddings"), ids that are not int64, sizes that are not non-negative integers. See
F.embedding.]],
   example = [[
local emb = nn.Embedding(10, 4, {padding_idx = 1})
local ids = mg.tensor({{2, 5, 1}, {7, 7, 3}}, {dtype = 'int64'})   -- 2 sequences of 3 ids
local y = emb(ids)
print(emb, y:size(3))                            -- Embedding(10, 4, padding_idx=1)  40 params; 4
y:sum():backward()
print(emb.weight.grad[7], emb.weight.grad[1])   -- 2 2 2 2 (id 7 twice);  0 0 0 0]]},

  {name = {'mg.nn.Embedding:reset_parameters', 'mg.nn.EmbeddingBag:reset_parameters'},
   sig = 'emb:reset_parameters()',
   desc = [[
Fills the weight again as at construction: N(0, 1) (or the layer's init function), from the
global generator, then zeros in the padding_idx row.]],
   example = [[
local emb = nn.Embedding(3, 2, {padding_idx = 3})
emb:reset_parameters()
print(emb.weight[3])                             -- 0 0]]},

  {name = 'mg.nn.EmbeddingBag',
   sig = "nn.EmbeddingBag(num_embeddings, embedding_dim [, {mode = 'mean', padding_idx, init, dtype, sparse = false}])\n"
      .. '  bag(ids, offsets [, per_sample_weights])   bag(ids2d [, nil, per_sample_weights])',
   desc = [[
An Embedding whose rows are reduced per bag, without building the {n, embedding_dim} block
of a lookup and a separate sum: mode 'sum', 'mean' (the default, as PyTorch's) or 'max'
(elementwise), giving {bags, embedding_dim}. Bags are given as in PyTorch, with 1-based
offsets: 1-D int64 ids with offsets, the 1-based position in ids where each bag starts
(the first is 1; non-decreasing; a repeated offset, or #ids + 1 at the end, makes an empty
bag), or 2-D ids {bags, length} with no offsets. An empty bag gives zeros in every mode.
Ids equal to padding_idx are left out of their bag (and of the count a mean divides by)
and give no gradient. per_sample_weights (float, ids' shape, mode 'sum' only) scales each
id's row, and gets a gradient too. The weight's gradient is dense, nonzero only in the rows
used, or with sparse = true the rows used only, as nn.Embedding's. Weight initialisation
and errors as nn.Embedding. See F.embedding_bag.]],
   example = [[
local bag = nn.EmbeddingBag(10, 3, {mode = 'sum'})
local ids = mg.tensor({4, 2, 9, 9, 1}, {dtype = 'int64'})
local offsets = mg.tensor({1, 3, 3}, {dtype = 'int64'})   -- bags {4, 2}, {}, {9, 9, 1}
local y = bag(ids, offsets)
print(y:size(1), y[2])                           -- 3;  0 0 0 (the empty bag)
print(nn.EmbeddingBag(10, 3)(mg.tensor({{1, 2}, {3, 4}}, {dtype = 'int64'})))   -- {2,3}: two means]]},

  -- ---- losses as modules -------------------------------------------------------------

  {name = 'mg.nn.MSELoss', sig = "nn.MSELoss([{reduction = 'mean'}])   -- loss(input, target)",
   desc = [[
The module form of F.mse_loss: (input - target)^2, averaged ('mean'), summed ('sum') or
per element ('none'). input and target have the same shape. Options are checked when the
loss is called.]],
   example = [[
local loss = nn.MSELoss()
print(loss(mg.tensor{1, 2, 3}, mg.tensor{1, 2, 5}))   -- 1.3333]]},

  {name = 'mg.nn.L1Loss', sig = "nn.L1Loss([{reduction = 'mean'}])   -- loss(input, target)",
   desc = [[
The module form of F.l1_loss: |input - target|, reduced by reduction ('mean', 'sum',
'none'). input and target have the same shape.]],
   example = [[
print(nn.L1Loss()(mg.tensor{1, 2, 3}, mg.tensor{1, 2, 5}))   -- 0.6667]]},

  {name = 'mg.nn.SmoothL1Loss', sig = "nn.SmoothL1Loss([{beta = 1, reduction = 'mean'}])   -- loss(input, target)",
   desc = [[
The module form of F.smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta
elsewhere (d = input - target).]],
   example = [[
print(nn.SmoothL1Loss{beta = 2}(mg.tensor{0, 3}, mg.tensor{0.5, 0}))   -- 1.0312]]},

  {name = 'mg.nn.HuberLoss', sig = "nn.HuberLoss([{delta = 1, reduction = 'mean'}])   -- loss(input, target)",
   desc = [[
The module form of F.huber_loss: 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta)
elsewhere (d = input - target).]],
   example = [[
print(nn.HuberLoss()(mg.tensor{0, 3}, mg.tensor{0.5, 0}))   -- 1.3125]]},

  {name = 'mg.nn.CrossEntropyLoss',
   sig = "nn.CrossEntropyLoss([{weight, label_smoothing = 0, reduction = 'mean'}])   -- loss(logits, target)",
   desc = [[
The module form of F.cross_entropy: logits {N, C} against int64 class indices {N} in 1..C.
A weight tensor {C} becomes a buffer of the module (saved by state_dict, converted by
double()). See F.cross_entropy for the options and shapes.]],
   example = [[
local loss = nn.CrossEntropyLoss{label_smoothing = 0.1}
local logits = mg.tensor{{2.0, 0.5, -1.0}, {0.1, 0.2, 3.0}}
print(loss, loss(logits, mg.tensor({1, 3}, {dtype = 'int64'})))   -- 0.3455]]},

  {name = 'mg.nn.NLLLoss', sig = "nn.NLLLoss([{weight, reduction = 'mean'}])   -- loss(logp, target)",
   desc = [[
The module form of F.nll_loss: log-probabilities {N, C} (from nn.LogSoftmax) against int64
class indices {N} in 1..C. A weight tensor {C} becomes a buffer.]],
   example = [[
local logp = nn.LogSoftmax()(mg.tensor{{2.0, 0.5, -1.0}, {0.1, 0.2, 3.0}})
print(nn.NLLLoss()(logp, mg.tensor({1, 3}, {dtype = 'int64'})))   -- 0.1755]]},

  {name = 'mg.nn.BCELoss', sig = "nn.BCELoss([{weight, reduction = 'mean'}])   -- loss(p, y)",
   desc = [[
The module form of F.binary_cross_entropy: probabilities p in [0, 1] (after a Sigmoid)
against targets y of p's shape. A weight tensor becomes a buffer.]],
   example = [[
print(nn.BCELoss()(mg.tensor{0.8, 0.2}, mg.tensor{1, 0}))   -- 0.2231]]},

  {name = 'mg.nn.BCEWithLogitsLoss',
   sig = "nn.BCEWithLogitsLoss([{pos_weight, weight, reduction = 'mean'}])   -- loss(x, y)",
   desc = [[
The module form of F.binary_cross_entropy_with_logits: BCELoss of sigmoid(x), computed
stably from the logits x. Tensor options become buffers.]],
   example = [[
print(nn.BCEWithLogitsLoss()(mg.tensor{0, 0}, mg.tensor{1, 0}))   -- 0.6931]]},

  -- ---- nn.functional -----------------------------------------------------------------

  {name = 'mg.nn.functional', sig = 'local F = mg.nn.functional',
   desc = [[
The operations of the layers and losses as plain functions of tensors: activations,
softmax, dropout, linear, and the losses. Each is composed of tensor ops, so autograd
differentiates it. Losses take an options table {reduction = 'mean' | 'sum' | 'none', ...};
an unknown option is an error naming the function. Class indices are int64 in 1..C.]],
   example = [[
local x = mg.randn(4, 3, {requires_grad = true})
local loss = F.cross_entropy(F.relu(x), mg.tensor({1, 2, 3, 1}, {dtype = 'int64'}))
loss:backward()
print(loss, x.grad)]]},

  {name = 'mg.nn.functional.relu', sig = 'F.relu(x)',
   desc = [[
max(x, 0) elementwise: a new tensor of x's shape (the same as x:relu()).]],
   example = [[
print(F.relu(mg.tensor{-2, -0.5, 0, 1.5}))      -- 0 0 0 1.5]]},

  {name = 'mg.nn.functional.sigmoid', sig = 'F.sigmoid(x)',
   desc = [[
1 / (1 + exp(-x)) elementwise (the same as x:sigmoid()).]],
   example = [[
print(F.sigmoid(mg.tensor{0}))                   -- 0.5]]},

  {name = 'mg.nn.functional.tanh', sig = 'F.tanh(x)',
   desc = [[
tanh(x) elementwise (the same as x:tanh()).]],
   example = [[
print(F.tanh(mg.tensor{0}))                      -- 0]]},

  {name = 'mg.nn.functional.leaky_relu', sig = 'F.leaky_relu(x [, negative_slope = 0.01])',
   desc = [[
x where x > 0, negative_slope * x elsewhere, elementwise.]],
   example = [[
print(F.leaky_relu(mg.tensor{-2, 1.5}, 0.1))     -- -0.2 1.5]]},

  {name = 'mg.nn.functional.elu', sig = 'F.elu(x [, alpha = 1])',
   desc = [[
x where x > 0, alpha * (exp(x) - 1) elsewhere, elementwise. A large x cannot overflow the
exp (it only sees min(x, 0)).]],
   example = [[
print(F.elu(mg.tensor{-2, 1.5}))                 -- -0.8647 1.5]]},

  {name = 'mg.nn.functional.gelu', sig = "F.gelu(x [, {approximate = 'none'}])",
   desc = [[
x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), elementwise. approximate = 'tanh' gives
0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). Error for another approximate.]],
   example = [[
print(F.gelu(mg.tensor{-0.5, 1.5}))                           -- -0.1543 1.3998
print(F.gelu(mg.tensor{-0.5, 1.5}, {approximate = 'tanh'}))   -- -0.1543 1.3996]]},

  {name = 'mg.nn.functional.softmax', sig = 'F.softmax(x [, dim = -1])',
   desc = [[
exp(x) / sum(exp(x)) along dim (default the last; 1-based, negative from the end),
computed stably: each slice along dim sums to 1. Same shape as x.]],
   example = [[
print(F.softmax(mg.tensor{{1, 2, 3}}))           -- 0.0900 0.2447 0.6652
print(F.softmax(mg.tensor{{1, 2}, {3, 4}}, 1))   -- columns sum to 1]]},

  {name = 'mg.nn.functional.log_softmax', sig = 'F.log_softmax(x [, dim = -1])',
   desc = [[
log(softmax(x)) along dim (default the last), computed stably (x - logsumexp(x)). Feed it
to F.nll_loss; F.cross_entropy does both in one call.]],
   example = [[
print(F.log_softmax(mg.tensor{1, 2, 3}))         -- -2.4076 -1.4076 -0.4076]]},

  {name = 'mg.nn.functional.dropout', sig = 'F.dropout(x [, p = 0.5 [, training = true]])',
   desc = [[
With training true, zeroes each element with probability p (from the global generator)
and scales the others by 1 / (1 - p); returns x itself when training is false or p is 0,
zeros when p is 1. Error unless 0 <= p <= 1. In a module pass self.training.]],
   example = [[
print(F.dropout(mg.ones(8), 0.5))                -- each element 0 or 2
print(F.dropout(mg.ones(4), 0.5, false))         -- 1 1 1 1]]},

  {name = 'mg.nn.functional.linear', sig = 'F.linear(x, weight [, bias])',
   desc = [[
x @ weight^T + bias, with weight {out, in} and bias {out}: input {..., in} gives
{..., out}. Error when x's last dimension is not in.]],
   example = [[
print(F.linear(mg.ones(2, 3), mg.ones(4, 3), mg.zeros(4)))   -- a {2,4} tensor of 3s]]},

  {name = 'mg.nn.functional.embedding', sig = 'F.embedding(ids, weight [, {padding_idx, sparse = false}])',
   desc = [[
The rows of weight {num, dim} at the int64 ids 1..num (any shape): a tensor of shape
ids.shape .. {dim}, as index_select along dim 1. A row equal to padding_idx (1-based,
negative from the end) is returned but gets no gradient. Repeated ids add up their
gradients in weight.grad; with sparse = true in nn.sparse_grad(weight) instead (see
nn.Embedding). Errors: ids not int64, an id out of 1..num, weight not 2-D.]],
   example = [[
local w = mg.tensor{{1, 2}, {3, 4}, {5, 6}}
print(F.embedding(mg.tensor({3, 1, 3}, {dtype = 'int64'}), w))   -- {{5, 6}, {1, 2}, {5, 6}}]]},

  {name = 'mg.nn.sparse_grad', sig = 'nn.sparse_grad(weight) -> ids, values (or nil)',
   desc = [[
The gradient of an embedding table looked up with sparse = true (nn.Embedding, F.embedding)
since the last optimizer step or zero_grad: the distinct ids looked up (int64, ascending)
and the sum of their rows' gradients {#ids, dim}, as PyTorch's coalesced sparse gradient.
nil before backward. optim.SparseAdam and SGD read it.]],
   example = [[
local emb = nn.Embedding(10, 2, {sparse = true})
emb(mg.tensor({7, 3, 7}, {dtype = 'int64'})):sum():backward()
local ids, values = nn.sparse_grad(emb.weight)
print(ids, values)                               -- 3 7;  {{1, 1}, {2, 2}}]]},

  {name = 'mg.nn.functional.embedding_bag',
   sig = "F.embedding_bag(ids, weight [, offsets] [, {mode = 'mean', per_sample_weights, padding_idx, sparse = false}])",
   desc = [[
The sum, mean or max of weight's rows over each bag of ids, a {bags, dim} tensor: 1-D ids
with offsets (1-based starts of the bags), or 2-D ids {bags, length} with no offsets (the
options then may take offsets' place). Empty bags give zeros; ids equal to padding_idx are
left out; per_sample_weights (ids' shape, mode 'sum') scale each row. Composed of
index_select and scatter_add, so gradients flow to the rows used and to
per_sample_weights. See nn.EmbeddingBag for the rules on offsets.]],
   example = [[
local w = mg.tensor{{1, 2}, {3, 4}, {5, 6}}
local ids, offsets = mg.tensor({1, 2, 3}, {dtype = 'int64'}), mg.tensor({1, 3}, {dtype = 'int64'})
print(F.embedding_bag(ids, w, offsets))                       -- {{2, 3}, {5, 6}}
print(F.embedding_bag(ids:view(1, 3), w, {mode = 'max'}))    -- {{5, 6}}]]},

  {name = 'mg.nn.functional.mse_loss', sig = "F.mse_loss(input, target [, {reduction = 'mean'}])",
   desc = [[
(input - target)^2 elementwise, then the mean ('mean', a 0-d tensor), the sum ('sum') or
nothing ('none', input's shape). input and target must have the same shape.]],
   example = [[
print(F.mse_loss(mg.tensor{1, 2, 3}, mg.tensor{1, 2, 5}))                      -- 1.3333
print(F.mse_loss(mg.tensor{1, 2, 3}, mg.tensor{1, 2, 5}, {reduction = 'sum'}))  -- 4]]},

  {name = 'mg.nn.functional.l1_loss', sig = "F.l1_loss(input, target [, {reduction = 'mean'}])",
   desc = [[
|input - target| elementwise, reduced by reduction ('mean', 'sum' or 'none'). Same shapes.]],
   example = [[
print(F.l1_loss(mg.tensor{1, 2, 3}, mg.tensor{1, 2, 5}))   -- 0.6667]]},

  {name = 'mg.nn.functional.huber_loss', sig = "F.huber_loss(input, target [, {delta = 1, reduction = 'mean'}])",
   desc = [[
With d = input - target: 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere;
reduced by reduction. delta must be > 0. Same shapes.]],
   example = [[
print(F.huber_loss(mg.tensor{0, 3}, mg.tensor{0.5, 0}))   -- (0.125 + 2.5) / 2 = 1.3125]]},

  {name = 'mg.nn.functional.smooth_l1_loss',
   sig = "F.smooth_l1_loss(input, target [, {beta = 1, reduction = 'mean'}])",
   desc = [[
With d = input - target: 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (huber
divided by beta; l1 when beta = 0); reduced by reduction. beta must be >= 0. Same shapes.]],
   example = [[
print(F.smooth_l1_loss(mg.tensor{0, 3}, mg.tensor{0.5, 0}, {beta = 2}))   -- 1.0312]]},

  {name = 'mg.nn.functional.cross_entropy',
   sig = "F.cross_entropy(logits, target [, {weight, label_smoothing = 0, reduction = 'mean'}])",
   desc = [[
nll_loss(log_softmax(logits, 2), target), stable for any logits. logits {N, C} (or {C} for
one sample), target int64 class indices {N} in 1..C (or a 0-d / {1} tensor). weight {C}:
per-class weights; 'mean' then divides by the sum of the targets' weights. label_smoothing
eps in [0, 1] mixes the target with the uniform distribution, as PyTorch's. 'none' gives
{N} per-sample losses. Errors for a float target, a class out of 1..C, wrong shapes.]],
   example = [[
local logits = mg.tensor{{2.0, 0.5, -1.0}, {0.1, 0.2, 3.0}}
local y = mg.tensor({1, 3}, {dtype = 'int64'})
print(F.cross_entropy(logits, y))                          -- 0.1755
print(F.cross_entropy(logits, y, {reduction = 'none'}))    -- 0.2413 0.1096]]},

  {name = 'mg.nn.functional.nll_loss', sig = "F.nll_loss(logp, target [, {weight, reduction = 'mean'}])",
   desc = [[
-logp[i, t] for each sample i with t = target[i], for log-probabilities logp {N, C} (or
{C}) and int64 class indices target {N} in 1..C; weight {C} weighs each class ('mean' then
divides by the sum of the targets' weights). Reduced by reduction.]],
   example = [[
local logp = F.log_softmax(mg.tensor{{2.0, 0.5, -1.0}, {0.1, 0.2, 3.0}})
print(F.nll_loss(logp, mg.tensor({1, 3}, {dtype = 'int64'})))   -- 0.1755]]},

  {name = 'mg.nn.functional.binary_cross_entropy',
   sig = "F.binary_cross_entropy(p, y [, {weight, reduction = 'mean'}])",
   desc = [[
-weight * (y log p + (1 - y) log(1 - p)) elementwise for probabilities p in [0, 1] and
targets y of p's shape; the logs are clamped at -100 as PyTorch's (so p = 0 or 1 gives a
finite loss). weight broadcasts against p. Error when p has values outside [0, 1].]],
   example = [[
print(F.binary_cross_entropy(mg.tensor{0.8, 0.2}, mg.tensor{1, 0}))   -- -log(0.8) = 0.2231]]},

  {name = 'mg.nn.functional.binary_cross_entropy_with_logits',
   sig = "F.binary_cross_entropy_with_logits(x, y [, {pos_weight, weight, reduction = 'mean'}])",
   desc = [[
binary_cross_entropy(sigmoid(x), y) computed stably from the logits x (no overflow for any
x). pos_weight (e.g. {C}, broadcast over the last dimension) multiplies the positive term
y log sigmoid(x); weight multiplies each element's loss. y has x's shape.]],
   example = [[
print(F.binary_cross_entropy_with_logits(mg.tensor{0, 0}, mg.tensor{1, 0}))   -- log 2 = 0.6931]]},

  -- ---- nn.init -----------------------------------------------------------------------

  {name = 'mg.nn.init', sig = 'local init = mg.nn.init',
   desc = [[
Weight initialisation in place, as torch.nn.init. Every function fills a float32/float64
tensor without recording for autograd (so parameters can be filled), draws from the
global generator (mg.manual_seed makes it reproducible) and returns the tensor. Fans are
read from shape {out, in, k...}: fan_in = in * k..., fan_out = out * k....]],
   example = [[
local fc = nn.Linear(400, 100)
nn.init.kaiming_normal_(fc.weight, {nonlinearity = 'relu'})
nn.init.zeros_(fc.bias)
print(fc.weight:std())                           -- about sqrt(2 / 400) = 0.0707]]},

  {name = 'mg.nn.init.uniform_', sig = 'init.uniform_(t [, a = 0 [, b = 1]]) -> t',
   desc = [[
Fills t with values drawn uniformly from [a, b).]],
   example = [[
local t = nn.init.uniform_(mg.empty(2, 3), -1, 1)
print(t)]]},

  {name = 'mg.nn.init.normal_', sig = 'init.normal_(t [, mean = 0 [, std = 1]]) -> t',
   desc = [[
Fills t with values drawn from the normal distribution N(mean, std^2).]],
   example = [[
local t = nn.init.normal_(mg.empty(10000), 2, 0.5)
print(t:mean(), t:std())                         -- about 2 and 0.5]]},

  {name = 'mg.nn.init.constant_', sig = 'init.constant_(t, value) -> t',
   desc = [[
Fills t with the number value (error when it is not a number).]],
   example = [[
print(nn.init.constant_(mg.empty(2), 0.3))       -- 0.3 0.3]]},

  {name = 'mg.nn.init.zeros_', sig = 'init.zeros_(t) -> t',
   desc = [[
Fills t with zeros.]],
   example = [[
print(nn.init.zeros_(nn.Linear(3, 2).bias))      -- 0 0]]},

  {name = 'mg.nn.init.ones_', sig = 'init.ones_(t) -> t',
   desc = [[
Fills t with ones.]],
   example = [[
print(nn.init.ones_(mg.empty(2)))                -- 1 1]]},

  {name = 'mg.nn.init.calculate_gain', sig = 'init.calculate_gain(nonlinearity [, param])',
   desc = [[
The recommended gain for a nonlinearity: 'linear', 'sigmoid' and the conv names 1, 'tanh'
5/3, 'relu' sqrt(2), 'selu' 3/4, 'leaky_relu' sqrt(2 / (1 + slope^2)) with param the
negative slope (default 0.01). Error for an unknown name.]],
   example = [[
print(nn.init.calculate_gain('relu'), nn.init.calculate_gain('leaky_relu', 0.2))   -- 1.4142  1.3868]]},

  {name = 'mg.nn.init.calculate_fan_in_and_fan_out', sig = 'init.calculate_fan_in_and_fan_out(t) -> fan_in, fan_out',
   desc = [[
For a weight of shape {out, in, k1, k2, ...}: fan_in = in * k1 * k2 * ... and
fan_out = out * k1 * k2 * .... Error for a tensor of fewer than 2 dimensions.]],
   example = [[
print(nn.init.calculate_fan_in_and_fan_out(mg.empty(512, 784)))     -- 784  512
print(nn.init.calculate_fan_in_and_fan_out(mg.empty(16, 3, 5, 5)))  -- 75  400]]},

  {name = 'mg.nn.init.xavier_uniform_', sig = 'init.xavier_uniform_(t [, {gain = 1}]) -> t',
   desc = [[
Glorot's uniform initialisation: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
t needs at least 2 dimensions.]],
   example = [[
local w = nn.init.xavier_uniform_(mg.empty(512, 784))
print(w:abs():max())                             -- at most sqrt(6 / 1296) = 0.068]]},

  {name = 'mg.nn.init.xavier_normal_', sig = 'init.xavier_normal_(t [, {gain = 1}]) -> t',
   desc = [[
Glorot's normal initialisation: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
t needs at least 2 dimensions.]],
   example = [[
local w = nn.init.xavier_normal_(mg.empty(256, 256), {gain = nn.init.calculate_gain('tanh')})
print(w:std())                                   -- about 5/3 * sqrt(2 / 512) = 0.104]]},

  {name = 'mg.nn.init.kaiming_uniform_',
   sig = "init.kaiming_uniform_(t [, {a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu'}]) -> t",
   desc = [[
He's uniform initialisation: U(-b, b) with b = gain * sqrt(3 / fan), gain =
calculate_gain(nonlinearity, a) (a: leaky_relu's negative slope) and fan = fan_in or
fan_out by mode. t needs at least 2 dimensions (an empty t is returned as it is).]],
   example = [[
local w = nn.init.kaiming_uniform_(mg.empty(512, 784), {nonlinearity = 'relu'})
print(w:abs():max())                             -- at most sqrt(6 / 784) = 0.0875]]},

  {name = 'mg.nn.init.kaiming_normal_',
   sig = "init.kaiming_normal_(t [, {a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu'}]) -> t",
   desc = [[
He's normal initialisation: N(0, std^2) with std = gain / sqrt(fan), gain and fan as in
kaiming_uniform_. The usual choice before ReLU layers: {nonlinearity = 'relu'}.]],
   example = [[
local w = nn.init.kaiming_normal_(mg.empty(256, 400), {mode = 'fan_out', nonlinearity = 'relu'})
print(w:std())                                   -- about sqrt(2 / 256) = 0.088]]},

  -- ---- nn.utils ----------------------------------------------------------------------

  {name = 'mg.nn.utils', sig = 'mg.nn.utils',
   desc = [[
Gradient clipping, as torch.nn.utils: clip_grad_norm_ and clip_grad_value_. Both change
the .grad of the given parameters in place (call them between backward() and the
optimizer's step()); parameters without a gradient are skipped.]],
   example = [[
local m = nn.Linear(3, 1)
m(mg.randn(4, 3)):sum():backward()
print(nn.utils.clip_grad_norm_(m:parameters(), 1.0))   -- the norm before clipping]]},

  {name = 'mg.nn.utils.clip_grad_norm_',
   sig = 'nn.utils.clip_grad_norm_(params, max_norm [, {norm_type = 2, error_if_nonfinite = false}]) -> number',
   desc = [[
Scales the gradients of params (a tensor or a list) by max_norm / (total + 1e-6) when that
is below 1, where total is the norm of all gradients together as one vector. Returns total
(before clipping) as a number; 0 when no parameter has a gradient. norm_type may be
math.huge (or 'inf') for the max |g|. error_if_nonfinite = true raises when total is NaN or
inf instead of scaling.]],
   example = [[
local w = mg.tensor({3, 4}, {requires_grad = true})
local loss = (w * w):sum(); loss:backward()          -- grad {6, 8}, norm 10
print(nn.utils.clip_grad_norm_({w}, 5), w.grad)      -- 10.0  3 4]]},

  {name = 'mg.nn.utils.clip_grad_value_', sig = 'nn.utils.clip_grad_value_(params, clip_value)',
   desc = [[
Clamps every gradient element of params (a tensor or a list) into [-clip_value, clip_value],
in place. clip_value must be a non-negative number. Returns nothing.]],
   example = [[
local w = mg.tensor({3, 4}, {requires_grad = true})
local loss = (w * w):sum(); loss:backward()          -- grad {6, 8}
nn.utils.clip_grad_value_({w}, 1)
print(w.grad)                                        -- 1 1]]},
}}
