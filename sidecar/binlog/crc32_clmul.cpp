#include "binlog/crc32_clmul.h"

#include <immintrin.h>
#include <zlib.h>

#include <array>

// How the folding works (Intel, "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ
// Instruction", 2009; the derivation here is ours).
//
// The CRC is bit-reflected: the first bit of the stream is the message polynomial's highest
// coefficient. A 16-byte block loaded little-endian holds, at register bit j, the coefficient
// of x^(127-j) of that block's polynomial B(x). Message M = B_0 B_1 ... B_k (blocks), so
// M(x) = B_0(x)·x^(128k) + ... + B_k(x), and zlib's CRC is ~((M'(x)·x^32) mod P(x)) where M' is
// M with the initial register value ~crc XORed into its first 4 bytes.
//
// The accumulator A (one 128-bit register) always satisfies A ≡ the message so far (mod P).
// Moving it D bits on, A·x^D + next block, splits A into its two 64-bit halves: the register's
// low half L holds A's high coefficients (A = L·x^64 + H), so A·x^D = L·x^(64+D) + H·x^D. Each
// half is multiplied (PCLMULQDQ, 64 × 64 → 127 bits) by a constant c(x) = x^e mod P, degree < 32.
// A reflected carry-less product is one bit short of aligned: with the constant stored as
// (reflected c) << 1, the product read in the accumulator's convention is L(x)·c(x)·x^32, so
// e = 64 + D - 32 for L and e = D - 32 for H. The sum has degree < 128: a new accumulator.
//
// Four accumulators step over 64 bytes at a time (D = 512), are folded into one (D = 128), which
// then takes the remaining whole 16-byte blocks. The last reduction, (A(x)·x^32) mod P, is
// zlib's CRC of A's 16 bytes from a zero register: crc32(0xffffffff, A) = ~((A·x^32) mod P).

namespace sidecar::binlog {
namespace {

// x^e mod P in zlib's reflected form (bit i holds the coefficient of x^(31-i)).
constexpr uint32_t PowerOfXModP(unsigned e) {
  constexpr uint32_t kReflectedPoly = 0xedb88320;
  uint32_t v = 0x80000000;  // x^0
  for (unsigned i = 0; i < e; ++i) v = (v >> 1) ^ ((v & 1) ? kReflectedPoly : 0);
  return v;
}

// The multiplier pair for moving an accumulator `bits` on: low lane for its low 64-bit half,
// high lane for its high half (see above).
constexpr std::array<uint64_t, 2> FoldConstants(unsigned bits) {
  return {uint64_t(PowerOfXModP(64 + bits - 32)) << 1, uint64_t(PowerOfXModP(bits - 32)) << 1};
}

constexpr std::array<uint64_t, 2> kFold512 = FoldConstants(512);
constexpr std::array<uint64_t, 2> kFold128 = FoldConstants(128);

[[gnu::target("pclmul,sse4.1")]] inline __m128i Constants(const std::array<uint64_t, 2>& c) {
  return _mm_set_epi64x(int64_t(c[1]), int64_t(c[0]));
}

[[gnu::target("pclmul,sse4.1")]] inline __m128i LoadBlock(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// accumulator·x^D + block (mod P), D being the distance `constants` were made for.
[[gnu::target("pclmul,sse4.1")]] inline __m128i Fold(__m128i accumulator, __m128i constants,
                                                     __m128i block) {
  const __m128i low = _mm_clmulepi64_si128(accumulator, constants, 0x00);
  const __m128i high = _mm_clmulepi64_si128(accumulator, constants, 0x11);
  return _mm_xor_si128(_mm_xor_si128(low, high), block);
}

}  // namespace

bool CpuHasCarrylessMultiply() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}

[[gnu::target("pclmul,sse4.1")]] uint32_t Crc32FoldedBlocks(const uint8_t* data, size_t n,
                                                            uint32_t crc) {
  const __m128i fold512 = Constants(kFold512);
  const __m128i fold128 = Constants(kFold128);
  __m128i a0 = _mm_xor_si128(LoadBlock(data), _mm_cvtsi32_si128(int32_t(~crc)));
  __m128i a1 = LoadBlock(data + 16);
  __m128i a2 = LoadBlock(data + 32);
  __m128i a3 = LoadBlock(data + 48);
  data += 64;
  n -= 64;
  for (; n >= 64; data += 64, n -= 64) {
    a0 = Fold(a0, fold512, LoadBlock(data));
    a1 = Fold(a1, fold512, LoadBlock(data + 16));
    a2 = Fold(a2, fold512, LoadBlock(data + 32));
    a3 = Fold(a3, fold512, LoadBlock(data + 48));
  }
  __m128i a = Fold(Fold(Fold(a0, fold128, a1), fold128, a2), fold128, a3);
  for (; n >= 16; data += 16, n -= 16) a = Fold(a, fold128, LoadBlock(data));
  alignas(16) uint8_t bytes[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(bytes), a);
  return uint32_t(crc32(0xffffffff, bytes, sizeof bytes));
}

}  // namespace sidecar::binlog
