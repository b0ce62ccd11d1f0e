// Phase 2, economy: income is the external base plus revenue from the towns and routes a
// faction holds; wages and upkeep are paid from the treasury; pay moves toward what the
// faction can afford per fighter, so a faction with more money than fighters pays more (the
// Islamists' pay advantage, S28, comes out of this) and a broke one cuts pay. A state faction
// pays the statutory wage it starts with.

#include <algorithm>

#include "models/azawad/phases.hpp"

namespace azsim::azawad {

namespace {
/// Share of a node's garrison that belongs to faction f (0 when it has none there).
double garrison_share(const World& w, Index n, Index f) {
  std::int64_t total = 0;
  for (Index g = 0; g < w.F; ++g) total += w.nodes.garrison[w.nf(n, g)];
  const std::int64_t own = w.nodes.garrison[w.nf(n, f)];
  return total > 0 ? static_cast<double>(own) / static_cast<double>(total) : 0.0;
}

/// Share of a node's revenue that f collects: towns it holds or shares, split by garrison.
double revenue_share(const World& w, Index n, Index f) {
  const ControlState c = w.nodes.control[static_cast<std::size_t>(n)];
  if (!(w.nodes.holders[static_cast<std::size_t>(n)] & bit(f))) return 0.0;
  if (c != ControlState::held && c != ControlState::shared) return 0.0;
  return garrison_share(w, n, f);
}
}  // namespace

void run_economy(World& w) {
  const auto& p = w.params.economy;
  auto& fs = w.factions;
  for (Index f = 0; f < w.F; ++f) {
    const auto fi = static_cast<std::size_t>(f);
    const FactionSpec& spec = w.spec->factions[fi];
    if (spec.kind == FactionKind::outside) continue;  // paid by a state budget outside the theatre
    double revenue = 0;
    for (Index n = 0; n < w.N; ++n)
      if (holdable(w, n))
        revenue += p.town_revenue * static_cast<double>(w.population(n)) * revenue_share(w, n, f);
    for (const EdgeSpec& e : w.spec->edges)
      revenue += p.route_revenue * e.km * std::min(revenue_share(w, e.from, f), revenue_share(w, e.to, f));
    const double income = spec.external_income_cfa_per_day + revenue;
    const auto n = static_cast<double>(fs.active[fi] + fs.wounded[fi]);
    const double bill = n * (p.upkeep + fs.pay[fi]);
    double& treasury = fs.treasury[fi];
    treasury += income;
    fs.paid_share[fi] = bill > 0 ? std::min(1.0, treasury / bill) : 1.0;
    treasury = std::max(0.0, treasury - bill);
    fs.income[fi] = income;
    // Affordable pay: today's income plus the share of the treasury the faction allows itself
    // to spend per day (keeping reserve_days of runway), per fighter, after upkeep.
    // A state pays its soldiers the statutory wage (its budget buys much else); insurgents pay
    // what they can afford.
    if (spec.kind == FactionKind::state) continue;
    const double affordable = n > 0 ? std::max(0.0, (income + treasury / p.reserve_days) / n - p.upkeep) : fs.pay[fi];
    fs.pay[fi] += p.pay_adjust_rate * (affordable - fs.pay[fi]);
  }
}

}  // namespace azsim::azawad
