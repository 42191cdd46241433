/* The last error message, per thread, and small formatting helpers for messages. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static _Thread_local char last_error[512];

const char *mg_last_error(void) { return last_error; }

const char *mg_version(void) { return MG_VERSION; }

static void set_error(const char *fmt, va_list ap) {
  vsnprintf(last_error, sizeof last_error, fmt, ap);
}

int mg_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(fmt, ap);
  va_end(ap);
  return -1;
}

void *mg_fail_null(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(fmt, ap);
  va_end(ap);
  return NULL;
}

const char *mg_shape_str(int ndim, const int64_t *size, char *buf) {
  int n = snprintf(buf, MG_SHAPE_STR, "{");
  for (int d = 0; d < ndim && n < MG_SHAPE_STR - 24; d++)
    n += snprintf(buf + n, MG_SHAPE_STR - n, d ? ",%lld" : "%lld", (long long)size[d]);
  snprintf(buf + n, MG_SHAPE_STR - n, "}");
  return buf;
}

int mg_check_dim(const char *what, int dim, int ndim) {
  if (dim < 0 || dim >= ndim)
    return mg_fail("%s: dimension %d out of range (tensor has %d dimension%s)", what, dim + 1,
                   ndim, ndim == 1 ? "" : "s");
  return 0;
}
