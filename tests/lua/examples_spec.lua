-- The examples run as a user runs them and reach what they claim. mnist_mlp needs the MNIST
-- files (MOONGRAD_TEST_DATA, else ../shared/data from the repository root) and is skipped
-- without them, and under the sanitizers (too slow there); one epoch stands in for ten.
local exe = os.getenv('MOONGRAD_EXE')

local function run(args)
  local p = assert(io.popen(exe .. ' ' .. args .. ' 2>&1'))
  local out = p:read('a')
  local ok, _, status = p:close()
  return out, ok and 0 or status
end

-- The examples save their model, load it into a fresh one and score that again: the two
-- accuracy lines must agree to the last printed digit.
local function assert_reloaded_same(out)
  local accuracy = out:match('\ntest accuracy: ([^\n]+)')
  assert.truthy(accuracy, out)
  assert.are.equal(accuracy, out:match('\nreloaded test accuracy: ([^\n]+)'), out)
end

describe('examples', function()
  if not exe then
    it('needs MOONGRAD_EXE (set by scripts/run-tests.sh)', function() pending('MOONGRAD_EXE unset') end)
    return
  end

  it('quickstart trains the two-spirals MLP to at least 95% accuracy, printing the loss', function()
    local out, status = run('examples/quickstart.lua')
    assert.are.equal(0, status, out)
    assert.truthy(out:match('Total: 4,482 parameters'), out)
    local losses = {}
    for loss in out:gmatch('loss (%d+%.%d+)') do losses[#losses + 1] = tonumber(loss) end
    assert.is_true(#losses >= 3, out)
    assert.is_true(losses[#losses] < losses[1], 'the loss did not fall: ' .. out)
    local accuracy = tonumber(out:match('final accuracy on the two spirals: (%d+%.%d)%%'))
    assert.is_true(accuracy and accuracy >= 95, out)
  end)

  it('mnist_mlp without --data prints its usage and fails', function()
    local out, status = run('examples/mnist_mlp.lua')
    assert.are_not.equal(0, status)
    assert.truthy(out:match('usage: moongrad examples/mnist_mlp.lua %-%-data DIR'), out)
  end)

  it('mnist_mlp reaches at least 95% test accuracy after one epoch of the real MNIST', function()
    local dir = (os.getenv('MOONGRAD_TEST_DATA') or '../shared/data') .. '/mnist'
    local f = io.open(dir .. '/train-images-idx3-ubyte.gz')
    if not f then
      pending('no MNIST files in ' .. dir .. ' (set MOONGRAD_TEST_DATA, or run scripts/fetch-mnist.sh)')
      return
    end
    f:close()
    if os.getenv('MOONGRAD_SANITIZED') then
      pending('too slow under the sanitizers')
      return
    end
    local out, status = run('examples/mnist_mlp.lua --data ' .. dir .. ' --epochs 1')
    assert.are.equal(0, status, out)
    local accuracy = tonumber(out:match('test accuracy: (%d+%.%d+)%%'))
    assert.is_true(accuracy and accuracy >= 95, out)
    assert.truthy(out:match('\nepoch 1/1 %- [%d.]+s %- loss: [%d.]+ %- accuracy: [%d.]+ %- val_loss: [%d.]+ %- val_accuracy: [%d.]+\n'), out)
    assert_reloaded_same(out)
  end)

  it('tabular_bce reaches at least 96% test accuracy on the UCI breast cancer table', function()
    local csv = (os.getenv('MOONGRAD_TEST_DATA') or '../shared/data') .. '/uci/breast_cancer.csv'
    local f = io.open(csv)
    if not f then
      pending('no ' .. csv .. ' (set MOONGRAD_TEST_DATA)')
      return
    end
    f:close()
    local out, status = run('examples/tabular_bce.lua ' .. csv)
    assert.are.equal(0, status, out)
    assert.truthy(out:match('569 rows after dropping duplicates, 30 features'), out)
    local accuracy = tonumber(out:match('test accuracy: (%d%.%d+)'))
    assert.is_true(accuracy and accuracy >= 0.96, out)
    assert.truthy(out:match('\n100 epochs run\n'), out) -- EarlyStopping lets the benchmark's epochs run
    assert_reloaded_same(out)
  end)

  it('tabular_bce drops duplicates and fills gaps in a CSV of its own', function()
    -- Two classes 4 apart on both features, every row written twice, a gap in each 7th row.
    local path = os.tmpname()
    local f = assert(io.open(path, 'w'))
    f:write('a,b,target\n')
    for i = 1, 200 do
      local label = i % 2
      local a, b = label * 4 + (i % 7) / 7, label * 4 - i / 1000 -- b makes every row distinct
      local row = ('%s,%g,%d\n'):format(i % 7 == 0 and '' or ('%g'):format(a), b, label)
      f:write(row, row)
    end
    f:close()
    local log = os.tmpname()
    local out, status = run('examples/tabular_bce.lua ' .. path .. ' --epochs 20 --log ' .. log)
    os.remove(path)
    assert.are.equal(0, status, out)
    assert.truthy(out:match(': 200 rows after dropping duplicates, 2 features'), out)
    local accuracy = tonumber(out:match('test accuracy: (%d%.%d+)'))
    assert.is_true(accuracy and accuracy >= 0.9, out) -- b alone separates the classes
    assert_reloaded_same(out)
    -- the CSV log: a header, then one row per epoch run
    local f = assert(io.open(log))
    local lines = {}
    for line in f:lines() do lines[#lines + 1] = line end
    f:close()
    os.remove(log)
    assert.are.equal('epoch,loss,accuracy,val_loss,val_accuracy', lines[1])
    local epochs_run = tonumber(out:match('\n(%d+) epochs run\n'))
    assert.are.equal(epochs_run + 1, #lines)
    assert.truthy(lines[2]:match('^1,[%d.e-]+,[%d.e-]+,[%d.e-]+,[%d.e-]+$'), lines[2])
  end)

  it('tabular_bce without a file prints its usage and fails', function()
    local out, status = run('examples/tabular_bce.lua')
    assert.are_not.equal(0, status)
    assert.truthy(out:match('usage: moongrad examples/tabular_bce.lua DATA.csv'), out)
  end)

  it('user_profiles without a file prints its usage and fails', function()
    local out, status = run('examples/user_profiles.lua')
    assert.are_not.equal(0, status)
    assert.truthy(out:match('usage: moongrad examples/user_profiles.lua EVENTS.csv'), out)
  end)

  it('user_profiles beats its baselines on a log with tastes and buyers of its own', function()
    -- 600 users over 90 days, 20 to 79 events each. Each user belongs to one of 4 taste groups
    -- (group 1 holds 40% of them) and picks 9 in 10 items among the group's 50 of the 200;
    -- every 5th user buys (30% of events), the others rarely (1%). The most popular items are
    -- group 1's, so a model of tastes must beat them; past purchases, not recency, tell the
    -- buyers, so the propensity model must beat recency alone.
    local path = os.tmpname()
    local f = assert(io.open(path, 'w'))
    f:write('user_id,ts,event,item,category,amount\n')
    math.randomseed(42)
    local browse = {'view', 'view', 'view', 'click', 'click', 'cart'}
    for u = 1, 600 do
      local group, buy = u % 10 < 4 and 1 or u % 3 + 2, u % 5 == 0 and 0.3 or 0.01
      for _ = 1, 20 + u * 37 % 60 do
        local item = math.random() < 0.9 and (group - 1) * 50 + math.floor(50 * math.random() ^ 2) + 1
                     or math.random(200)
        local purchase = math.random() < buy
        f:write(('%d,%d,%s,%d,cat_%d,%.2f\n'):format(u, 1700000000 + math.random(0, 90 * 86400 - 1),
                purchase and 'purchase' or browse[math.random(#browse)], item, (item - 1) // 50 + 1,
                purchase and 10 + 50 * math.random() or 0))
      end
    end
    f:close()
    local out, status = run('examples/user_profiles.lua ' .. path)
    os.remove(path)
    assert.are.equal(0, status, out)
    local number = '([%d.]+)'
    local model, recency = out:match('\npropensity ROC AUC: model ' .. number .. ', recency%-only baseline ' .. number)
    assert.is_true(tonumber(model) > tonumber(recency), out)
    for _, metric in ipairs{'recall@10', 'NDCG@10'} do
      local mf, pop = out:match('\n' .. metric .. ': MF ' .. number .. ', most%-popular ' .. number)
      assert.is_true(tonumber(mf) > tonumber(pop), out)
      local before, after, pop_now = out:match('\nfeedback ' .. metric .. ': MF before ' .. number .. ', after '
                                               .. number .. '; most%-popular ' .. number)
      assert.is_true(tonumber(before) > tonumber(pop_now) and tonumber(after) > tonumber(pop_now), out)
    end
    local gap = tonumber(out:match('largest difference from recomputing them all: ([%d.e+-]+)'))
    assert.is_true(gap < 1e-6, out)
    assert.truthy(out:match('\nsegment +count +share'), out)
  end)
end)
