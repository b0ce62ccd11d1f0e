// What an ensemble needs from a run and from the scenario, beyond the scalar summary: the
// day-by-day trajectories it aggregates (who holds each town, fighters, the dead), where and
// when each target is documented, and the reference tables its plots draw on.

#include <stdexcept>

#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"
#include "models/azawad/run.hpp"

namespace azsim::azawad {

namespace {
constexpr ControlState kStates[] = {ControlState::held, ControlState::shared, ControlState::contested,
                                    ControlState::abandoned, ControlState::open};
constexpr const char* kFactionKindNames[] = {"insurgent", "state", "outside"};
constexpr const char* kNodeKindNames[] = {"town", "rural", "refuge", "border"};
constexpr const char* kEdgeKindNames[] = {"road", "track", "crossing"};

std::string date_of(const ScenarioSpec& spec, Day day) { return spec.start.plus_days(day).to_string(); }

/// @brief Everyone who could ever fight: a bound on any faction's fighters or dead.
std::int64_t fighter_bound(const ScenarioSpec& spec) {
  std::int64_t n = spec.total_fighters();
  for (const auto& i : spec.interventions) n += i.fighters;
  return 2 * n + 1;
}
}  // namespace

Timeline timeline_of(const World& w) {
  const ScenarioSpec& spec = *w.spec;
  const auto F = static_cast<std::size_t>(w.F), N = spec.nodes.size(), G = spec.groups.size();
  const std::size_t B = spec.blocs.size(), S = std::size(kStates);
  if (F + B + S > 64) throw std::length_error("timeline: more than 64 control categories (factions + blocs + 5)");
  const std::size_t days = w.history.size();
  Timeline t;
  t.dates.reserve(days);
  for (std::size_t d = 0; d < days; ++d) t.dates.push_back(date_of(spec, static_cast<Day>(d)));

  MaskSeries control{"control", "node", {}, {}, {}};
  for (const auto& n : spec.nodes) control.units.push_back(n.id);
  for (const auto& f : spec.factions) control.categories.push_back("faction:" + f.id);
  for (const auto& b : spec.blocs) control.categories.push_back("bloc:" + b.id);
  for (ControlState s : kStates) control.categories.push_back(std::string("state:") + to_string(s));
  std::vector<FactionMask> bloc_mask(B, 0);
  for (std::size_t b = 0; b < B; ++b)
    for (Index f : spec.blocs[b].members) bloc_mask[b] |= bit(f);
  control.values.resize(days * N);
  for (std::size_t d = 0; d < days; ++d) {
    const DailyRecord& r = w.history[d];
    for (std::size_t n = 0; n < N; ++n) {
      const ControlState state = r.control[n];
      const bool holds = state == ControlState::held || state == ControlState::shared;
      std::uint64_t bits = holds ? static_cast<std::uint64_t>(r.holders[n]) : 0;
      for (std::size_t b = 0; b < B; ++b)
        if (holds && r.holders[n] != 0 && (r.holders[n] & ~bloc_mask[b]) == 0) bits |= std::uint64_t{1} << (F + b);
      bits |= std::uint64_t{1} << (F + B + static_cast<std::size_t>(state));
      control.values[d * N + n] = bits;
    }
  }
  t.masks.push_back(std::move(control));

  const std::int64_t bound = fighter_bound(spec);
  CountSeries strength{"strength", {"faction"}, {}, bound, {}};
  for (const auto& f : spec.factions) strength.units.push_back({f.id});
  strength.values.assign(days * F, 0);
  CountSeries dead{"casualties", {"who", "kind"}, {}, 0, {}};
  for (const auto& f : spec.factions) dead.units.push_back({f.id, "faction"});
  for (const auto& g : spec.groups) dead.units.push_back({g.id, "civilians"});
  std::int64_t people = 0;
  for (const auto& n : spec.nodes) people += n.total_population();
  dead.bound = std::max(bound, people);
  dead.values.assign(days * (F + G), 0);
  std::vector<std::int64_t> total(F + G, 0);
  for (std::size_t d = 0; d < days; ++d) {
    const DailyRecord& r = w.history[d];
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t f = 0; f < F; ++f) strength.values[d * F + f] += r.present[n * F + f] + r.travelling[n * F + f];
    for (std::size_t f = 0; f < F; ++f) total[f] += r.killed[f];
    for (std::size_t g = 0; g < G; ++g) total[F + g] += r.civilians[g];
    std::copy(total.begin(), total.end(), dead.values.begin() + static_cast<std::ptrdiff_t>(d * (F + G)));
  }
  t.counts.push_back(std::move(strength));
  t.counts.push_back(std::move(dead));
  return t;
}

std::vector<TargetMark> target_marks(const ScenarioSpec& spec) {
  std::vector<TargetMark> marks;
  for (const TargetSpec& t : spec.targets) {
    for (const ClauseSpec& c : t.clauses) {
      Day from = c.window_start, to = c.window_end;
      if (c.ref.target != kNone) {  // dated relative to another clause: that clause's window, shifted
        const ClauseSpec& anchor = spec.targets[static_cast<std::size_t>(c.ref.target)]
                                       .clauses[static_cast<std::size_t>(c.ref.clause)];
        from = anchor.window_start + c.ref_min_days;
        to = anchor.window_end + c.ref_max_days;
      } else if (from == 0 && to == 0) {  // a date (and maybe a second one) instead of a window
        from = c.date;
        to = std::max(c.date, c.date2);
      }
      if (from == 0 && to == 0) continue;
      std::vector<Index> nodes = c.nodes;
      if (c.node != kNone) nodes.insert(nodes.begin(), c.node);
      if (nodes.empty()) nodes.push_back(kNone);
      for (Index n : nodes)
        marks.push_back({t.id, c.id, n == kNone ? std::string() : spec.nodes[static_cast<std::size_t>(n)].id,
                         date_of(spec, from), date_of(spec, to)});
    }
  }
  return marks;
}

void write_reference_files(const ScenarioSpec& spec, const std::filesystem::path& dir) {
  {
    io::AtomicFile file(dir / "nodes.csv");
    io::CsvWriter c(file.stream(), {"node", "name", "latitude", "longitude", "kind", "population"});
    for (const NodeSpec& n : spec.nodes)
      c.field(n.id).field(n.name).field(n.lat).field(n.lon).field(kNodeKindNames[static_cast<int>(n.kind)])
          .field(n.total_population()).end_row();
    file.commit();
  }
  {
    io::AtomicFile file(dir / "edges.csv");
    io::CsvWriter c(file.stream(), {"from", "to", "km", "kind"});
    for (const EdgeSpec& e : spec.edges)
      c.field(spec.nodes[static_cast<std::size_t>(e.from)].id).field(spec.nodes[static_cast<std::size_t>(e.to)].id)
          .field(e.km).field(kEdgeKindNames[static_cast<int>(e.kind)]).end_row();
    file.commit();
  }
  {
    io::AtomicFile file(dir / "factions.csv");
    io::CsvWriter c(file.stream(), {"faction", "name", "bloc", "kind", "color"});
    for (std::size_t f = 0; f < spec.factions.size(); ++f) {
      std::string bloc;
      for (const BlocSpec& b : spec.blocs)
        for (Index m : b.members)
          if (static_cast<std::size_t>(m) == f && bloc.empty()) bloc = b.id;
      const FactionSpec& fs = spec.factions[f];
      c.field(fs.id).field(fs.name).field(bloc).field(kFactionKindNames[static_cast<int>(fs.kind)]).field(fs.color)
          .end_row();
    }
    file.commit();
  }
}

}  // namespace azsim::azawad
