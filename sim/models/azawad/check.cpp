// The end-of-day invariants (check.hpp): finite numbers always; ranges and bookkeeping in
// debug builds.

#include "models/azawad/check.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "core/text.hpp"

namespace azsim::azawad {
namespace {

/// Builds the error for day w.day: "day D (its date, YYYY-MM-DD): RULE: WHAT".
[[noreturn]] void fail(const World& w, const std::string& rule, const std::string& what) {
  throw InvariantError("day " + std::to_string(w.day) + " (" + w.spec->start.plus_days(w.day).to_string() +
                       "): " + rule + ": " + what);
}

std::string faction_name(const World& w, std::size_t f) {
  return f < w.spec->factions.size() ? "faction '" + w.spec->factions[f].id + "'" : "faction " + std::to_string(f);
}

/// Every value of `values` finite, or an error naming the array and the entry.
template <class T>
void require_finite(const World& w, std::span<const T> values, const char* name) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(static_cast<double>(values[i])))
      fail(w, "a number that cannot be", std::string(name) + "[" + std::to_string(i) + "] is " +
                                              format_number(static_cast<double>(values[i])));
}

void require_finite(const World& w, const Eigen::MatrixXd& m, const char* name) {
  require_finite(w, std::span<const double>(m.data(), static_cast<std::size_t>(m.size())), name);
}

/// Every value within [low, high].
void require_range(const World& w, std::span<const double> values, double low, double high, const char* name) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] < low || values[i] > high)
      fail(w, std::string(name) + " within [" + format_number(low) + ", " + format_number(high) + "]",
           std::string(name) + "[" + std::to_string(i) + "] is " + format_number(values[i]));
}

void require_non_negative(const World& w, std::span<const std::int64_t> values, const char* name) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] < 0) fail(w, "counts are never negative", std::string(name) + "[" + std::to_string(i) + "] is " + std::to_string(values[i]));
}

void check_finite(const World& w) {
  const FactionState& f = w.factions;
  require_finite<double>(w, f.treasury, "treasury");
  require_finite<double>(w, f.income, "income");
  require_finite<double>(w, f.pay, "pay");
  require_finite<double>(w, f.morale, "morale");
  require_finite<double>(w, f.air_power, "air_power");
  require_finite<double>(w, f.paid_share, "paid_share");
  require_finite<double>(w, f.peak, "peak");
  require_finite(w, w.relation, "relation");
  require_finite(w, w.grievance, "grievance");
  require_finite(w, w.mediation, "mediation");
  require_finite(w, w.excitation, "excitation");
  require_finite<double>(w, w.support, "support");
  require_finite<double>(w, w.recent_defections, "recent_defections");
  require_finite<double>(w, w.ethnic_mix, "ethnic_mix");
}

void check_fighters(const World& w) {
  const Fighters& fi = w.fighters;
  require_finite<float>(w, fi.loyalty, "fighter loyalty");
  require_finite<float>(w, fi.ideology, "fighter ideology");
  require_finite<float>(w, fi.reservation_wage, "fighter reservation_wage");
  for (std::size_t i = 0; i < fi.live; ++i)
    if (Fighters::living(fi.status[i]) && fi.check_day[i] >= 0 && fi.check_day[i] < w.day)
      fail(w, "a living fighter's next check day is not in the past",
           "fighter " + std::to_string(i) + " has check day " + std::to_string(fi.check_day[i]) + " on day " +
               std::to_string(w.day));
  const auto N = static_cast<std::size_t>(w.N), F = static_cast<std::size_t>(w.F);
  std::vector<std::array<std::int64_t, 5>> by_status(F, {0, 0, 0, 0, 0});
  std::vector<std::int64_t> garrison(N * F, 0), inbound(N * F, 0), wounded(N * F, 0);
  for (std::size_t i = 0; i < fi.size(); ++i) {
    const auto f = static_cast<std::size_t>(fi.faction[i]), loc = static_cast<std::size_t>(fi.location[i]);
    const auto st = static_cast<std::size_t>(fi.status[i]);
    if (fi.faction[i] < 0 || f >= F || fi.location[i] < 0 || loc >= N || st > 4 ||
        (fi.next[i] != kNone && (fi.next[i] < 0 || static_cast<std::size_t>(fi.next[i]) >= N)))
      fail(w, "fighters' faction, place and status in range",
           "fighter " + std::to_string(i) + " has faction " + std::to_string(fi.faction[i]) + ", location " +
               std::to_string(fi.location[i]) + ", next " + std::to_string(fi.next[i]) + ", status " + std::to_string(st));
    ++by_status[f][st];
    if (fi.status[i] == Status::active)
      ++(fi.next[i] == kNone ? garrison[loc * F + f] : inbound[static_cast<std::size_t>(fi.next[i]) * F + f]);
    else if (fi.status[i] == Status::wounded)
      ++wounded[loc * F + f];
  }
  std::int64_t made = 0;
  for (std::size_t f = 0; f < F; ++f) {
    made += w.factions.initial[f] + w.factions.recruited[f];
    const std::array<std::pair<const char*, std::int64_t>, 3> counters{
        {{"active", w.factions.active[f]}, {"wounded", w.factions.wounded[f]}, {"killed", w.factions.killed[f]}}};
    for (std::size_t s = 0; s < counters.size(); ++s)
      if (counters[s].second != by_status[f][s])
        fail(w, "faction counters equal the fighters", faction_name(w, f) + " counts " +
                                                           std::to_string(counters[s].second) + " " + counters[s].first +
                                                           ", its fighters " + std::to_string(by_status[f][s]));
  }
  if (made != static_cast<std::int64_t>(fi.size()))
    fail(w, "no fighter lost or made", "initial + arrived or recruited = " + std::to_string(made) + ", fighter entries " +
                                           std::to_string(fi.size()));
  const std::array<std::tuple<const char*, const std::vector<std::int64_t>*, const std::vector<std::int64_t>*>, 3> nodes{
      {{"garrison", &w.nodes.garrison, &garrison}, {"inbound", &w.nodes.inbound, &inbound}, {"wounded", &w.nodes.wounded, &wounded}}};
  for (const auto& [name, kept, counted] : nodes)
    for (std::size_t k = 0; k < kept->size() && k < counted->size(); ++k)
      if ((*kept)[k] != (*counted)[k])
        fail(w, std::string("node counters equal the fighters"),
             std::string(name) + " of " + faction_name(w, k % F) + " at '" + w.spec->nodes[k / F].id + "' is " +
                 std::to_string((*kept)[k]) + ", its fighters " + std::to_string((*counted)[k]));
}

void check_ranges(const World& w) {
  require_range(w, std::span<const double>(w.relation.data(), static_cast<std::size_t>(w.relation.size())), -1, 1, "relation");
  require_range(w, std::span<const double>(w.grievance.data(), static_cast<std::size_t>(w.grievance.size())), 0, 1, "grievance");
  require_range(w, w.support, 0, 1, "support");
  require_range(w, w.factions.paid_share, 0, 1, "paid_share");
  require_range(w, w.factions.treasury, 0, HUGE_VAL, "treasury");
  require_range(w, w.factions.pay, 0, HUGE_VAL, "pay");
  for (const auto* counts : {&w.nodes.population, &w.nodes.displaced, &w.nodes.abroad})
    require_non_negative(w, *counts, counts == &w.nodes.population ? "population" : counts == &w.nodes.displaced ? "displaced" : "abroad");
  require_non_negative(w, w.factions.recruited, "recruited");
}

}  // namespace

bool full_invariant_checks() noexcept {
#if !defined(NDEBUG) || defined(AZSIM_CHECK_INVARIANTS)
  return true;
#else
  return false;
#endif
}

void check_day(const World& w, bool full) {
  check_finite(w);
  if (!full) return;
  check_ranges(w);
  check_fighters(w);
}

}  // namespace azsim::azawad
