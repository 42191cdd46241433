/* Loading OpenBLAS. Its kernel is picked from the CPU when the library loads, and Debian 12's
 * 0.3.21 picks its AVX2 ("Haswell") kernel on AVX-512 CPUs newer than itself (AMD Zen 5),
 * where the AVX-512 ("SkylakeX") kernel runs sgemm about twice as fast. So the library is
 * opened here, at first use, after choosing the AVX-512 kernel through OPENBLAS_CORETYPE on
 * every CPU that has AVX-512 — unless the user set that variable, which wins. (On Zen 4,
 * 0.3.21 already picks an AVX-512 kernel, and every kernel runs within a few percent.) */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static const char *const library_names[] = {"libopenblas.so.0", "libopenblas.so"};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static mg_blas_api api;
static bool loaded;
static char load_error[300];
static void (*set_threads)(int);
static char *(*get_corename)(void);
static char *(*get_config)(void);

static bool cpu_has_avx512(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

static void load(void) {
  bool chose = getenv("OPENBLAS_CORETYPE") == NULL && cpu_has_avx512();
  if (chose) setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
  /* OpenBLAS's threads spin 2^28 cycles (about 0.1 s) after each product before they sleep,
   * taking a core from moongrad's own pool, which runs the elementwise work between products:
   * 2^20 cycles (under a millisecond) made an MLP epoch 18% faster on 2 cores and left
   * matrix products as fast. A timeout the user set wins. */
  bool timed = getenv("OPENBLAS_THREAD_TIMEOUT") == NULL;
  if (timed) setenv("OPENBLAS_THREAD_TIMEOUT", "20", 1);
  void *lib = NULL;
  for (size_t i = 0; !lib && i < sizeof library_names / sizeof *library_names; i++)
    lib = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
  /* The variables did their work at load time; children of this process need not inherit them. */
  if (chose) unsetenv("OPENBLAS_CORETYPE");
  if (timed) unsetenv("OPENBLAS_THREAD_TIMEOUT");
  if (!lib) {
    snprintf(load_error, sizeof load_error,
             "OpenBLAS could not be loaded (%s); install Debian's libopenblas0", dlerror());
    return;
  }
  *(void **)&api.sgemm = dlsym(lib, "cblas_sgemm");
  *(void **)&api.dgemm = dlsym(lib, "cblas_dgemm");
  *(void **)&set_threads = dlsym(lib, "openblas_set_num_threads");
  *(void **)&get_corename = dlsym(lib, "openblas_get_corename");
  *(void **)&get_config = dlsym(lib, "openblas_get_config");
  if (!api.sgemm || !api.dgemm) {
    snprintf(load_error, sizeof load_error, "OpenBLAS lacks cblas_sgemm/cblas_dgemm");
    return;
  }
  loaded = true;
  if (set_threads) set_threads(mg_get_num_threads());
}

const mg_blas_api *mg_blas(void) {
  pthread_once(&once, load);
  if (!loaded) return mg_fail_null("%s", load_error);
  return &api;
}

void mg_blas_set_threads(int n) {
  if (loaded && set_threads) set_threads(n); /* else load() applies the count */
}

const char *mg_blas_corename(void) {
  if (!mg_blas()) return NULL;
  return get_corename ? get_corename() : "unknown";
}

const char *mg_blas_config(void) {
  if (!mg_blas()) return NULL;
  return get_config ? get_config() : "unknown";
}
