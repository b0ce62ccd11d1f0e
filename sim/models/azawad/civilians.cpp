// Phase 8, civilians (S5, S13, S14, S18, S19, S38-S40).
//  - Violence: each death a faction caused today among group g at node n (civilians count 1,
//    fighters combatant_weight) lowers g's support there for that faction by violence_effect
//    per death per 1,000 of g, raises g's grievance against every group h that faction
//    recruits from by grievance_per_death x (deaths per 1,000) x (h's share of its fighters),
//    and makes flight_per_death people of g flee per death (abroad_share of them abroad).
//  - Support: pulled toward factions recruiting from the community's own group (toward the
//    group's share among the faction's fighters, ethnic_alignment a day), and, where a faction
//    holds the town, moved by rule_effect x (that share - 1/2): rule by outsiders to the group
//    loses support (S18), rule by its own wins it (S5, S19). Support over factions is at most 1.
//  - Grievance fades by grievance_decay a day.
//  - Reprisals: a self-exciting (Hawkes) process per ordered pair of groups. Group g attacks
//    civilians of group h with daily intensity reprisal_base x grievance(g, h) + x(g, h); each
//    reprisal of g on h adds reprisal_branching x (e^(1/m) - 1) to x(h, g) (retaliation), m =
//    reprisal_memory_days, and x decays by exp(-1/m) a day before each day's draws, so each
//    reprisal provokes reprisal_branching further ones on average. A reprisal strikes where h lives and g's
//    armed men are (weight population_h x (1 + armed_g)); its toll is floor(Pareto(x_m,
//    massacre_tail_index)), heavy-tailed, with scale x_m = 1 + massacre_scale x (the
//    perpetrating faction's men of group g there) / 100: a band of a few hundred kills more
//    than a few villagers with rifles (S39: some thirty traders killed at once).

#include <algorithm>
#include <cmath>
#include <map>

#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {
namespace {

double per_thousand(const World& w, Index n, Index g, double deaths) {
  const auto pop = static_cast<double>(w.nodes.population[w.ng(n, g)]);
  return deaths / std::max(1.0, pop / 1000.0);
}

/// People of group g at node n flee: Poisson(flight_per_death x deaths), abroad_share abroad.
void flee(World& w, Index n, Index g, double deaths, rng::Stream& s) {
  const auto& c = w.params.civilians;
  std::int64_t& pop = w.nodes.population[w.ng(n, g)];
  const std::int64_t leaving = std::min(pop, rng::poisson(s, c.flight_per_death * deaths));
  const std::int64_t abroad = rng::binomial(s, leaving, c.abroad_share);
  pop -= leaving;
  w.nodes.abroad[w.ng(n, g)] += abroad;
  w.nodes.displaced[w.ng(n, g)] += leaving - abroad;
}

void suffer(World& w, Index n, Index victims, Index perpetrator, double deaths, rng::Stream& s) {
  const auto& c = w.params.civilians;
  const double k = per_thousand(w, n, victims, deaths);
  if (perpetrator != kNone) {
    double& sup = w.support[w.ngf(n, victims, perpetrator)];
    sup = std::max(0.0, sup - c.violence_effect * k);
    for (Index h = 0; h < w.G; ++h)
      if (h != victims)
        w.grievance(victims, h) = std::min(
            1.0, w.grievance(victims, h) + c.grievance_per_death * k *
                                               w.ethnic_mix[static_cast<std::size_t>(perpetrator) * static_cast<std::size_t>(w.G) +
                                                            static_cast<std::size_t>(h)]);
  }
  flee(w, n, victims, deaths, s);
}

void reprisal(World& w, Index g, Index h, rng::Stream& s) {
  const auto& c = w.params.civilians;
  std::vector<double> weight(static_cast<std::size_t>(w.N), 0.0);
  for (Index n = 0; n < w.N; ++n)
    weight[static_cast<std::size_t>(n)] = static_cast<double>(w.nodes.population[w.ng(n, h)]) *
                                          (1.0 + static_cast<double>(w.armed[w.ng(n, g)]));
  if (std::all_of(weight.begin(), weight.end(), [](double x) { return x <= 0; })) return;
  const auto n = static_cast<Index>(rng::categorical(s, weight));
  // The perpetrators: the faction with the most armed men of group g there, if any.
  Index perp = kNone;
  double most = 0;
  for (Index f = 0; f < w.F; ++f) {
    const double men = static_cast<double>(w.nodes.garrison[w.nf(n, f)]) *
                       w.ethnic_mix[static_cast<std::size_t>(f) * static_cast<std::size_t>(w.G) + static_cast<std::size_t>(g)];
    if (men > most) {
      most = men;
      perp = f;
    }
  }
  std::int64_t& pop = w.nodes.population[w.ng(n, h)];
  const double scale = 1.0 + c.massacre_scale * most / 100.0;
  const auto toll = static_cast<std::int64_t>(std::floor(rng::pareto(s, scale, c.massacre_tail_index)));
  const std::int64_t deaths = std::min(pop, toll);
  pop -= deaths;
  w.today_civilians[static_cast<std::size_t>(h)] += deaths;
  w.grievance(h, g) = std::min(1.0, w.grievance(h, g) + c.grievance_per_death * per_thousand(w, n, h, static_cast<double>(deaths)));
  if (perp != kNone) {
    double& sup = w.support[w.ngf(n, h, perp)];
    sup = std::max(0.0, sup - c.violence_effect * per_thousand(w, n, h, static_cast<double>(deaths)));
  }
  flee(w, n, h, static_cast<double>(deaths), s);
  // Each reprisal provokes reprisal_branching more on average: its excitation is first drawn on
  // after one day's decay, so the jump is b (e^(1/m) - 1) (sum over k >= 1 of jump e^(-k/m) = b).
  w.excitation(h, g) += c.reprisal_branching * std::expm1(1.0 / c.reprisal_memory_days);
  Event e;
  e.day = w.day;
  e.type = deaths >= 10 ? "massacre" : "reprisal";
  e.sub_type = "attack on civilians";
  e.actor1 = perp;
  e.group1 = g;
  e.group2 = h;
  e.node = n;
  e.fatalities = deaths;
  e.civilians = deaths;
  e.notes = "reprisal of " + w.spec->groups[static_cast<std::size_t>(g)].id + " on " +
            w.spec->groups[static_cast<std::size_t>(h)].id + ": grievance " +
            std::to_string(w.grievance(g, h)).substr(0, 5) + ", excitation " +
            std::to_string(w.excitation(g, h)).substr(0, 6) + "; Pareto toll " + std::to_string(toll);
  w.log(std::move(e));
}

}  // namespace

void update_civilians(World& w) {
  const auto& c = w.params.civilians;
  const ScenarioSpec& spec = *w.spec;

  // 1. Today's violence, aggregated by (node, perpetrator, victims' group) in a fixed order.
  std::map<std::tuple<Index, Index, Index>, double> deaths;
  for (const Violence& v : w.violence_today)
    deaths[{v.node, v.perpetrator, v.victims}] +=
        static_cast<double>(v.deaths) * (v.civilians ? 1.0 : c.combatant_weight);
  w.violence_today.clear();
  for (const auto& [key, d] : deaths) {
    const auto [n, perp, g] = key;
    rng::Stream s = w.stream(rng::combine(w.node_key[static_cast<std::size_t>(n)], w.group_key[static_cast<std::size_t>(g)]),
                             purpose::flight);
    suffer(w, n, g, perp, d, s);
  }

  // 2. Support.
  for (Index n = 0; n < w.N; ++n)
    for (Index g = 0; g < w.G; ++g) {
      if (w.nodes.population[w.ng(n, g)] <= 0) continue;
      double total = 0;
      for (Index f = 0; f < w.F; ++f) {
        const auto fi = static_cast<std::size_t>(f);
        double& sup = w.support[w.ngf(n, g, f)];
        if (!spec.factions[fi].recruits_locally || !w.factions.entered[fi]) continue;
        const double mix = w.ethnic_mix[fi * static_cast<std::size_t>(w.G) + static_cast<std::size_t>(g)];
        sup += c.ethnic_alignment * (mix - sup);
        if (holdable(w, n) && (w.nodes.holders[static_cast<std::size_t>(n)] & bit(f)))
          sup += c.rule_effect * (mix - 0.5);
        sup = std::clamp(sup, 0.0, 1.0);
        total += sup;
      }
      if (total > 1.0)
        for (Index f = 0; f < w.F; ++f) w.support[w.ngf(n, g, f)] /= total;
    }

  // 3. Grievance fades.
  w.grievance *= (1.0 - c.grievance_decay);

  // 4. Reprisals, pair by pair in a fixed order.
  const double decay = std::exp(-1.0 / c.reprisal_memory_days);
  for (Index g = 0; g < w.G; ++g)
    for (Index h = 0; h < w.G; ++h) {
      if (g == h) continue;
      w.excitation(g, h) *= decay;
      const double intensity = c.reprisal_base * w.grievance(g, h) + w.excitation(g, h);
      if (intensity <= 0) continue;
      rng::Stream s = w.stream(rng::combine(w.group_key[static_cast<std::size_t>(g)], w.group_key[static_cast<std::size_t>(h)]),
                               purpose::reprisal);
      const std::int64_t count = rng::poisson(s, intensity);
      for (std::int64_t k = 0; k < count; ++k) reprisal(w, g, h, s);
    }
}

}  // namespace azsim::azawad
