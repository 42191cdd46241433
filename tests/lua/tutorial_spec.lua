-- The tutorials in examples/tutorial run as a student runs them (from another directory,
-- to show they need no particular cwd), exit with status 0, and what they print is true:
-- each claim is checked against a value this spec works out on its own (by hand, from the
-- tutorial's inputs, or by a rule such as NumPy's broadcasting), not against the
-- tutorial's own arithmetic. scripts/run-tests.sh names the executable in MOONGRAD_EXE.
local exe = os.getenv('MOONGRAD_EXE')

-- The repository root: this file is tests/lua/tutorial_spec.lua under it. busted gives the
-- path relative to its cwd (the root, when run by scripts/run-tests.sh) or absolute.
local function repository_root()
  local source = debug.getinfo(1, 'S').source:gsub('^@', '')
  if source:sub(1, 1) ~= '/' then
    local p = assert(io.popen('pwd'))
    source = p:read('l') .. '/' .. source
    p:close()
  end
  return (source:gsub('/tests/lua/[^/]*$', ''))
end

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Runs a tutorial from a scratch directory; returns its output and exit status.
local outputs = {}
local function run(name)
  if outputs[name] then return table.unpack(outputs[name]) end
  local script = repository_root() .. '/examples/tutorial/' .. name
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute('mkdir ' .. quote(dir)))
  local p = assert(io.popen('cd ' .. quote(dir) .. ' && ' .. quote(exe) .. ' ' .. quote(script) .. ' 2>&1'))
  local out = p:read('a')
  local ok, _, status = p:close()
  os.execute('rmdir ' .. quote(dir))
  outputs[name] = {out, ok and 0 or status}
  return out, ok and 0 or status
end

-- The text after "key: " on the line that starts with key (the first such line).
local function claim(out, key)
  local text = '\n' .. out
  local at = text:find('\n' .. key .. ': ', 1, true)
  assert(at, 'no line "' .. key .. ': ..." in the output:\n' .. out)
  return text:sub(at + #key + 3):match('^[^\n]*')
end

local function number(out, key)
  local v = tonumber(claim(out, key))
  assert(v, 'line "' .. key .. '" does not hold a number:\n' .. out)
  return v
end

local function numbers(s)
  local list = {}
  for v in s:gmatch('%S+') do list[#list + 1] = assert(tonumber(v), s) end
  return list
end

local function near(expected, actual, tol, what)
  assert.is_true(math.abs(expected - actual) <= tol,
                 string.format('%s: expected %.10g, printed %.10g', what, expected, actual))
end

local function same_list(expected, actual, what)
  assert.are.equal(#expected, #actual, what .. ': wrong number of values')
  for i = 1, #expected do near(expected[i], actual[i], 1e-6, what .. '[' .. i .. ']') end
end

local function check_ran(out, status)
  assert.are.equal(0, status, out)
end

-- NumPy's rule, written out: align from the right; sizes must match or one be 1 (a missing
-- dimension counts as 1). The result shape as a table, or nil when they do not broadcast.
local function broadcast_shape(a, b)
  local n, out = math.max(#a, #b), {}
  for i = 0, n - 1 do
    local da, db = a[#a - i] or 1, b[#b - i] or 1
    if da ~= db and da ~= 1 and db ~= 1 then return nil end
    out[n - i] = math.max(da, db)
  end
  return out
end

local function parse_shape(s) return numbers(s:gsub('[{},]', ' ')) end
local function shape_string(t) return '{' .. table.concat(t, ',') .. '}' end

-- "step N  loss L" (or "epoch N  loss L ...") lines as {n, loss} in order.
local function loss_lines(out, word)
  local lines = {}
  for n, loss in out:gmatch(word .. ' +(%d+)  loss (%d+%.%d+)') do
    lines[#lines + 1] = {tonumber(n), tonumber(loss)}
  end
  return lines
end

local function assert_loss_falls(lines, out, monotone)
  assert.is_true(#lines >= 3, 'too few loss lines:\n' .. out)
  assert.is_true(lines[#lines][2] < lines[1][2] / 5, 'the loss did not fall enough:\n' .. out)
  if monotone then
    for i = 2, #lines do
      assert.is_true(lines[i][2] <= lines[i - 1][2], 'the loss rose at line ' .. i .. ':\n' .. out)
    end
  end
end

describe('tutorials', function()
  if not exe then
    it('needs MOONGRAD_EXE (set by scripts/run-tests.sh)', function() pending('MOONGRAD_EXE unset') end)
    return
  end

  it('01 shows shapes, dtypes, views, indexing, reductions, broadcasting and in-place ops', function()
    local out, status = run('01_tensors.lua')
    check_ran(out, status)
    -- the tutorial's matrix, kept here as a plain table
    local m = {{1, 2, 3}, {4, 5, 6}}
    assert.are.equal('{2,3}', claim(out, 'shape of x'))
    assert.are.equal('float32', claim(out, 'dtype of x'))
    assert.are.equal(2, number(out, 'x:size(1) (rows)'))
    assert.are.equal(3, number(out, 'x:size(2) (columns)'))
    assert.are.equal(6, number(out, 'number of elements'))
    assert.are.equal('float32', claim(out, 'dtype of mg.zeros(2, 3)'))
    assert.are.equal('float64', claim(out, 'dtype of mg.randn(2, 3, {dtype = "float64"})'))
    assert.are.equal('int64', claim(out, 'dtype of labels'))
    assert.are.equal('bool', claim(out, 'dtype of x:gt(3)'))
    assert.are.equal('float64', claim(out, 'dtype of x:double()'))
    same_list({1, 2, 3, 4}, numbers(claim(out, 'mg.arange(1, 5)')), 'arange')
    local greater = 0
    for _, row in ipairs(m) do for _, v in ipairs(row) do if v > 3 then greater = greater + 1 end end end
    assert.are.equal(greater, number(out, 'elements of x greater than 3'))

    assert.are.equal(m[2][3], number(out, 'x[{2, 3}]:item()'))
    same_list(m[2], numbers(claim(out, 'x[2] (row 2)')), 'row 2')
    assert.are.equal('{2,2}', claim(out, 'shape of x[{{}, {2, 3}}]'))
    assert.are.equal(m[1][3], number(out, 'x[{1, -1}]:item()'))

    assert.are.equal('{3,2}', claim(out, 'shape of x:view(3, 2)'))
    assert.are.equal(100, number(out, 'x[{1, 1}] after writing 100 through the view'))
    assert.are.equal(100, number(out, 'x[{1, 1}] after writing -1 into a clone'))
    assert.are.equal('false', claim(out, 'x:t() is contiguous'))
    assert.are.equal('false', claim(out, 'view of a transpose works'))
    local transposed = {}
    for j = 1, 3 do for i = 1, 2 do transposed[#transposed + 1] = m[i][j] end end
    same_list(transposed, numbers(claim(out, 'x:t():reshape(6)')), 'reshape of the transpose')

    local total, col, row = 0, {0, 0, 0}, {0, 0}
    for i = 1, 2 do
      for j = 1, 3 do
        total, col[j], row[i] = total + m[i][j], col[j] + m[i][j], row[i] + m[i][j]
      end
    end
    assert.are.equal(total, number(out, 'x:sum()'))
    same_list(col, numbers(claim(out, 'x:sum(1)')), 'column sums')
    assert.are.equal('{3}', claim(out, 'shape of x:sum(1)'))
    same_list(row, numbers(claim(out, 'x:sum(2)')), 'row sums')
    assert.are.equal('{2}', claim(out, 'shape of x:sum(2)'))
    assert.are.equal('{2,1}', claim(out, 'shape of x:sum(2, {keepdim = true})'))
    same_list({row[1] / 3, row[2] / 3}, numbers(claim(out, 'x:mean(2)')), 'row means')
    same_list({3, 6}, numbers(claim(out, 'x:max(2) values')), 'row maxima')
    same_list({3, 3}, numbers(claim(out, 'x:max(2) indices')), 'where the row maxima are')

    -- every "broadcast A + B -> C" line obeys the rule, and the worked example is there
    local lines = 0
    for a, b, c in out:gmatch('broadcast (%b{}) %+ (%b{}) %-> (%b{})') do
      local expected = broadcast_shape(parse_shape(a), parse_shape(b))
      assert.is_truthy(expected, a .. ' and ' .. b .. ' do not broadcast')
      assert.are.equal(shape_string(expected), c)
      lines = lines + 1
    end
    assert.is_true(lines >= 2, out)
    assert.truthy(out:find('broadcast {3,1} + {1,4} -> {3,4}', 1, true), out)
    same_list({2 + 10, 2 + 20, 2 + 30, 2 + 40}, numbers(claim(out, 'row 2 of a + b')), 'a + b')
    same_list({m[1][1] + 10, m[1][2] + 20, m[1][3] + 30}, numbers(claim(out, 'row 1 of x + bias')), 'x + bias')
    same_list({0, 0, 0}, numbers(claim(out, 'column sums after subtracting the column means')), 'centered')
    assert.is_nil(broadcast_shape({2, 3}, {4, 3}))
    assert.are.equal('false', claim(out, '{2,3} + {4,3} broadcasts'))
    assert.truthy(claim(out, 'error'):find('{2,3} and {4,3}', 1, true), out)

    same_list({1, 2, 3}, numbers(claim(out, 'y after y + 1'):match('^[^(]*')), 'y + 1 leaves y')
    same_list({2, 3, 4}, numbers(claim(out, 'y after y:add_(1)')), 'add_')
    same_list({20, 30, 40}, numbers(claim(out, 'y after y:mul_(10)')), 'mul_')
    assert.are.equal(20, number(out, 'the view of y[1] now reads'))
    same_list({0, 0, 0}, numbers(claim(out, 'y after y:zero_()')), 'zero_')
  end)

  it('02 matches autograd with derivatives worked out by hand', function()
    local out, status = run('02_autograd_by_hand.lua')
    check_ran(out, status)
    local x, y = 2, 3
    near(x ^ 2 * y + math.sin(x) * y, number(out, 'f by moongrad'), 1e-5, 'f(2, 3)')
    near(2 * x * y + math.cos(x) * y, number(out, 'df/dx by autograd'), 1e-5, 'df/dx')
    near(x ^ 2 + math.sin(x), number(out, 'df/dy by autograd'), 1e-5, 'df/dy')
    near(2 * x * y + math.cos(x) * y, number(out, 'df/dx by central difference (h = 1e-5)'), 1e-5,
         'central difference')
    assert.are.equal('true', claim(out, 'match'))

    -- g = exp(sin(x^2)) at 0.5: dg/dx = exp(sin(x^2)) cos(x^2) 2x
    local t = 0.5
    assert.are.equal('x -> mul -> sin -> exp', claim(out, 'graph'))
    near(math.exp(math.sin(t * t)) * math.cos(t * t) * 2 * t, number(out, 'dg/dx by autograd'), 1e-5,
         'dg/dx')
    near(2 * t + 3, number(out, 'd(x*x + 3x)/dx at 0.5 by autograd'), 1e-5, 'two paths add')

    -- w^3 at w = 2: 3 w^2 = 12, twice is 24, zeroed is 0
    near(12, number(out, 'w.grad after one backward'), 1e-9, 'one backward')
    near(24, number(out, 'w.grad after two backwards'), 1e-9, 'two backwards add up')
    near(0, number(out, 'w.grad after w.grad:zero_()'), 0, 'zeroed')
    near(12, number(out, 'w.grad after zeroing and one more backward'), 1e-9, 'after zeroing')

    assert.are.equal('true', claim(out, 'gradcheck of sum(tanh(A B))'))
    assert.are.equal('false', claim(out, 'gradcheck with a float32 input'))
    assert.truthy(claim(out, 'because'):find('float64', 1, true), out)
  end)

  it('03 trains a single neuron on separable data: the loss falls, the accuracy is high', function()
    local out, status = run('03_single_neuron.lua')
    check_ran(out, status)
    -- zero weights give p = 1/2 everywhere, so the loss starts at log 2
    near(math.log(2), number(out, 'loss at the start, by hand'), 1e-5, 'initial loss by hand')
    near(math.log(2), number(out, 'loss at the start, F.binary_cross_entropy_with_logits'), 1e-5,
         'initial loss')
    local formula = numbers(claim(out, 'dL/dw by the formula x^T (p - y) / n'))
    local autograd = numbers(claim(out, 'dL/dw by autograd'))
    for i = 1, 2 do near(formula[i], autograd[i], 1e-5, 'dL/dw[' .. i .. ']') end
    assert.are.equal('true', claim(out, 'gradient matches the formula'))
    -- the accuracy of all-zero logits: every point called class 0
    local n, ones = number(out, 'points'), number(out, 'points in class 1')
    near((n - ones) / n, number(out, 'accuracy at the start'), 1e-3, 'accuracy at the start')

    assert_loss_falls(loss_lines(out, 'step'), out, true)
    assert.is_true(number(out, 'loss at step 200') < number(out, 'loss at step 1'), out)
    assert.is_true(number(out, 'final accuracy') >= 0.95, out)
    -- the learned line points the same way as the hidden one x1 - 2 x2 + 0.5 = 0
    local c = claim(out, 'learned boundary divided by w1')
    local slope, offset = c:match('^x1 ([-+]%d+%.%d+) x2 ([-+]%d+%.%d+) = 0$')
    assert.is_truthy(slope, c)
    near(-2, tonumber(slope), 0.25, 'x2 coefficient of the boundary')
    near(0.5, tonumber(offset), 0.25, 'offset of the boundary')
  end)

  it('04 shows a single neuron failing on XOR where a hand-written MLP succeeds', function()
    local out, status = run('04_mlp_from_tensors.lua')
    check_ran(out, status)
    assert.are.equal(400, number(out, 'points'))
    local hidden = 16
    assert.are.equal(2 * hidden + hidden + hidden * 2 + 2, number(out, 'parameters'))
    near(number(out, 'cross-entropy by F.cross_entropy'), number(out, 'cross-entropy by hand'), 1e-5,
         'hand-written cross-entropy')
    assert_loss_falls(loss_lines(out, 'step'), out, false)
    assert.is_true(number(out, 'loss at step 500') < number(out, 'loss at step 1'), out)
    assert.is_true(number(out, 'single neuron accuracy') < 0.75, out)
    assert.is_true(number(out, 'MLP accuracy') > 0.95, out)
  end)

  it('05 reaches the same accuracy with nn.Sequential and Adam on the same data', function()
    local out, status = run('05_mlp_with_nn.lua')
    check_ran(out, status)
    local out04, status04 = run('04_mlp_from_tensors.lua')
    assert.are.equal(0, status04, out04)
    -- the same 400 points as tutorial 04
    assert.are.equal(claim(out04, 'sum of all coordinates'), claim(out, 'sum of all coordinates'))
    local hidden = 16
    assert.are.equal(2 * hidden + hidden + hidden * 2 + 2, number(out, 'parameters'))
    assert.truthy(out:find('Total: 82 parameters', 1, true), out)
    assert.are.equal('{' .. hidden .. ',2}', claim(out, 'shape of model[1].weight'))
    assert.are.equal('{' .. hidden .. '}', claim(out, 'shape of model[1].bias'))
    assert.are.equal(math.ceil(400 / 40), number(out, 'batches per epoch'))
    assert_loss_falls(loss_lines(out, 'epoch'), out, false)
    assert.is_true(number(out, 'loss in epoch 30') < number(out, 'loss in epoch 1'), out)
    local acc = number(out, 'MLP accuracy')
    assert.is_true(acc > 0.95, out)
    assert.is_true(math.abs(acc - number(out04, 'MLP accuracy')) <= 0.03, out)
  end)

  it('06 makes overfitting visible: validation loss turns up while training loss falls', function()
    local out, status = run('06_overfitting.lua')
    check_ran(out, status)
    local n_train, n_val = number(out, 'training points'), number(out, 'validation points')
    assert.are.equal(600, n_train + n_val)
    assert.is_true(n_train < 100, out)
    assert.are.equal((2 * 128 + 128) + (128 * 128 + 128) + (128 * 2 + 2), number(out, 'parameters'))
    local epochs = {}
    for e, tl, vl in out:gmatch('epoch +(%d+)  train_loss (%d+%.%d+)  val_loss (%d+%.%d+)') do
      epochs[#epochs + 1] = {tonumber(e), tonumber(tl), tonumber(vl)}
    end
    assert.is_true(#epochs >= 10, out)
    local last = epochs[#epochs]
    local best_epoch, best_val = number(out, 'best epoch'), number(out, 'best val loss')
    local train_at_best = number(out, 'train loss at best epoch')
    local final_val, final_train = number(out, 'final val loss'), number(out, 'final train loss')
    -- the printed summary agrees with the per-epoch lines
    near(last[3], final_val, 1e-4, 'final val loss')
    near(last[2], final_train, 1e-4, 'final train loss')
    for _, e in ipairs(epochs) do
      assert.is_true(e[3] >= best_val - 1e-4, 'val loss ' .. e[3] .. ' at epoch ' .. e[1] .. ' is below the best')
    end
    -- overfitting: the best epoch is well before the end, the validation loss then rose by a
    -- clear margin, and the training loss kept falling
    assert.is_true(best_epoch < last[1] / 2, out)
    assert.is_true(final_val > best_val + 0.2 and final_val > 1.5 * best_val, out)
    assert.is_true(final_train < train_at_best / 2, out)
    assert.is_true(final_train < 0.1, out)
    assert.is_true(number(out, 'final train accuracy') > number(out, 'final val accuracy'), out)
    local summary = out:match('validation loss was lowest at epoch [^\n]*')
    assert.is_truthy(summary, out)
    assert.truthy(summary:find('epoch ' .. best_epoch .. ' ', 1, true), summary)
    assert.truthy(summary:match(': overfitting$'), summary)
  end)
end)
