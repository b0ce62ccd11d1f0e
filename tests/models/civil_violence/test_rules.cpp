// The mechanism of Model I, rule by rule: the arrest probability with round(C / A) at known
// configurations, the vision diamond (113 cells at radius 7) and the torus wrap, the
// decision, the arrest and the jail, and the invariants after every step of whole runs.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include "support.hpp"
#include "models/civil_violence/world.hpp"

using namespace azsim;
using namespace azsim::civil_violence;

namespace {

/// Torus distance along one axis.
int wrap_distance(int a, int b, int n) {
  const int d = std::abs(a - b);
  return std::min(d, n - d);
}

/// The reference count: every cell of the grid, kept when its torus Manhattan distance is at
/// most `radius` (what the diamond's precomputed masks must equal).
Sight reference_look(const World& w, int radius, int x, int y) {
  Sight s;
  for (std::size_t i = 0; i < w.kind.size(); ++i) {
    const int d = wrap_distance(w.x[i], x, w.width) + wrap_distance(w.y[i], y, w.height);
    if (d > radius) continue;
    s.cops += w.kind[i] == Kind::cop;
    s.actives += w.active[i];
  }
  for (int cy = 0; cy < w.height; ++cy)
    for (int cx = 0; cx < w.width; ++cx)
      if (wrap_distance(cx, x, w.width) + wrap_distance(cy, y, w.height) <= radius && w.occupant[static_cast<std::size_t>(cy * w.width + cx)] < 0)
        ++s.empties;
  return s;
}

}  // namespace

TEST_CASE("round(C / A) rounds halves to even, as Python's round in the Mesa example", "[civil_violence]") {
  CHECK(round_ratio(0, 1) == 0);
  CHECK(round_ratio(1, 2) == 0);  // 0.5 -> 0
  CHECK(round_ratio(3, 2) == 2);  // 1.5 -> 2
  CHECK(round_ratio(5, 2) == 2);  // 2.5 -> 2
  CHECK(round_ratio(7, 2) == 4);  // 3.5 -> 4
  CHECK(round_ratio(2, 3) == 1);  // 0.67 -> 1
  CHECK(round_ratio(1, 3) == 0);  // 0.33 -> 0
  CHECK(round_ratio(8, 1) == 8);
  CHECK(round_ratio(9, 4) == 2);  // 2.25 -> 2
  for (int c = 0; c <= 112; ++c)
    for (int a = 1; a <= 113; ++a) {
      const double q = static_cast<double>(c) / a;
      INFO(c << " / " << a);
      REQUIRE(round_ratio(c, a) == static_cast<int>(std::nearbyint(q)));  // round-half-even mode
    }
}

TEST_CASE("the vision diamond of radius 7 holds 2*7*8+1 = 113 cells and wraps around the torus", "[civil_violence]") {
  const Diamond d = make_diamond(7, 40, 40);
  CHECK(diamond_cells(d) == 113);
  CHECK(diamond_cells(make_diamond(1, 40, 40)) == 5);
  CHECK(diamond_cells(make_diamond(19, 40, 40)) == 2 * 19 * 20 + 1);
  CHECK_THROWS(make_diamond(20, 40, 40));  // would wrap onto itself
  // Every centre, including the corners and edges, sees 113 cells of a full grid.
  const auto spec = test::empty_spec();  // the world points to it
  World w = build_world(spec, test::no_agents(), {1, 0});
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 40; ++x) REQUIRE(look(w, w.citizen_view, x, y).empties == 113);
  // A cop at (39, 39) is 2 steps from (0, 0) across both edges, 7 from (0, 5), 8 from (1, 5).
  add_agent(w, Kind::cop, 39, 39);
  CHECK(look(w, w.citizen_view, 0, 0).cops == 1);
  CHECK(look(w, w.citizen_view, 0, 5).cops == 1);
  CHECK(look(w, w.citizen_view, 1, 5).cops == 0);
  CHECK(look(w, w.citizen_view, 33, 38).cops == 1);  // 6 left and 1 up, no wrap
  CHECK(look(w, w.citizen_view, 32, 38).cops == 0);
}

TEST_CASE("what an agent sees equals a cell-by-cell count on random worlds", "[civil_violence]") {
  for (std::uint64_t run = 0; run < 5; ++run) {
    RunParameters p;  // Mesa's defaults
    const auto spec = test::empty_spec(20);
    World w = build_world(spec, p, {11, run});
    run_steps(w, 20);  // some actives, some jailed, agents moved
    for (int y = 0; y < 40; y += 3)
      for (int x = 0; x < 40; x += 3) {
        const Sight fast = look(w, w.citizen_view, x, y), slow = reference_look(w, 7, x, y);
        INFO("run " << run << " at (" << x << ", " << y << ")");
        REQUIRE(fast.cops == slow.cops);
        REQUIRE(fast.actives == slow.actives);
        REQUIRE(fast.empties == slow.empties);
      }
  }
}

TEST_CASE("estimated arrest probability at known configurations: P = 1 - exp(-2.3 round(C / A))", "[civil_violence]") {
  const auto spec = test::empty_spec();  // the world points to it
  World w = build_world(spec, test::no_agents(), {1, 0});
  const auto me = add_agent(w, Kind::citizen, 20, 20, 0.5, 0.5);
  SECTION("no cop in view: P = 0") { CHECK(estimated_arrest_probability(w, me) == 0.0); }
  SECTION("one cop, alone: C / A = 1 -> P = 1 - exp(-2.3) = 0.8997") {
    add_agent(w, Kind::cop, 20, 27);  // at the edge of the diamond
    CHECK(estimated_arrest_probability(w, me) == Approx(1 - std::exp(-2.3)));
    CHECK(estimated_arrest_probability(w, me) == Approx(0.8997).margin(1e-4));
  }
  SECTION("a cop just outside the diamond is not seen") {
    add_agent(w, Kind::cop, 24, 24);  // distance 8
    CHECK(estimated_arrest_probability(w, me) == 0.0);
  }
  SECTION("one cop and one other active: C / A = 1/2 rounds to 0 -> P = 0") {
    add_agent(w, Kind::cop, 21, 21);
    set_active(w, add_agent(w, Kind::citizen, 19, 19), true);
    CHECK(estimated_arrest_probability(w, me) == 0.0);
  }
  SECTION("the citizen counts itself once, active or not") {
    add_agent(w, Kind::cop, 21, 21);
    set_active(w, add_agent(w, Kind::citizen, 19, 19), true);
    set_active(w, me, true);  // still A = 2
    CHECK(estimated_arrest_probability(w, me) == 0.0);
  }
  SECTION("three cops, one other active: C / A = 3/2 rounds to 2 -> P = 1 - exp(-4.6)") {
    for (int k = 0; k < 3; ++k) add_agent(w, Kind::cop, 18 + k, 22);
    set_active(w, add_agent(w, Kind::citizen, 25, 20), true);
    CHECK(estimated_arrest_probability(w, me) == Approx(1 - std::exp(-4.6)));
  }
  SECTION("five cops, one other active: 5/2 rounds to 2 (half to even)") {
    for (int k = 0; k < 5; ++k) add_agent(w, Kind::cop, 16 + k, 18);
    set_active(w, add_agent(w, Kind::citizen, 20, 13), true);
    CHECK(estimated_arrest_probability(w, me) == Approx(1 - std::exp(-4.6)));
  }
  SECTION("jailed citizens are not active: two cops, a jailed neighbour -> C / A = 2") {
    add_agent(w, Kind::cop, 21, 20);
    add_agent(w, Kind::cop, 22, 20);
    const auto j = add_agent(w, Kind::citizen, 19, 20);
    set_active(w, j, true);
    w.active[static_cast<std::size_t>(j)] = 0;  // as an arrest leaves it
    w.active_rows[20] &= ~(std::uint64_t{1} << 19);
    w.jail_left[static_cast<std::size_t>(j)] = 5;
    w.active_count = 0;
    w.jailed_count = 1;
    CHECK(estimated_arrest_probability(w, me) == Approx(1 - std::exp(-4.6)));
  }
}

TEST_CASE("rules.arrest_ratio: floor rounds C / A down (NetLogo's Rebellion)", "[civil_violence]") {
  auto spec = test::empty_spec();
  spec.arrest_ratio = ArrestRatio::floor;
  World w = build_world(spec, test::no_agents(), {1, 0});
  const auto me = add_agent(w, Kind::citizen, 20, 20, 0.5, 0.5);
  for (int k = 0; k < 3; ++k) add_agent(w, Kind::cop, 18 + k, 22);
  set_active(w, add_agent(w, Kind::citizen, 25, 20), true);
  CHECK(estimated_arrest_probability(w, me) == Approx(1 - std::exp(-2.3)));  // floor(3/2) = 1, round gives 2
  add_agent(w, Kind::cop, 21, 21);
  set_active(w, add_agent(w, Kind::citizen, 19, 19), true);
  CHECK(estimated_arrest_probability(w, me) == Approx(1 - std::exp(-2.3)));  // floor(4/3) = 1
  set_active(w, add_agent(w, Kind::citizen, 19, 21), true);
  CHECK(estimated_arrest_probability(w, me) == Approx(1 - std::exp(-2.3)));  // floor(4/4) = 1
  set_active(w, add_agent(w, Kind::citizen, 18, 21), true);
  CHECK(estimated_arrest_probability(w, me) == 0.0);  // floor(4/5) = 0
}

TEST_CASE("a citizen is active exactly when G - R P > T, with G = H (1 - L)", "[civil_violence]") {
  // No cop anywhere: P = 0, so active iff H (1 - 0.8) > 0.1, i.e. H > 0.5; movement off.
  auto spec = test::empty_spec(1);
  spec.movement = false;
  World w = build_world(spec, test::no_agents(), {3, 0});
  const auto calm = add_agent(w, Kind::citizen, 5, 5, 0.49, 0.9);
  const auto angry = add_agent(w, Kind::citizen, 25, 25, 0.51, 0.9);
  const auto edge = add_agent(w, Kind::citizen, 10, 30, 0.5, 0.0);  // G = 0.1 exactly: not > T
  run_steps(w, 1);
  CHECK(w.active[static_cast<std::size_t>(calm)] == 0);
  CHECK(w.active[static_cast<std::size_t>(angry)] == 1);
  CHECK(w.active[static_cast<std::size_t>(edge)] == 0);
  CHECK(w.history.back().active == 1);
  CHECK(w.history.back().quiet == 2);
  check_invariants(w);
}

TEST_CASE("a cop arrests an active citizen in view, and jail terms are served turn by turn", "[civil_violence]") {
  auto spec = test::empty_spec(60);
  spec.movement = false;
  RunParameters p = test::no_agents();
  p.max_jail_term = 10;
  World w = build_world(spec, p, {5, 0});
  add_agent(w, Kind::cop, 10, 10);
  const auto rebel = add_agent(w, Kind::citizen, 12, 10, 1.0, 0.0);  // G - R P = 0.2 > T whatever P
  const auto far = add_agent(w, Kind::citizen, 30, 30, 1.0, 0.0);    // out of the cop's view
  set_active(w, rebel, true);
  const auto r = static_cast<std::size_t>(rebel);
  int arrests = 0, jailed_steps = 0;
  bool was_jailed = false;
  for (int t = 0; t < 60; ++t) {
    run_steps(w, w.step + 1);
    check_invariants(w);
    const bool jailed = w.jail_left[r] > 0;
    // The rebel is never quiet: jailed, or active again once released.
    REQUIRE(jailed != static_cast<bool>(w.active[r]));
    REQUIRE(w.jail_left[r] <= 11);
    arrests += jailed && !was_jailed;
    jailed_steps += jailed;
    was_jailed = jailed;
  }
  CHECK(w.active[static_cast<std::size_t>(far)] == 1);  // never arrested
  // Terms uniform in [0, 10]: a release every ~6 steps, each followed by an arrest.
  CHECK(arrests >= 4);
  CHECK(jailed_steps >= 20);
  CHECK(jailed_steps <= 58);
}

TEST_CASE("whole runs keep every invariant at every step: one agent per cell, counts conserved", "[civil_violence]") {
  const auto scenario = test::load_cv("scenarios/civil-violence.yaml");
  const ScenarioSpec& spec = scenario->spec();
  // Mesa's defaults, then a turbulent world: lower legitimacy and short terms (releases).
  for (const char* legitimacy : {"0.8", "0.6"}) {
    const bool turbulent = std::string(legitimacy) == "0.6";
    const auto s = test::load_cv("scenarios/civil-violence.yaml",
                                 {std::string("parameters.citizens.legitimacy.value=") + legitimacy,
                                  std::string("parameters.cops.max_jail_term.value=") + (turbulent ? "20" : "1000")});
    const RunParameters p = resolve_parameters(s->spec(), s->parameters());
    World w = build_world(s->spec(), p, {21, 3});
    const auto agents = w.kind.size();
    const auto citizens = w.citizens;
    CHECK(citizens > 1000);  // ~0.7 x 1600
    CHECK(w.cops > 90);      // ~0.074 x 1600
    std::int64_t max_jailed = 0;
    while (w.step < spec.steps) {
      const auto x = w.x, y = w.y;
      const auto jail = w.jail_left;
      run_steps(w, w.step + 1);
      check_invariants(w);
      for (std::size_t i = 0; i < agents; ++i)  // jailed all step long: stayed on the cell
        if (jail[i] > 1) REQUIRE((w.x[i] == x[i] && w.y[i] == y[i]));
      REQUIRE(w.kind.size() == agents);
      const StepCounts& c = w.history.back();
      REQUIRE(c.active + c.quiet + c.jailed == citizens);
      max_jailed = std::max<std::int64_t>(max_jailed, c.jailed);
    }
    CHECK(w.activations == agents * static_cast<std::uint64_t>(spec.steps));
    CHECK(max_jailed > 0);  // the rules did act
  }
}

TEST_CASE("the legitimacy schedule: a jump, then equal increments", "[civil_violence]") {
  auto spec = test::empty_spec(10);
  spec.shocks = {{"a", 3, 1, 0.6}, {"b", 5, 4, 0.2}};
  const auto l = legitimacy_schedule(spec, 0.8);
  REQUIRE(l.size() == 11);
  CHECK(l[0] == 0.8);
  CHECK(l[2] == 0.8);
  CHECK(l[3] == 0.6);
  CHECK(l[4] == 0.6);
  CHECK(l[5] == Approx(0.5));
  CHECK(l[6] == Approx(0.4));
  CHECK(l[7] == Approx(0.3));
  CHECK(l[8] == 0.2);
  CHECK(l[10] == 0.2);
}

TEST_CASE("outbursts: a start at the threshold, an end below half of it", "[civil_violence]") {
  CHECK(count_outbursts({}, 0.05) == 0);
  CHECK(count_outbursts({0.01, 0.04, 0.049}, 0.05) == 0);
  CHECK(count_outbursts({0.0, 0.05, 0.2, 0.0, 0.3}, 0.05) == 2);
  // A dip to 0.03 (above half the threshold) does not end the outburst.
  CHECK(count_outbursts({0.1, 0.03, 0.1, 0.02, 0.06}, 0.05) == 2);
}
