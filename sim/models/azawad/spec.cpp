#include "models/azawad/spec.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "models/azawad/run.hpp"

namespace azsim::azawad {

const char* to_string(Goal goal) noexcept {
  switch (goal) {
    case Goal::independence: return "independence";
    case Goal::autonomy: return "autonomy";
    case Goal::state: return "state";
    case Goal::sharia_state: return "sharia_state";
    case Goal::none: return "none";
  }
  return "?";
}

const char* to_string(RelationState state) noexcept {
  switch (state) {
    case RelationState::allied: return "allied";
    case RelationState::neutral: return "neutral";
    case RelationState::war: return "war";
    case RelationState::talks: return "talks";
    case RelationState::ceasefire: return "ceasefire";
  }
  return "?";
}

const char* to_string(ClauseKind kind) noexcept {
  constexpr const char* kNames[] = {"control_change", "evacuation",     "holds_none",
                                    "attack",         "defection_share", "goal_shift",
                                    "relation_state", "lost_control",   "held_fraction",
                                    "event_count",    "battle_casualties"};
  return kNames[static_cast<int>(kind)];
}

std::int64_t NodeSpec::total_population() const noexcept {
  return std::accumulate(population.begin(), population.end(), std::int64_t{0});
}

namespace {
template <typename T>
Index index_by_id(const std::vector<T>& items, std::string_view id) noexcept {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].id == id) return static_cast<Index>(i);
  return kNone;
}
}  // namespace

Index ScenarioSpec::faction_index(std::string_view id) const noexcept { return index_by_id(factions, id); }
Index ScenarioSpec::node_index(std::string_view id) const noexcept { return index_by_id(nodes, id); }
Index ScenarioSpec::group_index(std::string_view id) const noexcept { return index_by_id(groups, id); }

std::int64_t ScenarioSpec::total_fighters() const noexcept {
  std::int64_t n = 0;
  for (const auto& f : forces) n += f.fighters;
  return n;
}

std::vector<SummaryItem> AzawadScenario::summary() const {
  const auto& s = spec();
  std::int64_t people = 0;
  for (const auto& n : s.nodes) people += n.total_population();
  std::int64_t outside = 0;
  for (const auto& i : s.interventions) outside += i.fighters;
  auto count = [](std::size_t n) { return std::to_string(n); };
  return {
      {"model", "azawad"},
      {"period", s.start.to_string() + " to " + s.end.to_string() + " (" + std::to_string(s.days) + " days)"},
      {"groups", count(s.groups.size())},
      {"factions", count(s.factions.size()) + " (" + count(s.blocs.size()) + " blocs)"},
      {"nodes", count(s.nodes.size()) + " (" + count(s.edges.size()) + " edges, " + std::to_string(people) + " people)"},
      {"fighters", std::to_string(s.total_fighters()) + " at the start, " + std::to_string(outside) + " in interventions"},
      {"shocks", count(s.interventions.size()) + " interventions, " + count(s.mediations.size()) + " mediations"},
      {"parameters", count(s.parameters.size())},
      {"targets", count(s.targets.size())},
  };
}

RunSummary AzawadScenario::run(const RunRequest& request) const {
  if (!request.executor) throw std::invalid_argument("RunRequest needs an executor");
  const ParameterSet parameters =
      request.parameter_values ? spec().parameters.with_values(*request.parameter_values) : spec().parameters;
  const World w = simulate(spec(), parameters, rng::RunKey{request.seed, request.run}, *request.executor);
  RunSummary summary = summarize(w);
  if (!request.out_dir.empty()) write_run_files(w, summary, request.out_dir);
  if (request.timeline) summary.timeline = timeline_of(w);
  return summary;
}

std::vector<TargetMark> AzawadScenario::target_marks() const { return azawad::target_marks(spec()); }

void AzawadScenario::write_reference_files(const std::filesystem::path& dir) const {
  azawad::write_reference_files(spec(), dir);
}

}  // namespace azsim::azawad
