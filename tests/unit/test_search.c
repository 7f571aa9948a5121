/* tests/unit/test_search.c: the search core on exact toy domains: names
 * and options, misuse, the round's phases, transpositions (including a
 * shallower copy taking over), missing values ranking as the parent,
 * prune reasons, branching and priors, component failures, and the JSONL
 * trace checked line by line against its schema (docs/trace.md). */
#include "core/json.h"
#include "search_toy.h"

static plan__search_options opts(plan__algo algo) {
  plan__search_options o;
  plan__search_options_default(&o);
  o.algo = algo;
  return o;
}

/* ---- names and options ----------------------------------------------------
 */

static void test_names_and_defaults(void) {
  plan__algo a;
  ASSERT(plan__algo_parse("best-first", &a) && a == PLAN__ALGO_BEST_FIRST);
  ASSERT(plan__algo_parse("dfs", &a) && a == PLAN__ALGO_DFS);
  ASSERT(plan__algo_parse("beam", &a) && a == PLAN__ALGO_BEAM);
  ASSERT(plan__algo_parse("mcts", &a) && a == PLAN__ALGO_MCTS);
  ASSERT(plan__algo_parse("greedy", &a) && a == PLAN__ALGO_GREEDY);
  ASSERT(!plan__algo_parse("astar", &a));
  ASSERT(!plan__algo_parse(NULL, &a));
  ASSERT_STR_EQ(plan__algo_name(PLAN__ALGO_MCTS), "mcts");
  ASSERT_STR_EQ(plan__stop_name(PLAN__STOP_CALLS), "calls");
  ASSERT_STR_EQ(plan__stop_name(PLAN__STOP_MEMORY), "memory");
  ASSERT_STR_EQ(plan__stop_name((plan__stop)99), "unknown");

  plan__search_options o;
  plan__search_options_default(&o);
  ASSERT_EQ(o.algo, PLAN__ALGO_BEST_FIRST);
  ASSERT_EQ(o.max_nodes, 10000);
  ASSERT_EQ(o.max_depth, 20);
  ASSERT_EQ(o.branching, 5);
  ASSERT_EQ(o.batch, 4);
  ASSERT_EQ(o.beam_width, 5);
  ASSERT_EQ(o.dfs_max_children, 3);
  ASSERT_EQ(o.mcts_iterations, 100);
  ASSERT_NEAR(o.mcts_c, 1.0, 0);
  ASSERT_NEAR(o.prune_below, 0.0, 0);

  plan__value v;
  memset(&v, 0, sizeof v);
  ASSERT_NEAR(plan__value_spread(&v), 0, 0);
  /* Welford through the setter is checked in test_values; here the
   * formula: samples 0 and 1 have a population spread of 0.5. */
  v.samples = 2;
  v.mean = 0.5;
  v.m2 = 0.5;
  ASSERT_NEAR(plan__value_spread(&v), 0.5, 1e-12);

  /* Zero fields of a caller's options take the defaults. */
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 2;
  toy_comps c;
  plan__search_options z;
  memset(&z, 0, sizeof z);
  z.algo = PLAN__ALGO_BEAM;
  plan__search *s = toy_search(&t, &c, &z, 0, NULL, NULL);
  ASSERT_EQ(plan__search_opts(s)->beam_width, 5);
  ASSERT_EQ(plan__search_opts(s)->max_nodes, 10000);
  ASSERT(plan__search_rng(s) != NULL);
  plan__search_free(s);
}

static void test_misuse(void) {
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  toy_comps c;
  toy_comps_init(&c, &t);
  plan__search *s = NULL;
  plan_error err;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  ASSERT_STATUS(
      plan__search_create(&o, NULL, &c.w, &c.g, &c.e, NULL, NULL, &s, &err),
      PLAN_EINVAL);
  ASSERT(s == NULL);
  ASSERT_CONTAINS(err.text, "proposer");
  ASSERT_STATUS(
      plan__search_create(&o, &c.p, NULL, &c.g, &c.e, NULL, NULL, &s, &err),
      PLAN_EINVAL);
  o.mcts_c = -1;
  ASSERT_STATUS(
      plan__search_create(&o, &c.p, &c.w, &c.g, &c.e, NULL, NULL, &s, &err),
      PLAN_EINVAL);
  o = opts(PLAN__ALGO_BEST_FIRST);
  o.prune_below = NAN;
  ASSERT_STATUS(
      plan__search_create(&o, &c.p, &c.w, &c.g, &c.e, NULL, NULL, &s, &err),
      PLAN_EINVAL);
  o = opts(PLAN__ALGO_BEST_FIRST);
  ASSERT_OK(
      plan__search_create(&o, &c.p, &c.w, &c.g, &c.e, NULL, NULL, &s, &err));
  /* No root yet. */
  ASSERT_STATUS(plan__search_run(s), PLAN_EMISUSE);
  plan__node_id id = 0;
  ASSERT_STATUS(plan__search_expand(s, &id, 1), PLAN_EMISUSE);
  ASSERT_STATUS(
      plan__search_add_child(s, 0, "x", 1, NULL, PLAN__EFFECT_PURE, NULL),
      PLAN_EMISUSE);
  ASSERT_OK(toy_set(s, &t, 0, 0, true));
  ASSERT_STATUS(toy_set(s, &t, 0, 1, true), PLAN_EMISUSE);
  /* Setters outside their phase. */
  ASSERT_STATUS(plan__search_set_state(s, 0, "a", 1, NULL, NULL, 0, 0),
                PLAN_EMISUSE);
  plan__search_set_goal(s, 77); /* an invalid id is ignored */
  plan__search_add_value(s, 77, 0.5);
  t.goal_state = 1;
  ASSERT_OK(plan__search_run(s));
  ASSERT_STATUS(plan__search_run(s), PLAN_EMISUSE);
  ASSERT_STATUS(plan__search_expand(s, &id, 1), PLAN_EMISUSE);
  plan__search_free(s);
  plan__search_free(NULL);
  plan__result r;
  plan__search_result(NULL, &r);
  ASSERT_EQ(r.leaf, PLAN__NODE_NONE);
}

static void test_root_goal(void) {
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 4;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  plan__search *s = toy_search(&t, &c, &o, 4, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_GOAL);
  ASSERT_EQ(r.n_steps, 0);
  ASSERT_EQ(r.leaf, 0);
  ASSERT_EQ(t.n_propose, 0);
  ASSERT_EQ(t.n_evaluate, 0); /* a goal needs no value */
  ASSERT_NEAR(r.value, 1.0, 0);
  plan__search_free(s);
}

/* ---- the round --------------------------------------------------------------
 */

static void test_round_phases(void) {
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 2;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_GREEDY);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  char buf[256];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "inc inc");
  /* Root: goal test + evaluation. Round 1 at 0: three proposals, "dec" is
   * inapplicable; "inc" (1) and "jump" (3) are evaluated, both 0.95, and
   * the tie goes to the smaller id, "inc". Round 2 at 1: "inc" reaches the
   * goal 2, which ends the round before evaluation. */
  ASSERT_EQ(t.n_propose, 2);
  ASSERT_EQ(t.n_simulate, 2);
  ASSERT_EQ(t.n_goal, 3);
  ASSERT_EQ(t.n_evaluate, 2);
  ASSERT_EQ(t.evaluate_n[0], 1);
  ASSERT_EQ(t.evaluate_n[1], 2);
  const plan__node *dec = plan__search_node(s, 2);
  ASSERT_STR_EQ(dec->action, "dec");
  ASSERT(dec->flags & PLAN__NODE_PRUNED);
  ASSERT_STR_EQ(dec->prune_reason, "inapplicable action");
  ASSERT(!(dec->flags & PLAN__NODE_HAS_STATE));
  const plan__node *root = plan__search_node(s, 0);
  ASSERT_EQ(root->n_children, 3);
  ASSERT(root->flags & PLAN__NODE_EXPANDED);
  ASSERT(root->flags & PLAN__NODE_EVALUATED);
  /* Children in proposal order, linked by ids. */
  ASSERT_EQ(root->first_child, 1);
  ASSERT_EQ(plan__search_node(s, 1)->next_sibling, 2);
  ASSERT_EQ(plan__search_node(s, 2)->next_sibling, 3);
  ASSERT_EQ(plan__search_node(s, 3)->next_sibling, PLAN__NODE_NONE);
  ASSERT_EQ(plan__search_node(s, 3)->depth, 1);
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.solved);
  ASSERT_EQ(r.rounds, 2);
  ASSERT_EQ(r.expansions, 2);
  ASSERT_EQ(plan__search_node(s, r.leaf)->depth, 2);
  ASSERT(plan__search_node(s, r.leaf)->flags & PLAN__NODE_GOAL);
  ASSERT(!(plan__search_node(s, r.leaf)->flags & PLAN__NODE_EVALUATED));
  plan__search_free(s);
}

/* ---- transpositions
 * ----------------------------------------------------------- */

static void test_transposition_merges(void) {
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 15;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  plan__search *s = toy_search(&t, &c, &o, 5, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  size_t dups = 0;
  for (plan__node_id id = 0; id < plan__search_node_count(s); id++) {
    const plan__node *n = plan__search_node(s, id);
    if (!(n->flags & PLAN__NODE_DUPLICATE))
      continue;
    dups++;
    const plan__node *k = plan__search_node(s, n->same_as);
    ASSERT(k && !(k->flags & PLAN__NODE_DUPLICATE));
    ASSERT_EQ(n->state_hash, k->state_hash);
    ASSERT_STR_EQ(n->state_text, k->state_text);
    ASSERT(!(n->flags & PLAN__NODE_EXPANDED));
    ASSERT(!(n->flags & PLAN__NODE_EVALUATED));
    ASSERT(!plan__search_usable(s, id));
    ASSERT_NEAR(plan__search_rank(s, id), plan__search_rank(s, n->same_as), 0);
  }
  ASSERT(dups > 0); /* "dec" after "inc" is the parent's parent */
  /* Every state was evaluated at most once. */
  for (int x = 0; x <= 20; x++)
    ASSERT(t.evaluated[x] <= 1);
  plan__search_free(s);
}

/* S(0) -a-> A(1) -b-> B(2) -x-> X(3, depth 3) and S -c-> C(4) -x-> X
 * (depth 2); X -t-> T(5), the goal. Best-first with batch 1 reaches X
 * first through A and B (their values are higher), then through C: the
 * shallower copy takes over, inherits X's value without a second
 * evaluation, and the plan goes through C. */
static size_t swap_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  switch (x) {
  case 0:
    out[0] = (toy_move){"a", 1, 1};
    out[1] = (toy_move){"c", 4, 1};
    return 2;
  case 1: out[0] = (toy_move){"b", 2, 1}; return 1;
  case 2: out[0] = (toy_move){"x", 3, 1}; return 1;
  case 4: out[0] = (toy_move){"x", 3, 1}; return 1;
  case 3: out[0] = (toy_move){"t", 5, 1}; return 1;
  default: return 0;
  }
}
static double swap_value(const toy *t, int x) {
  (void)t;
  static const double v[] = {0.5, 0.9, 0.9, 0.2, 0.5, 1};
  return v[x];
}
static bool swap_goal(const toy *t, int x) {
  (void)t;
  return x == 5;
}

static void test_transposition_shallower_takes_over(void) {
  toy t;
  toy_init(&t, swap_succ, swap_value, swap_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.batch = 1;
  FILE *tr = tmpfile();
  ASSERT(tr);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, tr);
  ASSERT_OK(plan__search_run(s));
  char buf[256];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "c x t");
  ASSERT_EQ(t.evaluated[3], 1);
  /* The deep copy (through b) is now the duplicate. */
  plan__node_id deep = PLAN__NODE_NONE, shallow = PLAN__NODE_NONE;
  for (plan__node_id id = 0; id < plan__search_node_count(s); id++) {
    const plan__node *n = plan__search_node(s, id);
    if (n->action && strcmp(n->action, "x") == 0) {
      if (n->depth == 3)
        deep = id;
      else
        shallow = id;
    }
  }
  ASSERT(deep != PLAN__NODE_NONE && shallow != PLAN__NODE_NONE);
  ASSERT(deep < shallow);
  ASSERT(plan__search_node(s, deep)->flags & PLAN__NODE_DUPLICATE);
  ASSERT_EQ(plan__search_node(s, deep)->same_as, shallow);
  ASSERT(plan__search_node(s, shallow)->flags & PLAN__NODE_EVALUATED);
  ASSERT_NEAR(plan__search_node(s, shallow)->value.mean, 0.2, 1e-12);
  plan__search_free(s);
  /* The trace names the takeover. */
  rewind(tr);
  char line[8192];
  bool seen = false;
  while (fgets(line, sizeof line, tr))
    if (strstr(line, "\"ev\":\"simulate\"") && strstr(line, "\"replaces\""))
      seen = true;
  ASSERT(seen);
  fclose(tr);
}

/* ---- values -----------------------------------------------------------------
 */

/* Line from 0 toward 10: state 1's samples all fail (NaN), state 3 has a
 * real 0.3, state 2's samples fail too. */
static double missing_value(const toy *t, int x) {
  (void)t;
  if (x == 1 || x == 2)
    return NAN;
  if (x == 3)
    return 0.3;
  if (x == 0)
    return 0.4;
  return 0.1;
}

static void test_missing_values_rank_as_parent(void) {
  toy t;
  toy_init(&t, line_succ, missing_value, line_goal);
  t.goal_state = 10;
  t.samples = 3;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.batch = 1;
  o.max_expansions = 2;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_ITERATIONS);
  /* Node 1 is "inc" -> 1: 3 missing samples, no value; it ranks as the
   * root (0.4), above "jump" -> 3 (0.3), and so it was expanded next. */
  const plan__node *one = plan__search_node(s, 1);
  ASSERT_EQ(one->value.samples, 0);
  ASSERT_EQ(one->value.missing, 3);
  ASSERT_NEAR(plan__search_rank(s, 1), 0.4, 1e-12);
  ASSERT_NEAR(plan__search_rank(s, 3), 0.3, 1e-12);
  ASSERT(one->flags & PLAN__NODE_EXPANDED);
  ASSERT(!(plan__search_node(s, 3)->flags & PLAN__NODE_EXPANDED));
  /* Its child "inc" -> 2 failed too: it ranks as its grandparent. */
  plan__node_id two = PLAN__NODE_NONE;
  for (plan__node_id id = one->first_child; id != PLAN__NODE_NONE;
       id = plan__search_node(s, id)->next_sibling)
    if (strcmp(plan__search_node(s, id)->action, "inc") == 0)
      two = id;
  ASSERT(two != PLAN__NODE_NONE);
  ASSERT_NEAR(plan__search_rank(s, two), 0.4, 1e-12);
  /* The best plan so far is the smallest id among the 0.4s: the root
   * itself (an empty plan) rather than anything scored 0. */
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.leaf, 0);
  ASSERT_NEAR(r.value, 0.4, 1e-12);
  plan__search_free(s);
}

static void test_value_statistics(void) {
  /* Three equal samples per node: mean, min and max agree, spread 0. */
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 1;
  t.samples = 3;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_GREEDY);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  const plan__node *root = plan__search_node(s, 0);
  ASSERT_EQ(root->value.samples, 3);
  ASSERT_NEAR(root->value.mean, 0.95, 1e-12);
  ASSERT_NEAR(plan__value_spread(&root->value), 0, 1e-12);
  ASSERT_NEAR(root->value.min, 0.95, 1e-12);
  ASSERT_NEAR(root->value.max, 0.95, 1e-12);
  plan__search_free(s);
}

/* ---- prune reasons
 * ------------------------------------------------------------- */

/* From 0: "imp" -> 1 is impossible, "low" -> 2 has 0.1 (< prune_below
 * 0.2), "ok" -> 3 has 0.6, "bad" is inapplicable, "odd" -> 5 gets no state
 * (odd states), and 3 leads to the goal 4. */
static size_t prune_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  if (x == 0) {
    out[0] = (toy_move){"imp", 1, 1};
    out[1] = (toy_move){"low", 2, 1};
    out[2] = (toy_move){"ok", 6, 1};
    out[3] = (toy_move){"bad", -1, 1};
    out[4] = (toy_move){"odd", 5, 1};
    return 5;
  }
  if (x == 6) {
    out[0] = (toy_move){"goal", 4, 1};
    return 1;
  }
  return 0;
}
static double prune_value(const toy *t, int x) {
  (void)t;
  switch (x) {
  case 2: return -1; /* "impossible" (even state, so it has a state) */
  case 4: return 1;
  case 6: return 0.6;
  case 8: return 0.1;
  default: return 0.5;
  }
}
static bool prune_goal(const toy *t, int x) {
  (void)t;
  return x == 4;
}

static size_t prune_succ2(const toy *t, int x, toy_move *out) {
  size_t k = prune_succ(t, x, out);
  if (x == 0) {
    out[0].to = 2; /* "imp" -> 2 (impossible) */
    out[1].to = 8; /* "low" -> 8 (0.1) */
  }
  return k;
}

static void test_prune_reasons(void) {
  toy t;
  toy_init(&t, prune_succ2, prune_value, prune_goal);
  t.no_state_for_odd = true;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.prune_below = 0.2;
  FILE *tr = tmpfile();
  ASSERT(tr);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, tr);
  ASSERT_OK(plan__search_run(s));
  char buf[256];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "ok goal");
  static const char *const want[][2] = {
      {"imp", "impossible"},
      {"low", "value below prune_below"},
      {"bad", "inapplicable action"},
      {"odd", "no state from the world model"}};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(want); i++) {
    bool found = false;
    for (plan__node_id id = 1; id < plan__search_node_count(s); id++) {
      const plan__node *n = plan__search_node(s, id);
      if (strcmp(n->action, want[i][0]) != 0)
        continue;
      found = true;
      ASSERT(n->flags & PLAN__NODE_PRUNED);
      ASSERT_STR_EQ(n->prune_reason, want[i][1]);
      ASSERT(!plan__search_usable(s, id));
    }
    ASSERT(found);
  }
  plan__search_free(s);
  /* Each prune is one trace event with its reason. */
  rewind(tr);
  char line[8192];
  size_t prunes = 0;
  while (fgets(line, sizeof line, tr)) {
    if (!strstr(line, "\"ev\":\"prune\""))
      continue;
    prunes++;
    json_error_t je;
    json_t *j = json_loads(line, 0, &je);
    ASSERT(j);
    ASSERT(json_string_value(json_object_get(j, "reason")));
    ASSERT(json_integer_value(json_object_get(j, "node")) > 0);
    json_decref(j);
  }
  ASSERT_EQ(prunes, 4);
  fclose(tr);
}

/* ---- branching and priors
 * ------------------------------------------------------- */

static size_t wide_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  if (x != 0)
    return 0;
  out[0] = (toy_move){"p", 1, 5};
  out[1] = (toy_move){"q", 2, 1};
  out[2] = (toy_move){"r", 3, 3};
  out[3] = (toy_move){"s", 4, 3};
  out[4] = (toy_move){"t", 5, 2};
  out[5] = (toy_move){"u", 6, 3};
  return 6;
}

static void test_branching_and_priors(void) {
  toy t;
  toy_init(&t, wide_succ, flat_value, no_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.branching = 3;
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, NULL);
  ASSERT_OK(plan__search_run(s));
  ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_EXHAUSTED);
  /* Kept: p (5), r (3), s (3: ties with u, smaller id); pruned q, t, u. */
  const char *kept[] = {"p", "r", "s"};
  const char *cut[] = {"q", "t", "u"};
  double total = 0;
  for (plan__node_id id = 1; id <= 6; id++) {
    const plan__node *n = plan__search_node(s, id);
    bool is_kept = false;
    for (size_t i = 0; i < 3; i++)
      is_kept = is_kept || strcmp(n->action, kept[i]) == 0;
    for (size_t i = 0; i < 3; i++)
      if (strcmp(n->action, cut[i]) == 0) {
        ASSERT(n->flags & PLAN__NODE_PRUNED);
        ASSERT_CONTAINS(n->prune_reason, "branching");
      }
    if (is_kept) {
      ASSERT(!(n->flags & PLAN__NODE_PRUNED));
      total += n->prior;
    }
  }
  ASSERT_NEAR(total, 1.0, 1e-12);
  ASSERT_EQ(plan__search_node(s, 1)->proposals, 5);
  ASSERT_NEAR(plan__search_node(s, 1)->prior, 5.0 / 11.0, 1e-12);
  ASSERT_NEAR(plan__search_node(s, 3)->prior, 3.0 / 11.0, 1e-12);
  /* Only the kept children were simulated and evaluated. */
  ASSERT_EQ(t.evaluate_n[1], 3);
  plan__search_free(s);
}

/* ---- failures
 * -------------------------------------------------------------------- */

static void test_component_error(void) {
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 15;
  t.fail_propose = PLAN_EBACKEND;
  t.fail_propose_at = 3;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.batch = 1;
  FILE *tr = tmpfile();
  ASSERT(tr);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, tr);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBACKEND);
  ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_ERROR);
  ASSERT_CONTAINS(plan__search_errmsg(s), "injected EBACKEND");
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.stop, PLAN__STOP_ERROR);
  /* The best plan so far: two jumps (6, value 0.55). */
  char buf[256];
  ASSERT_STR_EQ(toy_plan(s, buf, sizeof buf), "jump jump");
  plan__search_free(s);
  rewind(tr);
  char line[8192];
  bool err_ev = false, result_ev = false;
  while (fgets(line, sizeof line, tr)) {
    err_ev = err_ev || (strstr(line, "\"ev\":\"error\"") &&
                        strstr(line, "\"status\":\"EBACKEND\""));
    result_ev = result_ev || strstr(line, "\"ev\":\"result\"");
  }
  ASSERT(err_ev && result_ev);
  fclose(tr);
}

static plan_status failing_eval(void *self, plan__search *s,
                                const plan__node_id *ids, size_t n) {
  (void)self;
  (void)s;
  (void)ids;
  (void)n;
  return PLAN_EPARSE;
}

static void test_component_error_message(void) {
  toy t;
  toy_init(&t, line_succ, line_value, line_goal);
  t.goal_state = 15;
  toy_comps c;
  toy_comps_init(&c, &t);
  c.e.evaluate = failing_eval;
  c.e.name = "fussy evaluator";
  plan__search_options o = opts(PLAN__ALGO_BEAM);
  plan__search *s = NULL;
  ASSERT_OK(
      plan__search_create(&o, &c.p, &c.w, &c.g, &c.e, NULL, NULL, &s, NULL));
  ASSERT_OK(toy_set(s, &t, 0, 0, true));
  ASSERT_STATUS(plan__search_run(s), PLAN_EPARSE);
  ASSERT_CONTAINS(plan__search_errmsg(s), "fussy evaluator");
  ASSERT_CONTAINS(plan__search_errmsg(s), "parse error");
  plan__result r;
  plan__search_result(s, &r);
  ASSERT_EQ(r.leaf, 0); /* nothing but the root */
  plan__search_free(s);
}

/* No goal test and no evaluator: every node ranks 0.5, the search runs
 * until exhaustion. */
static void test_optional_components(void) {
  toy t;
  toy_init(&t, trap_succ, trap_value, trap_goal);
  toy_comps c;
  toy_comps_init(&c, &t);
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  plan__search *s = NULL;
  ASSERT_OK(
      plan__search_create(&o, &c.p, &c.w, NULL, NULL, NULL, NULL, &s, NULL));
  ASSERT_OK(toy_set(s, &t, 0, 0, true));
  ASSERT_OK(plan__search_run(s));
  ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_EXHAUSTED);
  ASSERT_EQ(plan__search_node_count(s), 7);
  for (plan__node_id id = 0; id < 7; id++)
    ASSERT_NEAR(plan__search_rank(s, id), 0.5, 0);
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(!r.solved);
  ASSERT_EQ(r.leaf, 0);
  ASSERT_EQ(t.n_goal, 0);
  ASSERT_EQ(t.n_evaluate, 0);
  plan__search_free(s);
}

/* ---- trace
 * -------------------------------------------------------------------------- */

static const char *const known_events[] = {
    "start", "round",    "node",     "simulate", "value", "prune",
    "goal",  "dead_end", "llm_call", "budget",   "error", "result"};

static void require(json_t *j, const char *key) {
  if (!json_object_get(j, key)) {
    fprintf(stderr, "event %s lacks \"%s\"\n",
            json_string_value(json_object_get(j, "ev")), key);
    ASSERT(0);
  }
}

/* Checks every line of a trace: valid JSON, canonical, "ev" known and
 * "v" 1, and the fields of docs/trace.md. Returns the events seen as a
 * bit set over known_events. */
static unsigned check_trace(FILE *tr) {
  rewind(tr);
  unsigned seen = 0;
  static char line[1 << 16];
  size_t lines = 0;
  while (fgets(line, sizeof line, tr)) {
    size_t len = strlen(line);
    lines++;
    ASSERT(len > 0 && line[len - 1] == '\n');
    json_error_t je;
    json_t *j = json_loadb(line, len - 1, 0, &je);
    if (!j)
      fprintf(stderr, "bad trace line: %s (%s)\n", line, je.text);
    ASSERT(j && json_is_object(j));
    /* Canonical: our own canonical form reproduces the line. */
    plan__buf b;
    plan__buf_init(&b, 0);
    ASSERT_OK(plan__json_canonical(j, &b));
    ASSERT_EQ(b.len, len - 1);
    ASSERT(memcmp(b.data, line, b.len) == 0);
    plan__buf_free(&b);
    ASSERT_EQ(json_integer_value(json_object_get(j, "v")), 1);
    const char *ev = json_string_value(json_object_get(j, "ev"));
    ASSERT(ev);
    size_t k = 0;
    while (k < PLAN_ARRAY_LEN(known_events) && strcmp(known_events[k], ev))
      k++;
    ASSERT(k < PLAN_ARRAY_LEN(known_events));
    seen |= 1u << k;
    if (!strcmp(ev, "start")) {
      require(j, "algo");
      require(j, "options");
      require(j, "proposer");
      require(j, "world_model");
      require(j, "evaluator");
      require(j, "goal_test");
    } else if (!strcmp(ev, "round")) {
      require(j, "round");
      ASSERT(json_array_size(json_object_get(j, "nodes")) > 0);
    } else if (!strcmp(ev, "node")) {
      require(j, "node");
      require(j, "parent");
      require(j, "depth");
      require(j, "action");
      require(j, "flags");
      require(j, "value");
      require(j, "rank");
      require(j, "prior");
      require(j, "proposals");
      json_t *v = json_object_get(j, "value");
      require(v, "samples");
      require(v, "missing");
      if (json_integer_value(json_object_get(v, "samples")) > 0) {
        require(v, "mean");
        require(v, "spread");
      }
    } else if (!strcmp(ev, "simulate")) {
      require(j, "node");
      require(j, "state_hash");
      ASSERT_EQ(strlen(json_string_value(json_object_get(j, "state_hash"))),
                16);
    } else if (!strcmp(ev, "value")) {
      require(j, "node");
      ASSERT(json_object_get(j, "sample") || json_object_get(j, "missing"));
    } else if (!strcmp(ev, "prune")) {
      require(j, "node");
      require(j, "reason");
    } else if (!strcmp(ev, "goal")) {
      require(j, "node");
      require(j, "depth");
    } else if (!strcmp(ev, "dead_end")) {
      require(j, "node");
    } else if (!strcmp(ev, "llm_call")) {
      require(j, "role");
      require(j, "node");
      require(j, "status");
      require(j, "prompt_tokens");
      require(j, "completion_tokens");
      require(j, "choices");
    } else if (!strcmp(ev, "budget")) {
      require(j, "stop");
      require(j, "nodes");
      require(j, "llm_calls");
      require(j, "tokens");
    } else if (!strcmp(ev, "error")) {
      require(j, "status");
      require(j, "message");
    } else if (!strcmp(ev, "result")) {
      require(j, "solved");
      require(j, "stop");
      require(j, "status");
      require(j, "leaf");
      require(j, "steps");
      require(j, "actions");
      require(j, "value");
      require(j, "nodes");
      require(j, "llm_calls");
      require(j, "tokens");
      ASSERT_EQ(json_array_size(json_object_get(j, "actions")),
                json_integer_value(json_object_get(j, "steps")));
    }
    json_decref(j);
  }
  ASSERT(lines > 0);
  return seen;
}

static unsigned bit(const char *ev) {
  for (size_t k = 0; k < PLAN_ARRAY_LEN(known_events); k++)
    if (!strcmp(known_events[k], ev))
      return 1u << k;
  ASSERT(0);
  return 0;
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

static void test_trace_schema(void) {
  plan_llm *llm = scripted("[{\"reply\":\"0.5\",\"usage\":"
                           "{\"prompt_tokens\":7,\"completion_tokens\":2}}]");
  plan_scheduler *sched = NULL;
  ASSERT_OK(plan_scheduler_create(llm, NULL, &sched, NULL));
  toy t;
  toy_init(&t, prune_succ2, prune_value, prune_goal);
  t.no_state_for_odd = true;
  t.sched = sched;
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.prune_below = 0.2;
  FILE *tr = tmpfile();
  ASSERT(tr);
  plan__search *s = toy_search(&t, &c, &o, 0, sched, tr);
  ASSERT_OK(plan__search_run(s));
  /* A component's own event, with a borrowed fields object. */
  json_t *f = json_pack("{s:s}", "note", "hello");
  plan__search_trace(s, "note", f);
  ASSERT_EQ(json_object_size(f), 1); /* untouched */
  json_decref(f);
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.solved);
  /* One request per evaluated node, all through the scheduler. */
  size_t evaluated = 0;
  for (size_t i = 0; i < t.n_evaluate; i++)
    evaluated += t.evaluate_n[i];
  ASSERT_EQ(r.llm_calls, evaluated);
  ASSERT(r.llm_calls >= 4);
  ASSERT_EQ(r.tokens, 9 * r.llm_calls);
  plan__search_free(s);
  /* "note" is not one of ours: check the rest, then that line. */
  rewind(tr);
  FILE *ours = tmpfile();
  ASSERT(ours);
  char line[16384];
  bool note = false;
  while (fgets(line, sizeof line, tr)) {
    if (strstr(line, "\"ev\":\"note\"")) {
      ASSERT_STR_EQ(line, "{\"ev\":\"note\",\"note\":\"hello\",\"v\":1}\n");
      note = true;
      continue;
    }
    fputs(line, ours);
  }
  ASSERT(note);
  unsigned seen = check_trace(ours);
  const char *must[] = {"start", "round", "node",     "simulate", "value",
                        "prune", "goal",  "llm_call", "result"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(must); i++) {
    if (!(seen & bit(must[i])))
      fprintf(stderr, "missing event %s\n", must[i]);
    ASSERT(seen & bit(must[i]));
  }
  fclose(ours);
  fclose(tr);
  plan_scheduler_destroy(sched);
  plan_llm_destroy(llm);
}

/* A budget stop and a dead end appear in the trace; text that is not
 * UTF-8 is written with replacement characters and stays valid JSON. */
static size_t bad_utf8_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  if (x == 0) {
    out[0] = (toy_move){"caf\xc3\xa9 \xff\xfe", 2, 1};
    out[1] = (toy_move){"dead", 4, 1};
    return 2;
  }
  if (x == 2) {
    out[0] = (toy_move){"on", 6, 1};
    return 1;
  }
  return 0;
}

static void test_trace_budget_dead_end_utf8(void) {
  toy t;
  toy_init(&t, bad_utf8_succ, flat_value, no_goal);
  toy_comps c;
  plan__search_options o = opts(PLAN__ALGO_BEST_FIRST);
  o.batch = 1;
  o.max_expansions = 3;
  FILE *tr = tmpfile();
  ASSERT(tr);
  plan__search *s = toy_search(&t, &c, &o, 0, NULL, tr);
  ASSERT_STATUS(plan__search_run(s), PLAN_EBUDGET);
  ASSERT_EQ(plan__search_stop_reason(s), PLAN__STOP_ITERATIONS);
  plan__search_free(s);
  unsigned seen = check_trace(tr);
  ASSERT(seen & bit("budget"));
  ASSERT(seen & bit("dead_end"));
  rewind(tr);
  char line[8192];
  bool replaced = false;
  while (fgets(line, sizeof line, tr))
    replaced = replaced || strstr(line, "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd");
  ASSERT(replaced);
  fclose(tr);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_names_and_defaults);
  RUN(test_misuse);
  RUN(test_root_goal);
  RUN(test_round_phases);
  RUN(test_transposition_merges);
  RUN(test_transposition_shallower_takes_over);
  RUN(test_missing_values_rank_as_parent);
  RUN(test_value_statistics);
  RUN(test_prune_reasons);
  RUN(test_branching_and_priors);
  RUN(test_component_error);
  RUN(test_component_error_message);
  RUN(test_optional_components);
  RUN(test_trace_schema);
  RUN(test_trace_budget_dead_end_utf8);
  TEST_END();
}
