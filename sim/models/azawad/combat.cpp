// Phase 6, combat. At every node where factions at war meet:
//  - on the first day of an engagement each defender may take an ultimatum and leave without a
//    battle, with probability 1 / (1 + exp(slope * (ln(odds) - ln(ultimatum_odds)))), odds
//    being its side's strength over the attackers' (S22, S31);
//  - otherwise a day of stochastic Lanchester attrition: casualties to faction i are
//    Binomial(n_i, 1 - exp(-lambda_i / n_i)) with
//    lambda_i = attrition_rate / quality_i * sum_{j hostile to i} eff_j * n_i / (enemies of j present),
//    eff_j = n_j * quality_j * (defender multiplier if j defends) + air equivalents (quality is
//    both the fire a fighter deals and how hard he is to hit: training, armour, medical
//    evacuation, so two forces of qualities q_a, q_b trade casualties as (q_a / q_b)^2 man for
//    man: Operation Serval lost about ten French and some forty Chadian dead in 2013-2014
//    against hundreds of its enemies); in rural zones and
//    refuges lambda_i <= rural_cap * n_i (terrain shelters the weak, S29, S32);
//    killed ~ Binomial(casualties, killed_share), the rest wounded;
//  - a side that has lost retreat_loss of its strength retreats, under pursuit (S24);
//  - a garrison still outmatched may surrender, hazard siege_surrender * (ratio - 1) (S25).
// Air power of outside factions strikes enemy garrisons at their next objectives.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "core/exec/executor.hpp"
#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {
namespace {

std::uint64_t pair_key(const World& w, Index n, Index f) {
  return rng::combine(w.node_key[static_cast<std::size_t>(n)], w.faction_key[static_cast<std::size_t>(f)]);
}

/// Active fighters of f standing at n (not travelling), in index order.
std::vector<std::size_t> standing(const World& w, Index n, Index f) {
  std::vector<std::size_t> out;
  const auto& fi = w.fighters;
  for (const std::uint32_t i : w.standing_at(n, f))
    if (fi.faction[i] == f && fi.location[i] == n && fi.next[i] == kNone && fi.status[i] == Status::active)
      out.push_back(i);
  return out;
}

struct Toll {
  std::int64_t killed = 0, wounded = 0;
};

/// Makes `casualties` of f's fighters at n casualties, `killed` of them dead, chosen uniformly
/// by a keyed partial shuffle; the rest are wounded for an exponential time.
Toll hit(World& w, Index n, Index f, std::int64_t casualties, std::int64_t killed, std::uint64_t purpose_key,
         Index perpetrator) {
  auto& fi = w.fighters;
  rng::Stream s = w.stream(pair_key(w, n, f), purpose_key);
  const auto bucket = w.standing_at(n, f);
  const std::int64_t eligible = w.nodes.garrison[w.nf(n, f)];  // active fighters standing there
  casualties = std::min(casualties, eligible);
  killed = std::min(killed, casualties);
  // Few casualties among many: draw from the roster and skip the ineligible (each casualty
  // becomes ineligible as it is hit), O(casualties). Otherwise a keyed partial shuffle of the
  // eligible, O(garrison). Both are uniform choices without replacement.
  const bool sparse = casualties * 4 <= eligible && static_cast<std::int64_t>(bucket.size()) <= 2 * eligible;
  std::vector<std::size_t> pool;
  if (!sparse) pool = standing(w, n, f);
  auto is_eligible = [&](std::size_t i) {
    return fi.faction[i] == f && fi.location[i] == n && fi.next[i] == kNone && fi.status[i] == Status::active;
  };
  Toll t;
  bool use_pool = !sparse;
  std::size_t used = 0;  // pool entries already hit
  std::int64_t attempts = 0;
  for (std::int64_t k = 0; k < casualties; ++k) {
    std::size_t i = 0;
    if (!use_pool) {
      // Acceptance is at least 1/2 when the counts are right; a long run of misses would mean
      // they are not, and then the exact method takes over (never an endless loop).
      bool found = false;
      while (!found && attempts < 64 + 16 * casualties) {
        i = bucket[static_cast<std::size_t>(rng::uniform_int(s, bucket.size()))];
        found = is_eligible(i);
        ++attempts;
      }
      if (!found) {
        use_pool = true;
        pool = standing(w, n, f);  // the still eligible
        used = 0;
      }
    }
    if (use_pool) {
      if (used >= pool.size()) break;
      const std::size_t j = used + static_cast<std::size_t>(rng::uniform_int(s, pool.size() - used));
      std::swap(pool[used], pool[j]);
      i = pool[used++];
    }
    fi.target[i] = static_cast<std::int16_t>(kNone);
    w.count_active(i, -1);
    if (k < killed) {
      fi.retire(i, Status::dead);
      w.leaves_roster(n, f, i);
      ++t.killed;
      w.violence_today.push_back({n, perpetrator, fi.group[i], 1, false});
    } else {
      fi.status[i] = Status::wounded;
      fi.recover_day[i] = w.day + 1 +
          static_cast<std::int32_t>(std::floor(rng::exponential(s, 1.0 / w.params.combat.wound_recovery_days)));
      w.is_wounded(i);
      ++t.wounded;
    }
  }
  const auto fidx = static_cast<std::size_t>(f);
  w.today_killed[fidx] += t.killed;
  w.today_wounded[fidx] += t.wounded;
  w.factions.killed[fidx] += t.killed;
  w.nodes.garrison[w.nf(n, f)] -= t.killed + t.wounded;
  w.nodes.wounded[w.nf(n, f)] += t.wounded;
  w.factions.active[fidx] -= t.killed + t.wounded;
  w.factions.wounded[fidx] += t.wounded;
  w.nodes.engagement_killed[w.nf(n, f)] += t.killed;
  w.nodes.engagement_lost[w.nf(n, f)] += t.killed + t.wounded;
  return t;
}

/// Kills `count` residents of node n, spread over groups as a multinomial by population.
std::int64_t kill_civilians(World& w, Index n, std::int64_t count, rng::Stream& s, Index perpetrator) {
  std::int64_t left = std::min(count, w.population(n)), done = 0;
  std::int64_t pop_left = w.population(n);
  for (Index g = 0; g < w.G && left > 0; ++g) {
    std::int64_t& pop = w.nodes.population[w.ng(n, g)];
    if (pop <= 0) continue;
    const std::int64_t k = g == w.G - 1 ? left
                                        : rng::binomial(s, left, static_cast<double>(pop) / static_cast<double>(pop_left));
    const std::int64_t d = std::min(k, pop);
    pop_left -= pop;
    pop -= d;
    left -= d;
    done += d;
    w.today_civilians[static_cast<std::size_t>(g)] += d;
    if (d > 0) w.violence_today.push_back({n, perpetrator, g, d, true});
  }
  return done;
}

std::string fmt(double x) {
  std::ostringstream o;
  o.precision(3);
  o << x;
  return o.str();
}

FactionMask present_mask(const World& w, Index n) {
  FactionMask m = 0;
  for (Index f = 0; f < w.F; ++f)
    if (w.nodes.garrison[w.nf(n, f)] > 0) m |= bit(f);
  return m;
}

bool any_war(const World& w, FactionMask m) {
  for (Index a = 0; a < w.F; ++a)
    for (Index b = a + 1; b < w.F; ++b)
      if ((m & bit(a)) && (m & bit(b)) && w.at_war(a, b)) return true;
  return false;
}

/// Effective strength of f at n: fighters times their quality, the defender's multiplier, air
/// power on the spot.
double effective(const World& w, Index n, Index f, FactionMask defenders) {
  double e = static_cast<double>(w.nodes.garrison[w.nf(n, f)]) * w.spec->factions[static_cast<std::size_t>(f)].quality;
  if (defenders & bit(f)) e *= defence_multiplier(w, n);
  if (w.spec->factions[static_cast<std::size_t>(f)].kind == FactionKind::outside) e += air_equivalent(w, f);
  return e;
}

Index largest(const World& w, Index n, FactionMask among) {
  Index best = kNone;
  std::int64_t most = 0;
  for (Index f = 0; f < w.F; ++f)
    if ((among & bit(f)) && w.nodes.garrison[w.nf(n, f)] > most) {
      most = w.nodes.garrison[w.nf(n, f)];
      best = f;
    }
  return best;
}

/// The largest faction at war with f among those present: who is blamed for f's dead.
Index main_enemy(const World& w, Index n, Index f, FactionMask present) {
  Index best = kNone;
  std::int64_t most = -1;
  for (Index g = 0; g < w.F; ++g)
    if ((present & bit(g)) && w.at_war(f, g) && w.nodes.garrison[w.nf(n, g)] > most) {
      most = w.nodes.garrison[w.nf(n, g)];
      best = g;
    }
  return best;
}

void close_engagement(World& w, Index n) {
  const auto ni = static_cast<std::size_t>(n);
  w.nodes.engagement[ni] = -1;
  w.nodes.engagement_start[ni] = -1;
  w.nodes.engagement_defenders[ni] = 0;
}

void open_engagement(World& w, Index n, FactionMask present) {
  const auto ni = static_cast<std::size_t>(n);
  auto& ns = w.nodes;
  ns.engagement[ni] = w.next_engagement++;
  ns.engagement_start[ni] = w.day;
  FactionMask defenders = ns.holders[ni] & present;  // who held the place yesterday
  if (defenders == 0) {
    const Index big = largest(w, n, present);
    for (Index f = 0; f < w.F; ++f)
      if ((present & bit(f)) && !w.at_war(big, f)) defenders |= bit(f);
  }
  ns.engagement_defenders[ni] = defenders;
  for (Index f = 0; f < w.F; ++f) {
    ns.engagement_strength[w.nf(n, f)] = ns.garrison[w.nf(n, f)];
    ns.engagement_killed[w.nf(n, f)] = 0;
    ns.engagement_lost[w.nf(n, f)] = 0;
  }
}

/// Strength of the factions in `side` that are at war with f, at n.
double hostile_strength(const World& w, Index n, Index f, FactionMask present, FactionMask defenders) {
  double s = 0;
  for (Index g = 0; g < w.F; ++g)
    if ((present & bit(g)) && w.at_war(f, g)) s += effective(w, n, g, defenders);
  return s;
}

double side_strength(const World& w, Index n, Index f, FactionMask present, FactionMask defenders) {
  double s = 0;
  for (Index g = 0; g < w.F; ++g)
    if ((present & bit(g)) && w.allied(f, g)) s += effective(w, n, g, defenders);
  return s;
}

void offer_ultimatums(World& w, Index n) {
  const auto& p = w.params.strategy;
  const FactionMask defenders = w.nodes.engagement_defenders[static_cast<std::size_t>(n)];
  for (Index d = 0; d < w.F; ++d) {
    const FactionMask present = present_mask(w, n);
    if (!(defenders & bit(d)) || !(present & bit(d))) continue;
    const double attackers = hostile_strength(w, n, d, present, defenders);
    if (attackers <= 0) continue;
    const double odds = side_strength(w, n, d, present, defenders) / attackers;
    const double p_leave = 1.0 / (1.0 + std::exp(p.ultimatum_slope * (std::log(odds) - std::log(p.ultimatum_odds))));
    rng::Stream s = w.stream(pair_key(w, n, d), purpose::ultimatum);
    if (!rng::bernoulli(s, p_leave)) continue;
    const Index to = retreat_node(w, d, n);
    if (to == kNone) continue;
    Event e;
    e.day = w.day;
    e.type = "evacuation";
    e.sub_type = "ultimatum";
    e.actor1 = largest(w, n, present & ~defenders);
    e.actor2 = d;
    e.node = n;
    e.notes = "ultimatum: odds " + fmt(odds) + " (garrison/attackers), P(leave) " + fmt(p_leave) + "; to " +
              w.spec->nodes[static_cast<std::size_t>(to)].id;
    depart_now(w, d, n, to);
    w.log(std::move(e));
  }
}

void battle(World& w, Index n) {
  const auto& c = w.params.combat;
  auto& ns = w.nodes;
  const auto ni = static_cast<std::size_t>(n);
  const FactionMask present = present_mask(w, n);
  const FactionMask defenders = ns.engagement_defenders[ni];
  const bool sheltered = !holdable(w, n);

  // Expected casualties of each faction (computed from the strengths before anyone is hit).
  std::vector<double> lambda(static_cast<std::size_t>(w.F), 0.0);
  for (Index i = 0; i < w.F; ++i) {
    if (!(present & bit(i))) continue;
    const auto n_i = static_cast<double>(ns.garrison[w.nf(n, i)]);
    for (Index j = 0; j < w.F; ++j) {
      if (!(present & bit(j)) || !w.at_war(i, j)) continue;
      double targets_of_j = 0;
      for (Index k = 0; k < w.F; ++k)
        if ((present & bit(k)) && w.at_war(j, k)) targets_of_j += static_cast<double>(ns.garrison[w.nf(n, k)]);
      lambda[static_cast<std::size_t>(i)] += c.attrition_rate * effective(w, n, j, defenders) * n_i / targets_of_j;
    }
    lambda[static_cast<std::size_t>(i)] /= w.spec->factions[static_cast<std::size_t>(i)].quality;
    if (sheltered) lambda[static_cast<std::size_t>(i)] = std::min(lambda[static_cast<std::size_t>(i)], c.rural_cap * n_i);
  }

  Event e;
  e.day = w.day;
  e.type = "battle";
  e.sub_type = "armed clash";
  e.node = n;
  e.actor1 = largest(w, n, present & ~defenders);
  e.actor2 = largest(w, n, present & defenders);
  if (e.actor1 == kNone) {  // a meeting of two forces with no holder: name the other side
    e.actor1 = e.actor2;
    e.actor2 = largest(w, n, present & ~bit(e.actor1));
  }
  e.engagement = ns.engagement[ni];
  e.attackers = present & ~defenders;
  e.defenders = present & defenders;
  if (e.actor1 != kNone) e.objective = w.factions.campaign[static_cast<std::size_t>(e.actor1)];
  std::int64_t casualties_total = 0;
  std::string notes = "lanchester:";
  for (Index i = 0; i < w.F; ++i) {
    if (!(present & bit(i))) continue;
    const auto n_i = ns.garrison[w.nf(n, i)];
    const double l = lambda[static_cast<std::size_t>(i)];
    rng::Stream s = w.stream(pair_key(w, n, i), purpose::casualties);
    const std::int64_t cas = l > 0 ? rng::binomial(s, n_i, 1.0 - std::exp(-l / static_cast<double>(n_i))) : 0;
    const std::int64_t kil = rng::binomial(s, cas, c.killed_share);
    const Toll t = hit(w, n, i, cas, kil, purpose::who_is_hit, main_enemy(w, n, i, present));
    casualties_total += t.killed + t.wounded;
    e.killed.emplace_back(i, t.killed);
    e.fatalities += t.killed;
    notes += " " + w.spec->factions[static_cast<std::size_t>(i)].id + " " + std::to_string(n_i) + "->" +
             std::to_string(t.killed) + "k/" + std::to_string(t.wounded) + "w";
  }
  if (!sheltered && casualties_total > 0) {
    rng::Stream s = w.stream(w.node_key[ni], purpose::civilians);
    const std::int64_t civ =
        kill_civilians(w, n, rng::poisson(s, c.collateral * static_cast<double>(casualties_total)), s, e.actor1);
    e.civilians = civ;
    e.fatalities += civ;
  }

  // Retreat under pursuit: a faction that has lost retreat_loss of its strength in this engagement.
  for (Index i = 0; i < w.F; ++i) {
    if (!(present_mask(w, n) & bit(i))) continue;
    const auto start = static_cast<double>(ns.engagement_strength[w.nf(n, i)]);
    if (start <= 0 || static_cast<double>(ns.engagement_lost[w.nf(n, i)]) < c.retreat_loss * start) continue;
    if (!any_war(w, present_mask(w, n))) break;
    const Index to = retreat_node(w, i, n);
    if (to == kNone) continue;
    const auto n_i = ns.garrison[w.nf(n, i)];
    rng::Stream s = w.stream(pair_key(w, n, i), purpose::pursuit);
    const double l = c.pursuit_rate * lambda[static_cast<std::size_t>(i)];
    const std::int64_t cas = rng::binomial(s, n_i, 1.0 - std::exp(-l / static_cast<double>(n_i)));
    const Toll t = hit(w, n, i, cas, rng::binomial(s, cas, c.killed_share), purpose::pursuit,
                       main_enemy(w, n, i, present));
    for (auto& [f, k] : e.killed)
      if (f == i) k += t.killed;
    e.fatalities += t.killed;
    notes += "; " + w.spec->factions[static_cast<std::size_t>(i)].id + " retreats to " +
             w.spec->nodes[static_cast<std::size_t>(to)].id + " (pursuit " + std::to_string(t.killed) + "k)";
    depart_now(w, i, n, to);
  }

  // Siege: a defender still outmatched may surrender.
  for (Index d = 0; d < w.F; ++d) {
    const FactionMask now = present_mask(w, n);
    if (!(defenders & bit(d)) || !(now & bit(d)) || !any_war(w, now)) continue;
    const double own = side_strength(w, n, d, now, defenders);
    const double them = hostile_strength(w, n, d, now, defenders);
    if (own <= 0 || them <= own) continue;
    rng::Stream s = w.stream(pair_key(w, n, d), purpose::surrender);
    const double p = 1.0 - std::exp(-c.siege_surrender * (them / own - 1.0));
    if (!rng::bernoulli(s, p)) continue;
    std::int64_t captured = 0;
    auto& fi = w.fighters;
    for (const std::uint32_t i : w.standing_at(n, d))
      if (fi.faction[i] == d && fi.location[i] == n && fi.next[i] == kNone &&
          (fi.status[i] == Status::active || fi.status[i] == Status::wounded)) {
        if (fi.status[i] == Status::active) {
          w.count_active(i, -1);
          --ns.garrison[w.nf(n, d)];
          --w.factions.active[static_cast<std::size_t>(d)];
        } else {
          --ns.wounded[w.nf(n, d)];
          --w.factions.wounded[static_cast<std::size_t>(d)];
        }
        fi.retire(i, Status::captured);
        w.leaves_roster(n, d, i);
        ++captured;
      }
    ns.engagement_lost[w.nf(n, d)] += captured;
    Event sur;
    sur.day = w.day;
    sur.type = "surrender";
    sur.sub_type = "siege";
    sur.actor1 = largest(w, n, now & ~defenders);
    sur.actor2 = d;
    sur.node = n;
    sur.engagement = ns.engagement[ni];
    sur.notes = "siege: odds " + fmt(them / own) + " against, P(surrender) " + fmt(p) + "; " +
                std::to_string(captured) + " captured after " + std::to_string(w.day - ns.engagement_start[ni] + 1) +
                " days";
    w.log(std::move(sur));
  }
  e.notes = notes;
  w.log(std::move(e));
}

void air_strikes(World& w) {
  const auto& c = w.params.combat;
  for (Index f = 0; f < w.F; ++f) {
    const auto fi = static_cast<std::size_t>(f);
    if (!w.factions.entered[fi] || w.factions.air_power[fi] <= 0) continue;
    // The enemy garrison at the nearest-in-order unsecured objectives without own ground forces.
    Index target = kNone;
    std::int64_t most = 0;
    std::size_t looked = 0;
    for (Index o : w.factions.objectives[fi]) {
      std::int64_t enemies = 0;
      for (Index g = 0; g < w.F; ++g)
        if (w.at_war(f, g)) enemies += w.nodes.garrison[w.nf(o, g)];
      if (enemies == 0) continue;
      if (++looked > 3) break;
      if (w.nodes.garrison[w.nf(o, f)] > 0) continue;  // there, air power fights in the battle
      if (enemies > most) {
        most = enemies;
        target = o;
      }
    }
    if (target == kNone) continue;
    const double lambda_total = c.attrition_rate * air_equivalent(w, f);
    Event e;
    e.day = w.day;
    e.type = "strike";
    e.sub_type = "air strike";
    e.actor1 = f;
    e.node = target;
    for (Index g = 0; g < w.F; ++g) {
      if (!w.at_war(f, g)) continue;
      const std::int64_t n_g = w.nodes.garrison[w.nf(target, g)];
      if (n_g <= 0) continue;
      double l = lambda_total * static_cast<double>(n_g) / static_cast<double>(most);
      if (!holdable(w, target)) l = std::min(l, c.rural_cap * static_cast<double>(n_g));
      rng::Stream s = w.stream(pair_key(w, target, g), purpose::air_strike);
      const std::int64_t cas = rng::binomial(s, n_g, 1.0 - std::exp(-l / static_cast<double>(n_g)));
      const Toll t = hit(w, target, g, cas, rng::binomial(s, cas, c.killed_share), purpose::air_strike, f);
      if (e.actor2 == kNone) e.actor2 = g;
      e.killed.emplace_back(g, t.killed);
      e.fatalities += t.killed;
    }
    e.notes = "air power: " + fmt(w.factions.air_power[fi]) + " sorties/day on the nearest objective held by enemies";
    w.log(std::move(e));
  }
}

}  // namespace

void fight(World& w, const exec::Executor& ex) {
  air_strikes(w);
  for (Index n = 0; n < w.N; ++n) {
    FactionMask present = present_mask(w, n);
    if (!any_war(w, present)) {
      if (w.nodes.engagement[static_cast<std::size_t>(n)] >= 0) close_engagement(w, n);
      continue;
    }
    if (w.nodes.engagement[static_cast<std::size_t>(n)] < 0) {
      open_engagement(w, n, present);
      offer_ultimatums(w, n);
      if (!any_war(w, present_mask(w, n))) {
        close_engagement(w, n);
        continue;
      }
    }
    battle(w, n);
  }
  (void)ex;  // combat is sequential over nodes; its bookkeeping keeps the counts current
}

}  // namespace azsim::azawad
