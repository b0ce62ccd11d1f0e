// Phase 6, asymmetric attacks: an insurgent faction that bombs (FactionSpec::bombs) with
// fighters in a refuge strikes enemy checkpoints
// and bases within reach_km (S11, S32-S34). Each day and refuge the strike happens with
// probability 1 - exp(-attack_rate); the target is an enemy-held place, weighted by its
// checkpoints; the victim is an enemy there, drawn with weight fighters / quality; the
// toll is heavy-tailed, floor(Pareto(min_fatalities, tail_index)), capped by the garrison; a
// suicide bombing costs the attacker its bomber.

#include <algorithm>
#include <cmath>

#include "core/geo.hpp"
#include "core/random/samplers.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/purposes.hpp"

namespace azsim::azawad {

namespace {
void kill_standing(World& w, Index n, Index f, std::int64_t count, Index perpetrator) {
  auto& fi = w.fighters;
  std::int64_t done = 0;
  // The last listed first (deterministic without a draw).
  const auto here = w.standing_at(n, f);
  for (std::size_t k = here.size(); k-- > 0 && done < count;) {
    const std::uint32_t i = here[k];
    if (fi.faction[i] != f || fi.location[i] != n || fi.next[i] != kNone || fi.status[i] != Status::active) continue;
    w.count_active(i, -1);
    fi.retire(i, Status::dead);
    w.leaves_roster(n, f, i);
    ++done;
    if (perpetrator != kNone) w.violence_today.push_back({n, perpetrator, fi.group[i], 1, false});
  }
  w.nodes.garrison[w.nf(n, f)] -= done;
  w.factions.active[static_cast<std::size_t>(f)] -= done;
  w.factions.killed[static_cast<std::size_t>(f)] += done;
  w.today_killed[static_cast<std::size_t>(f)] += done;
}
}  // namespace

void strike_from_refuges(World& w) {
  const auto& p = w.params.asymmetric;
  const ScenarioSpec& spec = *w.spec;
  for (Index r = 0; r < w.N; ++r) {
    if (spec.nodes[static_cast<std::size_t>(r)].kind != NodeKind::refuge) continue;
    for (Index f = 0; f < w.F; ++f) {
      if (spec.factions[static_cast<std::size_t>(f)].kind != FactionKind::insurgent || !spec.factions[static_cast<std::size_t>(f)].bombs) continue;
      if (w.nodes.garrison[w.nf(r, f)] <= 0) continue;
      rng::Stream s = w.stream(rng::combine(w.node_key[static_cast<std::size_t>(r)], w.faction_key[static_cast<std::size_t>(f)]),
                               purpose::strike);
      if (!rng::bernoulli(s, 1.0 - std::exp(-p.attack_rate))) continue;
      // Targets: enemy garrisons in towns within reach, weighted by 1 + checkpoints.
      std::vector<double> weight(static_cast<std::size_t>(w.N), 0.0);
      for (Index m = 0; m < w.N; ++m) {
        if (m == r || !holdable(w, m)) continue;
        const auto& a = spec.nodes[static_cast<std::size_t>(r)];
        const auto& b = spec.nodes[static_cast<std::size_t>(m)];
        if (great_circle_km(a.lat, a.lon, b.lat, b.lon) > p.reach_km) continue;
        bool enemy = false;
        for (Index g = 0; g < w.F; ++g) enemy = enemy || (w.at_war(f, g) && w.nodes.garrison[w.nf(m, g)] > 0);
        if (enemy) weight[static_cast<std::size_t>(m)] = 1.0 + static_cast<double>(b.checkpoints);
      }
      if (std::all_of(weight.begin(), weight.end(), [](double x) { return x == 0; })) continue;
      const auto m = static_cast<Index>(rng::categorical(s, weight));
      // The victim: an enemy garrison there, drawn with weight (its fighters) / quality -- the
      // more and the softer the posts, the likelier the bomber finds one (S32-S34: in February
      // 2013 the bombers hit the army's checkpoints at Gao and the MNLA's at Kidal and In Khalil,
      // not the French beside them).
      std::vector<double> exposure(static_cast<std::size_t>(w.F), 0.0);
      for (Index g = 0; g < w.F; ++g) {
        const std::int64_t here = w.nodes.garrison[w.nf(m, g)];
        if (w.at_war(f, g) && here > 0)
          exposure[static_cast<std::size_t>(g)] = static_cast<double>(here) / spec.factions[static_cast<std::size_t>(g)].quality;
      }
      const auto victim = static_cast<Index>(rng::categorical(s, exposure));
      const std::int64_t most = w.nodes.garrison[w.nf(m, victim)];
      const bool suicide = rng::bernoulli(s, p.suicide_share);
      const auto toll = static_cast<std::int64_t>(std::floor(rng::pareto(s, p.min_fatalities, p.tail_index)));
      const std::int64_t killed = std::min(toll, most);
      kill_standing(w, m, victim, killed, f);
      if (suicide) kill_standing(w, r, f, 1, kNone);
      Event e;
      e.day = w.day;
      e.type = suicide ? "suicide_bomb" : "bomb";
      e.sub_type = suicide ? "suicide bomb" : "remote explosive";
      e.actor1 = f;
      e.actor2 = victim;
      e.node = m;
      e.fatalities = killed;
      e.killed.emplace_back(victim, killed);
      e.notes = "from refuge " + spec.nodes[static_cast<std::size_t>(r)].id + "; Pareto toll " +
                std::to_string(toll) + " (alpha " + std::to_string(p.tail_index).substr(0, 4) + ")";
      w.log(std::move(e));
    }
  }
}

}  // namespace azsim::azawad
