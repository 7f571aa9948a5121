/* llm/http_anthropic.c: the backend for Anthropic's Messages API
 * (POST {base}/messages). Same shape as llm/http_openai.c: this file only
 * knows the headers, the request body and the shape of a successful reply;
 * llm/http.c runs the transfers and classifies failures (429 and 529 are
 * rate limits there).
 *
 * Differences from the OpenAI wire format, and what we do about them:
 *  - no n: the vtable leaves out PLAN_LLM_CAP_N, so the scheduler sends k
 *    requests of n = 1; a request with n > 1 gets one choice here;
 *  - no seed, no logprobs: never sent;
 *  - system messages go to the top-level "system" field, joined by a blank
 *    line, in the order they appear;
 *  - max_tokens is required: 1024 when the request leaves it 0;
 *  - temperature is limited to [0, 1] and clamped into it; top_p is sent
 *    only when below 1, because recent models reject a request carrying
 *    both temperature and top_p, and top_p = 1 changes nothing;
 *  - structured output is output_config.format = {type: "json_schema",
 *    schema};
 *  - the reply is the concatenation of the "text" content blocks; thinking
 *    and tool blocks are skipped; a reply without any content block is
 *    PLAN_EBACKEND "empty choices". */
#include <string.h>

#include "llm/http.h"

#define DEFAULT_MAX_TOKENS 1024
#define DEFAULT_VERSION "2023-06-01"

/* ======================================================================
 * Request
 * ====================================================================== */

static plan_status anthropic_headers(plan__http *h,
                                     const plan_llm_options *opts,
                                     plan_error *err) {
  const char *version = opts->anthropic_version && *opts->anthropic_version
                            ? opts->anthropic_version
                            : DEFAULT_VERSION;
  if (strpbrk(version, "\r\n"))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "anthropic: anthropic_version contains a line "
                           "break");
  const char *key = plan__http_api_key(h);
  if ((key && plan__http_add_header(h, "x-api-key: %s", key)) ||
      plan__http_add_header(h, "anthropic-version: %s", version))
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  return PLAN_OK;
}

static bool is_system(const char *role) {
  return role && (!strcmp(role, "system") || !strcmp(role, "developer"));
}

static plan_status anthropic_body(const plan_llm_request *req,
                                  const char *default_model, plan__buf *body,
                                  plan_error *err) {
  plan_status st = plan__http_check_request(req, err);
  if (st != PLAN_OK)
    return st;
  const char *model = req->model ? req->model : default_model;
  if (!model || !*model)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "no model: set options.model or request.model");
  bool ok = true;
  json_t *o = json_object();
  if (!o)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan__http_json_set(o, "model", json_string(model), &ok);
  plan__http_json_set(
      o, "max_tokens",
      json_integer(req->max_tokens ? req->max_tokens : DEFAULT_MAX_TOKENS),
      &ok);

  plan__buf sys;
  plan__buf_init(&sys, 0);
  json_t *msgs = json_array();
  for (size_t i = 0; msgs && i < req->n_messages; i++) {
    const plan_message *m = &req->messages[i];
    const char *content = m->content ? m->content : "";
    if (is_system(m->role)) {
      if (sys.len)
        plan__buf_puts(&sys, "\n\n");
      plan__buf_puts(&sys, content);
      continue;
    }
    /* Anthropic knows only user and assistant turns. */
    const char *role =
        m->role && !strcmp(m->role, "assistant") ? "assistant" : "user";
    json_t *mj = json_object();
    plan__http_json_set(mj, "role", json_string(role), &ok);
    plan__http_json_set(mj, "content", json_string(content), &ok);
    if (!mj || json_array_append_new(msgs, mj) != 0)
      ok = false;
  }
  if (sys.status != PLAN_OK)
    ok = false;
  if (ok && msgs && json_array_size(msgs) == 0) {
    plan__buf_free(&sys);
    json_decref(msgs);
    json_decref(o);
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "the request has no user or assistant message");
  }
  if (sys.len)
    plan__http_json_set(o, "system", json_stringn(sys.data, sys.len), &ok);
  plan__buf_free(&sys);
  plan__http_json_set(o, "messages", msgs, &ok);

  double temp = req->temperature < 0   ? 0
                : req->temperature > 1 ? 1
                                       : req->temperature;
  plan__http_json_set(o, "temperature", json_real(temp), &ok);
  if (req->top_p < 1.0)
    plan__http_json_set(o, "top_p", json_real(req->top_p), &ok);
  if (req->n_stop) {
    json_t *stop = json_array();
    for (size_t i = 0; stop && i < req->n_stop; i++)
      if (json_array_append_new(stop, json_string(req->stop[i])) != 0)
        ok = false;
    plan__http_json_set(o, "stop_sequences", stop, &ok);
  }
  if (req->json_schema) {
    json_t *schema = plan__http_schema(req, err);
    if (!schema) {
      json_decref(o);
      return PLAN_EINVAL;
    }
    json_t *fmt = json_object();
    plan__http_json_set(fmt, "type", json_string("json_schema"), &ok);
    plan__http_json_set(fmt, "schema", schema, &ok);
    json_t *oc = json_object();
    plan__http_json_set(oc, "format", fmt, &ok);
    plan__http_json_set(o, "output_config", oc, &ok);
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

static uint64_t usage_field(const json_t *usage, const char *key) {
  int64_t v;
  return plan__json_int(usage, key, &v) && v > 0 ? (uint64_t)v : 0;
}

static void anthropic_parse(const plan__http *h, const json_t *root,
                            plan_llm_response *r) {
  const json_t *content = json_object_get(root, "content");
  /* No content at all is the Anthropic form of OpenAI's empty choices
   * (it happens, and a second attempt usually answers). Content with only
   * thinking blocks is a reply with empty text: its stop_reason says why. */
  if (!json_is_array(content) || json_array_size(content) == 0) {
    plan__http_fail(h, r, PLAN_EBACKEND, r->http_status,
                    "empty choices: HTTP %d reply has no content blocks",
                    r->http_status);
    return;
  }
  plan__buf text;
  plan__buf_init(&text, 0);
  size_t i;
  const json_t *block;
  json_array_foreach(content, i, block) {
    const char *type = plan__json_str(block, "type");
    const json_t *t = json_object_get(block, "text");
    if (type && !strcmp(type, "text") && json_is_string(t))
      plan__buf_append(&text, json_string_value(t), json_string_length(t));
  }
  plan_finish f = plan__finish_parse(plan__json_str(root, "stop_reason"));
  if (text.status != PLAN_OK ||
      plan_llm_response_add_choice(r, text.data ? text.data : "", text.len,
                                   f) != PLAN_OK) {
    plan__buf_free(&text);
    plan__http_fail(h, r, PLAN_ENOMEM, r->http_status, "out of memory");
    return;
  }
  plan__buf_free(&text);
  const json_t *usage = json_object_get(root, "usage");
  r->prompt_tokens = usage_field(usage, "input_tokens") +
                     usage_field(usage, "cache_creation_input_tokens") +
                     usage_field(usage, "cache_read_input_tokens");
  r->completion_tokens = usage_field(usage, "output_tokens");
  const char *model = plan__json_str(root, "model");
  if (model && !(r->model = plan__strdup(model)))
    plan__http_fail(h, r, PLAN_ENOMEM, r->http_status, "out of memory");
}

/* ======================================================================
 * The backend
 * ====================================================================== */

static const plan__http_provider anthropic_provider = {
    .name = "anthropic",
    .default_base_url = "https://api.anthropic.com/v1",
    .path = "/messages",
    .add_headers = anthropic_headers,
    .build_body = anthropic_body,
    .parse_ok = anthropic_parse,
};

static const plan_llm_vtbl anthropic_vtbl = {
    .abi_version = PLAN_LLM_ABI_VERSION,
    .name = "anthropic",
    .caps = 0,
    .start = plan__http_start,
    .drive = plan__http_drive,
    .complete = NULL,
    .cancel_all = plan__http_cancel_all,
    .destroy = plan__http_destroy,
    .describe = plan__http_describe,
};

plan_status plan_llm_anthropic_create(const plan_llm_options *opts,
                                      plan_llm **out, plan_error *err) {
  return plan__http_backend_create(&anthropic_provider, &anthropic_vtbl, opts,
                                   out, err);
}
