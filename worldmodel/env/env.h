/* worldmodel/env/env.h: environments inside the library. plan_env (plan.h,
 * plan_backend.h) is a vtable + self; this header adds what the agent loop
 * (planner/agent.c), the CLI and the benchmarks need: calls that fill a
 * plan__buf, counters, and the two built-in environments.
 *
 * The PDDL environment makes the exact simulator the real world: the
 * observation is the state in the components' text (plan__pddl_text_state,
 * the format of node states in pddl domains), actions are ground actions in
 * PDDL syntax "(cross l1 l2)" or the config's natural language, and each
 * action schema has an effect class. It also knows the truth an agent does
 * not: whether the goal is still reachable, so it counts dead-end commits.
 *
 * The command environment runs a user's program speaking JSON lines over
 * stdin/stdout (docs/env.md). Internal; not installed. */
#ifndef PLAN_WORLDMODEL_ENV_H
#define PLAN_WORLDMODEL_ENV_H

#include "benchmarks/planbench/planbench.h"
#include "core/core.h"
#include "plan.h"
#include "plan_backend.h"
#include "planner/planner.h"
#include "worldmodel/pddl/pddl.h"

/* The observation and counters every environment keeps. */
typedef struct plan__env_stats {
  uint64_t observes;
  uint64_t steps;        /* execute calls that did something */
  uint64_t refused;      /* execute calls answered PLAN_ENOTFOUND */
  uint64_t irreversible; /* irreversible actions executed */
  uint64_t snapshots, restores, resets;
  uint64_t failures; /* calls that failed otherwise */
} plan__env_stats;

/* The same as the public calls, but the observation goes to *out (cleared
 * first). Messages name the environment ("env robot.sh: ..."). */
plan_status plan__env_observe(plan_env *env, plan__buf *out, plan_error *err);
plan_status plan__env_execute(plan_env *env, const char *action, plan__buf *out,
                              plan_error *err);
/* The effect class as an internal enum (irreversible when unknown). */
plan__effect plan__env_effect(plan_env *env, const char *action);
unsigned plan__env_caps(const plan_env *env);
/* PLAN_ENOTSUP (not an error of the environment) when the capability is
 * missing. */
plan_status plan__env_snapshot(plan_env *env, uint64_t *id, plan_error *err);
plan_status plan__env_restore(plan_env *env, uint64_t id, plan_error *err);
plan_status plan__env_reset(plan_env *env, plan_error *err);
/* PLAN_ENOTSUP without PLAN_ENV_CAP_DONE. */
plan_status plan__env_done(plan_env *env, bool *out, plan_error *err);
const char *plan__env_describe(plan_env *env);
/* ASCII case-insensitive equality of s (n bytes) and the string t. */
bool plan__env_word_eq(const char *s, size_t n, const char *t);
void plan__env_stats_get(const plan_env *env, plan__env_stats *out);

/* Wraps a built-in environment's vtable and self into a handle (what
 * plan_env_custom_create does after validating a user's vtable). On
 * failure (PLAN_ENOMEM) self is not destroyed: the caller still owns it. */
plan_status plan__env_wrap(const plan_env_vtbl *vtbl, void *self,
                           plan_env **out);
/* env's self when env is a valid handle over vtbl, else NULL: how a
 * built-in environment recognises its own handles. */
void *plan__env_self_if(plan_env *env, const plan_env_vtbl *vtbl);

/* ---- the PDDL environment ---------------------------------------------- */

typedef struct plan__pddl_env_options {
  /* Effect class per action schema, by name ("cross"); schemas not listed
   * get default_effect. */
  const char *const *schemas;
  const plan__effect *effects;
  size_t n_schemas;
  plan__effect default_effect; /* default PLAN__EFFECT_REVERSIBLE (0 is
                                  PURE, so set it explicitly) */
  bool snapshots;              /* PLAN_ENV_CAP_SNAPSHOT */
  bool reset;                  /* PLAN_ENV_CAP_RESET */
  /* Count dead-end commits: after every executed action, whether the goal
   * is still reachable (an exhaustive search; small tasks). */
  bool track_dead_ends;
  /* The cap of each reachability search (plan__pddl_goal_reachable's
   * max_states); 0: 1,000,000. */
  size_t max_states;
} plan__pddl_env_options;

/* Creates the environment over task (and cfg, may be NULL), both retained.
 * The state starts at task->init. o NULL: no schemas listed, default
 * reversible, no snapshots, reset or tracking. Errors: PLAN_EINVAL (a
 * schema the domain does not have, named in *err: one that no ground
 * action of the task and no action of cfg has; n_schemas without the
 * arrays; a cfg that cannot put the initial state in words),
 * PLAN_EMISUSE (NULL task or out), PLAN_ENOMEM. Destroy with
 * plan_env_destroy. */
plan_status plan__pddl_env_create(const plan__pddl_task *task,
                                  const plan__pb_config *cfg,
                                  const plan__pddl_env_options *o,
                                  plan_env **out, plan_error *err);
/* The current state's bitset (task->n_words words), borrowed. NULL when env
 * is not a PDDL environment. */
const uint64_t *plan__pddl_env_state(plan_env *env);

typedef struct plan__pddl_env_stats {
  uint64_t dead_end_commits; /* actions that made the goal unreachable */
  bool goal_reachable;       /* from the current state */
  bool at_goal;
} plan__pddl_env_stats;
/* false when env is not a PDDL environment. */
bool plan__pddl_env_stats_get(plan_env *env, plan__pddl_env_stats *out);

/* Whether the goal of task can be reached from state (exact, exhaustive
 * search over the reachable states, capped at max_states; 0: 1,000,000).
 * PLAN_EBUDGET when the cap is hit (then *out is true: unknown is not a
 * dead end), PLAN_ENOMEM. */
plan_status plan__pddl_goal_reachable(const plan__pddl_task *task,
                                      const uint64_t *state, size_t max_states,
                                      bool *out);

/* ---- the command environment ------------------------------------------- */
/* plan_env_command_create (plan.h) runs the program (cmd_env.c); the
 * protocol's messages are built and read here (cmd_proto.c), apart from
 * the pipes, so the fuzz harness can feed replies straight to the
 * parser. */

typedef enum plan__cmd_op {
  PLAN__CMD_HELLO = 0,
  PLAN__CMD_OBSERVE,
  PLAN__CMD_EXECUTE,
  PLAN__CMD_EFFECT,
  PLAN__CMD_SNAPSHOT,
  PLAN__CMD_RESTORE,
  PLAN__CMD_RESET,
  PLAN__CMD_DONE
} plan__cmd_op;

/* The op's name on the wire ("hello", "observe", ...); "?" if unknown. */
const char *plan__cmd_op_name(plan__cmd_op op);

#define PLAN__CMD_PROTOCOL_VERSION 1
#define PLAN__CMD_MAX_REPLY ((size_t)1 << 20) /* bytes of one reply line */

/* The capability an environment program declares beyond PLAN_ENV_CAP_*:
 * it answers {"op":"effect"} itself. */
#define PLAN__CMD_CAP_EFFECT_QUERY 0x100u

/* One reply, read for the op it answers. Strings are new (plan__malloc),
 * released by plan__cmd_reply_free. */
typedef struct plan__cmd_reply {
  bool ok;
  /* ok false: the program's message and whether it refused the action
   * (execute only: the action cannot be done there). */
  char *error;
  bool inapplicable;
  char *observation; /* observe, execute */
  bool done;         /* done; execute when the reply says (has_done) */
  bool has_done;
  uint64_t id;         /* snapshot */
  plan__effect effect; /* effect */
  /* hello: everything is optional. caps holds PLAN_ENV_CAP_* and
   * PLAN__CMD_CAP_EFFECT_QUERY; effects maps an action's first word to
   * its class (n_effects pairs); default_effect (irreversible when the
   * program does not say) covers the other words. */
  char *name;
  unsigned caps;
  char **effect_words;
  plan__effect *effect_classes;
  size_t n_effects;
  plan__effect default_effect;
} plan__cmd_reply;

/* Appends the request line for op (with its '\n') to b: action is used by
 * execute and effect, id by restore. Errors: PLAN_EINVAL (an action that
 * is not valid UTF-8), PLAN_ENOMEM. */
plan_status plan__cmd_request(plan__cmd_op op, const char *action, uint64_t id,
                              plan__buf *b);

/* Reads line (len bytes, without its newline; need not be NUL-terminated)
 * as the reply to op into *out (zeroed first; free with
 * plan__cmd_reply_free even on failure). A reply with "ok":false is
 * read, not an error. Errors: PLAN_EPARSE (not JSON, not an object, a
 * missing or mistyped field, an unknown effect class, a protocol version
 * other than ours), with a message that names the op and quotes the
 * start of the reply; PLAN_ENOMEM. */
plan_status plan__cmd_reply_parse(plan__cmd_op op, const char *line, size_t len,
                                  plan__cmd_reply *out, plan_error *err);
void plan__cmd_reply_free(plan__cmd_reply *r);

/* The word of action that keys the effect table: the first word, after
 * an opening '(' ("(cross a b)" -> "cross", "step left" -> "step").
 * Writes its start and length; length 0 when there is none. */
void plan__cmd_first_word(const char *action, const char **start, size_t *len);

/* Writes the first bytes of s (len bytes) as a quotation for a message
 * into out (out_size bytes, always NUL-terminated): at most max bytes of
 * s, control characters as '?', "..." appended when cut. */
void plan__cmd_quote(const char *s, size_t len, size_t max, char *out,
                     size_t out_size);

#endif /* PLAN_WORLDMODEL_ENV_H */
