/* tests/unit/test_travel_solver_cli.c: `plan --task travel.json` end to end
 * through the real binary ($PLAN_CLI): the example tasks of data/tasks, the
 * exit statuses (0 plan, 1 no plan, 2 bad input), the submission line on
 * stdout, --first, --output, --relax, and a natural-language task
 * translated by the scripted model. */
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "core/json.h"
#include "test.h"

#define TASKS PLAN_SOURCE_DIR "/data/tasks"

/* Runs the CLI with args (a shell fragment); returns the exit status and
 * stdout (new, plan__free), stderr into err_out when non-NULL. */
static int run(const char *args, char **out, char **err_out) {
  const char *cli = getenv("PLAN_CLI");
  ASSERT(cli);
  char errpath[] = "/tmp/plan_travel_cli_XXXXXX";
  int fd = mkstemp(errpath);
  ASSERT(fd >= 0);
  close(fd);
  char cmd[2048];
  plan__fmt(cmd, sizeof cmd, "'%s' %s 2>'%s'", cli, args, errpath);
  FILE *p = popen(cmd, "r");
  ASSERT(p);
  plan__buf b;
  plan__buf_init(&b, 0);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
    plan__buf_append(&b, chunk, n);
  int status = pclose(p);
  *out = plan__buf_take(&b);
  char *e = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(errpath, 0, &e, &len, &err));
  unlink(errpath);
  if (err_out)
    *err_out = e;
  else
    plan__free(e);
  ASSERT(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static json_t *parse_line(const char *out) {
  plan_error err;
  json_t *j = plan__json_parse(out, strlen(out), "stdout", &err);
  if (!j)
    fprintf(stderr, "stdout is not JSON: %s\n%s\n", err.text, out);
  ASSERT(j);
  return j;
}

static void test_demo_task(void) {
  char *out, *err;
  ASSERT_EQ(run("--task " TASKS "/travel.json", &out, &err), 0);
  json_t *j = parse_line(out);
  ASSERT_EQ(json_integer_value(json_object_get(j, "idx")), 1);
  json_t *plan = json_object_get(j, "plan");
  ASSERT_EQ(json_array_size(plan), 3);
  ASSERT_STR_EQ(json_string_value(
                    json_object_get(json_array_get(plan, 0), "current_city")),
                "from St. Petersburg to Rockford");
  ASSERT_CONTAINS(err, "Day 2  Rockford");
  ASSERT_CONTAINS(err, "evaluator (official): PASS");
  ASSERT_CONTAINS(err, "evaluator (strict): PASS");
  json_decref(j);
  plan__free(out);
  plan__free(err);
}

static void test_state_and_sole_planning(void) {
  char *out, *err;
  ASSERT_EQ(run("--task " TASKS "/travel_texas.json --first", &out, &err), 0);
  json_t *j = parse_line(out);
  ASSERT_EQ(json_array_size(json_object_get(j, "plan")), 7);
  ASSERT_CONTAINS(err, "evaluator (strict): PASS");
  json_decref(j);
  plan__free(out);
  plan__free(err);
  ASSERT_EQ(run("--task " TASKS "/travel_sole_planning.json", &out, &err), 0);
  ASSERT_CONTAINS(err, "data: reference information");
  ASSERT_CONTAINS(err, "evaluator (official): PASS");
  plan__free(out);
  plan__free(err);
}

static void test_output_file(void) {
  char path[] = "/tmp/plan_travel_out_XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  close(fd);
  char args[512];
  plan__fmt(args, sizeof args, "--task %s/travel.json --output '%s'", TASKS,
            path);
  char *out;
  ASSERT_EQ(run(args, &out, NULL), 0);
  char *file = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(path, 0, &file, &len, &err));
  ASSERT_STR_EQ(file, out);
  plan__free(file);
  plan__free(out);
  unlink(path);
}

static void test_infeasible_and_relax(void) {
  char *out, *err;
  ASSERT_EQ(run("--task " TASKS "/travel_infeasible.json", &out, &err), 1);
  json_t *j = parse_line(out);
  ASSERT(json_is_null(json_object_get(j, "plan")));
  json_t *c = json_array_get(json_object_get(j, "conflicts"), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(c, "constraint")),
                "house rule");
  ASSERT_STR_EQ(json_string_value(json_object_get(c, "place")), "Nashville");
  ASSERT_CONTAINS(err, "no plan satisfies the request");
  json_decref(j);
  plan__free(out);
  plan__free(err);

  ASSERT_EQ(run("--task " TASKS "/travel_infeasible.json --relax", &out, &err),
            0);
  j = parse_line(out);
  ASSERT_EQ(json_array_size(json_object_get(j, "plan")), 3);
  json_t *r = json_object_get(j, "relaxed");
  ASSERT(r);
  ASSERT_CONTAINS(json_string_value(json_object_get(r, "change")), "drop");
  ASSERT_CONTAINS(err, "relaxed: ");
  ASSERT_CONTAINS(err, "evaluator (strict): PASS");
  json_decref(j);
  plan__free(out);
  plan__free(err);
}

static void test_natural_language(void) {
  char *out, *err;
  ASSERT_EQ(run("--task " TASKS "/travel_nl.json --provider scripted "
                "--script " TASKS "/travel_nl.script.json --samples 3",
                &out, &err),
            0);
  ASSERT_CONTAINS(err, "translated by the model (3/3 samples agree");
  ASSERT_CONTAINS(err, "Asheville -> New York, 5 days");
  json_t *j = parse_line(out);
  ASSERT_EQ(json_array_size(json_object_get(j, "plan")), 5);
  json_decref(j);
  plan__free(out);
  plan__free(err);
  /* Without a model the task cannot be translated. */
  ASSERT_EQ(
      run("--task " TASKS "/travel_nl.json --provider scripted", &out, &err),
      2);
  ASSERT_CONTAINS(err, "needs --script");
  plan__free(out);
  plan__free(err);
}

static void bad_task(const char *json, const char *want) {
  char path[] = "/tmp/plan_travel_task_XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  ASSERT(write(fd, json, strlen(json)) == (ssize_t)strlen(json));
  close(fd);
  char args[256], *out, *err;
  plan__fmt(args, sizeof args, "--task '%s'", path);
  ASSERT_EQ(run(args, &out, &err), 2);
  ASSERT_CONTAINS(err, want);
  ASSERT_STR_EQ(out, "");
  plan__free(out);
  plan__free(err);
  unlink(path);
}

static void test_bad_tasks(void) {
  bad_task("{\"kind\":\"travel\",\"org\":\"St. Petersburg\",\"dest\":"
           "\"Rockford\",\"days\":4,\"date\":[\"2022-03-16\"],"
           "\"people_number\":1,\"budget\":100}",
           "field 'days': must be 3, 5 or 7 (got 4)");
  bad_task("{\"org\":\"Atlantis\",\"dest\":\"Rockford\",\"days\":3,\"date\":"
           "[\"2022-03-16\",\"2022-03-17\",\"2022-03-18\"],\"people_number\":"
           "1,\"budget\":100}",
           "field 'org': unknown city 'Atlantis'");
  bad_task("{\"org\":\"St. Petersburg\",\"dest\":\"Rockford\",\"days\":3,"
           "\"date\":[\"2022-03-16\",\"2022-03-17\",\"2022-03-18\"],"
           "\"people_number\":1,\"budget\":-5}",
           "field 'budget': must be >= 0");
  bad_task("{\"org\":\"St. Petersburg\",\"dest\":\"Rockford\",\"days\":3,"
           "\"date\":\"soon\",\"people_number\":1,\"budget\":100}",
           "field 'date'");
  bad_task("{\"kind\":\"travel\",\"budget\":100}",
           "needs the structured fields");
  char *out, *err;
  ASSERT_EQ(run("--task " TASKS "/travel.json --bogus", &out, &err), 2);
  ASSERT_CONTAINS(err, "unknown option '--bogus'");
  plan__free(out);
  plan__free(err);
  ASSERT_EQ(
      run("--task " TASKS "/travel.json --database /nonexistent", &out, &err),
      2);
  ASSERT_CONTAINS(err, "/nonexistent");
  plan__free(out);
  plan__free(err);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_demo_task);
  RUN(test_state_and_sole_planning);
  RUN(test_output_file);
  RUN(test_infeasible_and_relax);
  RUN(test_natural_language);
  RUN(test_bad_tasks);
  TEST_END();
}
