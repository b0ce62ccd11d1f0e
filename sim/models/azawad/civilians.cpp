// Phase 8, civilians (S5, S13, S14, S18, S19, S38-S40).
//  - Violence: each death a faction caused today among group g at node n (civilians count 1,
//    fighters combatant_weight) lowers g's support there for that faction by violence_effect
//    per death per 1,000 of g, raises g's grievance against every group h that faction
//    recruits from by grievance_per_death x (deaths per 1,000) x (h's share of its fighters),
//    and makes flight_per_death people of g flee per death (abroad_share of them abroad).
//  - Support: pulled toward factions recruiting from the community's own group (toward the
//    group's share among the faction's fighters, ethnic_alignment a day), and, where a faction
//    holds the town, moved by rule_effect x (that share - 1/2): rule by outsiders to the group
//    loses support (S18), rule by its own wins it (S5, S19). Support over factions is at most 1.
//  - Grievance fades by grievance_decay a day.
//  - Reprisals: a self-exciting (Hawkes) process per ordered pair of groups, carried out by
//    armed bands (S13: the MNLA harassed Fulani civilians, the Fulani forming most of the
//    Islamist rebels; S39-S40: some thirty traders killed at once, then reprisals in return).
//    At each node where h has people, the band of g is the faction whose men of g there (a,
//    its garrison x its share of g) are readiest; a band's readiness is a / (a +
//    reprisal_band_men), and the reach of a set of bands is 1 - prod(1 - readiness). Group g
//    strikes h's civilians on grudge with daily intensity reprisal_base x grievance(g, h) x the
//    reach of its hostile bands (readiness times the hostility of the band's faction to h: the
//    largest share of h among the fighters of the factions it is at war with), and in
//    retaliation with intensity x(g, h) x the reach of all its bands (a group just struck needs
//    no other enemy: S40). Each reprisal of g on h adds reprisal_branching x (e^(1/m) - 1) to
//    x(h, g), m = reprisal_memory_days, and x decays by exp(-1/m) a day before each day's
//    draws, so each reprisal provokes at most reprisal_branching further ones on average (as
//    many when h's bands reach g's people for certain). A reprisal strikes at a node drawn with
//    weight its band's readiness; its toll is floor(Pareto(x_m, massacre_tail_index)),
//    heavy-tailed, with x_m = 1 + massacre_scale x a / 100: the toll grows with the band that
//    commits it.

#include <algorithm>
#include <cmath>
#include <map>

#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {
namespace {

double per_thousand(const World& w, Index n, Index g, double deaths) {
  const auto pop = static_cast<double>(w.nodes.population[w.ng(n, g)]);
  return deaths / std::max(1.0, pop / 1000.0);
}

/// Raises a grievance by `by`, to at most 1 (a NaN stays NaN, for the invariant check to see).
void raise_grievance(double& grievance, double by) {
  const double raised = grievance + by;
  grievance = raised > 1.0 ? 1.0 : raised;
}

/// People of group g at node n flee: Poisson(flight_per_death x deaths), abroad_share abroad.
void flee(World& w, Index n, Index g, double deaths, rng::Stream& s) {
  const auto& c = w.params.civilians;
  std::int64_t& pop = w.nodes.population[w.ng(n, g)];
  const std::int64_t leaving = std::min(pop, rng::poisson(s, c.flight_per_death * deaths));
  const std::int64_t abroad = rng::binomial(s, leaving, c.abroad_share);
  pop -= leaving;
  w.nodes.abroad[w.ng(n, g)] += abroad;
  w.nodes.displaced[w.ng(n, g)] += leaving - abroad;
}

void suffer(World& w, Index n, Index victims, Index perpetrator, double deaths, rng::Stream& s) {
  const auto& c = w.params.civilians;
  const double k = per_thousand(w, n, victims, deaths);
  if (perpetrator != kNone) {
    double& sup = w.support[w.ngf(n, victims, perpetrator)];
    sup = std::max(0.0, sup - c.violence_effect * k);
    for (Index h = 0; h < w.G; ++h)
      if (h != victims)
        raise_grievance(w.grievance(victims, h),
                        c.grievance_per_death * k *
                            w.ethnic_mix[static_cast<std::size_t>(perpetrator) * static_cast<std::size_t>(w.G) +
                                         static_cast<std::size_t>(h)]);
  }
  flee(w, n, victims, deaths, s);
}

/// Hostility of faction f's men towards the civilians of group h: the largest share of h among
/// the fighters of the factions f is at war with (0 when it is at war with none of h's men).
double hostility(const World& w, Index f, Index h) {
  double most = 0;
  for (Index e = 0; e < w.F; ++e)
    if (w.at_war(f, e))
      most = std::max(most, w.ethnic_mix[static_cast<std::size_t>(e) * static_cast<std::size_t>(w.G) + static_cast<std::size_t>(h)]);
  return most;
}

/// The armed band of group g that could strike group h's civilians at one node: the faction
/// whose men of g there are readiest, its men a and its readiness.
struct Band {
  Index faction = kNone;
  double men = 0, readiness = 0;
};

/// For each node, the readiest band of g's armed men near h's civilians: readiness
/// a / (a + reprisal_band_men), times the faction's hostility to h when `hostile` is given
/// (0 where h has no one or g no armed men).
std::vector<Band> bands(const World& w, Index g, Index h, const std::vector<double>* hostile) {
  const auto& c = w.params.civilians;
  const auto G = static_cast<std::size_t>(w.G);
  std::vector<Band> out(static_cast<std::size_t>(w.N));
  for (Index n = 0; n < w.N; ++n) {
    if (w.nodes.population[w.ng(n, h)] <= 0 || w.armed[w.ng(n, g)] <= 0) continue;
    Band& b = out[static_cast<std::size_t>(n)];
    for (Index f = 0; f < w.F; ++f) {
      const auto fg = static_cast<std::size_t>(f) * G;
      const double men = static_cast<double>(w.nodes.garrison[w.nf(n, f)]) * w.ethnic_mix[fg + static_cast<std::size_t>(g)];
      if (men <= 0) continue;
      const double r = men / (men + c.reprisal_band_men) * (hostile ? (*hostile)[fg + static_cast<std::size_t>(h)] : 1.0);
      if (r > b.readiness) b = {f, men, r};
    }
  }
  return out;
}

/// The reach of a set of bands: the chance that at least one would strike, each with its readiness.
double reach(const std::vector<Band>& at) {
  double none = 1;
  for (const Band& b : at) none *= 1 - b.readiness;
  return 1 - none;
}

void reprisal(World& w, Index g, Index h, const std::vector<Band>& at, rng::Stream& s) {
  const auto& c = w.params.civilians;
  std::vector<double> weight(at.size());
  std::transform(at.begin(), at.end(), weight.begin(), [](const Band& b) { return b.readiness; });
  const auto n = static_cast<Index>(rng::categorical(s, weight));
  const Band& band = at[static_cast<std::size_t>(n)];
  std::int64_t& pop = w.nodes.population[w.ng(n, h)];
  const double scale = 1.0 + c.massacre_scale * band.men / 100.0;
  const auto toll = static_cast<std::int64_t>(std::floor(rng::pareto(s, scale, c.massacre_tail_index)));
  const std::int64_t deaths = std::min(pop, toll);
  pop -= deaths;
  w.today_civilians[static_cast<std::size_t>(h)] += deaths;
  raise_grievance(w.grievance(h, g), c.grievance_per_death * per_thousand(w, n, h, static_cast<double>(deaths)));
  double& sup = w.support[w.ngf(n, h, band.faction)];
  sup = std::max(0.0, sup - c.violence_effect * per_thousand(w, n, h, static_cast<double>(deaths)));
  flee(w, n, h, static_cast<double>(deaths), s);
  // Each reprisal provokes reprisal_branching more on average (where h's bands can reach g's
  // people): its excitation is first drawn on after one day's decay, so the jump is
  // b (e^(1/m) - 1) (sum over k >= 1 of jump e^(-k/m) = b).
  w.excitation(h, g) += c.reprisal_branching * std::expm1(1.0 / c.reprisal_memory_days);
  Event e;
  e.day = w.day;
  e.type = deaths >= 10 ? "massacre" : "reprisal";
  e.sub_type = "attack on civilians";
  e.actor1 = band.faction;
  e.group1 = g;
  e.group2 = h;
  e.node = n;
  e.fatalities = deaths;
  e.civilians = deaths;
  e.notes = "reprisal of " + w.spec->groups[static_cast<std::size_t>(g)].id + " on " +
            w.spec->groups[static_cast<std::size_t>(h)].id + ": grievance " +
            std::to_string(w.grievance(g, h)).substr(0, 5) + ", excitation " +
            std::to_string(w.excitation(g, h)).substr(0, 6) + "; band of " +
            std::to_string(static_cast<std::int64_t>(std::llround(band.men))) + " men, readiness " +
            std::to_string(band.readiness).substr(0, 5) + "; Pareto toll " + std::to_string(toll);
  w.log(std::move(e));
}

}  // namespace

void update_civilians(World& w) {
  const auto& c = w.params.civilians;
  const ScenarioSpec& spec = *w.spec;

  // 1. Today's violence, aggregated by (node, perpetrator, victims' group) in a fixed order.
  std::map<std::tuple<Index, Index, Index>, double> deaths;
  for (const Violence& v : w.violence_today)
    deaths[{v.node, v.perpetrator, v.victims}] +=
        static_cast<double>(v.deaths) * (v.civilians ? 1.0 : c.combatant_weight);
  w.violence_today.clear();
  for (const auto& [key, d] : deaths) {
    const auto [n, perp, g] = key;
    rng::Stream s = w.stream(rng::combine(w.node_key[static_cast<std::size_t>(n)], w.group_key[static_cast<std::size_t>(g)]),
                             purpose::flight);
    suffer(w, n, g, perp, d, s);
  }

  // 2. Support.
  for (Index n = 0; n < w.N; ++n)
    for (Index g = 0; g < w.G; ++g) {
      if (w.nodes.population[w.ng(n, g)] <= 0) continue;
      double total = 0;
      for (Index f = 0; f < w.F; ++f) {
        const auto fi = static_cast<std::size_t>(f);
        double& sup = w.support[w.ngf(n, g, f)];
        if (!spec.factions[fi].recruits_locally || !w.factions.entered[fi]) continue;
        const double mix = w.ethnic_mix[fi * static_cast<std::size_t>(w.G) + static_cast<std::size_t>(g)];
        sup += c.ethnic_alignment * (mix - sup);
        if (holdable(w, n) && (w.nodes.holders[static_cast<std::size_t>(n)] & bit(f)))
          sup += c.rule_effect * (mix - 0.5);
        sup = std::clamp(sup, 0.0, 1.0);
        total += sup;
      }
      if (total > 1.0)
        for (Index f = 0; f < w.F; ++f) w.support[w.ngf(n, g, f)] /= total;
    }

  // 3. Grievance fades.
  w.grievance *= (1.0 - c.grievance_decay);

  // 4. Reprisals, pair by pair in a fixed order, by the armed bands near the victims: from
  // grievance by bands whose enemies count h's men, in retaliation by any band of g.
  std::vector<double> hostile(static_cast<std::size_t>(w.F) * static_cast<std::size_t>(w.G));
  for (Index f = 0; f < w.F; ++f)
    for (Index h = 0; h < w.G; ++h)
      hostile[static_cast<std::size_t>(f) * static_cast<std::size_t>(w.G) + static_cast<std::size_t>(h)] = hostility(w, f, h);
  const double decay = std::exp(-1.0 / c.reprisal_memory_days);
  for (Index g = 0; g < w.G; ++g)
    for (Index h = 0; h < w.G; ++h) {
      if (g == h) continue;
      w.excitation(g, h) *= decay;
      const double grudge = c.reprisal_base * w.grievance(g, h), retaliation = w.excitation(g, h);
      if (grudge <= 0 && retaliation <= 0) continue;
      rng::Stream s = w.stream(rng::combine(w.group_key[static_cast<std::size_t>(g)], w.group_key[static_cast<std::size_t>(h)]),
                               purpose::reprisal);
      // Both counts are drawn before any reprisal changes the world (fixed draw order).
      const std::vector<Band> hostile_bands = grudge > 0 ? bands(w, g, h, &hostile) : std::vector<Band>{};
      const std::vector<Band> any_bands = retaliation > 0 ? bands(w, g, h, nullptr) : std::vector<Band>{};
      const std::int64_t from_grudge = grudge > 0 ? rng::poisson(s, grudge * reach(hostile_bands)) : 0;
      const std::int64_t in_return = retaliation > 0 ? rng::poisson(s, retaliation * reach(any_bands)) : 0;
      for (std::int64_t k = 0; k < from_grudge; ++k) reprisal(w, g, h, hostile_bands, s);
      for (std::int64_t k = 0; k < in_return; ++k) reprisal(w, g, h, any_bands, s);
    }
}

}  // namespace azsim::azawad
