-- Documentation of moongrad's metrics area, shown by help(); format in moongrad/help.lua.
local P = 'mg.metrics.'

return {title = 'Metrics (mg.metrics): classification, regression, ranking', entries = {

  {name = 'mg.metrics', sig = 'mg.metrics',
   desc = [[
Metrics named as scikit-learn's, taking tensors and returning Lua numbers (the curves return
tensors, confusion_matrix an object). Results agree with scikit-learn 1.2.1 given labels one
lower. Those marked "(y_pred, y_true)" need no more arguments, so a training loop can call
them by name: accuracy, top_k_accuracy, precision, recall, f1, roc_auc, average_precision,
log_loss, mse, mae, rmse, r2. Options go in a trailing table.
Classification targets y_true are 1-based int64 labels {N} (or {N,1}); binary targets may
also be 0/1 floats or bools, which stand for classes 1 (0, negative) and 2 (1, positive).
Predictions y_pred are labels (int64 {N}), bools (true is class 2), class scores {N,C}
(logits or probabilities: the argmax is the class), or binary scores {N} or {N,1}: class 2
where the score is above the threshold, 0.5 when every score lies in [0, 1] (probabilities),
else 0 (logits); the option threshold sets it. Where probabilities are needed (log_loss, the
one-vs-rest areas), scores outside [0, 1] are taken as logits and turned into probabilities
by sigmoid (binary) or softmax (over classes). The number of classes is the largest label,
or the number of score columns. Metrics that sort scores reject NaN in them.
Errors name the metric and what was wrong ("accuracy: y_pred has 5 rows but y_true has 4").]],
   example = [[
local M = mg.metrics
local scores = mg.tensor{{2.0, 0.1, -1}, {0.3, 1.2, 0.1}, {0.2, 0.1, 0.9}, {1.5, 0.2, 0.4}}
local y = mg.tensor({1, 2, 3, 2}, {dtype = 'int64'})
print(M.accuracy(scores, y), M.f1(scores, y))     -- 0.75  0.7777...
print(M.confusion_matrix(scores, y))]]},

  -- ---- classification -------------------------------------------------------------------

  {name = P .. 'accuracy', sig = P .. 'accuracy(y_pred, y_true [, {threshold}])',
   desc = [[
The fraction of samples whose predicted class equals the true one. y_pred: labels, class
scores {N,C} (argmax) or binary scores {N}/{N,1} (threshold 0.5 for probabilities, 0 for
logits, or the threshold given; a score must be above it for class 2). (y_pred, y_true)]],
   example = [[
local y = mg.tensor{0, 1, 1, 0}                      -- binary 0/1 targets
print(mg.metrics.accuracy(mg.tensor{0.2, 0.8, 0.4, 0.1}, y))            -- 0.75
print(mg.metrics.accuracy(mg.tensor{-1.2, 2.0, 0.3, -0.5}, y))          -- 1 (logits: > 0)
print(mg.metrics.accuracy(mg.tensor{0.2, 0.8, 0.4, 0.1}, y, {threshold = 0.3}))   -- 1]]},

  {name = P .. 'top_k_accuracy', sig = P .. 'top_k_accuracy(y_score, y_true [, {k = 5}])',
   desc = [[
The fraction of samples whose true class is among the k highest of their class scores
y_score {N,C}. Among equal scores the higher class index ranks first (scikit-learn's order).
k >= C scores 1. Binary scores {N} score as accuracy for k = 1 and 1 for k >= 2 (as
scikit-learn). k must be a positive integer. (y_pred, y_true)]],
   example = [[
local scores = mg.tensor{{0.5, 0.3, 0.2}, {0.1, 0.3, 0.6}, {0.4, 0.35, 0.25}}
local y = mg.tensor({2, 3, 3}, {dtype = 'int64'})
print(mg.metrics.top_k_accuracy(scores, y, {k = 1}))   -- 1/3
print(mg.metrics.top_k_accuracy(scores, y, {k = 2}))   -- 2/3]]},

  {name = {P .. 'precision', P .. 'recall', P .. 'f1'},
   sig = P .. "precision(y_pred, y_true [, {average, pos_label = 2, threshold}])\n"
      .. P .. "recall(...)   " .. P .. "f1(...)   -- the same arguments",
   desc = [[
Precision tp / (tp + fp), recall tp / (tp + fn) and their harmonic mean f1, per class, then
combined as average says: 'binary' (the class pos_label, default 2: the positive class of
0/1 targets), 'macro' (the unweighted mean over the classes that occur in y_true or y_pred),
'micro' (from the counts summed over classes; for one label per sample it is the accuracy)
or 'weighted' (the mean weighted by each class's count in y_true). The default is 'binary'
when there are at most two classes, else 'macro'. A ratio with nothing to divide by is 0,
without a warning (scikit-learn's zero_division). pos_label goes with 'binary' only.
(y_pred, y_true)]],
   example = [[
local y_true = mg.tensor({1, 2, 3, 3, 2, 1}, {dtype = 'int64'})
local y_pred = mg.tensor({1, 3, 3, 3, 2, 2}, {dtype = 'int64'})
print(mg.metrics.precision(y_pred, y_true))                        -- macro: 0.7222...
print(mg.metrics.recall(y_pred, y_true, {average = 'micro'}))      -- 0.6667
print(mg.metrics.f1(mg.tensor{0.9, 0.2, 0.7}, mg.tensor{1, 0, 0}))  -- binary: 0.6667]]},

  {name = {P .. 'confusion_matrix', P .. 'ConfusionMatrix'},
   sig = P .. 'confusion_matrix(y_pred, y_true [, {num_classes, class_names, threshold}])  -> cm',
   desc = [[
Counts of samples by true class (rows) and predicted class (columns), as scikit-learn's.
The result cm holds cm.matrix (an int64 tensor {C,C}), cm.num_classes and cm.class_names;
printing it shows an aligned table with the class numbers, or the names given in
class_names (a list of C strings). C is the largest label or number of score columns, or
num_classes when given (labels past it are an error).]],
   example = [[
local y_true = mg.tensor({1, 2, 3, 3, 2, 1}, {dtype = 'int64'})
local y_pred = mg.tensor({1, 3, 3, 3, 2, 2}, {dtype = 'int64'})
local cm = mg.metrics.confusion_matrix(y_pred, y_true, {class_names = {'cat', 'dog', 'bird'}})
print(cm)
print(cm.matrix[2][3]:item())                  -- 1: one dog taken for a bird]]},

  -- ---- curves and areas -----------------------------------------------------------------

  {name = P .. 'roc_curve',
   sig = P .. 'roc_curve(y_score, y_true [, {pos_label = 2, drop_intermediate = true}])'
      .. '  -> fpr, tpr, thresholds',
   desc = [[
The ROC curve of binary scores: for each distinct score, from the highest, the false and true
positive rates of calling the samples scoring at least that much positive. Three float64
tensors, as scikit-learn 1.2.1's: the curve starts at (0, 0) with the threshold highest
score + 1, and drop_intermediate leaves out points collinear with their neighbours (they do
not change the curve). y_score: {N} or {N,1}, or {N,2} (the pos_label column). Positives are
the samples of class pos_label; with more than two classes in y_true, pos_label must be given
(one class against the rest). A rate whose class is absent from y_true is NaN throughout.]],
   example = [[
local fpr, tpr, thresholds = mg.metrics.roc_curve(mg.tensor{0.1, 0.4, 0.35, 0.8},
                                                  mg.tensor{0, 0, 1, 1})
print(fpr, tpr)              -- 0 0 0.5 0.5 1;  0 0.5 0.5 1 1
print(thresholds)            -- 1.8 0.8 0.4 0.35 0.1]]},

  {name = P .. 'roc_auc',
   sig = P .. "roc_auc(y_score, y_true [, {pos_label = 2, average = 'macro'}])",
   desc = [[
The area under the ROC curve (trapezoids). Binary scores {N}, {N,1} or {N,2} give the binary
area; y_true must hold both classes. Class scores {N,C} with C > 2 give the one-vs-rest areas
of each class (on probabilities: logits go through softmax), averaged with equal weights
('macro') or by each class's count in y_true ('weighted'); every class must occur in y_true.
(y_pred, y_true)]],
   example = [[
print(mg.metrics.roc_auc(mg.tensor{0.1, 0.4, 0.35, 0.8}, mg.tensor{0, 0, 1, 1}))   -- 0.75]]},

  {name = P .. 'precision_recall_curve',
   sig = P .. 'precision_recall_curve(y_score, y_true [, {pos_label = 2}])'
      .. '  -> precision, recall, thresholds',
   desc = [[
Precision and recall of binary scores at each distinct score taken as the threshold, as
scikit-learn 1.2.1's: thresholds rising, recall falling, and a last point (precision 1,
recall 0) with no threshold. Without positives in y_true, recall is 1 throughout. Inputs as
roc_curve's; float64 tensors.]],
   example = [[
local p, r, t = mg.metrics.precision_recall_curve(mg.tensor{0.1, 0.4, 0.35, 0.8},
                                                  mg.tensor{0, 0, 1, 1})
print(p, r, t)     -- 0.5 0.667 0.5 1 1;  1 1 0.5 0.5 0;  0.1 0.35 0.4 0.8]]},

  {name = P .. 'average_precision',
   sig = P .. "average_precision(y_score, y_true [, {pos_label = 2, average = 'macro'}])",
   desc = [[
The area under the precision-recall curve as scikit-learn computes it: the sum of precision
times the increase in recall at each threshold (no interpolation). 0 without positives.
Class scores {N,C} (C > 2) give one-vs-rest values per class (a class absent from y_true
scores 0), averaged 'macro' or 'weighted' by class counts. (y_pred, y_true)]],
   example = [[
print(mg.metrics.average_precision(mg.tensor{0.1, 0.4, 0.35, 0.8},
                                   mg.tensor{0, 0, 1, 1}))            -- 0.8333]]},

  {name = P .. 'log_loss', sig = P .. "log_loss(y_pred, y_true [, {eps = 'auto'}])",
   desc = [[
The mean negative log-likelihood of the true classes (cross-entropy). y_pred: probabilities
of class 2 {N} or {N,1}, or of each class {N,C}; scores outside [0, 1] are logits and go
through sigmoid or softmax first. As scikit-learn 1.2, the probabilities are clipped to
[eps, 1 - eps], eps by default the machine epsilon of y_pred's dtype, and each row is
renormalised to sum to 1. (y_pred, y_true)]],
   example = [[
print(mg.metrics.log_loss(mg.tensor{0.9, 0.2, 0.6}, mg.tensor{1, 0, 1}))   -- 0.2798
local p = mg.tensor{{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}}
print(mg.metrics.log_loss(p, mg.tensor({1, 2}, {dtype = 'int64'})))        -- 0.2899]]},

  -- ---- regression -----------------------------------------------------------------------

  {name = {P .. 'mse', P .. 'mae', P .. 'rmse'},
   sig = P .. 'mse(y_pred, y_true)   ' .. P .. 'mae(y_pred, y_true)   ' .. P .. 'rmse(y_pred, y_true)',
   desc = [[
Mean squared error, mean absolute error and root mean squared error of numbers {N}, {N,1}
or {N,D} (several outputs; {N} and {N,1} match each other, other shapes must be equal).
Several outputs are averaged with equal weights; rmse takes the root of each output's mean
squared error before averaging, as scikit-learn. Computed in float64. (y_pred, y_true)]],
   example = [[
local y_true, y_pred = mg.tensor{3, -0.5, 2, 7}, mg.tensor{2.5, 0, 2, 8}
print(mg.metrics.mse(y_pred, y_true), mg.metrics.mae(y_pred, y_true))   -- 0.375  0.5
print(mg.metrics.rmse(y_pred, y_true))                                  -- 0.6124]]},

  {name = P .. 'r2', sig = P .. 'r2(y_pred, y_true)',
   desc = [[
The coefficient of determination 1 - SS_res / SS_tot per output, averaged with equal weights.
An output whose true values are all equal scores 1 when predicted exactly, else 0 (as
scikit-learn's force_finite); a single sample gives NaN. Shapes as mse's. (y_pred, y_true)]],
   example = [[
print(mg.metrics.r2(mg.tensor{2.5, 0, 2, 8}, mg.tensor{3, -0.5, 2, 7}))   -- 0.9486]]},

  -- ---- ranking ------------------------------------------------------------------------------

  {name = {P .. 'precision_at_k', P .. 'recall_at_k'},
   sig = P .. 'precision_at_k(y_score, y_true [, {k = 10}])   '
      .. P .. 'recall_at_k(y_score, y_true [, {k = 10}])',
   desc = [[
For recommendations: y_score {users, items} holds each user's score of each item, y_true the
relevance (> 0 is relevant; 0/1, graded, or bool). Per user, the relevant items among the k
best scored, divided by k (precision) or by the user's relevant items (recall); the mean over
users. A k past the number of items means all items. Tied scores at the cut count as their
run's average (as ndcg_at_k). Users without a relevant item score 0 and count in the mean,
as in scikit-learn's ndcg_score. A 1-D pair is one user.]],
   example = [[
local scores = mg.tensor{{0.9, 0.8, 0.1, 0.4}, {0.2, 0.1, 0.7, 0.6}}
local relevant = mg.tensor{{1, 0, 1, 0}, {0, 0, 1, 1}}
print(mg.metrics.precision_at_k(scores, relevant, {k = 2}))   -- (1/2 + 2/2) / 2 = 0.75
print(mg.metrics.recall_at_k(scores, relevant, {k = 2}))      -- (1/2 + 2/2) / 2 = 0.75]]},

  {name = P .. 'ndcg_at_k', sig = P .. 'ndcg_at_k(y_score, y_true [, {k = 10}])',
   desc = [[
Normalised discounted cumulative gain at k, as scikit-learn's ndcg_score: per user, the sum
over the k best scored items of relevance / log2(1 + rank), divided by that of the best
possible order; the mean over users. Tied scores share the average gain of their run
(McSherry and Najork's tie averaging, scikit-learn's default). Users without a relevant item
score 0 (as scikit-learn). Relevances must be >= 0. Inputs as precision_at_k's.]],
   example = [[
local scores = mg.tensor{{0.1, 0.2, 0.3, 4, 70}}
local relevance = mg.tensor{{10, 0, 0, 1, 5}}
print(mg.metrics.ndcg_at_k(scores, relevance))            -- 0.6957
print(mg.metrics.ndcg_at_k(scores, relevance, {k = 1}))   -- 0.5]]},

  -- ---- cross-validation -----------------------------------------------------------------

  {name = P .. 'cross_validate',
   sig = P .. "cross_validate(model_fn, data, folds [, {metrics = {'accuracy'}, stratify = false,\n"
      .. '                  shuffle = false, seed}])  -> {scores = ..., mean = ..., std = ...}',
   desc = [[
Scores a model on k folds of the data. data is {x, y} (two tensors, one row per sample) or a
TensorDataset of two tensors. folds is a number k, for mg.preprocessing's KFold (contiguous
folds; shuffled with shuffle = true or a seed, which makes them reproducible) or, with
stratify = true, StratifiedKFold on y; or a list of {train_idx, test_idx} (int64 tensors or
lists of 1-based rows). For each fold, model_fn(x_train, y_train) trains a model and returns
a predict function, or an object with :predict(x); its predictions on the test rows are
scored by each metric named in metrics (any of the (y_pred, y_true) metrics of mg.metrics).
Returns {scores = {name = {fold scores...}}, mean = {name = mean}, std = {name = population
standard deviation}}. Errors in model_fn, predict or a metric name the fold.]],
   example = [[
-- nearest class mean on one feature
local function fit(x, y)
  local means = {}
  for c = 1, 2 do
    local w = y:eq(c):double()
    means[c] = (x:view(-1) * w):sum():item() / w:sum():item()
  end
  return function(x_test)
    return mg.where((x_test - means[1]):abs():le((x_test - means[2]):abs()), 1, 2):view(-1):long()
  end
end
local x = mg.tensor({{0}, {1}, {5}, {6}, {3.2}, {4}}, {dtype = 'float64'})
local y = mg.tensor({1, 1, 2, 2, 1, 2}, {dtype = 'int64'})
local cv = mg.metrics.cross_validate(fit, {x, y}, 3, {metrics = {'accuracy', 'f1'}})
print(cv.scores.accuracy[3], cv.mean.accuracy, cv.std.accuracy)   -- 0.5  0.8333  0.2357]]},
}}
