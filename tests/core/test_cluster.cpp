// The cluster layer within one process: a run's summary and a job survive the wire exactly,
// and run_jobs delivers every job once, stops when asked, and reports a run's error. (Jobs of
// several processes are tested from the outside, under mpirun: tests/app/test_mpi.cpp.)

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <mutex>
#include <set>

#include "core/error.hpp"
#include "core/exec/executor.hpp"
#include "core/mpi/cluster.hpp"
#include "core/mpi/wire.hpp"

namespace {

azsim::RunSummary sample_summary() {
  azsim::RunSummary s;
  s.outcomes = {{"gao.day", 41.0, "day index"}, {"never", std::nullopt, "count"}, {"share", 0.1 + 0.2, "share"}};
  s.targets = {{"T1", "Gao falls", true, 0}, {"T2", "a siege", false, 2.5}};
  s.timeline.dates = {"2012-01-17", "2012-01-18"};
  s.timeline.masks.push_back({"control", "node", {"gao", "kidal"}, {"faction:a", "faction:b"}, {1, 2, 3, 0}});
  s.timeline.counts.push_back({"strength", {"faction", "kind"}, {{"a", "x"}, {"b", "y"}}, 1000, {0, 5, 1000, 7}});
  return s;
}

/// A scenario whose run's one outcome is its key and first parameter; run 13 fails.
class EchoScenario final : public azsim::LoadedScenario {
 public:
  EchoScenario() { document_.chain.push_back({"echo.yaml", "0"}); }
  [[nodiscard]] const azsim::Document& document() const noexcept override { return document_; }
  [[nodiscard]] const azsim::ParameterSet& parameters() const noexcept override { return parameters_; }
  [[nodiscard]] std::string name() const override { return "echo"; }
  [[nodiscard]] std::vector<azsim::SummaryItem> summary() const override { return {}; }
  [[nodiscard]] azsim::RunSummary run(const azsim::RunRequest& r) const override {
    if (r.run == 13) throw azsim::Error("run 13 is unlucky");
    azsim::RunSummary s;
    s.outcomes.push_back({"key", static_cast<double>(r.seed * 1000 + r.run), ""});
    s.outcomes.push_back({"p", r.parameter_values ? (*r.parameter_values)[0] : -1.0, ""});
    return s;
  }

 private:
  azsim::Document document_;
  azsim::ParameterSet parameters_;
};

}  // namespace

TEST_CASE("a run's summary and a job cross the wire unchanged", "[cluster]") {
  const azsim::RunSummary s = sample_summary();
  azsim::io::BinaryWriter w;
  azsim::cluster::encode(w, s);
  azsim::cluster::encode(w, azsim::BatchJob{7, {0.5, -1e300}});
  azsim::io::BinaryReader r(w.bytes(), "test");
  const azsim::RunSummary t = azsim::cluster::decode_summary(r);
  const azsim::BatchJob job = azsim::cluster::decode_job(r);
  CHECK(r.done());
  REQUIRE(t.outcomes.size() == 3);
  CHECK(t.outcomes[0].name == "gao.day");
  CHECK(t.outcomes[0].value == 41.0);
  CHECK(!t.outcomes[1].value.has_value());
  CHECK(t.outcomes[2].value == 0.1 + 0.2);  // bit for bit
  CHECK(t.outcomes[2].unit == "share");
  REQUIRE(t.targets.size() == 2);
  CHECK((t.targets[0].id == "T1" && t.targets[0].hit && t.targets[0].miss == 0));
  CHECK((t.targets[1].description == "a siege" && !t.targets[1].hit && t.targets[1].miss == 2.5));
  CHECK(t.timeline.dates == s.timeline.dates);
  REQUIRE(t.timeline.masks.size() == 1);
  CHECK(t.timeline.masks[0].units == s.timeline.masks[0].units);
  CHECK(t.timeline.masks[0].categories == s.timeline.masks[0].categories);
  CHECK(t.timeline.masks[0].values == s.timeline.masks[0].values);
  REQUIRE(t.timeline.counts.size() == 1);
  CHECK(t.timeline.counts[0].key_columns == s.timeline.counts[0].key_columns);
  CHECK(t.timeline.counts[0].units == s.timeline.counts[0].units);
  CHECK(t.timeline.counts[0].bound == 1000);
  CHECK(t.timeline.counts[0].values == s.timeline.counts[0].values);
  CHECK(job.run == 7);
  CHECK(job.parameters == std::vector<double>{0.5, -1e300});

  // A truncated message is an error, never a crash.
  const std::string cut = w.bytes().substr(0, w.bytes().size() / 2);
  azsim::io::BinaryReader bad(cut, "cut");
  CHECK_THROWS_AS((void)azsim::cluster::decode_summary(bad), azsim::IoError);
}

TEST_CASE("run_jobs in one process: every job once with its own key and parameters, a stop, an error", "[cluster]") {
  REQUIRE(azsim::cluster::size() == 1);  // no Session: a job of one process
  const EchoScenario echo;
  std::vector<azsim::BatchJob> jobs;
  for (std::uint64_t i = 0; i < 40; ++i) jobs.push_back({100 + i, {static_cast<double>(i) / 2}});
  std::vector<std::size_t> todo;
  for (std::size_t j = 0; j < jobs.size(); j += 2) todo.push_back(j);  // the even ones
  const azsim::exec::Executor executor(3);
  const azsim::cluster::JobsOptions options{5, false, 0, {}};

  std::vector<int> seen(jobs.size(), 0);
  std::vector<double> key(jobs.size(), -1), p(jobs.size(), -1);
  azsim::cluster::run_jobs(echo, jobs, todo, options, executor, [&](std::size_t j, azsim::RunSummary&& s) {
    ++seen[j];  // never concurrent: no lock needed
    key[j] = *s.outcomes[0].value;
    p[j] = *s.outcomes[1].value;
  }, [] { return false; });
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    CHECK(seen[j] == (j % 2 == 0 ? 1 : 0));
    if (j % 2 == 0) {
      CHECK(key[j] == 5000.0 + 100 + static_cast<double>(j));
      CHECK(p[j] == static_cast<double>(j) / 2);
    }
  }

  // Stopping: no run starts once stop() says so; on_stop is called once.
  int delivered = 0, stops = 0;
  azsim::cluster::run_jobs(
      echo, jobs, todo, options, executor, [&](std::size_t, azsim::RunSummary&&) { ++delivered; },
      [&] { return delivered >= 5; }, [&] { ++stops; });
  CHECK(delivered >= 5);
  CHECK(delivered < 5 + executor.threads());
  CHECK(stops == 1);

  // A run's error comes out of run_jobs, and the batch stops.
  std::vector<azsim::BatchJob> unlucky{{12, {}}, {13, {}}, {14, {}}};
  CHECK_THROWS_WITH(azsim::cluster::run_jobs(echo, unlucky, {0, 1, 2}, options, executor,
                                             [](std::size_t, azsim::RunSummary&&) {}, [] { return false; }),
                    Catch::Contains("run 13 is unlucky"));
}
