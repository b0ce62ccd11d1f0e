// Phase 5, movement: fighters travel along the graph one edge at a time; crossing an edge
// takes ceil(km / speed) days (road or track speed), at least one. A fighter with an order
// (target) sets off along the shortest path toward it; on arrival the order is complete.

#include <algorithm>

#include "core/exec/executor.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

namespace {

/// One fighter's day on the road (the rule itself, shared by both paths below). Returns what
/// happened to him: whether he arrived somewhere, set off, or still has an order or a road.
struct Moved {
  bool arrived = false, departed = false, pending = false;
  Index from = kNone;  ///< where he stood (arrival: where he came from)
};

inline Moved move_one(const World& w, Day today, std::size_t i, Status s, std::int16_t* location, std::int16_t* next,
                      std::int16_t* target, std::int32_t* arrive_day) {
  Moved m;
  const std::int16_t tg = target[i];
  if (next[i] != kNone) {
    if (arrive_day[i] > today) {
      m.pending = true;
      return m;
    }
    m.from = location[i];
    m.arrived = true;
    location[i] = next[i];
    next[i] = static_cast<std::int16_t>(kNone);
  }
  if (tg == kNone) return m;
  if (tg == location[i]) {
    target[i] = static_cast<std::int16_t>(kNone);
    return m;
  }
  m.pending = true;
  if (s != Status::active) return m;  // the wounded wait where they are
  const Index hop = next_hop(w, location[i], tg);
  if (hop == kNone) {  // unreachable: the order lapses
    target[i] = static_cast<std::int16_t>(kNone);
    m.pending = false;
    return m;
  }
  next[i] = static_cast<std::int16_t>(hop);
  arrive_day[i] = today + edge_days(w, location[i], hop);
  m.departed = true;
  return m;
}

}  // namespace

void move_fighters(World& w, const exec::Executor& ex) {
  auto& fi = w.fighters;
  const Day today = w.day;
  // With several threads and a day on which many move, the parallel full pass is faster than
  // the serial visit of the movers; both leave the same state (tests/models/azawad/
  // test_invariants.cpp), so the choice cannot change any result.
  const std::size_t arriving = static_cast<std::size_t>(today) < w.arrivals.size()
                              ? w.arrivals[static_cast<std::size_t>(today)].size() : 0;
  const bool busy = ex.threads() > 1 && (w.ordered.size() + arriving) * 8 > fi.live;
  if (compaction_due(w) || busy) {
    // The retired are compacted today: every fighter is visited, recounted and rostered anew.
    // Each fighter writes only its own entries: the chunks are independent.
    sweep(w, ex, [&](std::size_t b, std::size_t e) {
      // Raw pointers, so that the stores do not make the compiler reload the arrays' addresses.
      const Status* const status = fi.status.data();
      std::int16_t* const location = fi.location.data();
      std::int16_t* const next = fi.next.data();
      std::int16_t* const target = fi.target.data();
      std::int32_t* const arrive_day = fi.arrive_day.data();
      for (std::size_t i = b; i < e; ++i) {
        if (next[i] == kNone && target[i] == kNone) continue;  // at rest: nothing to do
        const Status s = status[i];
        if (!Fighters::living(s)) continue;
        (void)move_one(w, today, i, s, location, next, target, arrive_day);
      }
    });
    return;
  }
  // Otherwise only the fighters due to arrive today and those with an order not under way are
  // visited (the rest are at rest or on the road), and the counts the phases keep move with
  // them; the roster is then refreshed from the changes.
  std::vector<std::uint32_t> todo;
  todo.swap(w.ordered);
  if (static_cast<std::size_t>(today) < w.arrivals.size()) {
    auto& due = w.arrivals[static_cast<std::size_t>(today)];
    todo.insert(todo.end(), due.begin(), due.end());
    std::vector<std::uint32_t>().swap(due);
  }
  // Each once (a fighter may be listed twice): marked while visited.
  if (w.mark.size() < fi.live) w.mark.resize(fi.live, 0);
  std::uint8_t* const seen = w.mark.data();
  const Status* const status = fi.status.data();
  const std::int16_t* const faction = fi.faction.data();
  const std::int8_t* const group = fi.group.data();
  std::int16_t* const location = fi.location.data();
  std::int16_t* const next = fi.next.data();
  std::int16_t* const target = fi.target.data();
  std::int32_t* const arrive_day = fi.arrive_day.data();
  const auto G = static_cast<std::size_t>(w.G);
  for (const std::uint32_t i : todo) {
    if (seen[i]) continue;
    seen[i] = 1;
    const Status s = status[i];
    if (!Fighters::living(s) || (next[i] == kNone && target[i] == kNone)) continue;
    if (next[i] != kNone && arrive_day[i] > today) continue;  // still on the road (listed for later)
    const Moved m = move_one(w, today, i, s, location, next, target, arrive_day);
    const Index f = faction[i];
    if (m.arrived) {
      const Index to = location[i];
      if (s == Status::active) {
        --w.nodes.inbound[w.nf(to, f)];
        ++w.nodes.garrison[w.nf(to, f)];
        const auto g = static_cast<std::size_t>(group[i]);
        --w.armed_now[static_cast<std::size_t>(m.from) * G + g];
        ++w.armed_now[static_cast<std::size_t>(to) * G + g];
      } else {
        --w.nodes.wounded[w.nf(m.from, f)];
        ++w.nodes.wounded[w.nf(to, f)];
      }
      w.joins_roster(i);
    }
    if (m.departed) {
      const Index at = location[i];
      --w.nodes.garrison[w.nf(at, f)];
      ++w.nodes.inbound[w.nf(next[i], f)];
      w.leaves_roster(at, f, i);
      w.sets_off(i);
    } else if (m.pending) {
      w.gives_order(i);  // the wounded wait for their recovery where they are
    }
  }
  for (const std::uint32_t i : todo) seen[i] = 0;
  refresh_roster(w, ex);
}

}  // namespace azsim::azawad
