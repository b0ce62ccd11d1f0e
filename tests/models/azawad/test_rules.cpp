// Each rule of the day against its analytic expectation, on small hand-built worlds (the
// minimal scenario's graph and factions, with fighters placed by hand): Lanchester attrition
// and the rural cap, travel times, the ultimatum's logistic, the Pareto tail of refuge strikes,
// and the economy's pay rule.
//
// Factions of minimal.yaml: rebels (0) and zealots (1) allied, both at war with the army (2);
// helpers (3) are an outside force at war with the zealots. Nodes: alpha (town, urban), beta
// (town, riverine), gamma (town, urban), sands (rural desert), peaks (refuge, mountain).

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/exec/executor.hpp"
#include "core/random/samplers.hpp"
#include "engine_support.hpp"
#include "models/azawad/phases.hpp"

using namespace azsim;
using namespace azsim::azawad;
using test::add_fighters;
using test::within_binomial;

namespace {

using test::minimal_spec;
using Ids = test::MinimalIds;
Ids ids() { return test::minimal_ids(); }

/// A world of the minimal scenario with no fighters in it.
World empty_world(const ScenarioSpec& spec, const ParameterSet& params, std::uint64_t seed = 11) {
  return test::bare_world(spec, params, seed);
}

/// Sample mean and (unbiased) variance.
struct Moments {
  double mean = 0, var = 0;
};
Moments moments(const std::vector<double>& x) {
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= static_cast<double>(x.size());
  for (double v : x) m.var += (v - m.mean) * (v - m.mean);
  m.var /= static_cast<double>(x.size() - 1);
  return m;
}

// ---------------------------------------------------------------------------------------------
// (a) Lanchester attrition

struct Side {
  Index faction;
  std::int64_t n;
};

struct BattleSample {
  std::vector<std::vector<double>> casualties;  // per side, per run
  std::vector<double> killed, total;            // per side: sums over runs
};

/// Runs `runs` independent one-day battles (keyed by run) at `node`, an engagement already
/// under way with `defenders` holding: the Lanchester draw alone (no retreat, no surrender).
BattleSample sample_battles(const ParameterSet& params, Index node, const std::vector<Side>& sides,
                            FactionMask defenders, int runs) {
  const exec::Executor ex(1);
  World base = empty_world(minimal_spec(), params);
  std::uint64_t tag = 1;
  for (const Side& s : sides) add_fighters(base, s.faction, node, s.n, rng::stable_id("side") + tag++);
  build_roster(base, ex);
  update_control(base);
  const auto ni = static_cast<std::size_t>(node);
  base.nodes.engagement[ni] = 0;
  base.nodes.engagement_start[ni] = 0;
  base.nodes.engagement_defenders[ni] = defenders;
  for (Index f = 0; f < base.F; ++f) base.nodes.engagement_strength[base.nf(node, f)] = base.nodes.garrison[base.nf(node, f)];
  base.next_engagement = 1;

  BattleSample out;
  out.casualties.assign(sides.size(), {});
  out.killed.assign(sides.size(), 0);
  out.total.assign(sides.size(), 0);
  for (int r = 0; r < runs; ++r) {
    World w = base;
    w.key.run = static_cast<std::uint64_t>(r);
    fight(w, ex);
    for (std::size_t k = 0; k < sides.size(); ++k) {
      const auto f = static_cast<std::size_t>(sides[k].faction);
      const auto cas = static_cast<double>(w.today_killed[f] + w.today_wounded[f]);
      out.casualties[k].push_back(cas);
      out.killed[k] += static_cast<double>(w.today_killed[f]);
      out.total[k] += cas;
    }
  }
  return out;
}

/// Checks that side k's casualties are Binomial(n, 1 - exp(-lambda / n)) in mean and variance.
void check_binomial(const std::vector<double>& sample, std::int64_t n, double lambda, const std::string& what) {
  const double p = 1.0 - std::exp(-lambda / static_cast<double>(n));
  const double mean = static_cast<double>(n) * p, var = static_cast<double>(n) * p * (1 - p);
  const Moments m = moments(sample);
  const double se = std::sqrt(var / static_cast<double>(sample.size()));
  INFO(what << ": n " << n << ", lambda " << lambda << ", expected mean " << mean << " var " << var << "; got mean "
            << m.mean << " var " << m.var << " (se of the mean " << se << ")");
  CHECK(std::abs(m.mean - mean) <= 4 * se);
  CHECK(m.var == Approx(var).epsilon(0.2));
}

// These parameters make the nonlinearity visible (lambda / n well above 0) and switch off what
// follows the attrition draw on the same day: no retreat (retreat_loss above any possible loss
// share) and no surrender.
ParameterSet battle_params() {
  return test::with_values(minimal_spec().parameters, {{"combat.attrition_rate", 0.3},
                                                       {"combat.killed_share", 0.3},
                                                       {"combat.retreat_loss", 2.0},
                                                       {"combat.siege_surrender", 0.0}});
}

}  // namespace

TEST_CASE("Lanchester: mean casualties are n (1 - exp(-lambda / n)), lambda from the enemy's effective strength",
          "[engine][rules][combat]") {
  const Ids i = ids();
  const ParameterSet params = battle_params();
  const double a = params.value("combat.attrition_rate");
  const double defender = params.value("combat.defender_factor");  // alpha is urban
  const int runs = 1500;

  SECTION("two factions at war in a town; the army defends") {
    const auto s = sample_battles(params, i.alpha, {{i.army, 200}, {i.rebels, 300}}, bit(i.army), runs);
    // lambda_i = a * eff_j * n_i / n_i; the defender's effectiveness carries the urban factor.
    check_binomial(s.casualties[0], 200, a * 300, "army");
    check_binomial(s.casualties[1], 300, a * 200 * defender, "rebels");
    for (std::size_t k = 0; k < 2; ++k) {
      INFO("side " << k << ": killed " << s.killed[k] << " of " << s.total[k]);
      CHECK(within_binomial(s.killed[k] / s.total[k], 0.3, s.total[k]));
    }
  }

  SECTION("two allies against one enemy share its fire in proportion to their numbers") {
    const auto s =
        sample_battles(params, i.alpha, {{i.army, 200}, {i.rebels, 100}, {i.zealots, 200}}, bit(i.army), runs);
    check_binomial(s.casualties[0], 200, a * (100 + 200), "army");
    check_binomial(s.casualties[1], 100, a * 200 * defender * 100.0 / 300.0, "rebels");
    check_binomial(s.casualties[2], 200, a * 200 * defender * 200.0 / 300.0, "zealots");
  }

  SECTION("in a rural zone lambda is capped at rural_cap * n") {
    const double cap = params.value("combat.rural_cap");
    REQUIRE(a * 1000 > cap * 100);  // the rebels' uncapped lambda is far above the cap
    const auto s = sample_battles(params, i.sands, {{i.army, 1000}, {i.rebels, 100}}, bit(i.rebels), runs);
    check_binomial(s.casualties[1], 100, cap * 100, "rebels (capped)");
    REQUIRE(a * 100 <= cap * 1000);  // the army's lambda is under its cap: unchanged
    check_binomial(s.casualties[0], 1000, a * 100, "army (under the cap)");
  }
}

// ---------------------------------------------------------------------------------------------
// (b) Travel time

namespace {
/// The day a fighter ordered on day 10 from `from` to `to` stands at `to`, minus 10.
int travel_days(const ParameterSet& params, Index from, Index to) {
  const exec::Executor ex(1);
  const Ids i = ids();
  World w = empty_world(minimal_spec(), params);
  add_fighters(w, i.rebels, from, 1, 99);
  build_roster(w, ex);
  w.day = 10;
  REQUIRE(order_fighters(w, i.rebels, from, to, 1) == 1);
  for (int k = 0; k < 400; ++k, ++w.day) {
    move_fighters(w, ex);
    if (w.fighters.location[0] == to && w.fighters.next[0] == kNone) return w.day - 10;
  }
  return -1;
}
}  // namespace

TEST_CASE("travel: crossing an edge takes ceil(km / speed) days, road or track, at least one",
          "[engine][rules][movement]") {
  const Ids i = ids();
  const ScenarioSpec& spec = minimal_spec();

  SECTION("every edge's crossing time") {
    const auto params = test::with_values(spec.parameters, {{"movement.road_speed", 40}, {"movement.track_speed", 25}});
    const World w = empty_world(spec, params);
    for (const EdgeSpec& e : spec.edges) {
      const double speed = e.kind == EdgeKind::road ? 40 : 25;
      const auto days = static_cast<std::int32_t>(std::max(1.0, std::ceil(e.km / speed)));
      INFO(spec.nodes[static_cast<std::size_t>(e.from)].id << "-" << spec.nodes[static_cast<std::size_t>(e.to)].id);
      CHECK(edge_days(w, e.from, e.to) == days);
      CHECK(edge_days(w, e.to, e.from) == days);
    }
  }
  SECTION("a fighter's journey, edge by edge") {
    const auto params = test::with_values(spec.parameters, {{"movement.road_speed", 40}, {"movement.track_speed", 25}});
    CHECK(travel_days(params, i.alpha, i.beta) == 4);    // road 130 km: ceil(3.25)
    CHECK(travel_days(params, i.beta, i.alpha) == 4);
    CHECK(travel_days(params, i.alpha, i.gamma) == 12);  // roads 130 + 300 km: 4 + ceil(7.5)
    CHECK(travel_days(params, i.alpha, i.sands) == 8);   // track 200 km: ceil(8.0)
    CHECK(travel_days(params, i.alpha, i.peaks) == 14);  // tracks 200 + 130 km: 8 + ceil(5.2)
  }
  SECTION("an exact multiple takes exactly km / speed days; a short edge one day") {
    CHECK(travel_days(test::with_values(spec.parameters, {{"movement.road_speed", 65}}), i.alpha, i.beta) == 2);
    CHECK(travel_days(test::with_values(spec.parameters, {{"movement.road_speed", 1000}}), i.alpha, i.beta) == 1);
    // Tracks have their own speed: the road speed does not move a journey over tracks.
    CHECK(travel_days(test::with_values(spec.parameters, {{"movement.road_speed", 1000}, {"movement.track_speed", 20}}),
                      i.alpha, i.sands) == 10);
  }
}

// ---------------------------------------------------------------------------------------------
// (c) Ultimatum

TEST_CASE("ultimatum: a defender leaves with probability 1 / (1 + exp(slope (ln odds - ln ultimatum_odds)))",
          "[engine][rules][combat]") {
  const Ids i = ids();
  const ScenarioSpec& spec = minimal_spec();
  const ParameterSet& params = spec.parameters;
  const double slope = params.value("strategy.ultimatum_slope");
  const double u_odds = params.value("strategy.ultimatum_odds");
  const double defender = params.value("combat.defender_factor");
  const exec::Executor ex(1);
  // 2000 runs per odds: the standard error of a share is at most 0.011, so a logistic whose
  // midpoint or slope is off by a quarter shows.
  const int runs = 2000;
  const std::int64_t army = 100;
  int checked = 0;
  for (std::int64_t rebels : {600, 300, 150, 100, 50, 25}) {
    // Yesterday the army held alpha alone; today the rebels are there too.
    World base = empty_world(spec, params);
    add_fighters(base, i.army, i.alpha, army, 7);
    build_roster(base, ex);
    update_control(base);
    add_fighters(base, i.rebels, i.alpha, rebels, 8);
    build_roster(base, ex);
    REQUIRE(base.nodes.holders[static_cast<std::size_t>(i.alpha)] == bit(i.army));
    const double odds = defender * static_cast<double>(army) / static_cast<double>(rebels);
    const double p = 1.0 / (1.0 + std::exp(slope * (std::log(odds) - std::log(u_odds))));
    int left = 0;
    for (int r = 0; r < runs; ++r) {
      World w = base;
      w.key.run = static_cast<std::uint64_t>(r);
      fight(w, ex);
      for (const Event& e : w.events)
        if (e.type == "evacuation" && e.sub_type == "ultimatum" && e.actor2 == i.army && e.node == i.alpha) ++left;
    }
    const double share = static_cast<double>(left) / runs;
    INFO("odds " << odds << ": expected P(leave) " << p << ", observed " << share << " of " << runs);
    CHECK(within_binomial(share, p, runs));
    ++checked;
  }
  CHECK(checked == 6);
}

// ---------------------------------------------------------------------------------------------
// (d) Heavy tail of refuge strikes

namespace {
struct StrikeSample {
  std::vector<std::int64_t> fatalities;
  int events = 0, suicide = 0, bombers_dead = 0;
};

/// Zealots in the refuge strike the army's garrison of `garrison` in alpha (in reach), once a
/// day for sure (attack_rate 50), `runs` times keyed by run.
StrikeSample sample_strikes(std::int64_t garrison, int runs) {
  const Ids i = ids();
  const ScenarioSpec& spec = minimal_spec();
  const auto params = test::with_values(spec.parameters, {{"asymmetric.attack_rate", 50}});
  const exec::Executor ex(1);
  World base = empty_world(spec, params);
  add_fighters(base, i.zealots, i.peaks, 5, 21);
  add_fighters(base, i.army, i.alpha, garrison, 22);
  build_roster(base, ex);
  update_control(base);
  StrikeSample s;
  for (int r = 0; r < runs; ++r) {
    World w = base;
    w.key.run = static_cast<std::uint64_t>(r);
    strike_from_refuges(w);
    for (const Event& e : w.events) {
      if (e.type != "bomb" && e.type != "suicide_bomb") continue;
      ++s.events;
      s.suicide += e.type == "suicide_bomb";
      s.fatalities.push_back(e.fatalities);
      CHECK(e.node == i.alpha);
      CHECK(e.actor1 == i.zealots);
      CHECK(e.actor2 == i.army);
    }
    s.bombers_dead += static_cast<int>(w.factions.killed[static_cast<std::size_t>(i.zealots)]);
  }
  return s;
}
}  // namespace

TEST_CASE("refuge strikes: fatalities are floor(Pareto(min_fatalities, tail_index)), capped by the garrison",
          "[engine][rules][asymmetric]") {
  const ScenarioSpec& spec = minimal_spec();
  const double xmin = spec.parameters.value("asymmetric.min_fatalities");
  const double alpha = spec.parameters.value("asymmetric.tail_index");
  const double suicide_share = spec.parameters.value("asymmetric.suicide_share");

  SECTION("the survival function follows (xmin / k)^alpha") {
    const int runs = 20000;
    const std::int64_t garrison = 400;
    const StrikeSample s = sample_strikes(garrison, runs);
    REQUIRE(s.events == runs);  // P(no strike) = exp(-50)
    CHECK(within_binomial(static_cast<double>(s.suicide) / runs, suicide_share, runs));
    CHECK(s.bombers_dead == s.suicide);  // a suicide bombing costs exactly its bomber
    for (std::int64_t k : {1, 2, 3, 5, 10, 20, 50, 100, 200, 400}) {
      // floor(X) >= k iff X >= k: P = min(1, (xmin / k)^alpha) for k <= garrison.
      const double expected = std::min(1.0, std::pow(xmin / static_cast<double>(k), alpha));
      std::int64_t at_least = 0;
      for (auto f : s.fatalities) at_least += f >= k;
      const double observed = static_cast<double>(at_least) / runs;
      INFO("P(fatalities >= " << k << "): expected " << expected << ", observed " << observed);
      CHECK(within_binomial(observed, expected, runs));
    }
    for (auto f : s.fatalities) REQUIRE(f <= garrison);
  }

  SECTION("a small garrison caps the toll: it dies whole exactly when the draw reaches its size") {
    const int runs = 4000;
    const std::int64_t garrison = 3;
    const StrikeSample s = sample_strikes(garrison, runs);
    REQUIRE(s.events == runs);
    std::int64_t whole = 0;
    for (auto f : s.fatalities) {
      CHECK(f <= garrison);
      whole += f == garrison;
    }
    CHECK(within_binomial(static_cast<double>(whole) / runs, std::pow(xmin / 3.0, alpha), runs));
  }
}

// ---------------------------------------------------------------------------------------------
// (e) Economy

TEST_CASE("economy: pay moves toward affordable pay at pay_adjust_rate and no fighters means no NaN", "[engine][rules][economy]") {
  const Ids i = ids();
  const ScenarioSpec& spec = minimal_spec();
  const ParameterSet& params = spec.parameters;
  const double town_revenue = params.value("economy.town_revenue");
  const double route_revenue = params.value("economy.route_revenue");
  const double upkeep = params.value("economy.upkeep");
  const double reserve_days = params.value("economy.reserve_days");
  const double rate = params.value("economy.pay_adjust_rate");
  const exec::Executor ex(1);
  const auto R = static_cast<std::size_t>(i.rebels);

  SECTION("a faction with no fighters keeps its pay, and it stays finite") {
    World w = empty_world(spec, params);
    build_roster(w, ex);
    update_control(w);
    const double pay = w.factions.pay[R], treasury = w.factions.treasury[R];
    for (int d = 0; d < 30; ++d, ++w.day) run_economy(w);
    for (Index f = 0; f < w.F; ++f) {
      const auto fx = static_cast<std::size_t>(f);
      CHECK(std::isfinite(w.factions.pay[fx]));
      CHECK(std::isfinite(w.factions.treasury[fx]));
      CHECK(std::isfinite(w.factions.paid_share[fx]));
    }
    CHECK(w.factions.pay[R] == pay);
    CHECK(w.factions.paid_share[R] == 1.0);
    CHECK(w.factions.treasury[R] == Approx(treasury + 30 * spec.factions[R].external_income_cfa_per_day));
  }

  SECTION("one day of a faction holding two towns, computed by hand") {
    World w = empty_world(spec, params);
    add_fighters(w, i.rebels, i.alpha, 100, 31);
    add_fighters(w, i.rebels, i.beta, 50, 32);
    const auto hurt = add_fighters(w, i.rebels, i.alpha, 10, 33);
    for (auto k : hurt) {
      w.fighters.status[k] = Status::wounded;
      w.fighters.recover_day[k] = 1000;
    }
    build_roster(w, ex);
    update_control(w);
    REQUIRE(w.nodes.control[static_cast<std::size_t>(i.alpha)] == ControlState::held);
    REQUIRE(w.nodes.control[static_cast<std::size_t>(i.beta)] == ControlState::held);
    const double t0 = w.factions.treasury[R], pay0 = w.factions.pay[R];
    const double n = 160;  // active and wounded are paid
    // Towns held alone: all their revenue; the alpha-beta road joins two held towns; the track
    // to the sands (never held) earns nothing.
    const double income = spec.factions[R].external_income_cfa_per_day +
                          town_revenue * static_cast<double>(spec.nodes[0].total_population() +
                                                             spec.nodes[1].total_population()) +
                          route_revenue * 130.0;
    const double bill = n * (upkeep + pay0);
    const double t1 = std::max(0.0, t0 + income - bill);
    const double affordable = std::max(0.0, (income + t1 / reserve_days) / n - upkeep);
    run_economy(w);
    CHECK(w.factions.income[R] == Approx(income).epsilon(1e-12));
    CHECK(w.factions.treasury[R] == Approx(t1).epsilon(1e-12));
    CHECK(w.factions.paid_share[R] == 1.0);
    CHECK(w.factions.pay[R] == Approx(pay0 + rate * (affordable - pay0)).epsilon(1e-12));
    CHECK(w.factions.pay[R] > pay0);  // rich for its size: pay rises
  }

  SECTION("a broke faction pays what it can and cuts pay") {
    ScenarioSpec broke = spec;
    broke.factions[R].external_income_cfa_per_day = 0;
    World w = empty_world(broke, params);
    w.factions.treasury[R] = 0;
    add_fighters(w, i.rebels, i.sands, 100, 41);  // the desert earns nothing
    build_roster(w, ex);
    update_control(w);
    const double pay0 = w.factions.pay[R];
    run_economy(w);
    CHECK(w.factions.income[R] == 0.0);
    CHECK(w.factions.treasury[R] == 0.0);
    CHECK(w.factions.paid_share[R] == 0.0);
    // affordable = max(0, 0 / n - upkeep) = 0
    CHECK(w.factions.pay[R] == Approx(pay0 * (1 - rate)).epsilon(1e-12));
    const auto H = static_cast<std::size_t>(i.helpers);
    CHECK(w.factions.treasury[H] == spec.factions[H].treasury_cfa);  // outside forces: paid from outside
  }
}

TEST_CASE("the Pareto sampler the strike rule uses has the survival function (xmin / x)^alpha",
          "[engine][rules][asymmetric]") {
  // The sampler alone, at the rule's parameters, with more draws than the rule test can afford.
  const ScenarioSpec& spec = minimal_spec();
  const double xmin = spec.parameters.value("asymmetric.min_fatalities");
  const double alpha = spec.parameters.value("asymmetric.tail_index");
  const int draws = 200000;
  std::vector<double> x;
  x.reserve(draws);
  for (int k = 0; k < draws; ++k) {
    rng::Stream s(rng::RunKey{5, static_cast<std::uint64_t>(k)}, 0, 1, 2);
    x.push_back(std::floor(rng::pareto(s, xmin, alpha)));
  }
  for (double t : {2.0, 4.0, 10.0, 30.0, 100.0, 1000.0}) {
    std::int64_t c = 0;
    for (double v : x) c += v >= t;
    const double expected = std::pow(xmin / t, alpha);
    INFO("P(floor(X) >= " << t << ")");
    CHECK(within_binomial(static_cast<double>(c) / draws, expected, draws));
  }
}
