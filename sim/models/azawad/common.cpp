// Helpers shared by the phases of the day: tallies, terrain, retreat routes, orders.

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/exec/executor.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

namespace {
constexpr std::size_t kGrain = 1u << 14;  // fighters per chunk: fixed, so results never depend on threads
}

void tally(World& w, const exec::Executor& ex) {
  const auto N = static_cast<std::size_t>(w.N), F = static_cast<std::size_t>(w.F);
  const std::size_t garrison_at = 0, inbound_at = N * F, wounded_node_at = 2 * N * F,
                    active_at = 3 * N * F, wounded_at = active_at + F;
  const std::size_t width = wounded_at + F;
  const auto& fi = w.fighters;
  // Integer counts: the sum is exact, so chunk partials combine to the same result in any order.
  std::vector<std::int64_t> counts = ex.reduce(
      fi.size(), kGrain, std::vector<std::int64_t>(width, 0),
      [&](std::size_t b, std::size_t e) {
        std::vector<std::int64_t> c(width, 0);
        for (std::size_t i = b; i < e; ++i) {
          const auto f = static_cast<std::size_t>(fi.faction[i]);
          if (fi.status[i] == Status::active) {
            ++c[active_at + f];
            if (fi.next[i] == kNone)
              ++c[garrison_at + static_cast<std::size_t>(fi.location[i]) * F + f];
            else
              ++c[inbound_at + static_cast<std::size_t>(fi.next[i]) * F + f];
          } else if (fi.status[i] == Status::wounded) {
            ++c[wounded_at + f];
            ++c[wounded_node_at + static_cast<std::size_t>(fi.location[i]) * F + f];
          }
        }
        return c;
      },
      [](std::vector<std::int64_t> acc, std::vector<std::int64_t> part) {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += part[k];
        return acc;
      });
  std::copy_n(counts.begin() + static_cast<std::ptrdiff_t>(garrison_at), N * F, w.nodes.garrison.begin());
  std::copy_n(counts.begin() + static_cast<std::ptrdiff_t>(inbound_at), N * F, w.nodes.inbound.begin());
  std::copy_n(counts.begin() + static_cast<std::ptrdiff_t>(wounded_node_at), N * F, w.nodes.wounded.begin());
  std::copy_n(counts.begin() + static_cast<std::ptrdiff_t>(active_at), F, w.factions.active.begin());
  std::copy_n(counts.begin() + static_cast<std::ptrdiff_t>(wounded_at), F, w.factions.wounded.begin());
}

double defence_multiplier(const World& w, Index node) noexcept {
  const auto& n = w.spec->nodes[static_cast<std::size_t>(node)];
  switch (n.terrain) {
    case Terrain::urban:
    case Terrain::riverine: return w.params.combat.defender_factor;
    case Terrain::mountain: return w.params.combat.mountain_factor;
    case Terrain::desert: return 1.0;
  }
  return 1.0;
}

double air_equivalent(const World& w, Index faction) noexcept {
  return w.factions.air_power[static_cast<std::size_t>(faction)] * w.params.combat.air_factor;
}

bool holdable(const World& w, Index node) noexcept {
  return w.spec->nodes[static_cast<std::size_t>(node)].kind == NodeKind::town;
}

Index retreat_node(const World& w, Index faction, Index from) noexcept {
  Index best = kNone;
  double best_score = -std::numeric_limits<double>::infinity();
  for (Index m = 0; m < w.N; ++m) {
    if (m == from || edge_days(w, from, m) == 0) continue;
    double hostile = 0, friendly = 0;
    for (Index g = 0; g < w.F; ++g) {
      const auto here = static_cast<double>(w.nodes.garrison[w.nf(m, g)] + w.nodes.inbound[w.nf(m, g)]);
      if (w.at_war(faction, g)) hostile += here;
      else if (w.allied(faction, g)) friendly += here;
    }
    const auto kind = w.spec->nodes[static_cast<std::size_t>(m)].kind;
    double score = -hostile / 10.0 + friendly / 100.0 - edge_days(w, from, m);
    if (kind == NodeKind::rural || kind == NodeKind::refuge) score += 5;
    if (kind == NodeKind::border) score += 2;
    const auto& hq = w.spec->nodes[static_cast<std::size_t>(m)].hq_of;
    if (std::find(hq.begin(), hq.end(), faction) != hq.end()) score += 10;
    if (hostile > friendly) score -= 20;
    if (score > best_score) {
      best_score = score;
      best = m;
    }
  }
  return best;
}

std::int64_t order_fighters(World& w, Index faction, Index from, Index target, std::int64_t count) {
  auto& fi = w.fighters;
  std::int64_t ordered = 0;
  for (std::size_t i = 0; i < fi.size() && ordered < count; ++i) {
    if (fi.faction[i] != faction || fi.location[i] != from || fi.status[i] != Status::active ||
        fi.next[i] != kNone || fi.target[i] != kNone)
      continue;
    fi.target[i] = static_cast<std::int16_t>(target);
    ++ordered;
  }
  return ordered;
}

void depart_now(World& w, Index faction, Index from, Index target) {
  auto& fi = w.fighters;
  const Index hop = next_hop(w, from, target);
  if (hop == kNone || hop == from) return;
  const std::int32_t days = edge_days(w, from, hop);
  for (std::size_t i = 0; i < fi.size(); ++i) {
    if (fi.faction[i] != faction || fi.location[i] != from || fi.next[i] != kNone) continue;
    if (fi.status[i] != Status::active && fi.status[i] != Status::wounded) continue;
    fi.target[i] = static_cast<std::int16_t>(target);
    fi.next[i] = static_cast<std::int16_t>(hop);
    fi.arrive_day[i] = w.day + days;
    if (fi.status[i] == Status::active) {
      --w.nodes.garrison[w.nf(from, faction)];
      ++w.nodes.inbound[w.nf(hop, faction)];
    }
  }
}

}  // namespace azsim::azawad
