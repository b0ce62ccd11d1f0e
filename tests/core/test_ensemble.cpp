// The ensemble machinery on a toy model (no war in it): streamed aggregation, determinism
// over threads, resume after an interruption, what-if pairing, designs, and the statistics.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "../support.hpp"
#include "core/error.hpp"
#include "core/exec/executor.hpp"
#include "core/io/csv.hpp"
#include "core/random/samplers.hpp"
#include "core/random/stream.hpp"
#include "core/run/aggregate.hpp"
#include "core/run/batch.hpp"
#include "core/run/ensemble.hpp"
#include "core/run/progress.hpp"
#include "core/run/rows.hpp"
#include "core/run/sensitivity.hpp"
#include "core/scenario/posterior.hpp"
#include "core/stats/histogram.hpp"
#include "core/stats/special.hpp"

namespace fs = std::filesystem;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

/// A model of nothing: outcomes and trajectories drawn from the run's key, scaled by its one
/// parameter, so every property of the machinery can be checked against known values.
class ToyScenario final : public azsim::LoadedScenario {
 public:
  explicit ToyScenario(std::vector<std::string> chain = {"toy.yaml"}, double rate = 1) {
    for (const auto& p : chain) document_.chain.push_back({p, "0"});
    document_.model = "toy";
    azsim::Parameter p;
    p.name = "toy.rate";
    p.value = rate;
    p.prior = {azsim::Prior::Dist::uniform, 0, 2, 0, 2};
    azsim::Parameter q;
    q.name = "toy.offset";
    q.value = 0;
    q.prior = {azsim::Prior::Dist::normal, 0, 1, -5, 5};
    parameters_ = azsim::ParameterSet({p, q});
  }
  [[nodiscard]] const azsim::Document& document() const noexcept override { return document_; }
  [[nodiscard]] const azsim::ParameterSet& parameters() const noexcept override { return parameters_; }
  [[nodiscard]] std::string name() const override { return "toy"; }
  /// Makes it a calibrated scenario: every run takes rate `rate` from a one-particle posterior.
  void set_posterior(double rate) {
    auto p = std::make_shared<azsim::Posterior>();
    p->parameters = {"toy.rate"};
    p->particles = {{rate}};
    p->weights = {1};
    p->cumulative = {1};
    document_.posterior = p;
  }
  [[nodiscard]] std::vector<azsim::SummaryItem> summary() const override { return {}; }
  [[nodiscard]] std::vector<azsim::TargetMark> target_marks() const override {
    return {{"T1", "x_positive", "a", "2000-01-02", "2000-01-05"}};
  }
  void write_reference_files(const fs::path& dir) const override {
    std::ofstream(dir / "nodes.csv") << "node\na\nb\n";
  }

  [[nodiscard]] azsim::RunSummary run(const azsim::RunRequest& r) const override {
    const double rate = r.parameter_values ? (*r.parameter_values)[0] : parameters_.items()[0].value;
    const double offset = r.parameter_values ? (*r.parameter_values)[1] : parameters_.items()[1].value;
    azsim::rng::Stream s({r.seed, r.run}, 0, 0, 1);
    azsim::RunSummary out;
    const double x = azsim::rng::normal(s, offset, rate);
    const double u = s.uniform();
    out.outcomes.push_back({"x", x, "units"});
    out.outcomes.push_back({"count", static_cast<double>(azsim::rng::poisson(s, 10 * rate)), "events"});
    out.outcomes.push_back({"maybe", u < 0.2 ? std::nullopt : std::optional<double>(u), "share"});
    out.targets.push_back({"T1", "x is positive", x > 0, x > 0 ? 0.0 : -x});
    if (!r.out_dir.empty()) std::ofstream(r.out_dir / "single.txt") << x << "\n";
    if (r.timeline) {
      auto& t = out.timeline;
      constexpr int days = 30;
      for (int d = 0; d < days; ++d) t.dates.push_back("2000-01-" + std::string(d + 1 < 10 ? "0" : "") + std::to_string(d + 1));
      azsim::MaskSeries m{"control", "node", {"a", "b", "c"}, {"faction:red", "faction:blue", "state:held", "state:contested"}, {}};
      azsim::CountSeries c{"strength", {"faction"}, {{"red"}, {"blue"}}, 5000, {}};
      std::int64_t red = 1000, blue = 60;
      for (int d = 0; d < days; ++d) {
        azsim::rng::Stream ds({r.seed, r.run}, d, 0, 2);
        for (int n = 0; n < 3; ++n) m.values.push_back(ds.next_u64() & 0xF);
        red = std::clamp<std::int64_t>(red + azsim::rng::poisson(ds, 30 * rate) - 30, 0, 5000);
        blue = std::clamp<std::int64_t>(blue + azsim::rng::poisson(ds, 3) - 3, 0, 5000);
        c.values.push_back(red);
        c.values.push_back(blue);
      }
      t.masks.push_back(std::move(m));
      t.counts.push_back(std::move(c));
    }
    runs_made_ += 1;
    return out;
  }
  mutable std::atomic<int> runs_made_{0};

 private:
  azsim::Document document_;
  azsim::ParameterSet parameters_;
};

/// Every file in a folder but run-info.json (and the temporaries' absence), by name.
std::map<std::string, std::string> folder_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), dir).string();
    if (rel == "run-info.json") continue;
    files[rel] = slurp(e.path());
  }
  return files;
}

azsim::EnsembleOptions options(std::uint64_t runs, int threads) {
  azsim::EnsembleOptions o;
  o.runs = runs;
  o.seed = 11;
  o.threads = threads;
  o.quiet = true;
  return o;
}

std::vector<std::vector<std::string>> csv_rows(const fs::path& p) { return azsim::io::read_csv(slurp(p)); }

}  // namespace

TEST_CASE("log-linear bins: exact below 128, 1/64 wide above, contiguous up to the bound", "[stats]") {
  const azsim::stats::LogLinearBins bins(1'000'000);
  for (std::int64_t v = 0; v < 128; ++v) CHECK(bins.bin(v) == static_cast<std::size_t>(v));
  std::int64_t next = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    REQUIRE(azsim::stats::LogLinearBins::lower(i) == next);  // no gap, no overlap
    const std::int64_t w = azsim::stats::LogLinearBins::width(i);
    CHECK(static_cast<double>(w) <= std::max(1.0, static_cast<double>(next) / 64));
    CHECK(bins.bin(next) == i);
    CHECK(bins.bin(std::min(next + w - 1, bins.bound())) == i);
    next += w;
  }
  CHECK(next > bins.bound());
  CHECK(bins.bin(-5) == 0);
  CHECK(bins.bin(5'000'000) == bins.size() - 1);
}

TEST_CASE("histogram quantiles: exact for small integers, within a bin's width above", "[stats]") {
  const azsim::stats::LogLinearBins bins(100'000);
  std::vector<std::uint32_t> h(bins.size(), 0);
  CHECK(std::isnan(bins.quantile(h, 0.5)));
  for (int v : {3, 3, 3, 7, 9}) ++h[bins.bin(v)];
  CHECK(bins.quantile(h, 0.5) == 3);
  CHECK(bins.quantile(h, 0.0) == 3);
  CHECK(bins.quantile(h, 1.0) == 9);
  std::fill(h.begin(), h.end(), 0);
  std::vector<double> values;
  azsim::rng::Stream s({1, 2}, 0, 0, 0);
  for (int i = 0; i < 5000; ++i) {
    const auto v = static_cast<std::int64_t>(azsim::rng::lognormal(s, 3000, 0.5));
    values.push_back(static_cast<double>(v));
    ++h[bins.bin(v)];
  }
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double exact = azsim::sample_quantile(values, q);
    CHECK(std::abs(bins.quantile(h, q) - exact) <= exact / 64 + 1);
  }
}

TEST_CASE("special functions against known values", "[stats]") {
  using namespace azsim::stats;
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-12));
  CHECK(normal_quantile(0.5) == Approx(0).margin(1e-14));
  CHECK(normal_cdf(normal_quantile(1e-9)) == Approx(1e-9).epsilon(1e-8));
  CHECK(beta_cdf(0.5, 2, 3) == Approx(0.6875).epsilon(1e-12));  // 1 - (1/2)^4 * (1 + 4 * 1/2)... = 11/16
  CHECK(beta_cdf(0.3, 1, 1) == Approx(0.3).epsilon(1e-12));
  CHECK(beta_quantile(beta_cdf(0.83, 7.5, 2.25), 7.5, 2.25) == Approx(0.83).epsilon(1e-10));
  CHECK(t_quantile(0.975, 10) == Approx(2.228138851986273).epsilon(1e-9));
  CHECK(t_quantile(0.975, 1) == Approx(12.70620473617471).epsilon(1e-9));
  CHECK(t_quantile(0.975, 1e6) == Approx(1.959966).epsilon(1e-5));
  const azsim::Prior truncated{azsim::Prior::Dist::normal, 0, 1, 0, std::numeric_limits<double>::infinity()};
  CHECK(prior_quantile(truncated, 0.5) == Approx(normal_quantile(0.75)).epsilon(1e-9));  // a half-normal
  CHECK(prior_quantile(truncated, 0) == 0);
  const azsim::Prior uni{azsim::Prior::Dist::uniform, 2, 6, 2, 6};
  CHECK(prior_quantile(uni, 0.25) == Approx(3).epsilon(1e-12));
  const azsim::Prior logn{azsim::Prior::Dist::lognormal, 50, 0.4, 0, std::numeric_limits<double>::infinity()};
  CHECK(prior_quantile(logn, 0.5) == Approx(50).epsilon(1e-9));
  const azsim::Prior beta{azsim::Prior::Dist::beta, 2, 5, 0, 1};
  CHECK(prior_cdf(beta, prior_quantile(beta, 0.9)) == Approx(0.9).epsilon(1e-9));
}

TEST_CASE("Wilson interval and sample quantiles", "[stats]") {
  const auto [lo, hi] = azsim::wilson_interval(5, 10);
  CHECK(lo == Approx(0.2365931).epsilon(1e-6));
  CHECK(hi == Approx(0.7634069).epsilon(1e-6));
  const auto [zlo, zhi] = azsim::wilson_interval(0, 20);
  CHECK(zlo == 0);
  CHECK(zhi == Approx(0.1611252).epsilon(1e-6));
  CHECK(azsim::sample_quantile({4, 1, NAN, 3, 2}, 0.5) == 2.5);
  CHECK(azsim::sample_quantile({1, 2, 3, 4, 5}, 0.9) == Approx(4.6));
}

TEST_CASE("timeline aggregate: counts are exact and independent of arrival order", "[ensemble]") {
  const ToyScenario toy;
  const azsim::exec::Executor ex(1, azsim::exec::Backend::serial);
  std::vector<azsim::Timeline> runs;
  for (std::uint64_t i = 0; i < 40; ++i) {
    azsim::RunRequest r;
    r.seed = 3;
    r.run = i;
    r.executor = &ex;
    r.timeline = true;
    runs.push_back(toy.run(r).timeline);
  }
  azsim::TimelineAggregate forward, backward;
  for (const auto& t : runs) forward.add(t);
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) backward.add(*it);
  TempDir a, b;
  forward.write(a.path());
  backward.write(b.path());
  CHECK(folder_files(a.path()) == folder_files(b.path()));
  // The share of runs with bit c at day d, unit u, against a direct count.
  const auto control = csv_rows(a.path() / "control.csv");
  REQUIRE(control.size() == 1 + 30 * 3);
  for (std::size_t d = 0; d < 30; ++d)
    for (std::size_t u = 0; u < 3; ++u)
      for (std::size_t c = 0; c < 4; ++c) {
        int n = 0;
        for (const auto& t : runs) n += static_cast<int>((t.masks[0].values[d * 3 + u] >> c) & 1);
        CHECK(std::stod(control[1 + d * 3 + u][3 + c]) == n / 40.0);
      }
  // Means are exact; quantiles within the bins' precision.
  const auto strength = csv_rows(a.path() / "strength.csv");
  REQUIRE(strength[0] == std::vector<std::string>{"date", "day", "faction", "mean", "q05", "q25", "q50", "q75", "q95"});
  for (std::size_t d = 0; d < 30; ++d) {
    std::vector<double> red;
    for (const auto& t : runs) red.push_back(static_cast<double>(t.counts[0].values[d * 2]));
    double sum = 0;
    for (double v : red) sum += v;
    const auto& row = strength[1 + d * 2];
    CHECK(row[2] == "red");
    CHECK(std::stod(row[3]) == sum / 40);
    CHECK(std::stod(row[6]) == Approx(azsim::sample_quantile(red, 0.5)).margin(azsim::sample_quantile(red, 0.5) / 64 + 1));
    CHECK(std::stod(row[4]) <= std::stod(row[5]));
    CHECK(std::stod(row[7]) <= std::stod(row[8]));
  }
  // A run of another shape is refused.
  azsim::Timeline other = runs[0];
  other.masks[0].units.pop_back();
  other.masks[0].values.resize(30 * 2);
  CHECK_THROWS_AS(forward.add(other), std::logic_error);
}

TEST_CASE("an ensemble's files are the same with 1 and 2 threads", "[ensemble][determinism]") {
  const azsim::exec::Executor probe(2);
  REQUIRE(probe.effective_concurrency() == 2);  // the count really took effect
  const ToyScenario toy;
  TempDir one, two;
  auto o = options(60, 1);
  o.trace = 3;
  const auto r1 = azsim::run_ensemble(toy, o, one.path() / "e");
  o.threads = 2;
  const auto r2 = azsim::run_ensemble(toy, o, two.path() / "e");
  CHECK(!r1.interrupted);
  CHECK(r1.made == 60);
  CHECK(r2.made == 60);
  const auto files = folder_files(one.path() / "e");
  CHECK(files == folder_files(two.path() / "e"));
  for (const char* name : {"manifest.json", "runs.csv", "targets.csv", "target-marks.csv", "control.csv",
                           "strength.csv", "nodes.csv", "runs/0/single.txt", "runs/2/single.txt"})
    CHECK(files.count(name) == 1);
  CHECK(files.count("runs/3/single.txt") == 0);
  CHECK(!fs::exists(azsim::batch_state_path(one.path() / "e")));
  // runs.csv: one row per run in run order, NA where a run had no value.
  const auto runs = csv_rows(one.path() / "e" / "runs.csv");
  REQUIRE(runs.size() == 61);
  CHECK(runs[0] == std::vector<std::string>{"run", "seed", "x", "count", "maybe", "T1.hit", "T1.miss"});
  int na = 0, hits = 0;
  for (std::size_t i = 1; i < runs.size(); ++i) {
    CHECK(runs[i][0] == std::to_string(i - 1));
    na += runs[i][4] == "NA";
    hits += runs[i][5] == "1";
  }
  CHECK(na > 0);
  const auto targets = csv_rows(one.path() / "e" / "targets.csv");
  REQUIRE(targets.size() == 2);
  CHECK(targets[1][3] == std::to_string(hits));
  CHECK(std::stod(targets[1][4]) == Approx(hits / 60.0));
}

TEST_CASE("an interrupted ensemble resumes without rerunning finished runs, to the same files", "[ensemble][resume]") {
  const ToyScenario whole_toy, part_toy;
  TempDir whole, part;
  auto o = options(50, 2);
  (void)azsim::run_ensemble(whole_toy, o, whole.path() / "e");
  o.stop_after = 17;
  o.checkpoint_seconds = 0;  // save after every run: a kill at any time loses at most one
  const auto first = azsim::run_ensemble(part_toy, o, part.path() / "e");
  CHECK(first.interrupted);
  CHECK(first.runs >= 17);
  CHECK(first.runs < 50);
  CHECK(fs::exists(azsim::batch_state_path(part.path() / "e")));
  CHECK(!fs::exists(part.path() / "e" / "manifest.json"));  // not mistaken for a finished one
  CHECK(!fs::exists(part.path() / "e" / "runs.csv"));
  // Without --resume or --force the folder is not touched.
  o.stop_after = 0;
  CHECK_THROWS_AS(azsim::run_ensemble(part_toy, o, part.path() / "e"), azsim::UsageError);
  // Another seed cannot resume it.
  auto other = o;
  other.resume = true;
  other.seed = 12;
  CHECK_THROWS_WITH(azsim::run_ensemble(part_toy, other, part.path() / "e"), Catch::Contains("another scenario, seed"));
  o.resume = true;
  const int before = part_toy.runs_made_.load();
  const auto second = azsim::run_ensemble(part_toy, o, part.path() / "e");
  CHECK(!second.interrupted);
  CHECK(second.made == 50 - first.runs);
  CHECK(part_toy.runs_made_.load() - before == static_cast<int>(50 - first.runs));  // counted by the model
  CHECK(folder_files(part.path() / "e") == folder_files(whole.path() / "e"));
  // A finished ensemble: nothing to resume, not overwritten without --force.
  CHECK_THROWS_WITH(azsim::run_ensemble(part_toy, o, part.path() / "e"), Catch::Contains("nothing to resume"));
  o.resume = false;
  CHECK_THROWS_WITH(azsim::run_ensemble(part_toy, o, part.path() / "e"), Catch::Contains("finished batch"));
  o.force = true;
  CHECK(azsim::run_ensemble(part_toy, o, part.path() / "e").made == 50);
}

TEST_CASE("a damaged resume state is a clear error", "[ensemble][resume]") {
  const ToyScenario toy;
  TempDir dir;
  auto o = options(20, 1);
  o.stop_after = 5;
  (void)azsim::run_ensemble(toy, o, dir.path() / "e");
  const fs::path state = azsim::batch_state_path(dir.path() / "e");
  const std::string bytes = slurp(state);
  std::ofstream(state, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  o.stop_after = 0;
  o.resume = true;
  CHECK_THROWS_AS(azsim::run_ensemble(toy, o, dir.path() / "e"), azsim::IoError);
}

TEST_CASE("what-if: an unchanged counterfactual differs by exactly zero", "[ensemble][whatif]") {
  const ToyScenario base({"base.yaml"}), same({"cf.yaml", "base.yaml"});
  TempDir dir;
  std::ostringstream table;
  const auto r = azsim::run_whatif(base, same, options(40, 2), dir.path() / "w", &table);
  CHECK(!r.interrupted);
  const auto rows = csv_rows(dir.path() / "w" / "whatif.csv");
  REQUIRE(rows.size() == 1 + 5);  // x, count, maybe, T1 (its hit), T1.miss
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i][13] == "0");   // diff_mean
    CHECK(rows[i][14] == "0");   // diff_ci_low
    CHECK(rows[i][15] == "0");   // diff_ci_high
    CHECK(rows[i][16] == "0.5");  // ties count one half
    CHECK(rows[i][3] == rows[i][8]);  // same means
  }
  CHECK(rows[4][0] == "T1");
  CHECK(rows[4][1] == "target");
  CHECK(table.str().find("T1 hit rate") != std::string::npos);
  CHECK(fs::exists(dir.path() / "w" / "baseline" / "control.csv"));
  CHECK(fs::exists(dir.path() / "w" / "counterfactual" / "control.csv"));
}

TEST_CASE("what-if: common random numbers pair the runs, and the interval covers the shift", "[ensemble][whatif]") {
  // Doubling the rate doubles x run by run (x = rate * z with the same z): the paired
  // difference is x itself, and counts go up in (nearly) every pair.
  const ToyScenario base({"base.yaml"}, 1), doubled({"cf.yaml", "base.yaml"}, 2);
  TempDir dir;
  (void)azsim::run_whatif(base, doubled, options(200, 2), dir.path() / "w", nullptr);
  const auto rows = csv_rows(dir.path() / "w" / "whatif.csv");
  const auto runs = csv_rows(dir.path() / "w" / "baseline" / "runs.csv");
  double sum = 0;
  for (std::size_t i = 1; i < runs.size(); ++i) sum += std::stod(runs[i][2]);
  CHECK(std::stod(rows[1][13]) == Approx(sum / 200).epsilon(1e-12));  // x: cf - base = x
  CHECK(std::stod(rows[2][13]) > 8);                                  // count: mean 10 more
  CHECK(std::stod(rows[2][14]) > 5);
  CHECK(std::stod(rows[2][16]) > 0.9);
  CHECK(rows[4][1] == "target");
  CHECK(std::stod(rows[4][13]) == 0);  // the sign of x, and so T1, never changes
}

TEST_CASE("what-if on a calibrated base: the counterfactual of its scenario takes its posterior", "[ensemble][whatif]") {
  ToyScenario calibrated({"calibrated.yaml", "base.yaml"});
  calibrated.set_posterior(2);
  const ToyScenario same({"cf.yaml", "base.yaml"});  // a counterfactual of base.yaml changing nothing
  TempDir dir;
  (void)azsim::run_whatif(calibrated, same, options(60, 2), dir.path() / "w", nullptr);
  const auto rows = csv_rows(dir.path() / "w" / "whatif.csv");
  CHECK(rows[2][0] == "count");
  CHECK(std::stod(rows[2][3]) > 15);  // Poisson(10 x rate 2), not rate 1: the posterior's value
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i][13] == "0");  // same particle, same keys
  CHECK(slurp(dir.path() / "w" / "counterfactual" / "manifest.json").find("posterior of calibrated.yaml") != std::string::npos);
}

TEST_CASE("what-if refuses a counterfactual that is not based on the base", "[ensemble][whatif]") {
  const ToyScenario base({"base.yaml"}), stranger({"cf.yaml", "other.yaml"});
  TempDir dir;
  CHECK_THROWS_WITH(azsim::run_whatif(base, stranger, options(5, 1), dir.path() / "w", nullptr),
                    Catch::Contains("does not derive from base.yaml"));
}

TEST_CASE("design files: read against the priors, with clear errors", "[ensemble][eval]") {
  const ToyScenario toy;
  TempDir dir;
  const auto d = azsim::read_design(dir.write("ok.csv", "toy.rate,toy.offset\n0.5,1\n1.5,-2\n"), toy.parameters());
  CHECK(d.parameters == std::vector<std::string>{"toy.rate", "toy.offset"});
  CHECK(d.points == std::vector<std::vector<double>>{{0.5, 1}, {1.5, -2}});
  const auto err = [&](const std::string& text) {
    try {
      (void)azsim::read_design(dir.write("bad.csv", text), toy.parameters());
    } catch (const azsim::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(err("toy.rates\n1\n"), Catch::Contains("bad.csv:1: column 1: 'toy.rates' is not a parameter") &&
                                        Catch::Contains("toy.rate"));
  CHECK_THAT(err("toy.rate\n2.5\n"), Catch::Contains("bad.csv:2: column 1 (toy.rate): 2.5 is outside its prior's support [0, 2]"));
  CHECK_THAT(err("toy.rate\nabc\n"), Catch::Contains("'abc' is not a finite number"));
  CHECK_THAT(err("toy.rate,toy.offset\n1\n"), Catch::Contains("bad.csv:2: 1 values, expected 2"));
  CHECK_THAT(err("toy.rate,toy.rate\n1,1\n"), Catch::Contains("appears twice"));
  CHECK_THAT(err("toy.rate\n"), Catch::Contains("no design points"));
  CHECK_THAT(err(""), Catch::Contains("empty"));
  CHECK_THROWS_WITH(azsim::read_design(dir.path() / "absent.csv", toy.parameters()), Catch::Contains("no such design file"));
}

TEST_CASE("eval: one row per run, replicates share keys across points", "[ensemble][eval]") {
  const ToyScenario toy;
  TempDir dir;
  const auto d = azsim::read_design(dir.write("d.csv", "toy.rate\n1\n2\n1\n"), toy.parameters());
  const auto r = azsim::run_eval(toy, d, 4, options(0, 2), dir.path() / "e");
  CHECK(r.made == 12);
  const auto rows = csv_rows(dir.path() / "e" / "runs.csv");
  REQUIRE(rows.size() == 13);
  CHECK(rows[0] == std::vector<std::string>{"point", "replicate", "seed", "run", "toy.rate", "x", "count", "maybe", "T1.hit", "T1.miss"});
  for (int rep = 0; rep < 4; ++rep) {
    const auto& p0 = rows[1 + rep];
    const auto& p1 = rows[1 + 4 + rep];
    const auto& p2 = rows[1 + 8 + rep];
    CHECK(p0[5] == p2[5]);  // same point, same replicate: the same run
    CHECK(std::stod(p1[5]) == Approx(2 * std::stod(p0[5])));  // x = rate * z with the same z
  }
  CHECK(fs::exists(dir.path() / "e" / "design.csv"));
}

TEST_CASE("progress: a line per tenth when not a terminal, a redrawn bar when one", "[progress]") {
  std::ostringstream log;
  azsim::Progress p("runs", 50, 0, log, false);
  for (int i = 1; i <= 50; ++i) p.update(static_cast<std::uint64_t>(i));
  p.finish();
  const std::string text = log.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 10);
  CHECK(text.find(" 10%  5/50 runs") != std::string::npos);
  CHECK(text.find("100%  50/50 runs") != std::string::npos);
  std::ostringstream tty;
  azsim::Progress bar("runs", 4, 1, tty, true);
  bar.update(4);
  bar.finish();
  CHECK(tty.str().find("\r[") != std::string::npos);
  CHECK(tty.str().find("4/4 runs") != std::string::npos);
  CHECK(azsim::format_duration(3725) == "1:02:05");
  CHECK(azsim::format_duration(65) == "1:05");
}

TEST_CASE("Morris design: trajectories on the grid, one coordinate moving by delta each step", "[sensitivity]") {
  azsim::MorrisOptions m;
  m.trajectories = 6;
  m.levels = 4;
  const auto design = azsim::morris_unit_design(5, m, 3);
  REQUIRE(design.size() == 6 * 6);
  CHECK(design == azsim::morris_unit_design(5, m, 3));  // keyed by the seed
  CHECK(design != azsim::morris_unit_design(5, m, 4));
  for (std::size_t t = 0; t < 6; ++t) {
    std::vector<int> moved(5, 0);
    for (std::size_t s = 0; s < 5; ++s) {
      const auto& a = design[t * 6 + s];
      const auto& b = design[t * 6 + s + 1];
      int changed = 0;
      for (std::size_t i = 0; i < 5; ++i) {
        CHECK(a[i] >= 0);
        CHECK(a[i] <= 1);
        if (a[i] != b[i]) {
          ++changed;
          ++moved[i];
          CHECK(std::abs(b[i] - a[i]) == Approx(2.0 / 3.0));
        }
      }
      CHECK(changed == 1);
    }
    CHECK(moved == std::vector<int>(5, 1));  // each parameter moves exactly once
  }
  CHECK_THROWS_AS(azsim::morris_unit_design(5, {6, 3, 1}, 1), azsim::UsageError);  // odd levels
}

TEST_CASE("Morris effects: exact for a linear function, zero for an idle input, sigma for an interaction", "[sensitivity]") {
  azsim::MorrisOptions m;
  m.trajectories = 20;
  const auto unit = azsim::morris_unit_design(3, m, 9);
  std::vector<std::vector<double>> out;
  for (const auto& x : unit) out.push_back({3 * x[0] - 2 * x[2], x[0] * x[1]});
  const auto e = azsim::morris_effects(unit, out, 3, 20);
  CHECK(e[0][0].mu == Approx(3));
  CHECK(e[0][0].mu_star == Approx(3));
  CHECK(e[0][0].sigma == Approx(0).margin(1e-12));
  CHECK(e[1][0].mu_star == 0);
  CHECK(e[2][0].mu == Approx(-2));
  CHECK(e[2][0].mu_star == Approx(2));
  CHECK(e[0][0].effects == 20);
  CHECK(e[0][1].sigma > 0.1);  // x0's effect on x0*x1 depends on x1
  CHECK(e[2][1].mu_star == 0);
}

TEST_CASE("Morris screening end to end: the rate matters for x and count, the offset for x", "[sensitivity]") {
  const ToyScenario toy;
  TempDir dir;
  azsim::MorrisOptions m;
  m.trajectories = 8;
  m.replicates = 3;
  const auto r = azsim::run_morris(toy, m, options(0, 2), dir.path() / "s");
  CHECK(r.made == 8 * 3 * 3);
  const auto rows = csv_rows(dir.path() / "s" / "morris.csv");
  REQUIRE(rows[0] == std::vector<std::string>{"parameter", "output", "mu", "mu_star", "sigma", "effects"});
  std::map<std::string, double> mu_star;
  for (std::size_t i = 1; i < rows.size(); ++i) mu_star[rows[i][0] + "/" + rows[i][1]] = std::stod(rows[i][3]);
  CHECK(mu_star.at("toy.rate/count") > 5);          // count ~ Poisson(10 rate): rate spans 0.1..1.9
  CHECK(mu_star.at("toy.offset/count") == 0);       // the offset never touches the count
  CHECK(mu_star.at("toy.offset/x") > 1);            // x = offset + rate z
  CHECK(mu_star.count("toy.rate/T1.hit") == 1);
  CHECK(fs::exists(dir.path() / "s" / "design.csv"));
  CHECK(fs::exists(dir.path() / "s" / "runs.csv"));
}
