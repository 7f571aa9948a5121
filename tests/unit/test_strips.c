/* tests/unit/test_strips.c: the classical planner (solvers/strips): A*
 * returns optimal plans with every admissible heuristic, with and without
 * partial-order reduction; GBFS returns valid plans; unsolvable tasks,
 * node and time budgets, determinism, and the heuristics' values.
 */
#include "solvers/strips/strips.h"
#include "test.h"

static const char *const BW_DOMAIN =
    "(define (domain blocksworld-4ops)\n"
    "(:predicates (clear ?x) (ontable ?x) (handempty) (holding ?x)\n"
    "             (on ?x ?y))\n"
    "(:action pick-up :parameters (?ob)\n"
    "  :precondition (and (clear ?ob) (ontable ?ob) (handempty))\n"
    "  :effect (and (holding ?ob) (not (clear ?ob)) (not (ontable ?ob))\n"
    "               (not (handempty))))\n"
    "(:action put-down :parameters (?ob)\n"
    "  :precondition (holding ?ob)\n"
    "  :effect (and (clear ?ob) (handempty) (ontable ?ob)\n"
    "               (not (holding ?ob))))\n"
    "(:action stack :parameters (?ob ?underob)\n"
    "  :precondition (and (clear ?underob) (holding ?ob))\n"
    "  :effect (and (handempty) (clear ?ob) (on ?ob ?underob)\n"
    "               (not (clear ?underob)) (not (holding ?ob))))\n"
    "(:action unstack :parameters (?ob ?underob)\n"
    "  :precondition (and (on ?ob ?underob) (clear ?ob) (handempty))\n"
    "  :effect (and (holding ?ob) (clear ?underob)\n"
    "               (not (on ?ob ?underob)) (not (clear ?ob))\n"
    "               (not (handempty)))))\n";

/* generated_basic instance-4 (optimal: 10 steps). */
static const char *const BW4 =
    "(define (problem BW-rand-4) (:domain blocksworld-4ops)\n"
    "(:objects a b c d )\n"
    "(:init (handempty) (on a c) (ontable b) (on c b) (on d a) (clear d))\n"
    "(:goal (and (on a d) (on d b))))\n";

/* A 5-block tower to reverse (optimal: 10 steps). */
static const char *const BW5 =
    "(define (problem rev5) (:domain blocksworld-4ops)\n"
    "(:objects a b c d e)\n"
    "(:init (handempty) (ontable a) (on b a) (on c b) (on d c) (on e d)\n"
    "       (clear e))\n"
    "(:goal (and (on a b) (on b c) (on c d) (on d e))))\n";

/* Two consumers of one token: solvable in the relaxation only. */
static const char *const TOKEN_DOMAIN =
    "(define (domain token) (:predicates (token) (a) (b))\n"
    "(:action use-a :parameters () :precondition (token)\n"
    "  :effect (and (not (token)) (a)))\n"
    "(:action use-b :parameters () :precondition (token)\n"
    "  :effect (and (not (token)) (b))))\n";
static const char *const TOKEN_PROBLEM =
    "(define (problem two) (:domain token) (:init (token))\n"
    "(:goal (and (a) (b))))\n";
static const char *const TOKEN_UNREACHABLE =
    "(define (problem never) (:domain token) (:init)\n"
    "(:goal (a)))\n";

/* Negative preconditions and a negative goal: switch a lamp off before
 * leaving, and only leave with the door open. */
static const char *const NEG_DOMAIN =
    "(define (domain room) (:requirements :strips :negative-preconditions)\n"
    "(:predicates (lamp-on) (door-open) (outside))\n"
    "(:action toggle :parameters () :precondition (not (outside))\n"
    "  :effect (and (lamp-on)))\n"
    "(:action switch-off :parameters () :precondition (lamp-on)\n"
    "  :effect (not (lamp-on)))\n"
    "(:action open :parameters () :precondition (not (door-open))\n"
    "  :effect (door-open))\n"
    "(:action leave :parameters ()\n"
    "  :precondition (and (door-open) (not (lamp-on)) (not (outside)))\n"
    "  :effect (outside)))\n";
static const char *const NEG_PROBLEM =
    "(define (problem r) (:domain room) (:init (lamp-on))\n"
    "(:goal (and (outside) (not (lamp-on)))))\n";

/* A counting allocator that fails allocation number fail_at (1-based). */
TEST_COUNTING_ALLOCATOR()

static plan__pddl_task *make_task(const char *dom, const char *prob) {
  plan_error err;
  plan__pddl_domain *d = NULL;
  plan__pddl_problem *p = NULL;
  plan__pddl_task *t = NULL;
  memset(&err, 0, sizeof err);
  if (plan__pddl_domain_parse(dom, strlen(dom), "d.pddl", &d, &err) ||
      plan__pddl_problem_parse(d, prob, strlen(prob), "p.pddl", &p, &err) ||
      plan__pddl_task_create(d, p, &t, &err)) {
    fprintf(stderr, "unexpected error: %s\n", err.text);
    exit(1);
  }
  plan__pddl_problem_free(p);
  plan__pddl_domain_free(d);
  return t;
}

/* Solves and checks the plan with the validator; returns its length. */
static size_t solve_valid(const plan__pddl_task *t, plan__strips_algo algo,
                          plan__strips_heuristic h, bool no_pruning,
                          plan__strips_result *keep) {
  plan__strips_options o;
  plan__strips_options_init(&o, PLAN__STRIPS_OPTIONS_VERSION);
  o.algo = algo;
  o.heuristic = h;
  o.no_pruning = no_pruning;
  plan__strips_result r;
  ASSERT_OK(plan__strips_solve(t, &o, &r));
  ASSERT(r.solved);
  ASSERT_EQ(r.cost, r.n_plan);
  const char *names[256];
  ASSERT(r.n_plan < 256);
  for (size_t i = 0; i < r.n_plan; i++)
    names[i] = t->actions[r.plan[i]].name;
  plan__pddl_report rep;
  ASSERT_OK(plan__pddl_validate(t, names, r.n_plan, &rep));
  if (!rep.valid)
    fprintf(stderr, "invalid plan: %s\n", rep.message);
  ASSERT(rep.valid);
  plan__pddl_report_free(&rep);
  size_t n = r.n_plan;
  if (keep)
    *keep = r;
  else
    plan__strips_result_free(&r);
  return n;
}

static void test_astar_optimal(void) {
  const char *probs[] = {BW4, BW5};
  const size_t opt[] = {10, 10};
  const plan__strips_heuristic hs[] = {PLAN__STRIPS_H_DEFAULT,
                                       PLAN__STRIPS_H_LMCUT, PLAN__STRIPS_H_MAX,
                                       PLAN__STRIPS_H_BLIND};
  for (size_t p = 0; p < PLAN_ARRAY_LEN(probs); p++) {
    plan__pddl_task *t = make_task(BW_DOMAIN, probs[p]);
    for (size_t h = 0; h < PLAN_ARRAY_LEN(hs); h++)
      for (int pr = 0; pr < 2; pr++)
        ASSERT_EQ(solve_valid(t, PLAN__STRIPS_ASTAR, hs[h], pr, NULL), opt[p]);
    plan__pddl_task_free(t);
  }
}

static void test_gbfs(void) {
  plan__pddl_task *t = make_task(BW_DOMAIN, BW5);
  ASSERT(solve_valid(t, PLAN__STRIPS_GBFS, PLAN__STRIPS_H_DEFAULT, false,
                     NULL) >= 10);
  ASSERT(solve_valid(t, PLAN__STRIPS_GBFS, PLAN__STRIPS_H_ADD, true, NULL) >=
         10);
  plan__pddl_task_free(t);
}

static void test_heuristic_values(void) {
  plan__pddl_task *t = make_task(BW_DOMAIN, BW4);
  plan__relax *r;
  ASSERT_OK(plan__relax_create(t, &r));
  uint32_t hmax = plan__relax_eval(r, PLAN__STRIPS_H_MAX, t->init);
  uint32_t lmcut = plan__relax_eval(r, PLAN__STRIPS_H_LMCUT, t->init);
  uint32_t ff = plan__relax_eval(r, PLAN__STRIPS_H_FF, t->init);
  uint32_t hadd = plan__relax_eval(r, PLAN__STRIPS_H_ADD, t->init);
  ASSERT_EQ(plan__relax_eval(r, PLAN__STRIPS_H_BLIND, t->init), 1);
  /* Admissible ones bound the optimal 10 from below; LM-cut dominates
   * h_max; h_add counts shared subgoals twice so it is at least h_FF. */
  ASSERT(hmax >= 1 && hmax <= lmcut && lmcut <= 10);
  ASSERT(ff >= lmcut && hadd >= ff);
  /* At a goal state every heuristic is 0. */
  plan__strips_result res;
  solve_valid(t, PLAN__STRIPS_ASTAR, PLAN__STRIPS_H_LMCUT, false, &res);
  uint64_t s[4];
  ASSERT(t->n_words <= 4);
  plan__pddl_state_init(t, s);
  for (size_t i = 0; i < res.n_plan; i++)
    plan__pddl_apply(t, s, res.plan[i], s);
  ASSERT(plan__pddl_goal_reached(t, s));
  ASSERT_EQ(res.h_init, lmcut);
  plan__strips_result_free(&res);
  for (int h = PLAN__STRIPS_H_BLIND; h <= PLAN__STRIPS_H_FF; h++)
    ASSERT_EQ(plan__relax_eval(r, (plan__strips_heuristic)h, s), 0);
  plan__relax_free(r);
  plan__pddl_task_free(t);
}

static void test_unsolvable(void) {
  plan__strips_options o;
  plan__strips_options_init(&o, PLAN__STRIPS_OPTIONS_VERSION);
  plan__strips_result r;
  plan__pddl_task *t = make_task(TOKEN_DOMAIN, TOKEN_UNREACHABLE);
  ASSERT_STATUS(plan__strips_solve(t, &o, &r), PLAN_ENOTFOUND);
  ASSERT(!r.solved);
  ASSERT(r.plan == NULL);
  ASSERT_STR_EQ(r.message,
                "unsolvable: the goal is unreachable even ignoring deletes");
  plan__strips_result_free(&r);
  plan__pddl_task_free(t);

  t = make_task(TOKEN_DOMAIN, TOKEN_PROBLEM);
  for (int algo = 0; algo < 2; algo++) {
    o.algo = (plan__strips_algo)algo;
    ASSERT_STATUS(plan__strips_solve(t, &o, &r), PLAN_ENOTFOUND);
    ASSERT_STR_EQ(r.message, "unsolvable: all 3 reachable states explored");
    plan__strips_result_free(&r);
  }
  plan__pddl_task_free(t);
}

static void test_negative(void) {
  plan__pddl_task *t = make_task(NEG_DOMAIN, NEG_PROBLEM);
  plan__strips_result r;
  ASSERT_EQ(
      solve_valid(t, PLAN__STRIPS_ASTAR, PLAN__STRIPS_H_DEFAULT, false, &r), 3);
  ASSERT_STR_EQ(t->actions[r.plan[2]].name, "(leave)");
  plan__strips_result_free(&r);
  ASSERT_EQ(
      solve_valid(t, PLAN__STRIPS_ASTAR, PLAN__STRIPS_H_BLIND, true, NULL), 3);
  ASSERT(solve_valid(t, PLAN__STRIPS_GBFS, PLAN__STRIPS_H_FF, false, NULL) >=
         3);
  plan__pddl_task_free(t);
}

static void test_trivial(void) {
  const char *prob = "(define (problem done) (:domain token) (:init (a))\n"
                     "(:goal (a)))\n";
  plan__pddl_task *t = make_task(TOKEN_DOMAIN, prob);
  for (int algo = 0; algo < 2; algo++) {
    plan__strips_options o;
    plan__strips_options_init(&o, PLAN__STRIPS_OPTIONS_VERSION);
    o.algo = (plan__strips_algo)algo;
    plan__strips_result r;
    ASSERT_OK(plan__strips_solve(t, &o, &r));
    ASSERT(r.solved);
    ASSERT_EQ(r.n_plan, 0);
    ASSERT_EQ(r.cost, 0);
    plan__strips_result_free(&r);
  }
  plan__pddl_task_free(t);
}

/* A clock that jumps one second per reading. */
static uint64_t fake_now(void *ud) {
  uint64_t *t = ud;
  *t += 1000000000u;
  return *t;
}

static void fake_sleep(void *ud, uint64_t ns) {
  *(uint64_t *)ud += ns;
}

static void test_budgets(void) {
  plan__pddl_task *t = make_task(BW_DOMAIN, BW5);
  plan__strips_options o;
  plan__strips_options_init(&o, PLAN__STRIPS_OPTIONS_VERSION);
  o.heuristic = PLAN__STRIPS_H_BLIND;
  o.max_nodes = 20;
  plan__strips_result r;
  ASSERT_STATUS(plan__strips_solve(t, &o, &r), PLAN_EBUDGET);
  ASSERT(!r.solved);
  ASSERT_EQ(r.stored, 20);
  ASSERT_STR_EQ(r.message, "node budget of 20 states exhausted");
  plan__strips_result_free(&r);

  o.max_nodes = 0;
  o.max_bytes = 160; /* ten 16-byte states */
  ASSERT_STATUS(plan__strips_solve(t, &o, &r), PLAN_EBUDGET);
  ASSERT_STR_EQ(r.message, "memory budget of 160 bytes for states exhausted");
  plan__strips_result_free(&r);

  uint64_t now = 0;
  plan_clock clock = {fake_now, fake_sleep, &now};
  o.max_bytes = 0;
  o.clock = &clock;
  o.time_limit_ms = 1;
  ASSERT_STATUS(plan__strips_solve(t, &o, &r), PLAN_EBUDGET);
  ASSERT_STR_EQ(r.message, "time limit of 1 ms reached");
  ASSERT_EQ(r.expanded, 16); /* the clock is read every 16 expansions */
  plan__strips_result_free(&r);
  plan__pddl_task_free(t);
}

static void test_deterministic(void) {
  plan__pddl_task *t = make_task(BW_DOMAIN, BW5);
  plan__strips_result a;
  plan__strips_result b;
  for (int algo = 0; algo < 2; algo++) {
    solve_valid(t, (plan__strips_algo)algo, PLAN__STRIPS_H_DEFAULT, false, &a);
    solve_valid(t, (plan__strips_algo)algo, PLAN__STRIPS_H_DEFAULT, false, &b);
    ASSERT_EQ(a.n_plan, b.n_plan);
    ASSERT(!memcmp(a.plan, b.plan, a.n_plan * sizeof *a.plan));
    ASSERT_EQ(a.expanded, b.expanded);
    ASSERT_EQ(a.generated, b.generated);
    ASSERT_EQ(a.evaluated, b.evaluated);
    plan__strips_result_free(&a);
    plan__strips_result_free(&b);
  }
  plan__pddl_task_free(t);
}

static void test_names(void) {
  plan__strips_algo a;
  plan__strips_heuristic h;
  ASSERT(plan__strips_algo_parse("gbfs", &a) && a == PLAN__STRIPS_GBFS);
  ASSERT(!plan__strips_algo_parse("dfs", &a));
  ASSERT(plan__strips_heuristic_parse("lmcut", &h) &&
         h == PLAN__STRIPS_H_LMCUT);
  ASSERT(!plan__strips_heuristic_parse("pdb", &h));
  ASSERT_STR_EQ(plan__strips_algo_name(PLAN__STRIPS_ASTAR), "astar");
  ASSERT_STR_EQ(plan__strips_heuristic_name(PLAN__STRIPS_H_FF), "ff");
  plan__strips_result r;
  ASSERT_STATUS(plan__strips_solve(NULL, NULL, &r), PLAN_EINVAL);
  plan__strips_result_free(NULL);
}

/* Both searches with every allocation failing in turn: PLAN_ENOMEM and
 * no leak, or the right plan. The task is built with the libc allocator
 * outside the loop. */
static plan__pddl_task *oom_task;

static bool oom_scenario(void) {
  bool failed = false;
  for (int algo = 0; algo < 2; algo++) {
    plan__strips_options o;
    plan__strips_options_init(&o, PLAN__STRIPS_OPTIONS_VERSION);
    o.algo = (plan__strips_algo)algo;
    plan__strips_result r;
    plan_status st = plan__strips_solve(oom_task, &o, &r);
    if (st) {
      ASSERT_STATUS(st, PLAN_ENOMEM);
      ASSERT(!r.solved && r.plan == NULL);
      failed = true;
    } else if (algo == 0) {
      ASSERT_EQ(r.n_plan, 10);
    }
    plan__strips_result_free(&r);
  }
  return failed;
}

static void test_oom(void) {
  oom_task = make_task(BW_DOMAIN, BW4);
  /* The task was allocated by libc; free it with libc too. */
  oom_loop(oom_scenario);
  plan__pddl_task_free(oom_task);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_astar_optimal);
  RUN(test_gbfs);
  RUN(test_heuristic_values);
  RUN(test_unsolvable);
  RUN(test_negative);
  RUN(test_trivial);
  RUN(test_budgets);
  RUN(test_deterministic);
  RUN(test_names);
  RUN(test_oom);
  TEST_END();
}
