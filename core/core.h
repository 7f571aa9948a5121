/* core/core.h: the internal base layer every other folder builds on:
 * allocation through the user's allocator, invariant macros, error helpers,
 * a growable string buffer, an arena, a 64-bit hash, a seeded PRNG and the
 * clock. Nothing here knows about LLMs or search. Not installed.
 */
#ifndef PLAN_CORE_H
#define PLAN_CORE_H

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"

/* ---- invariants --------------------------------------------------------
 * PLAN_ALWAYS(x)/PLAN_NEVER(x) mark defensive branches that cannot happen:
 * they assert in debug builds and pass the value through in release. */
#ifdef NDEBUG
#define PLAN_ALWAYS(x) (x)
#define PLAN_NEVER(x) (x)
#else
#define PLAN_ALWAYS(x) ((x) ? 1 : (assert(0 && #x), 0))
#define PLAN_NEVER(x) ((x) ? (assert(0 && #x), 1) : 0)
#endif

#define PLAN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PLAN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PLAN_MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define PLAN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PLAN_PRINTF(f, a)
#endif

/* ---- allocation ---------------------------------------------------------
 * Every allocation goes through these; they call the allocator installed by
 * plan_global_init (libc by default). */
void *plan__malloc(size_t n);
void *plan__calloc(size_t count, size_t size); /* checks overflow */
void *plan__realloc(void *p, size_t n);
void plan__free(void *p);
char *plan__strdup(const char *s);            /* NULL in, NULL out */
char *plan__strndup(const char *s, size_t n); /* copies n bytes + NUL */
const plan_allocator *plan__allocator(void);
/* Grows *arr (of *cap elements of size elem) to hold at least need. */
plan_status plan__grow(void **arr, size_t *cap, size_t need, size_t elem);

/* ---- errors -------------------------------------------------------------- */
/* Fills err (may be NULL) and returns code. */
plan_status plan__error_set(plan_error *err, plan_status code, int line,
                            int column, const char *fmt, ...) PLAN_PRINTF(5, 6);
/* snprintf into a fixed buffer; never overflows, always NUL-terminates. */
void plan__fmt(char *buf, size_t size, const char *fmt, ...) PLAN_PRINTF(3, 4);

/* ---- string buffer --------------------------------------------------------
 * A growable, NUL-terminated byte buffer with a hard cap (0: 1 GiB). Once an
 * append fails (ENOMEM or the cap) the buffer stays failed and later appends
 * are no-ops returning the same status. */
typedef struct plan__buf {
  char *data; /* NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
  size_t max;
  plan_status status;
} plan__buf;

void plan__buf_init(plan__buf *b, size_t max);
void plan__buf_free(plan__buf *b);
void plan__buf_reset(plan__buf *b); /* len = 0, keeps memory, clears status */
plan_status plan__buf_append(plan__buf *b, const void *data, size_t n);
plan_status plan__buf_puts(plan__buf *b, const char *s);
plan_status plan__buf_putc(plan__buf *b, char c);
plan_status plan__buf_printf(plan__buf *b, const char *fmt, ...)
    PLAN_PRINTF(2, 3);
plan_status plan__buf_vprintf(plan__buf *b, const char *fmt, va_list ap);
/* Hands the data to the caller (free with plan__free) and resets b. Returns
 * an empty string rather than NULL when nothing was appended. */
char *plan__buf_take(plan__buf *b);

/* ---- arena ------------------------------------------------------------------
 * A chunked bump allocator: allocations live until plan__arena_reset or
 * plan__arena_free. With PLAN_ARENA_DEBUG each allocation is a separate
 * malloc and reset poisons and frees it, so ASan catches use after reset. */
typedef struct plan__arena_chunk plan__arena_chunk;
typedef struct plan__arena {
  plan__arena_chunk *head;
  size_t chunk_size; /* default 64 KiB */
  size_t used;       /* bytes handed out */
  size_t max;        /* hard cap on used bytes; 0: unlimited */
} plan__arena;

void plan__arena_init(plan__arena *a, size_t chunk_size, size_t max);
/* NULL on ENOMEM or past max. Alignment is that of max_align_t. */
void *plan__arena_alloc(plan__arena *a, size_t n);
char *plan__arena_strndup(plan__arena *a, const char *s, size_t n);
void plan__arena_reset(plan__arena *a);
void plan__arena_free(plan__arena *a);

/* ---- hashing ------------------------------------------------------------- */
/* A fast, well-mixed 64-bit hash of bytes (not cryptographic). Stable across
 * platforms and versions: it feeds cassette keys and state hashes. */
uint64_t plan__hash64(const void *data, size_t len, uint64_t seed);
static inline uint64_t plan__hash_mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
/* Writes 16 lowercase hex digits and a NUL into out[17]. */
void plan__hex64(uint64_t h, char out[17]);

/* ---- PRNG -------------------------------------------------------------------
 * xoshiro256** seeded through splitmix64. Never rand(). */
typedef struct plan__rng {
  uint64_t s[4];
} plan__rng;

void plan__rng_seed(plan__rng *r, uint64_t seed);
uint64_t plan__rng_next(plan__rng *r);
double plan__rng_double(plan__rng *r);              /* [0, 1) */
uint64_t plan__rng_below(plan__rng *r, uint64_t n); /* [0, n), unbiased */

/* ---- clock --------------------------------------------------------------- */
uint64_t plan__now_ns(const plan_clock *c); /* c NULL: system clock */
void plan__sleep_ns(const plan_clock *c, uint64_t ns);

/* ---- misc ---------------------------------------------------------------- */
/* Parses a whole string as a base-10 integer / double with range checks. */
bool plan__parse_i64(const char *s, int64_t *out);
bool plan__parse_double(const char *s, double *out);
/* Reads a whole file into a new NUL-terminated buffer (max bytes, 0: 1 GiB).
 * Errors go to err with the path. */
plan_status plan__read_file(const char *path, size_t max, char **out,
                            size_t *len_out, plan_error *err);

#endif /* PLAN_CORE_H */
