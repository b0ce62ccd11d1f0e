// The rules added in session 6 against their definitions (docs/ODD.md 7.3 and 7.8, the headers
// of sim/models/azawad/{relations,strategy}.cpp), on hand-built worlds of the minimal scenario:
//  - relations.outside_restraint: between an outside force and a local faction the drift, the
//    incidents and the calls to arms run at (1 - outside_restraint) of their rate;
//  - a faction bound to the enemy by talks or a ceasefire does not answer a call to arms;
//  - strategy.morale_momentum: a faction fights with morale * exp(k * min(0, momentum));
//  - an allied outside force lends its morale only against factions it is itself at war with
//    (tested in test_strategy.cpp, "below offensive_morale ...").
//
// Factions of minimal.yaml: rebels (0) and zealots (1) allied at 0.5, both at war with the army
// (2); helpers (3) are an outside force (morale 0.9) at war with the zealots. Nodes: alpha,
// beta, gamma (towns), sands (rural), peaks (refuge).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "core/exec/executor.hpp"
#include "engine_support.hpp"
#include "models/azawad/phases.hpp"

using namespace azsim;
using namespace azsim::azawad;
using test::minimal_spec;
using test::within_binomial;

namespace {

using Ids = test::MinimalIds;
Ids ids() { return test::minimal_ids(); }

constexpr std::size_t at(Index i) { return static_cast<std::size_t>(i); }

void place(World& w, std::initializer_list<std::tuple<Index, Index, std::int64_t>> garrisons) {
  test::place_garrisons(w, garrisons, "s6");
}

void relate(World& w, Index a, Index b, RelationState st, double r) {
  set_relation_state(w, a, b, st);
  w.relation(a, b) = w.relation(b, a) = r;
}

double distance(Index a, Index b) {
  const auto& fa = minimal_spec().factions[at(a)];
  const auto& fb = minimal_spec().factions[at(b)];
  return std::abs(fa.separatism - fb.separatism) + std::abs(fa.sharia - fb.sharia);
}

int count_events(const World& w, const char* sub_type) {
  return static_cast<int>(
      std::count_if(w.events.begin(), w.events.end(), [&](const Event& e) { return e.sub_type == sub_type; }));
}

/// Relations only: no pull, no siding penalty, no calls unless asked.
ParameterSet relation_params(std::initializer_list<std::pair<const char*, double>> more) {
  const ParameterSet base = test::with_values(minimal_spec().parameters, {{"relations.ideology_drift", 0.0},
                                                                          {"relations.shared_enemy_pull", 0.0},
                                                                          {"relations.incident_rate", 0.0},
                                                                          {"relations.siding_penalty", 0.0},
                                                                          {"relations.solidarity", 0.0},
                                                                          {"relations.war_threshold", -0.3},
                                                                          {"relations.alliance_threshold", 0.3},
                                                                          {"relations.alliance_hysteresis", 0.0}});
  return test::with_values(base, more);
}

/// Calls `tally(w)` on one day of relations in each of runs 0..runs-1 of `base` (each run its
/// own keys), and returns the share of runs for which it returned true.
template <class Tally>
double share_of_runs(const World& base, int runs, Tally tally) {
  int yes = 0;
  for (int r = 0; r < runs; ++r) {
    World w = base;
    w.key.run = static_cast<std::uint64_t>(r);
    update_relations(w);
    yes += tally(w) ? 1 : 0;
  }
  return static_cast<double>(yes) / runs;
}

}  // namespace

TEST_CASE("relations: an outside force and a local faction ruling a town together drift at (1 - outside_restraint)",
          "[engine][politics][relations]") {
  const Ids i = ids();
  constexpr double drift = 0.01, restraint = 0.75;
  constexpr int days = 10;
  REQUIRE(distance(i.helpers, i.rebels) == Approx(1.0));
  auto after = [&](double r_outside) {
    World w = test::bare_world(minimal_spec(),
                               relation_params({{"relations.ideology_drift", drift},
                                                {"relations.outside_restraint", r_outside}}),
                               9);
    w.factions.entered[at(i.helpers)] = 1;
    place(w, {{i.rebels, i.alpha, 50}, {i.helpers, i.alpha, 50}, {i.zealots, i.gamma, 50}, {i.army, i.gamma, 5}});
    relate(w, i.rebels, i.helpers, RelationState::neutral, 0.0);
    relate(w, i.zealots, i.army, RelationState::neutral, 0.0);  // a local pair sharing gamma
    for (Day day = 0; day < days; ++day) {
      w.day = day;
      update_relations(w);
    }
    return std::pair{w.relation(i.rebels, i.helpers), w.relation(i.zealots, i.army)};
  };
  const auto [outside, local] = after(restraint);
  const double d_local = distance(i.zealots, i.army);
  INFO("outside pair " << outside << ", local pair " << local);
  CHECK(outside == Approx(-(1 - restraint) * drift * 1.0 * days).margin(1e-12));
  CHECK(local == Approx(-drift * d_local * days).margin(1e-12));  // untouched by the restraint
  CHECK(after(0.0).first == Approx(-drift * 1.0 * days).margin(1e-12));
  CHECK(after(1.0).first == 0.0);
}

TEST_CASE("relations: incidents between an outside force and a local faction have probability 1 - exp(-rate * (1 - "
          "outside_restraint) * tension)",
          "[engine][politics][relations]") {
  const Ids i = ids();
  constexpr double rate = 2.0, restraint = 0.6, r0 = -0.2;
  const double tension = distance(i.helpers, i.rebels) * (1 - r0) / 2;
  World base = test::bare_world(minimal_spec(),
                                relation_params({{"relations.incident_rate", rate},
                                                 {"relations.incident_impact", 0.0},
                                                 {"relations.escalation_prob", 0.0},
                                                 {"relations.outside_restraint", restraint}}),
                                11);
  base.factions.entered[at(i.helpers)] = 1;
  place(base, {{i.rebels, i.alpha, 50}, {i.helpers, i.alpha, 50}});
  relate(base, i.rebels, i.helpers, RelationState::neutral, r0);
  base.events.clear();
  constexpr int runs = 3000;
  const double quarrelled = share_of_runs(base, runs, [](const World& w) {
    const int quarrels = count_events(w, "quarrel");
    REQUIRE(quarrels <= 1);  // one shared town: at most one incident a day
    return quarrels == 1;
  });
  const double expected = 1 - std::exp(-rate * (1 - restraint) * tension);
  const double unrestrained = 1 - std::exp(-rate * tension);
  INFO(quarrelled << " of the runs quarrelled; expected rate " << expected << " (unrestrained " << unrestrained
                  << ")");
  CHECK(within_binomial(quarrelled, expected, runs));
  CHECK_FALSE(within_binomial(quarrelled, unrestrained, runs));
}

TEST_CASE("relations: an outside force answers an ally's call with probability solidarity * (1 - outside_restraint)",
          "[engine][politics][relations]") {
  const Ids i = ids();
  auto joined_share = [&](double restraint) {
    World base = test::bare_world(
        minimal_spec(), relation_params({{"relations.solidarity", 1.0}, {"relations.outside_restraint", restraint}}),
        7);
    base.factions.entered[at(i.helpers)] = 1;
    relate(base, i.rebels, i.army, RelationState::neutral, -0.5);  // below war_threshold: war today
    relate(base, i.helpers, i.rebels, RelationState::allied, 0.5);
    relate(base, i.helpers, i.army, RelationState::neutral, 0.0);
    relate(base, i.zealots, i.rebels, RelationState::neutral, 0.0);  // the zealots stay out of it
    return share_of_runs(base, 2000, [&](const World& w) {
      REQUIRE(w.at_war(i.rebels, i.army));
      return w.at_war(i.helpers, i.army);
    });
  };
  CHECK(joined_share(0.0) == 1.0);
  CHECK(joined_share(1.0) == 0.0);
  const double half = joined_share(0.5);
  INFO("restraint 0.5: " << half << " joined");
  CHECK(within_binomial(half, 0.5, 2000));
}

TEST_CASE("relations: a faction in talks or a ceasefire with the enemy does not answer an ally's call",
          "[engine][politics][relations]") {
  const Ids i = ids();
  for (const RelationState bound : {RelationState::ceasefire, RelationState::talks, RelationState::neutral}) {
    World w = test::bare_world(minimal_spec(), relation_params({{"relations.solidarity", 1.0}}), 7);
    relate(w, i.rebels, i.army, RelationState::neutral, -0.5);
    relate(w, i.zealots, i.rebels, RelationState::allied, 0.5);
    relate(w, i.zealots, i.army, bound, 0.0);
    update_relations(w);
    REQUIRE(w.at_war(i.rebels, i.army));
    INFO("zealots and army: " << static_cast<int>(bound));
    if (bound == RelationState::neutral) {
      CHECK(w.at_war(i.zealots, i.army));  // free to answer, and solidarity is 1
    } else {
      CHECK(w.relation_state[w.ff(i.zealots, i.army)] == bound);
      CHECK(count_events(w, "alliance call") == 0);
    }
  }
}

TEST_CASE("strategy: a beaten faction fights with morale * exp(morale_momentum * min(0, momentum)) and stops attacking "
          "below offensive_morale",
          "[engine][rules][strategy]") {
  const Ids i = ids();
  constexpr double k = 0.8, offensive = 0.3;
  constexpr std::int64_t army = 800;
  const double morale = minimal_spec().factions[at(i.army)].morale;
  REQUIRE(morale == Approx(0.4));
  // The army 800 strong at gamma, 10 rebels at beta; 30 days ago the army had `then` fighters
  // (and the same towns), so its momentum is ln((800 + 1) / (then + 1)).
  auto world = [&](std::int64_t then) {
    World w = test::bare_world(
        minimal_spec(),
        test::planning_params({{"strategy.offensive_morale", offensive}, {"strategy.morale_momentum", k}}), 5);
    place(w, {{i.army, i.gamma, army}, {i.rebels, i.beta, 10}});
    record_day(w);
    w.active_by_day.back()[at(i.army)] = then;
    w.day = 30;
    return w;
  };
  for (const std::int64_t then : {std::int64_t{400}, army, std::int64_t{1000}, std::int64_t{1600}, std::int64_t{4000}}) {
    World w = world(then);
    const double m = std::log((army + 1.0) / (static_cast<double>(then) + 1.0));
    REQUIRE(momentum(w, i.army) == Approx(m).margin(1e-12));
    const double expected = morale * std::exp(k * std::min(0.0, m));
    INFO("30 days ago " << then << ": momentum " << m << ", morale " << expected);
    CHECK(fighting_morale(w, i.army) == Approx(expected).margin(1e-12));
    plan_strategy(w);
    CHECK((w.factions.campaign[at(i.army)] == i.beta) == (expected >= offensive));
  }
  // Switched off (k = 0), a beaten army keeps its morale.
  World off = test::bare_world(minimal_spec(), test::planning_params({{"strategy.morale_momentum", 0.0}}), 5);
  place(off, {{i.army, i.gamma, army}});
  record_day(off);
  off.active_by_day.back()[at(i.army)] = 4000;
  off.day = 30;
  CHECK(fighting_morale(off, i.army) == morale);
}
