/* cli/cmd_ask.c: `plan ask`, the first thing a user runs against a model:
 * one prompt, one reply; or N samples of it at once through the scheduler,
 * printed as JSON lines with usage and latency. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/llmconf.h"
#include "core/core.h"
#include "core/json.h"
#include "llm/llm.h"

static void ask_usage(FILE *f) {
  fprintf(
      f, "usage: plan ask [OPTIONS] PROMPT     (PROMPT '-' reads stdin)\n"
         "\n"
         "Sends one prompt to the configured model and prints the reply.\n"
         "\n"
         "Request options:\n"
         "  --system TEXT       a system message\n"
         "  --samples N         send N samples at once; print JSON lines\n"
         "  --n N               ask for N choices in one request\n"
         "  --temperature T     0..2 (default 1)\n"
         "  --top-p P           0..1 (default 1)\n"
         "  --max-tokens N      cap on the reply's tokens\n"
         "  --stop S            a stop sequence (up to 4)\n"
         "  --logprobs K        return per-token logprobs with K alternatives\n"
         "  --json-schema FILE  ask for JSON matching this schema\n"
         "  --json              print JSON lines even for one sample\n"
         "\n");
  cli_llmconf_usage(f);
  fprintf(f, "\n"
             "Examples:\n"
             "  OPENAI_API_KEY=... plan ask --model gpt-4o-mini \"Say hi\"\n"
             "  plan ask --base-url http://localhost:11434/v1 --model llama3.2 "
             "\"Say hi\"\n"
             "  plan ask --samples 8 --temperature 0.8 --model M \"Name a "
             "colour\"\n"
             "  plan ask --cassette run.jsonl --cassette-mode record ...\n");
}

/* One JSON line per sample: status, choices, usage, latency, attempts. */
static void print_json_line(size_t sample, const plan_llm_response *r) {
  json_t *o = plan__llm_response_to_json(r);
  if (!o) {
    fprintf(stderr, "plan ask: out of memory\n");
    return;
  }
  json_object_set_new(o, "sample", json_integer((json_int_t)sample));
  json_object_set_new(o, "latency_ms", json_real(r->latency_ms));
  json_object_set_new(o, "attempts", json_integer(r->attempts));
  char *s =
      json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
  if (s) {
    puts(s);
    free(s);
  }
  json_decref(o);
}

int cli_cmd_ask(int argc, char **argv) {
  cli_llmconf conf;
  cli_llmconf_init(&conf);
  const char *prompt = NULL, *system = NULL, *schema_file = NULL;
  const char *stops[4];
  size_t n_stop = 0;
  uint64_t samples = 1, n = 1, max_tokens = 0, logprobs = 0;
  double temperature = 1.0, top_p = 1.0;
  bool json_out = false, want_logprobs = false;
  int rc = 2;
  char *prompt_buf = NULL, *schema = NULL;
  plan_llm_request *reqs = NULL;
  plan_llm_response *resps = NULL;

  for (int i = 1; i < argc;) {
    const char *a = argv[i];
    int used = cli_llmconf_flag(&conf, argc, argv, &i);
    if (used < 0)
      goto out;
    if (used)
      continue;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      ask_usage(stdout);
      rc = 0;
      goto out;
    }
    if (!strcmp(a, "--json")) {
      json_out = true;
      i++;
      continue;
    }
    bool has_value = !strcmp(a, "--system") || !strcmp(a, "--samples") ||
                     !strcmp(a, "--n") || !strcmp(a, "--temperature") ||
                     !strcmp(a, "--top-p") || !strcmp(a, "--max-tokens") ||
                     !strcmp(a, "--stop") || !strcmp(a, "--logprobs") ||
                     !strcmp(a, "--json-schema");
    if (has_value) {
      if (i + 1 >= argc) {
        fprintf(stderr, "plan ask: %s needs a value\n", a);
        goto out;
      }
      const char *v = argv[i + 1];
      i += 2;
      bool ok = true;
      if (!strcmp(a, "--system"))
        system = v;
      else if (!strcmp(a, "--samples"))
        ok = cli_parse_u64(a, v, 256, &samples) && samples >= 1;
      else if (!strcmp(a, "--n"))
        ok = cli_parse_u64(a, v, 128, &n) && n >= 1;
      else if (!strcmp(a, "--temperature"))
        ok = cli_parse_f64(a, v, 0, 2, &temperature);
      else if (!strcmp(a, "--top-p"))
        ok = cli_parse_f64(a, v, 0, 1, &top_p);
      else if (!strcmp(a, "--max-tokens"))
        ok = cli_parse_u64(a, v, 10000000, &max_tokens);
      else if (!strcmp(a, "--logprobs")) {
        ok = cli_parse_u64(a, v, 20, &logprobs);
        want_logprobs = true;
      } else if (!strcmp(a, "--json-schema"))
        schema_file = v;
      else if (n_stop < 4)
        stops[n_stop++] = v;
      else {
        fprintf(stderr, "plan ask: at most 4 --stop sequences\n");
        ok = false;
      }
      if (!ok) {
        if (samples == 0 || n == 0)
          fprintf(stderr, "plan ask: %s must be at least 1\n", a);
        goto out;
      }
      continue;
    }
    if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "plan ask: unknown option '%s' (see plan ask --help)\n",
              a);
      goto out;
    }
    if (prompt) {
      fprintf(stderr, "plan ask: one PROMPT only (quote it)\n");
      goto out;
    }
    prompt = a;
    i++;
  }
  if (!prompt) {
    ask_usage(stderr);
    goto out;
  }
  plan_error err;
  if (!strcmp(prompt, "-")) {
    size_t len;
    if (plan__read_file("/dev/stdin", 0, &prompt_buf, &len, &err) != PLAN_OK) {
      fprintf(stderr, "plan ask: %s\n", err.text);
      goto out;
    }
    prompt = prompt_buf;
  }
  if (schema_file) {
    size_t len;
    if (plan__read_file(schema_file, 0, &schema, &len, &err) != PLAN_OK) {
      fprintf(stderr, "plan ask: --json-schema: %s\n", err.text);
      goto out;
    }
    json_t *chk = plan__json_parse(schema, len, schema_file, &err);
    if (!chk) {
      fprintf(stderr, "plan ask: --json-schema: %s\n", err.text);
      goto out;
    }
    json_decref(chk);
  }
  if (cli_llm_open(&conf, "plan ask") != 0)
    goto out;

  plan_message msgs[2];
  size_t n_msgs = 0;
  if (system)
    msgs[n_msgs++] = (plan_message){"system", system};
  msgs[n_msgs++] = (plan_message){"user", prompt};
  reqs = calloc(samples, sizeof *reqs);
  resps = calloc(samples, sizeof *resps);
  if (!reqs || !resps) {
    fprintf(stderr, "plan ask: out of memory\n");
    goto out;
  }
  for (size_t i = 0; i < samples; i++) {
    plan_llm_request *r = &reqs[i];
    plan_llm_request_init(r, PLAN_LLM_REQUEST_VERSION);
    r->model = conf.model;
    r->messages = msgs;
    r->n_messages = n_msgs;
    r->temperature = temperature;
    r->top_p = top_p;
    r->n = (unsigned)n;
    r->max_tokens = (unsigned)max_tokens;
    r->stop = stops;
    r->n_stop = n_stop;
    r->logprobs = want_logprobs;
    r->top_logprobs = (unsigned)logprobs;
    r->json_schema = schema;
    r->sample_index = (unsigned)i;
    if (conf.have_seed) {
      r->has_seed = true;
      r->seed = (int64_t)(conf.seed + i);
    }
  }
  plan_status st = plan_scheduler_run(conf.sched, reqs, samples, resps);
  if (st != PLAN_OK && st != PLAN_EBUDGET) {
    fprintf(stderr, "plan ask: %s\n", plan_scheduler_errmsg(conf.sched));
    rc = 1;
    goto out;
  }
  rc = 0;
  bool as_json = json_out || samples > 1 || n > 1 || want_logprobs;
  for (size_t i = 0; i < samples; i++) {
    const plan_llm_response *r = &resps[i];
    if (r->status != PLAN_OK) {
      fprintf(stderr, "plan ask: sample %zu: %s\n", i,
              r->error ? r->error : plan_strerror(r->status));
      rc = 1;
    }
    if (as_json) {
      print_json_line(i, r);
    } else if (r->status == PLAN_OK) {
      for (size_t c = 0; c < r->n_choices; c++) {
        fwrite(r->choices[c].text, 1, r->choices[c].text_len, stdout);
        fputc('\n', stdout);
        if (r->choices[c].truncated)
          fprintf(stderr, "plan ask: note: the reply was cut at the token "
                          "limit (finish_reason=length)\n");
      }
    }
  }
  fflush(stdout);
  plan_scheduler_stats ss;
  plan_scheduler_stats_get(conf.sched, &ss);
  fprintf(stderr,
          "[%s%s%s: %llu calls, %llu attempts, %llu+%llu tokens, %llu ms]\n",
          conf.provider, conf.model ? " " : "", conf.model ? conf.model : "",
          (unsigned long long)ss.calls, (unsigned long long)ss.attempts,
          (unsigned long long)ss.prompt_tokens,
          (unsigned long long)ss.completion_tokens,
          (unsigned long long)ss.wall_ms);
  if (cli_llm_save(&conf, "plan ask") != 0)
    rc = 1;
out:
  if (resps)
    for (size_t i = 0; i < samples; i++)
      plan_llm_response_clear(&resps[i]);
  free(resps);
  free(reqs);
  plan_free(prompt_buf);
  plan_free(schema);
  cli_llm_close(&conf);
  return rc;
}
