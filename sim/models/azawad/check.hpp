#pragma once
/// @file
/// @brief The state's invariants, checked at the end of every day by step(): a number that
/// cannot be is an error, never an output.
///
/// Every build checks that every real number of the aggregate state is finite (treasuries,
/// income, pay, morale, air power, relations, mediation, grievance, reprisal excitation,
/// support, recent defections, the ethnic mix): O(nodes x groups x factions), nothing next to
/// the day's work. Debug builds (NDEBUG unset, the `debug` preset), or any build compiled with
/// AZSIM_CHECK_INVARIANTS, also check every fighter (finite loyalty, ideology, wage; check days not past;
/// indices in range), the ranges (relations in [-1, 1], grievance and support in [0, 1],
/// money and counts never negative) and the bookkeeping: faction and node counters equal a
/// recount of the fighters, and no fighter is lost or made (entries = initial + arrived or
/// recruited). tests/models/azawad/test_invariants.cpp checks more (day-to-day identities)
/// over whole runs.

#include <string>

#include "core/error.hpp"
#include "models/azawad/world.hpp"

namespace azsim::azawad {

/// @brief A broken invariant: "day D (YYYY-MM-DD): RULE: the values".
class InvariantError : public Error {
 public:
  using Error::Error;
};

/// @brief True when check_day() runs the full (debug) checks in this build.
[[nodiscard]] bool full_invariant_checks() noexcept;

/// @brief Checks the state at the end of day w.day (before it is advanced).
/// @param full every check (the debug set) whatever the build; otherwise the build's set.
/// @throws InvariantError at the first broken invariant, naming the day, the rule and the values.
void check_day(const World& w, bool full = full_invariant_checks());

}  // namespace azsim::azawad
