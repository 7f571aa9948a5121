/* benchmarks/mockllm/api.c: the two wire formats of the mockllm test
 * double: OpenAI Chat Completions (POST /v1/chat/completions) and the
 * Anthropic Messages API (POST /v1/messages). It checks a request the way
 * the real services do (missing or out-of-range fields are a 400 in the
 * service's error shape) and builds the response bodies. Everything here
 * is deterministic: ids come from the caller, "created" is fixed and
 * log-probabilities are hashes of the token text. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "benchmarks/mockllm/mockllm.h"
#include "core/json.h"

/* ======================================================================
 * Errors
 * ====================================================================== */

void mockllm_error_set(mockllm_error *e, int status, const char *type,
                       const char *code, const char *param, const char *fmt,
                       ...) {
  e->status = status;
  e->type = type;
  e->code = code;
  e->param = param;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
}

static json_t *str_or_null(const char *s) {
  return s ? json_string(s) : json_null();
}

char *mockllm_error_body(mockllm_api api, const mockllm_error *e,
                         const char *request_id) {
  json_t *root = json_object();
  json_t *err = json_object();
  if (!root || !err) {
    json_decref(root);
    json_decref(err);
    return NULL;
  }
  if (api == MOCKLLM_API_ANTHROPIC) {
    json_object_set_new(root, "type", json_string("error"));
    json_object_set_new(err, "type", json_string(e->type));
    json_object_set_new(err, "message", json_string(e->message));
    json_object_set_new(root, "error", err);
    json_object_set_new(root, "request_id", str_or_null(request_id));
  } else {
    json_object_set_new(err, "message", json_string(e->message));
    json_object_set_new(err, "type", json_string(e->type));
    json_object_set_new(err, "param", str_or_null(e->param));
    json_object_set_new(err, "code", str_or_null(e->code));
    json_object_set_new(root, "error", err);
  }
  plan__buf b;
  plan__buf_init(&b, 0);
  bool ok = mockllm_json_append(root, JSON_COMPACT, &b);
  json_decref(root);
  if (!ok) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

/* ======================================================================
 * Request checks
 * ====================================================================== */

#define BAD(e, param, ...)                                                     \
  (mockllm_error_set((e), 400, "invalid_request_error", "invalid_value",       \
                     (param), __VA_ARGS__),                                    \
   false)
#define MISSING(e, param)                                                      \
  (mockllm_error_set((e), 400, "invalid_request_error",                        \
                     "missing_required_parameter", (param),                    \
                     "%s: field required", (param)),                           \
   false)

/* The member key of obj unless it is absent or null. */
static const json_t *opt(const json_t *obj, const char *key) {
  const json_t *v = json_object_get(obj, key);
  return json_is_null(v) ? NULL : v;
}

/* An optional number in [lo, hi]. */
static bool check_number(const json_t *body, const char *key, double lo,
                         double hi, mockllm_error *e) {
  const json_t *v = opt(body, key);
  if (!v)
    return true;
  if (!json_is_number(v))
    return BAD(e, key, "%s: expected a number", key);
  double x = json_number_value(v);
  if (!(x >= lo && x <= hi))
    return BAD(e, key, "%s: %g is out of range [%g, %g]", key, x, lo, hi);
  return true;
}

/* An optional integer in [lo, hi]; *out keeps its value when absent. */
static bool check_int(const json_t *body, const char *key, int64_t lo,
                      int64_t hi, int64_t *out, mockllm_error *e) {
  const json_t *v = opt(body, key);
  if (!v)
    return true;
  if (!json_is_integer(v))
    return BAD(e, key, "%s: expected an integer", key);
  int64_t x = (int64_t)json_integer_value(v);
  if (x < lo || x > hi)
    return BAD(e, key, "%s: %lld is out of range [%lld, %lld]", key,
               (long long)x, (long long)lo, (long long)hi);
  *out = x;
  return true;
}

/* stop (OpenAI: a string or 1..4 strings) / stop_sequences (Anthropic: an
 * array of strings). Empty strings are ignored. */
static bool check_stops(const json_t *body, const char *key, bool allow_str,
                        size_t max, mockllm_query *q, mockllm_error *e) {
  const json_t *v = opt(body, key);
  if (!v)
    return true;
  if (allow_str && json_is_string(v)) {
    if (json_string_length(v) > 0)
      q->stops[q->n_stops++] = json_string_value(v);
    return true;
  }
  if (!json_is_array(v))
    return BAD(e, key, "%s: expected %s", key,
               allow_str ? "a string or an array of strings"
                         : "an array of strings");
  if (json_array_size(v) > max)
    return BAD(e, key, "%s: at most %zu sequences", key, max);
  size_t i;
  const json_t *s;
  json_array_foreach(v, i, s) {
    if (!json_is_string(s))
      return BAD(e, key, "%s[%zu]: expected a string", key, i);
    if (json_string_length(s) > 0)
      q->stops[q->n_stops++] = json_string_value(s);
  }
  return true;
}

static bool check_response_format(const json_t *body, mockllm_query *q,
                                  mockllm_error *e) {
  const json_t *rf = opt(body, "response_format");
  if (!rf)
    return true;
  const char *type = plan__json_str(rf, "type");
  if (!type)
    return BAD(e, "response_format", "response_format.type: field required");
  if (strcmp(type, "text") == 0) {
    q->format = MOCKLLM_FORMAT_TEXT;
  } else if (strcmp(type, "json_object") == 0) {
    q->format = MOCKLLM_FORMAT_JSON_OBJECT;
  } else if (strcmp(type, "json_schema") == 0) {
    const json_t *js = json_object_get(rf, "json_schema");
    if (!json_is_object(js) || !plan__json_str(js, "name"))
      return BAD(e, "response_format",
                 "response_format.json_schema.name: field required");
    q->format = MOCKLLM_FORMAT_JSON_SCHEMA;
  } else {
    return BAD(e, "response_format",
               "response_format.type: '%s' is not one of text, json_object, "
               "json_schema",
               type);
  }
  return true;
}

/* Walks messages: checks each, sums the words of every content into
 * q->prompt_tokens and copies the last user message's text into last. */
static bool check_messages(const json_t *msgs, mockllm_api api,
                           mockllm_query *q, plan__buf *last,
                           mockllm_error *e) {
  if (!json_is_array(msgs))
    return msgs ? BAD(e, "messages", "messages: expected an array")
                : MISSING(e, "messages");
  if (json_array_size(msgs) == 0)
    return BAD(e, "messages", "messages: at least one message is required");
  plan__buf text;
  plan__buf_init(&text, 0);
  size_t i;
  const json_t *m;
  bool ok = true;
  json_array_foreach(msgs, i, m) {
    const char *role = plan__json_str(m, "role");
    const json_t *content = json_object_get(m, "content");
    if (!role) {
      ok = BAD(e, "messages", "messages[%zu].role: field required", i);
      break;
    }
    if (api == MOCKLLM_API_ANTHROPIC && strcmp(role, "user") != 0 &&
        strcmp(role, "assistant") != 0) {
      ok = BAD(e, "messages",
               "messages[%zu].role: '%s' is not one of user, assistant "
               "(system is a top-level field)",
               i, role);
      break;
    }
    if (!json_is_string(content) && !json_is_array(content) &&
        !(api == MOCKLLM_API_OPENAI && json_is_null(content))) {
      ok = BAD(e, "messages",
               "messages[%zu].content: expected a string or an array of "
               "content parts",
               i);
      break;
    }
    plan__buf_reset(&text);
    mockllm_content_text(content, &text);
    if (text.status != PLAN_OK) {
      mockllm_error_set(e, 500, "api_error", NULL, NULL, "out of memory");
      ok = false;
      break;
    }
    q->prompt_tokens +=
        mockllm_count_words(text.data ? text.data : "", text.len);
    if (strcmp(role, "user") == 0) {
      plan__buf_reset(last);
      plan__buf_append(last, text.data ? text.data : "", text.len);
    }
  }
  plan__buf_free(&text);
  return ok;
}

static bool parse_openai(const json_t *body, mockllm_query *q, plan__buf *last,
                         mockllm_error *e) {
  bool stream = false;
  if (plan__json_bool(body, "stream", &stream) && stream) {
    mockllm_error_set(e, 400, "invalid_request_error", "unsupported_parameter",
                      "stream",
                      "stream: mockllm (a test double) does not stream");
    return false;
  }
  if (!check_messages(json_object_get(body, "messages"), MOCKLLM_API_OPENAI, q,
                      last, e))
    return false;
  if (!check_number(body, "temperature", 0, 2, e) ||
      !check_number(body, "top_p", 0, 1, e) ||
      !check_number(body, "presence_penalty", -2, 2, e) ||
      !check_number(body, "frequency_penalty", -2, 2, e))
    return false;
  int64_t n = 1;
  if (!check_int(body, "n", 1, MOCKLLM_MAX_N, &n, e))
    return false;
  q->n = (int)n;
  int64_t max_tokens = -1;
  if (!check_int(body, "max_tokens", 1, INT32_MAX, &max_tokens, e) ||
      !check_int(body, "max_completion_tokens", 1, INT32_MAX, &max_tokens, e))
    return false;
  q->max_tokens = (long)max_tokens;
  if (!check_stops(body, "stop", true, 4, q, e))
    return false;
  const json_t *seed = opt(body, "seed");
  if (seed) {
    if (!json_is_integer(seed))
      return BAD(e, "seed", "seed: expected an integer");
    q->has_seed = true;
    q->seed = (int64_t)json_integer_value(seed);
  }
  const json_t *lp = opt(body, "logprobs");
  if (lp && !json_is_boolean(lp))
    return BAD(e, "logprobs", "logprobs: expected a boolean");
  q->logprobs = lp && json_is_true(lp);
  int64_t top = 0;
  if (!check_int(body, "top_logprobs", 0, 20, &top, e))
    return false;
  if (opt(body, "top_logprobs") && !q->logprobs)
    return BAD(e, "top_logprobs",
               "top_logprobs: logprobs must be true when top_logprobs is set");
  q->top_logprobs = (int)top;
  return check_response_format(body, q, e);
}

static bool parse_anthropic(const json_t *body, const char *version,
                            mockllm_query *q, plan__buf *last,
                            mockllm_error *e) {
  (void)version; /* checked first, in mockllm_query_parse */
  bool stream = false;
  if (plan__json_bool(body, "stream", &stream) && stream) {
    mockllm_error_set(e, 400, "invalid_request_error", NULL, NULL,
                      "stream: mockllm (a test double) does not stream");
    return false;
  }
  const json_t *mt = opt(body, "max_tokens");
  if (!mt)
    return MISSING(e, "max_tokens");
  int64_t max_tokens = -1;
  if (!check_int(body, "max_tokens", 1, INT32_MAX, &max_tokens, e))
    return false;
  q->max_tokens = (long)max_tokens;
  const json_t *sys = opt(body, "system");
  if (sys) {
    if (!json_is_string(sys) && !json_is_array(sys))
      return BAD(e, "system", "system: expected a string or text blocks");
    plan__buf t;
    plan__buf_init(&t, 0);
    mockllm_content_text(sys, &t);
    q->prompt_tokens += mockllm_count_words(t.data ? t.data : "", t.len);
    plan__buf_free(&t);
  }
  if (!check_messages(json_object_get(body, "messages"), MOCKLLM_API_ANTHROPIC,
                      q, last, e))
    return false;
  if (!check_number(body, "temperature", 0, 1, e) ||
      !check_number(body, "top_p", 0, 1, e))
    return false;
  int64_t top_k = 0;
  if (!check_int(body, "top_k", 0, INT32_MAX, &top_k, e))
    return false;
  return check_stops(body, "stop_sequences", false, MOCKLLM_MAX_STOPS, q, e);
}

bool mockllm_query_parse(mockllm_api api, const json_t *body,
                         const char *anthropic_version, mockllm_query *q,
                         plan__buf *last_user_raw, mockllm_error *e) {
  memset(q, 0, sizeof *q);
  q->api = api;
  q->body = body;
  q->n = 1;
  q->max_tokens = -1;
  plan__buf_reset(last_user_raw);
  if (api == MOCKLLM_API_ANTHROPIC &&
      (!anthropic_version || !*anthropic_version)) {
    mockllm_error_set(e, 400, "invalid_request_error", NULL, NULL,
                      "anthropic-version: header is required");
    return false;
  }
  if (!json_is_object(body))
    return BAD(e, NULL, "the request body must be a JSON object");
  const json_t *model = opt(body, "model");
  if (!model)
    return MISSING(e, "model");
  if (!json_is_string(model))
    return BAD(e, "model", "model: expected a string");
  q->model = json_string_value(model);
  bool ok = api == MOCKLLM_API_ANTHROPIC
                ? parse_anthropic(body, anthropic_version, q, last_user_raw, e)
                : parse_openai(body, q, last_user_raw, e);
  if (ok && last_user_raw->status != PLAN_OK) {
    mockllm_error_set(e, 500, "api_error", NULL, NULL, "out of memory");
    ok = false;
  }
  return ok;
}

/* ======================================================================
 * Response bodies
 * ====================================================================== */

double mockllm_token_logprob(const char *tok, size_t len, size_t pos,
                             int index) {
  uint64_t seed = plan__hash_mix((uint64_t)pos * 0x9e3779b97f4a7c15ULL +
                                 (uint64_t)index + 1);
  uint64_t h = plan__hash64(tok, len, seed);
  /* In [-1.0, -0.001]: the chosen token keeps p > 1/3, so the alternatives
   * below (which share the rest of the mass) always rank under it. */
  return -(double)(1 + h % 1000) / 1000.0;
}

/* The logprobs object of one choice: the text is split into tokens, each a
 * run of whitespace followed by a word, so the tokens concatenate back to
 * the text exactly. top_logprobs lists the chosen token first, then
 * top-1 alternatives " <alt-j>" with logprob log((1 - p) / 2^j). */
static json_t *logprobs_json(const char *text, int top, int index) {
  json_t *lp = json_object();
  json_t *content = json_array();
  if (!lp || !content)
    goto fail;
  size_t len = strlen(text);
  size_t i = 0;
  size_t pos = 0;
  while (i < len) {
    size_t start = i;
    i += mockllm_trim_start(text + i, len - i);
    if (i == len)
      break; /* only whitespace left (or none): no more words */
    i += mockllm_word_len(text + i, len - i);
    /* Whitespace that ends the text stays in the last token. */
    if (mockllm_trim_start(text + i, len - i) == len - i)
      i = len;
    double l = mockllm_token_logprob(text + start, i - start, pos, index);
    json_t *tok = json_object();
    json_t *tops = json_array();
    if (!tok || !tops) {
      json_decref(tok);
      json_decref(tops);
      goto fail;
    }
    json_object_set_new(tok, "token", json_stringn(text + start, i - start));
    json_object_set_new(tok, "logprob", json_real(l));
    json_object_set_new(tok, "bytes", json_null());
    double p = exp(l);
    for (int j = 0; j < top; j++) {
      json_t *alt = json_object();
      if (!alt)
        break;
      if (j == 0) {
        json_object_set_new(alt, "token",
                            json_stringn(text + start, i - start));
        json_object_set_new(alt, "logprob", json_real(l));
      } else {
        char name[32];
        plan__fmt(name, sizeof name, " <alt-%d>", j);
        json_object_set_new(alt, "token", json_string(name));
        json_object_set_new(alt, "logprob",
                            json_real(log((1 - p) / ldexp(1.0, j))));
      }
      json_object_set_new(alt, "bytes", json_null());
      json_array_append_new(tops, alt);
    }
    json_object_set_new(tok, "top_logprobs", tops);
    json_array_append_new(content, tok);
    pos++;
  }
  json_object_set_new(lp, "content", content);
  json_object_set_new(lp, "refusal", json_null());
  return lp;
fail:
  json_decref(lp);
  json_decref(content);
  return NULL;
}

static const char *anthropic_stop_reason(const mockllm_choice *c) {
  if (strcmp(c->finish, "length") == 0)
    return "max_tokens";
  if (c->stop_seq)
    return "stop_sequence";
  return "end_turn";
}

/* The response object; text0 replaces the first choice's text when not
 * NULL (the oversized padding). */
static json_t *success_json(const mockllm_query *q, const mockllm_choice *c,
                            size_t n_choices, const char *id,
                            const char *text0) {
  json_t *root = json_object();
  if (!root)
    return NULL;
  size_t completion = 0;
  for (size_t i = 0; i < n_choices; i++) {
    const char *t = i == 0 && text0 ? text0 : c[i].text;
    completion += mockllm_count_words(t, strlen(t));
  }
  if (q->api == MOCKLLM_API_ANTHROPIC) {
    json_t *content = json_array();
    json_object_set_new(root, "id", json_string(id));
    json_object_set_new(root, "type", json_string("message"));
    json_object_set_new(root, "role", json_string("assistant"));
    if (n_choices > 0) {
      json_t *block = json_object();
      json_object_set_new(block, "type", json_string("text"));
      json_object_set_new(block, "text",
                          json_string(text0 ? text0 : c[0].text));
      json_array_append_new(content, block);
    }
    json_object_set_new(root, "content", content);
    json_object_set_new(root, "model", json_string(q->model));
    json_object_set_new(
        root, "stop_reason",
        json_string(n_choices > 0 ? anthropic_stop_reason(&c[0]) : "end_turn"));
    json_object_set_new(root, "stop_sequence",
                        str_or_null(n_choices > 0 ? c[0].stop_seq : NULL));
    json_t *usage = json_object();
    json_object_set_new(usage, "input_tokens",
                        json_integer((json_int_t)q->prompt_tokens));
    json_object_set_new(usage, "output_tokens",
                        json_integer((json_int_t)completion));
    json_object_set_new(root, "usage", usage);
    return root;
  }
  json_object_set_new(root, "id", json_string(id));
  json_object_set_new(root, "object", json_string("chat.completion"));
  json_object_set_new(root, "created", json_integer(MOCKLLM_CREATED));
  json_object_set_new(root, "model", json_string(q->model));
  json_object_set_new(root, "system_fingerprint", json_string("fp_mockllm"));
  json_t *choices = json_array();
  for (size_t i = 0; i < n_choices; i++) {
    const char *t = i == 0 && text0 ? text0 : c[i].text;
    json_t *ch = json_object();
    json_t *msg = json_object();
    json_object_set_new(ch, "index", json_integer((json_int_t)i));
    json_object_set_new(msg, "role", json_string("assistant"));
    json_object_set_new(msg, "content", json_string(t));
    json_object_set_new(msg, "refusal", json_null());
    json_object_set_new(ch, "message", msg);
    json_object_set_new(ch, "logprobs",
                        q->logprobs ? logprobs_json(t, q->top_logprobs, (int)i)
                                    : json_null());
    json_object_set_new(ch, "finish_reason", json_string(c[i].finish));
    json_array_append_new(choices, ch);
  }
  json_object_set_new(root, "choices", choices);
  json_t *usage = json_object();
  json_object_set_new(usage, "prompt_tokens",
                      json_integer((json_int_t)q->prompt_tokens));
  json_object_set_new(usage, "completion_tokens",
                      json_integer((json_int_t)completion));
  json_object_set_new(
      usage, "total_tokens",
      json_integer((json_int_t)(q->prompt_tokens + completion)));
  json_object_set_new(root, "usage", usage);
  return root;
}

/* Serialises v (new reference, consumed) into a new string. */
static char *dump_owned(json_t *v) {
  if (!v)
    return NULL;
  plan__buf b;
  plan__buf_init(&b, 0);
  bool ok = mockllm_json_append(v, JSON_COMPACT | JSON_REAL_PRECISION(6), &b);
  json_decref(v);
  if (!ok) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

char *mockllm_success_body(const mockllm_query *q, const mockllm_choice *c,
                           size_t n_choices, const char *id, size_t pad_to) {
  char *body = dump_owned(success_json(q, c, n_choices, id, NULL));
  if (!body || pad_to == 0 || n_choices == 0)
    return body;
  size_t len = strlen(body);
  if (len >= pad_to)
    return body;
  plan__free(body);
  /* The padding is plain 'x' bytes added to the first choice's text; they
   * need no escaping, so the body grows by exactly their number. With
   * logprobs the padded token appears twice and the body is larger. */
  size_t t0 = strlen(c[0].text);
  size_t extra = pad_to - len;
  char *text0 = plan__malloc(t0 + extra + 1);
  if (!text0)
    return NULL;
  memcpy(text0, c[0].text, t0);
  memset(text0 + t0, 'x', extra);
  text0[t0 + extra] = '\0';
  body = dump_owned(success_json(q, c, n_choices, id, text0));
  plan__free(text0);
  return body;
}

char *mockllm_models_body(const char *model_name) {
  json_t *root = json_object();
  json_t *data = json_array();
  json_t *m = json_object();
  if (!root || !data || !m) {
    json_decref(root);
    json_decref(data);
    json_decref(m);
    return NULL;
  }
  json_object_set_new(m, "id", json_string(model_name));
  json_object_set_new(m, "object", json_string("model"));
  json_object_set_new(m, "created", json_integer(MOCKLLM_CREATED));
  json_object_set_new(m, "owned_by", json_string("mockllm-test-double"));
  json_array_append_new(data, m);
  json_object_set_new(root, "object", json_string("list"));
  json_object_set_new(root, "data", data);
  return dump_owned(root);
}
