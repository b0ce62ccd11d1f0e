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
    // Raw pointers, so that the stores do not make the compiler reload the arrays' addresses.
    const Status* const status = fi.status.data();
    std::int16_t* const location = fi.location.data();
    std::int16_t* const next = fi.next.data();
    std::int16_t* const target = fi.target.data();
    std::int32_t* const arrive_day = fi.arrive_day.data();
    for (std::size_t i = b; i < e; ++i) {
      const std::int16_t tg = target[i];
      if (next[i] == kNone && tg == kNone) continue;  // at rest: nothing to do
      const Status s = status[i];
      if (!Fighters::living(s)) continue;
      if (next[i] != kNone) {
        if (arrive_day[i] > today) continue;
        location[i] = next[i];
        next[i] = static_cast<std::int16_t>(kNone);
      }
      if (tg == kNone) continue;
      if (tg == location[i]) {
        target[i] = static_cast<std::int16_t>(kNone);
        continue;
      }
      if (s != Status::active) continue;  // the wounded wait where they are
      const Index hop = next_hop(w, location[i], tg);
      if (hop == kNone) {  // unreachable: the order lapses
        target[i] = static_cast<std::int16_t>(kNone);
        continue;
      }
      next[i] = static_cast<std::int16_t>(hop);
      arrive_day[i] = today + edge_days(w, location[i], hop);
    }
  });
}

}  // namespace azsim::azawad
