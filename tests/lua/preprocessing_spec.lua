-- mg.preprocessing: scalers, imputer, encoders, train_test_split, KFold, StratifiedKFold and
-- Pipeline. The expected values were recorded from scikit-learn 1.2.1 (numpy 1.24) on the
-- same inputs; scikit-learn's 0-based codes and indices are shifted to moongrad's 1-based
-- ones. Shuffled splits depend on moongrad's generator, so their properties are checked.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local pp = mg.preprocessing

local NAN = 0 / 0
local SPEC = 'preprocessing_spec.lua:' -- errors point at the caller's line in this file

local function ints(list) return mg.tensor(list, {dtype = 'int64'}) end
local function f64(list) return mg.tensor(list, {dtype = 'float64'}) end

local function err(f) return h.error_in(SPEC, f) end

-- 0-based index lists from scikit-learn, shifted by one.
local function plus1(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = type(v) == 'table' and plus1(v) or v + 1 end
  return out
end

-- ---- data ---------------------------------------------------------------------------------

local X1 = {{1, -2, 3.5}, {4, 0, 3.5}, {-2, 5, 3.5}, {0.5, 1, 3.5}, {3, 7, 3.5}}
local X2 = {{1, NAN, 2}, {2, 4, 2}, {NAN, 8, 2}, {7, 0, NAN}, {5, 3, 2}}
local X3 = {{1, NAN, 3, 7}, {NAN, 2, 3, NAN}, {4, 2, NAN, 7}, {4, 8, 5, NAN}, {10, NAN, 5, 1}}
local S = {{'red', 'S'}, {'blue', 'M'}, {'red', 'L'}, {'green', 'M'}}
local N = {{3, 10}, {1, 20}, {3, 30}, {2, 10}}

-- ---- StandardScaler -----------------------------------------------------------------------

describe('StandardScaler', function()
  it('learns mean_, var_ and scale_ as scikit-learn (a constant feature gets scale 1)', function()
    local sc = pp.StandardScaler():fit(f64(X1))
    h.assert_close(sc.mean_, {1.3, 2.2, 3.5}, 1e-12, 1e-12)
    h.assert_close(sc.var_, {4.36, 10.959999999999999, 0.0}, 1e-12, 1e-12)
    h.assert_close(sc.scale_, {2.08806130178211, 3.3105890714493698, 1.0}, 1e-12, 1e-12)
    assert.are.equal(5, sc.n_samples_seen_)
    assert.are.equal(3, sc.n_features_in_)
    assert.are.equal('float64', sc.mean_.dtype)
    local y = sc:transform(f64(X1))
    assert.are.equal('float64', y.dtype)
    h.assert_close(y, {{-0.14367394278317272, -1.2686563959933717, 0.0},
                       {1.2930654850485543, -0.6645343026631947, 0.0},
                       {-1.5804133706148997, 0.8457709306622476, 0.0},
                       {-0.38313051408846055, -0.3624732559981062, 0.0},
                       {0.8141523424379786, 1.4498930239924246, 0.0}}, 1e-12, 1e-12)
    h.assert_close(sc:transform(f64{{0, 0, 0}, {10, -10, 3.5}}),
                   {{-0.6225870853937484, -0.6645343026631947, -3.5},
                    {4.166544340712008, -3.6851447693140793, 0.0}}, 1e-12, 1e-12)
  end)

  it('keeps a float32 input float32, and inverse_transform undoes transform', function()
    local x = mg.tensor(X1)
    local sc = pp.StandardScaler()
    local y = sc:fit_transform(x)
    assert.are.equal('float32', y.dtype)
    assert.are.same({5, 3}, y.shape)
    h.assert_close(y:select(2, 1), {-0.14367394278317272, 1.2930654850485543, -1.5804133706148997,
                                    -0.38313051408846055, 0.8141523424379786}, 1e-6, 1e-6)
    h.assert_close(sc:inverse_transform(y), X1, 1e-6, 1e-6)
    -- integer input is scaled as float32
    local yi = pp.StandardScaler():fit_transform(ints{{1, 2}, {3, 4}})
    assert.are.equal('float32', yi.dtype)
    h.assert_close(yi, {{-1, -1}, {1, 1}})
  end)

  it('with_mean = false only divides by the scale', function()
    local sc = pp.StandardScaler{with_mean = false}:fit(f64(X1))
    h.assert_close(sc:transform(f64(X1)), {{0.47891314261057566, -0.604122093330177, 3.5},
      {1.9156525704423026, 0.0, 3.5}, {-0.9578262852211513, 1.5103052333254423, 3.5},
      {0.23945657130528783, 0.3020610466650885, 3.5}, {1.436739427831727, 2.1144273266556195, 3.5}},
      1e-12, 1e-12)
    local none = pp.StandardScaler{with_mean = false, with_std = false}:fit(f64(X1))
    assert.is_nil(none.mean_)
    assert.is_nil(none.scale_)
    h.assert_close(none:transform(f64(X1)), X1)
  end)

  it('leaves NaNs out of the statistics and keeps them in the output', function()
    local sc = pp.StandardScaler():fit(f64(X2))
    h.assert_close(sc.mean_, {3.75, 3.75, 2.0}, 1e-12, 1e-12)
    h.assert_close(sc.var_, {5.6875, 8.1875, 0.0}, 1e-12, 1e-12)
    h.assert_close(sc.scale_, {2.384848003542364, 2.8613807855648994, 1.0}, 1e-12, 1e-12)
    assert.are.equal(4, sc.n_samples_seen_) -- every feature saw 4 values
    h.assert_close(sc:transform(f64(X2)), {{-1.1531133203941102, NAN, 0.0},
      {-0.7337993857053429, 0.0873704056661038, 0.0}, {NAN, 1.4852968963237645, 0.0},
      {1.3627702877384937, -1.310556084991557, NAN}, {0.5241424183609592, -0.26211121699831136, 0.0}},
      1e-12, 1e-12)
    local uneven = pp.StandardScaler():fit(f64{{1, NAN}, {2, 3}})
    assert.are.same({2, 1}, uneven.n_samples_seen_:totable())
  end)

  it('partial_fit over batches gives the statistics of all the rows', function()
    local sc = pp.StandardScaler()
    sc:partial_fit(f64{X1[1], X1[2]})
    sc:partial_fit(f64{X1[3], X1[4], X1[5]})
    h.assert_close(sc.mean_, {1.3, 2.2, 3.5}, 1e-12, 1e-12)
    h.assert_close(sc.var_, {4.36, 10.959999999999999, 0.0}, 1e-12, 1e-12)
    assert.are.equal(5, sc.n_samples_seen_)
  end)

  it('saves and loads its state as plain tensors and tables', function()
    local sc = pp.StandardScaler():fit(mg.tensor(X1))
    local sd = sc:state_dict()
    assert.are.equal('StandardScaler', sd.type)
    assert.are.same({with_mean = true, with_std = true}, sd.params)
    assert.is_true(mg.is_tensor(sd.mean_))
    local other = pp.StandardScaler{with_mean = false}:load_state_dict(sd)
    assert.is_true(other.with_mean)
    h.assert_close(other:transform(mg.tensor(X1)), sc:transform(mg.tensor(X1)))
    -- an unfitted state leaves an unfitted scaler
    local fresh = pp.StandardScaler():load_state_dict(pp.StandardScaler():state_dict())
    assert.are.equal('StandardScaler: transform called before fit',
                     err(function() fresh:transform(mg.tensor(X1)) end))
  end)

  it('rejects bad input, bad options and bad states with clear messages', function()
    local sc = pp.StandardScaler()
    assert.are.equal('StandardScaler: transform called before fit',
                     err(function() sc:transform(mg.tensor(X1)) end))
    assert.are.equal('StandardScaler: inverse_transform called before fit',
                     err(function() sc:inverse_transform(mg.tensor(X1)) end))
    assert.are.equal('StandardScaler: fit: expected a 2-D tensor {samples, features}, got shape {3}',
                     err(function() sc:fit(mg.tensor{1, 2, 3}) end))
    assert.are.equal('StandardScaler: fit: expected a 2-D tensor {samples, features} (or anything '
                     .. 'with :to_tensor()), got "x"', err(function() sc:fit('x') end))
    assert.are.equal('StandardScaler: fit: expected at least 1 sample, got 0',
                     err(function() sc:fit(mg.zeros(0, 3)) end))
    sc:fit(mg.tensor(X1))
    assert.are.equal('StandardScaler: transform: expected 3 features (as seen in fit), got 2 '
                     .. '(shape {2,2})', err(function() sc:transform(mg.zeros(2, 2)) end))
    assert.are.equal('StandardScaler: partial_fit: expected 3 features (as seen in fit), got 4 '
                     .. '(shape {1,4})', err(function() sc:partial_fit(mg.zeros(1, 4)) end))
    assert.are.equal("StandardScaler: unknown option 'with_means' (options: with_mean, with_std)",
                     err(function() pp.StandardScaler{with_means = true} end))
    assert.are.equal('StandardScaler: with_std must be a boolean, got 1',
                     err(function() pp.StandardScaler{with_std = 1} end))
    assert.are.equal('StandardScaler: expected a table of options, got 3',
                     err(function() pp.StandardScaler(3) end))
    assert.are.equal('StandardScaler: transform must be called as a method (obj:transform(...)), '
                     .. 'got a float32 tensor of shape {5,3} for obj',
                     err(function() sc.transform(mg.tensor(X1)) end))
    local sd = sc:state_dict()
    sd.scale_ = mg.ones(2)
    local before = sc.scale_
    assert.are.equal('StandardScaler: load_state_dict: scale_ must be a 1-D float tensor of 3 '
                     .. 'values, got a float32 tensor of shape {2}', err(function() sc:load_state_dict(sd) end))
    assert.are.equal(before, sc.scale_) -- unchanged
    assert.are.equal('StandardScaler: load_state_dict: expected the state of a StandardScaler, got '
                     .. 'one of a MinMaxScaler',
                     err(function() sc:load_state_dict(pp.MinMaxScaler():state_dict()) end))
    assert.are.equal('StandardScaler: load_state_dict: expected a table from state_dict(), got nil',
                     err(function() sc:load_state_dict() end))
  end)

  it('accepts anything with :to_tensor() (a Frame)', function()
    local frame = {to_tensor = function() return mg.tensor(X1) end}
    local sc = pp.StandardScaler():fit(frame)
    h.assert_close(sc:transform(frame), pp.StandardScaler():fit_transform(mg.tensor(X1)))
  end)
end)

-- ---- MinMaxScaler -------------------------------------------------------------------------

describe('MinMaxScaler', function()
  it('maps each feature onto feature_range as scikit-learn', function()
    local mm = pp.MinMaxScaler{feature_range = {-1, 1}}:fit(f64(X1))
    h.assert_close(mm.data_min_, {-2.0, -2.0, 3.5})
    h.assert_close(mm.data_max_, {4.0, 7.0, 3.5})
    h.assert_close(mm.data_range_, {6.0, 9.0, 0.0})
    h.assert_close(mm.scale_, {0.3333333333333333, 0.2222222222222222, 2.0}, 1e-12, 1e-12)
    h.assert_close(mm.min_, {-0.33333333333333337, -0.5555555555555556, -8.0}, 1e-12, 1e-12)
    assert.are.equal(5, mm.n_samples_seen_)
    h.assert_close(mm:transform(f64(X1)), {{-5.551115123125783e-17, -1.0, -1.0},
      {0.9999999999999999, -0.5555555555555556, -1.0}, {-1.0, 0.5555555555555556, -1.0},
      {-0.1666666666666667, -0.33333333333333337, -1.0}, {0.6666666666666666, 0.9999999999999998, -1.0}},
      1e-12, 1e-12)
    local new = f64{{5, 10, 3.5}, {-4, 0, 0}}
    h.assert_close(mm:transform(new), {{1.333333333333333, 1.6666666666666667, -1.0},
                                       {-1.6666666666666665, -0.5555555555555556, -8.0}}, 1e-12, 1e-12)
    local clipped = pp.MinMaxScaler{feature_range = {-1, 1}, clip = true}:fit(f64(X1))
    h.assert_close(clipped:transform(new), {{1.0, 1.0, -1.0}, {-1.0, -0.5555555555555556, -1.0}},
                   1e-12, 1e-12)
    h.assert_close(mm:inverse_transform(f64{{0, 0, 0}}), {{1.0000000000000002, 2.5000000000000004, 4.0}},
                   1e-12, 1e-12)
  end)

  it('ignores NaNs, keeps float32, and learns in batches with partial_fit', function()
    local mm = pp.MinMaxScaler():fit(mg.tensor(X2))
    h.assert_close(mm.data_min_, {1.0, 0.0, 2.0})
    h.assert_close(mm.data_max_, {7.0, 8.0, 2.0})
    local y = mm:transform(mg.tensor(X2))
    assert.are.equal('float32', y.dtype)
    h.assert_close(y, {{0.0, NAN, 0.0}, {0.16666666666666666, 0.5, 0.0}, {NAN, 1.0, 0.0},
                       {0.9999999999999999, 0.0, NAN}, {0.6666666666666666, 0.375, 0.0}})
    h.assert_close(mm:inverse_transform(y), X2, 1e-6, 1e-6)
    local batched = pp.MinMaxScaler()
    batched:partial_fit(mg.tensor{X2[1], X2[2]})
    batched:partial_fit(mg.tensor{X2[3], X2[4], X2[5]})
    h.assert_close(batched.data_min_, {1.0, 0.0, 2.0})
    h.assert_close(batched.data_max_, {7.0, 8.0, 2.0})
    assert.are.equal(5, batched.n_samples_seen_)
  end)

  it('rejects a bad feature_range and input before fit', function()
    assert.are.equal('MinMaxScaler: feature_range must have min < max, got {1, 0}',
                     err(function() pp.MinMaxScaler{feature_range = {1, 0}} end))
    assert.are.equal("MinMaxScaler: feature_range must be a table of two numbers {min, max}, got 'x'",
                     err(function() pp.MinMaxScaler{feature_range = 'x'} end))
    assert.are.equal('MinMaxScaler: transform called before fit',
                     err(function() pp.MinMaxScaler():transform(mg.tensor(X1)) end))
    local mm = pp.MinMaxScaler():fit(mg.tensor(X1))
    local mm2 = pp.MinMaxScaler():load_state_dict(mm:state_dict())
    h.assert_close(mm2:transform(mg.tensor(X1)), mm:transform(mg.tensor(X1)))
  end)
end)

-- ---- SimpleImputer ------------------------------------------------------------------------

describe('SimpleImputer', function()
  local expected = {
    mean = {{4.75, 4.0, 4.0, 5.0},
            {{1.0, 4.0, 3.0, 7.0}, {4.75, 2.0, 3.0, 5.0}, {4.0, 2.0, 4.0, 7.0}, {4.0, 8.0, 5.0, 5.0},
             {10.0, 4.0, 5.0, 1.0}}},
    median = {{4.0, 2.0, 4.0, 7.0},
              {{1.0, 2.0, 3.0, 7.0}, {4.0, 2.0, 3.0, 7.0}, {4.0, 2.0, 4.0, 7.0}, {4.0, 8.0, 5.0, 7.0},
               {10.0, 2.0, 5.0, 1.0}}},
    most_frequent = {{4.0, 2.0, 3.0, 7.0}, -- feature 3: 3 and 5 tie, the smaller wins
                     {{1.0, 2.0, 3.0, 7.0}, {4.0, 2.0, 3.0, 7.0}, {4.0, 2.0, 3.0, 7.0},
                      {4.0, 8.0, 5.0, 7.0}, {10.0, 2.0, 5.0, 1.0}}},
  }
  for _, strategy in ipairs{'mean', 'median', 'most_frequent'} do
    it('imputes the ' .. strategy .. ' of each feature', function()
      local im = pp.SimpleImputer{strategy = strategy}:fit(mg.tensor(X3))
      h.assert_close(im.statistics_, expected[strategy][1])
      local y = im:transform(mg.tensor(X3))
      assert.are.equal('float32', y.dtype)
      h.assert_close(y, expected[strategy][2])
    end)
  end

  it('imputes a constant', function()
    local im = pp.SimpleImputer{strategy = 'constant', fill_value = -1}
    h.assert_close(im:fit_transform(f64(X3)), {{1.0, -1.0, 3.0, 7.0}, {-1.0, 2.0, 3.0, -1.0},
      {4.0, 2.0, -1.0, 7.0}, {4.0, 8.0, 5.0, -1.0}, {10.0, -1.0, 5.0, 1.0}})
    h.assert_close(im.statistics_, {-1, -1, -1, -1})
    h.assert_close(pp.SimpleImputer{strategy = 'constant'}:fit(f64(X3)).statistics_, {0, 0, 0, 0})
  end)

  it('drops features with no value at fit, unless keep_empty_features', function()
    local x = f64{{1, NAN, 2}, {3, NAN, NAN}, {NAN, NAN, 6}, {3, NAN, 2}}
    local im = pp.SimpleImputer{strategy = 'median'}:fit(x)
    h.assert_close(im.statistics_, {3.0, NAN, 2.0})
    h.assert_close(im:transform(x), {{1.0, 2.0}, {3.0, 2.0}, {3.0, 6.0}, {3.0, 2.0}})
    local keep = pp.SimpleImputer{strategy = 'median', keep_empty_features = true}:fit(x)
    h.assert_close(keep.statistics_, {3.0, 0.0, 2.0})
    h.assert_close(keep:transform(x), {{1.0, 0.0, 2.0}, {3.0, 0.0, 2.0}, {3.0, 0.0, 6.0}, {3.0, 0.0, 2.0}})
  end)

  it('treats another number as missing with missing_values', function()
    local x = f64{{0, 1}, {2, 0}, {2, 3}, {4, 0}}
    local im = pp.SimpleImputer{missing_values = 0}:fit(x)
    h.assert_close(im.statistics_, {2.6666666666666665, 2.0}, 1e-12, 1e-12)
    h.assert_close(im:transform(x), {{2.6666666666666665, 1.0}, {2.0, 2.0}, {2.0, 3.0}, {4.0, 2.0}},
                   1e-12, 1e-12)
  end)

  it('rejects bad options and input', function()
    assert.are.equal("SimpleImputer: strategy must be 'mean' or 'median' or 'most_frequent' or "
                     .. "'constant', got 'mode'", err(function() pp.SimpleImputer{strategy = 'mode'} end))
    assert.are.equal("SimpleImputer: fill_value must be a number, got 'x'",
                     err(function() pp.SimpleImputer{strategy = 'constant', fill_value = 'x'} end))
    assert.are.equal('SimpleImputer: transform called before fit',
                     err(function() pp.SimpleImputer():transform(mg.tensor(X3)) end))
    assert.are.equal('SimpleImputer: fit: the input contains NaN but missing_values is 0; NaN can '
                     .. 'only be imputed with missing_values = 0/0 (the default)',
                     err(function() pp.SimpleImputer{missing_values = 0}:fit(mg.tensor(X3)) end))
    local im = pp.SimpleImputer():fit(mg.tensor(X3))
    assert.are.equal('SimpleImputer: transform: expected 4 features (as seen in fit), got 3 (shape '
                     .. '{1,3})', err(function() im:transform(mg.zeros(1, 3)) end))
    assert.is_nil(pp.SimpleImputer.inverse_transform) -- as scikit-learn's, without add_indicator
  end)
end)

-- ---- OneHotEncoder ------------------------------------------------------------------------

describe('OneHotEncoder', function()
  it('encodes lists of strings with sorted categories', function()
    local oh = pp.OneHotEncoder():fit(S)
    assert.are.same({{'blue', 'green', 'red'}, {'L', 'M', 'S'}}, oh.categories_)
    local y = oh:transform(S)
    assert.are.equal('float32', y.dtype)
    assert.are.same({{0, 0, 1, 0, 0, 1}, {1, 0, 0, 0, 1, 0}, {0, 0, 1, 1, 0, 0}, {0, 1, 0, 0, 1, 0}},
                    y:totable())
    assert.are.same({'x1_blue', 'x1_green', 'x1_red', 'x2_L', 'x2_M', 'x2_S'},
                    oh:get_feature_names_out())
    assert.are.same({'color_blue', 'color_green', 'color_red', 'size_L', 'size_M', 'size_S'},
                    oh:get_feature_names_out{'color', 'size'})
    assert.are.same(S, oh:inverse_transform(y))
    -- a list of values is one feature
    assert.are.same({{1, 0}, {0, 1}, {1, 0}}, pp.OneHotEncoder():fit_transform{'a', 'b', 'a'}:totable())
  end)

  it('encodes tensors: categories_ are tensors of the input dtype', function()
    local x = ints(N)
    local oh = pp.OneHotEncoder{dtype = 'float64'}:fit(x)
    assert.are.same({1, 2, 3}, oh.categories_[1]:totable())
    assert.are.same({10, 20, 30}, oh.categories_[2]:totable())
    assert.are.equal('int64', oh.categories_[1].dtype)
    local y = oh:transform(x)
    assert.are.equal('float64', y.dtype)
    assert.are.same({{0, 0, 1, 1, 0, 0}, {1, 0, 0, 0, 1, 0}, {0, 0, 1, 0, 0, 1}, {0, 1, 0, 1, 0, 0}},
                    y:totable())
    local back = oh:inverse_transform(y)
    assert.are.equal('int64', back.dtype)
    assert.are.same(N, back:totable())
    -- a float32 tensor transformed by an encoder fitted on int64 (values compared exactly)
    assert.are.same({{0, 1, 0, 0, 0, 1}}, oh:transform(mg.tensor{{2, 30}}):totable())
    -- a 1-D tensor is one feature; NaN is a category of its own, sorted last
    local ohn = pp.OneHotEncoder():fit(mg.tensor{2.5, NAN, 1, 2.5})
    h.assert_close(ohn.categories_[1], {1, 2.5, NAN})
    assert.are.same({{0, 0, 1}, {0, 1, 0}}, ohn:transform(mg.tensor{NAN, 2.5}):totable())
  end)

  it("encodes unknown categories as zeros with handle_unknown = 'ignore'", function()
    local oh = pp.OneHotEncoder{handle_unknown = 'ignore'}:fit(S)
    local y = oh:transform{{'green', 'XL'}, {'pink', 'S'}}
    assert.are.same({{0, 1, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 1}}, y:totable())
    local ohf = pp.OneHotEncoder{handle_unknown = 'ignore'}:fit(mg.tensor{{1.5}, {2.5}})
    h.assert_close(ohf:inverse_transform(ohf:transform(mg.tensor{{2.5}, {7}})), {{2.5}, {NAN}})
    assert.are.equal('OneHotEncoder: inverse_transform: row 2 encodes no category of feature 1 (an '
                     .. 'unknown value); only float categories can stand for it (as NaN)',
                     err(function() oh:inverse_transform(y) end))
  end)

  it('takes the categories given', function()
    local oh = pp.OneHotEncoder{categories = {{'S', 'M', 'L'}}}:fit{'M', 'L'}
    assert.are.same({{'S', 'M', 'L'}}, oh.categories_)
    assert.are.same({{1, 0, 0}, {0, 0, 1}}, oh:transform{'S', 'L'}:totable())
    local ohn = pp.OneHotEncoder{categories = {{1, 2, 3}}}:fit(ints{{1}, {3}})
    assert.are.same({1, 2, 3}, ohn.categories_[1]:totable())
    assert.are.same({{0, 1, 0}}, ohn:transform(ints{{2}}):totable())
  end)

  it('rejects unknown categories, wrong widths and bad options', function()
    local oh = pp.OneHotEncoder():fit(S)
    assert.are.equal("OneHotEncoder: transform: found unknown categories {'XL'} in feature 2 during "
                     .. "transform (handle_unknown = 'ignore' encodes them as zeros)",
                     err(function() oh:transform{{'red', 'XL'}, {'blue', 'S'}} end))
    local ohn = pp.OneHotEncoder():fit(ints(N))
    assert.are.equal("OneHotEncoder: transform: found unknown categories {4, 7} in feature 1 during "
                     .. "transform (handle_unknown = 'ignore' encodes them as zeros)",
                     err(function() ohn:transform(ints{{7, 10}, {4, 20}, {7, 10}}) end))
    assert.are.equal('OneHotEncoder: transform: expected 2 features (as seen in fit), got 3',
                     err(function() oh:transform{{'red', 'S', 'x'}} end))
    assert.are.equal('OneHotEncoder: transform: feature 1 was fitted on strings, got numbers',
                     err(function() oh:transform(ints{{1, 2}}) end))
    assert.are.equal('OneHotEncoder: fit: row 2 has 1 values, expected 2 (as row 1)',
                     err(function() oh:fit{{'a', 'b'}, {'c'}} end))
    assert.are.equal('OneHotEncoder: fit: feature 1 mixes string and number values (expected all '
                     .. 'strings or all numbers)', err(function() oh:fit{'a', 1} end))
    assert.are.equal('OneHotEncoder: fit: expected a 1-D or 2-D tensor, a list of values or a list '
                     .. 'of rows, got shape {2,2,2}', err(function() oh:fit(mg.zeros(2, 2, 2)) end))
    assert.are.equal("OneHotEncoder: handle_unknown must be 'error' or 'ignore', got 'skip'",
                     err(function() pp.OneHotEncoder{handle_unknown = 'skip'} end))
    assert.are.equal("OneHotEncoder: fit: found unknown categories {'L'} in feature 1 during fit",
                     err(function() pp.OneHotEncoder{categories = {{'S', 'M'}}}:fit{'M', 'L'} end))
    assert.are.equal('OneHotEncoder: fit: categories[1] must be sorted and distinct (numbers)',
                     err(function() pp.OneHotEncoder{categories = {{3, 1}}}:fit(ints{3, 1}) end))
    assert.are.equal('OneHotEncoder: inverse_transform: expected a 2-D tensor {samples, 6} (one '
                     .. 'column per category), got shape {1,5}',
                     err(function() oh:inverse_transform(mg.zeros(1, 5)) end))
    assert.are.equal('OneHotEncoder: transform called before fit',
                     err(function() pp.OneHotEncoder():transform(S) end))
  end)

  it('saves and loads categories_', function()
    local oh = pp.OneHotEncoder():fit({{'a', 1}, {'b', 2}})
    local sd = oh:state_dict()
    assert.are.same({'a', 'b'}, sd.categories_[1])
    assert.is_true(mg.is_tensor(sd.categories_[2]))
    local copy = pp.OneHotEncoder():load_state_dict(sd)
    assert.are.same(oh:transform{{'b', 1}}:totable(), copy:transform{{'b', 1}}:totable())
    sd.categories_[1] = {'a', 3}
    assert.are.equal('OneHotEncoder: load_state_dict: categories_[1] must hold strings, got 3 at 2',
                     err(function() copy:load_state_dict(sd) end))
  end)
end)

-- ---- OrdinalEncoder -----------------------------------------------------------------------

describe('OrdinalEncoder', function()
  it('gives 1-based codes (scikit-learn + 1), int64 by default', function()
    local oe = pp.OrdinalEncoder():fit(S)
    local codes = oe:transform(S)
    assert.are.equal('int64', codes.dtype)
    assert.are.same(plus1{{2, 2}, {0, 1}, {2, 0}, {1, 1}}, codes:totable())
    assert.are.same(S, oe:inverse_transform(codes))
    local oen = pp.OrdinalEncoder{dtype = 'float32'}:fit(ints(N))
    local c = oen:transform(ints(N))
    assert.are.equal('float32', c.dtype)
    assert.are.same(plus1{{2, 0}, {0, 1}, {2, 2}, {1, 0}}, c:totable())
    assert.are.same(N, oen:inverse_transform(c):totable())
  end)

  it("gives unknown values unknown_value with handle_unknown = 'use_encoded_value'", function()
    local oe = pp.OrdinalEncoder{handle_unknown = 'use_encoded_value', unknown_value = -1}:fit(S)
    -- scikit-learn: {{1, -1}, {-1, 2}}; known codes + 1, unknown_value as given
    assert.are.same({{2, -1}, {-1, 3}}, oe:transform{{'green', 'XL'}, {'pink', 'S'}}:totable())
    local on = pp.OrdinalEncoder{handle_unknown = 'use_encoded_value', unknown_value = NAN,
                                 dtype = 'float64'}:fit(f64{{1.5}, {2.5}})
    local c = on:transform(f64{{2.5}, {9}})
    h.assert_close(c, {{2}, {NAN}})
    h.assert_close(on:inverse_transform(c), {{2.5}, {NAN}})
  end)

  it('rejects bad options, unknown categories and bad codes', function()
    assert.are.equal("OrdinalEncoder: unknown_value (an integer or nan) is needed when handle_unknown "
                     .. "is 'use_encoded_value'",
                     err(function() pp.OrdinalEncoder{handle_unknown = 'use_encoded_value'} end))
    assert.are.equal("OrdinalEncoder: unknown_value is only used when handle_unknown is "
                     .. "'use_encoded_value', got -1",
                     err(function() pp.OrdinalEncoder{unknown_value = -1} end))
    assert.are.equal("OrdinalEncoder: unknown_value nan needs a float dtype (dtype = 'float32' or "
                     .. "'float64')", err(function()
                       pp.OrdinalEncoder{handle_unknown = 'use_encoded_value', unknown_value = NAN}
                     end))
    assert.are.equal('OrdinalEncoder: unknown_value must be an integer or nan, got 0.5',
                     err(function()
                       pp.OrdinalEncoder{handle_unknown = 'use_encoded_value', unknown_value = 0.5}
                     end))
    assert.are.equal('OrdinalEncoder: fit: unknown_value 2 is the code of a category of feature 1 '
                     .. '(codes 1 to 3); use 0 or -1', err(function()
                       pp.OrdinalEncoder{handle_unknown = 'use_encoded_value', unknown_value = 2}:fit(S)
                     end))
    local oe = pp.OrdinalEncoder():fit(S)
    assert.are.equal("OrdinalEncoder: transform: found unknown categories {'pink'} in feature 1 "
                     .. "during transform (handle_unknown = 'use_encoded_value' gives them "
                     .. "unknown_value)", err(function() oe:transform{{'pink', 'S'}} end))
    assert.are.equal('OrdinalEncoder: inverse_transform: code 4 in row 2 of feature 1 is not a '
                     .. 'category code (expected 1 to 3)',
                     err(function() oe:inverse_transform(ints{{1, 1}, {4, 1}}) end))
    assert.are.equal('OrdinalEncoder: inverse_transform: expected a 2-D tensor {samples, 2} of '
                     .. 'codes, got shape {2}', err(function() oe:inverse_transform(ints{1, 1}) end))
  end)
end)

-- ---- LabelEncoder -------------------------------------------------------------------------

describe('LabelEncoder', function()
  it('codes strings 1-based in sorted order', function()
    local le = pp.LabelEncoder()
    local codes = le:fit_transform{'cat', 'dog', 'cat', 'ant'}
    assert.are.same({'ant', 'cat', 'dog'}, le.classes_)
    assert.are.equal('int64', codes.dtype)
    assert.are.same(plus1{1, 2, 1, 0}, codes:totable())
    assert.are.same(plus1{2, 0}, le:transform{'dog', 'ant'}:totable())
    assert.are.same({'dog', 'cat'}, le:inverse_transform{3, 2})
    assert.are.same({'ant', 'ant'}, le:inverse_transform(ints{1, 1}))
  end)

  it('codes numbers: classes_ is a tensor', function()
    local y = mg.tensor({10, 3, 10, 7, 3.5}, {dtype = 'float64'})
    local le = pp.LabelEncoder():fit(y)
    h.assert_close(le.classes_, {3.0, 3.5, 7.0, 10.0})
    assert.are.same(plus1{3, 0, 3, 2, 1}, le:transform(y):totable())
    assert.are.same(plus1{3, 0, 3, 2, 1}, pp.LabelEncoder():fit_transform{10, 3, 10, 7, 3.5}:totable())
    h.assert_close(le:inverse_transform(ints{4, 1}), {10, 3})
    local li = pp.LabelEncoder():fit(ints{5, 2, 5})
    assert.are.same({2, 5}, li.classes_:totable())
    assert.are.same({2, 1}, li:transform(mg.tensor{5, 2}):totable())
  end)

  it('rejects unseen labels, bad codes and 2-D input', function()
    local le = pp.LabelEncoder():fit{'cat', 'dog'}
    assert.are.equal("LabelEncoder: transform: y contains previously unseen labels: {'bird', 'cow'}",
                     err(function() le:transform{'cow', 'cat', 'bird'} end))
    assert.are.equal('LabelEncoder: inverse_transform: code 3 at 2 is not a class code (expected 1 to 2)',
                     err(function() le:inverse_transform{1, 3} end))
    assert.are.equal('LabelEncoder: fit: expected a 1-D tensor or a list of labels, got shape {2,2}',
                     err(function() le:fit(mg.zeros(2, 2)) end))
    assert.are.equal('LabelEncoder: fit: expected at least 1 label, got 0', err(function() le:fit{} end))
    assert.are.equal('LabelEncoder: transform called before fit',
                     err(function() pp.LabelEncoder():transform{'a'} end))
    local copy = pp.LabelEncoder():load_state_dict(le:state_dict())
    assert.are.same({'cat', 'dog'}, copy.classes_)
  end)
end)

-- ---- KFold and StratifiedKFold ------------------------------------------------------------

local function collect(iter)
  local folds = {}
  for train, test in iter do
    assert.are.equal('int64', train.dtype)
    folds[#folds + 1] = {train:totable(), test:totable()}
  end
  return folds
end

-- Each sample is in exactly one test fold; each fold's train set is the rest; sorted.
local function assert_partition(folds, n)
  local seen = {}
  for _, f in ipairs(folds) do
    local train, test = f[1], f[2]
    assert.are.equal(n, #train + #test)
    local in_test = {}
    for i, v in ipairs(test) do
      assert.is_nil(seen[v])
      seen[v], in_test[v] = true, true
      if i > 1 then assert.is_true(test[i - 1] < v) end
    end
    for i, v in ipairs(train) do
      assert.is_nil(in_test[v])
      if i > 1 then assert.is_true(train[i - 1] < v) end
    end
  end
  for i = 1, n do assert.is_true(seen[i], 'sample ' .. i .. ' is in no test fold') end
end

describe('KFold', function()
  it('cuts consecutive folds as scikit-learn (the first n % k folds one larger)', function()
    assert.are.same(plus1{{{4, 5, 6, 7, 8, 9}, {0, 1, 2, 3}}, {{0, 1, 2, 3, 7, 8, 9}, {4, 5, 6}},
                          {{0, 1, 2, 3, 4, 5, 6}, {7, 8, 9}}},
                    collect(pp.KFold{n_splits = 3}:split(10)))
    assert.are.same(plus1{{{3, 4, 5, 6}, {0, 1, 2}}, {{0, 1, 2, 5, 6}, {3, 4}}, {{0, 1, 2, 3, 4}, {5, 6}}},
                    collect(pp.KFold{n_splits = 3}:split(mg.zeros(7, 2))))
    assert.are.equal(5, #collect(pp.KFold():split(5)))
    assert.are.equal(3, pp.KFold{n_splits = 3}:get_n_splits())
  end)

  it('shuffles with a seed reproducibly, keeping a partition with the same fold sizes', function()
    local kf = pp.KFold{n_splits = 4, shuffle = true, seed = 7}
    local a, b = collect(kf:split(23)), collect(kf:split(23))
    assert.are.same(a, b)
    assert_partition(a, 23)
    local sizes = {}
    for i, f in ipairs(a) do sizes[i] = #f[2] end
    assert.are.same({6, 6, 6, 5}, sizes)
    assert.are_not.same(collect(pp.KFold{n_splits = 4}:split(23)), a)
  end)

  it('rejects bad options and too few samples', function()
    assert.are.equal('KFold: n_splits must be an integer >= 2, got 1',
                     err(function() pp.KFold{n_splits = 1} end))
    assert.are.equal('KFold: seed has no effect when shuffle is false; leave it nil or set shuffle = true',
                     err(function() pp.KFold{seed = 1} end))
    assert.are.equal('KFold: split: cannot have n_splits = 5 greater than the number of samples (3)',
                     err(function() pp.KFold():split(3) end))
    assert.are.equal("KFold: split: expected a number of samples, a tensor or a list, got 'x'",
                     err(function() pp.KFold():split('x') end))
  end)
end)

describe('StratifiedKFold', function()
  it('deals each class across the folds as scikit-learn', function()
    local ya = ints{0, 0, 1, 1, 1, 0, 2, 2, 2, 1, 0, 2, 1, 1, 0}
    assert.are.same(plus1{{{4, 5, 7, 8, 9, 10, 11, 12, 13, 14}, {0, 1, 2, 3, 6}},
                          {{0, 1, 2, 3, 6, 8, 11, 12, 13, 14}, {4, 5, 7, 9, 10}},
                          {{0, 1, 2, 3, 4, 5, 6, 7, 9, 10}, {8, 11, 12, 13, 14}}},
                    collect(pp.StratifiedKFold{n_splits = 3}:split(15, ya)))
    -- classes first seen in the order 2, 0, 1
    local yb = ints{2, 2, 0, 1, 2, 0, 1, 0, 1, 2, 0, 1}
    assert.are.same(plus1{{{1, 4, 5, 6, 7, 8, 9, 10, 11}, {0, 2, 3}},
                          {{0, 2, 3, 4, 7, 8, 9, 10, 11}, {1, 5, 6}},
                          {{0, 1, 2, 3, 5, 6, 9, 10, 11}, {4, 7, 8}},
                          {{0, 1, 2, 3, 4, 5, 6, 7, 8}, {9, 10, 11}}},
                    collect(pp.StratifiedKFold{n_splits = 4}:split(mg.zeros(12, 3), yb)))
    local yc = {'b', 'a', 'b', 'b', 'a', 'c', 'b', 'a', 'c', 'b'}
    assert.are.same(plus1{{{4, 6, 7, 8, 9}, {0, 1, 2, 3, 5}}, {{0, 1, 2, 3, 5}, {4, 6, 7, 8, 9}}},
                    collect(pp.StratifiedKFold{n_splits = 2}:split(10, yc)))
  end)

  it('shuffles within each class, keeping the per-fold class counts', function()
    local y = ints{0, 0, 1, 1, 1, 0, 2, 2, 2, 1, 0, 2, 1, 1, 0}
    local skf = pp.StratifiedKFold{n_splits = 3, shuffle = true, seed = 3}
    local folds = collect(skf:split(15, y))
    assert.are.same(folds, collect(skf:split(15, y)))
    assert_partition(folds, 15)
    local labels = y:totable()
    local plain = collect(pp.StratifiedKFold{n_splits = 3}:split(15, y))
    for f = 1, 3 do
      local count, want = {0, 0, 0}, {0, 0, 0}
      for _, i in ipairs(folds[f][2]) do count[labels[i] + 1] = count[labels[i] + 1] + 1 end
      for _, i in ipairs(plain[f][2]) do want[labels[i] + 1] = want[labels[i] + 1] + 1 end
      assert.are.same(want, count)
    end
  end)

  it('rejects missing labels and classes smaller than n_splits', function()
    local skf = pp.StratifiedKFold{n_splits = 3}
    assert.are.equal('StratifiedKFold: split: expected the labels y as the second argument (split(x, y))',
                     err(function() skf:split(6) end))
    assert.are.equal('StratifiedKFold: split: n_splits = 3 is greater than the number of members of '
                     .. 'every class (at most 2)', err(function() skf:split(4, ints{1, 1, 2, 2}) end))
    assert.are.equal('StratifiedKFold: split: y has 3 labels, expected 6 (one per sample)',
                     err(function() skf:split(6, ints{1, 2, 1}) end))
  end)
end)

-- ---- train_test_split ---------------------------------------------------------------------

describe('train_test_split', function()
  it('sizes the sets as scikit-learn (test rounded up, train down)', function()
    local x = mg.arange(1, 11)
    local cases = {{{test_size = 0.25}, 7, 3}, {{test_size = 0.7}, 3, 7}, {{test_size = 4}, 6, 4},
                   {{test_size = 0.33}, 6, 4}, {{train_size = 0.55}, 5, 5},
                   {{train_size = 3, test_size = 2}, 3, 2}, {nil, 7, 3}}
    for _, case in ipairs(cases) do
      local train, test = pp.train_test_split(x, case[1])
      assert.are.equal(case[2], #train)
      assert.are.equal(case[3], #test)
    end
  end)

  it('without shuffle takes the last samples for the test set', function()
    local train, test = pp.train_test_split(mg.arange(1, 11), {shuffle = false, test_size = 3})
    assert.are.same({1, 2, 3, 4, 5, 6, 7}, train:totable())
    assert.are.same({8, 9, 10}, test:totable())
  end)

  it('splits several tensors the same way, disjoint and covering, reproducibly with a seed', function()
    local x = mg.arange(1, 21):view(10, 2)          -- row i is {2i - 1, 2i}
    local y = mg.arange(1, 11)
    local xtr, xte, ytr, yte = pp.train_test_split(x, y, {test_size = 0.3, seed = 42})
    assert.are.same({7, 2}, xtr.shape)
    assert.are.same({3, 2}, xte.shape)
    assert.are.same((xtr:select(2, 2) / 2):long():totable(), ytr:totable())
    assert.are.same((xte:select(2, 2) / 2):long():totable(), yte:totable())
    local seen = {}
    for _, v in ipairs(ytr:totable()) do seen[v] = true end
    for _, v in ipairs(yte:totable()) do
      assert.is_nil(seen[v])
      seen[v] = true
    end
    for i = 1, 10 do assert.is_true(seen[i]) end
    local _, again = pp.train_test_split(y, {test_size = 0.3, seed = 42})
    assert.are.same(yte:totable(), again:totable())
  end)

  it('stratifies: each class split in proportion (scikit-learn class counts)', function()
    -- classes of 7, 5, 4 and 3 samples; test_size 0.3: scikit-learn puts {5, 3, 3, 2} in train
    -- and {2, 2, 1, 1} in test
    local labels = {}
    for class, count in ipairs{7, 5, 4, 3} do
      for _ = 1, count do labels[#labels + 1] = class end
    end
    local y = ints(labels)
    for seed = 1, 3 do
      local ytr, yte = pp.train_test_split(y, {test_size = 0.3, stratify = y, seed = seed})
      local ctr, cte = {0, 0, 0, 0}, {0, 0, 0, 0}
      for _, c in ipairs(ytr:totable()) do ctr[c] = ctr[c] + 1 end
      for _, c in ipairs(yte:totable()) do cte[c] = cte[c] + 1 end
      assert.are.same({5, 3, 3, 2}, ctr)
      assert.are.same({2, 2, 1, 1}, cte)
    end
    -- string labels
    local s = {'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'}
    local xtr, xte = pp.train_test_split(mg.arange(1, 9), {test_size = 0.5, stratify = s, seed = 0})
    local count = {a = 0, b = 0}
    for _, i in ipairs(xte:totable()) do count[s[i]] = count[s[i]] + 1 end
    assert.are.same({a = 2, b = 2}, count)
    assert.are.equal(4, #xtr)
  end)

  it('rejects bad sizes, mismatched tensors and bad stratify labels', function()
    local x = mg.arange(1, 11)
    assert.are.equal('train_test_split: test_size must be a number of samples in 1..9 or a fraction '
                     .. 'in (0, 1), got 1.5', err(function() pp.train_test_split(x, {test_size = 1.5}) end))
    assert.are.equal('train_test_split: test_size must be a number of samples in 1..9 or a fraction '
                     .. 'in (0, 1), got 10', err(function() pp.train_test_split(x, {test_size = 10}) end))
    assert.are.equal('train_test_split: test_size + train_size = 1.3, more than 1',
                     err(function() pp.train_test_split(x, {test_size = 0.5, train_size = 0.8}) end))
    assert.are.equal('train_test_split: train and test sets of 6 and 5 samples add up to more than '
                     .. 'the 10 samples',
                     err(function() pp.train_test_split(x, {test_size = 5, train_size = 6}) end))
    assert.are.equal('train_test_split: the arguments differ in their number of samples (10, 4)',
                     err(function() pp.train_test_split(x, mg.zeros(4)) end))
    assert.are.equal("train_test_split: unknown option 'test' (options: seed, shuffle, stratify, "
                     .. 'test_size, train_size)', err(function() pp.train_test_split(x, {test = 2}) end))
    assert.are.equal('train_test_split: argument 2: expected a tensor (or anything with :to_tensor()), '
                     .. 'got "y"', err(function() pp.train_test_split(x, 'y') end))
    assert.are.equal('train_test_split: expected one or more tensors to split',
                     err(function() pp.train_test_split({test_size = 2}) end))
    assert.are.equal('train_test_split: stratify has 3 labels, expected 10 (one per sample)',
                     err(function() pp.train_test_split(x, {stratify = ints{1, 2, 1}}) end))
    assert.are.equal('train_test_split: the least populated class in stratify has only 1 member; '
                     .. 'each class needs at least 2', err(function()
                       pp.train_test_split(x, {stratify = ints{1, 1, 1, 1, 1, 1, 1, 1, 1, 2}})
                     end))
    assert.are.equal('train_test_split: the test set (2 samples) is smaller than the number of '
                     .. 'classes (3)', err(function()
                       pp.train_test_split(x, {test_size = 2, stratify = ints{1, 1, 1, 1, 2, 2, 2, 3, 3, 3}})
                     end))
    assert.are.equal('train_test_split: stratify needs shuffle = true', err(function()
                       pp.train_test_split(x, {shuffle = false, stratify = x})
                     end))
  end)
end)

-- ---- Pipeline -----------------------------------------------------------------------------

describe('Pipeline', function()
  it('chains fit_transform, transform and inverse_transform (in reverse)', function()
    local x = f64(X1)
    local pipe = pp.Pipeline{{'scale', pp.StandardScaler()}, {'minmax', pp.MinMaxScaler()}}
    local y = pipe:fit_transform(x)
    local by_hand = pp.MinMaxScaler():fit_transform(pp.StandardScaler():fit_transform(x))
    h.assert_close(y, by_hand, 1e-12, 1e-12)
    h.assert_close(pipe:transform(x), y, 1e-12, 1e-12)
    h.assert_close(pipe:inverse_transform(y), X1, 1e-12, 1e-12)
    assert.are.equal(pipe.steps[1][2], pipe.named_steps.scale)
    h.assert_close(pipe.named_steps.scale.mean_, {1.3, 2.2, 3.5}, 1e-12, 1e-12)
    assert.are.equal(2, #pipe)
    assert.are.equal(pipe, pipe:fit(x))
  end)

  it('names unnamed steps after their class, as make_pipeline', function()
    local pipe = pp.Pipeline{pp.SimpleImputer(), pp.StandardScaler(), pp.StandardScaler()}
    assert.are.equal('simpleimputer', pipe.steps[1][1])
    assert.are.equal('standardscaler-1', pipe.steps[2][1])
    assert.are.equal('standardscaler-2', pipe.steps[3][1])
    local y = pipe:fit_transform(mg.tensor(X3))
    assert.are.equal(0, y:ne(y):sum():item()) -- no NaN left
  end)

  it('saves and loads the state of every step', function()
    local pipe = pp.Pipeline{{'impute', pp.SimpleImputer{strategy = 'median'}},
                             {'scale', pp.StandardScaler()}}
    pipe:fit(mg.tensor(X3))
    local sd = pipe:state_dict()
    assert.are.equal('impute', sd.steps[1].name)
    local copy = pp.Pipeline{{'impute', pp.SimpleImputer()}, {'scale', pp.StandardScaler()}}
    copy:load_state_dict(sd)
    assert.are.equal('median', copy.named_steps.impute.strategy)
    h.assert_close(copy:transform(mg.tensor(X3)), pipe:transform(mg.tensor(X3)))
    -- a bad step state changes nothing
    local fresh = pp.Pipeline{{'impute', pp.SimpleImputer()}, {'scale', pp.StandardScaler()}}
    sd.steps[2].state.mean_ = 'x'
    assert.are.equal("Pipeline: load_state_dict: step 'scale': StandardScaler: load_state_dict: mean_ "
                     .. 'must be a 1-D float tensor of 4 values, got "x"',
                     err(function() fresh:load_state_dict(sd) end))
    assert.is_nil(fresh.named_steps.impute.statistics_)
  end)

  it('works with steps of the user’s own making', function()
    local double = {fit = function(self) return self end,
                    transform = function(_, x) return x * 2 end,
                    inverse_transform = function(_, x) return x / 2 end}
    local pipe = pp.Pipeline{{'double', double}, {'scale', pp.MinMaxScaler()}}
    local y = pipe:fit_transform(mg.tensor(X1))
    h.assert_close(pipe:inverse_transform(y), X1, 1e-6, 1e-6)
  end)

  it('rejects bad steps and names the step that failed', function()
    assert.are.equal('Pipeline: step 2 (3) has no fit method',
                     err(function() pp.Pipeline{pp.StandardScaler(), 3} end))
    assert.are.equal("Pipeline: two steps are named 'a'",
                     err(function() pp.Pipeline{{'a', pp.StandardScaler()}, {'a', pp.MinMaxScaler()}} end))
    assert.are.equal('Pipeline: step 1 is the class StandardScaler; call it to make an object',
                     err(function() pp.Pipeline{pp.StandardScaler} end))
    assert.are.equal('Pipeline: expected a list of steps ({name, object} pairs or objects), got {}',
                     err(function() pp.Pipeline{} end))
    local pipe = pp.Pipeline{{'impute', pp.SimpleImputer()}, {'scale', pp.StandardScaler()}}
    assert.are.equal("Pipeline: transform: step 'impute': SimpleImputer: transform called before fit",
                     err(function() pipe:transform(mg.tensor(X3)) end))
    pipe:fit(mg.tensor(X3))
    assert.are.equal("Pipeline: transform: step 'impute': SimpleImputer: transform: expected 4 "
                     .. 'features (as seen in fit), got 2 (shape {1,2})',
                     err(function() pipe:transform(mg.zeros(1, 2)) end))
    assert.are.equal("Pipeline: inverse_transform: step 'impute' (a SimpleImputer) has no "
                     .. 'inverse_transform', err(function() pipe:inverse_transform(mg.zeros(1, 4)) end))
  end)
end)

-- ---- edge cases ---------------------------------------------------------------------------

describe('preprocessing edge cases', function()
  it('encodes bool tensors and NaN labels', function()
    local oh = pp.OneHotEncoder():fit(mg.tensor{true, false, true})
    assert.are.same({false, true}, oh.categories_[1]:totable())
    assert.are.same({{1, 0}}, oh:transform(mg.tensor{false}):totable())
    local le = pp.LabelEncoder():fit(mg.tensor{NAN, 1, NAN, 2})
    h.assert_close(le.classes_, {1, 2, NAN})
    assert.are.same({3, 2}, le:transform(mg.tensor{NAN, 2}):totable())
  end)

  it('transforms no rows into no rows', function()
    assert.are.same({0, 2}, pp.StandardScaler():fit(mg.ones(3, 2)):transform(mg.zeros(0, 2)).shape)
    assert.are.same({0, 3}, pp.OneHotEncoder():fit{'a', 'b', 'c'}:transform({}).shape)
    assert.are.same({0}, pp.LabelEncoder():fit{'a'}:transform({}).shape)
  end)

  it('lets gradients flow through a fitted scaler', function()
    local x = mg.tensor({{1, 2}, {3, 6}}, {requires_grad = true})
    local sc = pp.StandardScaler():fit(x)
    sc:transform(x):sum():backward()
    h.assert_close(x.grad, {{1, 0.5}, {1, 0.5}}) -- 1 / scale_ = 1 / {1, 2}
  end)

  it('checks options across each other when loading a state', function()
    local oe = pp.OrdinalEncoder{handle_unknown = 'use_encoded_value', unknown_value = 0}:fit{'a', 'b'}
    local sd = oe:state_dict()
    sd.params.handle_unknown = 'error'
    assert.are.equal("OrdinalEncoder: unknown_value is only used when handle_unknown is "
                     .. "'use_encoded_value', got 0", err(function() oe:load_state_dict(sd) end))
    assert.are.equal('use_encoded_value', oe.handle_unknown)
  end)

  it('is found by help() from an instance', function()
    assert.are.equal(mg.help.text(pp.StandardScaler), mg.help.text(pp.StandardScaler()))
    assert.is_truthy(mg.help.text('StandardScaler:fit'):find('obj:fit(x)', 1, true))
  end)
end)
