-- Prints the benchmark table from the results scripts/bench.sh collected in one directory:
-- NAME.json (the run's last JSON line), NAME.rss (peak RSS in KiB, from /usr/bin/time) and
-- NAME.err (why a run gave no result). Plain Lua 5.4; run by moongrad or lua5.4.
--   usage: report.lua DIR
local dir = assert(arg[1], 'usage: report.lua DIR')

-- ---- a small JSON reader: enough for the one-line objects the runs print ----------------
local decode
do
  local escapes = {b = '\b', f = '\f', n = '\n', r = '\r', t = '\t'}
  local function skip(s, i) return s:find('[^ \t\r\n]', i) or #s + 1 end
  local function value(s, i)
    i = skip(s, i)
    local ch = s:sub(i, i)
    if ch == '{' or ch == '[' then
      local obj, close = {}, ch == '{' and '}' or ']'
      i = skip(s, i + 1)
      if s:sub(i, i) == close then return obj, i + 1 end
      while true do
        local k, v
        if close == '}' then
          k, i = value(s, i)
          i = skip(s, i)
          assert(s:sub(i, i) == ':', 'expected : at ' .. i)
          v, i = value(s, i + 1)
          obj[k] = v
        else
          v, i = value(s, i)
          obj[#obj + 1] = v
        end
        i = skip(s, i)
        local sep = s:sub(i, i)
        if sep == close then return obj, i + 1 end
        assert(sep == ',', 'expected , at ' .. i)
        i = i + 1
      end
    elseif ch == '"' then
      local out, j = {}, i + 1
      while true do
        local c = s:sub(j, j)
        if c == '"' then return table.concat(out), j + 1 end
        if c == '\\' then
          local e = s:sub(j + 1, j + 1)
          if e == 'u' then
            out[#out + 1] = utf8.char(tonumber(s:sub(j + 2, j + 5), 16))
            j = j + 6
          else
            out[#out + 1] = escapes[e] or e
            j = j + 2
          end
        else
          assert(c ~= '', 'unterminated string')
          out[#out + 1] = c
          j = j + 1
        end
      end
    end
    for word, v in pairs{['true'] = true, ['false'] = false, null = false, NaN = false,
                         Infinity = false} do
      if s:sub(i, i + #word - 1) == word then return v or nil, i + #word end
    end
    local num = s:match('^-?[%d.]+[eE]?[-+]?%d*', i)
    assert(num, 'bad JSON at ' .. i)
    return tonumber(num), i + #num
  end
  decode = function(s) return (value(s, 1)) end
end

local function read(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read('a')
  f:close()
  return s
end

-- Best of the rounds, field by field: the largest GFLOP/s, the smallest time; memory and
-- counts keep their largest value.
local function lower_is_better(key, metric)
  if key == 'by_size' or key == 'best_by_size' then return false end
  if key == 'seconds' or key:match('_s$') or key:match('_us$') then return true end
  if key == 'value' then return metric ~= 'gflops' end
  return nil -- not a measurement: keep the largest
end
local function merge(best, r, metric, lower)
  for k, v in pairs(r) do
    local b, l = best[k], lower
    if l == nil then l = lower_is_better(k, metric) end
    if type(v) == 'table' and type(b) == 'table' then
      merge(b, v, metric, l)
    elseif type(v) == 'number' and type(b) == 'number' then
      best[k] = l and math.min(b, v) or math.max(b, v)
    elseif b == nil then
      best[k] = v
    end
  end
end

local function load(path)
  local text, line = read(path)
  for l in (text or ''):gmatch('[^\n]+') do if l:match('^%s*{') then line = l end end
  if not line then return nil end
  local ok, v = pcall(decode, line)
  if ok then return v end
  return nil, 'unreadable output: ' .. tostring(v)
end

-- runs[NAME]: result (merged over rounds), rounds (each round's result), err, rss_kb.
local rounds = math.tointeger(tonumber(arg[2] or 1))
local runs = setmetatable({}, {__index = function(t, name)
  local r = {name = name, rounds = {}}
  for k = 1, rounds do
    local base = string.format('%s/%s.r%d', dir, name, k)
    local v, bad = load(base .. '.json')
    local err = bad or (read(base .. '.err') or ''):match('[^\n]+')
    if v then
      r.rounds[#r.rounds + 1] = v
      if r.result then merge(r.result, v, v.metric)
      else r.result = load(base .. '.json') end
    end
    if err then r.err = string.format('%s (round %d)', err, k) end
    local rss = tonumber((read(base .. '.rss') or ''):match('(%d+)%s*$')) or (v and v.vmhwm_kb)
    if rss and (not r.rss_kb or rss > r.rss_kb) then r.rss_kb = rss end
    r.ran = r.ran or v ~= nil or err ~= nil
  end
  rawset(t, name, r)
  return r
end})

local function get(name, ...)
  local v = runs[name].result
  for _, k in ipairs{...} do
    if type(v) ~= 'table' then return nil end
    v = v[k]
  end
  return type(v) == 'number' and v or nil
end

local function fmt(v, spec)
  if v == nil then return '-' end
  return string.format(spec or '%.1f', v)
end

local function ratio(x, y) return x and y and y > 0 and x / y or nil end

local function verdict(v, op, target)
  if not v then return 'n/a' end
  local ok = (op == '>=' and v >= target) or (op == '<=' and v <= target)
  return string.format('%s (target %s %g)', ok and 'PASS' or 'FAIL', op, target)
end

local function row(widths, cells)
  local out = {}
  for i, c in ipairs(cells) do
    out[#out + 1] = i == 1 and string.format('%-' .. widths[i] .. 's', c)
                    or string.format('%' .. widths[i] .. 's', c)
  end
  print('  ' .. table.concat(out, '  '))
end

local notes = {}
local function note(s) notes[#notes + 1] = s end
local function status(name, label)
  local r = runs[name]
  if r.err then note(string.format('%s: %s', label, r.err)) end
end

-- ---- header ----------------------------------------------------------------------------
print((read(dir .. '/header.txt') or ''):gsub('\n$', '') .. '')
print()

-- ---- gemm ------------------------------------------------------------------------------
local cores = {'unset', 'Haswell', 'SkylakeX', 'Cooperlake', 'Zen'}
-- The fastest direct OpenBLAS kernel at size n by one figure ('by_size': mean time,
-- 'best_by_size': fastest single product): its GFLOP/s and its core name.
local function best_blas(field, n)
  local best, which
  for _, c in ipairs(cores) do
    local v = get('blas_' .. c, field, n)
    if v and (not best or v > best) then best, which = v, c end
  end
  return best, which
end
local _, best_core = best_blas('by_size', '1024')

print('gemm: float32 n x n matmul, GFLOP/s from the mean time (higher is better), 2 threads')
local mg_core = runs.mg_gemm.result and runs.mg_gemm.result.blas_core
local same = nil
for _, c in ipairs(cores) do if c == mg_core then same = 'blas_' .. c end end
local w = {5, 9, 10, 18, 8, 8, 8, 8, 10}
row(w, {'n', 'moongrad', 'OB ' .. tostring(mg_core or '?'), 'OB best (core)', 'PyTorch', 'PT SKX',
        'mg/OB', 'mg/OB', 'mg/PT'})
row(w, {'', '', '', '', '', '', 'same', 'best', ''})
local gemm_checks = {}
for _, n in ipairs{'256', '1024', '2048'} do
  local m = get('mg_gemm', 'by_size', n)
  local b, which = best_blas('by_size', n)
  local sm = same and get(same, 'by_size', n)
  local pd, ps = get('torch_gemm', 'by_size', n), get('torch_gemm_skx', 'by_size', n)
  local rb, rp = ratio(m, b), ratio(m, pd)
  row(w, {n, fmt(m), fmt(sm), b and string.format('%.1f (%s)', b, which) or '-', fmt(pd), fmt(ps),
          fmt(ratio(m, sm), '%.2f'), fmt(rb, '%.2f'), fmt(rp, '%.2fx')})
  if n ~= '256' then
    gemm_checks[#gemm_checks + 1] = string.format('n=%s mg/OpenBLAS best %s; mg/PyTorch %s', n,
      verdict(rb, '>=', 0.90), verdict(rp, '>=', 1.7))
  end
end
print('  OB: cblas_sgemm called directly from C (same core: the one moongrad loaded; best: the')
print('  fastest OPENBLAS_CORETYPE); PT: PyTorch ref.py, default and OPENBLAS_CORETYPE=SkylakeX')
local fast = {}
for _, n in ipairs{'256', '1024', '2048'} do
  local m, b = get('mg_gemm', 'best_by_size', n), best_blas('best_by_size', n)
  fast[#fast + 1] = string.format('n=%s %s/%s = %s', n, fmt(m, '%.0f'), fmt(b, '%.0f'), fmt(ratio(m, b), '%.2f'))
end
print('  fastest single product, moongrad/OB best (less noisy): ' .. table.concat(fast, '; '))
local parts = {}
for _, c in ipairs(cores) do
  local r = runs['blas_' .. c].result
  if r then
    parts[#parts + 1] = string.format('%s%s: %s/%s/%s', c,
      c == 'unset' and ' (' .. tostring(r.core) .. ')' or (r.core ~= c and ' (got ' .. tostring(r.core) .. ')' or ''),
      fmt(r.by_size['256'], '%.0f'), fmt(r.by_size['1024'], '%.0f'), fmt(r.by_size['2048'], '%.0f'))
  end
end
if #parts > 0 then
  print('  direct cblas_sgemm by OPENBLAS_CORETYPE (n = 256/1024/2048):')
  for i = 1, #parts, 3 do print('    ' .. table.concat(parts, '; ', i, math.min(i + 2, #parts))) end
end
for _, s in ipairs(gemm_checks) do print('  ' .. s) end
print()

-- ---- elementwise -------------------------------------------------------------------------
print('elementwise: 10^7 float32, milliseconds per op (mean of 20; lower is better)')
local function ms(name, key)
  local v = get(name, key)
  return v and v * 1e3
end
w = {7, 8, 8, 8, 9, 9, 8}
row(w, {'op', 'mg 2thr', 'mg 1thr', 'C fresh', 'C reused', 'C 2-pass', 'PyTorch'})
local ew = {}
for _, op in ipairs{{'a+b', 'add'}, {'a*b+c', 'muladd'}} do
  local label, k = op[1], op[2]
  local e = {label = label, m2 = ms('mg_ew2', k .. '_s'), m1 = ms('mg_ew1', k .. '_s'),
             c = ms('c_ew', k .. '_s'), cr = ms('c_ew', k .. '_reused_s'),
             c2 = k == 'muladd' and ms('c_ew', 'muladd_2pass_s') or nil,
             pt = ms('torch_small', k .. '_s')}
  ew[#ew + 1] = e
  row(w, {label, fmt(e.m2, '%.2f'), fmt(e.m1, '%.2f'), fmt(e.c, '%.2f'), fmt(e.cr, '%.2f'),
          k == 'muladd' and fmt(e.c2, '%.2f') or '', fmt(e.pt, '%.2f')})
end
print('  C: one thread, -O2. fresh: output malloc\'d (and freed) every op, as moongrad allocates')
print('  its result (the target\'s base); reused: one output buffer; 2-pass: tmp = a*b; tmp + c.')
w = {7, 13, 13, 14, 14, 13}
row(w, {'ratio', 'mg2/C fresh', 'mg1/C fresh', 'mg2/C reused', 'mg1/C reused', 'mg2/PyTorch'})
local ew_checks = {}
for _, e in ipairs(ew) do
  local r2, r1 = ratio(e.m2, e.c), ratio(e.m1, e.c)
  row(w, {e.label, fmt(r2, '%.2f'), fmt(r1, '%.2f'), fmt(ratio(e.m2, e.cr), '%.2f'),
          fmt(ratio(e.m1, e.cr), '%.2f'), fmt(ratio(e.m2, e.pt), '%.2f')})
  ew_checks[#ew_checks + 1] = string.format('%s: mg 2thr/C %s; mg 1thr/C %s', e.label,
    verdict(r2, '<=', 1.3), verdict(r1, '<=', 1.3))
end
for _, s in ipairs(ew_checks) do print('  ' .. s) end
for _, name in ipairs{'mg_ew2', 'mg_ew1'} do
  local r = runs[name].result
  if r and r.check == false then note(name .. ': the spot check of the results FAILED') end
end
print()

-- ---- overhead -------------------------------------------------------------------------------
print('overhead: a + b on 4-element float32 tensors, microseconds per call (best of 3 x 10^6)')
w = {10, 10, 10, 12}
row(w, {'moongrad', 'PyTorch', 'mg/PyTorch', ''})
local ov, pt = get('mg_overhead', 'value'), get('torch_small', 'overhead_us')
row(w, {fmt(ov, '%.3f'), fmt(pt, '%.3f'), fmt(ratio(ov, pt), '%.2f'), ''})
print('  moongrad ' .. verdict(ov, '<=', 0.5) ..
      (get('mg_overhead', 'mean_us') and string.format('; mean of the 3 batches %.3f us', get('mg_overhead', 'mean_us')) or ''))
print()

-- ---- training ---------------------------------------------------------------------------------
print('training: small_ops (us per iteration) and mlp_mnist (s per epoch), moongrad/PyTorch')
w = {28, 10, 10, 10, 10}
row(w, {'', 'moongrad', 'PyTorch', 'ratio', 'PT SkylakeX'})
local so, pso = get('mg_small_ops', 'value'), get('torch_small_ops', 'value')
row(w, {'small_ops, us/iteration', fmt(so, '%.2f'), fmt(pso, '%.2f'), fmt(ratio(so, pso), '%.3f'), ''})
local ml, pml, pml_skx = get('mg_mlp', 'value'), get('torch_mlp', 'value'), get('torch_mlp_skx', 'value')
local best_pml = pml and pml_skx and math.min(pml, pml_skx) or pml or pml_skx
row(w, {'mlp_mnist, s/epoch', fmt(ml, '%.2f'), fmt(pml, '%.2f'), fmt(ratio(ml, pml), '%.3f'), fmt(pml_skx, '%.2f')})
local rss = function(name) return runs[name].rss_kb or get(name, 'peak_rss_kb') end
local mr, pmr = rss('mg_mlp'), rss('torch_mlp')
row(w, {'mlp_mnist, peak RSS MiB', fmt(mr and mr / 1024, '%.0f'), fmt(pmr and pmr / 1024, '%.0f'),
        fmt(ratio(mr, pmr), '%.3f'), ''})
row(w, {'mlp_mnist, test accuracy', fmt(get('mg_mlp', 'test_accuracy'), '%.4f'),
        fmt(get('torch_mlp', 'test_accuracy'), '%.4f'), '', ''})
print('  small_ops ' .. verdict(ratio(so, pso), '<=', 0.25) .. '; mlp_mnist time ' ..
      verdict(ratio(ml, pml), '<=', 0.5) .. ' (vs the faster PyTorch: ' .. fmt(ratio(ml, best_pml), '%.3f') ..
      '); peak memory ' .. verdict(ratio(mr, pmr), '<=', 0.5))
print()

-- ---- startup ------------------------------------------------------------------------------
print('startup: a fresh process printing a random 2x2 tensor (s, best of 5), moongrad/PyTorch')
w = {28, 10, 10, 10}
row(w, {'', 'moongrad', 'PyTorch', 'ratio'})
local st_script, st_prompt, pst = get('mg_startup', 'script_s'), get('mg_startup', 'prompt_s'),
                                  get('torch_startup', 'value')
row(w, {'script (moongrad -e)', fmt(st_script, '%.4f'), fmt(pst, '%.3f'), fmt(ratio(st_script, pst), '%.4f')})
row(w, {'prompt (piped to moongrad)', fmt(st_prompt, '%.4f'), fmt(pst, '%.3f'), fmt(ratio(st_prompt, pst), '%.4f')})
print('  prompt ' .. verdict(ratio(st_prompt, pst), '<=', 1 / 20))
print()

-- ---- tables ---------------------------------------------------------------------------------
print('tables: csv_read (s, the first read in a fresh process) and tabular_bce (s for 100 epochs)')
w = {30, 10, 10, 10}
row(w, {'', 'moongrad', 'reference', 'ratio'})
local cr, pcr = get('mg_csv_read', 'value'), get('pandas_csv_read', 'value')
row(w, {'csv_read vs pandas.read_csv', fmt(cr, '%.3f'), fmt(pcr, '%.3f'), fmt(ratio(cr, pcr), '%.3f')})
local cm, pcm = rss('mg_csv_read'), rss('pandas_csv_read')
row(w, {'csv_read, peak RSS MiB', fmt(cm and cm / 1024, '%.0f'), fmt(pcm and pcm / 1024, '%.0f'), fmt(ratio(cm, pcm), '%.3f')})
local tb, ptb = get('mg_tabular', 'value'), get('torch_tabular', 'value')
row(w, {'tabular_bce vs PyTorch', fmt(tb, '%.2f'), fmt(ptb, '%.2f'), fmt(ratio(tb, ptb), '%.3f')})
local tm, ptm = rss('mg_tabular'), rss('torch_tabular')
row(w, {'tabular_bce, peak RSS MiB', fmt(tm and tm / 1024, '%.0f'), fmt(ptm and ptm / 1024, '%.0f'), fmt(ratio(tm, ptm), '%.3f')})
row(w, {'tabular_bce, test accuracy', fmt(get('mg_tabular', 'test_accuracy'), '%.4f'),
        fmt(get('torch_tabular', 'test_accuracy'), '%.4f'), ''})
print('  csv_read ' .. verdict(ratio(cr, pcr), '<=', 1 / 3) .. '; tabular_bce ' .. verdict(ratio(tb, ptb), '<=', 0.5))
print()

-- ---- profiles -------------------------------------------------------------------------------
print('profiles: profile_agg (s, excluding the read) and kmeans (s for 25 Lloyd iterations)')
w = {30, 10, 10, 10}
row(w, {'', 'moongrad', 'reference', 'ratio'})
local pa, ppa = get('mg_profile_agg', 'value'), get('pandas_profile_agg', 'value')
row(w, {'profile_agg vs pandas', fmt(pa, '%.3f'), fmt(ppa, '%.3f'), fmt(ratio(pa, ppa), '%.3f')})
local km, skm = get('mg_kmeans', 'value'), get('sklearn_kmeans', 'value')
row(w, {'kmeans vs scikit-learn', fmt(km, '%.3f'), fmt(skm, '%.3f'), fmt(ratio(km, skm), '%.3f')})
row(w, {'kmeans, peak RSS MiB', fmt(rss('mg_kmeans') and rss('mg_kmeans') / 1024, '%.0f'),
        fmt(rss('sklearn_kmeans') and rss('sklearn_kmeans') / 1024, '%.0f'), fmt(ratio(rss('mg_kmeans'), rss('sklearn_kmeans')), '%.3f')})
print('  profile_agg ' .. verdict(ratio(pa, ppa), '<=', 0.25) .. '; kmeans ' .. verdict(ratio(km, skm), '<=', 0.8)
      .. ' (inertia: the data differ, moongrad\'s generator vs numpy\'s)')
print()

-- ---- peak memory ----------------------------------------------------------------------------
print('peak memory (max RSS, MiB)')
local mem = {
  {'mg_gemm', 'moongrad gemm'}, {'mg_ew2', 'moongrad elementwise, 2 threads'},
  {'mg_ew1', 'moongrad elementwise, 1 thread'}, {'mg_overhead', 'moongrad overhead'},
  {'blas_' .. (best_core or 'unset'), 'OpenBLAS direct gemm (' .. (best_core or 'unset') .. ')'},
  {'c_ew', 'C elementwise'}, {'torch_gemm', 'PyTorch gemm'}, {'torch_small', 'PyTorch elementwise + overhead'},
  {'mg_small_ops', 'moongrad small_ops'}, {'torch_small_ops', 'PyTorch small_ops'},
  {'mg_mlp', 'moongrad mlp_mnist'}, {'torch_mlp', 'PyTorch mlp_mnist'}}
for _, m in ipairs(mem) do
  local r = runs[m[1]]
  if r.ran then print(string.format('  %-36s %8s', m[2], fmt(r.rss_kb and r.rss_kb / 1024, '%.0f'))) end
end
print('  (elementwise holds a, b, c: 3 x 38 MiB; gemm n=2048 holds a, b and results: 3 x 16 MiB)')

-- ---- noise: how far each run's headline figure moved between rounds -----------------------
local headline = {mg_gemm = {'by_size', '1024'}, torch_gemm = {'by_size', '1024'},
                  torch_gemm_skx = {'by_size', '1024'}, mg_ew2 = {'add_s'}, mg_ew1 = {'add_s'},
                  c_ew = {'add_s'}, mg_overhead = {'value'}, torch_small = {'overhead_us'},
                  mg_small_ops = {'value'}, torch_small_ops = {'value'}, mg_mlp = {'value'},
                  torch_mlp = {'value'}, torch_mlp_skx = {'value'}, mg_startup = {'value'},
                  torch_startup = {'value'}, mg_csv_read = {'value'}, pandas_csv_read = {'value'},
                  mg_tabular = {'value'}, torch_tabular = {'value'}, mg_profile_agg = {'value'},
                  pandas_profile_agg = {'value'}, mg_kmeans = {'value'}, sklearn_kmeans = {'value'}}
for _, c in ipairs(cores) do headline['blas_' .. c] = {'by_size', '1024'} end
local spread = {}
for name, path in pairs(headline) do
  local lo, hi
  for _, r in ipairs(runs[name].rounds) do
    local v = r
    for _, k in ipairs(path) do v = type(v) == 'table' and v[k] or nil end
    if type(v) == 'number' then lo, hi = math.min(lo or v, v), math.max(hi or v, v) end
  end
  if lo and hi > lo * 1.1 then
    spread[#spread + 1] = string.format('%s %s %.3g..%.3g', name, path[#path], lo, hi)
  end
end
table.sort(spread)
if #spread > 0 then
  note('rounds differed by more than 10% (noise from other work on the machine): ' ..
       table.concat(spread, ', '))
end

-- ---- notes ----------------------------------------------------------------------------------
local labels = {mg_gemm = 'moongrad gemm', mg_ew2 = 'moongrad elementwise (2 threads)',
                mg_ew1 = 'moongrad elementwise (1 thread)', mg_overhead = 'moongrad overhead',
                c_ew = 'C elementwise', torch_gemm = 'PyTorch gemm', torch_gemm_skx = 'PyTorch gemm SkylakeX',
                torch_small = 'PyTorch elementwise/overhead', mg_small_ops = 'moongrad small_ops',
                torch_small_ops = 'PyTorch small_ops', mg_mlp = 'moongrad mlp_mnist',
                torch_mlp = 'PyTorch mlp_mnist', torch_mlp_skx = 'PyTorch mlp_mnist SkylakeX',
                mg_startup = 'moongrad startup', torch_startup = 'PyTorch startup',
                mg_csv_read = 'moongrad csv_read', pandas_csv_read = 'pandas csv_read',
                mg_tabular = 'moongrad tabular_bce', torch_tabular = 'PyTorch tabular_bce',
                mg_profile_agg = 'moongrad profile_agg', pandas_profile_agg = 'pandas profile_agg',
                mg_kmeans = 'moongrad kmeans', sklearn_kmeans = 'scikit-learn kmeans'}
for _, c in ipairs(cores) do labels['blas_' .. c] = 'OpenBLAS direct (' .. c .. ')' end
local names = {}
for name in pairs(labels) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do status(name, labels[name]) end
for l in (read(dir .. '/notes.txt') or ''):gmatch('[^\n]+') do note(l) end
if #notes > 0 then
  print()
  print('notes:')
  for _, n in ipairs(notes) do print('  - ' .. n) end
end
