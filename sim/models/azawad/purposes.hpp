#pragma once
/// @file
/// @brief The purposes of the azawad model's random draws: one constant per kind of decision,
/// so that adding a draw for one purpose never shifts the draws of another.

#include "core/random/stream.hpp"

namespace azsim::azawad::purpose {
using rng::stable_id;
inline constexpr std::uint64_t init_fighter = stable_id("init.fighter");
inline constexpr std::uint64_t perception = stable_id("strategy.perception");
inline constexpr std::uint64_t ultimatum = stable_id("combat.ultimatum");
inline constexpr std::uint64_t casualties = stable_id("combat.casualties");
inline constexpr std::uint64_t who_is_hit = stable_id("combat.who_is_hit");
inline constexpr std::uint64_t wounds = stable_id("combat.wounds");
inline constexpr std::uint64_t civilians = stable_id("combat.civilians");
inline constexpr std::uint64_t pursuit = stable_id("combat.pursuit");
inline constexpr std::uint64_t surrender = stable_id("combat.surrender");
inline constexpr std::uint64_t air_strike = stable_id("combat.air_strike");
inline constexpr std::uint64_t strike = stable_id("asymmetric.strike");
inline constexpr std::uint64_t recovery = stable_id("fighters.recovery");
inline constexpr std::uint64_t arrivals = stable_id("shocks.arrivals");
inline constexpr std::uint64_t incident = stable_id("relations.incident");
inline constexpr std::uint64_t solidarity = stable_id("relations.solidarity");
inline constexpr std::uint64_t reprisal = stable_id("civilians.reprisal");
inline constexpr std::uint64_t flight = stable_id("civilians.flight");
inline constexpr std::uint64_t decide = stable_id("fighters.decide");
inline constexpr std::uint64_t clock = stable_id("fighters.clock");
inline constexpr std::uint64_t first_check = stable_id("fighters.first_check");
inline constexpr std::uint64_t recruit = stable_id("fighters.recruit");
inline constexpr std::uint64_t negotiate = stable_id("negotiation.hazard");
}  // namespace azsim::azawad::purpose
