/* tests/unit/test_search_api.c: the public search API of include/plan.h
 * (planner/api.c): options and create errors, every algorithm with exact
 * callbacks on a small number puzzle, pruning by the simulator, missing
 * values, callback failures, misuse (a sink kept past its callback, a run
 * from inside a callback, bad handles), budgets, reusing a handle, the
 * trace file, and the LLM defaults through the scripted backend: a text
 * task searched by the LLM alone and exact callbacks with the LLM's value
 * function. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "core/core.h"
#include "test.h"

/* ======================================================================
 * The puzzle: from a number, reach TARGET with "add 1", "add 3", "double".
 * A state is "n=K". States above LIMIT are refused by the simulator.
 * ====================================================================== */

enum { TARGET = 10, LIMIT = 40 };

typedef struct puzzle {
  int proposes, simulates, evaluates, goals;
  plan_status fail_propose; /* returned by propose when set */
  plan_status fail_evaluate;
  bool nan_values;     /* evaluate gives NaN */
  bool unknown_values; /* evaluate returns ENOTFOUND */
  bool offer_bad;      /* propose also offers "jump" (never applicable) */
  plan_action_sink *kept_sink;
  plan_state_buf *kept_buf;
  plan_search *self; /* for the re-entrancy check */
  plan_status reentry;
  plan_status empty_add;
} puzzle;

static int state_n(const char *state) {
  int n = -1;
  ASSERT(sscanf(state, "n=%d", &n) == 1);
  return n;
}

static plan_status p_propose(void *ud, const char *state,
                             plan_action_sink *sink) {
  puzzle *p = ud;
  p->proposes++;
  (void)state_n(state);
  p->kept_sink = sink;
  if (p->self)
    p->reentry = plan_search_run(p->self, "n=0");
  if (p->fail_propose)
    return p->fail_propose;
  p->empty_add = plan_action_sink_add(sink, "");
  const char *acts[] = {"add 1", "add 3", "double"};
  for (size_t i = 0; i < 3; i++) {
    plan_status st = plan_action_sink_add(sink, acts[i]);
    if (st == PLAN_EBUDGET)
      return PLAN_OK;
    ASSERT_OK(st);
  }
  if (p->offer_bad)
    ASSERT_OK(plan_action_sink_add(sink, "jump"));
  return PLAN_OK;
}

static plan_status p_simulate(void *ud, const char *state, const char *action,
                              plan_state_buf *out) {
  puzzle *p = ud;
  p->simulates++;
  p->kept_buf = out;
  int n = state_n(state);
  if (!strcmp(action, "add 1"))
    n += 1;
  else if (!strcmp(action, "add 3"))
    n += 3;
  else if (!strcmp(action, "double"))
    n *= 2;
  else
    return PLAN_ENOTFOUND;
  if (n > LIMIT)
    return PLAN_ENOTFOUND;
  char text[32];
  int len = snprintf(text, sizeof text, "n=%d", n);
  /* Written in two pieces. */
  ASSERT_OK(plan_state_buf_append(out, text, 2));
  return plan_state_buf_append(out, text + 2, (size_t)len - 2);
}

static plan_status p_evaluate(void *ud, const char *state, double *out) {
  puzzle *p = ud;
  p->evaluates++;
  if (p->fail_evaluate)
    return p->fail_evaluate;
  if (p->unknown_values)
    return PLAN_ENOTFOUND;
  int n = state_n(state);
  *out = p->nan_values ? NAN : 1.0 - fabs((double)(TARGET - n)) / TARGET;
  return PLAN_OK;
}

static bool p_goal(void *ud, const char *state) {
  puzzle *p = ud;
  p->goals++;
  return state_n(state) == TARGET;
}

static void exact_options(plan_search_options *o, puzzle *p) {
  plan_search_options_init(o, PLAN_SEARCH_OPTIONS_VERSION);
  o->propose = p_propose;
  o->simulate = p_simulate;
  o->evaluate = p_evaluate;
  o->is_goal = p_goal;
  o->ud = p;
}

/* The plan applied to 0 gives TARGET. */
static void check_plan(const plan_search *s) {
  int n = 0;
  for (size_t i = 0; i < plan_search_plan_length(s); i++) {
    const char *a = plan_search_plan_step(s, i);
    ASSERT(a);
    n = !strcmp(a, "add 1") ? n + 1 : !strcmp(a, "add 3") ? n + 3 : n * 2;
  }
  ASSERT_EQ(n, TARGET);
  ASSERT(plan_search_plan_step(s, plan_search_plan_length(s)) == NULL);
  ASSERT_STR_EQ(plan_search_final_state(s), "n=10");
}

/* ======================================================================
 * Tests
 * ====================================================================== */

static void test_algo_names(void) {
  const char *names[] = {"best-first", "dfs", "beam", "mcts", "greedy"};
  for (size_t i = 0; i < 5; i++) {
    plan_search_algo a;
    ASSERT_OK(plan_search_algo_parse(names[i], &a));
    ASSERT_EQ(a, i);
    ASSERT_STR_EQ(plan_search_algo_name(a), names[i]);
  }
  plan_search_algo a = PLAN_SEARCH_DFS;
  ASSERT_STATUS(plan_search_algo_parse("astar", &a), PLAN_EINVAL);
  ASSERT_EQ(a, PLAN_SEARCH_DFS);
  ASSERT_STATUS(plan_search_algo_parse(NULL, &a), PLAN_EINVAL);
  ASSERT_STR_EQ(plan_search_algo_name((plan_search_algo)99), "?");
}

static void test_create_errors(void) {
  puzzle p;
  memset(&p, 0, sizeof p);
  plan_search_options o;
  plan_error err;
  plan_search *s = (plan_search *)&p; /* must be reset to NULL */

  ASSERT_STATUS(plan_search_create(NULL, NULL, NULL, &err), PLAN_EMISUSE);
  exact_options(&o, &p);
  o.version = 99;
  ASSERT_STATUS(plan_search_create(NULL, &o, &s, &err), PLAN_EINVAL);
  ASSERT(s == NULL);
  ASSERT_CONTAINS(err.text, "unsupported version 99");

  exact_options(&o, &p);
  o.simulate = NULL;
  ASSERT_STATUS(plan_search_create(NULL, &o, &s, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "no simulate callback");
  exact_options(&o, &p);
  o.is_goal = NULL;
  ASSERT_STATUS(plan_search_create(NULL, &o, &s, NULL), PLAN_EINVAL);
  ASSERT_STATUS(plan_search_create(NULL, NULL, &s, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "no propose callback");

  exact_options(&o, &p);
  o.algo = (plan_search_algo)42;
  ASSERT_STATUS(plan_search_create(NULL, &o, &s, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "unknown algo");
  exact_options(&o, &p);
  o.n_actions = 2;
  ASSERT_STATUS(plan_search_create(NULL, &o, &s, &err), PLAN_EINVAL);
  exact_options(&o, &p);
  o.prune_below = NAN;
  ASSERT_STATUS(plan_search_create(NULL, &o, &s, &err), PLAN_EINVAL);

  /* An LLM default needs a goal; a broken prompt override fails early. */
  plan_llm *llm = NULL;
  ASSERT_OK(plan_llm_scripted_create("[{\"reply\":\"x\"}]", NULL, &llm, &err));
  exact_options(&o, &p);
  o.evaluate = NULL;
  ASSERT_STATUS(plan_search_create(llm, &o, &s, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "goal is required");
  o.goal = "n is 10";
  o.prompts_dir = "/nonexistent-prompts-dir";
  ASSERT_OK(plan_search_create(llm, &o, &s, &err)); /* missing dir: none */
  plan_search_destroy(s);
  char dir[] = "/tmp/plan_api_prompts_XXXXXX";
  ASSERT(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/text-value.txt", dir);
  FILE *f = fopen(path, "w");
  ASSERT(f);
  fputs("[ROLE: value]\n{{stat}}\n", f);
  fclose(f);
  o.prompts_dir = dir;
  ASSERT_STATUS(plan_search_create(llm, &o, &s, &err), PLAN_EPARSE);
  ASSERT_CONTAINS(err.text, "{{stat}}");
  ASSERT(s == NULL);
  remove(path);
  rmdir(dir);
  plan_llm_destroy(llm);
  ASSERT_EQ(p.proposes + p.simulates + p.evaluates + p.goals, 0);

  /* Bad handles. */
  plan_search_destroy(NULL);
  ASSERT_STATUS(plan_search_run(NULL, "n=0"), PLAN_EMISUSE);
  void *junk = calloc(1, 4096);
  ASSERT(junk);
  ASSERT_STATUS(plan_search_run(junk, "n=0"), PLAN_EMISUSE);
  plan_search_destroy(junk);
  free(junk);
  ASSERT(!plan_search_solved(NULL));
  ASSERT_STR_EQ(plan_search_stop_reason(NULL), "");
  ASSERT_EQ(plan_search_plan_length(NULL), 0);
  ASSERT(plan_search_plan_step(NULL, 0) == NULL);
  ASSERT(plan_search_final_state(NULL) == NULL);
  ASSERT_CONTAINS(plan_search_errmsg(NULL), "not a valid");
  plan_search_stats st;
  st.nodes = 7;
  plan_search_stats_get(NULL, &st);
  ASSERT_EQ(st.nodes, 0);
}

static void test_every_algo(void) {
  for (int a = 0; a < 5; a++) {
    puzzle p;
    memset(&p, 0, sizeof p);
    plan_search_options o;
    exact_options(&o, &p);
    o.algo = (plan_search_algo)a;
    o.max_depth = 8;
    o.mcts_iterations = 500;
    plan_search *s = NULL;
    plan_error err;
    ASSERT_OK(plan_search_create(NULL, &o, &s, &err));
    ASSERT_STR_EQ(plan_search_stop_reason(s), "");
    ASSERT(plan_search_final_state(s) == NULL);
    plan_status st = plan_search_run(s, "n=0");
    if (st != PLAN_OK)
      fprintf(stderr, "%s: %s\n", plan_search_algo_name(o.algo),
              plan_search_errmsg(s));
    ASSERT_OK(st);
    ASSERT(plan_search_solved(s));
    ASSERT_STR_EQ(plan_search_stop_reason(s), "goal");
    check_plan(s);
    plan_search_stats stats;
    plan_search_stats_get(s, &stats);
    ASSERT_EQ(stats.llm_calls, 0);
    ASSERT(stats.nodes > 1 && stats.expansions > 0 && stats.rounds > 0);
    ASSERT_NEAR(stats.value, 1.0, 1e-12);
    ASSERT(p.proposes > 0 && p.simulates > 0 && p.evaluates > 0);
    ASSERT_STR_EQ(plan_search_errmsg(s), "");
    plan_search_destroy(s);
  }
}

/* No evaluator: every state ranks the same, best-first goes breadth
 * first and finds a shortest plan (0 -> 1 -> 2 -> 5 -> 10 is 4 steps; no
 * plan has 3). Unknown and NaN values behave the same way. */
static void test_blind_and_missing_values(void) {
  for (int mode = 0; mode < 3; mode++) {
    puzzle p;
    memset(&p, 0, sizeof p);
    plan_search_options o;
    exact_options(&o, &p);
    if (mode == 0)
      o.evaluate = NULL;
    p.unknown_values = mode == 1;
    p.nan_values = mode == 2;
    o.branching = 3;
    o.batch = 1;
    plan_search *s = NULL;
    ASSERT_OK(plan_search_create(NULL, &o, &s, NULL));
    ASSERT_OK(plan_search_run(s, "n=0"));
    ASSERT(plan_search_solved(s));
    ASSERT_EQ(plan_search_plan_length(s), 4);
    check_plan(s);
    if (mode == 0)
      ASSERT_EQ(p.evaluates, 0);
    plan_search_stats stats;
    plan_search_stats_get(s, &stats);
    ASSERT_NEAR(stats.value, 1.0, 1e-12);
    plan_search_destroy(s);
  }
}

static void test_prune_and_trace(void) {
  puzzle p;
  memset(&p, 0, sizeof p);
  p.offer_bad = true;
  plan_search_options o;
  exact_options(&o, &p);
  char trace[] = "/tmp/plan_api_trace_XXXXXX";
  int fd = mkstemp(trace);
  ASSERT(fd >= 0);
  close(fd);
  o.trace_path = trace;
  plan_search *s = NULL;
  ASSERT_OK(plan_search_create(NULL, &o, &s, NULL));
  ASSERT_OK(plan_search_run(s, "n=0"));
  ASSERT(plan_search_solved(s));
  for (size_t i = 0; i < plan_search_plan_length(s); i++)
    ASSERT(strcmp(plan_search_plan_step(s, i), "jump"));
  char *text = NULL;
  size_t len;
  ASSERT_OK(plan__read_file(trace, 0, &text, &len, NULL));
  ASSERT(!strncmp(text, "{\"algo\":\"best-first\",\"ev\":\"start\"", 33));
  ASSERT_CONTAINS(text, "\"proposer\":\"callback:propose\"");
  ASSERT_CONTAINS(text, "\"reason\":\"inapplicable action\"");
  ASSERT_CONTAINS(text, "\"ev\":\"result\"");
  size_t lines = 0;
  for (const char *c = text; *c; c++)
    lines += *c == '\n';
  plan__free(text);
  /* A second run truncates the trace and gives the same tree. */
  ASSERT_OK(plan_search_run(s, "n=0"));
  ASSERT_OK(plan__read_file(trace, 0, &text, &len, NULL));
  size_t lines2 = 0;
  for (const char *c = text; *c; c++)
    lines2 += *c == '\n';
  ASSERT_EQ(lines2, lines);
  plan__free(text);
  plan_search_destroy(s);
  remove(trace);

  /* A trace that cannot be opened: EIO, an empty result. */
  exact_options(&o, &p);
  o.trace_path = "/nonexistent-dir/trace.jsonl";
  ASSERT_OK(plan_search_create(NULL, &o, &s, NULL));
  ASSERT_STATUS(plan_search_run(s, "n=0"), PLAN_EIO);
  ASSERT_CONTAINS(plan_search_errmsg(s), "/nonexistent-dir/trace.jsonl");
  ASSERT_EQ(plan_search_plan_length(s), 0);
  ASSERT_STR_EQ(plan_search_stop_reason(s), "");
  plan_search_destroy(s);
}

static void test_callback_failures_and_misuse(void) {
  puzzle p;
  memset(&p, 0, sizeof p);
  plan_search_options o;
  exact_options(&o, &p);
  plan_search *s = NULL;
  ASSERT_OK(plan_search_create(NULL, &o, &s, NULL));
  p.self = s;
  ASSERT_OK(plan_search_run(s, "n=0"));
  ASSERT_STATUS(p.reentry, PLAN_EMISUSE);
  ASSERT_STATUS(p.empty_add, PLAN_EINVAL);
  /* Sinks and buffers die with their callback. */
  ASSERT_STATUS(plan_action_sink_add(p.kept_sink, "add 1"), PLAN_EMISUSE);
  ASSERT_STATUS(plan_state_buf_append(p.kept_buf, "x", 1), PLAN_EMISUSE);
  ASSERT_STATUS(plan_action_sink_add(NULL, "add 1"), PLAN_EMISUSE);
  ASSERT_STATUS(plan_state_buf_append(NULL, "x", 1), PLAN_EMISUSE);
  ASSERT_STATUS(plan_search_run(s, NULL), PLAN_EMISUSE);
  p.self = NULL;

  /* A failing propose stops the run with its status and a message. */
  p.fail_propose = PLAN_EIO;
  ASSERT_STATUS(plan_search_run(s, "n=0"), PLAN_EIO);
  ASSERT_CONTAINS(plan_search_errmsg(s), "propose callback returned EIO");
  ASSERT_STR_EQ(plan_search_stop_reason(s), "error");
  ASSERT(!plan_search_solved(s));
  ASSERT_EQ(plan_search_plan_length(s), 0);
  ASSERT_STR_EQ(plan_search_final_state(s), "n=0"); /* the empty plan */
  p.fail_propose = PLAN_OK;

  p.fail_evaluate = PLAN_EBACKEND;
  ASSERT_STATUS(plan_search_run(s, "n=0"), PLAN_EBACKEND);
  ASSERT_CONTAINS(plan_search_errmsg(s), "evaluate callback returned EBACKEND");
  p.fail_evaluate = PLAN_OK;

  /* The handle is still good, from another start too. */
  ASSERT_OK(plan_search_run(s, "n=5"));
  ASSERT(plan_search_solved(s));
  ASSERT_EQ(plan_search_plan_length(s), 1);
  ASSERT_STR_EQ(plan_search_plan_step(s, 0), "double");
  ASSERT_OK(plan_search_run(s, "n=10"));
  ASSERT(plan_search_solved(s));
  ASSERT_EQ(plan_search_plan_length(s), 0);
  plan_search_destroy(s);
}

static void test_budgets(void) {
  puzzle p;
  memset(&p, 0, sizeof p);
  plan_search_options o;
  exact_options(&o, &p);
  o.max_nodes = 6;
  plan_search *s = NULL;
  ASSERT_OK(plan_search_create(NULL, &o, &s, NULL));
  ASSERT_STATUS(plan_search_run(s, "n=0"), PLAN_EBUDGET);
  ASSERT_STR_EQ(plan_search_stop_reason(s), "nodes");
  ASSERT_CONTAINS(plan_search_errmsg(s), "budget exhausted (nodes)");
  ASSERT(!plan_search_solved(s));
  plan_search_stats stats;
  plan_search_stats_get(s, &stats);
  ASSERT_EQ(stats.nodes, 6);
  /* The best plan so far leads to the best-valued state. */
  ASSERT(plan_search_plan_length(s) > 0);
  int n = state_n(plan_search_final_state(s));
  ASSERT(n > 0 && n < TARGET);
  plan_search_destroy(s);

  exact_options(&o, &p);
  o.max_depth = 2;
  ASSERT_OK(plan_search_create(NULL, &o, &s, NULL));
  ASSERT_STATUS(plan_search_run(s, "n=0"), PLAN_EBUDGET);
  ASSERT_STR_EQ(plan_search_stop_reason(s), "depth");
  ASSERT(plan_search_plan_length(s) <= 2);
  plan_search_destroy(s);
}

/* A text task searched by the LLM alone (scripted): proposer, world
 * model, judge and value. */
static const char *const tea_script =
    "[{\"match\":\"ROLE: "
    "propose[\\\\s\\\\S]*\\\\[STATE\\\\]\\\\n[^\\\\[]*cold\",\"reply\":"
    "\"Action: boil the kettle\"},"
    "{\"match\":\"ROLE: propose[\\\\s\\\\S]*\\\\[STATE\\\\]\\\\n[^\\\\[]*cup "
    "is "
    "empty\",\"reply\":\"Action: pour water into the cup\"},"
    "{\"match\":\"ROLE: propose\",\"reply\":\"Action: add a tea bag\"},"
    "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\nboil\","
    "\"reply\":\"Resulting State: The kettle is hot. The cup is empty.\"},"
    "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\npour\","
    "\"reply\":\"Resulting State: The kettle is hot. The cup holds hot "
    "water.\"},"
    "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\nadd\","
    "\"reply\":\"Resulting State: The kettle is hot. The cup holds hot "
    "tea.\"},"
    "{\"match\":\"ROLE: judge[\\\\s\\\\S]*\\\\[STATE\\\\]\\\\n[^\\\\[]*hot "
    "tea\",\"reply\":\"Status: success\"},"
    "{\"match\":\"ROLE: judge\",\"reply\":\"Status: on track\"},"
    "{\"match\":\"ROLE: value\",\"reply\":\"likely\"}]";

static void test_llm_defaults(void) {
  plan_llm *llm = NULL;
  plan_error err;
  ASSERT_OK(plan_llm_scripted_create(tea_script, NULL, &llm, &err));
  plan_search_options o;
  plan_search_options_init(&o, PLAN_SEARCH_OPTIONS_VERSION);
  const char *vocab[] = {"boil the kettle", "pour water into the cup",
                         "add a tea bag"};
  o.goal = "The cup holds hot tea.";
  o.description = "A small kitchen.";
  o.actions = vocab;
  o.n_actions = 3;
  o.value_samples = 2;
  o.seed = 5;
  plan_search *s = NULL;
  ASSERT_OK(plan_search_create(llm, &o, &s, &err));
  ASSERT_OK(plan_search_run(s, "The kettle is cold. The cup is empty."));
  ASSERT(plan_search_solved(s));
  ASSERT_EQ(plan_search_plan_length(s), 3);
  ASSERT_STR_EQ(plan_search_plan_step(s, 0), "boil the kettle");
  ASSERT_STR_EQ(plan_search_plan_step(s, 2), "add a tea bag");
  ASSERT_STR_EQ(plan_search_final_state(s),
                "The kettle is hot. The cup holds hot tea.");
  plan_search_stats st;
  plan_search_stats_get(s, &st);
  ASSERT(st.llm_calls > 0 && st.tokens > 0);
  uint64_t calls = st.llm_calls;

  /* Budgets count per run: a second run has the same calls; a call
   * budget ends a run early with the best plan so far. */
  ASSERT_OK(plan_search_run(s, "The kettle is cold. The cup is empty."));
  plan_search_stats_get(s, &st);
  ASSERT_EQ(st.llm_calls, calls);
  plan_search_destroy(s);
  o.max_llm_calls = 3;
  ASSERT_OK(plan_search_create(llm, &o, &s, &err));
  ASSERT_STATUS(plan_search_run(s, "The kettle is cold. The cup is empty."),
                PLAN_EBUDGET);
  ASSERT_STR_EQ(plan_search_stop_reason(s), "calls");
  ASSERT(!plan_search_solved(s));
  plan_search_stats_get(s, &st);
  ASSERT(st.llm_calls <= 3);
  plan_search_destroy(s);
  plan_llm_destroy(llm);
}

/* Exact proposer, simulator and goal test with the LLM's value function:
 * the scripted model likes states close to 10. */
static void test_llm_value_with_callbacks(void) {
  plan_llm *llm = NULL;
  plan_error err;
  const char *script =
      "[{\"match\":\"\\\\[STATE\\\\]\\\\nn=(8|9|10|11|12)\\\\n\","
      "\"reply\":\"sure\"},"
      "{\"match\":\"\\\\[STATE\\\\]\\\\nn=[0-9]\\\\n\",\"reply\":\"likely\"},"
      "{\"reply\":\"impossible\"}]";
  ASSERT_OK(plan_llm_scripted_create(script, NULL, &llm, &err));
  puzzle p;
  memset(&p, 0, sizeof p);
  plan_search_options o;
  exact_options(&o, &p);
  o.evaluate = NULL;
  o.goal = "n=10";
  o.value_samples = 1;
  o.concurrency = 4;
  plan_search *s = NULL;
  ASSERT_OK(plan_search_create(llm, &o, &s, &err));
  ASSERT_OK(plan_search_run(s, "n=0"));
  ASSERT(plan_search_solved(s));
  check_plan(s);
  ASSERT_EQ(p.evaluates, 0);
  plan_search_stats st;
  plan_search_stats_get(s, &st);
  ASSERT(st.llm_calls > 0);
  plan_search_destroy(s);
  plan_llm_destroy(llm);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_algo_names);
  RUN(test_create_errors);
  RUN(test_every_algo);
  RUN(test_blind_and_missing_values);
  RUN(test_prune_and_trace);
  RUN(test_callback_failures_and_misuse);
  RUN(test_budgets);
  RUN(test_llm_defaults);
  RUN(test_llm_value_with_callbacks);
  TEST_END();
}
