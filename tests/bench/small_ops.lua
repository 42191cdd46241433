-- small_ops: per-iteration time of `((a*b + a):tanh()):sum()` and its backward on 4-element
-- float32 tensors that require grad (WORKLOADS.md): 200 warm-up iterations, then 20 000.
-- usage: moongrad tests/bench/small_ops.lua [threads=2]      prints one JSON line
local mg = require 'moongrad'
local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')

local threads = math.tointeger(tonumber(arg[1] or 2))
mg.set_num_threads(threads)
mg.manual_seed(0)

local N = 20000
local a, b = mg.randn(4, {requires_grad = true}), mg.randn(4, {requires_grad = true})
local function iteration()
  local c = ((a * b + a):tanh()):sum()
  c:backward()
end

for _ = 1, 200 do iteration() end
local t = bench.clock()
for _ = 1, N do iteration() end
local dt = bench.clock() - t
bench.emit{workload = 'small_ops', metric = 'microseconds_per_iteration', value = dt / N * 1e6,
           iterations = N, threads = threads, peak_rss_kb = bench.vmhwm_kb(),
           note = 'one iteration = mul, add, tanh, sum forward + backward on 4-element tensors'}
