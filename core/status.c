/* core/status.c: status names and messages (generated from
 * PLAN_STATUS_MAP), the version functions, and process-wide set-up. */
#include <curl/curl.h>
#include <string.h>

#include "core/core.h"
#include "core/json.h"

#ifndef PLAN_VERSION_STRING
#define PLAN_VERSION_STRING "0.1.0"
#endif

const char *plan_version(void) {
  return PLAN_VERSION_STRING;
}

int plan_version_number(void) {
  return PLAN_VERSION_NUMBER;
}

static const char *const status_msgs[] = {
#define X(name, msg) msg,
    PLAN_STATUS_MAP(X)
#undef X
};

static const char *const status_names[] = {
#define X(name, msg) #name,
    PLAN_STATUS_MAP(X)
#undef X
};

const char *plan_strerror(plan_status code) {
  if ((unsigned)code >= PLAN_ARRAY_LEN(status_msgs))
    return "unknown status";
  return status_msgs[code];
}

const char *plan_status_name(plan_status code) {
  if ((unsigned)code >= PLAN_ARRAY_LEN(status_names))
    return "UNKNOWN";
  return status_names[code];
}

/* curl's allocator hooks take no user data, so they go through the
 * library's process-wide allocator. */
static void *curl_malloc_cb(size_t n) {
  return plan__malloc(n);
}
static void curl_free_cb(void *p) {
  plan__free(p);
}
static void *curl_realloc_cb(void *p, size_t n) {
  return plan__realloc(p, n);
}
static char *curl_strdup_cb(const char *s) {
  return plan__strdup(s);
}
static void *curl_calloc_cb(size_t a, size_t b) {
  return plan__calloc(a, b);
}

void plan__set_allocator(const plan_allocator *a); /* core/alloc.c */

plan_status plan_global_init(const plan_allocator *alloc) {
  plan__set_allocator(alloc);
  plan__json_use_allocator();
  CURLcode rc;
  if (alloc)
    rc = curl_global_init_mem(CURL_GLOBAL_ALL, curl_malloc_cb, curl_free_cb,
                              curl_realloc_cb, curl_strdup_cb, curl_calloc_cb);
  else
    rc = curl_global_init(CURL_GLOBAL_ALL);
  return rc == CURLE_OK ? PLAN_OK : PLAN_EINTERNAL;
}

void plan__parse_cleanup(void); /* llm/parse.c: frees compiled patterns */

void plan_global_cleanup(void) {
  plan__parse_cleanup();
  curl_global_cleanup();
}

void plan_free(void *ptr) {
  plan__free(ptr);
}
