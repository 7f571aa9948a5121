/* core/arena.c: a chunked bump allocator for search trees and their text.
 * Everything is freed at once. In debug mode (PLAN_ARENA_DEBUG) each
 * allocation is its own malloc, and reset poisons then frees it, so a
 * sanitizer reports any use after reset. */
#include <stddef.h>
#include <string.h>

#include "core/core.h"

struct plan__arena_chunk {
  plan__arena_chunk *next;
  size_t size; /* usable bytes after the header */
  size_t off;  /* bytes used */
  /* data follows, aligned to max_align_t */
};

#define ALIGN (_Alignof(max_align_t))
#define HDR ((sizeof(plan__arena_chunk) + ALIGN - 1) / ALIGN * ALIGN)

void plan__arena_init(plan__arena *a, size_t chunk_size, size_t max) {
  a->head = NULL;
  a->chunk_size = chunk_size ? chunk_size : 65536;
  a->used = 0;
  a->max = max;
}

void *plan__arena_alloc(plan__arena *a, size_t n) {
  size_t rounded = (n + ALIGN - 1) / ALIGN * ALIGN;
  if (rounded < n)
    return NULL;
  if (!rounded)
    rounded = ALIGN;
  if (a->max && (rounded > a->max || a->used > a->max - rounded))
    return NULL;
#ifdef PLAN_ARENA_DEBUG
  plan__arena_chunk *c = plan__malloc(HDR + rounded);
  if (!c)
    return NULL;
  c->next = a->head;
  c->size = rounded;
  c->off = rounded;
  a->head = c;
  a->used += rounded;
  return (char *)c + HDR;
#else
  plan__arena_chunk *c = a->head;
  if (!c || c->size - c->off < rounded) {
    size_t size = rounded > a->chunk_size ? rounded : a->chunk_size;
    if (size > SIZE_MAX - HDR)
      return NULL;
    plan__arena_chunk *nc = plan__malloc(HDR + size);
    if (!nc)
      return NULL;
    nc->size = size;
    nc->off = 0;
    /* A big one-off block goes behind the current chunk so the current
     * chunk's free space stays in use. */
    if (c && rounded > a->chunk_size) {
      nc->next = c->next;
      c->next = nc;
    } else {
      nc->next = c;
      a->head = nc;
    }
    c = nc;
  }
  void *p = (char *)c + HDR + c->off;
  c->off += rounded;
  a->used += rounded;
  return p;
#endif
}

char *plan__arena_strndup(plan__arena *a, const char *s, size_t n) {
  char *d = plan__arena_alloc(a, n + 1);
  if (!d)
    return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

void plan__arena_reset(plan__arena *a) {
  plan__arena_chunk *c = a->head;
  while (c) {
    plan__arena_chunk *next = c->next;
#ifdef PLAN_ARENA_DEBUG
    memset((char *)c + HDR, 0xdd, c->size);
#endif
    plan__free(c);
    c = next;
  }
  a->head = NULL;
  a->used = 0;
}

void plan__arena_free(plan__arena *a) {
  plan__arena_reset(a);
}
