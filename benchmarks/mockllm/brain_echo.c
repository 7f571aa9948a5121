/* benchmarks/mockllm/brain_echo.c: the default brain of the mockllm test
 * double. It answers "echo: " followed by the last user message (fault
 * directive removed); with n > 1, choice i gets " #i" appended so that the
 * samples differ. When the request asks for JSON (response_format
 * json_object or json_schema) it answers {"echo": TEXT} instead, plus
 * "sample": i when n > 1. Stateless, hence thread-safe. */
#include "benchmarks/mockllm/mockllm.h"

static bool echo_create(const mockllm_config *cfg, void **out_self, char *err,
                        size_t errsize) {
  (void)cfg;
  (void)err;
  (void)errsize;
  *out_self = NULL;
  return true;
}

static int echo_reply(void *self, const mockllm_query *q, int index,
                      plan__buf *out, char *err, size_t errsize) {
  (void)self;
  if (q->format != MOCKLLM_FORMAT_TEXT) {
    json_t *o = json_object();
    if (o) {
      json_object_set_new(o, "echo", json_string(q->last_user));
      if (q->n > 1)
        json_object_set_new(o, "sample", json_integer(index));
    }
    bool ok = o && mockllm_json_append(o, JSON_COMPACT, out);
    json_decref(o);
    if (!ok) {
      plan__fmt(err, errsize, "echo brain: out of memory");
      return 500;
    }
  } else {
    plan__buf_puts(out, "echo: ");
    plan__buf_puts(out, q->last_user);
    if (q->n > 1)
      plan__buf_printf(out, " #%d", index);
  }
  if (out->status != PLAN_OK) {
    plan__fmt(err, errsize, "echo brain: out of memory");
    return 500;
  }
  return 0;
}

static void echo_destroy(void *self) {
  (void)self;
}

const mockllm_brain_vtbl mockllm_brain_echo = {
    "echo",
    "\"echo: \" + last user message; \" #i\" per choice when n > 1",
    echo_create,
    echo_reply,
    echo_destroy,
    NULL, /* the request's model */
};
