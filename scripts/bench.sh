#!/usr/bin/env bash
# Runs the benchmark workloads of tests/bench/ side by side with their baselines in one run
# and prints a table of ratios (DESIGN.md, Performance):
#   gemm         mg.matmul vs cblas_sgemm called directly (once per OPENBLAS_CORETYPE, to find
#                OpenBLAS's fastest kernel here) vs PyTorch (default, and OPENBLAS_CORETYPE=SkylakeX)
#   elementwise  a + b, a * b + c on 10^7 float32: moongrad (2 and 1 threads) vs a C loop
#   overhead     a + b on 4-element tensors: moongrad vs PyTorch, per call
#   training     small_ops (autograd on 4-element tensors) and mlp_mnist (one epoch of the
#                Keras MNIST MLP): moongrad vs PyTorch (default, and OPENBLAS_CORETYPE=SkylakeX)
#   startup      a fresh process printing a random 2x2 tensor (moongrad script and prompt) vs
#                `python -c "import torch; ..."`, best of 5 each
#   tables       csv_read (the 1 000 000-row event log into typed columns) vs pandas.read_csv;
#                tabular_bce (examples/tabular_bce.lua on breast_cancer.csv) vs PyTorch
#   profiles     profile_agg (per-user features of the event log) vs pandas; kmeans
#                (100 000 x 32, k = 16, 25 Lloyd iterations) vs scikit-learn
#   peak memory  max RSS of every run
# usage: scripts/bench.sh [BUILD_DIR]    (default build: `make bench`; runs BUILD_DIR/moongrad)
#   MOONGRAD=path   another moongrad executable      BENCH_ROUNDS=3   rounds (best of them)
#   PYTHON=path     the reference's Python           BENCH_TIMEOUT=120  seconds per process
#   BENCH_WORKLOADS="gemm elementwise overhead training startup tables profiles"   the sections to run
# The PyTorch references come from ../shared/bench (relative to the repository) and run with
# /usr/bin/python3; without them those columns are skipped with a note. Takes about 5 min.
set -u
mg=${MOONGRAD:-${1:-build}/moongrad}
case $mg in /*) ;; *) mg=$(pwd)/$mg ;; esac
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-/usr/bin/python3}
ref=$root/../shared/bench
threads=2
limit=${BENCH_TIMEOUT:-120} # seconds per run; a hung run is reported, not waited on forever
rounds=${BENCH_ROUNDS:-3}   # every run is repeated, interleaved; the table takes each one's best
workloads=" ${BENCH_WORKLOADS:-gemm elementwise overhead training startup tables profiles} "
wants() { case $workloads in *" $1 "*) return 0 ;; esac; return 1; }
data=$root/../shared/data # MNIST for mlp_mnist; both sides fall back to random data without it
# Each run sets the BLAS kernel and threads it is meant to test; none inherits the caller's.
unset OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS

if [ ! -x "$mg" ]; then
  echo "bench: $mg not found; run make first (or set MOONGRAD)" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
note() { echo "$*" >>"$out/notes.txt"; }

# The repository's Lua library, wherever the executable lives.
export LUA_PATH="$root/lua/?.lua;$root/lua/?/init.lua;;"

# run NAME CMD...: runs CMD with its stdout in NAME.rR.json, its peak RSS (KiB) in NAME.rR.rss
# and, when it fails, the reason in NAME.rR.err (R: the round). Its stderr passes through.
have_time=0
[ -x /usr/bin/time ] && have_time=1
round=1
run() {
  local name=$1 base=$out/$1.r$round start=$SECONDS rc
  shift
  printf '  %-16s' "$name" >&2
  if [ $have_time = 1 ]; then
    timeout "$limit" /usr/bin/time -f %M -o "$base.rss" "$@" >"$base.json"
  else
    timeout "$limit" "$@" >"$base.json" # the Lua scripts report VmHWM themselves
  fi
  rc=$?
  if [ $rc -eq 124 ]; then
    echo "timed out after ${limit}s (hung?)" >"$base.err"
  elif [ $rc -ne 0 ]; then
    echo "failed with exit status $rc" >"$base.err"
  elif ! grep -q '^{' "$base.json"; then
    echo "printed no result" >"$base.err"
  fi
  if [ $rc -eq 0 ]; then echo " $((SECONDS - start))s" >&2; else echo " $((SECONDS - start))s, $(cat "$base.err")" >&2; fi
}

# ---- baselines in C --------------------------------------------------------------------
cc=${CC:-cc}
blas_inc=$(pkg-config --cflags openblas 2>/dev/null || echo -I/usr/include/x86_64-linux-gnu/openblas-pthread)
if ! $cc -O2 -std=c11 -Wall tests/bench/gemm_blas.c $blas_inc -lopenblas -o "$out/gemm_blas" 2>"$out/cc.log"; then
  note "direct OpenBLAS skipped: tests/bench/gemm_blas.c did not build (libopenblas-dev missing?): $(head -1 "$out/cc.log")"
fi
if ! $cc -O2 -std=c11 -Wall tests/bench/elementwise.c -o "$out/elementwise" 2>"$out/cc.log"; then
  note "C elementwise skipped: tests/bench/elementwise.c did not build: $(head -1 "$out/cc.log")"
fi

have_torch=0
if [ ! -f "$ref/pytorch/ref.py" ]; then
  note "PyTorch reference skipped: $ref/pytorch/ref.py not found"
elif ! "$python" -c 'import torch' 2>/dev/null; then
  note "PyTorch reference skipped: $python cannot import torch"
else
  have_torch=1
fi

{
  echo "moongrad benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $threads threads, best of $rounds round(s)"
  echo "  CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores$(grep -q avx512f /proc/cpuinfo && echo ', AVX-512')"
  echo "  moongrad: $("$mg" -e "local c = require('moongrad').config() print(c.version .. ', ' .. c.lua .. ', OpenBLAS ' .. tostring(c.blas.core or c.blas.error))" 2>&1 | head -1)"
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "  load average before the run: $load$(awk -v l="$load" 'BEGIN { if (l > 0.5) print " (other work is running: expect noise)" }')"
} >"$out/header.txt"

# PyTorch's side of elementwise and overhead (ref.py has neither): the same work, inline.
cat >"$out/torch_small.py" <<'PY'
import json, sys, time, torch
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
N = 10**7
a, b, c = torch.rand(N), torch.rand(N), torch.rand(N)
def measure(fn):
    for _ in range(3): fn()
    ts = []
    for _ in range(20):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return sum(ts) / len(ts), min(ts)
add, add_min = measure(lambda: a + b)
muladd, muladd_min = measure(lambda: a * b + c)
del a, b, c
x, y = torch.rand(4), torch.rand(4)
for _ in range(10000): r = x + y
t = time.perf_counter()
for _ in range(10**6): r = x
loop = time.perf_counter() - t
best = 1e9
for _ in range(3):
    t = time.perf_counter()
    for _ in range(10**6): r = x + y
    best = min(best, time.perf_counter() - t)
print(json.dumps(dict(workload="elementwise+overhead", impl="pytorch", threads=torch.get_num_threads(),
    add_s=add, add_min_s=add_min, muladd_s=muladd, muladd_min_s=muladd_min,
    overhead_us=(best - loop) / 10**6 * 1e6, torch=torch.__version__)))
PY

# The event log of csv_read, written once by the reference's generator (deterministic).
events=/tmp/bench_events_1m.csv
if { wants tables || wants profiles; } && [ ! -s "$events" ]; then
  if [ -f "$ref/gen_events.py" ]; then
    "$python" "$ref/gen_events.py" "$events" 1000000 >/dev/null || note "csv_read skipped: gen_events.py failed"
  else
    note "csv_read skipped: $ref/gen_events.py not found"
  fi
fi

for round in $(seq "$rounds"); do
  echo "round $round of $rounds (one line per process):" >&2
  if wants gemm; then
    if [ -x "$out/gemm_blas" ]; then
      for core in unset Haswell SkylakeX Cooperlake Zen; do
        if [ $core = unset ]; then
          run blas_$core env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=$threads "$out/gemm_blas" $threads
        else
          run blas_$core env OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$threads "$out/gemm_blas" $threads
        fi
      done
    fi
    run mg_gemm "$mg" tests/bench/gemm.lua $threads
    if [ $have_torch = 1 ]; then
      run torch_gemm env -u OPENBLAS_CORETYPE "$python" "$ref/pytorch/ref.py" gemm --threads $threads
      run torch_gemm_skx env OPENBLAS_CORETYPE=SkylakeX "$python" "$ref/pytorch/ref.py" gemm --threads $threads
    fi
  fi
  if wants elementwise; then
    run mg_ew2 "$mg" tests/bench/elementwise.lua 2
    run mg_ew1 "$mg" tests/bench/elementwise.lua 1
    [ -x "$out/elementwise" ] && run c_ew "$out/elementwise"
  fi
  wants overhead && run mg_overhead "$mg" tests/bench/overhead.lua $threads
  # PyTorch's side of elementwise and overhead
  if [ $have_torch = 1 ] && { wants elementwise || wants overhead; }; then
    run torch_small "$python" "$out/torch_small.py" $threads
  fi
  if wants training; then
    run mg_small_ops "$mg" tests/bench/small_ops.lua $threads
    run mg_mlp "$mg" tests/bench/mlp_mnist.lua $threads "$data"
    if [ $have_torch = 1 ]; then
      run torch_small_ops "$python" "$ref/pytorch/ref.py" small_ops --threads $threads
      run torch_mlp env -u OPENBLAS_CORETYPE "$python" "$ref/pytorch/ref.py" mlp_mnist --threads $threads --data "$data"
      run torch_mlp_skx env OPENBLAS_CORETYPE=SkylakeX "$python" "$ref/pytorch/ref.py" mlp_mnist --threads $threads --data "$data"
    fi
  fi
  if wants startup; then
    run mg_startup "$mg" tests/bench/startup.lua "$mg"
    [ $have_torch = 1 ] && run torch_startup "$python" "$ref/pytorch/ref.py" startup
  fi
  if wants tables; then
    if [ -s "$events" ]; then
      run mg_csv_read "$mg" tests/bench/csv_read.lua "$events" $threads
      [ -f "$ref/pytorch/ref.py" ] && run pandas_csv_read "$python" "$ref/pytorch/ref.py" csv_read --threads $threads
    fi
    run mg_tabular "$mg" tests/bench/tabular_bce.lua $threads "$data"
    [ $have_torch = 1 ] && run torch_tabular "$python" "$ref/pytorch/ref.py" tabular_bce --threads $threads --data "$data"
  fi
  if wants profiles; then
    if [ -s "$events" ]; then
      run mg_profile_agg "$mg" tests/bench/profile_agg.lua "$events" $threads
      [ -f "$ref/pytorch/ref.py" ] && run pandas_profile_agg "$python" "$ref/pytorch/ref.py" profile_agg --threads $threads
    fi
    run mg_kmeans "$mg" tests/bench/kmeans.lua $threads
    [ -f "$ref/pytorch/ref.py" ] && run sklearn_kmeans "$python" "$ref/pytorch/ref.py" kmeans --threads $threads
  fi
done
[ $have_time = 1 ] || note "/usr/bin/time not found: peak memory of the moongrad runs is their own VmHWM; none for the others"
echo >&2

"$mg" tests/bench/report.lua "$out" "$rounds"
