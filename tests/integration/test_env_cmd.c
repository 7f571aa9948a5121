/* tests/integration/test_env_cmd.c: the command environment
 * (plan_env_command_create) through the public API, against the example
 * program examples/envs/cliff_env (built next to this test) and a few
 * small shell scripts and system programs that misbehave in every way we
 * know: crashing, hanging, writing garbage, a reply too long, a line too
 * many, closing their input or output, not starting at all. Each failure
 * must come back as a clear status and message, leave no zombie and no
 * open descriptor behind, and break the environment for later calls. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "worldmodel/env/env.h"

#define CLIFF PLAN_BINARY_DIR "/examples/envs/cliff_env"

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  ASSERT(d);
  int n = 0;
  while (readdir(d))
    n++;
  closedir(d);
  return n;
}

/* No child of ours is left, not even a zombie. */
static void assert_no_children(void) {
  int status;
  errno = 0;
  ASSERT_EQ(waitpid(-1, &status, WNOHANG), -1);
  ASSERT_EQ(errno, ECHILD);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static plan_env *start(const char *const *argv, long timeout_ms) {
  plan_env_command_options o;
  plan_env_command_options_init(&o, PLAN_ENV_COMMAND_OPTIONS_VERSION);
  if (timeout_ms)
    o.timeout_ms = test_timeout_ms(timeout_ms);
  plan_env *env = NULL;
  plan_error e;
  plan_status st = plan_env_command_create(argv, &o, &env, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "create: %s\n", e.text);
  ASSERT_OK(st);
  return env;
}

/* Every call on a broken environment repeats the first failure. */
static void assert_broken(plan_env *env, const char *first) {
  const char *obs = "x";
  plan_error e;
  ASSERT_STATUS(plan_env_observe(env, &obs, &e), PLAN_EIO);
  ASSERT(obs == NULL);
  ASSERT_CONTAINS(e.text, "the program failed earlier: ");
  ASSERT_CONTAINS(e.text, first);
  ASSERT_STATUS(plan_env_execute(env, "look", &obs, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "failed earlier");
  uint64_t id = 5;
  ASSERT_STATUS(plan__env_snapshot(env, &id, &e), PLAN_EIO);
  ASSERT_EQ(plan_env_effect(env, "look"), PLAN_EFFECT_PURE);
}

/* ---- a whole session with cliff_env ------------------------------------ */

static void test_session(void) {
  int fds = count_fds();
  const char *argv[] = {CLIFF, NULL};
  plan_env *env = start(argv, 0);
  ASSERT_STR_EQ(plan__env_describe(env), "cliff_env");
  ASSERT_EQ(plan__env_caps(env),
            PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET | PLAN_ENV_CAP_DONE);
  /* The hello's table, by first word; the default for the rest. */
  ASSERT_EQ(plan_env_effect(env, "look"), PLAN_EFFECT_PURE);
  ASSERT_EQ(plan_env_effect(env, "step left"), PLAN_EFFECT_REVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "  STEP right"), PLAN_EFFECT_REVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "(jump)"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "fly"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "stepper"), PLAN_EFFECT_IRREVERSIBLE);

  const char *obs = NULL;
  plan_error e;
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  ASSERT_STR_EQ(obs, "You stand on cell 0 (cells 0..6). The goal is cell 6; "
                     "cell 3 is a cliff.");
  ASSERT_OK(plan_env_execute(env, "step right", &obs, &e));
  ASSERT_CONTAINS(obs, "cell 1 ");
  ASSERT_OK(plan_env_execute(env, "step left", &obs, &e));
  /* Refused: the world stays, the environment goes on. */
  ASSERT_STATUS(plan_env_execute(env, "step left", &obs, &e), PLAN_ENOTFOUND);
  ASSERT(obs == NULL);
  ASSERT_STR_EQ(e.text, "env cliff_env: cannot do \"step left\": there is "
                        "no cell -1");
  ASSERT_STATUS(plan_env_execute(env, "fly", &obs, &e), PLAN_ENOTFOUND);
  ASSERT_CONTAINS(e.text, "unknown action");
  ASSERT_OK(plan_env_execute(env, "step right", &obs, &e));

  /* A snapshot before the fatal jump, and back. */
  uint64_t id = 0;
  ASSERT_OK(plan__env_snapshot(env, &id, &e));
  ASSERT_EQ(id, 1);
  ASSERT_OK(plan_env_execute(env, "jump", &obs, &e));
  ASSERT_CONTAINS(obs, "You fell off the cliff at cell 3");
  bool done = true;
  ASSERT_OK(plan__env_done(env, &done, &e));
  ASSERT(!done);
  ASSERT_STATUS(plan_env_execute(env, "step right", &obs, &e), PLAN_ENOTFOUND);
  ASSERT_OK(plan__env_restore(env, id, &e));
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  ASSERT_CONTAINS(obs, "cell 1 ");

  /* The way over: step to 2, jump to 4, two steps to the goal. */
  static const char *const way[] = {"step right", "jump", "(step right)",
                                    "Step  Right"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(way); i++)
    ASSERT_OK(plan_env_execute(env, way[i], &obs, &e));
  ASSERT_STR_EQ(obs, "You stand on cell 6 (cells 0..6): the goal.");
  ASSERT_OK(plan__env_done(env, &done, &e));
  ASSERT(done);

  /* A program's own "no" to another op is PLAN_EBACKEND. */
  ASSERT_STATUS(plan__env_restore(env, 99, &e), PLAN_EBACKEND);
  ASSERT_STR_EQ(e.text, "env cliff_env: restore failed: no snapshot 99");
  ASSERT_OK(plan__env_reset(env, &e));
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  ASSERT_CONTAINS(obs, "cell 0 ");

  /* An action that is not UTF-8 is never sent. */
  ASSERT_STATUS(plan_env_execute(env, "step \xff", &obs, &e), PLAN_EINVAL);
  ASSERT_OK(plan_env_observe(env, &obs, &e));

  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.steps, 8);
  ASSERT_EQ(s.refused, 3);
  ASSERT_EQ(s.irreversible, 2);
  ASSERT_EQ(s.snapshots, 1);
  ASSERT_EQ(s.restores, 1);
  ASSERT_EQ(s.resets, 1);
  ASSERT_EQ(s.failures, 2);
  plan_env_destroy(env);
  assert_no_children();
  ASSERT_EQ(count_fds(), fds);
}

static void test_effect_query(void) {
  const char *argv[] = {CLIFF, "--effect-query", "--cells", "4", "--cliff", "2",
                        NULL};
  plan_env *env = start(argv, 0);
  ASSERT_EQ(plan_env_effect(env, "look"), PLAN_EFFECT_PURE);
  ASSERT_EQ(plan_env_effect(env, "(step left)"), PLAN_EFFECT_REVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "jump"), PLAN_EFFECT_IRREVERSIBLE);
  const char *obs = NULL;
  plan_error e;
  ASSERT_OK(plan_env_execute(env, "jump", &obs, &e));
  ASSERT_CONTAINS(obs, "You fell off the cliff at cell 2");
  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.irreversible, 1);
  plan_env_destroy(env);
  assert_no_children();
}

/* ---- programs that fail ---------------------------------------------------
 */

static void test_crash(void) {
  int fds = count_fds();
  /* hello, observe and one execute are answered; then it exits. */
  const char *argv[] = {CLIFF, "--fail-after", "3", NULL};
  plan_env *env = start(argv, 0);
  const char *obs = NULL;
  plan_error e;
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  ASSERT_OK(plan_env_execute(env, "step right", &obs, &e));
  ASSERT_STATUS(plan_env_execute(env, "step right", &obs, &e), PLAN_EIO);
  ASSERT_STR_EQ(e.text, "env cliff_env --fail-after 3: the program exited "
                        "with status 3 during execute");
  assert_no_children(); /* reaped at once, before destroy */
  assert_broken(env, "exited with status 3 during execute");
  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.failures, 4);
  plan_env_destroy(env);
  ASSERT_EQ(count_fds(), fds);
}

static void test_abort(void) {
  const char *argv[] = {CLIFF, "--abort-after", "1", NULL};
  plan_env *env = start(argv, 0);
  const char *obs = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_observe(env, &obs, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "the program was killed by signal 6 (SIGABRT) "
                          "during observe");
  assert_no_children();
  assert_broken(env, "SIGABRT");
  plan_env_destroy(env);
}

static void test_hang(void) {
  int fds = count_fds();
  const char *argv[] = {CLIFF, "--hang-after", "2", NULL};
  plan_env *env = start(argv, 300);
  const char *obs = NULL;
  plan_error e;
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  double t0 = now_s();
  ASSERT_STATUS(plan_env_execute(env, "step right", &obs, &e), PLAN_ETIMEOUT);
  double took = now_s() - t0;
  ASSERT(took < 3.0 * (double)test_timeout_ms(1));
  ASSERT_CONTAINS(e.text, "no reply to execute within ");
  ASSERT_CONTAINS(e.text, " ms (the program was killed)");
  assert_no_children();
  assert_broken(env, "no reply to execute");
  plan_env_destroy(env);
  ASSERT_EQ(count_fds(), fds);
}

static void test_garbage(void) {
  const char *argv[] = {CLIFF, "--garbage-after", "1", NULL};
  plan_env *env = start(argv, 0);
  const char *obs = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_observe(env, &obs, &e), PLAN_EPARSE);
  ASSERT_STR_EQ(e.text, "env cliff_env --garbage-after 1: reply to observe "
                        "is not a JSON object: 'this is not JSON {'");
  assert_no_children();
  assert_broken(env, "reply to observe is not a JSON object");
  plan_env_destroy(env);
}

static void test_huge_reply(void) {
  const char *argv[] = {CLIFF, "--huge-after", "1", NULL};
  plan_env *env = start(argv, 0);
  const char *obs = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_observe(env, &obs, &e), PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "reply to observe is longer than 1048576 bytes");
  assert_no_children();
  plan_env_destroy(env);
}

static void test_extra_line(void) {
  const char *argv[] = {CLIFF, "--extra-after", "1", NULL};
  plan_env *env = start(argv, 0);
  const char *obs = NULL;
  plan_error e;
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  /* The line too many is caught before the next request is sent, or read
   * as that request's reply: a protocol error either way. */
  ASSERT_STATUS(plan_env_execute(env, "step right", &obs, &e), PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "one line too many");
  assert_no_children();
  plan_env_destroy(env);
}

static void test_not_found(void) {
  int fds = count_fds();
  plan_env *env = (plan_env *)&fds;
  plan_error e;
  const char *abs[] = {"/nonexistent/robot", NULL};
  ASSERT_STATUS(plan_env_command_create(abs, NULL, &env, &e), PLAN_EIO);
  ASSERT(env == NULL);
  ASSERT_STR_EQ(e.text, "env robot: cannot start /nonexistent/robot: No such "
                        "file or directory");
  const char *path[] = {"plan-no-such-program-xyz", "--flag", NULL};
  ASSERT_STATUS(plan_env_command_create(path, NULL, &env, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "env plan-no-such-program-xyz --flag: cannot "
                          "start plan-no-such-program-xyz: ");
  assert_no_children();
  ASSERT_EQ(count_fds(), fds);
}

static void test_exits_at_once(void) {
  const char *argv[] = {"/bin/false", NULL};
  plan_env *env = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_command_create(argv, NULL, &env, &e), PLAN_EIO);
  ASSERT_STR_EQ(e.text, "env false: the program exited with status 1 "
                        "during hello");
  assert_no_children();
  const char *sh[] = {"sh", "-c", "kill -9 $$", NULL};
  ASSERT_STATUS(plan_env_command_create(sh, NULL, &env, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "killed by signal 9 (SIGKILL) during hello");
  assert_no_children();
}

static void test_echo(void) {
  /* cat sends our request back: JSON, but not a reply. */
  const char *argv[] = {"cat", NULL};
  plan_env *env = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_command_create(argv, NULL, &env, &e), PLAN_EPARSE);
  ASSERT_STR_EQ(e.text, "env cat: reply to hello has no boolean \"ok\": "
                        "'{\"op\":\"hello\",\"version\":1}'");
  assert_no_children();
}

static void test_silent(void) {
  /* Reads everything, says nothing. */
  const char *argv[] = {"sh", "-c", "while read l; do :; done", NULL};
  plan_env_command_options o;
  plan_env_command_options_init(&o, PLAN_ENV_COMMAND_OPTIONS_VERSION);
  o.timeout_ms = test_timeout_ms(200);
  plan_env *env = NULL;
  plan_error e;
  double t0 = now_s();
  ASSERT_STATUS(plan_env_command_create(argv, &o, &env, &e), PLAN_ETIMEOUT);
  ASSERT(now_s() - t0 < 3.0 * (double)test_timeout_ms(1));
  ASSERT_CONTAINS(e.text, "env sh -c while read l; do :; done: no reply to "
                          "hello within ");
  assert_no_children();
}

static void test_closed_output(void) {
  /* Answers hello, then closes its stdout and keeps running. */
  const char *argv[] = {
      "sh", "-c", "read l; echo '{\"ok\":true}'; exec >&-; sleep 30", NULL};
  plan_env *env = start(argv, 5000);
  ASSERT_EQ(plan__env_caps(env), 0);
  ASSERT_EQ(plan_env_effect(env, "anything"), PLAN_EFFECT_IRREVERSIBLE);
  const char *obs = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_observe(env, &obs, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "the program closed its output during observe "
                          "(still running: killed)");
  assert_no_children();
  plan_env_destroy(env);
}

static void test_closed_input(void) {
  /* Closes its stdin after the hello: our next write meets a pipe with no
   * reader, which must not kill us with SIGPIPE. */
  const char *argv[] = {
      "sh", "-c", "read l; exec <&-; echo '{\"ok\":true}'; sleep 30", NULL};
  plan_env *env = start(argv, 5000);
  const char *obs = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_execute(env, "step", &obs, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "the program closed its input during execute");
  assert_no_children();
  /* Our SIGPIPE disposition is untouched and nothing is left pending. */
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  ASSERT(!sigismember(&pending, SIGPIPE));
  struct sigaction sa;
  ASSERT_EQ(sigaction(SIGPIPE, NULL, &sa), 0);
  ASSERT(sa.sa_handler == SIG_DFL);
  plan_env_destroy(env);
}

static void test_refused_hello(void) {
  const char *argv[] = {"sh", "-c",
                        "read l; echo '{\"ok\":false,\"error\":\"not today\"}'",
                        NULL};
  plan_env *env = NULL;
  plan_error e;
  ASSERT_STATUS(plan_env_command_create(argv, NULL, &env, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "the program refused hello: not today");
  assert_no_children();
  const char *v2[] = {"sh", "-c", "read l; echo '{\"ok\":true,\"version\":2}'",
                      NULL};
  ASSERT_STATUS(plan_env_command_create(v2, NULL, &env, &e), PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "reply to hello speaks another protocol version");
  assert_no_children();
}

/* Ignores SIGTERM and EOF: destroy must escalate to SIGKILL, quickly. */
static void test_destroy_stubborn(void) {
  const char *argv[] = {"sh", "-c",
                        "trap '' TERM; read l; echo '{\"ok\":true}'; "
                        "while :; do sleep 1; done",
                        NULL};
  plan_env *env = start(argv, 5000);
  double t0 = now_s();
  plan_env_destroy(env);
  ASSERT(now_s() - t0 < 3.0);
  assert_no_children();
}

static void test_options(void) {
  plan_env *env = (plan_env *)&env;
  plan_error e;
  ASSERT_STATUS(plan_env_command_create(NULL, NULL, &env, &e), PLAN_EINVAL);
  ASSERT(env == NULL);
  const char *empty[] = {NULL};
  ASSERT_STATUS(plan_env_command_create(empty, NULL, &env, &e), PLAN_EINVAL);
  ASSERT_CONTAINS(e.text, "empty argv");
  const char *blank[] = {"", NULL};
  ASSERT_STATUS(plan_env_command_create(blank, NULL, &env, &e), PLAN_EINVAL);
  const char *argv[] = {CLIFF, NULL};
  ASSERT_STATUS(plan_env_command_create(argv, NULL, NULL, &e), PLAN_EMISUSE);
  plan_env_command_options o;
  plan_env_command_options_init(&o, PLAN_ENV_COMMAND_OPTIONS_VERSION);
  ASSERT_EQ(o.timeout_ms, 10000);
  ASSERT(o.cwd == NULL && o.stderr_path == NULL);
  o.version = 99;
  ASSERT_STATUS(plan_env_command_create(argv, &o, &env, &e), PLAN_EINVAL);

  /* cwd and stderr_path. */
  char log[] = "/tmp/plan_env_cmd_stderr_XXXXXX";
  int fd = mkstemp(log);
  ASSERT(fd >= 0);
  close(fd);
  plan_env_command_options_init(&o, PLAN_ENV_COMMAND_OPTIONS_VERSION);
  o.cwd = "/";
  o.stderr_path = log;
  const char *pwd[] = {
      "sh", "-c",
      "echo 'to stderr' >&2; read l; echo '{\"ok\":true}'; read l; "
      "printf '{\"ok\":true,\"observation\":\"%s\"}\\n' \"$(pwd)\"; cat "
      ">/dev/null",
      NULL};
  ASSERT_OK(plan_env_command_create(pwd, &o, &env, &e));
  const char *obs = NULL;
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  ASSERT_STR_EQ(obs, "/");
  plan_env_destroy(env);
  assert_no_children();
  char *text = NULL;
  size_t len = 0;
  ASSERT_OK(plan__read_file(log, 0, &text, &len, NULL));
  ASSERT_STR_EQ(text, "to stderr\n");
  plan__free(text);
  unlink(log);

  o.cwd = "/nonexistent-dir";
  o.stderr_path = NULL;
  ASSERT_STATUS(plan_env_command_create(argv, &o, &env, &e), PLAN_EIO);
  ASSERT_STR_EQ(e.text, "env cliff_env: cannot change to the working "
                        "directory /nonexistent-dir: No such file or "
                        "directory");
  o.cwd = NULL;
  o.stderr_path = "/nonexistent-dir/log";
  ASSERT_STATUS(plan_env_command_create(argv, &o, &env, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "cannot open /nonexistent-dir/log");
  assert_no_children();
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  if (access(CLIFF, X_OK) != 0) {
    fprintf(stderr, "%s is missing: build the cliff_env target\n", CLIFF);
    return 1;
  }
  RUN(test_session);
  RUN(test_effect_query);
  RUN(test_crash);
  RUN(test_abort);
  RUN(test_hang);
  RUN(test_garbage);
  RUN(test_huge_reply);
  RUN(test_extra_line);
  RUN(test_not_found);
  RUN(test_exits_at_once);
  RUN(test_echo);
  RUN(test_silent);
  RUN(test_closed_output);
  RUN(test_closed_input);
  RUN(test_refused_hello);
  RUN(test_destroy_stubborn);
  RUN(test_options);
  TEST_END();
}
