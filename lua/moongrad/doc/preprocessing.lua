-- Documentation of moongrad's preprocessing area, shown by help(); format in moongrad/help.lua.
local P = 'mg.preprocessing.'

-- The names of a method for each class that has it.
local function each(method, classes)
  local names = {}
  for i, c in ipairs(classes) do names[i] = P .. c .. ':' .. method end
  return names
end

local SCALERS = {'StandardScaler', 'MinMaxScaler'}
local FITTED = {'StandardScaler', 'MinMaxScaler', 'SimpleImputer', 'OneHotEncoder', 'OrdinalEncoder',
                'LabelEncoder'}
local INVERTIBLE = {'StandardScaler', 'MinMaxScaler', 'OneHotEncoder', 'OrdinalEncoder', 'LabelEncoder'}

return {title = 'Preprocessing (mg.preprocessing): scalers, encoders, imputer, splits, pipelines',
        entries = {

  {name = 'mg.preprocessing', sig = 'mg.preprocessing',
   desc = [[
Data preparation with scikit-learn's names and its fit/transform protocol: StandardScaler,
MinMaxScaler, SimpleImputer, OneHotEncoder, OrdinalEncoder, LabelEncoder, train_test_split,
KFold, StratifiedKFold and Pipeline. Each class is called with an optional table of options
(sc = StandardScaler{with_mean = true}); sc:fit(x) learns and returns sc, sc:transform(x)
applies, sc:fit_transform(x) does both, sc:inverse_transform(y) undoes where it can. What fit
learns is kept in fields named as scikit-learn's (mean_, scale_, categories_, classes_,
statistics_ ...), plain tensors and Lua tables, which sc:state_dict() returns with the options
so that it can be saved with a model, and sc:load_state_dict(sd) restores.
Inputs are tensors (or anything with :to_tensor()): {samples, features} for the scalers and
the imputer (missing values are NaN), 1-D or 2-D for the encoders, which also take Lua lists
of strings or numbers. Indices and codes are 1-based, as everywhere in moongrad.]],
   example = [[
local pp = mg.preprocessing
local x = mg.tensor{{1, 10}, {2, 20}, {3, 30}, {4, 40}}
local y = mg.tensor({1, 1, 2, 2}, {dtype = 'int64'})
local xtr, xte, ytr, yte = pp.train_test_split(x, y, {test_size = 0.5, seed = 0, stratify = y})
local sc = pp.StandardScaler():fit(xtr)
print(sc:transform(xte))                      -- scaled with the training part's mean_ and scale_]]},

  -- ---- scalers and imputer ------------------------------------------------------------

  {name = P .. 'StandardScaler', sig = P .. 'StandardScaler{with_mean = true, with_std = true}',
   desc = [[
Standardises each feature: (x - mean_) / scale_. fit learns, per feature, mean_, var_ (the
population variance, dividing by N) and scale_ = sqrt(var_) as float64 tensors {features},
n_samples_seen_ (an integer, or an int64 tensor per feature when NaNs made the counts
differ) and n_features_in_. NaNs are left out of the statistics and stay NaN in the output.
A constant feature (variance within rounding error of 0) gets scale_ 1, as scikit-learn.
with_mean = false skips the centring, with_std = false the division (then var_ and scale_
are nil; mean_ is nil too when both are false). The output keeps the input's float dtype
(integer input becomes float32).]],
   example = [[
local sc = mg.preprocessing.StandardScaler()
local x = mg.tensor{{1, 5}, {3, 5}}
print(sc:fit_transform(x))                    -- {{-1, 0}, {1, 0}}: feature 2 is constant
print(sc.mean_, sc.scale_)                    -- 2 5;  1 1]]},

  {name = P .. 'MinMaxScaler', sig = P .. 'MinMaxScaler{feature_range = {0, 1}, clip = false}',
   desc = [[
Maps each feature linearly onto feature_range {min, max}: x * scale_ + min_, where scale_ =
(max - min) / data_range_ (1 for a constant feature) and min_ = min - data_min_ * scale_.
fit learns data_min_, data_max_, data_range_, scale_ and min_ (tensors {features} of the
input's float dtype), n_samples_seen_ and n_features_in_; NaNs are ignored. Values outside
the fitted range map outside feature_range unless clip = true.]],
   example = [[
local mm = mg.preprocessing.MinMaxScaler{feature_range = {-1, 1}}
print(mm:fit_transform(mg.tensor{{0, 10}, {5, 20}, {10, 30}}))   -- each column -1 0 1
print(mm.data_min_, mm.data_max_)                                -- 0 10;  10 30]]},

  {name = P .. 'SimpleImputer',
   sig = P .. "SimpleImputer{strategy = 'mean', missing_values = 0/0, fill_value, keep_empty_features = false}",
   desc = [[
Fills missing values (NaN, or the number missing_values) with a per-feature statistic:
strategy 'mean', 'median', 'most_frequent' (the smallest of tied values) or 'constant'
(fill_value, default 0). fit learns statistics_ (a float64 tensor {features}) and
n_features_in_. A feature with no value at fit has a NaN statistic and is dropped from the
output, as scikit-learn does; keep_empty_features = true keeps it, filled with 0. There is
no inverse_transform.]],
   example = [[
local nan = 0 / 0
local im = mg.preprocessing.SimpleImputer{strategy = 'median'}
print(im:fit_transform(mg.tensor{{1, nan}, {nan, 4}, {3, 8}, {5, 6}}))  -- {{1, 6}, {3, 4}, {3, 8}, {5, 6}}
print(im.statistics_)                                                    -- 3 6]]},

  -- ---- encoders -----------------------------------------------------------------------

  {name = P .. 'OneHotEncoder',
   sig = P .. "OneHotEncoder{categories = 'auto', handle_unknown = 'error', dtype = 'float32'}",
   desc = [[
One column per category of each feature, 1 where the sample has it: the output is {samples,
total categories} of dtype ('float32', 'float64' or 'int64'), the features' blocks side by
side. Input: a 2-D tensor {samples, features} or a 1-D one (one feature), a Lua list of
values (one feature) or a list of rows {{'red', 'S'}, ...}. fit learns categories_, per
feature the sorted distinct values: a tensor of the input's dtype for numbers (NaN is a
category, sorted last), a Lua list for strings. categories = {list per feature} gives them
instead (numbers sorted; strings in any order). handle_unknown = 'ignore' encodes values
not seen at fit as all zeros; 'error' (the default) fails naming them.]],
   example = [[
local oh = mg.preprocessing.OneHotEncoder()
print(oh:fit_transform{{'red', 'S'}, {'blue', 'M'}, {'red', 'M'}})
-- {{0, 1, 0, 1}, {1, 0, 1, 0}, {0, 1, 1, 0}}: blue red | M S
print(oh.categories_[1][1], oh.categories_[2][2])     -- blue  S]]},

  {name = P .. 'OrdinalEncoder',
   sig = P .. "OrdinalEncoder{categories = 'auto', handle_unknown = 'error', unknown_value, dtype = 'int64'}",
   desc = [[
Replaces each value by the 1-based position of its category among the feature's sorted
categories_ (scikit-learn's codes + 1): output {samples, features} of dtype 'int64'
(default), 'float32' or 'float64'. Input and categories as for OneHotEncoder.
handle_unknown = 'use_encoded_value' gives unseen values unknown_value (an integer that is
not a code, such as 0 or -1, or nan with a float dtype); 'error' fails naming them.]],
   example = [[
local oe = mg.preprocessing.OrdinalEncoder{handle_unknown = 'use_encoded_value', unknown_value = 0}
oe:fit(mg.tensor{{10, 1}, {30, 2}, {20, 1}})
print(oe:transform(mg.tensor{{30, 2}, {40, 1}}))     -- {{3, 2}, {0, 1}}]]},

  {name = P .. 'LabelEncoder', sig = P .. 'LabelEncoder()',
   desc = [[
Turns class labels into 1-based int64 codes (as cross_entropy expects): fit learns classes_,
the sorted distinct labels (a tensor for a tensor or a list of numbers, a Lua list for
strings). Input: a 1-D tensor or a Lua list. transform fails on labels not seen at fit;
inverse_transform turns codes back into labels.]],
   example = [[
local le = mg.preprocessing.LabelEncoder()
print(le:fit_transform{'cat', 'dog', 'cat', 'ant'})   -- 2 3 2 1 (int64)
print(le.classes_[1], le:inverse_transform{3}[1])     -- ant  dog]]},

  -- ---- the methods --------------------------------------------------------------------

  {name = each('fit', FITTED), sig = 'obj:fit(x) -> obj',
   desc = [[
Learns from x (see each class for the input it takes) and returns the object, so that
sc = StandardScaler():fit(x) works. Refitting forgets what was learnt before. Errors name
the class and method: wrong shape, no samples, mixed strings and numbers, bad categories.]],
   example = [[
local sc = mg.preprocessing.StandardScaler():fit(mg.tensor{{1}, {3}})
print(sc.mean_, sc.n_features_in_)            -- 2  1]]},

  {name = each('partial_fit', SCALERS), sig = 'sc:partial_fit(x) -> sc',
   desc = [[
Learns from one more batch of rows, as if fit had seen all the batches so far together
(StandardScaler merges counts, means and variances; MinMaxScaler minima and maxima). For
data that does not fit in memory at once.]],
   example = [[
local sc = mg.preprocessing.StandardScaler()
sc:partial_fit(mg.tensor{{1}, {2}})
sc:partial_fit(mg.tensor{{3}, {4}})
print(sc.mean_, sc.var_, sc.n_samples_seen_)  -- 2.5  1.25  4]]},

  {name = each('transform', FITTED), sig = 'obj:transform(x) -> y',
   desc = [[
Applies what fit learnt to x, which must have as many features as at fit. Scalers and the
imputer return a tensor of x's float dtype; OneHotEncoder a {samples, categories} tensor;
OrdinalEncoder {samples, features} codes; LabelEncoder a 1-D int64 tensor of codes.
Errors: "<Class>: transform called before fit", a different number of features, unknown
categories (encoders, unless handle_unknown says otherwise).]],
   example = [[
local mm = mg.preprocessing.MinMaxScaler():fit(mg.tensor{{0}, {10}})
print(mm:transform(mg.tensor{{5}, {20}}))     -- 0.5  2]]},

  {name = each('fit_transform', FITTED), sig = 'obj:fit_transform(x) -> y',
   desc = [[fit(x), then transform(x): the usual call on the training data.]],
   example = [[
local im = mg.preprocessing.SimpleImputer()
print(im:fit_transform(mg.tensor{{1}, {0 / 0}, {3}}))   -- 1 2 3]]},

  {name = each('inverse_transform', INVERTIBLE), sig = 'obj:inverse_transform(y) -> x',
   desc = [[
Undoes transform. Scalers return a tensor of y's dtype. Encoders return the categories: a
2-D tensor {samples, features} when every feature's categories are numbers (a 1-D tensor
for LabelEncoder), else a Lua list of rows (a list of labels for LabelEncoder). A one-hot
row of zeros (an unknown value with handle_unknown = 'ignore') and OrdinalEncoder's
unknown_value come back as NaN, which only float categories can hold; other codes out of
range are errors.]],
   example = [[
local oe = mg.preprocessing.OrdinalEncoder():fit{{'b', 'x'}, {'a', 'y'}}
local codes = oe:transform{{'a', 'x'}}
print(codes, oe:inverse_transform(codes)[1][1])   -- {{1, 1}}  a]]},

  {name = P .. 'OneHotEncoder:get_feature_names_out',
   sig = 'oh:get_feature_names_out([input_features]) -> {names}',
   desc = [[
The name of each output column: '<feature>_<category>', the features named x1, x2, ... or by
input_features (a list of one name per feature).]],
   example = [[
local oh = mg.preprocessing.OneHotEncoder():fit{{'red', 1}, {'blue', 2}}
print(table.concat(oh:get_feature_names_out{'color', 'size'}, ' '))
-- color_blue color_red size_1 size_2]]},

  {name = each('state_dict', FITTED), sig = 'obj:state_dict() -> {type, params, <fitted fields>}',
   desc = [[
What the object learnt, as plain tensors and tables (copies): type (the class name), params
(the options) and the fitted fields (mean_, categories_, ...; none before fit). Save it with
the model; load_state_dict takes it back.]],
   example = [[
local sc = mg.preprocessing.StandardScaler():fit(mg.tensor{{1}, {3}})
local sd = sc:state_dict()
print(sd.type, sd.params.with_mean, sd.mean_)  -- StandardScaler  true  2]]},

  {name = each('load_state_dict', FITTED), sig = 'obj:load_state_dict(sd) -> obj',
   desc = [[
Takes the options and fitted fields of sd (from state_dict() of the same class) and returns
the object. Everything is checked first (the type, each option, each field's kind and size);
on error nothing changes.]],
   example = [[
local sc = mg.preprocessing.StandardScaler():fit(mg.tensor{{1}, {3}})
local copy = mg.preprocessing.StandardScaler():load_state_dict(sc:state_dict())
print(copy:transform(mg.tensor{{5}}))          -- 3]]},

  -- ---- splits and folds ---------------------------------------------------------------

  {name = P .. 'train_test_split',
   sig = P .. 'train_test_split(t1, t2, ... [, {test_size = 0.25, train_size, seed, shuffle = true, stratify}])\n'
      .. '  -> train1, test1, train2, test2, ...',
   desc = [[
Splits the rows of one or more tensors (or anything with :to_tensor()), all with the same
number of rows, into a training and a test part, the same rows for each, in scikit-learn's
order of results. test_size and train_size are fractions (test rounded up, train down) or
numbers of rows; without either, test_size is 0.25. shuffle = false takes the last rows
for the test set. Shuffling draws from the global generator; seed = n calls
mg.manual_seed(n) first (so it reseeds the global generator) for a reproducible split.
stratify = labels (a tensor or a list) keeps each class's share in both parts, as
scikit-learn's StratifiedShuffleSplit (where it draws ties between classes at random, the
class that comes first gets the extra sample).]],
   example = [[
local x, y = mg.randn(10, 3), mg.tensor({1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, {dtype = 'int64'})
local xtr, xte, ytr, yte = mg.preprocessing.train_test_split(x, y, {test_size = 0.2, seed = 42, stratify = y})
print(xtr.shape[1], xte.shape[1], yte)        -- 8  2  one label of each class]]},

  {name = P .. 'KFold', sig = P .. 'KFold{n_splits = 5, shuffle = false, seed}',
   desc = [[
K-fold cross-validation: n_splits consecutive folds of the samples (of sizes n // n_splits,
the first n % n_splits folds one larger), each the test set once while the others train.
shuffle = true permutes the samples first (from the global generator; seed = n reseeds it
with mg.manual_seed(n) at each split, so the folds repeat).]],
   example = [[
for train, test in mg.preprocessing.KFold{n_splits = 3}:split(7) do
  print(test)                                 -- 1 2 3;  4 5;  6 7
end]]},

  {name = P .. 'StratifiedKFold', sig = P .. 'StratifiedKFold{n_splits = 5, shuffle = false, seed}',
   desc = [[
K-fold cross-validation that keeps each class's share in every fold, with scikit-learn's
allocation (the labels, sorted, dealt round-robin to the folds; each class's samples take
their folds in order, or at random with shuffle). split needs the labels.]],
   example = [[
local y = mg.tensor({1, 1, 1, 1, 2, 2}, {dtype = 'int64'})
for train, test in mg.preprocessing.StratifiedKFold{n_splits = 2}:split(6, y) do
  print(test)                                 -- 1 2 5;  3 4 6
end]]},

  {name = {P .. 'KFold:split', P .. 'StratifiedKFold:split'},
   sig = 'for train, test in kf:split(x [, y]) do ... end',
   desc = [[
An iterator over the folds: for each, the training and test row indices as 1-D int64
tensors (1-based, ascending), ready for index_select. x is the number of samples, a tensor
(its rows) or a list; y, the labels (a tensor or a list), is needed by StratifiedKFold.
Errors when n_splits is greater than the number of samples.]],
   example = [[
local x = mg.randn(6, 2)
for train, test in mg.preprocessing.KFold{n_splits = 2}:split(x) do
  local xtr, xte = x:index_select(1, train), x:index_select(1, test)
  print(#xtr, #xte)                           -- 3 3
end]]},

  {name = {P .. 'KFold:get_n_splits', P .. 'StratifiedKFold:get_n_splits'},
   sig = 'kf:get_n_splits() -> n_splits',
   desc = [[The number of folds split gives.]],
   example = [[
print(mg.preprocessing.KFold{n_splits = 4}:get_n_splits())   -- 4]]},

  -- ---- Pipeline -----------------------------------------------------------------------

  {name = P .. 'Pipeline', sig = P .. "Pipeline{ {'name', step}, ... }   or   Pipeline{step, ...}",
   desc = [[
Steps applied in order: fit runs fit_transform on each step but the last, which is fitted
on their output; transform passes x through every step. A step is any object with fit (and
transform, but the last may lack it): these classes or your own. Unnamed steps are named
after their class in lower case (standardscaler, standardscaler-1/-2 when repeated).
pipe.steps is the list of {name, step}, pipe.named_steps maps names to steps, #pipe counts
them. Errors in a step are reported with the step's name.]],
   example = [[
local pp = mg.preprocessing
local pipe = pp.Pipeline{{'impute', pp.SimpleImputer()}, {'scale', pp.StandardScaler()}}
print(pipe:fit_transform(mg.tensor{{1}, {0 / 0}, {3}}))   -- -1.2247 0 1.2247
print(pipe.named_steps.scale.mean_)                       -- 2]]},

  {name = {P .. 'Pipeline:fit', P .. 'Pipeline:transform', P .. 'Pipeline:fit_transform',
           P .. 'Pipeline:inverse_transform'},
   sig = 'pipe:fit(x [, y]) -> pipe     pipe:transform(x)     pipe:fit_transform(x [, y])\n'
      .. 'pipe:inverse_transform(y)',
   desc = [[
fit and fit_transform pass x through the steps, fitting each (y, when given, goes to each
step's fit); transform applies the fitted steps; inverse_transform undoes them in reverse
order, and needs every step to have an inverse_transform.]],
   example = [[
local pp = mg.preprocessing
local pipe = pp.Pipeline{pp.StandardScaler(), pp.MinMaxScaler()}
local x = mg.tensor{{1, 2}, {3, 8}, {5, 5}}
local y = pipe:fit_transform(x)
print(pipe:inverse_transform(y))              -- x again]]},

  {name = {P .. 'Pipeline:state_dict', P .. 'Pipeline:load_state_dict'},
   sig = 'pipe:state_dict() -> {type = "Pipeline", steps = {{name, state}, ...}}\n'
      .. 'pipe:load_state_dict(sd) -> pipe',
   desc = [[
The state_dict of every step, by name and in order, and back: load_state_dict needs the
same step names and checks every state of moongrad's classes before changing any step.]],
   example = [[
local pp = mg.preprocessing
local pipe = pp.Pipeline{{'scale', pp.StandardScaler()}}:fit(mg.tensor{{1}, {3}})
local copy = pp.Pipeline{{'scale', pp.StandardScaler()}}:load_state_dict(pipe:state_dict())
print(copy:transform(mg.tensor{{3}}))         -- 1]]},
}}
