// The strategy and coalition rules against their definitions (docs/ODD.md 7.3, 7.5, 7.8), on
// hand-built worlds of the minimal scenario: persistent perception errors, the loss-of-strength
// gradient, claimed territory, broken morale and the morale an outside ally lends, the patron
// who keeps allies from opening fire, fighting quality, the alliance band and incidents that
// scale with ideological distance.
//
// Factions of minimal.yaml: rebels and zealots allied, both at war with the army; helpers are
// an outside force at war with the zealots. Nodes: alpha (town, urban), beta (town, riverine,
// 130 km from alpha), gamma (town, urban, 300 km beyond beta), sands (rural), peaks (refuge).

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
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
Ids ids() { return test::minimal_ids(); }

World empty_world(const ScenarioSpec& spec, const ParameterSet& params) { return test::bare_world(spec, params, 5); }

void place(World& w, std::initializer_list<std::tuple<Index, Index, std::int64_t>> garrisons) {
  test::place_garrisons(w, garrisons, "g");
}

using test::planning_params;

Index campaign_of(const World& w, Index f) { return w.factions.campaign[static_cast<std::size_t>(f)]; }

}  // namespace

TEST_CASE("perception: the error is a stationary AR(1) whose correlation after k days is exp(-k / perception_days)",
          "[engine][rules][strategy]") {
  const Ids i = ids();
  constexpr int runs = 4000;
  auto sample = [&](double tau, Day k) {
    const auto params = test::with_values(minimal_spec().parameters,
                                          {{"strategy.perception_noise", 1.0}, {"strategy.perception_days", tau}});
    World base = empty_world(minimal_spec(), params);
    std::vector<double> z0, zk;
    for (int r = 0; r < runs; ++r) {
      World w = base;
      w.key.run = static_cast<std::uint64_t>(r);
      w.day = 3;
      z0.push_back(std::log(believed_strength(w, i.rebels, i.beta, 1.0)));
      // Asked twice the same day: the same belief.
      REQUIRE(std::log(believed_strength(w, i.rebels, i.beta, 1.0)) == z0.back());
      w.day = 3 + k;  // not asked in between: the k-step law in one update
      zk.push_back(std::log(believed_strength(w, i.rebels, i.beta, 1.0)));
    }
    double m0 = 0, mk = 0;
    for (int r = 0; r < runs; ++r) m0 += z0[r], mk += zk[r];
    m0 /= runs, mk /= runs;
    double v0 = 0, vk = 0, c = 0;
    for (int r = 0; r < runs; ++r) {
      v0 += (z0[r] - m0) * (z0[r] - m0);
      vk += (zk[r] - mk) * (zk[r] - mk);
      c += (z0[r] - m0) * (zk[r] - mk);
    }
    struct {
      double var0, vark, corr;
    } out{v0 / runs, vk / runs, c / std::sqrt(v0 * vk)};
    return out;
  };
  for (const auto& [tau, k] : {std::pair{10.0, Day{5}}, std::pair{10.0, Day{20}}, std::pair{0.0, Day{1}}}) {
    const auto s = sample(tau, k);
    const double rho = tau > 0 ? std::exp(-static_cast<double>(k) / tau) : 0.0;
    INFO("tau " << tau << ", k " << k << ": var " << s.var0 << " / " << s.vark << ", corr " << s.corr << " vs " << rho);
    CHECK(s.var0 == Approx(1.0).epsilon(0.08));  // stationary: Normal(0, 1) at every step
    CHECK(s.vark == Approx(1.0).epsilon(0.08));
    CHECK(std::abs(s.corr - rho) < 0.05);  // se of a correlation from 4,000 pairs is below 0.016
  }
}

TEST_CASE("campaign: fighters d km away count exp(-d / projection_km) against attack_ratio / morale",
          "[engine][rules][strategy]") {
  const Ids i = ids();
  // The rebels (morale 0.7) at alpha, 200 strong: 140 spare. The army holds beta, 130 km away.
  auto decides = [&](double projection_km, std::int64_t defenders) {
    World w = empty_world(minimal_spec(), planning_params({{"strategy.projection_km", projection_km}}));
    place(w, {{i.rebels, i.alpha, 200}, {i.army, i.beta, defenders}});
    plan_strategy(w);
    return campaign_of(w, i.rebels) == i.beta;
  };
  World probe = empty_world(minimal_spec(), planning_params());
  const double defence = defence_multiplier(probe, i.beta);
  const double threshold = 2.0 / 0.7;
  for (const double lambda : {1e6, 400.0, 130.0, 60.0}) {
    const double available = 140.0 * std::exp(-130.0 / lambda);
    // Just feasible, and just not: the defenders that put the ratio either side of the threshold.
    const auto most = static_cast<std::int64_t>(std::floor(available / (threshold * defence) - 1e-9));
    INFO("projection_km " << lambda << ": available " << available << ", at most " << most << " defenders");
    if (most >= 1) CHECK(decides(lambda, most));
    CHECK_FALSE(decides(lambda, most + 1));
  }
}

TEST_CASE("the run's decay table holds exp(-path_km / projection_km) for every pair, bit for bit",
          "[engine][rules][strategy]") {
  for (const double lambda : {1e6, 400.0, 130.0, 60.0}) {
    const World w = empty_world(minimal_spec(), planning_params({{"strategy.projection_km", lambda}}));
    REQUIRE(w.decay.size() == static_cast<std::size_t>(w.N) * static_cast<std::size_t>(w.N));
    for (Index a = 0; a < w.N; ++a)
      for (Index b = 0; b < w.N; ++b) {
        const double direct = std::exp(-path_km(w, a, b) / lambda);
        INFO("lambda " << lambda << ", nodes " << a << " -> " << b);
        CHECK(std::memcmp(&direct, &w.decay[static_cast<std::size_t>(a * w.N + b)], sizeof direct) == 0);
        CHECK(decay(w, a, b) == direct);
      }
    CHECK(decay(w, 0, 0) == 1.0);
  }
}

TEST_CASE("campaign: a faction that claims a territory attacks only inside it", "[engine][rules][strategy]") {
  const Ids i = ids();
  // Weak army garrisons at beta (10,000 people) and gamma (30,000: the more valuable).
  auto target = [&](const ScenarioSpec& spec) {
    World w = empty_world(spec, planning_params());
    place(w, {{i.rebels, i.alpha, 300}, {i.army, i.beta, 5}, {i.army, i.gamma, 5}});
    plan_strategy(w);
    return campaign_of(w, i.rebels);
  };
  CHECK(target(minimal_spec()) == i.gamma);
  ScenarioSpec claimed = minimal_spec();
  claimed.nodes[static_cast<std::size_t>(i.alpha)].claimed_by = {i.rebels};
  claimed.nodes[static_cast<std::size_t>(i.beta)].claimed_by = {i.rebels};
  CHECK(target(claimed) == i.beta);
  claimed.nodes[static_cast<std::size_t>(i.beta)].claimed_by = {i.zealots};  // someone else's land
  CHECK(target(claimed) == kNone);
}

TEST_CASE("campaign: below offensive_morale a faction attacks nobody, until an allied outside force at war with the holders lends its morale where it goes",
          "[engine][rules][strategy]") {
  const Ids i = ids();
  // The army (morale 0.4) at gamma, 800 strong, against 10 rebels at beta.
  World w = empty_world(minimal_spec(), planning_params({{"strategy.offensive_morale", 0.5}}));
  place(w, {{i.army, i.gamma, 800}, {i.rebels, i.beta, 10}});
  World low = w;
  plan_strategy(low);
  CHECK(campaign_of(low, i.army) == kNone);

  w.factions.objectives[static_cast<std::size_t>(i.helpers)] = {i.beta, i.alpha};  // as the landing shock sets them
  World lent = w;  // the helpers (morale 0.9) have entered, allied with the army, at war with the rebels
  set_relation_state(lent, i.army, i.helpers, RelationState::allied);
  set_relation_state(lent, i.helpers, i.rebels, RelationState::war);
  lent.factions.entered[static_cast<std::size_t>(i.helpers)] = 1;
  plan_strategy(lent);
  CHECK(campaign_of(lent, i.army) == i.beta);

  World not_theirs = w;  // allied and entered, but not at war with the rebels: nothing lent
  set_relation_state(not_theirs, i.army, i.helpers, RelationState::allied);
  set_relation_state(not_theirs, i.helpers, i.rebels, RelationState::neutral);
  not_theirs.factions.entered[static_cast<std::size_t>(i.helpers)] = 1;
  plan_strategy(not_theirs);
  CHECK(campaign_of(not_theirs, i.army) == kNone);

  // The patron's morale is lent only where the patron goes: beta is the helpers' first
  // objective; when it is not (here: the list holds only alpha), the army
  // attacks beta only if the helpers stand or are heading there.
  World elsewhere = w;
  set_relation_state(elsewhere, i.army, i.helpers, RelationState::allied);
  set_relation_state(elsewhere, i.helpers, i.rebels, RelationState::war);
  elsewhere.factions.entered[static_cast<std::size_t>(i.helpers)] = 1;
  elsewhere.factions.objectives[static_cast<std::size_t>(i.helpers)] = {i.alpha};
  World behind = elsewhere;
  plan_strategy(elsewhere);
  CHECK(campaign_of(elsewhere, i.army) == kNone);
  behind.nodes.inbound[behind.nf(i.beta, i.helpers)] = 5;  // the helpers are on their way to beta
  plan_strategy(behind);
  CHECK(campaign_of(behind, i.army) == i.beta);

  World absent = w;  // allied, but not yet in the war: nothing lent
  set_relation_state(absent, i.army, i.helpers, RelationState::allied);
  absent.factions.entered[static_cast<std::size_t>(i.helpers)] = 0;
  plan_strategy(absent);
  CHECK(campaign_of(absent, i.army) == kNone);

  World open = empty_world(minimal_spec(), planning_params({{"strategy.offensive_morale", 0.3}}));
  place(open, {{i.army, i.gamma, 800}, {i.rebels, i.beta, 10}});
  plan_strategy(open);
  CHECK(campaign_of(open, i.army) == i.beta);
}

TEST_CASE("campaign: no attack on a town where an ally lives at peace beside the enemy", "[engine][rules][strategy]") {
  const Ids i = ids();
  World w = empty_world(minimal_spec(), planning_params());
  place(w, {{i.rebels, i.alpha, 300}, {i.army, i.beta, 10}, {i.helpers, i.beta, 10}});
  set_relation_state(w, i.rebels, i.helpers, RelationState::allied);
  set_relation_state(w, i.army, i.helpers, RelationState::neutral);
  update_control(w);
  World patron = w;
  plan_strategy(patron);
  CHECK(campaign_of(patron, i.rebels) != i.beta);

  World fighting = w;  // the ally is at war with the army there too: the rebels join in
  set_relation_state(fighting, i.army, i.helpers, RelationState::war);
  update_control(fighting);
  plan_strategy(fighting);
  CHECK(campaign_of(fighting, i.rebels) == i.beta);
}

TEST_CASE("combat: quality multiplies the fire a faction deals and divides the fire it takes, lambda_i = a / q_i * sum q_j n_j",
          "[engine][rules][combat]") {
  const Ids i = ids();
  const exec::Executor ex(1);
  const auto params = test::with_values(minimal_spec().parameters, {{"combat.attrition_rate", 0.05},
                                                                    {"combat.retreat_loss", 2.0},
                                                                    {"combat.siege_surrender", 0.0}});
  const double a = params.value("combat.attrition_rate");
  const double defence = params.value("combat.defender_factor");  // alpha is urban; the army defends
  for (const double quality : {1.0, 4.0}) {
    ScenarioSpec spec = minimal_spec();
    spec.factions[static_cast<std::size_t>(i.army)].quality = quality;
    World base = empty_world(spec, params);
    place(base, {{i.army, i.alpha, 100}, {i.rebels, i.alpha, 300}});
    const auto ni = static_cast<std::size_t>(i.alpha);
    base.nodes.engagement[ni] = 0;
    base.nodes.engagement_start[ni] = 0;
    base.nodes.engagement_defenders[ni] = bit(i.army);
    for (Index f = 0; f < base.F; ++f)
      base.nodes.engagement_strength[base.nf(i.alpha, f)] = base.nodes.garrison[base.nf(i.alpha, f)];
    base.next_engagement = 1;
    constexpr int runs = 1500;
    double rebels = 0, army = 0;
    for (int r = 0; r < runs; ++r) {
      World w = base;
      w.key.run = static_cast<std::uint64_t>(r);
      fight(w, ex);
      rebels += static_cast<double>(w.today_killed[static_cast<std::size_t>(i.rebels)] +
                                    w.today_wounded[static_cast<std::size_t>(i.rebels)]);
      army += static_cast<double>(w.today_killed[static_cast<std::size_t>(i.army)] +
                                  w.today_wounded[static_cast<std::size_t>(i.army)]);
    }
    const double p_rebel = 1 - std::exp(-a * quality * 100 * defence / 300);
    const double p_army = 1 - std::exp(-a * 300 / 100 / quality);  // harder to hit by its quality
    INFO("quality " << quality << ": rebel casualties " << rebels / runs << " vs " << 300 * p_rebel
                    << "; army " << army / runs << " vs " << 100 * p_army);
    CHECK(within_binomial(rebels / (300.0 * runs), p_rebel, 300.0 * runs));
    CHECK(within_binomial(army / (100.0 * runs), p_army, 100.0 * runs));
  }
}

TEST_CASE("relations: an alliance lasts until the relation falls alliance_hysteresis below the threshold",
          "[engine][politics][relations]") {
  const Ids i = ids();
  constexpr double drift = 0.01;  // d = 1.5: the relation falls 0.015 a day while allied
  const auto params = test::with_values(minimal_spec().parameters, {{"relations.ideology_drift", drift},
                                                                    {"relations.incident_rate", 0.0},
                                                                    {"relations.shared_enemy_pull", 0.0},
                                                                    {"relations.alliance_threshold", 0.3},
                                                                    {"relations.alliance_hysteresis", 0.105},
                                                                    {"relations.war_threshold", -0.3}});
  World w = empty_world(minimal_spec(), params);
  REQUIRE(w.relation(i.rebels, i.zealots) == 0.5);
  w.relation_changes.clear();
  for (Day day = 0; day < 40; ++day) {
    w.day = day;
    update_relations(w);
  }
  // 0.5 - 0.015 (t + 1) < 0.195 first for t = 20 (without the band: t = 13).
  REQUIRE(w.relation_changes.size() == 1);
  CHECK(w.relation_changes[0].day == 20);
  CHECK(w.relation_changes[0].to == RelationState::neutral);
  // Neutral inside the band, it stays neutral: the band has two sides.
  w.relation(i.rebels, i.zealots) = w.relation(i.zealots, i.rebels) = 0.25;
  for (Day day = 40; day < 60; ++day) {
    w.day = day;
    update_relations(w);
  }
  CHECK(w.relation_state[w.ff(i.rebels, i.zealots)] == RelationState::neutral);
  CHECK(w.relation_changes.size() == 1);
}

TEST_CASE("relations: incidents have daily probability 1 - exp(-incident_rate * d * (1 - r) / 2)",
          "[engine][politics][relations]") {
  const Ids i = ids();
  auto incidents = [&](const ScenarioSpec& spec, double rate, int runs) {
    const auto params = test::with_values(minimal_spec().parameters, {{"relations.ideology_drift", 0.0},
                                                                      {"relations.shared_enemy_pull", 0.0},
                                                                      {"relations.incident_rate", rate},
                                                                      {"relations.incident_impact", 0.0}});
    World base = empty_world(spec, params);
    place(base, {{i.rebels, i.alpha, 50}, {i.zealots, i.alpha, 50}});
    int count = 0;
    for (int r = 0; r < runs; ++r) {
      World w = base;
      w.key.run = static_cast<std::uint64_t>(r);
      update_relations(w);
      for (const Event& e : w.events) count += e.type == "incident";
    }
    return count;
  };
  constexpr int runs = 4000;
  const double d = 1.5, r0 = 0.5, rate = 0.2;
  const double p = 1 - std::exp(-rate * d * (1 - r0) / 2);
  const int n = incidents(minimal_spec(), rate, runs);
  INFO("incidents " << n << " of " << runs << ", expected share " << p);
  CHECK(within_binomial(static_cast<double>(n) / runs, p, runs));
  ScenarioSpec twins = minimal_spec();  // the same project: no friction, whatever the rate
  auto& z = twins.factions[static_cast<std::size_t>(i.zealots)];
  z.separatism = twins.factions[static_cast<std::size_t>(i.rebels)].separatism;
  z.sharia = twins.factions[static_cast<std::size_t>(i.rebels)].sharia;
  CHECK(incidents(twins, 1000.0, 200) == 0);
}

TEST_CASE("refuge strikes: a faction that does not bomb never strikes, one that does strikes at attack_rate",
          "[engine][rules][strike]") {
  const Ids i = ids();
  const auto params = test::with_values(minimal_spec().parameters, {{"asymmetric.attack_rate", 0.5}});
  auto strikes = [&](bool bombs) {
    ScenarioSpec spec = minimal_spec();
    spec.factions[static_cast<std::size_t>(i.zealots)].bombs = bombs;
    World base = empty_world(spec, params);
    place(base, {{i.zealots, i.peaks, 5}, {i.army, i.alpha, 20}});
    int n = 0;
    for (int r = 0; r < 1000; ++r) {
      World w = base;
      w.key.run = static_cast<std::uint64_t>(r);
      strike_from_refuges(w);
      for (const Event& e : w.events) n += e.type == "bomb" || e.type == "suicide_bomb";
    }
    return n;
  };
  CHECK(strikes(false) == 0);
  CHECK(within_binomial(strikes(true) / 1000.0, 1.0 - std::exp(-0.5), 1000));
}

TEST_CASE("refuge strikes: the victim is drawn with weight fighters / quality", "[engine][rules][strike]") {
  const Ids i = ids();
  const auto params = test::with_values(minimal_spec().parameters, {{"asymmetric.attack_rate", 50.0}});
  constexpr int runs = 2000;
  auto victims = [&](double army_quality, double helpers_quality) {
    ScenarioSpec spec = minimal_spec();
    spec.factions[static_cast<std::size_t>(i.army)].quality = army_quality;
    spec.factions[static_cast<std::size_t>(i.helpers)].quality = helpers_quality;
    World base = empty_world(spec, params);
    // Zealots in the refuge; in alpha a small army post beside a large force of the helpers
    // (both at war with the zealots, at peace with each other).
    place(base, {{i.zealots, i.peaks, 5}, {i.army, i.alpha, 20}, {i.helpers, i.alpha, 400}});
    set_relation_state(base, i.army, i.helpers, RelationState::allied);
    std::vector<int> hit(static_cast<std::size_t>(base.F), 0);
    for (int r = 0; r < runs; ++r) {
      World w = base;
      w.key.run = static_cast<std::uint64_t>(r);
      strike_from_refuges(w);
      for (const Event& e : w.events)
        if (e.type == "bomb" || e.type == "suicide_bomb") ++hit[static_cast<std::size_t>(e.actor2)];
    }
    REQUIRE(hit[static_cast<std::size_t>(i.army)] + hit[static_cast<std::size_t>(i.helpers)] == runs);
    return hit[static_cast<std::size_t>(i.army)] / static_cast<double>(runs);
  };
  // 20 soft men against 400 of quality 5: weights 20 and 80, the army is hit 1 time in 5.
  const double soft_army = victims(1.0, 5.0);
  INFO("army hit in " << soft_army << " of strikes, expected 0.2");
  CHECK(within_binomial(soft_army, 20.0 / 100.0, runs));
  // Equal quality: by numbers, 20 of 420.
  const double equal = victims(1.0, 1.0);
  INFO("army hit in " << equal << " of strikes, expected 20/420");
  CHECK(within_binomial(equal, 20.0 / 420.0, runs));
}
