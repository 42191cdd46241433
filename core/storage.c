/* Refcounted, 64-byte-aligned storage with a size-class cache: a training loop frees and
 * allocates the same sizes every step, and reusing warm buffers avoids page faults. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ALIGNMENT 64
#define NUM_CLASSES (4 * 48) /* four classes per power of two: waste at most 25% */
#define CACHE_LIMIT ((size_t)256 << 20) /* bytes kept for reuse at most */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *cache[NUM_CLASSES];          /* singly linked through each buffer's first word */
static size_t cached_bytes;
static size_t live_bytes;
static _Atomic uint64_t allocated_total; /* read on every tensor the binding wraps */

/* Class 4k + j (j = 1..4) holds buffers of 2^k + j * 2^k / 4 bytes; 64 bytes at least. */
static int size_class(size_t nbytes) {
  if (nbytes <= 64) return 4 * 5 + 4;
  int k = 63 - __builtin_clzll((unsigned long long)(nbytes - 1));
  size_t quarter = ((size_t)1 << k) / 4;
  int j = (int)((nbytes - ((size_t)1 << k) + quarter - 1) / quarter);
  return 4 * k + j;
}

static size_t class_bytes(int c) {
  size_t base = (size_t)1 << (c / 4);
  return base + (size_t)(c % 4) * (base / 4);
}

uint64_t mg_bytes_allocated_total(void) {
  return atomic_load_explicit(&allocated_total, memory_order_relaxed);
}

void mg_memory_stats(int64_t *live, int64_t *cached) {
  pthread_mutex_lock(&lock);
  if (live) *live = (int64_t)live_bytes;
  if (cached) *cached = (int64_t)cached_bytes;
  pthread_mutex_unlock(&lock);
}

static void *take_buffer(int c) {
  size_t bytes = class_bytes(c);
  pthread_mutex_lock(&lock);
  void *p = cache[c];
  if (p) {
    cache[c] = *(void **)p;
    cached_bytes -= bytes;
  }
  live_bytes += bytes;
  atomic_fetch_add_explicit(&allocated_total, bytes, memory_order_relaxed);
  pthread_mutex_unlock(&lock);
  if (!p) p = aligned_alloc(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
  if (!p) {
    pthread_mutex_lock(&lock);
    live_bytes -= bytes;
    pthread_mutex_unlock(&lock);
  }
  return p;
}

static void give_back(void *p, int c) {
  size_t bytes = class_bytes(c);
  pthread_mutex_lock(&lock);
  live_bytes -= bytes;
  if (cached_bytes + bytes <= CACHE_LIMIT) {
    *(void **)p = cache[c];
    cache[c] = p;
    cached_bytes += bytes;
    p = NULL;
  }
  pthread_mutex_unlock(&lock);
  free(p);
}

mg_storage *mg_storage_new(size_t nbytes) {
  if (nbytes > ((size_t)1 << 46))
    return mg_fail_null("out of memory: cannot allocate %zu bytes", nbytes);
  mg_storage *s = malloc(sizeof *s);
  if (!s) return mg_fail_null("out of memory");
  s->nbytes = nbytes;
  s->refcount = 1;
  s->version = 0;
  s->data = take_buffer(size_class(nbytes));
  if (!s->data) {
    free(s);
    return mg_fail_null("out of memory: cannot allocate %zu bytes", nbytes);
  }
  return s;
}

void mg_storage_release(mg_storage *s) {
  if (!s || --s->refcount > 0) return;
  give_back(s->data, size_class(s->nbytes));
  free(s);
}
