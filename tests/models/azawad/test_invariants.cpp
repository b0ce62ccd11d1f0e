// Invariants of the day, checked after every day of whole runs of the historical scenario and of
// the small synthetic world: fighters are conserved, counts are never negative, garrisons,
// holders and control agree, travellers are on an edge and not yet there, money and relations
// stay finite.

#include <catch2/catch.hpp>

#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "core/exec/executor.hpp"
#include "engine_support.hpp"
#include "models/azawad/phases.hpp"

using namespace azsim;
using namespace azsim::azawad;

namespace {

/// Collects broken invariants: every kind of violation (its message with the numbers taken
/// out) is counted, and its first examples kept, so a failing run says what broke, where and
/// when, without millions of assertions.
struct Violations {
  std::map<std::string, std::pair<std::int64_t, std::vector<std::string>>> kinds;
  std::int64_t count = 0;
  void add(const std::string& what) {
    // The kind: the message after its "day D node N faction F: " prefix, without numbers.
    const auto colon = what.find(": ");
    std::string kind;
    for (char c : what.substr(colon == std::string::npos ? 0 : colon + 2))
      if (!std::isdigit(static_cast<unsigned char>(c))) kind += c;
    auto& [n, examples] = kinds[kind];
    if (examples.size() < 3) examples.push_back(what);
    ++n;
    ++count;
  }
  [[nodiscard]] std::string report() const {
    std::ostringstream o;
    o << count << " violation(s) of " << kinds.size() << " kind(s)";
    for (const auto& [kind, v] : kinds) {
      o << "\n  " << v.first << " x " << kind;
      for (const auto& e : v.second) o << "\n    " << e;
    }
    return o.str();
  }
};

/// Fighters of outside faction f that interventions must have brought in by the end of day d.
std::int64_t expected_arrivals(const ScenarioSpec& spec, Index f, Day d) {
  std::int64_t total = 0;
  for (const auto& s : spec.interventions) {
    if (s.faction != f || d < s.day) continue;
    const std::int64_t span = std::max<std::int32_t>(1, s.build_up_days);
    const std::int64_t elapsed = std::min<std::int64_t>(d - s.day + 1, span);
    total += s.fighters * elapsed / span;
  }
  return total;
}

/// Per home community (node x group): fighters of local (not outside) factions, whatever their
/// status, and deserters (who went home, civilians again). Fighters keep their home, so the
/// local fighters of a community beyond those it had at the start are its recruits.
struct Communities {
  std::vector<std::int64_t> local, deserted;
};

Communities communities(const World& w) {
  Communities c;
  c.local.assign(static_cast<std::size_t>(w.N * w.G), 0);
  c.deserted.assign(static_cast<std::size_t>(w.N * w.G), 0);
  for (std::size_t i = 0; i < w.fighters.size(); ++i) {
    const std::size_t k = w.ng(w.fighters.home[i], w.fighters.group[i]);
    if (w.spec->factions[static_cast<std::size_t>(w.fighters.origin[i])].kind != FactionKind::outside) ++c.local[k];
    if (w.fighters.status[i] == Status::deserted) ++c.deserted[k];
  }
  return c;
}

/// What the previous day left, for the day-to-day identities.
struct Before {
  std::vector<std::int64_t> killed;  // per faction
  std::int64_t people = 0;           // residents + displaced + abroad
  std::int64_t recruits = 0;         // recruited by local factions, ever
  std::int64_t deserted = 0;         // deserters, ever
  std::size_t events = 0;
};

Before snapshot(const World& w) {
  Before b;
  b.killed = w.factions.killed;
  for (std::size_t k = 0; k < w.nodes.population.size(); ++k)
    b.people += w.nodes.population[k] + w.nodes.displaced[k] + w.nodes.abroad[k];
  for (Index f = 0; f < w.F; ++f)
    if (w.spec->factions[static_cast<std::size_t>(f)].kind != FactionKind::outside)
      b.recruits += w.factions.recruited[static_cast<std::size_t>(f)];
  for (auto st : w.fighters.status) b.deserted += st == Status::deserted;
  b.events = w.events.size();
  return b;
}

std::string at(const World& w, Day d, Index n = kNone, Index f = kNone) {
  std::string s = "day " + std::to_string(d);
  if (n != kNone) s += " node " + w.spec->nodes[static_cast<std::size_t>(n)].id;
  if (f != kNone) s += " faction " + w.spec->factions[static_cast<std::size_t>(f)].id;
  return s + ": ";
}

/// Every invariant of the state at the end of day d (d = -1: the state before day 0).
void check_state(const World& w, Day d, const Before* before, const Communities& start, Violations& v) {
  const ScenarioSpec& spec = *w.spec;
  const int N = w.N, F = w.F, G = w.G;
  const auto& fi = w.fighters;
  const auto NF = static_cast<std::size_t>(N * F);

  // --- Recount everything from the fighters.
  std::vector<std::int64_t> garrison(NF, 0), inbound(NF, 0), wounded_at(NF, 0);
  std::vector<std::int64_t> by_origin(static_cast<std::size_t>(F), 0);
  std::vector<std::array<std::int64_t, 5>> by_status(static_cast<std::size_t>(F), {0, 0, 0, 0, 0});
  for (std::size_t i = 0; i < fi.size(); ++i) {
    const Index f = fi.faction[i], o = fi.origin[i], loc = fi.location[i], nx = fi.next[i];
    if (f < 0 || f >= F || o < 0 || o >= F || loc < 0 || loc >= N || (nx != kNone && (nx < 0 || nx >= N))) {
      v.add(at(w, d) + "fighter " + std::to_string(i) + " has an index out of range");
      continue;
    }
    const auto st = static_cast<std::size_t>(fi.status[i]);
    if (st > 4) {
      v.add(at(w, d) + "fighter " + std::to_string(i) + " has an unknown status");
      continue;
    }
    ++by_origin[static_cast<std::size_t>(o)];
    ++by_status[static_cast<std::size_t>(f)][st];
    const Status s = fi.status[i];
    if (s == Status::active) {
      if (nx == kNone) ++garrison[w.nf(loc, f)];
      else ++inbound[w.nf(nx, f)];
    } else if (s == Status::wounded) {
      ++wounded_at[w.nf(loc, f)];
      if (d >= 0 && fi.recover_day[i] <= d)
        v.add(at(w, d) + "fighter " + std::to_string(i) + " still wounded after its recovery day " +
              std::to_string(fi.recover_day[i]));
    }
    if ((s == Status::active || s == Status::wounded) && nx != kNone) {
      if (nx == loc) v.add(at(w, d) + "fighter " + std::to_string(i) + " travels to where it is");
      if (d >= 0 && !(fi.arrive_day[i] > d))
        v.add(at(w, d) + "fighter " + std::to_string(i) + " is still travelling with arrive_day " +
              std::to_string(fi.arrive_day[i]));
      const std::int32_t days = edge_days(w, loc, nx);
      if (days <= 0) v.add(at(w, d) + "fighter " + std::to_string(i) + " travels between nodes with no edge");
      else if (d >= 0 && fi.arrive_day[i] > d + days)
        v.add(at(w, d) + "fighter " + std::to_string(i) + " arrives later than one crossing of its edge");
    }
    if (fi.target[i] != kNone && (fi.target[i] < 0 || fi.target[i] >= N))
      v.add(at(w, d) + "fighter " + std::to_string(i) + " has a target out of range");
  }

  // --- Conservation: every fighter ever present is in exactly one status, per faction and in
  // total. By origin: initial + arrived/recruited = active + wounded + dead + deserted + captured
  // among those who started in f. By current faction, defections (as logged) move them.
  std::vector<std::int64_t> defected_in(static_cast<std::size_t>(F), 0), defected_out(static_cast<std::size_t>(F), 0);
  for (const Defection& x : w.defections) {
    if (x.from >= 0 && x.from < F) defected_out[static_cast<std::size_t>(x.from)] += x.count;
    if (x.to >= 0 && x.to < F) defected_in[static_cast<std::size_t>(x.to)] += x.count;
  }
  std::int64_t expected_total = 0, counters_total = 0, deserted_captured = 0;
  for (Index f = 0; f < F; ++f) {
    const auto fx = static_cast<std::size_t>(f);
    const std::int64_t in = w.factions.initial[fx] + w.factions.recruited[fx];
    expected_total += in;
    if (by_origin[fx] != in)
      v.add(at(w, d, kNone, f) + "initial " + std::to_string(w.factions.initial[fx]) + " + arrived/recruited " +
            std::to_string(w.factions.recruited[fx]) + " != fighters of that origin " + std::to_string(by_origin[fx]));
    const auto& c = by_status[fx];
    const std::int64_t current = c[0] + c[1] + c[2] + c[3] + c[4];
    if (current != in + defected_in[fx] - defected_out[fx])
      v.add(at(w, d, kNone, f) + "active + wounded + dead + deserted + captured " + std::to_string(current) +
            " != initial + arrived/recruited " + std::to_string(in) + " + defections in " +
            std::to_string(defected_in[fx]) + " - out " + std::to_string(defected_out[fx]));
    if (w.factions.active[fx] != c[0])
      v.add(at(w, d, kNone, f) + "active counter " + std::to_string(w.factions.active[fx]) + " != " + std::to_string(c[0]));
    if (w.factions.wounded[fx] != c[1])
      v.add(at(w, d, kNone, f) + "wounded counter " + std::to_string(w.factions.wounded[fx]) + " != " + std::to_string(c[1]));
    if (w.factions.killed[fx] != c[2])
      v.add(at(w, d, kNone, f) + "killed counter " + std::to_string(w.factions.killed[fx]) + " != dead " + std::to_string(c[2]));
    counters_total += w.factions.active[fx] + w.factions.wounded[fx] + w.factions.killed[fx];
    deserted_captured += c[3] + c[4];
    if (w.factions.active[fx] < 0 || w.factions.wounded[fx] < 0 || w.factions.killed[fx] < 0 ||
        w.factions.recruited[fx] < 0)
      v.add(at(w, d, kNone, f) + "a negative faction count");
    // Outside factions never recruit locally: all they have came through interventions.
    if (spec.factions[fx].kind == FactionKind::outside && d >= 0 &&
        w.factions.recruited[fx] != expected_arrivals(spec, f, d))
      v.add(at(w, d, kNone, f) + "arrived " + std::to_string(w.factions.recruited[fx]) + ", interventions say " +
            std::to_string(expected_arrivals(spec, f, d)));
  }
  if (counters_total + deserted_captured != expected_total)
    v.add(at(w, d) + "in total: active + wounded + killed + deserted + captured = " +
          std::to_string(counters_total + deserted_captured) + " != initial + arrived " + std::to_string(expected_total));
  if (static_cast<std::int64_t>(fi.size()) != expected_total)
    v.add(at(w, d) + "fighter entries " + std::to_string(fi.size()) + " != initial + arrived " +
          std::to_string(expected_total));

  // --- Nodes: counts agree with the fighters, nothing negative, nobody is born: residents
  // are at most those of the start plus the deserters who came home.
  const Communities now_c = communities(w);
  for (Index n = 0; n < N; ++n) {
    for (Index f = 0; f < F; ++f) {
      const std::size_t k = w.nf(n, f);
      if (w.nodes.garrison[k] != garrison[k])
        v.add(at(w, d, n, f) + "garrison " + std::to_string(w.nodes.garrison[k]) + " != active fighters standing there " +
              std::to_string(garrison[k]));
      if (w.nodes.inbound[k] != inbound[k])
        v.add(at(w, d, n, f) + "inbound " + std::to_string(w.nodes.inbound[k]) + " != " + std::to_string(inbound[k]));
      if (w.nodes.wounded[k] != wounded_at[k])
        v.add(at(w, d, n, f) + "wounded " + std::to_string(w.nodes.wounded[k]) + " != " + std::to_string(wounded_at[k]));
      if (w.nodes.garrison[k] < 0 || w.nodes.inbound[k] < 0 || w.nodes.wounded[k] < 0)
        v.add(at(w, d, n, f) + "a negative garrison, inbound or wounded count");
    }
    for (Index g = 0; g < G; ++g) {
      const std::size_t k = w.ng(n, g);
      if (w.nodes.population[k] < 0 || w.nodes.displaced[k] < 0 || w.nodes.abroad[k] < 0)
        v.add(at(w, d, n) + "a negative population, displaced or abroad count");
      if (w.nodes.population[k] >
          spec.nodes[static_cast<std::size_t>(n)].population[static_cast<std::size_t>(g)] + now_c.deserted[k])
        v.add(at(w, d, n) + "more residents of group " + spec.groups[static_cast<std::size_t>(g)].id +
              " than at the start plus deserters come home");
    }

    // --- Control: holders are exactly the factions with a garrison; the state follows from them.
    const auto ni = static_cast<std::size_t>(n);
    FactionMask present = 0;
    for (Index f = 0; f < F; ++f)
      if (w.nodes.garrison[w.nf(n, f)] > 0) present |= bit(f);
    const FactionMask holders = w.nodes.holders[ni];
    if (holders != present)
      v.add(at(w, d, n) + "holders mask " + std::to_string(holders) + " != factions with a garrison " +
            std::to_string(present));
    const ControlState c = w.nodes.control[ni];
    if (c == ControlState::held || c == ControlState::shared) {
      for (Index f = 0; f < F; ++f)
        if ((holders & bit(f)) && w.nodes.garrison[w.nf(n, f)] <= 0)
          v.add(at(w, d, n, f) + "holds or shares the town with no garrison there");
      if (holders == 0) v.add(at(w, d, n) + "held or shared by nobody");
      if (c == ControlState::held && (holders & (holders - 1)) != 0) v.add(at(w, d, n) + "held by several factions");
      if (c == ControlState::held && w.nodes.flag[ni] != kNone && !(holders & bit(w.nodes.flag[ni])))
        v.add(at(w, d, n) + "held, but the flag is not the holder's");
    }
    const bool town = spec.nodes[ni].kind == NodeKind::town;
    if (!town && c != ControlState::open) v.add(at(w, d, n) + "a non-town that is not open");
    if (town && c == ControlState::open) v.add(at(w, d, n) + "a town marked open");
    if (town && holders == 0 && c != ControlState::abandoned) v.add(at(w, d, n) + "a town with no holder not abandoned");
    if (town && holders != 0) {
      bool war = false;
      for (Index a = 0; a < F; ++a)
        for (Index b = a + 1; b < F; ++b) war = war || ((holders & bit(a)) && (holders & bit(b)) && w.at_war(a, b));
      if (war != (c == ControlState::contested)) v.add(at(w, d, n) + "contested iff holders at war: broken");
    }
    if (w.nodes.flag[ni] != kNone && (w.nodes.flag[ni] < 0 || w.nodes.flag[ni] >= F))
      v.add(at(w, d, n) + "flag out of range");
  }

  // --- Recruits come from the people: no community gives more recruits than it has had people
  // (those of the start, and deserters come home).
  if (d >= 0) {
    for (Index n = 0; n < N; ++n)
      for (Index g = 0; g < G; ++g) {
        const std::size_t k = w.ng(n, g);
        const std::int64_t recruits = now_c.local[k] - start.local[k];
        const std::int64_t people =
            spec.nodes[static_cast<std::size_t>(n)].population[static_cast<std::size_t>(g)] + now_c.deserted[k];
        if (recruits > people)
          v.add(at(w, d, n) + "community of group " + spec.groups[static_cast<std::size_t>(g)].id + " gave " +
                std::to_string(recruits) + " recruits, more than its " + std::to_string(people) + " people");
      }
  }

  // --- Money and relations stay finite and in range.
  for (Index f = 0; f < F; ++f) {
    const auto fx = static_cast<std::size_t>(f);
    for (double x : {w.factions.treasury[fx], w.factions.income[fx], w.factions.pay[fx], w.factions.morale[fx],
                     w.factions.air_power[fx], w.factions.paid_share[fx]})
      if (!std::isfinite(x)) v.add(at(w, d, kNone, f) + "a NaN or infinite treasury, income, pay, morale or air power");
    if (w.factions.treasury[fx] < 0) v.add(at(w, d, kNone, f) + "negative treasury");
    if (w.factions.pay[fx] < 0) v.add(at(w, d, kNone, f) + "negative pay");
    if (w.factions.paid_share[fx] < 0 || w.factions.paid_share[fx] > 1) v.add(at(w, d, kNone, f) + "paid share outside [0, 1]");
  }
  for (Index a = 0; a < F; ++a)
    for (Index b = 0; b < F; ++b) {
      const double r = w.relation(a, b);
      if (!std::isfinite(r) || r < -1 || r > 1) v.add(at(w, d) + "relation outside [-1, 1] or not finite");
      if (!std::isfinite(w.mediation(a, b))) v.add(at(w, d) + "mediation not finite");
    }
  for (Index a = 0; a < G; ++a)
    for (Index b = 0; b < G; ++b) {
      const double g = w.grievance(a, b);
      if (!std::isfinite(g) || g < 0 || g > 1) v.add(at(w, d) + "grievance outside [0, 1] or not finite");
      if (w.excitation.size() > 0 && (!std::isfinite(w.excitation(a, b)) || w.excitation(a, b) < 0))
        v.add(at(w, d) + "reprisal excitation negative or not finite");
    }
  // Support: a share of each community per faction, at most 1 over all factions.
  if (!w.support.empty())
    for (Index n = 0; n < N; ++n)
      for (Index g = 0; g < G; ++g) {
        double total = 0;
        for (Index f = 0; f < F; ++f) {
          const double x = w.support[w.ngf(n, g, f)];
          if (!std::isfinite(x) || x < 0 || x > 1) v.add(at(w, d, n, f) + "support outside [0, 1] or not finite");
          total += x;
        }
        if (total > 1 + 1e-9) v.add(at(w, d, n) + "support over factions above 1 in a community");
      }

  if (d < 0 || !before) return;

  // --- The day's record and its identities with the previous day.
  if (w.history.size() != static_cast<std::size_t>(d + 1)) {
    v.add(at(w, d) + "history has " + std::to_string(w.history.size()) + " days");
    return;
  }
  const DailyRecord& r = w.history.back();
  if (r.holders != w.nodes.holders || r.control != w.nodes.control || r.present != w.nodes.garrison)
    v.add(at(w, d) + "the day's record differs from the state");
  std::int64_t civilians = 0;
  for (Index g = 0; g < G; ++g) {
    if (r.civilians[static_cast<std::size_t>(g)] < 0) v.add(at(w, d) + "negative civilian deaths");
    civilians += r.civilians[static_cast<std::size_t>(g)];
  }
  // People are conserved: residents, displaced and abroad together lose today's civilian dead
  // and recruits, and gain the deserters who went home.
  const Before now = snapshot(w);
  const std::int64_t recruits = now.recruits - before->recruits, deserters = now.deserted - before->deserted;
  if (before->people - now.people != civilians + recruits - deserters)
    v.add(at(w, d) + "people lost " + std::to_string(before->people - now.people) + " != civilians killed " +
          std::to_string(civilians) + " + recruits " + std::to_string(recruits) + " - deserters " +
          std::to_string(deserters));
  std::vector<std::int64_t> event_killed(static_cast<std::size_t>(F), 0), suicide_bombs(static_cast<std::size_t>(F), 0);
  for (std::size_t k = before->events; k < w.events.size(); ++k) {
    const Event& e = w.events[k];
    if (e.day != d) v.add(at(w, d) + "an event of day " + std::to_string(e.day) + " logged today");
    if (e.fatalities < 0 || e.civilians < 0) v.add(at(w, d) + "an event with negative fatalities");
    std::int64_t combatants = 0;
    for (const auto& [f, k2] : e.killed) {
      if (k2 < 0) v.add(at(w, d) + "an event with negative deaths of a faction");
      if (f >= 0 && f < F) event_killed[static_cast<std::size_t>(f)] += k2;
      combatants += k2;
    }
    if (e.fatalities != combatants + e.civilians)
      v.add(at(w, d) + e.type + " event: fatalities " + std::to_string(e.fatalities) + " != combatants " +
            std::to_string(combatants) + " + civilians " + std::to_string(e.civilians));
    if (e.type == "suicide_bomb" && e.actor1 >= 0) ++suicide_bombs[static_cast<std::size_t>(e.actor1)];
  }
  for (Index f = 0; f < F; ++f) {
    const auto fx = static_cast<std::size_t>(f);
    const std::int64_t died = w.factions.killed[fx] - before->killed[fx];
    if (r.killed[fx] != died)
      v.add(at(w, d, kNone, f) + "killed today " + std::to_string(r.killed[fx]) + " != rise of the killed counter " +
            std::to_string(died));
    if (r.wounded_today[fx] < 0) v.add(at(w, d, kNone, f) + "negative wounded today");
    // Every death is in some event; only suicide bombers die outside their event's toll.
    if (died < event_killed[fx] || died > event_killed[fx] + suicide_bombs[fx])
      v.add(at(w, d, kNone, f) + "deaths " + std::to_string(died) + " vs deaths in the day's events " +
            std::to_string(event_killed[fx]) + " (+ " + std::to_string(suicide_bombs[fx]) + " bombers)");
  }
}

/// Runs a scenario day by day as simulate() does, checking every invariant after every day;
/// returns the final world.
World run_with_invariants(const ScenarioSpec& spec, std::uint64_t seed, int threads, Day days, Violations& v) {
  const exec::Executor ex(threads);
  World w = build_world(spec, spec.parameters, rng::RunKey{seed, 0});
  build_roster(w, ex);  // as simulate() does: counts and roster of day 0
  update_control(w);
  const Communities start = communities(w);
  check_state(w, -1, nullptr, start, v);
  for (Day d = 0; d < days; ++d) {
    const Before before = snapshot(w);
    step(w, ex);
    REQUIRE(w.day == d + 1);
    check_state(w, d, &before, start, v);
  }
  return w;
}

void check_whole_run(const std::string& path, std::vector<std::string> sets, std::uint64_t seed, int threads) {
  const auto scenario = test::load_azawad(path, std::move(sets));
  const ScenarioSpec& spec = scenario->spec();
  Violations v;
  const World w = run_with_invariants(spec, seed, threads, spec.days, v);
  INFO(path << " seed " << seed << ": " << v.report());
  CHECK(v.count == 0);
  // The run did something: fighting happened, so the checks were not vacuous.
  std::int64_t killed = 0;
  for (auto k : w.factions.killed) killed += k;
  CHECK(killed > 0);
  CHECK(w.history.size() == static_cast<std::size_t>(spec.days));
}

}  // namespace

TEST_CASE("invariants hold every day of the historical scenario", "[engine][invariants]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) check_whole_run("scenarios/azawad-2012-2014.yaml", {}, seed, 2);
}

TEST_CASE("invariants hold every day of the minimal world", "[engine][invariants]") {
  // minimal.yaml's recruitment_rate (0.5 recruits per supporter per day) swells its armies to
  // millions within the year (see the next test), which makes a whole run take seconds; the
  // invariants must hold for any parameters, so they are checked with a rate that keeps the
  // world small.
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u})
    check_whole_run("tests/data/good/minimal.yaml", {"parameters.fighters.recruitment_rate.value=0.0005"}, seed, 1);
}

TEST_CASE("recruits never outnumber the community they come from", "[engine][invariants]") {
  // With minimal.yaml's own parameters Gamma's 30,000 southerners, 40% of them for the army,
  // give it thousands of recruits a day: within days a community would have given more
  // recruits than it has people, unless recruits leave the population (and only deserters
  // come back).
  const auto scenario = test::load_azawad("tests/data/good/minimal.yaml");
  Violations v;
  (void)run_with_invariants(scenario->spec(), 1, 1, 30, v);
  INFO(v.report());
  CHECK(v.count == 0);
}

TEST_CASE("the arrivals check counts an intervention's build-up exactly", "[engine][invariants]") {
  // The helper the invariants rely on: 1000 fighters over 10 days from day 182 (minimal.yaml).
  const auto scenario = test::load_azawad("tests/data/good/minimal.yaml");
  const ScenarioSpec& spec = scenario->spec();
  const Index helpers = spec.faction_index("helpers");
  CHECK(expected_arrivals(spec, helpers, 181) == 0);
  CHECK(expected_arrivals(spec, helpers, 182) == 100);
  CHECK(expected_arrivals(spec, helpers, 186) == 500);
  CHECK(expected_arrivals(spec, helpers, 191) == 1000);
  CHECK(expected_arrivals(spec, helpers, 300) == 1000);
}

namespace {
/// Runs a scenario's days phase by phase as step() does and, after every movement phase
/// (where the roster, the ethnic mix and `armed` are refreshed from the changes the phases
/// noted, not rebuilt), compares them and every count with a full recount of a copy. Returns
/// the number of days on which something differed.
int incremental_mismatches(const ScenarioSpec& spec, std::uint64_t seed, Day days) {
  const exec::Executor ex(1);
  World w = build_world(spec, spec.parameters, rng::RunKey{seed, 0});
  build_roster(w, ex);
  update_control(w);
  int bad = 0;
  for (Day d = 0; d < days; ++d) {
    std::fill(w.today_killed.begin(), w.today_killed.end(), 0);
    std::fill(w.today_wounded.begin(), w.today_wounded.end(), 0);
    std::fill(w.today_civilians.begin(), w.today_civilians.end(), 0);
    if (apply_shocks(w)) refresh_roster(w, ex);
    run_economy(w);
    update_relations(w);
    plan_strategy(w);
    move_fighters(w, ex);
    World full = w;
    REQUIRE_FALSE(compaction_due(full));  // the recount below keeps every index
    build_roster(full, ex);
    // The kept roster lists the same fighters per bucket (in its own order), and knows
    // where each entry is.
    bool slots = true;
    for (std::size_t k = 0; k < w.roster.size(); ++k)
      for (std::size_t j = 0; j < w.roster[k].size(); ++j)
        slots = slots && w.roster_bucket[w.roster[k][j]] == k && w.roster_slot[w.roster[k][j]] == j;
    auto sorted = [](std::vector<std::vector<std::uint32_t>> r) {
      for (auto& b : r) std::sort(b.begin(), b.end());
      return r;
    };
    const bool same = slots && sorted(full.roster) == sorted(w.roster) &&
                      full.nodes.garrison == w.nodes.garrison && full.nodes.inbound == w.nodes.inbound &&
                      full.nodes.wounded == w.nodes.wounded && full.factions.active == w.factions.active &&
                      full.factions.wounded == w.factions.wounded && full.ethnic_mix == w.ethnic_mix &&
                      full.armed == w.armed && full.active_by_group == w.active_by_group &&
                      full.armed_now == w.armed_now;
    if (!same) ++bad;
    test::rest_of_day(w, ex);
    ++w.day;
  }
  return bad;
}
}  // namespace

TEST_CASE("the roster and counts kept from the day's changes equal a full recount", "[engine][invariants]") {
  const auto historical = test::load_azawad("scenarios/azawad-2012-2014.yaml");
  for (std::uint64_t seed : {1u, 5u}) {
    INFO("historical, seed " << seed);
    CHECK(incremental_mismatches(historical->spec(), seed, historical->spec().days) == 0);
  }
  const auto minimal = test::load_azawad("tests/data/good/minimal.yaml", {"parameters.fighters.recruitment_rate.value=0.0005"});
  for (std::uint64_t seed : {1u, 2u}) {
    INFO("minimal, seed " << seed);
    CHECK(incremental_mismatches(minimal->spec(), seed, minimal->spec().days) == 0);
  }
}
