/* worldmodel/pddl/pddl.h: the exact PDDL world model. A parser for the
 * STRIPS fragment of PDDL (plus :typing, :negative-preconditions and
 * :equality), grounding into a propositional task, an exact simulator over
 * bitset states, and a plan validator with VAL's semantics. The planner uses
 * it as a world model, solvers/strips searches it, and benchmarks/planbench
 * checks LLM plans with it. Internal; not installed.
 *
 * Names are case-insensitive: everything is lowercased when parsed, so
 * action and fact names come out as "(unstack d a)" and "(on a b)".
 *
 * Lifetimes. A domain is standalone. A problem is parsed against a domain
 * and borrows nothing from it once the parse returns. A task copies
 * everything it needs from domain and problem, so both may be freed right
 * after plan__pddl_task_create. A task is read-only after creation: several
 * threads may read one task at once.
 */
#ifndef PLAN_WORLDMODEL_PDDL_H
#define PLAN_WORLDMODEL_PDDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

typedef struct plan__pddl_domain plan__pddl_domain;
typedef struct plan__pddl_problem plan__pddl_problem;

/* ======================================================================
 * Parsing
 * ====================================================================== */

/* Parses a domain from text. source_name (a path or "domain") prefixes
 * every message: "blocks.pddl:12:5: unbalanced parenthesis ...". err->line
 * and err->column hold the position too. Errors: PLAN_EPARSE (syntax, an
 * undeclared predicate or type, wrong arity, an unbound variable),
 * PLAN_EINVAL (an unsupported requirement or construct, named in the
 * message, e.g. ":conditional-effects" or "forall"), PLAN_ENOMEM. On
 * failure *out is NULL. Free with plan__pddl_domain_free. */
plan_status plan__pddl_domain_parse(const char *text, size_t len,
                                    const char *source_name,
                                    plan__pddl_domain **out, plan_error *err);
/* Reads path and parses it (source_name = path). PLAN_EIO if unreadable.
 * Free with plan__pddl_domain_free. */
plan_status plan__pddl_domain_load(const char *path, plan__pddl_domain **out,
                                   plan_error *err);
/* NULL does nothing. */
void plan__pddl_domain_free(plan__pddl_domain *dom);
/* The domain's (lowercased) name; borrowed from dom. */
const char *plan__pddl_domain_name(const plan__pddl_domain *dom);

/* Parses a problem for dom (borrowed for the call only). The problem's
 * (:domain X) must name dom. Errors as for domains, plus PLAN_EPARSE for
 * unknown objects, predicates or wrong arity in :init and :goal. Free with
 * plan__pddl_problem_free. */
plan_status plan__pddl_problem_parse(const plan__pddl_domain *dom,
                                     const char *text, size_t len,
                                     const char *source_name,
                                     plan__pddl_problem **out, plan_error *err);
plan_status plan__pddl_problem_load(const plan__pddl_domain *dom,
                                    const char *path, plan__pddl_problem **out,
                                    plan_error *err);
void plan__pddl_problem_free(plan__pddl_problem *prob);
const char *plan__pddl_problem_name(const plan__pddl_problem *prob);

/* ======================================================================
 * The grounded task
 * ====================================================================== */

/* A ground action. Fact ids index task->facts. Preconditions on static
 * facts (types, facts no action changes) and equalities were decided during
 * grounding and are not listed. */
typedef struct plan__pddl_action {
  const char *name;     /* "(unstack d a)" */
  const char *schema;   /* "unstack" */
  const uint32_t *args; /* object ids (task->objects), n_args of them */
  size_t n_args;
  const uint32_t *pre; /* facts that must be true */
  size_t n_pre;
  const uint32_t *pre_neg; /* facts that must be false */
  size_t n_pre_neg;
  const uint32_t *add;
  size_t n_add;
  const uint32_t *del; /* deletes that are also adds are kept (VAL) */
  size_t n_del;
  uint32_t cost; /* 1: the fragment has unit costs */
} plan__pddl_action;

/* A ground atom. */
typedef struct plan__pddl_fact {
  const char *name;      /* "(on a b)" */
  const char *predicate; /* "on" */
  const uint32_t *args;  /* object ids */
  size_t n_args;
  bool is_static; /* no action adds or deletes it */
} plan__pddl_fact;

/* A goal literal. */
typedef struct plan__pddl_literal {
  uint32_t fact;
  bool positive;
} plan__pddl_literal;

/* The propositional task. A state is a bitset of n_words uint64_t words:
 * fact f is true iff bit (f % 64) of word (f / 64) is set; bits past n_facts
 * are always zero. The facts are: every atom of :init, every atom some
 * reachable action adds, and every goal atom. An atom outside this table
 * is false in every reachable state. Every field is read-only. */
typedef struct plan__pddl_task {
  const char *domain_name;
  const char *problem_name;
  const char *const *objects; /* object and constant names */
  size_t n_objects;
  const plan__pddl_fact *facts;
  size_t n_facts;
  const plan__pddl_action *actions; /* sorted by name */
  size_t n_actions;
  size_t n_words;
  const uint64_t *init; /* the initial state */
  /* The :init atoms and the goal literals in file order (for prompts). */
  const uint32_t *init_facts;
  size_t n_init_facts;
  const plan__pddl_literal *goal;
  size_t n_goal;
  void *internal; /* lookup tables; private to task.c */
} plan__pddl_task;

/* Grounds prob against dom: enumerates the actions whose static
 * preconditions hold and that are reachable in the delete relaxation.
 * Errors: PLAN_EBUDGET if grounding would exceed 2^22 actions or atoms or
 * 2^27 binding steps (the message says which), PLAN_ENOMEM. Free with
 * plan__pddl_task_free. */
plan_status plan__pddl_task_create(const plan__pddl_domain *dom,
                                   const plan__pddl_problem *prob,
                                   plan__pddl_task **out, plan_error *err);
/* Convenience: load domain and problem files and ground them. Free with
 * plan__pddl_task_free. */
plan_status plan__pddl_task_load(const char *domain_path,
                                 const char *problem_path,
                                 plan__pddl_task **out, plan_error *err);
void plan__pddl_task_free(plan__pddl_task *task);

/* The index of the ground action written as text ("(unstack d a)",
 * "(UNSTACK  d a )", also without the outer parentheses), or -1 when no
 * such action exists in the grounded task (or, for lack of memory, the
 * text could not be normalised). */
long plan__pddl_action_lookup(const plan__pddl_task *task, const char *text);
/* The id of the fact "(on a b)" (same tolerance), or -1. */
long plan__pddl_fact_lookup(const plan__pddl_task *task, const char *text);

/* ======================================================================
 * Simulation over states (bitsets of task->n_words words)
 * ====================================================================== */

static inline bool plan__pddl_state_has(const uint64_t *state, uint32_t f) {
  return (state[f >> 6] >> (f & 63)) & 1u;
}

/* Copies the initial state into out (n_words words). */
void plan__pddl_state_init(const plan__pddl_task *task, uint64_t *out);
/* Whether every precondition of action holds in state. */
bool plan__pddl_applicable(const plan__pddl_task *task, const uint64_t *state,
                           size_t action);
/* out = successor of state under action (VAL semantics: delete effects
 * first, then add effects, so a fact both deleted and added ends true).
 * Does not check applicability. out may equal state. */
void plan__pddl_apply(const plan__pddl_task *task, const uint64_t *state,
                      size_t action, uint64_t *out);
/* Whether every goal literal holds in state. */
bool plan__pddl_goal_reached(const plan__pddl_task *task,
                             const uint64_t *state);
/* The canonical hash of a state (plan__hash64 over its words). Equal
 * states of one task hash equally, across runs and platforms. */
uint64_t plan__pddl_state_hash(const plan__pddl_task *task,
                               const uint64_t *state);
/* Writes the ids of the applicable actions into out (capacity cap, at most
 * task->n_actions needed) in increasing id order; returns their number. */
size_t plan__pddl_applicable_actions(const plan__pddl_task *task,
                                     const uint64_t *state, uint32_t *out,
                                     size_t cap);
/* Writes the names of the true facts (borrowed from task, in fact-id
 * order) into out (capacity cap); returns the number of true facts, which
 * may exceed cap. With include_static false, static facts are skipped. */
size_t plan__pddl_state_facts(const plan__pddl_task *task,
                              const uint64_t *state, bool include_static,
                              const char **out, size_t cap);
/* Appends the true facts as "(on a b) (clear c) ..." (one space between,
 * fact-id order) to b. */
plan_status plan__pddl_state_format(const plan__pddl_task *task,
                                    const uint64_t *state, bool include_static,
                                    plan__buf *b);

/* ======================================================================
 * Plans and validation
 * ====================================================================== */

/* A plan read from text: one action per line, "(unstack d a)". Blank lines
 * and ';' comments are ignored (so "; cost = 4 (unit cost)" is fine), and a
 * leading "N:" time stamp and a trailing "[d]" duration are tolerated, as
 * are several actions on one line. Each step is stored as written, from
 * its '(' to its ')' ("(UNSTACK d a)"); plan__pddl_validate normalises. */
typedef struct plan__pddl_plan {
  char **steps;
  int *lines; /* 1-based line of each step */
  size_t n;
} plan__pddl_plan;

/* Parses plan text. PLAN_EPARSE with "SOURCE:LINE:COLUMN: ..." in err for
 * a line that is not one parenthesised action. Free with
 * plan__pddl_plan_free. */
plan_status plan__pddl_plan_parse(const char *text, size_t len,
                                  const char *source_name, plan__pddl_plan *out,
                                  plan_error *err);
plan_status plan__pddl_plan_load(const char *path, plan__pddl_plan *out,
                                 plan_error *err);
/* Frees the members and zeroes *plan. NULL does nothing. */
void plan__pddl_plan_free(plan__pddl_plan *plan);

typedef enum plan__pddl_verdict {
  PLAN__PDDL_VALID = 0,
  PLAN__PDDL_PRECONDITION,   /* a step's precondition is false */
  PLAN__PDDL_UNKNOWN_ACTION, /* a step names no action, object, or has
                                the wrong number of arguments or types */
  PLAN__PDDL_GOAL_UNMET      /* every step ran; the goal is not reached */
} plan__pddl_verdict;

/* The outcome of a validation. Everything is owned by the report; release
 * with plan__pddl_report_free. */
typedef struct plan__pddl_report {
  plan__pddl_verdict verdict;
  bool valid;
  size_t n_steps;        /* steps in the plan */
  size_t steps_executed; /* steps applied before the failure (or all) */
  size_t failed_step;    /* 0-based index of the failing step; SIZE_MAX
                            when no step failed */
  char *failed_action;   /* the failing step, normalised "(stack a d)";
                            as written when unknown; NULL if none */
  char **unmet;          /* unmet preconditions or goal literals,
                            "(holding a)" or "(not (on a b))" */
  size_t n_unmet;
  char *message;         /* one line in words, e.g. "step 3 (stack a d):
                            precondition (holding a) is false" */
  uint64_t cost;         /* plan cost when valid (unit cost: n_steps) */
  uint64_t *final_state; /* state after the last executed step
                            (task->n_words words) */
} plan__pddl_report;

/* Validates actions[0..n) against task with VAL's semantics: each step
 * must name a ground action of the domain with true preconditions, its
 * effects apply (delete before add), and the goal must hold at the end.
 * The steps are action texts as plan__pddl_action_lookup accepts. An
 * invalid plan is not an error: the function returns PLAN_OK and fills
 * *out; only PLAN_ENOMEM and PLAN_EINVAL (NULL arguments) are errors.
 * Release *out with plan__pddl_report_free. */
plan_status plan__pddl_validate(const plan__pddl_task *task,
                                const char *const *actions, size_t n,
                                plan__pddl_report *out);
void plan__pddl_report_free(plan__pddl_report *r);

/* Appends VAL-like text for r to b. plan_name labels the plan ("plan.txt").
 * A valid plan gives
 *   Plan executed successfully - checking goal
 *   Plan valid
 *   Final value: 4
 * and a failing one "Plan failed to execute" or "Goal not satisfied",
 * followed by a "Plan Repair Advice:" section listing what is unmet. */
plan_status plan__pddl_report_render(const plan__pddl_report *r,
                                     const char *plan_name, plan__buf *b);
/* Appends the report as one canonical JSON object to b: {"valid":..,
 * "verdict":"valid"|"precondition"|"unknown_action"|"goal_unmet",
 * "steps":N,"executed":K,"failed_step":I|null,"failed_action":..,
 * "unmet":[..],"message":..,"cost":N}. failed_step is 0-based. */
plan_status plan__pddl_report_json(const plan__pddl_report *r, plan__buf *b);

#endif /* PLAN_WORLDMODEL_PDDL_H */
