// Phase 4, strategy. Each faction, from what it believes of the balance of forces:
//  - withdraws a garrison whose strength against the threat (present and inbound enemies,
//    and air power aimed at the place) falls below leave_ratio;
//  - launches at most one campaign at a time against the most valuable enemy-held or
//    abandoned town it believes it can take (believed ratio above attack_ratio / morale,
//    morale being its own -- times exp(morale_momentum * min(0, momentum)), a beaten force
//    loses heart -- or that of an allied outside force at war with the town's holders, none
//    below offensive_morale),
//    sending its spare fighters from positions within reach; fighters d km away count
//    exp(-d / projection_km) in the ratio (the loss-of-strength gradient); a faction that
//    claims a territory (nodes' claimed_by) attacks only inside it; the defenders count the
//    air power of every outside force allied to them (air cover);
//  - outside factions pursue their ordered objectives, the first one not yet secured, massing
//    at the staging node before it until they can take it (attack_ratio / morale).
// Beliefs are the true strengths times a log-normal error (perception_noise) per (faction,
// node) that persists for about perception_days, so attacks on bad odds happen (S24) and
// evacuations anticipate, without a garrison's view of its danger changing every morning.

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {
namespace {

constexpr std::int32_t kCampaignReachDays = 10;   // planning horizon of a campaign
constexpr std::int32_t kCampaignPatienceDays = 30;  // a campaign not won by then is dropped

/// The first `count` objectives of an outside faction that it has not secured.
std::vector<Index> open_objectives(const World& w, Index f, std::size_t count);

bool secured(const World& w, Index f, Index node) {
  const FactionMask holders = w.nodes.holders[static_cast<std::size_t>(node)];
  bool friendly = false;
  for (Index g = 0; g < w.F; ++g) {
    if (!(holders & bit(g))) continue;
    if (w.at_war(f, g)) return false;
    if (w.allied(f, g) || g == f) friendly = true;
  }
  return friendly;
}

std::vector<Index> open_objectives(const World& w, Index f, std::size_t count) {
  std::vector<Index> out;
  for (Index o : w.factions.objectives[static_cast<std::size_t>(f)]) {
    if (out.size() >= count) break;
    if (!secured(w, f, o)) out.push_back(o);
  }
  return out;
}

/// Fighting power of one fighter of f (FactionSpec::quality).
double quality(const World& w, Index f) { return w.spec->factions[static_cast<std::size_t>(f)].quality; }

/// Enemy fighter-equivalents threatening f at node n: present and inbound enemies, plus the air
/// power of enemies that have n among their next objectives.
[[maybe_unused]] double threat(const World& w, Index f, Index n) {  // the definition; Threats computes it fast
  double t = 0;
  for (Index g = 0; g < w.F; ++g) {
    if (!w.at_war(f, g)) continue;
    t += static_cast<double>(w.nodes.garrison[w.nf(n, g)] + w.nodes.inbound[w.nf(n, g)]) * quality(w, g);
    if (w.factions.air_power[static_cast<std::size_t>(g)] > 0 &&
        w.air_target[static_cast<std::size_t>(g) * static_cast<std::size_t>(w.N) + static_cast<std::size_t>(n)])
      t += air_equivalent(w, g);
  }
  return t;
}

/// threat() of every (faction, node) today, each computed on first use from a table of the
/// day's strengths, and with the same additions in the same order, so the same double.
/// Nothing plan_strategy does changes what threat() reads (garrisons and inbound change in
/// movement, orders are only noted here; wars and air targets are fixed for the phase).
class Threats {
 public:
  explicit Threats(const World& w)
      : w_(w),
        strength_(static_cast<std::size_t>(w.N) * static_cast<std::size_t>(w.F)),
        enemies_(static_cast<std::size_t>(w.F), 0),
        memo_(static_cast<std::size_t>(w.F) * static_cast<std::size_t>(w.N), -1.0) {
    for (Index n = 0; n < w.N; ++n)
      for (Index g = 0; g < w.F; ++g)
        strength_[w.nf(n, g)] = static_cast<double>(w.nodes.garrison[w.nf(n, g)] + w.nodes.inbound[w.nf(n, g)]) * quality(w, g);
    for (Index f = 0; f < w.F; ++f)
      for (Index g = 0; g < w.F; ++g)
        if (w.at_war(f, g)) enemies_[static_cast<std::size_t>(f)] |= bit(g);
  }
  double operator()(Index f, Index n) {
    double& t = memo_[static_cast<std::size_t>(f) * static_cast<std::size_t>(w_.N) + static_cast<std::size_t>(n)];
    if (t >= 0) return t;
    t = 0;
    for (FactionMask left = enemies_[static_cast<std::size_t>(f)]; left != 0; left &= left - 1) {
      const auto g = static_cast<Index>(std::countr_zero(left));
      t += strength_[w_.nf(n, g)];
      if (w_.factions.air_power[static_cast<std::size_t>(g)] > 0 &&
          w_.air_target[static_cast<std::size_t>(g) * static_cast<std::size_t>(w_.N) + static_cast<std::size_t>(n)])
        t += air_equivalent(w_, g);
    }
    assert(t == threat(w_, f, n));
    return t;
  }

 private:
  const World& w_;
  std::vector<double> strength_;       ///< N x F: (garrison + inbound) * quality
  std::vector<FactionMask> enemies_;   ///< per faction: those it is at war with
  std::vector<double> memo_;           ///< F x N: the threat, or -1 until asked
};

/// Strength of f's side at n: its own and allied garrisons, with the defender's multiplier.
double own_side(const World& w, Index f, Index n) {
  double s = 0;
  for (Index g = 0; g < w.F; ++g)
    if (w.allied(f, g)) s += static_cast<double>(w.nodes.garrison[w.nf(n, g)]) * quality(w, g);
  return s * defence_multiplier(w, n);
}

double town_value(const World& w, Index f, Index n) {
  const auto& node = w.spec->nodes[static_cast<std::size_t>(n)];
  double v = 1.0 + w.params.strategy.value_population_weight * static_cast<double>(w.population(n)) / 10000.0;
  if (std::find(node.hq_of.begin(), node.hq_of.end(), f) != node.hq_of.end()) v += 5.0;
  if (w.nodes.flag[static_cast<std::size_t>(n)] == f) v += 1.0;  // retaking one's own town
  return v;
}

std::int64_t spare(const World& w, Index f, Index n) {
  const std::int64_t g = w.nodes.garrison[w.nf(n, f)];
  return g - static_cast<std::int64_t>(std::ceil(w.params.strategy.reserve_share * static_cast<double>(g)));
}

void plan_withdrawals(World& w, Index f, Threats& threat) {
  for (Index n = 0; n < w.N; ++n) {
    if (w.nodes.garrison[w.nf(n, f)] <= 0) continue;
    const double t = threat(f, n);
    if (t <= 0) continue;
    const double ratio = own_side(w, f, n) / believed_strength(w, f, n, t);
    if (ratio >= w.params.strategy.leave_ratio) continue;
    const Index to = retreat_node(w, f, n);
    if (to == kNone) continue;
    const std::int64_t moved = order_fighters(w, f, n, to, w.nodes.garrison[w.nf(n, f)]);
    if (moved == 0) continue;
    Event e;
    e.day = w.day;
    e.type = "evacuation";
    e.sub_type = "withdrawal";
    e.actor1 = f;
    e.node = n;
    e.notes = "strategy: believed strength ratio " + std::to_string(ratio).substr(0, 5) +
              " below leave_ratio; " + std::to_string(moved) + " fighters to " +
              w.spec->nodes[static_cast<std::size_t>(to)].id;
    w.log(std::move(e));
  }
}

void plan_campaign(World& w, Index f, Threats& threat) {
  auto& fs = w.factions;
  const auto fi = static_cast<std::size_t>(f);
  if (fs.campaign[fi] != kNone) {
    const Index m = fs.campaign[fi];
    const bool won = secured(w, f, m) && w.nodes.garrison[w.nf(m, f)] > 0;
    const bool stale = w.day - fs.campaign_since[fi] > kCampaignPatienceDays;
    const bool spent = w.nodes.garrison[w.nf(m, f)] + w.nodes.inbound[w.nf(m, f)] == 0 &&
                       w.day > fs.campaign_since[fi];
    if (!(won || stale || spent)) return;
    fs.campaign[fi] = kNone;
  }
  // Morale: its own (lower when it is being beaten), or that of an allied outside force at war
  // with the target's holders, whichever is higher (a broken army advances behind its patron,
  // but only against the patron's enemies). Below offensive_morale it attacks nobody.
  const double own_morale = fighting_morale(w, f);
  struct Patron {
    Index faction;
    double morale;
    Index next;  ///< its first objective not yet secured, or kNone
  };
  std::vector<Patron> patrons;  // allied outside forces
  double most = own_morale;
  for (Index g = 0; g < w.F; ++g)
    if (g != f && fs.entered[static_cast<std::size_t>(g)] && w.allied(f, g) &&
        w.spec->factions[static_cast<std::size_t>(g)].kind == FactionKind::outside) {
      const std::vector<Index> next = open_objectives(w, g, 1);
      patrons.push_back({g, fighting_morale(w, g), next.empty() ? kNone : next.front()});
      most = std::max(most, patrons.back().morale);
    }
  const double offensive = w.params.strategy.offensive_morale;
  if (most < offensive) return;
  const double reach_km = w.params.movement.track_speed * kCampaignReachDays;
  // Spare fighters of each unthreatened node (-1 where threatened): planning orders nobody
  // until the target is chosen, so these hold for the whole plan.
  std::vector<std::int64_t> ready(static_cast<std::size_t>(w.N), -1);
  for (Index p = 0; p < w.N; ++p)
    if (threat(f, p) == 0) ready[static_cast<std::size_t>(p)] = std::max<std::int64_t>(0, spare(w, f, p));
  Index best = kNone;
  double best_value = 0, best_ratio = 0;
  auto claims = [&](Index m) {
    const auto& c = w.spec->nodes[static_cast<std::size_t>(m)].claimed_by;
    return std::find(c.begin(), c.end(), f) != c.end();
  };
  bool claimant = false;  // a faction with a declared territory fights only inside it
  for (Index m = 0; m < w.N && !claimant; ++m) claimant = claims(m);
  for (Index m = 0; m < w.N; ++m) {
    if (!holdable(w, m) || w.nodes.garrison[w.nf(m, f)] > 0) continue;
    if (claimant && !claims(m)) continue;
    double defender = 0;
    bool enemy = false;
    FactionMask enemies = 0, friends = 0;
    for (Index g = 0; g < w.F; ++g) {
      const auto here = static_cast<double>(w.nodes.garrison[w.nf(m, g)] + w.nodes.inbound[w.nf(m, g)]);
      if (here <= 0) continue;
      if (!w.at_war(f, g)) {
        if (!w.allied(f, g)) defender = std::numeric_limits<double>::infinity();  // not our fight
        friends |= bit(g);
        continue;
      }
      enemies |= bit(g);
      enemy = true;
      defender += here * quality(w, g);
    }
    // Air cover: the air power of every enemy outside force that stands there or is allied to
    // an enemy that does (close air support answers an attack on a partner's garrison; S31).
    for (Index o = 0; o < w.F; ++o) {
      if (w.factions.air_power[static_cast<std::size_t>(o)] <= 0 || !w.factions.entered[static_cast<std::size_t>(o)] ||
          !w.at_war(f, o))
        continue;
      bool covers = (enemies & bit(o)) != 0;
      for (Index g = 0; g < w.F && !covers; ++g) covers = (enemies & bit(g)) && w.allied(o, g);
      if (covers) defender += air_equivalent(w, o);
    }
    const Index flag = w.nodes.flag[static_cast<std::size_t>(m)];
    const bool free_town = !enemy && defender == 0 && flag != kNone && w.at_war(f, flag);
    if (!enemy && !free_town) continue;
    if (std::isinf(defender)) continue;
    // An ally standing there at peace with our enemies keeps us out: we do not open fire in a
    // town where a friend, perhaps a stronger patron, lives beside them.
    bool patron = false;
    for (Index g = 0; g < w.F && !patron; ++g)
      if (friends & bit(g))
        for (Index e = 0; e < w.F && !patron; ++e) patron = (enemies & bit(e)) && !w.at_war(g, e);
    if (patron) continue;
    // The morale it attacks with: a patron's counts where the patron is at war with the
    // holders (or, for a free town, with the flag's owner) and goes itself -- it stands or is
    // heading there, or the place is its next objective: a broken army advances behind its
    // patron, not on its own to the far end of the country.
    const FactionMask targets = enemy ? enemies : bit(flag);
    double morale = own_morale;
    for (const Patron& pt : patrons) {
      const Index g = pt.faction;
      const bool goes = pt.next == m || w.nodes.garrison[w.nf(m, g)] + w.nodes.inbound[w.nf(m, g)] > 0;
      for (Index e = 0; e < w.F && pt.morale > morale && goes; ++e)
        if ((targets & bit(e)) && w.at_war(g, e)) morale = pt.morale;
    }
    if (morale < offensive) continue;
    const double threshold = w.params.strategy.attack_ratio / std::max(0.05, morale);
    double available = 0;  // weighed by the loss-of-strength gradient
    for (Index p = 0; p < w.N; ++p)
      if (p != m && path_km(w, p, m) <= reach_km && ready[static_cast<std::size_t>(p)] >= 0)
        available += static_cast<double>(ready[static_cast<std::size_t>(p)]) * decay(w, p, m);
    if (available < 1) continue;
    const double believed = believed_strength(w, f, m, defender * defence_multiplier(w, m));
    const double ratio = believed > 0 ? available * quality(w, f) / believed : std::numeric_limits<double>::infinity();
    if (ratio <= threshold) continue;
    const double value = town_value(w, f, m);
    if (value > best_value) {
      best = m;
      best_value = value;
      best_ratio = ratio;
    }
  }
  if (best == kNone) return;
  std::int64_t sent = 0;
  for (Index p = 0; p < w.N; ++p)
    if (p != best && path_km(w, p, best) <= reach_km && ready[static_cast<std::size_t>(p)] >= 0)
      sent += order_fighters(w, f, p, best, ready[static_cast<std::size_t>(p)]);
  if (sent == 0) return;
  fs.campaign[fi] = best;
  fs.campaign_since[fi] = w.day;
  (void)best_ratio;
}

/// The node from which f's main body (its largest garrison) would enter o: the last stop on
/// the shortest path before o, or the body's own node if it stands next to o or nowhere.
Index staging_node(const World& w, Index f, Index o) {
  Index body = kNone;
  std::int64_t most = 0;
  for (Index p = 0; p < w.N; ++p)
    if (p != o && w.nodes.garrison[w.nf(p, f)] > most) {
      most = w.nodes.garrison[w.nf(p, f)];
      body = p;
    }
  if (body == kNone) return kNone;
  Index at = body;
  for (Index steps = 0; steps < w.N; ++steps) {
    const Index hop = next_hop(w, at, o);
    if (hop == kNone || hop == o) return at;
    at = hop;
  }
  return at;
}

/// An outside force takes its objectives in order. It attacks the next one only when the force
/// it can bring there -- its fighters at the staging node or nearer, times their quality, plus
/// its air power -- outmatches what it believes holds the place by attack_ratio / morale;
/// until then its fighters gather at the staging node (an expeditionary force masses before
/// it strikes, and enters a town its enemies have left at once, S31).
void plan_outside(World& w, Index f) {
  const auto next = open_objectives(w, f, 1);
  if (next.empty()) return;
  const Index o = next.front();
  const auto fi = static_cast<std::size_t>(f);
  w.factions.campaign[fi] = o;
  const auto& objectives = w.factions.objectives[fi];
  auto movable = [&](Index p) {
    // Secured objectives keep a garrison; everyone else moves on.
    const std::int64_t g = w.nodes.garrison[w.nf(p, f)];
    const bool hold = std::find(objectives.begin(), objectives.end(), p) != objectives.end();
    return hold ? std::max<std::int64_t>(0, spare(w, f, p)) : g;
  };
  double defender = 0;
  for (Index g = 0; g < w.F; ++g)
    if (w.at_war(f, g))
      defender += static_cast<double>(w.nodes.garrison[w.nf(o, g)] + w.nodes.inbound[w.nf(o, g)]) * quality(w, g);
  Index target = o;
  if (defender > 0 && w.nodes.garrison[w.nf(o, f)] == 0) {
    const Index stage = staging_node(w, f, o);
    if (stage != kNone && stage != o) {
      const double stage_km = path_km(w, stage, o);
      double near = 0;
      for (Index p = 0; p < w.N; ++p)
        if (p != o && path_km(w, p, o) <= stage_km) near += static_cast<double>(movable(p));
      const double own = near * quality(w, f) + air_equivalent(w, f);
      const double believed = believed_strength(w, f, o, defender * defence_multiplier(w, o));
      const double threshold = w.params.strategy.attack_ratio / std::max(0.05, fighting_morale(w, f));
      if (own < threshold * believed) target = stage;
    }
  }
  for (Index p = 0; p < w.N; ++p) {
    if (p == target || w.nodes.garrison[w.nf(p, f)] <= 0) continue;
    if (target != o && path_km(w, p, o) <= path_km(w, target, o)) continue;  // already in place
    order_fighters(w, f, p, target, movable(p));
  }
}

}  // namespace

/// The believed size of a true strength `x`: x * exp(perception_noise * z), where z, per
/// (faction, node), is a stationary AR(1) with correlation exp(-1 / perception_days) a day,
/// brought up to date only when asked: after k days z' = rho^k z + sqrt(1 - rho^2k) e, the
/// exact law of k daily steps, with e drawn by (faction, node, today) -- so the belief is the
/// same whichever phase asks first and however often.
double believed_strength(World& w, Index f, Index n, double x) {
  const auto& p = w.params.strategy;
  if (x <= 0 || p.perception_noise <= 0) return x;
  const std::size_t k = static_cast<std::size_t>(f) * static_cast<std::size_t>(w.N) + static_cast<std::size_t>(n);
  Day& last = w.perception_day[k];
  double& z = w.perception_z[k];
  if (last != w.day) {
    rng::Stream s = w.stream(rng::combine(w.faction_key[static_cast<std::size_t>(f)],
                                          w.node_key[static_cast<std::size_t>(n)]),
                             purpose::perception);
    const double e = rng::normal(s, 0.0, 1.0);
    const double keep = last < 0 || p.perception_days <= 0
                            ? 0.0
                            : std::exp(-static_cast<double>(w.day - last) / p.perception_days);
    z = keep * z + std::sqrt(1.0 - keep * keep) * e;
    last = w.day;
  }
  return x * std::exp(p.perception_noise * z);
}

void plan_strategy(World& w) {
  // Where each air power will strike next: its next three unsecured objectives (computed once
  // a day; every faction's threat assessment reads it).
  w.air_target.assign(static_cast<std::size_t>(w.F) * static_cast<std::size_t>(w.N), 0);
  for (Index g = 0; g < w.F; ++g)
    if (w.factions.air_power[static_cast<std::size_t>(g)] > 0)
      for (Index o : open_objectives(w, g, 3))
        w.air_target[static_cast<std::size_t>(g) * static_cast<std::size_t>(w.N) + static_cast<std::size_t>(o)] = 1;
  Threats threat(w);
  for (Index f = 0; f < w.F; ++f) {
    const auto fi = static_cast<std::size_t>(f);
    if (!w.factions.entered[fi]) continue;
    if (w.spec->factions[fi].kind == FactionKind::outside) {
      plan_outside(w, f);
      continue;
    }
    plan_withdrawals(w, f, threat);
    plan_campaign(w, f, threat);
  }
}

}  // namespace azsim::azawad
