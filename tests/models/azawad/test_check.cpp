// The end-of-day invariant checks of the engine (check.hpp): silent on sound states, every
// day of real runs; and on a deliberately corrupted state an error that names the day, the
// rule and the values, raised by step() itself and reported by azsim.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "core/exec/executor.hpp"
#include "engine_support.hpp"
#include "models/azawad/check.hpp"
#include "models/azawad/phases.hpp"

using namespace azsim;
using namespace azsim::azawad;

namespace {

/// The minimal world after `days` days (seed 1), built as simulate() builds it.
World world_after(const ScenarioSpec& spec, const exec::Executor& ex, Day days) {
  World w = build_world(spec, spec.parameters, rng::RunKey{1, 0});
  build_roster(w, ex);
  update_control(w);
  for (Day d = 0; d < days; ++d) step(w, ex);
  return w;
}

std::string error_of(const World& w) {
  try {
    check_day(w, true);
  } catch (const InvariantError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the full invariant checks pass every day of sound runs", "[engine][invariants]") {
  const auto scenario = test::load_azawad("tests/data/good/minimal.yaml", {"parameters.fighters.recruitment_rate.value=0.0005"});
  const exec::Executor ex(2);
  World w = world_after(scenario->spec(), ex, 0);
  for (Day d = 0; d < scenario->spec().days; ++d) {
    step(w, ex);  // checks with this build's set (finite numbers at least)
    --w.day;      // check_day looks at the day just simulated, before it is advanced
    INFO("day " << d);
    REQUIRE(error_of(w).empty());
    ++w.day;
  }
}

TEST_CASE("a corrupted state fails the check with the day, the rule and the values", "[engine][invariants]") {
  const auto scenario = test::load_azawad("tests/data/good/minimal.yaml", {"parameters.fighters.recruitment_rate.value=0.0005"});
  const exec::Executor ex(1);
  const World sound = world_after(scenario->spec(), ex, 40);
  REQUIRE(error_of(sound).empty());
  const std::string day = "day 40 (2000-02-10): ";

  World nan = sound;
  nan.factions.treasury[1] = std::numeric_limits<double>::quiet_NaN();
  CHECK(error_of(nan) == day + "a number that cannot be: treasury[1] is nan");
  World inf = sound;
  inf.relation(0, 2) = std::numeric_limits<double>::infinity();
  CHECK(error_of(inf).rfind(day + "a number that cannot be: relation[", 0) == 0);
  CHECK(error_of(inf).find("is inf") != std::string::npos);
  World loyal = sound;
  loyal.fighters.loyalty[3] = std::numeric_limits<float>::quiet_NaN();
  CHECK(error_of(loyal) == day + "a number that cannot be: fighter loyalty[3] is nan");
  World range = sound;
  range.support[0] = 1.5;
  CHECK(error_of(range) == day + "support within [0, 1]: support[0] is 1.5");
  World counted = sound;
  counted.factions.active[0] += 1;
  CHECK(error_of(counted).rfind(day + "faction counters equal the fighters: faction 'rebels' counts ", 0) == 0);
  World garrison = sound;
  garrison.nodes.garrison[0] += 7;
  CHECK(error_of(garrison).rfind(day + "node counters equal the fighters: garrison of faction 'rebels' at 'alpha' is ", 0) == 0);
  World negative = sound;
  negative.nodes.population[1] = -5;
  CHECK(error_of(negative) == day + "counts are never negative: population[1] is -5");

  // step() runs the check itself: a NaN planted in the state stops the next day.
  World running = sound;
  running.grievance(1, 0) = std::numeric_limits<double>::quiet_NaN();
  try {
    step(running, ex);
    FAIL("step() accepted a NaN grievance");
  } catch (const InvariantError& e) {
    CHECK(std::string(e.what()).rfind("day 40 (2000-02-10): a number that cannot be: ", 0) == 0);
  }
}

TEST_CASE("this build's check set: full in debug builds, finite numbers in Release", "[engine][invariants]") {
#ifdef NDEBUG
  CHECK_FALSE(full_invariant_checks());
#else
  CHECK(full_invariant_checks());
#endif
}
