/* tests/integration/mockllm_proc.h: starts and stops the mockllm test
 * double (benchmarks/mockllm, docs/mockllm.md) from a C test and reads its
 * /stats counters. Header-only (static inline) so that no CMake change is
 * needed; include it from a tests/integration/test_*.c file.
 *
 *   mockllm_proc m;
 *   const char *args[] = {"--latency-ms", "50", NULL};
 *   ASSERT_EQ(mockllm_start(&m, args), 0);
 *   ... talk to m.base_url ("http://127.0.0.1:PORT/v1") ...
 *   long n;
 *   ASSERT_EQ(mockllm_stats(&m, "chat", &n), 0);
 *   mockllm_stop(&m);
 *
 * The binary's path comes from the environment variable PLAN_MOCKLLM, which
 * ctest sets. mockllm runs with --quiet unless PLAN_MOCKLLM_VERBOSE is set
 * in the environment. Timeouts scale with PLAN_TEST_TIMEOUT_MULTIPLIER. */
#ifndef PLAN_TESTS_MOCKLLM_PROC_H
#define PLAN_TESTS_MOCKLLM_PROC_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  pid_t pid; /* 0 when not running */
  int port;
  char base_url[64]; /* "http://127.0.0.1:PORT/v1" */
  /* After mockllm_stop, or after a failed mockllm_start whose child
   * exited: its exit code, 128 + signal if a signal ended it, -1 unknown. */
  int exit_status;
} mockllm_proc;

/* Every server this process started and has not stopped yet. An atexit
 * handler kills them, so a failing ASSERT (which calls exit) leaves no
 * server behind holding the test's stderr open; on Linux the child also
 * asks for SIGTERM when the test dies in any other way. */
#define MOCKLLM__MAX_PROCS 64
static inline pid_t *mockllm__procs(void) {
  static pid_t procs[MOCKLLM__MAX_PROCS];
  return procs;
}

static inline void mockllm__kill_all(void) {
  pid_t *procs = mockllm__procs();
  for (int i = 0; i < MOCKLLM__MAX_PROCS; i++) {
    if (procs[i] > 0) {
      kill(procs[i], SIGKILL);
      waitpid(procs[i], NULL, 0);
      procs[i] = 0;
    }
  }
}

static inline void mockllm__track(pid_t pid, bool add) {
  static bool registered;
  pid_t *procs = mockllm__procs();
  if (add && !registered) {
    atexit(mockllm__kill_all);
    registered = true;
  }
  for (int i = 0; i < MOCKLLM__MAX_PROCS; i++) {
    if (add ? procs[i] == 0 : procs[i] == pid) {
      procs[i] = add ? pid : 0;
      return;
    }
  }
}

static inline long mockllm__scaled_ms(long ms) {
  const char *m = getenv("PLAN_TEST_TIMEOUT_MULTIPLIER");
  long k = m ? strtol(m, NULL, 10) : 1;
  return ms * (k > 0 ? k : 1);
}

static inline long mockllm__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int mockllm__wait_status(int st) {
  if (WIFEXITED(st))
    return WEXITSTATUS(st);
  if (WIFSIGNALED(st))
    return 128 + WTERMSIG(st);
  return -1;
}

/* Waits up to timeout_ms for pid to end; returns its status code as
 * mockllm__wait_status, or -2 if it is still running. */
static inline int mockllm__reap(pid_t pid, long timeout_ms) {
  long until = mockllm__now_ms() + timeout_ms;
  for (;;) {
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid)
      return mockllm__wait_status(st);
    if (r < 0 && errno != EINTR)
      return -1;
    if (mockllm__now_ms() >= until)
      return -2;
    struct timespec d = {0, 10 * 1000000L};
    nanosleep(&d, NULL);
  }
}

/* Starts PLAN_MOCKLLM --port 0 [--quiet] extra_args... (extra_args is a
 * NULL-terminated array, or NULL) and reads the port it prints, waiting up
 * to 10 s. Returns 0 with p filled, or -1 after printing why (the child is
 * reaped and p->exit_status says how it ended). */
static inline int mockllm_start(mockllm_proc *p,
                                const char *const *extra_args) {
  memset(p, 0, sizeof *p);
  p->exit_status = -1;
  const char *path = getenv("PLAN_MOCKLLM");
  if (!path || !*path) {
    fprintf(stderr, "mockllm_start: PLAN_MOCKLLM is not set; run this test "
                    "through ctest, which sets it to the mockllm binary\n");
    return -1;
  }
  const char *argv[72];
  size_t argc = 0;
  argv[argc++] = path;
  argv[argc++] = "--port";
  argv[argc++] = "0";
  if (!getenv("PLAN_MOCKLLM_VERBOSE"))
    argv[argc++] = "--quiet";
  for (size_t i = 0; extra_args && extra_args[i]; i++) {
    if (argc + 1 >= sizeof argv / sizeof argv[0]) {
      fprintf(stderr, "mockllm_start: too many arguments\n");
      return -1;
    }
    argv[argc++] = extra_args[i];
  }
  argv[argc] = NULL;
  int fds[2];
  if (pipe(fds) != 0) {
    perror("mockllm_start: pipe");
    return -1;
  }
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    perror("mockllm_start: fork");
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    execv(path, (char *const *)argv);
    fprintf(stderr, "mockllm_start: cannot run %s: %s\n", path,
            strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  mockllm__track(pid, true);
  char line[32];
  size_t len = 0;
  long until = mockllm__now_ms() + mockllm__scaled_ms(10000);
  bool done = false;
  while (!done && len + 1 < sizeof line) {
    long left = until - mockllm__now_ms();
    if (left <= 0)
      break;
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int r = poll(&pfd, 1, (int)left);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    ssize_t n = read(fds[0], line + len, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break; /* EOF: the child died before printing its port */
    if (line[len] == '\n')
      done = true;
    else
      len++;
  }
  close(fds[0]);
  line[len] = '\0';
  char *end = NULL;
  long port = done ? strtol(line, &end, 10) : 0;
  if (!done || end == line || *end != '\0' || port <= 0 || port > 65535) {
    fprintf(stderr, "mockllm_start: %s printed no port (got \"%s\")\n", path,
            line);
    int st = mockllm__reap(pid, 2000);
    if (st == -2) {
      kill(pid, SIGKILL);
      st = mockllm__reap(pid, 5000);
    }
    mockllm__track(pid, false);
    p->exit_status = st;
    return -1;
  }
  p->pid = pid;
  p->port = (int)port;
  snprintf(p->base_url, sizeof p->base_url, "http://127.0.0.1:%d/v1", p->port);
  return 0;
}

/* Sends SIGTERM and waits up to 10 s for a clean exit, then SIGKILL.
 * Records the exit status in p->exit_status (0 after a clean stop). */
static inline void mockllm_stop(mockllm_proc *p) {
  if (p->pid <= 0)
    return;
  kill(p->pid, SIGTERM);
  int st = mockllm__reap(p->pid, mockllm__scaled_ms(10000));
  if (st == -2) {
    fprintf(stderr, "mockllm_stop: pid %d ignored SIGTERM; killing it\n",
            (int)p->pid);
    kill(p->pid, SIGKILL);
    st = mockllm__reap(p->pid, 5000);
  }
  mockllm__track(p->pid, false);
  p->exit_status = st;
  p->pid = 0;
}

/* One HTTP/1.0 exchange with the server over a raw socket; returns the
 * response body (malloc'd; free it) or NULL. */
static inline char *mockllm__http(const mockllm_proc *p, const char *method,
                                  const char *path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return NULL;
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)p->port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char req[256];
  int n = snprintf(req, sizeof req,
                   "%s %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n"
                   "Content-Length: 0\r\n\r\n",
                   method, path, p->port);
  char *buf = NULL;
  size_t len = 0;
  size_t cap = 0;
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || n <= 0 ||
      send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
    goto fail;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      size_t ncap = cap ? cap * 2 : 8192;
      char *nb = realloc(buf, ncap);
      if (!nb)
        goto fail;
      buf = nb;
      cap = ncap;
    }
    ssize_t r = recv(fd, buf + len, 4096, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      goto fail;
    if (r == 0)
      break;
    len += (size_t)r;
  }
  close(fd);
  if (!buf)
    return NULL;
  buf[len] = '\0';
  char *body = strstr(buf, "\r\n\r\n");
  /* Only a 200 counts: "HTTP/1.x 200 ...". */
  if (!body || len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 ||
      strncmp(buf + 8, " 200", 4) != 0) {
    free(buf);
    return NULL;
  }
  body += 4;
  memmove(buf, body, strlen(body) + 1);
  return buf;
fail:
  close(fd);
  free(buf);
  return NULL;
}

/* Reads one integer counter of GET /stats into *out: a top-level field
 * ("requests", "chat", "messages", "models", "faults_injected",
 * "max_concurrent", "in_flight") or "by_status.CODE" (CODE a status such as
 * 429, or "none" for connections closed without a response; a code never
 * seen reads as 0). Returns 0, or -1 if the server did not answer or the
 * field does not exist. */
static inline int mockllm_stats(const mockllm_proc *p, const char *field,
                                long *out) {
  *out = 0;
  char *body = mockllm__http(p, "GET", "/stats");
  if (!body) {
    fprintf(stderr, "mockllm_stats: GET /stats on port %d failed\n", p->port);
    return -1;
  }
  json_t *root = json_loads(body, 0, NULL);
  free(body);
  int rc = -1;
  const json_t *v = NULL;
  static const char by[] = "by_status.";
  if (strncmp(field, by, sizeof by - 1) == 0) {
    const json_t *o = json_object_get(root, "by_status");
    if (json_is_object(o)) {
      v = json_object_get(o, field + sizeof by - 1);
      rc = 0; /* an absent code is a zero count */
    }
  } else {
    v = json_object_get(root, field);
  }
  if (json_is_integer(v)) {
    *out = (long)json_integer_value(v);
    rc = 0;
  }
  if (rc != 0)
    fprintf(stderr, "mockllm_stats: no counter '%s'\n", field);
  json_decref(root);
  return rc;
}

/* POST /stats/reset: zeroes the counters and restarts ids, --fault-first,
 * first=K counts and the PRNG. Returns 0 or -1. */
static inline int mockllm_stats_reset(const mockllm_proc *p) {
  char *body = mockllm__http(p, "POST", "/stats/reset");
  int rc = body ? 0 : -1;
  free(body);
  return rc;
}

#endif /* PLAN_TESTS_MOCKLLM_PROC_H */
