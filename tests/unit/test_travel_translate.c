/* tests/unit/test_travel_translate.c: natural language -> structured travel
 * query through the LLM, offline: the scripted backend plays the model
 * (docs/llm.md), a cassette records and replays it. Covers a valid
 * translation, invalid replies (unknown city with a suggestion, impossible
 * date, malformed budget, no JSON) re-asked once with the error and then
 * reported, and k samples decided by the majority that the solver can
 * satisfy. */
#include <unistd.h>

#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/db.h"
#include "solvers/travel/query.h"
#include "solvers/travel/translate.h"
#include "test.h"

#define SHARED PLAN_SOURCE_DIR "/../shared/data/travelplanner"

static const char NL[] =
    "Please help me plan a trip from St. Petersburg to Rockford spanning 3 "
    "days from March 16th to March 18th, 2022. The travel should be planned "
    "for a single person with a budget of $1,700.";

/* Train query 1's reference information: St. Petersburg - Rockford. */
static plan__travel_db *rockford_db(void) {
  char *text = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(SHARED "/train/train_ref_info.jsonl", 0, &text,
                            &len, &err));
  plan__travel_db *db = NULL;
  ASSERT_OK(
      plan__travel_db_from_ref_text(text, strcspn(text, "\n"), &db, &err));
  plan__free(text);
  return db;
}

/* A translation as the model would write it. */
static char *reply(const char *org, const char *date0, const char *budget) {
  char buf[1024];
  plan__fmt(buf, sizeof buf,
            "{\"org\": \"%s\", \"dest\": \"Rockford\", \"days\": 3, "
            "\"visiting_city_number\": 1, \"date\": [\"%s\", \"2022-03-17\", "
            "\"2022-03-18\"], \"people_number\": 1, \"budget\": %s, "
            "\"local_constraint\": {\"house rule\": null, \"cuisine\": null, "
            "\"room type\": null, \"transportation\": null}}",
            org, date0, budget);
  char *s = plan__strdup(buf);
  ASSERT(s);
  return s;
}

/* A script rule {"match": m, "reply": r, "times": t}; m and t optional. */
static void rule(json_t *script, const char *match, char *text, int times) {
  json_t *r = json_object();
  if (match)
    json_object_set_new(r, "match", json_string(match));
  json_object_set_new(r, "reply", json_string(text));
  if (times > 0)
    json_object_set_new(r, "times", json_integer(times));
  json_array_append_new(script, r);
  plan__free(text);
}

struct run {
  plan_llm *llm;
  plan_scheduler *sched;
};

static void open_script(struct run *r, json_t *script) {
  char *s = json_dumps(script, JSON_COMPACT);
  json_decref(script);
  plan_error err;
  ASSERT_OK(plan_llm_scripted_create(s, NULL, &r->llm, &err));
  free(s);
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  ASSERT_OK(plan_scheduler_create(r->llm, &so, &r->sched, &err));
}

static void close_run(struct run *r) {
  plan_scheduler_destroy(r->sched);
  plan_llm_destroy(r->llm);
}

static plan_status translate(struct run *r, plan__travel_db *db,
                             unsigned samples, plan__travel_translation *t,
                             plan_error *err) {
  plan__travel_translate_options o;
  plan__travel_translate_options_init(&o,
                                      PLAN__TRAVEL_TRANSLATE_OPTIONS_VERSION);
  o.samples = samples;
  return plan__travel_translate(r->sched, db, NL, &o, t, err);
}

static void test_prompt_and_schema(void) {
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__travel_translate_prompt(NL, &b));
  ASSERT_CONTAINS(b.data, "Request: Please help me plan a trip");
  plan__buf_free(&b);
  ASSERT_CONTAINS(plan__travel_translate_system(), "visiting_city_number");
  ASSERT_CONTAINS(plan__travel_translate_system(), "\"no self-driving\"");
  plan_error err;
  const char *schema = plan__travel_translate_schema();
  json_t *j = plan__json_parse(schema, strlen(schema), "schema", &err);
  ASSERT(j);
  json_t *req = json_object_get(j, "required");
  ASSERT_EQ(json_array_size(req), 8);
  ASSERT(json_object_get(json_object_get(j, "properties"), "local_constraint"));
  json_decref(j);
}

static void test_valid(void) {
  plan__travel_db *db = rockford_db();
  json_t *script = json_array();
  rule(script, "^Request: Please help",
       reply("St. Petersburg", "2022-03-16", "1700"), 0);
  struct run r;
  open_script(&r, script);
  plan__travel_translation t;
  plan_error err;
  ASSERT_OK(translate(&r, db, 1, &t, &err));
  ASSERT(t.query);
  ASSERT_STR_EQ(t.query->org, "St. Petersburg");
  ASSERT_STR_EQ(t.query->dest, "Rockford");
  ASSERT_EQ(t.query->days, 3);
  ASSERT_EQ(t.query->visiting_city_number, 1);
  ASSERT_STR_EQ(t.query->dates[2], "2022-03-18");
  ASSERT_EQ(t.query->people_number, 1);
  ASSERT_NEAR(t.query->budget, 1700, 0);
  ASSERT_STR_EQ(t.query->nl_query, NL);
  ASSERT_EQ(t.samples, 1);
  ASSERT_EQ(t.valid, 1);
  ASSERT_EQ(t.agree, 1);
  ASSERT_EQ(t.reasked, 0);
  ASSERT_EQ(t.llm_calls, 1);
  ASSERT(t.solvable);
  plan__travel_translation_clear(&t);
  close_run(&r);
  plan__travel_db_free(db);
}

/* The first reply has error `bad`; the re-ask must quote `quoted` and gets
 * the right answer. */
static void reask_fixes(char *bad, const char *quoted) {
  plan__travel_db *db = rockford_db();
  json_t *script = json_array();
  rule(script, quoted, reply("St. Petersburg", "2022-03-16", "1700"), 0);
  rule(script, "^Request: ", bad, 0);
  struct run r;
  open_script(&r, script);
  plan__travel_translation t;
  plan_error err;
  ASSERT_OK(translate(&r, db, 1, &t, &err));
  ASSERT(t.query);
  ASSERT_STR_EQ(t.query->org, "St. Petersburg");
  ASSERT_EQ(t.reasked, 1);
  ASSERT_EQ(t.llm_calls, 2);
  ASSERT_EQ(t.valid, 1);
  plan__travel_translation_clear(&t);
  close_run(&r);
  plan__travel_db_free(db);
}

static void test_reask_unknown_city(void) {
  reask_fixes(reply("St Petersburg", "2022-03-16", "1700"),
              "^That JSON was rejected: field 'org': unknown city 'St "
              "Petersburg' \\(did you mean 'St\\. Petersburg'");
}

static void test_reask_impossible_date(void) {
  reask_fixes(reply("St. Petersburg", "2022-02-30", "1700"),
              "rejected: field 'date'");
}

static void test_reask_malformed_budget(void) {
  reask_fixes(reply("St. Petersburg", "2022-03-16", "\"$1,700\""),
              "rejected: field 'budget'");
  reask_fixes(reply("St. Petersburg", "2022-03-16", "-1700"),
              "rejected: field 'budget': must be >= 0");
}

static void test_reask_not_json(void) {
  reask_fixes(plan__strdup("Sure! A lovely trip to Rockford awaits."),
              "rejected: the reply holds no JSON object");
}

static void test_reported_after_one_retry(void) {
  plan__travel_db *db = rockford_db();
  json_t *script = json_array();
  rule(script, NULL, reply("Rockfort City", "2022-03-16", "1700"), 0);
  struct run r;
  open_script(&r, script);
  plan__travel_translation t;
  plan_error err;
  ASSERT_STATUS(translate(&r, db, 1, &t, &err), PLAN_EPARSE);
  ASSERT(!t.query);
  ASSERT_EQ(t.llm_calls, 2);
  ASSERT_EQ(t.reasked, 1);
  ASSERT_CONTAINS(t.error, "no valid translation after one retry");
  ASSERT_CONTAINS(t.error, "unknown city 'Rockfort City'");
  ASSERT_CONTAINS(err.text, "unknown city 'Rockfort City'");
  plan__travel_translation_clear(&t);
  close_run(&r);
  plan__travel_db_free(db);
}

static void test_samples_majority(void) {
  plan__travel_db *db = rockford_db();
  json_t *script = json_array();
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "1700"), 3);
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "1600"), 2);
  struct run r;
  open_script(&r, script);
  plan__travel_translation t;
  plan_error err;
  ASSERT_OK(translate(&r, db, 5, &t, &err));
  ASSERT_NEAR(t.query->budget, 1700, 0);
  ASSERT_EQ(t.samples, 5);
  ASSERT_EQ(t.valid, 5);
  ASSERT_EQ(t.groups, 2);
  ASSERT_EQ(t.agree, 3);
  ASSERT(t.solvable);
  ASSERT_EQ(t.llm_calls, 5);
  plan__travel_translation_clear(&t);
  close_run(&r);
  plan__travel_db_free(db);
}

static void test_samples_prefer_solvable(void) {
  /* Three samples read the budget as $500 (no plan: the cheapest costs
   * $1305), two as $1,700: the solvable minority wins. */
  plan__travel_db *db = rockford_db();
  json_t *script = json_array();
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "500"), 3);
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "1700"), 2);
  struct run r;
  open_script(&r, script);
  plan__travel_translation t;
  plan_error err;
  ASSERT_OK(translate(&r, db, 5, &t, &err));
  ASSERT_NEAR(t.query->budget, 1700, 0);
  ASSERT_EQ(t.agree, 2);
  ASSERT(t.solvable);
  plan__travel_translation_clear(&t);
  close_run(&r);

  /* Nothing solvable: the plain majority. */
  script = json_array();
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "500"), 3);
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "400"), 2);
  open_script(&r, script);
  ASSERT_OK(translate(&r, db, 5, &t, &err));
  ASSERT_NEAR(t.query->budget, 500, 0);
  ASSERT_EQ(t.agree, 3);
  ASSERT(!t.solvable);
  plan__travel_translation_clear(&t);
  close_run(&r);
  plan__travel_db_free(db);
}

static void test_samples_with_reask(void) {
  /* One of three samples names an unknown city; its re-ask is fixed. */
  plan__travel_db *db = rockford_db();
  json_t *script = json_array();
  rule(script, "rejected", reply("St. Petersburg", "2022-03-16", "1700"), 0);
  rule(script, NULL, reply("Saint Pete", "2022-03-16", "1700"), 1);
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "1700"), 0);
  struct run r;
  open_script(&r, script);
  plan__travel_translation t;
  plan_error err;
  ASSERT_OK(translate(&r, db, 3, &t, &err));
  ASSERT_EQ(t.reasked, 1);
  ASSERT_EQ(t.valid, 3);
  ASSERT_EQ(t.agree, 3);
  ASSERT_EQ(t.llm_calls, 4);
  plan__travel_translation_clear(&t);
  close_run(&r);
  plan__travel_db_free(db);
}

static void test_cassette_replay(void) {
  /* Record the scripted model into a cassette, then translate again from
   * the cassette alone: same query, no model. */
  plan__travel_db *db = rockford_db();
  char path[] = "/tmp/plan_travel_translate_XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  close(fd);
  unlink(path);
  json_t *script = json_array();
  rule(script, NULL, reply("St. Petersburg", "2022-03-16", "1700"), 0);
  struct run r;
  open_script(&r, script);
  plan_llm *rec = NULL;
  plan_error err;
  ASSERT_OK(
      plan_llm_cassette_create(r.llm, path, PLAN_CASSETTE_RECORD, &rec, &err));
  plan_scheduler *sched = NULL;
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  ASSERT_OK(plan_scheduler_create(rec, &so, &sched, &err));
  plan__travel_translation t;
  plan__travel_translate_options o;
  plan__travel_translate_options_init(&o,
                                      PLAN__TRAVEL_TRANSLATE_OPTIONS_VERSION);
  o.samples = 2;
  ASSERT_OK(plan__travel_translate(sched, db, NL, &o, &t, &err));
  ASSERT_EQ(t.agree, 2);
  plan__travel_translation_clear(&t);
  ASSERT_OK(plan_llm_cassette_save(rec));
  plan_scheduler_destroy(sched);
  plan_llm_destroy(rec);
  close_run(&r);

  plan_llm *play = NULL;
  ASSERT_OK(
      plan_llm_cassette_create(NULL, path, PLAN_CASSETTE_REPLAY, &play, &err));
  ASSERT_OK(plan_scheduler_create(play, &so, &sched, &err));
  ASSERT_OK(plan__travel_translate(sched, db, NL, &o, &t, &err));
  ASSERT_STR_EQ(t.query->org, "St. Petersburg");
  ASSERT_EQ(t.agree, 2);
  plan__travel_translation_clear(&t);
  plan_scheduler_destroy(sched);
  plan_llm_destroy(play);
  unlink(path);
  plan__travel_db_free(db);
}

static void test_check_directly(void) {
  plan__travel_db *db = rockford_db();
  plan__travel_query *q = NULL;
  char msg[320];
  char *text = reply("St. Petersburg", "2022-03-16", "1700");
  /* A fenced reply is fine. */
  char fenced[1200];
  plan__fmt(fenced, sizeof fenced, "Here it is:\n```json\n%s\n```\n", text);
  ASSERT_OK(plan__travel_translate_check(db, NL, fenced, strlen(fenced), false,
                                         &q, msg, sizeof msg));
  ASSERT_STR_EQ(q->dest, "Rockford");
  plan__travel_query_free(q);
  /* A cut reply is never parsed as if whole. */
  ASSERT_STATUS(plan__travel_translate_check(db, NL, text, strlen(text) / 2,
                                             true, &q, msg, sizeof msg),
                PLAN_EPARSE);
  ASSERT_CONTAINS(msg, "cut off");
  ASSERT(!q);
  plan__free(text);
  /* A 3-day trip to a state. */
  text = reply("St. Petersburg", "2022-03-16", "1700");
  char *p = strstr(text, "Rockford");
  char wrong[1200];
  plan__fmt(wrong, sizeof wrong, "%.*sIllinois%s", (int)(p - text), text,
            p + strlen("Rockford"));
  ASSERT_STATUS(plan__travel_translate_check(db, NL, wrong, strlen(wrong),
                                             false, &q, msg, sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "field 'dest'");
  plan__free(text);
  plan__travel_db_free(db);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_prompt_and_schema);
  RUN(test_valid);
  RUN(test_reask_unknown_city);
  RUN(test_reask_impossible_date);
  RUN(test_reask_malformed_budget);
  RUN(test_reask_not_json);
  RUN(test_reported_after_one_retry);
  RUN(test_samples_majority);
  RUN(test_samples_prefer_solvable);
  RUN(test_samples_with_reask);
  RUN(test_cassette_replay);
  RUN(test_check_directly);
  TEST_END();
}
