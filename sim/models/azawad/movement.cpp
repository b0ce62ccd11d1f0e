// Phase 5, movement: fighters travel along the graph one edge at a time; crossing an edge
// takes ceil(km / speed) days (road or track speed), at least one. A fighter with an order
// (target) sets off along the shortest path toward it; on arrival the order is complete.

#include "core/exec/executor.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

void move_fighters(World& w, const exec::Executor& ex) {
  auto& fi = w.fighters;
  const Day today = w.day;
  // Each fighter writes only its own entries: the chunks are independent. The same pass
  // recounts garrisons and rebuilds the roster.
  sweep(w, ex, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const Status s = fi.status[i];
      if (s != Status::active && s != Status::wounded) continue;
      if (fi.next[i] != kNone) {
        if (fi.arrive_day[i] > today) continue;
        fi.location[i] = fi.next[i];
        fi.next[i] = static_cast<std::int16_t>(kNone);
      }
      if (fi.target[i] == kNone) continue;
      if (fi.target[i] == fi.location[i]) {
        fi.target[i] = static_cast<std::int16_t>(kNone);
        continue;
      }
      if (s != Status::active) continue;  // the wounded wait where they are
      const Index hop = next_hop(w, fi.location[i], fi.target[i]);
      if (hop == kNone) {  // unreachable: the order lapses
        fi.target[i] = static_cast<std::int16_t>(kNone);
        continue;
      }
      fi.next[i] = static_cast<std::int16_t>(hop);
      fi.arrive_day[i] = today + edge_days(w, fi.location[i], hop);
    }
  });
}

}  // namespace azsim::azawad
