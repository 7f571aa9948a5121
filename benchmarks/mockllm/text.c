/* benchmarks/mockllm/text.c: the small text rules of the mockllm test
 * double. A "token" here is a whitespace-separated word, which keeps every
 * count deterministic and easy to predict in a test. */
#include <string.h>

#include "benchmarks/mockllm/mockllm.h"

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

size_t mockllm_count_words(const char *s, size_t len) {
  size_t n = 0;
  bool in_word = false;
  for (size_t i = 0; i < len; i++) {
    if (is_space(s[i])) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      n++;
    }
  }
  return n;
}

size_t mockllm_cut_words(const char *s, size_t len, size_t max_words) {
  size_t n = 0;
  size_t i = 0;
  while (i < len) {
    while (i < len && is_space(s[i]))
      i++;
    if (i == len)
      break;
    if (n == max_words)
      break;
    while (i < len && !is_space(s[i]))
      i++;
    n++;
  }
  /* i is now past the max_words-th word plus any whitespace after it; give
   * the whitespace back. */
  return mockllm_trim_end(s, i);
}

size_t mockllm_trim_start(const char *s, size_t len) {
  size_t i = 0;
  while (i < len && is_space(s[i]))
    i++;
  return i;
}

size_t mockllm_trim_end(const char *s, size_t len) {
  while (len > 0 && is_space(s[len - 1]))
    len--;
  return len;
}

void mockllm_content_text(const json_t *content, plan__buf *b) {
  if (json_is_string(content)) {
    plan__buf_append(b, json_string_value(content),
                     json_string_length(content));
    return;
  }
  if (!json_is_array(content))
    return;
  size_t i;
  const json_t *part;
  bool first = true;
  json_array_foreach(content, i, part) {
    const json_t *t = json_object_get(part, "text");
    if (!json_is_string(t))
      continue;
    if (!first)
      plan__buf_putc(b, '\n');
    plan__buf_append(b, json_string_value(t), json_string_length(t));
    first = false;
  }
}

static int dump_to_buf(const char *data, size_t size, void *ud) {
  return plan__buf_append(ud, data, size) == PLAN_OK ? 0 : -1;
}

bool mockllm_json_append(const json_t *v, size_t flags, plan__buf *b) {
  return json_dump_callback(v, dump_to_buf, b, flags) == 0 &&
         b->status == PLAN_OK;
}

size_t mockllm_word_len(const char *s, size_t len) {
  size_t i = 0;
  while (i < len && !is_space(s[i]))
    i++;
  return i;
}
