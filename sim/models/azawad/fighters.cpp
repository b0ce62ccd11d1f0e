// Phase 9, fighters decide. Built here: the wounded return to duty. (The politics issue adds
// defection, desertion and recruitment to this phase.)

#include "core/exec/executor.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

void fighters_decide(World& w, const exec::Executor& ex) {
  auto& fi = w.fighters;
  const Day today = w.day;
  const auto F = static_cast<std::size_t>(w.F), NF = static_cast<std::size_t>(w.N) * F;
  // Recoveries, counted per (node, faction) where they stand or are headed, so the counts are
  // updated without a full recount (integer sums: exact in any order).
  const std::size_t width = 3 * NF;  // standing here, travelling to here, wounded by location
  std::vector<std::int64_t> delta = ex.reduce(
      fi.size(), 1u << 14, std::vector<std::int64_t>(width, 0),
      [&](std::size_t b, std::size_t e) {
        std::vector<std::int64_t> d(width, 0);
        for (std::size_t i = b; i < e; ++i) {
          if (fi.status[i] != Status::wounded || fi.recover_day[i] > today) continue;
          fi.status[i] = Status::active;
          const auto f = static_cast<std::size_t>(fi.faction[i]);
          if (fi.next[i] == kNone) ++d[static_cast<std::size_t>(fi.location[i]) * F + f];
          else ++d[NF + static_cast<std::size_t>(fi.next[i]) * F + f];
          ++d[2 * NF + static_cast<std::size_t>(fi.location[i]) * F + f];
        }
        return d;
      },
      [](std::vector<std::int64_t> acc, std::vector<std::int64_t> part) {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += part[k];
        return acc;
      });
  for (std::size_t k = 0; k < NF; ++k) {
    w.nodes.garrison[k] += delta[k];
    w.nodes.inbound[k] += delta[NF + k];
    w.nodes.wounded[k] -= delta[2 * NF + k];
    w.factions.active[k % F] += delta[2 * NF + k];
    w.factions.wounded[k % F] -= delta[2 * NF + k];
  }
}

}  // namespace azsim::azawad
