/* worldmodel/pddl/gen_deadend.h: PDDL tasks with dead ends, and the exact
 * analysis that proves what they are. The "cliffs" domain
 * (data/pddl/cliffs/, docs/deadend.md) has a robot that carries crates
 * over trails (two-way), slides (one-way, downhill) and rope bridges (gone
 * once crossed): walking, picking up and dropping are reversible, sliding
 * and crossing are irreversible, and the wrong slide or crossing makes the
 * goal unreachable. The agent loop (planner/agent.c) and its benchmark
 * need such tasks to show that irreversible actions are committed only
 * after simulation; `plan gen-deadend` (cli/cmd_gen.c) writes them.
 *
 * Two parts:
 *  - The state space of a small grounded task (any domain): every
 *    reachable state, the transitions, and each state's optimal distance
 *    to the goal by exhaustive search, so "dead end" (no path to the goal)
 *    is exact, not a heuristic's guess. plan__deadend_stats_compute counts
 *    the traps: irreversible actions that lead into dead ends.
 *  - The generator of cliffs problems: a random map per instance (from a
 *    seed and the instance's number), kept only when the analysis shows it
 *    solvable, within the size limits, impossible to solve without an
 *    irreversible action, and with a plausible trap at the start.
 *
 * Internal; not installed. Deterministic: the same options and index give
 * the same text on every platform. Nothing here keeps global state.
 */
#ifndef PLAN_WORLDMODEL_PDDL_GEN_DEADEND_H
#define PLAN_WORLDMODEL_PDDL_GEN_DEADEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "worldmodel/pddl/pddl.h"

/* ======================================================================
 * The state space of a small task
 * ====================================================================== */

#define PLAN__DEADEND_UNREACHABLE UINT32_MAX
#define PLAN__DEADEND_MAX_LISTED 8

/* Every state reachable from task->init, in breadth-first order (state 0
 * is the initial state), with its outgoing transitions and its optimal
 * (unit-cost) distance to the goal. Owned by the caller; release with
 * plan__state_space_free. */
typedef struct plan__state_space {
  size_t n_words; /* words per state (task->n_words) */
  size_t n_states;
  uint64_t *states; /* n_states x n_words */
  uint32_t *dist;   /* steps to the nearest goal state, or
                       PLAN__DEADEND_UNREACHABLE: a dead end */
  size_t *first;    /* n_states + 1: state i's transitions are
                       first[i] .. first[i+1]-1, in action id order */
  uint32_t *edge_action;
  uint32_t *edge_to;
  size_t n_edges;
  void *index; /* the hash index for plan__state_space_find; private */
} plan__state_space;

/* Explores task (borrowed) exhaustively from its initial state.
 * max_states caps the reachable states (0: 100,000). Errors: PLAN_EBUDGET
 * when more states are reachable (the message says the cap), PLAN_ENOMEM.
 * On failure *out is zeroed. Release with plan__state_space_free. */
plan_status plan__state_space_build(const plan__pddl_task *task,
                                    size_t max_states, plan__state_space *out,
                                    plan_error *err);
/* Frees the members and zeroes *sp. NULL does nothing. */
void plan__state_space_free(plan__state_space *sp);
/* The index of state (sp->n_words words) in sp, or SIZE_MAX when it is not
 * reachable from the initial state. */
size_t plan__state_space_find(const plan__state_space *sp,
                              const uint64_t *state);

/* What the exact analysis says about a task whose schemas are split into
 * reversible and irreversible ones. A trap is an irreversible ground
 * action, applicable in a state from which the goal is reachable, whose
 * successor is a dead end. */
typedef struct plan__deadend_stats {
  size_t states;      /* reachable states */
  size_t dead_states; /* reachable states with the goal unreachable */
  uint32_t optimal;   /* optimal plan length from the initial state, or
                         PLAN__DEADEND_UNREACHABLE */
  /* Whether the goal can be reached with reversible actions only. */
  bool reversible_solvable;
  size_t init_traps; /* traps applicable in the initial state */
  /* Along one optimal plan (at each step the successor on an optimal path
   * with the lowest action id): the traps applicable in its states, goal
   * excluded, and its irreversible steps. */
  size_t path_traps;
  size_t path_irreversible;
  /* Trap actions of the initial state (ids of task->actions), at most
   * PLAN__DEADEND_MAX_LISTED of them, in id order. */
  uint32_t init_trap_actions[PLAN__DEADEND_MAX_LISTED];
  size_t n_init_trap_actions;
} plan__deadend_stats;

/* Whether schema is one of irreversible[0..n) (exact, lowercase names). */
bool plan__deadend_is_irreversible(const char *schema,
                                   const char *const *irreversible, size_t n);
/* Fills *out from a built space of task. irreversible names the
 * irreversible schemas ("slide", "cross"); every other schema counts as
 * reversible. PLAN_ENOMEM is the only error. */
plan_status plan__deadend_stats_compute(const plan__pddl_task *task,
                                        const plan__state_space *sp,
                                        const char *const *irreversible,
                                        size_t n, plan__deadend_stats *out);

/* ======================================================================
 * The cliffs domain and its generator
 * ====================================================================== */

/* The domain's PDDL text, identical to data/pddl/cliffs/domain.pddl (a
 * unit test compares them). Static storage. */
const char *plan__cliffs_domain_pddl(void);
/* Its irreversible schemas: {"slide", "cross"}; *n gets 2. Static. */
const char *const *plan__cliffs_irreversible(size_t *n);

typedef enum plan__deadend_size {
  PLAN__DEADEND_SMALL = 0, /* 6-11 places, 1 crate, plans of 4-10 steps */
  PLAN__DEADEND_MEDIUM,    /* 8-12 places, 2 crates, plans of 6-12 steps */
  PLAN__DEADEND_MIXED      /* odd instances small, even ones medium: the
                              same problems as those series */
} plan__deadend_size;

/* "small", "medium", "mixed"; parse returns false for anything else. */
const char *plan__deadend_size_name(plan__deadend_size s);
bool plan__deadend_size_parse(const char *s, plan__deadend_size *out);

typedef struct plan__deadend_options {
  plan__deadend_size size;
  uint64_t seed;
  size_t max_states;  /* reachable states allowed (0: 5,000) */
  unsigned max_tries; /* maps drawn per instance before giving up
                         (0: 2,000) */
} plan__deadend_options;

/* One generated problem. */
typedef struct plan__deadend_instance {
  char *pddl; /* the problem file's text (plan__free) */
  plan__deadend_stats stats;
  size_t n_places;
  size_t n_crates;
  unsigned tries; /* maps drawn, the kept one included */
} plan__deadend_instance;

/* Generates instance number index (1-based) of the series that o->seed
 * and o->size define: instance k is the same whatever other instances are
 * generated. Each candidate map is grounded against dom (the cliffs
 * domain, borrowed; parse plan__cliffs_domain_pddl) and kept only when
 * exhaustive analysis shows: at most max_states reachable states; a
 * solution of the size's length range; no solution with reversible actions
 * only; and at least one trap in the initial state that looks right (its
 * destination is nearer, on the map, to a crate's goal place than the
 * robot's start). Errors: PLAN_EINVAL (index 0, a domain that is not
 * cliffs), PLAN_EBUDGET (no map passed in max_tries draws), PLAN_ENOMEM.
 * On failure out->pddl is NULL. Release with plan__deadend_instance_free. */
plan_status plan__deadend_generate(const plan__pddl_domain *dom,
                                   const plan__deadend_options *o,
                                   uint32_t index, plan__deadend_instance *out,
                                   plan_error *err);
/* Frees out->pddl and zeroes *inst. NULL does nothing. */
void plan__deadend_instance_free(plan__deadend_instance *inst);

#endif /* PLAN_WORLDMODEL_PDDL_GEN_DEADEND_H */
