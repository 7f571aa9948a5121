/* llm/http.c: the curl-multi machinery under the HTTP backends (see
 * llm/http.h and docs/http.md). One instance owns one multi handle and a
 * pool of easy handles. start() takes an idle easy handle (or makes one),
 * points it at a freshly built body and adds it to the multi handle;
 * drive() runs the multi handle, and for each finished transfer classifies
 * the outcome into the ticket's response and completes the ticket. Easy
 * handles go back to the pool, so their connections stay in the multi
 * handle's cache and the next request reuses them (keep-alive).
 *
 * A backend does one attempt per start(): retries, waits and rate-limit
 * pauses belong to the scheduler, which reads the classification made here
 * (status, http_status, retry_after_ms, should_retry).
 *
 * The API key lives in the header list and in h->api_key only. It never
 * enters a message: every message goes through plan__http_fail, which also
 * redacts the key should a server echo it back. */
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "llm/http.h"

#ifndef PLAN_VERSION_STRING
#define PLAN_VERSION_STRING "0.1.0"
#endif

#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 600000L
#define DEFAULT_MAX_RESPONSE_BYTES ((size_t)16 << 20)
#define MIN_RESPONSE_BYTES ((size_t)256)
#define MAX_RESPONSE_BYTES ((size_t)1 << 30)
#define DEFAULT_MAX_CONNECTIONS 64L
#define MAX_CONNECTIONS 65535L
/* A response buffer bigger than this is freed after its transfer instead
 * of being kept for the next one. */
#define KEEP_RESPONSE_BUF ((size_t)256 << 10)
/* The longest excerpt of a non-JSON error body quoted in a message. */
#define EXCERPT_BYTES 200

/* One easy handle of the pool and the state of the attempt it carries.
 * ticket is NULL while the handle is idle. */
struct xfer {
  plan__http *h;
  CURL *easy;
  plan_llm_ticket *ticket;
  plan__buf body; /* request body; CURLOPT_POSTFIELDS points into it */
  plan__buf resp; /* response body, capped at max_response_bytes */
  char errbuf[CURL_ERROR_SIZE];
  /* Captured response headers of the last response (reset on each status
   * line, so a 100 Continue does not leak into the final response). */
  char request_id[128];
  char retry_after[64];
  char retry_after_ms[64];
  int should_retry; /* x-should-retry: -1 absent, 0 false, 1 true */
  plan__http_ratelimit ratelimit;
};

struct plan__http {
  const plan__http_provider *prov;
  plan_llm *llm; /* the wrapping handle, for plan_llm_errmsg; may be NULL */
  CURLM *multi;
  struct curl_slist *headers;
  char *url;      /* base_url + provider path */
  char *endpoint; /* "host:port" for messages */
  char *describe;
  char *api_key;
  char *model;
  long connect_timeout_ms;
  long timeout_ms;
  size_t max_response_bytes;
  struct xfer **pool;
  size_t n_pool;
  size_t cap_pool;
  unsigned in_flight;
  unsigned max_in_flight;
  uint64_t transfers;
  uint64_t connects;
};

/* ======================================================================
 * Messages
 * ====================================================================== */

/* Replaces every copy of key in b by "[redacted]". */
static void redact(plan__buf *b, const char *key) {
  size_t klen = key ? strlen(key) : 0;
  if (!klen || b->status != PLAN_OK || !b->data)
    return;
  char *hit;
  while ((hit = strstr(b->data, key)) != NULL) {
    static const char mask[] = "[redacted]";
    size_t off = (size_t)(hit - b->data);
    size_t tail = b->len - off - klen;
    plan__buf out;
    plan__buf_init(&out, 0);
    plan__buf_append(&out, b->data, off);
    plan__buf_append(&out, mask, sizeof mask - 1);
    plan__buf_append(&out, hit + klen, tail);
    if (out.status != PLAN_OK) {
      /* Out of memory: blank the key in place rather than keep it. */
      memset(hit, '*', klen);
      plan__buf_free(&out);
      continue;
    }
    plan__buf_free(b);
    *b = out;
  }
}

void plan__http_fail(const plan__http *h, plan_llm_response *resp,
                     plan_status status, int http_status, const char *fmt,
                     ...) {
  plan__buf b;
  plan__buf_init(&b, 0);
  va_list ap;
  va_start(ap, fmt);
  plan__buf_vprintf(&b, fmt, ap);
  va_end(ap);
  redact(&b, h->api_key);
  plan_llm_response_set_error(
      resp, status, http_status, "%s: %s", h->prov->name,
      b.status == PLAN_OK && b.data ? b.data : "(no message)");
  plan__buf_free(&b);
  if (h->llm && resp->error)
    plan__llm_set_errmsg(h->llm, "%s", resp->error);
}

/* Appends at most max bytes of s to b with control characters turned into
 * spaces and without cutting a UTF-8 sequence; "..." marks a cut. */
static void put_excerpt(plan__buf *b, const char *s, size_t len, size_t max) {
  size_t n = len;
  if (n > max) {
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    plan__buf_putc(b, (c < 0x20 || c == 0x7f) ? ' ' : (char)c);
  }
  if (n < len)
    plan__buf_puts(b, "...");
}

/* ======================================================================
 * Options and create
 * ====================================================================== */

static bool has_line_break(const char *s) {
  return s && strpbrk(s, "\r\n") != NULL;
}

/* Checks base (http:// or https://, a host, no query or fragment) and
 * fills h->url, h->endpoint and h->describe. The describe text and the
 * endpoint carry neither userinfo nor the key. */
static plan_status set_urls(plan__http *h, const char *base, plan_error *err) {
  plan_status st = PLAN_EINVAL;
  CURLU *u = NULL;
  char *scheme = NULL;
  char *host = NULL;
  char *port = NULL;
  char *path = NULL;
  char *given_port = NULL;
  char *query = NULL;
  char *fragment = NULL;
  plan__buf b;
  plan__buf_init(&b, 0);
  if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
    plan__error_set(err, PLAN_EINVAL, 0, 0,
                    "%s: base_url must start with http:// or https://",
                    h->prov->name);
    goto fail;
  }
  if (has_line_break(base) || strchr(base, ' ')) {
    plan__error_set(err, PLAN_EINVAL, 0, 0, "%s: base_url contains whitespace",
                    h->prov->name);
    goto fail;
  }
  u = curl_url();
  if (!u) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto fail;
  }
  CURLUcode uc = curl_url_set(u, CURLUPART_URL, base, 0);
  if (uc != CURLUE_OK) {
    plan__error_set(err, PLAN_EINVAL, 0, 0, "%s: base_url: %s", h->prov->name,
                    curl_url_strerror(uc));
    goto fail;
  }
  if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK ||
      curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0) == CURLUE_OK) {
    plan__error_set(err, PLAN_EINVAL, 0, 0,
                    "%s: base_url must not have a query or fragment",
                    h->prov->name);
    goto fail;
  }
  if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
    plan__error_set(err, PLAN_EINVAL, 0, 0, "%s: base_url needs a host",
                    h->prov->name);
    goto fail;
  }
  /* describe shows the port only when the URL gives one. */
  curl_url_get(u, CURLUPART_PORT, &given_port, 0);
  /* The URL keeps the caller's spelling (userinfo included, if any) minus
   * trailing slashes; messages use the parsed parts. */
  size_t blen = strlen(base);
  while (blen > 0 && base[blen - 1] == '/')
    blen--;
  size_t plen = strlen(path);
  while (plen > 0 && path[plen - 1] == '/')
    plen--;
  plan__buf_append(&b, base, blen);
  plan__buf_puts(&b, h->prov->path);
  h->url = plan__buf_take(&b);
  plan__buf_printf(&b, "%s:%s", host, port);
  h->endpoint = plan__buf_take(&b);
  plan__buf_printf(&b, "%s %s://%s%s%s%.*s model=%s", h->prov->name, scheme,
                   host, given_port ? ":" : "", given_port ? given_port : "",
                   (int)plen, path, h->model ? h->model : "(request)");
  h->describe = plan__buf_take(&b);
  if (b.status != PLAN_OK || !h->url || !h->endpoint || !h->describe) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto fail;
  }
  st = PLAN_OK;
fail:
  plan__buf_free(&b);
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_free(path);
  curl_free(given_port);
  curl_free(query);
  curl_free(fragment);
  curl_url_cleanup(u);
  return st;
}

plan_status plan__http_add_header(plan__http *h, const char *fmt, ...) {
  plan__buf b;
  plan__buf_init(&b, 0);
  va_list ap;
  va_start(ap, fmt);
  plan__buf_vprintf(&b, fmt, ap);
  va_end(ap);
  if (b.status != PLAN_OK || !b.data) {
    plan__buf_free(&b);
    return PLAN_ENOMEM;
  }
  /* curl_slist_append copies the string. */
  struct curl_slist *l = curl_slist_append(h->headers, b.data);
  /* The line may hold the key: wipe our copy before freeing it. */
  memset(b.data, 0, b.len);
  plan__buf_free(&b);
  if (!l)
    return PLAN_ENOMEM;
  h->headers = l;
  return PLAN_OK;
}

const char *plan__http_api_key(const plan__http *h) {
  return h->api_key;
}

plan_status plan__http_backend_create(const plan__http_provider *provider,
                                      const plan_llm_vtbl *vtbl,
                                      const plan_llm_options *opts,
                                      plan_llm **out, plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "%s: out is NULL",
                           provider->name);
  *out = NULL;
  plan__http *h = NULL;
  plan_status st = plan__http_create(provider, opts, &h, err);
  if (st != PLAN_OK)
    return st;
  st = plan__llm_wrap(vtbl, h, out);
  if (st != PLAN_OK) {
    plan__http_destroy(h);
    return plan__error_set(err, st, 0, 0, "out of memory");
  }
  h->llm = *out;
  return PLAN_OK;
}

static void wipe_free(char *s) {
  if (!s)
    return;
  volatile char *p = s;
  while (*p)
    *p++ = 0;
  plan__free(s);
}

plan_status plan__http_create(const plan__http_provider *prov,
                              const plan_llm_options *opts, plan__http **out,
                              plan_error *err) {
  plan_llm_options defaults;
  plan_status st;
  *out = NULL;
  if (!opts) {
    plan_llm_options_init(&defaults, PLAN_LLM_OPTIONS_VERSION);
    opts = &defaults;
  }
  if (opts->version < 1 || opts->version > PLAN_LLM_OPTIONS_VERSION)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: options.version %u is not supported "
                           "(expected %u)",
                           prov->name, opts->version, PLAN_LLM_OPTIONS_VERSION);
  if (opts->connect_timeout_ms < 0 || opts->timeout_ms < 0)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: timeouts must not be negative", prov->name);
  if (opts->max_response_bytes &&
      (opts->max_response_bytes < MIN_RESPONSE_BYTES ||
       opts->max_response_bytes > MAX_RESPONSE_BYTES))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: max_response_bytes %zu is outside [%zu, %zu]",
                           prov->name, opts->max_response_bytes,
                           MIN_RESPONSE_BYTES, MAX_RESPONSE_BYTES);
  if (opts->max_connections > (unsigned)MAX_CONNECTIONS)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: max_connections %u is above %ld", prov->name,
                           opts->max_connections, MAX_CONNECTIONS);
  if (has_line_break(opts->api_key))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: api_key contains a line break", prov->name);
  if (has_line_break(opts->model))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: model contains a line break", prov->name);

  plan__http *h = plan__calloc(1, sizeof *h);
  if (!h)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  h->prov = prov;
  h->connect_timeout_ms = opts->connect_timeout_ms ? opts->connect_timeout_ms
                                                   : DEFAULT_CONNECT_TIMEOUT_MS;
  h->timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
  h->max_response_bytes = opts->max_response_bytes ? opts->max_response_bytes
                                                   : DEFAULT_MAX_RESPONSE_BYTES;
  if ((opts->api_key && *opts->api_key &&
       !(h->api_key = plan__strdup(opts->api_key))) ||
      (opts->model && *opts->model &&
       !(h->model = plan__strdup(opts->model)))) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto fail;
  }
  st = set_urls(h, opts->base_url ? opts->base_url : prov->default_base_url,
                err);
  if (st != PLAN_OK)
    goto fail;
  if (plan__http_add_header(h, "Content-Type: application/json") ||
      plan__http_add_header(h, "Expect:")) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto fail;
  }
  st = prov->add_headers(h, opts, err);
  if (st != PLAN_OK)
    goto fail;
  h->multi = curl_multi_init();
  if (!h->multi) {
    st = plan__error_set(err, PLAN_EINTERNAL, 0, 0,
                         "%s: curl_multi_init failed", prov->name);
    goto fail;
  }
  long maxc = opts->max_connections ? (long)opts->max_connections
                                    : DEFAULT_MAX_CONNECTIONS;
  curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxc);
  *out = h;
  return PLAN_OK;
fail:
  plan__http_destroy(h);
  return st;
}

/* ======================================================================
 * Body helpers
 * ====================================================================== */

void plan__http_json_set(json_t *obj, const char *key, json_t *v, bool *ok) {
  if (!v || json_object_set_new(obj, key, v) != 0)
    *ok = false;
}

plan_status plan__http_check_request(const plan_llm_request *req,
                                     plan_error *err) {
  if (req->n_messages && !req->messages)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "messages is NULL");
  if (!req->n_messages)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "the request has no messages");
  for (size_t i = 0; i < req->n_stop; i++)
    if (!req->stop || !req->stop[i])
      return plan__error_set(err, PLAN_EMISUSE, 0, 0, "stop[%zu] is NULL", i);
  if (!isfinite(req->temperature) || !isfinite(req->top_p))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "temperature and top_p must be finite");
  return PLAN_OK;
}

json_t *plan__http_schema(const plan_llm_request *req, plan_error *err) {
  json_error_t je;
  json_t *schema = json_loads(req->json_schema, 0, &je);
  if (!schema) {
    plan__error_set(err, PLAN_EINVAL, je.line, je.column,
                    "json_schema: %s at line %d column %d", je.text, je.line,
                    je.column);
    return NULL;
  }
  if (!json_is_object(schema)) {
    json_decref(schema);
    plan__error_set(err, PLAN_EINVAL, 0, 0,
                    "json_schema: expected a JSON object");
    return NULL;
  }
  return schema;
}

static int dump_cb(const char *data, size_t size, void *ud) {
  return plan__buf_append(ud, data, size) == PLAN_OK ? 0 : -1;
}

plan_status plan__http_dump(const json_t *body, plan__buf *out) {
  if (json_dump_callback(body, dump_cb, out,
                         JSON_COMPACT | JSON_REAL_PRECISION(15)) != 0)
    return out->status != PLAN_OK ? out->status : PLAN_ENOMEM;
  return PLAN_OK;
}

/* ======================================================================
 * Callbacks
 * ====================================================================== */

static size_t on_write(char *data, size_t size, size_t n, void *ud) {
  struct xfer *x = ud;
  size_t len = size * n;
  if (plan__buf_append(&x->resp, data, len) != PLAN_OK)
    return CURL_WRITEFUNC_ERROR; /* x->resp.status says why */
  return len;
}

/* Copies a header value into dst (bounded, always NUL-terminated). */
static void keep_value(char *dst, size_t size, const char *v, size_t len) {
  if (len >= size)
    len = size - 1;
  memcpy(dst, v, len);
  dst[len] = '\0';
}

static bool name_is(const char *name, size_t len, const char *want) {
  size_t wl = strlen(want);
  if (len != wl)
    return false;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != want[i])
      return false;
  }
  return true;
}

static void reset_headers(struct xfer *x) {
  x->request_id[0] = '\0';
  x->retry_after[0] = '\0';
  x->retry_after_ms[0] = '\0';
  x->should_retry = -1;
  memset(&x->ratelimit, 0, sizeof x->ratelimit);
}

/* Captures the headers the scheduler needs. libcurl passes one complete
 * header line per call, not NUL-terminated, CRLF included. */
static size_t on_header(char *data, size_t size, size_t n, void *ud) {
  struct xfer *x = ud;
  size_t len = size * n;
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
    reset_headers(x);
    return len;
  }
  const char *colon = memchr(data, ':', len);
  if (!colon)
    return len;
  size_t nlen = (size_t)(colon - data);
  const char *v = colon + 1;
  const char *end = data + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' ||
                     end[-1] == '\t'))
    end--;
  size_t vlen = (size_t)(end - v);
  if (name_is(data, nlen, "retry-after-ms"))
    keep_value(x->retry_after_ms, sizeof x->retry_after_ms, v, vlen);
  else if (name_is(data, nlen, "retry-after"))
    keep_value(x->retry_after, sizeof x->retry_after, v, vlen);
  else if (name_is(data, nlen, "x-request-id") ||
           name_is(data, nlen, "request-id"))
    keep_value(x->request_id, sizeof x->request_id, v, vlen);
  else if (plan__http_ratelimit_header(&x->ratelimit, data, nlen, v, vlen))
    ;
  else if (name_is(data, nlen, "x-should-retry")) {
    if (name_is(v, vlen, "true"))
      x->should_retry = 1;
    else if (name_is(v, vlen, "false"))
      x->should_retry = 0;
  }
  return len;
}

int64_t plan__http_retry_after(const char *retry_after_ms,
                               const char *retry_after, int64_t now_s) {
  double v;
  /* 2^53 ms is beyond any wait anyone honours; clamp so the cast is
   * defined. */
  const double cap = 9007199254740992.0;
  if (retry_after_ms && plan__parse_double(retry_after_ms, &v) && isfinite(v))
    return v <= 0 ? 0 : (int64_t)ceil(PLAN_MIN(v, cap));
  if (retry_after && plan__parse_double(retry_after, &v) && isfinite(v))
    return v <= 0 ? 0 : (int64_t)ceil(PLAN_MIN(v * 1000.0, cap));
  if (retry_after && *retry_after) {
    time_t when = curl_getdate(retry_after, NULL);
    if (when != (time_t)-1) {
      int64_t diff = (int64_t)when - now_s;
      return diff <= 0 ? 0 : diff * 1000;
    }
  }
  return -1;
}

/* ======================================================================
 * Rate-limit headers
 * ====================================================================== */

int64_t plan__http_duration_ms(const char *s) {
  if (!s || !*s)
    return -1;
  double total = 0;
  const char *p = s;
  while (*p) {
    char *end = NULL;
    double v = strtod(p, &end);
    if (end == p || !isfinite(v) || v < 0)
      return -1;
    p = end;
    double unit;
    if (p[0] == 'm' && p[1] == 's') {
      unit = 1;
      p += 2;
    } else if (p[0] == 'h') {
      unit = 3600000;
      p++;
    } else if (p[0] == 'm') {
      unit = 60000;
      p++;
    } else if (p[0] == 's') {
      unit = 1000;
      p++;
    } else {
      return -1;
    }
    total += v * unit;
    if (total > 9007199254740992.0)
      return -1;
  }
  return (int64_t)ceil(total);
}

/* n digits at p as a number; -1 if any is not a digit. */
static long digits(const char *p, int n) {
  long v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

int64_t plan__http_rfc3339_ms(const char *s) {
  if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':')
    return -1;
  long y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
  long h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
      mi < 0 || mi > 59 || se < 0 || se > 60)
    return -1;
  const char *p = s + 19;
  double frac = 0;
  if (*p == '.') {
    double scale = 0.1;
    p++;
    if (*p < '0' || *p > '9')
      return -1;
    while (*p >= '0' && *p <= '9') {
      frac += (*p - '0') * scale;
      scale /= 10;
      p++;
    }
  }
  long off = 0; /* seconds east of UTC */
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
    long oh = digits(p + 1, 2), om = digits(p + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59)
      return -1;
    off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
    p += 6;
  } else {
    return -1;
  }
  if (*p)
    return -1;
  /* Days since the epoch of a proleptic Gregorian date (civil calendar). */
  long yy = mo <= 2 ? y - 1 : y;
  long era = yy / 400;
  long yoe = yy - era * 400;
  long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = (int64_t)era * 146097 + doe - 719468;
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - off;
  return secs * 1000 + (int64_t)(frac * 1000.0);
}

bool plan__http_ratelimit_header(plan__http_ratelimit *rl, const char *name,
                                 size_t nlen, const char *value, size_t vlen) {
  static const struct {
    const char *name;
    int budget;
    bool reset;
  } known[] = {
      {"x-ratelimit-remaining-requests", PLAN__RL_REQUESTS, false},
      {"x-ratelimit-reset-requests", PLAN__RL_REQUESTS, true},
      {"x-ratelimit-remaining-tokens", PLAN__RL_TOKENS, false},
      {"x-ratelimit-reset-tokens", PLAN__RL_TOKENS, true},
      {"anthropic-ratelimit-requests-remaining", PLAN__RL_REQUESTS, false},
      {"anthropic-ratelimit-requests-reset", PLAN__RL_REQUESTS, true},
      {"anthropic-ratelimit-tokens-remaining", PLAN__RL_TOKENS, false},
      {"anthropic-ratelimit-tokens-reset", PLAN__RL_TOKENS, true},
      {"anthropic-ratelimit-input-tokens-remaining", PLAN__RL_INPUT, false},
      {"anthropic-ratelimit-input-tokens-reset", PLAN__RL_INPUT, true},
      {"anthropic-ratelimit-output-tokens-remaining", PLAN__RL_OUTPUT, false},
      {"anthropic-ratelimit-output-tokens-reset", PLAN__RL_OUTPUT, true},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(known); i++) {
    if (!name_is(name, nlen, known[i].name))
      continue;
    char *dst = known[i].reset ? rl->reset[known[i].budget]
                               : rl->remaining[known[i].budget];
    size_t cap = known[i].reset ? sizeof rl->reset[0] : sizeof rl->remaining[0];
    keep_value(dst, cap, value, vlen);
    return true;
  }
  return false;
}

int64_t plan__http_ratelimit_wait(const plan__http_ratelimit *rl,
                                  int64_t now_ms) {
  int64_t wait = -1;
  for (int b = 0; b < PLAN__RL_COUNT; b++) {
    const char *rem = rl->remaining[b];
    if (!rem[0] || strspn(rem, "0") != strlen(rem))
      continue; /* absent, or something left */
    const char *rs = rl->reset[b];
    int64_t w = plan__http_duration_ms(rs);
    if (w < 0) {
      int64_t at = plan__http_rfc3339_ms(rs);
      if (at >= 0)
        w = at > now_ms ? at - now_ms : 0;
    }
    if (w > wait)
      wait = w;
  }
  return wait;
}

/* ======================================================================
 * The pool
 * ====================================================================== */

static void xfer_free(struct xfer *x) {
  if (!x)
    return;
  if (x->easy)
    curl_easy_cleanup(x->easy);
  plan__buf_free(&x->body);
  plan__buf_free(&x->resp);
  plan__free(x);
}

/* Makes a pooled transfer with every option that does not change between
 * attempts set once. */
static struct xfer *xfer_new(plan__http *h) {
  struct xfer *x = plan__calloc(1, sizeof *x);
  if (!x)
    return NULL;
  x->h = h;
  plan__buf_init(&x->body, 0);
  plan__buf_init(&x->resp, h->max_response_bytes);
  x->easy = curl_easy_init();
  if (!x->easy) {
    xfer_free(x);
    return NULL;
  }
  CURL *e = x->easy;
  CURLcode rc = CURLE_OK;
#define SETOPT(opt, val)                                                       \
  do {                                                                         \
    if (rc == CURLE_OK)                                                        \
      rc = curl_easy_setopt(e, opt, val);                                      \
  } while (0)
  SETOPT(CURLOPT_URL, h->url);
  SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
  SETOPT(CURLOPT_HTTPHEADER, h->headers);
  SETOPT(CURLOPT_NOSIGNAL, 1L);
  SETOPT(CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
  SETOPT(CURLOPT_TIMEOUT_MS, h->timeout_ms);
  SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
  SETOPT(CURLOPT_TCP_KEEPIDLE, 60L);
  SETOPT(CURLOPT_TCP_KEEPINTVL, 60L);
  SETOPT(CURLOPT_ERRORBUFFER, x->errbuf);
  SETOPT(CURLOPT_PRIVATE, (void *)x);
  SETOPT(CURLOPT_WRITEFUNCTION, on_write);
  SETOPT(CURLOPT_WRITEDATA, (void *)x);
  SETOPT(CURLOPT_HEADERFUNCTION, on_header);
  SETOPT(CURLOPT_HEADERDATA, (void *)x);
  SETOPT(CURLOPT_ACCEPT_ENCODING, "");
  SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_response_bytes);
  SETOPT(CURLOPT_USERAGENT, "libplan/" PLAN_VERSION_STRING);
  SETOPT(CURLOPT_POST, 1L);
  /* Over HTTPS with HTTP/2 a burst of requests then shares the first
   * connection instead of opening one TLS connection each. Only for
   * https: over cleartext HTTP/1.1 (every local server) PIPEWAIT would make
   * a burst wait for the first response before opening more connections,
   * adding one full request latency. */
  if (strncmp(h->url, "https://", 8) == 0)
    SETOPT(CURLOPT_PIPEWAIT, 1L);
#undef SETOPT
  if (rc != CURLE_OK) {
    xfer_free(x);
    return NULL;
  }
  return x;
}

/* An idle transfer from the pool, growing the pool when all are busy. */
static struct xfer *xfer_acquire(plan__http *h) {
  for (size_t i = 0; i < h->n_pool; i++)
    if (!h->pool[i]->ticket)
      return h->pool[i];
  if (plan__grow((void **)&h->pool, &h->cap_pool, h->n_pool + 1,
                 sizeof *h->pool) != PLAN_OK)
    return NULL;
  struct xfer *x = xfer_new(h);
  if (!x)
    return NULL;
  h->pool[h->n_pool++] = x;
  return x;
}

/* Returns x to the pool. The caller has removed it from the multi handle. */
static void xfer_release(plan__http *h, struct xfer *x) {
  x->ticket = NULL;
  plan__buf_reset(&x->body);
  if (x->resp.cap > KEEP_RESPONSE_BUF)
    plan__buf_free(&x->resp);
  else
    plan__buf_reset(&x->resp);
  h->in_flight--;
}

/* ======================================================================
 * Start
 * ====================================================================== */

plan_status plan__http_start(void *self, const plan_llm_request *req,
                             plan_llm_ticket *t) {
  plan__http *h = self;
  if (!h || !req || !t)
    return PLAN_EMISUSE;
  struct xfer *x = xfer_acquire(h);
  if (!x) {
    if (h->llm)
      plan__llm_set_errmsg(h->llm, "%s: out of memory", h->prov->name);
    return PLAN_ENOMEM;
  }
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__buf_reset(&x->body);
  plan_status st = h->prov->build_body(req, h->model, &x->body, &err);
  if (st == PLAN_OK && x->body.status != PLAN_OK)
    st = x->body.status;
  if (st != PLAN_OK) {
    if (h->llm)
      plan__llm_set_errmsg(h->llm, "%s: %s", h->prov->name,
                           err.text[0] ? err.text : plan_strerror(st));
    plan__buf_reset(&x->body);
    return st;
  }
  x->errbuf[0] = '\0';
  reset_headers(x);
  plan__buf_reset(&x->resp);
  curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                   (curl_off_t)x->body.len);
  curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body.data);
  x->ticket = t;
  h->in_flight++;
  CURLMcode mc = curl_multi_add_handle(h->multi, x->easy);
  if (mc != CURLM_OK) {
    xfer_release(h, x);
    if (h->llm)
      plan__llm_set_errmsg(h->llm, "%s: curl_multi_add_handle: %s",
                           h->prov->name, curl_multi_strerror(mc));
    return mc == CURLM_OUT_OF_MEMORY ? PLAN_ENOMEM : PLAN_EINTERNAL;
  }
  if (h->in_flight > h->max_in_flight)
    h->max_in_flight = h->in_flight;
  return PLAN_OK;
}

/* ======================================================================
 * Classification
 * ====================================================================== */

/* The message of an error body (borrowed from root) and whether it marks a
 * quota, billing or oversized-request 429, which waiting never fixes. Knows the
 * OpenAI/Anthropic {"error":{"message","type","code"}} shape, Ollama's
 * {"error":"..."}, vLLM's old flat {"message"} and FastAPI's {"detail"}. */
static const char *error_message(const json_t *root, bool *hopeless) {
  const json_t *e = json_object_get(root, "error");
  const char *msg = NULL;
  *hopeless = false;
  if (json_is_object(e)) {
    msg = plan__json_str(e, "message");
    const char *code = plan__json_str(e, "code");
    const char *type = plan__json_str(e, "type");
    if ((code && !strcmp(code, "insufficient_quota")) ||
        (type && (!strcmp(type, "insufficient_quota") ||
                  !strcmp(type, "billing_error"))))
      *hopeless = true;
  } else if (json_is_string(e)) {
    msg = json_string_value(e);
  }
  if (!msg)
    msg = plan__json_str(root, "message");
  if (!msg)
    msg = plan__json_str(root, "detail");
  if (msg && strstr(msg, "Request too large"))
    *hopeless = true;
  return msg;
}

/* Appends a bounded excerpt of s to b, redacting the key first so that a
 * cut can never leave part of it in the message. */
static void put_redacted_excerpt(const plan__http *h, plan__buf *b,
                                 const char *s, size_t len, size_t max) {
  size_t klen = h->api_key ? strlen(h->api_key) : 0;
  plan__buf tmp;
  plan__buf_init(&tmp, 0);
  plan__buf_append(&tmp, s, PLAN_MIN(len, max + klen));
  redact(&tmp, h->api_key);
  if (tmp.status == PLAN_OK && tmp.data)
    put_excerpt(b, tmp.data, tmp.len, max);
  else
    plan__buf_puts(b, "(out of memory)");
  if (len > max + klen && tmp.len <= max) /* cut here, not by put_excerpt */
    plan__buf_puts(b, "...");
  plan__buf_free(&tmp);
}

/* Describes an error body into b: the message if the body is JSON with
 * one, else a bounded excerpt of the body. */
static void describe_error_body(const plan__http *h, plan__buf *b,
                                const char *body, size_t len, bool *hopeless) {
  *hopeless = false;
  if (!len) {
    plan__buf_puts(b, "(empty body)");
    return;
  }
  json_t *root = json_loadb(body, len, 0, NULL);
  const char *msg = root ? error_message(root, hopeless) : NULL;
  if (msg)
    put_redacted_excerpt(h, b, msg, strlen(msg), 4 * EXCERPT_BYTES);
  else
    put_redacted_excerpt(h, b, body, len, EXCERPT_BYTES);
  json_decref(root);
}

/* Parses a 2xx body into r (status already PLAN_OK). */
static void classify_ok(plan__http *h, struct xfer *x, long code,
                        plan_llm_response *r) {
  json_error_t je;
  json_t *root =
      json_loadb(x->resp.data ? x->resp.data : "", x->resp.len, 0, &je);
  if (!root) {
    plan__http_fail(h, r, PLAN_EPARSE, (int)code,
                    "invalid JSON in HTTP %ld reply at byte %d: %s", code,
                    je.position, je.text);
    return;
  }
  if (!json_is_object(root)) {
    plan__http_fail(h, r, PLAN_EPARSE, (int)code,
                    "HTTP %ld reply is not a JSON object", code);
  } else if (json_object_get(root, "error") &&
             !json_is_null(json_object_get(root, "error"))) {
    bool hopeless;
    const char *msg = error_message(root, &hopeless);
    plan__http_fail(h, r, PLAN_EBACKEND, (int)code,
                    "error object in HTTP %ld reply: %s", code,
                    msg ? msg : "(no message)");
  } else {
    h->prov->parse_ok(h, root, r);
  }
  json_decref(root);
}

/* Frees r's choices after a failed parse, keeping everything else. */
static void drop_choices(plan_llm_response *r) {
  if (!r->n_choices)
    return;
  plan_llm_response tmp;
  plan_llm_response_init(&tmp);
  tmp.choices = r->choices;
  tmp.n_choices = r->n_choices;
  plan_llm_response_clear(&tmp);
  r->choices = NULL;
  r->n_choices = 0;
}

/* Fills r from a finished transfer: the outcome of one attempt, classified
 * for the scheduler (see docs/http.md for the table). */
static void classify(plan__http *h, struct xfer *x, CURLcode rc,
                     plan_llm_response *r) {
  long code = 0;
  long nconn = 0;
  curl_off_t total_us = 0;
  curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &nconn);
  curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us);
  h->connects += (uint64_t)(nconn > 0 ? nconn : 0);
  h->transfers++;

  r->status = PLAN_OK;
  r->http_status = (int)code;
  r->attempts = 1;
  r->latency_ms = (double)total_us / 1000.0;
  r->retry_after_ms = plan__http_retry_after(x->retry_after_ms, x->retry_after,
                                             (int64_t)time(NULL));
  r->should_retry = x->should_retry;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  r->ratelimit_wait_ms = plan__http_ratelimit_wait(
      &x->ratelimit, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
  if (x->request_id[0] && !(r->request_id = plan__strdup(x->request_id))) {
    plan__http_fail(h, r, PLAN_ENOMEM, (int)code, "out of memory");
    return;
  }
  const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);

  if (x->resp.status == PLAN_EBUDGET || rc == CURLE_FILESIZE_EXCEEDED) {
    plan__http_fail(h, r, PLAN_EBUDGET, (int)code,
                    "%s: response larger than max_response_bytes (%zu)",
                    h->endpoint, h->max_response_bytes);
    r->should_retry = 0;
    return;
  }
  if (x->resp.status == PLAN_ENOMEM) {
    plan__http_fail(h, r, PLAN_ENOMEM, (int)code,
                    "%s: out of memory reading the response", h->endpoint);
    return;
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    plan__http_fail(h, r, PLAN_ETIMEOUT, (int)code, "%s: timed out: %s",
                    h->endpoint, detail);
    return;
  }
  if (rc != CURLE_OK) {
    plan__http_fail(h, r, PLAN_EHTTP, (int)code, "%s: %s (curl error %d)",
                    h->endpoint, detail, (int)rc);
    return;
  }
  if (code >= 200 && code < 300) {
    classify_ok(h, x, code, r);
    if (r->status != PLAN_OK)
      drop_choices(r);
    return;
  }
  plan__buf msg;
  plan__buf_init(&msg, 0);
  bool hopeless = false;
  describe_error_body(h, &msg, x->resp.data, x->resp.len, &hopeless);
  plan_status st = (code == 429 || code == 529) ? PLAN_ERATELIMIT : PLAN_EHTTP;
  plan__http_fail(h, r, st, (int)code, "HTTP %ld: %s", code,
                  msg.status == PLAN_OK && msg.data ? msg.data : "");
  plan__buf_free(&msg);
  if (x->should_retry < 0 && code == 429 && hopeless)
    r->should_retry = 0;
}

/* ======================================================================
 * Drive, cancel, destroy
 * ====================================================================== */

/* Completes every finished transfer; returns how many. A ticket's on_done
 * may start new attempts (the transfer is back in the pool by then). */
static unsigned drain(plan__http *h) {
  unsigned done = 0;
  CURLMsg *m;
  int left = 0;
  while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
    if (m->msg != CURLMSG_DONE)
      continue;
    CURL *e = m->easy_handle;
    CURLcode rc = m->data.result;
    char *priv = NULL;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
    struct xfer *x = (struct xfer *)(void *)priv;
    /* m is invalid after the removal. */
    curl_multi_remove_handle(h->multi, e);
    if (PLAN_NEVER(!x || !x->ticket))
      continue;
    plan_llm_ticket *t = x->ticket;
    plan_llm_response *r = plan_llm_ticket_response(t);
    plan_llm_response out;
    plan_llm_response_init(&out);
    classify(h, x, rc, &out);
    plan__llm_response_move(r, &out);
    xfer_release(h, x);
    plan_llm_ticket_done(t);
    done++;
  }
  return done;
}

plan_status plan__http_drive(void *self, long timeout_ms) {
  plan__http *h = self;
  if (!h)
    return PLAN_EMISUSE;
  int running = 0;
  CURLMcode mc = curl_multi_perform(h->multi, &running);
  if (mc != CURLM_OK)
    goto fail;
  if (drain(h) > 0 || timeout_ms <= 0 || h->in_flight == 0)
    return PLAN_OK;
  mc = curl_multi_poll(h->multi, NULL, 0, (int)PLAN_MIN(timeout_ms, 1L << 30),
                       NULL);
  if (mc != CURLM_OK)
    goto fail;
  mc = curl_multi_perform(h->multi, &running);
  if (mc != CURLM_OK)
    goto fail;
  drain(h);
  return PLAN_OK;
fail:
  if (h->llm)
    plan__llm_set_errmsg(h->llm, "%s: curl multi: %s", h->prov->name,
                         curl_multi_strerror(mc));
  return mc == CURLM_OUT_OF_MEMORY ? PLAN_ENOMEM : PLAN_EINTERNAL;
}

void plan__http_cancel_all(void *self) {
  plan__http *h = self;
  if (!h)
    return;
  for (size_t i = 0; i < h->n_pool; i++) {
    struct xfer *x = h->pool[i];
    if (!x->ticket)
      continue;
    curl_multi_remove_handle(h->multi, x->easy);
    xfer_release(h, x);
  }
}

void plan__http_destroy(void *self) {
  plan__http *h = self;
  if (!h)
    return;
  plan__http_cancel_all(h);
  for (size_t i = 0; i < h->n_pool; i++)
    xfer_free(h->pool[i]);
  plan__free(h->pool);
  if (h->multi)
    curl_multi_cleanup(h->multi);
  /* curl_slist_free_all does not wipe; the key lines are wiped first. */
  for (struct curl_slist *l = h->headers; l; l = l->next) {
    volatile char *p = l->data;
    while (p && *p)
      *p++ = 0;
  }
  curl_slist_free_all(h->headers);
  wipe_free(h->api_key);
  plan__free(h->model);
  plan__free(h->url);
  plan__free(h->endpoint);
  plan__free(h->describe);
  plan__free(h);
}

const char *plan__http_describe(void *self) {
  plan__http *h = self;
  return h && h->describe ? h->describe : "";
}

void plan__http_stats_get(const plan__http *h, plan__http_stats *out) {
  memset(out, 0, sizeof *out);
  if (!h)
    return;
  out->transfers = h->transfers;
  out->connects = h->connects;
  out->in_flight = h->in_flight;
  out->max_in_flight = h->max_in_flight;
  out->pool_size = (unsigned)h->n_pool;
}
