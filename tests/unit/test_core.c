/* tests/unit/test_core.c: status codes, allocator hooks, buffer, arena,
 * hash, PRNG, canonical JSON and the clock. */
#include <math.h>

#include "core/core.h"
#include "core/json.h"
#include "test.h"

static void test_status(void) {
  ASSERT_EQ(PLAN_OK, 0);
  ASSERT_STR_EQ(plan_strerror(PLAN_OK), "success");
  ASSERT_STR_EQ(plan_strerror(PLAN_ENOMEM), "out of memory");
  ASSERT_STR_EQ(plan_status_name(PLAN_EBUDGET), "EBUDGET");
  ASSERT_STR_EQ(plan_strerror((plan_status)9999), "unknown status");
  ASSERT_STR_EQ(plan_status_name((plan_status)-1), "UNKNOWN");
  for (int i = 0; i < PLAN_STATUS_COUNT; i++) {
    ASSERT(plan_strerror((plan_status)i)[0] != '\0');
    ASSERT(plan_status_name((plan_status)i)[0] != '\0');
  }
  ASSERT_STR_EQ(plan_version(), "0.1.0");
  ASSERT_EQ(plan_version_number(), PLAN_VERSION_NUMBER);
}

static void test_error_set(void) {
  plan_error e;
  ASSERT_STATUS(plan__error_set(&e, PLAN_EPARSE, 3, 7, "f.json: %s", "bad"),
                PLAN_EPARSE);
  ASSERT_EQ(e.code, PLAN_EPARSE);
  ASSERT_EQ(e.line, 3);
  ASSERT_EQ(e.column, 7);
  ASSERT_STR_EQ(e.text, "f.json: bad");
  ASSERT_STATUS(plan__error_set(NULL, PLAN_EIO, 0, 0, "x"), PLAN_EIO);
  char big[400];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  plan__error_set(&e, PLAN_EIO, 0, 0, "%s", big);
  ASSERT_EQ(strlen(e.text), sizeof e.text - 1);
}

/* A counting allocator that fails allocation number fail_at (1-based). */
TEST_COUNTING_ALLOCATOR()

static void test_allocator_hooks(void) {
  plan_global_cleanup();
  plan_allocator a = {cnt_malloc, cnt_realloc, cnt_free, NULL};
  ASSERT_OK(plan_global_init(&a));
  n_alloc = 0;
  fail_at = 0;
  live = 0;
  char *s = plan__strdup("hello");
  ASSERT(n_alloc == 1 && live == 1);
  plan__free(s);
  ASSERT_EQ(live, 0);
  /* Every allocation of a buffer's growth can fail; the buffer reports
   * ENOMEM, stays usable and frees cleanly. */
  for (fail_at = 1; fail_at < 10; fail_at++) {
    n_alloc = 0;
    plan__buf b;
    plan__buf_init(&b, 0);
    plan_status st = PLAN_OK;
    for (int i = 0; i < 100 && st == PLAN_OK; i++)
      st = plan__buf_printf(&b, "%d,", i);
    ASSERT(st == PLAN_ENOMEM || st == PLAN_OK);
    plan__buf_free(&b);
    ASSERT_EQ(live, 0);
  }
  fail_at = 0;
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
}

static void test_buf(void) {
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__buf_puts(&b, "abc"));
  ASSERT_OK(plan__buf_printf(&b, "-%d-%s", 42, "x"));
  ASSERT_OK(plan__buf_putc(&b, '!'));
  ASSERT_STR_EQ(b.data, "abc-42-x!");
  ASSERT_EQ(b.len, 9);
  plan__buf_reset(&b);
  ASSERT_EQ(b.len, 0);
  ASSERT_STR_EQ(b.data, "");
  char *t = plan__buf_take(&b);
  ASSERT_STR_EQ(t, "");
  plan__free(t);
  ASSERT(b.data == NULL);
  /* The cap turns growth into EBUDGET, and the buffer stays failed. */
  plan__buf_init(&b, 8);
  ASSERT_OK(plan__buf_puts(&b, "12345678"));
  ASSERT_STATUS(plan__buf_puts(&b, "9"), PLAN_EBUDGET);
  ASSERT_STATUS(plan__buf_puts(&b, ""), PLAN_EBUDGET);
  ASSERT_STR_EQ(b.data, "12345678");
  plan__buf_free(&b);
  /* Large appends. */
  plan__buf_init(&b, 0);
  for (int i = 0; i < 10000; i++)
    ASSERT_OK(plan__buf_append(&b, "0123456789", 10));
  ASSERT_EQ(b.len, 100000);
  ASSERT_EQ(strlen(b.data), 100000);
  plan__buf_free(&b);
}

static void test_arena(void) {
  plan__arena a;
  plan__arena_init(&a, 128, 0);
  char *ptrs[100];
  for (int i = 0; i < 100; i++) {
    ptrs[i] = plan__arena_alloc(&a, (size_t)(i % 17) + 1);
    ASSERT(ptrs[i]);
    ASSERT(((uintptr_t)ptrs[i] % _Alignof(max_align_t)) == 0);
    memset(ptrs[i], i, (size_t)(i % 17) + 1);
  }
  for (int i = 0; i < 100; i++)
    ASSERT_EQ((unsigned char)ptrs[i][0], i);
  char *big = plan__arena_alloc(&a, 10000);
  ASSERT(big);
  memset(big, 1, 10000);
  char *s = plan__arena_strndup(&a, "hello world", 5);
  ASSERT_STR_EQ(s, "hello");
  plan__arena_reset(&a);
  ASSERT_EQ(a.used, 0);
  ASSERT(plan__arena_alloc(&a, 1));
  plan__arena_free(&a);
  /* The byte cap. */
  plan__arena_init(&a, 0, 64);
  ASSERT(plan__arena_alloc(&a, 32));
  ASSERT(plan__arena_alloc(&a, 32));
  ASSERT(plan__arena_alloc(&a, 1) == NULL);
  plan__arena_free(&a);
}

static void test_hash(void) {
  /* Stable values: cassette keys depend on them, so they must never
   * change. */
  ASSERT(plan__hash64("", 0, 0) == plan__hash64("", 0, 0));
  uint64_t h1 = plan__hash64("hello", 5, 0);
  ASSERT(h1 != plan__hash64("hello", 5, 1));
  ASSERT(h1 != plan__hash64("hellp", 5, 0));
  ASSERT(h1 != plan__hash64("hello", 4, 0));
  char hex[17];
  plan__hex64(0x0123456789abcdefULL, hex);
  ASSERT_STR_EQ(hex, "0123456789abcdef");
  /* Avalanche: flipping one input bit flips about half the output bits. */
  unsigned char buf[64] = {0};
  double total = 0;
  int trials = 0;
  for (size_t len = 1; len <= sizeof buf; len += 7) {
    for (size_t bit = 0; bit < len * 8; bit += 3) {
      uint64_t a = plan__hash64(buf, len, 0);
      buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
      uint64_t b = plan__hash64(buf, len, 0);
      buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
      total += __builtin_popcountll(a ^ b);
      trials++;
    }
  }
  double mean = total / trials;
  ASSERT(mean > 28 && mean < 36);
  /* No collisions among 100k short distinct keys. */
  enum { N = 100000 };
  uint64_t *hs = malloc(N * sizeof *hs);
  ASSERT(hs);
  for (int i = 0; i < N; i++) {
    char k[32];
    int n = snprintf(k, sizeof k, "key-%d", i);
    hs[i] = plan__hash64(k, (size_t)n, 0);
  }
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < i + 50 && j < N; j++)
      ASSERT(hs[i] != hs[j]);
  free(hs);
}

static void test_rng(void) {
  plan__rng a, b;
  plan__rng_seed(&a, 42);
  plan__rng_seed(&b, 42);
  for (int i = 0; i < 100; i++)
    ASSERT(plan__rng_next(&a) == plan__rng_next(&b));
  plan__rng_seed(&b, 43);
  ASSERT(plan__rng_next(&a) != plan__rng_next(&b));
  /* Seed 0 is a good seed too. */
  plan__rng_seed(&a, 0);
  ASSERT(plan__rng_next(&a) != 0);
  /* Uniformity of doubles and of bounded integers. */
  double sum = 0;
  int counts[10] = {0};
  for (int i = 0; i < 100000; i++) {
    double d = plan__rng_double(&a);
    ASSERT(d >= 0.0 && d < 1.0);
    sum += d;
    uint64_t k = plan__rng_below(&a, 10);
    ASSERT(k < 10);
    counts[k]++;
  }
  ASSERT_NEAR(sum / 100000, 0.5, 0.01);
  for (int i = 0; i < 10; i++)
    ASSERT(counts[i] > 9500 && counts[i] < 10500);
  ASSERT_EQ(plan__rng_below(&a, 1), 0);
  ASSERT_EQ(plan__rng_below(&a, 0), 0);
}

static char *canon_of(const char *text) {
  json_error_t je;
  json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
  ASSERT(v);
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__json_canonical(v, &b));
  json_decref(v);
  return plan__buf_take(&b);
}

static void check_canon(const char *in, const char *want) {
  char *got = canon_of(in);
  ASSERT_STR_EQ(got, want);
  plan__free(got);
}

static void test_json_canonical(void) {
  check_canon("{\"b\": 1, \"a\": [true, false, null]}",
              "{\"a\":[true,false,null],\"b\":1}");
  check_canon("0.7", "0.7");
  check_canon("1.0", "1");
  check_canon("-0.0", "0");
  check_canon("1e300", "1e+300");
  check_canon("0.1", "0.1");
  check_canon("123456789.125", "123456789.125");
  check_canon("1e-7", "1e-07");
  check_canon("\"a\\\"b\\\\c\\n\\u0001\u00e9\"",
              "\"a\\\"b\\\\c\\n\\u0001\u00e9\"");
  check_canon("{\"z\":{\"y\":1,\"x\":2},\"\":0}",
              "{\"\":0,\"z\":{\"x\":2,\"y\":1}}");
  /* Equal documents, different spelling: equal hashes. */
  json_t *a = json_loads("{\"t\":0.70, \"m\":[1,2]}", 0, NULL);
  json_t *b = json_loads("{ \"m\" : [1, 2], \"t\" : 7e-1 }", 0, NULL);
  ASSERT(plan__json_hash(a) == plan__json_hash(b));
  json_decref(a);
  json_decref(b);
  char num[40];
  plan__json_format_real(0.69999999999999996, num, sizeof num);
  ASSERT_STR_EQ(num, "0.7");
  /* Non-finite reals are not JSON. */
  json_t *inf = json_real(1.0);
  plan__buf bb;
  plan__buf_init(&bb, 0);
  ASSERT_OK(plan__json_canonical(inf, &bb));
  plan__buf_free(&bb);
  json_decref(inf);
}

static void test_json_getters(void) {
  plan_error e;
  const char *doc = "{\"s\":\"x\",\"n\":2.5,\"i\":3,\"b\":true}";
  json_t *v = plan__json_parse(doc, strlen(doc), "t.json", &e);
  ASSERT(v);
  ASSERT_STR_EQ(plan__json_str(v, "s"), "x");
  ASSERT(plan__json_str(v, "n") == NULL);
  double d;
  ASSERT(plan__json_num(v, "n", &d) && d == 2.5);
  int64_t i;
  ASSERT(plan__json_int(v, "i", &i) && i == 3);
  ASSERT(!plan__json_int(v, "n", &i));
  bool bv;
  ASSERT(plan__json_bool(v, "b", &bv) && bv);
  json_decref(v);
  doc = "{\n \"a\": ,}";
  v = plan__json_parse(doc, strlen(doc), "bad.json", &e);
  ASSERT(v == NULL);
  ASSERT_EQ(e.code, PLAN_EPARSE);
  ASSERT_EQ(e.line, 2);
  ASSERT_CONTAINS(e.text, "bad.json:2:");
}

static uint64_t fake_now;
static uint64_t fake_now_fn(void *ud) {
  (void)ud;
  return fake_now;
}
static void fake_sleep_fn(void *ud, uint64_t ns) {
  (void)ud;
  fake_now += ns;
}

static void test_clock(void) {
  plan_clock c = {fake_now_fn, fake_sleep_fn, NULL};
  fake_now = 1000;
  ASSERT_EQ(plan__now_ns(&c), 1000);
  plan__sleep_ns(&c, 500);
  ASSERT_EQ(plan__now_ns(&c), 1500);
  uint64_t t0 = plan__now_ns(NULL);
  plan__sleep_ns(plan_clock_system(), 2000000);
  uint64_t t1 = plan__now_ns(plan_clock_system());
  ASSERT(t1 - t0 >= 2000000);
}

static void test_parse_numbers(void) {
  int64_t i;
  double d;
  ASSERT(plan__parse_i64("42", &i) && i == 42);
  ASSERT(plan__parse_i64("-7", &i) && i == -7);
  ASSERT(!plan__parse_i64("42x", &i));
  ASSERT(!plan__parse_i64("", &i));
  ASSERT(!plan__parse_i64("99999999999999999999999", &i));
  ASSERT(plan__parse_double("0.5", &d) && d == 0.5);
  ASSERT(!plan__parse_double("0.5.", &d));
  ASSERT(!plan__parse_double(NULL, &d));
}

static void test_read_file(void) {
  plan_error e;
  char *data;
  size_t len;
  ASSERT_STATUS(plan__read_file("/nonexistent/x", 0, &data, &len, &e),
                PLAN_EIO);
  ASSERT_CONTAINS(e.text, "/nonexistent/x");
  ASSERT_OK(
      plan__read_file(PLAN_SOURCE_DIR "/CMakeLists.txt", 0, &data, &len, &e));
  ASSERT(len > 100 && strlen(data) == len);
  plan__free(data);
  ASSERT_STATUS(
      plan__read_file(PLAN_SOURCE_DIR "/CMakeLists.txt", 10, &data, &len, &e),
      PLAN_EBUDGET);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_status);
  RUN(test_error_set);
  RUN(test_allocator_hooks);
  RUN(test_buf);
  RUN(test_arena);
  RUN(test_hash);
  RUN(test_rng);
  RUN(test_json_canonical);
  RUN(test_json_getters);
  RUN(test_clock);
  RUN(test_parse_numbers);
  RUN(test_read_file);
  TEST_END();
}
