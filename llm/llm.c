/* llm/llm.c: the plain parts of the LLM layer: request defaults, response
 * helpers, the backend handle and tickets, the canonical request and the
 * response's JSON form. */
#include <stdio.h>
#include <string.h>

#include "llm/llm.h"

/* ======================================================================
 * Requests and responses
 * ====================================================================== */

void plan_llm_request_init(plan_llm_request *req, unsigned version) {
  memset(req, 0, sizeof *req);
  req->version = version;
  req->temperature = 1.0;
  req->top_p = 1.0;
  req->n = 1;
}

void plan_llm_options_init(plan_llm_options *opts, unsigned version) {
  memset(opts, 0, sizeof *opts);
  opts->version = version;
}

static const char *const finish_names[] = {
    "unknown", "stop", "length", "content_filter", "tool_calls", "refusal"};

const char *plan_finish_name(plan_finish f) {
  if ((unsigned)f >= PLAN_ARRAY_LEN(finish_names))
    return "unknown";
  return finish_names[f];
}

plan_finish plan__finish_parse(const char *s) {
  if (!s)
    return PLAN_FINISH_UNKNOWN;
  if (!strcmp(s, "stop") || !strcmp(s, "end_turn") ||
      !strcmp(s, "stop_sequence") || !strcmp(s, "eos"))
    return PLAN_FINISH_STOP;
  if (!strcmp(s, "length") || !strcmp(s, "max_tokens") ||
      !strcmp(s, "model_context_window_exceeded"))
    return PLAN_FINISH_LENGTH;
  if (!strcmp(s, "content_filter"))
    return PLAN_FINISH_CONTENT_FILTER;
  if (!strcmp(s, "tool_calls") || !strcmp(s, "tool_use") ||
      !strcmp(s, "function_call"))
    return PLAN_FINISH_TOOL_CALLS;
  if (!strcmp(s, "refusal"))
    return PLAN_FINISH_REFUSAL;
  return PLAN_FINISH_UNKNOWN;
}

plan_status plan__status_parse(const char *name) {
  if (name)
    for (int i = 0; i < PLAN_STATUS_COUNT; i++)
      if (!strcmp(plan_status_name((plan_status)i), name))
        return (plan_status)i;
  return PLAN_EINTERNAL;
}

void plan_llm_response_init(plan_llm_response *resp) {
  memset(resp, 0, sizeof *resp);
  resp->retry_after_ms = -1;
  resp->should_retry = -1;
  resp->ratelimit_wait_ms = -1;
}

static void free_logprobs(plan_token_logprob *lp, size_t n) {
  for (size_t i = 0; i < n; i++) {
    plan__free(lp[i].token);
    for (size_t j = 0; j < lp[i].n_top; j++)
      plan__free(lp[i].top[j].token);
    plan__free(lp[i].top);
  }
  plan__free(lp);
}

void plan_llm_response_clear(plan_llm_response *resp) {
  if (!resp)
    return;
  for (size_t i = 0; i < resp->n_choices; i++) {
    plan__free(resp->choices[i].text);
    free_logprobs(resp->choices[i].logprobs, resp->choices[i].n_logprobs);
  }
  plan__free(resp->choices);
  plan__free(resp->error);
  plan__free(resp->model);
  plan__free(resp->request_id);
  plan_llm_response_init(resp);
}

plan_status plan_llm_response_add_choice(plan_llm_response *resp,
                                         const char *text, size_t len,
                                         plan_finish finish) {
  if (!resp || (!text && len))
    return PLAN_EMISUSE;
  plan_llm_choice *c =
      plan__realloc(resp->choices, (resp->n_choices + 1) * sizeof *c);
  if (!c)
    return PLAN_ENOMEM;
  resp->choices = c;
  char *t = plan__strndup(text ? text : "", len);
  if (!t)
    return PLAN_ENOMEM;
  plan_llm_choice *ch = &c[resp->n_choices++];
  memset(ch, 0, sizeof *ch);
  ch->text = t;
  ch->text_len = len;
  ch->finish = finish;
  ch->truncated = finish == PLAN_FINISH_LENGTH;
  return PLAN_OK;
}

void plan_llm_response_set_error(plan_llm_response *resp, plan_status status,
                                 int http_status, const char *fmt, ...) {
  if (!resp)
    return;
  resp->status = status;
  resp->http_status = http_status;
  plan__free(resp->error);
  resp->error = NULL;
  plan__buf b;
  plan__buf_init(&b, 4096);
  va_list ap;
  va_start(ap, fmt);
  plan__buf_vprintf(&b, fmt, ap);
  va_end(ap);
  resp->error = b.status == PLAN_OK ? plan__buf_take(&b) : NULL;
  plan__buf_free(&b);
}

void plan__llm_response_move(plan_llm_response *dst, plan_llm_response *src) {
  plan_llm_response_clear(dst);
  *dst = *src;
  plan_llm_response_init(src);
}

static plan_status copy_logprobs(plan_llm_choice *d, const plan_llm_choice *s) {
  if (!s->n_logprobs)
    return PLAN_OK;
  d->logprobs = plan__calloc(s->n_logprobs, sizeof *d->logprobs);
  if (!d->logprobs)
    return PLAN_ENOMEM;
  d->n_logprobs = s->n_logprobs;
  for (size_t i = 0; i < s->n_logprobs; i++) {
    const plan_token_logprob *a = &s->logprobs[i];
    plan_token_logprob *b = &d->logprobs[i];
    b->logprob = a->logprob;
    b->token = plan__strdup(a->token ? a->token : "");
    if (!b->token)
      return PLAN_ENOMEM;
    if (a->n_top) {
      b->top = plan__calloc(a->n_top, sizeof *b->top);
      if (!b->top)
        return PLAN_ENOMEM;
      b->n_top = a->n_top;
      for (size_t j = 0; j < a->n_top; j++) {
        b->top[j].logprob = a->top[j].logprob;
        b->top[j].token = plan__strdup(a->top[j].token ? a->top[j].token : "");
        if (!b->top[j].token)
          return PLAN_ENOMEM;
      }
    }
  }
  return PLAN_OK;
}

plan_status plan__llm_response_copy(plan_llm_response *dst,
                                    const plan_llm_response *src) {
  plan_llm_response_init(dst);
  dst->status = src->status;
  dst->http_status = src->http_status;
  dst->prompt_tokens = src->prompt_tokens;
  dst->completion_tokens = src->completion_tokens;
  dst->latency_ms = src->latency_ms;
  dst->attempts = src->attempts;
  dst->retry_after_ms = src->retry_after_ms;
  dst->should_retry = src->should_retry;
  dst->ratelimit_wait_ms = src->ratelimit_wait_ms;
  if ((src->error && !(dst->error = plan__strdup(src->error))) ||
      (src->model && !(dst->model = plan__strdup(src->model))) ||
      (src->request_id && !(dst->request_id = plan__strdup(src->request_id))))
    goto fail;
  for (size_t i = 0; i < src->n_choices; i++) {
    const plan_llm_choice *c = &src->choices[i];
    if (plan_llm_response_add_choice(dst, c->text, c->text_len, c->finish))
      goto fail;
    dst->choices[i].truncated = c->truncated;
    if (copy_logprobs(&dst->choices[i], c))
      goto fail;
  }
  return PLAN_OK;
fail:
  plan_llm_response_clear(dst);
  return PLAN_ENOMEM;
}

/* ======================================================================
 * Backend handles and tickets
 * ====================================================================== */

bool plan__llm_ok(const plan_llm *llm) {
  return llm && llm->magic == PLAN__LLM_MAGIC && llm->vtbl;
}

void plan__llm_set_errmsg(plan_llm *llm, const char *fmt, ...) {
  if (!llm)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(llm->errmsg, sizeof llm->errmsg, fmt, ap);
  va_end(ap);
}

plan_status plan__llm_wrap(const plan_llm_vtbl *vtbl, void *self,
                           plan_llm **out) {
  plan_llm *llm = plan__calloc(1, sizeof *llm);
  if (!llm)
    return PLAN_ENOMEM;
  llm->magic = PLAN__LLM_MAGIC;
  llm->vtbl = vtbl;
  llm->self = self;
  *out = llm;
  return PLAN_OK;
}

plan_status plan_llm_custom_create(const plan_llm_vtbl *vtbl, void *self,
                                   plan_llm **out, plan_error *err) {
  if (out)
    *out = NULL;
  if (!out || !vtbl)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "NULL argument");
  if (vtbl->abi_version < 1 || vtbl->abi_version > PLAN_LLM_ABI_VERSION)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "unsupported backend abi_version %u",
                           vtbl->abi_version);
  if (!vtbl->complete && !(vtbl->start && vtbl->drive))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "backend needs complete() or start()+drive()");
  plan_status st = plan__llm_wrap(vtbl, self, out);
  if (st != PLAN_OK)
    return plan__error_set(err, st, 0, 0, "out of memory");
  return PLAN_OK;
}

void plan_llm_destroy(plan_llm *llm) {
  if (!plan__llm_ok(llm))
    return;
  if (llm->vtbl->destroy)
    llm->vtbl->destroy(llm->self);
  llm->magic = 0;
  plan__free(llm);
}

const char *plan_llm_name(const plan_llm *llm) {
  if (!plan__llm_ok(llm))
    return "(invalid)";
  return llm->vtbl->name ? llm->vtbl->name : "custom";
}

const char *plan_llm_errmsg(const plan_llm *llm) {
  return plan__llm_ok(llm) ? llm->errmsg : "invalid backend handle";
}

const plan_llm_vtbl *plan_llm_vtable(const plan_llm *llm) {
  return plan__llm_ok(llm) ? llm->vtbl : NULL;
}

void *plan_llm_self(const plan_llm *llm) {
  return plan__llm_ok(llm) ? llm->self : NULL;
}

void plan__llm_ticket_init(plan_llm_ticket *t,
                           void (*on_done)(plan_llm_ticket *, void *),
                           void *ud) {
  plan_llm_response_init(&t->resp);
  t->on_done = on_done;
  t->ud = ud;
  t->done = false;
}

plan_llm_response *plan_llm_ticket_response(plan_llm_ticket *t) {
  return t ? &t->resp : NULL;
}

void plan_llm_ticket_done(plan_llm_ticket *t) {
  if (!t || t->done)
    return;
  t->done = true;
  if (t->on_done)
    t->on_done(t, t->ud);
}

/* ======================================================================
 * Canonical request
 * ====================================================================== */

void plan__llm_split_part(const plan_llm_request *req, unsigned i,
                          plan_llm_request *out) {
  unsigned n = req->n ? req->n : 1;
  *out = *req;
  out->n = 1;
  out->sample_index = req->sample_index * n + i;
  if (req->has_seed)
    out->seed = (int64_t)((uint64_t)req->seed + i);
}

const char *plan__llm_prompt(const plan_llm_request *req) {
  for (size_t i = req->n_messages; i > 0; i--) {
    const plan_message *m = &req->messages[i - 1];
    if (m->role && !strcmp(m->role, "user"))
      return m->content ? m->content : "";
  }
  return "";
}

/* json_object_set_new that remembers a failure, so building a request is
 * one flat sequence with one check at the end. */
static void set(json_t *o, const char *k, json_t *v, bool *ok) {
  if (!v || json_object_set_new(o, k, v) != 0)
    *ok = false;
}

json_t *plan__llm_request_json(const plan_llm_request *req,
                               const char *default_model, plan_error *err) {
  bool ok = true;
  json_t *o = json_object();
  if (!o) {
    plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    return NULL;
  }
  const char *model = req->model ? req->model : default_model;
  set(o, "model", json_string(model ? model : ""), &ok);
  json_t *msgs = json_array();
  for (size_t i = 0; msgs && i < req->n_messages; i++) {
    json_t *m = json_object();
    if (!m) {
      ok = false;
      break;
    }
    set(m, "role",
        json_string(req->messages[i].role ? req->messages[i].role : "user"),
        &ok);
    set(m, "content",
        json_string(req->messages[i].content ? req->messages[i].content : ""),
        &ok);
    if (json_array_append_new(msgs, m) != 0)
      ok = false;
  }
  set(o, "messages", msgs, &ok);
  set(o, "temperature", json_real(req->temperature), &ok);
  set(o, "top_p", json_real(req->top_p), &ok);
  set(o, "n", json_integer(req->n ? req->n : 1), &ok);
  if (req->max_tokens)
    set(o, "max_tokens", json_integer(req->max_tokens), &ok);
  if (req->n_stop) {
    json_t *st = json_array();
    for (size_t i = 0; st && i < req->n_stop; i++)
      if (json_array_append_new(
              st, json_string(req->stop[i] ? req->stop[i] : "")) != 0)
        ok = false;
    set(o, "stop", st, &ok);
  }
  if (req->has_seed)
    set(o, "seed", json_integer(req->seed), &ok);
  if (req->logprobs) {
    set(o, "logprobs", json_true(), &ok);
    if (req->top_logprobs)
      set(o, "top_logprobs", json_integer(req->top_logprobs), &ok);
  }
  if (req->json_schema) {
    json_error_t je;
    json_t *schema = json_loads(req->json_schema, 0, &je);
    if (!schema) {
      json_decref(o);
      plan__error_set(err, PLAN_EINVAL, je.line, je.column, "json_schema: %s",
                      je.text);
      return NULL;
    }
    set(o, "json_schema", schema, &ok);
    set(o, "json_schema_name",
        json_string(req->json_schema_name ? req->json_schema_name : "response"),
        &ok);
  }
  if (!ok) {
    json_decref(o);
    plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    return NULL;
  }
  return o;
}

plan_status plan__llm_request_key(const plan_llm_request *req,
                                  const char *default_model,
                                  char out[PLAN__LLM_KEY_SIZE]) {
  plan_error err;
  json_t *j = plan__llm_request_json(req, default_model, &err);
  if (!j)
    return err.code;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = plan__json_canonical(j, &b);
  json_decref(j);
  if (st == PLAN_OK) {
    char hex[17];
    plan__hex64(plan__hash64(b.data, b.len, 0), hex);
    snprintf(out, PLAN__LLM_KEY_SIZE, "%s#%u", hex, req->sample_index);
  }
  plan__buf_free(&b);
  return st;
}

/* ======================================================================
 * Response <-> JSON
 * ====================================================================== */

json_t *plan__llm_response_to_json(const plan_llm_response *r) {
  bool ok = true;
  json_t *o = json_object();
  if (!o)
    return NULL;
  set(o, "status", json_string(plan_status_name(r->status)), &ok);
  if (r->http_status)
    set(o, "http_status", json_integer(r->http_status), &ok);
  if (r->error)
    set(o, "error", json_string(r->error), &ok);
  json_t *choices = json_array();
  for (size_t i = 0; choices && i < r->n_choices; i++) {
    const plan_llm_choice *c = &r->choices[i];
    json_t *cj = json_object();
    if (!cj) {
      ok = false;
      break;
    }
    set(cj, "text", json_stringn(c->text, c->text_len), &ok);
    set(cj, "finish", json_string(plan_finish_name(c->finish)), &ok);
    if (c->truncated != (c->finish == PLAN_FINISH_LENGTH))
      set(cj, "truncated", json_boolean(c->truncated), &ok);
    if (c->n_logprobs) {
      json_t *lps = json_array();
      for (size_t k = 0; lps && k < c->n_logprobs; k++) {
        const plan_token_logprob *lp = &c->logprobs[k];
        json_t *lj = json_object();
        set(lj, "token", json_string(lp->token), &ok);
        set(lj, "logprob", json_real(lp->logprob), &ok);
        if (lp->n_top) {
          json_t *top = json_array();
          for (size_t t = 0; top && t < lp->n_top; t++) {
            json_t *tj = json_object();
            set(tj, "token", json_string(lp->top[t].token), &ok);
            set(tj, "logprob", json_real(lp->top[t].logprob), &ok);
            if (!tj || json_array_append_new(top, tj))
              ok = false;
          }
          set(lj, "top", top, &ok);
        }
        if (!lj || json_array_append_new(lps, lj))
          ok = false;
      }
      set(cj, "logprobs", lps, &ok);
    }
    if (json_array_append_new(choices, cj))
      ok = false;
  }
  set(o, "choices", choices, &ok);
  json_t *usage = json_object();
  set(usage, "prompt_tokens", json_integer((json_int_t)r->prompt_tokens), &ok);
  set(usage, "completion_tokens",
      json_integer((json_int_t)r->completion_tokens), &ok);
  set(o, "usage", usage, &ok);
  if (r->model)
    set(o, "model", json_string(r->model), &ok);
  if (r->request_id)
    set(o, "request_id", json_string(r->request_id), &ok);
  if (r->retry_after_ms >= 0)
    set(o, "retry_after_ms", json_integer(r->retry_after_ms), &ok);
  if (r->should_retry >= 0)
    set(o, "should_retry", json_boolean(r->should_retry), &ok);
  if (r->ratelimit_wait_ms >= 0)
    set(o, "ratelimit_wait_ms", json_integer(r->ratelimit_wait_ms), &ok);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static plan_status lp_from_json(const json_t *arr, plan_llm_choice *c,
                                plan_error *err) {
  size_t n = json_array_size(arr);
  if (!n)
    return PLAN_OK;
  c->logprobs = plan__calloc(n, sizeof *c->logprobs);
  if (!c->logprobs)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  c->n_logprobs = n;
  for (size_t i = 0; i < n; i++) {
    const json_t *lj = json_array_get(arr, i);
    const char *tok = plan__json_str(lj, "token");
    double lp = 0;
    if (!tok || !plan__json_num(lj, "logprob", &lp))
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "logprobs[%zu]: expected token and logprob", i);
    c->logprobs[i].token = plan__strdup(tok);
    c->logprobs[i].logprob = lp;
    if (!c->logprobs[i].token)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    const json_t *top = json_object_get(lj, "top");
    size_t nt = json_array_size(top);
    if (nt) {
      c->logprobs[i].top = plan__calloc(nt, sizeof *c->logprobs[i].top);
      if (!c->logprobs[i].top)
        return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      c->logprobs[i].n_top = nt;
      for (size_t t = 0; t < nt; t++) {
        const json_t *tj = json_array_get(top, t);
        const char *tt = plan__json_str(tj, "token");
        double tl = 0;
        if (!tt || !plan__json_num(tj, "logprob", &tl))
          return plan__error_set(err, PLAN_EPARSE, 0, 0,
                                 "logprobs[%zu].top[%zu]: expected token and "
                                 "logprob",
                                 i, t);
        c->logprobs[i].top[t].token = plan__strdup(tt);
        c->logprobs[i].top[t].logprob = tl;
        if (!c->logprobs[i].top[t].token)
          return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      }
    }
  }
  return PLAN_OK;
}

plan_status plan__llm_response_from_json(const json_t *j, plan_llm_response *r,
                                         plan_error *err) {
  plan_llm_response_init(r);
  if (!json_is_object(j))
    return plan__error_set(err, PLAN_EPARSE, 0, 0, "response: not an object");
  const char *st = plan__json_str(j, "status");
  if (!st)
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "response.status: expected a string");
  r->status = plan__status_parse(st);
  int64_t iv = 0;
  if (plan__json_int(j, "http_status", &iv))
    r->http_status = (int)iv;
  const char *s = plan__json_str(j, "error");
  plan_status rc = PLAN_OK;
  if (s && !(r->error = plan__strdup(s)))
    goto nomem;
  if ((s = plan__json_str(j, "model")) && !(r->model = plan__strdup(s)))
    goto nomem;
  if ((s = plan__json_str(j, "request_id")) &&
      !(r->request_id = plan__strdup(s)))
    goto nomem;
  if (plan__json_int(j, "retry_after_ms", &iv))
    r->retry_after_ms = iv;
  if (plan__json_int(j, "ratelimit_wait_ms", &iv) && iv >= 0)
    r->ratelimit_wait_ms = iv;
  bool bv;
  if (plan__json_bool(j, "should_retry", &bv))
    r->should_retry = bv ? 1 : 0;
  const json_t *usage = json_object_get(j, "usage");
  if (plan__json_int(usage, "prompt_tokens", &iv) && iv >= 0)
    r->prompt_tokens = (uint64_t)iv;
  if (plan__json_int(usage, "completion_tokens", &iv) && iv >= 0)
    r->completion_tokens = (uint64_t)iv;
  const json_t *choices = json_object_get(j, "choices");
  if (choices && !json_is_array(choices)) {
    rc = plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "response.choices: expected an array");
    goto fail;
  }
  for (size_t i = 0; i < json_array_size(choices); i++) {
    const json_t *cj = json_array_get(choices, i);
    const json_t *tj = json_object_get(cj, "text");
    if (!json_is_string(tj)) {
      rc = plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "response.choices[%zu].text: expected a string", i);
      goto fail;
    }
    plan_finish f = plan__finish_parse(plan__json_str(cj, "finish"));
    if (plan_llm_response_add_choice(r, json_string_value(tj),
                                     json_string_length(tj), f))
      goto nomem;
    if (plan__json_bool(cj, "truncated", &bv))
      r->choices[i].truncated = bv;
    rc = lp_from_json(json_object_get(cj, "logprobs"), &r->choices[i], err);
    if (rc != PLAN_OK)
      goto fail;
  }
  return PLAN_OK;
nomem:
  rc = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
fail:
  plan_llm_response_clear(r);
  return rc;
}
