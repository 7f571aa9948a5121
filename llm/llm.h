/* llm/llm.h: internals shared by the LLM layer: the backend handle, tickets,
 * and the canonical form of a request (the cassette key and the basis of
 * every HTTP body). Not installed. */
#ifndef PLAN_LLM_INTERNAL_H
#define PLAN_LLM_INTERNAL_H

#include "core/core.h"
#include "core/json.h"
#include "plan_backend.h"

#define PLAN__LLM_MAGIC 0x504c4c4du /* "PLLM" */

struct plan_llm {
  unsigned magic;
  const plan_llm_vtbl *vtbl;
  void *self;
  char errmsg[256];
};

/* One attempt in flight. Whoever starts an attempt owns the ticket (the
 * scheduler embeds one per attempt; a wrapping backend such as the cassette
 * creates its own to call the inner backend). plan_llm_ticket_done calls
 * on_done(t, ud). */
struct plan_llm_ticket {
  plan_llm_response resp;
  void (*on_done)(plan_llm_ticket *t, void *ud);
  void *ud;
  bool done;
};

void plan__llm_ticket_init(plan_llm_ticket *t,
                           void (*on_done)(plan_llm_ticket *, void *),
                           void *ud);

/* True if llm is a live backend handle. */
bool plan__llm_ok(const plan_llm *llm);
/* Sets the backend's last-failure message. */
void plan__llm_set_errmsg(plan_llm *llm, const char *fmt, ...)
    PLAN_PRINTF(2, 3);

/* Creates a handle for a built-in backend (no vtbl validation). */
plan_status plan__llm_wrap(const plan_llm_vtbl *vtbl, void *self,
                           plan_llm **out);

/* The canonical request as a new JSON object: model (or default_model when
 * req->model is NULL), messages, temperature, top_p, n, max_tokens (if
 * set), stop (if any), seed (if set), logprobs/top_logprobs (if set),
 * json_schema (parsed) and json_schema_name (if set). sample_index is NOT
 * part of it. NULL on ENOMEM or invalid json_schema (err says which). */
json_t *plan__llm_request_json(const plan_llm_request *req,
                               const char *default_model, plan_error *err);

/* The cassette key: 16 hex digits of the canonical request's hash, '#',
 * the sample index. out must hold PLAN__LLM_KEY_SIZE bytes. */
#define PLAN__LLM_KEY_SIZE 32
plan_status plan__llm_request_key(const plan_llm_request *req,
                                  const char *default_model,
                                  char out[PLAN__LLM_KEY_SIZE]);

/* Choice i (0 <= i < req->n) of a request for n > 1 choices, as a
 * single-choice request: n = 1, sample index sample_index * n + i and, with
 * a seed, seed + i (so servers that honour seeds give distinct samples).
 * The scheduler splits requests this way for backends without n support
 * and for servers that ignore n; a replaying cassette reassembles them the
 * same way. This is the only definition of the rule. */
void plan__llm_split_part(const plan_llm_request *req, unsigned i,
                          plan_llm_request *out);

/* The text a scripted backend matches on and the mock server echoes: the
 * content of the last user message ("" if none). */
const char *plan__llm_prompt(const plan_llm_request *req);

/* Moves src into dst (dst cleared first); src is left initialised. */
void plan__llm_response_move(plan_llm_response *dst, plan_llm_response *src);
/* Deep-copies src into dst (dst must be initialised/empty). */
plan_status plan__llm_response_copy(plan_llm_response *dst,
                                    const plan_llm_response *src);

/* Response <-> JSON, used by the cassette and by `plan ask` output. The
 * JSON holds status (name), http_status, error, choices [{text, finish,
 * logprobs?}], usage {prompt_tokens, completion_tokens}, model, request_id,
 * retry_after_ms, should_retry. Latency and attempts are not stored. */
json_t *plan__llm_response_to_json(const plan_llm_response *resp);
plan_status plan__llm_response_from_json(const json_t *j,
                                         plan_llm_response *resp,
                                         plan_error *err);

/* Maps "stop"/"end_turn"/... to plan_finish. */
plan_finish plan__finish_parse(const char *s);
plan_status plan__status_parse(const char *name);

#endif /* PLAN_LLM_INTERNAL_H */
