/* benchmarks/mockllm/brain.c: the registry of mockllm brains. A brain is
 * the part of the test double that decides the reply text; the server owns
 * everything else (wire format, faults, cuts). To add one (for example a
 * domain oracle that answers a benchmark's questions), write brain_NAME.c
 * with a mockllm_brain_vtbl, declare it in mockllm.h and list it here. */
#include <string.h>

#include "benchmarks/mockllm/mockllm.h"

static const mockllm_brain_vtbl *const brains[] = {
    &mockllm_brain_echo,
    &mockllm_brain_script,
    &mockllm_brain_oracle,
    NULL,
};

const mockllm_brain_vtbl *mockllm_brain_find(const char *name) {
  for (size_t i = 0; brains[i]; i++)
    if (strcmp(brains[i]->name, name) == 0)
      return brains[i];
  return NULL;
}

const mockllm_brain_vtbl *const *mockllm_brain_list(void) {
  return brains;
}
