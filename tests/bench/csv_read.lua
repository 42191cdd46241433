-- csv_read (WORKLOADS.md): seconds to read the 1 000 000-row event log into typed columns
-- (the reference times pandas.read_csv once in a fresh process; this times the first read
-- the same way, then two more for the best). scripts/bench.sh writes the log with
-- ../shared/bench/gen_events.py when it is missing.
-- usage: moongrad tests/bench/csv_read.lua [path=/tmp/bench_events_1m.csv] [threads=2]
--        prints one JSON line
local mg = require 'moongrad'
local bench = dofile((arg[0]:match('^(.*/)') or './') .. 'common.lua')
local read_csv = require('moongrad.frame').read_csv

local path = arg[1] or '/tmp/bench_events_1m.csv'
local threads = math.tointeger(tonumber(arg[2] or 2))
mg.set_num_threads(threads)

local function read()
  local t = bench.clock()
  local df = read_csv(path)
  return bench.clock() - t, df
end

local first, df = read()
local rows, dtypes = #df, df:dtypes()
df = nil
collectgarbage()
local best = first
for _ = 1, 2 do best = math.min(best, (read())) end
local f = assert(io.open(path, 'rb'))
local mb = f:seek('end') / 1e6
f:close()
bench.emit{workload = 'csv_read', metric = 'seconds', value = first, best_s = best, rows = rows,
           mb = mb, threads = threads, peak_rss_kb = bench.vmhwm_kb(),
           amount = dtypes.amount, country = dtypes.country,
           note = 'value: the first read in this process, as the reference does; best of 3 in best_s'}
