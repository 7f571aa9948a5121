/* planner/planner.h: the search core's internal interface.
 *
 * A search grows a tree of nodes in an arena. Algorithms (one file each:
 * greedy.c, best_first.c, dfs.c, beam.c, mcts.c) decide which nodes to
 * expand; they never call an LLM themselves. They call
 * plan__search_expand(s, nodes, n), which runs one *round* over all the
 * given nodes at once, in four batched phases:
 *
 *   1. propose   the proposer adds candidate children (actions) to every
 *                node (plan__search_add_child);
 *   2. simulate  the world model gives every new child its state
 *                (plan__search_set_state) or prunes it;
 *   3. goal      the goal test marks goal children (plan__search_set_goal);
 *   4. evaluate  the evaluator adds value samples to the remaining
 *                children (plan__search_add_value / _add_missing).
 *
 * Each phase hands all of its items to its component in one call, so an
 * LLM component sends one scheduler batch per phase and the calls run
 * concurrently. Exact components (a PDDL simulator, a heuristic) fill the
 * same setters directly. Components are vtable + self, like backends.
 *
 * Node ids are uint32 indices into the node array; they stay stable when
 * it grows, and ties between equal values always break by id (smaller
 * first), which with a seeded PRNG and a cassette makes a search replay
 * bit for bit. Every growable thing has a cap; hitting one stops the search
 * with PLAN_EBUDGET and the best plan so far.
 */
#ifndef PLAN_PLANNER_H
#define PLAN_PLANNER_H

#include "core/core.h"
#include "core/json.h"
#include "plan.h"

typedef uint32_t plan__node_id;
#define PLAN__NODE_NONE UINT32_MAX

typedef enum plan__effect {
  PLAN__EFFECT_PURE = 0,
  PLAN__EFFECT_REVERSIBLE,
  PLAN__EFFECT_IRREVERSIBLE
} plan__effect;

/* Node flags. */
#define PLAN__NODE_EXPANDED 0x01u  /* its children were proposed */
#define PLAN__NODE_HAS_STATE 0x02u /* simulate gave it a state */
#define PLAN__NODE_GOAL 0x04u
#define PLAN__NODE_PRUNED 0x08u    /* prune_reason says why */
#define PLAN__NODE_DEAD_END 0x10u  /* expanded, no usable child */
#define PLAN__NODE_DUPLICATE 0x20u /* same state as node `same_as` */
#define PLAN__NODE_EVALUATED 0x40u

/* Value statistics of a node: samples in [0,1] from the evaluator. A
 * sample that did not parse is counted in `missing`, never as 0. */
typedef struct plan__value {
  uint32_t samples;
  uint32_t missing;
  double mean;   /* valid when samples > 0 */
  double m2;     /* sum of squared deviations (Welford) */
  double min, max;
} plan__value;

/* Standard deviation of the samples (0 with fewer than 2). */
double plan__value_spread(const plan__value *v);

typedef struct plan__node {
  plan__node_id id;
  plan__node_id parent; /* PLAN__NODE_NONE for the root */
  plan__node_id first_child;
  plan__node_id next_sibling;
  uint32_t n_children;
  uint32_t depth;
  uint32_t flags;
  /* The action that led here (NULL at the root), arena strings. */
  const char *action;
  const char *action_json; /* optional structured form */
  plan__effect effect;
  uint32_t proposals; /* how many proposal samples named this action */
  /* The state (arena). exact points to a component-owned copy in the
   * arena (e.g. a PDDL bitset), NULL for text-only domains. */
  const char *state_text;
  size_t state_len;
  const char *state_json;
  void *exact;
  uint64_t state_hash;
  plan__node_id same_as; /* DUPLICATE: the first node with this state */
  plan__value value;
  double prior; /* proposer's prior in [0,1] (frequency share), MCTS */
  /* MCTS statistics. */
  uint32_t visits;
  double value_sum;
  const char *prune_reason; /* static or arena string */
} plan__node;

typedef enum plan__stop {
  PLAN__STOP_NONE = 0,
  PLAN__STOP_GOAL,       /* found a goal */
  PLAN__STOP_EXHAUSTED,  /* nothing left to expand */
  PLAN__STOP_NODES,      /* node budget */
  PLAN__STOP_DEPTH,      /* every open node at the depth limit */
  PLAN__STOP_CALLS,      /* LLM-call budget */
  PLAN__STOP_TOKENS,     /* token budget */
  PLAN__STOP_TIME,       /* wall-time budget */
  PLAN__STOP_ITERATIONS, /* MCTS iterations / algorithm's own limit */
  PLAN__STOP_ERROR       /* a component failed (message in errmsg) */
} plan__stop;

const char *plan__stop_name(plan__stop s);

typedef struct plan__search plan__search;

/* ======================================================================
 * Components
 * ====================================================================== */

typedef struct plan__proposer {
  const char *name;
  /* For each node: add up to k candidate children with
   * plan__search_add_child. A node that gets none becomes a dead end. */
  plan_status (*propose)(void *self, plan__search *s, const plan__node_id *nodes,
                         size_t n);
  void (*destroy)(void *self);
  void *self;
} plan__proposer;

typedef struct plan__world_model {
  const char *name;
  /* For each child: plan__search_set_state, or plan__search_prune (an
   * inapplicable action, an unparseable prediction). */
  plan_status (*simulate)(void *self, plan__search *s,
                          const plan__node_id *children, size_t n);
  void (*destroy)(void *self);
  void *self;
} plan__world_model;

typedef struct plan__goal_test {
  const char *name;
  /* For each node with a state: plan__search_set_goal when it is a goal. */
  plan_status (*test)(void *self, plan__search *s, const plan__node_id *nodes,
                      size_t n);
  void (*destroy)(void *self);
  void *self;
} plan__goal_test;

typedef struct plan__evaluator {
  const char *name;
  /* For each node: one or more plan__search_add_value (v in [0,1]) and/or
   * plan__search_add_missing. May prune ("impossible" verdicts). */
  plan_status (*evaluate)(void *self, plan__search *s,
                          const plan__node_id *nodes, size_t n);
  void (*destroy)(void *self);
  void *self;
} plan__evaluator;

/* ======================================================================
 * The search
 * ====================================================================== */

typedef enum plan__algo {
  PLAN__ALGO_GREEDY = 0,
  PLAN__ALGO_BEST_FIRST,
  PLAN__ALGO_DFS,
  PLAN__ALGO_BEAM,
  PLAN__ALGO_MCTS
} plan__algo;

/* Parses "greedy", "best-first", "dfs", "beam", "mcts". */
bool plan__algo_parse(const char *s, plan__algo *out);
const char *plan__algo_name(plan__algo a);

typedef struct plan__search_options {
  plan__algo algo;
  /* Budgets (0: unlimited, except max_nodes default 10000 and max_depth
   * default 20). LLM calls and tokens are read from the scheduler's
   * stats, so they count every component. */
  uint32_t max_nodes;
  uint32_t max_depth;
  uint64_t max_llm_calls;
  uint64_t max_tokens;
  uint64_t max_wall_ms;
  /* Shape. */
  uint32_t branching;     /* children kept per expansion (k); default 5 */
  uint32_t batch;         /* best-first: nodes popped per round; default 4 */
  uint32_t beam_width;    /* default 5 */
  uint32_t dfs_max_children; /* children tried per state; default 3 */
  double prune_below;     /* DFS/best-first: prune value < this; default 0 */
  uint32_t mcts_iterations; /* default 100 */
  double mcts_c;          /* UCT exploration; default 1.0 */
  double path_cost_weight; /* best-first: priority = value - w * depth */
  uint64_t seed;
  const plan_clock *clock;
} plan__search_options;

void plan__search_options_default(plan__search_options *o);

/* Creates a search whose root has the given state. Components are
 * borrowed (they must outlive the search); goal may be NULL (then only the
 * evaluator's plan__search_set_goal calls mark goals). sched (borrowed,
 * may be NULL) is where LLM components send their batches and whose stats
 * feed the call/token budgets. trace may be NULL. Free with
 * plan__search_free. */
plan_status plan__search_create(const plan__search_options *opts,
                                const plan__proposer *proposer,
                                const plan__world_model *world,
                                const plan__goal_test *goal,
                                const plan__evaluator *evaluator,
                                plan_scheduler *sched, FILE *trace,
                                plan__search **out, plan_error *err);
void plan__search_free(plan__search *s);

/* Sets the root state (call once, before run). exact (may be NULL) is
 * copied into the arena (exact_size bytes). */
plan_status plan__search_set_root(plan__search *s, const char *text,
                                  size_t len, const char *json,
                                  const void *exact, size_t exact_size,
                                  uint64_t hash);

/* Runs the configured algorithm to the end (goal, exhaustion or a budget). */
plan_status plan__search_run(plan__search *s);

/* The result: the path (root excluded) to the goal found, or else to the
 * best node found (highest value, ties by smaller id). */
typedef struct plan__result {
  bool solved;
  plan__stop stop;
  plan__node_id leaf;
  size_t n_steps;           /* actions from the root to leaf */
  const plan__node_id *path; /* n_steps node ids, root's child first */
} plan__result;
void plan__search_result(plan__search *s, plan__result *out);

/* ---- for algorithms ----------------------------------------------------- */

/* One round over nodes (see the top of this file). New children are
 * appended to the node array; their ids are >= the node count before the
 * call. Returns PLAN_EBUDGET when a budget stopped the round (stop reason
 * set), a component's error otherwise. */
plan_status plan__search_expand(plan__search *s, const plan__node_id *nodes,
                                size_t n);
/* Whether a budget is exhausted (sets the stop reason when it is). */
bool plan__search_budget_hit(plan__search *s);
void plan__search_stop(plan__search *s, plan__stop why);

plan__node *plan__search_node(plan__search *s, plan__node_id id);
size_t plan__search_node_count(const plan__search *s);
const plan__search_options *plan__search_opts(const plan__search *s);
plan__rng *plan__search_rng(plan__search *s);
/* The value used to rank a node: its mean when it has samples, else its
 * parent's rank (an unknown value is neutral, never 0), 0.5 at an
 * unvalued root. Goals rank 1. */
double plan__search_rank(plan__search *s, plan__node_id id);

/* ---- for components -------------------------------------------------------- */

/* Adds (or, for an action already proposed for this parent, counts again)
 * a child of parent. Returns the child's id in *out (may be NULL). */
plan_status plan__search_add_child(plan__search *s, plan__node_id parent,
                                   const char *action, size_t len,
                                   const char *action_json,
                                   plan__effect effect, plan__node_id *out);
/* Sets a node's state. exact (may be NULL) is copied into the arena. A
 * state equal to an earlier node's (same hash and text) marks this node
 * DUPLICATE with same_as set, and it is not expanded again. */
plan_status plan__search_set_state(plan__search *s, plan__node_id id,
                                   const char *text, size_t len,
                                   const char *json, const void *exact,
                                   size_t exact_size, uint64_t hash);
void plan__search_set_goal(plan__search *s, plan__node_id id);
void plan__search_add_value(plan__search *s, plan__node_id id, double v);
void plan__search_add_missing(plan__search *s, plan__node_id id);
/* reason: a static string or one the search copies. */
void plan__search_prune(plan__search *s, plan__node_id id, const char *reason);
/* The scheduler (may be NULL) for LLM components. */
plan_scheduler *plan__search_scheduler(plan__search *s);
/* Copies text into the search's arena (NULL on ENOMEM/cap). */
char *plan__search_strdup(plan__search *s, const char *text, size_t len);

/* ---- trace ------------------------------------------------------------------
 * JSONL events, schema in docs/trace.md: {"ev":"node"|"llm_call"|"value"|
 * "simulate"|"prune"|"goal"|"budget"|"result", "v":1, ...}. Components
 * report their LLM calls with plan__search_trace_llm. */
void plan__search_trace_llm(plan__search *s, const char *role,
                            plan__node_id node, const plan_llm_response *r);
void plan__search_trace(plan__search *s, const char *ev, json_t *fields);

#endif /* PLAN_PLANNER_H */
