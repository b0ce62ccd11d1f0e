// Phase 3, relations between factions (global, per pair). For pairs not at war and not in
// talks or a ceasefire:
//  - allies, and any two factions ruling a town together, drift apart with their ideological
//    distance d = |separatism_a - separatism_b| + |sharia_a - sharia_b| (the sharia dispute
//    is a dispute over how to rule, S4, S15): r -= ideology_drift * d;
//  - a shared enemy draws them together: r += shared_enemy_pull * (1 - r) when both are at war
//    with some third faction;
//  - allied or neutral factions sharing a town have incidents (S17) with daily probability
//    1 - exp(-incident_rate * d * (1 - r) / 2): friction grows with the distance between
//    their projects (the flag and the sharia, S17), so like-minded factions rarely quarrel;
//    each incident lowers r by incident_impact; an incident
//    between factions whose relation is already negative escalates into war with probability
//    escalation_prob x min(1, r / war_threshold) (S20: a quarrel became a battle) -- the more
//    hostile the pair already is, the likelier a quarrel turns into war, and certain war
//    still comes at war_threshold;
//  - standing beside an outside force makes enemies (S11): a faction sharing a place with an
//    outside faction loses siding_penalty a day of its relation with that force's enemies;
//  - r < war_threshold means war, everywhere at once; r >= alliance_threshold makes an
//    alliance, which lasts until r < alliance_threshold - alliance_hysteresis (so a pair
//    near the threshold does not flip daily); otherwise neutral;
//  - allies answer the call: when a and b go to war, each faction c allied with b, not at
//    war with a, not bound to a by talks or a ceasefire, and closer to b than to a
//    (r(c, b) > r(c, a)), joins b's war on a with probability solidarity, and so on for the
//    wars this makes, the same day (S20-S22: the Islamist groups turned on the MNLA together,
//    at Gao and then at Timbuktu);
//  - an outside force keeps to its mandate: between an outside force and a local faction, the
//    drift, the incidents and the calls to arms all happen at (1 - outside_restraint) of
//    their rate (Serval shared Kidal with the MNLA from January 2013 and never fought it,
//    S10, S31; France stayed out of the army's clashes with the MNLA).

#include <algorithm>
#include <cmath>

#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {

void set_relation_state(World& w, Index a, Index b, RelationState to) {
  RelationState& s = w.relation_state[w.ff(a, b)];
  if (s == to) return;
  w.relation_changes.push_back({w.day, std::min(a, b), std::max(a, b), s, to});
  s = to;
  w.relation_state[w.ff(b, a)] = to;
  w.relation_since[w.ff(a, b)] = w.relation_since[w.ff(b, a)] = w.day;
}

namespace {

/// The factor on the friction between a and b: 1 - outside_restraint when exactly one of them
/// is an outside force (an expeditionary force answers to its mandate, not to local quarrels),
/// else 1.
double restraint(const World& w, Index a, Index b) {
  const auto outside = [&](Index f) {
    return w.spec->factions[static_cast<std::size_t>(f)].kind == FactionKind::outside;
  };
  return outside(a) != outside(b) ? 1.0 - w.params.relations.outside_restraint : 1.0;
}

/// The chance that an incident leaving the relation at r becomes war: none while r >= 0, then
/// rising with the hostility, escalation_prob x min(1, r / war_threshold) (a quarrel between
/// neighbours who just fell out rarely becomes a battle; between bitter rivals it may).
double escalation_chance(double escalation_prob, double war_threshold, double r) {
  if (r >= 0) return 0.0;
  if (war_threshold >= 0) return escalation_prob;
  return escalation_prob * std::min(1.0, r / war_threshold);
}

/// The allies of the pairs that went to war today join in (see the header), breadth first in
/// a fixed order: each new war is answered once, and each (ally, enemy) draw is keyed by the
/// pair, so the outcome does not depend on the order in which wars were declared.
void answer_calls(World& w, std::vector<std::pair<Index, Index>> wars) {
  const double solidarity = w.params.relations.solidarity;
  if (solidarity <= 0) return;
  const ScenarioSpec& spec = *w.spec;
  for (std::size_t k = 0; k < wars.size(); ++k) {
    for (const auto& [friend_of, enemy] : {wars[k], std::pair{wars[k].second, wars[k].first}}) {
      for (Index c = 0; c < w.F; ++c) {
        if (c == friend_of || c == enemy || !w.factions.entered[static_cast<std::size_t>(c)]) continue;
        if (w.relation_state[w.ff(c, friend_of)] != RelationState::allied) continue;
        const RelationState st = w.relation_state[w.ff(c, enemy)];
        if (st == RelationState::war || st == RelationState::allied) continue;  // an ally of both stays out
        if (st == RelationState::talks || st == RelationState::ceasefire) continue;  // bound by its word
        if (w.relation(c, friend_of) <= w.relation(c, enemy)) continue;
        const double p = solidarity * restraint(w, c, enemy);
        rng::Stream s = w.stream(rng::combine(w.faction_key[static_cast<std::size_t>(c)],
                                              w.faction_key[static_cast<std::size_t>(enemy)]),
                                 purpose::solidarity);
        if (!rng::bernoulli(s, p)) continue;
        set_relation_state(w, c, enemy, RelationState::war);
        w.relation(c, enemy) = w.relation(enemy, c) = std::min(w.relation(c, enemy), w.params.relations.war_threshold);
        Event e;
        e.day = w.day;
        e.type = "incident";
        e.sub_type = "alliance call";
        e.actor1 = c;
        e.actor2 = enemy;
        e.notes = "relations: " + spec.factions[static_cast<std::size_t>(c)].id + " joins " +
                  spec.factions[static_cast<std::size_t>(friend_of)].id + "'s war on " +
                  spec.factions[static_cast<std::size_t>(enemy)].id;
        w.log(std::move(e));
        wars.emplace_back(c, enemy);
      }
    }
  }
}

}  // namespace

void update_relations(World& w) {
  const auto& p = w.params.relations;
  const ScenarioSpec& spec = *w.spec;
  auto active = [&](Index f) { return w.factions.entered[static_cast<std::size_t>(f)] != 0; };
  auto outside = [&](Index f) { return spec.factions[static_cast<std::size_t>(f)].kind == FactionKind::outside; };

  // Siding with an outside force: who shares a place with one today.
  std::vector<double> penalty(static_cast<std::size_t>(w.F * w.F), 0.0);
  for (Index n = 0; n < w.N; ++n) {
    const FactionMask h = w.nodes.holders[static_cast<std::size_t>(n)];
    for (Index o = 0; o < w.F; ++o) {
      if (!(h & bit(o)) || !outside(o)) continue;
      for (Index a = 0; a < w.F; ++a) {
        if (a == o || !(h & bit(a)) || outside(a) || w.at_war(a, o)) continue;
        for (Index b = 0; b < w.F; ++b)
          if (b != a && w.at_war(b, o)) penalty[w.ff(a, b)] = p.siding_penalty;
      }
    }
  }

  std::vector<std::pair<Index, Index>> new_wars;
  for (Index a = 0; a < w.F; ++a) {
    for (Index b = a + 1; b < w.F; ++b) {
      if (!active(a) || !active(b)) continue;
      const RelationState st = w.relation_state[w.ff(a, b)];
      if (st == RelationState::war || st == RelationState::talks || st == RelationState::ceasefire) continue;
      const auto& fa = spec.factions[static_cast<std::size_t>(a)];
      const auto& fb = spec.factions[static_cast<std::size_t>(b)];
      double r = w.relation(a, b);
      const double distance = std::abs(fa.separatism - fb.separatism) + std::abs(fa.sharia - fb.sharia);
      const double friction = restraint(w, a, b);
      bool cohabit = false;
      for (Index n = 0; n < w.N && !cohabit; ++n) {
        const FactionMask h = w.nodes.holders[static_cast<std::size_t>(n)];
        cohabit = (h & bit(a)) && (h & bit(b)) && holdable(w, n);
      }
      if (st == RelationState::allied || cohabit) r -= p.ideology_drift * distance * friction;
      bool shared_enemy = false;
      for (Index c = 0; c < w.F && !shared_enemy; ++c)
        shared_enemy = c != a && c != b && w.at_war(a, c) && w.at_war(b, c);
      if (shared_enemy) r += p.shared_enemy_pull * (1.0 - r);
      r -= penalty[w.ff(a, b)] + penalty[w.ff(b, a)];

      // Incidents where they share a town.
      bool escalated = false;
      for (Index n = 0; n < w.N; ++n) {
        const FactionMask h = w.nodes.holders[static_cast<std::size_t>(n)];
        if (!(h & bit(a)) || !(h & bit(b)) || !holdable(w, n)) continue;
        rng::Stream s = w.stream(rng::combine(w.node_key[static_cast<std::size_t>(n)],
                                              rng::combine(w.faction_key[static_cast<std::size_t>(a)],
                                                           w.faction_key[static_cast<std::size_t>(b)])),
                                 purpose::incident);
        const double tension = distance * std::clamp((1.0 - r) / 2.0, 0.0, 1.0);
        if (!rng::bernoulli(s, 1.0 - std::exp(-p.incident_rate * friction * tension))) continue;
        r -= p.incident_impact;
        const bool escalate = r < 0 && rng::bernoulli(s, escalation_chance(p.escalation_prob, p.war_threshold, r));
        Event e;
        e.day = w.day;
        e.type = "incident";
        e.sub_type = escalate ? "escalation" : "quarrel";
        e.actor1 = a;
        e.actor2 = b;
        e.node = n;
        e.notes = "relations: tension " + std::to_string(tension).substr(0, 4) + ", relation now " +
                  std::to_string(r).substr(0, 5) + (escalate ? "; escalates into war" : "");
        w.log(std::move(e));
        escalated = escalated || escalate;
      }
      r = std::clamp(r, -1.0, 1.0);
      w.relation(a, b) = w.relation(b, a) = r;
      if (escalated || r < p.war_threshold) {
        set_relation_state(w, a, b, RelationState::war);
        w.relation(a, b) = w.relation(b, a) = std::min(r, p.war_threshold);
        new_wars.emplace_back(a, b);
      } else if (r >= p.alliance_threshold ||
                 (st == RelationState::allied && r >= p.alliance_threshold - p.alliance_hysteresis)) {
        set_relation_state(w, a, b, RelationState::allied);
      } else {
        set_relation_state(w, a, b, RelationState::neutral);
      }
    }
  }
  answer_calls(w, std::move(new_wars));
}

}  // namespace azsim::azawad
