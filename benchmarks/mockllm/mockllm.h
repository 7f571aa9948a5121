/* benchmarks/mockllm/mockllm.h: internals of mockllm, the loopback TEST
 * DOUBLE for OpenAI- and Anthropic-compatible LLM servers that the
 * integration tests and benchmarks talk to over real sockets. Its replies
 * come from a "brain" (echo, script) and are canned text, never model
 * output. The pieces:
 *   main.c          command line, signals, start and stop
 *   server.c        libmicrohttpd daemon, routing, latency, stats, faults
 *   api.c           the two wire formats: request checks, response bodies
 *   fault.c         fault kinds, the [[fault:...]] directive, first=K counts
 *   text.c          words, cuts, message text extraction
 *   brain.c         the brain registry; brain_echo.c, brain_script.c,
 *                   brain_oracle.c (a noisy PDDL domain oracle)
 * Not part of libplan; nothing here is installed. */
#ifndef MOCKLLM_H
#define MOCKLLM_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define MOCKLLM_CREATED 1700000000   /* the fixed "created" timestamp */
#define MOCKLLM_MAX_BODY (32u << 20) /* request bodies above: 413 */
#define MOCKLLM_MAX_N 128
#define MOCKLLM_MAX_STOPS 16

/* ======================================================================
 * Faults
 * ====================================================================== */

typedef enum mockllm_fault_kind {
  MOCKLLM_FAULT_NONE = 0,
  MOCKLLM_FAULT_429,      /* rate limit, Retry-After when configured */
  MOCKLLM_FAULT_429QUOTA, /* insufficient_quota, never Retry-After */
  MOCKLLM_FAULT_500,
  MOCKLLM_FAULT_503,
  MOCKLLM_FAULT_529, /* Anthropic overloaded_error */
  MOCKLLM_FAULT_400,
  MOCKLLM_FAULT_401,
  MOCKLLM_FAULT_STALL,         /* silence for stall_ms, then the reply */
  MOCKLLM_FAULT_RESET,         /* close without any response */
  MOCKLLM_FAULT_TRUNCATED,     /* Content-Length > bytes sent, then close */
  MOCKLLM_FAULT_INVALID_JSON,  /* 200 with a body that is not JSON */
  MOCKLLM_FAULT_EMPTY_CHOICES, /* 200, choices: [] (content: []) */
  MOCKLLM_FAULT_LENGTH,        /* text cut in half, finish_reason length */
  MOCKLLM_FAULT_OVERSIZED,     /* 200, valid JSON of oversized_bytes */
  MOCKLLM_FAULT_IGNORE_N,      /* one choice whatever n asks */
  MOCKLLM_FAULT_COUNT
} mockllm_fault_kind;

/* One fault as applied to one request. retry_after is the Retry-After
 * header value ("" for none); retry_after_ms < 0 means no retry-after-ms
 * header; stall_ms < 0 means the configured default. */
typedef struct mockllm_fault {
  mockllm_fault_kind kind;
  char retry_after[32];
  long retry_after_ms;
  long stall_ms;
} mockllm_fault;

/* The name of a kind as spelled on the command line ("429quota"), and the
 * reverse (false for an unknown name). */
const char *mockllm_fault_name(mockllm_fault_kind k);
bool mockllm_fault_parse_kind(const char *name, size_t len,
                              mockllm_fault_kind *out);

/* A directive found in a message: "[[fault:KIND(,key=value)*]]". */
typedef struct mockllm_directive {
  bool found;
  mockllm_fault fault;
  long first;        /* < 0: every request carrying it faults */
  size_t start, end; /* byte range of the directive in the text */
} mockllm_directive;

/* Looks for the first "[[fault:" in text. Returns true with d->found false
 * when there is none, true with d filled when it parses, and false with a
 * message in err when it is malformed (no "]]", unknown kind or key, bad
 * number). */
bool mockllm_directive_parse(const char *text, mockllm_directive *d, char *err,
                             size_t errsize);

/* ======================================================================
 * Configuration (the command line)
 * ====================================================================== */

typedef struct mockllm_config {
  const char *host;      /* default 127.0.0.1 */
  long port;             /* 0: pick a free port */
  const char *port_file; /* NULL: none */
  const char *brain;     /* default "echo" */
  const char *script;    /* --script FILE */
  const char *model_name;
  long latency_ms;
  long latency_jitter_ms;
  uint64_t seed;
  mockllm_fault fault;    /* kind NONE: no flag fault */
  double fault_rate;      /* < 0: not given */
  long fault_first;       /* < 0: not given */
  long stall_ms;          /* default 30000 */
  size_t oversized_bytes; /* default 20 MiB */
  bool quiet;
  /* The oracle brain (brain_oracle.c). */
  const char *domain;      /* --domain FILE: the PDDL domain */
  const char *problem_dir; /* --problem-dir DIR: instance-*.pddl files */
  const char *noise;       /* --noise low|middle|high|none */
  const char *pb_config;   /* --pb-config FILE: PlanBench domain config */
  /* --rate-limit N/MS: at most N model requests per fixed window of MS;
   * replies carry the provider's rate-limit headers, and a request over
   * the limit gets a 429 with retry-after-ms. 0: off. */
  long rate_limit_n;
  long rate_limit_window_ms;
} mockllm_config;

void mockllm_config_init(mockllm_config *c);

/* ======================================================================
 * Text helpers
 * ====================================================================== */

/* Number of words: maximal runs of non-whitespace bytes. This is the
 * token count of the double everywhere (prompt and completion). */
size_t mockllm_count_words(const char *s, size_t len);
/* Byte length of the prefix of s holding its first max_words words
 * (trailing whitespace excluded). */
size_t mockllm_cut_words(const char *s, size_t len, size_t max_words);
/* Appends the text of a message content to b: a string as is, an array of
 * parts by their "text" members joined with "\n", anything else nothing. */
void mockllm_content_text(const json_t *content, plan__buf *b);
/* Byte offset of the first character that is not whitespace / one past the
 * last one. */
size_t mockllm_trim_start(const char *s, size_t len);
/* Length of the word that starts s (bytes up to the first whitespace). */
size_t mockllm_word_len(const char *s, size_t len);
size_t mockllm_trim_end(const char *s, size_t len);
/* Appends the serialisation of v (borrowed) with json_dump flags to b.
 * False on ENOMEM. */
bool mockllm_json_append(const json_t *v, size_t flags, plan__buf *b);

/* ======================================================================
 * Queries and brains
 * ====================================================================== */

typedef enum mockllm_api {
  MOCKLLM_API_OPENAI = 0,
  MOCKLLM_API_ANTHROPIC = 1
} mockllm_api;

typedef enum mockllm_format {
  MOCKLLM_FORMAT_TEXT = 0,
  MOCKLLM_FORMAT_JSON_OBJECT,
  MOCKLLM_FORMAT_JSON_SCHEMA
} mockllm_format;

/* A validated request, common to both APIs. Pointers borrow from body. */
typedef struct mockllm_query {
  mockllm_api api;
  const json_t *body; /* the whole request object */
  const char *model;
  const char *last_user; /* last user message, directive removed */
  size_t prompt_tokens;  /* words of every message (and system) */
  int n;                 /* 1 for Anthropic */
  long max_tokens;       /* < 0: no limit */
  const char *stops[MOCKLLM_MAX_STOPS];
  size_t n_stops;
  bool logprobs;
  int top_logprobs;
  mockllm_format format;
  bool has_seed;
  int64_t seed;
} mockllm_query;

/* A brain turns a query into reply text. Brains are plugged in through
 * this table (one file each; add the new table to brain.c). reply runs on
 * many connection threads at once, so a brain's state must be read-only
 * after create. */
typedef struct mockllm_brain_vtbl {
  const char *name;
  const char *summary; /* one line for --help */
  /* Builds the brain from the configuration. Returns false with a message
   * in err on failure. */
  bool (*create)(const mockllm_config *cfg, void **out_self, char *err,
                 size_t errsize);
  /* Appends the text of choice `index` (0-based, < q->n) to out. Returns
   * 0, or an HTTP status with a message in err (the server answers it in
   * the API's error shape). */
  int (*reply)(void *self, const mockllm_query *q, int index, plan__buf *out,
               char *err, size_t errsize);
  void (*destroy)(void *self);
  /* Appended member. When non-NULL, the "model" of every reply (instead
   * of the request's model), so that a brain that answers with a domain's
   * ground truth names itself a test double in every response. */
  const char *reply_model;
} mockllm_brain_vtbl;

extern const mockllm_brain_vtbl mockllm_brain_echo;
extern const mockllm_brain_vtbl mockllm_brain_script;
extern const mockllm_brain_vtbl mockllm_brain_oracle;

/* The brain called name, or NULL. */
const mockllm_brain_vtbl *mockllm_brain_find(const char *name);
/* The registered brains, NULL-terminated (for --help). */
const mockllm_brain_vtbl *const *mockllm_brain_list(void);

/* ======================================================================
 * API formats (api.c)
 * ====================================================================== */

/* An HTTP error in the API's shape. */
typedef struct mockllm_error {
  int status;
  const char *type;  /* OpenAI error.type / Anthropic error.type */
  const char *code;  /* OpenAI error.code; NULL: null */
  const char *param; /* OpenAI error.param; NULL: null */
  char message[512];
} mockllm_error;

void mockllm_error_set(mockllm_error *e, int status, const char *type,
                       const char *code, const char *param, const char *fmt,
                       ...) PLAN_PRINTF(6, 7);

/* Checks a parsed request body and fills q (last_user left NULL: the
 * server fills it after removing the directive). last_user_raw receives the
 * unmodified last user message text. anthropic_version is the header value
 * (NULL if absent; only the Anthropic API requires it). */
bool mockllm_query_parse(mockllm_api api, const json_t *body,
                         const char *anthropic_version, mockllm_query *q,
                         plan__buf *last_user_raw, mockllm_error *e);

/* The body of an error response (new string, free with plan__free). */
char *mockllm_error_body(mockllm_api api, const mockllm_error *e,
                         const char *request_id);

/* One choice of a reply, after stop sequences and cuts. */
typedef struct mockllm_choice {
  char *text;           /* owned */
  const char *finish;   /* OpenAI finish_reason */
  const char *stop_seq; /* the stop sequence that ended it, or NULL */
} mockllm_choice;

/* Builds the success body (new string) for q with the given choices;
 * pad_to > 0 pads the first choice's text so that the body is at least
 * pad_to bytes. NULL on ENOMEM. */
char *mockllm_success_body(const mockllm_query *q, const mockllm_choice *c,
                           size_t n_choices, const char *id, size_t pad_to);
/* The /v1/models body. */
char *mockllm_models_body(const char *model_name);

/* The deterministic log-probability of token `pos` of choice `index`. */
double mockllm_token_logprob(const char *tok, size_t len, size_t pos,
                             int index);

/* ======================================================================
 * The server (server.c)
 * ====================================================================== */

typedef struct mockllm_server mockllm_server;

/* Creates the brain and starts listening on cfg->host:cfg->port with one
 * thread per connection, so slow replies overlap. cfg is retained until
 * mockllm_server_stop. Returns false with a message in err on failure.
 * Destructor: mockllm_server_stop. */
bool mockllm_server_start(const mockllm_config *cfg, mockllm_server **out,
                          char *err, size_t errsize);
/* The port the server listens on (the one picked when cfg->port is 0). */
int mockllm_server_port(const mockllm_server *s);
/* Wakes every sleeping request, stops the daemon (joining its threads) and
 * frees s. NULL does nothing. */
void mockllm_server_stop(mockllm_server *s);

#endif /* MOCKLLM_H */
