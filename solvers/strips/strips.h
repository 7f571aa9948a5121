/* solvers/strips/strips.h: a classical planner over a grounded PDDL task
 * (worldmodel/pddl). A* with an admissible heuristic (LM-cut by default,
 * h_max, or blind) returns optimal plans; greedy best-first search with
 * h_FF (or h_add) returns plans fast without an optimality guarantee. It is
 * the solver bridge of the "LLM+P" route: `plan --task` with mode "solver"
 * and the ground truth the LLM planners are compared against. Internal.
 *
 * Determinism: ties in the open list break by (h, node id), node ids are
 * assigned in generation order and successors are generated in action id
 * order, so a run is identical on every platform. The only clock read is
 * the optional time limit, through opts->clock.
 */
#ifndef PLAN_SOLVERS_STRIPS_H
#define PLAN_SOLVERS_STRIPS_H

#include "worldmodel/pddl/pddl.h"

typedef enum plan__strips_algo {
  PLAN__STRIPS_ASTAR = 0, /* optimal with an admissible heuristic */
  PLAN__STRIPS_GBFS       /* greedy best-first, satisficing */
} plan__strips_algo;

typedef enum plan__strips_heuristic {
  PLAN__STRIPS_H_DEFAULT = 0, /* A*: LM-cut; GBFS: FF */
  PLAN__STRIPS_H_BLIND,       /* 0 at non-goal states (admissible) */
  PLAN__STRIPS_H_MAX,         /* h_max (admissible) */
  PLAN__STRIPS_H_LMCUT,       /* LM-cut (admissible, dominates h_max) */
  PLAN__STRIPS_H_ADD,         /* h_add (inadmissible) */
  PLAN__STRIPS_H_FF           /* h_FF relaxed plan length (inadmissible) */
} plan__strips_heuristic;

#define PLAN__STRIPS_OPTIONS_VERSION 1

typedef struct plan__strips_options {
  unsigned version;
  plan__strips_algo algo;
  plan__strips_heuristic heuristic;
  uint64_t max_nodes;      /* stored states; 0: 2,000,000 */
  size_t max_bytes;        /* state arena bytes; 0: 1 GiB */
  uint64_t time_limit_ms;  /* 0: none */
  const plan_clock *clock; /* for time_limit_ms; NULL: system clock */
  bool no_pruning;         /* true: expand every applicable action instead of a
                              strong stubborn set (partial-order reduction) */
} plan__strips_options;

/* Fills *o with the defaults (A*, LM-cut, the caps above). */
void plan__strips_options_init(plan__strips_options *o, unsigned version);

/* Parses "astar"/"gbfs" and "blind"/"hmax"/"lmcut"/"hadd"/"ff". */
bool plan__strips_algo_parse(const char *s, plan__strips_algo *out);
bool plan__strips_heuristic_parse(const char *s, plan__strips_heuristic *out);
const char *plan__strips_algo_name(plan__strips_algo a);
const char *plan__strips_heuristic_name(plan__strips_heuristic h);

typedef struct plan__strips_result {
  bool solved;
  uint32_t *plan; /* action ids (task->actions), n_plan of them */
  size_t n_plan;
  uint64_t cost;      /* sum of action costs */
  uint64_t expanded;  /* states expanded */
  uint64_t generated; /* successor states generated (duplicates too) */
  uint64_t stored;    /* distinct states stored */
  uint64_t reopened;  /* A*: states reopened with a cheaper path */
  uint64_t evaluated; /* heuristic evaluations */
  uint32_t h_init;    /* heuristic value of the initial state */
  size_t peak_bytes;  /* states, nodes, hash table and open list */
  char message[160];  /* why it stopped, when not solved */
} plan__strips_result;

/* Searches task (borrowed) for a plan. Returns PLAN_OK with out->solved
 * when a plan was found, PLAN_ENOTFOUND when the task is proven unsolvable
 * (the reachable space was exhausted or the heuristic showed a dead end at
 * the start), PLAN_EBUDGET when max_nodes, max_bytes or the time limit ran
 * out, PLAN_ENOMEM, PLAN_EINVAL for bad arguments. In every case *out holds
 * the counters, and out->message says why the search stopped. Release *out
 * with plan__strips_result_free. opts NULL: the defaults. */
plan_status plan__strips_solve(const plan__pddl_task *task,
                               const plan__strips_options *opts,
                               plan__strips_result *out);
/* Frees out->plan and zeroes *out. NULL does nothing. */
void plan__strips_result_free(plan__strips_result *r);

/* ======================================================================
 * Heuristics over the delete relaxation (relax.c), usable on their own
 * ====================================================================== */

#define PLAN__STRIPS_H_INF UINT32_MAX

typedef struct plan__relax plan__relax;

/* Builds the relaxed task of task (borrowed; it must outlive the result).
 * Negative preconditions and negative goals are dropped, which keeps every
 * heuristic admissible where it was. Free with plan__relax_free. */
plan_status plan__relax_create(const plan__pddl_task *task, plan__relax **out);
void plan__relax_free(plan__relax *r);
/* The heuristic value of state, or PLAN__STRIPS_H_INF when the goal is
 * unreachable even in the relaxation (a dead end). h must not be
 * PLAN__STRIPS_H_DEFAULT. Not thread-safe per plan__relax. */
uint32_t plan__relax_eval(plan__relax *r, plan__strips_heuristic h,
                          const uint64_t *state);
/* Whether the last evaluation (plan__relax_eval or
 * plan__relax_lmcut_from) ran out of memory; its PLAN__STRIPS_H_INF then
 * means nothing. */
bool plan__relax_oom(const plan__relax *r);
/* After an LM-cut evaluation: each action's cost that the landmarks found
 * did not use (task->n_actions entries, borrowed until the next call).
 * For a successor through action a, h(s) - (cost(a) - residual[a]) is an
 * admissible bound: every landmark of s that a is not in is still a
 * landmark of the successor. */
const uint32_t *plan__relax_residual(const plan__relax *r);
/* A set of disjunctive action landmarks with costs (LM-cut's cuts):
 * landmark k is ops[start[k] .. start[k+1]) with cost cost[k]. */
typedef struct plan__lmset {
  uint32_t *ops;
  size_t n_ops;
  size_t cap_ops;
  uint32_t *start;
  uint32_t *cost;
  size_t n;
  size_t cap;
  size_t cap_cost;
} plan__lmset;

/* Copies the landmarks of the last LM-cut evaluation into *out (reusing
 * its memory). Release with plan__lmset_free. PLAN_ENOMEM on failure. */
plan_status plan__relax_lmset_copy(const plan__relax *r, plan__lmset *out);
void plan__lmset_free(plan__lmset *l);
/* Incremental LM-cut (Pommerening & Helmert 2013) for the successor state
 * reached from a parent through action: the parent's landmarks that do
 * not contain action are still landmarks here, so they are charged first
 * and LM-cut only looks for new ones in the remaining costs. Admissible;
 * the value can differ from a fresh LM-cut's. Returns
 * PLAN__STRIPS_H_INF for a dead end (or on ENOMEM). */
uint32_t plan__relax_lmcut_from(plan__relax *r, const uint64_t *state,
                                const plan__lmset *parent, uint32_t action);
/* After an h_FF evaluation: whether action is in the relaxed plan found
 * (a "preferred operator" when it is applicable in the state). */
bool plan__relax_preferred(const plan__relax *r, uint32_t action);

#endif /* PLAN_SOLVERS_STRIPS_H */
