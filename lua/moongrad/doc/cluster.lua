-- Documentation of moongrad's cluster area, shown by help(); format in moongrad/help.lua.
local C = 'mg.cluster.'

return {title = 'Clustering (mg.cluster): k-means, silhouette, segment reports', entries = {

  {name = 'mg.cluster', sig = 'mg.cluster',
   desc = [[
Clustering with scikit-learn's names: KMeans (Lloyd's algorithm, k-means++ or given initial
centers), silhouette_score to judge a clustering, and segment_report to describe the
clusters (size and feature means per segment) so that a person can name them. Inputs are
float tensors {samples, features} or anything with :to_tensor() (a Frame); labels are
1-based int64, as everywhere in moongrad. A Lloyd iteration is one pass over the samples in
C, as scikit-learn's: distances by BLAS a block of rows at a time, the nearest center and
the sums per cluster, over the threads of mg.set_num_threads.]],
   example = [[
local x = mg.tensor{{0, 0}, {0, 1}, {5, 5}, {5, 6}}
local km = mg.cluster.KMeans{n_clusters = 2, seed = 0}:fit(x)
print(km.labels_, km.inertia_)                -- the two pairs apart; 1
print(mg.cluster.silhouette_score(x, km.labels_))
print(mg.cluster.segment_report(x, km.labels_, {columns = {'age', 'spend'}}))]]},

  {name = C .. 'KMeans',
   sig = C .. "KMeans{n_clusters = 8, init = 'k-means++' | centers {k, d}, n_init = 10,\n"
      .. '                  max_iter = 300, tol = 1e-4, seed}',
   desc = [[
k-means clustering as scikit-learn's KMeans(algorithm='lloyd'). init 'k-means++' picks the
starting centers as scikit-learn does (greedy: the best of 2 + floor(log k) candidates drawn
in proportion to the squared distance to the nearest center so far), n_init times, keeping
the run with the lowest inertia; a float tensor {n_clusters, features} gives the starting
centers (then n_init is 1). Lloyd iterations stop when no label changes, when the squared
shift of the centers is at most tol times the mean variance of the features (scikit-learn's
meaning), or after max_iter. A cluster left empty takes the point farthest from its center,
as scikit-learn does; a point equally near two centers joins the first. seed calls
mg.manual_seed(seed) before fitting. Fitted fields: cluster_centers_ {k, d} (x's float dtype),
labels_ (1-based int64 {n}), inertia_ (sum of the squared distances of the points to their
centers), n_iter_ (iterations of the best run), n_features_in_. x with NaN or infinite
values, fewer samples than n_clusters, or (later) another number of features is refused.]],
   example = [[
local x = mg.tensor{{1, 1}, {1, 2}, {8, 8}, {9, 8}}
local km = mg.cluster.KMeans{n_clusters = 2, init = mg.tensor{{0, 0}, {10, 10}}}:fit(x)
print(km.cluster_centers_)                    -- {{1, 1.5}, {8.5, 8}}
print(km.labels_, km.inertia_, km.n_iter_)    -- 1 1 2 2;  1;  2]]},

  {name = {C .. 'KMeans:fit', C .. 'KMeans:fit_predict'},
   sig = 'km:fit(x) -> km     km:fit_predict(x) -> labels',
   desc = [[
Clusters x, a float tensor {samples, features} (integer ones become float32) or anything
with :to_tensor(), setting cluster_centers_, labels_, inertia_ and n_iter_. fit returns km;
fit_predict returns labels_ (1-based int64).]],
   example = [[
local x = mg.tensor{{0}, {1}, {10}, {11}}
print(mg.cluster.KMeans{n_clusters = 2, seed = 1}:fit_predict(x))   -- pairs {0,1} and {10,11}]]},

  {name = C .. 'KMeans:predict', sig = 'km:predict(x) -> labels',
   desc = [[
The 1-based int64 label of the nearest fitted center for each row of x (same number of
features as in fit).]],
   example = [[
local km = mg.cluster.KMeans{n_clusters = 2, init = mg.tensor{{0}, {10}}}:fit(mg.tensor{{0}, {1}, {10}})
print(km:predict(mg.tensor{{2}, {9}}))        -- 1 2]]},

  {name = C .. 'KMeans:transform', sig = 'km:transform(x) -> distances {n, k}',
   desc = [[
The Euclidean distance of each row of x to each fitted center, {samples, n_clusters}, as
scikit-learn's transform: a k-dimensional description of each point.]],
   example = [[
local km = mg.cluster.KMeans{n_clusters = 2, init = mg.tensor{{0, 0}, {3, 4}}}
km:fit(mg.tensor{{0, 0}, {3, 4}})
print(km:transform(mg.tensor{{0, 0}}))        -- {{0, 5}}]]},

  {name = C .. 'silhouette_score', sig = C .. 'silhouette_score(x, labels [, {sample_size, seed}])',
   desc = [[
The mean silhouette coefficient, as sklearn.metrics.silhouette_score: for each sample, (b -
a) / max(a, b), with a its mean Euclidean distance to the other members of its cluster and b
the smallest mean distance to the members of another cluster; 0 for a sample alone in its
cluster. From -1 to 1, higher for dense, well-separated clusters. labels: positive integers
(a 1-D int64 tensor or a Lua list; need not be consecutive), from 2 to n - 1 distinct ones.
Exact by default (in float64; time grows as n^2, memory as a block of rows): for large n give
sample_size, to score that many rows drawn at random (after mg.manual_seed(seed) if seed).]],
   example = [[
local x = mg.tensor{{0, 0}, {0, 1}, {5, 5}, {5, 6}, {10, 0}}
print(mg.cluster.silhouette_score(x, {1, 1, 2, 2, 3}))   -- 0.6869 (as scikit-learn)
local big = mg.randn(5000, 2)
print(mg.cluster.silhouette_score(big, big:select(2, 1):gt(0):long() + 1, {sample_size = 500, seed = 0}))]]},

  {name = {C .. 'segment_report', C .. 'SegmentReport:totable'},
   sig = C .. 'segment_report(frame_or_tensor, labels [, {columns}]) -> report\n'
      .. 'report.segments, .count, .share, .columns (Lua lists), .means {segments, columns}\n'
      .. 'report:totable() -> {{segment =, count =, share =, <column> = mean, ...}, ...}',
   desc = [[
Describes each segment (each label present, in increasing order) by its size, as a count
and a share of the rows, and the mean of each feature, so that the clusters can be named.
print(report) shows a table; its fields give the same as Lua lists and a float64 tensor of
means, and report:totable() one row table per segment. For a Frame, columns names the
(numeric) columns to describe (by default all); for a tensor, it names its columns (by
default V1, V2, ...). labels: positive integers, one per row.]],
   example = [[
local x = mg.tensor{{25, 100}, {30, 120}, {60, 20}}
local r = mg.cluster.segment_report(x, {1, 1, 2}, {columns = {'age', 'spend'}})
print(r)                                      -- segment 1: 2 rows, age 27.5; segment 2: ...
print(r.count[1], r.share[2], r.means)        -- 2  0.333...  {{27.5, 110}, {60, 20}}]]},
}}
