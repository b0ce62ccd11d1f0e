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
#include "core/run/rows.hpp"
#include "core/stats/mann_whitney.hpp"

using namespace azsim;

namespace {
double median(std::vector<double> v) { return sample_quantile(std::move(v), 0.5); }
double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
}  // namespace

TEST_CASE("legitimacy crises: a sudden drop sets off a larger outburst than a larger drop in small steps",
          "[civil_violence][experiment]") {
  // Epstein 2002, Figs. 9-10 (Table 2, Runs 3-4): L = 0.9 falls to 0.7 at once at step 77, or
  // to 0.2 by 0.01 a step from step 77. 50 runs of each, peak active share compared by a
  // one-sided Mann-Whitney U test.
  const auto jump = test::load_cv("scenarios/civil-violence/crisis-one-jump.yaml");
  const auto steps = test::load_cv("scenarios/civil-violence/crisis-small-steps.yaml");
  const auto start = std::chrono::steady_clock::now();
  const auto a = test::outcome_of_runs(*jump, 2002, 50, "peak_active_share");
  const auto b = test::outcome_of_runs(*steps, 2002, 50, "peak_active_share");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(a.size() == 50);
  REQUIRE(b.size() == 50);
  const auto t = stats::mann_whitney_u(a, b);
  INFO("one jump: median peak " << median(a) << ", mean " << mean(a) << "; small steps: median " << median(b)
                                << ", mean " << mean(b) << "; U = " << t.u_x << ", p = " << t.p_greater << " (" << seconds
                                << " s)");
  CHECK(t.p_greater < 0.01);
  CHECK(median(a) > 2 * median(b));
  WARN("legitimacy crisis: one jump median peak " << median(a) << ", small steps " << median(b) << ", p = " << t.p_greater
                                                 << ", 100 runs in " << seconds << " s");
}
