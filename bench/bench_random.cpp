// Throughput of the keyed generator and the main samplers. items_per_second is variates (or
// words, for next_u64) per second on one thread.

#include <benchmark/benchmark.h>

#include <cstdint>

#include "core/random/samplers.hpp"
#include "core/random/stream.hpp"

namespace {

namespace rng = azsim::rng;

rng::Stream bench_stream() { return rng::Stream(rng::RunKey{1, 2}, 3, rng::stable_id("bench"), 4); }

void bm_next_u64(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(s.next_u64());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_next_u64);

void bm_uniform(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(s.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_uniform);

// The usual pattern in a model step: a fresh stream per (day, entity, purpose), one draw.
void bm_stream_per_entity(benchmark::State& state) {
  std::uint64_t entity = 0;
  for (auto _ : state) {
    rng::Stream s(rng::RunKey{1, 2}, 3, entity++, 4);
    benchmark::DoNotOptimize(s.uniform());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_stream_per_entity);

void bm_normal(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rng::normal(s, 0.0, 1.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_normal);

void bm_poisson_3(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rng::poisson(s, 3.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_poisson_3);

void bm_poisson_40(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rng::poisson(s, 40.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_poisson_40);

void bm_binomial_1000_01(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rng::binomial(s, 1000, 0.1));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_binomial_1000_01);

void bm_binomial_1000_0005(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rng::binomial(s, 1000, 0.005));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_binomial_1000_0005);

void bm_gamma_2(benchmark::State& state) {
  auto s = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(rng::gamma(s, 2.0, 1.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_gamma_2);

}  // namespace
