// What rank 0 of an MPI job spends per run it receives (issue #7): decoding a historical run's
// summary with its timeline and adding it to the ensemble's counters; and the bytes that
// travel per run. This bounds how many processes one coordinator can feed (docs/cluster.md).

#include <benchmark/benchmark.h>

#include <filesystem>

#include "core/exec/executor.hpp"
#include "core/model.hpp"
#include "core/mpi/wire.hpp"
#include "core/run/aggregate.hpp"
#include "core/run/rows.hpp"
#include "models/azawad/model.hpp"

namespace {

void BM_ReceiveRun(benchmark::State& state) {
  azsim::ModelRegistry registry;
  registry.add(azsim::azawad::make_model());
  const auto scenario = azsim::load_scenario(
      registry, (std::filesystem::path(AZSIM_SOURCE_DIR) / "scenarios/azawad-2012-2014.yaml").string());
  const azsim::exec::Executor serial(1, azsim::exec::Backend::serial);
  azsim::RunRequest request;
  request.seed = 1;
  request.executor = &serial;
  request.timeline = true;
  azsim::io::BinaryWriter w;
  azsim::cluster::encode(w, scenario->run(request));
  const std::string bytes = w.bytes();
  azsim::TimelineAggregate timeline;
  azsim::RowTable rows(1);
  for (auto _ : state) {
    azsim::io::BinaryReader in(bytes, "bench");
    const azsim::RunSummary s = azsim::cluster::decode_summary(in);
    timeline.add(s.timeline);
    rows.put(0, s);
    benchmark::DoNotOptimize(timeline.runs());
  }
  state.counters["bytes_per_run"] = static_cast<double>(bytes.size());
  state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReceiveRun)->Unit(benchmark::kMillisecond);

}  // namespace
