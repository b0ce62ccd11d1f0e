#include "models/azawad/run.hpp"

#include <sstream>

#include "core/exec/executor.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "core/run/outcomes.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/targets.hpp"

namespace azsim::azawad {

World simulate(const ScenarioSpec& spec, const ParameterSet& parameters, rng::RunKey key, const exec::Executor& ex) {
  World w = build_world(spec, parameters, key, ex);
  build_roster(w, ex);
  update_control(w);
  w.history.reserve(static_cast<std::size_t>(spec.days));
  for (Day d = 0; d < spec.days; ++d) step(w, ex);
  return w;
}

RunSummary summarize(const World& w) {
  const ScenarioSpec& spec = *w.spec;
  RunSummary s;
  std::vector<std::vector<ClauseResult>> clauses;
  s.targets = score_targets(w, &clauses);
  for (std::size_t t = 0; t < spec.targets.size(); ++t) {
    s.outcomes.push_back({spec.targets[t].id + ".hit", s.targets[t].hit ? 1.0 : 0.0, "0/1"});
    s.outcomes.push_back({spec.targets[t].id + ".miss", s.targets[t].miss, "tolerances"});
    for (std::size_t c = 0; c < spec.targets[t].clauses.size(); ++c) {
      const ClauseSpec& cs = spec.targets[t].clauses[c];
      if (cs.id.empty()) continue;
      const ClauseResult& r = clauses[t][c];
      // The unit belongs to the clause's kind, not to whether this run produced a day.
      const bool dated = cs.kind == ClauseKind::control_change || cs.kind == ClauseKind::evacuation ||
                         cs.kind == ClauseKind::attack || cs.kind == ClauseKind::goal_shift ||
                         cs.kind == ClauseKind::relation_state;
      const char* unit = dated ? "day index" : "value";
      s.outcomes.push_back({spec.targets[t].id + "." + cs.id, r.value, unit});
    }
  }
  for (Index f = 0; f < w.F; ++f) {
    const auto fi = static_cast<std::size_t>(f);
    const std::string& id = spec.factions[fi].id;
    s.outcomes.push_back({"fighters_end." + id, static_cast<double>(w.factions.active[fi] + w.factions.wounded[fi]), "fighters"});
    s.outcomes.push_back({"killed." + id, static_cast<double>(w.factions.killed[fi]), "fighters"});
    s.outcomes.push_back({"pay_end." + id, w.factions.pay[fi], "CFA per day"});
    s.outcomes.push_back({"recruited." + id, static_cast<double>(w.factions.recruited[fi]), "fighters"});
    std::int64_t out = 0;
    for (const Defection& d : w.defections)
      if (d.from == f) out += d.count;
    s.outcomes.push_back({"defected_out." + id, static_cast<double>(out), "fighters"});
  }
  std::int64_t civilians = 0, battles = 0, bombings = 0;
  for (const auto& r : w.history)
    for (auto c : r.civilians) civilians += c;
  for (const Event& e : w.events) {
    battles += e.type == "battle";
    bombings += e.type == "bomb" || e.type == "suicide_bomb";
  }
  s.outcomes.push_back({"civilians_killed", static_cast<double>(civilians), "people"});
  s.outcomes.push_back({"battle_days", static_cast<double>(battles), "events"});
  s.outcomes.push_back({"bombings", static_cast<double>(bombings), "events"});
  std::int64_t reprisals = 0, displaced = 0;
  for (const Event& e : w.events) reprisals += e.type == "reprisal" || e.type == "massacre";
  for (std::size_t k = 0; k < w.nodes.displaced.size(); ++k) displaced += w.nodes.displaced[k] + w.nodes.abroad[k];
  s.outcomes.push_back({"reprisals", static_cast<double>(reprisals), "events"});
  s.outcomes.push_back({"displaced", static_cast<double>(displaced), "people"});
  return s;
}

namespace {
std::string holders_text(const World& w, FactionMask m) {
  std::string out;
  for (Index f = 0; f < w.F; ++f)
    if (m & bit(f)) out += (out.empty() ? "" : ";") + w.spec->factions[static_cast<std::size_t>(f)].id;
  return out;
}
std::string faction_id(const World& w, Index f) {
  return f == kNone ? std::string() : w.spec->factions[static_cast<std::size_t>(f)].id;
}
}  // namespace

void write_run_files(const World& w, const RunSummary& summary, const std::filesystem::path& dir) {
  const ScenarioSpec& spec = *w.spec;
  // Most rows start with their day's date: each day's text made once.
  std::vector<std::string> dates(w.history.size() + 1);
  for (std::size_t d = 0; d < dates.size(); ++d) dates[d] = spec.start.plus_days(static_cast<Day>(d)).to_string();
  auto date = [&](Day d) {
    return d >= 0 && static_cast<std::size_t>(d) < dates.size() ? dates[static_cast<std::size_t>(d)]
                                                                 : spec.start.plus_days(d).to_string();
  };
  {
    io::AtomicFile f(dir / "control.csv");
    io::CsvWriter csv(f.stream(), {"date", "day", "node", "holders", "state", "flag"});
    for (std::size_t d = 0; d < w.history.size(); ++d)
      for (Index n = 0; n < w.N; ++n) {
        const auto ni = static_cast<std::size_t>(n);
        const DailyRecord& r = w.history[d];
        csv << date(static_cast<Day>(d)) << static_cast<std::int64_t>(d) << spec.nodes[ni].id
            << holders_text(w, r.holders[ni]) << to_string(r.control[ni]) << faction_id(w, r.flag[ni]);
        csv.end_row();
      }
    f.commit();
  }
  {
    io::AtomicFile f(dir / "strength.csv");
    io::CsvWriter csv(f.stream(), {"date", "day", "faction", "node", "active", "travelling_to", "wounded"});
    for (std::size_t d = 0; d < w.history.size(); ++d)
      for (Index fc = 0; fc < w.F; ++fc)
        for (Index n = 0; n < w.N; ++n) {
          const DailyRecord& r = w.history[d];
          const std::size_t k = w.nf(n, fc);
          if (r.present[k] == 0 && r.travelling[k] == 0 && r.wounded[k] == 0) continue;
          csv << date(static_cast<Day>(d)) << static_cast<std::int64_t>(d) << spec.factions[static_cast<std::size_t>(fc)].id
              << spec.nodes[static_cast<std::size_t>(n)].id << r.present[k] << r.travelling[k] << r.wounded[k];
          csv.end_row();
        }
    f.commit();
  }
  {
    io::AtomicFile f(dir / "casualties.csv");
    io::CsvWriter csv(f.stream(), {"date", "day", "who", "kind", "killed", "wounded"});
    for (std::size_t d = 0; d < w.history.size(); ++d) {
      const DailyRecord& r = w.history[d];
      for (Index fc = 0; fc < w.F; ++fc) {
        const auto fi = static_cast<std::size_t>(fc);
        if (r.killed[fi] == 0 && r.wounded_today[fi] == 0) continue;
        csv << date(static_cast<Day>(d)) << static_cast<std::int64_t>(d) << spec.factions[fi].id << "faction"
            << r.killed[fi] << r.wounded_today[fi];
        csv.end_row();
      }
      for (Index g = 0; g < w.G; ++g) {
        const auto gi = static_cast<std::size_t>(g);
        if (r.civilians[gi] == 0) continue;
        csv << date(static_cast<Day>(d)) << static_cast<std::int64_t>(d) << spec.groups[gi].id << "civilians"
            << r.civilians[gi] << std::int64_t{0};
        csv.end_row();
      }
    }
    f.commit();
  }
  {
    io::AtomicFile f(dir / "events.csv");
    io::CsvWriter csv(f.stream(), {"event_date", "event_type", "sub_event_type", "actor1", "actor2", "location",
                                   "latitude", "longitude", "fatalities", "notes", "run_id"});
    for (const Event& e : w.events) {
      const NodeSpec* n = e.node == kNone ? nullptr : &spec.nodes[static_cast<std::size_t>(e.node)];
      csv << date(e.day) << e.type << e.sub_type << faction_id(w, e.actor1) << faction_id(w, e.actor2)
          << (n ? n->id : std::string()) << (n ? n->lat : 0.0) << (n ? n->lon : 0.0) << e.fatalities << e.notes
          << w.key.run;
      csv.end_row();
    }
    f.commit();
  }
  {
    io::AtomicFile f(dir / "relations.csv");
    io::CsvWriter csv(f.stream(), {"date", "day", "faction_a", "faction_b", "value", "state"});
    for (std::size_t d = 0; d < w.history.size(); ++d)
      for (Index a = 0; a < w.F; ++a)
        for (Index b = a + 1; b < w.F; ++b) {
          const DailyRecord& r = w.history[d];
          csv << date(static_cast<Day>(d)) << static_cast<std::int64_t>(d) << spec.factions[static_cast<std::size_t>(a)].id
              << spec.factions[static_cast<std::size_t>(b)].id << r.relation[w.ff(a, b)]
              << to_string(r.relation_state[w.ff(a, b)]);
          csv.end_row();
        }
    f.commit();
  }
  {
    io::AtomicFile f(dir / "displacement.csv");
    io::CsvWriter csv(f.stream(), {"date", "day", "node", "group", "displaced_within", "abroad"});
    for (std::size_t d = 0; d < w.history.size(); ++d)
      for (Index n = 0; n < w.N; ++n)
        for (Index g = 0; g < w.G; ++g) {
          const DailyRecord& r = w.history[d];
          const std::size_t k = w.ng(n, g);
          if (r.displaced[k] == 0 && r.abroad[k] == 0) continue;
          csv << date(static_cast<Day>(d)) << static_cast<std::int64_t>(d) << spec.nodes[static_cast<std::size_t>(n)].id
              << spec.groups[static_cast<std::size_t>(g)].id << r.displaced[k] << r.abroad[k];
          csv.end_row();
        }
    f.commit();
  }
  {
    io::AtomicFile f(dir / "defections.csv");
    io::CsvWriter csv(f.stream(), {"date", "day", "from", "to", "node", "count", "driver"});
    for (const Defection& d : w.defections) {
      csv << date(d.day) << static_cast<std::int64_t>(d.day) << faction_id(w, d.from) << faction_id(w, d.to)
          << spec.nodes[static_cast<std::size_t>(d.node)].id << d.count << d.driver;
      csv.end_row();
    }
    f.commit();
  }
  {
    io::AtomicFile f(dir / "support.csv");
    std::vector<std::string> header{"date", "day", "node", "group"};
    for (const auto& fc : spec.factions) header.push_back("support_" + fc.id);
    for (const auto& g : spec.groups) header.push_back("grievance_against_" + g.id);
    io::CsvWriter csv(f.stream(), header);
    for (std::size_t d = 0; d < w.history.size(); ++d)
      for (Index n = 0; n < w.N; ++n)
        for (Index g = 0; g < w.G; ++g) {
          const DailyRecord& r = w.history[d];
          if (spec.nodes[static_cast<std::size_t>(n)].population[static_cast<std::size_t>(g)] == 0) continue;
          csv << date(static_cast<Day>(d)) << static_cast<std::int64_t>(d) << spec.nodes[static_cast<std::size_t>(n)].id
              << spec.groups[static_cast<std::size_t>(g)].id;
          for (Index fc = 0; fc < w.F; ++fc) csv << r.support[w.ngf(n, g, fc)];
          for (Index h = 0; h < w.G; ++h)
            csv << r.grievance[static_cast<std::size_t>(g) + static_cast<std::size_t>(h) * static_cast<std::size_t>(w.G)];
          csv.end_row();
        }
    f.commit();
  }
  write_outcomes_csv(dir / "outcomes.csv", summary.outcomes);
}

}  // namespace azsim::azawad
