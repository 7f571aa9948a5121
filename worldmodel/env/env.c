/* worldmodel/env/env.c: the environment handle (plan_env) and the public
 * calls of include/plan.h ("Environments") and plan_backend.h.
 *
 * An environment is a vtable plus self, like an LLM backend. This file is
 * the wrapper every environment goes through, built-in (pddl_env.c,
 * cmd_env.c) or the user's (plan_env_custom_create): it checks the handle,
 * hands observe/execute a plan_state_buf around a plan__buf, turns a
 * missing capability into PLAN_ENOTSUP, counts what happened
 * (plan__env_stats) and prefixes every message with the environment's
 * name, "env ./robot: ...". The agent loop (planner/agent.c) and the CLI
 * use the plan__env_* calls of env.h; programs use the public ones, whose
 * observation strings live in the handle until its next call.
 */
#include <string.h>

#include "planner/api_int.h"
#include "worldmodel/env/env.h"

#define ENV_MAGIC 0x454e5648u /* "ENVH" */
#define MAX_OBS_BYTES ((size_t)16 << 20)
#define KNOWN_CAPS                                                             \
  (PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET | PLAN_ENV_CAP_DONE)

struct plan_env {
  unsigned magic;
  const plan_env_vtbl *vtbl; /* borrowed; outlives the handle */
  void *self;                /* owned through vtbl->destroy */
  plan__env_stats stats;
  plan__buf obs; /* the public calls' borrowed observation */
};

static bool env_ok(const plan_env *env) {
  return env && env->magic == ENV_MAGIC && env->vtbl;
}

/* ======================================================================
 * Effect classes
 * ====================================================================== */

const char *plan_effect_name(plan_effect e) {
  switch (e) {
  case PLAN_EFFECT_PURE: return "pure";
  case PLAN_EFFECT_REVERSIBLE: return "reversible";
  case PLAN_EFFECT_IRREVERSIBLE: return "irreversible";
  }
  return "?";
}

plan_status plan_effect_parse(const char *s, plan_effect *out) {
  static const plan_effect all[] = {PLAN_EFFECT_PURE, PLAN_EFFECT_REVERSIBLE,
                                    PLAN_EFFECT_IRREVERSIBLE};
  if (!s || !out)
    return PLAN_EINVAL;
  for (size_t i = 0; i < PLAN_ARRAY_LEN(all); i++)
    if (strcmp(s, plan_effect_name(all[i])) == 0) {
      *out = all[i];
      return PLAN_OK;
    }
  return PLAN_EINVAL;
}

/* ======================================================================
 * The handle
 * ====================================================================== */

plan_status plan__env_wrap(const plan_env_vtbl *vtbl, void *self,
                           plan_env **out) {
  plan_env *env = plan__calloc(1, sizeof *env);
  if (!env)
    return PLAN_ENOMEM;
  env->magic = ENV_MAGIC;
  env->vtbl = vtbl;
  env->self = self;
  plan__buf_init(&env->obs, MAX_OBS_BYTES);
  *out = env;
  return PLAN_OK;
}

void *plan__env_self_if(plan_env *env, const plan_env_vtbl *vtbl) {
  return env_ok(env) && env->vtbl == vtbl ? env->self : NULL;
}

plan_status plan_env_custom_create(const plan_env_vtbl *vtbl, void *self,
                                   plan_env **out, plan_error *err) {
  if (out)
    *out = NULL;
  if (!out)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "NULL out argument");
  if (!vtbl)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL environment vtable");
  const char *name = vtbl->name && *vtbl->name ? vtbl->name : "custom";
  if (vtbl->abi_version < 1 || vtbl->abi_version > PLAN_ENV_ABI_VERSION)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "env %s: unsupported abi_version %u (this library "
                           "knows 1..%d)",
                           name, vtbl->abi_version, PLAN_ENV_ABI_VERSION);
  if (!vtbl->observe || !vtbl->execute)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "env %s: observe and execute are required", name);
  /* A capability is a promise that its functions exist. */
  if ((vtbl->caps & PLAN_ENV_CAP_SNAPSHOT) &&
      (!vtbl->snapshot || !vtbl->restore))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "env %s: PLAN_ENV_CAP_SNAPSHOT needs snapshot and "
                           "restore",
                           name);
  if ((vtbl->caps & PLAN_ENV_CAP_RESET) && !vtbl->reset)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "env %s: PLAN_ENV_CAP_RESET needs reset", name);
  if ((vtbl->caps & PLAN_ENV_CAP_DONE) && !vtbl->done)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "env %s: PLAN_ENV_CAP_DONE needs done", name);
  if (plan__env_wrap(vtbl, self, out) != PLAN_OK)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "env %s: out of memory",
                           name);
  return PLAN_OK;
}

void plan_env_destroy(plan_env *env) {
  if (!env_ok(env))
    return;
  if (env->vtbl->destroy)
    env->vtbl->destroy(env->self);
  plan__buf_free(&env->obs);
  env->magic = 0;
  plan__free(env);
}

const char *plan__env_describe(plan_env *env) {
  if (!env_ok(env))
    return "(invalid)";
  const char *d = env->vtbl->describe ? env->vtbl->describe(env->self) : NULL;
  if (d && *d)
    return d;
  return env->vtbl->name && *env->vtbl->name ? env->vtbl->name : "custom";
}

unsigned plan__env_caps(const plan_env *env) {
  return env_ok(env) ? env->vtbl->caps & KNOWN_CAPS : 0;
}

void plan__env_stats_get(const plan_env *env, plan__env_stats *out) {
  if (!out)
    return;
  if (env_ok(env))
    *out = env->stats;
  else
    memset(out, 0, sizeof *out);
}

/* ======================================================================
 * Calls through the vtable
 * ====================================================================== */

/* A status an environment returned, kept when it is a real failure code
 * and PLAN_EINTERNAL when it is not one of ours. */
static plan_status checked(plan_status st) {
  return (unsigned)st < PLAN_STATUS_COUNT ? st : PLAN_EINTERNAL;
}

/* Reports the failure st of call `op` into err: the environment's message
 * (in e, possibly empty) prefixed with the environment's name. */
static plan_status failed(plan_env *env, plan_error *err, plan_status st,
                          const plan_error *e, const char *op) {
  if (e && e->text[0])
    return plan__error_set(err, st, 0, 0, "env %s: %s", plan__env_describe(env),
                           e->text);
  return plan__error_set(err, st, 0, 0, "env %s: %s failed: %s",
                         plan__env_describe(env), op, plan_strerror(st));
}

static plan_status misuse(plan_error *err, const char *fn) {
  return plan__error_set(err, PLAN_EMISUSE, 0, 0,
                         "%s: NULL argument or invalid environment", fn);
}

static plan_status unsupported(plan_env *env, plan_error *err,
                               const char *what) {
  return plan__error_set(err, PLAN_ENOTSUP, 0, 0,
                         "env %s: cannot %s (the environment does not "
                         "support it)",
                         plan__env_describe(env), what);
}

static void error_clear(plan_error *e) {
  memset(e, 0, sizeof *e);
}

/* Runs observe (action NULL) or execute into out through a
 * plan_state_buf that is valid only for the call. */
static plan_status run_into(plan_env *env, const char *action, plan__buf *out,
                            plan_error *e) {
  plan__buf_reset(out);
  plan_state_buf sb;
  sb.magic = PLAN__STATE_BUF_MAGIC;
  sb.b = *out;
  plan_status st = action ? env->vtbl->execute(env->self, action, &sb, e)
                          : env->vtbl->observe(env->self, &sb, e);
  sb.magic = 0;
  *out = sb.b;
  st = checked(st);
  if (st == PLAN_OK && out->status != PLAN_OK) {
    st = out->status;
    if (st == PLAN_EBUDGET)
      plan__fmt(e->text, sizeof e->text,
                "the observation is longer than %zu bytes", out->max);
    else
      plan__fmt(e->text, sizeof e->text, "out of memory for the observation");
  }
  return st;
}

plan_status plan__env_observe(plan_env *env, plan__buf *out, plan_error *err) {
  if (!env_ok(env) || !out)
    return misuse(err, "observe");
  plan_error e;
  error_clear(&e);
  plan_status st = run_into(env, NULL, out, &e);
  if (st != PLAN_OK) {
    env->stats.failures++;
    return failed(env, err, st, &e, "observe");
  }
  env->stats.observes++;
  return PLAN_OK;
}

plan_status plan__env_execute(plan_env *env, const char *action, plan__buf *out,
                              plan_error *err) {
  if (!env_ok(env) || !action || !out)
    return misuse(err, "execute");
  /* The class is asked before the action runs: the environment answers
   * for the state the action is done in. */
  plan__effect effect = plan__env_effect(env, action);
  plan_error e;
  error_clear(&e);
  plan_status st = run_into(env, action, out, &e);
  /* A failure to store the observation comes after the action ran. */
  bool ran = st == PLAN_OK ||
             ((st == PLAN_ENOMEM || st == PLAN_EBUDGET) && out->status == st);
  if (ran) {
    env->stats.steps++;
    if (effect == PLAN__EFFECT_IRREVERSIBLE)
      env->stats.irreversible++;
  }
  if (st == PLAN_OK)
    return PLAN_OK;
  if (st == PLAN_ENOTFOUND)
    env->stats.refused++;
  else
    env->stats.failures++;
  return failed(env, err, st, &e, "execute");
}

plan__effect plan__env_effect(plan_env *env, const char *action) {
  if (!env_ok(env) || !action || !env->vtbl->effect)
    return PLAN__EFFECT_IRREVERSIBLE;
  plan_effect e = PLAN_EFFECT_IRREVERSIBLE;
  plan_error er;
  error_clear(&er);
  if (env->vtbl->effect(env->self, action, &e, &er) != PLAN_OK)
    return PLAN__EFFECT_IRREVERSIBLE;
  switch (e) {
  case PLAN_EFFECT_PURE: return PLAN__EFFECT_PURE;
  case PLAN_EFFECT_REVERSIBLE: return PLAN__EFFECT_REVERSIBLE;
  case PLAN_EFFECT_IRREVERSIBLE: break;
  }
  return PLAN__EFFECT_IRREVERSIBLE;
}

plan_status plan__env_snapshot(plan_env *env, uint64_t *id, plan_error *err) {
  if (id)
    *id = 0;
  if (!env_ok(env) || !id)
    return misuse(err, "snapshot");
  if (!(plan__env_caps(env) & PLAN_ENV_CAP_SNAPSHOT))
    return unsupported(env, err, "snapshot");
  plan_error e;
  error_clear(&e);
  plan_status st = checked(env->vtbl->snapshot(env->self, id, &e));
  if (st != PLAN_OK) {
    *id = 0;
    env->stats.failures++;
    return failed(env, err, st, &e, "snapshot");
  }
  env->stats.snapshots++;
  return PLAN_OK;
}

plan_status plan__env_restore(plan_env *env, uint64_t id, plan_error *err) {
  if (!env_ok(env))
    return misuse(err, "restore");
  if (!(plan__env_caps(env) & PLAN_ENV_CAP_SNAPSHOT))
    return unsupported(env, err, "restore a snapshot");
  plan_error e;
  error_clear(&e);
  plan_status st = checked(env->vtbl->restore(env->self, id, &e));
  if (st != PLAN_OK) {
    env->stats.failures++;
    return failed(env, err, st, &e, "restore");
  }
  env->stats.restores++;
  return PLAN_OK;
}

plan_status plan__env_reset(plan_env *env, plan_error *err) {
  if (!env_ok(env))
    return misuse(err, "reset");
  if (!(plan__env_caps(env) & PLAN_ENV_CAP_RESET))
    return unsupported(env, err, "reset");
  plan_error e;
  error_clear(&e);
  plan_status st = checked(env->vtbl->reset(env->self, &e));
  if (st != PLAN_OK) {
    env->stats.failures++;
    return failed(env, err, st, &e, "reset");
  }
  env->stats.resets++;
  return PLAN_OK;
}

plan_status plan__env_done(plan_env *env, bool *out, plan_error *err) {
  if (out)
    *out = false;
  if (!env_ok(env) || !out)
    return misuse(err, "done");
  if (!(plan__env_caps(env) & PLAN_ENV_CAP_DONE))
    return unsupported(env, err, "tell whether the task is done");
  plan_error e;
  error_clear(&e);
  bool done = false;
  plan_status st = checked(env->vtbl->done(env->self, &done, &e));
  if (st != PLAN_OK) {
    env->stats.failures++;
    return failed(env, err, st, &e, "done");
  }
  *out = done;
  return PLAN_OK;
}

/* ======================================================================
 * The public calls
 * ====================================================================== */

plan_status plan_env_observe(plan_env *env, const char **out, plan_error *err) {
  if (out)
    *out = NULL;
  if (!env_ok(env) || !out)
    return misuse(err, "plan_env_observe");
  plan_status st = plan__env_observe(env, &env->obs, err);
  if (st == PLAN_OK)
    *out = env->obs.data ? env->obs.data : "";
  return st;
}

plan_status plan_env_execute(plan_env *env, const char *action,
                             const char **observation, plan_error *err) {
  if (observation)
    *observation = NULL;
  if (!env_ok(env) || !action || !observation)
    return misuse(err, "plan_env_execute");
  plan_status st = plan__env_execute(env, action, &env->obs, err);
  if (st == PLAN_OK)
    *observation = env->obs.data ? env->obs.data : "";
  return st;
}

plan_effect plan_env_effect(plan_env *env, const char *action) {
  switch (plan__env_effect(env, action)) {
  case PLAN__EFFECT_PURE: return PLAN_EFFECT_PURE;
  case PLAN__EFFECT_REVERSIBLE: return PLAN_EFFECT_REVERSIBLE;
  case PLAN__EFFECT_IRREVERSIBLE: break;
  }
  return PLAN_EFFECT_IRREVERSIBLE;
}

bool plan__env_word_eq(const char *s, size_t n, const char *t) {
  for (size_t i = 0; i < n; i++) {
    char a = s[i], b = t[i];
    if (!b)
      return false;
    if (a >= 'A' && a <= 'Z')
      a = (char)(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z')
      b = (char)(b - 'A' + 'a');
    if (a != b)
      return false;
  }
  return t[n] == '\0';
}
