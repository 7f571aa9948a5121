/* benchmarks/perf/bench_util.h: small helpers the benchmarks that run
 * PDDL instance folders share (search_quality, agent_safety). Header-only
 * (static inline) so each benchmark stays one file. */
#ifndef PLAN_BENCH_UTIL_H
#define PLAN_BENCH_UTIL_H

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* Splits a comma-separated list in place into out (at most cap). */
static inline size_t bench_split_list(char *s, const char **out, size_t cap) {
  size_t n = 0;
  for (char *p = s; p && *p && n < cap;) {
    char *c = strchr(p, ',');
    if (c)
      *c = '\0';
    out[n++] = p;
    p = c ? c + 1 : NULL;
  }
  return n;
}

/* The first number in a file name ("instance-12.pddl" -> 12), or -1. */
static inline long bench_instance_number(const char *name) {
  const char *p = name;
  while (*p && (*p < '0' || *p > '9'))
    p++;
  return *p ? strtol(p, NULL, 10) : -1;
}

static inline int bench_cmp_instance(const void *a, const void *b) {
  const char *x = *(const char *const *)a;
  const char *y = *(const char *const *)b;
  long nx = bench_instance_number(x);
  long ny = bench_instance_number(y);
  if (nx != ny)
    return nx < ny ? -1 : 1;
  return strcmp(x, y);
}

/* The problem files of dir (*.pddl, names with "domain" skipped) by
 * instance number: n of them from the first-th (1-based; 0 means 1). A
 * new array of new strings (plan__free each and the array); NULL when dir
 * cannot be read or on ENOMEM. */
static inline char **bench_list_instances(const char *dir, long first, long n,
                                          size_t *n_out) {
  *n_out = 0;
  DIR *d = opendir(dir);
  if (!d)
    return NULL;
  char **names = NULL;
  size_t cnt = 0;
  size_t cap = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".pddl") != 0 ||
        strstr(e->d_name, "domain"))
      continue;
    if (plan__grow((void **)&names, &cap, cnt + 1, sizeof *names) != PLAN_OK)
      break;
    names[cnt] = plan__strdup(e->d_name);
    if (names[cnt])
      cnt++;
  }
  closedir(d);
  if (cnt)
    qsort(names, cnt, sizeof *names, bench_cmp_instance);
  size_t from = first > 0 ? (size_t)first - 1 : 0;
  size_t take = 0;
  char **paths = plan__calloc((size_t)(n > 0 ? n : 0) + 1, sizeof *paths);
  for (size_t i = from; paths && i < cnt && take < (size_t)n; i++) {
    plan__buf b;
    plan__buf_init(&b, 0);
    plan__buf_printf(&b, "%s/%s", dir, names[i]);
    paths[take] = plan__buf_take(&b);
    plan__buf_free(&b);
    if (paths[take])
      take++;
  }
  for (size_t i = 0; i < cnt; i++)
    plan__free(names[i]);
  plan__free(names);
  *n_out = take;
  return paths;
}

#endif /* PLAN_BENCH_UTIL_H */
