/* worldmodel/env/cmd_env.c: the command environment, a user's program as
 * the real world (plan_env_command_create in plan.h, docs/env.md).
 *
 * The program runs as our child with two pipes: we write one JSON request
 * per line to its stdin and read one JSON reply per line from its stdout
 * (the messages themselves are cmd_proto.c's). Its stderr is left alone or
 * sent to a file. A program is foreign code, so this file is mostly about
 * what can go wrong and saying so clearly:
 *  - every request has a deadline (poll on non-blocking pipe ends); a
 *    program that misses it is killed (PLAN_ETIMEOUT);
 *  - a program that exits, crashes or closes its output is reaped and the
 *    message gives its exit status or signal (PLAN_EIO);
 *  - a reply that is not the protocol's JSON, or longer than 1 MiB, is
 *    quoted in the message (PLAN_EPARSE);
 *  - writing to a program that has gone must not kill us with SIGPIPE:
 *    SIGPIPE is blocked in the calling thread around each write and a
 *    SIGPIPE the write raised is taken back with sigtimedwait, so the
 *    process's signal dispositions never change.
 * After any of these the environment is broken: the program is killed and
 * reaped at once (no zombie waits for destroy) and every later call fails
 * with PLAN_EIO and the first message. A reply with "ok":false is the
 * program speaking, not failing: PLAN_ENOTFOUND when it refused an action
 * ("inapplicable"), PLAN_EBACKEND otherwise, and the program lives on.
 *
 * The child gets its own process group, so a timeout or destroy also ends
 * whatever it started (`sh -c "python env.py"`). Our pipe ends are
 * close-on-exec, so other programs we or our caller start never inherit
 * them.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* pipe2 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "planner/api_int.h"
#include "worldmodel/env/env.h"

#define DEFAULT_TIMEOUT_MS 10000L
#define EXIT_GRACE_MS 500  /* destroy: after closing stdin */
#define TERM_GRACE_MS 200  /* destroy: after SIGTERM */
#define GONE_GRACE_MS 1000 /* a program that closed its output */
#define DESC_MAX 60
#define READ_CHUNK 65536

typedef struct cmd_env {
  plan_env_vtbl vtbl; /* this handle's (caps come from the hello) */
  char **argv;        /* NULL-terminated copies */
  char *desc;         /* argv joined, for messages */
  long timeout_ms;
  pid_t pid;      /* the child; 0 once reaped */
  int to_child;   /* our end of its stdin; -1 when closed */
  int from_child; /* our end of its stdout; -1 when closed */
  plan__buf in;   /* bytes read and not yet consumed */
  plan__buf req;  /* the request being written */
  /* From the hello. */
  unsigned caps;
  char **effect_words;
  plan__effect *effect_classes;
  size_t n_effects;
  plan__effect default_effect;
  /* The first failure, once the program failed (it is gone then). */
  bool broken;
  char broken_msg[160];
} cmd_env;

static uint64_t now_ms(void) {
  return plan__now_ns(NULL) / 1000000u;
}

/* Milliseconds left until deadline (in now_ms time), at least 0. */
static int left_ms(uint64_t deadline) {
  uint64_t now = now_ms();
  if (now >= deadline)
    return 0;
  uint64_t d = deadline - now;
  return d > 0x7fffffff ? 0x7fffffff : (int)d;
}

/* ======================================================================
 * The child process
 * ====================================================================== */

static plan_status cloexec_pipe(int fds[2]) {
#if defined(__linux__)
  if (pipe2(fds, O_CLOEXEC) != 0)
    return PLAN_EIO;
#else
  if (pipe(fds) != 0)
    return PLAN_EIO;
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
#endif
  return PLAN_OK;
}

static void close_fd(int *fd) {
  if (*fd >= 0) {
    close(*fd);
    *fd = -1;
  }
}

/* Signals the child's process group (and the child, should the group be
 * gone already). Only while the child is not reaped, so the pid is ours. */
static void signal_child(const cmd_env *ce, int sig) {
  if (ce->pid <= 0)
    return;
  if (kill(-ce->pid, sig) != 0)
    kill(ce->pid, sig);
}

/* Reaps the child if it has exited; waits at most wait_ms for that. The
 * child's output is drained meanwhile, so a program blocked writing to a
 * full pipe can finish. Returns true when reaped (*status set, or -1 when
 * someone else reaped it). */
static bool reap(cmd_env *ce, int wait_ms, int *status) {
  uint64_t deadline = now_ms() + (uint64_t)wait_ms;
  for (;;) {
    pid_t r = waitpid(ce->pid, status, WNOHANG);
    if (r == ce->pid || (r < 0 && errno == ECHILD)) {
      if (r < 0)
        *status = -1;
      ce->pid = 0;
      return true;
    }
    int left = left_ms(deadline);
    if (left == 0)
      return false;
    int step = left < 5 ? left : 5;
    if (ce->from_child >= 0) {
      struct pollfd p = {ce->from_child, POLLIN, 0};
      if (poll(&p, 1, step) > 0) {
        char sink[4096];
        if (read(ce->from_child, sink, sizeof sink) == 0)
          close_fd(&ce->from_child);
      }
    } else {
      struct timespec ts = {0, (long)step * 1000000L};
      nanosleep(&ts, NULL);
    }
  }
}

/* Kills the child's group and reaps the child. */
static void kill_and_reap(cmd_env *ce) {
  int status;
  if (ce->pid <= 0)
    return;
  signal_child(ce, SIGKILL);
  while (ce->pid > 0 && !reap(ce, 1000, &status)) {
  }
}

/* Describes how the child ended ("exited with status 3", "was killed by
 * signal 6 (SIGABRT)") into out. */
static void describe_end(int status, char *out, size_t size) {
  static const struct {
    int sig;
    const char *name;
  } names[] = {{SIGABRT, "SIGABRT"}, {SIGSEGV, "SIGSEGV"}, {SIGKILL, "SIGKILL"},
               {SIGTERM, "SIGTERM"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
               {SIGILL, "SIGILL"},   {SIGPIPE, "SIGPIPE"}, {SIGINT, "SIGINT"}};
  if (status == -1) {
    plan__fmt(out, size, "exited (status unknown)");
  } else if (WIFEXITED(status)) {
    plan__fmt(out, size, "exited with status %d", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char *name = "";
    for (size_t i = 0; i < PLAN_ARRAY_LEN(names); i++)
      if (names[i].sig == sig)
        name = names[i].name;
    plan__fmt(out, size, "was killed by signal %d%s%s%s", sig,
              *name ? " (" : "", name, *name ? ")" : "");
  } else {
    plan__fmt(out, size, "ended (status 0x%x)", (unsigned)status);
  }
}

/* Marks ce broken with the message of err (already filled) and ends the
 * program. Returns err's code. */
static plan_status break_env(cmd_env *ce, plan_error *err, plan_status st) {
  if (!ce->broken) {
    ce->broken = true;
    plan__fmt(ce->broken_msg, sizeof ce->broken_msg, "%s",
              err->text[0] ? err->text : plan_strerror(st));
  }
  close_fd(&ce->to_child);
  kill_and_reap(ce);
  close_fd(&ce->from_child);
  plan__buf_free(&ce->in);
  plan__buf_init(&ce->in, PLAN__CMD_MAX_REPLY + READ_CHUNK);
  err->code = st;
  return st;
}

/* The program stopped listening or talking during op: find out how it
 * ended (waiting a little for it to exit) and break the environment. */
static plan_status program_gone(cmd_env *ce, plan__cmd_op op, const char *how,
                                plan_error *err) {
  close_fd(&ce->to_child);
  int status = 0;
  if (reap(ce, GONE_GRACE_MS, &status)) {
    char end[64];
    describe_end(status, end, sizeof end);
    plan__error_set(err, PLAN_EIO, 0, 0, "the program %s during %s", end,
                    plan__cmd_op_name(op));
  } else {
    plan__error_set(err, PLAN_EIO, 0, 0,
                    "the program %s during %s (still running: killed)", how,
                    plan__cmd_op_name(op));
  }
  return break_env(ce, err, PLAN_EIO);
}

static plan_status timed_out(cmd_env *ce, plan__cmd_op op, plan_error *err) {
  plan__error_set(err, PLAN_ETIMEOUT, 0, 0,
                  "no reply to %s within %ld ms (the program was killed)",
                  plan__cmd_op_name(op), ce->timeout_ms);
  return break_env(ce, err, PLAN_ETIMEOUT);
}

/* What the forked child reports through its status pipe before exec. */
typedef struct start_failure {
  int stage; /* 1 dup, 2 chdir, 3 exec */
  int err;   /* errno */
} start_failure;

/* In the child between fork and exec: only async-signal-safe calls. */
static void child_exec(char *const *argv, const char *cwd, int in_fd,
                       int out_fd, int err_fd, int status_fd) {
  start_failure f = {1, 0};
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  setpgid(0, 0);
  /* Move the fds above 2 first, so that no dup2 clobbers another. */
  int a = fcntl(in_fd, F_DUPFD, 3);
  int b = fcntl(out_fd, F_DUPFD, 3);
  int c = err_fd >= 0 ? fcntl(err_fd, F_DUPFD, 3) : -1;
  if (a < 0 || b < 0 || (err_fd >= 0 && c < 0) || dup2(a, 0) < 0 ||
      dup2(b, 1) < 0 || (c >= 0 && dup2(c, 2) < 0))
    goto fail;
  close(a);
  close(b);
  if (c >= 0)
    close(c);
  f.stage = 2;
  if (cwd && chdir(cwd) != 0)
    goto fail;
  f.stage = 3;
  execvp(argv[0], argv);
fail:
  f.err = errno;
  if (write(status_fd, &f, sizeof f) < 0) {
    /* Nothing left to tell anyone. */
  }
  _exit(127);
}

/* Starts the program. Errors (message in err, prefixed by the caller):
 * PLAN_EIO. */
static plan_status spawn(cmd_env *ce, const plan_env_command_options *o,
                         plan_error *err) {
  int in_p[2] = {-1, -1}, out_p[2] = {-1, -1}, st_p[2] = {-1, -1};
  int err_fd = -1;
  plan_status st = PLAN_EIO;
  if (cloexec_pipe(in_p) || cloexec_pipe(out_p) || cloexec_pipe(st_p)) {
    plan__error_set(err, PLAN_EIO, 0, 0, "cannot create pipes: %s",
                    strerror(errno));
    goto done;
  }
  if (o->stderr_path) {
    err_fd =
        open(o->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (err_fd < 0) {
      plan__error_set(err, PLAN_EIO, 0, 0, "cannot open %s: %s", o->stderr_path,
                      strerror(errno));
      goto done;
    }
  }
  pid_t pid = fork();
  if (pid < 0) {
    plan__error_set(err, PLAN_EIO, 0, 0, "cannot fork: %s", strerror(errno));
    goto done;
  }
  if (pid == 0)
    child_exec(ce->argv, o->cwd, in_p[0], out_p[1], err_fd, st_p[1]);
  setpgid(pid, pid); /* also here: whichever runs first */
  ce->pid = pid;
  close_fd(&in_p[0]);
  close_fd(&out_p[1]);
  close_fd(&st_p[1]);
  start_failure f;
  ssize_t n;
  do
    n = read(st_p[0], &f, sizeof f);
  while (n < 0 && errno == EINTR);
  if (n == (ssize_t)sizeof f) {
    int status;
    while (!reap(ce, 1000, &status)) {
    }
    if (f.stage == 2)
      plan__error_set(err, PLAN_EIO, 0, 0,
                      "cannot change to the working directory %s: %s", o->cwd,
                      strerror(f.err));
    else
      plan__error_set(err, PLAN_EIO, 0, 0, "cannot start %s: %s", ce->argv[0],
                      strerror(f.err));
    goto done;
  }
  ce->to_child = in_p[1];
  ce->from_child = out_p[0];
  in_p[1] = out_p[0] = -1;
  fcntl(ce->to_child, F_SETFL, fcntl(ce->to_child, F_GETFL) | O_NONBLOCK);
  fcntl(ce->from_child, F_SETFL, fcntl(ce->from_child, F_GETFL) | O_NONBLOCK);
  st = PLAN_OK;
done:
  close_fd(&in_p[0]);
  close_fd(&in_p[1]);
  close_fd(&out_p[0]);
  close_fd(&out_p[1]);
  close_fd(&st_p[0]);
  close_fd(&st_p[1]);
  close_fd(&err_fd);
  return st;
}

/* ======================================================================
 * One request, one reply
 * ====================================================================== */

/* Writes the request without ever taking a SIGPIPE (see the top). */
static plan_status write_request(cmd_env *ce, plan__cmd_op op,
                                 uint64_t deadline, plan_error *err) {
  sigset_t pipe_set, old, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  sigemptyset(&pending);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const char *p = ce->req.data;
  size_t n = ce->req.len;
  int failure = 0; /* errno of a failed write */
  bool late = false;
  while (n > 0) {
    ssize_t w = write(ce->to_child, p, n);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd pf = {ce->to_child, POLLOUT, 0};
      int r = poll(&pf, 1, left_ms(deadline));
      if (r == 0) {
        late = true;
        break;
      }
      continue;
    }
    failure = w < 0 ? errno : EIO;
    break;
  }
  if (failure == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (late)
    return timed_out(ce, op, err);
  if (failure == EPIPE)
    return program_gone(ce, op, "closed its input", err);
  if (failure) {
    plan__error_set(err, PLAN_EIO, 0, 0, "cannot write the %s request: %s",
                    plan__cmd_op_name(op), strerror(failure));
    return break_env(ce, err, PLAN_EIO);
  }
  return PLAN_OK;
}

/* Reads whatever the program has written so far without waiting. Returns
 * false when it closed its output. */
static bool read_available(cmd_env *ce, plan_status *st) {
  char chunk[4096];
  for (;;) {
    ssize_t r = read(ce->from_child, chunk, sizeof chunk);
    if (r > 0) {
      *st = plan__buf_append(&ce->in, chunk, (size_t)r);
      if (*st != PLAN_OK)
        return true;
      continue;
    }
    if (r < 0 && errno == EINTR)
      continue;
    return r != 0; /* 0: end of file; EAGAIN: nothing more for now */
  }
}

/* Reads the next reply line into ce->in: on success [0, *len) is the line
 * (no newline, no '\r') and *consumed the bytes to drop after parsing.
 * Blank lines are skipped. */
static plan_status read_reply(cmd_env *ce, plan__cmd_op op, uint64_t deadline,
                              size_t *len, size_t *consumed, plan_error *err) {
  size_t scanned = 0;
  char *chunk = plan__malloc(READ_CHUNK);
  if (!chunk)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan_status st = PLAN_OK;
  for (;;) {
    /* A complete line already in the buffer? */
    char *nl = ce->in.len > scanned
                   ? memchr(ce->in.data + scanned, '\n', ce->in.len - scanned)
                   : NULL;
    if (nl) {
      size_t k = (size_t)(nl - ce->in.data);
      size_t n = k;
      while (n > 0 && (ce->in.data[n - 1] == '\r' ||
                       ce->in.data[n - 1] == ' ' || ce->in.data[n - 1] == '\t'))
        n--;
      size_t s = 0;
      while (s < n && (ce->in.data[s] == ' ' || ce->in.data[s] == '\t'))
        s++;
      if (s == n) { /* a blank line: drop it */
        memmove(ce->in.data, ce->in.data + k + 1, ce->in.len - k - 1);
        ce->in.len -= k + 1;
        ce->in.data[ce->in.len] = '\0';
        scanned = 0;
        continue;
      }
      if (n > PLAN__CMD_MAX_REPLY)
        goto too_long;
      *len = n;
      *consumed = k + 1;
      break;
    }
    scanned = ce->in.len;
    if (ce->in.len > PLAN__CMD_MAX_REPLY)
      goto too_long;
    struct pollfd pf = {ce->from_child, POLLIN, 0};
    int r = poll(&pf, 1, left_ms(deadline));
    if (r < 0 && errno == EINTR)
      continue;
    if (r == 0) {
      st = timed_out(ce, op, err);
      break;
    }
    ssize_t got = read(ce->from_child, chunk, READ_CHUNK);
    if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (got == 0) {
      st = program_gone(ce, op, "closed its output", err);
      break;
    }
    if (got < 0) {
      plan__error_set(err, PLAN_EIO, 0, 0, "cannot read the reply to %s: %s",
                      plan__cmd_op_name(op), strerror(errno));
      st = break_env(ce, err, PLAN_EIO);
      break;
    }
    if (plan__buf_append(&ce->in, chunk, (size_t)got) != PLAN_OK) {
      if (ce->in.status == PLAN_EBUDGET)
        goto too_long;
      plan__error_set(err, PLAN_ENOMEM, 0, 0,
                      "out of memory reading the reply to %s",
                      plan__cmd_op_name(op));
      st = break_env(ce, err, PLAN_ENOMEM);
      break;
    }
  }
  plan__free(chunk);
  return st;
too_long:
  plan__free(chunk);
  plan__error_set(err, PLAN_EPARSE, 0, 0,
                  "reply to %s is longer than %zu bytes", plan__cmd_op_name(op),
                  PLAN__CMD_MAX_REPLY);
  return break_env(ce, err, PLAN_EPARSE);
}

/* Sends request op and reads its reply into *r (free it with
 * plan__cmd_reply_free, whatever the status). A failure of the program
 * breaks the environment; a request that cannot be built does not. */
static plan_status transact(cmd_env *ce, plan__cmd_op op, const char *action,
                            uint64_t id, plan__cmd_reply *r, plan_error *err) {
  memset(r, 0, sizeof *r);
  if (ce->broken)
    return plan__error_set(err, PLAN_EIO, 0, 0,
                           "the program failed earlier: %s", ce->broken_msg);
  plan__buf_reset(&ce->req);
  plan_status st = plan__cmd_request(op, action, id, &ce->req);
  if (st == PLAN_EINVAL)
    return plan__error_set(err, st, 0, 0, "the action is not valid UTF-8");
  if (st != PLAN_OK)
    return plan__error_set(err, st, 0, 0, "out of memory");
  /* Output nobody asked for (a second line for the last request, or
   * chatter between requests) would be taken for this request's reply. */
  bool alive = read_available(ce, &st);
  if (st != PLAN_OK || ce->in.len > 0) {
    char q[96];
    plan__cmd_quote(ce->in.data, ce->in.len, 80, q, sizeof q);
    plan__error_set(err, PLAN_EPARSE, 0, 0,
                    "the program wrote more than its replies before %s: "
                    "'%s'",
                    plan__cmd_op_name(op), q);
    return break_env(ce, err, PLAN_EPARSE);
  }
  if (!alive)
    return program_gone(ce, op, "closed its output", err);
  uint64_t deadline = now_ms() + (uint64_t)ce->timeout_ms;
  st = write_request(ce, op, deadline, err);
  if (st != PLAN_OK)
    return st;
  size_t len = 0, consumed = 0;
  st = read_reply(ce, op, deadline, &len, &consumed, err);
  if (st != PLAN_OK)
    return st;
  st = plan__cmd_reply_parse(op, ce->in.data, len, r, err);
  memmove(ce->in.data, ce->in.data + consumed, ce->in.len - consumed);
  ce->in.len -= consumed;
  ce->in.data[ce->in.len] = '\0';
  if (st != PLAN_OK)
    return break_env(ce, err, st);
  return PLAN_OK;
}

/* The program said no ("ok":false) to op: its own message. */
static plan_status refused(const plan__cmd_reply *r, plan__cmd_op op,
                           const char *action, plan_error *err) {
  if (op == PLAN__CMD_EXECUTE && r->inapplicable)
    return plan__error_set(err, PLAN_ENOTFOUND, 0, 0, "cannot do \"%.40s\": %s",
                           action, r->error);
  if (action)
    return plan__error_set(err, PLAN_EBACKEND, 0, 0, "%s \"%.40s\" failed: %s",
                           plan__cmd_op_name(op), action, r->error);
  return plan__error_set(err, PLAN_EBACKEND, 0, 0, "%s failed: %s",
                         plan__cmd_op_name(op), r->error);
}

/* ======================================================================
 * The vtable
 * ====================================================================== */

static plan_status observation_to(const plan__cmd_reply *r, plan_state_buf *out,
                                  plan_error *err) {
  plan_status st =
      plan_state_buf_append(out, r->observation, strlen(r->observation));
  if (st != PLAN_OK)
    return plan__error_set(err, st, 0, 0, "cannot store the observation: %s",
                           plan_strerror(st));
  return PLAN_OK;
}

static plan_status cmd_observe(void *self, plan_state_buf *out,
                               plan_error *err) {
  plan__cmd_reply r;
  plan_status st = transact(self, PLAN__CMD_OBSERVE, NULL, 0, &r, err);
  if (st == PLAN_OK)
    st = r.ok ? observation_to(&r, out, err)
              : refused(&r, PLAN__CMD_OBSERVE, NULL, err);
  plan__cmd_reply_free(&r);
  return st;
}

static plan_status cmd_execute(void *self, const char *action,
                               plan_state_buf *out, plan_error *err) {
  plan__cmd_reply r;
  plan_status st = transact(self, PLAN__CMD_EXECUTE, action, 0, &r, err);
  if (st == PLAN_OK)
    st = r.ok ? observation_to(&r, out, err)
              : refused(&r, PLAN__CMD_EXECUTE, action, err);
  plan__cmd_reply_free(&r);
  return st;
}

static plan_effect public_effect(plan__effect e) {
  return e == PLAN__EFFECT_PURE         ? PLAN_EFFECT_PURE
         : e == PLAN__EFFECT_REVERSIBLE ? PLAN_EFFECT_REVERSIBLE
                                        : PLAN_EFFECT_IRREVERSIBLE;
}

static plan_status cmd_effect(void *self, const char *action, plan_effect *out,
                              plan_error *err) {
  cmd_env *ce = self;
  if (ce->caps & PLAN__CMD_CAP_EFFECT_QUERY) {
    plan__cmd_reply r;
    plan_status st = transact(ce, PLAN__CMD_EFFECT, action, 0, &r, err);
    if (st == PLAN_OK && !r.ok)
      st = refused(&r, PLAN__CMD_EFFECT, action, err);
    if (st == PLAN_OK)
      *out = public_effect(r.effect);
    plan__cmd_reply_free(&r);
    return st;
  }
  const char *w;
  size_t n;
  plan__cmd_first_word(action, &w, &n);
  for (size_t i = 0; i < ce->n_effects; i++)
    if (n && plan__env_word_eq(w, n, ce->effect_words[i])) {
      *out = public_effect(ce->effect_classes[i]);
      return PLAN_OK;
    }
  *out = public_effect(ce->default_effect);
  return PLAN_OK;
}

/* A request whose successful reply carries nothing we keep. */
static plan_status simple(cmd_env *ce, plan__cmd_op op, uint64_t id,
                          plan__cmd_reply *r, plan_error *err) {
  plan_status st = transact(ce, op, NULL, id, r, err);
  if (st == PLAN_OK && !r->ok)
    st = refused(r, op, NULL, err);
  return st;
}

static plan_status cmd_snapshot(void *self, uint64_t *id, plan_error *err) {
  plan__cmd_reply r;
  plan_status st = simple(self, PLAN__CMD_SNAPSHOT, 0, &r, err);
  if (st == PLAN_OK)
    *id = r.id;
  plan__cmd_reply_free(&r);
  return st;
}

static plan_status cmd_restore(void *self, uint64_t id, plan_error *err) {
  plan__cmd_reply r;
  plan_status st = simple(self, PLAN__CMD_RESTORE, id, &r, err);
  plan__cmd_reply_free(&r);
  return st;
}

static plan_status cmd_reset(void *self, plan_error *err) {
  plan__cmd_reply r;
  plan_status st = simple(self, PLAN__CMD_RESET, 0, &r, err);
  plan__cmd_reply_free(&r);
  return st;
}

static plan_status cmd_done(void *self, bool *out, plan_error *err) {
  plan__cmd_reply r;
  plan_status st = simple(self, PLAN__CMD_DONE, 0, &r, err);
  if (st == PLAN_OK)
    *out = r.done;
  plan__cmd_reply_free(&r);
  return st;
}

/* Ends the program: EOF on its stdin first (a well-behaved program
 * exits), then SIGTERM, then SIGKILL; always reaped. */
static void cmd_destroy(void *self) {
  cmd_env *ce = self;
  if (!ce)
    return;
  close_fd(&ce->to_child);
  if (ce->pid > 0) {
    int status;
    if (!reap(ce, EXIT_GRACE_MS, &status)) {
      signal_child(ce, SIGTERM);
      if (!reap(ce, TERM_GRACE_MS, &status))
        kill_and_reap(ce);
    }
  }
  close_fd(&ce->from_child);
  for (size_t i = 0; ce->argv && ce->argv[i]; i++)
    plan__free(ce->argv[i]);
  plan__free(ce->argv);
  for (size_t i = 0; i < ce->n_effects; i++)
    plan__free(ce->effect_words[i]);
  plan__free(ce->effect_words);
  plan__free(ce->effect_classes);
  plan__free(ce->desc);
  plan__buf_free(&ce->in);
  plan__buf_free(&ce->req);
  plan__free(ce);
}

static const char *cmd_describe(void *self) {
  return ((cmd_env *)self)->desc;
}

/* ======================================================================
 * Creation
 * ====================================================================== */

void plan_env_command_options_init(plan_env_command_options *o,
                                   unsigned version) {
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->version = version;
  o->timeout_ms = DEFAULT_TIMEOUT_MS;
}

/* The program's name (argv[0] without its folders) and its arguments,
 * cut at DESC_MAX bytes: short enough to leave room in a message. */
static char *join_argv(const char *const *argv) {
  plan__buf b;
  plan__buf_init(&b, 0);
  const char *slash = strrchr(argv[0], '/');
  plan__buf_puts(&b, slash && slash[1] ? slash + 1 : argv[0]);
  for (size_t i = 1; argv[i] && b.len <= DESC_MAX; i++) {
    plan__buf_putc(&b, ' ');
    plan__buf_puts(&b, argv[i]);
  }
  if (b.status == PLAN_OK && b.len > DESC_MAX) {
    b.len = DESC_MAX - 3;
    plan__buf_puts(&b, "...");
  }
  if (b.status != PLAN_OK) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

/* Keeps what the hello reply declared. */
static void take_hello(cmd_env *ce, plan__cmd_reply *r) {
  ce->caps = r->caps;
  ce->effect_words = r->effect_words;
  ce->effect_classes = r->effect_classes;
  ce->n_effects = r->n_effects;
  ce->default_effect = r->default_effect;
  r->effect_words = NULL;
  r->effect_classes = NULL;
  r->n_effects = 0;
  ce->vtbl.caps = r->caps & (PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET |
                             PLAN_ENV_CAP_DONE);
}

plan_status plan_env_command_create(const char *const *argv,
                                    const plan_env_command_options *o,
                                    plan_env **out, plan_error *err) {
  if (out)
    *out = NULL;
  if (!out)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0,
                           "plan_env_command_create: NULL out");
  if (!argv || !argv[0] || !argv[0][0])
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "command env: empty argv (no program to run)");
  plan_env_command_options defaults;
  plan_env_command_options_init(&defaults, PLAN_ENV_COMMAND_OPTIONS_VERSION);
  if (!o)
    o = &defaults;
  if (o->version != PLAN_ENV_COMMAND_OPTIONS_VERSION)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "command env: options version %u (this library "
                           "knows %d)",
                           o->version, PLAN_ENV_COMMAND_OPTIONS_VERSION);
  static const plan_env_vtbl tmpl = {
      PLAN_ENV_ABI_VERSION, "command",    0,           cmd_observe, cmd_execute,
      cmd_effect,           cmd_snapshot, cmd_restore, cmd_reset,   cmd_done,
      cmd_destroy,          cmd_describe};
  plan_status st = PLAN_ENOMEM;
  plan_error e;
  memset(&e, 0, sizeof e);
  plan__cmd_reply r;
  memset(&r, 0, sizeof r);
  cmd_env *ce = plan__calloc(1, sizeof *ce);
  if (!ce)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0,
                           "command env: out of "
                           "memory");
  ce->vtbl = tmpl;
  ce->to_child = ce->from_child = -1;
  ce->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
  ce->default_effect = PLAN__EFFECT_IRREVERSIBLE;
  plan__buf_init(&ce->in, PLAN__CMD_MAX_REPLY + READ_CHUNK);
  plan__buf_init(&ce->req, 0);
  size_t argc = 0;
  while (argv[argc])
    argc++;
  ce->argv = plan__calloc(argc + 1, sizeof *ce->argv);
  ce->desc = join_argv(argv);
  if (!ce->argv || !ce->desc)
    goto fail;
  for (size_t i = 0; i < argc; i++) {
    ce->argv[i] = plan__strdup(argv[i]);
    if (!ce->argv[i])
      goto fail;
  }
  st = spawn(ce, o, &e);
  if (st == PLAN_OK)
    st = transact(ce, PLAN__CMD_HELLO, NULL, 0, &r, &e);
  if (st == PLAN_OK && !r.ok) {
    plan__error_set(&e, PLAN_EIO, 0, 0, "the program refused hello: %s",
                    r.error);
    st = break_env(ce, &e, PLAN_EIO);
  }
  if (st != PLAN_OK)
    goto fail;
  take_hello(ce, &r);
  plan__cmd_reply_free(&r);
  st = plan__env_wrap(&ce->vtbl, ce, out);
  if (st != PLAN_OK)
    goto fail;
  return PLAN_OK;
fail:
  plan__cmd_reply_free(&r);
  if (!e.text[0])
    plan__fmt(e.text, sizeof e.text, "%s", plan_strerror(st));
  plan__error_set(err, st, 0, 0, "env %s: %s", ce->desc ? ce->desc : argv[0],
                  e.text);
  cmd_destroy(ce);
  return st;
}
