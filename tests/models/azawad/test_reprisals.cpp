// Reprisals by armed bands (docs/ODD.md 7.9, the header of sim/models/azawad/civilians.cpp)
// against their definitions, on hand-built worlds of the minimal scenario:
//  - no band of g near h's people, no reprisal of g on h, whatever the grievance;
//  - on grudge, g strikes h with daily intensity reprisal_base x grievance x reach, the reach
//    of the bands being 1 - prod(1 - readiness), readiness a / (a + reprisal_band_men) times the
//    band's hostility to h (the largest share of h among the fighters of the factions its own
//    is at war with), and the place is drawn with weight the readiness;
//  - in retaliation, g strikes h with intensity (decayed excitation) x reach of all its bands,
//    hostile to h or not;
//  - a cycle between two groups whose bands reach each other's people only in part has mean
//    size (1 + m1) / (1 - m1 m2), m = reprisal_branching x reach each way.
//
// Factions of minimal.yaml: rebels (0) and zealots (1) allied, both at war with the army (2);
// helpers (3) an outside force. Nodes: alpha (5,000 north, 15,000 south), beta (3,000 north,
// 7,000 south), gamma (30,000 south), sands (2,000 north), peaks (no one). Groups: north (0),
// south (1), foreign (2). Fighters added by test::add_fighters are northerners unless moved.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

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

constexpr double kBandMen = 30;

/// Reprisals only: nothing else moves (no grievance from deaths, no flight, no decay), tolls of
/// one or two (massacre_scale 0), no cascades unless asked.
ParameterSet reprisal_params(double base, double branching = 0.0, double memory_days = 14.0) {
  return test::with_values(minimal_spec().parameters, {{"civilians.reprisal_base", base},
                                                       {"civilians.reprisal_branching", branching},
                                                       {"civilians.reprisal_memory_days", memory_days},
                                                       {"civilians.reprisal_band_men", kBandMen},
                                                       {"civilians.massacre_scale", 0.0},
                                                       {"civilians.massacre_tail_index", 3.0},
                                                       {"civilians.flight_per_death", 0.0},
                                                       {"civilians.grievance_per_death", 0.0},
                                                       {"civilians.violence_effect", 0.0},
                                                       {"civilians.grievance_decay", 0.0}});
}

struct Men {
  Index faction, node;
  std::int64_t north, south;
};

/// A world of the minimal scenario with only the given fighters, no grievance and no excitation.
World band_world(const ParameterSet& params, std::initializer_list<Men> men) {
  const exec::Executor ex(1);
  const Ids i = ids();
  World w = test::bare_world(minimal_spec(), params, 41);
  std::uint64_t tag = 1;
  for (const Men& m : men) {
    test::add_fighters(w, m.faction, m.node, m.north, rng::stable_id("north band") + tag++);
    for (std::size_t k : test::add_fighters(w, m.faction, m.node, m.south, rng::stable_id("south band") + tag++))
      w.fighters.group[k] = static_cast<decltype(w.fighters.group)::value_type>(i.south);
  }
  build_roster(w, ex);
  update_control(w);
  w.grievance.setZero();
  w.excitation.setZero();
  return w;
}

bool is_reprisal(const Event& e) { return e.type == "reprisal" || e.type == "massacre"; }

struct Sample {
  double events = 0, days = 0;
  std::vector<double> by_node;  ///< events at each node
  bool perpetrators_ok = true;  ///< every event by `perpetrator` (when given)
  [[nodiscard]] double rate() const { return events / days; }
};

/// One day of the civilians' phase in each of `runs` keyed runs of `base`; counts reprisals of
/// north on south.
Sample sample_day(const World& base, int runs, Index perpetrator = kNone) {
  const Ids i = ids();
  Sample s;
  s.by_node.assign(static_cast<std::size_t>(base.N), 0.0);
  for (int r = 0; r < runs; ++r) {
    World w = base;
    w.key.run = static_cast<std::uint64_t>(r);
    update_civilians(w);
    for (const Event& e : w.events) {
      if (!is_reprisal(e)) continue;
      REQUIRE(e.group1 == i.north);
      REQUIRE(e.group2 == i.south);
      s.events += 1;
      s.by_node[static_cast<std::size_t>(e.node)] += 1;
      if (perpetrator != kNone) s.perpetrators_ok = s.perpetrators_ok && e.actor1 == perpetrator;
    }
    s.days += 1;
  }
  return s;
}

double readiness(double men) { return men / (men + kBandMen); }

/// A Poisson rate estimated from `days` days is within 4 standard errors of `expected`.
bool within_poisson(double observed_rate, double expected, double days) {
  return std::abs(observed_rate - expected) <= 4 * std::sqrt(std::max(expected, 1e-9) / days) + 1e-12;
}

}  // namespace

TEST_CASE("reprisals by bands: no armed men of the group near the victims, no reprisal",
          "[engine][politics][reprisals]") {
  const Ids i = ids();
  constexpr int runs = 400;
  // Full grievance, base 3 a day. The army's southerners at gamma make the rebels' enemies
  // southern; the rebels' 300 northerners stand at sands, where no southerner lives.
  World away = band_world(reprisal_params(3.0), {{i.rebels, i.sands, 300, 0}, {i.army, i.gamma, 0, 100}});
  away.grievance(i.north, i.south) = 1.0;
  const Sample none = sample_day(away, runs);
  INFO("band away from the southerners: " << none.events << " reprisals in " << runs << " days");
  CHECK(none.events == 0);
  // The same band at alpha, among 15,000 southerners: Poisson(3 x readiness(300)) a day.
  World near = band_world(reprisal_params(3.0), {{i.rebels, i.alpha, 300, 0}, {i.army, i.gamma, 0, 100}});
  near.grievance(i.north, i.south) = 1.0;
  const Sample some = sample_day(near, runs, i.rebels);
  const double expected = 3.0 * readiness(300);
  INFO("band at alpha: " << some.rate() << " a day, expected " << expected);
  CHECK(within_poisson(some.rate(), expected, some.days));
  CHECK(some.by_node[static_cast<std::size_t>(i.alpha)] == some.events);
  CHECK(some.perpetrators_ok);
}

TEST_CASE("reprisals by bands: on grudge, base x grievance x (1 - prod(1 - readiness)), placed by readiness",
          "[engine][politics][reprisals]") {
  const Ids i = ids();
  constexpr int runs = 6000;
  constexpr double base = 2.0, grievance = 0.5;
  // 30 northern rebels at alpha (readiness 1/2) and 90 at beta (3/4), both among southerners;
  // their enemy, the army, is all southern (hostility 1). Reach 1 - (1/2)(1/4) = 7/8.
  World w = band_world(reprisal_params(base), {{i.rebels, i.alpha, 30, 0},
                                               {i.rebels, i.beta, 90, 0},
                                               {i.army, i.gamma, 0, 100}});
  w.grievance(i.north, i.south) = grievance;
  const double ra = readiness(30), rb = readiness(90);
  REQUIRE(ra == Approx(0.5));
  REQUIRE(rb == Approx(0.75));
  const double reach = 1 - (1 - ra) * (1 - rb);
  const Sample s = sample_day(w, runs, i.rebels);
  const double expected = base * grievance * reach;
  INFO("rate " << s.rate() << " a day, expected " << expected << " (the sum of readinesses would give "
               << base * grievance * (ra + rb) << ")");
  CHECK(within_poisson(s.rate(), expected, s.days));
  CHECK(s.perpetrators_ok);
  // Places: alpha with probability ra / (ra + rb) = 0.4.
  const double at_alpha = s.by_node[static_cast<std::size_t>(i.alpha)];
  INFO("alpha " << at_alpha << " of " << s.events);
  CHECK(at_alpha + s.by_node[static_cast<std::size_t>(i.beta)] == s.events);
  CHECK(within_binomial(at_alpha / s.events, ra / (ra + rb), s.events));
}

TEST_CASE("reprisals by bands: hostility is the largest share of the victims' group among the factions at war",
          "[engine][politics][reprisals]") {
  const Ids i = ids();
  constexpr int runs = 6000;
  constexpr double base = 2.0;
  // 30 northern rebels at alpha (readiness 1/2). The army (at war with the rebels) is 40%
  // southern; the zealots, 70% southern, stand at peaks where no one lives.
  const auto world = [&](bool zealots_at_war) {
    World w = band_world(reprisal_params(base), {{i.rebels, i.alpha, 30, 0},
                                                 {i.army, i.gamma, 60, 40},
                                                 {i.zealots, i.peaks, 30, 70}});
    if (zealots_at_war) set_relation_state(w, i.rebels, i.zealots, RelationState::war);
    REQUIRE(w.at_war(i.rebels, i.army));
    REQUIRE(w.at_war(i.rebels, i.zealots) == zealots_at_war);
    w.grievance(i.north, i.south) = 1.0;
    return w;
  };
  for (const bool at_war : {false, true}) {
    const double hostility = at_war ? 0.7 : 0.4;
    const Sample s = sample_day(world(at_war), runs);
    // The army's 60 northerners at gamma also face southerners, with hostility the largest
    // southern share among the army's enemies: the zealots' 0.7 (the rebels have none).
    const double army = readiness(60) * 0.7;
    const double expected = base * (1 - (1 - readiness(30) * hostility) * (1 - army));
    INFO((at_war ? "zealots at war with the rebels" : "zealots allied with the rebels")
         << ": rate " << s.rate() << ", expected " << expected);
    CHECK(within_poisson(s.rate(), expected, s.days));
    const double at_alpha = s.by_node[static_cast<std::size_t>(i.alpha)];
    const double p_alpha = readiness(30) * hostility / (readiness(30) * hostility + army);
    INFO("alpha " << at_alpha << " of " << s.events << ", expected share " << p_alpha);
    CHECK(within_binomial(at_alpha / s.events, p_alpha, s.events));
  }
}

TEST_CASE("reprisals by bands: retaliation needs a band near the victims but no enemy among them",
          "[engine][politics][reprisals]") {
  const Ids i = ids();
  constexpr int runs = 6000;
  constexpr double memory = 14.0, excitation = 2.0;
  // No grievance, no army: the rebels' 30 northerners at alpha have no enemy with southerners,
  // so they never strike southerners on grudge; struck by them, they strike back.
  for (const Index node : {i.alpha, i.sands}) {
    World w = band_world(reprisal_params(5.0, 0.0, memory), {{i.rebels, node, 30, 0}});
    w.grievance.setConstant(1.0);
    w.grievance.diagonal().setZero();
    const Sample grudge = sample_day(w, 500);
    INFO("grudge alone, band at node " << node << ": " << grudge.events);
    CHECK(grudge.events == 0);
    w.grievance.setZero();
    w.excitation(i.north, i.south) = excitation;
    const Sample s = sample_day(w, runs, i.rebels);
    // Excitation decays by exp(-1/m) before the day's draw.
    const double expected = node == i.alpha ? excitation * std::exp(-1.0 / memory) * readiness(30) : 0.0;
    INFO("retaliation, band at node " << node << ": rate " << s.rate() << ", expected " << expected);
    CHECK(within_poisson(s.rate(), expected, s.days));
    if (node == i.sands) CHECK(s.events == 0);
  }
}

TEST_CASE("reprisals by bands: a cycle reaching each way in part has mean size (1 + m1) / (1 - m1 m2)",
          "[engine][politics][reprisals]") {
  const exec::Executor ex(1);
  const Ids i = ids();
  constexpr int runs = 12000;
  constexpr double b = 0.6, memory = 3.0;
  // 30 northern rebels at alpha reach the southerners with 1/2; 90 southern soldiers at sands
  // reach the northerners with 3/4 (alpha's northerners are out of their reach).
  const World base = band_world(reprisal_params(0.0, b, memory), {{i.rebels, i.alpha, 30, 0}, {i.army, i.sands, 0, 90}});
  const double m1 = b * readiness(90), m2 = b * readiness(30);
  const double expected = (1 + m1) / (1 - m1 * m2);
  double sum = 0, sum2 = 0;
  for (int r = 0; r < runs; ++r) {
    World w = base;
    w.key.run = static_cast<std::uint64_t>(r);
    // One reprisal of the north on the south on day 0, as civilians.cpp excites its victims.
    w.excitation(i.south, i.north) += b * std::expm1(1.0 / memory);
    double events = 1;
    for (Day d = 1; d < 2000; ++d) {
      w.day = d;
      const std::size_t before = w.events.size();
      update_civilians(w);
      for (std::size_t k = before; k < w.events.size(); ++k) events += is_reprisal(w.events[k]);
      if (w.excitation.maxCoeff() * (memory + 1) < 1e-6) break;
    }
    sum += events;
    sum2 += events * events;
  }
  const double mean = sum / runs, var = (sum2 - runs * mean * mean) / (runs - 1);
  INFO("mean cycle " << mean << " +- " << std::sqrt(var / runs) << ", expected (1 + m1) / (1 - m1 m2) = " << expected
                     << " (with full reach it would be " << 1 / (1 - b) << ")");
  CHECK(std::abs(mean - expected) <= 4 * std::sqrt(var / runs));
}
