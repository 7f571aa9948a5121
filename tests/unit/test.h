/* tests/unit/test.h: the tiny assertion and runner macros of our C tests.
 * Each assertion prints file:line and both values, then exits non-zero.
 * A test binary's main is
 *   int main(int argc, char **argv) {
 *     TEST_BEGIN(argc, argv);
 *     RUN(test_one);
 *     TEST_END();
 *   }
 * and `test_binary NAME` runs only the test called NAME. */
#ifndef PLAN_TEST_H
#define PLAN_TEST_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define ASSERT(c)                                                              \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__,     \
              #c);                                                             \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define ASSERT_EQ(a, b)                                                        \
  do {                                                                         \
    long long _a = (long long)(a), _b = (long long)(b);                        \
    if (_a != _b) {                                                            \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__,      \
              __LINE__, #a, #b, _a, _b);                                       \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define ASSERT_NEAR(a, b, eps)                                                 \
  do {                                                                         \
    double _a = (double)(a), _b = (double)(b);                                 \
    if (!(_a - _b <= (eps) && _b - _a <= (eps))) {                             \
      fprintf(stderr, "%s:%d: %s ~= %s failed: %.17g != %.17g\n", __FILE__,    \
              __LINE__, #a, #b, _a, _b);                                       \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                    \
  do {                                                                         \
    const char *_a = (a), *_b = (b);                                           \
    if (!_a || !_b || strcmp(_a, _b) != 0) {                                   \
      fprintf(stderr, "%s:%d: %s == %s failed:\n  \"%s\"\n  \"%s\"\n",         \
              __FILE__, __LINE__, #a, #b, _a ? _a : "(null)",                  \
              _b ? _b : "(null)");                                             \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define ASSERT_CONTAINS(hay, needle)                                           \
  do {                                                                         \
    const char *_h = (hay), *_n = (needle);                                    \
    if (!_h || !strstr(_h, _n)) {                                              \
      fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__,     \
              __LINE__, _h ? _h : "(null)", _n);                               \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define ASSERT_STATUS(x, want)                                                 \
  do {                                                                         \
    plan_status _s = (x), _w = (want);                                         \
    if (_s != _w) {                                                            \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__,        \
              __LINE__, #x, plan_status_name(_s), plan_status_name(_w));       \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define ASSERT_OK(x) ASSERT_STATUS(x, PLAN_OK)

static const char *test__filter;
static int test__ran;

#define TEST_BEGIN(argc, argv)                                                 \
  do {                                                                         \
    json_object_seed(1);                                                       \
    test__filter = (argc) > 1 ? (argv)[1] : NULL;                              \
    if (plan_global_init(NULL) != PLAN_OK) {                                   \
      fprintf(stderr, "plan_global_init failed\n");                            \
      return 1;                                                                \
    }                                                                          \
  } while (0)

#define RUN(fn)                                                                \
  do {                                                                         \
    if (!test__filter || strcmp(test__filter, #fn) == 0) {                     \
      fprintf(stderr, "-- %s\n", #fn);                                         \
      fn();                                                                    \
      test__ran++;                                                             \
    }                                                                          \
  } while (0)

#define TEST_END()                                                             \
  do {                                                                         \
    plan_global_cleanup();                                                     \
    if (test__ran == 0) {                                                      \
      fprintf(stderr, "no test matched\n");                                    \
      return 1;                                                                \
    }                                                                          \
    fprintf(stderr, "%d tests passed\n", test__ran);                           \
    return 0;                                                                  \
  } while (0)

/* TEST_COUNTING_ALLOCATOR() defines, in the file that uses it, a counting
 * allocator for out-of-memory tests: cnt_malloc/cnt_realloc/cnt_free count
 * every allocation in n_alloc, fail allocation number fail_at (1-based; 0
 * never fails) and keep the number of live blocks in live. Install it with
 *   plan_allocator a = {cnt_malloc, cnt_realloc, cnt_free, NULL};
 *   plan_global_cleanup(); plan_global_init(&a);
 * or run a scenario under every failing allocation in turn with
 * oom_loop(scenario). */
#define TEST_COUNTING_ALLOCATOR()                                              \
  static size_t n_alloc, fail_at, live;                                        \
  static void *cnt_malloc(void *ud, size_t n) {                                \
    (void)ud;                                                                  \
    if (++n_alloc == fail_at)                                                  \
      return NULL;                                                             \
    live++;                                                                    \
    return malloc(n ? n : 1);                                                  \
  }                                                                            \
  static void *cnt_realloc(void *ud, void *p, size_t n) {                      \
    (void)ud;                                                                  \
    if (++n_alloc == fail_at)                                                  \
      return NULL;                                                             \
    if (!p)                                                                    \
      live++;                                                                  \
    return realloc(p, n ? n : 1);                                              \
  }                                                                            \
  static void cnt_free(void *ud, void *p) {                                    \
    (void)ud;                                                                  \
    if (p)                                                                     \
      live--;                                                                  \
    free(p);                                                                   \
  }                                                                            \
  /* Runs scenario with allocation 1, 2, ... failing until it runs through  \
   * without reaching the failing allocation. scenario returns whether it   \
   * saw PLAN_ENOMEM; either way nothing may leak. */                          \
  __attribute__((unused)) static void oom_loop(bool (*scenario)(void)) {      \
    plan_global_cleanup();                                                     \
    plan_allocator a = {cnt_malloc, cnt_realloc, cnt_free, NULL};              \
    ASSERT_OK(plan_global_init(&a));                                           \
    size_t runs = 0;                                                           \
    for (fail_at = 1;; fail_at++) {                                            \
      n_alloc = 0;                                                             \
      live = 0;                                                                \
      bool failed = scenario();                                                \
      ASSERT_EQ(live, 0);                                                      \
      runs++;                                                                  \
      if (n_alloc < fail_at) {                                                 \
        ASSERT(!failed);                                                       \
        break;                                                                 \
      }                                                                        \
    }                                                                          \
    fail_at = 0;                                                               \
    plan_global_cleanup();                                                     \
    ASSERT_OK(plan_global_init(NULL));                                         \
    fprintf(stderr, "   %zu allocation failures handled\n", runs - 1);         \
  }

/* PLAN_TEST_TIMEOUT_MULTIPLIER scales the timeouts tests use. */
static inline long test_timeout_ms(long ms) {
  const char *m = getenv("PLAN_TEST_TIMEOUT_MULTIPLIER");
  long k = m ? strtol(m, NULL, 10) : 1;
  return ms * (k > 0 ? k : 1);
}

#endif /* PLAN_TEST_H */
