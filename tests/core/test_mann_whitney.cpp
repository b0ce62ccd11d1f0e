// The Mann-Whitney U test against scipy.stats.mannwhitneyu(method="asymptotic") (values
// computed with Debian's scipy 1.10) and against counts made by hand.

#include <catch2/catch.hpp>

#include <vector>

#include "core/stats/mann_whitney.hpp"

using azsim::stats::mann_whitney_u;

TEST_CASE("Mann-Whitney: U counts the pairs where the first sample is larger, ties as halves", "[stats]") {
  const std::vector<double> x{1, 2, 3}, y{2, 0};
  // Pairs: (1,2) 0, (1,0) 1, (2,2) 1/2, (2,0) 1, (3,2) 1, (3,0) 1 -> 4.5.
  const auto r = mann_whitney_u(x, y);
  CHECK(r.u_x == 4.5);
  CHECK(r.u_y == 1.5);
}

TEST_CASE("Mann-Whitney: the p-values of scipy's asymptotic test, ties and continuity included", "[stats]") {
  SECTION("ties") {
    const std::vector<double> x{1, 2, 2, 3, 3, 3, 4, 5}, y{2, 3, 3, 4, 4, 5, 6, 6, 7};
    const auto r = mann_whitney_u(x, y);
    CHECK(r.u_x == 16.5);
    CHECK(r.p_two_sided == Approx(0.062484795672341206).epsilon(1e-8));
    CHECK(r.p_greater == Approx(0.9750537275484503).epsilon(1e-8));
    CHECK(r.p_less == Approx(0.031242397836170603).epsilon(1e-8));
    CHECK(mann_whitney_u(x, y, false).p_two_sided == Approx(0.05589389758325597).epsilon(1e-8));
  }
  SECTION("fully separated samples of 20") {
    std::vector<double> x, y;
    for (int i = 0; i < 20; ++i) x.push_back(20 + i), y.push_back(i);
    const auto r = mann_whitney_u(x, y);
    CHECK(r.u_x == 400);
    CHECK(r.p_two_sided == Approx(6.795615128173358e-08).epsilon(1e-6));
    CHECK(r.p_greater == Approx(3.397807564086679e-08).epsilon(1e-6));
    CHECK(r.p_less == Approx(0.9999999707854003).epsilon(1e-9));
    CHECK(mann_whitney_u(x, y, false).p_two_sided == Approx(6.301848221392269e-08).epsilon(1e-6));
    CHECK(r.z > 5);
  }
  SECTION("U at its mean: p is 1 two-sided (clipped), about a half one-sided") {
    const std::vector<double> x{1.1, 2.2, 3.3, 4.4, 5.5, 6.6}, y{0.5, 1.5, 2.5, 7.7, 8.8};
    const auto r = mann_whitney_u(x, y);
    CHECK(r.u_x == 15);
    CHECK(r.p_two_sided == 1.0);
    CHECK(r.p_greater == Approx(0.5363677632373839).epsilon(1e-8));
    CHECK(r.p_less == Approx(0.5363677632373839).epsilon(1e-8));
  }
}

TEST_CASE("Mann-Whitney: all values tied give no evidence, an empty sample is refused", "[stats]") {
  const std::vector<double> x{3, 3, 3}, y{3, 3};
  const auto r = mann_whitney_u(x, y);
  CHECK(r.p_two_sided == 1.0);
  CHECK(r.p_greater == 1.0);
  CHECK(r.z == 0.0);
  CHECK_THROWS_AS(mann_whitney_u(std::vector<double>{}, y), std::invalid_argument);
}
