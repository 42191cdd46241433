-- moongrad.metrics (mg.metrics): classification, regression and ranking metrics, named as
-- scikit-learn names them, and cross-validation.
--
--   local M = mg.metrics
--   M.accuracy(model(x), y)                  -- scores {N,C} or labels {N} against labels {N}
--   M.f1(y_pred, y_true, {average = 'macro'})
--   print(M.confusion_matrix(y_pred, y_true)) -- rows: true class, columns: predicted
--   local fpr, tpr, thresholds = M.roc_curve(scores, y_true)
--
-- Tensors in, Lua numbers out. Every metric marked "(y_pred, y_true)" in its help works with
-- those two arguments alone, so that a training loop can call it by name. Labels are 1-based
-- int64 (binary targets may also be 0/1 floats or bools, which stand for classes 1 and 2);
-- results agree with scikit-learn 1.2.1 given labels one lower. Every loop over samples is a
-- tensor op (sort, cumsum, scatter_add, gather); Lua loops only over classes and folds.
local mg = require 'moongrad'

local M = {}

local NAN = 0 / 0
local EPS = {float32 = 2 ^ -23, float64 = 2 ^ -52} -- machine epsilon of each float dtype
local I64, F64 = {dtype = 'int64'}, {dtype = 'float64'}

-- ---- errors ------------------------------------------------------------------------------

local check = require 'moongrad.check'
local describe, shape_str = check.describe, check.shape_str
local fail, public, message_of, callable = check.fail, check.public, check.message, check.callable

-- ---- small helpers -----------------------------------------------------------------------

local function is_float(t) return t.dtype == 'float32' or t.dtype == 'float64' end

local function show(v)
  if type(v) == 'string' then return "'" .. v .. "'" end
  if type(v) == 'table' or type(v) == 'userdata' then return describe(v) end
  return tostring(v)
end

local function any(mask) return mask:sum():item() > 0 end

-- The 1-based position of the first true element of a 1-D bool mask (which has one).
local function first_true(mask) return mask:long():argmax():item() end

-- A number of a tensor for a message: 2, 0.5, nan.
local function show_value(v)
  if v ~= v then return 'nan' end
  if math.type(v) == 'integer' or v == math.floor(v) and math.abs(v) < 2 ^ 53 then
    return ('%d'):format(v)
  end
  return ('%.7g'):format(v)
end

-- The 1-based positions where a 1-D bool mask is true, ascending. Core has no nonzero or
-- masked_select, so each true element is scattered to its rank among the true ones (the
-- false ones to a spare last slot, dropped).
local function positions(mask)
  local n = mask:size(1)
  if n == 0 then return mg.zeros(0, I64) end
  local rank = mask:cumsum(1)
  local k = rank[n]:item()
  local slot = mg.where(mask, rank, k + 1)
  return mg.zeros(k + 1, I64):scatter_add(1, slot, mg.arange(1, n + 1)):narrow(1, 1, k)
end

-- The options table of a call (nil for none), its names checked against the allowed list.
local function options(who, opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= 'table' or getmetatable(opts) ~= nil then
    fail('%s: expected a table of options, got %s', who, describe(opts))
  end
  local known = {}
  for _, name in ipairs(allowed) do known[name] = true end
  for k in pairs(opts) do
    if not known[k] then
      fail('%s: unknown option %s (options: %s)', who, show(k), table.concat(allowed, ', '))
    end
  end
  return opts
end

local function check_one_of(who, name, v, allowed)
  for _, a in ipairs(allowed) do if v == a then return v end end
  local names = {}
  for i, a in ipairs(allowed) do names[i] = show(a) end
  fail('%s: %s must be %s or %s, got %s', who, name, table.concat(names, ', ', 1, #names - 1),
       names[#names], show(v))
end

local function check_positive_integer(who, name, v)
  if math.type(v) ~= 'integer' or v < 1 then
    fail('%s: %s must be a positive integer, got %s', who, name, show(v))
  end
  return v
end

-- ---- inputs ------------------------------------------------------------------------------

-- x as a tensor, out of any autograd graph: a tensor itself, or x:to_tensor() (a Frame).
local function tensor_arg(who, x, name)
  if mg.is_tensor(x) then return x:detach() end
  if type(x) == 'table' or type(x) == 'userdata' then
    local ok, f = pcall(function() return x.to_tensor end)
    if ok and callable(f) then
      local t = x:to_tensor()
      if mg.is_tensor(t) then return t:detach() end
    end
  end
  fail('%s: %s must be a tensor, got %s', who, name, describe(x))
end

local function nonempty(who, t, name)
  if t:size(1) == 0 then fail('%s: %s is empty (0 samples)', who, name) end
end

-- A {N} or {N,1} tensor as {N}, with at least one element.
local function column(who, t, name, expected)
  if t:dim() == 2 and t:size(2) == 1 then
    t = t:select(2, 1)
  elseif t:dim() ~= 1 then
    fail('%s: %s must be %s, got shape %s', who, name, expected, shape_str(t))
  end
  nonempty(who, t, name)
  return t
end

local function check_no_nan(who, t, name)
  if is_float(t) and any(t:ne(t)) then
    fail('%s: %s holds NaN (at position %d)', who, name, first_true(t:ne(t):view(-1)))
  end
end

local function check_rows(who, y_pred, y_true, pred_name)
  if y_pred:size(1) ~= y_true:size(1) then
    fail('%s: %s has %d rows but y_true has %d', who, pred_name or 'y_pred', y_pred:size(1),
         y_true:size(1))
  end
end

local function check_labels(who, labels, name)
  local low = labels:lt(1)
  if any(low) then
    local row = first_true(low)
    fail('%s: %s holds label %d at row %d; class labels are 1-based (for 0/1 binary targets '
         .. 'use a float or bool tensor)', who, name, labels[row]:item(), row)
  end
end

-- y_true of a classifier as 1-based int64 labels {N}: int64 labels, or 0/1 floats or bools
-- (binary targets), which become classes 1 and 2.
local function true_labels(who, y_true)
  local t = column(who, tensor_arg(who, y_true, 'y_true'), 'y_true',
                   'labels {N} or {N,1} (int64, or 0/1 float or bool)')
  if t.dtype == 'int64' then
    check_labels(who, t, 'y_true')
    return t
  end
  if is_float(t) then
    local bad = t:ne(0):logical_and(t:ne(1))
    if any(bad) then
      local row = first_true(bad)
      fail('%s: y_true holds %s at row %d; expected 1-based int64 class labels, or 0/1 binary '
           .. 'targets', who, show_value(t[row]:item()), row)
    end
  end
  return t:long() + 1
end

-- Scores are taken for probabilities when every one lies in [0, 1], else for logits.
local function are_probabilities(scores)
  return scores:min():item() >= 0 and scores:max():item() <= 1
end

-- The threshold of binary scores without one given: 0.5 for probabilities, 0 for logits
-- (whose sigmoid is then 0.5).
local function default_threshold(scores)
  return are_probabilities(scores) and 0.5 or 0
end

-- y_pred of a classifier as 1-based int64 labels {N}, and the number of classes its scores
-- stand for (nil for labels): class scores {N,C} give their argmax; binary scores {N} or
-- {N,1} give class 2 above the threshold, bools class 2 where true.
local function predicted_labels(who, y_pred, threshold)
  local t = tensor_arg(who, y_pred, 'y_pred')
  if threshold ~= nil and type(threshold) ~= 'number' then
    fail('%s: threshold must be a number, got %s', who, show(threshold))
  end
  if is_float(t) and t:dim() == 2 and t:size(2) >= 2 then
    if threshold ~= nil then
      fail('%s: threshold applies to binary scores {N} or {N,1}; y_pred has %d columns of class '
           .. 'scores', who, t:size(2))
    end
    nonempty(who, t, 'y_pred')
    return t:argmax(2), t:size(2)
  end
  t = column(who, t, 'y_pred', 'labels {N} (int64), binary scores {N} or {N,1}, or class '
             .. 'scores {N,C}')
  if is_float(t) then
    return t:gt(threshold or default_threshold(t)):long() + 1, 2
  end
  if threshold ~= nil then
    fail('%s: threshold applies to float scores, y_pred holds %s values', who, t.dtype)
  end
  if t.dtype == 'bool' then return t:long() + 1, 2 end
  check_labels(who, t, 'y_pred')
  return t, nil
end

-- Predicted and true labels of a classifier and the number of classes: the largest label,
-- or the score columns of y_pred.
local function classification(who, y_pred, y_true, threshold)
  local truth = true_labels(who, y_true)
  local pred, score_classes = predicted_labels(who, y_pred, threshold)
  check_rows(who, pred, truth)
  local top = truth:max():item()
  if score_classes and top > score_classes then
    fail('%s: y_true holds label %d (row %d) but y_pred has scores for %d classes', who, top,
         first_true(truth:eq(top)), score_classes)
  end
  return pred, truth, math.max(top, pred:max():item(), score_classes or 0)
end

-- How many of the labels {N} fall in each class 1..C: a float64 tensor {C}.
local function bincount(labels, c, weights)
  return mg.zeros(c, F64):scatter_add(1, labels, weights or mg.ones(labels:size(1), F64))
end

-- Scores as probabilities: logits go through softmax over classes (dim 2 of {N,C}), or
-- through sigmoid for binary scores {N}.
local function probabilities(scores)
  if are_probabilities(scores) then return scores end
  if scores:dim() == 2 then return scores:softmax(2) end
  return scores:sigmoid()
end

-- ---- classification ----------------------------------------------------------------------

M.accuracy = public(function(y_pred, y_true, opts)
  local who = 'accuracy'
  local o = options(who, opts, {'threshold'})
  local pred, truth = classification(who, y_pred, y_true, o.threshold)
  return pred:eq(truth):double():mean():item()
end)

M.top_k_accuracy = public(function(y_score, y_true, opts)
  local who = 'top_k_accuracy'
  local o = options(who, opts, {'k'})
  local k = check_positive_integer(who, 'k', o.k == nil and 5 or o.k)
  local truth = true_labels(who, y_true)
  local s = tensor_arg(who, y_score, 'y_score')
  if not is_float(s) then
    fail('%s: y_score must hold float scores ({N,C}, or {N} for binary), got %s', who, describe(s))
  end
  local binary = s:dim() == 1 or (s:dim() == 2 and s:size(2) == 1)
  if binary then s = column(who, s, 'y_score', 'scores {N,C} or {N}') end
  if s:dim() ~= 2 and not binary then
    fail('%s: y_score must be scores {N,C} (or {N} for binary), got shape %s', who, shape_str(s))
  end
  nonempty(who, s, 'y_score')
  check_rows(who, s, truth, 'y_score')
  check_no_nan(who, s, 'y_score')
  local classes = binary and 2 or s:size(2)
  local top = truth:max():item()
  if top > classes then
    fail('%s: y_true holds label %d but y_score has scores for %d classes', who, top, classes)
  end
  if binary then -- as scikit-learn: k = 1 thresholds the scores; with k >= 2 every class is in
    if k > 1 then return 1.0 end
    return (predicted_labels(who, s)):eq(truth):double():mean():item()
  end
  -- The true class is in the top k when fewer than k classes rank above it: those with a
  -- higher score, and, among equal scores, those with a higher index (scikit-learn's order).
  local true_score = s:gather(2, truth:unsqueeze(2))
  local later = mg.arange(1, classes + 1):unsqueeze(1):gt(truth:unsqueeze(2))
  local above = s:gt(true_score):logical_or(s:eq(true_score):logical_and(later)):sum(2)
  return above:lt(k):double():mean():item()
end)

local AVERAGES = {'binary', 'macro', 'micro', 'weighted'}

-- precision, recall or f1 (which) by scikit-learn's rules: per class from the counts of true
-- positives, predictions and true members; 0 where a ratio has no denominator.
local function precision_recall_f1(which, y_pred, y_true, opts)
  local who = which
  local o = options(who, opts, {'average', 'pos_label', 'threshold'})
  local pred, truth, c = classification(who, y_pred, y_true, o.threshold)
  local average = o.average or (c <= 2 and 'binary' or 'macro')
  check_one_of(who, 'average', average, AVERAGES)
  if average == 'binary' then
    if c > 2 then
      fail("%s: average = 'binary' needs two classes but the labels go up to %d; use 'macro', "
           .. "'micro' or 'weighted'", who, c)
    end
    c = 2
  elseif o.pos_label ~= nil then
    fail("%s: pos_label applies to average = 'binary' only, not %s", who, show(average))
  end
  local pos_label = o.pos_label == nil and 2 or o.pos_label
  if math.type(pos_label) ~= 'integer' or pos_label < 1 or pos_label > 2 then
    fail('%s: pos_label must be class 1 or 2, got %s', who, show(pos_label))
  end
  local tp = bincount(truth, c, pred:eq(truth):double())
  local predicted, actual = bincount(pred, c), bincount(truth, c)
  if average == 'micro' then
    tp, predicted, actual = tp:sum(), predicted:sum(), actual:sum()
  end
  local function ratio(num, den) return mg.where(den:gt(0), num / den:clamp(1, nil), 0) end
  local score
  if which == 'precision' then
    score = ratio(tp, predicted)
  elseif which == 'recall' then
    score = ratio(tp, actual)
  else -- f1 = 2pr / (p + r), which is 2tp / (predicted + actual)
    score = ratio(tp * 2, predicted + actual)
  end
  if average == 'binary' then return score[pos_label]:item() end
  if average == 'micro' then return score:item() end
  if average == 'weighted' then return (score * actual):sum():item() / actual:sum():item() end
  -- macro: the mean over the classes that occur in y_true or y_pred
  local present = predicted:gt(0):logical_or(actual:gt(0))
  return score:masked_fill(present:logical_not(), 0):sum():item() / present:sum():item()
end

M.precision = public(function(y_pred, y_true, opts)
  return precision_recall_f1('precision', y_pred, y_true, opts)
end)
M.recall = public(function(y_pred, y_true, opts)
  return precision_recall_f1('recall', y_pred, y_true, opts)
end)
M.f1 = public(function(y_pred, y_true, opts)
  return precision_recall_f1('f1', y_pred, y_true, opts)
end)

-- ---- confusion matrix --------------------------------------------------------------------

local ConfusionMatrix = {__name = 'ConfusionMatrix'}
ConfusionMatrix.__index = ConfusionMatrix

-- An aligned table: a header of predicted classes, a row per true class.
ConfusionMatrix.__tostring = function(self)
  local counts = self.matrix:totable()
  local names = {}
  for i = 1, self.num_classes do names[i] = self.class_names and self.class_names[i] or tostring(i) end
  local corner = 'true \\ predicted'
  local label_width = #corner
  for _, name in ipairs(names) do label_width = math.max(label_width, #name) end
  local widths = {}
  for j, name in ipairs(names) do
    widths[j] = #name
    for i = 1, self.num_classes do widths[j] = math.max(widths[j], #tostring(counts[i][j])) end
  end
  local function line(label, cells)
    local parts = {(' '):rep(label_width - #label) .. label}
    for j, cell in ipairs(cells) do parts[j + 1] = (' '):rep(widths[j] - #cell) .. cell end
    return table.concat(parts, '  ')
  end
  local n = 0
  for i = 1, self.num_classes do for j = 1, self.num_classes do n = n + counts[i][j] end end
  local lines = {('ConfusionMatrix of %d classes, %d samples (rows: true class, columns: '
                  .. 'predicted)'):format(self.num_classes, n), line(corner, names)}
  for i, name in ipairs(names) do
    local cells = {}
    for j = 1, self.num_classes do cells[j] = tostring(counts[i][j]) end
    lines[#lines + 1] = line(name, cells)
  end
  return table.concat(lines, '\n')
end

M.confusion_matrix = public(function(y_pred, y_true, opts)
  local who = 'confusion_matrix'
  local o = options(who, opts, {'num_classes', 'class_names', 'threshold'})
  local pred, truth, c = classification(who, y_pred, y_true, o.threshold)
  if o.num_classes ~= nil then
    local n = check_positive_integer(who, 'num_classes', o.num_classes)
    if c > n then
      fail('%s: the labels go up to %d but num_classes is %d', who, c, n)
    end
    c = n
  end
  local names = o.class_names
  if names ~= nil then
    if type(names) ~= 'table' or getmetatable(names) ~= nil or #names ~= c then
      fail('%s: class_names must be a list of %d names, got %s', who, c,
           type(names) == 'table' and ('a list of %d'):format(#names) or show(names))
    end
    local copy = {}
    for i, name in ipairs(names) do
      if type(name) ~= 'string' and type(name) ~= 'number' then
        fail('%s: class_names[%d] must be a string, got %s', who, i, show(name))
      end
      copy[i] = tostring(name)
    end
    names = copy
  end
  local cell = (truth - 1) * c + pred -- row-major position of (true, predicted)
  local counts = mg.zeros(c * c, I64):scatter_add(1, cell, mg.ones(cell:size(1), I64))
  return setmetatable({matrix = counts:view(c, c), num_classes = c, class_names = names},
                      ConfusionMatrix)
end)

-- ---- curves and areas --------------------------------------------------------------------

-- Scores and positive mask of a binary ranking problem. y_score: scores {N} or {N,1}, or
-- {N,2} (the pos_label column is used); y_true: labels, positive where equal to pos_label
-- (default 2), which must be given when the labels go past 2.
local function binary_scores(who, y_score, y_true, pos_label)
  local truth = true_labels(who, y_true)
  local s = tensor_arg(who, y_score, 'y_score')
  if pos_label ~= nil and math.type(pos_label) ~= 'integer' then
    fail('%s: pos_label must be an integer class label, got %s', who, show(pos_label))
  end
  if s:dim() == 2 and s:size(2) == 2 then
    if pos_label ~= nil and pos_label > 2 then
      fail('%s: pos_label %d is not a column of y_score (2 columns)', who, pos_label)
    end
    s = s:select(2, pos_label or 2)
  end
  if s.dtype == 'bool' or s:dim() > 2 or (s:dim() == 2 and s:size(2) > 2) then
    fail('%s: y_score must hold binary scores {N} or {N,1} (or {N,2}), got %s; for one class '
         .. 'of many, pass y_score:select(2, c) with pos_label = c', who, describe(s))
  end
  s = column(who, s, 'y_score', 'scores {N} or {N,1}')
  check_rows(who, s, truth, 'y_score')
  check_no_nan(who, s, 'y_score')
  local top = truth:max():item()
  if pos_label == nil and top > 2 then
    fail('%s: y_true holds %d classes; give pos_label, the positive class', who, top)
  end
  if pos_label ~= nil and pos_label < 1 then
    fail('%s: pos_label must be a 1-based class label, got %d', who, pos_label)
  end
  return s:double(), truth:eq(pos_label or 2)
end

-- scikit-learn's _binary_clf_curve: scores sorted from the highest, and at the last of each
-- run of equal scores the cumulative counts of false and true positives, and the score.
local function clf_curve(scores, positive)
  local n = scores:size(1)
  local sorted, order = scores:sort(1, true)
  local tps_all = positive:index_select(1, order):cumsum(1)
  local last = mg.ones(n, {dtype = 'bool'})
  if n > 1 then last:narrow(1, 1, n - 1):copy_(sorted:narrow(1, 1, n - 1):ne(sorted:narrow(1, 2, n - 1))) end
  local at = positions(last)
  local tps = tps_all:index_select(1, at):double()
  return at:double() - tps, tps, sorted:index_select(1, at)
end

-- fps, tps as rates of their last value, NaN throughout when that is 0.
local function rate(counts)
  local total = counts[counts:size(1)]:item()
  if total <= 0 then return mg.full(counts.shape, NAN, F64) end
  return counts / total
end

M.roc_curve = public(function(y_score, y_true, opts)
  local who = 'roc_curve'
  local o = options(who, opts, {'pos_label', 'drop_intermediate'})
  local drop = o.drop_intermediate
  if drop == nil then drop = true end
  if type(drop) ~= 'boolean' then fail('%s: drop_intermediate must be a boolean, got %s', who, show(drop)) end
  local fps, tps, thresholds = clf_curve(binary_scores(who, y_score, y_true, o.pos_label))
  local m = fps:size(1)
  if drop and m > 2 then -- drop points collinear with their neighbours (no corner there)
    local function bends(x)
      return (x:narrow(1, 3, m - 2) - x:narrow(1, 2, m - 2) * 2 + x:narrow(1, 1, m - 2)):ne(0)
    end
    local keep = mg.ones(m, {dtype = 'bool'})
    keep:narrow(1, 2, m - 2):copy_(bends(fps):logical_or(bends(tps)))
    local at = positions(keep)
    fps, tps, thresholds = fps:index_select(1, at), tps:index_select(1, at), thresholds:index_select(1, at)
  end
  -- the curve starts at (0, 0), above every score (scikit-learn 1.2: the highest score + 1)
  local zero = mg.zeros(1, F64)
  fps, tps = mg.cat{zero, fps}, mg.cat{zero, tps}
  thresholds = mg.cat{thresholds:narrow(1, 1, 1) + 1, thresholds}
  return rate(fps), rate(tps), thresholds
end)

M.precision_recall_curve = public(function(y_score, y_true, opts)
  local who = 'precision_recall_curve'
  local o = options(who, opts, {'pos_label'})
  local fps, tps, thresholds = clf_curve(binary_scores(who, y_score, y_true, o.pos_label))
  local precision = tps / (tps + fps) -- tps + fps counts the samples above: never 0
  local total = tps[tps:size(1)]:item()
  local recall = total > 0 and tps / total or mg.ones_like(tps) -- no positives: recall 1, as sklearn
  local reverse = mg.arange(tps:size(1), 0, -1)
  return mg.cat{precision:index_select(1, reverse), mg.ones(1, F64)},
         mg.cat{recall:index_select(1, reverse), mg.zeros(1, F64)},
         thresholds:index_select(1, reverse)
end)

local function trapezoid_area(x, y)
  local m = x:size(1)
  local dx = x:narrow(1, 2, m - 1) - x:narrow(1, 1, m - 1)
  return (dx * (y:narrow(1, 2, m - 1) + y:narrow(1, 1, m - 1))):sum():item() / 2
end

local function binary_roc_auc(who, scores, positive)
  local n_pos = positive:sum():item()
  if n_pos == 0 or n_pos == positive:size(1) then
    fail('%s: y_true holds only one class (%s); ROC AUC is not defined then', who,
         n_pos == 0 and 'no positives' or 'no negatives')
  end
  local fps, tps = clf_curve(scores, positive)
  local zero = mg.zeros(1, F64)
  return trapezoid_area(mg.cat{zero, fps} / fps[fps:size(1)], mg.cat{zero, tps} / n_pos)
end

-- Average precision: the sum over thresholds of precision times the gain in recall.
local function binary_average_precision(scores, positive)
  local fps, tps = clf_curve(scores, positive)
  local total = tps[tps:size(1)]:item()
  if total == 0 then return 0.0 end -- no positives: every precision is 0 (as sklearn)
  local m = tps:size(1)
  local gain = tps:clone()
  if m > 1 then gain:narrow(1, 2, m - 1):sub_(tps:narrow(1, 1, m - 1)) end
  return (gain / total * tps / (tps + fps)):sum():item()
end

-- roc_auc and average_precision: binary from scores {N}, {N,1} or {N,2}; one-vs-rest over
-- the columns of class scores {N,C} (C > 2), averaged as o.average says.
local function area_metric(who, y_score, y_true, opts, binary_area, every_class_needed)
  local o = options(who, opts, {'pos_label', 'average'})
  local s = tensor_arg(who, y_score, 'y_score')
  if not (s:dim() == 2 and s:size(2) > 2) then
    if o.average ~= nil then
      fail("%s: average applies to class scores {N,C} with C > 2, not %s", who, describe(s))
    end
    return binary_area(who, binary_scores(who, s, y_true, o.pos_label))
  end
  local average = check_one_of(who, 'average', o.average or 'macro', {'macro', 'weighted'})
  if o.pos_label ~= nil then fail('%s: pos_label applies to binary scores, not %s', who, describe(s)) end
  if not is_float(s) then fail('%s: y_score must hold float scores, got %s', who, describe(s)) end
  local truth = true_labels(who, y_true)
  nonempty(who, s, 'y_score')
  check_rows(who, s, truth, 'y_score')
  check_no_nan(who, s, 'y_score')
  local c = s:size(2)
  local top = truth:max():item()
  if top > c then fail('%s: y_true holds label %d but y_score has scores for %d classes', who, top, c) end
  local p = probabilities(s:double())
  local support = bincount(truth, c)
  local total = 0
  for k, count in ipairs(support:totable()) do
    if count == 0 and every_class_needed then
      fail('%s: class %d does not occur in y_true, so its one-vs-rest area is not defined', who, k)
    end
    local area = binary_area(who, p:select(2, k), truth:eq(k))
    total = total + area * (average == 'weighted' and count / truth:size(1) or 1 / c)
  end
  return total
end

M.roc_auc = public(function(y_score, y_true, opts)
  return area_metric('roc_auc', y_score, y_true, opts, binary_roc_auc, true)
end)

M.average_precision = public(function(y_score, y_true, opts)
  return area_metric('average_precision', y_score, y_true, opts,
                     function(_, scores, positive) return binary_average_precision(scores, positive) end,
                     false)
end)

M.log_loss = public(function(y_pred, y_true, opts)
  local who = 'log_loss'
  local o = options(who, opts, {'eps'})
  local truth = true_labels(who, y_true)
  local p = tensor_arg(who, y_pred, 'y_pred')
  if not is_float(p) then
    fail('%s: y_pred must hold float probabilities ({N} binary or {N,C}), got %s', who, describe(p))
  end
  local eps = o.eps == nil and EPS[p.dtype] or o.eps
  if type(eps) ~= 'number' or not (eps > 0 and eps < 0.5) then
    fail('%s: eps must be a number in (0, 0.5), got %s', who, show(eps))
  end
  local classes
  if p:dim() == 2 and p:size(2) >= 2 then
    classes = p:size(2)
    nonempty(who, p, 'y_pred')
  else
    p = column(who, p, 'y_pred', 'probabilities {N} or {N,1} (binary) or {N,C}')
    classes = 2
  end
  check_rows(who, p, truth)
  local top = truth:max():item()
  if top > classes then
    fail('%s: y_true holds label %d but y_pred has probabilities for %d classes', who, top, classes)
  end
  -- clipped as scikit-learn 1.2 clips, in the input's dtype, then rows renormalised
  p = probabilities(p):clamp(eps, 1 - eps):double()
  if classes == 2 and p:dim() == 1 then p = mg.stack({1 - p, p}, 2) end
  p = p / p:sum(2, {keepdim = true})
  return -p:gather(2, truth:unsqueeze(2)):log():mean():item()
end)

-- ---- regression --------------------------------------------------------------------------

-- y_pred and y_true as float64 {N, outputs}: {N} and {N,1} match each other, else the shapes
-- must be equal.
local function regression(who, y_pred, y_true)
  local pred, truth = tensor_arg(who, y_pred, 'y_pred'), tensor_arg(who, y_true, 'y_true')
  local function as_matrix(t, name)
    if t:dim() == 1 then t = t:unsqueeze(2) end
    if t:dim() ~= 2 then
      fail('%s: %s must be {N}, {N,1} or {N,D} values, got shape %s', who, name, shape_str(t))
    end
    nonempty(who, t, name)
    return t:double()
  end
  local p, t = as_matrix(pred, 'y_pred'), as_matrix(truth, 'y_true')
  check_rows(who, p, t)
  if p:size(2) ~= t:size(2) then
    fail('%s: y_pred has shape %s but y_true has shape %s', who, shape_str(pred), shape_str(truth))
  end
  return p, t
end

M.mse = public(function(y_pred, y_true)
  local p, t = regression('mse', y_pred, y_true)
  return ((p - t) ^ 2):mean():item()
end)

M.mae = public(function(y_pred, y_true)
  local p, t = regression('mae', y_pred, y_true)
  return (p - t):abs():mean():item()
end)

-- The root of each output's mean squared error, averaged over outputs (as scikit-learn).
M.rmse = public(function(y_pred, y_true)
  local p, t = regression('rmse', y_pred, y_true)
  return ((p - t) ^ 2):mean(1):sqrt():mean():item()
end)

-- Each output's 1 - SS_res / SS_tot, averaged; a constant output scores 1 when predicted
-- exactly, else 0 (scikit-learn's force_finite); fewer than two samples give NaN.
M.r2 = public(function(y_pred, y_true)
  local p, t = regression('r2', y_pred, y_true)
  if t:size(1) < 2 then return NAN end
  local ss_res = ((t - p) ^ 2):sum(1)
  local ss_tot = ((t - t:mean(1, {keepdim = true})) ^ 2):sum(1)
  local constant = ss_tot:eq(0)
  local score = mg.where(constant, ss_res:eq(0):double(), 1 - ss_res / ss_tot:masked_fill(constant, 1))
  return score:mean():item()
end)

-- ---- ranking -----------------------------------------------------------------------------

-- Scores and relevance {users, items} as float64 (a 1-D pair is one user), and k (default
-- 10, at most the number of items).
local function ranking(who, y_score, y_true, opts)
  local o = options(who, opts, {'k'})
  local k = check_positive_integer(who, 'k', o.k == nil and 10 or o.k)
  local s, r = tensor_arg(who, y_score, 'y_score'), tensor_arg(who, y_true, 'y_true')
  for _, pair in ipairs{{s, 'y_score'}, {r, 'y_true'}} do
    local t, name = pair[1], pair[2]
    if t:dim() < 1 or t:dim() > 2 or t:numel() == 0 then
      fail('%s: %s must be a non-empty {users, items} (or {items}) tensor, got %s', who, name, describe(t))
    end
  end
  if s:dim() ~= r:dim() or s:size(1) ~= r:size(1) or s:size(-1) ~= r:size(-1) then
    fail('%s: y_score has shape %s but y_true has shape %s', who, shape_str(s), shape_str(r))
  end
  if s:dim() == 1 then s, r = s:unsqueeze(1), r:unsqueeze(1) end
  check_no_nan(who, s, 'y_score')
  r = r:double()
  if any(r:lt(0)) or any(r:ne(r)) then
    fail('%s: y_true must hold relevances >= 0, got %s', who,
         show_value(r:view(-1)[first_true(r:lt(0):logical_or(r:ne(r)):view(-1))]:item()))
  end
  return s:double(), r, math.min(k, s:size(2))
end

-- Per user, the sum over rank positions of weight (position) times the gain ranked there,
-- items in order of falling score; tied scores share the mean gain of their run (McSherry
-- and Najork's tie averaging, as scikit-learn's ndcg_score): a float64 tensor {users}.
local function tie_averaged_sum(scores, gains, weight)
  local u, i = scores:size(1), scores:size(2)
  local sorted, order = scores:sort(2, true)
  local ranked = gains:gather(2, order):view(-1)
  local starts = mg.ones(u, i, {dtype = 'bool'})
  if i > 1 then starts:narrow(2, 2, i - 1):copy_(sorted:narrow(2, 2, i - 1):ne(sorted:narrow(2, 1, i - 1))) end
  local run = starts:view(-1):cumsum(1) -- each user's first item starts a run: runs stay in a row
  local runs = run[u * i]:item()
  local mean_gain = mg.zeros(runs, F64):scatter_add(1, run, ranked)
                    / mg.zeros(runs, F64):scatter_add(1, run, mg.ones(u * i, F64))
  return (mean_gain:index_select(1, run):view(u, i) * weight:unsqueeze(1)):sum(2)
end

-- 1 for the first k positions of i, 0 after.
local function top_k_weight(i, k)
  return mg.arange(1, i + 1):le(k):double()
end

local function relevant_in_top_k(scores, relevance, k)
  return tie_averaged_sum(scores, relevance:gt(0):double(), top_k_weight(scores:size(2), k))
end

M.precision_at_k = public(function(y_score, y_true, opts)
  local s, r, k = ranking('precision_at_k', y_score, y_true, opts)
  return (relevant_in_top_k(s, r, k) / k):mean():item()
end)

M.recall_at_k = public(function(y_score, y_true, opts)
  local s, r, k = ranking('recall_at_k', y_score, y_true, opts)
  local relevant = r:gt(0):sum(2):double()
  local hits = relevant_in_top_k(s, r, k)
  return mg.where(relevant:gt(0), hits / relevant:clamp(1, nil), 0):mean():item()
end)

M.ndcg_at_k = public(function(y_score, y_true, opts)
  local s, r, k = ranking('ndcg_at_k', y_score, y_true, opts)
  local i = s:size(2)
  local discount = top_k_weight(i, k) / (mg.arange(2, i + 2, F64):log() / math.log(2))
  local dcg = tie_averaged_sum(s, r, discount)
  local ideal = (r:sort(2, true) * discount:unsqueeze(1)):sum(2)
  return mg.where(ideal:gt(0), dcg / ideal:masked_fill(ideal:eq(0), 1), 0):mean():item()
end)

-- ---- cross-validation --------------------------------------------------------------------

-- The (y_pred, y_true) metrics cross_validate may name.
local FOLD_METRICS = {'accuracy', 'top_k_accuracy', 'precision', 'recall', 'f1', 'roc_auc',
                      'average_precision', 'log_loss', 'mse', 'mae', 'rmse', 'r2'}

local function fold_indices(who, v, n, f, name)
  if type(v) == 'table' and getmetatable(v) == nil then
    for i = 1, #v do
      if math.type(v[i]) ~= 'integer' then
        fail('%s: fold %d: %s index %d is %s, expected an integer', who, f, name, i, show(v[i]))
      end
    end
    v = mg.tensor(v, I64)
  end
  if not mg.is_tensor(v) or v.dtype ~= 'int64' or v:dim() ~= 1 then
    fail('%s: fold %d: %s indices must be a 1-D int64 tensor or a list of integers, got %s', who, f,
         name, describe(v))
  end
  if v:size(1) == 0 then fail('%s: fold %d: the %s set is empty', who, f, name) end
  local out = v:lt(1):logical_or(v:gt(n))
  if any(out) then
    fail('%s: fold %d: %s index %d is out of range (1 to %d)', who, f, name, v[first_true(out)]:item(), n)
  end
  return v
end

-- A model's predict function: model_fn's result is one, or an object with :predict(x).
local function predictor(who, model, f)
  if callable(model) then return model end
  if type(model) == 'table' or type(model) == 'userdata' then
    local ok, p = pcall(function() return model.predict end)
    if ok and callable(p) then return function(x) return p(model, x) end end
  end
  fail('%s: fold %d: model_fn must return a predict function or an object with :predict(x), '
       .. 'got %s', who, f, describe(model))
end

M.cross_validate = public(function(model_fn, data, folds, opts)
  local who = 'cross_validate'
  local o = options(who, opts, {'metrics', 'stratify', 'shuffle', 'seed'})
  if not callable(model_fn) then
    fail('%s: model_fn must be a function (x_train, y_train) -> predict, got %s', who, show(model_fn))
  end
  local x, y
  if type(data) == 'table' and getmetatable(data) == mg.data.TensorDataset then
    if #data.tensors ~= 2 then
      fail('%s: data must be a TensorDataset of two tensors (x, y), got %d', who, #data.tensors)
    end
    x, y = data.tensors[1], data.tensors[2]
  elseif type(data) == 'table' and getmetatable(data) == nil then
    x, y = data[1], data[2]
  end
  if not (mg.is_tensor(x) and mg.is_tensor(y)) then
    fail('%s: data must be {x, y} (two tensors) or a TensorDataset, got %s', who, describe(data))
  end
  if x:dim() == 0 or y:dim() == 0 or x:size(1) ~= y:size(1) then
    fail('%s: x has shape %s but y has shape %s (one row per sample in each)', who, shape_str(x), shape_str(y))
  end
  local n = x:size(1)
  local names = o.metrics == nil and {'accuracy'} or o.metrics
  if type(names) ~= 'table' or getmetatable(names) ~= nil or #names == 0 then
    fail('%s: metrics must be a non-empty list of metric names, got %s', who, show(names))
  end
  local known = {}
  for _, name in ipairs(FOLD_METRICS) do known[name] = true end
  for _, name in ipairs(names) do
    if not known[name] then
      fail('%s: unknown metric %s (metrics: %s)', who, show(name), table.concat(FOLD_METRICS, ', '))
    end
  end
  for _, key in ipairs{'stratify', 'shuffle'} do
    if o[key] ~= nil and type(o[key]) ~= 'boolean' then
      fail('%s: %s must be a boolean, got %s', who, key, show(o[key]))
    end
  end

  local splits = {}
  if math.type(folds) == 'integer' then
    if o.seed ~= nil and o.shuffle == false then
      fail('%s: seed has no effect when shuffle is false', who)
    end
    local pp = mg.preprocessing
    local ok, err = pcall(function()
      local splitter = (o.stratify and pp.StratifiedKFold or pp.KFold){n_splits = folds,
        shuffle = o.shuffle or o.seed ~= nil, seed = o.seed}
      for train, test in splitter:split(x, o.stratify and y or nil) do splits[#splits + 1] = {train, test} end
    end)
    if not ok then fail('%s: %s', who, message_of(err)) end
  elseif type(folds) == 'table' and getmetatable(folds) == nil and #folds > 0 then
    if o.stratify ~= nil or o.shuffle ~= nil or o.seed ~= nil then
      fail('%s: stratify, shuffle and seed apply when folds is a number, not a list of folds', who)
    end
    for f, pair in ipairs(folds) do
      if type(pair) ~= 'table' or getmetatable(pair) ~= nil then
        fail('%s: fold %d must be {train_idx, test_idx}, got %s', who, f, show(pair))
      end
      splits[f] = {fold_indices(who, pair[1], n, f, 'train'), fold_indices(who, pair[2], n, f, 'test')}
    end
  else
    fail('%s: folds must be a number of folds or a list of {train_idx, test_idx}, got %s', who, show(folds))
  end

  local scores = {}
  for _, name in ipairs(names) do scores[name] = {} end
  for f, split in ipairs(splits) do
    local ok, model = pcall(model_fn, x:index_select(1, split[1]), y:index_select(1, split[1]))
    if not ok then fail('%s: fold %d: model_fn failed: %s', who, f, message_of(model)) end
    local predict = predictor(who, model, f)
    local y_test = y:index_select(1, split[2])
    local ok_p, y_pred = pcall(predict, x:index_select(1, split[2]))
    if not ok_p then fail('%s: fold %d: predict failed: %s', who, f, message_of(y_pred)) end
    for _, name in ipairs(names) do
      local ok_m, score = pcall(M[name], y_pred, y_test)
      if not ok_m then fail('%s: fold %d: %s', who, f, message_of(score)) end
      scores[name][f] = score
    end
  end
  local mean, std = {}, {}
  for _, name in ipairs(names) do
    local s = mg.tensor(scores[name], F64)
    mean[name] = s:mean():item()
    std[name] = s:std(1, {unbiased = false}):item()
  end
  return {scores = scores, mean = mean, std = std}
end)

return M
