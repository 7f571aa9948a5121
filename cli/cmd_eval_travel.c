/* cli/cmd_eval_travel.c: `plan eval travel`, the TravelPlanner evaluation:
 * reads the queries and a submission, judges every plan with the official
 * or strict evaluator (solvers/travel/eval.h) through the harness in
 * benchmarks/travelplanner, prints eval.py's metrics table (or JSON) and
 * writes the per-query verdicts. docs/travel-eval.md describes the checks.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchmarks/travelplanner/travelplanner.h"
#include "cli/cli.h"
#include "core/core.h"
#include "core/json.h"

#ifndef PLAN_SOURCE_DIR
#define PLAN_SOURCE_DIR "."
#endif

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: plan eval travel --queries Q.jsonl --plans SUBMISSION.jsonl\n"
      "                        [--mode official|strict] [--database DIR]\n"
      "                        [--ref-info REF.jsonl] [--split NAME]\n"
      "                        [--details FILE] [--json]\n"
      "\n"
      "Evaluates TravelPlanner plans the way the benchmark's eval.py does and\n"
      "prints the delivery rate, the commonsense and hard micro/macro pass\n"
      "rates and the final pass rate, then the pass/fail counts of each of\n"
      "the 13 constraints.\n"
      "\n"
      "Options:\n"
      "  --queries FILE    the structured queries, one JSON object per line\n"
      "                    (org, dest, days, date, people_number,\n"
      "                    local_constraint, budget, level, ...)\n"
      "  --plans FILE      the submission: one {\"idx\", \"query\", \"plan\"}\n"
      "                    per line, in query order (paired by position)\n"
      "  --mode MODE       official (default): upstream's checks with their\n"
      "                    quirks, for scores equal to theirs; strict: what\n"
      "                    the constraints mean\n"
      "  --database DIR    the database folder (default: the embedded\n"
      "                    data/travel)\n"
      "  --ref-info FILE   judge each plan against its query's reference\n"
      "                    information (one object per line, like\n"
      "                    train_ref_info.jsonl) instead of a database\n"
      "  --split NAME      use eval.py's fixed denominators for train,\n"
      "                    validation or test (default: from the queries)\n"
      "  --details FILE    write the per-query verdicts as a JSON array\n"
      "  --json            print the metrics and the verdicts as JSON\n"
      "\n"
      "Example:\n"
      "  plan eval travel --queries train_queries.jsonl \\\n"
      "      --plans submission.jsonl --mode strict --details verdicts.json\n");
}

/* The embedded database: PLAN_SOURCE_DIR/data/travel, else ./data/travel. */
static const char *default_db(char *buf, size_t size) {
  plan__fmt(buf, size, "%s/data/travel", PLAN_SOURCE_DIR);
  if (access(buf, F_OK) == 0)
    return buf;
  return "data/travel";
}

/* Reads a JSONL file of reference information into a new array. */
static json_t *read_refs(const char *path) {
  char *text = NULL;
  size_t len = 0;
  plan_error err;
  memset(&err, 0, sizeof err);
  if (plan__read_file(path, 0, &text, &len, &err) != PLAN_OK) {
    fprintf(stderr, "plan eval travel: %s\n", err.text);
    return NULL;
  }
  json_t *arr = json_array();
  int line = 0;
  size_t pos = 0;
  while (arr && pos < len) {
    line++;
    size_t end = pos;
    while (end < len && text[end] != '\n')
      end++;
    size_t a = pos;
    pos = end + 1;
    while (a < end && (text[a] == ' ' || text[a] == '\r' || text[a] == '\t'))
      a++;
    if (a == end)
      continue;
    json_t *j = plan__json_parse(text + a, end - a, path, &err);
    if (!j) {
      fprintf(stderr, "plan eval travel: %s:%d: %s\n", path, line, err.text);
      json_decref(arr);
      arr = NULL;
      break;
    }
    json_array_append_new(arr, j);
  }
  plan__free(text);
  return arr;
}

static bool write_json_file(const char *path, const json_t *j) {
  if (json_dump_file(j, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0) {
    fprintf(stderr, "plan eval travel: cannot write %s\n", path);
    return false;
  }
  return true;
}

int cli_eval_travel(int argc, char **argv) {
  const char *queries_path = NULL;
  const char *plans_path = NULL;
  const char *db_dir = NULL;
  const char *ref_path = NULL;
  const char *split = NULL;
  const char *details_path = NULL;
  bool as_json = false;
  plan__travel_eval_mode mode = PLAN__TRAVEL_EVAL_OFFICIAL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      as_json = true;
      continue;
    } else if (!strcmp(a, "--queries")) {
      slot = &queries_path;
    } else if (!strcmp(a, "--plans")) {
      slot = &plans_path;
    } else if (!strcmp(a, "--database")) {
      slot = &db_dir;
    } else if (!strcmp(a, "--ref-info")) {
      slot = &ref_path;
    } else if (!strcmp(a, "--split")) {
      slot = &split;
    } else if (!strcmp(a, "--details")) {
      slot = &details_path;
    } else if (!strcmp(a, "--mode")) {
      if (i + 1 >= argc || !plan__travel_eval_mode_parse(argv[i + 1], &mode)) {
        fprintf(stderr, "plan eval travel: --mode must be 'official' or "
                        "'strict'\n");
        return 2;
      }
      i++;
      continue;
    } else {
      fprintf(stderr, "plan eval travel: unknown option '%s' (see --help)\n",
              a);
      return 2;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "plan eval travel: %s needs a value\n", a);
      return 2;
    }
    *slot = argv[++i];
  }
  if (!queries_path || !plans_path) {
    fprintf(stderr, "plan eval travel: --queries and --plans are required\n");
    usage(stderr);
    return 2;
  }
  if (db_dir && ref_path) {
    fprintf(stderr, "plan eval travel: --database and --ref-info exclude "
                    "each other\n");
    return 2;
  }
  int rc = 2;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__travel_db *db = NULL;
  json_t *refs = NULL;
  json_t *plans = NULL;
  plan__travel_query **qs = NULL;
  size_t nq = 0;
  plan__tp_report report;
  memset(&report, 0, sizeof report);
  char buf[4096];
  if (ref_path) {
    refs = read_refs(ref_path);
    if (!refs)
      goto done;
  } else {
    if (!db_dir)
      db_dir = default_db(buf, sizeof buf);
    if (plan__travel_db_load(db_dir, NULL, &db, &err) != PLAN_OK) {
      fprintf(stderr, "plan eval travel: database %s: %s\n", db_dir, err.text);
      goto done;
    }
  }
  if (plan__travel_queries_load(queries_path, db, &qs, &nq, &err) != PLAN_OK) {
    fprintf(stderr, "plan eval travel: %s\n", err.text);
    goto done;
  }
  if (refs && json_array_size(refs) != nq) {
    fprintf(stderr, "plan eval travel: %s has %zu lines for %zu queries\n",
            ref_path, json_array_size(refs), nq);
    goto done;
  }
  if (plan__tp_load_plans(plans_path, &plans, &err) != PLAN_OK) {
    fprintf(stderr, "plan eval travel: %s\n", err.text);
    goto done;
  }
  if (plan__tp_evaluate(db, refs, qs, nq, plans, mode, split, &report, &err) !=
      PLAN_OK) {
    fprintf(stderr, "plan eval travel: %s\n", err.text);
    goto done;
  }
  if (report.missing)
    fprintf(stderr,
            "plan eval travel: warning: %s has %zu lines for %zu queries; "
            "the last %zu count as not delivered\n",
            plans_path, nq - report.missing, nq, report.missing);
  if (details_path && !write_json_file(details_path, report.details))
    goto done;
  if (as_json) {
    json_t *j = plan__tp_report_json(&report, true);
    char *s = j ? json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (!s) {
      fprintf(stderr, "plan eval travel: out of memory\n");
      goto done;
    }
    printf("%s\n", s);
    free(s);
  } else {
    plan__buf b;
    plan__buf_init(&b, 0);
    plan__tp_format_table(&report, &b);
    fputs(b.data ? b.data : "", stdout);
    plan__buf_free(&b);
  }
  rc = 0;
done:
  plan__tp_report_free(&report);
  json_decref(plans);
  json_decref(refs);
  plan__travel_queries_free(qs, nq);
  plan__travel_db_free(db);
  return rc;
}
