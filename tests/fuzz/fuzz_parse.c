/* tests/fuzz/fuzz_parse.c: libFuzzer harness for the LLM-output parsers
 * (llm/parse.c). Each input goes through plan_parse_json, the internal
 * plan__parse_json_value with every flag combination, plan_parse_score with
 * every rubric on several scales, and plan_parse_list, each with truncated
 * false and true. Besides memory errors (ASan/UBSan), it checks the
 * contracts: reports stay inside the input, returned JSON parses, scores
 * are either present and normalised or missing (NaN, never 0), lists hold
 * non-empty items, and nothing is found in text without a bracket. It also
 * checks that the parsers' UTF-8 validator agrees with PCRE2's own check,
 * since the parsers match with PCRE2_NO_UTF_CHECK on what it accepts. The
 * checked-in corpus (tests/fuzz/corpus/parse/) is replayed as a ctest. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <jansson.h>
#include <math.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok) {
  if (!ok)
    abort();
}

static void check_report(const plan_parse_report *r, size_t size) {
  check(r->rule != NULL);
  check(r->offset <= size && r->length <= size - r->offset);
}

static void check_status(plan_status st, bool truncated) {
  if (truncated)
    check(st == PLAN_ETRUNCATED);
  else
    check(st == PLAN_OK || st == PLAN_ENOTFOUND);
}

static void fuzz_json(const char *text, size_t size, bool truncated) {
  bool has_bracket = memchr(text, '{', size) || memchr(text, '[', size);
  plan_parse_report r;
  char *out = NULL;
  plan_status st = plan_parse_json(text, size, truncated, &out, &r);
  check_status(st, truncated);
  check_report(&r, size);
  if (st == PLAN_OK) {
    check(has_bracket);
    check(out && strlen(out) <= r.length);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    check(j && (json_is_object(j) || json_is_array(j)));
    json_decref(j);
  } else {
    check(out == NULL);
  }
  plan_free(out);
  for (unsigned flags = 0; flags < 4; flags++) {
    json_t *v = NULL;
    st = plan__parse_json_value(text, size, truncated, flags, &v, &r);
    check_status(st, truncated);
    check_report(&r, size);
    check((st == PLAN_OK) == (v != NULL));
    if (v && (flags & PLAN__PARSE_JSON_OBJECT))
      check(json_is_object(v));
    json_decref(v);
  }
}

static void fuzz_score(const char *text, size_t size, bool truncated) {
  static const double scales[][2] = {{0, 10}, {1, 10},  {0, 1},
                                     {1, 5},  {0, 100}, {-5, 5}};
  static const plan_rubric rubrics[] = {PLAN_RUBRIC_NUMBER, PLAN_RUBRIC_SURE,
                                        PLAN_RUBRIC_STATUS};
  for (size_t k = 0; k < sizeof rubrics / sizeof rubrics[0]; k++) {
    size_t n_scales =
        rubrics[k] == PLAN_RUBRIC_NUMBER ? sizeof scales / sizeof scales[0] : 1;
    for (size_t i = 0; i < n_scales; i++) {
      double lo = scales[i][0], hi = scales[i][1];
      plan_score s;
      plan_parse_report r;
      plan_status st =
          plan_parse_score(text, size, truncated, rubrics[k], lo, hi, &s, &r);
      check_status(st, truncated);
      check_report(&r, size);
      if (st == PLAN_OK) {
        check(s.present && s.value >= 0 && s.value <= 1);
        if (rubrics[k] == PLAN_RUBRIC_NUMBER)
          check(s.raw >= lo && s.raw <= hi);
        check(r.length > 0);
      } else {
        check(!s.present && isnan(s.value) && isnan(s.raw));
      }
    }
  }
}

static void fuzz_list(const char *text, size_t size, bool truncated) {
  char **items = NULL;
  size_t n = 0;
  plan_parse_report r;
  plan_status st = plan_parse_list(text, size, truncated, &items, &n, &r);
  check_status(st, truncated);
  check_report(&r, size);
  if (st == PLAN_OK) {
    check(items && n > 0 && r.length > 0);
    for (size_t i = 0; i < n; i++)
      check(items[i] && items[i][0] != '\0');
  } else {
    check(items == NULL && n == 0);
  }
  plan_parse_list_free(items, n);
}

/* PCRE2 validates a UTF subject unless told not to; its verdict must be
 * the validator's. The pattern lives for the whole process. */
static void fuzz_utf8(const char *text, size_t size) {
  static pcre2_code *any;
  static pcre2_match_data *md;
  if (!any) {
    int ec = 0;
    PCRE2_SIZE eo = 0;
    any = pcre2_compile((PCRE2_SPTR) "x", 1, PCRE2_UTF, &ec, &eo, NULL);
    md = pcre2_match_data_create(1, NULL);
    check(any && md);
  }
  int rc =
      pcre2_match(any, (PCRE2_SPTR)(size ? text : ""), size, 0, 0, md, NULL);
  bool pcre2_valid =
      !(rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21);
  check(pcre2_valid == plan__parse_utf8_valid(text, size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A private copy without a terminating NUL, so that any read past the
   * end is caught even when the caller's buffer is larger. */
  char *text = malloc(size ? size : 1);
  if (!text)
    return 0;
  if (size)
    memcpy(text, data, size);
  fuzz_utf8(text, size);
  for (int t = 0; t < 2; t++) {
    fuzz_json(text, size, t == 1);
    fuzz_score(text, size, t == 1);
    fuzz_list(text, size, t == 1);
  }
  free(text);
  return 0;
}
