-- Misuse: every bad call raises a Lua error (never a crash) whose message names the function
-- with what it expected and what it got, and leaves its arguments unchanged.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

-- ---- helpers ----------------------------------------------------------------------------

-- A fresh float32 {2,3} tensor {{0,1,2},{3,4,5}} and its values.
local function sample()
  return mg.tensor{{0, 1, 2}, {3, 4, 5}}
end
local SAMPLE = {{0, 1, 2}, {3, 4, 5}}

-- ---- wrong argument types -------------------------------------------------------------------

describe('wrong argument types', function()
  it('elementwise ops want tensors or numbers', function()
    local t = sample()
    h.assert_error_with(function() return mg.add('x', 1) end,
                        "bad argument #1 to 'add' (tensor or number expected, got string)")
    h.assert_error_with(function() return t + 'x' end, 'add', 'tensor or number expected', 'string')
    h.assert_error_with(function() return t * {} end, 'mul', 'tensor or number expected', 'table')
    h.assert_error_with(function() return t:maximum('x') end, 'maximum', 'tensor or number', 'string')
    h.assert_error_with(function() return t:eq('x') end, 'eq', 'tensor or number', 'string')
    h.assert_error_with(function() return t:add() end, 'add', 'tensor or number expected', 'no value')
    h.assert_error_with(function() return mg.exp('x') end, 'exp', 'tensor expected', 'string')
    h.assert_error_with(function() return mg.clamp(t, 'a') end, 'clamp', 'number expected', 'string')
    h.assert_error_with(function() return mg.where(true, 1, 2) end, 'where', 'tensor expected', 'boolean')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('products want tensors', function()
    local t = sample()
    h.assert_error_with(function() return t:matmul(3) end, 'matmul', 'tensor expected', 'number')
    h.assert_error_with(function() return mg.matmul(t) end, 'matmul', 'tensor expected', 'no value')
    h.assert_error_with(function() return mg.mm('a', t) end, 'mm', 'tensor expected', 'string')
    h.assert_error_with(function() return mg.addmm(t, t:t(), 'b') end, 'addmm', 'tensor expected', 'string')
    h.assert_error_with(function() return mg.addmm(mg.zeros(2, 2), t, t:t(), {beta = 'x'}) end,
                        'addmm', 'beta', 'number', 'string')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('constructors check their arguments', function()
    h.assert_error_with(function() return mg.tensor('abc') end,
                        "bad argument #1 to 'tensor' (table, number or boolean expected, got string)")
    h.assert_error_with(function() return mg.tensor{1, 'a'} end, 'tensor', 'numbers or booleans', 'string')
    h.assert_error_with(function() return mg.zeros('a') end, 'zeros', 'expected', 'string')
    h.assert_error_with(function() return mg.zeros(2.5) end, 'zeros', 'non-negative integer', '2.5')
    h.assert_error_with(function() return mg.zeros(2, 'x') end, 'zeros', 'table expected', 'string')
    h.assert_error_with(function() return mg.full(3, 1) end, 'full', 'table expected', 'number')
    h.assert_error_with(function() return mg.full({2}, 'x') end, 'full', 'number expected', 'string')
    h.assert_error_with(function() return mg.arange('a') end, 'arange', 'number expected', 'string')
    h.assert_error_with(function() return mg.linspace(0, 1, 2.5) end, 'linspace', 'integer')
    h.assert_error_with(function() return mg.randint(1, 2, 3) end, 'randint', 'table expected', 'number')
    h.assert_error_with(function() return mg.manual_seed('x') end, 'manual_seed', 'number expected', 'string')
    h.assert_error_with(function() return mg.set_num_threads(0) end, 'set_num_threads', '0')
    h.assert_error_with(function() return mg.zeros_like({}) end, 'zeros_like', 'tensor expected', 'table')
  end)

  it('methods check their arguments', function()
    local t = sample()
    h.assert_error_with(function() return t:view('a') end, 'view', 'integers')
    h.assert_error_with(function() return t:narrow('a', 1, 1) end, 'narrow', 'number expected', 'string')
    h.assert_error_with(function() return t:select(1, 'x') end, 'select', 'number expected', 'string')
    h.assert_error_with(function() return t:transpose(1) end, 'transpose', 'number expected', 'no value')
    h.assert_error_with(function() return t:fill_('x') end, 'fill_', 'number expected', 'string')
    h.assert_error_with(function() return t:copy_(5) end, 'copy_', 'tensor expected', 'number')
    h.assert_error_with(function() return t:to() end, 'to', 'string expected', 'no value')
    h.assert_error_with(function() return mg.numel('x') end, 'numel', 'tensor expected', 'string')
    h.assert_error_with(function() return mg.cat(t) end, 'cat', 'table expected')
    h.assert_error_with(function() return mg.cat({t, 5}) end, 'cat', 'element 2 is not a tensor')
    h.assert_error_with(function() return mg.cat({}) end, 'cat', 'non-empty')
    h.assert_error_with(function() return mg.stack({}) end, 'stack', 'non-empty')
    h.assert_error_with(function() return t:chunk(0) end, 'chunk', 'positive integer', '0')
    h.assert_error_with(function() return t:split(0) end, 'split', 'positive integer', '0')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('indexing checks its keys and values', function()
    local t = sample()
    h.assert_error_with(function() return t[{'a'}] end, 'index', 'number or a table', 'string')
    h.assert_error_with(function() t[1] = 'x' end, 'expected a tensor or a number', 'string')
    h.assert_error_with(function() t.foo = 1 end, 'cannot be set', 'foo')
    h.assert_error_with(function() return mg.tensor(1)[1] end, '0-d', 'item()')
    h.assert_error_with(function() return #mg.tensor(1) end, '0-d')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('a fractional index is an error that shows it', function()
    local t = sample()
    h.assert_error_with(function() return t[1.5] end, '1.5')
  end)
end)

-- ---- shape mismatches -----------------------------------------------------------------------

describe('shape mismatches', function()
  it('broadcasting', function()
    local t = sample()
    h.assert_error_with(function() return t + mg.zeros(4) end,
                        'add: shapes {2,3} and {4} cannot be broadcast (dimension 2: 3 vs 4)')
    h.assert_error_with(function() return t:lt(mg.zeros(3, 3)) end, 'lt', '{2,3}', '{3,3}')
    h.assert_error_with(function() return mg.where(mg.tensor{true, false}, mg.zeros(3), 2) end,
                        'where', '{2}', '{3}')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('view, reshape and expand', function()
    local t = sample()
    h.assert_error_with(function() return t:view(5) end,
                        'view: shape {5} is invalid for a tensor of shape {2,3} (6 elements)')
    h.assert_error_with(function() return t:reshape(4) end, 'reshape', '{4}', '{2,3}')
    h.assert_error_with(function() return t:view(-1, -1) end, 'view', 'one dimension can be -1')
    h.assert_error_with(function() return t:view(-2, 3) end, 'view', '{-2,3}')
    h.assert_error_with(function() return mg.zeros(3, 1):expand(4, 1) end, 'expand', '{3,1}', '{4,1}')
    h.assert_error_with(function() return t:expand(2) end, 'expand', '{2,3}', '{2}')
    h.assert_error_with(function() return t:t():view(6) end, 'view', 'reshape')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('matrix products', function()
    local t = sample()
    h.assert_error_with(function() return mg.matmul(mg.zeros(2, 3), mg.zeros(4, 5)) end,
                        'matmul: shapes {2,3} and {4,5} do not align (3 ~= 4)')
    h.assert_error_with(function() return mg.matmul(mg.tensor(1), t) end, 'matmul', 'at least 1 dimension')
    h.assert_error_with(function() return mg.bmm(mg.zeros(2, 2, 3), mg.zeros(3, 3, 2)) end,
                        'bmm', '{2,2,3}', '{3,3,2}')
    h.assert_error_with(function() return mg.bmm(t, t) end, 'bmm', '3-D', '2-D')
    h.assert_error_with(function() return mg.mm(mg.zeros(3), mg.zeros(3, 2)) end, 'mm', '2-D', '1-D')
    h.assert_error_with(function() return mg.mv(mg.zeros(2, 3), mg.zeros(3, 1)) end, 'mv', '1-D', '2-D')
    h.assert_error_with(function() return mg.dot(mg.zeros(3, 1), mg.zeros(3)) end, 'dot', '1-D', '2-D')
    h.assert_error_with(function() return mg.outer(mg.zeros(3, 1), mg.zeros(3)) end, 'outer', '1-D', '2-D')
    h.assert_error_with(function() return mg.addmm(mg.zeros(2, 2), mg.zeros(2, 3), mg.zeros(2, 2)) end,
                        'addmm: shapes {2,3} and {2,2} do not align (3 ~= 2)')
    h.assert_error_with(function() return mg.addmm(mg.zeros(3, 3), mg.zeros(2, 2), mg.zeros(2, 2)) end,
                        'addmm', '{3,3}', '{2,2}')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('mm, bmm, mv and dot name themselves, not matmul', function()
    h.assert_error_with(function() return mg.dot(mg.zeros(3), mg.zeros(4)) end, 'dot', '{3}', '{4}')
    h.assert_error_with(function() return mg.mm(mg.zeros(2, 3), mg.zeros(2, 3)) end,
                        'mm: shapes {2,3} and {2,3} do not align (3 ~= 2)')
    h.assert_error_with(function() return mg.mv(mg.zeros(2, 3), mg.zeros(2)) end, 'mv', '{2,3}', '{2}')
    h.assert_error_with(function() return mg.bmm(mg.zeros(1, 2, 3), mg.zeros(1, 2, 3)) end,
                        'bmm', '{1,2,3}', '{1,2,3}')
  end)

  it('joining and splitting', function()
    local t = sample()
    h.assert_error_with(function() return mg.cat({t, mg.zeros(1, 2)}) end, 'cat', '{2,3}', '{1,2}')
    h.assert_error_with(function() return mg.stack({t, mg.zeros(3, 2)}) end, 'stack', '{2,3}', '{3,2}')
    h.assert_error_with(function() return mg.cat({t, t}, 3) end, 'cat', '3')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('split with sizes that do not add up names split', function()
    local t = sample()
    h.assert_error_with(function() return t:split({1, 3}, 2) end, 'split', '4', '3')
    h.assert_error_with(function() return t:split({1, 1}, 2) end, 'split', '2', '3')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('permute and flatten', function()
    local t = sample()
    h.assert_error_with(function() return t:permute(1) end, 'permute', '2', '1')
    h.assert_error_with(function() return t:permute(1, 1) end, 'permute', 'repeats')
    h.assert_error_with(function() return t:permute(1, 3) end, 'permute', '3')
    h.assert_error_with(function() return mg.zeros(2, 3, 4):flatten(3, 1) end, 'flatten', '3', '1')
  end)
end)

-- ---- out-of-range indices and dims ----------------------------------------------------------

describe('out-of-range indices and dims', function()
  local t = mg.arange(12):view(3, 4):float()

  it('select', function()
    h.assert_error_with(function() return t:select(1, 5) end, 'select', '5', 'size 3')
    h.assert_error_with(function() return t:select(1, 0) end, 'select', '0')
    h.assert_error_with(function() return t:select(3, 1) end, 'select', 'dimension 3', '1 to 2')
  end)

  it('narrow', function()
    h.assert_error_with(function() return t:narrow(1, 2, 5) end, 'narrow', '5', 'size 3')
    h.assert_error_with(function() return t:narrow(1, 0, 1) end, 'narrow', '0')
    h.assert_error_with(function() return t:narrow(1, 4, 1) end, 'narrow', '4', 'size 3')
    h.assert_error_with(function() return t:narrow(1, 1, -1) end, 'narrow', '-1')
    h.assert_error_with(function() return t:narrow(3, 1, 1) end, 'narrow', 'dimension 3')
  end)

  it('negative indices out of range are reported as given', function()
    h.assert_error_with(function() return t:narrow(1, -5, 1) end, 'narrow', '-5')
    h.assert_error_with(function() return t:select(1, -4) end, 'select', '-4')
    h.assert_error_with(function() return t[-4] end, '-4')
  end)

  it('t[i] and t[{...}]', function()
    h.assert_error_with(function() return t[7] end, '7', 'size 3')
    h.assert_error_with(function() return t[0] end, '0')
    h.assert_error_with(function() return t[{ {0, 2} }] end, 'index', '{0,2}', 'size 3')
    h.assert_error_with(function() return t[{ {2, 4} }] end, 'index', '{2,4}', 'size 3')
    h.assert_error_with(function() return t[{ {}, {3, 5} }] end, 'index', '{3,5}', 'size 4')
    h.assert_error_with(function() return t[{ 1, 5 }] end, '5', 'size 4')
  end)

  it('too many indices names the tensor\'s dimensions', function()
    h.assert_error_with(function() return t[{1, 1, 1}] end, 'index', 'too many indices', '2 dimensions')
    h.assert_error_with(function() return t[{ {}, {}, 1 }] end, 'index', 'too many indices', '2 dimensions')
  end)

  it('dims of transpose, size, stride, squeeze, unsqueeze, flatten, cat, stack', function()
    h.assert_error_with(function() return t:transpose(1, 4) end, 'transpose', 'dimension 4')
    h.assert_error_with(function() return t:transpose(0, 1) end, 'transpose', 'dimension 0')
    h.assert_error_with(function() return t:transpose(-3, 1) end, 'transpose', '-3')
    h.assert_error_with(function() return t:size(3) end, 'size', 'dimension 3')
    h.assert_error_with(function() return t:size(0) end, 'size', 'dimension 0')
    h.assert_error_with(function() return t:stride(0) end, 'stride', 'dimension 0')
    h.assert_error_with(function() return t:squeeze(5) end, 'squeeze', 'dimension 5')
    h.assert_error_with(function() return t:unsqueeze(4) end, 'unsqueeze', 'dimension 4', '1 to 3')
    h.assert_error_with(function() return t:flatten(3) end, 'flatten', 'dimension 3')
    h.assert_error_with(function() return mg.stack({t, t}, 4) end, 'stack', 'dimension 4')
  end)

  it('leave the tensor unchanged', function()
    assert.are.same({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}}, t:totable())
  end)
end)

-- ---- negative or absurd sizes -----------------------------------------------------------------

describe('negative or absurd sizes', function()
  it('negative sizes are errors', function()
    h.assert_error_with(function() return mg.zeros(-1) end, 'zeros', '-1')
    h.assert_error_with(function() return mg.zeros(2, -3) end, 'zeros', '-3')
    h.assert_error_with(function() return mg.ones({-1}) end, 'ones', '-1')
    h.assert_error_with(function() return mg.full({-1}, 0) end, 'full', '-1')
    h.assert_error_with(function() return mg.randint(1, 5, {-1}) end, 'randint', '-1')
    h.assert_error_with(function() return mg.eye(-1) end, 'eye', '-1')
    h.assert_error_with(function() return mg.linspace(0, 1, -1) end, 'linspace', '-1')
  end)

  it('sizes too large to allocate are errors, not aborts', function()
    h.assert_error_with(function() return mg.zeros(1e9, 1e9, 1e9) end, 'too large')
    h.assert_error_with(function() return mg.zeros(2 ^ 62) end, 'too large')
    h.assert_error_with(function() return mg.arange(0, 1e14) end, 'too')
    h.assert_error_with(function() return mg.arange(0, 1e300) end, 'arange', 'too many')
    h.assert_error_with(function() return mg.linspace(0, 1, 2 ^ 50) end, 'too large')
    h.assert_error_with(function() return mg.eye(2 ^ 31, 2 ^ 31) end, 'too large')
    h.assert_error_with(function() return mg.ones(1e9, 1e9, 1e9) end, 'too large')
    h.assert_error_with(function() return mg.rand(1e9, 1e9, 1e9) end, 'too large')
    h.assert_error_with(function() return mg.full({1e9, 1e9, 1e9}, 1) end, 'too large')
    -- the process is still fine afterwards
    assert.are.same({0, 0}, mg.zeros(2):totable())
  end)

  it('the error names the constructor that was called', function()
    h.assert_error_with(function() return mg.zeros(1e9, 1e9, 1e9) end, 'zeros', '{1000000000,1000000000,1000000000}')
    h.assert_error_with(function() return mg.ones(1e9, 1e9, 1e9) end, 'ones')
    h.assert_error_with(function() return mg.rand(1e9, 1e9, 1e9) end, 'rand')
    h.assert_error_with(function() return mg.full({1e9, 1e9, 1e9}, 1) end, 'full')
    h.assert_error_with(function() return mg.arange(0, 1e14) end, 'arange')
    h.assert_error_with(function() return mg.linspace(0, 1, 2 ^ 50) end, 'linspace')
    h.assert_error_with(function() return mg.eye(2 ^ 31, 2 ^ 31) end, 'eye')
  end)

  it('arange with a zero or backwards step is an error', function()
    h.assert_error_with(function() return mg.arange(0, 5, 0) end, 'arange', 'step')
    h.assert_error_with(function() return mg.arange(5, 0) end, 'arange', 'step')
    h.assert_error_with(function() return mg.arange(0, 1 / 0) end, 'arange', 'finite')
  end)

  it('more than 8 dims is an error that names the function', function()
    h.assert_error_with(function() return mg.zeros(1, 1, 1, 1, 1, 1, 1, 1, 1) end, 'zeros', '8')
    h.assert_error_with(function() return mg.zeros(1, 1, 1, 1, 1, 1, 1, 1):unsqueeze(1) end, 'unsqueeze', '8')
  end)

  it('view, reshape and expand to more than 8 dims name themselves', function()
    h.assert_error_with(function() return mg.zeros(1, 1, 1, 1, 1, 1, 1, 1):expand(1, 1, 1, 1, 1, 1, 1, 1, 1) end, 'expand', '8')
    h.assert_error_with(function() return mg.arange(2):view(1, 1, 1, 1, 1, 1, 1, 1, 2) end, 'view', '8')
    h.assert_error_with(function() return mg.arange(2):reshape(1, 1, 1, 1, 1, 1, 1, 1, 2) end, 'reshape', '8')
  end)
end)

-- ---- wrong dtypes -----------------------------------------------------------------------------

describe('wrong dtypes', function()
  it('an unknown dtype name', function()
    local msg = "unknown dtype 'float16' (expected float32, float64, int64 or bool)"
    h.assert_error_with(function() return mg.zeros(2, {dtype = 'float16'}) end, 'zeros', msg)
    h.assert_error_with(function() return mg.tensor({1}, {dtype = 'float16'}) end, 'tensor', msg)
    h.assert_error_with(function() return mg.arange(3, {dtype = 'float16'}) end, 'arange', msg)
    h.assert_error_with(function() return mg.eye(2, {dtype = 'float16'}) end, 'eye', msg)
    h.assert_error_with(function() return mg.zeros(2):to('float16') end, 'to', msg)
    h.assert_error_with(function() return mg.zeros_like(mg.zeros(2), {dtype = 'float16'}) end, 'zeros_like', msg)
    h.assert_error_with(function() return mg.zeros(2, {dtype = 5}) end, 'zeros', "'5'")
  end)

  it('random floats need a floating dtype', function()
    h.assert_error_with(function() return mg.rand(3, {dtype = 'int64'}) end,
                        'rand: expected a floating-point dtype, got int64')
    h.assert_error_with(function() return mg.randn(3, {dtype = 'bool'}) end, 'randn', 'floating', 'bool')
    h.assert_error_with(function() return mg.rand_like(mg.zeros(2, {dtype = 'int64'})) end, 'rand', 'int64')
  end)

  it('randint needs low <= high', function()
    h.assert_error_with(function() return mg.randint(5, 1, {3}) end, 'randint', '5', '1')
  end)

  it('matmul of bool, and of mixed dtypes', function()
    local b = mg.zeros(2, 2, {dtype = 'bool'})
    h.assert_error_with(function() return mg.matmul(b, b) end, 'matmul', 'bool')
    h.assert_error_with(function() return mg.matmul(mg.zeros(2, 3), mg.zeros(3, 5, {dtype = 'float64'})) end,
                        'matmul: expected operands of one dtype, got float32 and float64')
    h.assert_error_with(function() return mg.matmul(mg.zeros(2, 3), mg.zeros(3, 2, {dtype = 'int64'})) end,
                        'matmul', 'float32', 'int64')
    h.assert_error_with(function() return mg.addmm(mg.zeros(2, 2, {dtype = 'float64'}), mg.zeros(2, 2), mg.zeros(2, 2)) end,
                        'addmm', 'float32', 'float64')
  end)

  it('mm and dot name themselves in dtype errors', function()
    local b = mg.zeros(2, 2, {dtype = 'bool'})
    h.assert_error_with(function() return mg.mm(b, b) end, 'mm: ', 'bool')
    h.assert_error_with(function() return mg.dot(mg.zeros(2), mg.zeros(2, {dtype = 'float64'})) end,
                        'dot', 'float32', 'float64')
  end)

  it('where needs a bool condition', function()
    h.assert_error_with(function() return mg.where(mg.tensor{1, 0}, 1, 2) end,
                        'where: expected a bool condition, got float32')
  end)

  it('cat needs one dtype', function()
    h.assert_error_with(function() return mg.cat({mg.zeros(1, 3), mg.zeros(1, 3, {dtype = 'float64'})}) end,
                        'cat', 'float32', 'float64')
  end)
end)

-- ---- non-rectangular nested tables ------------------------------------------------------------

describe('non-rectangular nested tables', function()
  it('are errors naming the level', function()
    h.assert_error_with(function() return mg.tensor{{1, 2}, {3}} end,
                        'tensor: nested tables are not rectangular', 'level 2', '2', '1')
    h.assert_error_with(function() return mg.tensor{{1, 2}, 3} end, 'tensor', 'not rectangular', 'number')
    h.assert_error_with(function() return mg.tensor{1, {2}} end, 'tensor', 'numbers or booleans', 'table')
    h.assert_error_with(function() return mg.tensor{{}, {1}} end, 'tensor', 'not rectangular')
    h.assert_error_with(function() return mg.tensor{{{1}, {2}}, {{3}}} end, 'tensor', 'not rectangular')
    h.assert_error_with(function() return mg.tensor{{{1}, {2}}, {{3}, {4, 5}}} end, 'tensor', 'not rectangular', 'level 3')
  end)

  it('more than 8 nested levels', function()
    h.assert_error_with(function() return mg.tensor{{{{{{{{{1}}}}}}}}} end, 'tensor', '8')
  end)
end)

-- ---- failing in-place ops leave the tensor unchanged ----------------------------------------------

describe('failed in-place ops', function()
  it('dtype that cannot hold the result', function()
    local i = mg.tensor({1, 2, 3}, {dtype = 'int64'})
    h.assert_error_with(function() return i:mul_(2.5) end, 'mul', 'float32', 'int64')
    h.assert_error_with(function() return i:div_(2) end, 'div', 'int64')
    h.assert_error_with(function() return i:sqrt_() end, 'sqrt', 'int64')
    h.assert_error_with(function() return i:add_(mg.tensor{0.5, 0.5, 0.5}) end, 'add', 'int64')
    assert.are.same({1, 2, 3}, i:totable())
    local b = mg.tensor{true, false}
    h.assert_error_with(function() return b:add_(1) end, 'add', 'bool')
    h.assert_error_with(function() return b:exp_() end, 'exp', 'bool')
    assert.are.same({true, false}, b:totable())
  end)

  it('result shape that does not fit', function()
    local t = sample()
    h.assert_error_with(function() return t:add_(mg.zeros(3, 2, 3)) end, 'add', '{3,2,3}', '{2,3}')
    h.assert_error_with(function() return t:mul_(mg.zeros(4)) end, 'mul', '{2,3}', '{4}')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('writing into an expanded tensor', function()
    local base = mg.tensor{{1}, {2}}
    local e = base:expand(2, 3)
    h.assert_error_with(function() return e:add_(1) end, 'add', 'expanded')
    h.assert_error_with(function() return e:fill_(0) end, 'fill_', 'expanded')
    h.assert_error_with(function() return e:zero_() end, 'expanded')
    h.assert_error_with(function() return e:copy_(mg.zeros(2, 3)) end, 'copy_', 'expanded')
    h.assert_error_with(function() e[1] = 5 end, 'expanded')
    assert.are.same({{1}, {2}}, base:totable())
  end)

  it('copy_ of the wrong shape', function()
    local t = sample()
    h.assert_error_with(function() return t:copy_(mg.zeros(4)) end, 'copy_', '{4}', '{2,3}')
    h.assert_error_with(function() return t:copy_(mg.zeros(3, 2, 3)) end, 'copy_', '{3,2,3}', '{2,3}')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('clamp_ with min > max', function()
    local t = sample()
    h.assert_error_with(function() return t:clamp_(3, 1) end, 'clamp', 'min <= max', '3', '1')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('assignment through a bad slice or a bad value', function()
    local t = sample()
    h.assert_error_with(function() t[{ {0, 2} }] = 5 end, 'index', '{0,2}')
    h.assert_error_with(function() t[{1, 5}] = 1 end, '5')
    h.assert_error_with(function() t[3] = 1 end, '3')
    h.assert_error_with(function() t[1] = mg.zeros(5) end, '{5}', '{3}')
    h.assert_error_with(function() t[1] = 'x' end, 'string')
    assert.are.same(SAMPLE, t:totable())
  end)

  it('fill_ with a bad value', function()
    local t = sample()
    h.assert_error_with(function() return t:fill_('x') end, 'fill_')
    h.assert_error_with(function() return t:fill_() end, 'fill_')
    assert.are.same(SAMPLE, t:totable())
  end)
end)

-- ---- misc ---------------------------------------------------------------------------------------

describe('other misuse', function()
  it('item of a tensor with several elements', function()
    h.assert_error_with(function() return sample():item() end,
                        'item: expected a tensor with one element, got 6 elements')
    h.assert_error_with(function() return mg.zeros(0):item() end, 'item', '0 elements')
  end)

  it('clamp with min > max', function()
    h.assert_error_with(function() return sample():clamp(1, 0) end, 'clamp', 'min <= max')
  end)

  it('failed calls leave their arguments unchanged', function()
    local a, b = sample(), mg.tensor{{1, 1}, {2, 2}}
    pcall(mg.cat, {a, b})
    pcall(mg.matmul, a, b)
    pcall(mg.add, a, b)
    pcall(mg.where, b:bool(), a, b)
    assert.are.same(SAMPLE, a:totable())
    assert.are.same({{1, 1}, {2, 2}}, b:totable())
  end)
end)
