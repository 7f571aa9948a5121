/* core/alloc.c: the allocation functions of the library. They forward to
 * the allocator installed by plan_global_init, libc by default, so ASan and
 * valgrind see every allocation. Tests install a failing allocator here to
 * check that every path handles ENOMEM. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static void *libc_malloc(void *ud, size_t n) {
  (void)ud;
  return malloc(n ? n : 1);
}
static void *libc_realloc(void *ud, void *p, size_t n) {
  (void)ud;
  return realloc(p, n ? n : 1);
}
static void libc_free(void *ud, void *p) {
  (void)ud;
  free(p);
}

static const plan_allocator libc_allocator = {libc_malloc, libc_realloc,
                                              libc_free, NULL};
static plan_allocator current = {libc_malloc, libc_realloc, libc_free, NULL};

void plan__set_allocator(const plan_allocator *a);
void plan__set_allocator(const plan_allocator *a) {
  current =
      (a && a->malloc_fn && a->realloc_fn && a->free_fn) ? *a : libc_allocator;
}

const plan_allocator *plan__allocator(void) {
  return &current;
}

void *plan__malloc(size_t n) {
  return current.malloc_fn(current.ud, n);
}

void *plan__calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size)
    return NULL;
  void *p = plan__malloc(count * size);
  if (p)
    memset(p, 0, count * size);
  return p;
}

void *plan__realloc(void *p, size_t n) {
  return current.realloc_fn(current.ud, p, n);
}

void plan__free(void *p) {
  if (p)
    current.free_fn(current.ud, p);
}

char *plan__strndup(const char *s, size_t n) {
  if (!s)
    return NULL;
  char *d = plan__malloc(n + 1);
  if (!d)
    return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *plan__strdup(const char *s) {
  return s ? plan__strndup(s, strlen(s)) : NULL;
}

plan_status plan__grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return PLAN_OK;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2)
      return PLAN_ENOMEM;
    ncap *= 2;
  }
  if (elem && ncap > SIZE_MAX / elem)
    return PLAN_ENOMEM;
  void *p = plan__realloc(*arr, ncap * elem);
  if (!p)
    return PLAN_ENOMEM;
  *arr = p;
  *cap = ncap;
  return PLAN_OK;
}

void plan__fmt(char *buf, size_t size, const char *fmt, ...) {
  if (!buf || !size)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  if (n < 0)
    buf[0] = '\0';
}

plan_status plan__error_set(plan_error *err, plan_status code, int line,
                            int column, const char *fmt, ...) {
  if (err) {
    err->code = code;
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    if (n < 0)
      err->text[0] = '\0';
  }
  return code;
}

bool plan__parse_i64(const char *s, int64_t *out) {
  if (!s || !*s)
    return false;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || !end || *end != '\0' || end == s)
    return false;
  *out = (int64_t)v;
  return true;
}

bool plan__parse_double(const char *s, double *out) {
  if (!s || !*s)
    return false;
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || !end || *end != '\0' || end == s)
    return false;
  *out = v;
  return true;
}

plan_status plan__read_file(const char *path, size_t max, char **out,
                            size_t *len_out, plan_error *err) {
  *out = NULL;
  if (len_out)
    *len_out = 0;
  if (!max)
    max = (size_t)1 << 30;
  FILE *f = fopen(path, "rb");
  if (!f)
    return plan__error_set(err, PLAN_EIO, 0, 0, "%s: %s", path,
                           strerror(errno));
  plan__buf b;
  plan__buf_init(&b, max);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (plan__buf_append(&b, chunk, n) != PLAN_OK)
      break;
  }
  int rerr = ferror(f);
  fclose(f);
  if (b.status != PLAN_OK) {
    plan_status st = b.status;
    plan__buf_free(&b);
    if (st == PLAN_EBUDGET)
      return plan__error_set(err, st, 0, 0, "%s: larger than %zu bytes", path,
                             max);
    return plan__error_set(err, st, 0, 0, "%s: out of memory", path);
  }
  if (rerr) {
    plan__buf_free(&b);
    return plan__error_set(err, PLAN_EIO, 0, 0, "%s: read error", path);
  }
  size_t len = b.len;
  *out = plan__buf_take(&b);
  if (!*out)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "%s: out of memory", path);
  if (len_out)
    *len_out = len;
  return PLAN_OK;
}
