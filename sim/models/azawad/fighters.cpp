// Phase 9, fighters decide (S28), individually, each day:
//  - the wounded whose time has come return to duty;
//  - an active fighter standing at a node deserts with probability
//    desertion_base + unpaid_desertion * (1 - min(share of pay actually paid, pay / his
//    reservation wage)), going home for good;
//  - otherwise, with probability defection_base, he weighs leaving: among staying and every
//    faction with fighters at his node or a neighbouring one (not outside forces), he picks
//    by a logit over utilities
//      U(stay) = loyalty_weight * loyalty - ideology_weight * |x - sharia_f|
//                + ethnicity_weight * share of his group in f + winning_weight * momentum_f
//      U(g)    = pay_weight * ln(pay_g / pay_f) - ideology_weight * |x - sharia_g|
//                + ethnicity_weight * share of his group in g + winning_weight * momentum_g
//                + contagion_weight * share of his comrades at the node who left lately,
//    momentum being the log growth of a faction's active fighters over 30 days;
//  - communities supply recruits to the factions present among them: Poisson with mean
//    recruitment_rate * support * people * P(reservation wage < pay), the wage log-normal
//    around fighters.reservation_wage with log-sd 0.5. Recruits leave the civilian population;
//    deserters return to it at home.

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/exec/executor.hpp"
#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {
namespace {

constexpr double kWageSpread = 0.5;  // log-sd of reservation wages (as at initialisation)
constexpr int kMomentumDays = 30;

struct Choice {
  std::uint32_t fighter;
  Index from, to, node;  // to == kNone: deserted
  std::int8_t driver;
};
constexpr const char* kDrivers[] = {"pay", "ideology", "ethnicity", "winning", "contagion", "unpaid", "chance"};

struct Candidate {
  Index faction, node;
};

void recover(World& w, const exec::Executor& ex) {
  auto& fi = w.fighters;
  const Day today = w.day;
  const auto F = static_cast<std::size_t>(w.F), NF = static_cast<std::size_t>(w.N) * F;
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

double momentum(const World& w, Index f) {
  const auto& h = w.active_by_day;
  if (h.empty()) return 0.0;
  const std::size_t back = h.size() > kMomentumDays ? h.size() - kMomentumDays : 0;
  const auto fi = static_cast<std::size_t>(f);
  return std::log((static_cast<double>(w.factions.active[fi]) + 1.0) / (static_cast<double>(h[back][fi]) + 1.0));
}

bool can_take(const World& w, Index g) {
  const auto gi = static_cast<std::size_t>(g);
  return w.factions.entered[gi] && w.spec->factions[gi].kind != FactionKind::outside &&
         w.spec->factions[gi].recruits_locally;
}

void decide(World& w, const exec::Executor& ex) {
  const auto& p = w.params.fighters;
  const ScenarioSpec& spec = *w.spec;
  const auto G = static_cast<std::size_t>(w.G);
  // Per node: the factions a fighter there could join (present there first, then neighbours).
  std::vector<std::vector<Candidate>> near(static_cast<std::size_t>(w.N));
  for (Index n = 0; n < w.N; ++n)
    for (Index g = 0; g < w.F; ++g) {
      if (!can_take(w, g)) continue;
      Index where = w.nodes.garrison[w.nf(n, g)] > 0 ? n : kNone;
      for (Index m = 0; m < w.N && where == kNone; ++m)
        if (edge_days(w, n, m) > 0 && edge_days(w, n, m) <= 2 && w.nodes.garrison[w.nf(m, g)] > 0) where = m;
      if (where != kNone) near[static_cast<std::size_t>(n)].push_back({g, where});
    }
  std::vector<double> mom(static_cast<std::size_t>(w.F));
  for (Index f = 0; f < w.F; ++f) mom[static_cast<std::size_t>(f)] = momentum(w, f);

  auto& fi = w.fighters;
  std::vector<Choice> choices = ex.reduce(
      fi.size(), 1u << 14, std::vector<Choice>{},
      [&](std::size_t b, std::size_t e) {
        std::vector<Choice> out;
        std::vector<double> weight;
        for (std::size_t i = b; i < e; ++i) {
          if (fi.status[i] != Status::active || fi.next[i] != kNone) continue;
          const Index f = fi.faction[i];
          const auto fidx = static_cast<std::size_t>(f);
          if (!can_take(w, f)) continue;  // outside forces neither desert nor defect here
          const Index n = fi.location[i];
          rng::Stream s(w.key, w.day, fi.key[i], purpose::decide);
          const double u = s.uniform();
          const double wage = std::max(1.0, static_cast<double>(fi.reservation_wage[i]));
          const double paid = std::min(w.factions.paid_share[fidx], w.factions.pay[fidx] / wage);
          const double p_desert = std::min(1.0, p.desertion_base + p.unpaid_desertion * std::max(0.0, 1.0 - paid));
          if (u < p_desert) {
            out.push_back({static_cast<std::uint32_t>(i), f, kNone, n, 5});
            continue;
          }
          if (u >= p_desert + p.defection_base) continue;
          // He weighs his options.
          const auto grp = static_cast<std::size_t>(fi.group[i]);
          const double x = fi.ideology[i];
          const auto& cands = near[static_cast<std::size_t>(n)];
          const double pay_f = std::max(1.0, w.factions.pay[fidx]);
          const double u_stay = p.loyalty_weight * fi.loyalty[i] -
                                p.ideology_weight * std::abs(x - spec.factions[fidx].sharia) +
                                p.ethnicity_weight * w.ethnic_mix[fidx * G + grp] + p.winning_weight * mom[fidx];
          const double garrison = std::max<double>(1.0, static_cast<double>(w.nodes.garrison[w.nf(n, f)]));
          const double contagion = p.contagion_weight * std::min(1.0, w.recent_defections[w.nf(n, f)] / garrison);
          weight.assign(cands.size() + 1, 0.0);
          double best_u = u_stay;
          std::vector<double> util(cands.size());
          for (std::size_t k = 0; k < cands.size(); ++k) {
            const auto gi = static_cast<std::size_t>(cands[k].faction);
            if (cands[k].faction == f) {
              util[k] = -1e300;
              continue;
            }
            util[k] = p.pay_weight * std::log(std::max(1.0, w.factions.pay[gi]) / pay_f) -
                      p.ideology_weight * std::abs(x - spec.factions[gi].sharia) +
                      p.ethnicity_weight * w.ethnic_mix[gi * G + grp] + p.winning_weight * mom[gi] + contagion;
            best_u = std::max(best_u, util[k]);
          }
          weight[0] = std::exp(u_stay - best_u);
          for (std::size_t k = 0; k < cands.size(); ++k) weight[k + 1] = util[k] < -1e299 ? 0.0 : std::exp(util[k] - best_u);
          const std::size_t pick = rng::categorical(s, weight);
          if (pick == 0) continue;
          const Candidate& c = cands[pick - 1];
          const auto gi = static_cast<std::size_t>(c.faction);
          // The term that weighed most for leaving.
          const double terms[] = {p.pay_weight * std::log(std::max(1.0, w.factions.pay[gi]) / pay_f),
                                  p.ideology_weight * (std::abs(x - spec.factions[fidx].sharia) - std::abs(x - spec.factions[gi].sharia)),
                                  p.ethnicity_weight * (w.ethnic_mix[gi * G + grp] - w.ethnic_mix[fidx * G + grp]),
                                  p.winning_weight * (mom[gi] - mom[fidx]), contagion};
          const auto best = std::max_element(std::begin(terms), std::end(terms));
          // No term favoured leaving: the logit's spread ("chance") carried him.
          const auto driver = static_cast<std::int8_t>(*best > 0 ? best - std::begin(terms) : 6);
          out.push_back({static_cast<std::uint32_t>(i), f, c.faction, c.node, driver});
        }
        return out;
      },
      [](std::vector<Choice> acc, std::vector<Choice> part) {
        acc.insert(acc.end(), part.begin(), part.end());
        return acc;
      });

  // Apply in fighter order (the reduction keeps chunk order), and aggregate the defections.
  std::vector<std::int64_t> moved(static_cast<std::size_t>(w.N * w.F * w.F), 0);
  std::vector<std::array<std::int64_t, 7>> why(static_cast<std::size_t>(w.N * w.F * w.F), std::array<std::int64_t, 7>{});
  for (const Choice& c : choices) {
    const std::size_t i = c.fighter;
    const Index n = fi.location[i];
    --w.nodes.garrison[w.nf(n, c.from)];
    --w.factions.active[static_cast<std::size_t>(c.from)];
    if (c.to == kNone) {
      fi.status[i] = Status::deserted;
      ++w.nodes.population[w.ng(fi.home[i], fi.group[i])];  // he goes home, a civilian again
      continue;
    }
    fi.faction[i] = static_cast<std::int16_t>(c.to);
    fi.loyalty[i] = 0.5f;
    if (fi.defected_to[i] == kNone) {
      fi.defected_to[i] = static_cast<std::int16_t>(c.to);
      fi.defected_day[i] = w.day;
    }
    ++w.factions.active[static_cast<std::size_t>(c.to)];
    if (c.node == n) {
      ++w.nodes.garrison[w.nf(n, c.to)];
    } else {
      // He leaves at once to join them: a defector never stands a night in his old town under
      // his new colours (which would make the town contested and draw him into its battle).
      const Index hop = next_hop(w, n, c.node);
      fi.target[i] = static_cast<std::int16_t>(c.node);
      fi.next[i] = static_cast<std::int16_t>(hop);
      fi.arrive_day[i] = w.day + edge_days(w, n, hop);
      ++w.nodes.inbound[w.nf(hop, c.to)];
    }
    const std::size_t k = (static_cast<std::size_t>(n) * static_cast<std::size_t>(w.F) + static_cast<std::size_t>(c.from)) *
                              static_cast<std::size_t>(w.F) + static_cast<std::size_t>(c.to);
    ++moved[k];
    ++why[k][static_cast<std::size_t>(c.driver)];
  }
  for (auto& r : w.recent_defections) r *= 6.0 / 7.0;  // a week's memory
  for (Index n = 0; n < w.N; ++n)
    for (Index f = 0; f < w.F; ++f)
      for (Index g = 0; g < w.F; ++g) {
        const std::size_t k = (static_cast<std::size_t>(n) * static_cast<std::size_t>(w.F) + static_cast<std::size_t>(f)) *
                                  static_cast<std::size_t>(w.F) + static_cast<std::size_t>(g);
        if (moved[k] == 0) continue;
        w.recent_defections[w.nf(n, f)] += static_cast<double>(moved[k]);
        const auto driver = static_cast<std::size_t>(std::max_element(why[k].begin(), why[k].end()) - why[k].begin());
        w.defections.push_back({w.day, f, g, n, moved[k], kDrivers[driver]});
        if (moved[k] >= 5) {
          Event e;
          e.day = w.day;
          e.type = "defection";
          e.sub_type = "group defection";
          e.actor1 = f;
          e.actor2 = g;
          e.node = n;
          e.notes = std::to_string(moved[k]) + " fighters; main driver: " + kDrivers[driver];
          w.log(std::move(e));
        }
      }
}

void recruit(World& w) {
  const auto& p = w.params.fighters;
  const ScenarioSpec& spec = *w.spec;
  for (Index n = 0; n < w.N; ++n)
    for (Index g = 0; g < w.G; ++g) {
      const std::int64_t people = w.nodes.population[w.ng(n, g)];
      if (people <= 0) continue;
      for (Index f = 0; f < w.F; ++f) {
        const auto fi = static_cast<std::size_t>(f);
        if (!can_take(w, f) || w.nodes.garrison[w.nf(n, f)] <= 0) continue;
        const double sup = w.support[w.ngf(n, g, f)];
        if (sup <= 0) continue;
        const double pay = std::max(1.0, w.factions.pay[fi]);
        const double willing = 0.5 * std::erfc(-std::log(pay / p.reservation_wage) / (kWageSpread * std::numbers::sqrt2));
        const std::uint64_t key = rng::combine(rng::combine(w.node_key[static_cast<std::size_t>(n)], w.group_key[static_cast<std::size_t>(g)]),
                                               w.faction_key[fi]);
        rng::Stream s = w.stream(key, purpose::recruit);
        // Recruits leave the civilian population: a community never gives more men than it has.
        const std::int64_t count = std::min(w.nodes.population[w.ng(n, g)],
                                            rng::poisson(s, p.recruitment_rate * sup * static_cast<double>(people) * willing));
        w.nodes.population[w.ng(n, g)] -= count;
        for (std::int64_t k = 0; k < count; ++k) {
          const std::uint64_t fk = rng::combine(key, (static_cast<std::uint64_t>(w.day) << 24) + static_cast<std::uint64_t>(k));
          const std::size_t i = w.fighters.add(fk, f, g, n, n, w.day);
          rng::Stream fs(w.key, w.day, fk, purpose::init_fighter);
          const double morale = w.factions.morale[fi];
          w.fighters.loyalty[i] = static_cast<float>(rng::beta(fs, 1 + 4 * morale, 1 + 4 * (1 - morale)));
          w.fighters.ideology[i] = static_cast<float>(std::clamp(rng::normal(fs, spec.factions[fi].sharia, 0.15), 0.0, 1.0));
          w.fighters.reservation_wage[i] = static_cast<float>(rng::lognormal(fs, p.reservation_wage, kWageSpread));
        }
        w.nodes.garrison[w.nf(n, f)] += count;
        w.factions.active[fi] += count;
        w.factions.recruited[fi] += count;
      }
    }
}

}  // namespace

void fighters_decide(World& w, const exec::Executor& ex) {
  recover(w, ex);
  decide(w, ex);
  recruit(w);
}

}  // namespace azsim::azawad
