/* worldmodel/env/cmd_proto.c: the messages of the command environment's
 * protocol (docs/env.md): requests are built and replies read here, with
 * no pipe or process in sight, so that the fuzz harness
 * (tests/fuzz/fuzz_env_proto.c) can throw arbitrary replies at the parser.
 * cmd_env.c moves the lines between us and the program.
 *
 * A reply is one JSON object. "ok" is always required; what else is
 * required depends on the op it answers. Unknown fields are ignored so
 * that programs may say more than this version reads; a field we do read
 * must have the right type, and a wrong one is a protocol error
 * (PLAN_EPARSE) that quotes the start of the reply.
 */
#include <string.h>

#include "core/json.h"
#include "llm/parse.h"
#include "worldmodel/env/env.h"

#define QUOTE_MAX 80

static const char *const op_names[] = {"hello",  "observe",  "execute",
                                       "effect", "snapshot", "restore",
                                       "reset",  "done"};

const char *plan__cmd_op_name(plan__cmd_op op) {
  return (unsigned)op < PLAN_ARRAY_LEN(op_names) ? op_names[op] : "?";
}

void plan__cmd_quote(const char *s, size_t len, size_t max, char *out,
                     size_t out_size) {
  if (!out || !out_size)
    return;
  size_t n = 0;
  size_t i = 0;
  for (; i < len && i < max && n + 1 < out_size; i++) {
    unsigned char c = (unsigned char)s[i];
    out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
  }
  if (i < len)
    for (const char *d = "..."; *d && n + 1 < out_size; d++)
      out[n++] = *d;
  out[n] = '\0';
}

void plan__cmd_first_word(const char *action, const char **start, size_t *len) {
  const char *p = action ? action : "";
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  if (*p == '(') {
    p++;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
  }
  size_t n = 0;
  while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r' &&
         p[n] != '(' && p[n] != ')')
    n++;
  *start = p;
  *len = n;
}

/* ======================================================================
 * Requests
 * ====================================================================== */

plan_status plan__cmd_request(plan__cmd_op op, const char *action, uint64_t id,
                              plan__buf *b) {
  if ((op == PLAN__CMD_EXECUTE || op == PLAN__CMD_EFFECT) &&
      (!action || !plan__parse_utf8_valid(action, strlen(action))))
    return PLAN_EINVAL;
  json_t *req = json_object();
  if (!req)
    return PLAN_ENOMEM;
  int bad = json_object_set_new(req, "op", json_string(plan__cmd_op_name(op)));
  if (op == PLAN__CMD_HELLO)
    bad |= json_object_set_new(req, "version",
                               json_integer(PLAN__CMD_PROTOCOL_VERSION));
  if (op == PLAN__CMD_EXECUTE || op == PLAN__CMD_EFFECT)
    bad |= json_object_set_new(req, "action", json_string(action));
  if (op == PLAN__CMD_RESTORE)
    bad |= json_object_set_new(req, "id", json_integer((json_int_t)id));
  plan_status st = bad ? PLAN_ENOMEM : plan__json_canonical(req, b);
  json_decref(req);
  if (st == PLAN_OK)
    st = plan__buf_putc(b, '\n');
  return st;
}

/* ======================================================================
 * Replies
 * ====================================================================== */

/* Fails the parse of a reply to op: "reply to OP: WHY: 'START...'". */
static plan_status bad_reply(plan_error *err, plan__cmd_op op, const char *line,
                             size_t len, const char *why) {
  char q[QUOTE_MAX + 8];
  plan__cmd_quote(line, len, QUOTE_MAX, q, sizeof q);
  return plan__error_set(err, PLAN_EPARSE, 0, 0, "reply to %s %s: '%s'",
                         plan__cmd_op_name(op), why, q);
}

static plan_status nomem(plan_error *err, plan__cmd_op op) {
  return plan__error_set(err, PLAN_ENOMEM, 0, 0,
                         "out of memory reading the reply to %s",
                         plan__cmd_op_name(op));
}

/* An effect class by name into *out; false when it is none. */
static bool effect_of(const json_t *v, plan__effect *out) {
  plan_effect e;
  if (!json_is_string(v) ||
      plan_effect_parse(json_string_value(v), &e) != PLAN_OK)
    return false;
  *out = e == PLAN_EFFECT_PURE         ? PLAN__EFFECT_PURE
         : e == PLAN_EFFECT_REVERSIBLE ? PLAN__EFFECT_REVERSIBLE
                                       : PLAN__EFFECT_IRREVERSIBLE;
  return true;
}

/* The optional boolean key of obj into *out (unchanged when absent);
 * false when it is there but not a boolean. */
static bool opt_bool(const json_t *obj, const char *key, bool *out) {
  const json_t *v = json_object_get(obj, key);
  if (!v)
    return true;
  if (!json_is_boolean(v))
    return false;
  *out = json_is_true(v);
  return true;
}

/* The hello reply's optional declarations. Returns the reason it is
 * malformed, NULL when fine; *oom on lack of memory. */
static const char *read_hello(const json_t *obj, plan__cmd_reply *r,
                              bool *oom) {
  const json_t *v = json_object_get(obj, "version");
  if (v && (!json_is_integer(v) ||
            json_integer_value(v) != PLAN__CMD_PROTOCOL_VERSION))
    return "speaks another protocol version (we speak 1)";
  v = json_object_get(obj, "name");
  if (v) {
    if (!json_is_string(v))
      return "has a \"name\" that is not a string";
    r->name = plan__strdup(json_string_value(v));
    if (!r->name) {
      *oom = true;
      return NULL;
    }
  }
  v = json_object_get(obj, "caps");
  if (v) {
    if (!json_is_array(v))
      return "has \"caps\" that is not an array";
    size_t i;
    const json_t *c;
    json_array_foreach(v, i, c) {
      if (!json_is_string(c))
        return "has a capability that is not a string";
      const char *s = json_string_value(c);
      if (!strcmp(s, "snapshot"))
        r->caps |= PLAN_ENV_CAP_SNAPSHOT;
      else if (!strcmp(s, "reset"))
        r->caps |= PLAN_ENV_CAP_RESET;
      else if (!strcmp(s, "done"))
        r->caps |= PLAN_ENV_CAP_DONE;
      else if (!strcmp(s, "effect-query"))
        r->caps |= PLAN__CMD_CAP_EFFECT_QUERY;
      /* Other capabilities are a later version's: ignored. */
    }
  }
  v = json_object_get(obj, "default_effect");
  if (v && !effect_of(v, &r->default_effect))
    return "has a \"default_effect\" that is not pure, reversible or "
           "irreversible";
  v = json_object_get(obj, "effects");
  if (v) {
    if (!json_is_object(v))
      return "has \"effects\" that is not an object";
    size_t n = json_object_size(v);
    r->effect_words = plan__calloc(n ? n : 1, sizeof *r->effect_words);
    r->effect_classes = plan__calloc(n ? n : 1, sizeof *r->effect_classes);
    if (!r->effect_words || !r->effect_classes) {
      *oom = true;
      return NULL;
    }
    const char *key;
    const json_t *e;
    json_object_foreach((json_t *)v, key, e) {
      if (!effect_of(e, &r->effect_classes[r->n_effects]))
        return "has an effect class that is not pure, reversible or "
               "irreversible";
      r->effect_words[r->n_effects] = plan__strdup(key);
      if (!r->effect_words[r->n_effects]) {
        *oom = true;
        return NULL;
      }
      r->n_effects++;
    }
  }
  return NULL;
}

/* The fields of a successful reply to op. Returns the reason it is
 * malformed, NULL when fine; *oom on lack of memory. */
static const char *read_ok(plan__cmd_op op, const json_t *obj,
                           plan__cmd_reply *r, bool *oom) {
  const json_t *v;
  switch (op) {
  case PLAN__CMD_HELLO: return read_hello(obj, r, oom);
  case PLAN__CMD_OBSERVE:
  case PLAN__CMD_EXECUTE:
    v = json_object_get(obj, "observation");
    if (!json_is_string(v))
      return "has no string \"observation\"";
    r->observation = plan__strdup(json_string_value(v));
    if (!r->observation)
      *oom = true;
    if (op == PLAN__CMD_EXECUTE) {
      r->has_done = json_object_get(obj, "done") != NULL;
      if (!opt_bool(obj, "done", &r->done))
        return "has a \"done\" that is not a boolean";
    }
    return NULL;
  case PLAN__CMD_EFFECT:
    if (!effect_of(json_object_get(obj, "effect"), &r->effect))
      return "has no \"effect\" pure, reversible or irreversible";
    return NULL;
  case PLAN__CMD_SNAPSHOT:
    v = json_object_get(obj, "id");
    if (!json_is_integer(v) || json_integer_value(v) < 0)
      return "has no non-negative integer \"id\"";
    r->id = (uint64_t)json_integer_value(v);
    return NULL;
  case PLAN__CMD_DONE:
    v = json_object_get(obj, "done");
    if (!json_is_boolean(v))
      return "has no boolean \"done\"";
    r->done = json_is_true(v);
    r->has_done = true;
    return NULL;
  case PLAN__CMD_RESTORE:
  case PLAN__CMD_RESET: return NULL;
  }
  return "answers an unknown op";
}

plan_status plan__cmd_reply_parse(plan__cmd_op op, const char *line, size_t len,
                                  plan__cmd_reply *out, plan_error *err) {
  memset(out, 0, sizeof *out);
  out->default_effect = PLAN__EFFECT_IRREVERSIBLE;
  out->effect = PLAN__EFFECT_IRREVERSIBLE;
  if (!line && len)
    return bad_reply(err, op, "", 0, "is missing");
  json_error_t je;
  json_t *doc = json_loadb(line ? line : "", len, JSON_REJECT_DUPLICATES, &je);
  if (!doc) {
    if (json_error_code(&je) == json_error_out_of_memory)
      return nomem(err, op);
    return bad_reply(err, op, line, len, "is not a JSON object");
  }
  const char *why = NULL;
  bool oom = false;
  const json_t *ok = json_object_get(doc, "ok");
  if (!json_is_object(doc)) {
    why = "is not a JSON object";
  } else if (!json_is_boolean(ok)) {
    why = "has no boolean \"ok\"";
  } else if (json_is_true(ok)) {
    out->ok = true;
    why = read_ok(op, doc, out, &oom);
  } else {
    const json_t *e = json_object_get(doc, "error");
    if (e && !json_is_string(e))
      why = "has an \"error\" that is not a string";
    else if (!opt_bool(doc, "inapplicable", &out->inapplicable))
      why = "has an \"inapplicable\" that is not a boolean";
    if (!why) {
      out->error = plan__strdup(e ? json_string_value(e) : "(no reason given)");
      oom = !out->error;
    }
  }
  json_decref(doc);
  if (oom)
    return nomem(err, op);
  if (why)
    return bad_reply(err, op, line, len, why);
  return PLAN_OK;
}

void plan__cmd_reply_free(plan__cmd_reply *r) {
  if (!r)
    return;
  plan__free(r->error);
  plan__free(r->observation);
  plan__free(r->name);
  for (size_t i = 0; i < r->n_effects; i++)
    plan__free(r->effect_words[i]);
  plan__free(r->effect_words);
  plan__free(r->effect_classes);
  memset(r, 0, sizeof *r);
}
