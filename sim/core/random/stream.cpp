#include "core/random/stream.hpp"

#include <Random123/philox.h>

namespace azsim::rng {
namespace {
using Philox = r123::Philox4x64;  // Philox4x64_R<10>
}  // namespace

void Stream::refill() noexcept {
  const Philox::ctr_type ctr = {{counter_[0], counter_[1], counter_[2], counter_[3]}};
  const Philox::key_type key = {{key_[0], key_[1]}};
  const Philox::ctr_type out = Philox{}(ctr, key);
  for (int i = 0; i < 4; ++i) buffer_[i] = out.v[i];
  // The block index wraps after 2^66 bytes of one (day, entity, purpose): unreachable.
  ++counter_[3];
  pos_ = 0;
}

}  // namespace azsim::rng
