/* llm/scripted.h: test-facing accessors of the scripted backend. */
#ifndef PLAN_LLM_SCRIPTED_H
#define PLAN_LLM_SCRIPTED_H

#include "llm/llm.h"

typedef struct plan__scripted_stats {
  unsigned calls;       /* attempts started */
  unsigned max_pending; /* most attempts in flight at once */
  unsigned canceled;    /* attempts abandoned by cancel_all */
  unsigned last_n;      /* n of the last request */
} plan__scripted_stats;

/* Copies the counters of a scripted backend; false for other backends. */
bool plan__scripted_stats_get(const plan_llm *llm, plan__scripted_stats *out);

#endif
