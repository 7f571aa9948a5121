/* tests/fuzz/fuzz_cassette.c: libFuzzer harness for the cassette loader
 * (llm/cassette.c) through plan__cassette_load_buf. Properties checked:
 *  - a rejected input always comes with a message;
 *  - an accepted input renders (plan__cassette_dump), the rendering loads
 *    again, and renders to the same bytes (save is a fixed point);
 *  - a request started on the loaded cassette completes in one drive()
 *    with a reply or a miss that names its key (which exercises the
 *    nearest-key search over whatever was loaded).
 * The seed corpus is tests/fuzz/corpus/cassette/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/cassette.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "fuzz_cassette: property violated: %s\n", what);
    abort();
  }
}

/* Starts one attempt of a fixed request (the "alpha" prompt of the seed
 * cassettes, with the given sample index and number of choices) and drives
 * it to completion. */
static void ask(plan_llm *c, unsigned sample, unsigned n) {
  plan_message m[2] = {{"system", "You are terse."}, {"user", "alpha"}};
  plan_llm_request r;
  plan_llm_request_init(&r, PLAN_LLM_REQUEST_VERSION);
  r.model = "m1";
  r.messages = m;
  r.n_messages = 2;
  r.sample_index = sample;
  r.n = n;
  plan_llm_ticket t;
  plan__llm_ticket_init(&t, NULL, NULL);
  const plan_llm_vtbl *vt = plan_llm_vtable(c);
  if (vt->start(plan_llm_self(c), &r, &t) != PLAN_OK)
    return; /* only ENOMEM can get here */
  check(vt->drive(plan_llm_self(c), 0) == PLAN_OK, "drive");
  check(t.done, "a replayed ticket completes in one drive");
  if (t.resp.status == PLAN_ENOTFOUND && t.resp.error)
    check(strstr(t.resp.error, "cassette miss: key ") != NULL,
          "a miss names its key");
  plan_llm_response_clear(&t.resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  plan_llm *c = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st =
      plan__cassette_load_buf((const char *)data, size, "fuzz", &c, &err);
  if (st != PLAN_OK) {
    check(c == NULL, "no handle on failure");
    check(err.code == st && err.text[0] != '\0', "a failure has a message");
    return 0;
  }
  char *d1 = NULL;
  size_t n1 = 0;
  if (plan__cassette_dump(c, &d1, &n1) == PLAN_OK) {
    plan_llm *c2 = NULL;
    st = plan__cassette_load_buf(d1, n1, "dump", &c2, &err);
    if (st != PLAN_OK)
      fprintf(stderr, "reload: %s\n", err.text);
    check(st == PLAN_OK || st == PLAN_ENOMEM, "a rendering loads again");
    if (c2) {
      char *d2 = NULL;
      size_t n2 = 0;
      if (plan__cassette_dump(c2, &d2, &n2) == PLAN_OK)
        check(n1 == n2 && memcmp(d1, d2, n1) == 0,
              "re-rendering is byte-identical");
      plan__free(d2);
      plan_llm_destroy(c2);
    }
  }
  plan__free(d1);
  ask(c, 0, 2); /* composed from single-choice recordings, or a miss */
  ask(c, 0, 1);
  ask(c, 0, 1); /* the next attempt of the same key */
  ask(c, 1, 1);
  plan_llm_destroy(c);
  return 0;
}
