// Phase 9, fighters decide (S28), individually, each day:
//  - the wounded whose time has come return to duty;
//  - an active fighter standing at a node deserts with probability
//    desertion_base + unpaid_desertion * (1 - min(share of pay actually paid, pay / his
//    reservation wage)) * (1 - his loyalty) + rout_desertion * min(1, max(0, -momentum of his
//    faction)) * (1 - his loyalty), going home for good: the committed stay unpaid (the MNLA's
//    volunteers were fed, not salaried, S28), and a beaten force melts away (the Islamist
//    groups' local recruits went home as Serval advanced, S31);
//  - otherwise, with probability defection_base, he weighs leaving: among staying and every
//    faction with fighters at his node or a neighbouring one (not outside forces), he picks
//    by a logit over utilities
//      U(stay) = loyalty_weight * loyalty - ideology_weight * |x - sharia_f|
//                + ethnicity_weight * share of his group in f + winning_weight * momentum_f
//      U(g)    = pay_weight * ln(pay_g / pay_f) - ideology_weight * |x - sharia_g|
//                + ethnicity_weight * share of his group in g + winning_weight * momentum_g
//                + contagion_weight * share of his comrades at the node who left lately
//                - enemy_cost if his faction is at war with g (crossing the lines),
//    momentum being the log growth of a faction's active fighters over 30 days plus that of
//    the towns it holds or shares (each + 1);
//  - communities supply recruits to the factions present among them: Poisson with mean
//    recruitment_rate * support * people * P(reservation wage < pay), the wage log-normal
//    around fighters.reservation_wage with log-sd 0.5. Recruits leave the civilian population;
//    deserters return to it at home.
// The daily chance p of deserting or weighing is drawn on check days only: a Bernoulli(q)
// process per fighter at the highest chance q any fighter can have, each check accepted with
// p / q: the same law as one uniform per fighter-day, at a cost only on check days
// (docs/ODD.md, 7.10).

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <span>

#include "core/exec/executor.hpp"
#include "core/exec/ordered.hpp"
#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {
namespace {

constexpr std::size_t kGrain = 1u << 14;  // fighters per chunk: fixed, whatever the threads
constexpr double kWageSpread = 0.5;  // log-sd of reservation wages (as at initialisation)
using FighterParams = decltype(ModelParams::fighters);

struct Choice {
  std::uint32_t fighter;
  Index from, to, node;  // to == kNone: deserted
  std::int8_t driver;
};
constexpr const char* kDrivers[] = {"pay", "ideology", "ethnicity", "winning", "contagion", "unpaid", "chance"};

struct Candidate {
  Index faction, node;
};

/// True for a faction whose fighters never decide, whatever happens: an outside force, or
/// one that does not recruit locally. Nobody joins it by defection either (can_take), so its
/// fighters' check days could never matter: they are not drawn (check_day = kNeverChecks).
bool never_decides(const World& w, Index g) {
  const auto gi = static_cast<std::size_t>(g);
  return w.spec->factions[gi].kind == FactionKind::outside || !w.spec->factions[gi].recruits_locally;
}

bool can_take(const World& w, Index g) {
  return w.factions.entered[static_cast<std::size_t>(g)] && !never_decides(w, g);
}

/// Today's chances of one fighter: of deserting, and of deserting or weighing a defection.
struct Chances {
  double desert, any;
};

/// A faction's side of the chances: the payroll it pays and offers today.
struct PayTerms {
  bool decides = false;        ///< its fighters may desert or defect (not an outside force)
  double pay = 0, paid_share = 1;
  double rout = 0;             ///< rout_desertion * min(1, max(0, -momentum)): a beaten force's pull home
  Chances flat{};              ///< the chances of a fighter whose wage the pay covers
};

Chances chances(const FighterParams& p, double paid, double loyalty = 0.0, double rout = 0.0) {
  const double desert = std::min(
      1.0, p.desertion_base + (p.unpaid_desertion * std::max(0.0, 1.0 - paid) + rout) * (1.0 - loyalty));
  return {desert, std::min(1.0, desert + p.defection_base)};
}

/// Fighter i's chances today (paid = min(share of the payroll paid, pay / his wage)).
Chances chances_of(const FighterParams& p, const PayTerms& t, float reservation_wage, float loyalty) {
  const double ratio = t.pay / std::max(1.0, static_cast<double>(reservation_wage));
  if (ratio >= t.paid_share && t.paid_share >= 1.0 && t.rout <= 0) return t.flat;
  return chances(p, std::min(ratio, t.paid_share), loyalty, t.rout);
}

/// The most any fighter's daily chance of deciding can be (nobody paid, no loyalty, his
/// faction routed): the rate of the Bernoulli process of the days on which he may decide.
double most_likely(const FighterParams& p) { return chances(p, 0.0, 0.0, p.rout_desertion).any; }

/// A Bernoulli(q) process of the days on which a fighter may decide; ln(1 - q) is worked out
/// once, not at every draw.
struct CheckProcess {
  double q, log_miss;
  explicit CheckProcess(double chance) : q(chance), log_miss(chance < 1.0 ? std::log1p(-chance) : 0.0) {}
  /// Days until the next success, counting today as 0.
  [[nodiscard]] std::int32_t days_to_success(rng::Stream& s) const {
    if (q >= 1.0) return 0;
    const double k = std::floor(std::log(s.uniform_open()) / log_miss);
    return k > 1e9 ? std::numeric_limits<std::int32_t>::max() / 2 : static_cast<std::int32_t>(k);
  }
};

constexpr std::size_t kCheckGrain = 1u << 12;  // checks per chunk: fixed, whatever the threads

/// The wounded listed for today return to duty, in fixed chunks (in parallel when several
/// threads): each chunk changes only its own fighters and counts its changes to the garrison,
/// inbound, wounded, faction and group counts apart; the integer sums are then added up.
/// A fighter is listed at most once per day (wounded again only once active again), so no
/// two chunks touch the same one.
void recover(World& w, const exec::Executor& ex) {
  const auto day = static_cast<std::size_t>(w.day);
  if (day >= w.recoveries.size()) return;
  std::vector<std::uint32_t> back;
  back.swap(w.recoveries[day]);
  auto& fi = w.fighters;
  const Day today = w.day;
  const auto N = static_cast<std::size_t>(w.N), F = static_cast<std::size_t>(w.F), G = static_cast<std::size_t>(w.G);
  // Returns fighters [b, e) of the list to duty, counting the changes at the pointers given.
  auto back_to_duty = [&](std::size_t b, std::size_t e, std::int64_t* garrison, std::int64_t* inbound,
                          std::int64_t* wounded, std::int64_t* active, std::int64_t* wounded_f, std::int64_t* by_group,
                          std::int64_t* armed) {
    for (std::size_t k = b; k < e; ++k) {
      const std::uint32_t i = back[k];
      if (fi.status[i] != Status::wounded || fi.recover_day[i] != today) continue;  // stale
      fi.status[i] = Status::active;
      const auto f = static_cast<std::size_t>(fi.faction[i]);
      const auto n = static_cast<std::size_t>(fi.location[i]);
      if (fi.next[i] == kNone) ++garrison[n * F + f];
      else ++inbound[static_cast<std::size_t>(fi.next[i]) * F + f];
      --wounded[n * F + f];
      ++active[f];
      --wounded_f[f];
      const auto g = static_cast<std::size_t>(fi.group[i]);
      ++by_group[f * G + g];
      ++armed[n * G + g];
    }
  };
  if (back.size() <= kCheckGrain) {  // one chunk: straight into the counts
    back_to_duty(0, back.size(), w.nodes.garrison.data(), w.nodes.inbound.data(), w.nodes.wounded.data(),
                 w.factions.active.data(), w.factions.wounded.data(), w.active_by_group.data(), w.armed_now.data());
    return;
  }
  // Per chunk: garrison N x F, inbound N x F, wounded N x F, active F, wounded F, by group
  // F x G, armed N x G.
  const std::size_t NF = N * F, width = 3 * NF + 2 * F + F * G + N * G;
  const std::size_t chunks = (back.size() + kCheckGrain - 1) / kCheckGrain;
  std::vector<std::int64_t> delta(chunks * width, 0);
  ex.for_chunks(back.size(), kCheckGrain, [&](std::size_t b, std::size_t e) {
    std::int64_t* const d = delta.data() + (b / kCheckGrain) * width;
    back_to_duty(b, e, d, d + NF, d + 2 * NF, d + 3 * NF, d + 3 * NF + F, d + 3 * NF + 2 * F, d + 3 * NF + 2 * F + F * G);
  });
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::int64_t* const d = delta.data() + c * width;
    for (std::size_t k = 0; k < NF; ++k) {
      w.nodes.garrison[k] += d[k];
      w.nodes.inbound[k] += d[NF + k];
      w.nodes.wounded[k] += d[2 * NF + k];
    }
    for (std::size_t f = 0; f < F; ++f) {
      w.factions.active[f] += d[3 * NF + f];
      w.factions.wounded[f] += d[3 * NF + F + f];
    }
    for (std::size_t k = 0; k < F * G; ++k) w.active_by_group[k] += d[3 * NF + 2 * F + k];
    for (std::size_t k = 0; k < N * G; ++k) w.armed_now[k] += d[3 * NF + 2 * F + F * G + k];
  }
}

/// Lists fighters `who` (entries of `fi`) by their check day, in order, in fixed chunks.
void list_checks(World& w, const exec::Executor& ex, const std::vector<std::uint32_t>& who) {
  const std::int32_t* const check_day = w.fighters.check_day.data();
  const auto days = static_cast<std::int64_t>(w.spec->days);
  exec::append_in_order(
      ex, who.size(), kCheckGrain, w.checks,
      [&](std::size_t k) {
        const std::int64_t d = check_day[who[k]];
        return d < days ? static_cast<std::size_t>(d) : exec::kNoList;
      },
      [&](std::size_t k) { return who[k]; });
}

/// Recovery, then who decides today. The wounded listed for today return to duty. Each living
/// fighter carries his next check day: the days on which he may decide are a Bernoulli(q)
/// process, q being the highest daily chance of deciding any fighter can have (unpaid); on
/// such a day, if he is eligible (active, standing at a node, in a faction that can lose him),
/// he decides with probability (today's chance) / q. That is a daily chance of exactly
/// today's, independent from day to day (the law of ODD 7.10), at a cost only on check days.
/// The first check day of a new fighter is drawn from his first day (purpose
/// fighters.first_check), each next one on his check day (purpose fighters.clock). Returns
/// the fighters who decide today, by index. Every step runs in fixed chunks; each fighter's
/// draws are keyed by him, so the result is the same whatever the threads.
std::vector<std::uint32_t> recover_and_check(World& w, const exec::Executor& ex, const std::vector<PayTerms>& terms) {
  auto& fi = w.fighters;
  const auto& p = w.params.fighters;
  const Day today = w.day;
  const auto day = static_cast<std::size_t>(today);
  recover(w, ex);
  const double q = most_likely(p);
  if (q <= 0.0) return {};
  const CheckProcess checks(q);
  // Today's checks: those listed for today, and the new fighters whose first is today.
  std::vector<std::uint32_t> due;
  if (day < w.checks.size()) due.swap(w.checks[day]);
  {
    // The new fighters (and those left unchecked by a compaction) draw their first check day.
    std::vector<std::uint32_t>& fresh = w.unchecked;
    const std::size_t listed = fresh.size();
    fresh.resize(listed + (fi.live - std::min(fi.live, w.checks_drawn)));
    for (std::size_t i = w.checks_drawn; i < fi.live; ++i) fresh[listed + i - w.checks_drawn] = static_cast<std::uint32_t>(i);
    w.checks_drawn = fi.live;
    std::vector<char> never(static_cast<std::size_t>(w.F));
    for (Index f = 0; f < w.F; ++f) never[static_cast<std::size_t>(f)] = never_decides(w, f);
    const std::vector<std::uint32_t> drawn = exec::filter_in_order(ex, fresh.size(), kCheckGrain, [&](std::size_t k) {
      const std::uint32_t i = fresh[k];
      if (!Fighters::living(fi.status[i]) || fi.check_day[i] >= 0) return false;
      if (never[static_cast<std::size_t>(fi.faction[i])]) {  // his check days could never matter
        fi.check_day[i] = Fighters::kNeverChecks;
        return false;
      }
      rng::Stream s(w.key, today, fi.key[i], purpose::first_check);
      fi.check_day[i] = today + checks.days_to_success(s);
      return true;
    });
    std::vector<std::uint32_t> later;
    later.reserve(drawn.size());
    for (const std::uint32_t k : drawn) {
      const std::uint32_t i = fresh[k];
      if (fi.check_day[i] == today) due.push_back(i);
      else later.push_back(i);
    }
    list_checks(w, ex, later);
    fresh.clear();
  }
  // In memory order (far fewer cache misses on a big run), each once, when the checks make
  // several chunks (which must not share a fighter). In one chunk, in the order listed: a
  // fighter listed twice is checked once (the second listing is stale), and each fighter's
  // check touches only his own entries, so only the order of `deciding` could differ; it is
  // sorted below.
  const bool one_chunk = due.size() <= kCheckGrain;
  if (!one_chunk) due = exec::sorted_unique(ex, due, fi.live);
  struct Part {
    std::vector<std::uint32_t> deciding, later;
  };
  const std::size_t chunks = (due.size() + kCheckGrain - 1) / kCheckGrain;
  std::vector<Part> parts(chunks);
  ex.for_chunks(due.size(), kCheckGrain, [&](std::size_t b, std::size_t e) {
    Part& part = parts[b / kCheckGrain];
    for (std::size_t k = b; k < e; ++k) {
      const std::uint32_t i = due[k];
      if (!Fighters::living(fi.status[i]) || fi.check_day[i] != today) continue;  // stale
      rng::Stream s(w.key, today, fi.key[i], purpose::clock);
      fi.check_day[i] = today + 1 + checks.days_to_success(s);
      part.later.push_back(i);
      const auto f = static_cast<std::size_t>(fi.faction[i]);
      if (fi.status[i] != Status::active || fi.next[i] != kNone || !terms[f].decides) continue;
      if (s.uniform() * q < chances_of(p, terms[f], fi.reservation_wage[i], fi.loyalty[i]).any)
        part.deciding.push_back(i);
    }
  });
  // By index (due is sorted and the chunks taken in order; one chunk sorted below), as the rules below expect.
  std::vector<std::uint32_t> deciding, later;
  for (const Part& part : parts) {
    deciding.insert(deciding.end(), part.deciding.begin(), part.deciding.end());
    later.insert(later.end(), part.later.begin(), part.later.end());
  }
  list_checks(w, ex, later);
  if (one_chunk) std::sort(deciding.begin(), deciding.end());
  return deciding;
}

void decide(World& w, const exec::Executor& ex) {
  const auto& p = w.params.fighters;
  const ScenarioSpec& spec = *w.spec;
  const auto G = static_cast<std::size_t>(w.G);
  std::vector<double> mom(static_cast<std::size_t>(w.F));
  for (Index f = 0; f < w.F; ++f) mom[static_cast<std::size_t>(f)] = momentum(w, f);
  std::vector<PayTerms> terms(static_cast<std::size_t>(w.F));
  for (Index f = 0; f < w.F; ++f) {
    PayTerms& t = terms[static_cast<std::size_t>(f)];
    t.decides = can_take(w, f);
    t.pay = w.factions.pay[static_cast<std::size_t>(f)];
    t.paid_share = w.factions.paid_share[static_cast<std::size_t>(f)];
    t.rout = p.rout_desertion * std::clamp(-mom[static_cast<std::size_t>(f)], 0.0, 1.0);
    t.flat = chances(p, t.paid_share);
  }
  const std::vector<std::uint32_t> deciding = recover_and_check(w, ex, terms);

  // Per node: the factions a fighter there could join (present there first, then neighbours).
  // (One list for all nodes, node n's being [near_at[n], near_at[n + 1]): no allocation a node.)
  std::vector<Candidate> near_all;
  std::vector<std::size_t> near_at(static_cast<std::size_t>(w.N) + 1, 0);
  std::vector<Index> close;  // the node's neighbours within two days, in index order
  for (Index n = 0; n < w.N; ++n) {
    near_at[static_cast<std::size_t>(n)] = near_all.size();
    close.clear();
    for (Index m = 0; m < w.N; ++m)
      if (edge_days(w, n, m) > 0 && edge_days(w, n, m) <= 2) close.push_back(m);
    for (Index g = 0; g < w.F; ++g) {
      if (!can_take(w, g)) continue;
      Index where = w.nodes.garrison[w.nf(n, g)] > 0 ? n : kNone;
      for (std::size_t k = 0; k < close.size() && where == kNone; ++k)
        if (w.nodes.garrison[w.nf(close[k], g)] > 0) where = close[k];
      if (where != kNone) near_all.push_back({g, where});
    }
  }
  near_at[static_cast<std::size_t>(w.N)] = near_all.size();
  const auto near = [&](Index n) {
    const auto at = near_at.begin() + n;
    return std::span<const Candidate>(near_all.data() + at[0], at[1] - at[0]);
  };
  // Those whose clock ran out decide: desert, with today's chance of deserting over the chance
  // of deciding at all; otherwise weigh leaving.
  auto& fi = w.fighters;
  std::vector<Choice> choices = ex.reduce(
      deciding.size(), 1u << 8, std::vector<Choice>{},
      [&](std::size_t b, std::size_t e) {
        std::vector<Choice> out;
        std::vector<double> weight, util;
        for (std::size_t k0 = b; k0 < e; ++k0) {
          const std::size_t i = deciding[k0];
          const Index f = fi.faction[i];
          const auto fidx = static_cast<std::size_t>(f);
          const Index n = fi.location[i];
          rng::Stream s(w.key, w.day, fi.key[i], purpose::decide);
          const Chances c = chances_of(p, terms[fidx], fi.reservation_wage[i], fi.loyalty[i]);
          if (s.uniform() * c.any < c.desert) {
            out.push_back({static_cast<std::uint32_t>(i), f, kNone, n, 5});
            continue;
          }
          // He weighs his options.
          const auto grp = static_cast<std::size_t>(fi.group[i]);
          const double x = fi.ideology[i];
          const std::span<const Candidate> cands = near(n);
          const double pay_f = std::max(1.0, w.factions.pay[fidx]);
          const double u_stay = p.loyalty_weight * fi.loyalty[i] -
                                p.ideology_weight * std::abs(x - spec.factions[fidx].sharia) +
                                p.ethnicity_weight * w.ethnic_mix[fidx * G + grp] + p.winning_weight * mom[fidx];
          const double garrison = std::max<double>(1.0, static_cast<double>(w.nodes.garrison[w.nf(n, f)]));
          const double contagion = p.contagion_weight * std::min(1.0, w.recent_defections[w.nf(n, f)] / garrison);
          weight.assign(cands.size() + 1, 0.0);
          double best_u = u_stay;
          util.assign(cands.size(), 0.0);
          for (std::size_t k = 0; k < cands.size(); ++k) {
            const auto gi = static_cast<std::size_t>(cands[k].faction);
            if (cands[k].faction == f) {
              util[k] = -1e300;
              continue;
            }
            util[k] = p.pay_weight * std::log(std::max(1.0, w.factions.pay[gi]) / pay_f) -
                      p.ideology_weight * std::abs(x - spec.factions[gi].sharia) +
                      p.ethnicity_weight * w.ethnic_mix[gi * G + grp] + p.winning_weight * mom[gi] + contagion -
                      (w.at_war(f, cands[k].faction) ? p.enemy_cost : 0.0);
            best_u = std::max(best_u, util[k]);
          }
          weight[0] = std::exp(u_stay - best_u);
          for (std::size_t k = 0; k < cands.size(); ++k) weight[k + 1] = util[k] < -1e299 ? 0.0 : std::exp(util[k] - best_u);
          const std::size_t pick = rng::categorical(s, weight);
          if (pick == 0) continue;
          const Candidate& cand = cands[pick - 1];
          const auto gi = static_cast<std::size_t>(cand.faction);
          // The term that weighed most for leaving.
          const double terms_of_choice[] = {
              p.pay_weight * std::log(std::max(1.0, w.factions.pay[gi]) / pay_f),
              p.ideology_weight * (std::abs(x - spec.factions[fidx].sharia) - std::abs(x - spec.factions[gi].sharia)),
              p.ethnicity_weight * (w.ethnic_mix[gi * G + grp] - w.ethnic_mix[fidx * G + grp]),
              p.winning_weight * (mom[gi] - mom[fidx]), contagion};
          const auto best = std::max_element(std::begin(terms_of_choice), std::end(terms_of_choice));
          // No term favoured leaving: the logit's spread ("chance") carried him.
          const auto driver = static_cast<std::int8_t>(*best > 0 ? best - std::begin(terms_of_choice) : 6);
          out.push_back({static_cast<std::uint32_t>(i), f, cand.faction, cand.node, driver});
        }
        return out;
      },
      [](std::vector<Choice> acc, std::vector<Choice> part) {
        acc.insert(acc.end(), part.begin(), part.end());
        return acc;
      });

  // Apply in fighter order (the reduction keeps chunk order), and aggregate the defections by
  // (node, from, to) in that order.
  std::map<std::array<Index, 3>, std::array<std::int64_t, 8>> moved;  // count, then count per driver
  for (const Choice& c : choices) {
    const std::size_t i = c.fighter;
    const Index n = fi.location[i];
    --w.nodes.garrison[w.nf(n, c.from)];
    --w.factions.active[static_cast<std::size_t>(c.from)];
    w.count_active(i, -1);
    w.leaves_roster(n, c.from, i);
    if (c.to == kNone) {
      fi.retire(i, Status::deserted);
      ++w.nodes.population[w.ng(fi.home[i], fi.group[i])];  // he goes home, a civilian again
      continue;
    }
    fi.faction[i] = static_cast<std::int16_t>(c.to);
    w.count_active(i, +1);
    fi.loyalty[i] = 0.5f;
    if (fi.defected_to[i] == kNone) {
      fi.defected_to[i] = static_cast<std::int16_t>(c.to);
      fi.defected_day[i] = w.day;
    }
    ++w.factions.active[static_cast<std::size_t>(c.to)];
    if (c.node == n) {
      ++w.nodes.garrison[w.nf(n, c.to)];
      w.joins_roster(i);
    } else {
      // He leaves at once to join them: a defector never stands a night in his old town under
      // his new colours (which would make the town contested and draw him into its battle).
      const Index hop = next_hop(w, n, c.node);
      fi.target[i] = static_cast<std::int16_t>(c.node);
      fi.next[i] = static_cast<std::int16_t>(hop);
      fi.arrive_day[i] = w.day + edge_days(w, n, hop);
      ++w.nodes.inbound[w.nf(hop, c.to)];
      w.sets_off(i);
    }
    auto& m = moved[{n, c.from, c.to}];
    ++m[0];
    ++m[1 + static_cast<std::size_t>(c.driver)];
  }
  for (auto& r : w.recent_defections) r *= 6.0 / 7.0;  // a week's memory
  for (const auto& [nfg, m] : moved) {
    const auto [n, f, g] = nfg;
    w.recent_defections[w.nf(n, f)] += static_cast<double>(m[0]);
    const auto driver = static_cast<std::size_t>(std::max_element(m.begin() + 1, m.end()) - (m.begin() + 1));
    w.defections.push_back({w.day, f, g, n, m[0], kDrivers[driver]});
    if (m[0] >= 5) {
      Event e;
      e.day = w.day;
      e.type = "defection";
      e.sub_type = "group defection";
      e.actor1 = f;
      e.actor2 = g;
      e.node = n;
      e.notes = std::to_string(m[0]) + " fighters; main driver: " + kDrivers[driver];
      w.log(std::move(e));
    }
  }
}

/// Recruitment: first how many each community gives each faction (in node, group, faction
/// order: a community's population falls as it gives), then the recruits joined at once, in
/// that order, each drawn his traits from his own key in fixed chunks (in parallel when
/// several threads): the same fighters, at the same entries, as joining them one by one.
void recruit(World& w, const exec::Executor& ex) {
  const auto& p = w.params.fighters;
  const ScenarioSpec& spec = *w.spec;
  struct Batch {
    Index node, group, faction;
    std::uint64_t key;
    std::size_t first, count;  ///< the recruits' serial numbers among today's
  };
  std::vector<Batch> batches;
  std::size_t total = 0;
  // P(reservation wage < pay) per faction: the same for every community (worked out once).
  std::vector<double> willing_of(static_cast<std::size_t>(w.F));
  for (std::size_t f = 0; f < willing_of.size(); ++f) {
    const double pay = std::max(1.0, w.factions.pay[f]);
    willing_of[f] = 0.5 * std::erfc(-std::log(pay / p.reservation_wage) / (kWageSpread * std::numbers::sqrt2));
  }
  for (Index n = 0; n < w.N; ++n)
    for (Index g = 0; g < w.G; ++g) {
      const std::int64_t people = w.nodes.population[w.ng(n, g)];
      if (people <= 0) continue;
      for (Index f = 0; f < w.F; ++f) {
        const auto fi = static_cast<std::size_t>(f);
        if (!can_take(w, f) || w.nodes.garrison[w.nf(n, f)] <= 0) continue;
        const double sup = w.support[w.ngf(n, g, f)];
        if (sup <= 0) continue;
        const double willing = willing_of[fi];
        const std::uint64_t key = rng::combine(rng::combine(w.node_key[static_cast<std::size_t>(n)], w.group_key[static_cast<std::size_t>(g)]),
                                               w.faction_key[fi]);
        rng::Stream s = w.stream(key, purpose::recruit);
        // Recruits leave the civilian population: a community never gives more men than it has.
        const std::int64_t count = std::min(w.nodes.population[w.ng(n, g)],
                                            rng::poisson(s, p.recruitment_rate * sup * static_cast<double>(people) * willing));
        if (count <= 0) continue;
        w.nodes.population[w.ng(n, g)] -= count;
        w.nodes.garrison[w.nf(n, f)] += count;
        w.factions.active[fi] += count;
        w.factions.recruited[fi] += count;
        w.active_by_group[fi * static_cast<std::size_t>(w.G) + static_cast<std::size_t>(g)] += count;
        w.armed_now[w.ng(n, g)] += count;
        batches.push_back({n, g, f, key, total, static_cast<std::size_t>(count)});
        total += static_cast<std::size_t>(count);
      }
    }
  if (total == 0) return;
  auto& fs = w.fighters;
  const std::size_t first = fs.grow(total);
  constexpr std::size_t kRecruitGrain = 1u << 10;  // recruits per chunk: fixed, whatever the threads
  ex.for_chunks(total, kRecruitGrain, [&](std::size_t b, std::size_t e) {
    // The batch of recruit b: the last that starts at or before it.
    auto batch = std::upper_bound(batches.begin(), batches.end(), b, [](std::size_t r, const Batch& x) { return r < x.first; }) - 1;
    for (std::size_t r = b; r < e; ++r) {
      while (r >= batch->first + batch->count) ++batch;
      const std::size_t k = r - batch->first;
      const auto fi = static_cast<std::size_t>(batch->faction);
      const std::uint64_t fk = rng::combine(batch->key, (static_cast<std::uint64_t>(w.day) << 24) + static_cast<std::uint64_t>(k));
      const std::size_t i = first + r;
      fs.init(i, fk, batch->faction, batch->group, batch->node, batch->node, w.day);
      rng::Stream s(w.key, w.day, fk, purpose::init_fighter);
      const double morale = w.factions.morale[fi];
      fs.loyalty[i] = static_cast<float>(rng::beta(s, 1 + 4 * morale, 1 + 4 * (1 - morale)));
      fs.ideology[i] = static_cast<float>(std::clamp(rng::normal(s, spec.factions[fi].sharia, 0.15), 0.0, 1.0));
      fs.reservation_wage[i] = static_cast<float>(rng::lognormal(s, p.reservation_wage, kWageSpread));
    }
  });
  // Each may now stand at his node (the roster takes him in at its refresh).
  const std::size_t noted = w.roster_add.size();
  w.roster_add.resize(noted + total);
  std::iota(w.roster_add.begin() + static_cast<std::ptrdiff_t>(noted), w.roster_add.end(), static_cast<std::uint32_t>(first));
}

}  // namespace

void fighters_decide(World& w, const exec::Executor& ex) {
  decide(w, ex);
  recruit(w, ex);
}

}  // namespace azsim::azawad
