// Session 7's shortcuts against the direct path: movement by runs of movers alike (columns)
// moves every fighter as the rule of ODD 7.4 applied fighter by fighter would; the fighters of
// a faction that never decides draw no check days, and every other living fighter has his.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/exec/executor.hpp"
#include "engine_support.hpp"
#include "models/azawad/phases.hpp"

using namespace azsim;
using namespace azsim::azawad;

namespace {

/// The movement rule of ODD 7.4, fighter by fighter over every living fighter: the direct path
/// the movers' runs must equal (positions, roads, orders and arrival days).
void move_directly(World& w) {
  Fighters& fi = w.fighters;
  for (std::size_t i = 0; i < fi.live; ++i) {
    const Status s = fi.status[i];
    if (!Fighters::living(s)) continue;
    if (fi.next[i] != kNone) {
      if (fi.arrive_day[i] > w.day) continue;  // on the road
      fi.location[i] = fi.next[i];
      fi.next[i] = static_cast<std::int16_t>(kNone);
    }
    const Index tg = fi.target[i];
    if (tg == kNone) continue;
    if (tg == fi.location[i]) {
      fi.target[i] = static_cast<std::int16_t>(kNone);  // the order is done
    } else if (s == Status::active) {
      const Index hop = next_hop(w, fi.location[i], tg);
      if (hop == kNone) {
        fi.target[i] = static_cast<std::int16_t>(kNone);
      } else {
        fi.next[i] = static_cast<std::int16_t>(hop);
        fi.arrive_day[i] = w.day + edge_days(w, fi.location[i], hop);
      }
    }
  }
}

struct Mismatches {
  int days = 0;        ///< days compared
  int moved = 0;       ///< days on which the fighters' fields differed from the direct path
  int unlisted = 0;    ///< fighters on the road not listed for their arrival day
  int unchecked = 0;   ///< living fighters whose check day does not fit their faction
};

/// Runs a scenario's days phase by phase (as step() does); at each movement phase not
/// compacting the fighters, compares move_fighters() with the direct path on a copy, and
/// after each day the fighters' check days with their factions.
Mismatches compare_with_direct(const ScenarioSpec& spec, std::uint64_t seed, int threads) {
  const exec::Executor ex(threads);
  World w = build_world(spec, spec.parameters, rng::RunKey{seed, 0}, ex);
  build_roster(w, ex);
  update_control(w);
  Mismatches m;
  for (Day d = 0; d < spec.days; ++d) {
    std::fill(w.today_killed.begin(), w.today_killed.end(), 0);
    std::fill(w.today_wounded.begin(), w.today_wounded.end(), 0);
    std::fill(w.today_civilians.begin(), w.today_civilians.end(), 0);
    if (apply_shocks(w)) refresh_roster(w, ex);
    run_economy(w);
    update_relations(w);
    plan_strategy(w);
    const bool compared = !compaction_due(w);  // a compaction moves entries: nothing to compare
    World direct = compared ? w : World{};
    move_fighters(w, ex);
    if (compared) {
      ++m.days;
      move_directly(direct);
      const Fighters& a = w.fighters;
      const Fighters& b = direct.fighters;
      if (a.location != b.location || a.next != b.next || a.target != b.target) ++m.moved;
      // Who is listed for the day he reaches his next node (the lists from tomorrow on).
      std::vector<char> listed(a.live, 0);
      for (std::size_t day = static_cast<std::size_t>(w.day) + 1; day < w.arrivals.size(); ++day)
        for (const std::uint32_t i : w.arrivals[day])
          if (i < a.live && a.arrive_day[i] == static_cast<std::int32_t>(day)) listed[i] = 1;
      for (std::size_t i = 0; i < a.live; ++i) {
        if (!Fighters::living(a.status[i]) || a.next[i] == kNone) continue;
        if (a.arrive_day[i] != b.arrive_day[i]) ++m.moved;
        if (!listed[i] && a.arrive_day[i] < spec.days) ++m.unlisted;
      }
    }
    test::rest_of_day(w, ex);
    const Fighters& fi = w.fighters;
    for (std::size_t i = 0; i < fi.live; ++i) {
      if (!Fighters::living(fi.status[i])) continue;
      const FactionSpec& f = spec.factions[static_cast<std::size_t>(fi.faction[i])];
      const bool never = f.kind == FactionKind::outside || !f.recruits_locally;
      const bool recruit = fi.check_day[i] == -1 && fi.joined_day[i] == w.day;  // drawn on his first check
      const bool fits = recruit || (never ? fi.check_day[i] == Fighters::kNeverChecks
                                          : fi.check_day[i] > w.day && fi.check_day[i] < Fighters::kNeverChecks);
      if (!fits) ++m.unchecked;
    }
    ++w.day;
  }
  return m;
}

}  // namespace

TEST_CASE("movement by runs of movers alike equals the rule fighter by fighter, and check days fit the faction",
          "[engine][movement][speed]") {
  const auto historical = test::load_azawad("scenarios/azawad-2012-2014.yaml");
  for (const int threads : {1, 2}) {
    INFO("historical, seed 3, threads " << threads);
    const Mismatches m = compare_with_direct(historical->spec(), 3, threads);
    CHECK(m.days > historical->spec().days / 2);  // most days compared (not compacting)
    CHECK(m.moved == 0);
    CHECK(m.unlisted == 0);
    CHECK(m.unchecked == 0);
  }
}
