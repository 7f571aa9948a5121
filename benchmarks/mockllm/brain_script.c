/* benchmarks/mockllm/brain_script.c: the scripted brain of the mockllm
 * test double. --script FILE holds a JSON array of rules
 *   [{"match": "PCRE2 regex", "reply": "text"},
 *    {"match": "...", "reply": ["text for choice 0", "choice 1", ...]}]
 * matched in order against the last user message (fault directive
 * removed); the first rule that matches wins. A string reply is the same
 * for every choice; an array gives choice i the element i modulo its
 * length. No match is an HTTP 500 that quotes the message, so a test with
 * an incomplete script fails loudly. The rules are read-only after load;
 * each call makes its own match data, so replies are thread-safe. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "benchmarks/mockllm/mockllm.h"
#include "core/json.h"

#define SCRIPT_MAX_BYTES (16u << 20)

struct rule {
  pcre2_code *re;
  const json_t *reply; /* borrowed from script->doc: string or array */
};

struct script {
  json_t *doc; /* the parsed file, owns every reply */
  struct rule *rules;
  size_t n_rules;
};

static void script_destroy(void *self) {
  struct script *s = self;
  if (!s)
    return;
  for (size_t i = 0; i < s->n_rules; i++)
    pcre2_code_free(s->rules[i].re);
  plan__free(s->rules);
  json_decref(s->doc);
  plan__free(s);
}

/* Checks that a reply is a string or a non-empty array of strings. */
static bool reply_ok(const json_t *r) {
  if (json_is_string(r))
    return true;
  if (!json_is_array(r) || json_array_size(r) == 0)
    return false;
  size_t i;
  const json_t *v;
  json_array_foreach(r, i, v) {
    if (!json_is_string(v))
      return false;
  }
  return true;
}

static bool script_create(const mockllm_config *cfg, void **out_self, char *err,
                          size_t errsize) {
  *out_self = NULL;
  if (!cfg->script) {
    plan__fmt(err, errsize, "brain 'script' needs --script FILE");
    return false;
  }
  plan_error perr;
  char *text = NULL;
  size_t len = 0;
  if (plan__read_file(cfg->script, SCRIPT_MAX_BYTES, &text, &len, &perr) !=
      PLAN_OK) {
    plan__fmt(err, errsize, "%s", perr.text);
    return false;
  }
  struct script *s = plan__calloc(1, sizeof *s);
  if (!s) {
    plan__free(text);
    plan__fmt(err, errsize, "out of memory");
    return false;
  }
  s->doc = plan__json_parse(text, len, cfg->script, &perr);
  plan__free(text);
  if (!s->doc) {
    plan__fmt(err, errsize, "%s", perr.text);
    goto fail;
  }
  if (!json_is_array(s->doc)) {
    plan__fmt(err, errsize,
              "%s: the script must be a JSON array of "
              "{\"match\", \"reply\"} objects",
              cfg->script);
    goto fail;
  }
  size_t n = json_array_size(s->doc);
  s->rules = plan__calloc(n ? n : 1, sizeof *s->rules);
  if (!s->rules) {
    plan__fmt(err, errsize, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < n; i++) {
    const json_t *item = json_array_get(s->doc, i);
    const char *pat = plan__json_str(item, "match");
    const json_t *reply = json_object_get(item, "reply");
    if (!pat || !reply_ok(reply)) {
      plan__fmt(err, errsize,
                "%s: rule %zu needs a string \"match\" and a "
                "\"reply\" that is a string or a non-empty array of strings",
                cfg->script, i);
      goto fail;
    }
    int ecode;
    PCRE2_SIZE eoff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF, &ecode, &eoff, NULL);
    if (!re) {
      PCRE2_UCHAR msg[160];
      pcre2_get_error_message(ecode, msg, sizeof msg);
      plan__fmt(err, errsize, "%s: rule %zu: bad regex at offset %zu: %s",
                cfg->script, i, (size_t)eoff, (const char *)msg);
      goto fail;
    }
    s->rules[i].re = re;
    s->rules[i].reply = reply;
    s->n_rules = i + 1;
  }
  *out_self = s;
  return true;
fail:
  script_destroy(s);
  return false;
}

/* True if rule r matches subject; a match error counts as no match. */
static bool rule_matches(const struct rule *r, const char *subject, bool *oom) {
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->re, NULL);
  if (!md) {
    *oom = true;
    return false;
  }
  int rc =
      pcre2_match(r->re, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, NULL);
  pcre2_match_data_free(md);
  return rc >= 0;
}

static int script_reply(void *self, const mockllm_query *q, int index,
                        plan__buf *out, char *err, size_t errsize) {
  const struct script *s = self;
  bool oom = false;
  for (size_t i = 0; i < s->n_rules; i++) {
    if (!rule_matches(&s->rules[i], q->last_user, &oom)) {
      if (oom)
        break;
      continue;
    }
    const json_t *r = s->rules[i].reply;
    if (json_is_array(r))
      r = json_array_get(r, (size_t)index % json_array_size(r));
    plan__buf_append(out, json_string_value(r), json_string_length(r));
    if (out->status != PLAN_OK)
      break;
    return 0;
  }
  if (oom || out->status != PLAN_OK) {
    plan__fmt(err, errsize, "script brain: out of memory");
    return 500;
  }
  plan__fmt(err, errsize,
            "mockllm script brain: no rule matches the last user message "
            "\"%.300s\"",
            q->last_user);
  return 500;
}

const mockllm_brain_vtbl mockllm_brain_script = {
    "script",
    "first --script rule whose regex matches the last user message",
    script_create,
    script_reply,
    script_destroy,
    NULL, /* the request's model */
};
