/* cli/cmd_eval.c: `plan eval BENCHMARK ...`, the evaluation harnesses.
 * The second word picks the harness from the table below:
 *   plan eval planbench RESULTS.json... replay recorded PlanBench results
 *   plan eval merge PART.json...        join sharded partial results
 * A new harness is one function and one row of `evals`. The harness code
 * lives in benchmarks/<name>/; this file parses flags and prints. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "benchmarks/planbench/planbench.h"
#include "cli/cli.h"
#include "cli/llmconf.h"
#include "core/core.h"
#include "core/json.h"

struct eval_command {
  const char *name;
  const char *help;
  int (*fn)(int argc, char **argv); /* argv[0] is the harness name */
};

static int eval_planbench(int argc, char **argv);
static int eval_merge(int argc, char **argv);

static const struct eval_command evals[] = {
    {"planbench",
     "replay recorded PlanBench results: re-extract, "
     "re-validate, compare",
     eval_planbench},
    {"merge", "join the partial results of sharded runs into one summary",
     eval_merge},
    {"travel", "evaluate TravelPlanner plans: official or strict checks",
     cli_eval_travel},
};

static void eval_usage(FILE *f) {
  fprintf(f, "usage: plan eval BENCHMARK [ARGS]\n\nBenchmarks:\n");
  for (size_t i = 0; i < PLAN_ARRAY_LEN(evals); i++)
    fprintf(f, "  %-10s %s\n", evals[i].name, evals[i].help);
  fprintf(f, "\nRun 'plan eval BENCHMARK --help' for its options.\n");
}

static void planbench_usage(FILE *f) {
  fprintf(
      f,
      "usage: plan eval planbench RESULTS.json... [OPTIONS]\n"
      "\n"
      "Replays PlanBench results files (results/<config>/<model>/<task>.json"
      "):\n"
      "re-extracts every plan from llm_raw_response (or the recorded GPT-4o\n"
      "translation), validates it against the instance with the exact PDDL\n"
      "simulator, and compares plan and verdict with the recorded ones.\n"
      "\n"
      "Options:\n"
      "  --data DIR        the PlanBench data folder (configs/, instances/);\n"
      "                    default: ../shared/data/planbench next to the\n"
      "                    source tree or the current directory\n"
      "  --shard K/N       only the instances whose index %% N == K-1\n"
      "                    (1 <= K <= N); needs --out\n"
      "  --out FILE        write the per-instance results (the partial\n"
      "                    result that 'plan eval merge' joins)\n"
      "  --details FILE    the same as --out\n"
      "  --json            print the summary as one JSON object\n"
      "  --config NAME     the config, if the path does not tell it\n"
      "  --model-name NAME the model's name in the summary, if the path\n"
      "                    (results/<config>/<model>/) does not tell it\n"
      "  --extractor X     auto (default), nl, nl-cot, pddl, pddl-v1, llm,\n"
      "                    llm-v1 (see docs/planbench.md)\n"
      "  --explained FILE  mark the disagreements listed in FILE (e.g.\n"
      "                    benchmarks/planbench/explained.json) as explained\n"
      "  --strict          exit 1 if any disagreement is unexplained\n"
      "\n"
      "Live runs (send each instance's \"query\" to a model instead of\n"
      "replaying the recorded answers; nothing is compared):\n"
      "  --live            ask the model configured by the options below\n"
      "  --temperature T   default 0, as PlanBench\n"
      "  --max-tokens N    cap on each reply\n"
      "  --system TEXT     default: PlanBench's \"You are the planner\n"
      "                    assistant who comes up with correct plans.\"\n"
      "\n");
  cli_llmconf_usage(f);
  fprintf(f,
          "\n"
          "Examples:\n"
          "  plan eval planbench results/blocksworld/gpt-4_chat/"
          "task_1_plan_generation.json\n"
          "  plan eval planbench --data DATA DATA/results/*/*/*.json --json\n"
          "  plan eval planbench R.json --shard 2/8 --out part2.json\n"
          "  plan eval planbench R.json --live --base-url http://vllm:8000/v1 "
          "\\\n"
          "      --model meta-llama/Llama-3.1-8B-Instruct --shard 2/8 --out "
          "part2.json\n"
          "(docs/planbench.md, docs/scaling.md)\n");
}

static void merge_usage(FILE *f) {
  fprintf(f,
          "usage: plan eval merge PART.json... [--json] [--details FILE]\n"
          "                       [--explained FILE] [--strict]\n"
          "\n"
          "Joins the partial results of 'plan eval planbench --shard K/N\n"
          "--out PART.json' runs (any order) and prints the summary a single\n"
          "run would print. Fails if a shard is missing or two overlap.\n");
}

int cli_cmd_eval(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    eval_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (size_t i = 0; i < PLAN_ARRAY_LEN(evals); i++)
    if (!strcmp(argv[1], evals[i].name))
      return evals[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "plan eval: unknown benchmark '%s' (available:", argv[1]);
  for (size_t i = 0; i < PLAN_ARRAY_LEN(evals); i++)
    fprintf(stderr, " %s", evals[i].name);
  fprintf(stderr, ")\n");
  return 2;
}

/* ======================================================================
 * Shared pieces
 * ====================================================================== */

typedef struct eval_flags {
  const char *data;
  const char *out;
  const char *config;
  const char *model;
  const char *explained;
  const char *system;
  plan__pb_extractor extractor;
  unsigned shard_k;
  unsigned shard_n;
  uint64_t max_tokens;
  double temperature;
  bool json;
  bool strict;
  bool live;
  bool llm_flags; /* a model option was given */
  const char **files;
  size_t n_files;
} eval_flags;

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --data, or the default layout ../shared/data/planbench relative to the
 * source tree and to the current directory. */
static const char *data_dir(const char *given, char *buf, size_t size) {
  if (given) {
    plan__fmt(buf, size, "%s/configs", given);
    if (!is_dir(buf)) {
      fprintf(stderr,
              "plan eval planbench: %s is not a PlanBench data folder (no "
              "configs/ inside)\n",
              given);
      return NULL;
    }
    return given;
  }
  const char *cands[] = {
#ifdef PLAN_SOURCE_DIR
      PLAN_SOURCE_DIR "/../shared/data/planbench",
#endif
      "../shared/data/planbench"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cands); i++) {
    plan__fmt(buf, size, "%s/configs", cands[i]);
    if (is_dir(buf)) {
      plan__fmt(buf, size, "%s", cands[i]);
      return buf;
    }
  }
  fprintf(stderr, "plan eval planbench: no PlanBench data folder found "
                  "(tried");
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cands); i++)
    fprintf(stderr, " %s", cands[i]);
  fprintf(stderr, "); pass --data DIR\n");
  return NULL;
}

/* Parses "K/N" strictly: two positive integers, K <= N. */
static bool parse_shard(const char *s, unsigned *k, unsigned *n) {
  const char *slash = strchr(s, '/');
  if (!slash || slash == s || !slash[1])
    return false;
  char a[32];
  char b[32];
  size_t la = (size_t)(slash - s);
  size_t lb = strlen(slash + 1);
  if (la >= sizeof a || lb >= sizeof b)
    return false;
  memcpy(a, s, la);
  a[la] = '\0';
  memcpy(b, slash + 1, lb + 1);
  for (const char *p = a; *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  for (const char *p = b; *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  int64_t x = 0;
  int64_t y = 0;
  if (!plan__parse_i64(a, &x) || !plan__parse_i64(b, &y))
    return false;
  if (x < 1 || y < 1 || x > y || y > 1000000)
    return false;
  *k = (unsigned)x;
  *n = (unsigned)y;
  return true;
}

/* Parses the flags of both commands (conf: the model options, NULL for
 * merge); positional arguments are the files. Returns 0 to go on, -1 after
 * --help, otherwise the exit code. */
static int parse_flags(const char *cmd, int argc, char **argv,
                       cli_llmconf *conf, eval_flags *f) {
  bool merge = conf == NULL;
  memset(f, 0, sizeof *f);
  f->files = calloc((size_t)argc, sizeof *f->files);
  if (!f->files) {
    fprintf(stderr, "%s: out of memory\n", cmd);
    return 1;
  }
  for (int i = 1; i < argc;) {
    if (conf) {
      int used = cli_llmconf_flag(conf, argc, argv, &i);
      if (used < 0)
        return 2;
      if (used) {
        f->llm_flags = true;
        continue;
      }
    }
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool takes = true;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      merge ? merge_usage(stdout) : planbench_usage(stdout);
      return -1;
    } else if (!strcmp(a, "--json")) {
      f->json = true;
      takes = false;
    } else if (!strcmp(a, "--strict")) {
      f->strict = true;
      takes = false;
    } else if (!merge && !strcmp(a, "--live")) {
      f->live = true;
      takes = false;
    } else if (!strcmp(a, "--out") || !strcmp(a, "--details")) {
      f->out = v;
    } else if (!strcmp(a, "--explained")) {
      f->explained = v;
    } else if (!merge && !strcmp(a, "--data")) {
      f->data = v;
    } else if (!merge && !strcmp(a, "--config")) {
      f->config = v;
    } else if (!merge && !strcmp(a, "--model-name")) {
      f->model = v;
    } else if (!merge && !strcmp(a, "--system")) {
      f->system = v;
    } else if (!merge && !strcmp(a, "--temperature")) {
      f->llm_flags = true;
      if (v && !cli_parse_f64(a, v, 0, 2, &f->temperature))
        return 2;
    } else if (!merge && !strcmp(a, "--max-tokens")) {
      f->llm_flags = true;
      if (v && !cli_parse_u64(a, v, 10000000, &f->max_tokens))
        return 2;
    } else if (!merge && !strcmp(a, "--extractor")) {
      if (v && (!plan__pb_extractor_parse(v, &f->extractor))) {
        fprintf(stderr,
                "%s: --extractor: unknown extractor '%s' (auto, nl, nl-cot, "
                "pddl, pddl-v1, llm, llm-v1)\n",
                cmd, v);
        return 2;
      }
    } else if (!merge && !strcmp(a, "--shard")) {
      if (v && !parse_shard(v, &f->shard_k, &f->shard_n)) {
        fprintf(stderr,
                "%s: --shard: expected K/N with 1 <= K <= N (e.g. 3/8), got "
                "'%s'\n",
                cmd, v);
        return 2;
      }
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "%s: unknown option '%s' (try --help)\n", cmd, a);
      return 2;
    } else {
      f->files[f->n_files++] = a;
      takes = false;
    }
    if (takes && !v) {
      fprintf(stderr, "%s: %s needs a value\n", cmd, a);
      return 2;
    }
    i += takes ? 2 : 1;
  }
  if (f->n_files == 0) {
    fprintf(stderr, "%s: no %s given (try --help)\n", cmd,
            merge ? "partial result files" : "results files");
    return 2;
  }
  if (f->shard_n && !f->out) {
    fprintf(stderr,
            "%s: --shard %u/%u needs --out FILE: the partial result that "
            "'plan eval merge' joins\n",
            cmd, f->shard_k, f->shard_n);
    return 2;
  }
  if (f->llm_flags && !f->live) {
    fprintf(stderr,
            "%s: model options (--model, --base-url, --temperature, ...) "
            "need --live: a replay reads the recorded answers (the model's "
            "name in the summary is --model-name)\n",
            cmd);
    return 2;
  }
  return 0;
}

static json_t *load_json(const char *cmd, const char *path) {
  char *text = NULL;
  size_t len = 0;
  plan_error err;
  memset(&err, 0, sizeof err);
  if (plan__read_file(path, (size_t)1 << 30, &text, &len, &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", cmd, err.text);
    return NULL;
  }
  json_t *doc = plan__json_parse(text, len, path, &err);
  plan__free(text);
  if (!doc)
    fprintf(stderr, "%s: %s\n", cmd, err.text);
  return doc;
}

/* Applies --explained, writes --out, prints the summary. Takes groups. */
static int finish(const char *cmd, const eval_flags *f, json_t *groups) {
  int rc = 0;
  if (f->explained) {
    json_t *ex = load_json(cmd, f->explained);
    if (!ex) {
      json_decref(groups);
      return 1;
    }
    plan__pb_apply_explained(groups, ex);
    json_decref(ex);
  }
  if (f->out) {
    json_t *details = plan__pb_details_new(groups);
    if (!details ||
        json_dump_file(details, f->out, JSON_INDENT(1) | JSON_SORT_KEYS)) {
      fprintf(stderr, "%s: cannot write %s\n", cmd, f->out);
      json_decref(details);
      json_decref(groups);
      return 1;
    }
    json_decref(details);
  }
  json_t *summary = plan__pb_summary(groups);
  json_decref(groups);
  if (!summary) {
    fprintf(stderr, "%s: out of memory\n", cmd);
    return 1;
  }
  plan__buf b;
  plan__buf_init(&b, 0);
  if (f->json) {
    plan__json_canonical(summary, &b);
    plan__buf_putc(&b, '\n');
  } else {
    plan__pb_summary_render(summary, &b);
  }
  if (b.status != PLAN_OK) {
    fprintf(stderr, "%s: out of memory\n", cmd);
    rc = 1;
  } else {
    fputs(b.data, stdout);
    fflush(stdout);
  }
  plan__buf_free(&b);
  if (!f->json) {
    if (f->out)
      fprintf(stderr, "Per-instance details written to %s\n", f->out);
    else
      fprintf(stderr, "Per-instance details (extracted and recorded plans, "
                      "validator messages): add --details FILE\n");
  }
  if (f->strict &&
      json_integer_value(json_object_get(summary, "unexplained_disagreements")))
    rc = rc ? rc : 1;
  json_decref(summary);
  return rc;
}

/* ======================================================================
 * plan eval planbench
 * ====================================================================== */

static int eval_planbench(int argc, char **argv) {
  const char *cmd = "plan eval planbench";
  eval_flags f;
  cli_llmconf conf;
  cli_llmconf_init(&conf);
  int rc = parse_flags(cmd, argc, argv, &conf, &f);
  if (rc) {
    free(f.files);
    cli_llm_close(&conf);
    return rc < 0 ? 0 : rc;
  }
  char dbuf[4096];
  const char *data = data_dir(f.data, dbuf, sizeof dbuf);
  if (!data) {
    free(f.files);
    cli_llm_close(&conf);
    return 2;
  }
  if (f.live && cli_llm_open(&conf, cmd) != 0) {
    free(f.files);
    cli_llm_close(&conf);
    return 1;
  }
  plan__pb_replay_options o;
  memset(&o, 0, sizeof o);
  o.data_dir = data;
  o.config = f.config;
  o.model = f.model;
  o.extractor = f.extractor;
  o.shard_k = f.shard_k;
  o.shard_n = f.shard_n;
  if (f.live) {
    o.scheduler = conf.sched;
    o.llm_model = conf.model;
    o.system = f.system;
    o.temperature = f.temperature;
    o.max_tokens = (unsigned)f.max_tokens;
    if (!o.model)
      o.model = conf.model ? conf.model : "live";
  }
  plan__pb_replay *r = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  json_t *groups = json_array();
  if (!groups || plan__pb_replay_create(&o, &r, &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", cmd, groups ? err.text : "out of memory");
    json_decref(groups);
    free(f.files);
    cli_llm_close(&conf);
    return 1;
  }
  for (size_t i = 0; i < f.n_files; i++) {
    json_t *g = NULL;
    if (plan__pb_replay_file(r, f.files[i], &g, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s\n", cmd, err.text);
      rc = 1;
      break;
    }
    if (json_array_append_new(groups, g)) {
      fprintf(stderr, "%s: out of memory\n", cmd);
      rc = 1;
      break;
    }
  }
  plan__pb_replay_free(r);
  free(f.files);
  if (f.live) {
    plan_scheduler_stats ss;
    plan_scheduler_stats_get(conf.sched, &ss);
    fprintf(stderr,
            "[%s%s%s: %llu calls, %llu failed, %llu+%llu tokens, %llu ms]\n",
            conf.provider, conf.model ? " " : "", conf.model ? conf.model : "",
            (unsigned long long)ss.calls, (unsigned long long)ss.failures,
            (unsigned long long)ss.prompt_tokens,
            (unsigned long long)ss.completion_tokens,
            (unsigned long long)ss.wall_ms);
    if (cli_llm_save(&conf, cmd) != 0)
      rc = rc ? rc : 1;
  }
  cli_llm_close(&conf);
  if (rc) {
    json_decref(groups);
    return rc;
  }
  return finish(cmd, &f, groups);
}

/* ======================================================================
 * plan eval merge
 * ====================================================================== */

static int eval_merge(int argc, char **argv) {
  const char *cmd = "plan eval merge";
  eval_flags f;
  int rc = parse_flags(cmd, argc, argv, NULL, &f);
  if (rc) {
    free(f.files);
    return rc < 0 ? 0 : rc;
  }
  json_t **docs = calloc(f.n_files, sizeof *docs);
  if (!docs) {
    free(f.files);
    return 1;
  }
  for (size_t i = 0; i < f.n_files && !rc; i++) {
    docs[i] = load_json(cmd, f.files[i]);
    if (!docs[i])
      rc = 1;
  }
  json_t *groups = NULL;
  if (!rc) {
    plan_error err;
    memset(&err, 0, sizeof err);
    if (plan__pb_merge(docs, f.files, f.n_files, &groups, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s\n", cmd, err.text);
      rc = 1;
    }
  }
  for (size_t i = 0; i < f.n_files; i++)
    json_decref(docs[i]);
  free(docs);
  if (rc) {
    free(f.files);
    return rc;
  }
  rc = finish(cmd, &f, groups);
  free(f.files);
  return rc;
}
