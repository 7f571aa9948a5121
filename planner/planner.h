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

#include <stdio.h>

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
#define PLAN__NODE_CLOSED 0x80u /* MCTS: nothing left to search below */

/* Value statistics of a node: samples in [0,1] from the evaluator. A
 * sample that did not parse is counted in `missing`, never as 0. */
typedef struct plan__value {
  uint32_t samples;
  uint32_t missing;
  double mean; /* valid when samples > 0 */
  double m2;   /* sum of squared deviations (Welford) */
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
  size_t exact_size;
  uint64_t state_hash;
  /* DUPLICATE: the canonical node with this state (the first one seen,
   * unless a shallower, not yet expanded copy replaced it). */
  plan__node_id same_as;
  plan__value value;
  double prior; /* proposer's prior in [0,1] (frequency share): MCTS, greedy */
  /* MCTS statistics. */
  uint32_t visits;
  double value_sum;
  const char *prune_reason; /* arena string, NULL unless PRUNED */
  plan__node_id last_child; /* keeps children in insertion order */
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
  PLAN__STOP_ERROR,      /* a component failed (message in errmsg) */
  PLAN__STOP_MEMORY,     /* the arena's byte cap (max_memory) */
  PLAN__STOP_SETTLED     /* the decision is clear (settle_* options) */
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
  plan_status (*propose)(void *self, plan__search *s,
                         const plan__node_id *nodes, size_t n);
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
  uint32_t branching;        /* children kept per expansion (k); default 5 */
  uint32_t batch;            /* best-first: nodes popped per round; MCTS:
                                selections per round; default 4 */
  uint32_t beam_width;       /* default 5 */
  uint32_t dfs_max_children; /* children tried per state; default 3 */
  double prune_below;        /* prune a value mean < this (any algorithm);
                                default 0: never */
  uint32_t mcts_iterations;  /* default 100 */
  double mcts_c;             /* UCT exploration; default 1.0 (0 means
                                the default: use 1e-9 for none) */
  double path_cost_weight;   /* best-first: priority = value - w * depth */
  uint64_t seed;
  /* The clock for the wall-time budget (NULL: the system clock). The
   * search retains the pointer until plan__search_free. It is read only
   * when max_wall_ms is set, and never for a decision. */
  const plan_clock *clock;
  /* Appended fields. */
  /* Nodes expanded, all rounds together (ToT's "100 states"); 0:
   * unlimited. Hitting it stops with PLAN__STOP_ITERATIONS. */
  uint32_t max_expansions;
  /* Byte cap of the arena (node text, actions, exact states); default
   * 256 MiB. Hitting it stops with PLAN__STOP_MEMORY and PLAN_EBUDGET. */
  uint64_t max_memory;
  /* The overthinking guard (the agent loop's deliberation; 0: off). After
   * each round the search stops with PLAN__STOP_SETTLED when the best
   * first action is ahead of every other one by more than settle_margin
   * (plan__search_first_actions) or when the best value found has not
   * improved for settle_patience rounds. */
  double settle_margin;
  uint32_t settle_patience;
  /* Mixed into the seed of every LLM request the components send (0:
   * nothing): a search that repeats another's questions (the agent's
   * search after a refusal, its barrier probes) gets fresh samples. */
  uint64_t request_salt;
} plan__search_options;

/* Fills o with the defaults above (every other field zero). A field left
 * zero in the options given to plan__search_create also means its default
 * (prune_below and path_cost_weight: none). */
void plan__search_options_default(plan__search_options *o);

/* Creates a search. Components are borrowed (they must outlive the
 * search); proposer and world are required, goal and evaluator may be
 * NULL (no goal test: only the evaluator's plan__search_set_goal calls
 * mark goals; no evaluator: every node ranks as the root). sched
 * (borrowed, may be NULL) is where LLM components send their batches and
 * whose stats feed the call/token budgets (counted from the start of
 * plan__search_run, so a scheduler may serve several searches). trace (may
 * be NULL) is borrowed until free; the search writes JSONL events to it.
 * Errors: PLAN_EINVAL (a missing component, message in *err),
 * PLAN_ENOMEM. Free with plan__search_free. */
plan_status plan__search_create(const plan__search_options *opts,
                                const plan__proposer *proposer,
                                const plan__world_model *world,
                                const plan__goal_test *goal,
                                const plan__evaluator *evaluator,
                                plan_scheduler *sched, FILE *trace,
                                plan__search **out, plan_error *err);
/* Frees the search and everything in its arena. NULL does nothing. It does
 * not destroy the components. */
void plan__search_free(plan__search *s);

/* Sets the root state (call once, before run). text is copied; exact (may
 * be NULL) is copied into the arena (exact_size bytes). hash 0 means "hash
 * the text" (plan__hash64(text, len, 0)). Errors: PLAN_EMISUSE (called
 * twice or after run), PLAN_ENOMEM, PLAN_EBUDGET (memory cap). */
plan_status plan__search_set_root(plan__search *s, const char *text, size_t len,
                                  const char *json, const void *exact,
                                  size_t exact_size, uint64_t hash);

/* Runs the configured algorithm to the end (goal, exhaustion or a budget):
 * first a goal test and evaluation of the root, then the algorithm's
 * rounds. Returns PLAN_OK when it ended by a goal or by exhaustion,
 * PLAN_EBUDGET when a budget ended it (plan__search_result says which),
 * or the failing component's status (PLAN_ENOMEM, ...; stop ERROR, message
 * in plan__search_errmsg). In every case plan__search_result holds the
 * best plan found so far. Call once, after plan__search_set_root
 * (PLAN_EMISUSE otherwise). */
plan_status plan__search_run(plan__search *s);

/* The result: the path (root excluded) to the goal found, or else to the
 * best node found (highest value, ties by smaller id, except that the
 * algorithm's result hint wins a tie). */
typedef struct plan__result {
  bool solved;
  plan__stop stop;
  plan__node_id leaf;
  size_t n_steps;            /* actions from the root to leaf */
  const plan__node_id *path; /* n_steps node ids, root's child first */
  /* Appended fields. */
  double value;       /* plan__search_rank(leaf) */
  size_t n_nodes;     /* nodes in the tree */
  uint64_t llm_calls; /* scheduler calls during the run */
  uint64_t tokens;    /* scheduler tokens during the run */
  uint64_t expansions;
  uint64_t rounds;
} plan__result;
/* Fills *out. path is borrowed from s and stays valid until the next
 * mutating call on s. The goal found is the shallowest one of the round
 * that found it (ties by smaller id). Candidates for the best node have a
 * state and are neither pruned nor duplicates; the root (the empty plan)
 * is one of them. */
void plan__search_result(plan__search *s, plan__result *out);
/* For algorithms: the node the result should name when nothing better
 * was found (no goal, and no node ranks above it); greedy sets the end of
 * its walk, so a search without a value function, where every node ties,
 * reports the walked path rather than the empty plan. */
void plan__search_set_result_hint(plan__search *s, plan__node_id id);
/* The message of the failure that stopped the search ("" if none). */
const char *plan__search_errmsg(const plan__search *s);

/* ---- for algorithms -----------------------------------------------------
 * An algorithm (greedy.c, best_first.c, dfs.c, beam.c, mcts.c) is a
 * function that runs rounds until plan__search_stopped; plan__search_run
 * dispatches to it and maps the stop to the status. */
plan_status plan__greedy_run(plan__search *s);
plan_status plan__best_first_run(plan__search *s);
plan_status plan__dfs_run(plan__search *s);
plan_status plan__beam_run(plan__search *s);
plan_status plan__mcts_run(plan__search *s);

/* One round over nodes (see the top of this file). Nodes that are not
 * expandable (plan__search_expandable) or listed twice are skipped; with
 * max_expansions set, the list is cut to what remains. New children are
 * appended to the node array; their ids are >= the node count before the
 * call. A goal found in the goal phase (or set by the evaluator) stops the
 * search with PLAN__STOP_GOAL (the evaluation phase is then skipped) and
 * returns PLAN_OK. A budget checked at each phase boundary ends the round
 * there: PLAN_EBUDGET with the stop reason set (a phase in flight
 * completes, so LLM calls may overshoot by one phase's batch; the
 * scheduler's own budgets are strict). A component's error is returned
 * (stop ERROR). After a stop, returns the run status without doing
 * anything. */
plan_status plan__search_expand(plan__search *s, const plan__node_id *nodes,
                                size_t n);
/* Whether a budget is exhausted (sets the stop reason when it is). */
bool plan__search_budget_hit(plan__search *s);
/* Sets the stop reason unless one is set already. */
void plan__search_stop(plan__search *s, plan__stop why);
/* The stop reason so far (PLAN__STOP_NONE while running). */
plan__stop plan__search_stop_reason(const plan__search *s);
/* Stops with PLAN__STOP_DEPTH when some usable node was left unexpanded
 * at the depth limit, else PLAN__STOP_EXHAUSTED: for an algorithm whose
 * frontier ran empty. */
void plan__search_stop_exhausted(plan__search *s);
/* The status plan__search_run returns for the current stop. */
plan_status plan__search_status(const plan__search *s);

/* Node pointers are invalidated by anything that adds a node
 * (plan__search_add_child, plan__search_expand); keep ids. */
plan__node *plan__search_node(plan__search *s, plan__node_id id);
size_t plan__search_node_count(const plan__search *s);
const plan__search_options *plan__search_opts(const plan__search *s);
plan__rng *plan__search_rng(plan__search *s);
/* The value used to rank a node: its mean when it has samples, else its
 * parent's rank (an unknown value is neutral, never 0), 0.5 at an
 * unvalued root. Goals rank 1; a duplicate ranks as its canonical node. */
double plan__search_rank(plan__search *s, plan__node_id id);
/* Has a state, is not pruned, not a duplicate. */
bool plan__search_usable(plan__search *s, plan__node_id id);
/* Usable, not expanded, not a goal, depth < max_depth. */
bool plan__search_expandable(plan__search *s, plan__node_id id);
/* Sorts ids by rank, highest first, ties by smaller id. PLAN_ENOMEM. */
plan_status plan__search_sort_by_rank(plan__search *s, plan__node_id *ids,
                                      size_t n);

/* The root's children as first actions, each with the value of the best
 * plan found through it: the highest plan__search_rank in its subtree
 * (duplicates count for the subtree they were reached in; a goal is 1),
 * the spread of that node's samples (plan__value_spread) and its sample
 * count. Sorted best first (ties by smaller id); only children with a
 * state that are not pruned. *out is a new array (plan__free), *n its
 * length; PLAN_ENOMEM. */
typedef struct plan__first_action {
  plan__node_id child; /* the root's child */
  plan__node_id best;  /* the node of the best plan through it */
  double value;
  double spread;
  uint32_t samples;
  bool goal; /* a goal was found through it */
} plan__first_action;
plan_status plan__search_first_actions(plan__search *s,
                                       plan__first_action **out, size_t *n);

/* ---- for components --------------------------------------------------------
 */

/* Adds (or, for an action already proposed for this parent, counts again)
 * a child of parent. Returns the child's id in *out (may be NULL). Only
 * during the propose phase, for a parent of the round (PLAN_EMISUSE /
 * PLAN_EINVAL otherwise). action (len bytes) and action_json (may be NULL)
 * are copied. PLAN_EBUDGET when the node budget is full (the search then
 * stops with PLAN__STOP_NODES), PLAN_ENOMEM. After the phase the search
 * keeps the `branching` most proposed children of each parent (ties by
 * smaller id) and prunes the rest ("branching"); prior = proposals / all
 * proposals of the parent's kept children. */
plan_status plan__search_add_child(plan__search *s, plan__node_id parent,
                                   const char *action, size_t len,
                                   const char *action_json, plan__effect effect,
                                   plan__node_id *out);
/* Sets a node's state. exact (may be NULL) is copied into the arena. A
 * state equal to an earlier node's (same hash and text, and same exact
 * bytes) marks this node DUPLICATE with same_as set, and it is not
 * expanded again. hash 0 means "hash the text". Only during the simulate
 * phase, for a child of the round without a state (PLAN_EMISUSE /
 * PLAN_EINVAL otherwise); PLAN_ENOMEM, PLAN_EBUDGET (memory cap). */
plan_status plan__search_set_state(plan__search *s, plan__node_id id,
                                   const char *text, size_t len,
                                   const char *json, const void *exact,
                                   size_t exact_size, uint64_t hash);
/* The setters below ignore an invalid id. A failure inside them (no
 * memory for the trace) is kept and ends the round with that status. */
void plan__search_set_goal(plan__search *s, plan__node_id id);
/* v is clamped to [0,1]; a NaN counts as missing. */
void plan__search_add_value(plan__search *s, plan__node_id id, double v);
void plan__search_add_missing(plan__search *s, plan__node_id id);
/* reason (may be NULL: "pruned") is copied. */
void plan__search_prune(plan__search *s, plan__node_id id, const char *reason);
/* A component's failure message: the round returns code (when a component
 * returns it) with this message in plan__search_errmsg. */
void plan__search_set_error(plan__search *s, plan_status code, const char *fmt,
                            ...) PLAN_PRINTF(3, 4);
/* The scheduler (may be NULL) for LLM components. */
plan_scheduler *plan__search_scheduler(plan__search *s);
/* Copies text into the search's arena (NULL on ENOMEM/cap, and the round
 * then ends with that status). */
char *plan__search_strdup(plan__search *s, const char *text, size_t len);

/* ---- trace ------------------------------------------------------------------
 * JSONL events, schema in docs/trace.md: {"ev":"node"|"llm_call"|"value"|
 * "simulate"|"prune"|"goal"|"budget"|"result"|..., "v":1, ...}, written
 * in canonical JSON (sorted keys, compact). Components report their LLM
 * calls with plan__search_trace_llm (r may be NULL: nothing is written).
 * Both do nothing without a trace file. */
void plan__search_trace_llm(plan__search *s, const char *role,
                            plan__node_id node, const plan_llm_response *r);
/* fields (borrowed, may be NULL) is a JSON object; the line holds its
 * members plus "ev" and "v" (which override members of those names). */
void plan__search_trace(plan__search *s, const char *ev, json_t *fields);

#endif /* PLAN_PLANNER_H */
