-- mg.metrics: classification, curves and areas, regression, ranking and cross-validation.
-- Expected values were recorded from scikit-learn 1.2.1 (numpy 1.24) on the same inputs, with
-- scikit-learn's 0-based labels one lower than moongrad's; for example, for the binary data
-- below:
--   yb = np.array([0,1,1,0,1,0,1,1,0,0]); pb = np.array([0.1,0.9,0.6,...,0.05])
--   metrics.roc_curve(yb, pb); metrics.average_precision_score(yb, pb); metrics.log_loss(yb, pb)
-- and for the three-class data y3 = [0,1,2,2,1,0,2,1], s3 = the rows of S3:
--   metrics.top_k_accuracy_score(y3, s3, k=2); metrics.f1_score(y3, s3.argmax(1), average=a)
--   metrics.roc_auc_score(y3, s3, multi_class='ovr', average=a)
--   metrics.average_precision_score(label_binarize(y3, classes=[0,1,2]), s3, average=a)
-- ndcg from metrics.ndcg_score(rel, scores, k=k); precision and recall at k, and the
-- cross-validation folds' scores, are worked out by hand in the comments next to them.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local M = mg.metrics

local SPEC = 'metrics_spec.lua:' -- errors point at the caller's line in this file

local function ints(list) return mg.tensor(list, {dtype = 'int64'}) end
local function f64(list) return mg.tensor(list, {dtype = 'float64'}) end
local function err(f) return h.error_in(SPEC, f) end

local function near(actual, expected, tol)
  assert.are.equal('number', type(actual))
  h.assert_near(actual, expected, tol or 1e-12)
end

-- ---- data ---------------------------------------------------------------------------------

-- binary: 0/1 targets and probabilities, with a tie at 0.6 across both classes
local YB = {0, 1, 1, 0, 1, 0, 1, 1, 0, 0}
local PB = {0.1, 0.9, 0.6, 0.6, 0.35, 0.2, 0.8, 0.6, 0.45, 0.05}

-- three classes: labels and probabilities; argmax gives 1 2 3 1 2 1 3 1
local Y3 = {1, 2, 3, 3, 2, 1, 3, 2}
local S3 = {{0.7, 0.2, 0.1}, {0.3, 0.4, 0.3}, {0.2, 0.2, 0.6}, {0.5, 0.1, 0.4}, {0.1, 0.8, 0.1},
            {0.4, 0.35, 0.25}, {0.3, 0.3, 0.4}, {0.6, 0.3, 0.1}}

-- ---- accuracy and top-k accuracy ----------------------------------------------------------

describe('accuracy', function()
  it('compares labels, class scores (argmax) and binary scores with true labels', function()
    near(M.accuracy(ints{1, 2, 3, 3, 2, 1, 3, 2}, ints(Y3)), 1.0)
    near(M.accuracy(f64(S3), ints(Y3)), 0.75)                      -- sklearn 0.75
    near(M.accuracy(mg.tensor(S3), ints(Y3):view(8, 1)), 0.75)     -- float32, {N,1} labels
    near(M.accuracy(f64(PB), f64(YB)), 0.8)                        -- sklearn 0.8 (pb > 0.5)
    near(M.accuracy(f64(PB):view(10, 1), mg.tensor(YB):view(10, 1)), 0.8)
    near(M.accuracy(f64(PB), ints(YB) + 1), 0.8)                   -- classes 1 and 2
    near(M.accuracy(f64(PB):gt(0.5), f64(YB):bool()), 0.8)         -- bool predictions
  end)

  it('thresholds probabilities at 0.5 (strictly above), logits at 0, or at the option', function()
    -- by hand: probabilities 0.5 -> class 1 (not above 0.5), 0.7 -> 2
    near(M.accuracy(f64{0.5, 0.7}, f64{0, 1}), 1.0)
    -- logits (a value outside [0, 1]): > 0 is class 2: predictions 0 1 1 0 against 0 1 0 0
    local logits, y = f64{-2, 1.5, 0.3, -0.1}, f64{0, 1, 0, 0}
    near(M.accuracy(logits, y), 0.75)
    near(M.accuracy(logits, y, {threshold = 0.5}), 1.0)
    near(M.accuracy(f64{0.2, 0.4}, f64{0, 1}, {threshold = 0.3}), 1.0)
  end)

  it('rejects mismatched, empty, out-of-range and ill-typed inputs at the caller', function()
    assert.are.equal('accuracy: y_pred has 5 rows but y_true has 4',
                     err(function() M.accuracy(ints{1, 2, 1, 2, 1}, ints{1, 2, 1, 2}) end))
    h.assert_error_with(function() M.accuracy(ints{1, 0}, ints{1, 2}) end,
                        'accuracy: y_pred holds label 0 at row 2; class labels are 1-based')
    h.assert_error_with(function() M.accuracy(ints{1, 2}, ints{0, 1}) end,
                        'accuracy: y_true holds label 0 at row 1', 'use a float or bool tensor')
    h.assert_error_with(function() M.accuracy(f64{0.2, 0.4}, f64{0, 2}) end,
                        'accuracy: y_true holds 2 at row 2', '0/1 binary targets')
    h.assert_error_with(function() M.accuracy(f64(S3), ints{1, 2, 3, 4, 1, 1, 1, 1}) end,
                        'accuracy: y_true holds label 4 (row 4) but y_pred has scores for 3 classes')
    assert.are.equal('accuracy: y_true is empty (0 samples)',
                     err(function() M.accuracy(ints{}, ints{}) end))
    h.assert_error_with(function() M.accuracy(ints{1}, mg.zeros(1, 2, 2)) end,
                        'accuracy: y_true must be labels {N} or {N,1}', 'got shape {1,2,2}')
    assert.are.equal('accuracy: y_pred must be a tensor, got a table',
                     err(function() M.accuracy({1, 2}, ints{1, 2}) end))
    h.assert_error_with(function() M.accuracy(ints{1, 2}, ints{1, 2}, {threshold = 0.5}) end,
                        'accuracy: threshold applies to float scores')
    h.assert_error_with(function() M.accuracy(f64(S3), ints(Y3), {threshold = 0.5}) end,
                        'accuracy: threshold applies to binary scores')
    h.assert_error_with(function() M.accuracy(f64{0.5}, f64{1}, {threshold = 'high'}) end,
                        'accuracy: threshold must be a number')
    h.assert_error_with(function() M.accuracy(ints{1}, ints{1}, {thresh = 1}) end,
                        "accuracy: unknown option 'thresh' (options: threshold)")
    h.assert_error_with(function() M.accuracy(ints{1}, ints{1}, 5) end,
                        'accuracy: expected a table of options, got 5')
  end)
end)

describe('top_k_accuracy', function()
  it('counts a hit when the true class is among the k highest scores (default k = 5)', function()
    near(M.top_k_accuracy(f64(S3), ints(Y3), {k = 1}), 0.75) -- sklearn 0.75
    near(M.top_k_accuracy(f64(S3), ints(Y3), {k = 2}), 1.0)  -- sklearn 1.0
    near(M.top_k_accuracy(f64(S3), ints(Y3)), 1.0)           -- k = 5 >= 3 classes
    -- binary scores: k = 1 thresholds as accuracy does; k >= 2 covers both classes
    near(M.top_k_accuracy(f64(PB), f64(YB), {k = 1}), 0.8)
    near(M.top_k_accuracy(f64(PB), f64(YB)), 1.0)
  end)

  it('breaks ties as scikit-learn: the higher class index ranks first', function()
    -- sklearn top_k_accuracy_score([0,2,1], [[.3,.4,.3],[.5,.25,.25],[.5,.25,.25]], k=2,
    -- labels=[0,1,2]) = 1/3: only the second row (its true class 3 outranks tied class 2) hits
    near(M.top_k_accuracy(f64{{0.3, 0.4, 0.3}, {0.5, 0.25, 0.25}, {0.5, 0.25, 0.25}}, ints{1, 3, 2},
                          {k = 2}), 1 / 3)
  end)

  it('rejects k <= 0, labels as scores, and labels past the score columns', function()
    assert.are.equal('top_k_accuracy: k must be a positive integer, got 0',
                     err(function() M.top_k_accuracy(f64(S3), ints(Y3), {k = 0}) end))
    h.assert_error_with(function() M.top_k_accuracy(f64(S3), ints(Y3), {k = 1.5}) end,
                        'k must be a positive integer, got 1.5')
    h.assert_error_with(function() M.top_k_accuracy(ints(Y3), ints(Y3)) end,
                        'top_k_accuracy: y_score must hold float scores')
    h.assert_error_with(function() M.top_k_accuracy(f64{{0.5, 0.5}}, ints{3}) end,
                        'top_k_accuracy: y_true holds label 3 but y_score has scores for 2 classes')
    h.assert_error_with(function() M.top_k_accuracy(f64(S3), ints{1, 2}) end,
                        'top_k_accuracy: y_score has 8 rows but y_true has 2')
    h.assert_error_with(function() M.top_k_accuracy(f64{{0 / 0, 1}}, ints{1}) end,
                        'top_k_accuracy: y_score holds NaN')
  end)
end)

-- ---- precision, recall, f1 ----------------------------------------------------------------

describe('precision, recall and f1', function()
  local pred3 = ints{1, 2, 3, 1, 2, 1, 3, 1} -- the argmax of S3

  it("default to 'binary' (positive class 2) for two classes", function()
    -- sklearn precision/recall/f1_score(yb, pb > 0.5): 0.8, 0.8, 0.8
    near(M.precision(f64(PB), f64(YB)), 0.8)
    near(M.recall(f64(PB), f64(YB)), 0.8)
    near(M.f1(f64(PB), f64(YB)), 0.8)
    -- pos_label = 1 (sklearn's pos_label=0): 0.8, 0.8, 0.8
    near(M.precision(f64(PB), f64(YB), {pos_label = 1}), 0.8)
    -- by hand: predictions 2 2 1 1 against 2 1 1 1: precision 1/2, recall 1, f1 2/3
    local p, y = ints{2, 2, 1, 1}, ints{2, 1, 1, 1}
    near(M.precision(p, y), 0.5)
    near(M.recall(p, y), 1.0)
    near(M.f1(p, y), 2 / 3)
    near(M.precision(p, y, {average = 'binary', pos_label = 1}), 1.0) -- 2 of 2 predicted 1s
    near(M.recall(p, y, {pos_label = 1}), 2 / 3)
  end)

  it("default to 'macro' for more classes, and average 'micro' and 'weighted' as sklearn", function()
    near(M.precision(pred3, ints(Y3)), 0.8333333333333334)
    near(M.recall(pred3, ints(Y3)), 0.7777777777777777)
    near(M.f1(f64(S3), ints(Y3)), 0.7555555555555555)
    for _, case in ipairs{{'macro', 0.8333333333333334, 0.7777777777777777, 0.7555555555555555},
                          {'micro', 0.75, 0.75, 0.75},
                          {'weighted', 0.875, 0.75, 0.7666666666666667}} do
      local opts = {average = case[1]}
      near(M.precision(pred3, ints(Y3), opts), case[2])
      near(M.recall(pred3, ints(Y3), opts), case[3])
      near(M.f1(pred3, ints(Y3), opts), case[4])
    end
  end)

  it('average over classes present in y_true or y_pred, 0 where undefined (no warning)', function()
    -- labels 1, 2, 4 (class 3 in neither): sklearn on [0,1,3,3,1] / [0,3,3,1,1] gives 2/3 each
    local y, p = ints{1, 2, 4, 4, 2}, ints{1, 4, 4, 2, 2}
    near(M.precision(p, y), 0.6666666666666666)
    near(M.recall(p, y), 0.6666666666666666)
    near(M.f1(p, y), 0.6666666666666666)
    -- class 3 never predicted: its precision is 0 (sklearn zero_division)
    y, p = ints{1, 2, 3, 3}, ints{1, 2, 2, 2}
    near(M.precision(p, y), 0.4444444444444444)
    near(M.recall(p, y), 0.6666666666666666)
    near(M.f1(p, y), 0.5)
    near(M.f1(p, y, {average = 'weighted'}), 0.375)
    -- binary with no positive predicted or true: 0
    near(M.precision(ints{1, 1}, ints{1, 1}), 0.0)
    near(M.f1(ints{1, 1}, ints{1, 1}), 0.0)
  end)

  it('reject an unknown average, binary on many classes and a misplaced pos_label', function()
    assert.are.equal("f1: average must be 'binary', 'macro', 'micro' or 'weighted', got 'mean'",
                     err(function() M.f1(pred3, ints(Y3), {average = 'mean'}) end))
    h.assert_error_with(function() M.precision(pred3, ints(Y3), {average = 'binary'}) end,
                        "precision: average = 'binary' needs two classes but the labels go up to 3")
    h.assert_error_with(function() M.recall(pred3, ints(Y3), {pos_label = 2}) end,
                        "recall: pos_label applies to average = 'binary' only, not 'macro'")
    h.assert_error_with(function() M.recall(ints{1, 2}, ints{1, 2}, {pos_label = 3}) end,
                        'recall: pos_label must be class 1 or 2, got 3')
    h.assert_error_with(function() M.f1(ints{1, 2}, ints{1}) end, 'f1: y_pred has 2 rows but y_true has 1')
  end)
end)

-- ---- confusion matrix ---------------------------------------------------------------------

describe('confusion_matrix', function()
  it('counts true classes in rows and predictions in columns, as sklearn', function()
    local cm = M.confusion_matrix(f64(S3), ints(Y3))
    assert.are.equal('int64', cm.matrix.dtype)
    -- sklearn confusion_matrix(y3, s3.argmax(1))
    assert.are.same({{2, 0, 0}, {1, 2, 0}, {1, 0, 2}}, cm.matrix:totable())
    assert.are.equal(3, cm.num_classes)
    assert.are.same({{2, 1}, {0, 0}}, M.confusion_matrix(f64{0.2, 0.9, 0.1}, f64{0, 0, 0}).matrix:totable())
    assert.are.same({{1, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}},
                    M.confusion_matrix(ints{1}, ints{1}, {num_classes = 4}).matrix:totable())
  end)

  it('prints an aligned table with class numbers or names', function()
    local cm = M.confusion_matrix(ints{1, 2, 3, 3, 2, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1},
                                  ints{1, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
    assert.are.equal(table.concat({
      'ConfusionMatrix of 3 classes, 15 samples (rows: true class, columns: predicted)',
      'true \\ predicted   1  2  3',
      '               1  10  0  1',
      '               2   0  1  0',
      '               3   0  1  2'}, '\n'), tostring(cm))
    cm = M.confusion_matrix(ints{1, 2}, ints{2, 2}, {class_names = {'cat', 'a very long name'}})
    assert.are.equal(table.concat({
      'ConfusionMatrix of 2 classes, 2 samples (rows: true class, columns: predicted)',
      'true \\ predicted  cat  a very long name',
      '             cat    0                 0',
      'a very long name    1                 1'}, '\n'), tostring(cm))
  end)

  it('rejects too small num_classes and a wrong list of names', function()
    assert.are.equal('confusion_matrix: the labels go up to 3 but num_classes is 2',
                     err(function() M.confusion_matrix(ints{1, 3}, ints{1, 2}, {num_classes = 2}) end))
    h.assert_error_with(function() M.confusion_matrix(ints{1}, ints{1}, {num_classes = 0}) end,
                        'confusion_matrix: num_classes must be a positive integer, got 0')
    h.assert_error_with(function() M.confusion_matrix(ints{1, 2}, ints{1, 2}, {class_names = {'a'}}) end,
                        'confusion_matrix: class_names must be a list of 2 names, got a list of 1')
    h.assert_error_with(function() M.confusion_matrix(ints{1, 2}, ints{1, 2}, {class_names = {'a', true}}) end,
                        'confusion_matrix: class_names[2] must be a string, got true')
  end)
end)

-- ---- curves and areas ---------------------------------------------------------------------

describe('roc_curve and roc_auc', function()
  it('give the points and thresholds of sklearn, dropping collinear points by default', function()
    local fpr, tpr, thr = M.roc_curve(f64(PB), f64(YB))
    h.assert_close(fpr, {0.0, 0.0, 0.0, 0.2, 0.4, 0.4, 1.0}, 1e-12, 1e-15)
    h.assert_close(tpr, {0.0, 0.2, 0.4, 0.8, 0.8, 1.0, 1.0}, 1e-12, 1e-15)
    h.assert_close(thr, {1.9, 0.9, 0.8, 0.6, 0.45, 0.35, 0.05}, 1e-12, 1e-15)
    assert.are.equal('float64', thr.dtype)
    fpr, tpr, thr = M.roc_curve(f64(PB), f64(YB), {drop_intermediate = false})
    h.assert_close(fpr, {0.0, 0.0, 0.0, 0.2, 0.4, 0.4, 0.6, 0.8, 1.0}, 1e-12, 1e-15)
    h.assert_close(tpr, {0.0, 0.2, 0.4, 0.8, 0.8, 1.0, 1.0, 1.0, 1.0}, 1e-12, 1e-15)
    h.assert_close(thr, {1.9, 0.9, 0.8, 0.6, 0.45, 0.35, 0.2, 0.1, 0.05}, 1e-12, 1e-15)
    near(M.roc_auc(f64(PB), f64(YB)), 0.88)
    -- int64 labels 1/2, {N,1} scores and {N,2} scores (column 2) give the same
    near(M.roc_auc(f64(PB):view(10, 1), ints(YB) + 1), 0.88)
    near(M.roc_auc(mg.stack({1 - f64(PB), f64(PB)}, 2), f64(YB)), 0.88)
    -- class 1 as the positive one: sklearn roc_auc_score(1 - yb, 1 - pb) = 0.88
    near(M.roc_auc(1 - f64(PB), f64(YB), {pos_label = 1}), 0.88)
  end)

  it('gives NaN rates when a class is absent from y_true, as sklearn', function()
    local fpr, tpr = M.roc_curve(f64{0.3, 0.7}, f64{1, 1})
    h.assert_close(fpr, {0 / 0, 0 / 0, 0 / 0})
    h.assert_close(tpr, {0.0, 0.5, 1.0})
  end)

  it('handles 10^5 scores: alternating classes over increasing scores', function()
    -- scores 1..n, positives the even ones: every point is a corner, so none is dropped;
    -- a positive 2j outranks j negatives, so AUC = sum j / m^2 = (m + 1) / 2m, m = n / 2
    local n, m = 100000, 50000
    local scores = mg.arange(1, n + 1, {dtype = 'float64'})
    local bool = {dtype = 'bool'}
    local y = mg.stack({mg.zeros(m, bool), mg.ones(m, bool)}, 2):view(-1) -- false true false ...
    local fpr, tpr, thr = M.roc_curve(scores, y)
    assert.are.equal(n + 1, fpr:size(1))
    h.assert_close(thr:narrow(1, 1, 3), {n + 1, n, n - 1})
    h.assert_close(tpr:narrow(1, 1, 3), {0, 1 / m, 1 / m})
    h.assert_close(fpr:narrow(1, 1, 3), {0, 0, 1 / m})
    near(M.roc_auc(scores, y), (m + 1) / (2 * m))
  end)

  it('averages one-vs-rest areas over classes for class scores {N,C}', function()
    near(M.roc_auc(f64(S3), ints(Y3)), 0.9111111111111111)
    near(M.roc_auc(f64(S3), ints(Y3), {average = 'weighted'}), 0.9208333333333333)
    -- logits: softmax first (sklearn on scipy.special.softmax(logits, 1): 1.0)
    near(M.roc_auc(f64{{2, -1, 0.5}, {0, 1, -2}, {-1, -1, 3}, {1, 0, 0.2}}, ints{1, 2, 3, 3}), 1.0)
  end)

  it('rejects one-class targets, NaN scores and multi-class labels without pos_label', function()
    assert.are.equal('roc_auc: y_true holds only one class (no negatives); ROC AUC is not defined then',
                     err(function() M.roc_auc(f64{0.1, 0.2}, f64{1, 1}) end))
    h.assert_error_with(function() M.roc_auc(f64(S3), ints{1, 1, 3, 3, 1, 1, 3, 1}) end,
                        'roc_auc: class 2 does not occur in y_true')
    h.assert_error_with(function() M.roc_curve(f64{0.1, 0 / 0}, f64{0, 1}) end,
                        'roc_curve: y_score holds NaN (at position 2)')
    h.assert_error_with(function() M.roc_curve(f64{0.1, 0.2, 0.3}, ints{1, 2, 3}) end,
                        'roc_curve: y_true holds 3 classes; give pos_label')
    h.assert_error_with(function() M.roc_curve(f64(S3), ints(Y3)) end,
                        'roc_curve: y_score must hold binary scores', 'pass y_score:select(2, c)')
    h.assert_error_with(function() M.roc_curve(f64{0.1, 0.2}, f64{0, 1}, {drop_intermediate = 1}) end,
                        'roc_curve: drop_intermediate must be a boolean, got 1')
    h.assert_error_with(function() M.roc_curve(f64{0.1, 0.2, 0.3}, f64{0, 1}) end,
                        'roc_curve: y_score has 3 rows but y_true has 2')
    h.assert_error_with(function() M.roc_auc(f64(S3), ints(Y3), {average = 'micro'}) end,
                        "roc_auc: average must be 'macro' or 'weighted', got 'micro'")
    h.assert_error_with(function() M.roc_auc(f64(PB), f64(YB), {average = 'macro'}) end,
                        'roc_auc: average applies to class scores {N,C} with C > 2')
    h.assert_error_with(function() M.roc_auc(f64(S3), ints(Y3), {pos_label = 2}) end,
                        'roc_auc: pos_label applies to binary scores')
  end)
end)

describe('precision_recall_curve and average_precision', function()
  it('give the points of sklearn 1.2.1, recall falling to 0', function()
    local p, r, thr = M.precision_recall_curve(f64(PB), f64(YB))
    h.assert_close(p, {0.5, 0.5555555555555556, 0.625, 0.7142857142857143, 0.6666666666666666,
                       0.8, 1.0, 1.0, 1.0}, 1e-12)
    h.assert_close(r, {1.0, 1.0, 1.0, 1.0, 0.8, 0.8, 0.4, 0.2, 0.0}, 1e-12)
    h.assert_close(thr, {0.05, 0.1, 0.2, 0.35, 0.45, 0.6, 0.8, 0.9}, 1e-12)
    -- sklearn's docstring example
    p, r, thr = M.precision_recall_curve(f64{0.1, 0.4, 0.35, 0.8}, f64{0, 0, 1, 1})
    h.assert_close(p, {0.5, 0.66666666666666667, 0.5, 1.0, 1.0}, 1e-12)
    h.assert_close(r, {1.0, 1.0, 0.5, 0.5, 0.0}, 1e-12)
    h.assert_close(thr, {0.1, 0.35, 0.4, 0.8}, 1e-12)
  end)

  it('sets recall to 1 without positives, and average precision to 0', function()
    local p, r = M.precision_recall_curve(f64{0.2, 0.6}, f64{0, 0})
    h.assert_close(p, {0, 0, 1})
    h.assert_close(r, {1, 1, 0})
    near(M.average_precision(f64{0.2, 0.6}, f64{0, 0}), 0.0)
  end)

  it('average_precision agrees with sklearn, binary and one-vs-rest', function()
    near(M.average_precision(f64(PB), f64(YB)), 0.8628571428571429)
    -- sklearn average_precision_score(yb, -pb, pos_label=0) = 0.885
    near(M.average_precision(-f64(PB), f64(YB), {pos_label = 1}), 0.885)
    near(M.average_precision(f64(S3), ints(Y3)), 0.8722222222222222)
    near(M.average_precision(f64(S3), ints(Y3), {average = 'weighted'}), 0.8875)
  end)

  it('rejects bad pos_label and score shapes', function()
    h.assert_error_with(function() M.precision_recall_curve(f64{0.1, 0.2}, f64{0, 1}, {pos_label = 'yes'}) end,
                        'precision_recall_curve: pos_label must be an integer class label')
    h.assert_error_with(function() M.average_precision(mg.zeros(2, 2, 2), f64{0, 1}) end,
                        'average_precision: y_score must hold binary scores')
    h.assert_error_with(function() M.average_precision(f64{{0.5, 0.5}}, f64{1}, {pos_label = 3}) end,
                        'average_precision: pos_label 3 is not a column of y_score (2 columns)')
    h.assert_error_with(function() M.precision_recall_curve(f64{}, f64{}) end, 'y_true is empty')
  end)
end)

describe('log_loss', function()
  it('agrees with sklearn on binary and class probabilities', function()
    near(M.log_loss(f64(PB), f64(YB)), 0.42939025329920566)
    near(M.log_loss(f64(PB):view(10, 1), ints(YB) + 1), 0.42939025329920566)
    near(M.log_loss(mg.tensor(PB), f64(YB)), 0.429390254420726, 1e-7) -- float32 input
    near(M.log_loss(f64(S3), ints(Y3)), 0.7449724813551861)
    -- rows not summing to 1 are renormalised, as sklearn
    near(M.log_loss(f64{{0.2, 0.2, 0.2}, {0.1, 0.5, 0.1}, {0.3, 0.3, 0.6}, {0, 1, 0}}, ints{1, 2, 3, 2}),
         0.5320579264623171)
  end)

  it('clips at the machine epsilon of the input dtype, as sklearn 1.2', function()
    near(M.log_loss(f64{0, 1, 0}, f64{0, 1, 1}), 12.014551129705717)
    near(M.log_loss(mg.tensor{0, 1, 0}, f64{0, 1, 1}), 5.314128463765779, 1e-7)
    -- by hand: clipped to 0.001 and 0.999, two rows lose -log(0.999), the third -log(0.001)
    near(M.log_loss(f64{0, 1, 0}, f64{0, 1, 1}, {eps = 1e-3}), -(2 * math.log(0.999) + math.log(1e-3)) / 3)
  end)

  it('turns logits into probabilities (sigmoid, softmax) first', function()
    -- sklearn log_loss(y, scipy.special.expit(logits)) and on softmax(logits, 1)
    near(M.log_loss(f64{-2, 1.5, 0.3, -0.1}, f64{0, 1, 0, 0}), 0.45677329839195574)
    near(M.log_loss(f64{{2, -1, 0.5}, {0, 1, -2}, {-1, -1, 3}, {1, 0, 0.2}}, ints{1, 2, 3, 3}),
         0.5059003233681089)
  end)

  it('rejects labels past the columns, label predictions and a bad eps', function()
    assert.are.equal('log_loss: y_true holds label 3 but y_pred has probabilities for 2 classes',
                     err(function() M.log_loss(f64{0.2, 0.3}, ints{1, 3}) end))
    h.assert_error_with(function() M.log_loss(ints{1, 2}, ints{1, 2}) end,
                        'log_loss: y_pred must hold float probabilities')
    h.assert_error_with(function() M.log_loss(f64{0.2}, f64{1}, {eps = 0}) end,
                        'log_loss: eps must be a number in (0, 0.5), got 0')
    h.assert_error_with(function() M.log_loss(f64{0.2, 0.3}, f64{1}) end,
                        'log_loss: y_pred has 2 rows but y_true has 1')
  end)
end)

-- ---- regression ---------------------------------------------------------------------------

describe('regression metrics', function()
  local YT = {{3, -0.5}, {2, 0}, {7, 2}, {1, 1.5}, {4, -1}}
  local YP = {{2.5, 0}, {2, -0.5}, {8, 2}, {0, 1}, {4.5, -2}}

  it('agree with sklearn on one output', function()
    local t, p = f64(YT):select(2, 1), f64(YP):select(2, 1)
    near(M.mse(p, t), 0.5)
    near(M.mae(p, t), 0.6)
    near(M.rmse(p, t), 0.7071067811865476)
    near(M.r2(p, t), 0.8820754716981132)
    near(M.r2(p:view(5, 1), t), 0.8820754716981132) -- {N,1} against {N}
    near(M.mse(mg.tensor{2.5, 2, 8, 0, 4.5}, ints{3, 2, 7, 1, 4}), 0.5) -- float32 and int64
  end)

  it('average outputs uniformly (rmse per output first, as sklearn)', function()
    near(M.mse(f64(YP), f64(YT)), 0.425)
    near(M.mae(f64(YP), f64(YT)), 0.55)
    near(M.rmse(f64(YP), f64(YT)), 0.6493573797482546)
    near(M.r2(f64(YP), f64(YT)), 0.8104407209236835)
  end)

  it('scores a constant target 1 when predicted exactly, else 0; one sample gives NaN', function()
    near(M.r2(f64{3, 3, 3}, f64{3, 3, 3}), 1.0)
    near(M.r2(f64{3, 2, 3}, f64{3, 3, 3}), 0.0)
    near(M.r2(f64{{3, 1.5}, {3, 2}, {3, 3}}, f64{{3, 1}, {3, 2}, {3, 4}}), 0.8660714285714286)
    local r = M.r2(f64{1}, f64{2})
    assert.is_true(r ~= r)
  end)

  it('reject mismatched shapes and empty inputs', function()
    assert.are.equal('mse: y_pred has shape {5,2} but y_true has shape {5}',
                     err(function() M.mse(f64(YP), f64(YT):select(2, 1)) end))
    h.assert_error_with(function() M.mae(f64{1, 2}, f64{1, 2, 3}) end, 'mae: y_pred has 2 rows but y_true has 3')
    h.assert_error_with(function() M.rmse(mg.zeros(2, 2, 2), mg.zeros(2, 2, 2)) end,
                        'rmse: y_pred must be {N}, {N,1} or {N,D} values, got shape {2,2,2}')
    h.assert_error_with(function() M.r2(f64{}, f64{}) end, 'r2: y_pred is empty')
    h.assert_error_with(function() M.r2(f64{1}, 'x') end, 'r2: y_true must be a tensor, got "x"')
  end)
end)

-- ---- ranking ------------------------------------------------------------------------------

describe('ranking metrics', function()
  -- four users, six items; user 2 has no relevant item; user 3's items 1-3 tie at 0.5
  local REL = {{3, 0, 2, 0, 1, 0}, {0, 0, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 1}, {0, 2, 0, 1, 0, 0}}
  local SC = {{0.9, 0.8, 0.1, 0.3, 0.5, 0.2}, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6},
              {0.5, 0.5, 0.5, 0.1, 0.9, 0.2}, {0.2, 0.1, 0.9, 0.8, 0.3, 0.4}}

  it('ndcg_at_k agrees with sklearn ndcg_score (ties averaged, users without relevance 0)', function()
    near(M.ndcg_at_k(f64(SC), f64(REL), {k = 1}), 0.25)
    near(M.ndcg_at_k(f64(SC), f64(REL), {k = 3}), 0.3321584085896253)
    near(M.ndcg_at_k(f64(SC), f64(REL), {k = 6}), 0.5163265903109379)
    near(M.ndcg_at_k(mg.tensor(SC), ints(REL)), 0.5163265903109379, 1e-7) -- k = 10 > 6 items
    near(M.ndcg_at_k(f64(SC[1]), f64(REL[1]), {k = 3}), 0.7350069851388743) -- one user, 1-D
    near(M.ndcg_at_k(f64(SC[3]), f64(REL[3]), {k = 3}), 0.35381418265149567)
    -- sklearn ndcg_score([[10,0,0,1,5]], [[.1,.2,.3,4,70]]) (its docstring)
    near(M.ndcg_at_k(f64{0.1, 0.2, 0.3, 4, 70}, f64{10, 0, 0, 1, 5}), 0.6956940443813076)
  end)

  it('precision_at_k and recall_at_k count relevant items in the top k', function()
    -- by hand, k = 3: user 1's top 3 are items 1 2 5, of which 1 and 5 relevant (of 3): 2/3, 2/3;
    -- user 2: 0, 0 (no relevant item: 0, counted); user 3: item 5 then two of the three tied
    -- items 1-3, which hold 2 relevant: 2 * 2/3 = 4/3 expected hits: 4/9, 4/9; user 4: items
    -- 3 4 6, one relevant of 2: 1/3, 1/2. Means: 13/36 and 29/72.
    near(M.precision_at_k(f64(SC), f64(REL), {k = 3}), 13 / 36)
    near(M.recall_at_k(f64(SC), f64(REL), {k = 3}), 29 / 72)
    -- k = 1: only user 1's top item is relevant: 1/4; recall (1/3) / 4
    near(M.precision_at_k(f64(SC), f64(REL), {k = 1}), 1 / 4)
    near(M.recall_at_k(f64(SC), f64(REL), {k = 1}), 1 / 12)
    -- default k = 10, more than the 6 items: every item; relevant fractions 3/6 0 3/6 2/6
    near(M.precision_at_k(f64(SC), f64(REL)), 1 / 3)
    near(M.recall_at_k(f64(SC), mg.tensor(REL):gt(0)), 0.75) -- bool relevance
  end)

  it('reject k <= 0, shape mismatches, negative relevance and NaN scores', function()
    assert.are.equal('precision_at_k: k must be a positive integer, got 0',
                     err(function() M.precision_at_k(f64(SC), f64(REL), {k = 0}) end))
    h.assert_error_with(function() M.recall_at_k(f64(SC), f64{{1, 0}}) end,
                        'recall_at_k: y_score has shape {4,6} but y_true has shape {1,2}')
    h.assert_error_with(function() M.ndcg_at_k(f64{0.1, 0.2}, f64{1, -1}) end,
                        'ndcg_at_k: y_true must hold relevances >= 0, got -1')
    h.assert_error_with(function() M.ndcg_at_k(f64{0 / 0, 0.2}, f64{1, 0}) end,
                        'ndcg_at_k: y_score holds NaN')
    h.assert_error_with(function() M.ndcg_at_k(f64{}, f64{}) end,
                        'ndcg_at_k: y_score must be a non-empty {users, items}')
    h.assert_error_with(function() M.ndcg_at_k(f64(SC), f64(REL), {top = 3}) end,
                        "ndcg_at_k: unknown option 'top' (options: k)")
  end)
end)

-- ---- cross_validate -----------------------------------------------------------------------

describe('cross_validate', function()
  -- One feature; two classes. A nearest-class-mean model: it predicts the class whose mean
  -- feature in the training part is nearest.
  local X = f64{{0}, {1}, {5}, {6}, {3.2}, {4}}
  local Y = ints{1, 1, 2, 2, 1, 2}

  local function class_means(x, y)
    local means = {}
    for c = 1, 2 do
      local mask = y:eq(c):double():unsqueeze(2)
      means[c] = (x * mask):sum():item() / mask:sum():item()
    end
    return means
  end
  local function nearest_mean(x, y)
    local means = class_means(x, y)
    return function(xt)
      return mg.where((xt - means[1]):abs():le((xt - means[2]):abs()), 1, 2):view(-1):long()
    end
  end

  it('scores each of k folds (KFold) with the metrics named', function()
    -- KFold(3) tests rows {1,2}, {3,4}, {5,6}. Fold 1 trains on x 5 6 3.2 4 (classes 2 2 1 2):
    -- means 3.2 and 5, so x 0 and 1 -> class 1: right. Fold 2 trains on x 0 1 3.2 4 (1 1 1 2):
    -- means 1.4 and 4, so x 5, 6 -> 2: right. Fold 3 trains on x 0 1 5 6: means 0.5 and 5.5,
    -- so x 3.2 -> 2 (wrong: class 1) and 4 -> 2: accuracy 1/2. f1 (binary, class 2): fold 1
    -- has no class 2 anywhere: 0; fold 2: 1; fold 3: tp 1, 2 predicted, 1 true: 2/3.
    local cv = M.cross_validate(nearest_mean, {X, Y}, 3, {metrics = {'accuracy', 'f1'}})
    h.assert_near(cv.scores.accuracy, {1, 1, 0.5}, 1e-12)
    h.assert_near(cv.scores.f1, {0, 1, 2 / 3}, 1e-12)
    near(cv.mean.accuracy, 2.5 / 3)
    near(cv.std.accuracy, math.sqrt(1 / 18)) -- deviations 1/6, 1/6, -1/3 (population std)
    near(cv.mean.f1, 5 / 9)
    -- accuracy is the default metric
    assert.are.same({'accuracy'}, (function()
      local names = {}
      for name in pairs(M.cross_validate(nearest_mean, {X, Y}, 3).scores) do names[#names + 1] = name end
      return names
    end)())
  end)

  it('takes a TensorDataset, explicit folds and a model with :predict', function()
    local Model = {}
    Model.__index = Model
    function Model:predict(x) return self.fn(x) end
    local function fit(x, y) return setmetatable({fn = nearest_mean(x, y)}, Model) end
    -- fold 1 is KFold's third fold (accuracy 1/2); fold 2 trains on rows 1 3 (means 0 and 5)
    -- and tests rows 2 4 6 (x 1, 6, 4 -> classes 1 2 2: all right)
    local folds = {{ints{1, 2, 3, 4}, ints{5, 6}}, {{1, 3}, {2, 4, 6}}}
    local cv = M.cross_validate(fit, mg.data.TensorDataset(X, Y), folds, {metrics = {'accuracy', 'mse'}})
    h.assert_near(cv.scores.accuracy, {0.5, 1}, 1e-12)
    h.assert_near(cv.scores.mse, {0.5, 0}, 1e-12) -- labels 2 for 1 in one of two rows
    near(cv.std.accuracy, 0.25)
  end)

  it('stratifies folds as scikit-learn with stratify = true', function()
    -- sklearn StratifiedKFold(3).split(x, [0,0,1,1,0,1]) trains on rows {2,4,5,6}, {1,3,5,6},
    -- {1,2,3,4}; the model sees those rows' x. Fold 1: means 2.1 and 5 (x 0 -> 1, 5 -> 2);
    -- fold 2: means 1.6 and 4.5 (x 1 -> 1, 6 -> 2); fold 3 as KFold's: 1/2.
    local seen = {}
    local function recording(x, y)
      seen[#seen + 1] = x:view(-1):totable()
      return nearest_mean(x, y)
    end
    local cv = M.cross_validate(recording, {X, Y}, 3, {stratify = true})
    assert.are.same({{1, 6, 3.2, 4}, {0, 5, 3.2, 4}, {0, 1, 5, 6}}, seen)
    h.assert_near(cv.scores.accuracy, {1, 1, 0.5}, 1e-12)
  end)

  it('shuffles reproducibly with a seed', function()
    local a = M.cross_validate(nearest_mean, {X, Y}, 2, {seed = 7})
    local b = M.cross_validate(nearest_mean, {X, Y}, 2, {seed = 7})
    assert.are.same(a.scores.accuracy, b.scores.accuracy)
  end)

  it('rejects bad models, data, folds and metric names, naming the fold', function()
    assert.are.equal('cross_validate: model_fn must be a function (x_train, y_train) -> predict, got 5',
                     err(function() M.cross_validate(5, {X, Y}, 3) end))
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X}, 3) end,
                        'cross_validate: data must be {x, y} (two tensors) or a TensorDataset')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, ints{1, 2}}, 3) end,
                        'cross_validate: x has shape {6,1} but y has shape {2}')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, 7) end,
                        'cross_validate: KFold: split: cannot have n_splits = 7 greater than the number of samples (6)')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, 'three') end,
                        'cross_validate: folds must be a number of folds or a list of {train_idx, test_idx}')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, {{ints{1}, ints{7}}}) end,
                        'cross_validate: fold 1: test index 7 is out of range (1 to 6)')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, {{ints{1}, ints{}}}) end,
                        'cross_validate: fold 1: the test set is empty')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, {{ints{1}, {2.5}}}) end,
                        'cross_validate: fold 1: test index 1 is 2.5, expected an integer')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, {{ints{1}, ints{2}}}, {seed = 1}) end,
                        'cross_validate: stratify, shuffle and seed apply when folds is a number')
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, 3, {metrics = {'accuracy', 'auc'}}) end,
                        "cross_validate: unknown metric 'auc' (metrics: accuracy, top_k_accuracy")
    h.assert_error_with(function() M.cross_validate(nearest_mean, {X, Y}, 3, {shuffle = false, seed = 1}) end,
                        'cross_validate: seed has no effect when shuffle is false')
    h.assert_error_with(function() M.cross_validate(function() return 42 end, {X, Y}, 3) end,
                        'cross_validate: fold 1: model_fn must return a predict function or an object with :predict(x), got 42')
    h.assert_error_with(function() M.cross_validate(function() error('no data') end, {X, Y}, 3) end,
                        'cross_validate: fold 1: model_fn failed: no data')
    h.assert_error_with(function()
      M.cross_validate(function() return function() return ints{1, 2, 3} end end, {X, Y}, 3)
    end, 'cross_validate: fold 1: accuracy: y_pred has 3 rows but y_true has 2')
  end)
end)
