-- moongrad.plot (mg.plot): line, scatter and histogram plots, drawn in the terminal with
-- Unicode braille and block characters, or as SVG.
--
--   print(mg.plot.line(losses, {title = 'loss', xlabel = 'epoch'}))   -- in the terminal
--   mg.plot.line{{y = train, label = 'train'}, {y = val, label = 'val'}}:save('loss.svg')
--   print(mg.plot.scatter(x, y))     print(mg.plot.hist(w, {bins = 20}))
--
-- A plot keeps its data as float64 tensors and is drawn when shown. Every pass over the
-- data is a tensor op: limits, binning, the dots a scatter lights, and the downsampling of
-- long lines to a few points per pixel column. Lua loops run over what is drawn: the
-- character grid, the kept points of a line, the SVG elements.
local mg = require 'moongrad'

local plot = {}

local INF = math.huge
local F64 = {dtype = 'float64'}
local I64 = {dtype = 'int64'}

-- The colours of successive series: matplotlib's tab10.
plot.palette = {'#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2',
                '#7f7f7f', '#bcbd22', '#17becf'}

-- ---- errors ------------------------------------------------------------------------------

local check = require 'moongrad.check'
local describe, shape_str = check.describe, check.shape_str
local fail, public = check.fail, check.public

local function is_plain_table(v) return type(v) == 'table' and getmetatable(v) == nil end

-- ---- options -----------------------------------------------------------------------------

-- Each check returns the value to keep (intervals are copied: the caller may change theirs).
local function check_string(who, name, v)
  if type(v) ~= 'string' then fail('%s: %s must be a string, got %s', who, name, describe(v)) end
  return v
end

local function check_boolean(who, name, v)
  if type(v) ~= 'boolean' then fail('%s: %s must be true or false, got %s', who, name, describe(v)) end
  return v
end

local function integer_check(lo, hi)
  return function(who, name, v)
    if math.type(v) ~= 'integer' or v < lo or v > hi then
      fail('%s: %s must be an integer from %d to %d, got %s', who, name, lo, hi, tostring(v))
    end
    return v
  end
end

-- {lo, hi}: two finite numbers, lo < hi.
local function check_interval(who, name, v)
  local ok = is_plain_table(v) and #v == 2 and type(v[1]) == 'number' and type(v[2]) == 'number'
             and math.abs(v[1]) < INF and math.abs(v[2]) < INF and v[1] < v[2]
  if ok then return {v[1], v[2]} end
  local got = describe(v)
  if is_plain_table(v) then
    local parts = {}
    for i = 1, #v do parts[i] = tostring(v[i]) end
    got = '{' .. table.concat(parts, ', ') .. '}'
  end
  fail('%s: %s must be {lo, hi}, two finite numbers with lo < hi, got %s', who, name, got)
end

local TERMINAL_CHECKS = {
  title = check_string, xlabel = check_string, ylabel = check_string,
  width = integer_check(1, 1000), height = integer_check(1, 1000),   -- characters
  xlim = check_interval, ylim = check_interval, range = check_interval,
  legend = check_boolean, logy = check_boolean, color = check_boolean, density = check_boolean,
  bins = integer_check(1, 1000000),
}
local SVG_CHECKS = {width = integer_check(150, 10000), height = integer_check(120, 10000)} -- pixels

-- The options a function takes: {names = set of names, checks = name -> check, list = 'a, b'}.
local function options(names, checks)
  local set = {}
  for _, k in ipairs(names) do set[k] = true end
  table.sort(names)
  return {names = set, checks = checks, list = table.concat(names, ', ')}
end

local XY_OPTIONS = options({'title', 'xlabel', 'ylabel', 'width', 'height', 'xlim', 'ylim', 'legend',
                            'logy', 'color'}, TERMINAL_CHECKS)
local HIST_OPTIONS = options({'title', 'xlabel', 'ylabel', 'width', 'height', 'bins', 'range',
                              'density', 'color'}, TERMINAL_CHECKS)
local SVG_OPTIONS = options({'width', 'height'}, SVG_CHECKS)

-- A checked copy of opts (nil gives {}).
local function check_options(who, opts, accepted)
  if opts == nil then return {} end
  if not is_plain_table(opts) then fail('%s: expected an options table, got %s', who, describe(opts)) end
  local copy = {}
  for k, v in pairs(opts) do
    if not accepted.names[k] then
      fail("%s: unknown option '%s' (expected %s)", who, tostring(k), accepted.list)
    end
    copy[k] = accepted.checks[k](who, k, v)
  end
  return copy
end

-- ---- data --------------------------------------------------------------------------------

-- A 1-D float64 tensor of its own holding v: a numeric 1-D tensor or a Lua list of numbers.
-- `what` names v in messages ('y', 'series 2: x').
local function values_of(who, what, v)
  local t
  if mg.is_tensor(v) then
    if v.dtype == 'bool' then fail('%s: %s must hold numbers, got %s', who, what, describe(v)) end
    if v:dim() ~= 1 then
      fail('%s: %s must be a 1-D tensor or a list of numbers, got %s', who, what, describe(v))
    end
    v = v:detach()
    t = v.dtype == 'float64' and v:clone() or v:to('float64')
  elseif is_plain_table(v) then
    for i = 1, #v do
      if type(v[i]) ~= 'number' then fail('%s: %s[%d] is %s, expected a number', who, what, i, describe(v[i])) end
    end
    if #v == 0 and next(v) ~= nil then
      fail('%s: %s must be a tensor or a list of numbers, got a table with no list part', who, what)
    end
    t = mg.tensor(v, F64)
  else
    fail('%s: %s must be a tensor or a list of numbers, got %s', who, what, describe(v))
  end
  if t:numel() == 0 then fail('%s: %s is empty', who, what) end
  return t
end

local function is_finite(t) return t:abs():lt(INF) end

local function check_color(who, what, v)
  if type(v) ~= 'string' then fail("%s: %s must be '#rrggbb' or '#rgb', got %s", who, what, describe(v)) end
  local r, g, b = v:match('^#(%x)(%x)(%x)$')
  if r then return ('#' .. r .. r .. g .. g .. b .. b):lower() end
  if not v:match('^#%x%x%x%x%x%x$') then fail("%s: %s must be '#rrggbb' or '#rgb', got '%s'", who, what, v) end
  return v:lower()
end

local SERIES_FIELDS = {x = true, y = true, label = true, color = true}

-- One series {x, y, label, color} from a tensor or list of y values, or a table {x =, y =,
-- label =, color =}. `name` ('series 2') prefixes messages when there are several.
local function series_of(who, v, name, index)
  local at = name and (name .. ': ') or ''
  local s = {}
  if is_plain_table(v) and v[1] == nil and next(v) ~= nil then
    for k in pairs(v) do
      if not SERIES_FIELDS[k] then
        fail("%s: %sunknown field '%s' in a series (expected x, y, label, color)", who, at, tostring(k))
      end
    end
    if v.y == nil then fail('%s: %sa series table needs y values', who, at) end
    s.y = values_of(who, at .. 'y', v.y)
    if v.x ~= nil then
      s.x = values_of(who, at .. 'x', v.x)
      if s.x:numel() ~= s.y:numel() then
        fail('%s: %sx has %d values but y has %d', who, at, s.x:numel(), s.y:numel())
      end
    end
    if v.label ~= nil then check_string(who, at .. 'label', v.label) end
    s.label = v.label
    if v.color ~= nil then s.color = check_color(who, at .. 'color', v.color) end
  else
    s.y = values_of(who, at .. 'y', v)
  end
  s.x = s.x or mg.arange(1, s.y:numel() + 1, F64)
  s.color = s.color or plot.palette[(index - 1) % #plot.palette + 1]
  return s
end

-- The series of line's or scatter's first argument: one series, or a list of them.
local function series_list(who, data)
  if is_plain_table(data) and (is_plain_table(data[1]) or mg.is_tensor(data[1])) then
    local list = {}
    for i = 1, #data do list[i] = series_of(who, data[i], 'series ' .. i, i) end
    return list
  end
  if is_plain_table(data) and next(data) == nil then fail('%s: the series is empty', who) end
  return {series_of(who, data, nil, 1)}
end

-- min and max of t where mask is true (nil when it is nowhere true).
local function masked_range(t, mask)
  if mask:sum():item() == 0 then return nil end
  local off = mask:logical_not()
  return t:masked_fill(off, INF):min():item(), t:masked_fill(off, -INF):max():item()
end

-- A range of width 0 widened, so that a constant still draws (in the middle).
local function widen(lo, hi)
  if lo < hi then return lo, hi end
  local d = lo ~= 0 and math.abs(lo) * 0.1 or 1
  return lo - d, hi + d
end

-- ---- the Plot class ----------------------------------------------------------------------

local Plot = {__name = 'mg.plot.Plot'}
Plot.__index = Plot
plot.Plot = Plot

local function check_plot(who, p)
  if getmetatable(p) ~= Plot then fail('%s: expected a Plot (call it with a colon), got %s', who, describe(p)) end
end

-- A line or scatter plot of the series, with limits from opts or the data.
local function xy_plot(who, kind, series, opts)
  local p = setmetatable({kind = kind, series = series, opts = opts}, Plot)
  local xlo, xhi, ylo, yhi = INF, -INF, INF, -INF
  for _, s in ipairs(series) do
    if opts.logy then s.y = s.y:log() / math.log(10) end -- y <= 0 gives -inf or NaN: not drawn
    s.ok = is_finite(s.x):logical_and(is_finite(s.y))
    local a, b = masked_range(s.x, s.ok)
    if a then
      local c, d = masked_range(s.y, s.ok)
      xlo, xhi, ylo, yhi = math.min(xlo, a), math.max(xhi, b), math.min(ylo, c), math.max(yhi, d)
    end
  end
  if xlo == INF then fail('%s: no finite %svalues to plot', who, opts.logy and 'positive ' or '') end
  p.xrange = opts.xlim or {widen(xlo, xhi)}
  if opts.ylim and opts.logy then
    if opts.ylim[1] <= 0 then fail('%s: ylim must be positive with logy, got {%s, %s}', who, opts.ylim[1], opts.ylim[2]) end
    p.yrange = {math.log(opts.ylim[1], 10), math.log(opts.ylim[2], 10)}
  else
    p.yrange = opts.ylim or {widen(ylo, yhi)}
  end
  local labelled = 0
  for _, s in ipairs(series) do if s.label then labelled = labelled + 1 end end
  p.legend = opts.legend == nil and labelled > 1 or opts.legend == true
  return p
end

-- line(series [, opts]) -> Plot
plot.line = public(function(series, opts)
  opts = check_options('plot.line', opts, XY_OPTIONS)
  return xy_plot('plot.line', 'line', series_list('plot.line', series), opts)
end)

-- scatter(x, y [, opts]) or scatter(groups [, opts]) -> Plot
plot.scatter = public(function(x, y, opts)
  local who = 'plot.scatter'
  local series
  local grouped = is_plain_table(x) and ((x[1] == nil and next(x) ~= nil) or is_plain_table(x[1])
                                        or mg.is_tensor(x[1]))
  if grouped then
    if opts ~= nil then fail('%s: expected scatter(x, y [, opts]) or scatter(groups [, opts]), got a third argument after groups', who) end
    series, opts = series_list(who, x), y
  else
    local xs, ys = values_of(who, 'x', x), values_of(who, 'y', y)
    if xs:numel() ~= ys:numel() then fail('%s: x has %d values but y has %d', who, xs:numel(), ys:numel()) end
    series = {{x = xs, y = ys, color = plot.palette[1]}}
  end
  opts = check_options(who, opts, XY_OPTIONS)
  return xy_plot(who, 'scatter', series, opts)
end)

-- hist(values [, {bins = 10, range, density}]) -> Plot, with p.counts and p.edges as numpy's
-- histogram returns them.
plot.hist = public(function(values, opts)
  local who = 'plot.hist'
  local v = values_of(who, 'values', values)
  opts = check_options(who, opts, HIST_OPTIONS)
  local bins = opts.bins or 10
  local lo, hi
  if opts.range then
    lo, hi = opts.range[1], opts.range[2]
  else
    lo, hi = masked_range(v, is_finite(v))
    if not lo then fail('%s: no finite values to count', who) end
    if lo == hi then lo, hi = lo - 0.5, hi + 0.5 end -- as numpy
  end
  -- Bin indices as numpy computes them, including its correction of values that rounding
  -- put on the wrong side of an edge; values outside [lo, hi] (and NaN) count nowhere.
  local edges = mg.arange(0, bins + 1, F64) * ((hi - lo) / bins) + lo
  edges[bins + 1] = hi
  local inside = v:ge(lo):logical_and(v:le(hi))
  local idx = ((v - lo) * (bins / (hi - lo))):masked_fill(inside:logical_not(), 0):floor():long()
  idx = idx:clamp(0, bins - 1) + 1                                  -- 1-based; hi goes to the last bin
  idx = idx - v:lt(edges:index_select(1, idx)):long()
  idx = idx + v:ge(edges:index_select(1, idx + 1)):logical_and(idx:lt(bins)):long()
  idx = idx:clamp(1, bins)
  local counts = mg.zeros({bins}, F64):scatter_add(1, idx, inside:to('float64'))
  if opts.density then
    local total = counts:sum():item()
    counts = total > 0 and counts / (edges:narrow(1, 2, bins) - edges:narrow(1, 1, bins)) / total or counts
  end
  local top = counts:max():item()
  return setmetatable({kind = 'hist', opts = opts, counts = counts, edges = edges, legend = false,
                       series = {{color = plot.palette[1]}},
                       xrange = {lo, hi}, yrange = {0, top > 0 and top or 1}}, Plot)
end)

-- ---- drawing: shared geometry -----------------------------------------------------------

-- The indices (ascending, int64) of the points of a line worth drawing on `columns` pixel
-- columns, or nil for all of them when there are few. Long lines are cut into `columns`
-- runs of consecutive points, and of each run the first, the last, the lowest, the highest
-- and the first missing point are kept (M4 downsampling: for evenly spaced x the line
-- drawn through them lights the same pixels as the whole line; the missing point keeps a gap).
local function kept_indices(s, columns)
  local n = s.y:numel()
  if n <= 5 * columns then return nil end
  local len = (n + columns - 1) // columns
  local runs = (n + len - 1) // len
  local function by_run(t, fill)
    if runs * len > n then t = mg.cat({t, mg.full({runs * len - n}, fill, {dtype = t.dtype})}) end
    return t:view(runs, len)
  end
  local missing = s.ok:logical_not()
  local _, lowest = by_run(s.y:masked_fill(missing, INF), INF):min(2)
  local _, highest = by_run(s.y:masked_fill(missing, -INF), -INF):max(2)
  local _, first_missing = by_run(missing:to('float64'), 0):max(2) -- the run's first point when none
  local start = mg.arange(0, runs, I64) * len
  local idx = mg.cat({start + 1, start + lowest, start + highest, start + first_missing,
                      (start + len):clamp(nil, n)})
  return (idx:sort())
end

-- The part of the segment (x0, y0)-(x1, y1) inside the box {x0, y0, x1, y1}, as parameters
-- 0 <= t0 <= t1 <= 1 along it (Liang-Barsky); nil when none of it is inside.
local function clip_segment(x0, y0, x1, y1, box)
  local t0, t1 = 0, 1
  local function edge(p, q) -- one side of the box: p * t <= q
    if not t0 then return end
    if p == 0 then
      if q < 0 then t0 = nil end
    elseif p < 0 then
      local r = q / p
      if r > t1 then t0 = nil elseif r > t0 then t0 = r end
    else
      local r = q / p
      if r < t0 then t0 = nil elseif r < t1 then t1 = r end
    end
  end
  local dx, dy = x1 - x0, y1 - y0
  edge(-dx, x0 - box[1]); edge(dx, box[3] - x0); edge(-dy, y0 - box[2]); edge(dy, box[4] - y0)
  if not t0 then return nil end
  return t0, t1
end

local function finite(v) return v == v and v ~= INF and v ~= -INF end

-- The polyline through the points (Lua arrays xs, ys; a non-finite coordinate is a gap) cut
-- to the box: a list of connected pieces {x1, y1, x2, y2, ...}. A point with gaps on both
-- sides is a piece of its own (a dot), when it is in the box.
local function clip_polyline(xs, ys, box)
  local pieces, piece = {}, nil
  local n = #xs
  local function ok(i) return i >= 1 and i <= n and finite(xs[i]) and finite(ys[i]) end
  for i = 1, n do
    if ok(i) and ok(i - 1) then
      local x0, y0, x1, y1 = xs[i - 1], ys[i - 1], xs[i], ys[i]
      local t0, t1 = clip_segment(x0, y0, x1, y1, box)
      if t0 then
        if t0 > 0 or not piece then
          piece = {x0 + t0 * (x1 - x0), y0 + t0 * (y1 - y0)}
          pieces[#pieces + 1] = piece
        end
        piece[#piece + 1] = x0 + t1 * (x1 - x0)
        piece[#piece + 1] = y0 + t1 * (y1 - y0)
        if t1 < 1 then piece = nil end
      else
        piece = nil
      end
    else
      piece = nil
      if ok(i) and not ok(i + 1) and xs[i] >= box[1] and xs[i] <= box[3]
         and ys[i] >= box[2] and ys[i] <= box[4] then
        pieces[#pieces + 1] = {xs[i], ys[i]}
      end
    end
  end
  return pieces
end

-- The points of a line series to draw on `columns` pixel columns, in pixel coordinates
-- (Lua arrays): x maps [xlo, xhi] onto [left, right] and y [ylo, yhi] onto [bottom, top].
local function line_points(s, columns, xr, yr, left, right, bottom, top)
  local x, y = s.x, s.y
  local keep = kept_indices(s, columns)
  if keep then x, y = x:index_select(1, keep), y:index_select(1, keep) end
  local px = ((x - xr[1]) * ((right - left) / (xr[2] - xr[1])) + left):totable()
  local py = ((y - yr[1]) * ((top - bottom) / (yr[2] - yr[1])) + bottom):totable()
  return px, py
end

-- The cell of each point of a scatter series on a grid of cols x rows pixels, as a 1-based
-- row-major index from the top left (int64), 0 for a point off the grid or not finite: x
-- maps [xlo, xhi] onto columns 0 .. cols - 1 and y [ylo, yhi] onto rows rows - 1 .. 0, each
-- point to the nearest.
local function grid_cells(s, xr, yr, cols, rows)
  local gx = ((s.x - xr[1]) * ((cols - 1) / (xr[2] - xr[1])) + 0.5):floor()
  local gy = ((s.y - yr[2]) * ((rows - 1) / (yr[1] - yr[2])) + 0.5):floor()
  local on = gx:ge(0):logical_and(gx:le(cols - 1)):logical_and(gy:ge(0)):logical_and(gy:le(rows - 1))
  return (gy * cols + gx + 1):masked_fill(on:logical_not(), 0):long()
end

-- The distinct non-zero values of an int64 tensor, ascending: sorted, each run of equal
-- values is summed into a slot of its own with only its first element counted.
local function distinct_cells(cells)
  local sorted = (cells:sort())
  local n = sorted:numel()
  local starts = mg.cat({mg.ones({1}, I64), sorted:narrow(1, 2, n - 1):ne(sorted:narrow(1, 1, n - 1)):long()})
  local slot = starts:cumsum(1)
  local distinct = mg.zeros({slot[n]:item()}, I64):scatter_add(1, slot, sorted * starts)
  if distinct[1]:item() == 0 then distinct = distinct:narrow(1, 2, distinct:numel() - 1) end
  return distinct
end

-- ---- drawing: the terminal ---------------------------------------------------------------

local DEFAULT_WIDTH, DEFAULT_HEIGHT = 60, 15
local BLOCKS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}
-- The bit of each dot of a braille cell (U+2800 + bits), by its row (1..4) and column (1..2)
-- in the cell, shaped {1, 4, 1, 2} to multiply a dot grid viewed as {rows, 4, cols, 2}.
local BRAILLE_BITS = mg.tensor({{{{1, 8}}, {{2, 16}}, {{4, 32}}, {{64, 128}}}}, F64)

local RESET = '\27[0m'
local function ansi_colour(hex)
  return ('\27[38;2;%d;%d;%dm'):format(tonumber(hex:sub(2, 3), 16), tonumber(hex:sub(4, 5), 16),
                                       tonumber(hex:sub(6, 7), 16))
end

local function paint(text, hex, colored) return colored and ansi_colour(hex) .. text .. RESET or text end

-- A tick label of a linear axis spanning `span`: to about 3 significant digits of the span
-- (finer would claim more than a character grid resolves), integers as such.
local function tick_label(v, span)
  local decimals = math.max(0, 2 - math.floor(math.log(span, 10)))
  if decimals > 6 or math.abs(v) >= 1e7 then return (('%.4g'):format(v)) end
  local text = ('%.' .. decimals .. 'f'):format(v)
  if text:find('%.') then text = text:gsub('0+$', ''):gsub('%.$', '') end
  if text == '-0' then text = '0' end
  return text
end

-- A label of a log axis: the value 10^e, to 4 significant digits.
local function power_label(e) return (('%.4g'):format(10 ^ e)) end

-- The lit dots of a line series on a grid of cols x rows braille dots: the count per dot.
local function line_dots(s, xr, yr, cols, rows)
  local px, py = line_points(s, cols, xr, yr, 0, cols - 1, rows - 1, 0)
  local lit = {}
  local function dot(x, y)
    x = math.min(math.max(math.floor(x + 0.5), 0), cols - 1)
    y = math.min(math.max(math.floor(y + 0.5), 0), rows - 1)
    lit[#lit + 1] = y * cols + x + 1
  end
  for _, piece in ipairs(clip_polyline(px, py, {-0.5, -0.5, cols - 0.5, rows - 0.5})) do
    dot(piece[1], piece[2])
    for k = 3, #piece - 1, 2 do
      local x0, y0 = math.floor(piece[k - 2] + 0.5), math.floor(piece[k - 1] + 0.5)
      local x1, y1 = math.floor(piece[k] + 0.5), math.floor(piece[k + 1] + 0.5)
      local steps = math.max(math.abs(x1 - x0), math.abs(y1 - y0))
      for step = 1, steps do dot(x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps) end
    end
  end
  local counts = mg.zeros({rows * cols}, F64)
  if #lit > 0 then counts:scatter_add_(1, mg.tensor(lit, I64), mg.ones({#lit}, F64)) end
  return counts
end

-- The braille code (0..255) of each cell {height, width} of a dot grid.
local function braille_codes(dots, width, height)
  return (dots:gt(0):to('float64'):view(height, 4, width, 2) * BRAILLE_BITS):sum(4):sum(2)
end

-- The cells of a line or scatter plot: rows of characters (nil where blank) and the series
-- that drew each (the last one drawn on a shared cell).
local function braille_cells(p, width, height)
  local cols, rows = 2 * width, 4 * height
  local all = mg.zeros({rows * cols}, F64)
  local owner = mg.zeros({height, width}, F64)
  for i, s in ipairs(p.series) do
    local dots
    if p.kind == 'line' then
      dots = line_dots(s, p.xrange, p.yrange, cols, rows)
    else
      local cells = grid_cells(s, p.xrange, p.yrange, cols, rows)
      dots = mg.zeros({rows * cols}, F64):scatter_add(1, cells:clamp(1, nil), cells:gt(0):to('float64'))
    end
    all:add_(dots)
    owner = mg.where(braille_codes(dots, width, height):gt(0), i, owner)
  end
  local codes = braille_codes(all, width, height):totable()
  local cells = {}
  for r = 1, height do
    cells[r] = {}
    for c = 1, width do
      if codes[r][c] > 0 then cells[r][c] = utf8.char(0x2800 + math.tointeger(codes[r][c])) end
    end
  end
  return cells, owner:totable()
end

-- The cells of a histogram: a bar per bin, in eighths of a character, as tall as its count
-- relative to the largest (a non-zero count shows at least one eighth). With more bins than
-- columns a column shows the tallest of its bins.
local function hist_cells(p, width, height)
  local counts, bins = p.counts:totable(), p.counts:numel()
  local top = p.yrange[2]
  local cells, owner = {}, {}
  for r = 1, height do cells[r], owner[r] = {}, {} end
  for c = 1, width do
    local first = (c - 1) * bins // width + 1            -- the bins column c covers
    local last = math.max(first, (c * bins + width - 1) // width)
    local value = 0
    for b = first, last do value = math.max(value, counts[b]) end
    local eighths = math.floor(value / top * 8 * height + 0.5)
    if value > 0 and eighths == 0 then eighths = 1 end
    for r = 1, height do
      local fill = eighths - 8 * (height - r)
      if fill > 0 then
        cells[r][c] = BLOCKS[math.min(fill, 8)]
        owner[r][c] = 1
      end
    end
  end
  return cells, owner
end

local function text_width(s) return utf8.len(s) or #s end

-- Labels placed on a line of `width` columns: lo at the left, hi at the right, mid in the
-- middle, each only where it leaves a space to the ones already placed.
local function axis_labels(width, lo, mid, hi)
  local line = {}
  for c = 1, width do line[c] = ' ' end
  local taken = {}
  local function place(text, first)
    local last = first + #text - 1
    if first < 1 or last > width then return end
    for c = first - 1, last + 1 do if taken[c] then return end end
    for k = 1, #text do
      line[first + k - 1] = text:sub(k, k)
      taken[first + k - 1] = true
    end
  end
  place(lo, 1)
  place(hi, width - #hi + 1)
  place(mid, (width - #mid) // 2 + 1)
  return table.concat(line)
end

local function terminal_text(p, colored)
  local width, height = p.opts.width or DEFAULT_WIDTH, p.opts.height or DEFAULT_HEIGHT
  local cells, owner
  if p.kind == 'hist' then cells, owner = hist_cells(p, width, height) else cells, owner = braille_cells(p, width, height) end
  local ylo, yhi = p.yrange[1], p.yrange[2]
  local function ylabel(v) return p.opts.logy and power_label(v) or tick_label(v, yhi - ylo) end
  local ylabels = {}
  if height >= 3 then -- the value at the middle row's centre (the middle of the range for odd heights)
    local mid = (height + 1) // 2
    ylabels[mid] = ylabel(yhi - (4 * mid - 2.5) / (4 * height - 1) * (yhi - ylo))
  end
  ylabels[height] = ylabel(ylo)
  ylabels[1] = ylabel(yhi)
  local gutter = 0
  for _, text in pairs(ylabels) do gutter = math.max(gutter, #text) end

  local legend = {}
  if p.legend then
    local marker = p.kind == 'line' and '──' or '⠶⠶'
    for _, s in ipairs(p.series) do
      if s.label then legend[#legend + 1] = paint(marker, s.color, colored) .. ' ' .. s.label end
    end
  end
  local legend_right = #legend <= height

  local lines = {}
  local indent = string.rep(' ', gutter + 2)
  local function centred(text) return indent .. string.rep(' ', math.max(0, (width - text_width(text)) // 2)) .. text end
  if p.opts.title then lines[#lines + 1] = centred(p.opts.title) end
  if p.opts.ylabel then lines[#lines + 1] = p.opts.ylabel end
  for r = 1, height do
    local row, painted = {}, nil -- painted: the series whose colour is on
    for c = 1, width do
      local ch, by = cells[r][c] or ' ', cells[r][c] and owner[r][c]
      if colored and by ~= painted then
        if painted then row[#row + 1] = RESET end
        if by then row[#row + 1] = ansi_colour(p.series[by].color) end
        painted = by
      end
      row[#row + 1] = ch
    end
    if painted then row[#row + 1] = RESET end
    local label = ylabels[r] or ''
    lines[#lines + 1] = string.rep(' ', gutter - #label) .. label .. ' ' .. (ylabels[r] and '┤' or '│')
                        .. table.concat(row) .. (legend_right and legend[r] and '  ' .. legend[r] or '')
  end
  lines[#lines + 1] = string.rep(' ', gutter + 1) .. '└' .. string.rep('─', width)
  local xlo, xhi = p.xrange[1], p.xrange[2]
  local span = xhi - xlo
  lines[#lines + 1] = indent .. axis_labels(width, tick_label(xlo, span), tick_label((xlo + xhi) / 2, span),
                                            tick_label(xhi, span))
  if p.opts.xlabel then lines[#lines + 1] = centred(p.opts.xlabel) end
  if not legend_right then
    for _, entry in ipairs(legend) do lines[#lines + 1] = indent .. entry end
  end
  for i, line in ipairs(lines) do lines[i] = line:gsub(' +$', '') end
  return table.concat(lines, '\n')
end

function Plot.__tostring(p) return terminal_text(p, p.opts.color == true) end

-- Whether stdout is a terminal that takes colours.
local function colour_terminal()
  local term = os.getenv('TERM')
  if os.getenv('NO_COLOR') or term == nil or term == 'dumb' then return false end
  return require('moongrad.core')._is_terminal(io.stdout)
end

-- p:show() prints the plot, in colour when opts.color is true, or unset and stdout is a
-- colour terminal.
Plot.show = public(function(p)
  check_plot('Plot:show', p)
  local colored = p.opts.color
  if colored == nil then colored = colour_terminal() end
  io.write(terminal_text(p, colored), '\n')
end)

-- ---- drawing: SVG ------------------------------------------------------------------------

local SVG_WIDTH, SVG_HEIGHT = 640, 400
local MARGIN = {left = 70, right = 20, top = 40, bottom = 50}
local PAD = 0.05 -- of the data range, added on each side unless the limits were given

local function xml(s)
  return (s:gsub('[&<>"\']', {['&'] = '&amp;', ['<'] = '&lt;', ['>'] = '&gt;', ['"'] = '&quot;', ["'"] = '&apos;'}))
end

local function num(v) return ('%.2f'):format(v) end

-- Round tick values (1, 2 or 5 times a power of ten apart, about five of them) in [lo, hi],
-- with their labels.
local function nice_ticks(lo, hi)
  local raw = (hi - lo) / 5
  local magnitude = 10 ^ math.floor(math.log(raw, 10))
  local ratio = raw / magnitude
  local step = (ratio < 1.5 and 1 or ratio < 3 and 2 or ratio < 7 and 5 or 10) * magnitude
  local decimals = math.max(0, -math.floor(math.log(step, 10) + 1e-9))
  local form = (step < 1e-4 or math.max(math.abs(lo), math.abs(hi)) >= 1e6) and '%g' or '%.' .. decimals .. 'f'
  local values, labels = {}, {}
  local first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
  -- Counting from 0 keeps the loop finite where first is too large for k + 1 > k (a range
  -- narrow next to its magnitude, near 2^53).
  for i = 0, math.min(last - first, 10) do
    local k = first + i
    values[#values + 1] = k * step
    labels[#labels + 1] = (form:format(k == 0 and 0 or k * step))
  end
  return values, labels
end

-- Ticks of a log10 axis (its limits are exponents): the powers of ten inside, or round
-- exponents when the range holds fewer than two.
local function log_ticks(lo, hi)
  local first, last = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
  local values, labels = {}, {}
  if last - first >= 1 then
    local step = math.max(1, math.ceil((last - first + 1) / 8))
    for e = first, last, step do
      values[#values + 1] = e
      labels[#labels + 1] = ('%g'):format(10 ^ e)
    end
    return values, labels
  end
  values = nice_ticks(lo, hi)
  for i, e in ipairs(values) do labels[i] = ('%.3g'):format(10 ^ e) end
  return values, labels
end

local function padded(range, given, pad_low)
  if given then return range end
  local d = (range[2] - range[1]) * PAD
  return {range[1] - (pad_low and d or 0), range[2] + d}
end

local function svg_text(p, size)
  local W, H = size.width or SVG_WIDTH, size.height or SVG_HEIGHT
  local L, T = MARGIN.left, MARGIN.top
  local PW, PH = W - MARGIN.left - MARGIN.right, H - MARGIN.top - MARGIN.bottom
  local R, B = L + PW, T + PH
  -- A histogram's count axis starts at 0.
  local xr = padded(p.xrange, p.kind ~= 'hist' and p.opts.xlim, true)
  local yr = padded(p.yrange, p.kind ~= 'hist' and p.opts.ylim, p.kind ~= 'hist')
  local function X(v) return L + (v - xr[1]) * (PW / (xr[2] - xr[1])) end
  local function Y(v) return B + (v - yr[1]) * (-PH / (yr[2] - yr[1])) end

  local out = {}
  local function emit(fmt, ...) out[#out + 1] = fmt:format(...) end
  emit('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
       .. 'font-family="sans-serif" font-size="12">', W, H, W, H)
  emit('<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>', W, H)

  emit('<g class="data">')
  for _, s in ipairs(p.series) do
    if p.kind == 'line' then
      local px, py = line_points(s, PW, xr, yr, L, R, B, T)
      for _, piece in ipairs(clip_polyline(px, py, {L, T, R, B})) do
        if #piece == 2 then
          emit('<circle cx="%s" cy="%s" r="2" fill="%s"/>', num(piece[1]), num(piece[2]), s.color)
        else
          local points = {}
          for k = 1, #piece, 2 do points[#points + 1] = num(piece[k]) .. ',' .. num(piece[k + 1]) end
          emit('<polyline fill="none" stroke="%s" stroke-width="1.5" stroke-linejoin="round" points="%s"/>',
               s.color, table.concat(points, ' '))
        end
      end
    elseif p.kind == 'scatter' then
      -- One circle per pixel hit: the picture of 10^5 points stays small.
      local cols = PW + 1
      emit('<g fill="%s" fill-opacity="0.8">', s.color)
      for _, cell in ipairs(distinct_cells(grid_cells(s, xr, yr, cols, PH + 1)):totable()) do
        emit('<circle cx="%d" cy="%d" r="3"/>', L + (cell - 1) % cols, T + (cell - 1) // cols)
      end
      emit('</g>')
    else
      local counts, edges = p.counts:totable(), p.edges:totable()
      for b, count in ipairs(counts) do
        if count > 0 then
          emit('<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="0.5"/>',
               num(X(edges[b])), num(Y(count)), num(X(edges[b + 1]) - X(edges[b])), num(Y(0) - Y(count)), s.color)
        end
      end
    end
  end
  emit('</g>')

  emit('<g class="axes" stroke="#000000" fill="#000000">')
  emit('<rect x="%d" y="%d" width="%d" height="%d" fill="none"/>', L, T, PW, PH)
  local xvalues, xlabels = nice_ticks(xr[1], xr[2])
  for i, v in ipairs(xvalues) do
    emit('<line x1="%s" y1="%d" x2="%s" y2="%d"/>', num(X(v)), B, num(X(v)), B + 5)
    emit('<text x="%s" y="%d" stroke="none" text-anchor="middle">%s</text>', num(X(v)), B + 18, xlabels[i])
  end
  local yvalues, ylabels = (p.opts.logy and log_ticks or nice_ticks)(yr[1], yr[2])
  for i, v in ipairs(yvalues) do
    emit('<line x1="%d" y1="%s" x2="%d" y2="%s"/>', L - 5, num(Y(v)), L, num(Y(v)))
    emit('<text x="%d" y="%s" stroke="none" text-anchor="end">%s</text>', L - 8, num(Y(v) + 4), ylabels[i])
  end
  emit('</g>')

  local cx, cy = L + PW / 2, T + PH / 2
  if p.opts.title then emit('<text class="title" x="%s" y="24" text-anchor="middle" font-size="14">%s</text>', num(cx), xml(p.opts.title)) end
  if p.opts.xlabel then emit('<text class="xlabel" x="%s" y="%d" text-anchor="middle">%s</text>', num(cx), H - 12, xml(p.opts.xlabel)) end
  if p.opts.ylabel then
    emit('<text class="ylabel" x="16" y="%s" transform="rotate(-90 16 %s)" text-anchor="middle">%s</text>',
         num(cy), num(cy), xml(p.opts.ylabel))
  end

  if p.legend then
    local entries, longest = {}, 0
    for _, s in ipairs(p.series) do
      if s.label then
        entries[#entries + 1] = s
        longest = math.max(longest, text_width(s.label))
      end
    end
    if #entries > 0 then
      -- In the top right corner of the plot; 7 pixels per character is a fair guess at
      -- 12-pixel sans-serif.
      local lw, lh = 40 + 7 * longest, 8 + 18 * #entries
      local lx, ly = R - lw - 10, T + 10
      emit('<g class="legend">')
      emit('<rect x="%d" y="%d" width="%d" height="%d" fill="#ffffff" fill-opacity="0.8" stroke="#cccccc"/>', lx, ly, lw, lh)
      for k, s in ipairs(entries) do
        local y = ly + 18 * k - 5
        if p.kind == 'line' then
          emit('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>', lx + 8, y, lx + 28, y, s.color)
        else
          emit('<circle cx="%d" cy="%d" r="4" fill="%s"/>', lx + 18, y, s.color)
        end
        emit('<text x="%d" y="%d">%s</text>', lx + 34, y + 4, xml(s.label))
      end
      emit('</g>')
    end
  end
  emit('</svg>')
  return table.concat(out, '\n') .. '\n'
end

-- p:svg([{width = 640, height = 400}]) -> the SVG text (size in pixels)
Plot.svg = public(function(p, opts)
  check_plot('Plot:svg', p)
  return svg_text(p, check_options('Plot:svg', opts, SVG_OPTIONS))
end)

-- p:save(path [, {width, height}]): writes the SVG to path, which must end in .svg.
Plot.save = public(function(p, path, opts)
  local who = 'Plot:save'
  check_plot(who, p)
  if type(path) ~= 'string' then fail('%s: expected a path (a string), got %s', who, describe(path)) end
  local ext = path:match('%.([^./]+)$')
  if not ext or ext:lower() ~= 'svg' then
    fail("%s: cannot save %s: only SVG is supported (a path ending in .svg)", who, path)
  end
  local text = svg_text(p, check_options(who, opts, SVG_OPTIONS))
  local f, err = io.open(path, 'wb')
  if not f then
    if err:sub(1, #path + 2) == path .. ': ' then err = err:sub(#path + 3) end
    fail('%s: cannot write %s (%s)', who, path, err)
  end
  local ok, werr = f:write(text)
  f:close()
  if not ok then fail('%s: cannot write %s (%s)', who, path, tostring(werr)) end
end)

return plot
