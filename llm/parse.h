/* llm/parse.h: internal extras of the LLM-output parsers (llm/parse.c).
 * The public entry points (plan_parse_json, plan_parse_score,
 * plan_parse_list) are declared in include/plan.h; this header adds what
 * the rest of the library needs beyond them: the JSON extractor returning
 * a jansson value with call-site options, and the cleanup hook that frees
 * the compiled PCRE2 patterns. docs/parse.md describes every rule.
 * Not installed. */
#ifndef PLAN_LLM_PARSE_H
#define PLAN_LLM_PARSE_H

#include <jansson.h>

#include "core/core.h"

/* Options of plan__parse_json_value. */
enum {
  /* Pick the last success of a rung instead of the first: the last fence
   * that parses, the last top-level value of the balanced scan. Value
   * prompts (reason first, answer last) want this; proposals want the
   * first. */
  PLAN__PARSE_JSON_LAST = 1u << 0,
  /* Accept only objects; arrays are skipped (and the balanced scan looks
   * inside them). */
  PLAN__PARSE_JSON_OBJECT = 1u << 1
};

/* The ladder of plan_parse_json (whole, fence, balanced) with options
 * `flags` (PLAN__PARSE_JSON_*). On PLAN_OK *out is a new reference to the
 * value. report (may be NULL) names the rung and the byte range of the JSON
 * text in the original text. Errors: PLAN_ETRUNCATED (truncated is true),
 * PLAN_ENOTFOUND, PLAN_ENOMEM, PLAN_EMISUSE (out NULL, or text NULL with
 * len > 0), PLAN_EINVAL (len > INT_MAX), PLAN_EINTERNAL (a PCRE2 failure
 * that is not a resource limit). *out is NULL on failure. Thread-safe. */
plan_status plan__parse_json_value(const char *text, size_t len, bool truncated,
                                   unsigned flags, json_t **out,
                                   plan_parse_report *report);

/* True if s[0..len) is valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). The parsers use the same check to
 * decide which bytes PCRE2 may see; exposed for the fuzz harness, which
 * compares it with PCRE2's own validation. */
bool plan__parse_utf8_valid(const char *s, size_t len);

/* Frees the compiled patterns and the PCRE2 contexts. plan_global_cleanup
 * calls it; the next parse compiles them again (with the allocator current
 * at that time). Not thread-safe: call it when no parse is running. */
void plan__parse_cleanup(void);

#endif /* PLAN_LLM_PARSE_H */
