/* core/hash.c: the 64-bit hash and the PRNG.
 *
 * The hash reads the input in 32-byte stripes into four lanes, each mixed
 * with a 64x64->128 multiply folded to 64 bits (the "mum" step used by the
 * wyhash family), then folds the lanes and the tail and finishes with the
 * splitmix64 finaliser. It is stable across platforms (explicit
 * little-endian loads) because cassette keys and state hashes are written
 * to disk.
 *
 * The PRNG is xoshiro256** (Blackman and Vigna), seeded through splitmix64
 * so that any 64-bit seed, zero included, gives a good state. */
#include <string.h>

#include "core/core.h"

__extension__ typedef unsigned __int128 u128;

static const uint64_t K0 = 0xa0761d6478bd642fULL;
static const uint64_t K1 = 0xe7037ed1a0b428dbULL;
static const uint64_t K2 = 0x8ebc6af09c88c6e3ULL;
static const uint64_t K3 = 0x589965cc75374cc3ULL;

static inline uint64_t load64(const unsigned char *p) {
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
         (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
         (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint64_t mum(uint64_t a, uint64_t b) {
  u128 r = (u128)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t plan__hash64(const void *data, size_t len, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t a = seed ^ K0, b = seed ^ K1, c = seed ^ K2, d = seed ^ K3;
  size_t n = len;
  while (n >= 32) {
    a = mum(load64(p) ^ K1, a ^ K2);
    b = mum(load64(p + 8) ^ K2, b ^ K3);
    c = mum(load64(p + 16) ^ K3, c ^ K0);
    d = mum(load64(p + 24) ^ K0, d ^ K1);
    p += 32;
    n -= 32;
  }
  uint64_t h = len >= 32 ? mum(a ^ K0, b ^ K1) ^ mum(c ^ K2, d ^ K3) : a;
  while (n >= 8) {
    h = mum(load64(p) ^ K1, h ^ K2);
    p += 8;
    n -= 8;
  }
  if (n) {
    unsigned char tail[8] = {0};
    memcpy(tail, p, n);
    h = mum(load64(tail) ^ K3, h ^ (uint64_t)n ^ K0);
  }
  return plan__hash_mix(h ^ (uint64_t)len);
}

void plan__hex64(uint64_t h, char out[17]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; i--) {
    out[i] = digits[h & 0xf];
    h >>= 4;
  }
  out[16] = '\0';
}

static uint64_t splitmix64(uint64_t *x) {
  *x += 0x9e3779b97f4a7c15ULL;
  return plan__hash_mix(*x);
}

void plan__rng_seed(plan__rng *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

uint64_t plan__rng_next(plan__rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double plan__rng_double(plan__rng *r) {
  return (double)(plan__rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t plan__rng_below(plan__rng *r, uint64_t n) {
  if (n <= 1)
    return 0;
  /* Lemire's multiply-and-reject: unbiased without a division per call. */
  u128 m = (u128)plan__rng_next(r) * n;
  uint64_t lo = (uint64_t)m;
  if (lo < n) {
    uint64_t t = -n % n;
    while (lo < t) {
      m = (u128)plan__rng_next(r) * n;
      lo = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}
