/* tests/unit/test_pddl_cli.c: the PDDL commands of the plan binary (path
 * in PLAN_CLI): `plan validate` prints VAL-like text or JSON and exits
 * 0/1/2, and `plan --task` runs the embedded Blocksworld task with the
 * solver and rejects unknown kinds, algorithms and bad input with exit
 * status 2. (The search modes llm/hybrid are cli/cmd_search.c's.) */
#include <sys/wait.h>

#include "test.h"

static const char *cli;
static char tmp_dir[1024];

/* Runs cmd with stdout (and stderr, unless cmd redirects it) captured
 * into *out (malloc'd); returns the exit status. */
static int run(const char *cmd, char **out) {
  char full[4096];
  snprintf(full, sizeof full, "%s%s", cmd, strstr(cmd, "2>") ? "" : " 2>&1");
  FILE *p = popen(full, "r");
  ASSERT(p != NULL);
  size_t cap = 1 << 16;
  size_t n = 0;
  char *buf = malloc(cap);
  ASSERT(buf != NULL);
  for (;;) {
    size_t k = fread(buf + n, 1, cap - 1 - n, p);
    if (k == 0)
      break;
    n += k;
    if (n + 1 >= cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      ASSERT(buf != NULL);
    }
  }
  buf[n] = '\0';
  int st = pclose(p);
  *out = buf;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *name, const char *text, char *path,
                       size_t size) {
  snprintf(path, size, "%s/%s", tmp_dir, name);
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  fputs(text, f);
  fclose(f);
}

#define DATA PLAN_SOURCE_DIR "/data/pddl/blocksworld/"

static void test_validate(void) {
  char good[1200];
  char bad[1200];
  char junk[1200];
  char cmd[4096];
  write_file("good.plan",
             "(unstack d b)\n(put-down d)\n(unstack b f)\n(put-down b)\n"
             "(unstack f e)\n(put-down f)\n(unstack e c)\n(put-down e)\n"
             "(pick-up f)\n(stack f e)\n(unstack c a)\n(put-down c)\n"
             "(pick-up a)\n(stack a f)\n(pick-up c)\n(stack c a)\n"
             "(pick-up b)\n(stack b c)\n(pick-up d)\n(stack d b)\n",
             good, sizeof good);
  write_file("bad.plan", "(unstack d b)\n(put-down d)\n\n(stack b d)\n", bad,
             sizeof bad);
  write_file("junk.plan", "(unstack d b)\nstack b d\n", junk, sizeof junk);
  char *out;
  snprintf(cmd, sizeof cmd,
           "'%s' validate '%sdomain.pddl' "
           "'%sproblem-6blocks.pddl' '%s'",
           cli, DATA, DATA, good);
  ASSERT_EQ(run(cmd, &out), 0);
  ASSERT_CONTAINS(out, "Plan executed successfully - checking goal\n"
                       "Plan valid\nFinal value: 20\n");
  free(out);
  snprintf(cmd, sizeof cmd,
           "'%s' validate '%sdomain.pddl' "
           "'%sproblem-6blocks.pddl' '%s'",
           cli, DATA, DATA, bad);
  ASSERT_EQ(run(cmd, &out), 1);
  ASSERT_CONTAINS(out, "Plan failed to execute");
  ASSERT_CONTAINS(out, "(Set (holding b) to true)");
  ASSERT_CONTAINS(out, "bad.plan:4: step 3 (stack b d): precondition "
                       "(holding b) is false");
  free(out);
  snprintf(cmd, sizeof cmd,
           "'%s' validate '%sdomain.pddl' "
           "'%sproblem-6blocks.pddl' '%s' --json",
           cli, DATA, DATA, bad);
  ASSERT_EQ(run(cmd, &out), 1);
  ASSERT_CONTAINS(out, "\"verdict\":\"precondition\"");
  ASSERT_CONTAINS(out, "\"failed_step\":2");
  free(out);
  snprintf(cmd, sizeof cmd,
           "'%s' validate '%sdomain.pddl' "
           "'%sproblem-6blocks.pddl' '%s'",
           cli, DATA, DATA, junk);
  ASSERT_EQ(run(cmd, &out), 2);
  ASSERT_CONTAINS(out, "junk.plan:2:1: expected an action in parentheses, "
                       "found 'stack'");
  free(out);
  /* Domain errors name file:line:column. */
  char dom[1200];
  write_file("bad-domain.pddl",
             "(define (domain d)\n  (:requirements :strips :fluents))\n", dom,
             sizeof dom);
  snprintf(cmd, sizeof cmd,
           "'%s' validate '%s' '%sproblem-6blocks.pddl' "
           "'%s'",
           cli, dom, DATA, good);
  ASSERT_EQ(run(cmd, &out), 2);
  ASSERT_CONTAINS(out, "bad-domain.pddl:2:26: requirement :fluents is not "
                       "supported");
  free(out);
  snprintf(cmd, sizeof cmd, "'%s' validate only-one-arg", cli);
  ASSERT_EQ(run(cmd, &out), 2);
  ASSERT_CONTAINS(out, "usage: plan validate");
  free(out);
}

static void test_task(void) {
  char cmd[4096];
  char *out;
  snprintf(cmd, sizeof cmd,
           "'%s' --task '%s/data/tasks/blocksworld.json' 2>/dev/null", cli,
           PLAN_SOURCE_DIR);
  ASSERT_EQ(run(cmd, &out), 0);
  json_error_t jerr;
  json_t *j = json_loads(out, 0, &jerr);
  ASSERT(j != NULL);
  ASSERT_EQ(json_integer_value(json_object_get(j, "cost")), 20);
  ASSERT(json_is_true(json_object_get(j, "valid")));
  ASSERT(json_is_true(json_object_get(j, "optimal")));
  ASSERT_EQ(json_array_size(json_object_get(j, "plan")), 20);
  ASSERT_STR_EQ(
      json_string_value(json_array_get(json_object_get(j, "plan"), 0)),
      "(unstack d b)");
  json_decref(j);
  free(out);

  snprintf(cmd, sizeof cmd,
           "'%s' --task '%s/data/tasks/blocksworld.json' --algo gbfs", cli,
           PLAN_SOURCE_DIR);
  ASSERT_EQ(run(cmd, &out), 0);
  ASSERT_CONTAINS(out, "\"algo\":\"gbfs\"");
  ASSERT_CONTAINS(out, "valid by the validator");
  free(out);

  char path[1200];
  snprintf(path, sizeof path, "%s/kind.json", tmp_dir);
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  fputs("{\"kind\":\"chess\"}", f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' --task '%s'", cli, path);
  ASSERT_EQ(run(cmd, &out), 2);
  ASSERT_CONTAINS(out, "task kind 'chess' is not supported");
  free(out);

  /* A missing problem file: the path resolves next to the task file. */
  snprintf(path, sizeof path, "%s/missing.json", tmp_dir);
  f = fopen(path, "w");
  ASSERT(f != NULL);
  fprintf(f,
          "{\"kind\":\"pddl\",\"domain\":\"%s/data/pddl/blocksworld/"
          "domain.pddl\",\"problem\":\"nope.pddl\",\"mode\":\"solver\"}",
          PLAN_SOURCE_DIR);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s' --task '%s'", cli, path);
  ASSERT_EQ(run(cmd, &out), 2);
  ASSERT_CONTAINS(out, "/nope.pddl");
  free(out);

  snprintf(cmd, sizeof cmd,
           "'%s' --task '%s/data/tasks/blocksworld.json' --algo dfs", cli,
           PLAN_SOURCE_DIR);
  ASSERT_EQ(run(cmd, &out), 2);
  ASSERT_CONTAINS(out, "unknown algo 'dfs'");
  free(out);

  /* A node budget too small: no plan, exit 1. */
  snprintf(cmd, sizeof cmd,
           "'%s' --task '%s/data/tasks/blocksworld.json' --max-nodes 5", cli,
           PLAN_SOURCE_DIR);
  ASSERT_EQ(run(cmd, &out), 1);
  ASSERT_CONTAINS(out, "node budget of 5 states exhausted");
  free(out);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  cli = getenv("PLAN_CLI");
  if (!cli) {
    fprintf(stderr, "PLAN_CLI is not set (run through ctest)\n");
    return 1;
  }
  snprintf(tmp_dir, sizeof tmp_dir, "%s/test_pddl_cli.tmp", PLAN_BINARY_DIR);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp_dir);
  ASSERT_EQ(system(cmd), 0);
  RUN(test_validate);
  RUN(test_task);
  TEST_END();
}
