/* tests/unit/test_parse.c: the LLM-output parsers (llm/parse.c) on
 * real-world shaped replies: JSON in prose and fences, reasoning blocks,
 * cut replies, scores in every rubric and format, numbered and bulleted
 * lists; plus invalid UTF-8, NUL bytes, misuse, allocation failure at
 * every step, parallel first use, and speed.
 *
 * Every input is copied into a heap buffer of exactly its length with no
 * terminating NUL, so ASan catches any read past the end. */
#include <math.h>
#include <pthread.h>
#include <time.h>

#include "core/core.h"
#include "llm/parse.h"
#include "test.h"

/* ---- helpers ------------------------------------------------------------ */

/* A heap copy of s[0..len) with nothing after it. */
static char *exact(const char *s, size_t len) {
  char *p = malloc(len ? len : 1);
  ASSERT(p);
  if (len)
    memcpy(p, s, len);
  return p;
}

/* The byte offset of needle in s (which must contain it). */
static size_t off_of(const char *s, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(s + i, needle, n) == 0)
      return i;
  fprintf(stderr, "needle \"%s\" not in text\n", needle);
  exit(1);
}

static plan_status json_of(const char *text, size_t len, char **out,
                           plan_parse_report *r) {
  char *buf = exact(text, len);
  plan_status st = plan_parse_json(buf, len, false, out, r);
  free(buf);
  return st;
}

/* Asserts that text yields want by rule, and that the report covers the
 * bytes of `span` (first occurrence) in the text. */
static void expect_json_n(const char *text, size_t len, const char *want,
                          const char *rule, const char *span) {
  char *out = NULL;
  plan_parse_report r;
  ASSERT_OK(json_of(text, len, &out, &r));
  ASSERT_STR_EQ(out, want);
  ASSERT_STR_EQ(r.rule, rule);
  ASSERT_EQ(r.offset, off_of(text, len, span));
  ASSERT_EQ(r.length, strlen(span));
  plan_free(out);
}

static void expect_json(const char *text, const char *want, const char *rule,
                        const char *span) {
  expect_json_n(text, strlen(text), want, rule, span);
}

static void expect_no_json_n(const char *text, size_t len) {
  char *out = (char *)"sentinel";
  plan_parse_report r;
  ASSERT_STATUS(json_of(text, len, &out, &r), PLAN_ENOTFOUND);
  ASSERT(out == NULL);
  ASSERT_STR_EQ(r.rule, "none");
  ASSERT_EQ(r.offset, 0);
  ASSERT_EQ(r.length, 0);
}

static void expect_no_json(const char *text) {
  expect_no_json_n(text, strlen(text));
}

static plan_status score_of(const char *text, size_t len, plan_rubric rubric,
                            double lo, double hi, plan_score *s,
                            plan_parse_report *r) {
  char *buf = exact(text, len);
  plan_status st = plan_parse_score(buf, len, false, rubric, lo, hi, s, r);
  free(buf);
  return st;
}

/* Asserts a present score with raw value `raw` found by `rule` over the
 * bytes `span`. */
static void expect_score_n(const char *text, size_t len, plan_rubric rubric,
                           double lo, double hi, double raw, const char *rule,
                           const char *span) {
  plan_score s;
  plan_parse_report r;
  ASSERT_OK(score_of(text, len, rubric, lo, hi, &s, &r));
  ASSERT(s.present);
  ASSERT_NEAR(s.raw, raw, 1e-9);
  if (rubric == PLAN_RUBRIC_NUMBER)
    ASSERT_NEAR(s.value, (raw - lo) / (hi - lo), 1e-9);
  else
    ASSERT_NEAR(s.value, raw, 1e-12);
  ASSERT(s.value >= 0 && s.value <= 1);
  ASSERT_STR_EQ(r.rule, rule);
  ASSERT_EQ(r.offset, off_of(text, len, span));
  ASSERT_EQ(r.length, strlen(span));
}

static void expect_score(const char *text, plan_rubric rubric, double lo,
                         double hi, double raw, const char *rule,
                         const char *span) {
  expect_score_n(text, strlen(text), rubric, lo, hi, raw, rule, span);
}

static void expect_no_score(const char *text, plan_rubric rubric, double lo,
                            double hi) {
  plan_score s;
  plan_parse_report r;
  ASSERT_STATUS(score_of(text, strlen(text), rubric, lo, hi, &s, &r),
                PLAN_ENOTFOUND);
  ASSERT(!s.present);
  ASSERT(isnan(s.value)); /* missing is never 0 */
  ASSERT(isnan(s.raw));
  ASSERT_STR_EQ(r.rule, "none");
}

static plan_status list_of(const char *text, size_t len, char ***items,
                           size_t *n, plan_parse_report *r) {
  char *buf = exact(text, len);
  plan_status st = plan_parse_list(buf, len, false, items, n, r);
  free(buf);
  return st;
}

/* Asserts the list of `n_want` items (NULL-terminated want) by rule over
 * the bytes from `first` (first occurrence) through `last` (first
 * occurrence after it). */
static void expect_list_n(const char *text, size_t len, const char *const *want,
                          const char *rule, const char *first,
                          const char *last) {
  char **items = NULL;
  size_t n = 0;
  plan_parse_report r;
  ASSERT_OK(list_of(text, len, &items, &n, &r));
  size_t n_want = 0;
  while (want[n_want])
    n_want++;
  ASSERT_EQ(n, n_want);
  for (size_t i = 0; i < n; i++)
    ASSERT_STR_EQ(items[i], want[i]);
  ASSERT_STR_EQ(r.rule, rule);
  size_t a = off_of(text, len, first);
  size_t b = a + off_of(text + a, len - a, last) + strlen(last);
  ASSERT_EQ(r.offset, a);
  ASSERT_EQ(r.length, b - a);
  plan_parse_list_free(items, n);
}

static void expect_list(const char *text, const char *const *want,
                        const char *rule, const char *first, const char *last) {
  expect_list_n(text, strlen(text), want, rule, first, last);
}

static void expect_no_list(const char *text) {
  char **items = (char **)&items;
  size_t n = 7;
  plan_parse_report r;
  ASSERT_STATUS(list_of(text, strlen(text), &items, &n, &r), PLAN_ENOTFOUND);
  ASSERT(items == NULL);
  ASSERT_EQ(n, 0);
  ASSERT_STR_EQ(r.rule, "none");
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* ---- JSON ---------------------------------------------------------------- */

static void test_json_whole(void) {
  expect_json("{\"a\": 1, \"b\": [1, 2]}", "{\"a\":1,\"b\":[1,2]}", "whole",
              "{\"a\": 1, \"b\": [1, 2]}");
  expect_json("  \n[1, 2]\n ", "[1,2]", "whole", "[1, 2]");
  /* Whitespace inside strings and escapes are kept byte for byte. */
  expect_json("{ \"a b\" : \"c  d\\n\\u00e9\" }",
              "{\"a b\":\"c  d\\n\\u00e9\"}", "whole",
              "{ \"a b\" : \"c  d\\n\\u00e9\" }");
  /* Key order is the reply's. */
  expect_json("{\"z\":1,\"a\":2}", "{\"z\":1,\"a\":2}", "whole",
              "{\"z\":1,\"a\":2}");
  /* A UTF-8 BOM is skipped; the offset counts it. */
  expect_json("\xEF\xBB\xBF{\"a\":1}", "{\"a\":1}", "whole", "{\"a\":1}");
}

static void test_json_fence(void) {
  expect_json("Here is the plan:\n```json\n{\"steps\": [\"a\", \"b\"]}\n```\n"
              "Hope this helps!",
              "{\"steps\":[\"a\",\"b\"]}", "fence",
              "{\"steps\": [\"a\", \"b\"]}");
  /* The first fence does not parse: the second one wins. */
  expect_json("Draft:\n```json\n{steps: [a, b]}\n```\nFixed:\n```json\n"
              "{\"ok\": true}\n```\n",
              "{\"ok\":true}", "fence", "{\"ok\": true}");
  /* Labels in other cases, CRLF line ends, one-line fences. */
  expect_json("```JSON\r\n[1, 2]\r\n```", "[1,2]", "fence", "[1, 2]");
  expect_json("text ```jsonc {\"x\": 0} ``` text", "{\"x\":0}", "fence",
              "{\"x\": 0}");
  expect_json("Result:\n```\n{\"bare\": 1}\n```\nand more {\"later\": 2}",
              "{\"bare\":1}", "fence", "{\"bare\": 1}");
  /* A json fence beats an earlier bare fence. */
  expect_json("```\n[1]\n```\nthen\n```json\n{\"b\": 2}\n```", "{\"b\":2}",
              "fence", "{\"b\": 2}");
  /* A fence in another language is skipped; the scan still finds JSON. */
  expect_json("```python\nx = {\"a\": 1}\n```", "{\"a\":1}", "balanced",
              "{\"a\": 1}");
  /* A fence whose content is prose around JSON fails the fence rung. */
  expect_json("```\nThe answer is {\"a\": [1]} as shown\n```", "{\"a\":[1]}",
              "balanced", "{\"a\": [1]}");
}

static void test_json_balanced(void) {
  /* Braces, brackets and quotes inside strings. */
  const char *t = "Answer: {\"text\": \"use } and { and \\\"q\\\"\", "
                  "\"n\": [1, {\"x\": \"]\"}]} done.";
  expect_json(
      t, "{\"text\":\"use } and { and \\\"q\\\"\",\"n\":[1,{\"x\":\"]\"}]}",
      "balanced",
      "{\"text\": \"use } and { and \\\"q\\\"\", \"n\": [1, {\"x\": "
      "\"]\"}]}");
  expect_json("Result: [[1, [2, 3]], []] end.", "[[1,[2,3]],[]]", "balanced",
              "[[1, [2, 3]], []]");
  /* Trailing prose after the object. */
  expect_json("{\"a\": 1}\n\nLet me know if you need anything else.",
              "{\"a\":1}", "balanced", "{\"a\": 1}");
  /* Prose braces are skipped before the real object. */
  expect_json("Use {curly} braces and [citations] like [1a]. {\"k\": null}",
              "{\"k\":null}", "balanced", "{\"k\": null}");
  /* The first value that parses wins, even an array. */
  expect_json("See [1, 2] and {\"a\": 3}", "[1,2]", "balanced", "[1, 2]");
  /* Invalid UTF-8 around the JSON does not stop the scan. */
  expect_json("\xff\xfe junk \xc3( {\"a\": \"b\"} \xe2\x82", "{\"a\":\"b\"}",
              "balanced", "{\"a\": \"b\"}");
  /* Broken JSON before a good one. */
  expect_json("{\"a\": 1,} oops, corrected: {\"a\": 1}", "{\"a\":1}",
              "balanced", "{\"a\": 1}");
}

static void test_json_think(void) {
  expect_json("<think>I could answer {\"wrong\": 1}.</think>\n{\"right\": 2}",
              "{\"right\":2}", "whole", "{\"right\": 2}");
  expect_json("<think>```json\n{\"no\": 1}\n```</think>Sure:\n```json\n"
              "{\"yes\": 1}\n```",
              "{\"yes\":1}", "fence", "{\"yes\": 1}");
  /* Several blocks, <thinking> and upper case tags. */
  expect_json("<THINKING>a {\"x\":1}</THINKING> text <think>b [2]</think> "
              "[3]",
              "[3]", "balanced", "[3]");
  /* A </think> without opening tag: everything before it was reasoning. */
  expect_json("reasoning {\"x\": 0} ...</think>\n\n{\"y\": 1}", "{\"y\":1}",
              "whole", "{\"y\": 1}");
  /* An unclosed <think>: the answer never came. */
  expect_no_json("<think>still thinking about {\"a\": 1} and [1, 2]");
  expect_json("{\"before\": 1} <think>unfinished {\"a\": 2}", "{\"before\":1}",
              "whole", "{\"before\": 1}");
  /* JSON that spans a think block is parsed without it; the report
   * covers the original bytes, block included. */
  expect_json("{\"a\": <think>hmm</think>1}", "{\"a\":1}", "whole",
              "{\"a\": <think>hmm</think>1}");
}

static void test_json_cut(void) {
  /* A reply cut mid-way: inner objects are fragments, not answers. */
  expect_no_json("Here: {\"plan\": [{\"step\": 1}, {\"step\": 2}, {\"st");
  expect_no_json("```json\n{\"plan\": [{\"step\": 1}, {\"step\": 2");
  expect_no_json("{\"a\": [{\"b\": 1}], \"c\": \"caf\xc3");
  expect_no_json("[[[[[[[[[[");
  /* An earlier complete object is still found. */
  expect_json("First {\"a\": 1}. Then {\"plan\": [{\"step\": 1}, {\"st",
              "{\"a\":1}", "balanced", "{\"a\": 1}");
  /* truncated=true: never parse, whatever the text. */
  char *out = (char *)"sentinel";
  plan_parse_report r;
  ASSERT_STATUS(plan_parse_json("{\"a\": 1}", 8, true, &out, &r),
                PLAN_ETRUNCATED);
  ASSERT(out == NULL);
  ASSERT_STR_EQ(r.rule, "truncated");
}

static void test_json_none(void) {
  expect_no_json("");
  expect_no_json("   \n\t  \r\n");
  expect_no_json("No JSON here, just words.");
  expect_no_json("{curly} [square] {\"unterminated: 1}");
  expect_no_json("42");
  expect_no_json("\"just a string\"");
  expect_no_json("{'single': 'quotes'}");
  expect_no_json("{\"trailing\": 1,}");
  char *out = NULL;
  plan_parse_report r;
  ASSERT_STATUS(plan_parse_json(NULL, 0, false, &out, &r), PLAN_ENOTFOUND);
  ASSERT_STATUS(plan_parse_json(NULL, 3, false, &out, &r), PLAN_EMISUSE);
  ASSERT_STATUS(plan_parse_json("{}", 2, false, NULL, &r), PLAN_EMISUSE);
  /* The report is optional. */
  ASSERT_OK(plan_parse_json("{}", 2, false, &out, NULL));
  ASSERT_STR_EQ(out, "{}");
  plan_free(out);
}

static void test_json_nul(void) {
  /* NUL bytes before and after: found, with the right offset. */
  const char t[] = "ab\0{\"a\":1}\0cd";
  expect_json_n(t, sizeof t - 1, "{\"a\":1}", "balanced", "{\"a\":1}");
  /* A NUL inside the JSON makes it invalid. */
  const char u[] = "{\"a\":\"x\0y\"}";
  expect_no_json_n(u, sizeof u - 1);
  /* A NUL between values is no end of text: the later one is found. */
  const char v[] = "[1, \0 2] {\"b\":2}";
  expect_json_n(v, sizeof v - 1, "{\"b\":2}", "balanced", "{\"b\":2}");
}

static void test_json_value_flags(void) {
  json_t *j = NULL;
  plan_parse_report r;
  const char *t = "First {\"a\":1}, then [2], final {\"b\":2} done";
  ASSERT_OK(plan__parse_json_value(t, strlen(t), false, 0, &j, &r));
  ASSERT(json_is_object(j) && json_object_get(j, "a"));
  json_decref(j);
  ASSERT_OK(plan__parse_json_value(t, strlen(t), false, PLAN__PARSE_JSON_LAST,
                                   &j, &r));
  ASSERT(json_is_object(j) && json_object_get(j, "b"));
  ASSERT_STR_EQ(r.rule, "balanced");
  ASSERT_EQ(r.offset, off_of(t, strlen(t), "{\"b\""));
  json_decref(j);
  /* LAST takes top-level values only, not the inner one. */
  const char *u = "{\"a\": {\"inner\": 1}} trailing";
  ASSERT_OK(plan__parse_json_value(u, strlen(u), false, PLAN__PARSE_JSON_LAST,
                                   &j, &r));
  ASSERT(json_object_get(j, "a"));
  ASSERT_EQ(r.offset, 0);
  json_decref(j);
  /* OBJECT skips arrays, also inside them. */
  const char *v = "[{\"d\": 4}]";
  ASSERT_OK(plan__parse_json_value(v, strlen(v), false, PLAN__PARSE_JSON_OBJECT,
                                   &j, &r));
  ASSERT(json_object_get(j, "d"));
  ASSERT_STR_EQ(r.rule, "balanced");
  ASSERT_EQ(r.offset, 1);
  json_decref(j);
  const char *w = "[1, 2]";
  ASSERT_STATUS(plan__parse_json_value(w, strlen(w), false,
                                       PLAN__PARSE_JSON_OBJECT, &j, &r),
                PLAN_ENOTFOUND);
  ASSERT(j == NULL);
  /* LAST over fences. */
  const char *x = "```json\n{\"v\":1}\n```\n```json\n{\"v\":2}\n```";
  ASSERT_OK(plan__parse_json_value(x, strlen(x), false, PLAN__PARSE_JSON_LAST,
                                   &j, &r));
  ASSERT_EQ(json_integer_value(json_object_get(j, "v")), 2);
  ASSERT_STR_EQ(r.rule, "fence");
  json_decref(j);
  ASSERT_STATUS(plan__parse_json_value(x, strlen(x), true, 0, &j, &r),
                PLAN_ETRUNCATED);
  ASSERT_STATUS(plan__parse_json_value(x, 3, false, 0, NULL, &r), PLAN_EMISUSE);
}

/* ---- scores: numbers --------------------------------------------------------
 */

static void test_score_number(void) {
  const plan_rubric N = PLAN_RUBRIC_NUMBER;
  expect_score("Score: 7", N, 1, 10, 7, "score_label", "Score: 7");
  expect_score("The plan is sound.\nvalue = 0.8\n", N, 0, 1, 0.8, "score_label",
               "value = 0.8");
  expect_score("Rating: 8/10 because it works.", N, 1, 10, 8, "score_label",
               "Rating: 8/10");
  expect_score("rating = 8 out of 10", N, 1, 10, 8, "score_label",
               "rating = 8 out of 10");
  expect_score("**Score:** 9", N, 1, 10, 9, "score_label", "Score:** 9");
  expect_score("**Score**: **6**", N, 1, 10, 6, "score_label", "Score**: **6");
  expect_score("Final Score (1-10): 6", N, 1, 10, 6, "score_label",
               "Score (1-10): 6");
  expect_score("Score: 7.5", N, 1, 10, 7.5, "score_label", "Score: 7.5");
  expect_score("Confidence: 80%", N, 0, 1, 0.8, "score_label",
               "Confidence: 80%");
  /* The last label wins: models conclude last. */
  expect_score("Clarity score: 8\nFeasibility score: 4\nOverall score: 6", N, 1,
               10, 6, "score_label", "score: 6");
  /* Fractions, rescaled when the denominator is not the scale's top. */
  expect_score("I'd give this 7/10.", N, 1, 10, 7, "fraction", "7/10");
  expect_score("Quality: good (4/5)", N, 1, 10, 1 + 0.8 * 9, "fraction", "4/5");
  expect_score("4 / 5", N, 0, 1, 0.8, "fraction", "4 / 5");
  expect_score("That is 7 out of 10 for me", N, 1, 10, 7, "out_of",
               "7 out of 10");
  /* A line that holds only the number. */
  expect_score("The steps check out, but step 3 is slow.\n\n8\n", N, 1, 10, 8,
               "lone_number", "8");
  expect_score("Verdict:\n**9**\n", N, 1, 10, 9, "lone_number", "**9**");
  /* Last resort: the last number on the scale. */
  expect_score("It uses 3 steps and deserves a 6 overall", N, 1, 10, 6,
               "last_number", "6");
  expect_score("It took 250 tries; I'd say 4", N, 1, 10, 4, "last_number", "4");
  /* Dates are not fractions. */
  expect_score("Released 2024/10/05, quality 7", N, 1, 10, 7, "last_number",
               "7");
  /* Reasoning blocks are ignored. */
  expect_score("<think>Score: 2? no.</think>Score: 9", N, 1, 10, 9,
               "score_label", "Score: 9");
  /* NUL bytes and invalid UTF-8 around the score. */
  const char t[] = "junk\0\xff Score: 7 \xc3";
  expect_score_n(t, sizeof t - 1, N, 1, 10, 7, "score_label", "Score: 7");
}

static void test_score_number_missing(void) {
  const plan_rubric N = PLAN_RUBRIC_NUMBER;
  /* Off the scale: missing, never clamped, never 0. */
  expect_no_score("Score: 15", N, 1, 10);
  expect_no_score("Score: 0", N, 1, 10);
  expect_no_score("Score: -1", N, 0, 10);
  expect_no_score("12/10", N, 1, 10);
  expect_no_score("11 out of 10!", N, 1, 10);
  /* A broken label is not rescued by other numbers in the text. */
  expect_no_score("Score: 15 (on a scale of 1 to 10)", N, 1, 10);
  /* The scale itself is not a score. */
  expect_no_score("On a scale of 1-10, this is decent.", N, 1, 10);
  expect_no_score("On a scale from 1 to 10 it is fine", N, 1, 10);
  expect_no_score("Score: high", N, 1, 10);
  expect_no_score("", N, 1, 10);
  expect_no_score("  \n ", N, 1, 10);
  expect_no_score("no numbers at all", N, 1, 10);
  expect_no_score("version 3.14.15 and 10th place", N, 1, 10);
  /* Bad scale, truncated text, misuse. */
  plan_score s;
  plan_parse_report r;
  ASSERT_STATUS(plan_parse_score("Score: 7", 8, false, N, 10, 1, &s, &r),
                PLAN_EINVAL);
  ASSERT(!s.present);
  ASSERT_STATUS(plan_parse_score("Score: 7", 8, false, N, 1, NAN, &s, &r),
                PLAN_EINVAL);
  ASSERT_STATUS(plan_parse_score("Score: 7", 8, true, N, 1, 10, &s, &r),
                PLAN_ETRUNCATED);
  ASSERT(!s.present && isnan(s.value));
  ASSERT_STR_EQ(r.rule, "truncated");
  ASSERT_STATUS(plan_parse_score("x", 1, false, (plan_rubric)9, 0, 1, &s, &r),
                PLAN_EINVAL);
  ASSERT_STATUS(plan_parse_score("x", 1, false, N, 0, 1, NULL, &r),
                PLAN_EMISUSE);
  ASSERT_STATUS(plan_parse_score(NULL, 1, false, N, 0, 1, &s, &r),
                PLAN_EMISUSE);
  ASSERT_STATUS(plan_parse_score(NULL, 0, false, N, 0, 1, &s, NULL),
                PLAN_ENOTFOUND);
}

/* ---- scores: sure / likely / impossible -----------------------------------
 */

static void test_score_sure(void) {
  const plan_rubric S = PLAN_RUBRIC_SURE;
  expect_score("10 14\n10 + 14 = 24\nsure", S, 0, 0, 1, "sure_word", "sure");
  const char *t = "Let me check whether 5 5 5 can reach 24. I'm not sure at "
                  "first: 5 * 5 = 25, 25 - 5 = 20, 5 + 5 + 5 = 15.\n"
                  "No combination works.\nimpossible";
  expect_score(t, S, 0, 0, 0, "sure_word", "impossible");
  /* The last verdict wins over earlier ones. */
  expect_score("At first this looks impossible, but 4 * 6 = 24, so it is "
               "likely.",
               S, 0, 0, 0.5, "sure_word", "likely");
  /* Negated verdicts do not count. */
  expect_score("It is not impossible; likely", S, 0, 0, 0.5, "sure_word",
               "likely");
  expect_score("This is impossible, and I'm not sure why one would try.", S, 0,
               0, 0, "sure_word", "impossible");
  expect_score("Impossible? It isn't likely. I am not at all sure. Likely "
               "not... Final: SURE",
               S, 0, 0, 1, "sure_word", "SURE");
  expect_score("Let me make sure: 1 + 2 = 3. **likely**", S, 0, 0, 0.5,
               "sure_word", "likely");
  /* "Sure!" opening the reply is politeness, not a verdict. */
  expect_score("Sure! Let me evaluate: 3 * 8 = 24. likely", S, 0, 0, 0.5,
               "sure_word", "likely");
  expect_score("sure", S, 0, 0, 1, "sure_word", "sure");
  expect_no_score("Sure! I will think about it.", S, 0, 0);
  expect_no_score("I can't be sure.", S, 0, 0);
  expect_no_score("Make sure to check.", S, 0, 0);
  expect_no_score("That seems unlikely; an impossibility.", S, 0, 0);
  expect_no_score("It isn\xe2\x80\x99t likely", S, 0, 0);
  expect_no_score("", S, 0, 0);
  expect_score("<think>sure? sure.</think>\nimpossible", S, 0, 0, 0,
               "sure_word", "impossible");
}

/* ---- scores: status --------------------------------------------------------
 */

static void test_score_status(void) {
  const plan_rubric T = PLAN_RUBRIC_STATUS;
  expect_score("Thoughts: the item is in the cart.\nStatus: success", T, 0, 0,
               1, "status_label", "Status: success");
  expect_score("Status: on track", T, 0, 0, 0.5, "status_label",
               "Status: on track");
  expect_score("STATUS: \"failure\"", T, 0, 0, 0, "status_label",
               "STATUS: \"failure");
  expect_score("**Status:** failed", T, 0, 0, 0, "status_label",
               "Status:** failed");
  expect_score("Status: failure.\nAfter the fix:\nStatus: success", T, 0, 0, 1,
               "status_label", "Status: success");
  /* A label beats the bare words around it. */
  expect_score("Status: on track. It will be a success soon.", T, 0, 0, 0.5,
               "status_label", "Status: on track");
  /* Without a label: the weaker rule, last word, negations skipped. */
  expect_score("The agent is on the right track.", T, 0, 0, 0.5, "status_word",
               "on the right track");
  expect_score("It did not fail; success", T, 0, 0, 1, "status_word",
               "success");
  expect_score("This will fail.", T, 0, 0, 0, "status_word", "fail");
  expect_no_score("No status here.", T, 0, 0);
  expect_no_score("It was not a success.", T, 0, 0);
  expect_no_score("unsuccessful", T, 0, 0);
}

/* ---- lists
 * ------------------------------------------------------------------- */

static void test_list_numbered(void) {
  const char *const w1[] = {"Pick up A", "Stack A on B", "Done", NULL};
  expect_list("1. Pick up A\n2. Stack A on B\n3. Done", w1, "numbered",
              "1. Pick", "Done");
  const char *const w2[] = {"go north", "go east", NULL};
  expect_list("Here is the plan:\n\n1) go north\n2) go east\n\nThat's it.", w2,
              "numbered", "1) go", "go east");
  const char *const w3[] = {"a", "b", NULL};
  expect_list("Step 1: a\nStep 2: b", w3, "numbered", "Step 1", "b");
  expect_list("(1) a\n(2) b", w3, "numbered", "(1)", "b");
  expect_list("1. a\r\n2. b\r\n", w3, "numbered", "1.", "b");
  const char *const w4[] = {"Boil water", "Add pasta", NULL};
  expect_list("**Step 1:** Boil water\n**Step 2**: Add pasta", w4, "numbered",
              "**Step 1", "pasta");
  expect_list("### Step 1: Boil water\n### Step 2 - Add pasta", w4, "numbered",
              "### Step 1", "pasta");
  /* Item text is kept as written. */
  const char *const w5[] = {"**Go** north", "take `key`", NULL};
  expect_list("1. **Go** north\n2.   take `key`  ", w5, "numbered", "1.",
              "`key`");
  /* Loose list, markdown's all-ones numbering, big numbers. */
  const char *const w6[] = {"a", "b", "c", NULL};
  expect_list("1. a\n\n2. b\n\n3. c\n", w6, "numbered", "1.", "c");
  expect_list("1. a\n1. b\n1. c", w6, "numbered", "1.", "c");
  expect_list(" 9. a\n10. b\n11. c", w6, "numbered", "9.", "c");
}

static void test_list_bulleted(void) {
  const char *const w1[] = {"a", "b", "c", "d", "e", NULL};
  expect_list("Options:\n- a\n- b\n* c\n+ d\n\xe2\x80\xa2 e\n", w1, "bulleted",
              "- a", "e");
  const char *const w2[] = {"[ ] buy milk", "[x] pay rent", NULL};
  expect_list("  - [ ] buy milk\n  - [x] pay rent", w2, "bulleted", "- [ ]",
              "rent");
}

static void test_list_structure(void) {
  /* Continuation lines join the item with a space. */
  const char *const w1[] = {"Book the flight from NYC to SF", "Book the hotel",
                            NULL};
  expect_list("1. Book the flight\n   from NYC to SF\n2. Book the hotel", w1,
              "numbered", "1.", "hotel");
  expect_list("1. Book the flight\n\tfrom NYC to SF\n\n2. Book the hotel", w1,
              "numbered", "1.", "hotel");
  /* Nested bullets continue their numbered item. */
  const char *const w2[] = {"Prepare - wash - cut", "Cook", NULL};
  expect_list("1. Prepare\n   - wash\n   - cut\n2. Cook", w2, "numbered", "1.",
              "Cook");
  /* Numbered beats bulleted, even when the bullets come first. */
  const char *const w3[] = {"x", "y", NULL};
  expect_list("- note a\n- note b\n\nPlan:\n1. x\n2. y", w3, "numbered", "1.",
              "y");
  /* The first list wins; prose or a restart ends it. */
  const char *const w4[] = {"a", "b", NULL};
  expect_list("1. a\n2. b\n\nText between.\n\n1. c\n2. d", w4, "numbered", "1.",
              "b");
  expect_list("1. a\n2. b\n\n1. c\n2. d", w4, "numbered", "1.", "b");
  expect_list("1. a\n2. b\nThis is prose.\n3. c", w4, "numbered", "1.", "b");
  /* Empty items are dropped; a list of only empty items is no list. */
  expect_list("1.\n2. a\n3. b", w4, "numbered", "1.", "b");
  const char *const w5[] = {"real", NULL};
  expect_list("- \n-   \n\nthen\n\n- real", w5, "bulleted", "- real", "real");
  /* Reasoning blocks are ignored; offsets count them. */
  const char *const w6[] = {"right", NULL};
  expect_list("<think>1. wrong\n2. wrong</think>\n- right", w6, "bulleted",
              "- right", "right");
}

static void test_list_none(void) {
  expect_no_list("");
  expect_no_list(" \n\n \t");
  expect_no_list("Just a sentence.");
  expect_no_list("1.5 kg of flour");
  expect_no_list("2024. A good year.");
  expect_no_list("---\n***\n");
  expect_no_list("**bold** text\n-5 degrees");
  expect_no_list("1.\n2.\n");
  expect_no_list("<think>1. a\n2. b");
  char **items = (char **)&items;
  size_t n = 3;
  plan_parse_report r;
  ASSERT_STATUS(plan_parse_list("1. a\n2. b", 9, true, &items, &n, &r),
                PLAN_ETRUNCATED);
  ASSERT(items == NULL && n == 0);
  ASSERT_STR_EQ(r.rule, "truncated");
  ASSERT_STATUS(plan_parse_list("1. a", 4, false, NULL, &n, &r), PLAN_EMISUSE);
  ASSERT_STATUS(plan_parse_list("1. a", 4, false, &items, NULL, &r),
                PLAN_EMISUSE);
  ASSERT_STATUS(plan_parse_list(NULL, 4, false, &items, &n, &r), PLAN_EMISUSE);
  plan_parse_list_free(NULL, 0);
}

static void test_list_bytes(void) {
  /* NUL bytes are dropped from items (they are C strings). */
  const char t[] = "- a\0b\n- c";
  const char *const w1[] = {"ab", "c", NULL};
  expect_list_n(t, sizeof t - 1, w1, "bulleted", "- a", "c");
  /* Invalid UTF-8 is kept as bytes. */
  const char *const w2[] = {"caf\xc3", "ok", NULL};
  expect_list("- caf\xc3\n- ok", w2, "bulleted", "- caf", "ok");
}

static void test_utf8(void) {
  static const struct {
    const char *s;
    size_t n;
    bool valid;
  } cases[] = {
      {"", 0, true},
      {"plain ascii", 11, true},
      {"caf\xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80", 14, true},
      {"\xf4\x8f\xbf\xbf", 4, true},  /* U+10FFFF */
      {"\xee\x80\x80", 3, true},      /* private use */
      {"a\0b", 3, true},              /* NUL is a character */
      {"\xc0\x80", 2, false},         /* overlong NUL */
      {"\xc1\xbf", 2, false},         /* overlong */
      {"\xe0\x80\x80", 3, false},     /* overlong */
      {"\xed\xa0\x80", 3, false},     /* surrogate */
      {"\xf0\x80\x80\x80", 4, false}, /* overlong */
      {"\xf4\x90\x80\x80", 4, false}, /* above U+10FFFF */
      {"\xf5\x80\x80\x80", 4, false},
      {"\xff", 1, false},
      {"\x80", 1, false},         /* lone continuation */
      {"\xc3", 1, false},         /* cut */
      {"\xe2\x82", 2, false},     /* cut */
      {"\xe2\x28\xa1", 3, false}, /* bad continuation */
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cases); i++) {
    char *b = exact(cases[i].s, cases[i].n);
    ASSERT_EQ(plan__parse_utf8_valid(b, cases[i].n), cases[i].valid);
    free(b);
  }
  /* Invalid bytes next to cut-out reasoning: the regex copy and the byte
   * copy of the view stay aligned. */
  const char *const w[] = {"caf\xc3", "\xff ok", NULL};
  expect_list("<think>\xff 1. x</think>\xfe\n- caf\xc3\n- \xff ok", w,
              "bulleted", "- caf", "ok");
  expect_score("\xe2<think>\xc3 Score: 1</think>\xc3 Score: 8 \xff",
               PLAN_RUBRIC_NUMBER, 1, 10, 8, "score_label", "Score: 8");
  expect_json("\xc3<think>\xff</think>\xc3{\"a\": \"\xc3\xa9\"}",
              "{\"a\":\"\xc3\xa9\"}", "balanced", "{\"a\": \"\xc3\xa9\"}");
  /* Invalid UTF-8 inside JSON strings is rejected by the JSON parser. */
  expect_no_json("{\"a\": \"\xff\"}");
}

/* Many matches in a long reply: each rule scans once, so the cost is
 * linear (PCRE2_MATCH_INVALID_UTF would re-validate the rest of the text
 * at every match: minutes here). Also a bracket storm for the JSON scan. */
static void test_large(void) {
  const size_t n = 256 * 1024;
  char *t = malloc(n);
  ASSERT(t);
  for (size_t i = 0; i + 1 < n; i += 2) {
    t[i] = '7';
    t[i + 1] = i % 64 == 62 ? '\n' : ' ';
  }
  t[n - 1] = '\xff';
  double t0 = now_us();
  plan_score s;
  plan_parse_report r;
  ASSERT_OK(plan_parse_score(t, n, false, PLAN_RUBRIC_NUMBER, 1, 10, &s, &r));
  ASSERT_STR_EQ(r.rule, "last_number");
  ASSERT_NEAR(s.raw, 7, 0);
  ASSERT_STATUS(plan_parse_score(t, n, false, PLAN_RUBRIC_SURE, 0, 0, &s, &r),
                PLAN_ENOTFOUND);
  char **items = NULL;
  size_t k = 0;
  ASSERT_STATUS(plan_parse_list(t, n, false, &items, &k, &r), PLAN_ENOTFOUND);
  for (size_t i = 0; i < n; i++)
    t[i] = i < n / 2 ? '[' : (i % 2 ? ',' : '1');
  char *out = NULL;
  ASSERT_STATUS(plan_parse_json(t, n, false, &out, &r), PLAN_ENOTFOUND);
  double t1 = now_us();
  fprintf(stderr, "   256 KiB adversarial replies: %.0f ms\n",
          (t1 - t0) / 1000);
  ASSERT(t1 - t0 < 20e6);
  free(t);
}

/* ---- allocation failure
 * ------------------------------------------------------- */

static long oom_left = -1; /* allocations that still succeed; -1: all */

static void *oom_malloc(void *ud, size_t n) {
  (void)ud;
  if (oom_left == 0)
    return NULL;
  if (oom_left > 0)
    oom_left--;
  return malloc(n ? n : 1);
}

static void *oom_realloc(void *ud, void *p, size_t n) {
  (void)ud;
  if (oom_left == 0)
    return NULL;
  if (oom_left > 0)
    oom_left--;
  return realloc(p, n ? n : 1);
}

static void oom_free(void *ud, void *p) {
  (void)ud;
  free(p);
}

static const char oom_text[] =
    "<think>hmm</think>Plan:\n1. a\n   more\n2. b\n```json\n{\"x\": [1, 2]}\n"
    "```\nScore: 7/10 and I'm sure";

static plan_status oom_json(void) {
  char *out = NULL;
  plan_status st =
      plan_parse_json(oom_text, sizeof oom_text - 1, false, &out, NULL);
  if (st == PLAN_OK)
    ASSERT_STR_EQ(out, "{\"x\":[1,2]}");
  plan_free(out);
  return st;
}

static plan_status oom_balanced(void) {
  const char *t = "<think>a</think>x {bad} {\"k\": {\"v\": [true]}} y";
  json_t *j = NULL;
  plan_status st = plan__parse_json_value(t, strlen(t), false, 0, &j, NULL);
  json_decref(j);
  return st;
}

static plan_status oom_score(void) {
  plan_score s;
  plan_status st = plan_parse_score(oom_text, sizeof oom_text - 1, false,
                                    PLAN_RUBRIC_NUMBER, 1, 10, &s, NULL);
  if (st == PLAN_OK)
    ASSERT_NEAR(s.raw, 7, 1e-12);
  return st;
}

static plan_status oom_list(void) {
  char **items = NULL;
  size_t n = 0;
  plan_status st =
      plan_parse_list(oom_text, sizeof oom_text - 1, false, &items, &n, NULL);
  if (st == PLAN_OK)
    ASSERT_EQ(n, 2);
  plan_parse_list_free(items, n);
  return st;
}

static void test_oom(void) {
  plan_allocator a = {oom_malloc, oom_realloc, oom_free, NULL};
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(&a));
  plan_status (*const fns[])(void) = {oom_json, oom_balanced, oom_score,
                                      oom_list};
  for (size_t f = 0; f < PLAN_ARRAY_LEN(fns); f++) {
    long n = 0;
    for (;; n++) {
      /* Drop the patterns so that compiling them fails too. */
      plan__parse_cleanup();
      oom_left = n;
      plan_status st = fns[f]();
      oom_left = -1;
      if (st == PLAN_OK)
        break;
      ASSERT_STATUS(st, PLAN_ENOMEM);
    }
    ASSERT(n > 10); /* compiling alone takes more allocations */
  }
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
}

/* ---- threads and speed
 * ---------------------------------------------------------- */

static void *thread_main(void *arg) {
  (void)arg;
  for (int i = 0; i < 200; i++) {
    char *out = NULL;
    if (plan_parse_json(oom_text, sizeof oom_text - 1, false, &out, NULL) !=
            PLAN_OK ||
        strcmp(out, "{\"x\":[1,2]}") != 0)
      return (void *)1;
    plan_free(out);
    plan_score s;
    if (plan_parse_score(oom_text, sizeof oom_text - 1, false, PLAN_RUBRIC_SURE,
                         0, 0, &s, NULL) != PLAN_OK ||
        s.raw != 1.0)
      return (void *)1;
  }
  return NULL;
}

/* First use from several threads at once: one compiles, all parse. */
static void test_threads(void) {
  plan__parse_cleanup();
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    ASSERT_EQ(pthread_create(&t[i], NULL, thread_main, NULL), 0);
  for (int i = 0; i < 4; i++) {
    void *ret = (void *)1;
    ASSERT_EQ(pthread_join(t[i], &ret), 0);
    ASSERT(ret == NULL);
  }
}

/* A realistic 4 KB reply: reasoning, prose, a list, a fence, a score. */
static void test_speed(void) {
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_puts(&b, "<think>Let me consider the options carefully.</think>\n");
  while (b.len < 3000)
    plan__buf_puts(&b, "The traveller wants to visit {city} on day 2; the "
                       "budget (about $1200) rules out [luxury] hotels.\n");
  plan__buf_puts(&b, "Plan:\n1. Fly to Boston\n2. Check in at the hotel\n"
                     "   near the station\n3. Visit the museum\n\n```json\n"
                     "{\"days\": [{\"city\": \"Boston\", \"cost\": 420.5}, "
                     "{\"city\": \"Salem\", \"cost\": 180}]}\n```\n"
                     "Score: 8/10\n");
  ASSERT_OK(b.status);
  size_t len = b.len;
  char *text = exact(b.data, len);
  plan__buf_free(&b);
  const int iters = 300;
  double t0 = now_us();
  for (int i = 0; i < iters; i++) {
    char *out = NULL;
    ASSERT_OK(plan_parse_json(text, len, false, &out, NULL));
    plan_free(out);
  }
  double t1 = now_us();
  for (int i = 0; i < iters; i++) {
    plan_score s;
    ASSERT_OK(plan_parse_score(text, len, false, PLAN_RUBRIC_NUMBER, 1, 10, &s,
                               NULL));
  }
  double t2 = now_us();
  for (int i = 0; i < iters; i++) {
    char **items = NULL;
    size_t n = 0;
    ASSERT_OK(plan_parse_list(text, len, false, &items, &n, NULL));
    ASSERT_EQ(n, 3);
    plan_parse_list_free(items, n);
  }
  double t3 = now_us();
  double json_us = (t1 - t0) / iters, score_us = (t2 - t1) / iters,
         list_us = (t3 - t2) / iters;
  fprintf(stderr,
          "   %zu-byte reply: json %.1f us, score %.1f us, list %.1f us\n", len,
          json_us, score_us, list_us);
  /* Generous bounds so that sanitizer and valgrind runs pass too. */
  ASSERT(json_us < 5000 && score_us < 5000 && list_us < 5000);
  free(text);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_json_whole);
  RUN(test_json_fence);
  RUN(test_json_balanced);
  RUN(test_json_think);
  RUN(test_json_cut);
  RUN(test_json_none);
  RUN(test_json_nul);
  RUN(test_json_value_flags);
  RUN(test_score_number);
  RUN(test_score_number_missing);
  RUN(test_score_sure);
  RUN(test_score_status);
  RUN(test_list_numbered);
  RUN(test_list_bulleted);
  RUN(test_list_structure);
  RUN(test_list_none);
  RUN(test_list_bytes);
  RUN(test_utf8);
  RUN(test_large);
  RUN(test_oom);
  RUN(test_threads);
  RUN(test_speed);
  TEST_END();
}
