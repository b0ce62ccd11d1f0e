// Benchmarks of the civil_violence model (Epstein 2002, Model I, Mesa's defaults: 40 x 40,
// ~1,240 agents, 200 steps). An agent-step is one agent's activation: every agent acts once a
// step, jailed ones included (they count their term down), and each step's counts are
// recorded. The comparison point is Mesa 3.3.1's example at ~41,000 agent-steps per second on
// one thread (issue 9). Figures and commands: bench/README.md.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include <unistd.h>

#include "core/model.hpp"
#include "core/run/ensemble.hpp"
#include "models/civil_violence/model.hpp"
#include "models/civil_violence/run.hpp"
#include "models/civil_violence/spec.hpp"

namespace {

std::shared_ptr<const azsim::civil_violence::CivilViolenceScenario> load_default() {
  static const azsim::ModelRegistry registry = [] {
    azsim::ModelRegistry r;
    r.add(azsim::civil_violence::make_model());
    return r;
  }();
  const auto path = (std::filesystem::path(AZSIM_SOURCE_DIR) / "scenarios/civil-violence.yaml").string();
  return std::dynamic_pointer_cast<const azsim::civil_violence::CivilViolenceScenario>(azsim::load_scenario(registry, path));
}

/// One whole run (placing the agents, 200 steps, the counts) on one thread.
void BM_CivilViolenceRun(benchmark::State& state) {
  const auto scenario = load_default();
  const auto& spec = scenario->spec();
  const auto params = azsim::civil_violence::resolve_parameters(spec, spec.parameters);
  double activations = 0, agents = 0;
  std::uint64_t run = 0;
  for (auto _ : state) {
    const auto w = azsim::civil_violence::simulate(spec, params, {7, run++});
    activations += static_cast<double>(w.activations);
    agents = static_cast<double>(w.kind.size());
    benchmark::DoNotOptimize(w.history.back().jailed);
  }
  state.counters["agents"] = agents;
  state.counters["agent_steps_per_s"] = benchmark::Counter(activations, benchmark::Counter::kIsRate);
  state.counters["ns_per_agent_step"] =
      benchmark::Counter(activations, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["x_mesa"] = benchmark::Counter(activations / 41000.0, benchmark::Counter::kIsRate);
}

/// An ensemble of 200 runs as `azsim run --runs 200 --threads T` makes it (the core's batch:
/// runs in parallel, the per-step counts aggregated, the files written), on T threads.
void BM_CivilViolenceEnsemble(benchmark::State& state) {
  const auto scenario = load_default();
  const auto dir = std::filesystem::temp_directory_path() / ("azsim-bench-cv-" + std::to_string(getpid()));
  azsim::EnsembleOptions o;
  o.runs = 200;
  o.threads = static_cast<int>(state.range(0));
  o.quiet = true;
  o.force = true;
  double runs = 0;
  for (auto _ : state) {
    const auto r = azsim::run_ensemble(*scenario, o, dir);
    runs += static_cast<double>(r.made);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  state.counters["runs_per_s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["threads"] = static_cast<double>(o.threads);
}

}  // namespace

BENCHMARK(BM_CivilViolenceRun)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CivilViolenceEnsemble)->Arg(1)->Arg(2)->Iterations(3)->Unit(benchmark::kSecond)->UseRealTime();
