#!/usr/bin/env bash
# Downloads the four MNIST files (gzipped IDX, as published) into DIR (default data/mnist)
# and checks their md5 sums. Files already present with the right sum are kept.
#   usage: scripts/fetch-mnist.sh [DIR]
# MNIST_MIRROR=URL (a folder holding the four files) is tried before the built-in mirrors.
# Then: mg.data.mnist('train') (from the repository root), or mg.data.mnist('train', {dir = DIR}).
set -euo pipefail

dir=${1:-data/mnist}
mirrors=(
  ${MNIST_MIRROR:+"${MNIST_MIRROR%/}"}
  https://storage.googleapis.com/cvdf-datasets/mnist
  https://ossci-datasets.s3.amazonaws.com/mnist
)
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
       t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
declare -A md5=(
  [train-images-idx3-ubyte.gz]=f68b3c2dcbeaaa9fbdd348bbdeb94873
  [train-labels-idx1-ubyte.gz]=d53e105ee54ea40749a09fcbcd1e9432
  [t10k-images-idx3-ubyte.gz]=9fb629c4189551a2d022fa330f9573f3
  [t10k-labels-idx1-ubyte.gz]=ec29112dd5afa0611ce80d1b7f02629c
)

die() { echo "fetch-mnist: $*" >&2; exit 1; }

if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL --retry 2 --connect-timeout 20 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q --tries=3 --timeout=20 -O "$2" "$1"; }
else
  die "neither curl nor wget is installed (apt-get install curl)"
fi
command -v md5sum >/dev/null 2>&1 || die "md5sum is missing (it comes with coreutils)"

sum_ok() { [ -f "$1" ] && [ "$(md5sum "$1" | cut -d' ' -f1)" = "$2" ]; }

mkdir -p "$dir" || die "cannot create $dir"
for f in "${files[@]}"; do
  target=$dir/$f
  if sum_ok "$target" "${md5[$f]}"; then
    echo "$target: already present"
    continue
  fi
  ok=0
  for m in "${mirrors[@]}"; do
    echo "downloading $m/$f"
    tmp=$target.part
    if ! fetch "$m/$f" "$tmp"; then
      echo "fetch-mnist: could not download $m/$f" >&2
      rm -f "$tmp"
      continue
    fi
    if sum_ok "$tmp" "${md5[$f]}"; then
      mv -f "$tmp" "$target"
      ok=1
      break
    fi
    echo "fetch-mnist: $m/$f has md5 $(md5sum "$tmp" | cut -d' ' -f1), expected ${md5[$f]}" >&2
    rm -f "$tmp"
  done
  [ "$ok" = 1 ] || die "could not get a good copy of $f from any mirror (${mirrors[*]}); download it by hand into $dir"
done
echo "MNIST is in $dir"
