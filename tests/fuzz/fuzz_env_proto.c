/* tests/fuzz/fuzz_env_proto.c: libFuzzer harness for the command
 * environment's protocol (worldmodel/env/cmd_proto.c), the code that reads
 * whatever a user's program writes. The first byte of an input picks the
 * op the reply answers (byte % 8: '0' hello, '1' observe, '2' execute,
 * '3' effect, '4' snapshot, '5' restore, '6' reset, '7' done); the rest
 * is the reply line. Besides memory errors (ASan/UBSan) it checks:
 *  - the parser returns PLAN_OK, PLAN_EPARSE (with a message that names
 *    the op) or PLAN_ENOMEM, nothing else;
 *  - an accepted reply has what its op promises: an error text when "ok"
 *    is false, an observation for observe/execute, effect classes and
 *    known capability bits for hello;
 *  - the rest used as an action builds a request that is one line of JSON
 *    whose "action" is the input again (or PLAN_EINVAL for bad UTF-8);
 *  - the quote and first-word helpers stay inside their buffers.
 * The seed corpus is tests/fuzz/corpus/env_proto/. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worldmodel/env/env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "fuzz_env_proto: property violated: %s\n", what);
    abort();
  }
}

static bool is_effect(plan__effect e) {
  return e == PLAN__EFFECT_PURE || e == PLAN__EFFECT_REVERSIBLE ||
         e == PLAN__EFFECT_IRREVERSIBLE;
}

static void check_reply(plan__cmd_op op, const char *line, size_t len) {
  plan__cmd_reply r;
  plan_error e;
  memset(&e, 0, sizeof e);
  plan_status st = plan__cmd_reply_parse(op, line, len, &r, &e);
  check(st == PLAN_OK || st == PLAN_EPARSE || st == PLAN_ENOMEM, "status");
  if (st == PLAN_EPARSE) {
    char want[32];
    snprintf(want, sizeof want, "reply to %s ", plan__cmd_op_name(op));
    check(!strncmp(e.text, want, strlen(want)), "message names the op");
  }
  if (st == PLAN_OK) {
    if (!r.ok)
      check(r.error != NULL, "a refusal has an error text");
    if (r.ok && (op == PLAN__CMD_OBSERVE || op == PLAN__CMD_EXECUTE))
      check(r.observation != NULL, "observation");
    check(is_effect(r.default_effect) && is_effect(r.effect), "effects");
    check((r.caps & ~(PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET |
                      PLAN_ENV_CAP_DONE | PLAN__CMD_CAP_EFFECT_QUERY)) == 0,
          "caps");
    for (size_t i = 0; i < r.n_effects; i++)
      check(r.effect_words[i] && is_effect(r.effect_classes[i]),
            "effect table");
    if (op == PLAN__CMD_DONE)
      check(r.ok ? r.has_done : 1, "done");
  }
  plan__cmd_reply_free(&r);
}

static void check_request(const char *action) {
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = plan__cmd_request(PLAN__CMD_EXECUTE, action, 0, &b);
  check(st == PLAN_OK || st == PLAN_EINVAL || st == PLAN_ENOMEM,
        "request status");
  if (st == PLAN_OK) {
    check(b.len > 0 && b.data[b.len - 1] == '\n', "request ends the line");
    check(memchr(b.data, '\n', b.len - 1) == NULL, "request is one line");
    json_error_t je;
    json_t *req = json_loadb(b.data, b.len, 0, &je);
    check(req != NULL, "request is JSON");
    check(!strcmp(json_string_value(json_object_get(req, "op")), "execute"),
          "request op");
    check(!strcmp(json_string_value(json_object_get(req, "action")), action),
          "request action round-trips");
    json_decref(req);
  }
  plan__buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  plan__cmd_op op = (plan__cmd_op)(data[0] % 8);
  const char *line = (const char *)data + 1;
  size_t len = size - 1;
  check_reply(op, line, len);

  /* The same bytes as a NUL-terminated action. */
  char *action = malloc(len + 1);
  if (!action)
    return 0;
  memcpy(action, line, len);
  action[len] = '\0';
  check_request(action);
  const char *w = NULL;
  size_t n = 0;
  plan__cmd_first_word(action, &w, &n);
  check(w >= action && w + n <= action + len, "first word inside");
  char q[48];
  plan__cmd_quote(line, len, 40, q, sizeof q);
  check(strlen(q) <= 43, "quote length");
  plan__cmd_quote(line, len, 80, q, 8);
  check(strlen(q) <= 7, "quote fits its buffer");
  free(action);
  return 0;
}
