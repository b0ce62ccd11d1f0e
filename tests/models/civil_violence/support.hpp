#pragma once
// Helpers for the civil_violence tests: loading scenarios, hand-made worlds, ensembles.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../support.hpp"
#include "core/exec/executor.hpp"
#include "core/model.hpp"
#include "models/civil_violence/model.hpp"
#include "models/civil_violence/run.hpp"
#include "models/civil_violence/spec.hpp"

namespace azsim::test {

inline const ModelRegistry& cv_registry() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    r.add(civil_violence::make_model());
    return r;
  }();
  return registry;
}

inline std::shared_ptr<const civil_violence::CivilViolenceScenario> load_cv(const std::string& path,
                                                                            std::vector<std::string> sets = {}) {
  const std::string full = std::filesystem::path(path).is_absolute() ? path : source_path(path);
  auto s = std::dynamic_pointer_cast<const civil_violence::CivilViolenceScenario>(load_scenario(cv_registry(), full, sets));
  if (!s) throw std::logic_error("not a civil_violence scenario: " + path);
  return s;
}

/// @brief A 40 x 40 spec with no agents placed by chance (densities 0): for hand-made worlds.
inline civil_violence::ScenarioSpec empty_spec(std::int64_t steps = 10) {
  civil_violence::ScenarioSpec s;
  s.name = "hand-made";
  s.steps = steps;
  return s;
}

inline civil_violence::RunParameters no_agents() {
  civil_violence::RunParameters p;
  p.citizen_density = 0;
  p.cop_density = 0;
  return p;
}

/// @brief Outcome `name` of each run 0..runs-1 of a scenario.
inline std::vector<double> outcome_of_runs(const LoadedScenario& scenario, std::uint64_t seed, std::uint64_t runs,
                                           const std::string& name) {
  exec::Executor ex(1);
  std::vector<double> out;
  for (std::uint64_t r = 0; r < runs; ++r) {
    RunRequest q;
    q.seed = seed;
    q.run = r;
    q.executor = &ex;
    const RunSummary s = scenario.run(q);
    for (const auto& o : s.outcomes)
      if (o.name == name) out.push_back(o.value.value_or(0.0));
  }
  return out;
}

}  // namespace azsim::test
