/* plan_backend.h: for people who write their own LLM backend.
 *
 * A backend is a versioned vtable plus a `void *self`. The scheduler talks to
 * it only through the vtable. A backend does one attempt per start(): the
 * scheduler owns retries, backoff, rate-limit pauses, coalescing and budgets.
 *
 * Two ways to implement a backend:
 *  - asynchronous: start() begins a request and returns at once; drive()
 *    makes progress for up to timeout_ms and completes finished tickets with
 *    plan_llm_ticket_done(). Many tickets may be in flight at once.
 *  - blocking: set start and drive to NULL and implement complete(); the
 *    scheduler runs such backends one request at a time.
 *
 * Members are only ever appended; abi_version says how many are present.
 */
#ifndef PLAN_BACKEND_H
#define PLAN_BACKEND_H

#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PLAN_LLM_ABI_VERSION 1

/* A ticket stands for one attempt of one request in flight. */
typedef struct plan_llm_ticket plan_llm_ticket;

/* Capability flags of a backend. */
#define PLAN_LLM_CAP_N 0x1u      /* honours n > 1 in one request */
#define PLAN_LLM_CAP_REPLAY 0x2u /* answers from a recording: no real waits */

typedef struct plan_llm_vtbl {
  unsigned abi_version; /* PLAN_LLM_ABI_VERSION */
  const char *name;
  unsigned caps; /* PLAN_LLM_CAP_* */
  /* Begins one attempt of req (borrowed until the ticket is done). The
   * backend fills plan_llm_ticket_response(t) and calls
   * plan_llm_ticket_done(t) from a later drive() (never from start()).
   * A failure to start is returned here and the ticket is not used. */
  plan_status (*start)(void *self, const plan_llm_request *req,
                       plan_llm_ticket *t);
  /* Makes progress for at most timeout_ms (0: do not wait). */
  plan_status (*drive)(void *self, long timeout_ms);
  /* Blocking single attempt (used when start is NULL). */
  plan_status (*complete)(void *self, const plan_llm_request *req,
                          plan_llm_response *resp);
  /* Abandons every ticket in flight (they are not completed). Optional. */
  void (*cancel_all)(void *self);
  void (*destroy)(void *self);
  /* A one-line description (endpoint, mode) for logs; optional. */
  const char *(*describe)(void *self);
} plan_llm_vtbl;

/* Creates a backend from a vtable and self (retained until destroy, which
 * calls vtbl->destroy(self)). vtbl must stay valid for the backend's life.
 * Destroy with plan_llm_destroy. */
PLAN_API plan_status plan_llm_custom_create(const plan_llm_vtbl *vtbl,
                                            void *self, plan_llm **out,
                                            plan_error *err);

/* The response a backend fills for ticket t (initialised, empty). */
PLAN_API plan_llm_response *plan_llm_ticket_response(plan_llm_ticket *t);
/* Marks t finished; the backend must not touch t afterwards. */
PLAN_API void plan_llm_ticket_done(plan_llm_ticket *t);

/* Helpers for filling a response. They copy the strings. */
PLAN_API plan_status plan_llm_response_add_choice(plan_llm_response *resp,
                                                  const char *text, size_t len,
                                                  plan_finish finish);
/* Sets status and a formatted message (printf-style). */
PLAN_API void plan_llm_response_set_error(plan_llm_response *resp,
                                          plan_status status, int http_status,
                                          const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The vtable behind a backend (for wrapping backends such as a cassette). */
PLAN_API const plan_llm_vtbl *plan_llm_vtable(const plan_llm *llm);
PLAN_API void *plan_llm_self(const plan_llm *llm);

/* ======================================================================
 * Environments (see plan_env in plan.h)
 * ======================================================================
 * An environment is a versioned vtable plus a `void *self`, like a
 * backend. Every function gets an error record (never NULL) whose text
 * it may fill with a message (snprintf into err->text); the library sets
 * the code from the returned status. Calls come from one thread at a
 * time. */

#define PLAN_ENV_ABI_VERSION 1

#define PLAN_ENV_CAP_SNAPSHOT 0x1u /* snapshot and restore */
#define PLAN_ENV_CAP_RESET 0x2u    /* reset to the initial state */
#define PLAN_ENV_CAP_DONE 0x4u     /* done: whether the task is achieved */

typedef struct plan_env_vtbl {
  unsigned abi_version; /* PLAN_ENV_ABI_VERSION */
  const char *name;
  unsigned caps; /* PLAN_ENV_CAP_* */
  /* Writes the current observation to out. Required. */
  plan_status (*observe)(void *self, plan_state_buf *out, plan_error *err);
  /* Executes action and writes the observation after it to out. Return
   * PLAN_ENOTFOUND when the action cannot be done (nothing changed); any
   * other failure means the environment's state is unknown. Required. */
  plan_status (*execute)(void *self, const char *action, plan_state_buf *out,
                         plan_error *err);
  /* The effect class of action. NULL (or a failure): irreversible. */
  plan_status (*effect)(void *self, const char *action, plan_effect *out,
                        plan_error *err);
  /* PLAN_ENV_CAP_SNAPSHOT: saves the state under a new id / goes back to
   * a saved one (ids stay valid until destroy). */
  plan_status (*snapshot)(void *self, uint64_t *id, plan_error *err);
  plan_status (*restore)(void *self, uint64_t id, plan_error *err);
  /* PLAN_ENV_CAP_RESET: back to the initial state. */
  plan_status (*reset)(void *self, plan_error *err);
  /* PLAN_ENV_CAP_DONE: whether the task is achieved in the current state
   * (an environment without it leaves the goal test to the agent). */
  plan_status (*done)(void *self, bool *out, plan_error *err);
  void (*destroy)(void *self);
  /* A one-line description for logs; optional. */
  const char *(*describe)(void *self);
} plan_env_vtbl;

/* Creates an environment from a vtable and self (retained until destroy,
 * which calls vtbl->destroy(self)). vtbl must stay valid for the
 * environment's life. Errors: PLAN_EINVAL (a NULL vtable, observe or
 * execute, an ABI version this library does not know; message in *err). */
PLAN_API plan_status plan_env_custom_create(const plan_env_vtbl *vtbl,
                                            void *self, plan_env **out,
                                            plan_error *err);

#ifdef __cplusplus
}
#endif
#endif /* PLAN_BACKEND_H */
