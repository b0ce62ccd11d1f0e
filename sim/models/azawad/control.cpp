// Phase 7, control: a town with garrisons of one faction is held by it; of several factions
// none of which are at war, shared; of factions at war, contested; with none, abandoned (its
// flag stays up until someone else's is raised, S21, S31). Rural zones, refuges and borders
// are never held ("open"): terrain denies control.

#include "models/azawad/phases.hpp"

namespace azsim::azawad {

void update_control(World& w) {
  auto& ns = w.nodes;
  for (Index n = 0; n < w.N; ++n) {
    const auto ni = static_cast<std::size_t>(n);
    FactionMask holders = 0;
    Index largest = kNone;
    std::int64_t largest_count = 0;
    for (Index f = 0; f < w.F; ++f) {
      const std::int64_t c = ns.garrison[w.nf(n, f)];
      if (c <= 0) continue;
      holders |= bit(f);
      if (c > largest_count) {
        largest_count = c;
        largest = f;
      }
    }
    ns.holders[ni] = holders;
    if (!holdable(w, n)) {
      ns.control[ni] = ControlState::open;
      continue;
    }
    if (holders == 0) {
      ns.control[ni] = ControlState::abandoned;
      continue;
    }
    bool war = false;
    for (Index a = 0; a < w.F && !war && (holders & (holders - 1)) != 0; ++a)  // (one holder: no war)
      for (Index b = a + 1; b < w.F && !war; ++b)
        war = (holders & bit(a)) && (holders & bit(b)) && w.at_war(a, b);
    if (war) {
      ns.control[ni] = ControlState::contested;
    } else if ((holders & (holders - 1)) == 0) {
      ns.control[ni] = ControlState::held;
      ns.flag[ni] = largest;
    } else {
      ns.control[ni] = ControlState::shared;
      if (ns.flag[ni] == kNone || !(holders & bit(ns.flag[ni]))) ns.flag[ni] = largest;
    }
  }
}

}  // namespace azsim::azawad
