#include "core/random/stream.hpp"

#include <Random123/philox.h>

namespace azsim::rng {
namespace {
using Philox = r123::Philox4x64;  // Philox4x64_R<10>
}  // namespace

Stream::Stream(RunKey key, std::int64_t day, std::uint64_t entity, std::uint64_t purpose) noexcept
    // The day is reinterpreted as unsigned (two's complement), so days before the epoch
    // get keys of their own rather than colliding with positive ones.
    : key_{key.seed, key.run},
      counter_{static_cast<std::uint64_t>(day), entity, purpose, 0},
      buffer_{0, 0, 0, 0} {}

void Stream::refill() noexcept {
  const Philox::ctr_type ctr = {{counter_[0], counter_[1], counter_[2], counter_[3]}};
  const Philox::key_type key = {{key_[0], key_[1]}};
  const Philox::ctr_type out = Philox{}(ctr, key);
  for (int i = 0; i < 4; ++i) buffer_[i] = out.v[i];
  // The block index wraps after 2^66 bytes of one (day, entity, purpose): unreachable.
  ++counter_[3];
  pos_ = 0;
}

std::uint64_t Stream::next_u64() noexcept {
  if (pos_ == 4) refill();
  ++drawn_;
  return buffer_[pos_++];
}

double Stream::uniform() noexcept {
  // Top 53 bits: every value k * 2^-53, k in [0, 2^53), equally likely; the product is exact.
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Stream::uniform_open() noexcept {
  // Midpoints (k + 1/2) * 2^-52, k in [0, 2^52): the largest is 1 - 2^-53, exactly
  // representable. (53 bits + 1/2 would round 1 - 2^-54 up to 1.0.) Symmetric about 1/2, so
  // 1 - u has the same distribution as u, which inversion samplers rely on.
  return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1.0p-52;
}

}  // namespace azsim::rng
