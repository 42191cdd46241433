-- Documentation of moongrad's optim area, shown by help(); format in moongrad/help.lua.
return {title = 'Optimizers and LR schedulers (mg.optim)', entries = {

  {name = 'mg.optim', sig = 'mg.optim',
   desc = [[
Optimizers, as torch.optim: SGD, Adam, AdamW, RMSprop, Adagrad, each made with
(params, {options}) and used as opt:zero_grad(); loss:backward(); opt:step(). Every update
follows PyTorch 1.13's formulas, one fused C pass per parameter. params is a list of
tensors (model:parameters()) or a list of parameter groups {params = {...}, lr = ...}, each
group with its own options. Learning-rate schedulers are in mg.optim.lr_scheduler.]],
   example = [[
local model = nn.Linear(3, 1)
local opt = mg.optim.Adam(model:parameters(), {lr = 1e-2})
local x, y = mg.randn(8, 3), mg.randn(8, 1)
for _ = 1, 5 do
  opt:zero_grad(); local loss = F.mse_loss(model(x), y); loss:backward(); opt:step()
end]]},

  -- ---- Optimizer ---------------------------------------------------------------------

  {name = 'mg.optim.Optimizer', sig = 'opt = mg.optim.SGD(params, {lr = ...})   -- or Adam, AdamW, ...',
   desc = [[
The class of every optimizer (mg.optim.SGD and the others make instances of it). Fields:
opt.param_groups, a list of groups {params = {tensors}, lr = ..., <options>}, whose
options you may change between steps (opt.param_groups[1].lr = 1e-4; they are checked at
each step); opt.defaults, the options a new group starts from; opt.state, per parameter
its step count and state tensors. Parameters must be float32/float64 leaf tensors, each in
one group only. Printing shows the groups and their options.]],
   example = [[
local w = mg.zeros(2, {requires_grad = true})
local opt = mg.optim.SGD({w}, {lr = 0.1, momentum = 0.9})
opt.param_groups[1].lr = 0.01
print(opt, getmetatable(opt) == mg.optim.Optimizer)]]},

  {name = 'mg.optim.Optimizer:step', sig = 'opt:step([closure]) -> loss or nil',
   desc = [[
Updates every parameter that has a .grad (others are skipped) with its group's options,
creating its state on first use. closure, when given, is called first with grad mode on
(it should zero the gradients, compute the loss, call backward and return the loss); its
result is returned. Errors when a group's options were set to bad values.]],
   example = [[
local w = mg.tensor({1, 2}, {requires_grad = true})
local opt = mg.optim.SGD({w}, {lr = 0.1})
local loss = (w * w):sum(); loss:backward(); opt:step()
print(w)                                         -- 0.8 1.6 (w - 0.1 * 2w)]]},

  {name = 'mg.optim.Optimizer:zero_grad', sig = 'opt:zero_grad([{set_to_none = true}])',
   desc = [[
Forgets the gradient of every parameter of the optimizer (.grad = nil), so that the next
backward() starts afresh; with {set_to_none = false}, fills existing gradients with zeros
instead.]],
   example = [[
local w = mg.tensor({1, 2}, {requires_grad = true})
local opt = mg.optim.SGD({w}, {lr = 0.1})
local loss = (w * w):sum(); loss:backward()
opt:zero_grad()
print(w.grad)                                    -- nil]]},

  {name = 'mg.optim.Optimizer:add_param_group', sig = 'opt:add_param_group{params = {...}, <options>}',
   desc = [[
Adds a parameter group (e.g. layers unfrozen later); options it does not give come from
the optimizer's defaults. Error when a parameter is already in a group, is not a float
leaf tensor, or an option is unknown or invalid.]],
   example = [[
local body, head = nn.Linear(4, 4), nn.Linear(4, 2)
local opt = mg.optim.SGD(body:parameters(), {lr = 0.1, momentum = 0.9})
opt:add_param_group{params = head:parameters(), lr = 0.01}
print(#opt.param_groups, opt.param_groups[2].lr, opt.param_groups[2].momentum)   -- 2  0.01  0.9]]},

  {name = 'mg.optim.Optimizer:state_dict', sig = 'opt:state_dict() -> {state = ..., param_groups = ...}',
   desc = [[
The optimizer's options and state, as PyTorch's: param_groups is a list of the groups'
options with params = {1, 2, ...} (parameters numbered through the groups in order) and
state[i] the state of parameter i (step, copies of its state tensors). Save it with the
model's state_dict to resume training.]],
   example = [[
local w = mg.tensor({3}, {requires_grad = true})
local opt = mg.optim.Adam({w}, {lr = 0.1})
local loss = (w * w):sum(); loss:backward(); opt:step()
local sd = opt:state_dict()
print(sd.state[1].step, sd.state[1].exp_avg, sd.param_groups[1].lr)   -- 1  0.6  0.1]]},

  {name = 'mg.optim.Optimizer:load_state_dict', sig = 'opt:load_state_dict(sd)',
   desc = [[
Takes the options and state of sd (from state_dict() of an optimizer of the same kind over
parameters of the same shapes, in the same groups). Everything is checked first: on any
error the optimizer is left as it was. State tensors are copied (to the parameter's dtype).]],
   example = [[
local w = mg.tensor({3}, {requires_grad = true})
local a = mg.optim.Adam({w}, {lr = 0.1})
local loss = (w * w):sum(); loss:backward(); a:step()
local b = mg.optim.Adam({w}); b:load_state_dict(a:state_dict())
print(b.param_groups[1].lr, b.state[w].step)     -- 0.1  1]]},

  -- ---- the optimizers ----------------------------------------------------------------

  {name = 'mg.optim.SGD',
   sig = 'mg.optim.SGD(params, {lr, momentum = 0, dampening = 0, weight_decay = 0, nesterov = false})',
   desc = [[
Stochastic gradient descent; lr is required. With g = grad + weight_decay * p: without
momentum p = p - lr * g; with momentum b = momentum * b + (1 - dampening) * g (b = g at the
first step), then p = p - lr * b, or p = p - lr * (g + momentum * b) with nesterov (which
needs momentum > 0 and dampening 0). Returns an Optimizer.]],
   example = [[
local w = mg.tensor({1}, {requires_grad = true})
local opt = mg.optim.SGD({w}, {lr = 0.1, momentum = 0.9})
for _ = 1, 2 do opt:zero_grad(); local loss = (w * w):sum(); loss:backward(); opt:step() end
print(w)                                         -- 0.46 (0.8, then 0.8 - 0.1 * 3.4)]]},

  {name = 'mg.optim.Adam',
   sig = 'mg.optim.Adam(params [, {lr = 1e-3, betas = {0.9, 0.999}, eps = 1e-8, weight_decay = 0, amsgrad = false}])',
   desc = [[
Adam: running averages m and v of the gradient and its square (betas), bias-corrected;
p = p - lr * m_hat / (sqrt(v_hat) + eps). weight_decay adds weight_decay * p to the
gradient (L2; see AdamW for decoupled decay). amsgrad uses the maximum of v so far.
Returns an Optimizer.]],
   example = [[
local w = mg.tensor({3}, {requires_grad = true})
local opt = mg.optim.Adam({w}, {lr = 0.1})
local loss = (w * w):sum(); loss:backward(); opt:step()
print(w)                                         -- 2.9: the first step moves by about lr]]},

  {name = 'mg.optim.SparseAdam',
   sig = 'mg.optim.SparseAdam(params [, {lr = 1e-3, betas = {0.9, 0.999}, eps = 1e-8}])',
   desc = [[
Adam for embedding tables, as PyTorch's SparseAdam: each step moves only some rows (along
dimension 1; the elements of a 1-D parameter), and only their running averages change; the
bias correction follows the step count. With a sparse gradient (nn.Embedding{sparse =
true}) those are the rows looked up, as in PyTorch, and a step costs the batch, not the
table. With a dense gradient they are the rows whose gradient is not all zero (the update
reads the gradient once to find them), so a row looked up whose gradient is exactly zero
stays. Returns an Optimizer.]],
   example = [[
local emb = mg.nn.Embedding(1000, 8)
local opt = mg.optim.SparseAdam(emb:parameters(), {lr = 0.01})
emb(mg.tensor({3, 7}, {dtype = 'int64'})):sum():backward()
opt:step()                                       -- rows 3 and 7 move; 998 rows untouched
print(opt.state[emb.weight].exp_avg[1]:abs():sum():item())   -- 0]]},

  {name = 'mg.optim.AdamW',
   sig = 'mg.optim.AdamW(params [, {lr = 1e-3, betas = {0.9, 0.999}, eps = 1e-8, weight_decay = 1e-2, amsgrad = false}])',
   desc = [[
Adam with decoupled weight decay (Loshchilov and Hutter): each step first shrinks
p = p * (1 - lr * weight_decay), then takes Adam's step without decay in the gradient.
Note the default weight_decay of 0.01. Returns an Optimizer.]],
   example = [[
local w = mg.tensor({3}, {requires_grad = true})
local opt = mg.optim.AdamW({w}, {lr = 0.1, weight_decay = 0.1})
local loss = (w * w):sum(); loss:backward(); opt:step()
print(w)                                         -- 2.87 = 3 * (1 - 0.01) - 0.1]]},

  {name = 'mg.optim.RMSprop',
   sig = 'mg.optim.RMSprop(params [, {lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0, centered = false}])',
   desc = [[
RMSprop: s = alpha * s + (1 - alpha) * g^2 (g with weight_decay * p added) and
p = p - lr * g / (sqrt(s) + eps). centered subtracts the square of the running mean of g
under the root; momentum > 0 accumulates the steps in a buffer. Returns an Optimizer.]],
   example = [[
local w = mg.tensor({3}, {requires_grad = true})
local opt = mg.optim.RMSprop({w}, {lr = 0.01})
local loss = (w * w):sum(); loss:backward(); opt:step()
print(w)                                         -- 2.9: 3 - 0.01 * 6 / sqrt(0.01 * 36)]]},

  {name = 'mg.optim.Adagrad',
   sig = 'mg.optim.Adagrad(params [, {lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0, eps = 1e-10}])',
   desc = [[
Adagrad: sum = sum + g^2 (g with weight_decay * p added), then
p = p - clr * g / (sqrt(sum) + eps) with clr = lr / (1 + (step - 1) * lr_decay). The sums
start at initial_accumulator_value when the optimizer is made. Returns an Optimizer.]],
   example = [[
local w = mg.tensor({3}, {requires_grad = true})
local opt = mg.optim.Adagrad({w}, {lr = 0.5})
local loss = (w * w):sum(); loss:backward(); opt:step()
print(w)                                         -- 2.5: the first step moves by lr]]},

  -- ---- schedulers --------------------------------------------------------------------

  {name = 'mg.optim.lr_scheduler', sig = 'mg.optim.lr_scheduler',
   desc = [[
Learning-rate schedulers, as torch.optim.lr_scheduler: StepLR, ExponentialLR,
CosineAnnealingLR, LinearLR. Each is made with (optimizer, {options}) and sets every
group's lr from the lr it started with (saved in the group as initial_lr) and the epoch
count, by PyTorch's closed form. Making one counts epoch 0 and sets its lrs; call
sched:step() once per epoch, after the optimizer's steps. See LRScheduler for the methods.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local sched = mg.optim.lr_scheduler.StepLR(opt, {step_size = 2, gamma = 0.5})
for epoch = 0, 4 do print(epoch, opt.param_groups[1].lr); sched:step() end   -- lr 1 1 0.5 0.5 0.25]]},

  {name = 'mg.optim.lr_scheduler.LRScheduler', sig = 'sched = mg.optim.lr_scheduler.StepLR(opt, {...})   -- or another',
   desc = [[
The class of every scheduler (PyTorch's name): StepLR and the others make instances of it.
Fields: sched.optimizer, sched.last_epoch (the epoch whose lrs are set, 0 after making
it), sched.base_lrs (each group's initial lr) and the options. Methods: step, get_last_lr,
state_dict, load_state_dict. Printing shows the epoch and the lrs.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local sched = mg.optim.lr_scheduler.ExponentialLR(opt, {gamma = 0.5})
sched:step()
print(sched)                                     -- ExponentialLR (last_epoch 1, lr {0.5})]]},

  {name = 'mg.optim.lr_scheduler.LRScheduler:step', sig = 'sched:step()',
   desc = [[
Moves to the next epoch (last_epoch + 1) and sets each group's lr for it. Error when
groups were added to the optimizer after the scheduler was made.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local sched = mg.optim.lr_scheduler.ExponentialLR(opt, {gamma = 0.1})
sched:step()
print(opt.param_groups[1].lr, sched.last_epoch)   -- 0.1  1]]},

  {name = 'mg.optim.lr_scheduler.LRScheduler:get_last_lr', sig = 'sched:get_last_lr() -> {lr, ...}',
   desc = [[
A list of the lr of each parameter group set by the last step (a copy).]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 0.1})
local sched = mg.optim.lr_scheduler.StepLR(opt, {step_size = 1})
sched:step()
print(sched:get_last_lr()[1])                    -- 0.01]]},

  {name = 'mg.optim.lr_scheduler.LRScheduler:state_dict', sig = 'sched:state_dict() -> table',
   desc = [[
The scheduler's state, to save with the model's and the optimizer's: last_epoch,
_step_count, base_lrs, _last_lr and the scheduler's options (plain Lua values).]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local sd = mg.optim.lr_scheduler.StepLR(opt, {step_size = 3}):state_dict()
print(sd.last_epoch, sd.step_size, sd.gamma, sd.base_lrs[1])   -- 0  3  0.1  1]]},

  {name = 'mg.optim.lr_scheduler.LRScheduler:load_state_dict', sig = 'sched:load_state_dict(sd)',
   desc = [[
Restores what state_dict() saved, after checking every entry (unknown entries, bad options,
lists of the wrong length are errors and change nothing). As in PyTorch, the groups' lrs
come back with the optimizer's own load_state_dict, not with this.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local a = mg.optim.lr_scheduler.StepLR(opt, {step_size = 1}); a:step(); a:step()
local b = mg.optim.lr_scheduler.StepLR(opt, {step_size = 1})
b:load_state_dict(a:state_dict())
print(b.last_epoch)                              -- 2]]},

  {name = 'mg.optim.lr_scheduler.StepLR', sig = 'mg.optim.lr_scheduler.StepLR(opt, {step_size, gamma = 0.1, last_epoch = -1})',
   desc = [[
lr = initial_lr * gamma ^ (epoch // step_size): multiplies the lr by gamma every step_size
epochs. step_size (a positive integer) is required. last_epoch >= 0 resumes a schedule
(the groups then need initial_lr). Returns an LRScheduler.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local sched = mg.optim.lr_scheduler.StepLR(opt, {step_size = 2})
local lrs = {}
for epoch = 0, 4 do lrs[#lrs + 1] = ('%g'):format(opt.param_groups[1].lr); sched:step() end
print(table.concat(lrs, ' '))                    -- 1 1 0.1 0.1 0.01]]},

  {name = 'mg.optim.lr_scheduler.ExponentialLR', sig = 'mg.optim.lr_scheduler.ExponentialLR(opt, {gamma, last_epoch = -1})',
   desc = [[
lr = initial_lr * gamma ^ epoch: multiplies the lr by gamma every epoch. gamma is required.
Returns an LRScheduler.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local sched = mg.optim.lr_scheduler.ExponentialLR(opt, {gamma = 0.5})
sched:step(); sched:step()
print(opt.param_groups[1].lr)                    -- 0.25]]},

  {name = 'mg.optim.lr_scheduler.CosineAnnealingLR',
   sig = 'mg.optim.lr_scheduler.CosineAnnealingLR(opt, {T_max, eta_min = 0, last_epoch = -1})',
   desc = [[
lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2: from the initial
lr down to eta_min at epoch T_max (required, > 0) along half a cosine; past T_max it rises
again (the closed form is periodic, as PyTorch's). Returns an LRScheduler.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 1})
local sched = mg.optim.lr_scheduler.CosineAnnealingLR(opt, {T_max = 4})
local lrs = {}
for epoch = 0, 4 do lrs[#lrs + 1] = ('%.3f'):format(opt.param_groups[1].lr); sched:step() end
print(table.concat(lrs, ' '))                    -- 1.000 0.854 0.500 0.146 0.000]]},

  {name = 'mg.optim.lr_scheduler.LinearLR',
   sig = 'mg.optim.lr_scheduler.LinearLR(opt, {start_factor = 1/3, end_factor = 1, total_iters = 5, last_epoch = -1})',
   desc = [[
Scales the initial lr by a factor going linearly from start_factor to end_factor over
total_iters epochs, then constant: a warm-up. The factors are in [0, 1], total_iters a
positive integer. Returns an LRScheduler.]],
   example = [[
local opt = mg.optim.SGD({mg.zeros(1, {requires_grad = true})}, {lr = 0.1})
local sched = mg.optim.lr_scheduler.LinearLR(opt, {start_factor = 0.1, total_iters = 3})
local lrs = {}
for epoch = 0, 4 do lrs[#lrs + 1] = ('%g'):format(opt.param_groups[1].lr); sched:step() end
print(table.concat(lrs, ' '))                    -- 0.01 0.04 0.07 0.1 0.1]]},
}}
