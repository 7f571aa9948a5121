/* plan.h: the public API of libplan, a planning and tree-search engine for
 * LLM agents. This is the only header a user includes; people who write
 * their own LLM backend also include <plan_backend.h>.
 *
 * Thread safety. The only process-wide state is set up by
 * plan_global_init() and torn down by plan_global_cleanup(); call them once,
 * at startup and at exit, before any other thread runs. Every other object
 * is a handle. A handle may move between threads but must never be used by
 * two threads at once; distinct handles are independent.
 *
 * Errors. Every function that can fail returns a plan_status (PLAN_OK is 0).
 * Once a handle exists, it also keeps a message for its last failure
 * (plan_<object>_errmsg). Before a handle exists, functions take an optional
 * caller-allocated plan_error that receives the code and a message.
 *
 * Memory. Inputs are borrowed for the duration of a call and copied when
 * kept. Returned const pointers are borrowed from the handle. Returned
 * non-const buffers are freed with plan_free().
 *
 * Determinism. The library reads no environment variable and no entropy by
 * itself. A clock and a seed come from options (the CLI supplies real ones);
 * where no clock is given the system's monotonic clock is used.
 */
#ifndef PLAN_H
#define PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(PLAN_SHARED)
#if defined(PLAN_BUILDING)
#define PLAN_API __declspec(dllexport)
#else
#define PLAN_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define PLAN_API __attribute__((visibility("default")))
#else
#define PLAN_API
#endif

#define PLAN_VERSION_MAJOR 0
#define PLAN_VERSION_MINOR 1
#define PLAN_VERSION_PATCH 0
#define PLAN_VERSION_NUMBER                                                    \
  (PLAN_VERSION_MAJOR * 10000 + PLAN_VERSION_MINOR * 100 + PLAN_VERSION_PATCH)

/* The runtime library's version as "MAJOR.MINOR.PATCH". Compare with the
 * PLAN_VERSION_* macros to check that header and library agree. */
PLAN_API const char *plan_version(void);
PLAN_API int plan_version_number(void);

/* ======================================================================
 * Status codes
 * ====================================================================== */

/* One list generates the enum, the names and the messages. Codes are never
 * renumbered or reused; a retired code stays as a placeholder. */
#define PLAN_STATUS_MAP(X)                                                     \
  X(OK, "success")                                                             \
  X(ENOMEM, "out of memory")                                                   \
  X(EINVAL, "invalid argument")                                                \
  X(EMISUSE, "API misuse")                                                     \
  X(EIO, "input/output error")                                                 \
  X(EHTTP, "HTTP error")                                                       \
  X(ETIMEOUT, "timed out")                                                     \
  X(ERATELIMIT, "rate limited")                                                \
  X(EPARSE, "parse error")                                                     \
  X(EBACKEND, "backend error")                                                 \
  X(ENOTFOUND, "not found")                                                    \
  X(EBUDGET, "budget exhausted")                                               \
  X(ECANCELED, "canceled")                                                     \
  X(EINTERNAL, "internal error")                                               \
  X(ETRUNCATED, "output truncated")                                            \
  X(ENOTSUP, "not supported")

/* clang-format off */
typedef enum plan_status {
#define PLAN__STATUS_ENUM(name, msg) PLAN_##name,
  PLAN_STATUS_MAP(PLAN__STATUS_ENUM)
#undef PLAN__STATUS_ENUM
  PLAN_STATUS_COUNT
} plan_status;
/* clang-format on */

/* A static message for a status ("out of memory"); never NULL. */
PLAN_API const char *plan_strerror(plan_status code);
/* The status's name without the prefix ("ENOMEM"); never NULL. */
PLAN_API const char *plan_status_name(plan_status code);

/* Error details for functions that run before a handle exists. The caller
 * allocates it (the stack is fine) and may pass NULL. line and column are
 * 1-based when a file position is known, 0 otherwise. */
typedef struct plan_error {
  plan_status code;
  int line;
  int column;
  char text[160];
} plan_error;

/* ======================================================================
 * Process-wide set-up, allocator, clock
 * ====================================================================== */

/* An allocator. All library allocations go through it (and through it
 * into PCRE2). realloc_fn(ud, NULL, n) must behave as malloc_fn. */
typedef struct plan_allocator {
  void *(*malloc_fn)(void *ud, size_t size);
  void *(*realloc_fn)(void *ud, void *ptr, size_t size);
  void (*free_fn)(void *ud, void *ptr);
  void *ud;
} plan_allocator;

/* Initialises libcurl and installs the allocator (NULL: libc). Call once at
 * startup before any other thread runs. Returns PLAN_EINTERNAL if libcurl
 * cannot be initialised. Not thread-safe. */
PLAN_API plan_status plan_global_init(const plan_allocator *alloc);
/* Undoes plan_global_init. Call once at exit, after every handle is gone. */
PLAN_API void plan_global_cleanup(void);

/* Frees a buffer the library returned as non-const. NULL does nothing. */
PLAN_API void plan_free(void *ptr);

/* A clock: now_ns returns monotonic nanoseconds; sleep_ns waits (or, for a
 * simulated clock, advances time). Both are required. */
typedef struct plan_clock {
  uint64_t (*now_ns)(void *ud);
  void (*sleep_ns)(void *ud, uint64_t ns);
  void *ud;
} plan_clock;

/* The system's monotonic clock (CLOCK_MONOTONIC, nanosleep). Static;
 * thread-safe. */
PLAN_API const plan_clock *plan_clock_system(void);

/* ======================================================================
 * LLM requests and responses
 * ====================================================================== */

typedef struct plan_message {
  const char *role;    /* "system", "user" or "assistant" */
  const char *content; /* UTF-8 text */
} plan_message;

#define PLAN_LLM_REQUEST_VERSION 1

/* One chat request. Fill with plan_llm_request_init, then set fields.
 * Every pointer is borrowed for the duration of the call it is passed to. */
typedef struct plan_llm_request {
  unsigned version;
  const char *model; /* NULL: the backend's default model */
  const plan_message *messages;
  size_t n_messages;
  double temperature;      /* sent explicitly; init sets 1.0 */
  double top_p;            /* sent explicitly; init sets 1.0 */
  unsigned n;              /* choices wanted; init sets 1 */
  unsigned max_tokens;     /* 0: the backend's default (1024 for Anthropic) */
  const char *const *stop; /* up to 4 stop sequences */
  size_t n_stop;
  bool has_seed;
  int64_t seed;
  bool logprobs;
  unsigned top_logprobs; /* 0..20; only with logprobs */
  /* Structured output: the JSON Schema as JSON text, and its name
   * ([A-Za-z0-9_-], at most 64 characters; NULL: "response"). */
  const char *json_schema;
  const char *json_schema_name;
  /* Which sample of this request this is, assigned when the request is
   * created (0, 1, ...). Identical requests with distinct sample indices
   * are distinct samples; the cassette key includes it. */
  unsigned sample_index;
} plan_llm_request;

/* Fills *req with the defaults above. version must be
 * PLAN_LLM_REQUEST_VERSION. */
PLAN_API void plan_llm_request_init(plan_llm_request *req, unsigned version);

typedef enum plan_finish {
  PLAN_FINISH_UNKNOWN = 0,
  PLAN_FINISH_STOP,           /* natural end or a stop sequence */
  PLAN_FINISH_LENGTH,         /* hit the token cap: the text is truncated */
  PLAN_FINISH_CONTENT_FILTER, /* cut by the provider's filter */
  PLAN_FINISH_TOOL_CALLS,
  PLAN_FINISH_REFUSAL
} plan_finish;

/* "stop", "length", ...; never NULL. */
PLAN_API const char *plan_finish_name(plan_finish f);

typedef struct plan_top_logprob {
  char *token;
  double logprob;
} plan_top_logprob;

typedef struct plan_token_logprob {
  char *token;
  double logprob;
  plan_top_logprob *top;
  size_t n_top;
} plan_token_logprob;

typedef struct plan_llm_choice {
  char *text; /* NUL-terminated UTF-8; never NULL in a finished choice */
  size_t text_len;
  plan_finish finish;
  bool truncated;               /* finish == LENGTH: never parse as if whole */
  plan_token_logprob *logprobs; /* NULL unless the server sent them */
  size_t n_logprobs;
} plan_llm_choice;

/* The outcome of one request. The library allocates every member; release
 * them with plan_llm_response_clear. */
typedef struct plan_llm_response {
  plan_status status; /* PLAN_OK when choices hold the reply */
  int http_status;    /* last HTTP status, 0 if none */
  char *error;        /* message when status != PLAN_OK, else NULL */
  plan_llm_choice *choices;
  size_t n_choices;
  uint64_t prompt_tokens;
  uint64_t completion_tokens;
  double latency_ms; /* from first dispatch to completion, with retries */
  unsigned attempts; /* HTTP attempts made (0 for a coalesced duplicate) */
  char *model;       /* the model the server says answered, or NULL */
  char *request_id;  /* x-request-id / request-id, or NULL */
  /* Set by backends for the scheduler's retry decision: a server-directed
   * wait in ms (-1: none) and whether to retry (-1: decide by status,
   * 0: never, 1: yes). */
  int64_t retry_after_ms;
  int should_retry;
  /* Appended. Set by backends from a successful reply's rate-limit
   * headers (x-ratelimit-remaining-* / x-ratelimit-reset-*,
   * anthropic-ratelimit-*-remaining / -reset): when a request or token
   * budget is used up, the ms until it is restored (-1: none). The
   * scheduler then pauses new dispatches to the provider that long
   * instead of running into a 429. */
  int64_t ratelimit_wait_ms;
} plan_llm_response;

/* Zeroes a response before first use (retry_after_ms, should_retry and
 * ratelimit_wait_ms -1). */
PLAN_API void plan_llm_response_init(plan_llm_response *resp);
/* Frees every member and re-initialises *resp. NULL does nothing. */
PLAN_API void plan_llm_response_clear(plan_llm_response *resp);

/* ======================================================================
 * LLM backends (plan_llm)
 * ====================================================================== */

typedef struct plan_llm plan_llm;

#define PLAN_LLM_OPTIONS_VERSION 1

/* Options for the HTTP backends. Zero means default. */
typedef struct plan_llm_options {
  unsigned version;
  /* Base URL up to and including the API version segment, e.g.
   * "https://api.openai.com/v1", "http://localhost:11434/v1". NULL: the
   * provider's public endpoint. */
  const char *base_url;
  const char *api_key;       /* copied; never logged or written to a cassette */
  const char *model;         /* default model for requests with model NULL */
  long connect_timeout_ms;   /* per attempt; default 10000 */
  long timeout_ms;           /* per attempt, whole transfer; default 600000 */
  size_t max_response_bytes; /* default 16 MiB */
  const char *anthropic_version; /* default "2023-06-01" */
  unsigned max_connections;      /* libcurl safety net; default 64 */
} plan_llm_options;

PLAN_API void plan_llm_options_init(plan_llm_options *opts, unsigned version);

/* Creates a backend for any OpenAI-compatible server (OpenAI, vLLM,
 * llama.cpp server, Ollama /v1, LM Studio). Destroy with plan_llm_destroy.
 * Errors: PLAN_EINVAL (bad options, message in *err), PLAN_ENOMEM. */
PLAN_API plan_status plan_llm_openai_create(const plan_llm_options *opts,
                                            plan_llm **out, plan_error *err);
/* Creates a backend for Anthropic's Messages API. Destroy with
 * plan_llm_destroy. */
PLAN_API plan_status plan_llm_anthropic_create(const plan_llm_options *opts,
                                               plan_llm **out, plan_error *err);

typedef enum plan_cassette_mode {
  PLAN_CASSETTE_REPLAY = 0, /* replay only; a miss is a hard error */
  PLAN_CASSETTE_RECORD,     /* always call inner, append every exchange */
  PLAN_CASSETTE_RECORD_NEW  /* replay what is recorded, record the rest */
} plan_cassette_mode;

/* Parses "replay", "record" or "record-new" (also "new"). */
PLAN_API plan_status plan_cassette_mode_parse(const char *s,
                                              plan_cassette_mode *out);

/* Creates a record/replay backend on the JSONL file at path. In the record
 * modes, inner is the backend that answers misses; it is borrowed and must
 * outlive the cassette (NULL is allowed for REPLAY). The file is loaded at
 * create (it may be missing in the record modes) and written by
 * plan_llm_cassette_save or at destroy. Destroy with plan_llm_destroy.
 * Errors: PLAN_EIO, PLAN_EPARSE (line in *err), PLAN_EINVAL. */
PLAN_API plan_status plan_llm_cassette_create(plan_llm *inner, const char *path,
                                              plan_cassette_mode mode,
                                              plan_llm **out, plan_error *err);
/* Writes new recordings to the cassette file (atomically, via a temporary
 * file). Fails with PLAN_EINVAL, writing nothing, if an API key or an auth
 * header would be written. Other backends: PLAN_EMISUSE. */
PLAN_API plan_status plan_llm_cassette_save(plan_llm *cassette);

/* Creates a scripted backend for tests: an ordered list of rules, each a
 * PCRE2 regex on the prompt (the last user message) and an action, in the
 * JSON format described in docs/llm.md, e.g.
 *   [{"match":"capital", "reply":"Paris"},
 *    {"call":3, "error":"rate_limit", "retry_after_ms":10},
 *    {"match":".*", "reply":"ok", "delay_ms":5}]
 * Destroy with plan_llm_destroy. Errors: PLAN_EPARSE, PLAN_EINVAL. */
PLAN_API plan_status plan_llm_scripted_create(const char *script_json,
                                              const plan_clock *clock,
                                              plan_llm **out, plan_error *err);

/* Destroys any backend. NULL does nothing. */
PLAN_API void plan_llm_destroy(plan_llm *llm);
/* The backend's name ("openai", "anthropic", "cassette", ...). */
PLAN_API const char *plan_llm_name(const plan_llm *llm);
/* The message of the backend's last failure; "" if none. */
PLAN_API const char *plan_llm_errmsg(const plan_llm *llm);

/* ======================================================================
 * The scheduler: concurrent batches, retries, rate limits, budgets
 * ====================================================================== */

typedef struct plan_scheduler plan_scheduler;

#define PLAN_SCHEDULER_OPTIONS_VERSION 1

typedef struct plan_scheduler_options {
  unsigned version;
  unsigned concurrency;     /* requests in flight; default 16 */
  unsigned max_attempts;    /* per call; default 3 */
  long backoff_initial_ms;  /* default 500 */
  long backoff_max_ms;      /* default 8000 */
  long max_retry_after_ms;  /* longest server wait honoured; default 60000 */
  long rate_limit_pause_ms; /* provider pause on 429 without a wait; 1000 */
  uint64_t seed;            /* jitter; default 0 is a valid seed */
  const plan_clock *clock;  /* NULL: plan_clock_system() */
  /* Per-run budgets across all batches; 0 means unlimited. */
  uint64_t budget_calls;
  uint64_t budget_tokens;
  uint64_t budget_wall_ms;
  bool no_coalesce; /* do not merge identical requests in a batch */
} plan_scheduler_options;

PLAN_API void plan_scheduler_options_init(plan_scheduler_options *opts,
                                          unsigned version);

/* Creates a scheduler over llm (borrowed; must outlive the scheduler).
 * Destroy with plan_scheduler_destroy. */
PLAN_API plan_status plan_scheduler_create(plan_llm *llm,
                                           const plan_scheduler_options *opts,
                                           plan_scheduler **out,
                                           plan_error *err);
PLAN_API void plan_scheduler_destroy(plan_scheduler *s);

/* Runs a batch: every request gets exactly one response in out[i] (which
 * the caller then clears). Up to `concurrency` are in flight at once.
 * Returns PLAN_OK when every request finished (each with its own status),
 * PLAN_EBUDGET when a budget ended the batch (finished responses are kept,
 * the rest have status PLAN_EBUDGET), PLAN_EMISUSE/PLAN_EINVAL for bad
 * arguments (message in plan_scheduler_errmsg). */
PLAN_API plan_status plan_scheduler_run(plan_scheduler *s,
                                        const plan_llm_request *reqs, size_t n,
                                        plan_llm_response *out);

typedef struct plan_scheduler_stats {
  uint64_t calls;        /* logical requests completed */
  uint64_t attempts;     /* backend attempts (HTTP requests) */
  uint64_t retries;      /* attempts after the first */
  uint64_t coalesced;    /* duplicates answered by another request */
  uint64_t rate_limited; /* 429 / 529 answers */
  uint64_t failures;     /* calls that ended without a reply */
  uint64_t prompt_tokens;
  uint64_t completion_tokens;
  uint64_t wall_ms;       /* time spent inside plan_scheduler_run */
  unsigned max_in_flight; /* most requests in flight at once */
  /* Appended. Pauses started because a reply's rate-limit headers said a
   * budget was used up (before any 429). */
  uint64_t throttled;
} plan_scheduler_stats;

PLAN_API void plan_scheduler_stats_get(const plan_scheduler *s,
                                       plan_scheduler_stats *out);
PLAN_API const char *plan_scheduler_errmsg(const plan_scheduler *s);

/* ======================================================================
 * Parsing LLM output
 * ====================================================================== */

/* Which rule of a parser matched. */
typedef struct plan_parse_report {
  const char *rule; /* static: "whole", "fence", "balanced", "numbered", ... */
  size_t offset;    /* byte offset of the match in the text */
  size_t length;    /* bytes matched */
} plan_parse_report;

/* Extracts a JSON value (object or array) from a reply: the whole text, a
 * fenced block, or the first balanced object/array that parses. Returns a
 * new buffer with the compact JSON (free with plan_free) in *out.
 * PLAN_ENOTFOUND when there is none, PLAN_ETRUNCATED if truncated is true
 * (a cut reply is never parsed as if whole). */
PLAN_API plan_status plan_parse_json(const char *text, size_t len,
                                     bool truncated, char **out,
                                     plan_parse_report *report);

/* A score parsed from a rubric reply, or missing (never 0 by default). */
typedef struct plan_score {
  bool present;
  double value; /* normalised to [0,1] */
  double raw;   /* the number or rubric word's weight as written */
} plan_score;

typedef enum plan_rubric {
  PLAN_RUBRIC_NUMBER = 0, /* a number on a scale [lo, hi] */
  PLAN_RUBRIC_SURE,       /* sure / likely / impossible -> 1 / 0.5 / 0 */
  PLAN_RUBRIC_STATUS      /* Status: success / on track / failure */
} plan_rubric;

/* Parses a score with a rubric. For PLAN_RUBRIC_NUMBER, lo < hi is the
 * scale. Returns PLAN_OK with out->present set, or PLAN_ENOTFOUND with
 * out->present false; PLAN_ETRUNCATED when truncated. */
PLAN_API plan_status plan_parse_score(const char *text, size_t len,
                                      bool truncated, plan_rubric rubric,
                                      double lo, double hi, plan_score *out,
                                      plan_parse_report *report);

/* Parses a numbered ("1." "2)" "Step 3:") or bulleted ("-", "*", "•")
 * list. *out is a new array of *n_out new strings; free with
 * plan_parse_list_free. PLAN_ENOTFOUND when there is no list. */
PLAN_API plan_status plan_parse_list(const char *text, size_t len,
                                     bool truncated, char ***out, size_t *n_out,
                                     plan_parse_report *report);
PLAN_API void plan_parse_list_free(char **items, size_t n);

/* ======================================================================
 * Search
 * ====================================================================== */

/* A tree search over text states (planner/, docs/search.md): from an
 * initial state it proposes actions, predicts the states they lead to,
 * scores those states and stops at a goal or when a budget runs out,
 * returning the plan found (or the best partial plan).
 *
 * Four parts do the work, and a program supplies any of them as a
 * callback or leaves it NULL to get the LLM default (the "text" prompts of
 * data/prompts, docs/prompts.md):
 *   propose   the candidate next actions of a state;
 *   simulate  the state an action leads to (the world model);
 *   evaluate  a value in [0,1] for a state (how promising it is);
 *   is_goal   whether a state satisfies the goal.
 * Callbacks are synchronous and called one item at a time; the LLM
 * defaults send all items of a search round to the model as one
 * concurrent batch. Without an LLM (llm NULL), propose, simulate and
 * is_goal are required and evaluate may be NULL (then every state ranks
 * the same: best-first searches breadth first, greedy takes the most
 * proposed action at every step). With an LLM, a NULL evaluate is the
 * LLM value function.
 *
 * State and action strings passed to callbacks are NUL-terminated and
 * borrowed for the call. A callback must not call into its own
 * plan_search handle (PLAN_EMISUSE). */
typedef struct plan_search plan_search;

typedef enum plan_search_algo {
  PLAN_SEARCH_BEST_FIRST = 0, /* the default */
  PLAN_SEARCH_DFS,            /* pruned depth-first (Tree of Thoughts) */
  PLAN_SEARCH_BEAM,
  PLAN_SEARCH_MCTS,
  PLAN_SEARCH_GREEDY /* no search: one child per step, never back: the
                        best valued, or with no evaluator the most
                        proposed (the LLM alone) */
} plan_search_algo;

/* Parses "best-first", "dfs", "beam", "mcts" or "greedy". PLAN_EINVAL for
 * anything else (*out unchanged). */
PLAN_API plan_status plan_search_algo_parse(const char *s,
                                            plan_search_algo *out);
/* "best-first", ...; "?" for an unknown value. Static. */
PLAN_API const char *plan_search_algo_name(plan_search_algo a);

/* Where a propose callback puts its candidate actions. Valid only during
 * the callback that received it. */
typedef struct plan_action_sink plan_action_sink;

/* Adds a candidate action (a non-empty NUL-terminated string, copied).
 * Adding the same action again counts it again: the search keeps the
 * `branching` most often proposed actions of a state (ties: first added)
 * and uses the counts as priors (MCTS). Errors: PLAN_EINVAL (NULL or
 * empty action), PLAN_EBUDGET (the node budget is full; stop adding),
 * PLAN_ENOMEM, PLAN_EMISUSE (a sink used outside its callback). */
PLAN_API plan_status plan_action_sink_add(plan_action_sink *sink,
                                          const char *action);

/* Where a simulate callback writes the next state. Valid only during the
 * callback that received it. */
typedef struct plan_state_buf plan_state_buf;

/* Appends len bytes of text to the state being written (call it several
 * times to build the state in pieces). Errors: PLAN_EBUDGET (a state
 * longer than 16 MiB), PLAN_ENOMEM, PLAN_EMISUSE. */
PLAN_API plan_status plan_state_buf_append(plan_state_buf *buf,
                                           const char *text, size_t len);

/* Adds the candidate actions of state with plan_action_sink_add. Return
 * PLAN_OK (no action at all makes the state a dead end); any other status
 * stops the search with that status. */
typedef plan_status (*plan_propose_fn)(void *ud, const char *state,
                                       plan_action_sink *sink);
/* Writes the state that action leads to from state into out. Return
 * PLAN_OK when it is written, PLAN_ENOTFOUND when the action cannot be
 * applied (the candidate is pruned and the search goes on); any other
 * status stops the search. */
typedef plan_status (*plan_simulate_fn)(void *ud, const char *state,
                                        const char *action,
                                        plan_state_buf *out);
/* Sets *out_value to the value of state in [0,1] (higher is better;
 * values outside are clamped). Return PLAN_OK, or PLAN_ENOTFOUND when the
 * value is unknown (the state then ranks as its parent, never as 0); any
 * other status stops the search. */
typedef plan_status (*plan_evaluate_fn)(void *ud, const char *state,
                                        double *out_value);
/* Whether state satisfies the goal. */
typedef bool (*plan_is_goal_fn)(void *ud, const char *state);

#define PLAN_SEARCH_OPTIONS_VERSION 1

/* Options of a search. Zero means default. Strings are copied at create. */
typedef struct plan_search_options {
  unsigned version;
  plan_search_algo algo;
  /* The task as the LLM defaults' prompts describe it. goal is required
   * when any LLM default is used; description (a paragraph about the
   * domain) and actions (a vocabulary the model should choose from) are
   * optional. */
  const char *goal;
  const char *description;
  const char *const *actions;
  size_t n_actions;
  /* A folder whose files replace the default prompt templates by name
   * (docs/prompts.md); NULL: the built-in ones. */
  const char *prompts_dir;
  const char *model; /* NULL: the backend's default model */
  /* Callbacks (NULL: the LLM default) and the user data passed to them. */
  plan_propose_fn propose;
  plan_simulate_fn simulate;
  plan_evaluate_fn evaluate;
  plan_is_goal_fn is_goal;
  void *ud;
  /* Budgets. The search stops at the first one hit and keeps the best
   * plan so far. */
  uint32_t max_nodes;      /* nodes in the tree; default 10000 */
  uint32_t max_depth;      /* plan length; default 20 */
  uint32_t max_expansions; /* states expanded; 0: unlimited */
  uint64_t max_llm_calls;  /* 0: unlimited */
  uint64_t max_tokens;     /* prompt + completion; 0: unlimited */
  uint64_t max_wall_ms;    /* on clock; 0: unlimited */
  /* Shape of the search (docs/search.md). */
  uint32_t branching;        /* children kept per state; default 5 */
  uint32_t batch;            /* best-first, MCTS: states per round; 4 */
  uint32_t beam_width;       /* default 5 */
  uint32_t dfs_max_children; /* default 3 */
  uint32_t mcts_iterations;  /* default 100 */
  double prune_below;        /* prune states valued below this; 0: never */
  /* The LLM defaults. */
  unsigned propose_samples; /* sampled proposals per state; default 2k */
  unsigned value_samples;   /* value samples per state; default 3 */
  unsigned concurrency;     /* requests in flight; default 16 */
  /* Seeds the search and, when non-zero, is sent with every request. */
  uint64_t seed;
  const plan_clock *clock; /* NULL: plan_clock_system() */
  /* A file that receives the JSONL trace of every run (docs/trace.md),
   * truncated at the start of each run; NULL: no trace. */
  const char *trace_path;
} plan_search_options;

/* Fills *opts with the defaults (every field zero but version). version
 * must be PLAN_SEARCH_OPTIONS_VERSION. */
PLAN_API void plan_search_options_init(plan_search_options *opts,
                                       unsigned version);

/* Creates a search. llm (borrowed; it must outlive the search, and serves
 * one search at a time) answers the LLM defaults; it may be NULL when
 * propose, simulate and is_goal are all given. opts is copied (NULL: all
 * defaults, which needs an LLM and a goal, so pass options). Destroy with
 * plan_search_destroy. Errors (message in *err): PLAN_EINVAL (a version
 * mismatch, a part that has neither a callback nor an LLM, no goal for an
 * LLM default), PLAN_EIO / PLAN_EPARSE (a prompt override that cannot be
 * read or is malformed), PLAN_ENOMEM. No callback is called. */
PLAN_API plan_status plan_search_create(plan_llm *llm,
                                        const plan_search_options *opts,
                                        plan_search **out, plan_error *err);

/* Runs a search from initial_state (copied) to the end: a goal, no state
 * left to expand, or a budget. A handle runs any number of times; each run
 * starts a new tree and replaces the previous result. Returns PLAN_OK when
 * the search ended by itself (a goal, or nothing left to expand: check
 * plan_search_solved), PLAN_EBUDGET when a budget ended it, or the status
 * that stopped it (a callback's, PLAN_ENOMEM, PLAN_EIO for the trace,
 * ...; message in plan_search_errmsg). Once the search has started, the
 * result accessors below hold the best plan found, whatever the status;
 * a run that fails before (PLAN_EIO: the trace file cannot be opened,
 * PLAN_ENOMEM) leaves an empty result. PLAN_EMISUSE: a NULL handle or
 * initial_state, or a call from inside one of the handle's callbacks. */
PLAN_API plan_status plan_search_run(plan_search *s, const char *initial_state);

/* Whether the last run reached a goal. */
PLAN_API bool plan_search_solved(const plan_search *s);
/* Why the last run ended: "goal", "exhausted", "nodes", "depth", "calls",
 * "tokens", "time", "iterations", "memory", "error"; "" before a run.
 * Static. */
PLAN_API const char *plan_search_stop_reason(const plan_search *s);
/* The plan of the last run: the actions from the initial state to the
 * goal or, unsolved, to the best state found (possibly none). */
PLAN_API size_t plan_search_plan_length(const plan_search *s);
/* Step i (0-based) of the plan, or NULL when i is out of range. Borrowed:
 * valid until the next run or destroy. */
PLAN_API const char *plan_search_plan_step(const plan_search *s, size_t i);
/* The state the plan leads to (the initial state for an empty plan), or
 * NULL before a run. Borrowed like plan_search_plan_step. */
PLAN_API const char *plan_search_final_state(const plan_search *s);

typedef struct plan_search_stats {
  double value;        /* the plan's last state's value (1 for a goal) */
  uint64_t nodes;      /* nodes in the tree */
  uint64_t expansions; /* states expanded */
  uint64_t rounds;     /* batched rounds */
  uint64_t llm_calls;  /* LLM requests of the run */
  uint64_t tokens;     /* their prompt + completion tokens */
} plan_search_stats;

/* Counters of the last run (all zero before one). */
PLAN_API void plan_search_stats_get(const plan_search *s,
                                    plan_search_stats *out);
/* The message of the last failure on s; "" if none. Borrowed: valid until
 * the next call on s. */
PLAN_API const char *plan_search_errmsg(const plan_search *s);
/* Destroys the search and its result. NULL does nothing. */
PLAN_API void plan_search_destroy(plan_search *s);

/* ======================================================================
 * Environments
 * ======================================================================
 * An environment is the real world an agent acts in: it can be observed,
 * and an action executed in it changes it. Every action has an effect
 * class: pure (changes nothing), reversible (undone by restoring a
 * snapshot, or by a reset and a replay of the committed actions) or
 * irreversible (never undone: the agent only simulates it before it
 * commits, docs/agent.md). Built-in environments: the command environment
 * below (a program speaking JSON lines on stdin/stdout, docs/env.md) and
 * PDDL tasks (plan --task FILE --act). Write your own with
 * plan_env_custom_create (plan_backend.h). */
typedef struct plan_env plan_env;

typedef enum plan_effect {
  PLAN_EFFECT_PURE = 0,
  PLAN_EFFECT_REVERSIBLE,
  PLAN_EFFECT_IRREVERSIBLE
} plan_effect;

/* "pure", "reversible", "irreversible"; "?" for an unknown value. */
PLAN_API const char *plan_effect_name(plan_effect e);
/* Parses the names above. PLAN_EINVAL for anything else. */
PLAN_API plan_status plan_effect_parse(const char *s, plan_effect *out);

#define PLAN_ENV_COMMAND_OPTIONS_VERSION 1

typedef struct plan_env_command_options {
  unsigned version;
  /* The most one request may take, in ms; default 10000. A program that
   * does not answer in time is killed and the call fails (PLAN_ETIMEOUT). */
  long timeout_ms;
  /* The working directory of the program (NULL: the caller's). */
  const char *cwd;
  /* Where the program's stderr goes: NULL lets it through to ours. */
  const char *stderr_path;
} plan_env_command_options;

PLAN_API void plan_env_command_options_init(plan_env_command_options *o,
                                            unsigned version);

/* Starts argv[0] (searched in PATH when it has no slash) with argv
 * (NULL-terminated, copied) and greets it ({"op":"hello"}); its reply
 * declares the capabilities and effect classes (docs/env.md). o may be NULL
 * (defaults). Errors (message in *err): PLAN_EINVAL (empty argv), PLAN_EIO
 * (cannot start, exits or closes its output), PLAN_ETIMEOUT, PLAN_EPARSE
 * (a reply that is not the protocol's JSON, quoted in the message). Destroy
 * with plan_env_destroy, which ends the program. */
PLAN_API plan_status plan_env_command_create(
    const char *const *argv, const plan_env_command_options *o,
    plan_env **out, plan_error *err);

/* The current observation (the state as text). The string is borrowed:
 * valid until the next call on env. PLAN_EMISUSE on NULL arguments; any
 * environment failure with its message in *err. */
PLAN_API plan_status plan_env_observe(plan_env *env, const char **out,
                                      plan_error *err);
/* Executes action in the real environment and returns the observation
 * after it (borrowed like plan_env_observe). PLAN_ENOTFOUND: the action
 * cannot be done there (the environment is unchanged). */
PLAN_API plan_status plan_env_execute(plan_env *env, const char *action,
                                      const char **observation,
                                      plan_error *err);
/* The effect class of action. An environment that cannot say makes it
 * irreversible (the safe answer); never fails. */
PLAN_API plan_effect plan_env_effect(plan_env *env, const char *action);
/* Ends the environment (and its program). NULL does nothing. */
PLAN_API void plan_env_destroy(plan_env *env);

/* ======================================================================
 * The plan-act loop
 * ======================================================================
 * An agent acts in an environment with a receding horizon (docs/agent.md,
 * docs/agent-api.md): it observes, searches from the observed state with
 * the world model (the search parts above: callbacks or LLM defaults),
 * commits the first action of the best plan in the real environment,
 * observes what happened, compares it with the prediction and replans,
 * until the goal, a budget or a stop that says why.
 *
 * Pure and reversible actions are committed when chosen. An irreversible
 * action is only ever simulated before it is committed, and is committed
 * through the commit barrier: k independent simulations that agree, the
 * predicted state's value at least a threshold, the best plan through it
 * ahead of the runner-up by more than the spread, and an optional
 * approval (a callback). A refusal passes the turn to the next candidate,
 * then to more search (a twice-refused action is dropped), then to a stop
 * ("refused").
 *
 * The observation is the state: callbacks see it as the state text
 * (surrounding white space trimmed). A handle is used by one thread at a
 * time; its callbacks must not call into it (PLAN_EMISUSE). */
typedef struct plan_agent plan_agent;

typedef enum plan_agent_policy {
  PLAN_AGENT_BARRIER = 0, /* the default: the commit barrier above */
  PLAN_AGENT_NO_BARRIER,  /* commit the best first action, whatever its
                             effect class (a baseline) */
  PLAN_AGENT_WEBDREAMER,  /* simulate each proposed action once, commit the
                             best valued: no lookahead, no barrier */
  PLAN_AGENT_KOH          /* search by executing every explored action in
                             the environment, then reset and replay (for
                             sandboxes only: its probes are real; needs an
                             environment that can snapshot or reset) */
} plan_agent_policy;

/* Parses "barrier", "no-barrier", "webdreamer" or "koh". PLAN_EINVAL for
 * anything else (*out unchanged). */
PLAN_API plan_status plan_agent_policy_parse(const char *s,
                                             plan_agent_policy *out);
/* "barrier", ...; "?" for an unknown value. Static. */
PLAN_API const char *plan_agent_policy_name(plan_agent_policy p);

/* What the barrier measured for an irreversible action that passed its
 * other checks, shown to the approval callback. The strings are borrowed
 * for the call. */
typedef struct plan_commit_check {
  const char *action;
  const char *state;           /* the current (observed) state */
  const char *predicted_state; /* the state the simulations predict */
  /* The predicted state's value (1 for a goal) and its standard error. */
  double value;
  double value_se;
  /* The best plans through the action and through any other first action
   * (-1: there is none). */
  double plan_value;
  double runner_up;
  unsigned simulations; /* predictions asked */
  unsigned votes;       /* predictions that could be read */
  unsigned agree;       /* predictions equal to the chosen one */
  /* The step's search predicted the same state: one more vote (agreement
   * is counted over simulations + 1). */
  bool search_agrees;
} plan_commit_check;

/* Sets *approve: true commits the action, false refuses it (the loop tries
 * the next candidate or searches again). Any status other than PLAN_OK
 * stops the loop with it. */
typedef plan_status (*plan_approve_fn)(void *ud, const plan_commit_check *check,
                                       bool *approve);

#define PLAN_AGENT_OPTIONS_VERSION 1

/* Options of an agent. Zero means default. Strings are copied at create. */
typedef struct plan_agent_options {
  unsigned version;
  /* The search of each step: its parts (callbacks or LLM defaults, with
   * goal, description, actions, prompts_dir, model), algo, shape and the
   * per-step budgets (max_llm_calls default 200 here when 0; max_tokens,
   * max_wall_ms, max_nodes, ...), seed (the base seed: each search of the
   * run gets its own, derived from it), clock (also the whole run's
   * clock), concurrency and trace_path (the JSONL trace of the whole run,
   * truncated at the start of each run). Initialised by
   * plan_agent_options_init. */
  plan_search_options search;
  plan_agent_policy policy;
  uint32_t max_steps; /* real actions before stopping ("steps"); 30 */
  /* The barrier. */
  double commit_threshold; /* least value of the predicted state; 0.25 */
  unsigned simulations;    /* k, 1-64; 3 (doubled for an action whose
                              predictions have often been wrong) */
  double agree;            /* share of the k that must agree; 2/3 */
  double margin_z;         /* the lead over the runner-up, in standard
                              errors; 1 */
  unsigned max_refusals;   /* refusals (extra searches) per step before
                              stopping; 3 (at most 15) */
  plan_approve_fn approve; /* NULL: no approval asked */
  void *approve_ud;
  /* The overthinking guard of each step's search: stop deliberating when
   * the best first action leads every other by more than settle_margin
   * (0: 0.3; negative: never), or after settle_patience rounds without a
   * better value (0: 4; UINT32_MAX: never). */
  double settle_margin;
  uint32_t settle_patience;
  /* Stop ("oscillating") when a state is reached more than this often;
   * 3. */
  uint32_t max_revisits;
  /* Never try pure or reversible actions for real during search (by
   * default the loop does so, in an environment that can snapshot or
   * reset, for actions whose predictions have often been wrong). */
  bool no_real_probes;
  /* Whole-run budgets, checked between steps ("budget"); the LLM calls
   * and tokens also bound the run's scheduler. 0: unlimited. */
  uint64_t max_llm_calls;
  uint64_t max_tokens;
  uint64_t max_wall_ms;
} plan_agent_options;

/* Fills *opts with the defaults (every field zero but the versions;
 * opts->search is initialised with plan_search_options_init). version must
 * be PLAN_AGENT_OPTIONS_VERSION. */
PLAN_API void plan_agent_options_init(plan_agent_options *opts,
                                      unsigned version);

/* Creates an agent acting in env. llm (borrowed; it must outlive the agent
 * and serves one agent at a time) answers the LLM defaults; it may be NULL
 * when the propose, simulate and is_goal callbacks are all given. env is
 * borrowed: it must outlive the agent, which never destroys it. Whether
 * the task is achieved is the environment's done capability when it has
 * one (PLAN_ENV_CAP_DONE), else the search's goal test (is_goal or the
 * LLM judge) on the observed state; the goal test also judges predicted
 * states during search. With the LLM default world model, the barrier's k
 * simulations are k sampled predictions; with a simulate callback its one
 * prediction counts as all k. opts is copied (NULL: all defaults, which
 * needs an LLM and a goal). Destroy with plan_agent_destroy. Errors
 * (message in *err): PLAN_EINVAL (a version mismatch of either options,
 * an option out of range, a part with neither a callback nor an LLM, no
 * goal for an LLM default), PLAN_EMISUSE (NULL env or out), PLAN_EIO /
 * PLAN_EPARSE (prompt overrides), PLAN_ENOMEM. No callback is called. */
PLAN_API plan_status plan_agent_create(plan_llm *llm, plan_env *env,
                                       const plan_agent_options *opts,
                                       plan_agent **out, plan_error *err);

/* Runs the loop from the environment's current observation to its end.
 * A handle runs any number of times; each run starts afresh (history,
 * counters) and replaces the previous result. Returns PLAN_OK when the
 * loop ended by itself: check plan_agent_outcome. Otherwise the failure:
 * the environment's status (an observe or execute that failed), a
 * callback's (propose, simulate, evaluate, approve), PLAN_EPARSE (an empty
 * observation), PLAN_EIO (the trace file), PLAN_ENOMEM; the outcome is
 * then "error" and plan_agent_message says why. The committed history is
 * kept and readable in every case. PLAN_EMISUSE: a NULL handle or a call
 * from inside one of its callbacks. */
PLAN_API plan_status plan_agent_run(plan_agent *a);

/* How the last run ended: "goal" (the task is achieved), "steps"
 * (max_steps), "budget" (a whole-run budget), "refused" (the barrier
 * refused every way forward), "stuck" (no applicable action), "oscillating"
 * (the same states over and over) or "error"; "" before a run. Static. */
PLAN_API const char *plan_agent_outcome(const plan_agent *a);
/* Why, for people ("the barrier refused jump after 4 searches: not
 * approved"); "" before a run. Borrowed: valid until the next run or
 * destroy. */
PLAN_API const char *plan_agent_message(const plan_agent *a);

/* The actions the last run committed, in order. An action the
 * environment refused (PLAN_ENOTFOUND: nothing changed) is listed too,
 * with a NULL observation. */
PLAN_API size_t plan_agent_steps(const plan_agent *a);
/* Step i's action, or NULL when i is out of range. Borrowed: valid until
 * the next run or destroy (as the observation below). */
PLAN_API const char *plan_agent_step_action(const plan_agent *a, size_t i);
/* The observation after step i; NULL when out of range or refused by the
 * environment. */
PLAN_API const char *plan_agent_step_observation(const plan_agent *a, size_t i);
/* Step i's effect class (PLAN_EFFECT_IRREVERSIBLE when out of range). */
PLAN_API plan_effect plan_agent_step_effect(const plan_agent *a, size_t i);

typedef struct plan_agent_stats {
  uint64_t llm_calls;            /* LLM requests of the run */
  uint64_t tokens;               /* their prompt + completion tokens */
  uint64_t searches;             /* searches run (one per step, more after
                                    refusals) */
  uint64_t barrier_checks;       /* irreversible candidates checked */
  uint64_t refusals;             /* ... and refused */
  uint64_t irreversible_commits; /* irreversible actions committed */
  uint64_t real_probes;          /* actions tried for real during search */
  uint64_t env_steps;            /* actions the environment executed (the
                                    commits and the real probes, with their
                                    replays) */
  uint64_t predictions_checked;  /* commits whose outcome was predicted */
  uint64_t predictions_wrong;    /* ... and observed otherwise */
} plan_agent_stats;

/* Counters of the last run (all zero before one). */
PLAN_API void plan_agent_stats_get(const plan_agent *a, plan_agent_stats *out);
/* The message of the last failure on a; "" if none. Borrowed: valid until
 * the next call on a. */
PLAN_API const char *plan_agent_errmsg(const plan_agent *a);
/* Destroys the agent and its result (not its environment). NULL does
 * nothing. */
PLAN_API void plan_agent_destroy(plan_agent *a);

#ifdef __cplusplus
}
#endif
#endif /* PLAN_H */
