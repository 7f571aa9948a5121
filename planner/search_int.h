/* planner/search_int.h: the inside of a search, shared by the files that
 * make up the search core (search.c: node store and rounds, budget.c:
 * budgets and stop reasons, trace.c: JSONL events). Algorithms and
 * components use planner/planner.h only. Not installed. */
#ifndef PLAN_PLANNER_SEARCH_INT_H
#define PLAN_PLANNER_SEARCH_INT_H

#include "planner/planner.h"

#define PLAN__SEARCH_MAGIC 0x50535243u /* "PSRC" */

/* An internal node flag: the node is one of the current round's parents.
 * Set and cleared inside plan__search_expand only. */
#define PLAN__NODE_IN_ROUND 0x8000u

typedef enum plan__phase {
  PLAN__PHASE_NONE = 0,
  PLAN__PHASE_PROPOSE,
  PLAN__PHASE_SIMULATE,
  PLAN__PHASE_GOAL,
  PLAN__PHASE_EVALUATE
} plan__phase;

struct plan__search {
  unsigned magic;
  plan__search_options opts;
  const plan__proposer *proposer;
  const plan__world_model *world;
  const plan__goal_test *goal;
  const plan__evaluator *evaluator;
  plan_scheduler *sched;
  FILE *trace;

  plan__arena arena;
  plan__node *nodes;
  size_t n_nodes, cap_nodes;
  /* Transposition table: open addressing over node ids (PLAN__NODE_NONE
   * marks an empty slot); cap is a power of two. */
  plan__node_id *tt;
  size_t tt_cap, tt_used;
  plan__rng rng;

  /* The current round. */
  plan__phase phase;
  plan__node_id round_first;  /* first id created in the round */
  plan__node_id *round_nodes; /* the round's parents */
  size_t n_round, cap_round;
  plan__node_id *list; /* a phase's items */
  size_t cap_list;
  uint64_t rounds, expansions;
  /* The overthinking guard: the best value so far, rounds since it last
   * improved. */
  double settle_best;
  uint32_t settle_stale;

  /* The result path, grown to the deepest node's depth. */
  plan__node_id *path;
  size_t cap_path;

  bool root_set, started, finished;
  uint64_t t0_ns;
  plan_scheduler_stats base; /* scheduler stats when run started */
  plan__stop stop;
  plan_status status; /* first failure (sticky), PLAN_OK if none */
  plan__node_id goal_id;
  plan__node_id result_hint; /* plan__search_set_result_hint */
  char errmsg[256];
  plan__buf tline; /* one trace line */
};

/* Records a failure: the first one wins (status, message). EBUDGET from
 * the memory cap stops with PLAN__STOP_MEMORY, everything else with
 * PLAN__STOP_ERROR. */
void plan__search_fail(plan__search *s, plan_status code, const char *fmt, ...)
    PLAN_PRINTF(3, 4);

/* Calls and tokens of the scheduler since run started (0 without one). */
uint64_t plan__search_calls_used(const plan__search *s);
uint64_t plan__search_tokens_used(const plan__search *s);
/* The call, token and wall-time budgets only, whatever the stop so far
 * (sets the stop reason when one is hit and none is set): what is checked
 * between the phases of a round. */
bool plan__search_budget_llm(plan__search *s);
/* Maps a component's PLAN_EBUDGET (a scheduler budget) to a stop reason. */
plan__stop plan__search_sched_stop(const plan__search *s);
bool plan__stop_is_budget(plan__stop why);

/* Trace helpers (trace.c). Each does nothing without a trace file. */
void plan__trace_start(plan__search *s);
void plan__trace_node(plan__search *s, plan__node_id id);
void plan__trace_round(plan__search *s, const plan__node_id *ids, size_t n);
/* replaced: the node whose canonical place id took, or PLAN__NODE_NONE. */
void plan__trace_simulate(plan__search *s, plan__node_id id,
                          plan__node_id replaced);
void plan__trace_value(plan__search *s, plan__node_id id, bool missing,
                       double v);
void plan__trace_prune(plan__search *s, plan__node_id id);
void plan__trace_goal(plan__search *s, plan__node_id id);
void plan__trace_dead_end(plan__search *s, plan__node_id id);
void plan__trace_budget(plan__search *s);
void plan__trace_error(plan__search *s);
void plan__trace_result(plan__search *s);

#endif /* PLAN_PLANNER_SEARCH_INT_H */
