/* llm/http.h: the curl-multi machinery shared by the two HTTP backends
 * (llm/http_openai.c, llm/http_anthropic.c). One plan__http per backend
 * instance owns one curl multi handle and a pool of easy handles that are
 * reused from one attempt to the next, so connections stay alive. A
 * provider descriptor supplies what differs between APIs: the path, the
 * headers, the wire body and the parser of a successful reply. Everything
 * else (option checks, transfers, header capture, size cap, error
 * classification) lives here once.
 *
 * The backends put plan__http_start/drive/cancel_all/destroy/describe
 * straight into their vtables; `self` is the plan__http. Not installed. */
#ifndef PLAN_LLM_HTTP_H
#define PLAN_LLM_HTTP_H

#include "llm/llm.h"

typedef struct plan__http plan__http;

/* What one API needs from the shared machinery. All members are required
 * and the descriptor is static (it must outlive every instance). */
typedef struct plan__http_provider {
  const char *name;             /* "openai": prefixes every message */
  const char *default_base_url; /* used when options.base_url is NULL */
  const char *path;             /* appended to the base URL */
  /* Appends the provider's own request headers (authentication, API
   * version) to h with plan__http_add_header. Called once, at create. */
  plan_status (*add_headers)(plan__http *h, const plan_llm_options *opts,
                             plan_error *err);
  /* Writes the wire body of req as JSON into body. default_model is
   * options.model (may be NULL). Failures (PLAN_EINVAL for a bad
   * request, PLAN_ENOMEM) go into err without the provider prefix. */
  plan_status (*build_body)(const plan_llm_request *req,
                            const char *default_model, plan__buf *body,
                            plan_error *err);
  /* Fills resp (status PLAN_OK so far, choices empty) from the JSON root
   * (borrowed) of a 2xx reply. On a shape error it sets resp's status and
   * message itself with plan__http_fail. The shared code has already
   * handled invalid JSON, non-objects and {"error": ...} bodies. */
  void (*parse_ok)(const plan__http *h, const json_t *root,
                   plan_llm_response *resp);
} plan__http_provider;

/* Creates an instance for provider after checking opts (NULL: defaults):
 * version, base_url (http:// or https://, no query or fragment; a trailing
 * slash is dropped), timeouts, max_response_bytes (at least 1 KiB, at most
 * 1 GiB) and max_connections. Copies what it keeps, the API key included.
 * Destroy with plan__http_destroy (normally through the backend's vtable).
 * Errors: PLAN_EINVAL with a message in err naming the option,
 * PLAN_ENOMEM, PLAN_EINTERNAL when libcurl cannot make a multi handle. */
plan_status plan__http_create(const plan__http_provider *provider,
                              const plan_llm_options *opts, plan__http **out,
                              plan_error *err);

/* Adds one request header line ("Name: value"), formatted printf-style, to
 * every request of h. For providers' add_headers during create only. The
 * line may carry the API key: it is kept in the header list and in no
 * message. */
plan_status plan__http_add_header(plan__http *h, const char *fmt, ...)
    PLAN_PRINTF(2, 3);

/* The whole create of an HTTP backend: plan__http_create, then a handle
 * around it with vtbl (static; self is the plan__http). Destroy with
 * plan_llm_destroy. Errors as plan__http_create; PLAN_EMISUSE if out is
 * NULL. */
plan_status plan__http_backend_create(const plan__http_provider *provider,
                                      const plan_llm_vtbl *vtbl,
                                      const plan_llm_options *opts,
                                      plan_llm **out, plan_error *err);

/* The API key given at create, or NULL. For providers' add_headers. */
const char *plan__http_api_key(const plan__http *h);

/* Sets resp's status and a message that starts with "<provider>: ". Any
 * copy of the API key in the formatted text is replaced by "[redacted]"
 * (servers sometimes echo what they were sent). */
void plan__http_fail(const plan__http *h, plan_llm_response *resp,
                     plan_status status, int http_status, const char *fmt, ...)
    PLAN_PRINTF(5, 6);

/* ---- helpers for building wire bodies -------------------------------- */

/* json_object_set_new that records a failure in *ok (v is stolen, NULL
 * allowed), so a body is built as one flat sequence with one check. */
void plan__http_json_set(json_t *obj, const char *key, json_t *v, bool *ok);
/* Checks what every provider needs of a request: at least one message,
 * messages with content, finite temperature and top_p. PLAN_EINVAL or
 * PLAN_EMISUSE with a message in err. */
plan_status plan__http_check_request(const plan_llm_request *req,
                                     plan_error *err);
/* req->json_schema parsed into a new JSON object; NULL with PLAN_EINVAL in
 * err when it is not a JSON object. */
json_t *plan__http_schema(const plan_llm_request *req, plan_error *err);
/* Appends the compact JSON of body (borrowed) to out. Reals are written
 * with 15 significant digits, so 0.7 goes out as 0.7 under jansson 2.14. */
plan_status plan__http_dump(const json_t *body, plan__buf *out);

/* ---- the vtable entries (self is a plan__http) ------------------------- */

/* Builds the body, takes an easy handle from the pool and adds it to the
 * multi handle. req is only read during the call (the body is a copy).
 * Never completes t. Errors: PLAN_EINVAL (bad request, e.g. an invalid
 * json_schema), PLAN_ENOMEM, PLAN_EINTERNAL (libcurl refused). */
plan_status plan__http_start(void *self, const plan_llm_request *req,
                             plan_llm_ticket *t);
/* Runs transfers; completes every finished ticket; when none finished it
 * waits up to timeout_ms for activity (not at all if nothing is in flight)
 * and runs them again. Returns PLAN_EINTERNAL only if libcurl's multi
 * interface itself fails. */
plan_status plan__http_drive(void *self, long timeout_ms);
/* Removes every transfer in flight without completing its ticket. */
void plan__http_cancel_all(void *self);
/* Cancels everything and frees the instance; the key is wiped first. */
void plan__http_destroy(void *self);
/* "openai http://127.0.0.1:1234/v1 model=m" (no key, no userinfo). */
const char *plan__http_describe(void *self);

/* ---- introspection for tests and benchmarks --------------------------- */

typedef struct plan__http_stats {
  uint64_t transfers; /* attempts completed (not canceled) */
  uint64_t connects;  /* new connections opened (CURLINFO_NUM_CONNECTS) */
  unsigned in_flight; /* transfers running now */
  unsigned max_in_flight;
  unsigned pool_size; /* easy handles allocated */
} plan__http_stats;

void plan__http_stats_get(const plan__http *h, plan__http_stats *out);

/* Parses a Retry-After / retry-after-ms pair into milliseconds, -1 when
 * neither is usable: retry_after_ms (may be NULL) is a float in ms;
 * retry_after (may be NULL) is float seconds or an HTTP date, made relative
 * to now_s (seconds since the epoch). Negative waits become 0. */
int64_t plan__http_retry_after(const char *retry_after_ms,
                               const char *retry_after, int64_t now_s);

/* An OpenAI rate-limit reset duration ("1s", "6m0s", "20ms", "1h2m3.5s")
 * in ms, rounded up; -1 when s is not one. */
int64_t plan__http_duration_ms(const char *s);
/* An RFC 3339 time ("2026-05-01T12:00:00Z", fractions and +hh:mm offsets
 * allowed) as ms since the epoch; -1 when s is not one. */
int64_t plan__http_rfc3339_ms(const char *s);

/* The rate-limit headers of one reply: for each budget (requests, tokens,
 * input tokens, output tokens) the remaining count and its reset, as the
 * server wrote them ("" when absent). */
enum { PLAN__RL_REQUESTS, PLAN__RL_TOKENS, PLAN__RL_INPUT, PLAN__RL_OUTPUT,
       PLAN__RL_COUNT };
typedef struct plan__http_ratelimit {
  char remaining[PLAN__RL_COUNT][32];
  char reset[PLAN__RL_COUNT][64];
} plan__http_ratelimit;

/* Records header name: value when it is one of OpenAI's
 * x-ratelimit-{remaining,reset}-{requests,tokens} or Anthropic's
 * anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
 * {remaining,reset}; returns whether it was. */
bool plan__http_ratelimit_header(plan__http_ratelimit *rl, const char *name,
                                 size_t nlen, const char *value, size_t vlen);
/* The wait until every used-up budget (remaining 0) is restored, in ms
 * (the longest reset among them), or -1 when none is used up or its reset
 * cannot be read. now_ms: the epoch time for Anthropic's absolute resets. */
int64_t plan__http_ratelimit_wait(const plan__http_ratelimit *rl,
                                  int64_t now_ms);

#endif /* PLAN_LLM_HTTP_H */
