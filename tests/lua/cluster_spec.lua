-- mg.cluster: KMeans, silhouette_score, segment_report. Expected values were recorded from
-- scikit-learn 1.2.1 (numpy 1.24) on the same inputs (KMeans(init=centers, n_init=1,
-- algorithm='lloyd'), sklearn.metrics.silhouette_score); scikit-learn's 0-based labels are
-- shifted to moongrad's 1-based ones. k-means++ draws from moongrad's generator, so its
-- results are checked by their properties. Segment reports are worked out by hand.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local cluster = mg.cluster

local NAN = 0 / 0
local SPEC = 'cluster_spec.lua:' -- errors point at the caller's line in this file

local function ints(list) return mg.tensor(list, {dtype = 'int64'}) end
local function f64(list) return mg.tensor(list, {dtype = 'float64'}) end
local function err(f) return h.error_in(SPEC, f) end

-- ---- data ---------------------------------------------------------------------------------

-- 30 points in three overlapping groups (numpy default_rng(7) normals, rounded to 2 decimals)
local X = {{0.0, 0.3, -0.27}, {-0.89, -0.45, -0.99}, {0.06, 1.34, -0.49}, {-0.62, 0.49, 0.36},
  {0.11, -0.93, -0.03}, {0.7, -1.34, -0.46}, {-1.9, -1.29, -1.84}, {-0.24, -1.27, 0.27},
  {0.16, -0.19, -2.52}, {-0.54, -0.05, 0.11}, {0.47, 1.52, -0.98}, {1.19, 3.06, -0.81},
  {1.97, 2.88, -0.58}, {1.89, 2.11, 0.06}, {0.77, 2.08, 1.36}, {0.45, 2.86, 0.12},
  {1.36, 4.0, 0.76}, {0.8, 2.07, 0.58}, {1.81, 2.68, -0.07}, {2.67, 3.44, -0.68},
  {0.2, 2.54, 2.13}, {-1.19, 2.42, 1.8}, {0.9, 4.15, 0.68}, {-0.79, 3.65, 0.01},
  {-0.46, 2.9, 3.26}, {0.69, 2.67, 1.63}, {-0.25, 4.52, 1.57}, {-0.3, 3.35, 1.88},
  {-0.2, 1.89, 1.99}, {-0.44, 4.17, 2.65}}
local INIT = {X[1], X[2], X[3]}

-- KMeans(3, init=X[:3], n_init=1, algorithm='lloyd').fit(X)
local CENTERS = {{-0.007500000000000007, 0.007500000000000062, -0.18624999999999997},
                 {-0.8766666666666666, -0.6433333333333333, -1.7833333333333332},
                 {0.5826315789473684, 3.0231578947368423, 0.9652631578947368}}
local LABELS = {1, 2, 1, 1, 1, 1, 2, 1, 2, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
                3, 3, 3}
local INERTIA = 71.94294013157895

-- four well-separated blobs of 15 points (sd 0.3 around (0,0), (5,0), (0,5), (5,5))
local B = {{-0.01, 0.2}, {-0.1, 0.32}, {-0.0, 0.18}, {-0.39, 0.1}, {-0.51, -0.61}, {-0.09, -0.27},
  {0.05, 0.67}, {-0.25, -0.19}, {0.06, 0.15}, {-0.05, -0.06}, {0.21, 0.16}, {-0.31, -0.02},
  {0.01, -0.32}, {0.08, -0.26}, {0.29, 0.06}, {5.03, -0.18}, {4.96, -0.6}, {4.66, 0.11},
  {4.36, 0.25}, {4.48, 0.23}, {4.75, 0.23}, {5.04, -0.46}, {5.37, 0.43}, {4.98, -0.08},
  {4.95, -0.29}, {5.33, -0.16}, {4.98, -0.24}, {4.81, -0.38}, {5.38, -0.05}, {5.29, 0.0},
  {-0.21, 4.9}, {-0.17, 5.0}, {-0.11, 4.91}, {-0.41, 4.76}, {0.5, 4.8}, {-0.32, 5.1},
  {0.42, 4.56}, {-0.06, 4.81}, {-0.53, 5.22}, {-0.01, 5.02}, {-0.23, 5.14}, {-0.16, 4.96},
  {-0.33, 4.64}, {0.4, 4.85}, {0.09, 4.99}, {4.87, 4.85}, {5.19, 4.91}, {4.95, 5.01},
  {5.35, 5.2}, {5.11, 4.83}, {4.59, 5.28}, {5.29, 4.96}, {5.16, 5.23}, {5.25, 5.28},
  {4.86, 5.45}, {4.63, 5.26}, {5.15, 5.26}, {5.56, 5.45}, {4.66, 4.49}, {5.25, 4.7}}
-- the lowest inertia of KMeans(4, n_init=10, random_state=s).fit(B) over s = 0..4
local B_BEST_INERTIA = 8.60592

-- ---- KMeans with given initial centers ----------------------------------------------------

describe('KMeans from given centers (Lloyd)', function()
  it('matches scikit-learn: centers, labels, inertia and n_iter', function()
    local km = cluster.KMeans{n_clusters = 3, init = f64(INIT)}
    assert.are.equal(km, km:fit(f64(X)))
    h.assert_close(km.cluster_centers_, CENTERS, 1e-5, 1e-12)
    assert.are.equal('int64', km.labels_.dtype)
    assert.are.same(LABELS, km.labels_:totable())
    h.assert_close(km.inertia_, INERTIA, 1e-5)
    assert.are.equal(3, km.n_iter_)
    assert.are.equal('float64', km.cluster_centers_.dtype)
  end)

  it('predicts and transforms as scikit-learn', function()
    local km = cluster.KMeans{n_clusters = 3, init = f64(INIT)}:fit(f64(X))
    assert.are.same({1, 3, 3}, km:predict(f64{{0, 0, 0}, {2, 2, 0}, {0, 3, 2}}):totable())
    h.assert_close(km:transform(f64{X[1], X[2]}),
                   {{0.30434612286014084, 1.9871084519975248, 3.04646082293969},
                    {1.2783295985386554, 0.8166598639172444, 4.249061489988863}}, 1e-5, 1e-12)
    assert.are.same(LABELS, km:fit_predict(f64(X)):totable())
  end)

  it('keeps float32 data float32, matching scikit-learn on float32', function()
    local km = cluster.KMeans{n_clusters = 3, init = mg.tensor(INIT)}:fit(mg.tensor(X))
    assert.are.equal('float32', km.cluster_centers_.dtype)
    h.assert_close(km.cluster_centers_,
                   {{-0.007500022649765015, 0.0074999332427978516, -0.1862499713897705},
                    {-0.8766666054725647, -0.6433334350585938, -1.783333420753479},
                    {0.5826315879821777, 3.023158073425293, 0.9652631878852844}}, 1e-5, 1e-6)
    h.assert_close(km.inertia_, 71.94293975830078, 1e-5)
    assert.are.equal(3, km.n_iter_)
    assert.are.same(LABELS, km.labels_:totable())
  end)

  it('relocates an empty cluster to the point farthest from its center, as scikit-learn', function()
    -- the third initial center is far from every point, so its cluster starts empty
    local km = cluster.KMeans{n_clusters = 3, init = f64{{0, 0, 0}, {2, 2, 0}, {100, 100, 100}}}
    km:fit(f64(X))
    h.assert_close(km.cluster_centers_, {{-0.2445454545454545, -0.1700000000000006, -0.6218181818181818},
                                         {1.1836363636363636, 2.998181818181818, 0.13},
                                         {-0.24375000000000002, 3.0575, 2.11375}}, 1e-5, 1e-12)
    assert.are.same({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 2, 2, 3, 3,
                     3, 3, 3, 3}, km.labels_:totable())
    h.assert_close(km.inertia_, 52.401179545454546, 1e-5)
    assert.are.equal(5, km.n_iter_)
  end)

  it('stops at max_iter, and on the center shift relative to tol, as scikit-learn', function()
    local km = cluster.KMeans{n_clusters = 3, init = f64(INIT), max_iter = 2, tol = 0}:fit(f64(X))
    assert.are.equal(2, km.n_iter_)
    h.assert_close(km.cluster_centers_, CENTERS, 1e-5, 1e-12)
    h.assert_close(km.inertia_, INERTIA, 1e-5)
    -- tol = 0.3: the labels settle in 2 iterations, the shift stops it there (n_iter 3 at 0.1)
    assert.are.equal(2, cluster.KMeans{n_clusters = 3, init = f64(INIT), tol = 0.3}:fit(f64(X)).n_iter_)
    assert.are.equal(3, cluster.KMeans{n_clusters = 3, init = f64(INIT), tol = 0.1}:fit(f64(X)).n_iter_)
    -- tol = 3: one iteration
    km = cluster.KMeans{n_clusters = 3, init = f64(INIT), tol = 3}:fit(f64(X))
    assert.are.equal(1, km.n_iter_)
    h.assert_close(km.inertia_, 74.7852063463719, 1e-5)
    h.assert_close(km.cluster_centers_, {{-0.07, -0.3059999999999998, -0.05800000000000005},
                                         {-0.7175, -0.8, -1.27},
                                         {0.5523809523809524, 2.8714285714285714, 0.8033333333333333}},
                   1e-5, 1e-12)
  end)

  it('takes a Frame (through :to_tensor())', function()
    local df = mg.data.Frame.from_tensor(f64(X))
    local km = cluster.KMeans{n_clusters = 3, init = f64(INIT)}:fit(df)
    assert.are.same(LABELS, km.labels_:totable())
    h.assert_close(km.cluster_centers_, CENTERS, 1e-5, 1e-6)
  end)

  it('gives each point to the first of two equal centers, as argmin (scikit-learn too)', function()
    -- centers 2 and 3 coincide: the points near 10 go to 2, and the empty 3 is relocated to
    -- the point farthest from its center, {12, 0}
    local x = f64{{0, 0}, {1, 0}, {10, 0}, {12, 0}}
    local km = cluster.KMeans{n_clusters = 3, init = f64{{0, 0}, {10, 0}, {10, 0}}}:fit(x)
    h.assert_close(km.cluster_centers_, {{0.5, 0}, {10, 0}, {12, 0}}, 1e-12, 1e-12)
    assert.are.same({1, 1, 2, 3}, km.labels_:totable())
    assert.are.equal(2, km.n_iter_)
    h.assert_close(km.inertia_, 0.5, 1e-12)
  end)

  it('gives a point halfway between two centers to the first, as scikit-learn', function()
    -- 1 lies halfway between the centers 0 and 2 and goes to the first; recorded from
    -- scikit-learn 1.2.1 (float32, the same init): labels 0 1 0 1 1, centers 0.5 and 3,
    -- inertia 2.5, n_iter 2
    local x = mg.tensor{{0}, {2}, {1}, {4}, {3}}
    local km = cluster.KMeans{n_clusters = 2, init = mg.tensor{{0}, {2}}}:fit(x)
    assert.are.same({1, 2, 1, 2, 2}, km.labels_:totable())
    h.assert_close(km.cluster_centers_, {{0.5}, {3}}, 1e-6, 1e-6)
    h.assert_close(km.inertia_, 2.5, 1e-6)
    assert.are.equal(2, km.n_iter_)
  end)

  it('matches scikit-learn over many blocks of rows, on one thread or two', function()
    -- 1200 points in four overlapping groups, from a formula both sides compute exactly;
    -- recorded from KMeans(4, init=X[:4], n_init=1, algorithm='lloyd').fit(X) on float64 X.
    -- scikit-learn on float32 reaches the same clusters one iteration later (n_iter 19), from
    -- a float32 near-tie that its BLAS rounds the other way.
    local rows = {}
    for i = 1, 1200 do
      local g = i % 4
      rows[i] = {((i * i * 7 + i * 13) % 1000) / 100 + 3 * g,
                 ((i * i * 11 + i * 5) % 997) / 100 + 3 * (g % 2), ((i * 29) % 83) / 10}
    end
    local centers = {{8.167621951219513, 9.574329268292683, 4.190243902439025},
                     {10.512456140350878, 3.57842105263158, 4.20906432748538},
                     {14.917725490196077, 8.574588235294117, 3.9231372549019605},
                     {3.686327272727275, 4.951418181818182, 4.024727272727272}}
    local threads = mg.get_num_threads()
    finally(function() mg.set_num_threads(threads) end)
    local on_one_thread = {}
    for _, n_threads in ipairs{1, 2} do
      mg.set_num_threads(n_threads)
      for _, dtype in ipairs{'float64', 'float32'} do
        local x = mg.tensor(rows, {dtype = dtype})
        local km = cluster.KMeans{n_clusters = 4, init = x:narrow(1, 1, 4)}:fit(x)
        -- the same sums in the same order on any number of threads: the same bits
        on_one_thread[dtype] = on_one_thread[dtype] or km.cluster_centers_
        assert.are.same(on_one_thread[dtype]:totable(), km.cluster_centers_:totable())
        local tol = dtype == 'float64' and 1e-12 or 1e-6
        h.assert_close(km.cluster_centers_, centers, tol, tol)
        h.assert_close(km.inertia_, 17260.846457589203, tol)
        assert.are.equal(18, km.n_iter_)
        assert.are.same({4, 2, 2, 4, 4, 2, 3, 4, 1, 2, 3, 4}, km.labels_:narrow(1, 1, 12):totable())
        local sizes = ints{0, 0, 0, 0}:index_add_(1, km.labels_, mg.ones(1200, {dtype = 'int64'}))
        assert.are.same({328, 342, 255, 275}, sizes:totable())
      end
    end
  end)
end)

-- ---- KMeans with k-means++ ----------------------------------------------------------------

describe('KMeans with k-means++', function()
  it('finds the well-separated blobs: inertia as low as scikit-learn best', function()
    local km = cluster.KMeans{n_clusters = 4, seed = 0}:fit(mg.tensor(B))
    assert.is_true(km.inertia_ <= B_BEST_INERTIA * (1 + 1e-5), 'inertia ' .. km.inertia_)
    -- each blob of 15 is one cluster
    local labels = km.labels_:totable()
    for blob = 0, 3 do
      for i = 2, 15 do assert.are.equal(labels[blob * 15 + 1], labels[blob * 15 + i]) end
    end
    local counts = mg.zeros(4, {dtype = 'int64'}):scatter_add(1, km.labels_, mg.ones(60, {dtype = 'int64'}))
    assert.are.same({15, 15, 15, 15}, counts:totable())
  end)

  it('is deterministic for a seed, and one init (n_init = 1) also finds the blobs', function()
    local a = cluster.KMeans{n_clusters = 4, seed = 3, n_init = 1}:fit(mg.tensor(B))
    local b = cluster.KMeans{n_clusters = 4, seed = 3, n_init = 1}:fit(mg.tensor(B))
    assert.are.same(a.cluster_centers_:totable(), b.cluster_centers_:totable())
    assert.are.same(a.labels_:totable(), b.labels_:totable())
    assert.are.equal(a.inertia_, b.inertia_)
    -- greedy k-means++ puts one center per blob here: the optimum (4 is 5 sds apart)
    assert.is_true(a.inertia_ <= B_BEST_INERTIA * (1 + 1e-5), 'inertia ' .. a.inertia_)
  end)

  it('with k = n puts a center on every point (inertia 0)', function()
    local x = f64{{0, 0}, {1, 0}, {5, 5}}
    local km = cluster.KMeans{n_clusters = 3, seed = 1}:fit(x)
    h.assert_close(km.inertia_, 0, 0, 1e-12) -- 0 up to the rounding of ||x||^2 - 2 x.c + ||c||^2
    local sorted = km.cluster_centers_:select(2, 1):sort()
    assert.are.same({0, 1, 5}, sorted:totable())
  end)

  it('prints its options and state', function()
    local km = cluster.KMeans{n_clusters = 2, seed = 4}
    assert.are.equal("KMeans{n_clusters = 2, init = 'k-means++', n_init = 10, max_iter = 300, "
                     .. 'tol = 0.0001, seed = 4} (not fitted)', tostring(km))
    km:fit(f64{{0, 0}, {0, 1}, {4, 0}, {4, 1}})
    assert.are.equal("KMeans{n_clusters = 2, init = 'k-means++', n_init = 10, max_iter = 300, "
                     .. 'tol = 0.0001, seed = 4} fitted: inertia 1 after 2 iterations', tostring(km))
  end)
end)

-- ---- KMeans: bad input --------------------------------------------------------------------

describe('KMeans bad input', function()
  it('refuses bad options at the caller', function()
    assert.are.equal('KMeans: option n_clusters should be an integer >= 1, got 0',
                     err(function() cluster.KMeans{n_clusters = 0} end))
    assert.are.equal('KMeans: option n_clusters should be an integer >= 1, got 2.5',
                     err(function() cluster.KMeans{n_clusters = 2.5} end))
    assert.are.equal('KMeans: option max_iter should be an integer >= 1, got 0',
                     err(function() cluster.KMeans{max_iter = 0} end))
    assert.are.equal('KMeans: option n_init should be an integer >= 1, got 0',
                     err(function() cluster.KMeans{n_init = 0} end))
    assert.are.equal('KMeans: option tol should be a number >= 0, got -1',
                     err(function() cluster.KMeans{tol = -1} end))
    assert.are.equal('KMeans: option tol should be a number >= 0, got nan',
                     err(function() cluster.KMeans{tol = NAN} end))
    assert.are.equal('KMeans: option seed should be an integer, got "a"',
                     err(function() cluster.KMeans{seed = 'a'} end))
    assert.are.equal('KMeans: unknown option k', err(function() cluster.KMeans{k = 3} end))
    assert.are.equal('KMeans: expected a table of options, got 3', err(function() cluster.KMeans(3) end))
    assert.are.equal("KMeans: option init should be 'k-means++' or a tensor of centers "
                     .. '{n_clusters, features}, got "random"',
                     err(function() cluster.KMeans{init = 'random'} end))
    assert.are.equal('KMeans: init should be a tensor of shape {n_clusters, features} = {3, d}, '
                     .. 'got shape {2,3}', err(function() cluster.KMeans{n_clusters = 3, init = mg.zeros(2, 3)} end))
    assert.are.equal('KMeans: init should be a float tensor, got a int64 tensor of shape {1,2}',
                     err(function() cluster.KMeans{n_clusters = 1, init = mg.zeros(1, 2, {dtype = 'int64'})} end))
    assert.are.equal('KMeans: init contains NaN',
                     err(function() cluster.KMeans{n_clusters = 1, init = mg.tensor{{NAN, 1}}} end))
    assert.are.equal('KMeans: n_init should be 1 when init is a tensor of centers, got 5',
                     err(function() cluster.KMeans{n_clusters = 1, init = mg.zeros(1, 2), n_init = 5} end))
  end)

  it('refuses bad data in fit at the caller, leaving the model unfitted', function()
    local km = cluster.KMeans{n_clusters = 3}
    assert.are.equal('KMeans: fit: n_clusters = 3 is more than the 2 samples',
                     err(function() km:fit(mg.zeros(2, 4)) end))
    assert.are.equal('KMeans: fit: expected a 2-D tensor {samples, features}, got shape {6}',
                     err(function() km:fit(mg.zeros(6)) end))
    assert.are.equal('KMeans: fit: expected a 2-D tensor {samples, features} (or anything with '
                     .. ':to_tensor()), got "x"', err(function() km:fit('x') end))
    assert.are.equal('KMeans: fit: expected at least 1 feature, got shape {4,0}',
                     err(function() km:fit(mg.zeros(4, 0)) end))
    assert.are.equal('KMeans: fit: x contains NaN',
                     err(function() km:fit(mg.tensor{{1, 2}, {NAN, 0}, {3, 3}}) end))
    assert.are.equal('KMeans: fit: x contains an infinite value',
                     err(function() km:fit(mg.tensor{{1, 2}, {math.huge, 0}, {3, 3}}) end))
    assert.are.equal('KMeans: fit: init has 3 features, x has 2', err(function()
      cluster.KMeans{n_clusters = 1, init = mg.zeros(1, 3)}:fit(mg.zeros(4, 2)) end))
    assert.is_nil(km.cluster_centers_)
    assert.are.equal('KMeans: fit must be called as a method (km:fit(...)), got nil',
                     err(function() km.fit(nil, mg.zeros(4, 2)) end))
  end)

  it('refuses predict and transform before fit, and a wrong number of features', function()
    local km = cluster.KMeans{n_clusters = 2, seed = 0}
    assert.are.equal('KMeans: predict called before fit', err(function() km:predict(mg.zeros(3, 2)) end))
    assert.are.equal('KMeans: transform called before fit', err(function() km:transform(mg.zeros(3, 2)) end))
    km:fit(mg.tensor{{0, 0}, {0, 1}, {4, 0}, {4, 1}})
    assert.are.equal('KMeans: predict: expected 2 features (as seen in fit), got 3 (shape {1,3})',
                     err(function() km:predict(mg.zeros(1, 3)) end))
    assert.are.equal('KMeans: transform: expected 2 features (as seen in fit), got 1 (shape {4,1})',
                     err(function() km:transform(mg.zeros(4, 1)) end))
    assert.are.equal('KMeans: predict: x contains NaN', err(function() km:predict(mg.tensor{{NAN, 0}}) end))
  end)
end)

-- ---- silhouette_score ---------------------------------------------------------------------

describe('silhouette_score', function()
  it('matches scikit-learn exactly on small data (a singleton cluster scores 0)', function()
    h.assert_close(cluster.silhouette_score(f64(X), ints(LABELS)), 0.338155572830341, 1e-9)
    local labels = {}
    for i = 1, 30 do labels[i] = i <= 10 and 1 or i <= 20 and 2 or i <= 29 and 3 or 4 end
    h.assert_close(cluster.silhouette_score(f64(X), labels), 0.2457761495036222, 1e-9)
    -- silhouette_score([[0,0],[0,1],[5,5],[5,6],[10,0]], [1,1,2,2,3]) and [1,1,2,2,2]
    local p = mg.tensor{{0, 0}, {0, 1}, {5, 5}, {5, 6}, {10, 0}}
    h.assert_close(cluster.silhouette_score(p, {1, 1, 2, 2, 3}), 0.6868685568070343, 1e-6)
    h.assert_close(cluster.silhouette_score(p, {1, 1, 2, 2, 2}), 0.5637294898581515, 1e-6)
    -- labels need not be consecutive: 7 and 9 as 1 and 2
    h.assert_close(cluster.silhouette_score(p, {7, 7, 9, 9, 9}), 0.5637294898581515, 1e-6)
  end)

  it('is exact over many blocks of rows (n larger than a block), as scikit-learn', function()
    -- i = 1..2500: x = (sin i, cos 3i + i mod 3), label i mod 3 + 1
    local i = mg.arange(1, 2501, {dtype = 'float64'})
    local rest = i - (i / 3):floor() * 3
    local x = mg.stack({i:sin(), (i * 3):cos() + rest}, 2)
    h.assert_close(cluster.silhouette_score(x, rest:to('int64') + 1), 0.07186602420949141, 1e-9)
  end)

  it('samples sample_size rows with a seed, reproducibly', function()
    local a = cluster.silhouette_score(f64(X), ints(LABELS), {sample_size = 20, seed = 5})
    local b = cluster.silhouette_score(f64(X), ints(LABELS), {sample_size = 20, seed = 5})
    assert.are.equal(a, b)
    assert.is_true(a > -1 and a < 1)
  end)

  it('refuses bad labels and options at the caller', function()
    local p = mg.tensor{{0, 0}, {0, 1}, {5, 5}}
    assert.are.equal('silhouette_score: the number of distinct labels is 1; it should be from 2 to '
                     .. 'n_samples - 1 = 2', err(function() cluster.silhouette_score(p, {1, 1, 1}) end))
    assert.are.equal('silhouette_score: the number of distinct labels is 3; it should be from 2 to '
                     .. 'n_samples - 1 = 2', err(function() cluster.silhouette_score(p, {1, 2, 3}) end))
    assert.are.equal('silhouette_score: expected 3 labels (one per row of x), got 2',
                     err(function() cluster.silhouette_score(p, {1, 2}) end))
    assert.are.equal('silhouette_score: labels should be 1-based (>= 1), got 0',
                     err(function() cluster.silhouette_score(p, {0, 1, 1}) end))
    assert.are.equal('silhouette_score: labels[2] should be an integer, got 1.5',
                     err(function() cluster.silhouette_score(p, {1, 1.5, 1}) end))
    assert.are.equal('silhouette_score: expected int64 labels (1-based cluster numbers), got a '
                     .. 'float32 tensor of shape {3}',
                     err(function() cluster.silhouette_score(p, mg.tensor{1, 2, 2}) end))
    assert.are.equal('silhouette_score: option sample_size should be an integer >= 2, got 1',
                     err(function() cluster.silhouette_score(p, {1, 2, 2}, {sample_size = 1}) end))
    assert.are.equal('silhouette_score: sample_size = 4 is more than the 3 samples',
                     err(function() cluster.silhouette_score(p, {1, 2, 2}, {sample_size = 4}) end))
    assert.are.equal('silhouette_score: unknown option size',
                     err(function() cluster.silhouette_score(p, {1, 2, 2}, {size = 4}) end))
    assert.are.equal('silhouette_score: x contains NaN',
                     err(function() cluster.silhouette_score(mg.tensor{{NAN}, {1}, {2}}, {1, 2, 2}) end))
  end)
end)

-- ---- segment_report -----------------------------------------------------------------------

describe('segment_report', function()
  -- worked out by hand: segment 1 rows {1, 10}, {3, 30}; segment 3 rows {2, 5}, {4, 7}, {6, 0}
  local x = f64{{1, 10}, {2, 5}, {3, 30}, {4, 7}, {6, 0}}
  local labels = {1, 3, 1, 3, 3}

  it('gives each segment its count, share and feature means (absent labels left out)', function()
    local r = cluster.segment_report(x, labels, {columns = {'age', 'spend'}})
    assert.are.same({1, 3}, r.segments)
    assert.are.same({2, 3}, r.count)
    h.assert_close(r.share, {0.4, 0.6}, 1e-12)
    assert.are.same({'age', 'spend'}, r.columns)
    h.assert_close(r.means, {{2, 20}, {4, 4}}, 1e-12)
    assert.are.same({{segment = 1, count = 2, share = 0.4, age = 2, spend = 20},
                     {segment = 3, count = 3, share = 0.6, age = 4, spend = 4}}, r:totable())
    assert.are.equal('segment  count  share  age  spend\n'
                     .. '1            2  40.0%    2     20\n'
                     .. '3            3  60.0%    4      4', tostring(r))
  end)

  it('names a tensor\'s columns V1, V2, ... and takes a Frame\'s columns by name', function()
    assert.are.same({'V1', 'V2'}, cluster.segment_report(x, labels).columns)
    local df = mg.data.Frame.from_tensor(x, {'age', 'spend'})
    local r = cluster.segment_report(df, ints(labels), {columns = {'spend'}})
    assert.are.same({'spend'}, r.columns)
    h.assert_close(r.means, {{20}, {4}}, 1e-12)
    assert.are.same({'age', 'spend'}, cluster.segment_report(df, labels).columns)
  end)

  it('refuses bad input at the caller', function()
    assert.are.equal('segment_report: expected 2 column names (one per column of x), got 1',
                     err(function() cluster.segment_report(x, labels, {columns = {'a'}}) end))
    assert.are.equal('segment_report: expected 5 labels (one per row of x), got 2',
                     err(function() cluster.segment_report(x, {1, 2}) end))
    assert.are.equal('segment_report: expected a 2-D tensor or a Frame, got "x"',
                     err(function() cluster.segment_report('x', labels) end))
    assert.are.equal('segment_report: unknown option names',
                     err(function() cluster.segment_report(x, labels, {names = {}}) end))
    local df = mg.data.Frame.from_tensor(x, {'age', 'spend'})
    local e = err(function() cluster.segment_report(df, labels, {columns = {'height'}}) end)
    assert.is_truthy(e:find('segment_report: ', 1, true), e)
    assert.is_truthy(e:find('height', 1, true), e)
  end)
end)
