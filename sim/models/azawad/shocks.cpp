// Phase 1, shocks: the only scheduled events. Interventions bring an outside faction's forces
// to their entry node over the build-up, switch on its air power and give it its ordered
// objectives; mediation sets the mediation strength between factions. Nothing here decides
// what happens when they arrive.

#include <algorithm>
#include <numeric>

#include "core/random/stream.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

bool apply_shocks(World& w) {
  bool arrivals = false;
  const ScenarioSpec& spec = *w.spec;
  for (std::size_t k = 0; k < spec.interventions.size(); ++k) {
    const InterventionSpec& s = spec.interventions[k];
    const auto f = static_cast<std::size_t>(s.faction);
    const std::int32_t span = std::max<std::int32_t>(1, s.build_up_days);
    const std::int32_t d = w.day - s.day;
    if (d < 0 || d >= span) continue;
    if (d == 0) {
      w.factions.entered[f] = 1;
      w.factions.air_power[f] += s.air_power;
      auto& obj = w.factions.objectives[f];
      obj.insert(obj.end(), s.objectives.begin(), s.objectives.end());
    }
    // Even arrivals: the cumulative count after day d is fighters*(d+1)/span.
    const std::int64_t before = s.fighters * d / span, after = s.fighters * (d + 1) / span;
    const std::uint64_t shock_key = rng::stable_id("shock:" + s.id);
    if (after <= before) continue;
    // Today's column joins at once, as one add() each would (Fighters::grow), in column order.
    const auto count = static_cast<std::size_t>(after - before);
    const std::size_t first = w.fighters.grow(count);
    auto& fi = w.fighters;
    const auto sharia = static_cast<float>(spec.factions[f].sharia);
    std::size_t gi = 0;  // ethnicity by position in the column: the first shares[0]*fighters are group 0, etc.
    double cum = s.ethnicity.empty() ? 0.0 : s.ethnicity[0] * static_cast<double>(s.fighters);
    for (std::size_t c = 0; c < count; ++c) {
      const std::int64_t j = before + static_cast<std::int64_t>(c);
      // The first group whose cumulative share exceeds j (group 0 when none does).
      Index g = 0;
      while (gi < s.ethnicity.size() && !(static_cast<double>(j) < cum)) {
        if (++gi < s.ethnicity.size()) cum += s.ethnicity[gi] * static_cast<double>(s.fighters);
      }
      if (gi < s.ethnicity.size()) g = static_cast<Index>(gi);
      const std::size_t i = first + c;
      fi.init(i, rng::combine(shock_key, static_cast<std::uint64_t>(j)), s.faction, g, s.entry_node, s.entry_node, w.day);
      fi.loyalty[i] = 1.0f;
      fi.ideology[i] = sharia;
      fi.reservation_wage[i] = 0.0f;
      w.count_active(i, +1);
    }
    // Counted at once; the roster takes them in at its refresh (step()).
    const auto n = static_cast<std::int64_t>(count);
    w.factions.recruited[f] += n;
    w.nodes.garrison[w.nf(s.entry_node, s.faction)] += n;
    w.factions.active[f] += n;
    const std::size_t noted = w.roster_add.size();
    w.roster_add.resize(noted + count);
    std::iota(w.roster_add.begin() + static_cast<std::ptrdiff_t>(noted), w.roster_add.end(), static_cast<std::uint32_t>(first));
    arrivals = true;
  }
  // Mediation in force today: the strongest mediation covering each pair.
  w.mediation.setZero();
  for (const MediationSpec& m : spec.mediations) {
    if (w.day < m.day || w.day > m.end_day) continue;
    auto covers = [&](Index f) {
      return m.factions.empty() || std::find(m.factions.begin(), m.factions.end(), f) != m.factions.end();
    };
    for (Index a = 0; a < w.F; ++a)
      for (Index b = 0; b < w.F; ++b)
        if (a != b && covers(a) && covers(b)) w.mediation(a, b) = std::max(w.mediation(a, b), m.strength);
  }
  return arrivals;
}

}  // namespace azsim::azawad
