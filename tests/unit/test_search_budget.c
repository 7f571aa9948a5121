/* tests/unit/test_search_budget.c: the budgets that come from outside the
 * tree: LLM calls and tokens (read from the scheduler's statistics; the
 * toy evaluator sends one request per node through a scripted backend),
 * wall time (a simulated clock, read only when the budget is set), the
 * scheduler's own budgets (a component gets PLAN_EBUDGET), the arena's
 * byte cap (PLAN_EBUDGET, PLAN__STOP_MEMORY), and allocation failure at
 * every step of a whole search for every algorithm (PLAN_ENOMEM, no leak:
 * ASan's leak check runs at exit). */
#include "search_toy.h"

static const plan__algo all_algos[] = {PLAN__ALGO_GREEDY, PLAN__ALGO_BEST_FIRST,
                                       PLAN__ALGO_DFS, PLAN__ALGO_BEAM,
                                       PLAN__ALGO_MCTS};

static plan__search_options opts(plan__algo algo) {
  plan__search_options o;
  plan__search_options_default(&o);
  o.algo = algo;
  return o;
}

static plan_llm *scripted(const char *json) {
  plan_llm *llm = NULL;
  plan_error e;
  plan_status st = plan_llm_scripted_create(json, NULL, &llm, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "script: %s\n", e.text);
  ASSERT_OK(st);
  return llm;
}

#define REPLY                                                                  \
  "[{\"reply\":\"0.5\",\"usage\":{\"prompt_tokens\":10,"                       \
  "\"completion_tokens\":5}}]"

static size_t sum(const size_t *a, size_t n) {
  size_t t = 0;
  for (size_t i = 0; i < n; i++)
    t += a[i];
  return t;
}

/* Checks the best-so-far plan: a usable leaf of the highest rank. */
static void check_best(plan__search *s) {
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.leaf != PLAN__NODE_NONE);
  ASSERT(plan__search_usable(s, r.leaf));
  for (plan__node_id id = 0; id < plan__search_node_count(s); id++)
    if (plan__search_usable(s, id))
      ASSERT(plan__search_rank(s, id) <= r.value);
  ASSERT_EQ(r.n_steps, plan__search_node(s, r.leaf)->depth);
}

static void test_call_budget(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    plan_llm *llm = scripted(REPLY);
    plan_scheduler *sched = NULL;
    ASSERT_OK(plan_scheduler_create(llm, NULL, &sched, NULL));
    /* Calls before this search do not count. */
    toy warm;
    toy_init(&warm, line_succ, line_value, line_goal);
    warm.goal_state = 3;
    warm.sched = sched;
    toy_comps wc;
    plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
    plan__search *w = toy_search(&warm, &wc, &o, 0, sched, NULL);
    ASSERT_OK(plan__search_run(w));
    plan__search_free(w);

    toy t;
    toy_init(&t, line_succ, line_value, line_goal);
    t.goal_state = 20;
    t.sched = sched;
    toy_comps c;
    o = opts(all_algos[a]);
    o.max_llm_calls = 5;
    plan__search *s = toy_search(&t, &c, &o, 0, sched, NULL);
    ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
    plan__result r;
    plan__search_result(s, &r);
    ASSERT_EQ(r.stop, PLAN__STOP_CALLS);
    ASSERT(!r.solved);
    size_t calls = sum(t.evaluate_n, t.n_evaluate);
    ASSERT_EQ(r.llm_calls, calls);
    ASSERT(calls >= 5);
    /* At most one phase overshoots: before the last batch it was under. */
    ASSERT(calls - t.evaluate_n[t.n_evaluate - 1] < 5);
    check_best(s);
    plan__search_free(s);
    plan_scheduler_destroy(sched);
    plan_llm_destroy(llm);
  }
}

static void test_token_budget(void) {
  plan_llm *llm = scripted(REPLY);
  plan_scheduler *sched = NULL;
  ASSERT_OK(plan_scheduler_create(llm, NULL, &sched, NULL));
  toy t;
  toy_init(&t, tree_succ, flat_value, no_goal);
  t.sched = sched;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.max_tokens = 100;
  plan__search *s = toy_search(&t, &c, &o, 0, sched, NULL);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  plan__result r;
  plan__search_result(s, &r);
  ASSERT_EQ(r.stop, PLAN__STOP_TOKENS);
  ASSERT_EQ(r.tokens, 15 * r.llm_calls);
  ASSERT(r.tokens >= 100);
  ASSERT(r.tokens - 15 * t.evaluate_n[t.n_evaluate - 1] < 100);
  check_best(s);
  plan__search_free(s);
  plan_scheduler_destroy(sched);
  plan_llm_destroy(llm);
}

/* The scheduler's own call budget is strict: the evaluator's batch ends
 * with PLAN_EBUDGET, its unanswered nodes are missing values (ranking as
 * their parents), and the search stops with PLAN__STOP_CALLS. */
static void test_scheduler_budget(void) {
  plan_llm *llm = scripted(REPLY);
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.budget_calls = 4;
  so.concurrency = 1;
  plan_scheduler *sched = NULL;
  ASSERT_OK(plan_scheduler_create(llm, &so, &sched, NULL));
  toy t;
  toy_init(&t, tree_succ, flat_value, no_goal);
  t.sched = sched;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  FILE *tr = tmpfile();
  ASSERT(tr);
  plan__search *s = toy_search(&t, &c, &o, 0, sched, tr);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_CALLS);
  /* Root 1 call, its 3 children 3 calls; the next batch gets nothing. */
  ASSERT_EQ(t.n_evaluate, 3);
  size_t missing = 0;
  for (plan__node_id id = 4; id < plan__search_node_count(s); id++) {
    const plan__node *n = plan__search_node(s, id);
    if (n->value.missing) {
      missing++;
      ASSERT_EQ(n->value.samples, 0);
      ASSERT_NEAR(plan__search_rank(s, id), 0.5, 0);
    }
  }
  ASSERT_EQ(missing, t.evaluate_n[2]);
  plan__search_free(s);
  /* The failed calls are in the trace with their status. */
  rewind(tr);
  char line[8192];
  size_t failed = 0;
  while (fgets(line, sizeof line, tr))
    if (strstr(line, "\"ev\":\"llm_call\"") &&
        strstr(line, "\"status\":\"EBUDGET\""))
      failed++;
  ASSERT_EQ(failed, missing);
  fclose(tr);
  plan_scheduler_destroy(sched);
  plan_llm_destroy(llm);
}

/* ---- wall time
 * --------------------------------------------------------------------- */

static uint64_t sim_ns;
static unsigned clock_reads;
static uint64_t sim_now(void *ud) {
  (void)ud;
  clock_reads++;
  return sim_ns;
}
static void sim_sleep(void *ud, uint64_t ns) {
  (void)ud;
  sim_ns += ns;
}
static const plan_clock sim_clock = {sim_now, sim_sleep, NULL};

static void test_time_budget(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    sim_ns = 1000;
    toy t;
    toy_init(&t, line_succ, line_value, line_goal);
    t.goal_state = 20;
    t.clock_ns = &sim_ns;
    t.tick_ns = 100 * 1000000ULL; /* each evaluation batch: 100 ms */
    toy_comps c;
    plan__search_options o = opts(all_algos[a]);
    o.max_wall_ms = 250;
    o.clock = &sim_clock;
    plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
    ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
    ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_TIME);
    /* 100, 200 ms: go on; 300 ms: stop at the next check. */
    ASSERT_EQ(t.n_evaluate, 3);
    check_best(s);
    plan__search_free(s);
  }
  /* Without a wall-time budget the clock is never read. */
  clock_reads = 0;
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 9;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_MCTS);
  o.clock = &sim_clock;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  ASSERT_EQ(clock_reads, 0);
  plan__search_free(s);
}

/* ---- memory cap
 * ------------------------------------------------------------------- */

static void test_memory_cap(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    toy t;
    toy_init(&t, line_succ, line_value, line_goal);
    t.goal_state = 20;
    t.pad = 500;
    toy_comps c;
    plan__search_options o = opts(all_algos[a]);
    o.max_memory = 4096;
    FILE *tr = tmpfile();
    ASSERT(tr);
    plan__search *s = toy_search(&t, &c, &o, 0, NULL, tr);
    ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
    ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_MEMORY);
    ASSERT_CONTAINS(plan__search_errmsg(s), "max_memory");
    check_best(s);
    plan__search_free(s);
    rewind(tr);
    char line[8192];
    bool budget = false;
    while (fgets(line, sizeof line, tr))
      budget = budget || (strstr(line, "\"ev\":\"budget\"") &&
                          strstr(line, "\"stop\":\"memory\""));
    ASSERT(budget);
    fclose(tr);
  }
  /* A root state larger than the cap. */
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.pad = 3000;
  toy_comps c;
  toy_comps_init(&c, &t);
  plan__search_options o = opts(PLAN__ALGO_BEAM);
  o.max_memory = 1024;
  plan__search *s = NULL;
  ASSERT_OK(
      plan__search_create(&o, &c.p, &c.w, &c.g, &c.e, NULL, NULL, &s, NULL));
  ASSERT_STATUS(toy_set(s, &t, 0, 0, true), PLAN_EBUDGET);
  ASSERT_EQ(plan__search_node_count(s), 0);
  ASSERT_STATUS(plan__search_run(s), PLAN_EMISUSE);
  plan__search_free(s);
}

/* ---- allocation failure
 * ---------------------------------------------------------------- */

static size_t oom_count, oom_fail_at;
static void *oom_malloc(void *ud, size_t n) {
  (void)ud;
  return ++oom_count == oom_fail_at ? NULL : malloc(n ? n : 1);
}
static void *oom_realloc(void *ud, void *p, size_t n) {
  (void)ud;
  return ++oom_count == oom_fail_at ? NULL : realloc(p, n ? n : 1);
}
static void oom_free(void *ud, void *p) {
  (void)ud;
  free(p);
}

/* One whole search with allocation oom_fail_at failing. Returns true when
 * it succeeded (nothing failed). */
static bool oom_run(plan__algo algo, bool trace) {
  oom_count = 0;
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  /* With a trace every event allocates: a shorter search keeps the
   * quadratic loop fast. */
  t.goal_state = trace ? 4 : 7;
  t.samples = trace ? 1 : 2;
  toy_comps c;
  toy_comps_init(&c, &t);
  plan__search_options o = opts(algo);
  o.batch = 2;
  FILE *tr = trace ? tmpfile() : NULL;
  ASSERT(!trace || tr);
  plan__search *s = NULL;
  plan_error err;
  plan_status st =
      plan__search_create(&o, &c.p, &c.w, &c.g, &c.e, NULL, tr, &s, &err);
  if (st != PLAN_OK) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    ASSERT(s == NULL);
    if (tr)
      fclose(tr);
    return false;
  }
  st = toy_set(s, &t, 0, 0, true);
  if (st == PLAN_OK)
    st = plan__search_run(s);
  plan__result r;
  plan__search_result(s, &r);
  if (st != PLAN_OK) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    /* The handle is still consistent after the failure. */
    ASSERT(r.leaf == PLAN__NODE_NONE || r.leaf < plan__search_node_count(s));
    plan__search_free(s);
    if (tr)
      fclose(tr);
    return false;
  }
  ASSERT(r.solved);
  ASSERT_EQ(r.n_steps, trace ? 2 : 3);
  plan__search_free(s);
  if (tr)
    fclose(tr);
  return true;
}

static void test_oom(void) {
  plan_global_cleanup();
  plan_allocator al = {oom_malloc, oom_realloc, oom_free, NULL};
  ASSERT_OK(plan_global_init(&al));
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    for (int trace = 0; trace < 2; trace++) {
      bool ok = false;
      size_t runs = 0;
      for (oom_fail_at = 1; oom_fail_at < 20000 && !ok; oom_fail_at++) {
        ok = oom_run(all_algos[a], trace != 0);
        runs++;
      }
      ASSERT(ok);
      if (getenv("SEARCH_OOM_VERBOSE"))
        fprintf(stderr, "%s trace %d: %zu runs\n",
                plan__algo_name(all_algos[a]), trace, runs);
      ASSERT(runs > 5); /* failures did happen at several points */
    }
  }
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_call_budget);
  RUN(test_token_budget);
  RUN(test_scheduler_budget);
  RUN(test_time_budget);
  RUN(test_memory_cap);
  RUN(test_oom);
  TEST_END();
}
