// The rules of commit c0a96f1 against their definitions (docs/parameters.md, the headers of
// sim/models/azawad/{fighters,strategy,relations,civilians}.cpp), on hand-built worlds of the
// minimal scenario: the cost of crossing the lines in the defection logit (enemy_cost), outside
// forces massing at a staging node, allies answering a call to war (solidarity), the drift of
// factions that rule a town together, desertion in a rout (rout_desertion, the loyalty factor
// and the momentum that counts towns), massacre tolls that scale with the armed men behind
// them (massacre_scale) and air cover for an outside force's partners. (The rule that quality
// also protects is tested in test_strategy.cpp.)
//
// Factions of minimal.yaml: rebels (0) and zealots (1) allied at 0.5, both at war with the army
// (2); helpers (3) are an outside force (quality 1, morale 0.9) at war with the zealots. Nodes:
// alpha (town, urban), beta (town, riverine, 130 km from alpha), gamma (town, urban, 300 km
// beyond beta), sands (rural, 200 km from alpha), peaks (refuge, 130 km beyond sands). Groups:
// north (0, the group add_fighters gives), south, foreign.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "core/exec/executor.hpp"
#include "core/random/samplers.hpp"
#include "engine_support.hpp"
#include "models/azawad/phases.hpp"

using namespace azsim;
using namespace azsim::azawad;
using test::add_fighters;
using test::minimal_spec;
using test::within_binomial;

namespace {

using Ids = test::MinimalIds;
Ids ids() {
  return test::minimal_ids();
}

constexpr std::size_t at(Index i) {
  return static_cast<std::size_t>(i);
}

void place(World& w, std::initializer_list<std::tuple<Index, Index, std::int64_t>> garrisons) {
  test::place_garrisons(w, garrisons, "s5");
}

using test::planning_params;

/// Sets a pair's state and relation value (both directions).
void relate(World& w, Index a, Index b, RelationState st, double r) {
  set_relation_state(w, a, b, st);
  w.relation(a, b) = w.relation(b, a) = r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. fighters.enemy_cost

namespace {

struct Shares {
  double to_zealots = 0, to_army = 0, trials = 0;
};

/// 2,000 rebels at alpha weigh leaving every day (defection_base 1, no desertion), a zealot and
/// a soldier there as candidates; every weight but enemy_cost is 0 and all pay the same, so the
/// utilities are 0 (stay), 0 or -enemy_cost (a candidate at war with the rebels). `war_with`
/// says which of the two candidates is at war with the rebels (the other is allied).
Shares sample_enemy_cost(double cost, Index war_with, int runs) {
  const exec::Executor ex(1);
  const Ids i = ids();
  const auto params =
      test::with_values(minimal_spec().parameters, {{"fighters.defection_base", 1.0},
                                                    {"fighters.desertion_base", 0.0},
                                                    {"fighters.unpaid_desertion", 0.0},
                                                    {"fighters.rout_desertion", 0.0},
                                                    {"fighters.recruitment_rate", 0.0},
                                                    {"fighters.pay_weight", 1.5},
                                                    {"fighters.ideology_weight", 0.0},
                                                    {"fighters.loyalty_weight", 0.0},
                                                    {"fighters.ethnicity_weight", 0.0},
                                                    {"fighters.winning_weight", 0.0},
                                                    {"fighters.contagion_weight", 0.0},
                                                    {"fighters.enemy_cost", cost}});
  World base = test::bare_world(minimal_spec(), params, 5);
  const Index peace_with = war_with == i.army ? i.zealots : i.army;
  relate(base, i.rebels, war_with, RelationState::war, -0.8);
  relate(base, i.rebels, peace_with, RelationState::allied, 0.5);
  place(base, {{i.rebels, i.alpha, 2000}, {i.zealots, i.alpha, 1}, {i.army, i.alpha, 1}});
  for (const Index f : {i.rebels, i.zealots, i.army}) base.factions.pay[at(f)] = 1000;
  Shares out;
  for (int r = 0; r < runs; ++r) {
    World w = base;
    w.key.run = static_cast<std::uint64_t>(r);
    fighters_decide(w, ex);
    for (std::size_t k = 0; k < w.fighters.size(); ++k) {
      if (w.fighters.origin[k] != i.rebels) continue;
      REQUIRE(w.fighters.status[k] == Status::active);  // nobody deserts
      out.trials += 1;
      out.to_zealots += w.fighters.faction[k] == i.zealots;
      out.to_army += w.fighters.faction[k] == i.army;
    }
  }
  return out;
}

}  // namespace

TEST_CASE(
    "defection: a faction at war with his own costs enemy_cost in the logit, P = e^-c / (2 + e^-c)",
    "[engine][rules][defection]") {
  const Ids i = ids();
  for (const Index war_with : {i.army, i.zealots}) {
    for (const double cost : {0.0, 1.5, 4.0}) {
      const Shares s = sample_enemy_cost(cost, war_with, 5);
      const double e = std::exp(-cost);
      const double p_enemy = e / (2 + e), p_friend = 1 / (2 + e);
      const double enemy = (war_with == i.army ? s.to_army : s.to_zealots) / s.trials;
      const double friendly = (war_with == i.army ? s.to_zealots : s.to_army) / s.trials;
      INFO("at war with " << (war_with == i.army ? "army" : "zealots") << ", enemy_cost " << cost
                          << ": to the enemy " << enemy << " (expected " << p_enemy
                          << "), to the ally " << friendly << " (expected " << p_friend << ") of "
                          << s.trials);
      CHECK(within_binomial(enemy, p_enemy, s.trials));
      CHECK(within_binomial(friendly, p_friend, s.trials));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Outside forces mass at a staging node

namespace {

struct Orders {
  std::int64_t to_objective = 0, to_stage = 0, elsewhere = 0, none = 0;
};

/// Where the helpers standing at `from` were ordered.
Orders orders_of(const World& w, Index f, Index from, Index objective, Index stage) {
  Orders o;
  for (std::size_t k = 0; k < w.fighters.size(); ++k) {
    if (w.fighters.faction[k] != f || w.fighters.location[k] != from) continue;
    const Index t = w.fighters.target[k];
    if (t == kNone)
      ++o.none;
    else if (t == objective)
      ++o.to_objective;
    else if (t == stage)
      ++o.to_stage;
    else
      ++o.elsewhere;
  }
  return o;
}

}  // namespace

TEST_CASE(
    "outside forces: below attack_ratio / morale (near fighters x quality + air) they gather at "
    "the staging node",
    "[engine][rules][strategy]") {
  const Ids i = ids();
  // The helpers (quality 2) have entered with beta as their only objective; their main body
  // (300) stands at sands, whose road to beta runs through alpha (the staging node, 130 km
  // from beta), where 41 of them stand already. The zealots hold beta.
  ScenarioSpec spec = minimal_spec();
  constexpr double q_h = 2.0;
  spec.factions[at(i.helpers)].quality = q_h;
  constexpr std::int64_t body = 300, near = 41;
  auto plan = [&](std::int64_t defenders, double air_power) {
    World w = test::bare_world(spec, planning_params(), 5);
    w.factions.entered[at(i.helpers)] = 1;
    w.factions.air_power[at(i.helpers)] = air_power;
    w.factions.objectives[at(i.helpers)] = {i.beta};
    place(w,
          {{i.helpers, i.sands, body}, {i.helpers, i.alpha, near}, {i.zealots, i.beta, defenders}});
    REQUIRE(w.at_war(i.helpers, i.zealots));
    plan_strategy(w);
    REQUIRE(w.factions.campaign[at(i.helpers)] == i.beta);
    return w;
  };
  World probe = test::bare_world(spec, planning_params(), 5);
  REQUIRE(next_hop(probe, i.sands, i.beta) == i.alpha);
  const double defence = defence_multiplier(probe, i.beta);
  const double threshold = 2.0 / 0.9;  // attack_ratio / the helpers' morale
  constexpr double air_power = 40;
  const double air = air_power * planning_params().value("combat.air_factor");
  // Only the fighters at the staging node or nearer count (not the body at sands, 330 km away).
  const double own = near * q_h + air;
  const auto most = static_cast<std::int64_t>(std::floor(own / (threshold * defence) - 1e-9));
  INFO("own " << own << " against at most " << most << " zealots (defence " << defence << ")");
  REQUIRE(most >= 1);
  REQUIRE(most < body);  // the body alone would outmatch them: it must not be what counts

  SECTION("strong enough: every helper is ordered to the objective") {
    const World w = plan(most, air_power);
    const Orders at_sands = orders_of(w, i.helpers, i.sands, i.beta, i.alpha);
    const Orders at_alpha = orders_of(w, i.helpers, i.alpha, i.beta, i.alpha);
    CHECK(at_sands.to_objective == body);
    CHECK(at_alpha.to_objective == near);
    CHECK(at_sands.to_stage + at_sands.elsewhere + at_alpha.elsewhere == 0);
  }
  SECTION(
      "one defender more: the body goes to the staging node, those there wait, nobody to the "
      "objective") {
    const World w = plan(most + 1, air_power);
    const Orders at_sands = orders_of(w, i.helpers, i.sands, i.beta, i.alpha);
    const Orders at_alpha = orders_of(w, i.helpers, i.alpha, i.beta, i.alpha);
    CHECK(at_sands.to_stage == body);
    CHECK(at_alpha.none == near);
    CHECK(at_sands.to_objective + at_alpha.to_objective == 0);
    CHECK(at_sands.elsewhere + at_alpha.elsewhere == 0);
  }
  SECTION("the air power counts: without it the same defenders are too many") {
    const World w = plan(most, 0.0);
    CHECK(orders_of(w, i.helpers, i.sands, i.beta, i.alpha).to_stage == body);
    CHECK(orders_of(w, i.helpers, i.alpha, i.beta, i.alpha).to_objective == 0);
  }
}

// ---------------------------------------------------------------------------------------------
// 4. relations.solidarity

namespace {

/// Relations after one update: the rebels and the army (neutral at -0.5, below war_threshold
/// -0.3) go to war; the zealots are allied with the rebels at `r_zb` and stand toward the army
/// as `z_army` at `r_za`. Nothing else moves the relations (no drift, pull or incidents).
World before_war(double solidarity, RelationState z_army, double r_za, double r_zb,
                 double hysteresis = 0.0) {
  const Ids i = ids();
  const auto params =
      test::with_values(minimal_spec().parameters, {{"relations.solidarity", solidarity},
                                                    {"relations.ideology_drift", 0.0},
                                                    {"relations.shared_enemy_pull", 0.0},
                                                    {"relations.incident_rate", 0.0},
                                                    {"relations.war_threshold", -0.3},
                                                    {"relations.alliance_threshold", 0.3},
                                                    {"relations.alliance_hysteresis", hysteresis}});
  World w = test::bare_world(minimal_spec(), params, 7);
  relate(w, i.rebels, i.army, RelationState::neutral, -0.5);
  relate(w, i.zealots, i.rebels, RelationState::allied, r_zb);
  relate(w, i.zealots, i.army, z_army, r_za);
  w.relation_changes.clear();
  w.events.clear();
  w.day = 3;
  return w;
}

/// One day of relations in run `run` of `base`.
World after_day(const World& base, std::uint64_t run = 0) {
  World w = base;
  w.key.run = run;
  update_relations(w);
  REQUIRE(w.at_war(ids().rebels, ids().army));
  return w;
}

World call_to_war(double solidarity, RelationState z_army, double r_za, double r_zb,
                  double hysteresis = 0.0) {
  return after_day(before_war(solidarity, z_army, r_za, r_zb, hysteresis));
}

int alliance_calls(const World& w) {
  return static_cast<int>(std::count_if(w.events.begin(), w.events.end(), [](const Event& e) {
    return e.type == "incident" && e.sub_type == "alliance call";
  }));
}

}  // namespace

TEST_CASE(
    "relations: an ally closer to one side of a new war joins it against the other with "
    "probability solidarity",
    "[engine][politics][relations]") {
  const Ids i = ids();
  SECTION("solidarity 1: always, at war_threshold, with an alliance call logged") {
    const World w = call_to_war(1.0, RelationState::neutral, 0.0, 0.5);
    CHECK(w.at_war(i.zealots, i.army));
    CHECK(w.relation(i.zealots, i.army) == -0.3);
    REQUIRE(alliance_calls(w) == 1);
    const auto call = std::find_if(w.events.begin(), w.events.end(),
                                   [](const Event& e) { return e.sub_type == "alliance call"; });
    CHECK(call->actor1 == i.zealots);
    CHECK(call->actor2 == i.army);
    CHECK(call->day == 3);
    CHECK(w.relation_state[w.ff(i.zealots, i.rebels)] == RelationState::allied);
  }
  SECTION("solidarity 0: never") {
    const World base = before_war(0.0, RelationState::neutral, 0.0, 0.5);
    for (std::uint64_t run = 0; run < 50; ++run) {
      const World w = after_day(base, run);
      CHECK_FALSE(w.at_war(i.zealots, i.army));
      CHECK(alliance_calls(w) == 0);
    }
  }
  SECTION(
      "solidarity 0.5: in half of the keyed runs, and the call is logged exactly when it is "
      "answered") {
    constexpr int runs = 2000;
    int joined = 0;
    const World base = before_war(0.5, RelationState::neutral, 0.0, 0.5);
    for (int r = 0; r < runs; ++r) {
      const World w = after_day(base, static_cast<std::uint64_t>(r));
      joined += w.at_war(i.zealots, i.army);
      REQUIRE(alliance_calls(w) == (w.at_war(i.zealots, i.army) ? 1 : 0));
    }
    INFO(joined << " of " << runs << " joined");
    CHECK(within_binomial(static_cast<double>(joined) / runs, 0.5, runs));
  }
  SECTION("an ally of both stays out") {
    const World w = call_to_war(1.0, RelationState::allied, 0.4, 0.5);
    CHECK(w.relation_state[w.ff(i.zealots, i.army)] == RelationState::allied);
    CHECK(alliance_calls(w) == 0);
  }
  SECTION("an ally closer to the enemy than to the friend stays out") {
    // Allied with the rebels at 0.1 (within the hysteresis band), neutral toward the army at 0.2.
    const World w = call_to_war(1.0, RelationState::neutral, 0.2, 0.1, 0.3);
    REQUIRE(w.relation_state[w.ff(i.zealots, i.rebels)] == RelationState::allied);
    CHECK(w.relation_state[w.ff(i.zealots, i.army)] == RelationState::neutral);
    CHECK(alliance_calls(w) == 0);
  }
  SECTION("the wars the calls make are answered in turn, the same day") {
    // The helpers (entered) are allied with the zealots only: called by the zealots' new war.
    const auto params =
        test::with_values(minimal_spec().parameters, {{"relations.solidarity", 1.0},
                                                      {"relations.ideology_drift", 0.0},
                                                      {"relations.shared_enemy_pull", 0.0},
                                                      {"relations.incident_rate", 0.0}});
    World w = test::bare_world(minimal_spec(), params, 7);
    w.factions.entered[at(i.helpers)] = 1;
    relate(w, i.rebels, i.army, RelationState::neutral, -0.5);
    relate(w, i.zealots, i.army, RelationState::neutral, 0.0);
    relate(w, i.helpers, i.zealots, RelationState::allied, 0.5);
    relate(w, i.helpers, i.rebels, RelationState::neutral, 0.0);
    relate(w, i.helpers, i.army, RelationState::neutral, 0.0);
    w.events.clear();
    update_relations(w);
    CHECK(w.at_war(i.zealots, i.army));
    CHECK(w.at_war(i.helpers, i.army));
    CHECK_FALSE(w.at_war(i.helpers, i.rebels));
    CHECK(alliance_calls(w) == 2);
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Drift while ruling a town together

TEST_CASE(
    "relations: a neutral pair that rules a town together drifts apart by ideology_drift * d a "
    "day, apart it does not",
    "[engine][politics][relations]") {
  const Ids i = ids();
  constexpr double drift = 0.01;
  const auto& rebels = minimal_spec().factions[at(i.rebels)];
  const auto& zealots = minimal_spec().factions[at(i.zealots)];
  const double d =
      std::abs(rebels.separatism - zealots.separatism) + std::abs(rebels.sharia - zealots.sharia);
  REQUIRE(d == Approx(1.5));
  const auto params =
      test::with_values(minimal_spec().parameters, {{"relations.ideology_drift", drift},
                                                    {"relations.shared_enemy_pull", 0.0},
                                                    {"relations.incident_rate", 0.0},
                                                    {"relations.war_threshold", -0.3},
                                                    {"relations.alliance_threshold", 0.3}});
  constexpr int days = 10;
  auto after = [&](Index rebels_at, Index zealots_at) {
    World w = test::bare_world(minimal_spec(), params, 9);
    place(w, {{i.rebels, rebels_at, 50}, {i.zealots, zealots_at, 50}});
    relate(w, i.rebels, i.zealots, RelationState::neutral, 0.0);
    for (Day day = 0; day < days; ++day) {
      w.day = day;
      update_relations(w);
      REQUIRE(w.relation_state[w.ff(i.rebels, i.zealots)] == RelationState::neutral);
    }
    return w.relation(i.rebels, i.zealots);
  };
  const double shared = after(i.alpha, i.alpha);  // both hold alpha, a town
  INFO("after " << days << " days sharing alpha: " << shared << ", expected " << -drift * d * days);
  CHECK(shared == Approx(-drift * d * days).margin(1e-12));
  CHECK(after(i.alpha, i.beta) == 0.0);   // each in its own town
  CHECK(after(i.sands, i.sands) == 0.0);  // together in the desert, which nobody rules
}

// ---------------------------------------------------------------------------------------------
// 6. fighters.rout_desertion and the loyalty factor

namespace {

struct RoutCase {
  const char* name;
  Index stand;                    ///< where the 20,000 rebels stand today
  std::vector<Index> towns_then;  ///< the towns they held 30 days ago (recorded history)
  std::int64_t active_then;       ///< their active fighters 30 days ago
  float loyalty;
  double paid_share;
};

}  // namespace

TEST_CASE(
    "desertion: p = base + (unpaid * (1 - paid) + rout * min(1, max(0, -momentum))) * (1 - "
    "loyalty)",
    "[engine][politics][desertion]") {
  const exec::Executor ex(1);
  const Ids i = ids();
  constexpr double base = 0.02, unpaid = 0.1, rout = 0.2;
  constexpr std::int64_t n = 20000;
  const auto params =
      test::with_values(minimal_spec().parameters, {{"fighters.defection_base", 0.0},
                                                    {"fighters.desertion_base", base},
                                                    {"fighters.unpaid_desertion", unpaid},
                                                    {"fighters.rout_desertion", rout},
                                                    {"fighters.recruitment_rate", 0.0}});
  // ln((20000 + 1) / (32975 + 1)) = -0.5000: shrunk by e^0.5 in 30 days.
  const std::vector<RoutCase> cases{
      {"shrunk by e^0.5, same towns", i.alpha, {i.alpha}, 32975, 0.5f, 1.0},
      {"shrunk by e^0.5, half paid", i.alpha, {i.alpha}, 32975, 0.5f, 0.5},
      {"same size, lost one town of two", i.alpha, {i.alpha, i.beta}, n, 0.5f, 1.0},
      {"lost all three towns: capped at full rout",
       i.sands,
       {i.alpha, i.beta, i.gamma},
       n,
       0.5f,
       1.0},
      {"lost all three towns, unpaid", i.sands, {i.alpha, i.beta, i.gamma}, n, 0.25f, 0.0},
      {"fully loyal, routed and unpaid", i.sands, {i.alpha, i.beta, i.gamma}, 2 * n, 1.0f, 0.0},
      {"growing: no rout", i.alpha, {}, n / 2, 0.5f, 1.0},
  };
  for (const RoutCase& c : cases) {
    World w = test::bare_world(minimal_spec(), params, 13);
    for (std::size_t k : add_fighters(w, i.rebels, c.stand, n, rng::stable_id("routed"))) {
      w.fighters.reservation_wage[k] = 1.0f;
      w.fighters.loyalty[k] = c.loyalty;
    }
    build_roster(w, ex);
    update_control(w);
    w.factions.pay[at(i.rebels)] = 1000;
    w.factions.paid_share[at(i.rebels)] = c.paid_share;
    // Thirty days ago (the only recorded day, so the one momentum looks back to).
    record_day(w);
    DailyRecord& then = w.history.back();
    std::fill(then.holders.begin(), then.holders.end(), FactionMask{0});
    for (const Index t : c.towns_then) {
      then.holders[at(t)] = bit(i.rebels);
      then.control[at(t)] = ControlState::held;
    }
    w.active_by_day.back()[at(i.rebels)] = c.active_then;
    w.day = 30;
    REQUIRE(w.factions.active[at(i.rebels)] == n);
    const double towns_now = c.stand == i.sands ? 0 : 1;
    const double momentum =
        std::log((n + 1.0) / (static_cast<double>(c.active_then) + 1.0)) +
        std::log((towns_now + 1.0) / (static_cast<double>(c.towns_then.size()) + 1.0));
    const double loyal = static_cast<double>(c.loyalty);
    const double p =
        base + (unpaid * (1 - c.paid_share) + rout * std::min(1.0, std::max(0.0, -momentum))) *
                   (1 - loyal);
    fighters_decide(w, ex);
    const auto left = static_cast<double>(test::count_status(w, i.rebels, Status::deserted));
    INFO(c.name << ": momentum " << momentum << ", " << left << " of " << n << " deserted ("
                << left / n << "), expected " << p);
    CHECK(within_binomial(left / n, p, n));
  }
}

// ---------------------------------------------------------------------------------------------
// 7. civilians.massacre_scale

namespace {

struct Tolls {
  std::vector<std::int64_t> tolls;  ///< of reprisals of the north on the south at alpha
  bool perpetrators_ok = true;      ///< all by the rebels
};

/// Reprisals of the northerners on the southerners (grievance 1, reprisal_base 5, nothing else
/// excited), with `north` rebels of the northern group, `south` rebels of the southern group
/// and `zealots` northern zealots standing at alpha (15,000 southerners; the only place where
/// armed northerners stand near southerners, so the place of almost every reprisal).
Tolls sample_tolls(double scale, std::int64_t north, std::int64_t south, std::int64_t zealots,
                   int runs) {
  const exec::Executor ex(1);
  const Ids i = ids();
  const auto params =
      test::with_values(minimal_spec().parameters, {{"civilians.reprisal_base", 5.0},
                                                    {"civilians.reprisal_branching", 0.0},
                                                    {"civilians.massacre_tail_index", 1.5},
                                                    {"civilians.massacre_scale", scale},
                                                    {"civilians.flight_per_death", 0.0},
                                                    {"civilians.grievance_per_death", 0.0},
                                                    {"civilians.violence_effect", 0.0},
                                                    {"civilians.grievance_decay", 0.0}});
  World base = test::bare_world(minimal_spec(), params, 17);
  add_fighters(base, i.rebels, i.alpha, north, rng::stable_id("north"));
  for (std::size_t k : add_fighters(base, i.rebels, i.alpha, south, rng::stable_id("south")))
    base.fighters.group[k] = static_cast<decltype(base.fighters.group)::value_type>(i.south);
  add_fighters(base, i.zealots, i.alpha, zealots, rng::stable_id("zealot"));
  // The enemy both factions fight: southern soldiers at gamma (where no northerner lives), so
  // the bands at alpha take the southerners there for their enemies' people.
  for (std::size_t k : add_fighters(base, i.army, i.gamma, 100, rng::stable_id("soldier")))
    base.fighters.group[k] = static_cast<decltype(base.fighters.group)::value_type>(i.south);
  build_roster(base, ex);
  update_control(base);
  REQUIRE(base.armed[base.ng(i.alpha, i.north)] == north + zealots);
  base.grievance.setZero();
  base.grievance(i.north, i.south) = 1.0;
  Tolls out;
  for (int r = 0; r < runs; ++r) {
    World w = base;
    w.key.run = static_cast<std::uint64_t>(r);
    update_civilians(w);
    for (const Event& e : w.events) {
      if (e.type != "reprisal" && e.type != "massacre") continue;
      REQUIRE(e.group1 == i.north);
      if (e.node != i.alpha) continue;
      out.tolls.push_back(e.fatalities);
      out.perpetrators_ok = out.perpetrators_ok && e.actor1 == i.rebels;
    }
  }
  return out;
}

}  // namespace

TEST_CASE(
    "reprisals: the toll is floor(Pareto(1 + massacre_scale * men of the group in the faction / "
    "100, alpha))",
    "[engine][politics][reprisals]") {
  constexpr double alpha = 1.5;
  constexpr int runs = 2000;  // about 10,000 reprisals at alpha
  struct Case {
    const char* name;
    double scale;
    std::int64_t north, south, zealots;
    double x_m;
  };
  const std::vector<Case> cases{
      {"scale 0: x_m 1 whatever the band", 0.0, 500, 0, 0, 1.0},
      {"500 northern rebels, scale 3", 3.0, 500, 0, 0, 16.0},
      // The rebels (250 northerners) outnumber the zealots' 200 northerners there: only the
      // rebels' men of the group count (not their 250 southerners, nor the zealots).
      {"250 northern rebels (+250 southern) beside 200 northern zealots", 3.0, 250, 250, 200, 8.5},
  };
  for (const Case& c : cases) {
    const Tolls t = sample_tolls(c.scale, c.north, c.south, c.zealots, runs);
    const auto n = static_cast<double>(t.tolls.size());
    INFO(c.name << ": " << t.tolls.size() << " reprisals, x_m " << c.x_m);
    REQUIRE(n > 8000);
    CHECK(t.perpetrators_ok);
    // The smallest toll is floor(x_m) (P(toll = floor(x_m)) is over 8%, so it is seen).
    CHECK(*std::min_element(t.tolls.begin(), t.tolls.end()) ==
          static_cast<std::int64_t>(std::floor(c.x_m)));
    // The tail: P(toll >= k) = P(X >= k) = (x_m / k)^alpha for integers k >= x_m.
    for (const double times : {1.5, 2.0, 4.0, 10.0}) {
      const double k = std::ceil(times * c.x_m);
      const double expected = std::pow(c.x_m / k, alpha);
      const auto above =
          static_cast<double>(std::count_if(t.tolls.begin(), t.tolls.end(), [&](std::int64_t v) {
            return static_cast<double>(v) >= k;
          }));
      INFO("P(toll >= " << k << ") = " << above / n << ", expected " << expected);
      CHECK(within_binomial(above / n, expected, n));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 8. Air cover for an outside force's partners

TEST_CASE(
    "campaign: a town held by an outside force's ally counts that force's air power among its "
    "defenders",
    "[engine][rules][strategy]") {
  const Ids i = ids();
  // The zealots (morale 0.8) at beta, 200 strong (140 spare), eye alpha, held by the army; the
  // helpers (entered, air power 20, at war with the zealots) stand nowhere.
  constexpr double air_power = 20;
  struct Setup {
    double air = air_power;
    RelationState helpers_army = RelationState::allied;
    RelationState helpers_zealots = RelationState::war;
    bool entered = true;
  };
  auto attacks = [&](std::int64_t defenders, const Setup& s) {
    World w = test::bare_world(minimal_spec(), planning_params(), 5);
    w.factions.entered[at(i.helpers)] = s.entered ? 1 : 0;
    w.factions.air_power[at(i.helpers)] = s.air;
    set_relation_state(w, i.helpers, i.army, s.helpers_army);
    set_relation_state(w, i.helpers, i.zealots, s.helpers_zealots);
    place(w, {{i.zealots, i.beta, 200}, {i.army, i.alpha, defenders}});
    plan_strategy(w);
    return w.factions.campaign[at(i.zealots)] == i.alpha;
  };
  World probe = test::bare_world(minimal_spec(), planning_params(), 5);
  const double defence = defence_multiplier(probe, i.alpha);
  const double available = 140.0 * std::exp(-130.0 / 1e6);
  const double threshold = 2.0 / 0.8;
  const double air = air_power * planning_params().value("combat.air_factor");
  // Most defenders the zealots attack: alone, and with the helpers' air cover.
  const auto alone =
      static_cast<std::int64_t>(std::floor(available / (threshold * defence) - 1e-9));
  const auto covered =
      static_cast<std::int64_t>(std::floor(available / (threshold * defence) - air - 1e-9));
  INFO("at most " << alone << " defenders alone, " << covered << " under air cover (" << air
                  << ")");
  REQUIRE(covered >= 1);
  REQUIRE(covered < alone);
  CHECK(attacks(covered, {}));
  CHECK_FALSE(attacks(covered + 1, {}));
  CHECK_FALSE(attacks(alone, {}));  // outmatched alone, not with the air power: no attack
  Setup grounded;
  grounded.air = 0;
  CHECK(attacks(alone, grounded));
  CHECK_FALSE(attacks(alone + 1, grounded));
  Setup unallied;  // the helpers are not the army's allies: no cover
  unallied.helpers_army = RelationState::neutral;
  CHECK(attacks(alone, unallied));
  Setup at_peace;  // the helpers are not at war with the zealots: no cover
  at_peace.helpers_zealots = RelationState::neutral;
  CHECK(attacks(alone, at_peace));
  Setup absent;  // not yet in the war
  absent.entered = false;
  CHECK(attacks(alone, absent));
}
