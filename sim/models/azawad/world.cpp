#include "models/azawad/world.hpp"

#include "core/exec/executor.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "core/random/samplers.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {

const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::active: return "active";
    case Status::wounded: return "wounded";
    case Status::dead: return "dead";
    case Status::deserted: return "deserted";
    case Status::captured: return "captured";
  }
  return "?";
}

const char* to_string(ControlState s) noexcept {
  switch (s) {
    case ControlState::held: return "held";
    case ControlState::shared: return "shared";
    case ControlState::contested: return "contested";
    case ControlState::abandoned: return "abandoned";
    case ControlState::open: return "open";
  }
  return "?";
}

std::size_t Fighters::add(std::uint64_t k, Index f, Index g, Index h, Index loc, Day d) {
  const std::size_t i = grow(1);
  init(i, k, f, g, h, loc, d);
  return i;
}

std::size_t Fighters::grow(std::size_t count) {
  // One add() at a time would put each new fighter at `live`, moving the entry there (a
  // retired one, when any are behind the living) to the end. Done at once: with r retired
  // behind the living, the first min(count, r) of them go to the end in order; when count
  // exceeds r, the retired end up rotated, entry live + count + m holding the retired
  // (count + m) mod r. (The retired are in no particular order, but the same moves keep
  // every array exactly as before.)
  const std::size_t first = live, old_size = size(), r = old_size - live;
  for_each_array([&](auto& v) {
    if (count == 1) {  // the common case (one add()), as add() always did it
      if (r == 0) {
        v.emplace_back();
      } else {
        const auto x = v[first];
        v.push_back(x);
      }
    } else if (r == 0) {
      v.resize(old_size + count);
    } else if (count <= r) {
      v.resize(old_size + count);
      std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(first), count, v.begin() + static_cast<std::ptrdiff_t>(old_size));
    } else {
      using T = std::decay_t<decltype(v[0])>;
      const std::vector<T> behind(v.begin() + static_cast<std::ptrdiff_t>(first), v.end());
      v.resize(old_size + count);
      for (std::size_t m = 0; m < r; ++m) v[first + count + m] = behind[(count + m) % r];
    }
  });
  live += count;
  return first;
}

void Fighters::init(std::size_t i, std::uint64_t k, Index f, Index g, Index h, Index loc, Day d) noexcept {
  key[i] = k;
  faction[i] = static_cast<std::int16_t>(f);
  origin[i] = static_cast<std::int16_t>(f);
  group[i] = static_cast<std::int8_t>(g);
  home[i] = static_cast<std::int16_t>(h);
  location[i] = static_cast<std::int16_t>(loc);
  next[i] = static_cast<std::int16_t>(kNone);
  target[i] = static_cast<std::int16_t>(kNone);
  arrive_day[i] = 0;
  status[i] = Status::active;
  loyalty[i] = 0.5f;
  ideology[i] = 0.5f;
  reservation_wage[i] = 0.0f;
  joined_day[i] = d;
  recover_day[i] = 0;
  defected_to[i] = static_cast<std::int16_t>(kNone);
  defected_day[i] = -1;
  check_day[i] = -1;
}

void Fighters::compact(const exec::Executor& ex) {
  // Where each entry goes: the living first, then the retired, each in their order. The
  // destinations come from per-chunk counts, so the chunks can be gathered independently.
  constexpr std::size_t grain = 1u << 14;
  const std::size_t chunks = (live + grain - 1) / grain;
  std::vector<std::size_t> living_in(chunks, 0);
  ex.for_chunks(live, grain, [&](std::size_t b, std::size_t e) {
    std::size_t k = 0;
    for (std::size_t i = b; i < e; ++i) k += living(status[i]);
    living_in[b / grain] = k;
  });
  std::size_t kept = 0;
  std::vector<std::size_t> first_living(chunks), first_retired(chunks);
  for (std::size_t c = 0; c < chunks; ++c) first_living[c] = std::exchange(kept, kept + living_in[c]);
  std::size_t retired_at = kept;
  for (std::size_t c = 0; c < chunks; ++c) {
    first_retired[c] = retired_at;
    retired_at += std::min(live, (c + 1) * grain) - c * grain - living_in[c];
  }
  // Each chunk as runs of consecutive entries that stay together (living or retired), with
  // where each run goes; entries before the first retired one stay where they are.
  struct Run {
    std::uint32_t from, to, length;
  };
  std::vector<std::vector<Run>> runs(chunks);
  ex.for_chunks(live, grain, [&](std::size_t b, std::size_t e) {
    auto& out = runs[b / grain];
    std::size_t l = first_living[b / grain], r = first_retired[b / grain];
    for (std::size_t i = b; i < e;) {
      const bool alive = living(status[i]);
      std::size_t j = i + 1;
      while (j < e && living(status[j]) == alive) ++j;
      std::size_t& to = alive ? l : r;
      out.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(to), static_cast<std::uint32_t>(j - i)});
      to += j - i;
      i = j;
    }
  });
  std::size_t from = live;  // the first entry that moves: the runs before it stay in place
  for (std::size_t c = 0; c < chunks && from == live; ++c)
    for (const Run& run : runs[c])
      if (run.to != run.from) {  // every destination of this run and the later ones is past its start
        from = run.from;
        break;
      }
  const std::size_t moving = live - from;
  if (moving == 0) {  // the retired are already behind the living
    live = kept;
    retired = 0;
    return;
  }
  if (ex.threads() == 1) {
    // On one thread, in place: the living only ever move down, so in index order each run can
    // be moved where it goes without overwriting one not yet moved; the retired are held apart
    // meanwhile (a sixteenth or so of the entries), then put behind the living.
    const std::size_t held_count = live - kept;
    const std::unique_ptr<std::byte[]> scratch(new std::byte[held_count * sizeof(std::uint64_t) + 1]);
    for_each_array([&](auto& v) {
      using T = std::decay_t<decltype(v[0])>;
      static_assert(sizeof(T) <= sizeof(std::uint64_t) && std::is_trivially_copyable_v<T>);
      T* const held = reinterpret_cast<T*>(scratch.get());
      T* const data = v.data();
      for (std::size_t c = 0; c < chunks; ++c)
        for (const Run& run : runs[c]) {
          if (run.to >= kept) std::copy_n(data + run.from, run.length, held + (run.to - kept));  // retired
          else if (run.to != run.from) std::memmove(data + run.to, data + run.from, run.length * sizeof(T));
        }
      std::copy_n(held, held_count, data + kept);
    });
    live = kept;
    retired = 0;
    return;
  }
  // On several threads: every moving entry gathered into one scratch buffer (uninitialised:
  // each slot is written before it is read; every entry of [from, live) is in exactly one run),
  // in parallel chunks, then copied back in parallel.
  const std::unique_ptr<std::byte[]> scratch(new std::byte[moving * sizeof(std::uint64_t) + 1]);
  for_each_array([&](auto& v) {
    using T = std::decay_t<decltype(v[0])>;
    static_assert(sizeof(T) <= sizeof(std::uint64_t) && std::is_trivially_copyable_v<T>);
    T* const moved = reinterpret_cast<T*>(scratch.get());
    T* const data = v.data();
    ex.for_chunks(chunks, 1, [&](std::size_t b, std::size_t e) {
      for (std::size_t c = b; c < e; ++c)
        for (const Run& run : runs[c])
          if (run.to >= from) std::copy_n(data + run.from, run.length, moved + (run.to - from));
    });
    ex.for_chunks(moving, grain, [&](std::size_t b, std::size_t e) {
      std::copy(moved + b, moved + e, data + from + b);
    });
  });
  live = kept;
  retired = 0;
}

std::int64_t World::population(int n) const noexcept {
  std::int64_t total = 0;
  for (int g = 0; g < G; ++g) total += nodes.population[ng(n, g)];
  return total;
}

namespace {

/// Splits `count` over shares by largest remainder: deterministic, sums exactly to count.
std::vector<std::int64_t> apportion(std::int64_t count, const std::vector<double>& shares) {
  std::vector<std::int64_t> out(shares.size(), 0);
  std::vector<std::pair<double, std::size_t>> rest;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const double exact = static_cast<double>(count) * shares[i];
    out[i] = static_cast<std::int64_t>(std::floor(exact));
    given += out[i];
    rest.emplace_back(exact - std::floor(exact), i);
  }
  std::stable_sort(rest.begin(), rest.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < count && k < rest.size(); ++k, ++given) ++out[rest[k].second];
  return out;
}

void all_pairs_shortest_paths(World& w) {
  const auto& spec = *w.spec;
  const int N = w.N;
  const double inf = std::numeric_limits<double>::infinity();
  w.path_km.assign(static_cast<std::size_t>(N * N), inf);
  w.next_hop.assign(static_cast<std::size_t>(N * N), kNone);
  w.edge_days.assign(static_cast<std::size_t>(N * N), 0);
  auto at = [N](int a, int b) { return static_cast<std::size_t>(a * N + b); };
  for (int n = 0; n < N; ++n) {
    w.path_km[at(n, n)] = 0;
    w.next_hop[at(n, n)] = n;
  }
  for (const auto& e : spec.edges) {
    const double speed = e.kind == EdgeKind::road ? w.params.movement.road_speed
                                                  : w.params.movement.track_speed;
    const auto days = static_cast<std::int32_t>(std::max(1.0, std::ceil(e.km / speed)));
    for (auto [a, b] : {std::pair{e.from, e.to}, std::pair{e.to, e.from}}) {
      w.edge_days[at(a, b)] = days;
      if (e.km < w.path_km[at(a, b)]) {
        w.path_km[at(a, b)] = e.km;
        w.next_hop[at(a, b)] = b;
      }
    }
  }
  // Floyd-Warshall; ties keep the earlier path, so the result does not depend on anything but
  // the declared graph.
  for (int k = 0; k < N; ++k)
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j)
        if (w.path_km[at(i, k)] + w.path_km[at(k, j)] < w.path_km[at(i, j)]) {
          w.path_km[at(i, j)] = w.path_km[at(i, k)] + w.path_km[at(k, j)];
          w.next_hop[at(i, j)] = w.next_hop[at(i, k)];
        }
}

}  // namespace

World build_world(const ScenarioSpec& spec, const ParameterSet& parameters, rng::RunKey key) {
  const exec::Executor serial(1, exec::Backend::serial);
  return build_world(spec, parameters, key, serial);
}

World build_world(const ScenarioSpec& spec, const ParameterSet& parameters, rng::RunKey key, const exec::Executor& ex) {
  World w;
  w.spec = &spec;
  w.params = ModelParams::from(parameters);
  w.key = key;
  w.N = static_cast<int>(spec.nodes.size());
  w.F = static_cast<int>(spec.factions.size());
  w.G = static_cast<int>(spec.groups.size());
  const auto N = static_cast<std::size_t>(w.N), F = static_cast<std::size_t>(w.F),
             G = static_cast<std::size_t>(w.G);

  for (const auto& n : spec.nodes) w.node_key.push_back(rng::stable_id("node:" + n.id));
  for (const auto& f : spec.factions) w.faction_key.push_back(rng::stable_id("faction:" + f.id));
  for (const auto& g : spec.groups) w.group_key.push_back(rng::stable_id("group:" + g.id));

  // Factions.
  auto& fs = w.factions;
  for (const auto& f : spec.factions) {
    fs.treasury.push_back(f.treasury_cfa);
    fs.income.push_back(0);
    fs.pay.push_back(f.pay_cfa_per_day);
    fs.morale.push_back(f.morale);
    fs.air_power.push_back(f.kind == FactionKind::outside ? 0.0 : f.air_power);
    fs.goal.push_back(f.goal);
    fs.entered.push_back(f.kind == FactionKind::outside ? 0 : 1);
    fs.objectives.emplace_back();
  }
  fs.active.assign(F, 0);
  fs.wounded.assign(F, 0);
  fs.killed.assign(F, 0);
  fs.recruited.assign(F, 0);
  fs.initial.assign(F, 0);
  fs.paid_share.assign(F, 1.0);
  fs.peak.assign(F, 0.0);
  fs.weariness.assign(F, 0.0);
  fs.campaign.assign(F, kNone);
  fs.campaign_since.assign(F, 0);
  w.perception_z.assign(F * static_cast<std::size_t>(w.N), 0.0);
  w.perception_day.assign(F * static_cast<std::size_t>(w.N), -1);

  // Nodes.
  auto& ns = w.nodes;
  ns.population.assign(N * G, 0);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t g = 0; g < G; ++g) ns.population[n * G + g] = spec.nodes[n].population[g];
  ns.displaced.assign(N * G, 0);
  ns.abroad.assign(N * G, 0);
  ns.garrison.assign(N * F, 0);
  ns.inbound.assign(N * F, 0);
  ns.wounded.assign(N * F, 0);
  ns.holders.assign(N, 0);
  ns.control.assign(N, ControlState::abandoned);
  ns.flag.resize(N);
  for (std::size_t n = 0; n < N; ++n) ns.flag[n] = spec.nodes[n].controller;
  ns.engagement_start.assign(N, -1);
  ns.engagement.assign(N, -1);
  ns.engagement_defenders.assign(N, 0);
  ns.engagement_strength.assign(N * F, 0);
  ns.engagement_killed.assign(N * F, 0);
  ns.engagement_lost.assign(N * F, 0);

  // Relations and grievance.
  w.relation = Eigen::MatrixXd::Zero(w.F, w.F);
  w.relation_state.assign(F * F, RelationState::neutral);
  w.relation_since.assign(F * F, 0);
  for (int f = 0; f < w.F; ++f) {
    w.relation(f, f) = 1.0;
    w.relation_state[w.ff(f, f)] = RelationState::allied;
  }
  for (const auto& r : spec.relations) {
    w.relation(r.a, r.b) = w.relation(r.b, r.a) = r.value;
    w.relation_state[w.ff(r.a, r.b)] = w.relation_state[w.ff(r.b, r.a)] = r.state;
  }
  w.grievance = Eigen::MatrixXd::Zero(w.G, w.G);
  for (const auto& g : spec.grievance) w.grievance(g.group, g.against) = g.value;
  w.mediation = Eigen::MatrixXd::Zero(w.F, w.F);
  w.excitation = Eigen::MatrixXd::Zero(w.G, w.G);
  w.recent_defections.assign(N * F, 0.0);
  w.ethnic_mix.assign(F * G, 0.0);
  w.active_by_group.assign(F * G, 0);
  w.armed_now.assign(N * G, 0);
  w.armed.assign(N * G, 0);
  // Support: entries in order, later ones override earlier ones for the same community.
  w.support.assign(N * G * F, 0.0);
  for (const auto& sp : spec.support) {
    auto apply = [&](std::size_t n) { w.support[w.ngf(static_cast<int>(n), sp.group, sp.faction)] = sp.value; };
    if (sp.nodes.empty())
      for (std::size_t n = 0; n < N; ++n) apply(n);
    else
      for (Index n : sp.nodes) apply(static_cast<std::size_t>(n));
  }

  all_pairs_shortest_paths(w);
  w.decay.resize(w.path_km.size());
  for (std::size_t k = 0; k < w.path_km.size(); ++k) w.decay[k] = std::exp(-w.path_km[k] / w.params.strategy.projection_km);

  // Fighters: each force entry's fighters, split over groups by largest remainder, keyed by
  // (faction, node, the entry's ordinal among entries of that pair, serial number). Each
  // entry's fighters joined at once (as one add() each would), their traits drawn from their
  // own keys in fixed chunks (in parallel when several threads).
  std::vector<int> ordinal(N * F, 0);
  for (const auto& force : spec.forces) {
    const std::size_t pair = static_cast<std::size_t>(force.node) * F + static_cast<std::size_t>(force.faction);
    const std::uint64_t base = rng::combine(
        rng::combine(w.faction_key[static_cast<std::size_t>(force.faction)],
                     w.node_key[static_cast<std::size_t>(force.node)]),
        static_cast<std::uint64_t>(ordinal[pair]++));
    const auto per_group = apportion(force.fighters, force.ethnicity);
    const auto& faction = spec.factions[static_cast<std::size_t>(force.faction)];
    std::vector<std::size_t> group_end(per_group.size());  // serial numbers [.., end) are of group g
    std::size_t count = 0;
    for (std::size_t g = 0; g < per_group.size(); ++g) group_end[g] = count += static_cast<std::size_t>(per_group[g]);
    const std::size_t first = w.fighters.grow(count);
    auto& fi = w.fighters;
    constexpr std::size_t kTraitGrain = 1u << 12;  // fighters per chunk: fixed, whatever the threads
    ex.for_chunks(count, kTraitGrain, [&](std::size_t b, std::size_t e) {
      std::size_t g = static_cast<std::size_t>(std::upper_bound(group_end.begin(), group_end.end(), b) - group_end.begin());
      for (std::size_t serial = b; serial < e; ++serial) {
        while (serial >= group_end[g]) ++g;
        const std::uint64_t fk = rng::combine(base, serial);
        const std::size_t i = first + serial;
        fi.init(i, fk, force.faction, static_cast<Index>(g), force.home, force.node, 0);
        rng::Stream s(key, 0, fk, purpose::init_fighter);
        fi.loyalty[i] = static_cast<float>(rng::beta(s, 1 + 4 * faction.morale, 1 + 4 * (1 - faction.morale)));
        fi.ideology[i] = static_cast<float>(std::clamp(rng::normal(s, faction.sharia, 0.15), 0.0, 1.0));
        fi.reservation_wage[i] = static_cast<float>(rng::lognormal(s, w.params.fighters.reservation_wage, 0.5));
      }
    });
    fs.initial[static_cast<std::size_t>(force.faction)] += force.fighters;
  }
  w.today_killed.assign(F, 0);
  w.today_wounded.assign(F, 0);
  w.today_civilians.assign(G, 0);
  return w;
}

}  // namespace azsim::azawad
