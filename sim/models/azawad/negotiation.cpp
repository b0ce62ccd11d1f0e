// Phase 10, negotiation (S12, S27, S36, S37), per pair of a state faction and a faction at war
// with it:
//  - exhaustion of a faction = the share of its peak strength it has lost (dead, deserted,
//    defected, captured); its war-weariness = exhaustion remembered, an exponential average
//    over about weariness_days (w += (exhaustion - w)(1 - e^(-1/weariness_days)) a day); a
//    separatist faction whose weariness passes goal_shift_threshold drops independence for
//    autonomy (S27): a sustained defeat, not a bad month -- and, having dropped the demand no
//    state would discuss, opens talks that day with every state faction it is at war with
//    (S27: the shift and the talks are one act, December 2012);
//  - a faction whose goal is independence or a sharia state does not negotiate with a state;
//  - war -> talks with daily probability 1 - exp(-h), h = talks_base * (1 + losses_weight *
//    (exhaustion_a + exhaustion_b) + displacement_weight * share displaced) * (1 +
//    mediation_weight * mediation strength);
//  - talks -> ceasefire with hazard ceasefire_hazard * exp(ceasefire_mediation * mediation) *
//    exp(-ripeness * max(0, momentum_a, momentum_b)): a strong mediator closes a deal where a
//    weak one only keeps talks alive (the 2012 rounds, mediation 0.2, brought no ceasefire in
//    six months; Ouagadougou 2013, 0.6, one in ten days); a side that is winning holds out for
//    more (a conflict is ripe for settlement in a stalemate, not while one side advances: the
//    army, advancing behind Serval from January 2013, signed with the MNLA only in June);
//  - ceasefire -> war (a violation) with hazard violation_hazard: a hazard, never a date.
// A pair in talks or ceasefire does not fight (only war is fought).

#include <algorithm>
#include <cmath>

#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {

void negotiate(World& w) {
  const auto& p = w.params.negotiation;
  const ScenarioSpec& spec = *w.spec;
  // Exhaustion, and the weariness that remembers it.
  const double memory_step = p.weariness_days > 0 ? -std::expm1(-1.0 / p.weariness_days) : 1.0;
  std::vector<double> exhaustion(static_cast<std::size_t>(w.F), 0.0);
  std::vector<Index> shifted;  // factions that dropped independence today
  for (Index f = 0; f < w.F; ++f) {
    const auto fi = static_cast<std::size_t>(f);
    const auto now = static_cast<double>(w.factions.active[fi] + w.factions.wounded[fi]);
    w.factions.peak[fi] = std::max(w.factions.peak[fi], now);
    exhaustion[fi] = w.factions.peak[fi] > 0 ? 1.0 - now / w.factions.peak[fi] : 0.0;
    double& weariness = w.factions.weariness[fi];
    weariness += (exhaustion[fi] - weariness) * memory_step;
    if (w.factions.goal[fi] == Goal::independence && weariness > p.goal_shift_threshold) {
      w.goal_changes.push_back({w.day, f, Goal::independence, Goal::autonomy});
      w.factions.goal[fi] = Goal::autonomy;
      shifted.push_back(f);
      Event e;
      e.day = w.day;
      e.type = "goal_shift";
      e.sub_type = "independence to autonomy";
      e.actor1 = f;
      e.notes = "negotiation: war-weariness " + std::to_string(weariness).substr(0, 4) + " (exhaustion " +
                std::to_string(exhaustion[fi]).substr(0, 4) + ") above goal_shift_threshold";
      w.log(std::move(e));
    }
  }
  double people = 0, displaced = 0;
  for (std::size_t k = 0; k < w.nodes.population.size(); ++k) {
    people += static_cast<double>(w.nodes.population[k] + w.nodes.displaced[k] + w.nodes.abroad[k]);
    displaced += static_cast<double>(w.nodes.displaced[k] + w.nodes.abroad[k]);
  }
  const double displaced_share = people > 0 ? displaced / people : 0.0;

  auto log = [&](const char* type, Index a, Index b, const std::string& why) {
    Event e;
    e.day = w.day;
    e.type = type;
    e.sub_type = type;
    e.actor1 = a;
    e.actor2 = b;
    e.notes = why;
    w.log(std::move(e));
  };
  // A faction that dropped independence today opens talks with the states at war with it.
  for (const Index f : shifted)
    for (Index g = 0; g < w.F; ++g)
      if (spec.factions[static_cast<std::size_t>(g)].kind == FactionKind::state && w.relation_state[w.ff(f, g)] == RelationState::war) {
        set_relation_state(w, f, g, RelationState::talks);
        log("talks", std::min(f, g), std::max(f, g), "negotiation: opens talks with its new goal (autonomy)");
      }
  for (Index a = 0; a < w.F; ++a)
    for (Index b = a + 1; b < w.F; ++b) {
      const auto& fa = spec.factions[static_cast<std::size_t>(a)];
      const auto& fb = spec.factions[static_cast<std::size_t>(b)];
      if (fa.kind == FactionKind::outside || fb.kind == FactionKind::outside) continue;
      if ((fa.kind == FactionKind::state) == (fb.kind == FactionKind::state)) continue;  // one state, one not
      const Index rebel = fa.kind == FactionKind::state ? b : a;
      const Goal goal = w.factions.goal[static_cast<std::size_t>(rebel)];
      const RelationState st = w.relation_state[w.ff(a, b)];
      const double med = w.mediation(a, b);
      rng::Stream s = w.stream(rng::combine(w.faction_key[static_cast<std::size_t>(a)], w.faction_key[static_cast<std::size_t>(b)]),
                               purpose::negotiate);
      if (st == RelationState::war) {
        if (goal == Goal::independence || goal == Goal::sharia_state) continue;
        const double h = p.talks_base *
                         (1.0 + p.losses_weight * (exhaustion[static_cast<std::size_t>(a)] + exhaustion[static_cast<std::size_t>(b)]) +
                          p.displacement_weight * displaced_share) *
                         (1.0 + p.mediation_weight * med);
        if (rng::bernoulli(s, 1.0 - std::exp(-h))) {
          set_relation_state(w, a, b, RelationState::talks);
          log("talks", a, b, "negotiation: hazard " + std::to_string(h).substr(0, 6) + " (mediation " + std::to_string(med).substr(0, 4) + ")");
        }
      } else if (st == RelationState::talks) {
        const double winning = std::max({0.0, momentum(w, a), momentum(w, b)});
        const double h = p.ceasefire_hazard * std::exp(p.ceasefire_mediation * med - p.ripeness * winning);
        if (rng::bernoulli(s, 1.0 - std::exp(-h))) {
          set_relation_state(w, a, b, RelationState::ceasefire);
          log("ceasefire", a, b, "negotiation: hazard " + std::to_string(h).substr(0, 6));
        }
      } else if (st == RelationState::ceasefire) {
        if (rng::bernoulli(s, 1.0 - std::exp(-p.violation_hazard))) {
          set_relation_state(w, a, b, RelationState::war);
          w.relation(a, b) = w.relation(b, a) = std::min(w.relation(a, b), w.params.relations.war_threshold);
          log("violation", a, b, "negotiation: violation hazard " + std::to_string(p.violation_hazard).substr(0, 6));
        }
      }
    }
}

}  // namespace azsim::azawad
