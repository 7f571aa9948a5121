/* cli/llmconf.c: backend selection and configuration for the CLI (see
 * llmconf.h). This is the only place that reads API keys from the
 * environment; keys are passed to the backend and never printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/llmconf.h"
#include "core/core.h"
#include "llm/cassette.h"

void cli_llmconf_init(cli_llmconf *c) {
  memset(c, 0, sizeof *c);
  c->cassette_mode = "replay";
}

bool cli_parse_u64(const char *flag, const char *s, uint64_t max,
                   uint64_t *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = s ? strtoull(s, &end, 10) : 0;
  if (!s || !*s || *s == '-' || errno || *end || v > max) {
    fprintf(stderr, "plan: %s: expected an integer 0..%llu, got '%s'\n", flag,
            (unsigned long long)max, s ? s : "");
    return false;
  }
  *out = v;
  return true;
}

bool cli_parse_f64(const char *flag, const char *s, double lo, double hi,
                   double *out) {
  double v;
  if (!plan__parse_double(s, &v) || !(v >= lo && v <= hi)) {
    fprintf(stderr, "plan: %s: expected a number %g..%g, got '%s'\n", flag, lo,
            hi, s ? s : "");
    return false;
  }
  *out = v;
  return true;
}

void cli_llmconf_usage(FILE *f) {
  fprintf(f,
          "Model options:\n"
          "  --provider P        openai (any OpenAI-compatible server),\n"
          "                      anthropic, or scripted (env PLAN_PROVIDER)\n"
          "  --model M           model name (env PLAN_MODEL)\n"
          "  --base-url URL      e.g. http://localhost:11434/v1 (env\n"
          "                      PLAN_BASE_URL, OPENAI_BASE_URL,\n"
          "                      ANTHROPIC_BASE_URL)\n"
          "  --api-key-env VAR   read the API key from VAR (default\n"
          "                      OPENAI_API_KEY or ANTHROPIC_API_KEY)\n"
          "  --script FILE       scripted provider: the rules (docs/llm.md)\n"
          "  --cassette FILE     record/replay through a cassette file\n"
          "  --cassette-mode M   replay (default), record or record-new\n"
          "  --concurrency N     requests in flight (default 16)\n"
          "  --max-attempts N    attempts per call (default 3)\n"
          "  --timeout MS        per-attempt timeout (default 600000)\n"
          "  --connect-timeout MS  (default 10000)\n"
          "  --budget-calls N    stop after N LLM calls\n"
          "  --budget-tokens N   stop after N tokens\n"
          "  --budget-seconds S  stop after S seconds of LLM time\n"
          "  --seed N            seed for retry jitter and sampling seeds\n");
}

static int need(int argc, char **argv, int i) {
  if (i + 1 >= argc) {
    fprintf(stderr, "plan: %s needs a value\n", argv[i]);
    return 0;
  }
  return 1;
}

int cli_llmconf_flag(cli_llmconf *c, int argc, char **argv, int *ip) {
  int i = *ip;
  const char *a = argv[i];
  const char **str = NULL;
  if (!strcmp(a, "--provider"))
    str = &c->provider;
  else if (!strcmp(a, "--model"))
    str = &c->model;
  else if (!strcmp(a, "--base-url"))
    str = &c->base_url;
  else if (!strcmp(a, "--api-key-env"))
    str = &c->api_key_env;
  else if (!strcmp(a, "--script"))
    str = &c->script;
  else if (!strcmp(a, "--cassette"))
    str = &c->cassette;
  else if (!strcmp(a, "--cassette-mode"))
    str = &c->cassette_mode;
  if (str) {
    if (!need(argc, argv, i))
      return -1;
    *str = argv[i + 1];
    *ip = i + 2;
    return 1;
  }
  uint64_t v;
  if (!strcmp(a, "--concurrency") || !strcmp(a, "--max-attempts") ||
      !strcmp(a, "--timeout") || !strcmp(a, "--connect-timeout") ||
      !strcmp(a, "--budget-calls") || !strcmp(a, "--budget-tokens") ||
      !strcmp(a, "--budget-seconds") || !strcmp(a, "--seed")) {
    if (!need(argc, argv, i))
      return -1;
    uint64_t max = !strcmp(a, "--concurrency")    ? 1024
                   : !strcmp(a, "--max-attempts") ? 20
                   : !strcmp(a, "--seed")         ? UINT64_MAX
                                                  : 1000000000000ULL;
    if (!cli_parse_u64(a, argv[i + 1], max, &v))
      return -1;
    if (!strcmp(a, "--concurrency"))
      c->concurrency = (unsigned)v;
    else if (!strcmp(a, "--max-attempts"))
      c->max_attempts = (unsigned)v;
    else if (!strcmp(a, "--timeout"))
      c->timeout_ms = (long)v;
    else if (!strcmp(a, "--connect-timeout"))
      c->connect_timeout_ms = (long)v;
    else if (!strcmp(a, "--budget-calls"))
      c->budget_calls = v;
    else if (!strcmp(a, "--budget-tokens"))
      c->budget_tokens = v;
    else if (!strcmp(a, "--budget-seconds"))
      c->budget_wall_ms = v * 1000;
    else {
      c->seed = v;
      c->have_seed = true;
    }
    *ip = i + 2;
    return 1;
  }
  return 0;
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

int cli_llm_open(cli_llmconf *c, const char *prog) {
  plan_error err = {0};
  plan_cassette_mode mode = PLAN_CASSETTE_REPLAY;
  if (c->cassette &&
      plan_cassette_mode_parse(c->cassette_mode, &mode) != PLAN_OK) {
    fprintf(stderr,
            "%s: --cassette-mode: expected replay, record or record-new, got "
            "'%s'\n",
            prog, c->cassette_mode);
    return 2;
  }
  bool replay_only = c->cassette && mode == PLAN_CASSETTE_REPLAY;

  const char *provider = c->provider ? c->provider : env("PLAN_PROVIDER");
  if (!provider) {
    if (c->script)
      provider = "scripted";
    else if (c->base_url || env("PLAN_BASE_URL") || env("OPENAI_BASE_URL") ||
             env("OPENAI_API_KEY"))
      provider = "openai";
    else if (env("ANTHROPIC_API_KEY"))
      provider = "anthropic";
    else
      provider = "openai";
  }
  c->provider = provider;
  if (!c->model)
    c->model = env("PLAN_MODEL");

  if (!strcmp(provider, "scripted")) {
    if (!c->script) {
      fprintf(stderr, "%s: the scripted provider needs --script FILE\n", prog);
      return 2;
    }
    size_t len;
    if (plan__read_file(c->script, 0, &c->script_text, &len, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s\n", prog, err.text);
      return 2;
    }
    if (plan_llm_scripted_create(c->script_text, NULL, &c->http, &err) !=
        PLAN_OK) {
      fprintf(stderr, "%s: %s: %s\n", prog, c->script, err.text);
      return 2;
    }
  } else if (!strcmp(provider, "openai") || !strcmp(provider, "anthropic")) {
    bool anthropic = !strcmp(provider, "anthropic");
    const char *key_var =
        c->api_key_env ? c->api_key_env
                       : (anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
    const char *key = env(key_var);
    const char *base = c->base_url ? c->base_url : env("PLAN_BASE_URL");
    if (!base)
      base = env(anthropic ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL");
    if (!c->model && !replay_only) {
      fprintf(stderr,
              "%s: no model: pass --model NAME or set PLAN_MODEL (e.g. "
              "gpt-4o-mini, claude-sonnet-4-5, or the name your local server "
              "serves)\n",
              prog);
      return 2;
    }
    if (!key && !base && !replay_only) {
      fprintf(stderr,
              "%s: no API key: set %s, or pass --base-url for a local "
              "server (vLLM, llama.cpp, Ollama, LM Studio)\n",
              prog, key_var);
      return 2;
    }
    c->base_url = base;
    if (!replay_only) {
      plan_llm_options o;
      plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
      o.base_url = base;
      o.api_key = key;
      o.model = c->model;
      o.timeout_ms = c->timeout_ms;
      o.connect_timeout_ms = c->connect_timeout_ms;
      plan_status st = anthropic ? plan_llm_anthropic_create(&o, &c->http, &err)
                                 : plan_llm_openai_create(&o, &c->http, &err);
      if (st != PLAN_OK) {
        fprintf(stderr, "%s: %s backend: %s\n", prog, provider, err.text);
        return 2;
      }
    }
  } else {
    fprintf(stderr,
            "%s: unknown provider '%s' (expected openai, anthropic or "
            "scripted)\n",
            prog, provider);
    return 2;
  }

  c->llm = c->http;
  if (c->cassette) {
    if (plan_llm_cassette_create(c->http, c->cassette, mode, &c->cassette_llm,
                                 &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s\n", prog, err.text);
      return 2;
    }
    const char *key_var =
        c->api_key_env ? c->api_key_env
                       : (!strcmp(provider, "anthropic") ? "ANTHROPIC_API_KEY"
                                                         : "OPENAI_API_KEY");
    if (env(key_var))
      plan__llm_cassette_add_secret(c->cassette_llm, env(key_var));
    c->llm = c->cassette_llm;
  }

  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = c->concurrency;
  so.max_attempts = c->max_attempts;
  so.budget_calls = c->budget_calls;
  so.budget_tokens = c->budget_tokens;
  so.budget_wall_ms = c->budget_wall_ms;
  so.seed = c->seed;
  so.clock = plan_clock_system();
  if (plan_scheduler_create(c->llm, &so, &c->sched, &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", prog, err.text);
    return 2;
  }
  return 0;
}

int cli_llm_save(cli_llmconf *c, const char *prog) {
  if (!c->cassette_llm)
    return 0;
  if (plan_llm_cassette_save(c->cassette_llm) != PLAN_OK) {
    fprintf(stderr, "%s: saving %s: %s\n", prog, c->cassette,
            plan_llm_errmsg(c->cassette_llm));
    return 1;
  }
  return 0;
}

void cli_llm_close(cli_llmconf *c) {
  plan_scheduler_destroy(c->sched);
  plan_llm_destroy(c->cassette_llm);
  plan_llm_destroy(c->http);
  plan_free(c->script_text);
  c->sched = NULL;
  c->cassette_llm = c->http = c->llm = NULL;
  c->script_text = NULL;
}

void cli_print_option(FILE *f, const char *flag, const char *arg,
                      const char *help) {
  char head[64];
  plan__fmt(head, sizeof head, "%s%s%s", flag, arg ? " " : "", arg ? arg : "");
  fprintf(f, "  %-22s ", head);
  for (const char *p = help; *p; p++) {
    fputc(*p, f);
    if (*p == '\n')
      fprintf(f, "  %-22s ", "");
  }
  fputc('\n', f);
}
