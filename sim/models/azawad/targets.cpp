// Scoring of targets. A target is hit when all its clauses are; its miss is the largest of its
// clauses' misses, each divided by the clause's tolerance (window length in days, range
// width, required count), so 0 is a hit and 1 is "one tolerance away".

#include "models/azawad/targets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/geo.hpp"

namespace azsim::azawad {
namespace {

FactionMask mask_of(const Selector& s) {
  FactionMask m = 0;
  for (Index f : s.factions) m |= bit(f);
  return m;
}

class Scorer {
 public:
  explicit Scorer(const World& w) : w_(w), spec_(*w.spec), days_(static_cast<Day>(w.history.size())) {}

  std::vector<TargetResult> score(std::vector<std::vector<ClauseResult>>* out) {
    results_.assign(spec_.targets.size(), {});
    done_.assign(spec_.targets.size(), {});
    for (std::size_t t = 0; t < spec_.targets.size(); ++t) {
      results_[t].resize(spec_.targets[t].clauses.size());
      done_[t].assign(spec_.targets[t].clauses.size(), false);
    }
    std::vector<TargetResult> targets;
    for (std::size_t t = 0; t < spec_.targets.size(); ++t) {
      const TargetSpec& ts = spec_.targets[t];
      TargetResult r{ts.id, ts.description, true, 0.0};
      for (std::size_t c = 0; c < ts.clauses.size(); ++c) {
        const ClauseResult& cr = clause(static_cast<Index>(t), static_cast<Index>(c));
        r.hit = r.hit && cr.hit;
        r.miss = std::max(r.miss, cr.hit ? 0.0 : cr.miss / std::max(cr.scale, 1e-12));
      }
      targets.push_back(std::move(r));
    }
    if (out) *out = results_;
    return targets;
  }

 private:
  // Memoised: clauses refer to each other (T2 to T1, T13 to T1 and T3).
  const ClauseResult& clause(Index t, Index c) {
    auto ti = static_cast<std::size_t>(t), ci = static_cast<std::size_t>(c);
    if (!done_[ti][ci]) {
      done_[ti][ci] = true;  // set first: a cycle of references ends here instead of looping
      results_[ti][ci] = evaluate(spec_.targets[ti].clauses[ci]);
    }
    return results_[ti][ci];
  }

  [[nodiscard]] const DailyRecord& on(Day d) const { return w_.history[static_cast<std::size_t>(d)]; }

  /// The selector's factions hold or share the node on day d (not contested, not abandoned).
  [[nodiscard]] bool holds(Day d, Index n, FactionMask m) const {
    const DailyRecord& r = on(d);
    const auto ni = static_cast<std::size_t>(n);
    const ControlState c = r.control[ni];
    return (c == ControlState::held || c == ControlState::shared) && (r.holders[ni] & m);
  }

  /// Only the selector's factions hold the node on day d.
  [[nodiscard]] bool holds_only(Day d, Index n, FactionMask m) const {
    const DailyRecord& r = on(d);
    const auto ni = static_cast<std::size_t>(n);
    const ControlState c = r.control[ni];
    return (c == ControlState::held || c == ControlState::shared) && r.holders[ni] != 0 && (r.holders[ni] & ~m) == 0;
  }

  [[nodiscard]] bool battle_at(Index n, Day from, Day to) const {
    for (const Event& e : w_.events)
      if (e.type == "battle" && e.node == n && e.day >= from && e.day <= to) return true;
    return false;
  }

  [[nodiscard]] std::int64_t last_engagement_at(Index n, Day upto) const {
    std::int64_t id = -1;
    for (const Event& e : w_.events)
      if (e.type == "battle" && e.node == n && e.day <= upto && e.engagement >= 0) id = e.engagement;
    return id;
  }

  /// Days outside [a, b] (0 inside).
  [[nodiscard]] static double outside(Day d, Day a, Day b) {
    return d < a ? static_cast<double>(a - d) : d > b ? static_cast<double>(d - b) : 0.0;
  }

  /// Of candidate days, the first in the window or else the nearest to it.
  static std::optional<Day> pick(const std::vector<Day>& days, Day a, Day b) {
    std::optional<Day> best;
    for (Day d : days)
      if (!best || outside(d, a, b) < outside(*best, a, b)) best = d;
    return best;
  }

  ClauseResult dated(const std::vector<Day>& candidates, Day a, Day b) const {
    ClauseResult r;
    r.scale = static_cast<double>(b - a + 1);
    auto d = pick(candidates, a, b);
    if (!d) {
      r.miss = static_cast<double>(days_);
      return r;
    }
    r.day = *d;
    r.value = static_cast<double>(*d);
    r.miss = outside(*d, a, b);
    r.hit = r.miss == 0;
    return r;
  }

  ClauseResult evaluate(const ClauseSpec& c) {
    switch (c.kind) {
      case ClauseKind::control_change: return control_change(c);
      case ClauseKind::evacuation: return evacuation(c);
      case ClauseKind::holds_none: return holds_none(c);
      case ClauseKind::attack: return attack(c);
      case ClauseKind::defection_share: return defection_share(c);
      case ClauseKind::goal_shift: return goal_shift(c);
      case ClauseKind::relation_state: return relation_state(c);
      case ClauseKind::lost_control: return lost_control(c);
      case ClauseKind::held_fraction: return held_fraction(c);
      case ClauseKind::event_count: return event_count(c);
      case ClauseKind::battle_casualties: return battle_casualties(c);
    }
    return {};
  }

  ClauseResult control_change(const ClauseSpec& c) {
    const FactionMask to = mask_of(c.to), from = mask_of(c.from);
    std::vector<Day> changes;
    FactionMask last_holders = 0;  // holders on the last day someone held the node
    for (Day d = 0; d < days_; ++d) {
      const bool now = holds_only(d, c.node, to);
      if (d > 0 && now && !holds_only(d - 1, c.node, to) && last_holders != 0) {
        const bool from_ok = c.from.empty() ? (last_holders & ~to) != 0 : (last_holders & from) != 0;
        const bool battle_ok = !c.battle_within_days || battle_at(c.node, d - *c.battle_within_days, d);
        if (from_ok && battle_ok) changes.push_back(d);
      }
      const DailyRecord& r = on(d);
      const auto ni = static_cast<std::size_t>(c.node);
      if (r.control[ni] == ControlState::held || r.control[ni] == ControlState::shared) last_holders = r.holders[ni];
    }
    ClauseResult r = dated(changes, c.window_start, c.window_end);
    if (r.day) r.engagement = last_engagement_at(c.node, *r.day);
    return r;
  }

  ClauseResult evacuation(const ClauseSpec& c) {
    ClauseResult r;
    r.scale = static_cast<double>(c.ref_max_days - c.ref_min_days + 1);
    r.miss = static_cast<double>(days_);
    const ClauseResult& anchor = clause(c.ref.target, c.ref.clause);
    if (!anchor.day) return r;
    const Day a = *anchor.day + c.ref_min_days, b = *anchor.day + c.ref_max_days;
    const auto ni = static_cast<std::size_t>(c.node);
    const FactionMask f = bit(c.faction);
    std::vector<Day> departures;
    for (Day d = std::max<Day>(1, *anchor.day); d < days_; ++d)
      if ((on(d - 1).holders[ni] & f) && !(on(d).holders[ni] & f)) departures.push_back(d);
    r = dated(departures, a, b);
    r.scale = static_cast<double>(b - a + 1);
    if (r.hit && c.no_battle && battle_at(c.node, *anchor.day, *r.day)) {
      r.hit = false;
      r.miss = r.scale;  // a defeat, not an evacuation: one tolerance away
    }
    return r;
  }

  ClauseResult holds_none(const ClauseSpec& c) {
    ClauseResult r;
    r.scale = static_cast<double>(c.nodes.size());
    double held = 0;
    for (Index n : c.nodes) held += holds(c.date, n, bit(c.faction)) ? 1 : 0;
    r.value = held;
    r.miss = held;
    r.hit = held == 0;
    return r;
  }

  ClauseResult attack(const ClauseSpec& c) {
    const FactionMask att = mask_of(c.attacker), def = mask_of(c.defender);
    std::vector<Day> starts;
    std::vector<std::int64_t> seen;
    for (const Event& e : w_.events) {
      if (e.type != "battle" || e.engagement < 0) continue;
      if (std::find(seen.begin(), seen.end(), e.engagement) != seen.end()) continue;
      seen.push_back(e.engagement);  // events are in day order: this is the engagement's first day
      const bool place = e.node == c.node || (c.on_approach && e.objective == c.node);
      const bool sides = (e.attackers & att) && (c.defender.empty() || (e.defenders & def));
      if (!place || !sides) continue;
      bool taken = false;
      const Day until = std::min<Day>(days_ - 1, e.day + c.fails_within_days.value_or(0));
      for (Day d = e.day; d <= until && c.fails_within_days; ++d) taken = taken || holds_only(d, c.node, att);
      if (!taken) starts.push_back(e.day);
    }
    return dated(starts, c.window_start, c.window_end);
  }

  ClauseResult defection_share(const ClauseSpec& c) {
    const FactionMask to = mask_of(c.to);
    const auto& fi = w_.fighters;
    double cohort = 0, defected = 0;
    for (std::size_t i = 0; i < fi.size(); ++i) {
      if (fi.origin[i] != c.faction || fi.joined_day[i] > c.date) continue;
      ++cohort;
      if (fi.defected_to[i] != kNone && (to & bit(fi.defected_to[i])) && fi.defected_day[i] <= c.date2) ++defected;
    }
    return in_range(cohort > 0 ? std::optional<double>(defected / cohort) : std::nullopt, c.range_lo, c.range_hi);
  }

  static ClauseResult in_range(std::optional<double> v, double lo, double hi) {
    ClauseResult r;
    r.scale = std::max(hi - lo, 1e-9);
    r.value = v;
    if (!v) {
      r.miss = r.scale;
      return r;
    }
    r.miss = *v < lo ? lo - *v : *v > hi ? *v - hi : 0.0;
    r.hit = r.miss == 0;
    return r;
  }

  ClauseResult goal_shift(const ClauseSpec& c) {
    std::vector<Day> days;
    for (const GoalChange& g : w_.goal_changes)
      if (g.faction == c.faction && g.from == c.from_goal && g.to == c.to_goal) days.push_back(g.day);
    return dated(days, c.window_start, c.window_end);
  }

  ClauseResult relation_state(const ClauseSpec& c) {
    const Index a = c.pair[0], b = c.pair[1];
    std::vector<Day> starts;
    std::vector<Day> lengths;
    const auto& ch = w_.relation_changes;
    for (std::size_t k = 0; k < ch.size(); ++k) {
      const bool pair = (ch[k].a == a && ch[k].b == b) || (ch[k].a == b && ch[k].b == a);
      if (!pair || ch[k].to != c.state) continue;
      Day end = days_;
      for (std::size_t l = k + 1; l < ch.size(); ++l)
        if (((ch[l].a == a && ch[l].b == b) || (ch[l].a == b && ch[l].b == a))) {
          end = ch[l].day;
          break;
        }
      starts.push_back(ch[k].day);
      lengths.push_back(end - ch[k].day);
    }
    ClauseResult r = dated(starts, c.window_start, c.window_end);
    if (r.day && c.min_days) {
      const auto k = static_cast<std::size_t>(std::find(starts.begin(), starts.end(), *r.day) - starts.begin());
      const double shortfall = std::max(0.0, static_cast<double>(*c.min_days - lengths[k]));
      if (shortfall > 0) {
        r.hit = false;
        r.miss += shortfall;
      }
    }
    return r;
  }

  ClauseResult lost_control(const ClauseSpec& c) {
    const FactionMask m = mask_of(c.holder);
    ClauseResult r;
    r.scale = static_cast<double>(c.nodes.size());
    double failing = 0;
    for (Index n : c.nodes) failing += (holds(c.date, n, m) && !holds(c.date2, n, m)) ? 0 : 1;
    r.value = failing;
    r.miss = failing;
    r.hit = failing == 0;
    return r;
  }

  ClauseResult held_fraction(const ClauseSpec& c) {
    const FactionMask m = mask_of(c.holder);
    double held = 0;
    for (Day d = c.window_start; d <= c.window_end; ++d) held += holds(d, c.node, m) ? 1 : 0;
    const double share = held / static_cast<double>(c.window_end - c.window_start + 1);
    ClauseResult r;
    r.value = share;
    r.scale = std::max(c.min_fraction, 1e-9);
    r.miss = std::max(0.0, c.min_fraction - share);
    r.hit = share >= c.min_fraction;
    return r;
  }

  [[nodiscard]] bool matches(const ClauseSpec& c, const Event& e) const {
    if (e.day < c.window_start || e.day > c.window_end) return false;
    if (std::find(c.event_types.begin(), c.event_types.end(), e.type) == c.event_types.end()) return false;
    auto in = [](Index f, FactionMask m) { return f != kNone && (m & bit(f)); };
    if (!c.actor.empty() && !in(e.actor1, mask_of(c.actor))) return false;
    if (!c.victim.empty() && !in(e.actor2, mask_of(c.victim))) return false;
    if (!c.between[0].empty()) {
      const FactionMask a = mask_of(c.between[0]), b = mask_of(c.between[1]);
      if (!((in(e.actor1, a) && in(e.actor2, b)) || (in(e.actor1, b) && in(e.actor2, a)))) return false;
    }
    auto in_groups = [](Index g, const std::vector<Index>& gs) {
      return g != kNone && std::find(gs.begin(), gs.end(), g) != gs.end();
    };
    if (!c.groups.empty() && !(in_groups(e.group1, c.groups) && in_groups(e.group2, c.groups) && e.group1 != e.group2))
      return false;
    if (!c.victim_groups.empty() && !in_groups(e.group2, c.victim_groups)) return false;
    if (c.node != kNone) {
      if (e.node == kNone) return false;
      const auto& a = spec_.nodes[static_cast<std::size_t>(c.node)];
      const auto& b = spec_.nodes[static_cast<std::size_t>(e.node)];
      if (e.node != c.node && great_circle_km(a.lat, a.lon, b.lat, b.lon) > c.within_km) return false;
    }
    if (c.has_range && (static_cast<double>(e.fatalities) < c.range_lo || static_cast<double>(e.fatalities) > c.range_hi))
      return false;
    if (c.has_dead) {
      const FactionMask side = mask_of(c.side);
      std::int64_t dead = 0;
      for (const auto& [f, k] : e.killed)
        if (side & bit(f)) dead += k;
      if (static_cast<double>(dead) < c.dead_lo || static_cast<double>(dead) > c.dead_hi) return false;
    }
    return true;
  }

  ClauseResult event_count(const ClauseSpec& c) {
    double count = 0;
    for (const Event& e : w_.events) count += matches(c, e) ? 1 : 0;
    ClauseResult r;
    r.value = count;
    r.scale = static_cast<double>(c.min_count);
    r.miss = std::max(0.0, static_cast<double>(c.min_count) - count);
    r.hit = count >= static_cast<double>(c.min_count);
    return r;
  }

  ClauseResult battle_casualties(const ClauseSpec& c) {
    const ClauseResult& ref = clause(c.ref.target, c.ref.clause);
    if (ref.engagement < 0) return in_range(std::nullopt, c.range_lo, c.range_hi);
    const FactionMask side = mask_of(c.side);
    std::int64_t dead = 0;
    for (const Event& e : w_.events) {
      if (e.engagement != ref.engagement || e.type != "battle") continue;
      FactionMask counted = side;
      if (c.side.with_allies) {  // the side's faction plus those fighting beside it there
        if (e.attackers & side) counted |= e.attackers;
        if (e.defenders & side) counted |= e.defenders;
      }
      for (const auto& [f, k] : e.killed)
        if (counted & bit(f)) dead += k;
    }
    return in_range(static_cast<double>(dead), c.range_lo, c.range_hi);
  }

  const World& w_;
  const ScenarioSpec& spec_;
  Day days_;
  std::vector<std::vector<ClauseResult>> results_;
  std::vector<std::vector<bool>> done_;
};

}  // namespace

std::vector<TargetResult> score_targets(const World& w, std::vector<std::vector<ClauseResult>>* clauses) {
  return Scorer(w).score(clauses);
}

}  // namespace azsim::azawad
