/* benchmarks/mockllm/main.c: the command line of mockllm, a loopback TEST
 * DOUBLE for OpenAI- and Anthropic-compatible LLM servers. It parses the
 * flags, starts the server (server.c), prints the port it listens on and
 * waits for SIGTERM or SIGINT, then stops cleanly. Exit codes: 0 after a
 * signal, 1 when the server cannot start, 2 for a bad command line. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "benchmarks/mockllm/mockllm.h"

/* clang-format off */
static void usage(FILE *f) {
  fprintf(f,
"usage: mockllm [options]\n"
"\n"
"mockllm is a TEST DOUBLE: a loopback HTTP server that speaks the OpenAI\n"
"Chat Completions and Anthropic Messages wire formats for tests and\n"
"benchmarks. Its replies come from a 'brain' (echo, a script, or a noisy\n"
"PDDL oracle that answers from the exact simulator); they say nothing\n"
"about the quality of any real model.\n"
"\n"
"Endpoints: POST /v1/chat/completions, POST /v1/messages, GET /v1/models,\n"
"           GET /stats, POST /stats/reset\n"
"\n"
"Options:\n"
"  --host ADDR            numeric address to bind (default 127.0.0.1)\n"
"  --port N               port; 0 picks a free one (default 0). The port is\n"
"                         printed on its own line on stdout once listening\n"
"  --port-file FILE       also write the port to FILE\n"
"  --brain NAME           who writes the replies (default echo):\n");
  for (const mockllm_brain_vtbl *const *b = mockllm_brain_list(); *b; b++)
    fprintf(f, "      %-7s %s\n", (*b)->name,
            (*b)->summary);
  fprintf(f,
"  --script FILE          rules for the script brain (implies --brain script)\n"
"  --domain FILE          oracle brain: the PDDL domain it simulates\n"
"  --problem-dir DIR      oracle brain: problem files (*.pddl) whose objects\n"
"                         and initial states it may match prompts against\n"
"  --pb-config FILE       oracle brain: the PlanBench config (YAML) for\n"
"                         natural-language states (default: found next to\n"
"                         a PlanBench domain file)\n"
"  --noise LEVEL          oracle brain: none (exact answers, the default),\n"
"                         low, middle or high; the noise is seeded by --seed\n"
"  --model-name NAME      the model /v1/models lists (default mockllm)\n"
"  --latency-ms N         delay every model request by N ms (default 0)\n"
"  --latency-jitter-ms N  plus a uniform random 0..N ms (seeded by --seed)\n"
"  --seed N               seed of the jitter and --fault-rate draws (0)\n"
"  --fault KIND           inject KIND into model requests (every one, or as\n"
"                         limited by --fault-first / --fault-rate). KIND:\n"
"                         429 429quota 500 503 529 400 401 stall reset\n"
"                         truncated invalid_json empty_choices length\n"
"                         oversized ignore_n\n"
"  --fault-rate P         inject with probability P in [0, 1]\n"
"  --fault-first K        inject into the first K model requests only\n"
"  --retry-after S        Retry-After header (seconds) on 429/503/529\n"
"  --retry-after-ms MS    retry-after-ms header on 429/503/529\n"
"  --stall-ms MS          how long 'stall' stays silent (default 30000)\n"
"  --rate-limit N/MS      at most N model requests per window of MS: every\n"
"                         reply carries x-ratelimit-* (OpenAI) or\n"
"                         anthropic-ratelimit-* headers; more get a 429\n"
"  --oversized-bytes N    body size of 'oversized' (default 20971520)\n"
"  --quiet                no log lines on stderr\n"
"  --help                 this text\n"
"\n"
"Per request, the last user message may carry a directive\n"
"  [[fault:KIND]]  or  [[fault:KIND,key=value,...]]\n"
"with keys first=K (only the first K requests carrying this exact\n"
"directive text fault; later ones succeed), retry_after=S,\n"
"retry_after_ms=MS, stall_ms=MS and id=TAG (makes the text distinct).\n"
"See docs/mockllm.md.\n");
}
/* clang-format on */

void mockllm_config_init(mockllm_config *c) {
  memset(c, 0, sizeof *c);
  c->host = "127.0.0.1";
  c->port = 0;
  c->brain = "echo";
  c->model_name = "mockllm";
  c->fault.kind = MOCKLLM_FAULT_NONE;
  c->fault.retry_after_ms = -1;
  c->fault.stall_ms = -1;
  c->fault_rate = -1;
  c->fault_first = -1;
  c->stall_ms = 30000;
  c->oversized_bytes = (size_t)20 << 20;
}

/* A non-negative integer flag value no larger than max. */
static bool flag_long(const char *flag, const char *v, long max, long *out) {
  int64_t x;
  if (!plan__parse_i64(v, &x) || x < 0 || x > max) {
    fprintf(stderr, "mockllm: %s: '%s' is not an integer in [0, %ld]\n", flag,
            v, max);
    return false;
  }
  *out = (long)x;
  return true;
}

/* Parses argv into c. Returns false (after printing why) on a bad flag. */
static bool parse_args(int argc, char **argv, mockllm_config *c, bool *help) {
  bool brain_given = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = NULL;
    char name[64];
    const char *eq = strchr(a, '=');
    if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof name) {
      memcpy(name, a, (size_t)(eq - a));
      name[eq - a] = '\0';
      v = eq + 1;
      a = name;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      *help = true;
      return true;
    }
    if (strcmp(a, "--quiet") == 0) {
      c->quiet = true;
      continue;
    }
    if (strncmp(a, "--", 2) != 0) {
      fprintf(stderr, "mockllm: unexpected argument '%s'\n", argv[i]);
      return false;
    }
    static const char *const valued[] = {"--host",        "--port",
                                         "--port-file",   "--brain",
                                         "--script",      "--model-name",
                                         "--latency-ms",  "--latency-jitter-ms",
                                         "--seed",        "--fault",
                                         "--fault-rate",  "--fault-first",
                                         "--retry-after", "--retry-after-ms",
                                         "--stall-ms",    "--oversized-bytes",
                                         "--domain",      "--problem-dir",
                                         "--noise",       "--pb-config",
                                         "--rate-limit"};
    bool known = false;
    for (size_t k = 0; k < PLAN_ARRAY_LEN(valued); k++)
      known = known || strcmp(a, valued[k]) == 0;
    if (!known) {
      fprintf(stderr, "mockllm: unknown option '%s'\n", a);
      return false;
    }
    if (!v) {
      if (i + 1 >= argc) {
        fprintf(stderr, "mockllm: %s needs a value\n", a);
        return false;
      }
      v = argv[++i];
    }
    long n;
    if (strcmp(a, "--host") == 0) {
      c->host = v;
    } else if (strcmp(a, "--port") == 0) {
      if (!flag_long(a, v, 65535, &c->port))
        return false;
    } else if (strcmp(a, "--port-file") == 0) {
      c->port_file = v;
    } else if (strcmp(a, "--brain") == 0) {
      if (!mockllm_brain_find(v)) {
        fprintf(stderr, "mockllm: unknown brain '%s'\n", v);
        return false;
      }
      c->brain = v;
      brain_given = true;
    } else if (strcmp(a, "--script") == 0) {
      c->script = v;
    } else if (strcmp(a, "--model-name") == 0) {
      c->model_name = v;
    } else if (strcmp(a, "--latency-ms") == 0) {
      if (!flag_long(a, v, 3600000, &c->latency_ms))
        return false;
    } else if (strcmp(a, "--latency-jitter-ms") == 0) {
      if (!flag_long(a, v, 3600000, &c->latency_jitter_ms))
        return false;
    } else if (strcmp(a, "--seed") == 0) {
      int64_t x;
      if (!plan__parse_i64(v, &x)) {
        fprintf(stderr, "mockllm: --seed: '%s' is not an integer\n", v);
        return false;
      }
      c->seed = (uint64_t)x;
    } else if (strcmp(a, "--fault") == 0) {
      if (!mockllm_fault_parse_kind(v, strlen(v), &c->fault.kind)) {
        fprintf(stderr, "mockllm: unknown fault kind '%s'\n", v);
        return false;
      }
    } else if (strcmp(a, "--fault-rate") == 0) {
      double p;
      if (!plan__parse_double(v, &p) || !(p >= 0 && p <= 1)) {
        fprintf(stderr, "mockllm: --fault-rate: '%s' is not in [0, 1]\n", v);
        return false;
      }
      c->fault_rate = p;
    } else if (strcmp(a, "--rate-limit") == 0) {
      char *slash = strchr(v, '/');
      char *end1 = NULL, *end2 = NULL;
      long lim = slash ? strtol(v, &end1, 10) : 0;
      long ms = slash ? strtol(slash + 1, &end2, 10) : 0;
      if (!slash || end1 != slash || !end2 || *end2 || lim < 1 || ms < 1 ||
          lim > 1000000000 || ms > 86400000) {
        fprintf(stderr,
                "mockllm: --rate-limit: expected N/MS (e.g. 10/1000), got "
                "'%s'\n",
                v);
        return false;
      }
      c->rate_limit_n = lim;
      c->rate_limit_window_ms = ms;
    } else if (strcmp(a, "--fault-first") == 0) {
      if (!flag_long(a, v, 1000000000, &c->fault_first))
        return false;
    } else if (strcmp(a, "--retry-after") == 0) {
      double sec;
      if (!plan__parse_double(v, &sec) || !(sec >= 0) ||
          strlen(v) >= sizeof c->fault.retry_after) {
        fprintf(stderr,
                "mockllm: --retry-after: '%s' is not a number of "
                "seconds\n",
                v);
        return false;
      }
      memcpy(c->fault.retry_after, v, strlen(v) + 1);
    } else if (strcmp(a, "--retry-after-ms") == 0) {
      if (!flag_long(a, v, 1000000000, &c->fault.retry_after_ms))
        return false;
    } else if (strcmp(a, "--stall-ms") == 0) {
      if (!flag_long(a, v, 3600000, &c->stall_ms))
        return false;
    } else if (strcmp(a, "--oversized-bytes") == 0) {
      if (!flag_long(a, v, 1L << 30, &n))
        return false;
      c->oversized_bytes = (size_t)n;
    } else if (strcmp(a, "--domain") == 0) {
      c->domain = v;
    } else if (strcmp(a, "--problem-dir") == 0) {
      c->problem_dir = v;
    } else if (strcmp(a, "--pb-config") == 0) {
      c->pb_config = v;
    } else if (strcmp(a, "--noise") == 0) {
      if (strcmp(v, "none") != 0 && strcmp(v, "low") != 0 &&
          strcmp(v, "middle") != 0 && strcmp(v, "high") != 0) {
        fprintf(stderr,
                "mockllm: --noise: '%s' is not none, low, middle or high\n", v);
        return false;
      }
      c->noise = v;
    } else {
      /* Cannot happen: every name in valued[] has a branch. */
      fprintf(stderr, "mockllm: unhandled option '%s'\n", a);
      return false;
    }
  }
  if (c->script && !brain_given)
    c->brain = "script";
  if (c->domain && !brain_given)
    c->brain = "oracle";
  if ((c->fault_rate >= 0 || c->fault_first >= 0) &&
      c->fault.kind == MOCKLLM_FAULT_NONE) {
    fprintf(stderr, "mockllm: --fault-rate and --fault-first need --fault\n");
    return false;
  }
  return true;
}

/* Writes the port to path through a temporary file and a rename, so a
 * reader never sees a half-written file. */
static bool write_port_file(const char *path, int port) {
  plan__buf tmp;
  plan__buf_init(&tmp, 0);
  plan__buf_printf(&tmp, "%s.tmp", path);
  if (tmp.status != PLAN_OK) {
    plan__buf_free(&tmp);
    return false;
  }
  FILE *f = fopen(tmp.data, "w");
  bool ok = f != NULL;
  if (f) {
    ok = fprintf(f, "%d\n", port) > 0;
    ok = fclose(f) == 0 && ok;
  }
  ok = ok && rename(tmp.data, path) == 0;
  if (!ok) {
    fprintf(stderr, "mockllm: cannot write --port-file %s\n", path);
    remove(tmp.data);
  }
  plan__buf_free(&tmp);
  return ok;
}

int main(int argc, char **argv) {
  mockllm_config cfg;
  mockllm_config_init(&cfg);
  bool help = false;
  if (!parse_args(argc, argv, &cfg, &help)) {
    usage(stderr);
    return 2;
  }
  if (help) {
    usage(stdout);
    return 0;
  }
  json_object_seed(1);
  if (plan_global_init(NULL) != PLAN_OK) {
    fprintf(stderr, "mockllm: initialisation failed\n");
    return 1;
  }
  /* The signals we stop on are blocked before any thread starts (threads
   * inherit the mask) and taken with sigwait; SIGPIPE from a client that
   * hung up must not kill the server. */
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);

  mockllm_server *s = NULL;
  char err[512];
  if (!mockllm_server_start(&cfg, &s, err, sizeof err)) {
    fprintf(stderr, "mockllm: %s\n", err);
    plan_global_cleanup();
    return 1;
  }
  int port = mockllm_server_port(s);
  int rc = 0;
  if (cfg.port_file && !write_port_file(cfg.port_file, port)) {
    rc = 1;
  } else {
    printf("%d\n", port);
    fflush(stdout);
    if (!cfg.quiet)
      fprintf(stderr,
              "mockllm: test double listening on %s:%d (brain %s%s%s)\n",
              cfg.host, port, cfg.brain,
              cfg.fault.kind != MOCKLLM_FAULT_NONE ? ", fault " : "",
              cfg.fault.kind != MOCKLLM_FAULT_NONE
                  ? mockllm_fault_name(cfg.fault.kind)
                  : "");
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
      ;
    if (!cfg.quiet)
      fprintf(stderr, "mockllm: signal %d, stopping\n", sig);
  }
  mockllm_server_stop(s);
  plan_global_cleanup();
  return rc;
}
