/* solvers/travel/translate.c: natural language -> structured TravelPlanner
 * query through the LLM (see translate.h for the contract). The prompt
 * names every field with its allowed values and shows one worked example;
 * the schema pins the shape; the query loader is the validator, so the
 * model is held to exactly what `plan --task` accepts from a user. Errors
 * go back to the model once, with the nearest known city or state names
 * when a name is unknown ("did you mean 'St. Petersburg'?").
 */
#include "solvers/travel/translate.h"

#include <ctype.h>
#include <string.h>

#include "core/json.h"
#include "solvers/travel/solver.h"

void plan__travel_translate_options_init(plan__travel_translate_options *o,
                                         unsigned version) {
  memset(o, 0, sizeof *o);
  o->version = version;
  o->samples = 1;
  o->temperature = -1;
  o->max_tokens = 800;
}

void plan__travel_translation_init(plan__travel_translation *t) {
  memset(t, 0, sizeof *t);
}

void plan__travel_translation_clear(plan__travel_translation *t) {
  if (!t)
    return;
  plan__travel_query_free(t->query);
  plan__travel_translation_init(t);
}

/* ======================================================================
 * Prompt and schema
 * ====================================================================== */

static const char system_prompt[] =
    "You translate a travel-planning request into a JSON object for an "
    "exact trip planner. You do not plan the trip. Reply with the JSON "
    "object only.\n"
    "\n"
    "Fields:\n"
    "- org: the departure city, a US city name as written in the request "
    "(e.g. \"St. Petersburg\").\n"
    "- dest: for a 3-day trip, the destination city; for a 5- or 7-day "
    "trip, the destination state (e.g. \"Texas\").\n"
    "- days: 3, 5 or 7.\n"
    "- visiting_city_number: how many cities to visit: 1 for 3 days, 2 for "
    "5 days, 3 for 7 days unless the request says otherwise.\n"
    "- date: every day of the trip, in order, as \"YYYY-MM-DD\"; the year "
    "is 2022 unless the request says otherwise.\n"
    "- people_number: how many people travel (1 if not stated).\n"
    "- budget: the total budget in US dollars as a plain integer (\"$1,700\" "
    "is 1700).\n"
    "- local_constraint: an object with exactly these four keys, each null "
    "unless the request asks for it:\n"
    "  - \"house rule\": what the travellers need to be allowed: one of "
    "\"parties\", \"smoking\", \"children under 10\", \"visitors\", "
    "\"pets\";\n"
    "  - \"cuisine\": a list of cuisines to try, from \"Chinese\", "
    "\"American\", \"Italian\", \"Mexican\", \"Indian\", \"Mediterranean\", "
    "\"French\";\n"
    "  - \"room type\": one of \"shared room\", \"not shared room\", "
    "\"private room\", \"entire room\";\n"
    "  - \"transportation\": \"no flight\" or \"no self-driving\".\n"
    "\n"
    "Example. Request: \"Could you create a 5-day travel plan for 2 people "
    "from Memphis to Minnesota, March 4th to 8th, 2022, budget $13,800? We "
    "need a private room and we'll bring our dog.\"\n"
    "JSON: {\"org\": \"Memphis\", \"dest\": \"Minnesota\", \"days\": 5, "
    "\"visiting_city_number\": 2, \"date\": [\"2022-03-04\", "
    "\"2022-03-05\", \"2022-03-06\", \"2022-03-07\", \"2022-03-08\"], "
    "\"people_number\": 2, \"budget\": 13800, \"local_constraint\": "
    "{\"house rule\": \"pets\", \"cuisine\": null, \"room type\": "
    "\"private room\", \"transportation\": null}}\n";

static const char schema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"required\":[\"org\",\"dest\",\"days\",\"visiting_city_number\","
    "\"date\",\"people_number\",\"budget\",\"local_constraint\"],"
    "\"properties\":{"
    "\"org\":{\"type\":\"string\"},"
    "\"dest\":{\"type\":\"string\"},"
    "\"days\":{\"type\":\"integer\",\"enum\":[3,5,7]},"
    "\"visiting_city_number\":{\"type\":\"integer\"},"
    "\"date\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"people_number\":{\"type\":\"integer\"},"
    "\"budget\":{\"type\":\"integer\"},"
    "\"local_constraint\":{\"type\":\"object\","
    "\"additionalProperties\":false,"
    "\"required\":[\"house rule\",\"cuisine\",\"room type\","
    "\"transportation\"],"
    "\"properties\":{"
    "\"house rule\":{\"type\":[\"string\",\"null\"],\"enum\":[\"parties\","
    "\"smoking\",\"children under 10\",\"visitors\",\"pets\",null]},"
    "\"cuisine\":{\"type\":[\"array\",\"null\"],\"items\":{\"type\":"
    "\"string\",\"enum\":[\"Chinese\",\"American\",\"Italian\",\"Mexican\","
    "\"Indian\",\"Mediterranean\",\"French\"]}},"
    "\"room type\":{\"type\":[\"string\",\"null\"],\"enum\":[\"shared "
    "room\",\"not shared room\",\"private room\",\"entire room\",null]},"
    "\"transportation\":{\"type\":[\"string\",\"null\"],\"enum\":[\"no "
    "flight\",\"no self-driving\",null]}}}}}";

const char *plan__travel_translate_system(void) {
  return system_prompt;
}
const char *plan__travel_translate_schema(void) {
  return schema;
}

plan_status plan__travel_translate_prompt(const char *nl, plan__buf *b) {
  plan__buf_printf(b, "Request: %s\nJSON:", nl);
  return b->status;
}

/* ======================================================================
 * Validation
 * ====================================================================== */

/* Case-insensitive edit distance, capped at 99 (names are short). */
static int edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63)
    return 99;
  int row[64];
  for (size_t j = 0; j <= lb; j++)
    row[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int up = row[j];
      int sub = diag + (tolower((unsigned char)a[i - 1]) !=
                        tolower((unsigned char)b[j - 1]));
      int best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
      row[j] = sub < best ? sub : best;
      diag = up;
    }
  }
  return row[lb];
}

/* Appends " (did you mean 'X' or 'Y'?)" with the two nearest city (or
 * state) names to name, when they are close enough to be a likely fix. */
static void suggest(const plan__travel_db *db, const char *name, bool state,
                    char *msg, size_t size) {
  const char *best[2] = {NULL, NULL};
  int dist[2] = {99, 99};
  size_t n;
  const char *const *states = NULL;
  if (state)
    n = plan__travel_db_states(db, &states);
  else
    n = plan__travel_db_city_count(db);
  for (size_t i = 0; i < n; i++) {
    const char *cand;
    if (state) {
      cand = states[i];
    } else {
      const plan__travel_city *c = plan__travel_db_city(db, (int)i);
      if (!c || !c->in_city_set)
        continue;
      cand = c->name;
    }
    int d = edit_distance(name, cand);
    if (d < dist[0]) {
      best[1] = best[0];
      dist[1] = dist[0];
      best[0] = cand;
      dist[0] = d;
    } else if (d < dist[1]) {
      best[1] = cand;
      dist[1] = d;
    }
  }
  int limit = (int)strlen(name) / 3 + 2;
  size_t len = strlen(msg);
  if (best[0] && dist[0] <= limit) {
    if (best[1] && dist[1] <= limit)
      plan__fmt(msg + len, size - len, " (did you mean '%s' or '%s'?)", best[0],
                best[1]);
    else
      plan__fmt(msg + len, size - len, " (did you mean '%s'?)", best[0]);
  }
}

static bool known_city(const plan__travel_db *db, const char *name) {
  const plan__travel_city *c =
      plan__travel_db_city(db, plan__travel_db_city_find(db, name));
  return c && c->in_city_set;
}

plan_status plan__travel_translate_check(const plan__travel_db *db,
                                         const char *nl, const char *reply,
                                         size_t len, bool truncated,
                                         plan__travel_query **out, char *msg,
                                         size_t msg_size) {
  *out = NULL;
  msg[0] = '\0';
  char *text = NULL;
  plan_status st = plan_parse_json(reply, len, truncated, &text, NULL);
  if (st != PLAN_OK) {
    plan__fmt(msg, msg_size,
              st == PLAN_ETRUNCATED
                  ? "the reply was cut off before the JSON object ended"
                  : "the reply holds no JSON object");
    return PLAN_EPARSE;
  }
  plan_error err;
  json_t *obj = plan__json_parse(text, strlen(text), "reply", &err);
  plan_free(text);
  if (!obj || !json_is_object(obj)) {
    plan__fmt(msg, msg_size,
              "expected one JSON object with the fields "
              "org, dest, days, date, people_number, budget, "
              "local_constraint");
    json_decref(obj);
    return PLAN_EPARSE;
  }
  if (nl && json_object_set_new(obj, "query", json_string(nl)) != 0) {
    json_decref(obj);
    return PLAN_ENOMEM;
  }
  st = plan__travel_query_from_json(obj, db, out, &err);
  if (st == PLAN_EINVAL) {
    plan__fmt(msg, msg_size, "%s", err.text);
    const char *org = json_string_value(json_object_get(obj, "org"));
    const char *dest = json_string_value(json_object_get(obj, "dest"));
    json_int_t days = json_integer_value(json_object_get(obj, "days"));
    if (db && strstr(err.text, "'org'") && org && !known_city(db, org))
      suggest(db, org, false, msg, msg_size);
    else if (db && strstr(err.text, "'dest'") && dest &&
             strstr(err.text, "unknown"))
      suggest(db, dest, days != 3, msg, msg_size);
  } else if (st != PLAN_OK) {
    plan__fmt(msg, msg_size, "%s", err.text);
  }
  json_decref(obj);
  return st;
}

/* ======================================================================
 * Translation with samples, re-asks and a vote
 * ====================================================================== */

struct sample {
  plan__travel_query *q;
  char *reply; /* the raw reply, for the re-ask */
  char msg[320];
  bool failed_call; /* no reply at all (transport, budget) */
  char *key;        /* canonical JSON of the structured fields */
};

/* The canonical JSON of the fields a translation decides (not the NL text,
 * idx or level), so that equal translations compare equal. */
static char *query_key(const plan__travel_query *q) {
  json_t *j = plan__travel_query_to_json(q);
  if (!j)
    return NULL;
  json_object_del(j, "query");
  json_object_del(j, "idx");
  json_object_del(j, "level");
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = plan__json_canonical(j, &b);
  json_decref(j);
  if (st != PLAN_OK) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

static void fill_request(plan_llm_request *r,
                         const plan__travel_translate_options *o,
                         double temperature, const plan_message *msgs,
                         size_t n_msgs, unsigned sample) {
  plan_llm_request_init(r, PLAN_LLM_REQUEST_VERSION);
  r->model = o->model;
  r->messages = msgs;
  r->n_messages = n_msgs;
  r->temperature = temperature;
  r->max_tokens = o->max_tokens;
  r->json_schema = schema;
  r->json_schema_name = "travel_query";
  r->sample_index = sample;
  if (o->has_seed) {
    r->has_seed = true;
    r->seed = o->seed + sample;
  }
}

/* Takes the reply of resp into s (validating it), or records why there is
 * none. */
static plan_status take_reply(const plan__travel_db *db, const char *nl,
                              const plan_llm_response *resp, struct sample *s) {
  plan__free(s->reply);
  s->reply = NULL;
  s->failed_call = false;
  if (resp->status != PLAN_OK || resp->n_choices == 0) {
    s->failed_call = true;
    plan__fmt(s->msg, sizeof s->msg, "the model call failed: %s",
              resp->error ? resp->error : plan_strerror(resp->status));
    return PLAN_OK;
  }
  const plan_llm_choice *c = &resp->choices[0];
  s->reply = plan__strndup(c->text, c->text_len);
  if (!s->reply)
    return PLAN_ENOMEM;
  plan_status st = plan__travel_translate_check(
      db, nl, c->text, c->text_len, c->truncated, &s->q, s->msg, sizeof s->msg);
  return st == PLAN_ENOMEM ? st : PLAN_OK;
}

plan_status plan__travel_translate(plan_scheduler *sched, plan__travel_db *db,
                                   const char *nl,
                                   const plan__travel_translate_options *opts,
                                   plan__travel_translation *out,
                                   plan_error *err) {
  if (out)
    plan__travel_translation_init(out);
  if (!sched || !db || !nl || !out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "travel translate: NULL argument");
  plan__travel_translate_options defaults;
  if (!opts) {
    plan__travel_translate_options_init(&defaults,
                                        PLAN__TRAVEL_TRANSLATE_OPTIONS_VERSION);
    opts = &defaults;
  }
  unsigned k = opts->samples ? opts->samples : 1;
  double temperature = opts->temperature >= 0 ? opts->temperature
                       : k > 1                ? 0.7
                                              : 0.0;
  out->samples = k;
  plan_status st = PLAN_OK;
  plan__buf prompt;
  plan__buf_init(&prompt, 0);
  struct sample *S = plan__calloc(k, sizeof *S);
  plan_llm_request *reqs = plan__calloc(k, sizeof *reqs);
  plan_llm_response *resps = plan__calloc(k, sizeof *resps);
  plan_message *retry_msgs = plan__calloc((size_t)k * 4, sizeof *retry_msgs);
  char **retry_text = plan__calloc(k, sizeof *retry_text);
  unsigned *retry_of = plan__calloc(k, sizeof *retry_of);
  if (!S || !reqs || !resps || !retry_msgs || !retry_text || !retry_of ||
      plan__travel_translate_prompt(nl, &prompt) != PLAN_OK) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto out;
  }
  for (unsigned i = 0; i < k; i++)
    plan_llm_response_init(&resps[i]);

  /* Round 1: k samples at once. */
  plan_message msgs[2] = {{"system", system_prompt}, {"user", prompt.data}};
  for (unsigned i = 0; i < k; i++)
    fill_request(&reqs[i], opts, temperature, msgs, 2, i);
  st = plan_scheduler_run(sched, reqs, k, resps);
  if (st != PLAN_OK && st != PLAN_EBUDGET) {
    plan__error_set(err, st, 0, 0, "travel translate: %s",
                    plan_scheduler_errmsg(sched));
    goto out;
  }
  out->llm_calls += k;
  for (unsigned i = 0; i < k && st != PLAN_ENOMEM; i++) {
    st = take_reply(db, nl, &resps[i], &S[i]);
    plan_llm_response_clear(&resps[i]);
  }
  if (st == PLAN_ENOMEM) {
    plan__error_set(err, st, 0, 0, "out of memory");
    goto out;
  }

  /* Round 2: every invalid reply goes back once with its error. */
  unsigned n_retry = 0;
  for (unsigned i = 0; i < k; i++) {
    if (S[i].q || S[i].failed_call)
      continue;
    plan__buf b;
    plan__buf_init(&b, 0);
    plan__buf_printf(&b,
                     "That JSON was rejected: %s. Reply with the corrected "
                     "JSON object only.",
                     S[i].msg);
    retry_text[n_retry] = plan__buf_take(&b);
    if (!retry_text[n_retry]) {
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      goto out;
    }
    plan_message *m = &retry_msgs[(size_t)n_retry * 4];
    m[0] = (plan_message){"system", system_prompt};
    m[1] = (plan_message){"user", prompt.data};
    m[2] = (plan_message){"assistant", S[i].reply};
    m[3] = (plan_message){"user", retry_text[n_retry]};
    fill_request(&reqs[n_retry], opts, temperature, m, 4, i);
    retry_of[n_retry++] = i;
  }
  if (n_retry > 0) {
    out->reasked = n_retry;
    st = plan_scheduler_run(sched, reqs, n_retry, resps);
    if (st != PLAN_OK && st != PLAN_EBUDGET) {
      plan__error_set(err, st, 0, 0, "travel translate: %s",
                      plan_scheduler_errmsg(sched));
      goto out;
    }
    out->llm_calls += n_retry;
    st = PLAN_OK;
    for (unsigned r = 0; r < n_retry && st != PLAN_ENOMEM; r++) {
      st = take_reply(db, nl, &resps[r], &S[retry_of[r]]);
      plan_llm_response_clear(&resps[r]);
    }
    if (st == PLAN_ENOMEM) {
      plan__error_set(err, st, 0, 0, "out of memory");
      goto out;
    }
  }

  /* The vote: group equal translations, largest group first. */
  unsigned last_bad = k;
  for (unsigned i = 0; i < k; i++) {
    if (!S[i].q) {
      last_bad = i;
      continue;
    }
    out->valid++;
    S[i].key = query_key(S[i].q);
    if (!S[i].key) {
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      goto out;
    }
  }
  if (out->valid == 0) {
    plan__fmt(out->error, sizeof out->error,
              "no valid translation after one retry: %s",
              last_bad < k ? S[last_bad].msg : "no reply");
    st = plan__error_set(err, PLAN_EPARSE, 0, 0, "travel translate: %s",
                         out->error);
    goto out;
  }
  /* size[i]: members of i's group when i is its first member, else 0. */
  unsigned *size = retry_of; /* reuse: k entries */
  for (unsigned i = 0; i < k; i++) {
    size[i] = 0;
    if (!S[i].key)
      continue;
    bool first = true;
    for (unsigned j = 0; j < i && first; j++)
      if (S[j].key && !strcmp(S[j].key, S[i].key))
        first = false;
    if (!first)
      continue;
    out->groups++;
    for (unsigned j = i; j < k; j++)
      size[i] += S[j].key && !strcmp(S[j].key, S[i].key);
  }
  unsigned chosen = k, tried = 0;
  while (tried < out->groups) {
    unsigned g = k;
    for (unsigned i = 0; i < k; i++)
      if (size[i] && (g == k || size[i] > size[g]))
        g = i;
    tried++;
    if (chosen == k)
      chosen = g; /* the plain majority, if nothing is solvable */
    if (opts->no_solver_check)
      break;
    plan__travel_solve_options so;
    plan__travel_solve_options_init(&so, PLAN__TRAVEL_SOLVE_OPTIONS_VERSION);
    so.first = true;
    plan__travel_solution sol;
    plan_error serr;
    plan_status sst = plan__travel_solve(db, S[g].q, &so, &sol, &serr);
    bool ok = sst == PLAN_OK && sol.found;
    plan__travel_solution_clear(&sol);
    if (sst == PLAN_ENOMEM) {
      st = plan__error_set(err, sst, 0, 0, "out of memory");
      goto out;
    }
    if (ok) {
      chosen = g;
      out->solvable = true;
      break;
    }
    size[g] = 0; /* tried */
  }
  out->agree = 0;
  for (unsigned j = 0; j < k; j++)
    out->agree += S[j].key && !strcmp(S[j].key, S[chosen].key);
  out->query = S[chosen].q;
  S[chosen].q = NULL;
  st = PLAN_OK;

out:
  if (S)
    for (unsigned i = 0; i < k; i++) {
      plan__travel_query_free(S[i].q);
      plan__free(S[i].reply);
      plan__free(S[i].key);
    }
  if (resps)
    for (unsigned i = 0; i < k; i++)
      plan_llm_response_clear(&resps[i]);
  if (retry_text)
    for (unsigned i = 0; i < k; i++)
      plan__free(retry_text[i]);
  plan__free(S);
  plan__free(reqs);
  plan__free(resps);
  plan__free(retry_msgs);
  plan__free(retry_text);
  plan__free(retry_of);
  plan__buf_free(&prompt);
  return st;
}
