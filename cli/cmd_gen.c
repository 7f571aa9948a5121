/* cli/cmd_gen.c: `plan gen-deadend`, the generator of PDDL tasks with dead
 * ends (worldmodel/pddl/gen_deadend.h, docs/deadend.md). It writes the
 * cliffs domain and N problems into a folder, each checked by exhaustive
 * search: solvable, not without an irreversible action, and with a
 * tempting irreversible action at the start that makes the goal
 * unreachable. Exit status: 0 written, 1 an instance could not be
 * generated, 2 usage or output error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/core.h"
#include "worldmodel/pddl/gen_deadend.h"
#include "worldmodel/pddl/pddl.h"

static const char gen_prog[] = "plan gen-deadend";

static void gen_usage(FILE *f) {
  fprintf(f,
          "usage: plan gen-deadend --n N --seed S --out DIR [--size SIZE]\n"
          "                        [--max-states N] [--json]\n"
          "\n"
          "Writes PDDL tasks with dead ends: DIR/domain.pddl (the cliffs\n"
          "domain: a robot carries crates over two-way trails, one-way\n"
          "slides and rope bridges that break once crossed) and\n"
          "DIR/instance-1.pddl .. instance-N.pddl. Every instance is checked\n"
          "by exhaustive search: it is solvable, every plan slides or\n"
          "crosses at least once, and at the start a slide or crossing\n"
          "that heads for the goal makes the goal unreachable. The same\n"
          "seed and size give the same files; instance K does not depend\n"
          "on N.\n"
          "\n"
          "  --n N           instances to write (1-100000)\n"
          "  --seed S        the series' seed (0-9223372036854775807)\n"
          "  --out DIR       the folder (created if missing; files in it\n"
          "                  with the same names are replaced)\n"
          "  --size SIZE     small (default: 6-11 places, 1 crate, plans of\n"
          "                  4-10 steps), medium (8-12 places, 2 crates,\n"
          "                  plans of 6-12 steps) or mixed (odd instances\n"
          "                  small, even ones medium)\n"
          "  --max-states N  reachable states allowed per instance (default\n"
          "                  5000)\n"
          "  --json          one JSON object per instance on stdout\n"
          "\n"
          "Exit status: 0 written, 1 an instance could not be generated,\n"
          "2 usage or output error. See docs/deadend.md.\n");
}

/* Parses a whole non-negative integer in [lo, hi]. */
static bool parse_count(const char *flag, const char *s, int64_t lo, int64_t hi,
                        int64_t *out) {
  if (!plan__parse_i64(s, out) || *out < lo || *out > hi) {
    fprintf(stderr, "%s: %s wants an integer from %lld to %lld, not '%s'\n",
            gen_prog, flag, (long long)lo, (long long)hi, s);
    return false;
  }
  return true;
}

static bool write_file(const char *dir, const char *name, const char *text) {
  plan__buf path;
  plan__buf_init(&path, 0);
  plan__buf_printf(&path, "%s/%s", dir, name);
  if (path.status != PLAN_OK) {
    fprintf(stderr, "%s: out of memory\n", gen_prog);
    plan__buf_free(&path);
    return false;
  }
  FILE *f = fopen(path.data, "wb");
  size_t n = strlen(text);
  bool ok = f && fwrite(text, 1, n, f) == n;
  if (f && fclose(f) != 0)
    ok = false;
  if (!ok)
    fprintf(stderr, "%s: cannot write %s: %s\n", gen_prog, path.data,
            strerror(errno));
  plan__buf_free(&path);
  return ok;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a;
  size_t y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* "min-max (median m)" of v[0..n), sorted in place. */
static void describe(size_t *v, size_t n, char *out, size_t cap) {
  qsort(v, n, sizeof *v, cmp_size);
  plan__fmt(out, cap, "%zu-%zu (median %zu)", v[0], v[n - 1], v[n / 2]);
}

int cli_cmd_gen_deadend(int argc, char **argv) {
  int64_t n = 0;
  int64_t seed = -1;
  int64_t max_states = 5000;
  const char *out_dir = NULL;
  bool json = false;
  plan__deadend_options o;
  memset(&o, 0, sizeof o);
  o.size = PLAN__DEADEND_SMALL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      gen_usage(stdout);
      return 0;
    }
    if (!strcmp(a, "--json")) {
      json = true;
      continue;
    }
    bool known = !strcmp(a, "--n") || !strcmp(a, "--seed") ||
                 !strcmp(a, "--out") || !strcmp(a, "--size") ||
                 !strcmp(a, "--max-states");
    if (!known) {
      fprintf(stderr, "%s: unknown %s '%s'\n", gen_prog,
              a[0] == '-' ? "option" : "argument", a);
      gen_usage(stderr);
      return 2;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "%s: %s needs a value\n", gen_prog, a);
      return 2;
    }
    const char *v = argv[++i];
    if (!strcmp(a, "--n")) {
      if (!parse_count(a, v, 1, 100000, &n))
        return 2;
    } else if (!strcmp(a, "--seed")) {
      if (!parse_count(a, v, 0, INT64_MAX, &seed))
        return 2;
    } else if (!strcmp(a, "--max-states")) {
      if (!parse_count(a, v, 10, 10000000, &max_states))
        return 2;
    } else if (!strcmp(a, "--size")) {
      if (!plan__deadend_size_parse(v, &o.size)) {
        fprintf(stderr, "%s: --size is small, medium or mixed, not '%s'\n",
                gen_prog, v);
        return 2;
      }
    } else {
      out_dir = v;
    }
  }
  if (n == 0 || seed < 0 || !out_dir) {
    fprintf(stderr, "%s: --n, --seed and --out are required\n", gen_prog);
    gen_usage(stderr);
    return 2;
  }
  o.seed = (uint64_t)seed;
  o.max_states = (size_t)max_states;
  if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "%s: cannot create %s: %s\n", gen_prog, out_dir,
            strerror(errno));
    return 2;
  }
  if (!write_file(out_dir, "domain.pddl", plan__cliffs_domain_pddl()))
    return 2;

  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_domain *dom = NULL;
  const char *dt = plan__cliffs_domain_pddl();
  if (plan__pddl_domain_parse(dt, strlen(dt), "cliffs", &dom, &err) !=
      PLAN_OK) {
    fprintf(stderr, "%s: %s\n", gen_prog, err.text);
    return 1;
  }
  size_t count = (size_t)n;
  size_t *lens = plan__calloc(count, sizeof *lens);
  size_t *states = plan__calloc(count, sizeof *states);
  size_t *init_traps = plan__calloc(count, sizeof *init_traps);
  size_t *path_traps = plan__calloc(count, sizeof *path_traps);
  int rc = 0;
  if (!lens || !states || !init_traps || !path_traps) {
    fprintf(stderr, "%s: out of memory\n", gen_prog);
    rc = 1;
  }
  for (size_t k = 1; rc == 0 && k <= count; k++) {
    plan__deadend_instance inst;
    if (plan__deadend_generate(dom, &o, (uint32_t)k, &inst, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s\n", gen_prog, err.text);
      rc = 1;
      break;
    }
    char name[64];
    plan__fmt(name, sizeof name, "instance-%zu.pddl", k);
    if (!write_file(out_dir, name, inst.pddl))
      rc = 2;
    const plan__deadend_stats *s = &inst.stats;
    lens[k - 1] = s->optimal;
    states[k - 1] = s->states;
    init_traps[k - 1] = s->init_traps;
    path_traps[k - 1] = s->path_traps;
    if (rc == 0 && json)
      printf("{\"file\":\"%s\",\"places\":%zu,\"crates\":%zu,\"states\":%zu,"
             "\"dead_states\":%zu,\"optimal\":%u,\"init_traps\":%zu,"
             "\"path_traps\":%zu,\"path_irreversible\":%zu,\"tries\":%u}\n",
             name, inst.n_places, inst.n_crates, s->states, s->dead_states,
             (unsigned)s->optimal, s->init_traps, s->path_traps,
             s->path_irreversible, inst.tries);
    plan__deadend_instance_free(&inst);
  }
  if (rc == 0) {
    char l[64], st[64], it[64], pt[64];
    describe(lens, count, l, sizeof l);
    describe(states, count, st, sizeof st);
    describe(init_traps, count, it, sizeof it);
    describe(path_traps, count, pt, sizeof pt);
    fprintf(stderr,
            "%s: wrote %zu %s instance%s (seed %lld) and domain.pddl to %s\n"
            "  optimal plan steps:      %s\n"
            "  reachable states:        %s\n"
            "  traps at the start:      %s\n"
            "  traps on an optimal plan: %s\n",
            gen_prog, count, plan__deadend_size_name(o.size),
            count == 1 ? "" : "s", (long long)seed, out_dir, l, st, it, pt);
  }
  plan__free(lens);
  plan__free(states);
  plan__free(init_traps);
  plan__free(path_traps);
  plan__pddl_domain_free(dom);
  return rc;
}
