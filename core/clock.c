/* core/clock.c: the system clock behind plan_clock_system(), and the
 * helpers the library uses to read whichever clock it was given. */
#include <errno.h>
#include <time.h>

#include "core/core.h"

static uint64_t sys_now(void *ud) {
  (void)ud;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sys_sleep(void *ud, uint64_t ns) {
  (void)ud;
  struct timespec ts;
  ts.tv_sec = (time_t)(ns / 1000000000ULL);
  ts.tv_nsec = (long)(ns % 1000000000ULL);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static const plan_clock system_clock = {sys_now, sys_sleep, NULL};

const plan_clock *plan_clock_system(void) {
  return &system_clock;
}

uint64_t plan__now_ns(const plan_clock *c) {
  if (!c)
    c = &system_clock;
  return c->now_ns(c->ud);
}

void plan__sleep_ns(const plan_clock *c, uint64_t ns) {
  if (!c)
    c = &system_clock;
  c->sleep_ns(c->ud, ns);
}
