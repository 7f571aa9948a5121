/* solvers/travel/translate.h: the LLM side of the travel solver bridge. A
 * request in natural language ("Please plan a 3-day trip from St.
 * Petersburg to Rockford for one person with $1,700 ...") is translated by
 * the model into the structured query the exact solver reads. The model
 * only translates: it never plans.
 *
 * One translation is a chat request with a fixed system prompt and a JSON
 * schema (structured output where the backend supports it). The reply is
 * parsed with plan_parse_json and validated with the query loader against
 * the database (unknown city or state, impossible dates, malformed budget,
 * ...); an invalid reply is re-asked once with the error (and the nearest
 * known names), then reported. With k samples the translations are
 * grouped by their canonical JSON and the largest group whose query the
 * solver can satisfy wins (the largest group if none can). All requests go
 * through the scheduler in batches: the k samples at once, then the
 * re-asks at once. Internal (not installed).
 */
#ifndef PLAN_SOLVERS_TRAVEL_TRANSLATE_H
#define PLAN_SOLVERS_TRAVEL_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "solvers/travel/db.h"
#include "solvers/travel/query.h"

#define PLAN__TRAVEL_TRANSLATE_OPTIONS_VERSION 1

typedef struct plan__travel_translate_options {
  unsigned version;
  unsigned samples;    /* translations to sample; init: 1 */
  double temperature;  /* init: -1 = 0 for one sample, 0.7 for several */
  const char *model;   /* NULL: the backend's default */
  unsigned max_tokens; /* init: 800 */
  bool has_seed;
  int64_t seed;         /* sample i uses seed + i */
  bool no_solver_check; /* pick the plain majority, do not run the solver */
} plan__travel_translate_options;

void plan__travel_translate_options_init(plan__travel_translate_options *o,
                                         unsigned version);

typedef struct plan__travel_translation {
  plan__travel_query *query; /* the chosen query (new); NULL if none valid */
  unsigned samples;          /* translations asked for */
  unsigned valid;            /* valid after the re-ask */
  unsigned agree;            /* valid translations equal to the chosen one */
  unsigned groups;           /* distinct valid translations */
  unsigned reasked;          /* samples re-asked with their error */
  bool solvable;             /* the solver found a plan within budget for it */
  uint64_t llm_calls;
  char error[320]; /* when query is NULL: why (the last error) */
} plan__travel_translation;

void plan__travel_translation_init(plan__travel_translation *t);
/* Frees the query and re-initialises *t. NULL does nothing. */
void plan__travel_translation_clear(plan__travel_translation *t);

/* The system prompt and the JSON schema of a translation request.
 * Static strings. */
const char *plan__travel_translate_system(void);
const char *plan__travel_translate_schema(void);
/* Appends the user message for request nl to b. */
plan_status plan__travel_translate_prompt(const char *nl, plan__buf *b);

/* Validates one reply: extracts the JSON (plan_parse_json), checks it with
 * the query loader against db and adds suggestions for unknown names. On
 * success *out is a new query (free with plan__travel_query_free) whose
 * nl_query is nl. On failure returns PLAN_EPARSE (no JSON, truncated) or
 * PLAN_EINVAL (a field is wrong) with the message in msg. */
plan_status plan__travel_translate_check(const plan__travel_db *db,
                                         const char *nl, const char *reply,
                                         size_t len, bool truncated,
                                         plan__travel_query **out, char *msg,
                                         size_t msg_size);

/* Translates nl with the model behind sched (borrowed). db is borrowed
 * (non-const: the solver check looks up flights). opts NULL: defaults.
 * *out is initialised by the call; clear it with
 * plan__travel_translation_clear. Returns PLAN_OK with out->query set,
 * PLAN_EPARSE when no sample gave a valid query after its re-ask
 * (out->error and err say why), PLAN_EBUDGET/PLAN_EMISUSE from the
 * scheduler, PLAN_ENOMEM. */
plan_status plan__travel_translate(plan_scheduler *sched, plan__travel_db *db,
                                   const char *nl,
                                   const plan__travel_translate_options *opts,
                                   plan__travel_translation *out,
                                   plan_error *err);

#endif /* PLAN_SOLVERS_TRAVEL_TRANSLATE_H */
