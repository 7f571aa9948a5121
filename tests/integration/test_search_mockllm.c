/* tests/integration/test_search_mockllm.c: `plan --task` searches end to
 * end through the real binary ($PLAN_CLI), the OpenAI HTTP backend and the
 * mockllm TEST DOUBLE's oracle brain (benchmarks/mockllm/brain_oracle.c:
 * the exact simulator answering our PDDL prompts, with seeded noise) on
 * small PlanBench Blocksworld instances with the PlanBench natural
 * language (configs/blocksworld.yaml):
 *
 * - hybrid mode at the low noise level: best-first, DFS, beam and MCTS
 *   find plans the validator accepts (greedy, the baseline, may fail, and
 *   then says so with exit status 1); the JSONL trace parses, starts with
 *   "start", ends with a "result" naming the printed plan, and has one
 *   llm_call event per LLM call counted;
 * - llm mode: with exact answers every algorithm's plan is valid and the
 *   LLM world model makes no error; with noise the exit status follows the
 *   validator (a plan built on a wrong prediction is reported, exit 1);
 * - replay: a search recorded through a cassette, the server stopped, the
 *   search replayed from the cassette alone: the trace byte for byte and
 *   the result (wall time aside) are the same, also with another
 *   concurrency.
 *
 * Needs ../shared/data/planbench (skipped with a message without it). */
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "core/json.h"
#include "mockllm_proc.h"
#include "test.h"

static const char *data = PLAN_SOURCE_DIR "/../shared/data/planbench";
#define DOMAIN "/instances/blocksworld/generated_domain.pddl"
#define PROBLEMS "/instances/blocksworld/generated_basic"
#define CONFIG "/configs/blocksworld.yaml"

static char tmpdir[256];

/* Runs the CLI with args (a shell fragment); returns the exit status,
 * stdout in *out (new, plan__free) and stderr in *err_out (may be NULL). */
static int run(const char *args, char **out, char **err_out) {
  const char *cli = getenv("PLAN_CLI");
  ASSERT(cli);
  char errpath[300];
  snprintf(errpath, sizeof errpath, "%s/stderr", tmpdir);
  char cmd[4096];
  int n = snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", cli, args, errpath);
  ASSERT(n > 0 && (size_t)n < sizeof cmd);
  FILE *p = popen(cmd, "r");
  ASSERT(p);
  plan__buf b;
  plan__buf_init(&b, 0);
  char chunk[4096];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
    plan__buf_append(&b, chunk, k);
  int status = pclose(p);
  ASSERT_OK(b.status);
  *out = plan__buf_take(&b);
  char *e = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(errpath, 0, &e, &len, &err));
  ASSERT(!strstr(e, "Sanitizer") && !strstr(e, "runtime error:"));
  if (err_out)
    *err_out = e;
  else
    plan__free(e);
  ASSERT(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static json_t *parse_out(const char *out) {
  plan_error err;
  json_t *j = plan__json_parse(out, strlen(out), "stdout", &err);
  if (!j)
    fprintf(stderr, "stdout is not JSON: %s\n%s\n", err.text, out);
  ASSERT(j && json_is_object(j));
  return j;
}

static char *read_text(const char *path) {
  char *t = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(path, 0, &t, &len, &err));
  return t;
}

/* Writes the task file for instance N and returns its path (static). */
static const char *task_file(int instance) {
  static char path[300];
  snprintf(path, sizeof path, "%s/task-%d.json", tmpdir, instance);
  char dom[400], prob[400], cfg[400];
  snprintf(dom, sizeof dom, "%s%s", data, DOMAIN);
  snprintf(prob, sizeof prob, "%s%s/instance-%d.pddl", data, PROBLEMS,
           instance);
  snprintf(cfg, sizeof cfg, "%s%s", data, CONFIG);
  json_t *t =
      json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "pddl", "domain", dom,
                "problem", prob, "pb_config", cfg, "mode", "hybrid");
  ASSERT(t);
  ASSERT_EQ(json_dump_file(t, path, JSON_SORT_KEYS), 0);
  json_decref(t);
  return path;
}

static void start_oracle(mockllm_proc *m, const char *noise, const char *seed) {
  char dom[400], probs[400];
  snprintf(dom, sizeof dom, "%s%s", data, DOMAIN);
  snprintf(probs, sizeof probs, "%s%s", data, PROBLEMS);
  const char *args[] = {"--brain",       "oracle", "--domain", dom,
                        "--problem-dir", probs,    "--noise",  noise,
                        "--seed",        seed,     NULL};
  ASSERT_EQ(mockllm_start(m, args), 0);
}

static void stop_oracle(mockllm_proc *m) {
  mockllm_stop(m);
  ASSERT_EQ(m->exit_status, 0);
}

/* Checks a trace: JSONL of version-1 events, "start" first, "result" last
 * with the plan's actions, and one llm_call per LLM call counted. */
static void check_trace(const char *path, const json_t *result) {
  char *text = read_text(path);
  size_t lines = 0, calls = 0;
  json_t *last = NULL;
  for (char *line = text; *line;) {
    char *nl = strchr(line, '\n');
    ASSERT(nl); /* every line is terminated */
    plan_error err;
    json_t *ev = plan__json_parse(line, (size_t)(nl - line), path, &err);
    if (!ev)
      fprintf(stderr, "%s:%zu: %s\n", path, lines + 1, err.text);
    ASSERT(ev && json_is_object(ev));
    ASSERT_EQ(json_integer_value(json_object_get(ev, "v")), 1);
    const char *name = plan__json_str(ev, "ev");
    ASSERT(name);
    if (lines == 0)
      ASSERT_STR_EQ(name, "start");
    if (!strcmp(name, "llm_call"))
      calls++;
    json_decref(last);
    last = ev;
    lines++;
    line = nl + 1;
  }
  ASSERT(last);
  ASSERT_STR_EQ(plan__json_str(last, "ev"), "result");
  ASSERT(json_equal(json_object_get(last, "actions"),
                    json_object_get(result, "plan")));
  ASSERT_EQ(json_is_true(json_object_get(last, "solved")),
            json_is_true(json_object_get(result, "solved")));
  ASSERT_EQ(calls, json_integer_value(json_object_get(result, "llm_calls")));
  ASSERT(calls > 0);
  json_decref(last);
  plan__free(text);
}

/* ======================================================================
 * Tests
 * ====================================================================== */

static void test_hybrid(void) {
  mockllm_proc m;
  start_oracle(&m, "low", "1");
  /* Greedy is the baseline that fails under noise (no backtracking), so
   * only its consistency is checked: exit 1 and the reason when unsolved. */
  const char *algos[] = {"best-first", "dfs", "beam", "mcts", "greedy"};
  const int instances[] = {2, 7};
  for (size_t k = 0; k < PLAN_ARRAY_LEN(instances); k++) {
    const char *task = task_file(instances[k]);
    for (size_t i = 0; i < PLAN_ARRAY_LEN(algos); i++) {
      char args[2048], trace[300];
      snprintf(trace, sizeof trace, "%s/hybrid-%s.jsonl", tmpdir, algos[i]);
      snprintf(args, sizeof args,
               "--task '%s' --algo %s --base-url %s --model oracle --seed 3 "
               "--trace '%s'",
               task, algos[i], m.base_url, trace);
      char *out, *err;
      int rc = run(args, &out, &err);
      json_t *r = parse_out(out);
      if (!strcmp(algos[i], "greedy") && rc == 1) {
        ASSERT(!json_is_true(json_object_get(r, "solved")));
        ASSERT_CONTAINS(plan__json_str(r, "error"), "not solved: ");
        ASSERT_CONTAINS(err, "plan: not solved: ");
        check_trace(trace, r);
        json_decref(r);
        plan__free(out);
        plan__free(err);
        continue;
      }
      if (rc != 0)
        fprintf(stderr, "%s\n%s\n", out, err);
      ASSERT_EQ(rc, 0);
      ASSERT_STR_EQ(plan__json_str(r, "mode"), "hybrid");
      ASSERT_STR_EQ(plan__json_str(r, "algo"), algos[i]);
      ASSERT(json_is_true(json_object_get(r, "solved")));
      ASSERT(json_is_true(json_object_get(r, "valid")));
      ASSERT_STR_EQ(plan__json_str(r, "stop"), "goal");
      ASSERT(json_array_size(json_object_get(r, "plan")) > 0);
      ASSERT_EQ(json_integer_value(json_object_get(r, "llm_failures")), 0);
      ASSERT_CONTAINS(err, "valid by the validator");
      check_trace(trace, r);
      json_decref(r);
      plan__free(out);
      plan__free(err);
    }
  }
  stop_oracle(&m);
}

static void test_llm_mode(void) {
  /* Exact answers: every algorithm, a valid plan, no world-model error. */
  mockllm_proc m;
  start_oracle(&m, "none", "0");
  const char *task = task_file(2);
  const char *algos[] = {"best-first", "dfs", "beam", "mcts", "greedy"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(algos); i++) {
    char args[2048];
    snprintf(args, sizeof args,
             "--task '%s' --mode llm --algo %s --base-url %s --model oracle "
             "--seed 3",
             task, algos[i], m.base_url);
    char *out;
    ASSERT_EQ(run(args, &out, NULL), 0);
    json_t *r = parse_out(out);
    ASSERT_STR_EQ(plan__json_str(r, "mode"), "llm");
    ASSERT(json_is_true(json_object_get(r, "valid")));
    const json_t *wm =
        json_object_get(json_object_get(r, "stats"), "world_model");
    ASSERT(wm);
    ASSERT(json_integer_value(json_object_get(wm, "checked")) > 0);
    ASSERT_EQ(json_integer_value(json_object_get(wm, "wrong")), 0);
    ASSERT_EQ(json_integer_value(json_object_get(wm, "unparseable")), 0);
    json_decref(r);
    plan__free(out);
  }
  stop_oracle(&m);

  /* Noise: whatever the search believes, the exit status is the
   * validator's, and a rejected plan says why. */
  start_oracle(&m, "middle", "2");
  const int instances[] = {2, 5, 9};
  for (size_t k = 0; k < PLAN_ARRAY_LEN(instances); k++) {
    char args[2048];
    snprintf(args, sizeof args,
             "--task '%s' --mode llm --base-url %s --model oracle --seed 1",
             task_file(instances[k]), m.base_url);
    char *out, *err;
    int rc = run(args, &out, &err);
    json_t *r = parse_out(out);
    bool solved = json_is_true(json_object_get(r, "solved"));
    bool valid = json_is_true(json_object_get(r, "valid"));
    ASSERT_EQ(rc, solved && valid ? 0 : 1);
    if (solved && !valid) {
      ASSERT_CONTAINS(plan__json_str(r, "error"), "the validator rejects");
      const json_t *wm =
          json_object_get(json_object_get(r, "stats"), "world_model");
      ASSERT(json_integer_value(json_object_get(wm, "wrong")) +
                 json_integer_value(json_object_get(wm, "inapplicable")) >
             0);
    }
    ASSERT_CONTAINS(err, "LLM world model:");
    json_decref(r);
    plan__free(out);
    plan__free(err);
  }
  stop_oracle(&m);
}

/* The output without its wall time (new string). */
static char *without_wall(const char *out) {
  json_t *r = parse_out(out);
  ASSERT(json_object_get(r, "wall_s"));
  json_object_del(r, "wall_s");
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__json_canonical(r, &b));
  json_decref(r);
  return plan__buf_take(&b);
}

static void test_replay(void) {
  mockllm_proc m;
  start_oracle(&m, "middle", "4");
  const char *task = task_file(7);
  char cassette[300], t1[300], t2[300], t3[300], args[2048];
  snprintf(cassette, sizeof cassette, "%s/search.cassette.jsonl", tmpdir);
  snprintf(t1, sizeof t1, "%s/record.jsonl", tmpdir);
  snprintf(t2, sizeof t2, "%s/replay.jsonl", tmpdir);
  snprintf(t3, sizeof t3, "%s/replay-c1.jsonl", tmpdir);
  char url[64];
  snprintf(url, sizeof url, "%s", m.base_url);
  snprintf(args, sizeof args,
           "--task '%s' --mode hybrid --algo mcts --value-samples 4 "
           "--base-url %s --model oracle --seed 11 --cassette '%s' "
           "--cassette-mode record --trace '%s'",
           task, url, cassette, t1);
  char *rec_out;
  int rc_rec = run(args, &rec_out, NULL);
  ASSERT(rc_rec == 0 || rc_rec == 1);
  stop_oracle(&m); /* any network call now fails to connect */

  snprintf(args, sizeof args,
           "--task '%s' --mode hybrid --algo mcts --value-samples 4 "
           "--base-url %s --model oracle --seed 11 --cassette '%s' "
           "--trace '%s'",
           task, url, cassette, t2);
  char *rep_out;
  ASSERT_EQ(run(args, &rep_out, NULL), rc_rec);
  snprintf(args, sizeof args,
           "--task '%s' --mode hybrid --algo mcts --value-samples 4 "
           "--model oracle --cassette '%s' --seed 11 --concurrency 1 "
           "--trace '%s'",
           task, cassette, t3);
  char *rep1_out;
  ASSERT_EQ(run(args, &rep1_out, NULL), rc_rec);

  char *a = read_text(t1), *b = read_text(t2), *c = read_text(t3);
  ASSERT(strlen(a) > 0);
  ASSERT_STR_EQ(a, b); /* the same tree, event for event */
  ASSERT_STR_EQ(a, c);
  char *ra = without_wall(rec_out), *rb = without_wall(rep_out),
       *rc = without_wall(rep1_out);
  ASSERT_STR_EQ(ra, rb); /* the same plan and counters */
  ASSERT_STR_EQ(ra, rc);
  json_t *r = parse_out(rep_out);
  ASSERT(json_array_size(json_object_get(r, "plan")) > 0);
  ASSERT(json_integer_value(json_object_get(r, "llm_calls")) > 0);
  check_trace(t2, r);
  json_decref(r);
  plan__free(a);
  plan__free(b);
  plan__free(c);
  plan__free(ra);
  plan__free(rb);
  plan__free(rc);
  plan__free(rec_out);
  plan__free(rep_out);
  plan__free(rep1_out);
}

static void remove_tmpdir(void) {
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "cannot remove %s\n", tmpdir);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  char dom[400];
  snprintf(dom, sizeof dom, "%s%s", data, DOMAIN);
  FILE *f = fopen(dom, "r");
  if (!f) {
    fprintf(stderr, "   (no PlanBench data at %s: skipped)\n", data);
    plan_global_cleanup();
    return 0;
  }
  fclose(f);
  snprintf(tmpdir, sizeof tmpdir, "/tmp/plan_search_mockllm_XXXXXX");
  ASSERT(mkdtemp(tmpdir));
  RUN(test_hybrid);
  RUN(test_llm_mode);
  RUN(test_replay);
  remove_tmpdir();
  TEST_END();
}
