-- elementwise: `a + b` and `a * b + c` on 10^7 float32 (mg.rand); 3 warm-up evaluations,
-- then 20 timed ones; seconds per evaluation (mean, and the fastest one).
-- usage: moongrad tests/bench/elementwise.lua [threads=2]      prints one JSON line
local mg = require 'moongrad'
local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')

local threads = math.tointeger(tonumber(arg[1] or 2))
mg.set_num_threads(threads)
mg.manual_seed(0)

local N, WARM, REPS = 10000000, 3, 20
local a, b, c = mg.rand(N), mg.rand(N), mg.rand(N)

local add, add_min = bench.time(WARM, REPS, function() return a + b end)
local muladd, muladd_min = bench.time(WARM, REPS, function() return a * b + c end)

-- Spot check, so that the timed work is known to be the right work.
local i = 12345
local ok = math.abs((a + b)[i]:item() - (a[i]:item() + b[i]:item())) < 1e-6 and
           math.abs((a * b + c)[i]:item() - (a[i]:item() * b[i]:item() + c[i]:item())) < 1e-5
local live, cached = mg.memory()
bench.emit{workload = 'elementwise', metric = 'seconds_per_op', n = N, threads = threads,
           add_s = add, add_min_s = add_min, muladd_s = muladd, muladd_min_s = muladd_min,
           check = ok, live_bytes = live, cached_bytes = cached}
