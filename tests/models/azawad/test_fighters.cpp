// Fighters: joining many at once (grow) leaves every array exactly as joining them one by one
// (add) does, whether or not retired entries sit behind the living.

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

#include "models/azawad/world.hpp"

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
