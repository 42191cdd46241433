-- moongrad.cluster (mg.cluster): k-means (scikit-learn's KMeans, Lloyd's algorithm), the
-- silhouette score, and a per-segment report to name the clusters found.
--
--   local km = mg.cluster.KMeans{n_clusters = 4, seed = 0}:fit(x)   -- x {n, d} or a Frame
--   print(km.cluster_centers_, km.inertia_, km.n_iter_)
--   local labels = km:predict(x)                                   -- 1-based int64
--   print(mg.cluster.silhouette_score(x, labels))
--   print(mg.cluster.segment_report(df, labels))                   -- size and means per segment
--
-- Every loop over samples runs in C: a Lloyd iteration is one pass of core's kmeans_assign
-- (distances ||c||^2 - 2 x c^T by BLAS a block of rows at a time, the nearest center, the
-- sums per cluster, as scikit-learn's chunked Lloyd step); k-means++, predict, transform and
-- the silhouette are tensor ops. Only loops over clusters or k-means++ steps run in Lua.
local mg = require 'moongrad'
local checks = require 'moongrad.check'
local kmeans_assign = require('moongrad.core')._cluster.kmeans_assign
local fail, public, describe, shape_str = checks.fail, checks.public, checks.describe, checks.shape_str

local M = {}

local I64 = {dtype = 'int64'}
local KEEP = {keepdim = true}

-- ---- inputs ------------------------------------------------------------------------------

-- A value in a message, as check.describe, with NaN spelt 'nan' on every platform.
local function show(v)
  if v ~= v then return 'nan' end
  return describe(v)
end

local function is_float(t) return t.dtype == 'float32' or t.dtype == 'float64' end

-- A 2-D float tensor {samples, features} from a tensor or anything with :to_tensor() (a
-- Frame); integer and bool tensors become float32. NaN is refused: it would silently poison
-- every distance.
local function matrix(who, x)
  if not mg.is_tensor(x) then
    local ok, to_tensor = pcall(function() return x.to_tensor end)
    if not (ok and type(to_tensor) == 'function' or checks.callable(to_tensor)) then
      fail('%s: expected a 2-D tensor {samples, features} (or anything with :to_tensor()), got %s',
           who, describe(x))
    end
    x = x:to_tensor()
    if not mg.is_tensor(x) then fail('%s: to_tensor() returned %s, not a tensor', who, describe(x)) end
  end
  if x:dim() ~= 2 then
    fail('%s: expected a 2-D tensor {samples, features}, got shape %s', who, shape_str(x))
  end
  if not is_float(x) then x = x:to('float32') end
  local total = x:sum():item() -- NaN or inf in x make it NaN or inf (or it overflowed)
  if total ~= total or total == math.huge or total == -math.huge then
    if x:ne(x):sum():item() > 0 then fail('%s: x contains NaN', who) end
    if x:abs():eq(math.huge):sum():item() > 0 then fail('%s: x contains an infinite value', who) end
  end
  return x
end

-- Labels as a 1-D int64 tensor of n positive integers (a tensor or a Lua list).
local function label_vector(who, labels, n)
  if type(labels) == 'table' and not mg.is_tensor(labels) then
    for i = 1, #labels do
      if math.type(labels[i]) ~= 'integer' and not (type(labels[i]) == 'number' and labels[i] == math.floor(labels[i])) then
        fail('%s: labels[%d] should be an integer, got %s', who, i, describe(labels[i]))
      end
    end
    labels = mg.tensor(labels, I64)
  end
  if not mg.is_tensor(labels) or labels:dim() ~= 1 then
    fail('%s: expected labels as a 1-D int64 tensor or a list of integers, got %s', who, describe(labels))
  end
  if labels.dtype ~= 'int64' then
    fail('%s: expected int64 labels (1-based cluster numbers), got %s', who, describe(labels))
  end
  if labels:size(1) ~= n then
    fail('%s: expected %d labels (one per row of x), got %d', who, n, labels:size(1))
  end
  if n > 0 and labels:min():item() < 1 then
    fail('%s: labels should be 1-based (>= 1), got %d', who, labels:min():item())
  end
  return labels
end

local function check_integer(who, name, v, min)
  if math.type(v) ~= 'integer' or v < min then
    fail('%s: option %s should be an integer >= %d, got %s', who, name, min, show(v))
  end
end

-- ---- distances ---------------------------------------------------------------------------

-- Squared distances of each row of x to each center {n, k}, less ||x||^2 (constant per row,
-- so argmin needs no more): ||c||^2 - 2 x c^T, one addmm.
local function partial_sq_dist(x, centers)
  local cc = (centers * centers):sum(2)
  return mg.addmm(cc, x, centers:t(), {alpha = -2})
end

local function row_sq_norms(x) return (x * x):sum(2, KEEP) end

-- ---- Lloyd's algorithm -------------------------------------------------------------------

-- Empty clusters take the points farthest from their (old) centers, as scikit-learn's
-- _relocate_empty_clusters does: each empty cluster in turn gets the next farthest point
-- (sorted by distance, descending), which leaves its old cluster's sum.
local function relocate_empty(x, centers, sums, counts, labels)
  local empty_ids = {}
  for id, count in ipairs(counts:totable()) do -- k is small
    if count == 0 then empty_ids[#empty_ids + 1] = id end
  end
  if #empty_ids == 0 then return end
  local dist = (x - centers:index_select(1, labels)):pow_(2):sum(2)
  local _, far = dist:topk(#empty_ids)
  for i, to in ipairs(empty_ids) do
    local row = far[i]:item()
    local from = labels[row]:item()
    local point = x[row]
    sums[from]:sub_(point)
    counts[from] = counts[from]:item() - 1
    sums[to]:copy_(point)
    counts[to] = 1
  end
end

-- One run of Lloyd's algorithm on the centered data x from the given centers, as
-- scikit-learn's _kmeans_single_lloyd: stop when no label changes or the squared center
-- shift is <= tol. Each pass (core's kmeans_assign) labels the points in place, counting the
-- changed labels, and sums them per cluster, in one sweep over x. Returns centers, int64
-- labels, inertia and n_iter, the labels and inertia from a last pass over the final centers.
local function lloyd(x, centers, max_iter, tol)
  local k, d = centers:size(1), centers:size(2)
  local labels = mg.zeros(x:size(1), I64) -- 0: no label yet, so the first pass changes all
  local sums, counts = mg.empty(k, d, {dtype = x.dtype}), mg.empty(k, {dtype = x.dtype})
  local iter = 0
  for i = 1, max_iter do
    iter = i
    local changed = kmeans_assign(x, centers, labels, sums, counts)
    relocate_empty(x, centers, sums, counts, labels)
    local new_centers = sums:div(counts:view(k, 1))
    local shift = (new_centers - centers):pow_(2):sum():item()
    centers = new_centers
    if changed == 0 or shift <= tol then break end
  end
  -- The labels and inertia of the final centers. When the loop stopped on unchanged labels,
  -- the final centers are the last ones (the same sums of the same points): labels stay.
  local _, inertia = kmeans_assign(x, centers, labels, nil, nil, true)
  return centers, labels, inertia, iter
end

-- ---- k-means++ ---------------------------------------------------------------------------

-- scikit-learn's greedy k-means++ (_kmeans_plusplus): the first center a uniform random
-- row; each next one the best (lowest total potential) of 2 + floor(log k) rows drawn with
-- probability proportional to their squared distance to the nearest center so far.
local function kmeans_plusplus(x, k)
  local n = x:size(1)
  local trials = 2 + math.floor(math.log(k))
  local function sq_dist_to(rows) -- {#rows, n}, clamped at 0 against rounding
    local c = x:index_select(1, rows)
    return partial_sq_dist(c, x):add_(row_sq_norms(c)):clamp_(0, math.huge)
  end
  local F64 = {dtype = 'float64'} -- draws and cumulative sums in float64, as scikit-learn's
  local first = math.tointeger((mg.rand(1, F64):item() * n) // 1 + 1)
  local chosen = {first}
  local closest = sq_dist_to(mg.tensor({first}, I64)):view(n)
  local potential = closest:sum():item()
  for c = 2, k do
    local draws = mg.rand(trials, F64):mul_(potential)
    local cumulative = closest:to('float64'):cumsum(1)
    -- searchsorted: the first row whose cumulative potential reaches the draw
    local candidates = cumulative:view(1, n):lt(draws:view(trials, 1)):sum(2):add_(1):clamp_(1, n)
    local dist = sq_dist_to(candidates):minimum(closest:view(1, n))
    local potentials = dist:sum(2)
    local best = potentials:argmin():item()
    potential = potentials[best]:item()
    closest = dist[best]:contiguous()
    chosen[c] = candidates[best]:item()
  end
  return x:index_select(1, mg.tensor(chosen, I64))
end

-- ---- KMeans ------------------------------------------------------------------------------

local KMeans = {__name = 'KMeans'}
KMeans.__index = KMeans

local OPTIONS = {n_clusters = true, init = true, n_init = true, max_iter = true, tol = true, seed = true}

M.KMeans = setmetatable(KMeans, {__call = public(function(_, opts, ...)
  local who = 'KMeans'
  if select('#', ...) > 0 then fail('%s: expected one table of options, got more arguments', who) end
  if opts ~= nil and type(opts) ~= 'table' then
    fail('%s: expected a table of options, got %s', who, describe(opts))
  end
  opts = opts or {}
  for name in pairs(opts) do
    if not OPTIONS[name] then fail('%s: unknown option %s', who, tostring(name)) end
  end
  local self = setmetatable({n_clusters = opts.n_clusters or 8, init = opts.init or 'k-means++',
                             max_iter = opts.max_iter or 300, tol = opts.tol or 1e-4,
                             seed = opts.seed}, KMeans)
  check_integer(who, 'n_clusters', self.n_clusters, 1)
  check_integer(who, 'max_iter', self.max_iter, 1)
  if type(self.tol) ~= 'number' or not (self.tol >= 0) then
    fail('%s: option tol should be a number >= 0, got %s', who, show(self.tol))
  end
  if self.seed ~= nil and math.type(self.seed) ~= 'integer' then
    fail('%s: option seed should be an integer, got %s', who, describe(self.seed))
  end
  if mg.is_tensor(self.init) then
    local init = self.init
    if init:dim() ~= 2 or init:size(1) ~= self.n_clusters then
      fail('%s: init should be a tensor of shape {n_clusters, features} = {%d, d}, got shape %s',
           who, self.n_clusters, shape_str(init))
    end
    if not is_float(init) then
      fail('%s: init should be a float tensor, got %s', who, describe(init))
    end
    if init:ne(init):sum():item() > 0 then fail('%s: init contains NaN', who) end
    if opts.n_init ~= nil and opts.n_init ~= 1 then
      fail('%s: n_init should be 1 when init is a tensor of centers, got %s', who, describe(opts.n_init))
    end
    self.n_init = 1
  elseif self.init == 'k-means++' then
    self.n_init = opts.n_init or 10
    check_integer(who, 'n_init', self.n_init, 1)
  else
    fail("%s: option init should be 'k-means++' or a tensor of centers {n_clusters, features}, got %s",
         who, describe(self.init))
  end
  return self
end)})

local function method(name, fn)
  KMeans[name] = public(function(self, ...)
    if getmetatable(self) ~= KMeans then
      fail('KMeans: %s must be called as a method (km:%s(...)), got %s', name, name, describe(self))
    end
    return fn(self, ...)
  end)
end

local function fit(self, x)
  local who = 'KMeans: fit'
  x = matrix(who, x)
  local n, d, k = x:size(1), x:size(2), self.n_clusters
  if k > n then fail('%s: n_clusters = %d is more than the %d samples', who, k, n) end
  if d == 0 then fail('%s: expected at least 1 feature, got shape %s', who, shape_str(x)) end
  if mg.is_tensor(self.init) and self.init:size(2) ~= d then
    fail('%s: init has %d features, x has %d', who, self.init:size(2), d)
  end
  -- Centering (as scikit-learn does) keeps ||x||^2 - 2 x c + ||c||^2 accurate far from 0.
  local mean = x:mean(1, KEEP)
  local xc = x - mean
  -- scikit-learn's tol is relative to the mean variance of the features (0 stays 0)
  local tol = self.tol == 0 and 0 or self.tol * (xc * xc):mean():item()
  local best
  if self.seed ~= nil then mg.manual_seed(self.seed) end
  for _ = 1, self.n_init do
    local start
    if mg.is_tensor(self.init) then
      start = self.init:to(x.dtype) - mean
    else
      start = kmeans_plusplus(xc, k)
    end
    local centers, labels, inertia, n_iter = lloyd(xc, start, self.max_iter, tol)
    if not best or inertia < best.inertia then
      best = {centers = centers, labels = labels, inertia = inertia, n_iter = n_iter}
    end
  end
  self.cluster_centers_ = best.centers:add_(mean)
  self.labels_, self.inertia_, self.n_iter_ = best.labels, best.inertia, best.n_iter
  self.n_features_in_ = d
  return self
end

local function fitted_matrix(self, who, x)
  if not self.cluster_centers_ then fail('%s called before fit', who) end
  x = matrix(who, x)
  if x:size(2) ~= self.n_features_in_ then
    fail('%s: expected %d features (as seen in fit), got %d (shape %s)', who, self.n_features_in_,
         x:size(2), shape_str(x))
  end
  return x
end

method('fit', fit)

method('predict', function(self, x)
  x = fitted_matrix(self, 'KMeans: predict', x)
  return partial_sq_dist(x, self.cluster_centers_:to(x.dtype)):argmin(2)
end)

method('fit_predict', function(self, x) return fit(self, x).labels_ end)

method('transform', function(self, x)
  x = fitted_matrix(self, 'KMeans: transform', x)
  local sq = partial_sq_dist(x, self.cluster_centers_:to(x.dtype)):add_(row_sq_norms(x))
  return sq:clamp_(0, math.huge):sqrt_()
end)

function KMeans.__tostring(self)
  local init = mg.is_tensor(self.init) and 'a tensor' or "'" .. self.init .. "'"
  local s = ('KMeans{n_clusters = %d, init = %s, n_init = %d, max_iter = %d, tol = %g%s}'):format(
    self.n_clusters, init, self.n_init, self.max_iter, self.tol, self.seed and ', seed = ' .. self.seed or '')
  if not self.cluster_centers_ then return s .. ' (not fitted)' end
  return ('%s fitted: inertia %.6g after %d iteration%s'):format(s, self.inertia_, self.n_iter_,
                                                                 self.n_iter_ == 1 and '' or 's')
end

-- ---- silhouette --------------------------------------------------------------------------

local SILHOUETTE_CHUNK = 2048 -- rows of the distance matrix held at once

-- The mean silhouette coefficient (b - a) / max(a, b) over the samples, where a is a
-- sample's mean distance to the others of its cluster and b the least mean distance to
-- another cluster's samples; 0 for a sample alone in its cluster (as scikit-learn). Exact
-- (in float64, the distance matrix a block of rows at a time) unless sample_size is given.
M.silhouette_score = public(function(x, labels, opts)
  local who = 'silhouette_score'
  x = matrix(who, x)
  local n = x:size(1)
  labels = label_vector(who, labels, n)
  if opts ~= nil and type(opts) ~= 'table' then fail('%s: expected a table of options, got %s', who, describe(opts)) end
  opts = opts or {}
  for name in pairs(opts) do
    if name ~= 'sample_size' and name ~= 'seed' then fail('%s: unknown option %s', who, tostring(name)) end
  end
  if opts.sample_size ~= nil then
    check_integer(who, 'sample_size', opts.sample_size, 2)
    if opts.sample_size > n then
      fail('%s: sample_size = %d is more than the %d samples', who, opts.sample_size, n)
    end
    if opts.seed ~= nil then mg.manual_seed(opts.seed) end
    local rows = mg.randperm(n):narrow(1, 1, opts.sample_size)
    x, labels, n = x:index_select(1, rows), labels:index_select(1, rows), opts.sample_size
  end
  x = x:to('float64')
  local k = labels:max():item()
  local counts = mg.zeros(k, I64):scatter_add(1, labels, mg.ones(n, I64))
  local n_labels = counts:gt(0):sum():item()
  if n_labels < 2 or n_labels > n - 1 then
    fail('%s: the number of distinct labels is %d; it should be from 2 to n_samples - 1 = %d',
         who, n_labels, n - 1)
  end
  local member = labels:one_hot(k):to('float64') -- {n, k}
  local countf = counts:to('float64')
  local scores = {}
  for start = 1, n, SILHOUETTE_CHUNK do
    local rows = math.min(SILHOUETTE_CHUNK, n - start + 1)
    local block = x:narrow(1, start, rows)
    local sq = partial_sq_dist(block, x):add_(row_sq_norms(block))
    local per_cluster = sq:clamp_(0, math.huge):sqrt_():mm(member) -- {rows, k} distance sums
    local own = labels:narrow(1, start, rows):view(rows, 1)
    local own_count = countf:index_select(1, own:view(rows))
    local a = per_cluster:gather(2, own):view(rows):div(own_count - 1) -- the sample itself adds 0
    local mean_to = per_cluster:div(countf:view(1, k))
    -- own cluster and absent labels never give b
    local excluded = member:narrow(1, start, rows):gt(0):logical_or(countf:eq(0):view(1, k))
    local b = mean_to:masked_fill(excluded, math.huge):min(2)
    local s = (b - a):div(a:maximum(b))
    scores[#scores + 1] = mg.where(own_count:gt(1), s, 0)
  end
  return mg.cat(scores):mean():item()
end)

-- ---- segment report ----------------------------------------------------------------------

local Report = {__name = 'SegmentReport'}
Report.__index = Report

-- The report as a table of rows {segment, count, share, <feature> = mean, ...}.
function Report:totable()
  local means = self.means:totable()
  local rows = {}
  for i, segment in ipairs(self.segments) do
    local row = {segment = segment, count = self.count[i], share = self.share[i]}
    for j, name in ipairs(self.columns) do row[name] = means[i][j] end
    rows[i] = row
  end
  return rows
end

function Report.__tostring(self)
  local header = {'segment', 'count', 'share'}
  for _, name in ipairs(self.columns) do header[#header + 1] = name end
  local lines = {header}
  local means = self.means:totable()
  for i, segment in ipairs(self.segments) do
    local line = {tostring(segment), tostring(self.count[i]), ('%.1f%%'):format(100 * self.share[i])}
    for j = 1, #self.columns do line[#line + 1] = ('%.4g'):format(means[i][j]) end
    lines[i + 1] = line
  end
  local widths = {}
  for _, line in ipairs(lines) do
    for j, cell in ipairs(line) do widths[j] = math.max(widths[j] or 0, #cell) end
  end
  local out = {}
  for i, line in ipairs(lines) do
    local cells = {}
    for j, cell in ipairs(line) do
      cells[j] = j == 1 and cell .. (' '):rep(widths[j] - #cell) or (' '):rep(widths[j] - #cell) .. cell
    end
    out[i] = table.concat(cells, '  ')
  end
  return table.concat(out, '\n')
end

-- Per segment (label) present: its size (count and share of the rows) and the mean of each
-- feature. columns: for a Frame, the columns to describe (by default all); for a tensor,
-- the names of its columns (by default V1, V2, ...).
M.segment_report = public(function(data, labels, opts)
  local who = 'segment_report'
  if opts ~= nil and type(opts) ~= 'table' then fail('%s: expected a table of options, got %s', who, describe(opts)) end
  opts = opts or {}
  for name in pairs(opts) do
    if name ~= 'columns' then fail('%s: unknown option %s', who, tostring(name)) end
  end
  local columns = opts.columns
  if columns ~= nil and type(columns) ~= 'table' then
    fail('%s: option columns should be a list of names, got %s', who, describe(columns))
  end
  local x
  if mg.is_tensor(data) then
    x = matrix(who, data)
    if columns then
      if #columns ~= x:size(2) then
        fail('%s: expected %d column names (one per column of x), got %d', who, x:size(2), #columns)
      end
    else
      columns = {}
      for j = 1, x:size(2) do columns[j] = 'V' .. j end
    end
  elseif type(data) == 'table' and type(data.columns) == 'table' and data.to_tensor then
    columns = columns or data.columns
    local ok, t = pcall(data.to_tensor, data, columns, {dtype = 'float64'})
    if not ok then fail('%s: %s', who, checks.message(t)) end
    x = matrix(who, t)
  else
    fail('%s: expected a 2-D tensor or a Frame, got %s', who, describe(data))
  end
  local n, d = x:size(1), x:size(2)
  labels = label_vector(who, labels, n)
  if n == 0 then fail('%s: expected at least 1 row, got 0', who) end
  x = x:to('float64')
  local k = labels:max():item()
  local counts = mg.zeros(k, {dtype = 'float64'}):scatter_add(1, labels, mg.ones(n, {dtype = 'float64'}))
  local sums = mg.zeros(k, d, {dtype = 'float64'}):scatter_add(1, labels:view(n, 1):expand(n, d), x)
  local self = setmetatable({columns = columns, segments = {}, count = {}, share = {}}, Report)
  for segment, c in ipairs(counts:totable()) do -- one step per label; absent labels are left out
    if c > 0 then
      local i = #self.segments + 1
      self.segments[i], self.count[i], self.share[i] = segment, math.tointeger(c), c / n
    end
  end
  local present = mg.tensor(self.segments, I64)
  self.means = sums:index_select(1, present):div_(counts:index_select(1, present):view(-1, 1))
  return self
end)

return M
