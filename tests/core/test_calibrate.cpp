// ABC-SMC on a toy model whose likelihood is known: honest on synthetic truth, identical
// whatever the thread count, and resumed after an interruption to the same posterior.

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "../support.hpp"
#include "core/calibrate/abc.hpp"
#include "core/calibrate/fidelity.hpp"
#include "core/error.hpp"
#include "core/io/csv.hpp"
#include "core/random/samplers.hpp"
#include "core/random/stream.hpp"
#include "core/scenario/posterior.hpp"

namespace fs = std::filesystem;
using azsim::test::slurp;
using azsim::test::TempDir;

namespace {

/// Three parameters, each observed through its own noisy target: T_i is hit when the run's
/// y_i = theta_i + N(0, 0.5) lands within 0.5 of the observation, and its miss is the
/// distance in those 0.5-wide tolerances.
class ToyCalibration final : public azsim::LoadedScenario {
 public:
  explicit ToyCalibration(std::vector<double> observed, std::string path = "toy-calibration.yaml")
      : observed_(std::move(observed)) {
    document_.chain.push_back({std::move(path), "0"});
    document_.model = "toy";
    std::vector<azsim::Parameter> items;
    const double inf = std::numeric_limits<double>::infinity();
    items.push_back({"toy.a", 5, {azsim::Prior::Dist::uniform, 0, 10, 0, 10}, nullptr, true});
    items.push_back({"toy.b", 5, {azsim::Prior::Dist::uniform, 0, 10, 0, 10}, nullptr, true});
    items.push_back({"toy.c", 5, {azsim::Prior::Dist::normal, 5, 2, 0, inf}, nullptr, true});
    items.push_back({"toy.fixed", 1, {azsim::Prior::Dist::uniform, 0, 2, 0, 2}, nullptr, false});
    parameters_ = azsim::ParameterSet(std::move(items));
  }
  [[nodiscard]] const azsim::Document& document() const noexcept override { return document_; }
  [[nodiscard]] const azsim::ParameterSet& parameters() const noexcept override { return parameters_; }
  [[nodiscard]] std::string name() const override { return "toy calibration"; }
  [[nodiscard]] std::vector<azsim::SummaryItem> summary() const override { return {}; }

  /// The observations a run at these values produces (for making synthetic truth).
  [[nodiscard]] std::vector<double> observe(const std::vector<double>& theta, std::uint64_t seed, std::uint64_t run) const {
    azsim::rng::Stream s({seed, run}, 0, 0, 7);
    std::vector<double> y;
    for (double t : theta) y.push_back(azsim::rng::normal(s, t, 0.5));
    return y;
  }

  [[nodiscard]] azsim::RunSummary run(const azsim::RunRequest& r) const override {
    std::vector<double> theta;
    for (std::size_t i = 0; i < 3; ++i)
      theta.push_back(r.parameter_values ? (*r.parameter_values)[i] : parameters_.items()[i].value);
    const auto y = observe(theta, r.seed, r.run);
    azsim::RunSummary out;
    for (std::size_t i = 0; i < 3; ++i) {
      const double miss = std::abs(y[i] - observed_[i]) / 0.5;
      out.targets.push_back({"T" + std::to_string(i + 1), "y close to the record", miss <= 1, miss <= 1 ? 0 : miss});
    }
    if (++calls_ == interrupt_at_) std::raise(SIGINT);
    return out;
  }
  mutable std::atomic<std::uint64_t> calls_{0};
  std::uint64_t interrupt_at_ = 0;

 private:
  std::vector<double> observed_;
  azsim::Document document_;
  azsim::ParameterSet parameters_;
};

azsim::AbcOptions abc_options(std::uint64_t seed, int threads) {
  azsim::AbcOptions o;
  o.particles = 150;
  o.generations = 6;
  o.seed = seed;
  o.threads = threads;
  o.quiet = true;
  return o;
}

/// The weighted q-quantile of column c of a population file.
double weighted_quantile(const std::vector<std::vector<std::string>>& rows, std::size_t c, double q) {
  std::vector<std::pair<double, double>> v;  // value, weight
  const std::size_t wcol = rows[0].size() - 2;
  for (std::size_t r = 1; r < rows.size(); ++r) v.push_back({std::stod(rows[r][c]), std::stod(rows[r][wcol])});
  std::sort(v.begin(), v.end());
  double cum = 0;
  for (const auto& [x, w] : v)
    if ((cum += w) >= q) return x;
  return v.back().first;
}

}  // namespace

TEST_CASE("prior densities and the target distance", "[calibrate]") {
  const azsim::Prior uni{azsim::Prior::Dist::uniform, 0, 4, 0, 4};
  CHECK(azsim::prior_log_density(uni, 1) == Approx(std::log(0.25)));
  CHECK(azsim::prior_log_density(uni, 5) == -std::numeric_limits<double>::infinity());
  const azsim::Prior nor{azsim::Prior::Dist::normal, 1, 2, -100, 100};
  CHECK(azsim::prior_log_density(nor, 3) == Approx(std::log(std::exp(-0.5) / (2 * std::sqrt(2 * M_PI)))));
  const azsim::Prior beta{azsim::Prior::Dist::beta, 2, 2, 0, 1};
  CHECK(std::exp(azsim::prior_log_density(beta, 0.5)) == Approx(1.5));  // 6 x (1 - x)
  azsim::RunSummary s;
  s.targets = {{"T1", "", true, 0}, {"T2", "", false, 1}, {"T3", "", false, 10}};
  CHECK(azsim::target_distance(s, 3) == Approx((0 + 1 + 3) / 3.0));
}

TEST_CASE("ABC-SMC finds synthetic truth inside its 90% intervals", "[calibrate]") {
  // Declared before any run: the true values and the three seeds (truth and calibration).
  const std::vector<double> truth{3.0, 7.0, 4.0};
  const std::uint64_t seeds[] = {101, 202, 303};
  int inside = 0, total = 0;
  for (std::uint64_t seed : seeds) {
    const ToyCalibration maker({0, 0, 0});
    const auto observed = maker.observe(truth, seed, 999'999);
    const ToyCalibration toy(observed);
    TempDir dir;
    const auto r = azsim::run_abc(toy, abc_options(seed, 2), dir / "c");
    REQUIRE(!r.interrupted);
    CHECK(r.generations == 6);
    CHECK(r.ess > 30);
    const auto post = azsim::io::read_csv(slurp(dir / "c" / "posterior.csv"));
    REQUIRE(post[0] == std::vector<std::string>{"toy.a", "toy.b", "toy.c", "weight", "distance"});
    REQUIRE(post.size() == 151);
    for (std::size_t c = 0; c < 3; ++c) {
      const double lo = weighted_quantile(post, c, 0.05), hi = weighted_quantile(post, c, 0.95);
      INFO("seed " << seed << " parameter " << post[0][c] << ": 90% interval [" << lo << ", " << hi << "], truth " << truth[c]);
      CHECK(hi - lo < 4);  // it learned: the prior's 90% interval is 9 wide for a and b
      inside += lo <= truth[c] && truth[c] <= hi;
      ++total;
    }
    // Tolerances shrink, the acceptance rate falls.
    const auto gens = azsim::io::read_csv(slurp(dir / "c" / "generations.csv"));
    REQUIRE(gens.size() == 7);
    CHECK(gens[1][1] == "inf");
    for (std::size_t g = 3; g < gens.size(); ++g) CHECK(std::stod(gens[g][1]) <= std::stod(gens[g - 1][1]));
  }
  INFO(inside << " of " << total << " true values inside their 90% interval");
  CHECK(inside >= 0.8 * total);
}

TEST_CASE("ABC-SMC: the same posterior with 1 and 2 threads, resumed after Ctrl-C to the same posterior", "[calibrate]") {
  const ToyCalibration toy({3, 7, 4});
  TempDir one, two, cut;
  auto o = abc_options(5, 1);
  o.generations = 4;
  o.particles = 60;
  o.batch = 40;
  (void)azsim::run_abc(toy, o, one / "c");
  o.threads = 2;
  (void)azsim::run_abc(toy, o, two / "c");
  for (const char* f : {"posterior.csv", "generations.csv", "population_0.csv", "population_3.csv", "manifest.json", "calibrated.yaml"})
    CHECK(slurp(one / "c" / f) == slurp(two / "c" / f));

  ToyCalibration interrupted({3, 7, 4});
  interrupted.interrupt_at_ = 150;  // in generation 1 or 2: a SIGINT, as Ctrl-C sends
  const auto first = azsim::run_abc(interrupted, o, cut / "c");
  CHECK(first.interrupted);
  CHECK(!fs::exists(cut / "c" / "posterior.csv"));
  CHECK(first.generations >= 1);
  CHECK(first.generations < 4);
  // The generation under way was saved after its last complete batch of proposals.
  CHECK(fs::exists(cut / "c" / ".azsim-state"));
  o.resume = true;
  const ToyCalibration again({3, 7, 4});
  const auto second = azsim::run_abc(again, o, cut / "c");
  CHECK(!second.interrupted);
  CHECK(slurp(cut / "c" / "posterior.csv") == slurp(one / "c" / "posterior.csv"));
  CHECK(slurp(cut / "c" / "generations.csv") == slurp(one / "c" / "generations.csv"));
  CHECK(!fs::exists(cut / "c" / ".azsim-state"));
  // Another seed cannot resume it.
  o.seed = 6;
  CHECK_THROWS_WITH(azsim::run_abc(again, o, cut / "c"), Catch::Contains("another scenario, seed or options"));
}

TEST_CASE("ABC-SMC refuses what it cannot do", "[calibrate]") {
  const ToyCalibration toy({3, 7, 4});
  TempDir dir;
  auto o = abc_options(1, 1);
  o.parameters = {"toy.z"};
  CHECK_THROWS_WITH(azsim::run_abc(toy, o, dir / "a"), Catch::Contains("'toy.z' is not a parameter"));
  o.parameters = {"toy.a", "toy.a"};
  CHECK_THROWS_WITH(azsim::run_abc(toy, o, dir / "b"), Catch::Contains("named twice"));
  o.parameters.assign(13, "toy.a");
  CHECK_THROWS_WITH(azsim::run_abc(toy, o, dir / "c"), Catch::Contains("at most 12"));
}

TEST_CASE("a posterior file: read, checked, and one particle per run by its key", "[calibrate][posterior]") {
  TempDir dir;
  const std::string good = dir.write("p.csv", "toy.a,toy.b,weight,distance\n1,2,0.25,0\n3,4,0.75,0.1\n");
  const auto p = azsim::read_posterior(good, {});
  CHECK(p->parameters == std::vector<std::string>{"toy.a", "toy.b"});
  CHECK(p->weights == std::vector<double>{0.25, 0.75});
  const ToyCalibration toy({0, 0, 0});
  azsim::check_posterior(*p, toy.parameters());
  int first = 0;
  for (std::uint64_t run = 0; run < 4000; ++run) first += p->pick(9, run) == 0;
  CHECK(first == Approx(1000).margin(100));  // chosen with the weights
  CHECK(p->pick(9, 17) == p->pick(9, 17));   // by the key alone
  const auto err = [&](const std::string& text) {
    try {
      azsim::check_posterior(*azsim::read_posterior(dir.write("bad.csv", text), {}), toy.parameters());
    } catch (const azsim::ScenarioError& e) {
      return e.diagnostics().to_string();
    }
    return std::string("no error");
  };
  CHECK_THAT(err("toy.a,weight\nx,1\n"), Catch::Contains("bad.csv:2:1") && Catch::Contains("expected a finite number"));
  CHECK_THAT(err("toy.a\n1\n"), Catch::Contains("no 'weight' column"));
  CHECK_THAT(err("toy.q,weight\n1,1\n"), Catch::Contains("bad.csv:1:1") && Catch::Contains("not a parameter"));
  CHECK_THAT(err("toy.a,weight\n11,1\n"), Catch::Contains("bad.csv:2:1") && Catch::Contains("outside the prior's support"));
  CHECK_THAT(err("toy.a,weight\n1,0\n"), Catch::Contains("sum to 0"));
}

TEST_CASE("fidelity: the calibrated values hit more often than the priors, shares add up", "[calibrate][fidelity]") {
  const ToyCalibration maker({0, 0, 0});
  const ToyCalibration toy(maker.observe({5, 5, 5}, 77, 1));  // the record made at the scenario's values
  TempDir dir;
  azsim::EnsembleOptions o;
  o.runs = 300;
  o.seed = 3;
  o.threads = 2;
  o.quiet = true;
  std::ostringstream table;
  const auto r = azsim::run_fidelity(toy, o, dir / "f", &table);
  CHECK(!r.interrupted);
  CHECK(r.runs == 600);
  const auto fid = azsim::io::read_csv(slurp(dir / "f" / "fidelity.csv"));
  REQUIRE(fid.size() == 4);
  for (std::size_t t = 1; t < 4; ++t) {
    INFO(fid[t][0] << ": prior " << fid[t][2] << ", posterior " << fid[t][6]);
    CHECK(std::stod(fid[t][6]) > 0.25);                          // y within 0.5 of one noisy record
    CHECK(std::stod(fid[t][6]) > 1.5 * std::stod(fid[t][2]));    // far more than with theta from the prior
    CHECK(std::stod(fid[t][7]) <= std::stod(fid[t][6]));         // interval holds the rate
  }
  const auto together = azsim::io::read_csv(slurp(dir / "f" / "together.csv"));
  REQUIRE(together.size() == 5);  // 0..3 hits
  double prior = 0, post = 0;
  for (std::size_t h = 1; h < together.size(); ++h) {
    prior += std::stod(together[h][1]);
    post += std::stod(together[h][2]);
  }
  CHECK(prior == Approx(1));
  CHECK(post == Approx(1));
  CHECK(std::stod(together[1][4]) == Approx(1));  // everyone hits at least 0
  CHECK(table.str().find("mean hit rate") != std::string::npos);
  CHECK(fs::exists(dir / "f" / "prior" / "runs.csv"));
  CHECK(fs::exists(dir / "f" / "posterior" / "runs.csv"));
}

TEST_CASE("ABC-SMC stops with a reason when the targets give nothing to follow", "[calibrate]") {
  // Every run misses every target by more than the cap: all distances tie at the cap.
  const ToyCalibration toy({100, 100, 100});
  TempDir dir;
  auto o = abc_options(1, 2);
  o.particles = 20;
  const auto r = azsim::run_abc(toy, o, dir / "c");
  CHECK(!r.interrupted);
  CHECK(r.generations == 1);
  CHECK_THAT(r.stopped_because, Catch::Contains("the same distance"));
  CHECK(fs::exists(dir / "c" / "posterior.csv"));  // the prior sample, honestly labelled by generations.csv
  // Too few acceptances: the proposal cap ends it.
  const ToyCalibration hard({3, 7, 4});
  o.max_proposals = 40;
  o.quantile = 0.05;
  const auto capped = azsim::run_abc(hard, o, dir / "d");
  CHECK_THAT(capped.stopped_because, Catch::Contains("too few to go on"));
  CHECK(capped.generations >= 1);
}
