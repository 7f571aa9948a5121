/* planner/budget.c: budgets and stop reasons of a search. The node,
 * depth and expansion budgets are counted by the search itself; LLM calls
 * and tokens come from the scheduler's statistics (so every component's
 * calls count), measured from the start of plan__search_run; wall time
 * comes from the clock in the options, which is read only when a
 * wall-time budget is set. A budget never changes a decision, it only
 * ends the search, which then reports the best plan so far and the
 * reason (plan__stop). */
#include <string.h>

#include "planner/search_int.h"

static const char *const stop_names[] = {
    "none",   "goal", "exhausted",  "nodes", "depth", "calls",
    "tokens", "time", "iterations", "error", "memory", "settled"};

const char *plan__stop_name(plan__stop why) {
  if ((unsigned)why < PLAN_ARRAY_LEN(stop_names))
    return stop_names[why];
  return "unknown";
}

bool plan__stop_is_budget(plan__stop why) {
  switch (why) {
  case PLAN__STOP_NODES:
  case PLAN__STOP_DEPTH:
  case PLAN__STOP_CALLS:
  case PLAN__STOP_TOKENS:
  case PLAN__STOP_TIME:
  case PLAN__STOP_ITERATIONS:
  case PLAN__STOP_MEMORY: return true;
  default: return false;
  }
}

void plan__search_stop(plan__search *s, plan__stop why) {
  if (!s || s->magic != PLAN__SEARCH_MAGIC || why == PLAN__STOP_NONE ||
      s->stop != PLAN__STOP_NONE)
    return;
  s->stop = why;
  if (plan__stop_is_budget(why))
    plan__trace_budget(s);
}

plan_status plan__search_status(const plan__search *s) {
  if (!s || s->magic != PLAN__SEARCH_MAGIC)
    return PLAN_EMISUSE;
  if (s->status != PLAN_OK)
    return s->status;
  switch (s->stop) {
  case PLAN__STOP_NONE:
  case PLAN__STOP_GOAL:
  case PLAN__STOP_EXHAUSTED:
  case PLAN__STOP_SETTLED: return PLAN_OK;
  case PLAN__STOP_ERROR: return PLAN_EINTERNAL; /* status is always set */
  default: return PLAN_EBUDGET;
  }
}

uint64_t plan__search_calls_used(const plan__search *s) {
  if (!s->sched || !s->started)
    return 0;
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s->sched, &st);
  return st.calls - s->base.calls;
}

uint64_t plan__search_tokens_used(const plan__search *s) {
  if (!s->sched || !s->started)
    return 0;
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s->sched, &st);
  return st.prompt_tokens + st.completion_tokens - s->base.prompt_tokens -
         s->base.completion_tokens;
}

bool plan__search_budget_llm(plan__search *s) {
  const plan__search_options *o = &s->opts;
  if (o->max_llm_calls && plan__search_calls_used(s) >= o->max_llm_calls) {
    plan__search_stop(s, PLAN__STOP_CALLS);
    return true;
  }
  if (o->max_tokens && plan__search_tokens_used(s) >= o->max_tokens) {
    plan__search_stop(s, PLAN__STOP_TOKENS);
    return true;
  }
  if (o->max_wall_ms && s->started) {
    uint64_t now = plan__now_ns(o->clock);
    uint64_t limit = o->max_wall_ms > UINT64_MAX / 1000000u
                         ? UINT64_MAX
                         : o->max_wall_ms * 1000000u;
    if (now - s->t0_ns >= limit) {
      plan__search_stop(s, PLAN__STOP_TIME);
      return true;
    }
  }
  return false;
}

bool plan__search_budget_hit(plan__search *s) {
  if (!s || s->magic != PLAN__SEARCH_MAGIC)
    return true;
  if (s->stop != PLAN__STOP_NONE)
    return true;
  if (s->n_nodes >= s->opts.max_nodes) {
    plan__search_stop(s, PLAN__STOP_NODES);
    return true;
  }
  return plan__search_budget_llm(s);
}

/* The scheduler's message names the budget it hit ("call budget
 * exhausted", "token budget exhausted", "wall-time budget exhausted"); a
 * component that got PLAN_EBUDGET from it returns that status to us. */
plan__stop plan__search_sched_stop(const plan__search *s) {
  const char *m = s->sched ? plan_scheduler_errmsg(s->sched) : NULL;
  if (m && strstr(m, "token"))
    return PLAN__STOP_TOKENS;
  if (m && strstr(m, "wall"))
    return PLAN__STOP_TIME;
  return PLAN__STOP_CALLS;
}

void plan__search_stop_exhausted(plan__search *s) {
  if (!s || s->magic != PLAN__SEARCH_MAGIC || s->stop != PLAN__STOP_NONE)
    return;
  for (size_t id = 0; id < s->n_nodes; id++) {
    const plan__node *n = &s->nodes[id];
    if (plan__search_usable(s, (plan__node_id)id) &&
        !(n->flags & (PLAN__NODE_EXPANDED | PLAN__NODE_GOAL)) &&
        n->depth >= s->opts.max_depth) {
      plan__search_stop(s, PLAN__STOP_DEPTH);
      return;
    }
  }
  plan__search_stop(s, PLAN__STOP_EXHAUSTED);
}
