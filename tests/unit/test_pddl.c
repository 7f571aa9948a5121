/* tests/unit/test_pddl.c: the PDDL parser, grounding, simulator and
 * validator (worldmodel/pddl). Parser errors are checked with their exact
 * file:line:column text; the validator with VAL's corner cases (delete
 * before add, negative preconditions, equality, static preconditions of
 * pruned actions) and its report texts.
 */
#include "test.h"
#include "worldmodel/pddl/pddl.h"

/* ---- fixtures ---------------------------------------------------------- */

static const char *const BW_DOMAIN =
    "(define (domain blocksworld-4ops)\n"
    "  (:requirements :strips)\n"
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

/* PlanBench's instance-4 of generated_basic. */
static const char *const BW_PROBLEM =
    "(define (problem BW-rand-4) (:domain blocksworld-4ops)\n"
    "(:objects a b c d )\n"
    "(:init (handempty) (on a c) (ontable b) (on c b) (on d a) (clear d))\n"
    "(:goal (and (on a d) (on d b))))\n";

static const char *const TYPED_DOMAIN =
    "(define (domain typed)\n"
    "  (:requirements :strips :typing :negative-preconditions :equality)\n"
    "  (:types truck airplane - vehicle location)\n"
    "  (:constants depot - location)\n"
    "  (:predicates (at ?v - vehicle ?l - location) (visited ?l - location)\n"
    "               (broken ?v - vehicle) (marked ?x))\n"
    "  (:action move\n"
    "    :parameters (?v - vehicle ?from ?to - location)\n"
    "    :precondition (and (at ?v ?from) (not (= ?from ?to))\n"
    "                       (not (broken ?v)))\n"
    "    :effect (and (not (at ?v ?from)) (at ?v ?to) (visited ?to)))\n"
    "  (:action crash :parameters (?a - airplane)\n"
    "    :precondition (at ?a depot) :effect (broken ?a))\n"
    "  (:action mark :parameters (?x - (either truck location))\n"
    "    :precondition (and) :effect (marked ?x)))\n";

static const char *const TYPED_PROBLEM =
    "(define (problem p1) (:domain TYPED)\n"
    "  (:objects t1 - truck a1 - airplane l1 l2 - location)\n"
    "  (:init (at t1 depot) (at a1 l1))\n"
    "  (:goal (and (visited l2) (at t1 depot) (not (broken a1)))))\n";

/* Logistics-style: types as unary static predicates. */
static const char *const LOG_DOMAIN =
    "(define (domain log)\n"
    "  (:predicates (OBJ ?o) (TRUCK ?t) (LOCATION ?l) (at ?x ?l)\n"
    "               (in ?o ?t))\n"
    "  (:action LOAD-TRUCK :parameters (?o ?t ?l)\n"
    "    :precondition (and (OBJ ?o) (TRUCK ?t) (LOCATION ?l) (at ?t ?l)\n"
    "                       (at ?o ?l))\n"
    "    :effect (and (not (at ?o ?l)) (in ?o ?t))))\n";

static const char *const LOG_PROBLEM =
    "(define (problem lp) (:domain log)\n"
    "  (:objects p0 t0 l0)\n"
    "  (:init (OBJ p0) (TRUCK t0) (LOCATION l0) (at t0 l0) (at p0 l0))\n"
    "  (:goal (in p0 t0)))\n";

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

/* A counting allocator that fails allocation number fail_at (1-based). */
TEST_COUNTING_ALLOCATOR()

/* ---- parser errors ----------------------------------------------------- */

static void expect_domain_error(const char *text, plan_status code,
                                const char *msg, int line, int col) {
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_domain *d = (plan__pddl_domain *)&err; /* must become NULL */
  ASSERT_STATUS(plan__pddl_domain_parse(text, strlen(text), "d.pddl", &d, &err),
                code);
  ASSERT(d == NULL);
  ASSERT_STR_EQ(err.text, msg);
  ASSERT_EQ(err.code, code);
  ASSERT_EQ(err.line, line);
  ASSERT_EQ(err.column, col);
}

static void expect_problem_error(const char *dom, const char *text,
                                 plan_status code, const char *msg) {
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_domain *d = NULL;
  ASSERT_OK(plan__pddl_domain_parse(dom, strlen(dom), "d.pddl", &d, &err));
  plan__pddl_problem *p = NULL;
  ASSERT_STATUS(
      plan__pddl_problem_parse(d, text, strlen(text), "p.pddl", &p, &err),
      code);
  ASSERT(p == NULL);
  ASSERT_STR_EQ(err.text, msg);
  plan__pddl_domain_free(d);
}

static void test_parse_syntax_errors(void) {
  expect_domain_error("(define (domain d)\n  (:predicates (p ?x)\n",
                      PLAN_EPARSE,
                      "d.pddl:2:3: unbalanced parentheses: '(' is never "
                      "closed",
                      2, 3);
  expect_domain_error("(define (domain d))\n  )", PLAN_EPARSE,
                      "d.pddl:2:3: unbalanced parentheses: unexpected ')'", 2,
                      3);
  expect_domain_error("", PLAN_EPARSE,
                      "d.pddl:1:1: empty input: expected '(define ...)'", 1, 1);
  expect_domain_error("; only a comment\n", PLAN_EPARSE,
                      "d.pddl:2:1: empty input: expected '(define ...)'", 2, 1);
  expect_domain_error("define", PLAN_EPARSE,
                      "d.pddl:1:1: expected '(' but found 'define'", 1, 1);
  expect_domain_error("(define (domain d)) (extra)", PLAN_EPARSE,
                      "d.pddl:1:21: unexpected text after the end of the "
                      "definition",
                      1, 21);
  expect_domain_error("(define (domain d)\n (:predicates (p\x01)))",
                      PLAN_EPARSE,
                      "d.pddl:2:17: unexpected character (byte 0x01)", 2, 17);
  expect_domain_error("(foo (domain d))", PLAN_EPARSE,
                      "d.pddl:1:1: expected '(define (domain NAME) ...)'", 1,
                      1);
  expect_domain_error("(define (problem d))", PLAN_EPARSE,
                      "d.pddl:1:9: expected '(domain NAME)'", 1, 9);
  expect_domain_error("(define (domain d) (:predicate (p)))", PLAN_EPARSE,
                      "d.pddl:1:20: unknown domain section ':predicate'", 1,
                      20);
  /* 300 nested parentheses. */
  char deep[700];
  size_t k = 0;
  for (int i = 0; i < 300; i++)
    deep[k++] = '(';
  for (int i = 0; i < 300; i++)
    deep[k++] = ')';
  deep[k] = '\0';
  expect_domain_error(deep, PLAN_EPARSE,
                      "d.pddl:1:257: nesting deeper than 256 levels", 1, 257);
}

static void test_parse_semantic_errors(void) {
  const char *pre = "(define (domain d) (:predicates (p ?x) (q))\n";
  char buf[512];
  snprintf(buf, sizeof buf,
           "%s(:action a :parameters (?x) :precondition (r ?x)))", pre);
  expect_domain_error(buf, PLAN_EPARSE, "d.pddl:2:44: undeclared predicate 'r'",
                      2, 44);
  snprintf(buf, sizeof buf,
           "%s(:action a :parameters (?x) :precondition (p ?x ?x)))", pre);
  expect_domain_error(buf, PLAN_EPARSE,
                      "d.pddl:2:43: predicate 'p' takes 1 argument, got 2", 2,
                      43);
  snprintf(buf, sizeof buf, "%s(:action a :parameters (?x) :effect (p ?y)))",
           pre);
  expect_domain_error(buf, PLAN_EPARSE, "d.pddl:2:40: unbound variable '?y'", 2,
                      40);
  snprintf(buf, sizeof buf, "%s(:action a :parameters (?x) :effect (p c)))",
           pre);
  expect_domain_error(buf, PLAN_EPARSE,
                      "d.pddl:2:40: unknown constant 'c' (declare it in "
                      ":constants)",
                      2, 40);
  snprintf(buf, sizeof buf, "%s(:action a :parameters (?x - car)))", pre);
  expect_domain_error(buf, PLAN_EPARSE, "d.pddl:2:30: undeclared type 'car'", 2,
                      30);
  snprintf(buf, sizeof buf, "%s(:action a :parameters (?x ?x)))", pre);
  expect_domain_error(buf, PLAN_EPARSE,
                      "d.pddl:2:28: parameter '?x' declared twice", 2, 28);
  snprintf(buf, sizeof buf, "%s(:action a :parameters (?x) :cost 1))", pre);
  expect_domain_error(buf, PLAN_EPARSE,
                      "d.pddl:2:29: unknown action field ':cost'", 2, 29);
  expect_domain_error("(define (domain d) (:requirements :strips :foo))",
                      PLAN_EPARSE, "d.pddl:1:43: unknown requirement ':foo'", 1,
                      43);
  expect_domain_error("(define (domain d) (:types a - b b - a))", PLAN_EPARSE,
                      "d.pddl:1:20: the type hierarchy has a cycle through "
                      "'b'",
                      1, 20);
}

static void test_parse_unsupported(void) {
  expect_domain_error("(define (domain d)\n"
                      "  (:requirements :strips :conditional-effects))",
                      PLAN_EINVAL,
                      "d.pddl:2:26: requirement :conditional-effects is not "
                      "supported (only :strips, :typing, "
                      ":negative-preconditions, :equality)",
                      2, 26);
  const char *pre = "(define (domain d) (:predicates (p ?x) (q))\n";
  char buf[512];
  snprintf(buf, sizeof buf,
           "%s(:action a :parameters (?x)\n"
           "  :precondition (forall (?y) (p ?y))))",
           pre);
  expect_domain_error(buf, PLAN_EINVAL,
                      "d.pddl:3:17: 'forall' is not supported (it needs "
                      ":universal-preconditions)",
                      3, 17);
  snprintf(buf, sizeof buf,
           "%s(:action a :parameters (?x) :precondition (or (p ?x) (q))))",
           pre);
  expect_domain_error(buf, PLAN_EINVAL,
                      "d.pddl:2:43: 'or' is not supported (it needs "
                      ":disjunctive-preconditions)",
                      2, 43);
  snprintf(buf, sizeof buf,
           "%s(:action a :parameters (?x) :effect (when (q) (p ?x))))", pre);
  expect_domain_error(buf, PLAN_EINVAL,
                      "d.pddl:2:37: 'when' is not supported (it needs "
                      ":conditional-effects)",
                      2, 37);
  snprintf(buf, sizeof buf,
           "%s(:action a :parameters (?x) :effect (increase (c) 1)))", pre);
  expect_domain_error(buf, PLAN_EINVAL,
                      "d.pddl:2:37: 'increase' is not supported (it needs "
                      ":numeric-fluents)",
                      2, 37);
  expect_domain_error("(define (domain d) (:functions (f)))", PLAN_EINVAL,
                      "d.pddl:1:20: ':functions' is not supported (it needs "
                      ":numeric-fluents)",
                      1, 20);
  expect_domain_error("(define (domain d) (:durative-action a))", PLAN_EINVAL,
                      "d.pddl:1:20: ':durative-action' is not supported (it "
                      "needs :durative-actions)",
                      1, 20);
}

static void test_problem_errors(void) {
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain other) (:goal (and)))",
                       PLAN_EPARSE,
                       "p.pddl:1:30: problem is for domain 'other', but the "
                       "domain is 'blocksworld-4ops'");
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain blocksworld-4ops)\n"
                       "(:objects a) (:init (on a z)) (:goal (clear a)))",
                       PLAN_EPARSE, "p.pddl:2:27: unknown object 'z'");
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain blocksworld-4ops)\n"
                       "(:objects a) (:init (clear a a)) (:goal (clear a)))",
                       PLAN_EPARSE,
                       "p.pddl:2:21: predicate 'clear' takes 1 argument, got "
                       "2");
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain blocksworld-4ops)\n"
                       "(:objects a) (:init) (:goal (tall a)))",
                       PLAN_EPARSE, "p.pddl:2:30: undeclared predicate 'tall'");
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain blocksworld-4ops)\n"
                       "(:objects a) (:init (= (f) 1)) (:goal (clear a)))",
                       PLAN_EINVAL,
                       "p.pddl:2:21: numeric fluents in :init are not "
                       "supported (they need :numeric-fluents)");
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain blocksworld-4ops)\n"
                       "(:objects a) (:init) (:goal (clear a))\n"
                       " (:metric minimize (total-cost)))",
                       PLAN_EINVAL,
                       "p.pddl:3:2: ':metric' is not supported (it needs "
                       ":action-costs or :numeric-fluents)");
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain blocksworld-4ops)\n"
                       "(:objects a) (:init))",
                       PLAN_EPARSE, "p.pddl:1:1: missing (:goal ...) section");
  expect_problem_error(BW_DOMAIN,
                       "(define (problem p) (:domain blocksworld-4ops)\n"
                       "(:objects a) (:init) (:goal (exists (?x) (clear ?x))))",
                       PLAN_EINVAL,
                       "p.pddl:2:29: 'exists' is not supported (it needs "
                       ":existential-preconditions)");
  expect_problem_error(TYPED_DOMAIN,
                       "(define (problem p) (:domain typed)\n"
                       "(:objects x - boat) (:init) (:goal (and)))",
                       PLAN_EPARSE, "p.pddl:2:15: undeclared type 'boat'");
}

static void test_load_errors(void) {
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_domain *d = NULL;
  ASSERT_STATUS(plan__pddl_domain_load("/nonexistent/d.pddl", &d, &err),
                PLAN_EIO);
  ASSERT(d == NULL);
  ASSERT_CONTAINS(err.text, "/nonexistent/d.pddl");
}

/* ---- grounding and simulation -------------------------------------------- */

static void test_blocksworld_ground(void) {
  plan__pddl_task *t = make_task(BW_DOMAIN, BW_PROBLEM);
  ASSERT_STR_EQ(t->domain_name, "blocksworld-4ops");
  ASSERT_STR_EQ(t->problem_name, "bw-rand-4");
  ASSERT_EQ(t->n_objects, 4);
  /* 4 pick-up + 4 put-down + 16 stack + 16 unstack. */
  ASSERT_EQ(t->n_actions, 40);
  /* Facts sort by name and actions too. */
  for (size_t i = 1; i < t->n_facts; i++)
    ASSERT(strcmp(t->facts[i - 1].name, t->facts[i].name) < 0);
  for (size_t i = 1; i < t->n_actions; i++)
    ASSERT(strcmp(t->actions[i - 1].name, t->actions[i].name) < 0);
  ASSERT_EQ(t->n_init_facts, 6);
  ASSERT_STR_EQ(t->facts[t->init_facts[0]].name, "(handempty)");
  ASSERT_STR_EQ(t->facts[t->init_facts[1]].name, "(on a c)");
  ASSERT_EQ(t->n_goal, 2);
  ASSERT_STR_EQ(t->facts[t->goal[0].fact].name, "(on a d)");

  long a = plan__pddl_action_lookup(t, "  (UNSTACK   d  A )\n");
  ASSERT(a >= 0);
  ASSERT_STR_EQ(t->actions[a].name, "(unstack d a)");
  ASSERT_STR_EQ(t->actions[a].schema, "unstack");
  ASSERT_EQ(t->actions[a].n_args, 2);
  ASSERT_STR_EQ(t->objects[t->actions[a].args[0]], "d");
  ASSERT_EQ(plan__pddl_action_lookup(t, "unstack d a"), a);
  ASSERT_EQ(plan__pddl_action_lookup(t, "(unstack d)"), -1);
  ASSERT_EQ(plan__pddl_action_lookup(t, "(fly d a)"), -1);
  ASSERT_EQ(plan__pddl_action_lookup(t, "(unstack (d) a)"), -1);
  ASSERT_EQ(plan__pddl_action_lookup(t, "(unstack d a"), -1);
  ASSERT_EQ(plan__pddl_action_lookup(t, ""), -1);
  long f = plan__pddl_fact_lookup(t, "(ON a C)");
  ASSERT(f >= 0);
  ASSERT_STR_EQ(t->facts[f].name, "(on a c)");
  ASSERT_EQ(plan__pddl_fact_lookup(t, "(on a)"), -1);
  ASSERT_EQ(plan__pddl_fact_lookup(t, "(on a zz)"), -1);

  uint64_t s[4];
  ASSERT(t->n_words <= 4);
  plan__pddl_state_init(t, s);
  ASSERT(plan__pddl_state_has(s, (uint32_t)f));
  uint32_t acts[64];
  size_t n = plan__pddl_applicable_actions(t, s, acts, 64);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(acts[0], a);
  uint64_t h0 = plan__pddl_state_hash(t, s);
  plan__pddl_apply(t, s, (size_t)a, s);
  ASSERT(h0 != plan__pddl_state_hash(t, s));
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__pddl_state_format(t, s, true, &b));
  ASSERT_STR_EQ(b.data, "(clear a) (holding d) (on a c) (on c b) (ontable b)");
  const char *names[8];
  ASSERT_EQ(plan__pddl_state_facts(t, s, true, names, 2), 5);
  ASSERT_STR_EQ(names[1], "(holding d)");
  /* Undo by putting d back: same state, same hash. */
  long undo = plan__pddl_action_lookup(t, "(stack d a)");
  ASSERT(plan__pddl_applicable(t, s, (size_t)undo));
  plan__pddl_apply(t, s, (size_t)undo, s);
  ASSERT_EQ(plan__pddl_state_hash(t, s), h0);
  ASSERT(!memcmp(s, t->init, t->n_words * sizeof *s));
  ASSERT(!plan__pddl_goal_reached(t, s));
  plan__buf_free(&b);
  plan__pddl_task_free(t);
}

static void test_typing(void) {
  plan__pddl_task *t = make_task(TYPED_DOMAIN, TYPED_PROBLEM);
  /* move: 2 vehicles x 3 locations x 2 other locations = 12; crash a1;
   * mark: t1, depot, l1, l2. The constant is an object too. */
  ASSERT_EQ(t->n_objects, 5);
  ASSERT_STR_EQ(t->objects[0], "depot");
  ASSERT_EQ(t->n_actions, 17);
  ASSERT(plan__pddl_action_lookup(t, "(move t1 depot l1)") >= 0);
  ASSERT(plan__pddl_action_lookup(t, "(move a1 l1 l2)") >= 0);
  ASSERT_EQ(plan__pddl_action_lookup(t, "(move t1 l1 l1)"), -1); /* = */
  ASSERT_EQ(plan__pddl_action_lookup(t, "(move l1 l1 l2)"), -1); /* type */
  ASSERT_EQ(plan__pddl_action_lookup(t, "(crash t1)"), -1);
  ASSERT(plan__pddl_action_lookup(t, "(mark t1)") >= 0);
  ASSERT(plan__pddl_action_lookup(t, "(mark depot)") >= 0);
  ASSERT_EQ(plan__pddl_action_lookup(t, "(mark a1)"), -1);
  /* The negated equality was decided in grounding, the negative fluent
   * precondition stays. */
  const plan__pddl_action *mv =
      &t->actions[plan__pddl_action_lookup(t, "(move a1 l1 l2)")];
  ASSERT_EQ(mv->n_pre, 1);
  ASSERT_EQ(mv->n_pre_neg, 1);
  ASSERT_STR_EQ(t->facts[mv->pre_neg[0]].name, "(broken a1)");
  ASSERT_EQ(t->n_goal, 3);
  ASSERT(!t->goal[2].positive);
  plan__pddl_task_free(t);
}

static void test_static_pruning(void) {
  plan__pddl_task *t = make_task(LOG_DOMAIN, LOG_PROBLEM);
  /* Only (load-truck p0 t0 l0) survives the type predicates. */
  ASSERT_EQ(t->n_actions, 1);
  ASSERT_STR_EQ(t->actions[0].name, "(load-truck p0 t0 l0)");
  /* Its static preconditions are gone; the fluent ones stay. */
  ASSERT_EQ(t->actions[0].n_pre, 2);
  long obj = plan__pddl_fact_lookup(t, "(obj p0)");
  ASSERT(obj >= 0);
  ASSERT(t->facts[obj].is_static);
  ASSERT(!t->facts[plan__pddl_fact_lookup(t, "(at p0 l0)")].is_static);
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__pddl_state_format(t, t->init, false, &b));
  ASSERT_STR_EQ(b.data, "(at p0 l0)"); /* the truck never moves */
  plan__buf_free(&b);
  plan__pddl_task_free(t);
}

/* An action that deletes and adds the same fact ends with it true. */
static void test_delete_before_add(void) {
  const char *dom = "(define (domain dba) (:predicates (p ?x) (q ?x))\n"
                    "(:action touch :parameters (?x) :precondition (p ?x)\n"
                    " :effect (and (p ?x) (not (p ?x)) (q ?x))))";
  const char *prob = "(define (problem x) (:domain dba) (:objects a)\n"
                     "(:init (p a)) (:goal (and (p a) (q a))))";
  plan__pddl_task *t = make_task(dom, prob);
  long a = plan__pddl_action_lookup(t, "(touch a)");
  ASSERT(a >= 0);
  ASSERT_EQ(t->actions[a].n_add, 2);
  ASSERT_EQ(t->actions[a].n_del, 1);
  uint64_t s[1];
  plan__pddl_state_init(t, s);
  plan__pddl_apply(t, s, (size_t)a, s);
  ASSERT(plan__pddl_state_has(s, (uint32_t)plan__pddl_fact_lookup(t, "(p a)")));
  ASSERT(plan__pddl_goal_reached(t, s));
  const char *plan[] = {"(touch a)", "(touch a)"};
  plan__pddl_report r;
  ASSERT_OK(plan__pddl_validate(t, plan, 2, &r));
  ASSERT(r.valid);
  ASSERT_EQ(r.cost, 2);
  plan__pddl_report_free(&r);
  plan__pddl_task_free(t);
}

/* ---- validator ------------------------------------------------------------
 */

static void check_plan(plan__pddl_task *t, const char *const *steps, size_t n,
                       plan__pddl_verdict verdict, const char *message,
                       const char *rendered) {
  plan__pddl_report r;
  ASSERT_OK(plan__pddl_validate(t, steps, n, &r));
  ASSERT_EQ(r.verdict, verdict);
  ASSERT_EQ(r.valid, verdict == PLAN__PDDL_VALID);
  ASSERT_STR_EQ(r.message, message);
  if (rendered) {
    plan__buf b;
    plan__buf_init(&b, 0);
    ASSERT_OK(plan__pddl_report_render(&r, "plan.txt", &b));
    ASSERT_STR_EQ(b.data, rendered);
    plan__buf_free(&b);
  }
  plan__pddl_report_free(&r);
}

static void test_validate_reports(void) {
  plan__pddl_task *t = make_task(BW_DOMAIN, BW_PROBLEM);
  const char *good[] = {"(unstack d a)", "(put-down d)",  "(unstack a c)",
                        "(put-down a)",  "(unstack c b)", "(put-down c)",
                        "(pick-up d)",   "(stack d b)",   "(pick-up a)",
                        "(stack a d)"};
  check_plan(t, good, 10, PLAN__PDDL_VALID,
             "plan valid: 10 steps reach the goal",
             "Checking plan: plan.txt\n"
             "Plan executed successfully - checking goal\n"
             "Plan valid\n"
             "Final value: 10\n"
             "\n"
             "Successful plans:\n"
             " plan.txt 10\n");
  const char *pre[] = {"(unstack d a)", "(put-down d)", "(stack a d)"};
  check_plan(t, pre, 3, PLAN__PDDL_PRECONDITION,
             "step 3 (stack a d): precondition (holding a) is false",
             "Checking plan: plan.txt\n"
             "Plan failed because of unsatisfied precondition in:\n"
             "(stack a d)\n"
             "Plan failed to execute\n"
             "\n"
             "Plan Repair Advice:\n"
             "\n"
             "(stack a d) has an unsatisfied precondition at time 3\n"
             "(Set (holding a) to true)\n"
             "\n"
             "Failed plans:\n"
             " plan.txt 3\n");
  const char *two[] = {"(pick-up a)"};
  check_plan(t, two, 1, PLAN__PDDL_PRECONDITION,
             "step 1 (pick-up a): preconditions (clear a), (ontable a) are "
             "false",
             NULL);
  const char *unknown[] = {"(unstack d a)", "(fly d a)"};
  check_plan(t, unknown, 2, PLAN__PDDL_UNKNOWN_ACTION,
             "step 2 (fly d a): unknown action 'fly'",
             "Checking plan: plan.txt\n"
             "Bad operator in plan: step 2 (fly d a): unknown action 'fly'\n"
             "Plan failed to execute\n"
             "\n"
             "Failed plans:\n"
             " plan.txt 2\n");
  const char *arity[] = {"(unstack d)"};
  check_plan(t, arity, 1, PLAN__PDDL_UNKNOWN_ACTION,
             "step 1 (unstack d): 'unstack' takes 2 arguments, got 1", NULL);
  const char *object[] = {"(unstack d z)"};
  check_plan(t, object, 1, PLAN__PDDL_UNKNOWN_ACTION,
             "step 1 (unstack d z): unknown object 'z'", NULL);
  const char *junk[] = {"unstack (d a)"};
  check_plan(t, junk, 1, PLAN__PDDL_UNKNOWN_ACTION,
             "step 1: cannot read 'unstack (d a)' as an action", NULL);
  const char *goal[] = {"(unstack d a)", "(put-down d)"};
  check_plan(t, goal, 2, PLAN__PDDL_GOAL_UNMET,
             "the goal is not satisfied: (on a d), (on d b) are false",
             "Checking plan: plan.txt\n"
             "Plan executed successfully - checking goal\n"
             "Goal not satisfied\n"
             "\n"
             "Plan Repair Advice:\n"
             "\n"
             "(Set (on a d) to true)\n"
             "(Set (on d b) to true)\n"
             "\n"
             "Failed plans:\n"
             " plan.txt\n");
  check_plan(t, NULL, 0, PLAN__PDDL_GOAL_UNMET,
             "the goal is not satisfied: (on a d), (on d b) are false", NULL);
  /* A pruned action, (stack a a), still gets a precondition verdict. */
  ASSERT(plan__pddl_action_lookup(t, "(stack a a)") >= 0);
  const char *self[] = {"(stack a a)"};
  check_plan(t, self, 1, PLAN__PDDL_PRECONDITION,
             "step 1 (stack a a): preconditions (clear a), (holding a) are "
             "false",
             NULL);

  /* JSON form. */
  plan__pddl_report r;
  ASSERT_OK(plan__pddl_validate(t, pre, 3, &r));
  ASSERT_EQ(r.failed_step, 2);
  ASSERT_EQ(r.steps_executed, 2);
  ASSERT_STR_EQ(r.failed_action, "(stack a d)");
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__pddl_report_json(&r, &b));
  ASSERT_STR_EQ(b.data,
                "{\"cost\":0,\"executed\":2,\"failed_action\":\"(stack a "
                "d)\",\"failed_step\":2,\"message\":\"step 3 (stack a d): "
                "precondition (holding a) is false\",\"steps\":3,\"unmet\":"
                "[\"(holding a)\"],\"valid\":false,\"verdict\":"
                "\"precondition\"}");
  plan__buf_free(&b);
  plan__pddl_report_free(&r);
  plan__pddl_task_free(t);
}

static void test_validate_typed(void) {
  plan__pddl_task *t = make_task(TYPED_DOMAIN, TYPED_PROBLEM);
  const char *ok[] = {"(move t1 depot l2)", "(move t1 l2 depot)"};
  check_plan(t, ok, 2, PLAN__PDDL_VALID, "plan valid: 2 steps reach the goal",
             NULL);
  const char *eq[] = {"(move t1 depot depot)"};
  check_plan(t, eq, 1, PLAN__PDDL_PRECONDITION,
             "step 1 (move t1 depot depot): precondition (not (= depot "
             "depot)) is false",
             NULL);
  const char *type[] = {"(move l1 depot l2)"};
  check_plan(t, type, 1, PLAN__PDDL_UNKNOWN_ACTION,
             "step 1 (move l1 depot l2): object 'l1' is not of type "
             "'vehicle'",
             NULL);
  const char *neg[] = {"(move a1 l1 depot)", "(crash a1)",
                       "(move a1 depot l2)"};
  check_plan(t, neg, 3, PLAN__PDDL_PRECONDITION,
             "step 3 (move a1 depot l2): precondition (not (broken a1)) is "
             "false",
             NULL);
  /* The negative goal fails after the crash. */
  const char *neg_goal[] = {"(move a1 l1 depot)", "(crash a1)",
                            "(move t1 depot l2)", "(move t1 l2 depot)"};
  plan__pddl_report r;
  ASSERT_OK(plan__pddl_validate(t, neg_goal, 4, &r));
  ASSERT_EQ(r.verdict, PLAN__PDDL_GOAL_UNMET);
  ASSERT_EQ(r.n_unmet, 1);
  ASSERT_STR_EQ(r.unmet[0], "(not (broken a1))");
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__pddl_report_render(&r, "p", &b));
  ASSERT_CONTAINS(b.data, "(Set (broken a1) to false)\n");
  plan__buf_free(&b);
  plan__pddl_report_free(&r);
  plan__pddl_task_free(t);
}

static void test_validate_static_precondition(void) {
  plan__pddl_task *t = make_task(LOG_DOMAIN, LOG_PROBLEM);
  /* t0 used as the package: the action was pruned in grounding because
   * its static precondition (obj t0) is false; the validator names it. */
  ASSERT_EQ(plan__pddl_action_lookup(t, "(load-truck t0 t0 l0)"), -1);
  const char *bad[] = {"(load-truck t0 t0 l0)"};
  check_plan(t, bad, 1, PLAN__PDDL_PRECONDITION,
             "step 1 (load-truck t0 t0 l0): precondition (obj t0) is false",
             NULL);
  /* p0 as the truck: a static and a fluent precondition are false. */
  const char *bad2[] = {"(load-truck p0 p0 l0)"};
  check_plan(t, bad2, 1, PLAN__PDDL_PRECONDITION,
             "step 1 (load-truck p0 p0 l0): precondition (truck p0) is false",
             NULL);
  const char *bad3[] = {"(load-truck p0 t0 p0)"};
  check_plan(t, bad3, 1, PLAN__PDDL_PRECONDITION,
             "step 1 (load-truck p0 t0 p0): preconditions (location p0), (at "
             "t0 p0), (at p0 p0) are false",
             NULL);
  plan__pddl_task_free(t);
}

/* ---- plan text --------------------------------------------------------------
 */

static void test_plan_parse(void) {
  const char *text = "; a plan\n"
                     "(UNSTACK d a)\r\n"
                     "\n"
                     "   (put-down d)   ; comment\n"
                     "0: (pick-up a) [1]\n"
                     "(stack a d)(stack b c)\n"
                     "; cost = 4 (unit cost)\n";
  plan__pddl_plan p;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_OK(plan__pddl_plan_parse(text, strlen(text), "plan.txt", &p, &err));
  ASSERT_EQ(p.n, 5);
  ASSERT_STR_EQ(p.steps[0], "(UNSTACK d a)");
  ASSERT_STR_EQ(p.steps[2], "(pick-up a)");
  ASSERT_STR_EQ(p.steps[4], "(stack b c)");
  ASSERT_EQ(p.lines[0], 2);
  ASSERT_EQ(p.lines[1], 4);
  ASSERT_EQ(p.lines[4], 6);
  plan__pddl_plan_free(&p);
  ASSERT_EQ(p.n, 0);

  const char *bad = "(unstack d a)\n  unstack d a\n";
  ASSERT_STATUS(plan__pddl_plan_parse(bad, strlen(bad), "plan.txt", &p, &err),
                PLAN_EPARSE);
  ASSERT_STR_EQ(err.text, "plan.txt:2:3: expected an action in parentheses, "
                          "found 'unstack'");
  ASSERT_EQ(p.n, 0);
  const char *open = "(unstack d a\n";
  ASSERT_STATUS(plan__pddl_plan_parse(open, strlen(open), "plan.txt", &p, &err),
                PLAN_EPARSE);
  ASSERT_STR_EQ(err.text,
                "plan.txt:1:1: unbalanced parentheses: '(' is never closed");
  const char *nested = "(unstack (d) a)\n";
  ASSERT_STATUS(
      plan__pddl_plan_parse(nested, strlen(nested), "plan.txt", &p, &err),
      PLAN_EPARSE);
  ASSERT_STR_EQ(err.text, "plan.txt:1:10: nested '(' inside an action");
  ASSERT_OK(plan__pddl_plan_parse("", 0, "empty", &p, &err));
  ASSERT_EQ(p.n, 0);
  plan__pddl_plan_free(&p);
}

/* Parse, ground, validate, render: every allocation failure gives
 * PLAN_ENOMEM and leaks nothing. */
static bool oom_scenario(void) {
  plan_error err;
  plan__pddl_domain *d = NULL;
  plan__pddl_problem *p = NULL;
  plan__pddl_task *t = NULL;
  plan_status st = plan__pddl_domain_parse(TYPED_DOMAIN, strlen(TYPED_DOMAIN),
                                           "d.pddl", &d, &err);
  if (!st)
    st = plan__pddl_problem_parse(d, TYPED_PROBLEM, strlen(TYPED_PROBLEM),
                                  "p.pddl", &p, &err);
  if (!st)
    st = plan__pddl_task_create(d, p, &t, &err);
  plan__pddl_problem_free(p);
  plan__pddl_domain_free(d);
  if (st) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    ASSERT(t == NULL);
    return true;
  }
  bool failed = false;
  const char *steps[] = {"(move a1 l1 depot)", "(crash a1)",
                         "(move a1 depot l2)"};
  plan__pddl_report r;
  st = plan__pddl_validate(t, steps, 3, &r);
  if (st) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    failed = true;
  } else {
    ASSERT_EQ(r.verdict, PLAN__PDDL_PRECONDITION);
    plan__buf b;
    plan__buf_init(&b, 0);
    st = plan__pddl_report_render(&r, "plan", &b);
    if (!st)
      st = plan__pddl_report_json(&r, &b);
    if (st) {
      ASSERT_STATUS(st, PLAN_ENOMEM);
      failed = true;
    }
    plan__buf_free(&b);
    plan__pddl_report_free(&r);
  }
  plan__pddl_plan plan;
  st = plan__pddl_plan_parse("(a b)\n(c d)\n", 12, "plan", &plan, &err);
  if (st) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    failed = true;
  }
  plan__pddl_plan_free(&plan);
  plan__pddl_task_free(t);
  return failed;
}

static void test_oom(void) {
  oom_loop(oom_scenario);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_parse_syntax_errors);
  RUN(test_parse_semantic_errors);
  RUN(test_parse_unsupported);
  RUN(test_problem_errors);
  RUN(test_load_errors);
  RUN(test_blocksworld_ground);
  RUN(test_typing);
  RUN(test_static_pruning);
  RUN(test_delete_before_add);
  RUN(test_validate_reports);
  RUN(test_validate_typed);
  RUN(test_validate_static_precondition);
  RUN(test_plan_parse);
  RUN(test_oom);
  TEST_END();
}
