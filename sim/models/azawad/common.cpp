// Helpers shared by the phases of the day: tallies, terrain, retreat routes, orders.

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <span>
#include <utility>

#include "core/exec/executor.hpp"
#include "core/exec/ordered.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

namespace {
constexpr std::size_t kGrain = 1u << 14;  // fighters per chunk: fixed, so results never depend on threads
}

namespace {
/// Layout of the per-chunk count vector: garrison N x F, inbound N x F, wounded by node N x F,
/// active F, wounded F.
struct CountLayout {
  std::size_t N, F, G, garrison, inbound, wounded_node, active, wounded, by_group, armed, width;
  explicit CountLayout(const World& w)
      : N(static_cast<std::size_t>(w.N)), F(static_cast<std::size_t>(w.F)), G(static_cast<std::size_t>(w.G)),
        garrison(0), inbound(N * F), wounded_node(2 * N * F), active(3 * N * F), wounded(3 * N * F + F),
        by_group(3 * N * F + 2 * F), armed(3 * N * F + 2 * F + F * G), width(3 * N * F + 2 * F + F * G + N * G) {}
};

/// Adds fighters [b, e) to the counts `c`, and to the roster bucket counts `r` those who stand
/// somewhere. Raw pointers: the stores into the counts cannot then make the compiler reload
/// the arrays' addresses.
void count_fighters(const World& w, const CountLayout& L, std::size_t b, std::size_t e, std::int64_t* c,
                    std::uint32_t* r, std::vector<std::uint32_t>& ordered, std::vector<std::uint32_t>& travelling) {
  const auto& fi = w.fighters;
  const std::int16_t* const faction = fi.faction.data();
  const std::int16_t* const location = fi.location.data();
  const std::int16_t* const next = fi.next.data();
  const std::int8_t* const group = fi.group.data();
  const Status* const status = fi.status.data();
  const std::int16_t* const target = fi.target.data();
  std::int64_t* const active = c + L.active;
  std::int64_t* const by_group = c + L.by_group;
  std::int64_t* const armed = c + L.armed;
  std::int64_t* const garrison = c + L.garrison;
  std::int64_t* const inbound = c + L.inbound;
  std::int64_t* const wounded = c + L.wounded;
  std::int64_t* const wounded_node = c + L.wounded_node;
  const std::size_t F = L.F, G = L.G;
  for (std::size_t i = b; i < e; ++i) {
    const Status st = status[i];
    if (st != Status::active && st != Status::wounded) continue;
    const auto f = static_cast<std::size_t>(faction[i]);
    const auto loc = static_cast<std::size_t>(location[i]);
    const std::int16_t nx = next[i];
    if (nx != kNone) travelling.push_back(static_cast<std::uint32_t>(i));
    else if (target[i] != kNone) ordered.push_back(static_cast<std::uint32_t>(i));
    if (st == Status::active) {
      const auto g = static_cast<std::size_t>(group[i]);
      ++active[f];
      ++by_group[f * G + g];
      ++armed[loc * G + g];
      if (nx == kNone) {
        ++garrison[loc * F + f];
        ++r[loc * F + f];
      } else {
        ++inbound[static_cast<std::size_t>(nx) * F + f];
      }
    } else {
      ++wounded[f];
      ++wounded_node[loc * F + f];
      if (nx == kNone) ++r[loc * F + f];
    }
  }
}

void store_counts(World& w, const CountLayout& L, const std::vector<std::int64_t>& counts) {
  const auto at = [&](std::size_t k) { return counts.begin() + static_cast<std::ptrdiff_t>(k); };
  std::copy_n(at(L.garrison), L.N * L.F, w.nodes.garrison.begin());
  std::copy_n(at(L.inbound), L.N * L.F, w.nodes.inbound.begin());
  std::copy_n(at(L.wounded_node), L.N * L.F, w.nodes.wounded.begin());
  std::copy_n(at(L.active), L.F, w.factions.active.begin());
  std::copy_n(at(L.wounded), L.F, w.factions.wounded.begin());
  // The ethnic mix of each faction's active fighters, and armed men by node and group.
  w.ethnic_mix.assign(L.F * L.G, 0.0);
  for (std::size_t f = 0; f < L.F; ++f) {
    const auto n = static_cast<double>(counts[L.active + f]);
    for (std::size_t g = 0; g < L.G && n > 0; ++g)
      w.ethnic_mix[f * L.G + g] = static_cast<double>(counts[L.by_group + f * L.G + g]) / n;
  }
  w.armed.assign(at(L.armed), at(L.armed + L.N * L.G));
  w.armed_now = w.armed;
  w.active_by_group.assign(at(L.by_group), at(L.by_group + L.F * L.G));
}

/// The ethnic mix and `armed` from the counts the phases keep (as store_counts computes them).
void snapshot_mix(World& w) {
  const auto F = static_cast<std::size_t>(w.F), G = static_cast<std::size_t>(w.G);
  w.ethnic_mix.assign(F * G, 0.0);
  for (std::size_t f = 0; f < F; ++f) {
    const auto n = static_cast<double>(w.factions.active[f]);
    for (std::size_t g = 0; g < G && n > 0; ++g)
      w.ethnic_mix[f * G + g] = static_cast<double>(w.active_by_group[f * G + g]) / n;
  }
  w.armed = w.armed_now;
}

/// Second half of a sweep: each bucket sized from the per-chunk bucket counts, then a parallel
/// scatter in which each chunk fills its own slots, so every bucket lists fighters by index.
void scatter_roster(World& w, const exec::Executor& ex, const std::vector<std::uint32_t>& bucket_counts,
                    std::size_t chunks) {
  const auto& fi = w.fighters;
  const std::size_t buckets = static_cast<std::size_t>(w.N) * static_cast<std::size_t>(w.F);
  w.roster.resize(buckets);
  w.roster_bucket.resize(fi.live);  // every entry set below, in parallel
  w.roster_slot.resize(fi.live);    // read only where the bucket is set
  std::vector<std::size_t> offset(chunks * buckets, 0);  // chunk c's first slot in bucket k
  for (std::size_t k = 0; k < buckets; ++k) {
    std::size_t total = 0;
    for (std::size_t c = 0; c < chunks; ++c) {
      offset[c * buckets + k] = total;
      total += bucket_counts[c * buckets + k];
    }
    w.roster[k].resize(total);
  }
  ex.for_chunks(fi.live, kGrain, [&](std::size_t b, std::size_t e) {
    std::size_t* const o = offset.data() + (b / kGrain) * buckets;
    std::vector<std::uint32_t>* const roster = w.roster.data();
    const std::int16_t* const faction = fi.faction.data();
    const std::int16_t* const location = fi.location.data();
    const std::int16_t* const next = fi.next.data();
    const Status* const status = fi.status.data();
    const auto F = static_cast<std::size_t>(w.F);
    for (std::size_t i = b; i < e; ++i) {
      if (next[i] != kNone || !Fighters::living(status[i])) {
        w.roster_bucket[i] = World::kNoBucket;
        continue;
      }
      const std::size_t k = static_cast<std::size_t>(location[i]) * F + static_cast<std::size_t>(faction[i]);
      w.roster_bucket[i] = static_cast<std::uint32_t>(k);
      w.roster_slot[i] = static_cast<std::uint32_t>(o[k]);
      roster[k][o[k]++] = static_cast<std::uint32_t>(i);
    }
  });
}

/// After a compaction (which moves fighters to other indices): the lists by day anew, each in
/// index order, built in fixed chunks (in one pass on one thread).
void relist_by_day(World& w, const exec::Executor& ex) {
  const auto& fi = w.fighters;
  for (auto& l : w.checks) l.clear();
  for (auto& l : w.recoveries) l.clear();
  const Status* const status = fi.status.data();
  const std::int32_t* const check_day = fi.check_day.data();
  const std::int32_t* const recover_day = fi.recover_day.data();
  const std::int64_t today = w.day, days = w.spec->days;
  const auto on = [&](std::int64_t d) { return d >= today && d < days ? static_cast<std::size_t>(d) : exec::kNoList; };
  if (ex.threads() == 1) {
    // One pass on one thread, for the same three lists as the chunked passes below give (each
    // in index order, as its plain loop would).
    w.unchecked.clear();
    const auto list = [](std::vector<std::vector<std::uint32_t>>& lists, std::size_t d, std::size_t i) {
      if (lists.size() <= d) lists.resize(d + 1);
      lists[d].push_back(static_cast<std::uint32_t>(i));
    };
    for (std::size_t i = 0; i < fi.live; ++i) {
      const Status s = status[i];
      if (!Fighters::living(s)) continue;
      if (check_day[i] < 0) w.unchecked.push_back(static_cast<std::uint32_t>(i));
      else if (const std::size_t d = on(check_day[i]); d != exec::kNoList) list(w.checks, d, i);
      if (s != Status::wounded) continue;
      if (const std::size_t d = on(recover_day[i]); d != exec::kNoList) list(w.recoveries, d, i);
    }
    w.checks_drawn = fi.live;
    return;
  }
  const auto index = [](std::size_t i) { return static_cast<std::uint32_t>(i); };
  w.unchecked = exec::filter_in_order(ex, fi.live, kGrain, [&](std::size_t i) {
    return Fighters::living(status[i]) && check_day[i] < 0;
  });
  exec::append_in_order(ex, fi.live, kGrain, w.checks, [&](std::size_t i) {
    return Fighters::living(status[i]) && check_day[i] >= 0 ? on(check_day[i]) : exec::kNoList;
  }, index);
  exec::append_in_order(ex, fi.live, kGrain, w.recoveries, [&](std::size_t i) {
    return status[i] == Status::wounded ? on(recover_day[i]) : exec::kNoList;
  }, index);
  w.checks_drawn = fi.live;
}
}  // namespace

void sweep(World& w, const exec::Executor& ex, const std::function<void(std::size_t, std::size_t)>& update) {
  const CountLayout L(w);
  // The retired are moved out of the way once they are more than a sixteenth of the entries
  // the passes walk (the roster, rebuilt below, is the only thing holding indices).
  if (w.fighters.retired * 16 > w.fighters.live) {
    w.fighters.compact(ex);
    relist_by_day(w, ex);
  }
  const std::size_t n = w.fighters.live;
  const std::size_t chunks = (n + kGrain - 1) / kGrain;
  const std::size_t buckets = L.N * L.F;
  std::vector<std::int64_t> counts(chunks * L.width, 0);
  std::vector<std::uint32_t> bucket_counts(chunks * buckets, 0);
  std::vector<std::vector<std::uint32_t>> ordered(chunks), travelling(chunks);
  ex.for_chunks(n, kGrain, [&](std::size_t b, std::size_t e) {
    if (update) update(b, e);
    const std::size_t c = b / kGrain;
    std::int64_t* cc = counts.data() + c * L.width;
    std::uint32_t* rc = bucket_counts.data() + c * buckets;
    count_fighters(w, L, b, e, cc, rc, ordered[c], travelling[c]);
  });
  w.ordered.clear();
  for (const auto& part : ordered) w.ordered.insert(w.ordered.end(), part.begin(), part.end());
  w.arrivals.clear();
  {
    std::vector<std::uint32_t> on_road;
    for (const auto& part : travelling) on_road.insert(on_road.end(), part.begin(), part.end());
    const std::int32_t* const arrive_day = w.fighters.arrive_day.data();
    exec::append_in_order(
        ex, on_road.size(), kGrain, w.arrivals, [&](std::size_t k) { return static_cast<std::size_t>(arrive_day[on_road[k]]); },
        [&](std::size_t k) { return on_road[k]; });
  }
  w.roster_remove.clear();
  w.roster_add.clear();
  w.roster_kept = true;
  // Integer sums: exact, and taken in chunk order anyway.
  std::vector<std::int64_t> total(L.width, 0);
  for (std::size_t c = 0; c < chunks; ++c)
    for (std::size_t k = 0; k < L.width; ++k) total[k] += counts[c * L.width + k];
  store_counts(w, L, total);
  scatter_roster(w, ex, bucket_counts, chunks);
}

void tally(World& w, const exec::Executor& ex) { sweep(w, ex, nullptr); }

void build_roster(World& w, const exec::Executor& ex) { sweep(w, ex, nullptr); }

bool compaction_due(const World& w) noexcept {
  return w.fighters.retired * 16 > w.fighters.live || !w.roster_kept;
}

void refresh_roster(World& w, const exec::Executor& ex) {
  if (compaction_due(w)) {
    build_roster(w, ex);
    return;
  }
  const auto& fi = w.fighters;
  const auto F = static_cast<std::size_t>(w.F);
  const Status* const status = fi.status.data();
  const std::int16_t* const faction = fi.faction.data();
  const std::int16_t* const location = fi.location.data();
  const std::int16_t* const next = fi.next.data();
  const std::size_t n = fi.live;
  auto stands = [&](std::uint32_t i, std::size_t bucket) {
    return next[i] == kNone && Fighters::living(status[i]) &&
           static_cast<std::size_t>(location[i]) * F + static_cast<std::size_t>(faction[i]) == bucket;
  };
  if (w.roster_add.empty() && w.roster_remove.empty()) {
    snapshot_mix(w);
    return;
  }
  // O(1) per change, in the order the changes were noted: a leaver's entry is filled by
  // the bucket's last; a newcomer is appended.
  if (w.roster_bucket.size() < n) {
    w.roster_bucket.resize(n, World::kNoBucket);
    w.roster_slot.resize(n, 0);
  }
  std::uint32_t* const bucket_of = w.roster_bucket.data();
  std::uint32_t* const slot_of = w.roster_slot.data();
  auto take_out = [&](std::uint32_t i) {
    std::vector<std::uint32_t>& b = w.roster[bucket_of[i]];
    const std::uint32_t last = b.back();
    b[slot_of[i]] = last;
    slot_of[last] = slot_of[i];
    b.pop_back();
    bucket_of[i] = World::kNoBucket;
  };
  for (const std::uint64_t r : w.roster_remove) {
    const auto i = static_cast<std::uint32_t>(r);
    const auto k = static_cast<std::size_t>(r >> 32);
    if (bucket_of[i] == k && !stands(i, k)) take_out(i);
  }
  for (const std::uint32_t i : w.roster_add) {
    if (next[i] != kNone || !Fighters::living(status[i])) continue;
    const std::size_t k = static_cast<std::size_t>(location[i]) * F + static_cast<std::size_t>(faction[i]);
    if (bucket_of[i] == k) continue;
    if (bucket_of[i] != World::kNoBucket) take_out(i);  // moved buckets without a leaving note
    bucket_of[i] = static_cast<std::uint32_t>(k);
    slot_of[i] = static_cast<std::uint32_t>(w.roster[k].size());
    w.roster[k].push_back(i);
  }
  w.roster_add.clear();
  w.roster_remove.clear();
  snapshot_mix(w);
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
  const std::span<const std::uint32_t> bucket = w.standing_at(from, faction);
  if (count <= 0 || bucket.empty()) return 0;
  // Raw pointers and the notes written in place (room for the most there can be): the stores
  // would otherwise make the compiler reload every array's address for each fighter.
  const auto& fi = w.fighters;
  const std::int16_t* const faction_of = fi.faction.data();
  const std::int16_t* const location = fi.location.data();
  const Status* const status = fi.status.data();
  const std::int16_t* const next = fi.next.data();
  std::int16_t* const order = w.fighters.target.data();
  const std::size_t noted = w.ordered.size();
  w.ordered.resize(noted + std::min(bucket.size(), static_cast<std::size_t>(count)));
  std::uint32_t* const notes = w.ordered.data() + noted;
  const auto f = static_cast<std::int16_t>(faction), at = static_cast<std::int16_t>(from);
  const auto to = static_cast<std::int16_t>(target);
  std::int64_t ordered = 0;
  for (const std::uint32_t i : bucket) {
    if (ordered >= count) break;
    if (faction_of[i] != f || location[i] != at || status[i] != Status::active || next[i] != kNone || order[i] != kNone)
      continue;
    order[i] = to;
    notes[ordered++] = i;  // gives_order(i)
  }
  w.ordered.resize(noted + static_cast<std::size_t>(ordered));
  return ordered;
}

void depart_now(World& w, Index faction, Index from, Index target) {
  auto& fi = w.fighters;
  const Index hop = next_hop(w, from, target);
  if (hop == kNone || hop == from) return;
  const std::int32_t days = edge_days(w, from, hop);
  for (const std::uint32_t i : w.standing_at(from, faction)) {
    if (fi.faction[i] != faction || fi.location[i] != from || fi.next[i] != kNone) continue;
    if (fi.status[i] != Status::active && fi.status[i] != Status::wounded) continue;
    fi.target[i] = static_cast<std::int16_t>(target);
    fi.next[i] = static_cast<std::int16_t>(hop);
    fi.arrive_day[i] = w.day + days;
    w.sets_off(i);
    w.leaves_roster(from, faction, i);
    if (fi.status[i] == Status::active) {
      --w.nodes.garrison[w.nf(from, faction)];
      ++w.nodes.inbound[w.nf(hop, faction)];
    }
  }
}

namespace {
/// Towns f held or shared on a day, given that day's holders and control.
int towns_of(const World& w, const std::vector<FactionMask>& holders, const std::vector<ControlState>& control, Index f) {
  int towns = 0;
  for (Index n = 0; n < w.N; ++n) {
    const auto ni = static_cast<std::size_t>(n);
    towns += (holders[ni] & bit(f)) && (control[ni] == ControlState::held || control[ni] == ControlState::shared);
  }
  return towns;
}

}  // namespace

/// Who is winning: the log growth of f's active fighters over the last 30 days plus that of
/// the towns it holds or shares (each + 1).
double momentum(const World& w, Index f) {
  constexpr std::size_t kMomentumDays = 30;
  const auto& h = w.active_by_day;
  if (h.empty()) return 0.0;
  const std::size_t back = h.size() > kMomentumDays ? h.size() - kMomentumDays : 0;
  const auto fi = static_cast<std::size_t>(f);
  const double fighters =
      std::log((static_cast<double>(w.factions.active[fi]) + 1.0) / (static_cast<double>(h[back][fi]) + 1.0));
  const DailyRecord& then = w.history[back];
  const double towns = std::log((towns_of(w, w.nodes.holders, w.nodes.control, f) + 1.0) /
                                (towns_of(w, then.holders, then.control, f) + 1.0));
  return fighters + towns;
}

double fighting_morale(const World& w, Index f) {
  const double m = w.factions.morale[static_cast<std::size_t>(f)];
  const double k = w.params.strategy.morale_momentum;
  return k > 0 ? m * std::exp(k * std::min(0.0, momentum(w, f))) : m;
}

}  // namespace azsim::azawad
