/* llm/http_openai.c: the backend for OpenAI's Chat Completions API and the
 * servers that copy it (vLLM, llama.cpp's llama-server, Ollama's /v1, LM
 * Studio). This file only knows the wire format: the headers, the request
 * body and the shape of a successful reply. Transfers, size caps and the
 * classification of failures live in llm/http.c, shared with
 * llm/http_anthropic.c, which has the same shape. docs/http.md lists what
 * each server honours.
 *
 * Choices made for compatibility:
 *  - temperature and top_p are always sent (Ollama forces 1.0 when they are
 *    missing; vLLM takes the model's generation_config instead);
 *  - the token cap goes out as max_tokens, not max_completion_tokens:
 *    OpenAI still accepts it for non-reasoning models, and it is the only
 *    one that vLLM, llama.cpp, Ollama and LM Studio all read;
 *  - n is sent only when above 1, and the reply's choices are counted, not
 *    trusted: Ollama ignores n and answers with one choice. */
#include <string.h>

#include "llm/http.h"

/* ======================================================================
 * Request
 * ====================================================================== */

static plan_status openai_headers(plan__http *h, const plan_llm_options *opts,
                                  plan_error *err) {
  (void)opts;
  const char *key = plan__http_api_key(h);
  if (key && plan__http_add_header(h, "Authorization: Bearer %s", key))
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  return PLAN_OK;
}

/* OpenAI allows [A-Za-z0-9_-], at most 64 characters. */
static bool schema_name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 64)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  }
  return true;
}

static plan_status openai_body(const plan_llm_request *req,
                               const char *default_model, plan__buf *body,
                               plan_error *err) {
  plan_status st = plan__http_check_request(req, err);
  if (st != PLAN_OK)
    return st;
  const char *name = req->json_schema_name ? req->json_schema_name : "response";
  if (req->json_schema && !schema_name_ok(name))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "json_schema_name must be 1-64 characters of "
                           "[A-Za-z0-9_-]");
  bool ok = true;
  json_t *o = json_object();
  if (!o)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  /* Without any model the field is left out: llama-server needs none, and
   * the others answer with a 400 that names the problem. */
  const char *model = req->model ? req->model : default_model;
  if (model)
    plan__http_json_set(o, "model", json_string(model), &ok);
  json_t *msgs = json_array();
  for (size_t i = 0; msgs && i < req->n_messages; i++) {
    const plan_message *m = &req->messages[i];
    json_t *mj = json_object();
    plan__http_json_set(mj, "role", json_string(m->role ? m->role : "user"),
                        &ok);
    plan__http_json_set(mj, "content",
                        json_string(m->content ? m->content : ""), &ok);
    if (!mj || json_array_append_new(msgs, mj) != 0)
      ok = false;
  }
  plan__http_json_set(o, "messages", msgs, &ok);
  plan__http_json_set(o, "temperature", json_real(req->temperature), &ok);
  plan__http_json_set(o, "top_p", json_real(req->top_p), &ok);
  if (req->n > 1)
    plan__http_json_set(o, "n", json_integer(req->n), &ok);
  if (req->max_tokens)
    plan__http_json_set(o, "max_tokens", json_integer(req->max_tokens), &ok);
  if (req->n_stop) {
    json_t *stop = json_array();
    for (size_t i = 0; stop && i < req->n_stop; i++)
      if (json_array_append_new(stop, json_string(req->stop[i])) != 0)
        ok = false;
    plan__http_json_set(o, "stop", stop, &ok);
  }
  if (req->has_seed)
    plan__http_json_set(o, "seed", json_integer(req->seed), &ok);
  if (req->logprobs) {
    plan__http_json_set(o, "logprobs", json_true(), &ok);
    if (req->top_logprobs)
      plan__http_json_set(o, "top_logprobs", json_integer(req->top_logprobs),
                          &ok);
  }
  if (req->json_schema) {
    json_t *schema = plan__http_schema(req, err);
    if (!schema) {
      json_decref(o);
      return PLAN_EINVAL;
    }
    json_t *js = json_object();
    plan__http_json_set(js, "name", json_string(name), &ok);
    plan__http_json_set(js, "schema", schema, &ok);
    plan__http_json_set(js, "strict", json_true(), &ok);
    json_t *rf = json_object();
    plan__http_json_set(rf, "type", json_string("json_schema"), &ok);
    plan__http_json_set(rf, "json_schema", js, &ok);
    plan__http_json_set(o, "response_format", rf, &ok);
  }
  st = ok ? plan__http_dump(o, body) : PLAN_ENOMEM;
  json_decref(o);
  if (st != PLAN_OK)
    return plan__error_set(err, st, 0, 0, "%s", plan_strerror(st));
  return PLAN_OK;
}

/* ======================================================================
 * Reply
 * ====================================================================== */

/* message.content is a string, null (tool calls, refusals: "") or, on a
 * few servers, an array of {"type":"text","text":...} parts. Appends the
 * text to b; false if the shape is none of these. */
static bool content_text(const json_t *content, plan__buf *b) {
  if (!content || json_is_null(content))
    return true;
  if (json_is_string(content)) {
    plan__buf_append(b, json_string_value(content),
                     json_string_length(content));
    return true;
  }
  if (!json_is_array(content))
    return false;
  size_t i;
  const json_t *part;
  json_array_foreach(content, i, part) {
    const json_t *t = json_object_get(part, "text");
    if (json_is_string(t))
      plan__buf_append(b, json_string_value(t), json_string_length(t));
  }
  return true;
}

/* Copies choice.logprobs.content[] ({token, logprob, top_logprobs[]})
 * into c. Absent or null logprobs leave c without any. */
static plan_status parse_logprobs(const plan__http *h, const json_t *choice,
                                  size_t ci, plan_llm_choice *c,
                                  plan_llm_response *r) {
  const json_t *items =
      json_object_get(json_object_get(choice, "logprobs"), "content");
  size_t n = json_array_size(items);
  if (!n)
    return PLAN_OK;
  c->logprobs = plan__calloc(n, sizeof *c->logprobs);
  if (!c->logprobs)
    goto nomem;
  c->n_logprobs = n;
  for (size_t k = 0; k < n; k++) {
    const json_t *it = json_array_get(items, k);
    plan_token_logprob *lp = &c->logprobs[k];
    const char *tok = plan__json_str(it, "token");
    if (!tok || !plan__json_num(it, "logprob", &lp->logprob)) {
      plan__http_fail(h, r, PLAN_EPARSE, r->http_status,
                      "choices[%zu].logprobs.content[%zu]: expected token "
                      "and logprob",
                      ci, k);
      return PLAN_EPARSE;
    }
    if (!(lp->token = plan__strdup(tok)))
      goto nomem;
    const json_t *top = json_object_get(it, "top_logprobs");
    size_t nt = json_array_size(top);
    if (!nt)
      continue;
    lp->top = plan__calloc(nt, sizeof *lp->top);
    if (!lp->top)
      goto nomem;
    lp->n_top = nt;
    for (size_t t = 0; t < nt; t++) {
      const json_t *tj = json_array_get(top, t);
      const char *tt = plan__json_str(tj, "token");
      if (!tt || !plan__json_num(tj, "logprob", &lp->top[t].logprob)) {
        plan__http_fail(h, r, PLAN_EPARSE, r->http_status,
                        "choices[%zu].logprobs.content[%zu].top_logprobs"
                        "[%zu]: expected token and logprob",
                        ci, k, t);
        return PLAN_EPARSE;
      }
      if (!(lp->top[t].token = plan__strdup(tt)))
        goto nomem;
    }
  }
  return PLAN_OK;
nomem:
  plan__http_fail(h, r, PLAN_ENOMEM, r->http_status, "out of memory");
  return PLAN_ENOMEM;
}

/* The sort key of a choice: its "index", or its position when it has none.
 * Servers return choices in index order in practice; nothing promises it. */
static int64_t choice_key(const json_t *choices, size_t pos) {
  int64_t idx;
  if (plan__json_int(json_array_get(choices, pos), "index", &idx) && idx >= 0)
    return idx;
  return (int64_t)pos;
}

/* Fills order[0..n) with the positions of choices sorted by key (stable,
 * insertion sort: n is at most a few hundred). */
static void choice_order(const json_t *choices, size_t *order, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t key = choice_key(choices, i);
    size_t j = i;
    while (j > 0 && choice_key(choices, order[j - 1]) > key) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
}

static void openai_parse(const plan__http *h, const json_t *root,
                         plan_llm_response *r) {
  const json_t *choices = json_object_get(root, "choices");
  if (!json_is_array(choices)) {
    plan__http_fail(h, r, PLAN_EPARSE, r->http_status,
                    "HTTP %d reply has no \"choices\" array", r->http_status);
    return;
  }
  size_t n = json_array_size(choices);
  if (!n) {
    plan__http_fail(h, r, PLAN_EBACKEND, r->http_status, "empty choices");
    return;
  }
  size_t *order = plan__calloc(n, sizeof *order);
  if (!order) {
    plan__http_fail(h, r, PLAN_ENOMEM, r->http_status, "out of memory");
    return;
  }
  choice_order(choices, order, n);
  plan__buf text;
  plan__buf_init(&text, 0);
  for (size_t k = 0; k < n; k++) {
    size_t pos = order[k];
    const json_t *c = json_array_get(choices, pos);
    if (!json_is_object(c)) {
      plan__http_fail(h, r, PLAN_EPARSE, r->http_status,
                      "choices[%zu]: expected an object", pos);
      goto out;
    }
    const json_t *msg = json_object_get(c, "message");
    plan__buf_reset(&text);
    bool shape_ok;
    if (json_is_object(msg))
      shape_ok = content_text(json_object_get(msg, "content"), &text);
    else /* legacy completions shape, still sent by some servers */
      shape_ok = json_is_string(json_object_get(c, "text")) &&
                 content_text(json_object_get(c, "text"), &text);
    if (!shape_ok) {
      plan__http_fail(h, r, PLAN_EPARSE, r->http_status,
                      "choices[%zu].message: expected an object with "
                      "string content",
                      pos);
      goto out;
    }
    plan_finish f = plan__finish_parse(plan__json_str(c, "finish_reason"));
    if (text.status != PLAN_OK ||
        plan_llm_response_add_choice(r, text.data ? text.data : "", text.len,
                                     f) != PLAN_OK) {
      plan__http_fail(h, r, PLAN_ENOMEM, r->http_status, "out of memory");
      goto out;
    }
    if (parse_logprobs(h, c, pos, &r->choices[r->n_choices - 1], r))
      goto out;
  }
  const json_t *usage = json_object_get(root, "usage");
  int64_t v;
  if (plan__json_int(usage, "prompt_tokens", &v) && v >= 0)
    r->prompt_tokens = (uint64_t)v;
  if (plan__json_int(usage, "completion_tokens", &v) && v >= 0)
    r->completion_tokens = (uint64_t)v;
  const char *model = plan__json_str(root, "model");
  if (model && !(r->model = plan__strdup(model)))
    plan__http_fail(h, r, PLAN_ENOMEM, r->http_status, "out of memory");
out:
  plan__buf_free(&text);
  plan__free(order);
}

/* ======================================================================
 * The backend
 * ====================================================================== */

static const plan__http_provider openai_provider = {
    .name = "openai",
    .default_base_url = "https://api.openai.com/v1",
    .path = "/chat/completions",
    .add_headers = openai_headers,
    .build_body = openai_body,
    .parse_ok = openai_parse,
};

static const plan_llm_vtbl openai_vtbl = {
    .abi_version = PLAN_LLM_ABI_VERSION,
    .name = "openai",
    .caps = PLAN_LLM_CAP_N,
    .start = plan__http_start,
    .drive = plan__http_drive,
    .complete = NULL,
    .cancel_all = plan__http_cancel_all,
    .destroy = plan__http_destroy,
    .describe = plan__http_describe,
};

plan_status plan_llm_openai_create(const plan_llm_options *opts, plan_llm **out,
                                   plan_error *err) {
  return plan__http_backend_create(&openai_provider, &openai_vtbl, opts, out,
                                   err);
}
