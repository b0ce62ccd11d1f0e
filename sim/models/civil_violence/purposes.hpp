#pragma once
/// @file
/// @brief The purposes of the model's keyed draws (the counter's third word).

#include "core/random/stream.hpp"

namespace azsim::civil_violence::purpose {
inline constexpr std::uint64_t place = rng::stable_id("civil_violence.place");    ///< step 0, per cell
inline constexpr std::uint64_t traits = rng::stable_id("civil_violence.traits");  ///< step 0, per citizen
inline constexpr std::uint64_t order = rng::stable_id("civil_violence.order");    ///< per step, entity 0
inline constexpr std::uint64_t arrest = rng::stable_id("civil_violence.arrest");  ///< per step and cop
inline constexpr std::uint64_t move = rng::stable_id("civil_violence.move");      ///< per step and agent
}  // namespace azsim::civil_violence::purpose
