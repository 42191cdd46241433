-- overhead: per-call time of `a + b` on 4-element float32 tensors from Lua: 10^4 warm-up
-- calls, then 3 batches of 10^6 calls; microseconds per call (the fastest batch, and the
-- mean over all). The loop's own cost, measured with `a` returned alone, is subtracted.
-- usage: moongrad tests/bench/overhead.lua [threads=2]      prints one JSON line
local mg = require 'moongrad'
local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')

local threads = math.tointeger(tonumber(arg[1] or 2))
mg.set_num_threads(threads)
mg.manual_seed(0)

local N, BATCHES = 1000000, 3
local a, b = mg.rand(4), mg.rand(4)
local clock = bench.clock

local function batch_add()
  local t = clock()
  for _ = 1, N do local r = a + b end
  return clock() - t
end

local function batch_empty()
  local t = clock()
  for _ = 1, N do local r = a end
  return clock() - t
end

for _ = 1, 10000 do local r = a + b end
local loop = batch_empty()
local best, total = math.huge, 0
for _ = 1, BATCHES do
  local dt = batch_add()
  best, total = math.min(best, dt), total + dt
end

collectgarbage()
local live = mg.memory()
bench.emit{workload = 'overhead', metric = 'microseconds_per_call', op = 'a + b, 4-element float32',
           value = (best - loop) / N * 1e6, mean_us = (total / BATCHES - loop) / N * 1e6,
           loop_us = loop / N * 1e6, calls = N * BATCHES, threads = threads,
           live_bytes_after = live, lua_kb_after = collectgarbage('count')}
