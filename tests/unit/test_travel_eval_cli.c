/* tests/unit/test_travel_eval_cli.c: `plan eval travel` end to end through
 * the plan binary (PLAN_CLI): the 45 annotated train plans as a
 * submission (official, strict, sole-planning), --json, --details, a short
 * submission, and the usage and input errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "core/core.h"
#include "core/json.h"
#include "test.h"

#define TP PLAN_SOURCE_DIR "/../shared/data/travelplanner"

static char sub_path[1024];

/* Writes the annotated train plans as a submission (the first `lines`
 * queries). */
static void write_submission(size_t lines) {
  snprintf(sub_path, sizeof sub_path, "%s/travel_cli_submission.jsonl",
           PLAN_BINARY_DIR);
  char *text = NULL;
  size_t len = 0;
  plan_error err;
  ASSERT_OK(
      plan__read_file(TP "/train/train_queries.jsonl", 0, &text, &len, &err));
  FILE *f = fopen(sub_path, "w");
  ASSERT(f);
  size_t pos = 0, n = 0;
  while (pos < len && n < lines) {
    char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    json_t *q = plan__json_parse(text + pos, end - pos, "train", &err);
    ASSERT(q);
    json_t *line = json_pack("{s:O,s:O,s:O}", "idx", json_object_get(q, "idx"),
                             "query", json_object_get(q, "query"), "plan",
                             json_object_get(q, "annotated_plan"));
    char *s = json_dumps(line, JSON_COMPACT);
    fprintf(f, "%s\n", s);
    free(s);
    json_decref(line);
    json_decref(q);
    pos = end + 1;
    n++;
  }
  fclose(f);
  plan__free(text);
}

/* Runs the CLI with args; returns its exit code and its stdout (+ stderr
 * when merge) in *out (free with plan__free). */
static int run(const char *args, bool merge, char **out) {
  /* ctest sets PLAN_CLI; by hand, the binary of this build. */
  const char *cli = getenv("PLAN_CLI");
  if (!cli)
    cli = PLAN_BINARY_DIR "/plan";
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' eval travel %s%s", cli, args,
           merge ? " 2>&1" : " 2>/dev/null");
  FILE *p = popen(cmd, "r");
  ASSERT(p);
  plan__buf b;
  plan__buf_init(&b, 0);
  char chunk[4096];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
    plan__buf_append(&b, chunk, k);
  int status = pclose(p);
  *out = plan__buf_take(&b);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define QUERIES "--queries '" TP "/train/train_queries.jsonl'"

static void test_table(void) {
  write_submission(45);
  char args[2048];
  char *out = NULL;
  snprintf(args, sizeof args, QUERIES " --plans '%s'", sub_path);
  ASSERT_EQ(run(args, false, &out), 0);
  ASSERT_CONTAINS(out, "45 queries, official mode");
  ASSERT_CONTAINS(out, "Commonsense Constraint Micro Pass Rate   100.00%    "
                       "360 / 360");
  ASSERT_CONTAINS(out, "Hard Constraint Micro Pass Rate          100.00%    "
                       "105 / 105");
  ASSERT_CONTAINS(out, "Final Pass Rate                          100.00%     "
                       "45 / 45");
  ASSERT_CONTAINS(out, "Within Sandbox");
  plan__free(out);
  /* Strict: train #42 fails "within current city". */
  snprintf(args, sizeof args, QUERIES " --plans '%s' --mode strict", sub_path);
  ASSERT_EQ(run(args, false, &out), 0);
  ASSERT_CONTAINS(out, "strict mode");
  ASSERT_CONTAINS(out, "Final Pass Rate                           97.78%     "
                       "44 / 45");
  plan__free(out);
}

static void test_json_and_details(void) {
  write_submission(45);
  char details[1024];
  snprintf(details, sizeof details, "%s/travel_cli_details.json",
           PLAN_BINARY_DIR);
  remove(details);
  char args[4096];
  char *out = NULL;
  snprintf(args, sizeof args,
           QUERIES " --plans '%s' --json --details '%s' --ref-info '" TP
                   "/train/train_ref_info.jsonl' --split train",
           sub_path, details);
  ASSERT_EQ(run(args, false, &out), 0);
  plan_error err;
  json_t *j = plan__json_parse(out, strlen(out), "stdout", &err);
  ASSERT(j);
  json_t *m = json_object_get(j, "metrics");
  ASSERT_NEAR(json_real_value(json_object_get(m, "delivery_rate")), 1, 1e-12);
  /* Sole planning: train #42 names San Angelo attractions its reference
   * information does not hold. */
  ASSERT_NEAR(json_real_value(json_object_get(m, "final_pass_rate")), 44.0 / 45,
              1e-12);
  ASSERT_EQ(json_array_size(json_object_get(j, "details")), 45);
  json_decref(j);
  plan__free(out);
  char *text = NULL;
  size_t len = 0;
  ASSERT_OK(plan__read_file(details, 0, &text, &len, &err));
  j = plan__json_parse(text, len, details, &err);
  ASSERT(json_is_array(j) && json_array_size(j) == 45);
  json_t *d42 = json_array_get(j, 41);
  ASSERT_EQ(json_integer_value(json_object_get(d42, "idx")), 42);
  ASSERT(json_is_false(json_object_get(d42, "final_pass")));
  ASSERT(json_is_null(json_object_get(d42, "hard")));
  ASSERT_CONTAINS(
      json_string_value(json_object_get(json_object_get(d42, "messages"),
                                        "is_valid_information_in_sandbox")),
      "San Angelo Museum of Fine Arts");
  json_decref(j);
  plan__free(text);
}

static void test_short_submission(void) {
  write_submission(40);
  char args[2048];
  char *out = NULL;
  snprintf(args, sizeof args, QUERIES " --plans '%s'", sub_path);
  ASSERT_EQ(run(args, true, &out), 0);
  ASSERT_CONTAINS(out, "has 40 lines for 45 queries");
  ASSERT_CONTAINS(out, "Delivery Rate                             88.89%     "
                       "40 / 45");
  plan__free(out);
}

static void test_errors(void) {
  char *out = NULL;
  ASSERT_EQ(run("", true, &out), 2);
  ASSERT_CONTAINS(out, "--queries and --plans are required");
  plan__free(out);
  ASSERT_EQ(run("--help", false, &out), 0);
  ASSERT_CONTAINS(out, "usage: plan eval travel");
  plan__free(out);
  ASSERT_EQ(run("--queries a --plans b --mode lenient", true, &out), 2);
  ASSERT_CONTAINS(out, "--mode must be 'official' or 'strict'");
  plan__free(out);
  ASSERT_EQ(run("--bogus", true, &out), 2);
  ASSERT_CONTAINS(out, "unknown option '--bogus'");
  plan__free(out);
  char bad[1024];
  snprintf(bad, sizeof bad, "%s/travel_cli_bad_queries.jsonl", PLAN_BINARY_DIR);
  FILE *f = fopen(bad, "w");
  ASSERT(f);
  fprintf(f, "{\"org\": \"St. Petersburg\", \"dest\": \"Rockford\", \"days\": "
             "4, \"date\": [], \"people_number\": 1, \"budget\": 1}\n");
  fclose(f);
  char args[2048];
  snprintf(args, sizeof args, "--queries '%s' --plans /dev/null", bad);
  ASSERT_EQ(run(args, true, &out), 2);
  ASSERT_CONTAINS(out, "travel_cli_bad_queries.jsonl:1: field 'days': must "
                       "be 3, 5 or 7 (got 4)");
  plan__free(out);
  snprintf(args, sizeof args,
           QUERIES " --plans /dev/null --database /nonexistent");
  ASSERT_EQ(run(args, true, &out), 2);
  ASSERT_CONTAINS(out, "database /nonexistent");
  plan__free(out);
  f = fopen(bad, "w");
  fprintf(f, "{\"plan\": []}\n[]\n");
  fclose(f);
  snprintf(args, sizeof args, QUERIES " --plans '%s'", bad);
  ASSERT_EQ(run(args, true, &out), 2);
  ASSERT_CONTAINS(out, "travel_cli_bad_queries.jsonl:2: expected an object");
  plan__free(out);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_table);
  RUN(test_json_and_details);
  RUN(test_short_submission);
  RUN(test_errors);
  TEST_END();
}
