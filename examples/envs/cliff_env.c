/* examples/envs/cliff_env.c: a tiny environment program for the command
 * environment (plan_env_command_create, docs/env.md). It shows what such
 * a program has to do, and the tests and the agent examples drive it.
 *
 * The world: a walker on a line of cells 0..N (--cells N, default 6)
 * starts on cell 0 (--start) and wants to reach the last cell, the goal.
 * Cell 3 (--cliff) is a cliff: nobody steps into it.
 *   look         pure: just the observation
 *   step left    reversible: one cell left
 *   step right   reversible: one cell right
 *   jump         irreversible: two cells right, over the cliff from the
 *                cell before it, but jumping *into* the cliff (from two
 *                cells before it) is a fall, a dead end: nothing but look
 *                works after that and the goal is lost.
 * A move off the line or into the cliff on foot is refused
 * ("inapplicable"), and the world stays as it was.
 *
 * The protocol: one JSON request per line on stdin, one JSON reply per
 * line on stdout (flushed), ops hello, observe, execute, effect (with
 * --effect-query), snapshot, restore, reset and done. The program exits
 * when stdin closes.
 *
 * Faults on purpose, for tests: with --fail-after N the program answers N
 * requests and exits (status 3) on the next one; --hang-after N stops
 * answering (and ignores SIGTERM: only SIGKILL ends it); --garbage-after
 * N replies with a line that is not JSON; --abort-after N dies of SIGABRT;
 * --huge-after N replies with a 2 MiB line; --extra-after N writes a
 * second line after its reply.
 *
 * It uses jansson for JSON; any language with a JSON library will do.
 */
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct world {
  long pos;
  bool fallen;
} world;

static long n_cells = 6; /* cells 0..n_cells */
static long cliff = 3;
static long start = 0;
static bool effect_query = false;

static world w;
static world *snaps;
static size_t n_snaps, cap_snaps;

/* ---- faults ------------------------------------------------------------ */

typedef enum fault {
  FAULT_NONE = 0,
  FAULT_FAIL,
  FAULT_HANG,
  FAULT_GARBAGE,
  FAULT_ABORT,
  FAULT_HUGE,
  FAULT_EXTRA
} fault;

static fault fault_kind = FAULT_NONE;
static long fault_after = 0;

/* ---- replies ----------------------------------------------------------- */

/* Writes reply (stolen) as one line and flushes. */
static void send(json_t *reply) {
  char *line = json_dumps(reply, JSON_COMPACT);
  json_decref(reply);
  if (!line)
    exit(1);
  fputs(line, stdout);
  fputc('\n', stdout);
  fflush(stdout);
  free(line);
}

static json_t *ok_reply(void) {
  return json_pack("{s:b}", "ok", 1);
}

static void send_error(const char *why, bool inapplicable) {
  json_t *r = json_pack("{s:b,s:s}", "ok", 0, "error", why);
  if (inapplicable)
    json_object_set_new(r, "inapplicable", json_true());
  send(r);
}

/* ---- the world --------------------------------------------------------- */

static void observation(char *out, size_t size) {
  if (w.fallen)
    snprintf(out, size,
             "You fell off the cliff at cell %ld. Nothing more can be done.",
             cliff);
  else if (w.pos == n_cells)
    snprintf(out, size, "You stand on cell %ld (cells 0..%ld): the goal.",
             w.pos, n_cells);
  else
    snprintf(out, size,
             "You stand on cell %ld (cells 0..%ld). The goal is cell %ld; "
             "cell %ld is a cliff.",
             w.pos, n_cells, n_cells, cliff);
}

static void send_observation(bool with_done) {
  char text[160];
  observation(text, sizeof text);
  json_t *r = ok_reply();
  json_object_set_new(r, "observation", json_string(text));
  if (with_done)
    json_object_set_new(r, "done", json_boolean(!w.fallen && w.pos == n_cells));
  send(r);
}

/* Lowercases s and collapses white space; drops one pair of parentheses
 * around it ("(step  Right)" -> "step right"). */
static void normalise(const char *s, char *out, size_t size) {
  size_t n = 0;
  bool space = false;
  while (*s == ' ' || *s == '\t' || *s == '(')
    s++;
  for (; *s && n + 1 < size; s++) {
    char c = *s;
    if (c == ')')
      break;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = n > 0;
      continue;
    }
    if (space && n + 2 < size)
      out[n++] = ' ';
    space = false;
    out[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  out[n] = '\0';
}

/* The class of an action by its first word, as the hello declares. */
static const char *effect_of(const char *action) {
  char a[64];
  normalise(action, a, sizeof a);
  if (!strcmp(a, "look"))
    return "pure";
  if (!strncmp(a, "step", 4) && (a[4] == ' ' || a[4] == '\0'))
    return "reversible";
  return "irreversible";
}

static void execute(const char *action) {
  char a[64];
  char why[128];
  normalise(action, a, sizeof a);
  long to = w.pos;
  if (!strcmp(a, "look")) {
    send_observation(true);
    return;
  }
  if (w.fallen) {
    send_error("you fell off the cliff; only look works now", true);
    return;
  }
  if (!strcmp(a, "step left") || !strcmp(a, "step right")) {
    to = w.pos + (a[5] == 'l' ? -1 : 1);
    if (to < 0 || to > n_cells) {
      snprintf(why, sizeof why, "there is no cell %ld", to);
      send_error(why, true);
      return;
    }
    if (to == cliff) {
      snprintf(why, sizeof why, "cell %ld is a cliff: you cannot step into it",
               cliff);
      send_error(why, true);
      return;
    }
    w.pos = to;
  } else if (!strcmp(a, "jump")) {
    to = w.pos + 2;
    if (to > n_cells) {
      snprintf(why, sizeof why, "there is no cell %ld to land on", to);
      send_error(why, true);
      return;
    }
    if (to == cliff)
      w.fallen = true;
    else
      w.pos = to;
  } else {
    snprintf(why, sizeof why,
             "unknown action \"%.40s\"; the actions are look, step left, "
             "step right and jump",
             action);
    send_error(why, true);
    return;
  }
  send_observation(true);
}

/* ---- requests ---------------------------------------------------------- */

static void hello(void) {
  json_t *r = ok_reply();
  json_object_set_new(r, "version", json_integer(1));
  json_object_set_new(r, "name", json_string("cliff"));
  json_t *caps = json_pack("[s,s,s]", "snapshot", "reset", "done");
  if (effect_query)
    json_array_append_new(caps, json_string("effect-query"));
  json_object_set_new(r, "caps", caps);
  json_object_set_new(r, "effects",
                      json_pack("{s:s,s:s,s:s}", "look", "pure", "step",
                                "reversible", "jump", "irreversible"));
  json_object_set_new(r, "default_effect", json_string("irreversible"));
  send(r);
}

static void snapshot(void) {
  if (n_snaps == cap_snaps) {
    size_t cap = cap_snaps ? 2 * cap_snaps : 16;
    world *p = realloc(snaps, cap * sizeof *p);
    if (!p) {
      send_error("out of memory", false);
      return;
    }
    snaps = p;
    cap_snaps = cap;
  }
  snaps[n_snaps++] = w;
  json_t *r = ok_reply();
  json_object_set_new(r, "id", json_integer((json_int_t)n_snaps));
  send(r);
}

static void restore(const json_t *req) {
  const json_t *id = json_object_get(req, "id");
  if (!json_is_integer(id) || json_integer_value(id) < 1 ||
      (size_t)json_integer_value(id) > n_snaps) {
    char why[64];
    snprintf(why, sizeof why, "no snapshot %lld",
             json_is_integer(id) ? (long long)json_integer_value(id) : -1LL);
    send_error(why, false);
    return;
  }
  w = snaps[json_integer_value(id) - 1];
  send(ok_reply());
}

/* Misbehaves as asked on request number n (1-based). Returns true when
 * the request has been "answered" that way. */
static bool misbehave(long n) {
  if (fault_kind == FAULT_NONE || n <= fault_after)
    return false;
  switch (fault_kind) {
  case FAULT_FAIL: _exit(3);
  case FAULT_HANG:
    signal(SIGTERM, SIG_IGN);
    for (;;)
      pause();
  case FAULT_ABORT: abort();
  case FAULT_GARBAGE:
    fputs("this is not JSON {\n", stdout);
    fflush(stdout);
    return true;
  case FAULT_HUGE:
    for (long i = 0; i < 2L << 20; i++)
      fputc('x', stdout);
    fputc('\n', stdout);
    fflush(stdout);
    return true;
  case FAULT_EXTRA:
  case FAULT_NONE: break;
  }
  return false;
}

static void handle(const char *line, long n) {
  if (misbehave(n))
    return;
  json_error_t je;
  json_t *req = json_loads(line, 0, &je);
  const char *op = req ? json_string_value(json_object_get(req, "op")) : NULL;
  const char *action =
      req ? json_string_value(json_object_get(req, "action")) : NULL;
  if (!op)
    send_error("bad request: not a JSON object with an \"op\"", false);
  else if (!strcmp(op, "hello"))
    hello();
  else if (!strcmp(op, "observe"))
    send_observation(false);
  else if (!strcmp(op, "execute") && action)
    execute(action);
  else if (!strcmp(op, "effect") && action) {
    json_t *r = ok_reply();
    json_object_set_new(r, "effect", json_string(effect_of(action)));
    send(r);
  } else if (!strcmp(op, "snapshot"))
    snapshot();
  else if (!strcmp(op, "restore"))
    restore(req);
  else if (!strcmp(op, "reset")) {
    w.pos = start;
    w.fallen = false;
    send(ok_reply());
  } else if (!strcmp(op, "done")) {
    json_t *r = ok_reply();
    json_object_set_new(r, "done", json_boolean(!w.fallen && w.pos == n_cells));
    send(r);
  } else
    send_error("unknown op or missing \"action\"", false);
  json_decref(req);
  if (fault_kind == FAULT_EXTRA && n > fault_after) {
    fputs("{\"ok\":true,\"note\":\"one line too many\"}\n", stdout);
    fflush(stdout);
  }
}

/* ---- main -------------------------------------------------------------- */

static bool number(const char *s, long *out) {
  char *end = NULL;
  long v = s ? strtol(s, &end, 10) : 0;
  if (!s || end == s || *end || v < 0)
    return false;
  *out = v;
  return true;
}

static int usage(void) {
  fputs("usage: cliff_env [--cells N] [--cliff C] [--start S] "
        "[--effect-query]\n"
        "                 [--fail-after N | --hang-after N | --garbage-after "
        "N |\n"
        "                  --abort-after N | --huge-after N | --extra-after "
        "N]\n",
        stderr);
  return 2;
}

int main(int argc, char **argv) {
  static const struct {
    const char *flag;
    fault kind;
  } faults[] = {
      {"--fail-after", FAULT_FAIL},       {"--hang-after", FAULT_HANG},
      {"--garbage-after", FAULT_GARBAGE}, {"--abort-after", FAULT_ABORT},
      {"--huge-after", FAULT_HUGE},       {"--extra-after", FAULT_EXTRA}};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool known = false;
    if (!strcmp(a, "--effect-query")) {
      effect_query = true;
      continue;
    }
    if (!strcmp(a, "--cells"))
      known = number(v, &n_cells);
    else if (!strcmp(a, "--cliff"))
      known = number(v, &cliff);
    else if (!strcmp(a, "--start"))
      known = number(v, &start);
    for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++)
      if (!strcmp(a, faults[k].flag)) {
        known = number(v, &fault_after);
        fault_kind = faults[k].kind;
      }
    if (!known)
      return usage();
    i++;
  }
  if (n_cells < 1 || start > n_cells || start == cliff)
    return usage();
  w.pos = start;
  char *line = NULL;
  size_t cap = 0;
  long n = 0;
  while (getline(&line, &cap, stdin) > 0)
    handle(line, ++n);
  free(line);
  free(snaps);
  return 0;
}
