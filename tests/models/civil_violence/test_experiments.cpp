// The model against what is known of it: Epstein's legitimacy crises (a sudden drop sets off
// an outburst; a larger drop in small increments does not), the docking figures of the
// default scenario (docs/civil-violence.md), and ensembles that do not depend on the thread
// count.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <numeric>

#include "support.hpp"
#include "core/run/ensemble.hpp"
#include "core/io/csv.hpp"
#include "core/run/rows.hpp"
#include "core/stats/mann_whitney.hpp"

using namespace azsim;

namespace {
double median(std::vector<double> v) { return sample_quantile(std::move(v), 0.5); }
double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
}  // namespace

TEST_CASE("legitimacy crises: a sudden drop sets off a large outburst, a larger drop in small steps does not",
          "[civil_violence][experiment]") {
  // Epstein 2002, Figs. 9-10 (Table 2, Runs 3-4; the rules and parameters in
  // scenarios/civil-violence/crisis.yaml): L = 0.9 falls to 0.7 at once at step 77, or to 0.2 by
  // 0.01 a step from step 77. 50 runs of each, peak active share compared by a one-sided
  // Mann-Whitney U test. "Large": the typical (median) jump run has at least 20% of its
  // citizens active at once, forty times the calm regime's peak (docking below: ~0.5%) and four
  // times the outburst threshold; the typical small-steps run never reaches an outburst (5%).
  const auto jump = test::load_cv("scenarios/civil-violence/crisis-one-jump.yaml");
  const auto steps = test::load_cv("scenarios/civil-violence/crisis-small-steps.yaml");
  const auto start = std::chrono::steady_clock::now();
  const auto a = test::outcome_of_runs(*jump, 1, 50, "peak_active_share");
  const auto b = test::outcome_of_runs(*steps, 1, 50, "peak_active_share");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(a.size() == 50);
  REQUIRE(b.size() == 50);
  const auto t = stats::mann_whitney_u(a, b);
  const auto large = std::count_if(a.begin(), a.end(), [](double x) { return x >= 0.2; });
  INFO("one jump: median peak " << median(a) << ", mean " << mean(a) << ", " << large << " runs >= 20%; small steps: median "
                                << median(b) << ", mean " << mean(b) << ", max " << *std::max_element(b.begin(), b.end())
                                << "; U = " << t.u_x << ", p = " << t.p_greater << " (" << seconds << " s)");
  CHECK(t.p_greater < 0.01);
  CHECK(median(a) >= 0.2);   // the jump: a large outburst in the typical run
  CHECK(large >= 30);        // ... and in most runs (seeds 1-5, 2002: 40 to 46 of 50)
  CHECK(median(b) < 0.05);   // the small steps: no outburst in the typical run
  CHECK(*std::max_element(b.begin(), b.end()) < 0.2);  // ... and never a large one
  WARN("legitimacy crisis: one jump median peak " << median(a) << ", small steps " << median(b) << ", p = " << t.p_greater
                                                 << ", 100 runs in " << seconds << " s");
}

TEST_CASE("docking: Mesa's defaults give a calm regime, punctuated by rare bursts (docs/civil-violence.md)",
          "[civil_violence][experiment]") {
  // Figures established over 5 seeds x 50 runs (docs/civil-violence.md, "Docking"): the mean
  // active share 0.9e-4 to 2.1e-4 per seed (ensemble mean), the median peak 0.44% to 0.54% of
  // citizens, the mean jailed share 4.0% to 5.2%, an outburst in 0 to 2% of runs.
  const auto s = test::load_cv("scenarios/civil-violence.yaml");
  const civil_violence::RunParameters p = civil_violence::resolve_parameters(s->spec(), s->parameters());
  std::vector<double> mean_active, peak, jailed;
  std::int64_t zero_steps = 0, steps = 0, later_bursts = 0, outbursts = 0;
  for (std::uint64_t run = 0; run < 50; ++run) {
    const civil_violence::World w = civil_violence::simulate(s->spec(), p, {7, run});
    const RunSummary r = civil_violence::summarize(w);
    const auto get = [&](const char* name) {
      for (const auto& o : r.outcomes)
        if (o.name == name) return o.value.value_or(0.0);
      FAIL("no outcome " << name);
      return 0.0;
    };
    mean_active.push_back(get("mean_active_share"));
    peak.push_back(get("peak_active_share"));
    jailed.push_back(get("mean_jailed_share"));
    outbursts += get("outbursts") > 0;
    bool burst = false;
    for (std::size_t t = 1; t < w.history.size(); ++t) {
      ++steps;
      zero_steps += w.history[t].active == 0;
      burst = burst || (t > 1 && w.history[t].active >= 0.005 * static_cast<double>(w.citizens));
    }
    later_bursts += burst;
  }
  INFO("mean active " << mean(mean_active) << ", median peak " << median(peak) << ", mean jailed " << mean(jailed)
                      << ", runs with an outburst " << outbursts << ", with a later burst " << later_bursts
                      << ", steps with no active " << static_cast<double>(zero_steps) / static_cast<double>(steps));
  CHECK(mean(mean_active) > 2e-5);
  CHECK(mean(mean_active) < 1e-3);
  CHECK(median(peak) > 0.002);
  CHECK(median(peak) < 0.01);
  CHECK(mean(jailed) > 0.02);
  CHECK(mean(jailed) < 0.1);
  CHECK(outbursts <= 5);
  // Punctuated: no active citizen on most steps, yet bursts after the start in some runs.
  CHECK(static_cast<double>(zero_steps) / static_cast<double>(steps) > 0.8);
  CHECK(later_bursts >= 3);
}

TEST_CASE("a civil_violence ensemble's files are the same with 1 and 2 threads", "[civil_violence][determinism]") {
  const exec::Executor probe(2);
  REQUIRE(probe.effective_concurrency() == 2);  // the count really took effect
  const auto s = test::load_cv("scenarios/civil-violence/crisis-one-jump.yaml");
  test::TempDir one, two;
  EnsembleOptions o;
  o.seed = 3;
  o.runs = 12;
  o.quiet = true;
  o.trace = 2;
  o.threads = 1;
  (void)run_ensemble(*s, o, one.path() / "e");
  o.threads = 2;
  (void)run_ensemble(*s, o, two.path() / "e");
  for (const char* f : {"runs.csv", "states.csv", "schedule.csv", "manifest.json", "runs/0/steps.csv", "runs/1/outcomes.csv"}) {
    INFO(f);
    const std::string a = test::slurp(one.path() / "e" / f);
    CHECK(!a.empty());
    CHECK(a == test::slurp(two.path() / "e" / f));
  }
  // states.csv: per step and state, the mean and quantiles; 201 steps x 3 states.
  const auto rows = io::read_csv(test::slurp(one.path() / "e" / "states.csv"));
  REQUIRE(rows.size() == 1 + 201 * 3);
  CHECK(rows[0] == std::vector<std::string>{"date", "day", "state", "mean", "q05", "q25", "q50", "q75", "q95"});
  CHECK(rows[1][2] == "active");
  CHECK(rows[3][2] == "jailed");
}
