// Benchmarks of the azawad model: the historical run on one thread, and the one-million-fighter
// stress scenario on one and two threads. A fighter-step is one living fighter's full daily
// update (movement, recovery, the fighters' phase, counts and roster), all draws included.
// Figures and commands: bench/README.md.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "core/exec/executor.hpp"
#include "core/model.hpp"
#include "models/azawad/model.hpp"
#include "models/azawad/run.hpp"
#include "models/azawad/spec.hpp"

namespace {

std::string source(const char* relative) {
  return (std::filesystem::path(AZSIM_SOURCE_DIR) / relative).string();
}

std::shared_ptr<const azsim::LoadedScenario> load(const char* relative) {
  static azsim::ModelRegistry registry = [] {
    azsim::ModelRegistry r;
    r.add(azsim::azawad::make_model());
    return r;
  }();
  return azsim::load_scenario(registry, source(relative));
}

/// Living fighters summed over the days: the number of fighter-steps a run made.
double fighter_steps(const azsim::azawad::World& w) {
  double steps = 0;
  for (const auto& day : w.history)
    for (std::size_t k = 0; k < day.present.size(); ++k)
      steps += static_cast<double>(day.present[k] + day.travelling[k] + day.wounded[k]);
  return steps;
}

void run_scenario(benchmark::State& state, const char* scenario) {
  const auto loaded = load(scenario);
  const auto& spec = dynamic_cast<const azsim::azawad::AzawadScenario&>(*loaded).spec();
  const int threads = static_cast<int>(state.range(0));
  azsim::exec::Executor ex(threads);
  double steps = 0, fighters = 0;
  std::uint64_t run = 0;
  for (auto _ : state) {
    const auto w = azsim::azawad::simulate(spec, spec.parameters, {7, run++}, ex);
    steps = fighter_steps(w);
    fighters = static_cast<double>(w.fighters.size());
    benchmark::DoNotOptimize(w.events.size());
  }
  state.counters["fighters"] = fighters;
  state.counters["fighter_steps"] = steps;
  state.counters["fighter_steps_per_s"] =
      benchmark::Counter(steps * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["ns_per_fighter_step"] = benchmark::Counter(
      steps * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["threads"] = ex.effective_concurrency();
}

void BM_Historical(benchmark::State& state) { run_scenario(state, "scenarios/azawad-2012-2014.yaml"); }
void BM_Stress1M(benchmark::State& state) { run_scenario(state, "scenarios/stress-1m.yaml"); }

}  // namespace

BENCHMARK(BM_Historical)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Stress1M)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
