/* tests/integration/http_harness.h: the harness the two HTTP backend tests
 * share: a local loop that drives tickets through a backend's vtable
 * without the scheduler, and a one-shot "canned" loopback server that
 * answers one request with fixed bytes and keeps the request it received.
 * It also holds the two mockllm servers the tests share (mock: faults by
 * directive; slow: with latency), stop_servers, and assert_no_key. Include
 * it after test.h, llm/http.h and mockllm_proc.h, with KEY (the test API
 * key) defined. */
#ifndef PLAN_TEST_HTTP_HARNESS_H
#define PLAN_TEST_HTTP_HARNESS_H

static mockllm_proc mock; /* plain server, faults by directive */
static mockllm_proc slow; /* --latency-ms, for the concurrency test */

/* A failed ASSERT exits; the servers must not outlive the test (ctest
 * would wait for them, since they share its output pipe). */
static void stop_servers(void) {
  mockllm_stop(&slow);
  mockllm_stop(&mock);
}

/* ======================================================================
 * Harness
 * ====================================================================== */

static double now_ms(void) {
  return (double)plan__now_ns(NULL) / 1e6;
}

static void assert_no_key(const char *s) {
  if (s && strstr(s, KEY)) {
    fprintf(stderr, "the API key leaked into: %s\n", s);
    exit(1);
  }
}

static void count_done(plan_llm_ticket *t, void *ud) {
  (void)t;
  (*(size_t *)ud)++;
}

/* Starts every request at once, drives until all are done (failing the
 * test past limit_ms), moves the responses into out and returns the
 * elapsed milliseconds. */
static double run_batch(plan_llm *llm, const plan_llm_request *reqs, size_t n,
                        plan_llm_response *out, long limit_ms) {
  const plan_llm_vtbl *vt = plan_llm_vtable(llm);
  void *self = plan_llm_self(llm);
  plan_llm_ticket *t = calloc(n, sizeof *t);
  ASSERT(t);
  size_t done = 0;
  double t0 = now_ms();
  for (size_t i = 0; i < n; i++) {
    plan__llm_ticket_init(&t[i], count_done, &done);
    ASSERT_OK(vt->start(self, &reqs[i], &t[i]));
  }
  ASSERT_EQ(done, 0); /* never completed from start() */
  while (done < n) {
    ASSERT_OK(vt->drive(self, 50));
    ASSERT(now_ms() - t0 < (double)test_timeout_ms(limit_ms));
  }
  double elapsed = now_ms() - t0;
  for (size_t i = 0; i < n; i++) {
    ASSERT(t[i].done);
    plan_llm_response_init(&out[i]);
    plan__llm_response_move(&out[i], &t[i].resp);
    assert_no_key(out[i].error);
    if (getenv("PLAN_TEST_VERBOSE"))
      fprintf(stderr,
              "   %s http=%d retry_after_ms=%lld should_retry=%d "
              "%.1f ms: %s\n",
              plan_status_name(out[i].status), out[i].http_status,
              (long long)out[i].retry_after_ms, out[i].should_retry,
              out[i].latency_ms,
              out[i].error ? out[i].error
                           : (out[i].n_choices ? out[i].choices[0].text : ""));
  }
  free(t);
  assert_no_key(plan_llm_errmsg(llm));
  return elapsed;
}

static plan_message msg_user(const char *text) {
  plan_message m = {"user", text};
  return m;
}

/* One request: base (NULL: defaults) with the single user message prompt,
 * unless base brings its own messages. */
static double ask(plan_llm *llm, const char *prompt,
                  const plan_llm_request *base, plan_llm_response *out) {
  plan_llm_request req;
  if (base)
    req = *base;
  else
    plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  plan_message m = msg_user(prompt);
  if (!req.n_messages) {
    req.messages = &m;
    req.n_messages = 1;
  }
  return run_batch(llm, &req, 1, out, 10000);
}

/* A port on which nothing listens: bound, read, closed. */
static int dead_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT(fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
  socklen_t len = sizeof a;
  ASSERT(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
  close(fd);
  return ntohs(a.sin_port);
}

/* A one-shot canned server for what the double does not produce (odd
 * headers, bodies of unknown length, unusual reply shapes) and to see the
 * exact request on the wire: it accepts one connection, reads one request
 * (headers and Content-Length bytes), writes reply verbatim and closes.
 * canned_finish joins the thread; then request holds what was sent. */
typedef struct canned {
  int fd;
  int port;
  pthread_t thread;
  const char *reply;
  char request[16384];
  size_t request_len;
} canned;

static void *canned_main(void *ud) {
  canned *c = ud;
  int conn = accept(c->fd, NULL, NULL);
  if (conn < 0)
    return NULL;
  size_t need = 0;
  while (c->request_len + 1 < sizeof c->request) {
    ssize_t n = recv(conn, c->request + c->request_len,
                     sizeof c->request - 1 - c->request_len, 0);
    if (n <= 0)
      break;
    c->request_len += (size_t)n;
    c->request[c->request_len] = '\0';
    char *end = strstr(c->request, "\r\n\r\n");
    if (end && !need) {
      const char *cl = strstr(c->request, "Content-Length: ");
      need = (size_t)(end + 4 - c->request) +
             (cl ? (size_t)strtoul(cl + 16, NULL, 10) : 0);
    }
    if (need && c->request_len >= need)
      break;
  }
  send(conn, c->reply, strlen(c->reply), MSG_NOSIGNAL);
  shutdown(conn, SHUT_WR);
  char sink[256];
  while (recv(conn, sink, sizeof sink, 0) > 0) {
  }
  close(conn);
  return NULL;
}

static void canned_start(canned *c, const char *reply) {
  memset(c, 0, sizeof *c);
  c->reply = reply;
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT(c->fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT(bind(c->fd, (struct sockaddr *)&a, sizeof a) == 0);
  ASSERT(listen(c->fd, 4) == 0);
  socklen_t len = sizeof a;
  ASSERT(getsockname(c->fd, (struct sockaddr *)&a, &len) == 0);
  c->port = ntohs(a.sin_port);
  ASSERT(pthread_create(&c->thread, NULL, canned_main, c) == 0);
}

static void canned_finish(canned *c) {
  shutdown(c->fd, SHUT_RDWR); /* wakes accept if nobody came */
  pthread_join(c->thread, NULL);
  close(c->fd);
}

/* The body of the request the canned server received. */
static const char *canned_body(const canned *c) {
  const char *end = strstr(c->request, "\r\n\r\n");
  return end ? end + 4 : "";
}
#endif /* PLAN_TEST_HTTP_HARNESS_H */
