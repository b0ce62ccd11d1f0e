// Fighters: joining many at once (grow) leaves every array exactly as joining them one by one
// (add) does, whether or not retired entries sit behind the living; building the world's
// fighters in parallel chunks gives the serial path's fighters.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/exec/executor.hpp"
#include "core/random/samplers.hpp"
#include "models/azawad/purposes.hpp"
#include "models/azawad/world.hpp"
#include "engine_support.hpp"

using namespace azsim::azawad;

namespace {

/// `living` fighters, then `retired` retired ones behind them (as after a compaction).
Fighters make(std::size_t living, std::size_t retired) {
  Fighters f;
  for (std::size_t i = 0; i < living + retired; ++i) f.add(100 + i, static_cast<Index>(i % 3), 0, 1, 2, 0);
  for (std::size_t i = living; i < living + retired; ++i) f.status[i] = Status::dead;
  f.live = living;
  return f;
}

/// Every array of two fighter sets, compared byte for byte.
bool same(Fighters& a, Fighters& b) {
  if (a.live != b.live || a.size() != b.size()) return false;
  std::vector<const void*> pa, pb;
  std::vector<std::size_t> bytes;
  a.for_each_array([&](auto& v) { pa.push_back(v.data()), bytes.push_back(v.size() * sizeof(v[0])); });
  b.for_each_array([&](auto& v) { pb.push_back(v.data()); });
  for (std::size_t k = 0; k < pa.size(); ++k)
    if (std::memcmp(pa[k], pb[k], bytes[k]) != 0) return false;
  return true;
}

}  // namespace

TEST_CASE("Fighters::grow leaves every array as repeated add() does", "[engine][fighters]") {
  struct Case {
    std::size_t living, retired, joining;
  };
  for (const Case c : {Case{5, 0, 4}, Case{5, 7, 3}, Case{5, 7, 7}, Case{5, 3, 8}, Case{5, 1, 6}, Case{0, 4, 11},
                     Case{5, 0, 1}, Case{5, 3, 1}}) {
    INFO(c.living << " living, " << c.retired << " retired, " << c.joining << " joining");
    Fighters one = make(c.living, c.retired), all = make(c.living, c.retired);
    for (std::size_t j = 0; j < c.joining; ++j) one.add(900 + j, 1, 0, 4, 4, 7);
    const std::size_t first = all.grow(c.joining);
    CHECK(first == c.living);
    for (std::size_t j = 0; j < c.joining; ++j) all.init(first + j, 900 + j, 1, 0, 4, 4, 7);
    CHECK(same(one, all));
    // The retired are all still there, behind the living.
    std::size_t dead = 0;
    for (std::size_t i = 0; i < all.size(); ++i) dead += all.status[i] == Status::dead;
    CHECK(dead == c.retired);
    for (std::size_t i = 0; i < all.live; ++i) CHECK(all.status[i] == Status::active);
  }
}

TEST_CASE("build_world joins the same fighters, with the same draws, on 1, 2 and 8 threads", "[engine][fighters]") {
  // The historical forces x12: the largest entries span several chunks of trait draws.
  const auto loaded = azsim::test::load_azawad("scenarios/azawad-2012-2014.yaml");
  ScenarioSpec spec = loaded->spec();
  for (auto& force : spec.forces) force.fighters *= 12;
  const azsim::rng::RunKey key{11, 4};
  World reference = build_world(spec, spec.parameters, key);  // the serial path
  REQUIRE(reference.fighters.size() == static_cast<std::size_t>(spec.total_fighters()));
  for (int threads : {1, 2, 8}) {
    const azsim::exec::Executor ex(threads, azsim::exec::Backend::tbb);
    REQUIRE(ex.effective_concurrency() == threads);
    World w = build_world(spec, spec.parameters, key, ex);
    INFO(threads << " threads");
    CHECK(same(w.fighters, reference.fighters));
  }
  // Each fighter's traits are the draws of his own key (beta loyalty, normal ideology,
  // log-normal wage, in that order), and each force entry's fighters come in group order.
  const auto& fi = reference.fighters;
  std::size_t first = 0;
  for (const auto& force : spec.forces) {
    const auto& faction = spec.factions[static_cast<std::size_t>(force.faction)];
    for (std::size_t i = first; i < first + static_cast<std::size_t>(force.fighters); ++i) {
      azsim::rng::Stream s(key, 0, fi.key[i], purpose::init_fighter);
      const auto loyalty = static_cast<float>(azsim::rng::beta(s, 1 + 4 * faction.morale, 1 + 4 * (1 - faction.morale)));
      const auto ideology = static_cast<float>(std::clamp(azsim::rng::normal(s, faction.sharia, 0.15), 0.0, 1.0));
      const auto wage = static_cast<float>(azsim::rng::lognormal(s, reference.params.fighters.reservation_wage, 0.5));
      REQUIRE(fi.loyalty[i] == loyalty);
      REQUIRE(fi.ideology[i] == ideology);
      REQUIRE(fi.reservation_wage[i] == wage);
      REQUIRE(fi.faction[i] == force.faction);
      REQUIRE(fi.location[i] == force.node);
      if (i > first) REQUIRE(fi.group[i] >= fi.group[i - 1]);
    }
    first += static_cast<std::size_t>(force.fighters);
  }
}

TEST_CASE("Fighters::compact gives the same arrays in place on one thread as in parallel chunks", "[engine][fighters]") {
  // 70,000 entries (several chunks of 2^14), retired in runs of various lengths and alone.
  const auto make_mixed = [](std::size_t n, std::size_t tail) {
    Fighters f;
    for (std::size_t i = 0; i < n + tail; ++i)
      f.add(azsim::rng::combine(5, i), static_cast<Index>(i % 7), static_cast<Index>(i % 3), 1, static_cast<Index>(i % 11), 0);
    for (std::size_t i = 0; i < n + tail; ++i) {
      f.loyalty[i] = static_cast<float>(i) * 0.5f;
      f.check_day[i] = static_cast<std::int32_t>(i);
      const std::uint64_t h = azsim::rng::combine(9, i);
      if (i >= n || h % 13 == 0 || (i / 500) % 9 == 4) f.retire(i, h % 2 == 0 ? Status::dead : Status::deserted);
    }
    f.live = n;  // entries [n, n + tail) are retired behind the living
    f.retired = 0;
    for (std::size_t i = 0; i < n; ++i) f.retired += !Fighters::living(f.status[i]);
    return f;
  };
  for (const std::size_t tail : {std::size_t{0}, std::size_t{37}}) {
    INFO(tail << " retired behind the living");
    Fighters reference = make_mixed(70000, tail);
    const Fighters before = reference;
    reference.compact(azsim::exec::Executor(1, azsim::exec::Backend::serial));
    // The living first, in their order, then the retired of [0, live), in theirs.
    std::vector<std::uint64_t> living, gone;
    for (std::size_t i = 0; i < before.live; ++i)
      (Fighters::living(before.status[i]) ? living : gone).push_back(before.key[i]);
    REQUIRE(reference.live == living.size());
    REQUIRE(reference.retired == 0);
    for (std::size_t i = 0; i < living.size(); ++i) REQUIRE(reference.key[i] == living[i]);
    for (std::size_t i = 0; i < gone.size(); ++i) REQUIRE(reference.key[living.size() + i] == gone[i]);
    for (std::size_t i = 0; i < tail; ++i) REQUIRE(reference.key[before.live + i] == before.key[before.live + i]);
    for (int threads : {2, 8}) {
      const azsim::exec::Executor ex(threads, azsim::exec::Backend::tbb);
      REQUIRE(ex.effective_concurrency() == threads);
      Fighters f = before;
      f.compact(ex);
      INFO(threads << " threads");
      CHECK(same(f, reference));
    }
  }
}
