-- A loop of temporaries must hold steady memory without the user calling collectgarbage():
-- the binding tells Lua's collector about the tensor bytes it wraps (see DESIGN.md, Memory).
local mg = require 'moongrad'

-- Resident set size in bytes from /proc/self/status, or nil where there is no /proc.
-- Under AddressSanitizer (make asan sets MOONGRAD_SANITIZED) freed memory sits in ASan's
-- quarantine, so resident memory says nothing about moongrad's own.
local function rss_bytes()
  if os.getenv('MOONGRAD_SANITIZED') then return nil end
  local f = io.open('/proc/self/status', 'r')
  if not f then return nil end
  local text = f:read('a')
  f:close()
  local kb = text:match('VmRSS:%s*(%d+)%s*kB')
  return kb and tonumber(kb) * 1024 or nil
end

local MB = 1024 * 1024

-- Whether RSS can be measured; marks the spec pending when not.
local function measurable()
  if rss_bytes() then return true end
  pending('resident memory is not measurable here (no /proc, or a sanitizer build)')
  return false
end

-- Runs step() warm times, then up to total times; returns RSS before and after the second part.
local function rss_across(step, warm, total)
  for _ = 1, warm do step() end
  local before = rss_bytes()
  for _ = warm + 1, total do step() end
  return before, rss_bytes()
end

describe('memory of a loop of temporaries', function()
  it('holds steady over 200000 iterations of ((a*b + 1):tanh()):sum()', function()
    if not measurable() then return end
    local a, b = mg.rand(1000), mg.rand(1000)
    local y
    local before, after = rss_across(function() y = ((a * b + 1):tanh()):sum() end, 1000, 200000)
    assert.is_true(mg.is_tensor(y))
    local grew = after - before
    assert.is_true(grew < 20 * MB, string.format('RSS grew by %.1f MB (from %.1f to %.1f MB)',
                                                 grew / MB, before / MB, after / MB))
  end)

  it('holds steady over 200000 iterations of elementwise temporaries', function()
    if not measurable() then return end
    local a, b = mg.rand(1000), mg.rand(1000)
    local y
    local before, after = rss_across(function() y = (a * b + 1):tanh() end, 1000, 200000)
    assert.are.same({1000}, y.shape)
    local grew = after - before
    assert.is_true(grew < 20 * MB, string.format('RSS grew by %.1f MB (from %.1f to %.1f MB)',
                                                 grew / MB, before / MB, after / MB))
    -- the tensor bytes still held (garbage not yet collected included) stay bounded too
    local live = mg.memory()
    assert.is_true(live < 20 * MB, string.format('%.1f MB of tensor storage live', live / MB))
  end)

  it('holds steady when the temporaries are large', function()
    if not measurable() then return end
    local a = mg.rand(250000) -- 1 MB per temporary
    -- 2000 timed iterations: 4 GB allocated in all
    local before, after = rss_across(function() local _ = (a + 1) * 2 end, 20, 2020)
    local grew = after - before
    assert.is_true(grew < 64 * MB, string.format('RSS grew by %.1f MB (from %.1f to %.1f MB)',
                                                 grew / MB, before / MB, after / MB))
  end)
end)

describe('memory of a training loop', function()
  it('holds steady over 10000 steps of a small MLP with Adam (graphs freed by backward)', function()
    if not measurable() then return end
    local nn, F = mg.nn, mg.nn.functional
    mg.manual_seed(0)
    local model = nn.Sequential{nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 3)}
    local opt = mg.optim.Adam(model:parameters(), {lr = 1e-3})
    local x, y = mg.randn(32, 20), mg.randint(1, 3, {32})
    local loss
    local before, after = rss_across(function()
      opt:zero_grad()
      loss = F.cross_entropy(model(x), y)
      loss:backward()
      opt:step()
    end, 1000, 10000)
    assert.is_true(loss:item() < 1.0, 'the model did not learn: loss ' .. loss:item())
    local grew = after - before
    assert.is_true(grew < 8 * MB, string.format('RSS grew by %.1f MB over 9000 steps (from %.1f to %.1f MB)',
                                                grew / MB, before / MB, after / MB))
    local live = mg.memory()
    assert.is_true(live < 8 * MB, string.format('%.1f MB of tensor storage live', live / MB))
  end)
end)
