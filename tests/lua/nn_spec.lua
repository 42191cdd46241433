-- nn.Module and the layers: defining modules, registration order and names, train/eval,
-- state_dict round trips (and failures that change nothing), conversion, printing, Linear,
-- Sequential, Flatten, and nn.init (bounds and statistics on large tensors, gains checked
-- against torch.nn.init.calculate_gain of PyTorch 1.13).
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local nn = mg.nn

local function D(v) return mg.tensor(v, {dtype = 'float64'}) end

local function names_of(m)
  local names = {}
  for name in m:named_parameters() do names[#names + 1] = name end
  return names
end

local function mnist_mlp()
  return nn.Sequential{nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                       nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10)}
end

-- A small network with a parameter of its own, a buffer, a nested Sequential and a leaf.
local Net = nn.Module:extend('Net')
function Net:init(n_in, hidden)
  self.temperature = nn.Parameter(mg.ones(1))
  self.features = nn.Sequential(nn.Linear(n_in, hidden), nn.Tanh())
  self:register_buffer('steps', mg.zeros(1))
  self.head = nn.Linear(hidden, 2, {bias = false})
  self.note = 'plain fields stay plain'
end
function Net:forward(x) return self.head(self.features(x)) / self.temperature end

describe('nn.Module', function()
  it('registers children and parameters in assignment order, own parameters first', function()
    local net = Net(3, 4)
    assert.are.same({'temperature', 'features.1.weight', 'features.1.bias', 'head.weight'}, names_of(net))
    local params = net:parameters()
    assert.are.equal(4, #params)
    assert.are.equal(net.features[1].weight, params[2])
    assert.are.equal(net.head.weight, params[4])
    assert.are.same({net.features, net.head}, net:children())
    assert.are.same({net, net.features, net.features[1], net.features[2], net.head}, net:modules())
    assert.are.equal('plain fields stay plain', net.note)
    assert.are.equal(1, #net:buffers())
  end)

  it('is called as a function, which calls forward', function()
    local net = Net(3, 4)
    local y = net(mg.randn(5, 3))
    assert.are.same({5, 2}, y.shape)
    local Empty = nn.Module:extend('Empty')
    h.assert_error_with(function() Empty()(mg.ones(1)) end, 'Empty', 'forward')
  end)

  it('lists a shared module or tensor once, under its first name', function()
    local shared = nn.Linear(2, 2)
    local seq = nn.Sequential(shared, nn.ReLU(), shared)
    assert.are.same({'1.weight', '1.bias'}, names_of(seq))
    assert.are.equal(6, seq:num_parameters())
    local Tied = nn.Module:extend('Tied')
    function Tied:init()
      self.a = nn.Linear(3, 3, {bias = false})
      self.b = nn.Linear(3, 3, {bias = false})
      self.b.weight = self.a.weight
    end
    assert.are.same({'a.weight'}, names_of(Tied()))
  end)

  it('re-assigning keeps the position; nil removes; a plain tensor cannot replace a parameter', function()
    local net = Net(3, 4)
    net.temperature = nn.Parameter(mg.full({1}, 2))
    assert.are.equal('temperature', names_of(net)[1])
    assert.are.equal(2, net.temperature:item())
    net.head = nil
    assert.is_nil(net.head)
    assert.are.same({'temperature', 'features.1.weight', 'features.1.bias'}, names_of(net))
    h.assert_error_with(function() net.temperature = mg.ones(1) end,
                        'Net', "parameter 'temperature'", 'nn.Parameter')
  end)

  it('register_parameter and nn.Parameter make leaves that require grad, sharing storage', function()
    local t = mg.zeros(2)
    local p = nn.Parameter(t)
    assert.is_true(p.requires_grad and p.is_leaf)
    assert.is_false(t.requires_grad)
    mg.no_grad(function() p:fill_(3) end)
    assert.are.same({3, 3}, t:totable())
    local m = nn.Module()
    m:register_parameter('w', mg.ones(3))
    assert.is_true(m.w.requires_grad)
    assert.are.same({'w'}, names_of(m))
    m:register_parameter('w', nil)
    assert.are.same({}, names_of(m))
  end)

  it('train() and eval() reach every descendant', function()
    local net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.ReLU()))
    assert.is_true(net.training and net[2][1].training)
    assert.are.equal(net, net:eval())
    for _, m in ipairs(net:modules()) do assert.is_false(m.training) end
    net:train()
    for _, m in ipairs(net:modules()) do assert.is_true(m.training) end
    net:train(false)
    assert.is_false(net[2][1].training)
  end)

  it('dropout inside a model is the identity after eval()', function()
    local net = nn.Sequential(nn.Dropout(0.5))
    local x = mg.ones(100, 100)
    assert.is_true(net(x):eq(0):sum():item() > 1000)
    net:eval()
    assert.are.same(x:totable(), net(x):totable())
  end)

  it('zero_grad() clears every gradient', function()
    local net = Net(3, 4)
    for _, p in ipairs(net:parameters()) do p.grad = mg.ones_like(p) end
    net:zero_grad()
    for _, p in ipairs(net:parameters()) do assert.is_nil(p.grad) end
  end)

  it('counts the parameters of the Keras MNIST MLP and prints it', function()
    local model = mnist_mlp()
    assert.are.equal(669706, model:num_parameters())
    assert.are.equal(table.concat({
      'Sequential {',
      '  (1): Linear(784 -> 512)  401,920 params',
      '  (2): ReLU',
      '  (3): Dropout(p=0.2)',
      '  (4): Linear(512 -> 512)  262,656 params',
      '  (5): ReLU',
      '  (6): Dropout(p=0.2)',
      '  (7): Linear(512 -> 10)     5,130 params',
      '}',
      'Total: 669,706 parameters'}, '\n'), tostring(model))
  end)

  it('prints nested modules indented, with a container\'s own parameters', function()
    assert.are.equal(table.concat({
      'Net {',
      '  (temperature): Parameter {1}         1 params',
      '  (features): Sequential {',
      '    (1): Linear(3 -> 4)               16 params',
      '    (2): Tanh',
      '  }',
      '  (head): Linear(4 -> 2, bias=false)   8 params',
      '}',
      'Total: 25 parameters'}, '\n'), tostring(Net(3, 4)))
    assert.are.equal('Linear(3 -> 4)  16 params', tostring(nn.Linear(3, 4)))
    assert.are.equal('LeakyReLU(negative_slope=0.2)', tostring(nn.LeakyReLU(0.2)))
    assert.are.equal('Flatten(start_dim=2, end_dim=-1)', tostring(nn.Flatten()))
    assert.are.equal("GELU(approximate='tanh')", tostring(nn.GELU{approximate = 'tanh'}))
    assert.are.equal('Softmax(dim=-1)', tostring(nn.Softmax()))
  end)

  it(':double() converts parameters and buffers in place, keeping leaves and ties', function()
    local net = Net(3, 4)
    net.tied = nn.Linear(3, 4, {bias = false})
    net.tied.weight = net.features[1].weight
    local before = net.features[1].weight:totable()
    assert.are.equal(net, net:double())
    for _, p in ipairs(net:parameters()) do
      assert.are.equal('float64', p.dtype)
      assert.is_true(p.requires_grad and p.is_leaf)
    end
    assert.are.equal('float64', net.steps.dtype)
    assert.are.equal(net.features[1].weight, net.tied.weight) -- still one tensor
    h.assert_close(net.features[1].weight, before)
    local y = net(mg.randn(2, 3, {dtype = 'float64'}))
    assert.are.equal('float64', y.dtype)
    net:float()
    assert.are.equal('float32', net.head.weight.dtype)
    h.assert_error_with(function() net:to('int64') end, 'to', 'float64', 'int64')
  end)
end)

describe('training', function()
  it('plain SGD through Linear, Tanh and cross_entropy learns XOR', function()
    mg.manual_seed(0)
    local model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    local x = mg.tensor{{0, 0}, {0, 1}, {1, 0}, {1, 1}}
    local y = mg.tensor({1, 2, 2, 1}, {dtype = 'int64'})
    local first, loss
    for _ = 1, 300 do
      model:zero_grad()
      loss = nn.functional.cross_entropy(model(x), y)
      loss:backward()
      first = first or loss:item()
      mg.no_grad(function()
        for _, p in ipairs(model:parameters()) do p:sub_(p.grad * 0.5) end
      end)
    end
    assert.is_true(loss:item() < 0.1 * first, ('loss %g -> %g'):format(first, loss:item()))
    local _, predicted = model(x):max(2)
    assert.are.same({1, 2, 2, 1}, predicted:totable())
  end)
end)

describe('state_dict and load_state_dict', function()
  it('lists parameters then buffers under dotted names, in order', function()
    local sd = Net(3, 4):state_dict()
    local names = {}
    for name, t in pairs(sd) do
      names[#names + 1] = name
      assert.is_true(mg.is_tensor(t))
    end
    assert.are.same({'temperature', 'features.1.weight', 'features.1.bias', 'head.weight', 'steps'}, names)
    assert.are.same({4, 3}, sd['features.1.weight'].shape)
  end)

  it('round-trips: a second model loads the first one\'s values and still learns', function()
    local a, b = Net(3, 4), Net(3, 4)
    mg.no_grad(function() a.steps:fill_(7) end)
    local result = b:load_state_dict(a:state_dict())
    assert.are.same({missing = {}, unexpected = {}}, result)
    for name, t in pairs(a:state_dict()) do assert.are.same(t:totable(), b:state_dict()[name]:totable(), name) end
    assert.are_not.equal(a.head.weight, b.head.weight) -- copied, not shared
    assert.is_true(b.head.weight.requires_grad and b.head.weight.is_leaf)
    local x = mg.randn(2, 3)
    assert.are.same(a(x):totable(), b(x):totable())
  end)

  it('fails before copying anything: the model is left unchanged', function()
    local a, b = Net(3, 4), Net(3, 4)
    local before = {}
    for name, t in pairs(b:state_dict()) do before[name] = t:totable() end
    local function unchanged()
      for name, t in pairs(b:state_dict()) do assert.are.same(before[name], t:totable(), name) end
    end
    local sd = a:state_dict()
    sd['head.weight'] = mg.zeros(3, 4) -- wrong shape, after good entries
    h.assert_error_with(function() b:load_state_dict(sd) end, 'load_state_dict', 'head.weight', '{2,4}', '{3,4}')
    unchanged()
    sd = a:state_dict()
    sd['head.weight'] = mg.zeros(2, 4, {dtype = 'float64'})
    h.assert_error_with(function() b:load_state_dict(sd) end, 'load_state_dict', 'head.weight', 'float32', 'float64')
    unchanged()
    sd = a:state_dict()
    sd['steps'] = nil
    h.assert_error_with(function() b:load_state_dict(sd) end, 'load_state_dict', "missing 'steps'")
    unchanged()
    sd = a:state_dict()
    sd['head.bias'] = mg.zeros(2)
    h.assert_error_with(function() b:load_state_dict(sd) end, 'load_state_dict', "unexpected 'head.bias'")
    unchanged()
    h.assert_error_with(function() b:load_state_dict('weights.bin') end, 'load_state_dict', 'string')
  end)

  it('with {strict = false} skips missing and unexpected names and reports them', function()
    local a, b = Net(3, 4), Net(3, 4)
    local sd = a:state_dict()
    sd['steps'], sd['extra.weight'] = nil, mg.zeros(1)
    local result = b:load_state_dict(sd, {strict = false})
    assert.are.same({missing = {'steps'}, unexpected = {'extra.weight'}}, result)
    assert.are.same(a.head.weight:totable(), b.head.weight:totable())
    sd['head.weight'] = mg.zeros(5)
    h.assert_error_with(function() b:load_state_dict(sd, {strict = false}) end, 'head.weight', '{5}')
  end)
end)

describe('Linear', function()
  it('has a weight {out, in} and a bias {out}, both U(-1/sqrt(in), 1/sqrt(in))', function()
    mg.manual_seed(1)
    local layer = nn.Linear(400, 300)
    assert.are.same({300, 400}, layer.weight.shape)
    assert.are.same({300}, layer.bias.shape)
    local bound = 1 / math.sqrt(400)
    for _, t in ipairs{layer.weight, layer.bias} do
      assert.is_true(t:min():item() >= -bound and t:max():item() <= bound)
    end
    -- U(-b, b) has standard deviation b / sqrt(3)
    assert.is_true(math.abs(layer.weight:std():item() / (bound / math.sqrt(3)) - 1) < 0.01)
    assert.is_true(math.abs(layer.weight:mean():item()) < 0.001)
    assert.is_true(layer.bias:max():item() > 0.9 * bound and layer.bias:min():item() < -0.9 * bound)
    assert.is_nil(nn.Linear(3, 2, {bias = false}).bias)
    assert.are.equal('float64', nn.Linear(3, 2, {dtype = 'float64'}).weight.dtype)
  end)

  it('computes x W^T + b (PyTorch 1.13 values) for 1-, 2- and 3-D inputs', function()
    local layer = nn.Linear(3, 4):double()
    layer:load_state_dict{weight = D{{0.1, 0.2, 0.3}, {-0.4, 0.5, -0.6}, {0.7, -0.8, 0.9}, {0.05, 0.0, -0.15}},
                          bias = D{0.01, -0.02, 0.03, 0.5}}
    local x = D{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}}
    local y = {{0.45999999999999996, -1.92, 2.98, 0.22500000000000003},
               {-0.01499999999999998, -0.04500000000000011, 0.20499999999999985, 0.6875}}
    h.assert_close(layer(x), y, 1e-12)
    h.assert_close(layer(x[1]), y[1], 1e-12)
    h.assert_close(layer(mg.stack({x, x}, 1)), {y, y}, 1e-12)
  end)

  it('passes gradcheck for input, weight and bias', function()
    local layer = nn.Linear(3, 4):double()
    local x = mg.randn(2, 3, {dtype = 'float64', requires_grad = true})
    assert.is_true(mg.gradcheck(function(v) return layer(v) end, {x, layer.weight, layer.bias}))
    local x3 = mg.randn(2, 2, 3, {dtype = 'float64', requires_grad = true})
    assert.is_true(mg.gradcheck(function(v) return layer(v) end, {x3, layer.weight, layer.bias}))
    local nobias = nn.Linear(3, 2, {bias = false}):double()
    assert.is_true(mg.gradcheck(function(v) return nobias(v) end, {x, nobias.weight}))
  end)

  it('rejects bad sizes and inputs of the wrong width', function()
    h.assert_error_with(function() nn.Linear(3.5, 2) end, 'Linear', 'in_features', '3.5')
    h.assert_error_with(function() nn.Linear(3, -1) end, 'Linear', 'out_features', '-1')
    h.assert_error_with(function() nn.Linear(3, 2)(mg.zeros(4, 5)) end, 'linear', '3 features', '{4,5}')
  end)
end)

describe('Sequential', function()
  it('takes a list or varargs, grows with add, and indexes from either end', function()
    local a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    for _, seq in ipairs{nn.Sequential{a, b, c}, nn.Sequential(a, b, c), nn.Sequential():add(a):add(b):add(c)} do
      assert.are.equal(3, #seq)
      assert.are.equal(a, seq[1])
      assert.are.equal(c, seq:get(3))
      assert.are.equal(c, seq[-1])
      assert.are.equal(b, seq:get(-2))
      assert.is_nil(seq[4])
      assert.are.same({a, b, c}, seq:children())
    end
  end)

  it('feeds each module\'s output to the next', function()
    local seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    local x = mg.randn(4, 2)
    assert.are.same(seq[3](seq[2](seq[1](x))):totable(), seq(x):totable())
  end)

  it('passes gradcheck through a small MLP', function()
    local seq = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.LogSoftmax()):double()
    local x = mg.randn(2, 3, {dtype = 'float64', requires_grad = true})
    local inputs = {x}
    for _, p in ipairs(seq:parameters()) do inputs[#inputs + 1] = p end
    assert.is_true(mg.gradcheck(function(v) return seq(v) end, inputs))
  end)

  it('rejects what is not a Module', function()
    h.assert_error_with(function() nn.Sequential{nn.ReLU(), 'relu'} end, 'Sequential', 'element 2', 'string')
    h.assert_error_with(function() nn.Sequential():add(function() end) end, 'Sequential', 'Module', 'function')
  end)
end)

describe('Flatten', function()
  it('keeps the batch dimension by default and takes other ranges', function()
    local x = mg.randn(2, 3, 4, 5)
    assert.are.same({2, 60}, nn.Flatten()(x).shape)
    assert.are.same({6, 4, 5}, nn.Flatten(1, 2)(x).shape)
    assert.are.same({2, 3, 20}, nn.Flatten(3)(x).shape)
    assert.are.same({120}, nn.Flatten(1, -1)(x).shape)
  end)

  it('passes gradcheck', function()
    local x = mg.randn(2, 3, 2, {dtype = 'float64', requires_grad = true})
    local flatten = nn.Flatten()
    assert.is_true(mg.gradcheck(function(v) return flatten(v) * 2 end, {x}))
  end)
end)

describe('nn.init', function()
  local init = nn.init
  local function stats(t) return t:mean():item(), t:std():item(), t:min():item(), t:max():item() end

  it('uniform_ and normal_ fill in place with the right bounds and moments', function()
    local t = mg.empty(1000, 1000)
    assert.are.equal(t, init.uniform_(t, -2, 4))
    local mean, std, lo, hi = stats(t)
    assert.is_true(lo >= -2 and hi <= 4 and lo < -1.99 and hi > 3.99)
    assert.is_true(math.abs(mean - 1) < 0.01 and math.abs(std - 6 / math.sqrt(12)) < 0.01)
    mean, std = stats(init.uniform_(t))
    assert.is_true(math.abs(mean - 0.5) < 0.01)
    mean, std = stats(init.normal_(t, 3, 0.5))
    assert.is_true(math.abs(mean - 3) < 0.01 and math.abs(std - 0.5) < 0.005)
  end)

  it('constant_, zeros_ and ones_ write into parameters that require grad', function()
    local p = mg.empty(2, 3, {requires_grad = true})
    assert.are.equal(p, init.constant_(p, 1.5))
    assert.are.same({{1.5, 1.5, 1.5}, {1.5, 1.5, 1.5}}, p:totable())
    assert.are.same({0, 0}, init.zeros_(mg.empty(2)):totable())
    assert.are.same({1, 1}, init.ones_(mg.empty(2, {dtype = 'float64'})):totable())
    assert.is_true(p.requires_grad and p.is_leaf)
  end)

  it('calculate_gain matches torch.nn.init.calculate_gain', function()
    local torch = {linear = 1, sigmoid = 1, conv2d = 1, conv_transpose3d = 1, tanh = 1.6666666666666667,
                   relu = 1.4142135623730951, leaky_relu = 1.4141428569978354, selu = 0.75}
    for name, gain in pairs(torch) do h.assert_close(init.calculate_gain(name), gain, 1e-15) end
    h.assert_close(init.calculate_gain('leaky_relu', 0.2), 1.3867504905630728, 1e-15)
    h.assert_close(init.calculate_gain('leaky_relu', math.sqrt(5)), 0.5773502691896257, 1e-15)
    h.assert_error_with(function() init.calculate_gain('swish') end, 'calculate_gain', 'swish')
  end)

  it('computes fans over receptive fields as PyTorch', function()
    local fan_in, fan_out = init.calculate_fan_in_and_fan_out(mg.empty(30, 20, 3, 3))
    assert.are.same({180, 270}, {fan_in, fan_out}) -- torch: (180, 270)
  end)

  it('xavier_uniform_ and xavier_normal_ follow Glorot', function()
    local t = mg.empty(600, 400)
    local bound = 2 * math.sqrt(6 / 1000)
    local mean, std, lo, hi = stats(init.xavier_uniform_(t, {gain = 2}))
    assert.is_true(lo >= -bound and hi <= bound and hi > 0.99 * bound)
    assert.is_true(math.abs(std / (bound / math.sqrt(3)) - 1) < 0.01 and math.abs(mean) < 0.002)
    mean, std = stats(init.xavier_normal_(t))
    assert.is_true(math.abs(std / math.sqrt(2 / 1000) - 1) < 0.01 and math.abs(mean) < 0.001)
  end)

  it('kaiming_uniform_ and kaiming_normal_ follow He, with mode and nonlinearity', function()
    local t = mg.empty(500, 800)
    local bound = math.sqrt(2) * math.sqrt(3 / 800)
    local _, std, lo, hi = stats(init.kaiming_uniform_(t, {nonlinearity = 'relu'}))
    assert.is_true(lo >= -bound and hi <= bound and hi > 0.99 * bound)
    assert.is_true(math.abs(std / (bound / math.sqrt(3)) - 1) < 0.01)
    _, std, lo, hi = stats(init.kaiming_uniform_(t, {a = math.sqrt(5)})) -- Linear's: 1/sqrt(fan_in)
    assert.is_true(lo >= -1 / math.sqrt(800) and hi <= 1 / math.sqrt(800))
    _, std = stats(init.kaiming_normal_(t, {mode = 'fan_out', nonlinearity = 'relu'}))
    assert.is_true(math.abs(std / (math.sqrt(2) / math.sqrt(500)) - 1) < 0.01)
    _, std = stats(init.kaiming_normal_(t)) -- leaky_relu with a = 0: gain sqrt(2), fan_in
    assert.is_true(math.abs(std / (math.sqrt(2) / math.sqrt(800)) - 1) < 0.01)
  end)

  it('is reproducible under mg.manual_seed', function()
    mg.manual_seed(42)
    local a = init.kaiming_normal_(mg.empty(5, 4)):totable()
    local l1 = nn.Linear(4, 3).weight:totable()
    mg.manual_seed(42)
    assert.are.same(a, init.kaiming_normal_(mg.empty(5, 4)):totable())
    assert.are.same(l1, nn.Linear(4, 3).weight:totable())
  end)

  it('rejects what it cannot fill', function()
    h.assert_error_with(function() init.xavier_uniform_(mg.empty(5)) end, 'xavier_uniform_', '2 dimensions', '{5}')
    h.assert_error_with(function() init.kaiming_normal_(mg.empty(5, 5), {mode = 'fan_avg'}) end,
                        'kaiming_normal_', 'fan_avg')
    h.assert_error_with(function() init.uniform_(mg.zeros(3, {dtype = 'int64'})) end, 'uniform_', 'float', 'int64')
    h.assert_error_with(function() init.constant_(mg.zeros(3), 'one') end, 'constant_', 'number', 'string')
  end)
end)

describe('nn.utils', function()
  it('loads moongrad.nn_utils on first use', function()
    if not package.searchpath('moongrad.nn_utils', package.path) then
      pending('lua/moongrad/nn_utils.lua is not there yet')
      return
    end
    assert.are.equal(require 'moongrad.nn_utils', nn.utils)
  end)
end)
