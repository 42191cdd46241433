-- tabular_bce (WORKLOADS.md): examples/tabular_bce.lua on breast_cancer.csv; the time of the
-- 100 training epochs (as the PyTorch reference times them) and the test accuracy.
-- usage: moongrad tests/bench/tabular_bce.lua [threads=2] [DATA_DIR=../shared/data]
local mg = require 'moongrad'
local here = arg[0]:match('^(.*/)') or './'
local bench = dofile(here .. 'common.lua')

local threads = math.tointeger(tonumber(arg[1] or 2))
local csv = (arg[2] or here .. '../../../shared/data') .. '/uci/breast_cancer.csv'
mg.set_num_threads(threads)

-- The example's printed lines, captured.
local lines, print_ = {}, print
print = function(...) lines[#lines + 1] = table.concat({...}, '\t') end
-- no validation split: the reference trains on the whole training part
arg = {[0] = here .. '../../examples/tabular_bce.lua', csv, '--validation', '0'}
dofile(arg[0])
print = print_
local text = table.concat(lines, '\n')
bench.emit{workload = 'tabular_bce', metric = 'seconds_for_100_epochs', threads = threads,
           value = tonumber(text:match('training seconds: ([%d.]+)')),
           test_accuracy = tonumber(text:match('test accuracy: ([%d.]+)')),
           peak_rss_kb = bench.vmhwm_kb()}
