/* tests/integration/test_mockllm.c: the mockllm test double over real
 * loopback sockets, driven with libcurl: every endpoint and its checks, n,
 * max_tokens, stop sequences, logprobs, the two brains, each fault kind by
 * flag and by directive (first=K included), /stats, overlapping latency
 * and a clean shutdown. The server binary comes from PLAN_MOCKLLM. */
#include <curl/curl.h>
#include <strings.h>
#include <time.h>

#include "core/core.h"
#include "test.h"
#include "tests/integration/mockllm_proc.h"

/* ======================================================================
 * HTTP helpers
 * ====================================================================== */

struct resp {
  CURLcode rc;
  long status;
  plan__buf body;
  plan__buf headers;
  json_t *json; /* the parsed body, or NULL */
  long elapsed_ms;
};

static size_t on_data(char *d, size_t size, size_t n, void *ud) {
  return plan__buf_append(ud, d, size * n) == PLAN_OK ? size * n : 0;
}

static void resp_free(struct resp *r) {
  plan__buf_free(&r->body);
  plan__buf_free(&r->headers);
  json_decref(r->json);
  memset(r, 0, sizeof *r);
}

/* A new easy handle for one request; r receives the results. hdrs is
 * returned through *out_hdrs and must be freed after the transfer. */
static CURL *easy_new(const char *method, const char *url, const char *body,
                      const char *extra_header, long timeout_ms, struct resp *r,
                      struct curl_slist **out_hdrs) {
  memset(r, 0, sizeof *r);
  plan__buf_init(&r->body, 0);
  plan__buf_init(&r->headers, 0);
  CURL *h = curl_easy_init();
  ASSERT(h != NULL);
  struct curl_slist *hdrs = NULL;
  hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
  hdrs = curl_slist_append(hdrs, "Authorization: Bearer test-not-a-key");
  if (extra_header)
    hdrs = curl_slist_append(hdrs, extra_header);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  if (body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r->headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, test_timeout_ms(timeout_ms));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  *out_hdrs = hdrs;
  return h;
}

/* Fills the parts of r that come after the transfer. */
static void easy_done(CURL *h, CURLcode rc, struct resp *r) {
  r->rc = rc;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
  if (r->body.data)
    r->json = json_loadb(r->body.data, r->body.len, 0, NULL);
}

static void http(const char *method, const char *url, const char *body,
                 const char *extra_header, long timeout_ms, struct resp *r) {
  struct curl_slist *hdrs;
  CURL *h = easy_new(method, url, body, extra_header, timeout_ms, r, &hdrs);
  long t0 = mockllm__now_ms();
  CURLcode rc = curl_easy_perform(h);
  r->elapsed_ms = mockllm__now_ms() - t0;
  easy_done(h, rc, r);
  curl_easy_cleanup(h);
  curl_slist_free_all(hdrs);
}

/* The value of response header name (case-insensitive) copied into out,
 * or NULL. */
static const char *header(const struct resp *r, const char *name, char *out,
                          size_t size) {
  const char *p = r->headers.data;
  size_t nlen = strlen(name);
  while (p && *p) {
    const char *eol = strstr(p, "\r\n");
    size_t llen = eol ? (size_t)(eol - p) : strlen(p);
    if (llen > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
      const char *v = p + nlen + 1;
      while (*v == ' ')
        v++;
      size_t vlen = (size_t)(p + llen - v);
      if (vlen >= size)
        vlen = size - 1;
      memcpy(out, v, vlen);
      out[vlen] = '\0';
      return out;
    }
    p = eol ? eol + 2 : NULL;
  }
  return NULL;
}

/* A chat request body: one user message with content, plus the members
 * of extra (a JSON object text, or NULL). New string; free with free(). */
static char *chat_body(const char *content, const char *extra) {
  json_t *o = json_pack("{s:s, s:[{s:s, s:s}]}", "model", "test-model",
                        "messages", "role", "user", "content", content);
  ASSERT(o != NULL);
  if (extra) {
    json_t *x = json_loads(extra, 0, NULL);
    ASSERT(x != NULL);
    json_object_update(o, x);
    json_decref(x);
  }
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  ASSERT(s != NULL);
  return s;
}

/* An Anthropic body: max_tokens and one user message, plus extra. */
static char *msg_body(const char *content, const char *extra) {
  json_t *o = json_pack("{s:s, s:i, s:[{s:s, s:s}]}", "model", "claude-test",
                        "max_tokens", 256, "messages", "role", "user",
                        "content", content);
  ASSERT(o != NULL);
  if (extra) {
    json_t *x = json_loads(extra, 0, NULL);
    ASSERT(x != NULL);
    json_object_update(o, x);
    json_decref(x);
  }
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  ASSERT(s != NULL);
  return s;
}

static void chat(const mockllm_proc *m, const char *content, const char *extra,
                 struct resp *r) {
  char url[128];
  snprintf(url, sizeof url, "%s/chat/completions", m->base_url);
  char *body = chat_body(content, extra);
  http("POST", url, body, NULL, 10000, r);
  free(body);
}

static void messages(const mockllm_proc *m, const char *content,
                     const char *extra, struct resp *r) {
  char url[128];
  snprintf(url, sizeof url, "%s/messages", m->base_url);
  char *body = msg_body(content, extra);
  http("POST", url, body, "anthropic-version: 2023-06-01", 10000, r);
  free(body);
}

/* choices[i].message.content of an OpenAI response. */
static const char *choice_text(const struct resp *r, size_t i) {
  json_t *c = json_array_get(json_object_get(r->json, "choices"), i);
  return json_string_value(
      json_object_get(json_object_get(c, "message"), "content"));
}

static const char *choice_finish(const struct resp *r, size_t i) {
  json_t *c = json_array_get(json_object_get(r->json, "choices"), i);
  return json_string_value(json_object_get(c, "finish_reason"));
}

static long usage(const struct resp *r, const char *key) {
  return (long)json_integer_value(
      json_object_get(json_object_get(r->json, "usage"), key));
}

/* error.type / error.code of an OpenAI error body (code may be NULL). */
static const char *err_field(const struct resp *r, const char *key) {
  return json_string_value(
      json_object_get(json_object_get(r->json, "error"), key));
}

static long counter(const mockllm_proc *m, const char *field) {
  long v = -1;
  ASSERT_EQ(mockllm_stats(m, field, &v), 0);
  return v;
}

static void start(mockllm_proc *m, const char *const *args) {
  ASSERT_EQ(mockllm_start(m, args), 0);
  ASSERT(m->port > 0);
}

static void stop_clean(mockllm_proc *m) {
  mockllm_stop(m);
  ASSERT_EQ(m->exit_status, 0);
}

/* ======================================================================
 * Endpoints and request checks
 * ====================================================================== */

static void test_endpoints(void) {
  mockllm_proc m;
  start(&m, NULL);
  char url[128];
  char hv[128];
  struct resp r;

  snprintf(url, sizeof url, "%s/models", m.base_url);
  http("GET", url, NULL, NULL, 5000, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "object")), "list");
  json_t *m0 = json_array_get(json_object_get(r.json, "data"), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(m0, "id")), "mockllm");
  ASSERT_STR_EQ(json_string_value(json_object_get(m0, "object")), "model");
  resp_free(&r);

  chat(&m, "hello world", NULL, &r);
  ASSERT_EQ(r.rc, CURLE_OK);
  ASSERT_EQ(r.status, 200);
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "object")),
                "chat.completion");
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "model")),
                "test-model");
  ASSERT_EQ(json_integer_value(json_object_get(r.json, "created")), 1700000000);
  ASSERT(json_string_value(json_object_get(r.json, "id")) != NULL);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: hello world");
  ASSERT_STR_EQ(choice_finish(&r, 0), "stop");
  json_t *c0 = json_array_get(json_object_get(r.json, "choices"), 0);
  ASSERT(json_is_null(json_object_get(c0, "logprobs")));
  ASSERT_STR_EQ(json_string_value(
                    json_object_get(json_object_get(c0, "message"), "role")),
                "assistant");
  ASSERT_EQ(usage(&r, "prompt_tokens"), 2);
  ASSERT_EQ(usage(&r, "completion_tokens"), 3);
  ASSERT_EQ(usage(&r, "total_tokens"), 5);
  ASSERT(header(&r, "x-request-id", hv, sizeof hv) != NULL);
  ASSERT(header(&r, "content-type", hv, sizeof hv) != NULL);
  ASSERT_STR_EQ(hv, "application/json");
  resp_free(&r);

  /* Prompt tokens count every message; the brain sees the last user one;
   * content may be an array of text parts. */
  snprintf(url, sizeof url, "%s/chat/completions", m.base_url);
  http("POST", url,
       "{\"model\":\"x\",\"messages\":[{\"role\":\"system\",\"content\":"
       "\"be brief\"},{\"role\":\"user\",\"content\":\"first one\"},"
       "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\","
       "\"content\":[{\"type\":\"text\",\"text\":\"second\"}]}]}",
       NULL, 5000, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: second");
  ASSERT_EQ(usage(&r, "prompt_tokens"), 6);
  resp_free(&r);

  /* Anthropic Messages. */
  snprintf(url, sizeof url, "%s/messages", m.base_url);
  http("POST", url,
       "{\"model\":\"claude-x\",\"max_tokens\":50,\"system\":\"sys words\","
       "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
       "\"text\":\"hi there\"}]}]}",
       "anthropic-version: 2023-06-01", 5000, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "type")), "message");
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "role")),
                "assistant");
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "model")),
                "claude-x");
  json_t *blk = json_array_get(json_object_get(r.json, "content"), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(blk, "type")), "text");
  ASSERT_STR_EQ(json_string_value(json_object_get(blk, "text")),
                "echo: hi there");
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "stop_reason")),
                "end_turn");
  ASSERT(json_is_null(json_object_get(r.json, "stop_sequence")));
  ASSERT_EQ(usage(&r, "input_tokens"), 4);
  ASSERT_EQ(usage(&r, "output_tokens"), 3);
  ASSERT(header(&r, "request-id", hv, sizeof hv) != NULL);
  resp_free(&r);

  /* Bad requests, in each API's error shape. */
  snprintf(url, sizeof url, "%s/chat/completions", m.base_url);
  http("POST", url, "{\"model\": \"x\", \"messages\": [", NULL, 5000, &r);
  ASSERT_EQ(r.status, 400);
  ASSERT_STR_EQ(err_field(&r, "type"), "invalid_request_error");
  ASSERT(err_field(&r, "message") != NULL);
  ASSERT(json_object_get(json_object_get(r.json, "error"), "param") != NULL);
  ASSERT(json_object_get(json_object_get(r.json, "error"), "code") != NULL);
  resp_free(&r);
  http("POST", url, "{\"model\": \"x\"}", NULL, 5000, &r);
  ASSERT_EQ(r.status, 400);
  ASSERT_STR_EQ(err_field(&r, "param"), "messages");
  resp_free(&r);
  http("POST", url, "[1, 2]", NULL, 5000, &r);
  ASSERT_EQ(r.status, 400);
  resp_free(&r);
  chat(&m, "x", "{\"n\": 0}", &r);
  ASSERT_EQ(r.status, 400);
  ASSERT_STR_EQ(err_field(&r, "param"), "n");
  resp_free(&r);
  chat(&m, "x", "{\"temperature\": 3}", &r);
  ASSERT_EQ(r.status, 400);
  resp_free(&r);
  chat(&m, "x", "{\"top_logprobs\": 2}", &r);
  ASSERT_EQ(r.status, 400); /* top_logprobs needs logprobs: true */
  resp_free(&r);
  chat(&m, "x", "{\"stream\": true}", &r);
  ASSERT_EQ(r.status, 400);
  ASSERT_STR_EQ(err_field(&r, "code"), "unsupported_parameter");
  resp_free(&r);

  snprintf(url, sizeof url, "%s/messages", m.base_url);
  char *mb = msg_body("x", NULL);
  http("POST", url, mb, NULL, 5000, &r); /* no anthropic-version */
  free(mb);
  ASSERT_EQ(r.status, 400);
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "type")), "error");
  ASSERT_STR_EQ(json_string_value(
                    json_object_get(json_object_get(r.json, "error"), "type")),
                "invalid_request_error");
  ASSERT_CONTAINS(json_string_value(json_object_get(
                      json_object_get(r.json, "error"), "message")),
                  "anthropic-version");
  resp_free(&r);
  http("POST", url,
       "{\"model\":\"c\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
       "anthropic-version: 2023-06-01", 5000, &r);
  ASSERT_EQ(r.status, 400);
  ASSERT_CONTAINS(json_string_value(json_object_get(
                      json_object_get(r.json, "error"), "message")),
                  "max_tokens");
  resp_free(&r);

  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/nothing", m.port);
  http("GET", url, NULL, NULL, 5000, &r);
  ASSERT_EQ(r.status, 404);
  ASSERT(err_field(&r, "message") != NULL);
  resp_free(&r);
  snprintf(url, sizeof url, "%s/chat/completions", m.base_url);
  http("GET", url, NULL, NULL, 5000, &r);
  ASSERT_EQ(r.status, 405);
  resp_free(&r);

  /* /stats saw all of it. */
  ASSERT_EQ(counter(&m, "requests"), 15);
  ASSERT_EQ(counter(&m, "chat"), 9);
  ASSERT_EQ(counter(&m, "messages"), 3);
  ASSERT_EQ(counter(&m, "models"), 1);
  ASSERT_EQ(counter(&m, "by_status.200"), 4);
  ASSERT_EQ(counter(&m, "by_status.400"), 9);
  ASSERT_EQ(counter(&m, "by_status.404"), 1);
  ASSERT_EQ(counter(&m, "by_status.405"), 1);
  ASSERT_EQ(counter(&m, "by_status.429"), 0);
  ASSERT_EQ(counter(&m, "faults_injected"), 0);
  ASSERT_EQ(counter(&m, "in_flight"), 0);
  ASSERT_EQ(counter(&m, "max_concurrent"), 1);
  long v;
  ASSERT_EQ(mockllm_stats(&m, "no_such_counter", &v), -1);
  ASSERT_EQ(mockllm_stats_reset(&m), 0);
  ASSERT_EQ(counter(&m, "requests"), 0);
  ASSERT_EQ(counter(&m, "by_status.200"), 0);
  stop_clean(&m);
}

/* ======================================================================
 * n, max_tokens, stop, logprobs, response_format
 * ====================================================================== */

static void test_sampling(void) {
  mockllm_proc m;
  start(&m, NULL);
  struct resp r;

  chat(&m, "pick one", "{\"n\": 3, \"temperature\": 0.7, \"seed\": 5}", &r);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(json_array_size(json_object_get(r.json, "choices")), 3);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: pick one #0");
  ASSERT_STR_EQ(choice_text(&r, 1), "echo: pick one #1");
  ASSERT_STR_EQ(choice_text(&r, 2), "echo: pick one #2");
  for (size_t i = 0; i < 3; i++) {
    json_t *c = json_array_get(json_object_get(r.json, "choices"), i);
    ASSERT_EQ(json_integer_value(json_object_get(c, "index")), (long)i);
  }
  ASSERT_EQ(usage(&r, "completion_tokens"), 12);
  resp_free(&r);

  chat(&m, "one two three four", "{\"max_tokens\": 3}", &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: one two");
  ASSERT_STR_EQ(choice_finish(&r, 0), "length");
  ASSERT_EQ(usage(&r, "completion_tokens"), 3);
  resp_free(&r);
  chat(&m, "one two three four",
       "{\"max_tokens\": 100, \"max_completion_tokens\": 2}", &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: one");
  ASSERT_STR_EQ(choice_finish(&r, 0), "length");
  resp_free(&r);
  chat(&m, "one two", "{\"max_tokens\": 3}", &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: one two");
  ASSERT_STR_EQ(choice_finish(&r, 0), "stop");
  resp_free(&r);
  messages(&m, "one two three", "{\"max_tokens\": 1}", &r);
  ASSERT_STR_EQ(
      json_string_value(json_object_get(
          json_array_get(json_object_get(r.json, "content"), 0), "text")),
      "echo:");
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "stop_reason")),
                "max_tokens");
  resp_free(&r);

  /* Stop sequences: the text ends before the earliest one. */
  chat(&m, "one two three", "{\"stop\": [\"three\", \"two\"]}", &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: one ");
  ASSERT_STR_EQ(choice_finish(&r, 0), "stop");
  resp_free(&r);
  messages(&m, "one two three", "{\"stop_sequences\": [\"two\"]}", &r);
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "stop_reason")),
                "stop_sequence");
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "stop_sequence")),
                "two");
  resp_free(&r);

  /* logprobs: one entry per word-token; the tokens rebuild the text; the
   * chosen token leads its top_logprobs; the same request gives the same
   * numbers. */
  const char *lp = "{\"logprobs\": true, \"top_logprobs\": 3, \"n\": 2}";
  chat(&m, "alpha beta gamma", lp, &r);
  ASSERT_EQ(r.status, 200);
  struct resp r2;
  chat(&m, "alpha beta gamma", lp, &r2);
  for (size_t i = 0; i < 2; i++) {
    json_t *c = json_array_get(json_object_get(r.json, "choices"), i);
    json_t *toks = json_object_get(json_object_get(c, "logprobs"), "content");
    ASSERT_EQ(json_array_size(toks), 5);
    plan__buf joined;
    plan__buf_init(&joined, 0);
    size_t k;
    json_t *t;
    json_array_foreach(toks, k, t) {
      const char *tok = json_string_value(json_object_get(t, "token"));
      double l = json_real_value(json_object_get(t, "logprob"));
      ASSERT(tok != NULL);
      ASSERT(l <= 0 && l >= -1.0);
      ASSERT(json_is_null(json_object_get(t, "bytes")));
      json_t *top = json_object_get(t, "top_logprobs");
      ASSERT_EQ(json_array_size(top), 3);
      ASSERT_STR_EQ(
          json_string_value(json_object_get(json_array_get(top, 0), "token")),
          tok);
      double prev = 1;
      for (size_t j = 0; j < 3; j++) {
        double lj =
            json_real_value(json_object_get(json_array_get(top, j), "logprob"));
        ASSERT(lj <= prev);
        prev = lj;
      }
      plan__buf_puts(&joined, tok);
    }
    ASSERT_STR_EQ(joined.data, choice_text(&r, i));
    plan__buf_free(&joined);
    char *a = json_dumps(json_object_get(c, "logprobs"), JSON_SORT_KEYS);
    char *b = json_dumps(
        json_object_get(json_array_get(json_object_get(r2.json, "choices"), i),
                        "logprobs"),
        JSON_SORT_KEYS);
    ASSERT_STR_EQ(a, b);
    free(a);
    free(b);
  }
  resp_free(&r);
  resp_free(&r2);

  /* JSON mode: the echo brain answers a JSON object. */
  chat(&m, "give json", "{\"response_format\": {\"type\": \"json_object\"}}",
       &r);
  json_t *j = json_loads(choice_text(&r, 0), 0, NULL);
  ASSERT(j != NULL);
  ASSERT_STR_EQ(json_string_value(json_object_get(j, "echo")), "give json");
  json_decref(j);
  resp_free(&r);
  chat(&m, "x", "{\"response_format\": {\"type\": \"yaml\"}}", &r);
  ASSERT_EQ(r.status, 400);
  resp_free(&r);
  stop_clean(&m);
}

/* ======================================================================
 * The script brain
 * ====================================================================== */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  ASSERT(fputs(text, f) >= 0);
  ASSERT_EQ(fclose(f), 0);
}

static void test_script_brain(void) {
  char path[256];
  snprintf(path, sizeof path, "%s/test_mockllm_script_%d.json", PLAN_BINARY_DIR,
           (int)getpid());
  write_file(path, "[{\"match\": \"^plan (\\\\w+)$\", \"reply\": \"step A\"},\n"
                   " {\"match\": \"vote\", \"reply\": [\"yes\", \"no\"]},\n"
                   " {\"match\": \"(?i)^HELLO\", \"reply\": \"hi\"}]\n");
  mockllm_proc m;
  const char *args[] = {"--script", path, NULL};
  start(&m, args);
  struct resp r;
  chat(&m, "plan trip", NULL, &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "step A");
  resp_free(&r);
  chat(&m, "hello there", NULL, &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "hi");
  resp_free(&r);
  chat(&m, "please vote", "{\"n\": 3}", &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "yes");
  ASSERT_STR_EQ(choice_text(&r, 1), "no");
  ASSERT_STR_EQ(choice_text(&r, 2), "yes");
  resp_free(&r);
  /* The directive is removed before matching. */
  chat(&m, "[[fault:429,first=1,id=script]] plan trip", NULL, &r);
  ASSERT_EQ(r.status, 429);
  resp_free(&r);
  chat(&m, "[[fault:429,first=1,id=script]] plan trip", NULL, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT_STR_EQ(choice_text(&r, 0), "step A");
  resp_free(&r);
  messages(&m, "plan trip", NULL, &r);
  ASSERT_STR_EQ(
      json_string_value(json_object_get(
          json_array_get(json_object_get(r.json, "content"), 0), "text")),
      "step A");
  resp_free(&r);
  chat(&m, "nothing matches this", NULL, &r);
  ASSERT_EQ(r.status, 500);
  ASSERT_CONTAINS(err_field(&r, "message"), "no rule matches");
  ASSERT_CONTAINS(err_field(&r, "message"), "nothing matches this");
  resp_free(&r);
  stop_clean(&m);

  /* A bad regex or a missing file stops the server at start-up. */
  write_file(path, "[{\"match\": \"(\", \"reply\": \"x\"}]");
  ASSERT_EQ(mockllm_start(&m, args), -1);
  ASSERT_EQ(m.exit_status, 1);
  write_file(path, "{\"match\": \"x\"}");
  ASSERT_EQ(mockllm_start(&m, args), -1);
  ASSERT_EQ(m.exit_status, 1);
  remove(path);
  ASSERT_EQ(mockllm_start(&m, args), -1);
  ASSERT_EQ(m.exit_status, 1);
}

/* ======================================================================
 * Faults by directive
 * ====================================================================== */

struct error_case {
  const char *directive;
  bool anthropic;
  long status;
  const char *type;
  const char *code; /* OpenAI only; NULL: null */
  bool retry_after;
};

static void test_directive_errors(void) {
  mockllm_proc m;
  const char *args[] = {"--retry-after-ms", "250", NULL};
  start(&m, args);
  static const struct error_case cases[] = {
      {"[[fault:429,retry_after=2]]", false, 429, "requests",
       "rate_limit_exceeded", true},
      {"[[fault:429quota]]", false, 429, "insufficient_quota",
       "insufficient_quota", false},
      {"[[fault:500]]", false, 500, "server_error", NULL, false},
      {"[[fault:503,retry_after=2]]", false, 503, "server_error", NULL, true},
      {"[[fault:529,retry_after=2]]", false, 529, "overloaded_error", NULL,
       true},
      {"[[fault:400]]", false, 400, "invalid_request_error", NULL, false},
      {"[[fault:401]]", false, 401, "invalid_request_error", "invalid_api_key",
       false},
      {"[[fault:429,retry_after=2]]", true, 429, "rate_limit_error", NULL,
       true},
      {"[[fault:529,retry_after=2]]", true, 529, "overloaded_error", NULL,
       true},
      {"[[fault:500]]", true, 500, "api_error", NULL, false},
      {"[[fault:401]]", true, 401, "authentication_error", NULL, false},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cases); i++) {
    const struct error_case *c = &cases[i];
    char content[128];
    snprintf(content, sizeof content, "hello %s", c->directive);
    struct resp r;
    if (c->anthropic)
      messages(&m, content, NULL, &r);
    else
      chat(&m, content, NULL, &r);
    fprintf(stderr, "   %s %s -> %ld\n", c->anthropic ? "messages" : "chat",
            c->directive, r.status);
    ASSERT_EQ(r.status, c->status);
    ASSERT(r.json != NULL);
    char hv[64];
    if (c->anthropic) {
      ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "type")),
                    "error");
      ASSERT_STR_EQ(json_string_value(json_object_get(
                        json_object_get(r.json, "error"), "type")),
                    c->type);
    } else {
      ASSERT_STR_EQ(err_field(&r, "type"), c->type);
      json_t *code = json_object_get(json_object_get(r.json, "error"), "code");
      if (c->code)
        ASSERT_STR_EQ(json_string_value(code), c->code);
      else
        ASSERT(json_is_null(code));
    }
    ASSERT(header(&r, "x-mockllm-fault", hv, sizeof hv) != NULL);
    if (c->retry_after) {
      ASSERT_STR_EQ(header(&r, "retry-after", hv, sizeof hv), "2");
      ASSERT_STR_EQ(header(&r, "retry-after-ms", hv, sizeof hv), "250");
    } else {
      ASSERT(header(&r, "retry-after", hv, sizeof hv) == NULL);
      ASSERT(header(&r, "retry-after-ms", hv, sizeof hv) == NULL);
    }
    resp_free(&r);
  }
  ASSERT_EQ(counter(&m, "faults_injected"), (long)PLAN_ARRAY_LEN(cases));
  ASSERT_EQ(counter(&m, "by_status.529"), 2);

  /* first=K: per exact directive text; id= makes another counter. */
  const char *d1 = "x [[fault:503,first=2]] hello";
  const char *d2 = "[[fault:503,first=2,id=other]] hello";
  long expect[] = {503, 503, 200, 200};
  for (size_t i = 0; i < 4; i++) {
    struct resp r;
    chat(&m, d1, NULL, &r);
    ASSERT_EQ(r.status, expect[i]);
    if (r.status == 200)
      ASSERT_STR_EQ(choice_text(&r, 0), "echo: x hello");
    resp_free(&r);
  }
  struct resp r;
  chat(&m, d2, NULL, &r);
  ASSERT_EQ(r.status, 503);
  resp_free(&r);
  ASSERT_EQ(counter(&m, "by_status.503"), 4);

  /* Malformed directives are a 400 that says why. */
  chat(&m, "[[fault:teapot]]", NULL, &r);
  ASSERT_EQ(r.status, 400);
  ASSERT_CONTAINS(err_field(&r, "message"), "teapot");
  resp_free(&r);
  chat(&m, "[[fault:500,first=x]]", NULL, &r);
  ASSERT_EQ(r.status, 400);
  resp_free(&r);
  chat(&m, "[[fault:500", NULL, &r);
  ASSERT_EQ(r.status, 400);
  resp_free(&r);
  stop_clean(&m);
}

static void test_directive_bodies(void) {
  mockllm_proc m;
  const char *args[] = {"--stall-ms", "3000", "--oversized-bytes", "300000",
                        NULL};
  start(&m, args);
  struct resp r;

  chat(&m, "hi [[fault:reset]]", NULL, &r);
  ASSERT_EQ(r.rc, CURLE_GOT_NOTHING);
  resp_free(&r);
  ASSERT_EQ(counter(&m, "by_status.none"), 1);

  chat(&m, "hi [[fault:truncated]]", NULL, &r);
  ASSERT_EQ(r.rc, CURLE_PARTIAL_FILE);
  ASSERT(r.body.len > 10);
  resp_free(&r);

  chat(&m, "hi [[fault:invalid_json]]", NULL, &r);
  ASSERT_EQ(r.rc, CURLE_OK);
  ASSERT_EQ(r.status, 200);
  ASSERT(r.body.len > 0);
  ASSERT(r.json == NULL);
  resp_free(&r);

  chat(&m, "hi [[fault:empty_choices]]", NULL, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT(json_is_array(json_object_get(r.json, "choices")));
  ASSERT_EQ(json_array_size(json_object_get(r.json, "choices")), 0);
  resp_free(&r);
  messages(&m, "hi [[fault:empty_choices]]", NULL, &r);
  ASSERT_EQ(json_array_size(json_object_get(r.json, "content")), 0);
  resp_free(&r);

  chat(&m, "one two three four [[fault:length]]", NULL, &r);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: one");
  ASSERT_STR_EQ(choice_finish(&r, 0), "length");
  resp_free(&r);
  messages(&m, "one two three four [[fault:length]]", NULL, &r);
  ASSERT_STR_EQ(json_string_value(json_object_get(r.json, "stop_reason")),
                "max_tokens");
  resp_free(&r);

  chat(&m, "big [[fault:oversized]]", NULL, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT(r.body.len >= 300000);
  ASSERT(r.json != NULL);
  ASSERT(strlen(choice_text(&r, 0)) > 250000);
  resp_free(&r);

  chat(&m, "x [[fault:ignore_n]]", "{\"n\": 4}", &r);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(json_array_size(json_object_get(r.json, "choices")), 1);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: x");
  resp_free(&r);

  /* stall: silence until the client's timeout fires; meanwhile another
   * connection is served at once. */
  char url[128];
  snprintf(url, sizeof url, "%s/chat/completions", m.base_url);
  char *body = chat_body("wait [[fault:stall]]", NULL);
  http("POST", url, body, NULL, 300, &r);
  free(body);
  ASSERT_EQ(r.rc, CURLE_OPERATION_TIMEDOUT);
  ASSERT(r.elapsed_ms < test_timeout_ms(2000));
  resp_free(&r);
  chat(&m, "quick", NULL, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT(r.elapsed_ms < test_timeout_ms(1000));
  resp_free(&r);
  ASSERT_EQ(counter(&m, "in_flight"), 1); /* the stalled one */
  /* stall_ms in the directive; a client that waits gets the reply. */
  chat(&m, "slow [[fault:stall,stall_ms=200]]", NULL, &r);
  ASSERT_EQ(r.status, 200);
  ASSERT_STR_EQ(choice_text(&r, 0), "echo: slow");
  ASSERT(r.elapsed_ms >= 190);
  resp_free(&r);
  ASSERT_EQ(counter(&m, "faults_injected"), 11);
  stop_clean(&m); /* while the 3 s stall still sleeps */
}

/* ======================================================================
 * Faults by flag
 * ====================================================================== */

/* The status of `count` sequential chat requests into out. */
static void statuses(const mockllm_proc *m, long *out, size_t count) {
  for (size_t i = 0; i < count; i++) {
    struct resp r;
    chat(m, "x", NULL, &r);
    out[i] = r.rc == CURLE_OK ? r.status : -(long)r.rc;
    resp_free(&r);
  }
}

static void test_flag_faults(void) {
  mockllm_proc m;
  struct resp r;
  char hv[64];
  {
    const char *args[] = {
        "--fault", "429", "--fault-first", "2", "--retry-after", "1", NULL};
    start(&m, args);
    chat(&m, "x", NULL, &r);
    ASSERT_EQ(r.status, 429);
    ASSERT_STR_EQ(header(&r, "retry-after", hv, sizeof hv), "1");
    ASSERT(header(&r, "retry-after-ms", hv, sizeof hv) == NULL);
    resp_free(&r);
    long s[3];
    statuses(&m, s, 3);
    ASSERT_EQ(s[0], 429);
    ASSERT_EQ(s[1], 200);
    ASSERT_EQ(s[2], 200);
    char url[128];
    snprintf(url, sizeof url, "%s/models", m.base_url);
    http("GET", url, NULL, NULL, 5000, &r); /* never faulted */
    ASSERT_EQ(r.status, 200);
    resp_free(&r);
    ASSERT_EQ(counter(&m, "faults_injected"), 2);
    ASSERT_EQ(counter(&m, "chat"), 4);
    /* A reset restarts --fault-first. */
    ASSERT_EQ(mockllm_stats_reset(&m), 0);
    statuses(&m, s, 3);
    ASSERT_EQ(s[0], 429);
    ASSERT_EQ(s[2], 200);
    stop_clean(&m);
  }
  {
    /* --fault-rate is seeded: the same seed gives the same sequence, in a
     * new process and after /stats/reset. */
    const char *args[] = {"--fault", "503", "--fault-rate", "0.5", "--seed",
                          "7",       NULL};
    long a[16];
    long b[16];
    long c[16];
    start(&m, args);
    statuses(&m, a, 16);
    ASSERT_EQ(mockllm_stats_reset(&m), 0);
    statuses(&m, c, 16);
    stop_clean(&m);
    start(&m, args);
    statuses(&m, b, 16);
    stop_clean(&m);
    int faults = 0;
    for (size_t i = 0; i < 16; i++) {
      ASSERT(a[i] == 200 || a[i] == 503);
      ASSERT_EQ(a[i], b[i]);
      ASSERT_EQ(a[i], c[i]);
      faults += a[i] == 503;
    }
    ASSERT(faults > 0 && faults < 16);
  }
  {
    const char *args[] = {"--fault", "529", NULL};
    start(&m, args);
    messages(&m, "x", NULL, &r);
    ASSERT_EQ(r.status, 529);
    ASSERT_STR_EQ(json_string_value(json_object_get(
                      json_object_get(r.json, "error"), "type")),
                  "overloaded_error");
    resp_free(&r);
    chat(&m, "x", NULL, &r);
    ASSERT_EQ(r.status, 529);
    resp_free(&r);
    /* A directive takes precedence over the flag. */
    chat(&m, "x [[fault:ignore_n]]", NULL, &r);
    ASSERT_EQ(r.status, 200);
    resp_free(&r);
    stop_clean(&m);
  }
  {
    const char *args[] = {"--fault", "reset", "--fault-first", "1", NULL};
    start(&m, args);
    long s[2];
    statuses(&m, s, 2);
    ASSERT_EQ(s[0], -(long)CURLE_GOT_NOTHING);
    ASSERT_EQ(s[1], 200);
    ASSERT_EQ(counter(&m, "by_status.none"), 1);
    stop_clean(&m);
  }
}

/* ======================================================================
 * Concurrency and shutdown
 * ====================================================================== */

static void test_concurrency(void) {
  enum { N = 32 };
  mockllm_proc m;
  const char *args[] = {"--latency-ms", "100", NULL};
  start(&m, args);
  char url[128];
  snprintf(url, sizeof url, "%s/chat/completions", m.base_url);
  char *body = chat_body("parallel", NULL);
  CURLM *multi = curl_multi_init();
  ASSERT(multi != NULL);
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)N);
  static struct resp rs[N];
  CURL *hs[N];
  struct curl_slist *hdrs[N];
  for (int i = 0; i < N; i++) {
    hs[i] = easy_new("POST", url, body, NULL, 10000, &rs[i], &hdrs[i]);
    curl_easy_setopt(hs[i], CURLOPT_PRIVATE, (void *)&rs[i]);
    curl_multi_add_handle(multi, hs[i]);
  }
  long t0 = mockllm__now_ms();
  int running = 1;
  while (running) {
    ASSERT_EQ(curl_multi_perform(multi, &running), CURLM_OK);
    if (running)
      ASSERT_EQ(curl_multi_poll(multi, NULL, 0, 1000, NULL), CURLM_OK);
  }
  long elapsed = mockllm__now_ms() - t0;
  CURLMsg *msg;
  int left;
  int done = 0;
  while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    char *priv = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
    easy_done(msg->easy_handle, msg->data.result, (struct resp *)priv);
    done++;
  }
  ASSERT_EQ(done, N);
  for (int i = 0; i < N; i++) {
    ASSERT_EQ(rs[i].rc, CURLE_OK);
    ASSERT_EQ(rs[i].status, 200);
    ASSERT_STR_EQ(choice_text(&rs[i], 0), "echo: parallel");
    curl_multi_remove_handle(multi, hs[i]);
    curl_easy_cleanup(hs[i]);
    curl_slist_free_all(hdrs[i]);
    resp_free(&rs[i]);
  }
  curl_multi_cleanup(multi);
  free(body);
  fprintf(stderr, "   %d requests of 100 ms each took %ld ms\n", N, elapsed);
  ASSERT(elapsed >= 100);
  ASSERT(elapsed < test_timeout_ms(2000)); /* serial would be 3200 ms */
  ASSERT(counter(&m, "max_concurrent") >= 8);
  ASSERT_EQ(counter(&m, "chat"), N);
  stop_clean(&m);
}

static void test_shutdown(void) {
  mockllm_proc m;
  start(&m, NULL);
  char url[128];
  snprintf(url, sizeof url, "%s/chat/completions", m.base_url);
  char *body = chat_body("[[fault:stall,stall_ms=20000]]", NULL);
  struct resp r;
  struct curl_slist *hdrs;
  CURL *h = easy_new("POST", url, body, NULL, 30000, &r, &hdrs);
  CURLM *multi = curl_multi_init();
  curl_multi_add_handle(multi, h);
  int running = 1;
  long until = mockllm__now_ms() + test_timeout_ms(5000);
  long in_flight = 0;
  while (in_flight == 0 && mockllm__now_ms() < until) {
    curl_multi_perform(multi, &running);
    curl_multi_poll(multi, NULL, 0, 20, NULL);
    in_flight = counter(&m, "in_flight");
  }
  ASSERT_EQ(in_flight, 1);
  long t0 = mockllm__now_ms();
  mockllm_stop(&m);
  long took = mockllm__now_ms() - t0;
  fprintf(stderr, "   stop with a stalled request took %ld ms\n", took);
  ASSERT_EQ(m.exit_status, 0);
  ASSERT(took < test_timeout_ms(5000));
  while (running) {
    curl_multi_perform(multi, &running);
    if (running)
      curl_multi_poll(multi, NULL, 0, 100, NULL);
  }
  int left;
  CURLMsg *msg = curl_multi_info_read(multi, &left);
  ASSERT(msg != NULL && msg->msg == CURLMSG_DONE);
  ASSERT(msg->data.result != CURLE_OK); /* closed without a reply */
  curl_multi_remove_handle(multi, h);
  curl_easy_cleanup(h);
  curl_multi_cleanup(multi);
  curl_slist_free_all(hdrs);
  resp_free(&r);
  free(body);
  mockllm_stop(&m); /* a second stop does nothing */
}

/* ======================================================================
 * Command line
 * ====================================================================== */

static void test_cli(void) {
  mockllm_proc m;
  const char *bad1[] = {"--bogus", NULL};
  ASSERT_EQ(mockllm_start(&m, bad1), -1);
  ASSERT_EQ(m.exit_status, 2);
  const char *bad2[] = {"--fault-rate", "0.5", NULL}; /* needs --fault */
  ASSERT_EQ(mockllm_start(&m, bad2), -1);
  ASSERT_EQ(m.exit_status, 2);
  const char *bad3[] = {"--fault", "teapot", NULL};
  ASSERT_EQ(mockllm_start(&m, bad3), -1);
  ASSERT_EQ(m.exit_status, 2);
  const char *bad4[] = {"--latency-ms", "-5", NULL};
  ASSERT_EQ(mockllm_start(&m, bad4), -1);
  ASSERT_EQ(m.exit_status, 2);
  const char *bad5[] = {"--brain", "psychic", NULL}; /* unknown brain */
  ASSERT_EQ(mockllm_start(&m, bad5), -1);
  ASSERT_EQ(m.exit_status, 2);

  char path[256];
  snprintf(path, sizeof path, "%s/test_mockllm_port_%d.txt", PLAN_BINARY_DIR,
           (int)getpid());
  const char *args[] = {"--port-file", path,     "--model-name",
                        "double-1",    "--host", "127.0.0.1",
                        NULL};
  start(&m, args);
  FILE *f = fopen(path, "r");
  ASSERT(f != NULL);
  int port = 0;
  ASSERT_EQ(fscanf(f, "%d", &port), 1);
  fclose(f);
  remove(path);
  ASSERT_EQ(port, m.port);
  char url[128];
  snprintf(url, sizeof url, "%s/models", m.base_url);
  struct resp r;
  http("GET", url, NULL, NULL, 5000, &r);
  ASSERT_STR_EQ(json_string_value(json_object_get(
                    json_array_get(json_object_get(r.json, "data"), 0), "id")),
                "double-1");
  resp_free(&r);
  stop_clean(&m);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_endpoints);
  RUN(test_sampling);
  RUN(test_script_brain);
  RUN(test_directive_errors);
  RUN(test_directive_bodies);
  RUN(test_flag_faults);
  RUN(test_concurrency);
  RUN(test_shutdown);
  RUN(test_cli);
  TEST_END();
}
