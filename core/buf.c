/* core/buf.c: the growable string buffer (see core.h). Growth doubles;
 * the hard cap turns runaway output (an oversized LLM reply, say) into
 * PLAN_EBUDGET instead of unbounded memory. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"

void plan__buf_init(plan__buf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max ? max : ((size_t)1 << 30);
  b->status = PLAN_OK;
}

void plan__buf_free(plan__buf *b) {
  plan__free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->status = PLAN_OK;
}

void plan__buf_reset(plan__buf *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
  b->status = PLAN_OK;
}

static plan_status reserve(plan__buf *b, size_t extra) {
  if (b->status != PLAN_OK)
    return b->status;
  if (extra > b->max || b->len > b->max - extra) {
    b->status = PLAN_EBUDGET;
    return b->status;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return PLAN_OK;
  size_t ncap = b->cap ? b->cap : 64;
  while (ncap < need)
    ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
  char *p = plan__realloc(b->data, ncap);
  if (!p) {
    b->status = PLAN_ENOMEM;
    return b->status;
  }
  b->data = p;
  b->cap = ncap;
  return PLAN_OK;
}

plan_status plan__buf_append(plan__buf *b, const void *data, size_t n) {
  plan_status st = reserve(b, n);
  if (st != PLAN_OK)
    return st;
  if (n)
    memcpy(b->data + b->len, data, n);
  b->len += n;
  b->data[b->len] = '\0';
  return PLAN_OK;
}

plan_status plan__buf_puts(plan__buf *b, const char *s) {
  return plan__buf_append(b, s, strlen(s));
}

plan_status plan__buf_putc(plan__buf *b, char c) {
  return plan__buf_append(b, &c, 1);
}

plan_status plan__buf_vprintf(plan__buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    if (b->status == PLAN_OK)
      b->status = PLAN_EINVAL;
    return b->status;
  }
  plan_status st = reserve(b, (size_t)n);
  if (st != PLAN_OK)
    return st;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return PLAN_OK;
}

plan_status plan__buf_printf(plan__buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  plan_status st = plan__buf_vprintf(b, fmt, ap);
  va_end(ap);
  return st;
}

char *plan__buf_take(plan__buf *b) {
  char *d = b->data;
  if (!d)
    d = plan__strdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  b->status = PLAN_OK;
  return d;
}
