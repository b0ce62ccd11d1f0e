#pragma once
/// @file
/// @brief Keyed randomness. THE PROMISE: every random number in azsim is a pure function of
/// (seed, run, day, entity, purpose, draw index). A draw never depends on how many other draws
/// happened before it, on the thread that makes it, or on the order in which entities are
/// visited. So a run's result is identical whatever the thread count or process count, and a
/// baseline and its counterfactual share every random number they both ask for (common random
/// numbers).
///
/// Implementation: Random123's Philox4x64-10 counter-based generator. Key = {seed, run};
/// counter = {day, entity, purpose, block}. Each block gives four 64-bit words; a Stream walks
/// the blocks of one (day, entity, purpose) triple. Entities are keyed by stable ids derived
/// from their declared ids (stable_id), never by their position in an array.

#include <cstdint>
#include <string_view>

namespace azsim::rng {

/// @brief 64-bit FNV-1a hash of a declared id: the stable key of an entity or a purpose.
[[nodiscard]] constexpr std::uint64_t stable_id(std::string_view text) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

/// @brief Combines two keys into one (for entities keyed by a pair, e.g. a community =
/// node × group, or a fighter's serial number within its force entry). Not commutative.
[[nodiscard]] constexpr std::uint64_t combine(std::uint64_t a, std::uint64_t b) noexcept {
  // splitmix64 finaliser of a mixed with b: a bijection in b for a fixed a.
  std::uint64_t z = a * 0x9e3779b97f4a7c15ull + b + 0x632be59bd9b4e019ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// @brief The key of one run of one experiment.
struct RunKey {
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
};

/// @brief All the draws of one (seed, run, day, entity, purpose): an endless, reproducible
/// sequence of 64-bit words. Cheap to construct (no state beyond the counter and a buffer);
/// construct one where the draws are needed, never share one across threads.
class Stream {
 public:
  // The day is reinterpreted as unsigned (two's complement), so days before the epoch get keys
  // of their own rather than colliding with positive ones. (Inline, like the draws below: they
  // are called millions of times a run; only the block cipher is out of line.)
  Stream(RunKey key, std::int64_t day, std::uint64_t entity, std::uint64_t purpose) noexcept
      : key_{key.seed, key.run}, counter_{static_cast<std::uint64_t>(day), entity, purpose, 0}, buffer_{0, 0, 0, 0} {}

  /// @brief The next 64 random bits.
  [[nodiscard]] std::uint64_t next_u64() noexcept {
    if (pos_ == 4) refill();
    ++drawn_;
    return buffer_[pos_++];
  }
  /// @brief Uniform on [0, 1), 53 bits of resolution.
  [[nodiscard]] double uniform() noexcept {
    // Top 53 bits: every value k * 2^-53, k in [0, 2^53), equally likely; the product is exact.
    return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  }
  /// @brief Uniform on (0, 1): never exactly 0 (safe for log) nor 1.
  [[nodiscard]] double uniform_open() noexcept {
    // Midpoints (k + 1/2) * 2^-52, k in [0, 2^52): the largest is 1 - 2^-53, exactly
    // representable. (53 bits + 1/2 would round 1 - 2^-54 up to 1.0.) Symmetric about 1/2, so
    // 1 - u has the same distribution as u, which inversion samplers rely on.
    return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1.0p-52;
  }
  /// @brief Number of 64-bit words drawn so far (for tests and draw accounting).
  [[nodiscard]] std::uint64_t words_drawn() const noexcept { return drawn_; }

 private:
  void refill() noexcept;
  std::uint64_t key_[2];
  std::uint64_t counter_[4];
  std::uint64_t buffer_[4];
  int pos_ = 4;
  std::uint64_t drawn_ = 0;
};

}  // namespace azsim::rng
