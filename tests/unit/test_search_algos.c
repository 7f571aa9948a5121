/* tests/unit/test_search_algos.c: each algorithm on exact toy domains with
 * known answers: the number line (shortest plan known), a trap where the
 * value function is locally misleading (greedy fails, best-first, DFS and
 * MCTS succeed), a graph with a known shortest path, dead ends; stop
 * reasons (goal, exhausted, depth, nodes, iterations) with the best plan
 * so far; batch sizes per round; determinism (two runs give the same node
 * array and the same trace, byte for byte); greedy's two baselines (no
 * evaluator: the most proposed action; with one: the best value, the
 * prior breaking ties). */
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

/* Replays the result's actions with the domain's successor function and
 * returns the state reached (asserting every step is applicable). */
static int replay(plan__search *s, const toy *t, int root) {
  plan__result r;
  plan__search_result(s, &r);
  int x = root;
  for (size_t i = 0; i < r.n_steps; i++) {
    const plan__node *n = plan__search_node(s, r.path[i]);
    ASSERT_EQ(n->depth, i + 1);
    toy_move mv[TOY_MAX_MOVES];
    size_t k = t->succ(t, x, mv);
    int to = -1;
    for (size_t j = 0; j < k; j++)
      if (strcmp(mv[j].action, n->action) == 0)
        to = mv[j].to;
    ASSERT(to >= 0);
    x = to;
  }
  return x;
}

/* The best usable node by rank (ties by smaller id), computed here
 * independently of plan__search_result. */
static plan__node_id best_node(plan__search *s) {
  plan__node_id best = PLAN__NODE_NONE;
  double br = -1;
  for (plan__node_id id = 0; id < plan__search_node_count(s); id++) {
    if (!plan__search_usable(s, id))
      continue;
    double r = plan__search_rank(s, id);
    if (r > br) {
      br = r;
      best = id;
    }
  }
  return best;
}

/* ---- known answers
 * ------------------------------------------------------------ */

static void test_line_all_algorithms(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    toy t;
    toy_init(&t, line_succ, line_value, line_goal);
    t.goal_state = 7;
    toy_comps c;
    plan__search_options o = opts(all_algos[a]);
    plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
    ASSERT_OK(plan__search_run(s));
    plan__result r;
    plan__search_result(s, &r);
    if (!r.solved)
      fprintf(stderr, "%s did not solve\n", plan__algo_name(all_algos[a]));
    ASSERT(r.solved);
    ASSERT_EQ(r.stop, PLAN__STOP_GOAL);
    ASSERT_EQ(replay(s, &t, 0), 7);
    /* The exact value makes every algorithm find a shortest plan. */
    ASSERT_EQ(r.n_steps, 3);
    ASSERT(plan__search_node(s, r.leaf)->flags & PLAN__NODE_GOAL);
    plan__search_free(s);
  }
}

static void test_trap_greedy_fails(void) {
  toy t;
  toy_init(&t, trap_succ, trap_value, trap_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_GREEDY);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_EXHAUSTED);
  /* The best plan so far is the trap's end, the highest value seen. */
  char buf[128];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "a a1 a2");
  ASSERT_NEAR(r.value, 0.97, 1e-12);
  ASSERT(plan__search_node(s, r.leaf)->flags & PLAN__NODE_DEAD_END);
  ASSERT_EQ(t.n_propose, 4);
  plan__search_free(s);
}

static void test_trap_search_succeeds(void) {
  const plan__algo algos[] = {PLAN__ALGO_BEST_FIRST, PLAN__ALGO_DFS,
                              PLAN__ALGO_MCTS, PLAN__ALGO_BEAM};
  for (size_t a = 0; a < PLAN_ARRAY_LEN(algos); a++) {
    for (uint32_t batch = 1; batch <= 4; batch += 3) {
      toy t;
      toy_init(&t, trap_succ, trap_value, trap_goal);
      toy_comps c;
      plan__search_options o = opts(algos[a]);
      o.batch = batch;
      o.beam_width = 2;
      plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
      ASSERT_OK(plan__search_run(s));
      plan__result r;
      plan__search_result(s, &r);
      ASSERT(r.solved);
      char buf[128];
      ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "b b1 g");
      plan__search_free(s);
    }
  }
  /* Beam of width 1 is greedy: it walks into the trap. */
  toy t;
  toy_init(&t, trap_succ, trap_value, trap_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEAM);
  o.beam_width = 1;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_EXHAUSTED);
  plan__search_free(s);
}

/* Best-first with batch 1 expands in value order: S, A, A1, A2 (dead),
 * then B, B1. DFS does the same, backtracking out of the dead end. */
static void test_expansion_order(void) {
  const plan__algo algos[] = {PLAN__ALGO_BEST_FIRST, PLAN__ALGO_DFS};
  for (size_t a = 0; a < 2; a++) {
    toy t;
    toy_init(&t, trap_succ, trap_value, trap_goal);
    toy_comps c;
    plan__search_options o = opts(algos[a]);
    o.batch = 1;
    plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
    ASSERT_OK(plan__search_run(s));
    /* Node ids follow creation: 1 a, 2 b, 3 a1, 4 a2, 5 b1, 6 g. */
    const char *order[] = {"a", "b", "a1", "a2", "b1", "g"};
    for (plan__node_id id = 1; id <= 6; id++)
      ASSERT_STR_EQ(plan__search_node(s, id)->action, order[id - 1]);
    ASSERT_EQ(t.n_propose, 6);
    ASSERT(plan__search_node(s, 4)->flags & PLAN__NODE_DEAD_END);
    plan__search_free(s);
  }
}

/* ---- DFS: cap per state, pruning, dead ends
 * -------------------------------------- */

static void test_dfs_children_cap(void) {
  /* One child per state: only "a" (the higher value) is tried; the trap
   * ends the search without a plan. */
  toy t;
  toy_init(&t, trap_succ, trap_value, trap_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_DFS);
  o.dfs_max_children = 1;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_EXHAUSTED);
  ASSERT(!(plan__search_node(s, 2)->flags & PLAN__NODE_EXPANDED)); /* "b" */
  plan__search_free(s);

  /* prune_below 0.8 cuts "b" (0.6): the trap is all that is left. */
  toy_init(&t, trap_succ, trap_value, trap_goal);
  o = opts(PLAN__ALGO_DFS);
  o.prune_below = 0.8;
  s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT(plan__search_node(s, 2)->flags & PLAN__NODE_PRUNED);
  ASSERT_STR_EQ(plan__search_node(s, 2)->prune_reason,
                "value below prune_below");
  plan__search_free(s);
}

/* "Impossible" verdicts prune: the evaluator rejects A (state 1), so DFS
 * goes straight to B. */
static double trap_value_impossible_a(const toy *t, int x) {
  return x == 1 ? -1.0 : trap_value(t, x);
}

static void test_dfs_prune_on_verdict(void) {
  toy t;
  toy_init(&t, trap_succ, trap_value_impossible_a, trap_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_DFS);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  char buf[128];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "b b1 g");
  ASSERT_EQ(t.n_propose, 3); /* S, B, B1: A was never entered */
  ASSERT_STR_EQ(plan__search_node(s, 1)->prune_reason, "impossible");
  plan__search_free(s);
}

/* ---- a graph with a known shortest path
 * --------------------------------------------- 0 -l1-> 1 -l2-> 2 -l3-> 3 -l4->
 * 9 (the long way, four steps) and 0 -s1-> 4 -s2-> 9 (two steps); flat values.
 * Breadth-first (beam with a wide beam) and best-first with a path-cost term
 * find the short one. */
static size_t graph_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  switch (x) {
  case 0:
    out[0] = (toy_move){"l1", 1, 1};
    out[1] = (toy_move){"s1", 4, 1};
    return 2;
  case 1: out[0] = (toy_move){"l2", 2, 1}; return 1;
  case 2: out[0] = (toy_move){"l3", 3, 1}; return 1;
  case 3: out[0] = (toy_move){"l4", 9, 1}; return 1;
  case 4: out[0] = (toy_move){"s2", 9, 1}; return 1;
  default: return 0;
  }
}
/* The long way looks better, step by step. */
static double graph_value(const toy *t, int x) {
  (void)t;
  return x >= 1 && x <= 3 ? 0.6 : 0.5;
}
static bool graph_goal(const toy *t, int x) {
  (void)t;
  return x == 9;
}

static void test_shortest_path(void) {
  toy t;
  toy_init(&t, graph_succ, graph_value, graph_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEAM);
  o.beam_width = 10;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  char buf[128];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "s1 s2");
  plan__search_free(s);

  /* Best-first on value alone takes the long way... */
  toy_init(&t, graph_succ, graph_value, graph_goal);
  o = opts(PLAN__ALGO_BEST_FIRST);
  o.batch = 1;
  s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "l1 l2 l3 l4");
  plan__search_free(s);
  /* ...and with a path cost of 0.2 per step the short one. */
  toy_init(&t, graph_succ, graph_value, graph_goal);
  o.path_cost_weight = 0.2;
  s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "s1 s2");
  plan__search_free(s);
}

/* ---- stop reasons
 * ------------------------------------------------------------------ */

/* The trap without its goal (G scores 0.3): every algorithm runs out of
 * nodes and returns the best one, the trap's end (0.97). */
static double trap_value_no_goal(const toy *t, int x) {
  return x == 6 ? 0.3 : trap_value(t, x);
}

static void test_exhausted(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    toy t;
    toy_init(&t, trap_succ, trap_value_no_goal, no_goal);
    toy_comps c;
    plan__search_options o = opts(all_algos[a]);
    plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
    ASSERT_OK(plan__search_run(s));
    plan__result r;
    plan__search_result(s, &r);
    ASSERT(!r.solved);
    ASSERT_EQ(r.stop, PLAN__STOP_EXHAUSTED);
    char buf[128];
    ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "a a1 a2");
    plan__search_free(s);
  }
}

/* The line to 19 with max_depth 2: every algorithm hits the depth limit;
 * the best plan so far is two jumps (6, value 0.35). */
static void test_depth_budget(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    toy t;
    toy_init(&t, line_succ, line_value, line_goal);
    t.goal_state = 19;
    toy_comps c;
    plan__search_options o = opts(all_algos[a]);
    o.max_depth = 2;
    plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
    ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
    plan__result r;
    plan__search_result(s, &r);
    ASSERT(!r.solved);
    ASSERT_EQ(r.stop, PLAN__STOP_DEPTH);
    char buf[128];
    ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "jump jump");
    ASSERT_NEAR(r.value, 0.35, 1e-12);
    for (plan__node_id id = 0; id < plan__search_node_count(s); id++)
      ASSERT(plan__search_node(s, id)->depth <= 2);
    plan__search_free(s);
  }
}

static void test_node_budget(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    for (uint32_t max = 2; max <= 12; max += 5) {
      toy t;
      toy_init(&t, line_succ, line_value, line_goal);
      t.goal_state = 20;
      toy_comps c;
      plan__search_options o = opts(all_algos[a]);
      o.max_nodes = max;
      plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
      ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
      plan__result r;
      plan__search_result(s, &r);
      ASSERT(!r.solved);
      ASSERT_EQ(r.stop, PLAN__STOP_NODES);
      ASSERT(plan__search_node_count(s) <= max);
      /* The children that exist got their states and values: the best
       * plan so far is the best node. */
      ASSERT_EQ(r.leaf, best_node(s));
      ASSERT(r.n_steps >= 1);
      replay(s, &t, 0);
      plan__search_free(s);
    }
  }
}

static void test_iteration_budgets(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    toy t;
    toy_init(&t, line_succ, line_value, line_goal);
    t.goal_state = 20;
    toy_comps c;
    plan__search_options o = opts(all_algos[a]);
    o.max_expansions = 3;
    o.mcts_iterations = 1000;
    plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
    ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
    plan__result r;
    plan__search_result(s, &r);
    ASSERT_EQ(r.stop, PLAN__STOP_ITERATIONS);
    ASSERT_EQ(r.expansions, 3);
    ASSERT_EQ(r.leaf, best_node(s));
    plan__search_free(s);
  }
  /* MCTS's own limit: one selection per iteration. */
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 20;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_MCTS);
  o.mcts_iterations = 5;
  o.batch = 2;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  plan__result r;
  plan__search_result(s, &r);
  ASSERT_EQ(r.stop, PLAN__STOP_ITERATIONS);
  ASSERT_EQ(r.expansions, 5);
  /* Rounds: the root alone (1), then 2 + 2. */
  ASSERT_EQ(r.rounds, 3);
  ASSERT_EQ(plan__search_node(s, 0)->visits, 5);
  plan__search_free(s);
}

/* ---- batches
 * ---------------------------------------------------------------------- */

static void test_best_first_batches(void) {
  toy t;
  toy_init(&t, tree_succ, flat_value, no_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.batch = 3;
  o.max_expansions = 13;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  /* Root alone, then rounds of 3 parents: 1 + 3 * 4 = 13. */
  ASSERT_EQ(t.n_propose, 5);
  ASSERT_EQ(t.propose_n[0], 1);
  for (size_t i = 1; i < t.n_propose; i++)
    ASSERT_EQ(t.propose_n[i], 3);
  /* Evaluations: the root, its 3 children, then 9 per round. */
  ASSERT_EQ(t.evaluate_n[0], 1);
  ASSERT_EQ(t.evaluate_n[1], 3);
  for (size_t i = 2; i < t.n_evaluate; i++)
    ASSERT_EQ(t.evaluate_n[i], 9);
  /* Ties by id: the 13 expanded nodes are ids 0..12. */
  for (plan__node_id id = 0; id < 13; id++)
    ASSERT(plan__search_node(s, id)->flags & PLAN__NODE_EXPANDED);
  ASSERT(!(plan__search_node(s, 13)->flags & PLAN__NODE_EXPANDED));
  plan__search_free(s);
}

static void test_mcts_and_beam_batches(void) {
  toy t;
  toy_init(&t, tree_succ, flat_value, no_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_MCTS);
  o.batch = 3;
  o.mcts_iterations = 10;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  ASSERT_EQ(t.n_propose, 4); /* 1 + 3 + 3 + 3 */
  ASSERT_EQ(t.propose_n[0], 1);
  for (size_t i = 1; i < t.n_propose; i++)
    ASSERT_EQ(t.propose_n[i], 3); /* virtual loss: distinct leaves */
  /* No node was expanded twice, and visits add up at the root. */
  ASSERT_EQ(plan__search_node(s, 0)->visits, 10);
  plan__search_free(s);

  toy_init(&t, tree_succ, flat_value, no_goal);
  o = opts(PLAN__ALGO_BEAM);
  o.beam_width = 4;
  o.max_depth = 3;
  s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_DEPTH);
  ASSERT_EQ(t.n_propose, 3);
  ASSERT_EQ(t.propose_n[0], 1);
  ASSERT_EQ(t.propose_n[1], 3);
  ASSERT_EQ(t.propose_n[2], 4);
  ASSERT_EQ(t.evaluate_n[3], 12);
  plan__search_free(s);
}

/* MCTS spreads its visits: with the trap it sees the dead end, closes it
 * and turns to the other branch. */
static void test_mcts_closes_dead_ends(void) {
  toy t;
  toy_init(&t, trap_succ, trap_value, trap_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_MCTS);
  o.batch = 1;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.solved);
  /* A2 was a dead end: it and its ancestors up to A are closed, and the
   * goal was found after that. */
  plan__node_id a = PLAN__NODE_NONE, a2 = PLAN__NODE_NONE;
  for (plan__node_id id = 1; id < plan__search_node_count(s); id++) {
    if (!strcmp(plan__search_node(s, id)->action, "a"))
      a = id;
    if (!strcmp(plan__search_node(s, id)->action, "a2"))
      a2 = id;
  }
  ASSERT(a != PLAN__NODE_NONE && a2 != PLAN__NODE_NONE);
  ASSERT(a2 < r.leaf);
  ASSERT(plan__search_node(s, a2)->flags & PLAN__NODE_DEAD_END);
  ASSERT(plan__search_node(s, a2)->flags & PLAN__NODE_CLOSED);
  ASSERT(plan__search_node(s, a)->flags & PLAN__NODE_CLOSED);
  /* Backed-up values stay in [0,1] and visits add up along the way. */
  for (plan__node_id id = 0; id < plan__search_node_count(s); id++) {
    const plan__node *n = plan__search_node(s, id);
    ASSERT(n->value_sum >= 0 && n->value_sum <= n->visits);
  }
  plan__search_free(s);
}

/* ---- determinism
 * ------------------------------------------------------------------------ */

static char *slurp(FILE *f, size_t *len) {
  fflush(f);
  long n = ftell(f);
  ASSERT(n >= 0);
  char *buf = malloc((size_t)n + 1);
  ASSERT(buf);
  rewind(f);
  ASSERT_EQ(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static void same_nodes(plan__search *a, plan__search *b) {
  ASSERT_EQ(plan__search_node_count(a), plan__search_node_count(b));
  for (plan__node_id id = 0; id < plan__search_node_count(a); id++) {
    const plan__node *x = plan__search_node(a, id);
    const plan__node *y = plan__search_node(b, id);
    ASSERT_EQ(x->parent, y->parent);
    ASSERT_EQ(x->first_child, y->first_child);
    ASSERT_EQ(x->next_sibling, y->next_sibling);
    ASSERT_EQ(x->n_children, y->n_children);
    ASSERT_EQ(x->depth, y->depth);
    ASSERT_EQ(x->flags, y->flags);
    ASSERT_EQ(x->proposals, y->proposals);
    ASSERT_EQ(x->same_as, y->same_as);
    ASSERT_EQ(x->state_hash, y->state_hash);
    ASSERT_EQ(x->visits, y->visits);
    ASSERT_EQ(x->value.samples, y->value.samples);
    ASSERT_EQ(x->value.missing, y->value.missing);
    ASSERT(x->value.mean == y->value.mean);
    ASSERT(x->value_sum == y->value_sum);
    ASSERT(x->prior == y->prior);
    ASSERT((x->action == NULL) == (y->action == NULL));
    if (x->action)
      ASSERT_STR_EQ(x->action, y->action);
    ASSERT((x->state_text == NULL) == (y->state_text == NULL));
    if (x->state_text)
      ASSERT_STR_EQ(x->state_text, y->state_text);
  }
}

/* A noisy, irregular value so ties and transpositions both happen. */
static double hash_value(const toy *t, int x) {
  (void)t;
  uint64_t h = plan__hash_mix((uint64_t)x * 7919u + 1);
  if (h % 11 == 0)
    return NAN;
  return (double)(h % 8) / 8.0;
}

static void test_determinism(void) {
  for (size_t a = 0; a < PLAN_ARRAY_LEN(all_algos); a++) {
    plan__search *runs[2];
    char *traces[2];
    size_t lens[2];
    toy t[2];
    toy_comps c[2];
    FILE *tr[2];
    for (int k = 0; k < 2; k++) {
      toy_init(&t[k], line_succ, hash_value, line_goal);
      t[k].goal_state = 20;
      t[k].samples = 2;
      plan__search_options o = opts(all_algos[a]);
      o.max_expansions = 40;
      o.batch = 3;
      o.seed = 42;
      tr[k] = tmpfile();
      ASSERT(tr[k]);
      runs[k] = toy_search(&t[k], &c[k], &o, 3, NULL, tr[k]);
      plan_status st = plan__search_run(runs[k]);
      ASSERT(st == PLAN_OK || st == PLAN_EBUDGET);
      traces[k] = slurp(tr[k], &lens[k]);
    }
    same_nodes(runs[0], runs[1]);
    ASSERT_EQ(lens[0], lens[1]);
    ASSERT(memcmp(traces[0], traces[1], lens[0]) == 0);
    plan__result r0, r1;
    plan__search_result(runs[0], &r0);
    plan__search_result(runs[1], &r1);
    ASSERT_EQ(r0.leaf, r1.leaf);
    ASSERT_EQ(r0.stop, r1.stop);
    for (int k = 0; k < 2; k++) {
      plan__search_free(runs[k]);
      free(traces[k]);
      fclose(tr[k]);
    }
  }
}

/* ---- greedy: the two baselines
 * ---------------------------------------------------------- */

/* The fork: from S(0) "a" (proposed once) leads to A(1, value 0.9) and
 * A1(2, 0.95), a dead end; "b" and "c" (proposed twice each) lead to B(4,
 * 0.6) and C(7, 0.6). From B "b1" (once) leads to B1(5), "b2" (three
 * times) to G(6), the goal. The value favours "a"; the proposer favours
 * "b" (tied with "c", the smaller id) and then "b2" (whose id is larger
 * than "b1"'s). */
static size_t fork_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  switch (x) {
  case 0:
    out[0] = (toy_move){"a", 1, 1};
    out[1] = (toy_move){"b", 4, 2};
    out[2] = (toy_move){"c", 7, 2};
    return 3;
  case 1: out[0] = (toy_move){"a1", 2, 1}; return 1;
  case 4:
    out[0] = (toy_move){"b1", 5, 1};
    out[1] = (toy_move){"b2", 6, 3};
    return 2;
  case 7: out[0] = (toy_move){"c1", 8, 1}; return 1;
  default: return 0;
  }
}
static double fork_value(const toy *t, int x) {
  (void)t;
  static const double v[] = {0.5, 0.9, 0.95, 0, 0.6, 0.7, 1.0, 0.6, 0.5};
  return x >= 0 && x < 9 ? v[x] : 0.0;
}
static bool fork_goal(const toy *t, int x) {
  (void)t;
  return x == 6;
}

/* Without an evaluator greedy is the LLM alone: at every step the most
 * proposed action (ties by smaller id), and not one value call. The root
 * round and the trace work without an evaluator. */
static void test_greedy_no_value_follows_prior(void) {
  toy t;
  toy_init(&t, fork_succ, fork_value, fork_goal);
  toy_comps c;
  toy_comps_init(&c, &t);
  plan__search_options o = opts(PLAN__ALGO_GREEDY);
  FILE *tr = tmpfile();
  ASSERT(tr);
  plan__search *s = NULL;
  plan_error err;
  ASSERT_OK(
      plan__search_create(&o, &c.p, &c.w, &c.g, NULL, NULL, tr, &s, &err));
  ASSERT_OK(toy_set(s, &t, 0, 0, true));
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_GOAL);
  char buf[128];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "b b2");
  ASSERT_EQ(t.n_evaluate, 0);
  ASSERT_EQ(t.n_propose, 2);
  /* Node ids: 1 a, 2 b, 3 c, then 4 b1, 5 b2. Priors are the shares of
   * the proposals; no node has a value, every one ranks as the root. */
  ASSERT_STR_EQ(plan__search_node(s, 2)->action, "b");
  ASSERT_NEAR(plan__search_node(s, 1)->prior, 0.2, 1e-12);
  ASSERT_NEAR(plan__search_node(s, 2)->prior, 0.4, 1e-12);
  ASSERT_NEAR(plan__search_node(s, 3)->prior, 0.4, 1e-12);
  ASSERT_NEAR(plan__search_node(s, 4)->prior, 0.25, 1e-12);
  ASSERT_NEAR(plan__search_node(s, 5)->prior, 0.75, 1e-12);
  for (plan__node_id id = 0; id < plan__search_node_count(s); id++) {
    const plan__node *n = plan__search_node(s, id);
    ASSERT_EQ(n->value.samples, 0);
    ASSERT(!(n->flags & PLAN__NODE_EVALUATED));
    if (!(n->flags & PLAN__NODE_GOAL))
      ASSERT_NEAR(plan__search_rank(s, id), 0.5, 0);
  }
  /* "a" and "c" were never entered. */
  ASSERT(!(plan__search_node(s, 1)->flags & PLAN__NODE_EXPANDED));
  ASSERT(!(plan__search_node(s, 3)->flags & PLAN__NODE_EXPANDED));
  size_t len;
  char *trace = slurp(tr, &len);
  ASSERT(strstr(trace, "\"evaluator\":null"));
  ASSERT(strstr(trace, "\"ev\":\"result\""));
  ASSERT(!strstr(trace, "\"ev\":\"value\""));
  free(trace);
  fclose(tr);
  plan__search_free(s);

  /* No goal test either, on the number line: the priors are equal, so
   * greedy takes the usable child with the smaller id, one round per
   * level, until the depth limit; still no value call. */
  toy_init(&t, line_succ, line_value, no_goal);
  toy_comps_init(&c, &t);
  o = opts(PLAN__ALGO_GREEDY);
  o.max_depth = 6;
  ASSERT_OK(
      plan__search_create(&o, &c.p, &c.w, NULL, NULL, NULL, NULL, &s, &err));
  ASSERT_OK(toy_set(s, &t, 0, 0, true));
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_DEPTH);
  ASSERT_EQ(t.n_propose, 6);
  ASSERT_EQ(t.n_evaluate, 0);
  /* A child whose state is already in the tree is a duplicate and never
   * chosen: from 2, "inc" reaches 3, seen as the root's "jump", so the
   * walk expands 0 1 2 5 6 7 (and ends at 10: 8 is 5's "jump"). */
  static const int walk[6] = {0, 1, 2, 5, 6, 7};
  size_t expanded = 0;
  for (plan__node_id id = 0; id < plan__search_node_count(s); id++) {
    const plan__node *n = plan__search_node(s, id);
    if (n->flags & PLAN__NODE_EXPANDED) {
      ASSERT(n->depth < 6);
      ASSERT_EQ(toy_state(s, id), walk[n->depth]);
      expanded++;
    }
  }
  ASSERT_EQ(expanded, 6);
  /* Unsolved, the result is the walk (to 10, six actions), not the empty
   * plan every tied node would otherwise give. */
  ASSERT_EQ(r.n_steps, 6);
  ASSERT_EQ(toy_state(s, r.leaf), 10);
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "inc inc jump inc inc jump");
  plan__search_free(s);
}

/* With an evaluator greedy is a one-step lookahead: the value decides over
 * the proposer ("a", proposed once, valued 0.9) and walks into the dead
 * end, as before. */
static void test_greedy_value_lookahead(void) {
  toy t;
  toy_init(&t, fork_succ, fork_value, fork_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_GREEDY);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_EXHAUSTED);
  char buf[128];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "a a1");
  ASSERT_NEAR(r.value, 0.95, 1e-12);
  /* The root, then the three children, then "a1". */
  ASSERT_EQ(t.n_evaluate, 3);
  ASSERT_EQ(t.evaluate_n[1], 3);
  plan__search_free(s);
}

/* Equal values: the prior breaks the tie before the id. With a flat value
 * greedy takes "b" (prior 0.4, tied with "c": the smaller id) and then
 * "b2" (prior 0.75) over "b1" (0.25), whose id is smaller. */
static void test_greedy_prior_tie_break(void) {
  toy t;
  toy_init(&t, fork_succ, flat_value, fork_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_GREEDY);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.solved);
  char buf[128];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "b b2");
  ASSERT(t.n_evaluate > 0);
  const plan__node *b1 = plan__search_node(s, 4);
  const plan__node *b2 = plan__search_node(s, 5);
  ASSERT_STR_EQ(b1->action, "b1");
  ASSERT_STR_EQ(b2->action, "b2");
  ASSERT_NEAR(plan__search_rank(s, 4), plan__search_rank(s, 2), 0);
  plan__search_free(s);

  /* Equal values and equal priors: the smaller id ("inc" before "jump",
   * both 0.95 from 0 to the goal 2), as test_round_phases checks too. */
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 2;
  s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "inc inc");
  plan__search_free(s);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_line_all_algorithms);
  RUN(test_trap_greedy_fails);
  RUN(test_trap_search_succeeds);
  RUN(test_expansion_order);
  RUN(test_dfs_children_cap);
  RUN(test_dfs_prune_on_verdict);
  RUN(test_shortest_path);
  RUN(test_exhausted);
  RUN(test_depth_budget);
  RUN(test_node_budget);
  RUN(test_iteration_budgets);
  RUN(test_best_first_batches);
  RUN(test_mcts_and_beam_batches);
  RUN(test_mcts_closes_dead_ends);
  RUN(test_determinism);
  RUN(test_greedy_no_value_follows_prior);
  RUN(test_greedy_value_lookahead);
  RUN(test_greedy_prior_tie_break);
  TEST_END();
}
