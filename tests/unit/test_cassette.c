/* tests/unit/test_cassette.c: the record/replay backend (llm/cassette.c).
 * The inner backends are fakes defined here with plan_llm_custom_create:
 * an asynchronous one (FIFO or LIFO completion, with or without
 * cancel_all) and a blocking one. The tests drive the cassette through its
 * vtable the way the scheduler does: start() per attempt, drive() until
 * the tickets are done. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "core/json.h"
#include "llm/cassette.h"
#include "llm/llm.h"
#include "test.h"

/* ======================================================================
 * Fake inner backends
 * ====================================================================== */

#define FAKE_MAX 64

struct fake {
  bool lifo;        /* complete queued tickets newest first */
  unsigned calls;   /* attempts started */
  unsigned flaky;   /* "flaky" prompts seen */
  unsigned cancels; /* cancel_all calls */
  plan_llm_ticket *q[FAKE_MAX];
  const plan_llm_request *qreq[FAKE_MAX];
  unsigned qcall[FAKE_MAX];
  size_t n;
};

/* Replies for "say:N": secrets that appear only in the response. */
static const char *const canned[] = {
    "your key is sk-proj-abcdefghijklmnopqrstuvwx0123.",
    "sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA",
    "the password is hunter2hunter2xyz",
    "x pa\"ss\\word-1234 y",
    "sk-abcdefghijklmnopqrstuvwxyz",
};

/* The fake's answer: "flaky" is a 429 the first time; "leak:X" replies X;
 * "say:N" replies canned[N];
 * "lp" carries logprobs; "timeout" makes complete() fail; anything else
 * replies "reply to P sample S call C" (n choices). */
static plan_status fake_fill(struct fake *f, const plan_llm_request *req,
                             unsigned call, plan_llm_response *resp) {
  const char *p = plan__llm_prompt(req);
  if (!strcmp(p, "flaky") && f->flaky++ == 0) {
    plan_llm_response_set_error(resp, PLAN_ERATELIMIT, 429,
                                "rate limited (call %u)", call);
    resp->retry_after_ms = 25;
    resp->should_retry = 1;
    return PLAN_OK;
  }
  if (!strcmp(p, "timeout"))
    return PLAN_ETIMEOUT;
  char text[256];
  if (!strncmp(p, "leak:", 5))
    snprintf(text, sizeof text, "%s", p + 5);
  else if (!strncmp(p, "say:", 4))
    snprintf(text, sizeof text, "%s", canned[p[4] - '0']);
  else
    snprintf(text, sizeof text, "reply to %s sample %u call %u", p,
             req->sample_index, call);
  for (unsigned i = 0; i < (req->n ? req->n : 1); i++) {
    plan_status st = plan_llm_response_add_choice(resp, text, strlen(text),
                                                  PLAN_FINISH_STOP);
    if (st != PLAN_OK) {
      plan_llm_response_set_error(resp, st, 0, "fake: out of memory");
      return PLAN_OK;
    }
  }
  if (!strcmp(p, "lp")) {
    plan_llm_choice *c = &resp->choices[0];
    c->logprobs = plan__calloc(1, sizeof *c->logprobs);
    if (c->logprobs) {
      c->n_logprobs = 1;
      c->logprobs[0].token = plan__strdup("tok");
      c->logprobs[0].logprob = -0.25;
      c->logprobs[0].top = plan__calloc(1, sizeof *c->logprobs[0].top);
      if (c->logprobs[0].top) {
        c->logprobs[0].n_top = 1;
        c->logprobs[0].top[0].token = plan__strdup("alt");
        c->logprobs[0].top[0].logprob = -1.5;
      }
    }
    c->finish = PLAN_FINISH_LENGTH;
    c->truncated = true;
  }
  resp->http_status = 200;
  resp->prompt_tokens = 10 + call;
  resp->completion_tokens = 5;
  resp->latency_ms = 123.0;
  resp->model = plan__strdup("fake-model");
  char rid[32];
  snprintf(rid, sizeof rid, "req-%u", call);
  resp->request_id = plan__strdup(rid);
  return PLAN_OK;
}

static plan_status fake_start(void *self, const plan_llm_request *req,
                              plan_llm_ticket *t) {
  struct fake *f = self;
  if (!strcmp(plan__llm_prompt(req), "nostart"))
    return PLAN_EIO;
  ASSERT(f->n < FAKE_MAX);
  f->q[f->n] = t;
  f->qreq[f->n] = req;
  f->qcall[f->n] = ++f->calls;
  f->n++;
  return PLAN_OK;
}

static plan_status fake_drive(void *self, long timeout_ms) {
  struct fake *f = self;
  (void)timeout_ms;
  while (f->n > 0) {
    size_t i = f->lifo ? f->n - 1 : 0;
    plan_llm_ticket *t = f->q[i];
    const plan_llm_request *req = f->qreq[i];
    unsigned call = f->qcall[i];
    memmove(&f->q[i], &f->q[i + 1], (f->n - i - 1) * sizeof f->q[0]);
    memmove(&f->qreq[i], &f->qreq[i + 1], (f->n - i - 1) * sizeof f->qreq[0]);
    memmove(&f->qcall[i], &f->qcall[i + 1],
            (f->n - i - 1) * sizeof f->qcall[0]);
    f->n--;
    plan_status st = fake_fill(f, req, call, plan_llm_ticket_response(t));
    if (st != PLAN_OK)
      plan_llm_response_set_error(plan_llm_ticket_response(t), st, 0,
                                  "fake: %s", plan_strerror(st));
    plan_llm_ticket_done(t);
  }
  return PLAN_OK;
}

static plan_status fake_complete(void *self, const plan_llm_request *req,
                                 plan_llm_response *resp) {
  struct fake *f = self;
  return fake_fill(f, req, ++f->calls, resp);
}

static void fake_cancel_all(void *self) {
  struct fake *f = self;
  f->n = 0;
  f->cancels++;
}

static void fake_destroy(void *self) {
  (void)self;
}

static const plan_llm_vtbl fake_async_vtbl = {
    PLAN_LLM_ABI_VERSION, "fake-async", PLAN_LLM_CAP_N,
    fake_start,           fake_drive,   NULL,
    fake_cancel_all,      fake_destroy, NULL};
static const plan_llm_vtbl fake_nocancel_vtbl = {PLAN_LLM_ABI_VERSION,
                                                 "fake-nocancel",
                                                 0,
                                                 fake_start,
                                                 fake_drive,
                                                 NULL,
                                                 NULL,
                                                 fake_destroy,
                                                 NULL};
static const plan_llm_vtbl fake_nocap_vtbl = {
    PLAN_LLM_ABI_VERSION, "fake-nocap", 0,   fake_start, fake_drive, NULL,
    fake_cancel_all,      fake_destroy, NULL};
static const plan_llm_vtbl fake_blocking_vtbl = {PLAN_LLM_ABI_VERSION,
                                                 "fake-blocking",
                                                 0,
                                                 NULL,
                                                 NULL,
                                                 fake_complete,
                                                 NULL,
                                                 fake_destroy,
                                                 NULL};

static plan_llm *fake_new(const plan_llm_vtbl *vt, struct fake *f) {
  memset(f, 0, sizeof *f);
  plan_llm *llm = NULL;
  ASSERT_OK(plan_llm_custom_create(vt, f, &llm, NULL));
  return llm;
}

/* ======================================================================
 * Helpers
 * ====================================================================== */

/* A request "system + user prompt" with a sample index. */
struct req {
  plan_message msgs[2];
  plan_llm_request r;
};

static void req_make(struct req *q, const char *prompt, unsigned sample) {
  plan_llm_request_init(&q->r, PLAN_LLM_REQUEST_VERSION);
  q->msgs[0].role = "system";
  q->msgs[0].content = "You are terse.";
  q->msgs[1].role = "user";
  q->msgs[1].content = prompt;
  q->r.model = "m1";
  q->r.messages = q->msgs;
  q->r.n_messages = 2;
  q->r.sample_index = sample;
}

struct outer {
  plan_llm_ticket t;
  int order; /* 1-based completion order, 0 while pending */
};

static int done_count;

static void outer_done(plan_llm_ticket *t, void *ud) {
  (void)t;
  struct outer *o = ud;
  o->order = ++done_count;
}

static const plan_llm_vtbl *vt(plan_llm *llm) {
  return plan_llm_vtable(llm);
}

/* Starts every request (as attempts) and drives until all are done. */
static void run(plan_llm *llm, struct req *reqs, size_t n,
                plan_llm_response *out, int *order) {
  struct outer *o = calloc(n, sizeof *o);
  ASSERT(o);
  done_count = 0;
  for (size_t i = 0; i < n; i++) {
    plan__llm_ticket_init(&o[i].t, outer_done, &o[i]);
    ASSERT_OK(vt(llm)->start(plan_llm_self(llm), &reqs[i].r, &o[i].t));
  }
  for (int round = 0; round < 100 && done_count < (int)n; round++)
    ASSERT_OK(vt(llm)->drive(plan_llm_self(llm), 10));
  ASSERT_EQ(done_count, n);
  for (size_t i = 0; i < n; i++) {
    plan_llm_response_init(&out[i]);
    plan__llm_response_move(&out[i], &o[i].t.resp);
    if (order)
      order[i] = o[i].order;
  }
  free(o);
}

static void run1(plan_llm *llm, struct req *q, plan_llm_response *out) {
  run(llm, q, 1, out, NULL);
}

/* The response's canonical JSON (latency and attempts are not part of
 * it); free with plan__free. */
static char *resp_str(const plan_llm_response *r) {
  json_t *j = plan__llm_response_to_json(r);
  ASSERT(j);
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__json_canonical(j, &b));
  json_decref(j);
  return plan__buf_take(&b);
}

static char tmpdir[1024];

/* The path of name in the test's scratch directory. Paths are interned
 * (the same name gives the same pointer, valid until main frees them). */
static char *paths[64];
static size_t n_paths;

static const char *tmp_path(const char *name) {
  char buf[1200];
  snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
  for (size_t i = 0; i < n_paths; i++)
    if (!strcmp(paths[i], buf))
      return paths[i];
  ASSERT(n_paths < 64);
  paths[n_paths] = strdup(buf);
  ASSERT(paths[n_paths]);
  return paths[n_paths++];
}

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  ASSERT(s);
  ASSERT_EQ(fread(s, 1, (size_t)n, f), n);
  s[n] = '\0';
  fclose(f);
  return s;
}

static void write_all(const char *path, const char *s) {
  FILE *f = fopen(path, "wb");
  ASSERT(f);
  ASSERT_EQ(fwrite(s, 1, strlen(s), f), strlen(s));
  fclose(f);
}

static bool exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

static int count_lines(const char *s) {
  int n = 0;
  for (; s && *s; s++)
    n += *s == '\n';
  return n;
}

/* Line i (1-based) of s as a new string. */
static char *line_of(const char *s, int i) {
  for (int k = 1; k < i; k++) {
    s = strchr(s, '\n');
    ASSERT(s);
    s++;
  }
  const char *e = strchr(s, '\n');
  size_t n = e ? (size_t)(e - s) : strlen(s);
  char *out = malloc(n + 1);
  ASSERT(out);
  memcpy(out, s, n);
  out[n] = '\0';
  return out;
}

/* Records the given prompts (sample 0) through an async fake into path. */
static void record_file(const char *path, const char *const *prompts,
                        size_t n) {
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  plan_llm *cas = NULL;
  remove(path);
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  for (size_t i = 0; i < n; i++) {
    struct req q;
    plan_llm_response r;
    req_make(&q, prompts[i], 0);
    run1(cas, &q, &r);
    plan_llm_response_clear(&r);
  }
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);
}

static plan_llm *open_replay(const char *path) {
  plan_llm *cas = NULL;
  plan_error err;
  plan_status st =
      plan_llm_cassette_create(NULL, path, PLAN_CASSETTE_REPLAY, &cas, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "open_replay: %s\n", err.text);
  ASSERT_OK(st);
  return cas;
}

/* ======================================================================
 * Tests
 * ====================================================================== */

static void test_mode_parse(void) {
  plan_cassette_mode m;
  ASSERT_OK(plan_cassette_mode_parse("replay", &m));
  ASSERT_EQ(m, PLAN_CASSETTE_REPLAY);
  ASSERT_OK(plan_cassette_mode_parse("record", &m));
  ASSERT_EQ(m, PLAN_CASSETTE_RECORD);
  ASSERT_OK(plan_cassette_mode_parse("record-new", &m));
  ASSERT_EQ(m, PLAN_CASSETTE_RECORD_NEW);
  ASSERT_OK(plan_cassette_mode_parse("new", &m));
  ASSERT_EQ(m, PLAN_CASSETTE_RECORD_NEW);
  ASSERT_STATUS(plan_cassette_mode_parse("Record", &m), PLAN_EINVAL);
  ASSERT_EQ(m, PLAN_CASSETTE_REPLAY);
  ASSERT_STATUS(plan_cassette_mode_parse("", &m), PLAN_EINVAL);
  ASSERT_STATUS(plan_cassette_mode_parse(NULL, &m), PLAN_EMISUSE);
  ASSERT_STATUS(plan_cassette_mode_parse("replay", NULL), PLAN_EMISUSE);
}

/* Records a batch through `inner`, then replays it with no inner backend:
 * every response is identical (apart from latency, which is 0). */
static void record_then_replay(const plan_llm_vtbl *ivt, const char *name) {
  const char *path = tmp_path(name);
  remove(path);
  struct fake f;
  plan_llm *inner = fake_new(ivt, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  ASSERT_STR_EQ(plan_llm_name(cas), "cassette");
  ASSERT_EQ(vt(cas)->caps, ivt->caps);
  ASSERT_CONTAINS(vt(cas)->describe(plan_llm_self(cas)), "record");
  struct req q[4];
  req_make(&q[0], "alpha", 0);
  req_make(&q[1], "beta", 0);
  req_make(&q[2], "lp", 0);
  req_make(&q[3], "gamma", 0);
  q[3].r.n = 2;
  q[3].r.temperature = 0.7;
  plan_llm_response rec[4], rep[4];
  run(cas, q, 4, rec, NULL);
  ASSERT_EQ(f.calls, 4);
  for (int i = 0; i < 4; i++)
    ASSERT_OK(rec[i].status);
  ASSERT_EQ(rec[3].n_choices, 2);
  ASSERT_EQ(rec[2].choices[0].n_logprobs, 1);
  ASSERT_NEAR(rec[0].latency_ms, 123.0, 1e-9); /* the inner's, untouched */
  ASSERT_OK(plan_llm_cassette_save(cas));
  ASSERT(!exists(tmp_path("record_async.jsonl.tmp")));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);

  char *file = read_all(path);
  ASSERT(file);
  ASSERT_EQ(count_lines(file), 5);
  char *hdr = line_of(file, 1);
  char want[128];
  snprintf(want, sizeof want,
           "{\"created_by\":\"plan %s\",\"plan_cassette\":1}", plan_version());
  ASSERT_STR_EQ(hdr, want);
  free(hdr);
  char *l2 = line_of(file, 2);
  ASSERT(!strncmp(l2, "{\"attempt\":1,\"key\":\"", 20));
  ASSERT_CONTAINS(l2, "\"request\":{\"messages\":[");
  ASSERT_CONTAINS(l2, "\"response\":{\"choices\":[");
  free(l2);
  free(file);

  cas = open_replay(path);
  ASSERT_EQ(vt(cas)->caps, PLAN_LLM_CAP_REPLAY | PLAN_LLM_CAP_N);
  run(cas, q, 4, rep, NULL);
  for (int i = 0; i < 4; i++) {
    char *a = resp_str(&rec[i]);
    char *b = resp_str(&rep[i]);
    ASSERT_STR_EQ(a, b);
    plan__free(a);
    plan__free(b);
    ASSERT_NEAR(rep[i].latency_ms, 0.0, 0.0);
    plan_llm_response_clear(&rec[i]);
    plan_llm_response_clear(&rep[i]);
  }
  ASSERT(rep[2].choices == NULL);
  plan_llm_destroy(cas);
  remove(path);
}

static void test_record_replay_async(void) {
  record_then_replay(&fake_async_vtbl, "record_async.jsonl");
}

static void test_record_replay_blocking(void) {
  record_then_replay(&fake_blocking_vtbl, "record_blocking.jsonl");
}

/* A 429 then a 200 for the same key replay as a 429 then a 200, with every
 * error field intact; a third attempt is a miss that says so. */
static void test_attempt_order(void) {
  const char *path = tmp_path("attempts.jsonl");
  remove(path);
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  struct req q;
  req_make(&q, "flaky", 0);
  plan_llm_response a1, a2, r1, r2, r3;
  run1(cas, &q, &a1);
  run1(cas, &q, &a2);
  ASSERT_STATUS(a1.status, PLAN_ERATELIMIT);
  ASSERT_OK(a2.status);
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);

  char *file = read_all(path);
  char *l2 = line_of(file, 2), *l3 = line_of(file, 3);
  ASSERT(!strncmp(l2, "{\"attempt\":1,", 13));
  ASSERT(!strncmp(l3, "{\"attempt\":2,", 13));
  ASSERT_CONTAINS(l2, "\"should_retry\":true");
  free(l2);
  free(l3);
  free(file);

  cas = open_replay(path);
  run1(cas, &q, &r1);
  run1(cas, &q, &r2);
  run1(cas, &q, &r3);
  ASSERT_STATUS(r1.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r1.http_status, 429);
  ASSERT_STR_EQ(r1.error, a1.error);
  ASSERT_EQ(r1.retry_after_ms, 25);
  ASSERT_EQ(r1.should_retry, 1);
  ASSERT_OK(r2.status);
  ASSERT_STR_EQ(r2.choices[0].text, a2.choices[0].text);
  ASSERT_STATUS(r3.status, PLAN_ENOTFOUND);
  ASSERT_EQ(r3.should_retry, 0);
  ASSERT_CONTAINS(r3.error, "(attempt 3)");
  ASSERT_CONTAINS(r3.error, "attempt 2 (differs in the attempt count");
  plan_llm_response_clear(&a1);
  plan_llm_response_clear(&a2);
  plan_llm_response_clear(&r1);
  plan_llm_response_clear(&r2);
  plan_llm_response_clear(&r3);
  plan_llm_destroy(cas);
  remove(path);
}

/* Samples started together and answered newest first are written in the
 * order they were started, and each replays its own recording whatever
 * order the replay starts them in. */
static void test_concurrent_samples(void) {
  const char *path = tmp_path("samples.jsonl");
  remove(path);
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  f.lifo = true;
  plan_llm *cas = NULL;
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  struct req q[3];
  for (unsigned i = 0; i < 3; i++)
    req_make(&q[i], "same", i);
  plan_llm_response rec[3], rep[3];
  int order[3];
  run(cas, q, 3, rec, order);
  ASSERT_EQ(order[0], 3); /* the fake answered in reverse */
  ASSERT_EQ(order[2], 1);
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);

  char *file = read_all(path);
  for (int i = 0; i < 3; i++) {
    char *l = line_of(file, i + 2);
    char tag[8];
    snprintf(tag, sizeof tag, "#%d\"", i);
    ASSERT_CONTAINS(l, tag);
    free(l);
  }
  free(file);

  cas = open_replay(path);
  struct req p[3];
  req_make(&p[0], "same", 2);
  req_make(&p[1], "same", 0);
  req_make(&p[2], "same", 1);
  run(cas, p, 3, rep, order);
  ASSERT_STR_EQ(rep[0].choices[0].text, rec[2].choices[0].text);
  ASSERT_STR_EQ(rep[1].choices[0].text, rec[0].choices[0].text);
  ASSERT_STR_EQ(rep[2].choices[0].text, rec[1].choices[0].text);
  ASSERT_EQ(order[0], 1); /* replay completes in start order */
  ASSERT_EQ(order[2], 3);
  for (int i = 0; i < 3; i++) {
    plan_llm_response_clear(&rec[i]);
    plan_llm_response_clear(&rep[i]);
  }
  plan_llm_destroy(cas);
  remove(path);
}

static void test_miss_message(void) {
  const char *path = tmp_path("miss.jsonl");
  const char *prompts[] = {"alpha", "a much longer prompt about beta"};
  record_file(path, prompts, 2);
  plan_llm *cas = open_replay(path);
  struct req q;
  plan_llm_response r;
  char key[PLAN__LLM_KEY_SIZE], key0[PLAN__LLM_KEY_SIZE];

  /* Another sample index of a recorded request. */
  req_make(&q, "alpha", 1);
  ASSERT_OK(plan__llm_request_key(&q.r, NULL, key));
  q.r.sample_index = 0;
  ASSERT_OK(plan__llm_request_key(&q.r, NULL, key0));
  q.r.sample_index = 1;
  run1(cas, &q, &r);
  ASSERT_STATUS(r.status, PLAN_ENOTFOUND);
  ASSERT_CONTAINS(r.error, "cassette miss: key ");
  ASSERT_CONTAINS(r.error, key);
  ASSERT_CONTAINS(r.error, "(attempt 1)");
  ASSERT_CONTAINS(r.error, path);
  char want[128];
  snprintf(want, sizeof want, "nearest: %s (differs in sample_index)", key0);
  ASSERT_CONTAINS(r.error, want);
  ASSERT_CONTAINS(plan_llm_errmsg(cas), "cassette miss");
  plan_llm_response_clear(&r);

  /* A changed prompt: the nearest request and the field that differs. */
  req_make(&q, "alphx", 0);
  run1(cas, &q, &r);
  snprintf(want, sizeof want, "nearest: %s (differs in messages[1].content)",
           key0);
  ASSERT_CONTAINS(r.error, want);
  plan_llm_response_clear(&r);

  /* A changed temperature. */
  req_make(&q, "a much longer prompt about beta", 0);
  q.r.temperature = 0.5;
  run1(cas, &q, &r);
  ASSERT_CONTAINS(r.error, "(differs in temperature)");
  plan_llm_response_clear(&r);

  /* An extra message. */
  plan_message three[3] = {
      {"system", "You are terse."}, {"user", "alpha"}, {"user", "more"}};
  req_make(&q, "alpha", 0);
  q.r.messages = three;
  q.r.n_messages = 3;
  run1(cas, &q, &r);
  ASSERT_CONTAINS(r.error, "(differs in messages[2])");
  plan_llm_response_clear(&r);
  plan_llm_destroy(cas);

  /* An empty cassette. */
  write_all(path, "{\"plan_cassette\":1}\n");
  cas = open_replay(path);
  req_make(&q, "alpha", 0);
  run1(cas, &q, &r);
  ASSERT_CONTAINS(r.error, "the cassette has no recordings");
  plan_llm_response_clear(&r);
  plan_llm_destroy(cas);
  remove(path);
}

/* RECORD_NEW answers known attempts from the file and records the rest;
 * the saved file keeps the old lines first. */
static void test_record_new(void) {
  const char *path = tmp_path("record_new.jsonl");
  const char *prompts[] = {"alpha"};
  record_file(path, prompts, 1);
  char *before = read_all(path);
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD_NEW,
                                     &cas, NULL));
  struct req q[2];
  req_make(&q[0], "alpha", 0);
  req_make(&q[1], "beta", 0);
  plan_llm_response r[2];
  run(cas, q, 2, r, NULL);
  ASSERT_EQ(f.calls, 1); /* only beta went to the inner backend */
  ASSERT_NEAR(r[0].latency_ms, 0.0, 0.0);
  ASSERT_CONTAINS(r[0].choices[0].text, "reply to alpha");
  ASSERT_CONTAINS(r[1].choices[0].text, "reply to beta");
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);
  char *after = read_all(path);
  ASSERT_EQ(count_lines(after), 3);
  ASSERT(!strncmp(after, before, strlen(before))); /* old lines unchanged */
  ASSERT_CONTAINS(after + strlen(before), "beta");

  cas = open_replay(path);
  plan_llm_response p[2];
  run(cas, q, 2, p, NULL);
  for (int i = 0; i < 2; i++) {
    char *a = resp_str(&r[i]);
    char *b = resp_str(&p[i]);
    ASSERT_STR_EQ(a, b);
    plan__free(a);
    plan__free(b);
    plan_llm_response_clear(&r[i]);
    plan_llm_response_clear(&p[i]);
  }
  plan_llm_destroy(cas);
  free(before);
  free(after);
  remove(path);
}

/* Saving is atomic (no .tmp left, the old file intact when a save fails)
 * and re-saving an unchanged cassette is byte-identical. */
static void test_save(void) {
  const char *path = tmp_path("save.jsonl");
  const char *prompts[] = {"one", "two", "three"};
  record_file(path, prompts, 3);
  char *a = read_all(path);
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD_NEW,
                                     &cas, NULL));
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  char *b = read_all(path);
  ASSERT_STR_EQ(a, b);
  free(b);

  /* The in-memory form renders the same bytes. */
  plan_llm *mem = NULL;
  ASSERT_OK(plan__cassette_load_buf(a, strlen(a), "mem", &mem, NULL));
  char *d = NULL;
  size_t dlen = 0;
  ASSERT_OK(plan__cassette_dump(mem, &d, &dlen));
  ASSERT_EQ(dlen, strlen(a));
  ASSERT_STR_EQ(d, a);
  plan__free(d);
  ASSERT_STATUS(plan_llm_cassette_save(mem), PLAN_EMISUSE);
  plan_llm_destroy(mem);

  /* REPLAY never writes. */
  cas = open_replay(path);
  remove(path);
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  ASSERT(!exists(path));
  write_all(path, a);

  /* Nothing new: destroy does not rewrite the file. */
  ASSERT_OK(plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD_NEW,
                                     &cas, NULL));
  remove(path);
  plan_llm_destroy(cas);
  ASSERT(!exists(path));

  /* Unsaved recordings are saved at destroy. */
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  struct req q;
  plan_llm_response r;
  req_make(&q, "autosave", 0);
  run1(cas, &q, &r);
  plan_llm_response_clear(&r);
  plan_llm_destroy(cas);
  b = read_all(path);
  ASSERT_EQ(count_lines(b), 2);
  ASSERT_CONTAINS(b, "autosave");
  free(b);

  /* RECORD starts a fresh recording: old lines are dropped. */
  write_all(path, a);
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  req_make(&q, "fresh", 0);
  run1(cas, &q, &r);
  plan_llm_response_clear(&r);
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  b = read_all(path);
  ASSERT_EQ(count_lines(b), 2);
  ASSERT(!strstr(b, "\"one\""));
  free(b);

  /* A directory that does not exist: EIO, nothing left behind. */
  const char *bad = tmp_path("no-such-dir/x.jsonl");
  ASSERT_OK(
      plan_llm_cassette_create(inner, bad, PLAN_CASSETTE_RECORD, &cas, NULL));
  run1(cas, &q, &r);
  plan_llm_response_clear(&r);
  ASSERT_STATUS(plan_llm_cassette_save(cas), PLAN_EIO);
  ASSERT_CONTAINS(plan_llm_errmsg(cas), "cannot write");
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);
  free(a);
  remove(path);
}

/* Records prompt through a fresh cassette at path in `mode` and returns
 * the save status (the cassette's message in msg). */
static plan_status record_and_save(const char *path, plan_cassette_mode mode,
                                   const char *prompt, const char *secret,
                                   char *msg, size_t size) {
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(plan_llm_cassette_create(inner, path, mode, &cas, NULL));
  if (secret)
    ASSERT_OK(plan__llm_cassette_add_secret(cas, secret));
  struct req q;
  plan_llm_response r;
  req_make(&q, prompt, 0);
  run1(cas, &q, &r);
  plan_llm_response_clear(&r);
  plan_status st = plan_llm_cassette_save(cas);
  snprintf(msg, size, "%s", plan_llm_errmsg(cas));
  plan_llm_destroy(cas); /* the automatic save fails the same way */
  plan_llm_destroy(inner);
  return st;
}

static void test_secret_scan(void) {
  const char *path = tmp_path("secret.jsonl");
  const char *tmp = tmp_path("secret.jsonl.tmp");
  char msg[256];
  remove(path);

  /* An OpenAI-style key in a reply. */
  ASSERT_STATUS(record_and_save(path, PLAN_CASSETTE_RECORD, "say:0", NULL, msg,
                                sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "secret.jsonl:2: refusing to save");
  ASSERT_CONTAINS(msg, "response");
  ASSERT_CONTAINS(msg, "an API key (sk-...)");
  ASSERT_CONTAINS(msg, "nothing was written");
  ASSERT(!strstr(msg, "abcdefghij"));
  ASSERT(!exists(path));
  ASSERT(!exists(tmp));

  /* An Anthropic key. */
  ASSERT_STATUS(record_and_save(path, PLAN_CASSETTE_RECORD, "say:1", NULL, msg,
                                sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "Anthropic API key");
  ASSERT(!strstr(msg, "AAAAAAAA"));

  /* A registered secret, also with a character JSON escapes. */
  ASSERT_STATUS(record_and_save(path, PLAN_CASSETTE_RECORD, "say:2",
                                "hunter2hunter2xyz", msg, sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "registered secret");
  ASSERT(!strstr(msg, "hunter2"));
  ASSERT_STATUS(record_and_save(path, PLAN_CASSETTE_RECORD, "say:3",
                                "pa\"ss\\word-1234", msg, sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "registered secret");
  ASSERT(!strstr(msg, "word-1234"));

  /* Header-shaped text in a request. */
  ASSERT_STATUS(record_and_save(path, PLAN_CASSETTE_RECORD,
                                "Authorization: Bearer abcdefghijklmnopqrstuv",
                                NULL, msg, sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "the request of key");
  ASSERT_CONTAINS(msg, "bearer token");
  ASSERT(!strstr(msg, "abcdefghijkl"));
  ASSERT_STATUS(record_and_save(path, PLAN_CASSETTE_RECORD,
                                "send x-api-key: 0123456789abcdef", NULL, msg,
                                sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "x-api-key header");
  ASSERT(!exists(path));
  ASSERT(!exists(tmp));

  /* Look-alikes are fine: "sk-" inside a word, short values, a short
   * registered secret (ignored). */
  ASSERT_OK(record_and_save(path, PLAN_CASSETTE_RECORD,
                            "leak:the task-abcdefghijklmnopqrstuvwxyz and "
                            "sk-short; Authorization: header; Bearer x",
                            "EMPTY", msg, sizeof msg));
  ASSERT(exists(path));

  /* A failed RECORD_NEW save leaves the existing file as it was. */
  char *before = read_all(path);
  ASSERT_STATUS(record_and_save(path, PLAN_CASSETTE_RECORD_NEW, "say:4", NULL,
                                msg, sizeof msg),
                PLAN_EINVAL);
  ASSERT_CONTAINS(msg, "secret.jsonl:3:");
  char *after = read_all(path);
  ASSERT_STR_EQ(before, after);
  ASSERT(!exists(tmp));
  free(before);
  free(after);
  remove(path);
}

/* Loads text as a REPLAY cassette file and expects failure `want` with a
 * message containing `needle` at `line`. */
static void expect_load_error(const char *text, plan_status want, int line,
                              const char *needle) {
  const char *path = tmp_path("bad.jsonl");
  write_all(path, text);
  plan_llm *cas = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st =
      plan_llm_cassette_create(NULL, path, PLAN_CASSETTE_REPLAY, &cas, &err);
  if (st != want || err.line != line || !strstr(err.text, needle))
    fprintf(stderr, "load error: %s (line %d): %s\n", plan_status_name(st),
            err.line, err.text);
  ASSERT_STATUS(st, want);
  ASSERT(cas == NULL);
  ASSERT_EQ(err.line, line);
  ASSERT_CONTAINS(err.text, needle);
  if (line) {
    char where[64];
    snprintf(where, sizeof where, "bad.jsonl:%d: ", line);
    ASSERT_CONTAINS(err.text, where);
  }
  /* The same through the in-memory loader. */
  plan_llm *mem = NULL;
  ASSERT_STATUS(plan__cassette_load_buf(text, strlen(text), "mem", &mem, &err),
                want);
  ASSERT(mem == NULL);
  remove(path);
}

/* s with the first occurrence of a replaced by b (a new string). */
static char *replace(const char *s, const char *a, const char *b) {
  const char *p = strstr(s, a);
  ASSERT(p);
  size_t n = strlen(s) - strlen(a) + strlen(b);
  char *out = malloc(n + 1);
  ASSERT(out);
  size_t k = (size_t)(p - s);
  memcpy(out, s, k);
  memcpy(out + k, b, strlen(b));
  memcpy(out + k + strlen(b), p + strlen(a), strlen(p + strlen(a)) + 1);
  return out;
}

static void test_malformed(void) {
  const char *good_path = tmp_path("good.jsonl");
  const char *prompts[] = {"alpha", "beta"};
  record_file(good_path, prompts, 2);
  char *good = read_all(good_path);
  char *hdr = line_of(good, 1), *l2 = line_of(good, 2), *l3 = line_of(good, 3);
  char buf[8192];

  snprintf(buf, sizeof buf, "%s\n%s\n{not json\n", hdr, l2);
  expect_load_error(buf, PLAN_EPARSE, 3, "invalid JSON");
  snprintf(buf, sizeof buf, "%s\n[1,2]\n", hdr);
  expect_load_error(buf, PLAN_EPARSE, 2, "expected a JSON object");
  expect_load_error("{\"plan_cassette\":2}\n", PLAN_EPARSE, 1,
                    "unsupported cassette version 2");
  expect_load_error("{\"plan_cassette\":\"1\"}\n", PLAN_EPARSE, 1,
                    "plan_cassette: expected an integer");
  expect_load_error("{\"hello\":1}\n", PLAN_EPARSE, 1, "not a plan cassette");
  expect_load_error("\n{\"plan_cassette\":1}\n", PLAN_EPARSE, 1,
                    "invalid JSON");

  /* Missing and mistyped fields. */
  char *t = replace(l2, "\"response\":", "\"respons\":");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "response: expected an object");
  free(t);
  t = replace(l2, "\"status\":\"OK\"", "\"status\":0");
  snprintf(buf, sizeof buf, "%s\n%s\n%s\n", hdr, l3, t);
  expect_load_error(buf, PLAN_EPARSE, 3, "response.status: expected a string");
  free(t);
  t = replace(l2, "\"status\":\"OK\"", "\"status\":\"FINE\"");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "response.status: unknown status");
  free(t);
  t = replace(l2, "\"text\":", "\"txt\":");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2,
                    "response.choices[0].text: expected a string");
  free(t);
  t = replace(l2, "\"http_status\":200", "\"http_status\":\"200\"");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "response.http_status");
  free(t);
  t = replace(l2, "\"attempt\":1", "\"attempt\":0");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "attempt: expected an integer >= 1");
  free(t);
  t = replace(l2, "#0\"", "#00\"");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "key: expected");
  free(t);
  t = replace(l2, "\"key\":", "\"kex\":");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "key: expected a string");
  free(t);
  t = replace(l2, "\"request\":", "\"requests\":");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "request: expected an object");
  free(t);

  /* A hand-edited request no longer matches its key. */
  t = replace(l2, "\"content\":\"alpha\"", "\"content\":\"alphx\"");
  snprintf(buf, sizeof buf, "%s\n%s\n", hdr, t);
  expect_load_error(buf, PLAN_EPARSE, 2, "key: does not match the request");
  free(t);

  /* The same attempt twice. */
  snprintf(buf, sizeof buf, "%s\n%s\n%s\n%s\n", hdr, l2, l3, l2);
  expect_load_error(buf, PLAN_EPARSE, 4, "already recorded on line 2");

  /* A truncated last line. */
  snprintf(buf, sizeof buf, "%s\n%s\n%.*s", hdr, l2, (int)strlen(l3) / 2, l3);
  expect_load_error(buf, PLAN_EPARSE, 3, "invalid JSON");

  /* Accepted: CRLF, blank lines, a last line without a newline, an empty
   * file. */
  snprintf(buf, sizeof buf, "%s\r\n\r\n%s\r\n  \n%s", hdr, l2, l3);
  plan_llm *mem = NULL;
  ASSERT_OK(plan__cassette_load_buf(buf, strlen(buf), "crlf", &mem, NULL));
  char *d = NULL;
  ASSERT_OK(plan__cassette_dump(mem, &d, NULL));
  ASSERT_STR_EQ(d, good);
  plan__free(d);
  plan_llm_destroy(mem);
  ASSERT_OK(plan__cassette_load_buf("", 0, "empty", &mem, NULL));
  plan_llm_destroy(mem);

  /* Files: missing, a directory, too big, not a cassette in record mode. */
  plan_llm *cas = NULL;
  plan_error err;
  const char *missing = tmp_path("missing.jsonl");
  remove(missing);
  ASSERT_STATUS(
      plan_llm_cassette_create(NULL, missing, PLAN_CASSETTE_REPLAY, &cas, &err),
      PLAN_EIO);
  ASSERT_CONTAINS(err.text, "missing.jsonl: no such cassette");
  ASSERT_STATUS(
      plan_llm_cassette_create(NULL, tmpdir, PLAN_CASSETTE_REPLAY, &cas, &err),
      PLAN_EIO);
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  ASSERT_OK(plan_llm_cassette_create(inner, missing, PLAN_CASSETTE_RECORD_NEW,
                                     &cas, &err));
  plan_llm_destroy(cas);
  ASSERT(!exists(missing));
  const char *big = tmp_path("big.jsonl");
  write_all(big, "");
  ASSERT_EQ(truncate(big, (off_t)PLAN__CASSETTE_MAX_BYTES + 1), 0);
  ASSERT_STATUS(
      plan_llm_cassette_create(NULL, big, PLAN_CASSETTE_REPLAY, &cas, &err),
      PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "larger than 1 GiB");
  remove(big);
  const char *notcas = tmp_path("notcas.txt");
  write_all(notcas, "int main(void) { return 0; }\n");
  ASSERT_STATUS(
      plan_llm_cassette_create(inner, notcas, PLAN_CASSETTE_RECORD, &cas, &err),
      PLAN_EPARSE);
  char *still = read_all(notcas);
  ASSERT_STR_EQ(still, "int main(void) { return 0; }\n");
  free(still);
  remove(notcas);
  /* RECORD checks only the header: a broken body can be re-recorded. */
  snprintf(buf, sizeof buf, "%s\n{broken\n", hdr);
  write_all(notcas, buf);
  ASSERT_OK(plan_llm_cassette_create(inner, notcas, PLAN_CASSETTE_RECORD, &cas,
                                     &err));
  plan_llm_destroy(cas);
  remove(notcas);
  plan_llm_destroy(inner);

  free(hdr);
  free(l2);
  free(l3);
  free(good);
  remove(good_path);
}

/* cancel_all abandons queued hits and record-throughs in flight (nothing
 * completes afterwards, nothing is recorded), and destroy with tickets in
 * flight frees everything (checked by ASan's leak detection). */
static void cancel_case(const plan_llm_vtbl *ivt, bool destroy_only) {
  const char *path = tmp_path("cancel.jsonl");
  const char *prompts[] = {"alpha"};
  record_file(path, prompts, 1);
  char *before = read_all(path);
  struct fake f;
  plan_llm *inner = fake_new(ivt, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD_NEW,
                                     &cas, NULL));
  struct req q[3];
  req_make(&q[0], "alpha", 0);
  req_make(&q[1], "beta", 0);
  req_make(&q[2], "gamma", 0);
  struct outer o[3];
  done_count = 0;
  for (int i = 0; i < 3; i++) {
    plan__llm_ticket_init(&o[i].t, outer_done, &o[i]);
    o[i].order = 0;
    ASSERT_OK(vt(cas)->start(plan_llm_self(cas), &q[i].r, &o[i].t));
  }
  if (destroy_only) {
    plan_llm_destroy(cas);
  } else {
    vt(cas)->cancel_all(plan_llm_self(cas));
    for (int round = 0; round < 5; round++)
      ASSERT_OK(vt(cas)->drive(plan_llm_self(cas), 0));
    ASSERT_EQ(done_count, 0);
    /* A new attempt of beta is attempt 2 (the canceled one counted). */
    plan_llm_response r;
    run1(cas, &q[1], &r);
    ASSERT_OK(r.status);
    plan_llm_response_clear(&r);
    ASSERT_OK(plan_llm_cassette_save(cas));
    plan_llm_destroy(cas);
    char *after = read_all(path);
    ASSERT_EQ(count_lines(after), 3);
    ASSERT(!strncmp(after, before, strlen(before)));
    ASSERT(!strncmp(after + strlen(before), "{\"attempt\":2,", 13));
    ASSERT(!strstr(after, "gamma"));
    free(after);
  }
  for (int i = 0; i < 3; i++) {
    ASSERT_EQ(o[i].order, 0); /* never completed */
    plan_llm_response_clear(&o[i].t.resp);
  }
  plan_llm_destroy(inner);
  free(before);
  remove(path);
}

static void test_cancel_and_destroy(void) {
  cancel_case(&fake_async_vtbl, false);
  cancel_case(&fake_blocking_vtbl, false);
  cancel_case(&fake_nocancel_vtbl, false);
  cancel_case(&fake_async_vtbl, true);
  cancel_case(&fake_blocking_vtbl, true);
}

/* Errors from the inner backend: a failed start is returned (and uses no
 * attempt); a blocking complete() failure is recorded as an error reply
 * and replays as one. */
static void test_inner_errors(void) {
  const char *path = tmp_path("inner_err.jsonl");
  remove(path);
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  struct req q;
  req_make(&q, "nostart", 0);
  plan_llm_ticket t;
  plan__llm_ticket_init(&t, NULL, NULL);
  ASSERT_STATUS(vt(cas)->start(plan_llm_self(cas), &q.r, &t), PLAN_EIO);
  ASSERT_CONTAINS(plan_llm_errmsg(cas), "could not start");
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);
  char *file = read_all(path);
  ASSERT_EQ(count_lines(file), 1);
  free(file);

  inner = fake_new(&fake_blocking_vtbl, &f);
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  req_make(&q, "timeout", 0);
  plan_llm_response r1, r2;
  run1(cas, &q, &r1);
  ASSERT_STATUS(r1.status, PLAN_ETIMEOUT);
  ASSERT_CONTAINS(r1.error, "fake-blocking");
  plan_llm_destroy(cas); /* saved at destroy */
  plan_llm_destroy(inner);
  cas = open_replay(path);
  run1(cas, &q, &r2);
  ASSERT_STATUS(r2.status, PLAN_ETIMEOUT);
  ASSERT_STR_EQ(r2.error, r1.error);
  plan_llm_response_clear(&r1);
  plan_llm_response_clear(&r2);
  plan_llm_destroy(cas);
  remove(path);
}

/* A request for n choices recorded as n single-choice requests (the
 * scheduler's split for a backend without PLAN_LLM_CAP_N, retries
 * included) replays as one response with n choices. */
static void test_split_samples(void) {
  const char *path = tmp_path("split.jsonl");
  remove(path);
  struct fake f;
  plan_llm *inner = fake_new(&fake_nocap_vtbl, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  ASSERT_EQ(vt(cas)->caps, 0);
  struct req q[4];
  for (unsigned i = 0; i < 3; i++) {
    req_make(&q[i], "flaky", 3 + i); /* sample 1 of n=3 */
    q[i].r.has_seed = true;
    q[i].r.seed = 7 + (int64_t)i;
  }
  q[3] = q[0];
  q[3].r.messages = q[3].msgs;
  plan_llm_response r[4];
  run(cas, q, 3, r, NULL); /* sample 3 gets the 429 */
  ASSERT_STATUS(r[0].status, PLAN_ERATELIMIT);
  run1(cas, &q[3], &r[3]); /* and its retry succeeds */
  ASSERT_OK(r[3].status);
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);

  cas = open_replay(path);
  struct req whole;
  req_make(&whole, "flaky", 1);
  whole.r.n = 3;
  whole.r.has_seed = true;
  whole.r.seed = 7;
  plan_llm_response w;
  run1(cas, &whole, &w);
  ASSERT_OK(w.status);
  ASSERT_EQ(w.n_choices, 3);
  ASSERT_STR_EQ(w.choices[0].text, r[3].choices[0].text);
  ASSERT_STR_EQ(w.choices[1].text, r[1].choices[0].text);
  ASSERT_STR_EQ(w.choices[2].text, r[2].choices[0].text);
  ASSERT_EQ(w.prompt_tokens,
            r[3].prompt_tokens + r[1].prompt_tokens + r[2].prompt_tokens);
  plan_llm_response_clear(&w);
  /* Every split attempt is consumed: the same request again misses. */
  run1(cas, &whole, &w);
  ASSERT_STATUS(w.status, PLAN_ENOTFOUND);
  ASSERT_CONTAINS(w.error, "nor are single-choice recordings of its 3");
  plan_llm_response_clear(&w);
  run1(cas, &q[1], &w);
  ASSERT_STATUS(w.status, PLAN_ENOTFOUND);
  plan_llm_response_clear(&w);
  /* A sample that was never recorded: no partial answer. */
  plan_llm_destroy(cas);
  cas = open_replay(path);
  whole.r.n = 4;
  run1(cas, &whole, &w);
  ASSERT_STATUS(w.status, PLAN_ENOTFOUND);
  plan_llm_response_clear(&w);
  whole.r.n = 3;
  run1(cas, &whole, &w); /* nothing was consumed by the failed one */
  ASSERT_OK(w.status);
  plan_llm_response_clear(&w);
  for (int i = 0; i < 4; i++)
    plan_llm_response_clear(&r[i]);
  plan_llm_destroy(cas);
  remove(path);
}

/* Record through the real scheduler (retries, a split n=3 request on a
 * backend without PLAN_LLM_CAP_N), then replay through it offline: the
 * same replies, and no real waits. */
static void test_scheduler_roundtrip(void) {
  const char *path = tmp_path("sched.jsonl");
  remove(path);
  struct req q[4];
  req_make(&q[0], "alpha", 0);
  req_make(&q[1], "flaky", 0);
  req_make(&q[2], "gamma", 0);
  q[2].r.n = 3;
  q[2].r.has_seed = true;
  q[2].r.seed = 5;
  req_make(&q[3], "beta", 1);
  plan_llm_request reqs[4];
  for (int i = 0; i < 4; i++)
    reqs[i] = q[i].r;
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 5;
  o.rate_limit_pause_ms = 1;
  plan_llm_response rec[4], rep[4];

  struct fake f;
  plan_llm *inner = fake_new(&fake_nocap_vtbl, &f);
  plan_llm *cas = NULL;
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL));
  plan_scheduler *s = NULL;
  ASSERT_OK(plan_scheduler_create(cas, &o, &s, NULL));
  ASSERT_OK(plan_scheduler_run(s, reqs, 4, rec));
  plan_scheduler_destroy(s);
  ASSERT_OK(plan_llm_cassette_save(cas));
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);
  ASSERT_EQ(f.calls, 7); /* alpha, flaky x2, gamma x3, beta */

  cas = open_replay(path);
  ASSERT_OK(plan_scheduler_create(cas, &o, &s, NULL));
  ASSERT_OK(plan_scheduler_run(s, reqs, 4, rep));
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  plan_scheduler_destroy(s);
  plan_llm_destroy(cas);
  ASSERT_EQ(st.retries, 1); /* the recorded 429 replayed */
  for (int i = 0; i < 4; i++) {
    ASSERT_OK(rec[i].status);
    ASSERT_OK(rep[i].status);
    ASSERT_EQ(rep[i].n_choices, rec[i].n_choices);
    for (size_t k = 0; k < rec[i].n_choices; k++)
      ASSERT_STR_EQ(rep[i].choices[k].text, rec[i].choices[k].text);
    plan_llm_response_clear(&rec[i]);
    plan_llm_response_clear(&rep[i]);
  }
  remove(path);
}

static void test_misuse(void) {
  plan_llm *cas = NULL;
  plan_error err;
  struct fake f;
  plan_llm *inner = fake_new(&fake_async_vtbl, &f);
  const char *path = tmp_path("misuse.jsonl");
  ASSERT_STATUS(
      plan_llm_cassette_create(NULL, path, PLAN_CASSETTE_RECORD, &cas, &err),
      PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "needs an inner backend");
  ASSERT_STATUS(
      plan_llm_cassette_create(NULL, NULL, PLAN_CASSETTE_REPLAY, &cas, &err),
      PLAN_EMISUSE);
  ASSERT_STATUS(
      plan_llm_cassette_create(NULL, path, PLAN_CASSETTE_REPLAY, NULL, &err),
      PLAN_EMISUSE);
  ASSERT_STATUS(
      plan_llm_cassette_create(inner, path, (plan_cassette_mode)7, &cas, &err),
      PLAN_EINVAL);
  ASSERT_STATUS(plan_llm_cassette_save(NULL), PLAN_EMISUSE);
  ASSERT_STATUS(plan_llm_cassette_save(inner), PLAN_EMISUSE);
  ASSERT_STATUS(plan__llm_cassette_add_secret(inner, "0123456789"),
                PLAN_EMISUSE);
  char *d = NULL;
  ASSERT_STATUS(plan__cassette_dump(inner, &d, NULL), PLAN_EMISUSE);
  ASSERT(d == NULL);
  ASSERT_STATUS(plan__cassette_load_buf(NULL, 3, "x", &cas, &err),
                PLAN_EMISUSE);
  /* A REPLAY cassette ignores an inner backend it is given. */
  write_all(path, "{\"plan_cassette\":1}\n");
  ASSERT_OK(
      plan_llm_cassette_create(inner, path, PLAN_CASSETTE_REPLAY, &cas, &err));
  ASSERT_CONTAINS(vt(cas)->describe(plan_llm_self(cas)),
                  "(replay, 0 recordings, inner fake-async)");
  struct req q;
  plan_llm_response r;
  req_make(&q, "alpha", 0);
  run1(cas, &q, &r);
  ASSERT_STATUS(r.status, PLAN_ENOTFOUND);
  ASSERT_EQ(f.calls, 0);
  plan_llm_response_clear(&r);
  plan_llm_destroy(cas);
  plan_llm_destroy(inner);
  remove(path);
}

/* ---- out of memory --------------------------------------------------------
 * Every allocation of a load + replay and of a record + save fails in turn:
 * each run ends in PLAN_OK or PLAN_ENOMEM, with nothing leaked. */
TEST_COUNTING_ALLOCATOR()

static bool oom_ok(plan_status st) {
  return st == PLAN_OK || st == PLAN_ENOMEM;
}

/* jansson's allocations: counted always, failed only with json_fail.
 * jansson 2.14's lexer ignores a failed allocation in lex_save() and then
 * walks past its buffer (akheron/jansson#362), so phases that parse JSON
 * fail only the library's own allocations. */
static bool json_fail;
static void *tj_malloc(size_t n) {
  if (json_fail)
    return cnt_malloc(NULL, n);
  live++;
  return malloc(n ? n : 1);
}
static void tj_free(void *p) {
  cnt_free(NULL, p);
}

/* One scenario under the failing allocator; true once it ran through
 * without a single failure. */
static bool oom_scenario(const char *text, const char *path) {
  bool clean = true;
  plan_llm *mem = NULL;
  plan_error err;
  plan_status st =
      plan__cassette_load_buf(text, strlen(text), "oom", &mem, &err);
  if (!oom_ok(st))
    fprintf(stderr, "fail_at %zu: %s: %s\n", fail_at, plan_status_name(st),
            err.text);
  ASSERT(oom_ok(st));
  clean &= st == PLAN_OK;
  if (mem) {
    struct req q[2];
    req_make(&q[0], "alpha", 0);
    req_make(&q[1], "zeta", 0);
    plan_llm_ticket t[2];
    bool started[2];
    for (int i = 0; i < 2; i++) {
      plan__llm_ticket_init(&t[i], NULL, NULL);
      st = vt(mem)->start(plan_llm_self(mem), &q[i].r, &t[i]);
      ASSERT(oom_ok(st));
      clean &= st == PLAN_OK;
      started[i] = st == PLAN_OK;
    }
    ASSERT_OK(vt(mem)->drive(plan_llm_self(mem), 0));
    for (int i = 0; i < 2; i++) {
      ASSERT(!started[i] || t[i].done);
      if (started[i] && i == 0)
        clean &= t[i].resp.status == PLAN_OK;
      plan_llm_response_clear(&t[i].resp);
    }
    char *d = NULL;
    st = plan__cassette_dump(mem, &d, NULL);
    ASSERT(oom_ok(st));
    clean &= st == PLAN_OK;
    plan__free(d);
    plan_llm_destroy(mem);
  }
  struct fake f;
  memset(&f, 0, sizeof f);
  plan_llm *inner = NULL;
  st = plan_llm_custom_create(&fake_async_vtbl, &f, &inner, NULL);
  ASSERT(oom_ok(st));
  clean &= st == PLAN_OK;
  if (!inner)
    return false;
  plan_llm *cas = NULL;
  st = plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD_NEW, &cas,
                                NULL);
  ASSERT(oom_ok(st));
  clean &= st == PLAN_OK;
  if (cas) {
    st = plan__llm_cassette_add_secret(cas, "a-registered-secret");
    ASSERT(oom_ok(st));
    clean &= st == PLAN_OK;
    struct req q;
    req_make(&q, "newone", 0);
    plan_llm_ticket t;
    plan__llm_ticket_init(&t, NULL, NULL);
    st = vt(cas)->start(plan_llm_self(cas), &q.r, &t);
    ASSERT(oom_ok(st));
    clean &= st == PLAN_OK;
    if (st == PLAN_OK) {
      ASSERT_OK(vt(cas)->drive(plan_llm_self(cas), 0));
      ASSERT(t.done);
      clean &= t.resp.status == PLAN_OK;
    }
    plan_llm_response_clear(&t.resp);
    st = plan_llm_cassette_save(cas);
    ASSERT(oom_ok(st) || st == PLAN_EINVAL); /* a lost recording: EINVAL */
    clean &= st == PLAN_OK;
    plan_llm_destroy(cas);
  }
  plan_llm_destroy(inner);
  return clean;
}

/* Phase 2: every allocation fails in turn, jansson's included, in a
 * scenario that parses no JSON: record two replies and save them. */
static bool oom_record_scenario(const char *path) {
  bool clean = true;
  remove(path);
  struct fake f;
  memset(&f, 0, sizeof f);
  plan_llm *inner = NULL;
  plan_status st = plan_llm_custom_create(&fake_async_vtbl, &f, &inner, NULL);
  ASSERT(oom_ok(st));
  if (!inner)
    return false;
  plan_llm *cas = NULL;
  st = plan_llm_cassette_create(inner, path, PLAN_CASSETTE_RECORD, &cas, NULL);
  ASSERT(oom_ok(st));
  clean &= st == PLAN_OK;
  const char *prompts[] = {"alpha", "lp"};
  for (int i = 0; cas && i < 2; i++) {
    struct req q;
    req_make(&q, prompts[i], 0);
    plan_llm_ticket t;
    plan__llm_ticket_init(&t, NULL, NULL);
    st = vt(cas)->start(plan_llm_self(cas), &q.r, &t);
    ASSERT(oom_ok(st));
    clean &= st == PLAN_OK;
    if (st == PLAN_OK) {
      ASSERT_OK(vt(cas)->drive(plan_llm_self(cas), 0));
      ASSERT(t.done);
      clean &= t.resp.status == PLAN_OK;
    }
    plan_llm_response_clear(&t.resp);
  }
  if (cas) {
    st = plan_llm_cassette_save(cas);
    ASSERT(oom_ok(st) || st == PLAN_EINVAL); /* a lost recording: EINVAL */
    clean &= st == PLAN_OK;
    plan_llm_destroy(cas);
  }
  plan_llm_destroy(inner);
  return clean;
}

static void test_oom(void) {
  const char *src = tmp_path("oom_src.jsonl");
  const char *path = tmp_path("oom.jsonl");
  const char *prompts[] = {"alpha", "lp"};
  record_file(src, prompts, 2);
  char *text = read_all(src);
  plan_global_cleanup();
  plan_allocator a = {cnt_malloc, cnt_realloc, cnt_free, NULL};
  ASSERT_OK(plan_global_init(&a));
  json_set_alloc_funcs(tj_malloc, tj_free);
  for (int phase = 1; phase <= 2; phase++) {
    json_fail = phase == 2;
    bool clean = false;
    for (fail_at = 1; fail_at < 20000 && !clean; fail_at++) {
      write_all(path, text);
      n_alloc = 0;
      live = 0;
      clean = phase == 1 ? oom_scenario(text, path) : oom_record_scenario(path);
      ASSERT_EQ(live, 0);
    }
    ASSERT(clean);
    fprintf(stderr, "   oom phase %d: clean after %zu failure points\n", phase,
            fail_at - 1);
  }
  fail_at = 0;
  json_fail = false;
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
  free(text);
  remove(src);
  remove(path);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  snprintf(tmpdir, sizeof tmpdir, "%s/test_cassette_tmp", PLAN_BINARY_DIR);
  if (mkdir(tmpdir, 0755) != 0 && errno != EEXIST) {
    perror(tmpdir);
    return 1;
  }
  RUN(test_mode_parse);
  RUN(test_record_replay_async);
  RUN(test_record_replay_blocking);
  RUN(test_attempt_order);
  RUN(test_concurrent_samples);
  RUN(test_miss_message);
  RUN(test_record_new);
  RUN(test_save);
  RUN(test_secret_scan);
  RUN(test_malformed);
  RUN(test_cancel_and_destroy);
  RUN(test_inner_errors);
  RUN(test_split_samples);
  RUN(test_scheduler_roundtrip);
  RUN(test_misuse);
  RUN(test_oom);
  for (size_t i = 0; i < n_paths; i++)
    free(paths[i]);
  rmdir(tmpdir);
  TEST_END();
}
