-- gemm: float32 n x n matrix product through mg.matmul, n = 256, 1024, 2048; 3 warm-up
-- products, then 20 timed ones (5 for n = 2048). GFLOP/s = 2 n^3 / seconds per product, from
-- the mean (by_size, as ref.py) and from the fastest product (best_by_size, less noisy).
-- usage: moongrad tests/bench/gemm.lua [threads=2]      prints one JSON line
local mg = require 'moongrad'
local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')

local threads = math.tointeger(tonumber(arg[1] or 2))
mg.set_num_threads(threads)
mg.manual_seed(0)

local by_size, best_by_size, seconds = {}, {}, {}
for _, n in ipairs{256, 1024, 2048} do
  local a, b = mg.randn(n, n), mg.randn(n, n)
  local dt, best = bench.time(3, n < 2048 and 20 or 5, function() return mg.matmul(a, b) end)
  by_size[tostring(n)] = 2 * n ^ 3 / dt / 1e9
  best_by_size[tostring(n)] = 2 * n ^ 3 / best / 1e9
  seconds[tostring(n)] = dt
end

local blas = mg.config().blas
bench.emit{workload = 'gemm', metric = 'gflops', value = by_size['1024'], by_size = by_size,
           best_by_size = best_by_size,
           seconds = seconds, threads = threads, blas_core = blas.core or blas.error}
