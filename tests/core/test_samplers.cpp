// Statistical tests of the samplers. Every stream is keyed, so each check is deterministic:
// it passes or fails the same way on every run. Tolerances are 5 standard errors for moments
// and p > 1e-4 for goodness of fit, over 200,000 draws per regime; the "rejects" cases show
// that the same checks do catch a slightly wrong distribution.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "core/random/samplers.hpp"

namespace rng = azsim::rng;

namespace {

constexpr std::size_t kDraws = 200000;

rng::Stream stream_for(const std::string& name, std::uint64_t purpose = 0) {
  return rng::Stream(rng::RunKey{0xa2a4ad2012, 1}, 0, rng::stable_id(name), purpose);
}

template <typename F>
std::vector<double> draw(const std::string& name, F sample) {
  auto s = stream_for(name);
  std::vector<double> out(kDraws);
  for (auto& x : out) x = static_cast<double>(sample(s));
  return out;
}

template <typename F>
std::vector<std::int64_t> draw_int(const std::string& name, F sample) {
  auto s = stream_for(name);
  std::vector<std::int64_t> out(kDraws);
  for (auto& x : out) x = sample(s);
  return out;
}

std::vector<double> as_double(const std::vector<std::int64_t>& x) {
  return {x.begin(), x.end()};
}

/// Sample mean and variance against theory, each within 5 standard errors. The variance's
/// standard error uses the sample's fourth central moment: sqrt((m4 - s^4) / n).
void check_moments(const std::vector<double>& x, double mean, double variance, bool check_variance = true) {
  const auto n = static_cast<double>(x.size());
  const double m = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double m2 = 0.0, m4 = 0.0;
  for (double v : x) {
    const double d2 = (v - m) * (v - m);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  INFO("mean " << m << " vs " << mean << ", variance " << m2 << " vs " << variance);
  CHECK(std::abs(m - mean) <= 5.0 * std::sqrt(variance / n));
  if (check_variance) CHECK(std::abs(m2 - variance) <= 5.0 * std::sqrt(std::max(m4 - m2 * m2, 0.0) / n));
}

/// Asymptotic Kolmogorov-Smirnov p-value with Stephens' small-sample correction.
double ks_pvalue(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const auto n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  const double lambda = (std::sqrt(n) + 0.12 + 0.11 / std::sqrt(n)) * d;
  if (lambda < 0.2) return 1.0;
  double p = 0.0;
  for (int k = 1; k <= 100; ++k) p += 2.0 * ((k % 2) ? 1.0 : -1.0) * std::exp(-2.0 * k * k * lambda * lambda);
  return std::clamp(p, 0.0, 1.0);
}

/// Upper tail of chi-square(dof) by the Wilson-Hilferty cube-root normal approximation.
double chi_square_pvalue(double chi2, double dof) {
  const double v = 2.0 / (9.0 * dof);
  const double z = (std::cbrt(chi2 / dof) - (1.0 - v)) / std::sqrt(v);
  return 0.5 * std::erfc(z / std::numbers::sqrt2);
}

/// Pearson chi-square of integer draws against a pmf over [lo, hi]. Adjacent values are
/// pooled into cells of >= 20 expected draws; the first and last cells are open-ended, the
/// last one taking all the remaining probability.
double chi_square_fit(const std::vector<std::int64_t>& x, const std::function<double(std::int64_t)>& pmf,
                      std::int64_t lo, std::int64_t hi) {
  const auto n = static_cast<double>(x.size());
  std::vector<std::int64_t> upper;  // inclusive upper value of each cell
  std::vector<double> expected;
  double acc = 0.0;
  for (std::int64_t k = lo; k <= hi; ++k) {
    acc += n * pmf(k);
    if (acc >= 20.0) {
      upper.push_back(k);
      expected.push_back(acc);
      acc = 0.0;
    }
  }
  if (upper.empty()) return 1.0;  // everything in one cell: nothing to test
  // The last cell is open-ended: it holds whatever probability the others do not.
  expected.back() = n - std::accumulate(expected.begin(), expected.end() - 1, 0.0);
  upper.back() = std::numeric_limits<std::int64_t>::max();
  if (upper.size() < 2) return 1.0;
  std::vector<double> observed(upper.size(), 0.0);
  for (std::int64_t v : x)
    observed[static_cast<std::size_t>(std::lower_bound(upper.begin(), upper.end(), v) - upper.begin())] += 1.0;
  double chi2 = 0.0;
  for (std::size_t i = 0; i < upper.size(); ++i)
    chi2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  const double p = chi_square_pvalue(chi2, static_cast<double>(upper.size() - 1));
  INFO("chi-square " << chi2 << " on " << upper.size() - 1 << " dof, p = " << p);
  return p;
}

double poisson_pmf(std::int64_t k, double mu) {
  const auto kd = static_cast<double>(k);
  return std::exp(-mu + kd * std::log(mu) - std::lgamma(kd + 1.0));
}

double binomial_pmf(std::int64_t k, std::int64_t n, double p) {
  const auto kd = static_cast<double>(k);
  const auto nd = static_cast<double>(n);
  return std::exp(std::lgamma(nd + 1.0) - std::lgamma(kd + 1.0) - std::lgamma(nd - kd + 1.0) +
                  kd * std::log(p) + (nd - kd) * std::log1p(-p));
}

/// Regularised lower incomplete gamma P(a, x): series below a + 1, Lentz continued fraction
/// above (Numerical Recipes' gser/gcf).
double gamma_p(double a, double x) {
  if (x <= 0.0) return 0.0;
  const double log_prefactor = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1.0) {
    double ap = a, del = 1.0 / a, sum = del;
    for (int i = 0; i < 10000 && std::abs(del) > std::abs(sum) * 1e-16; ++i) {
      ap += 1.0;
      del *= x / ap;
      sum += del;
    }
    return sum * std::exp(log_prefactor);
  }
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1.0) < 1e-16) break;
  }
  return 1.0 - std::exp(log_prefactor) * h;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

void check_poisson(double mean, const std::string& name) {
  INFO("poisson mean " << mean);
  const auto x = draw_int(name, [&](rng::Stream& s) { return rng::poisson(s, mean); });
  CHECK(*std::min_element(x.begin(), x.end()) >= 0);
  check_moments(as_double(x), mean, mean);
  const double sd = std::sqrt(mean);
  const auto lo = static_cast<std::int64_t>(std::max(0.0, std::floor(mean - 10.0 * sd)));
  const auto hi = static_cast<std::int64_t>(std::ceil(mean + 10.0 * sd)) + 30;
  CHECK(chi_square_fit(x, [&](std::int64_t k) { return poisson_pmf(k, mean); }, lo, hi) > 1e-4);
}

void check_binomial(std::int64_t n, double p, const std::string& name) {
  INFO("binomial n " << n << " p " << p);
  const auto x = draw_int(name, [&](rng::Stream& s) { return rng::binomial(s, n, p); });
  CHECK(*std::min_element(x.begin(), x.end()) >= 0);
  CHECK(*std::max_element(x.begin(), x.end()) <= n);
  const double nd = static_cast<double>(n);
  check_moments(as_double(x), nd * p, nd * p * (1.0 - p));
  const double sd = std::sqrt(nd * p * (1.0 - p));
  const auto lo = static_cast<std::int64_t>(std::max(0.0, std::floor(nd * p - 10.0 * sd) - 30.0));
  const auto hi = static_cast<std::int64_t>(std::min(nd, std::ceil(nd * p + 10.0 * sd) + 30.0));
  CHECK(chi_square_fit(x, [&](std::int64_t k) { return binomial_pmf(k, n, p); }, lo, hi) > 1e-4);
}

}  // namespace

TEST_CASE("normal: moments and KS", "[random][samplers]") {
  const auto x = draw("normal", [](rng::Stream& s) { return rng::normal(s, 3.0, 2.0); });
  check_moments(x, 3.0, 4.0);
  CHECK(ks_pvalue(x, [](double v) { return normal_cdf((v - 3.0) / 2.0); }) > 1e-4);
  // Exactly two words per variate (Box-Muller, one branch).
  auto s = stream_for("normal words");
  for (int i = 0; i < 100; ++i) (void)rng::normal(s, 0.0, 1.0);
  CHECK(s.words_drawn() == 200);
}

TEST_CASE("the KS and chi-square checks reject a slightly wrong distribution", "[random][samplers]") {
  const auto x = draw("normal wide", [](rng::Stream& s) { return rng::normal(s, 0.0, 1.05); });
  CHECK(ks_pvalue(x, [](double v) { return normal_cdf(v); }) < 1e-6);
  const auto k = draw_int("poisson shifted", [](rng::Stream& s) { return rng::poisson(s, 8.3); });
  CHECK(chi_square_fit(k, [](std::int64_t v) { return poisson_pmf(v, 8.0); }, 0, 60) < 1e-6);
  const auto b = draw_int("binomial shifted", [](rng::Stream& s) { return rng::binomial(s, 1000, 0.102); });
  CHECK(chi_square_fit(b, [](std::int64_t v) { return binomial_pmf(v, 1000, 0.1); }, 0, 1000) < 1e-6);
}

TEST_CASE("lognormal: moments and KS", "[random][samplers]") {
  const double median = 2.0, sigma = 0.5;
  const auto x = draw("lognormal", [&](rng::Stream& s) { return rng::lognormal(s, median, sigma); });
  const double s2 = sigma * sigma;
  check_moments(x, median * std::exp(s2 / 2.0), (std::exp(s2) - 1.0) * median * median * std::exp(s2));
  CHECK(ks_pvalue(x, [&](double v) { return normal_cdf((std::log(v) - std::log(median)) / sigma); }) > 1e-4);
}

TEST_CASE("exponential: moments and KS", "[random][samplers]") {
  const double rate = 2.5;
  const auto x = draw("exponential", [&](rng::Stream& s) { return rng::exponential(s, rate); });
  CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
  check_moments(x, 1.0 / rate, 1.0 / (rate * rate));
  CHECK(ks_pvalue(x, [&](double v) { return -std::expm1(-rate * v); }) > 1e-4);
}

TEST_CASE("gamma: moments and KS for shapes below, at and above 1", "[random][samplers]") {
  const double scale = 2.0;
  for (double shape : {0.3, 1.0, 7.5}) {
    INFO("shape " << shape);
    const auto x = draw("gamma " + std::to_string(shape), [&](rng::Stream& s) { return rng::gamma(s, shape, scale); });
    CHECK(*std::min_element(x.begin(), x.end()) >= 0.0);
    check_moments(x, shape * scale, shape * scale * scale);
    CHECK(ks_pvalue(x, [&](double v) { return gamma_p(shape, v / scale); }) > 1e-4);
  }
  // A tiny shape exercises the log-space boost; the mean must still hold.
  const auto tiny = draw("gamma tiny", [](rng::Stream& s) { return rng::gamma(s, 0.05, 1.0); });
  check_moments(tiny, 0.05, 0.05);
}

TEST_CASE("beta: moments and KS", "[random][samplers]") {
  const auto check_beta = [](double a, double b, const std::function<double(double)>& cdf) {
    INFO("beta(" << a << ", " << b << ")");
    const auto x = draw("beta " + std::to_string(a) + " " + std::to_string(b),
                        [&](rng::Stream& s) { return rng::beta(s, a, b); });
    CHECK(*std::min_element(x.begin(), x.end()) >= 0.0);
    CHECK(*std::max_element(x.begin(), x.end()) <= 1.0);
    check_moments(x, a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1.0)));
    if (cdf) CHECK(ks_pvalue(x, cdf) > 1e-4);
  };
  check_beta(0.5, 0.5, [](double v) { return 2.0 / std::numbers::pi * std::asin(std::sqrt(v)); });
  // I_x(2, 5) = P(Binomial(6, x) >= 2).
  check_beta(2.0, 5.0, [](double v) {
    return 1.0 - std::pow(1.0 - v, 6) - 6.0 * v * std::pow(1.0 - v, 5);
  });
  // Small shapes, where both gammas can underflow: the log-space ratio keeps it in [0, 1].
  check_beta(0.05, 0.05, nullptr);
}

TEST_CASE("pareto: tail, KS and moments", "[random][samplers]") {
  const double xmin = 1.5, alpha = 2.5;
  const auto x = draw("pareto", [&](rng::Stream& s) { return rng::pareto(s, xmin, alpha); });
  CHECK(*std::min_element(x.begin(), x.end()) >= xmin);
  const auto n = static_cast<double>(x.size());
  for (double t : {2.0, 3.0, 5.0, 10.0, 30.0}) {
    const double expected = std::pow(xmin / t, alpha);
    const double observed = static_cast<double>(std::count_if(x.begin(), x.end(), [&](double v) { return v > t; })) / n;
    INFO("survival at " << t << ": " << observed << " vs " << expected);
    CHECK(std::abs(observed - expected) <= 5.0 * std::sqrt(expected * (1.0 - expected) / n));
  }
  CHECK(ks_pvalue(x, [&](double v) { return 1.0 - std::pow(xmin / v, alpha); }) > 1e-4);
  // Mean only: the fourth moment is infinite for alpha = 2.5.
  check_moments(x, alpha * xmin / (alpha - 1.0), xmin * xmin * alpha / ((alpha - 1.0) * (alpha - 1.0) * (alpha - 2.0)),
                false);
  const double a5 = 5.0;
  const auto y = draw("pareto 5", [&](rng::Stream& s) { return rng::pareto(s, 1.0, a5); });
  check_moments(y, a5 / (a5 - 1.0), a5 / ((a5 - 1.0) * (a5 - 1.0) * (a5 - 2.0)));
}

TEST_CASE("poisson: moments and chi-square from tiny to large means", "[random][samplers]") {
  // Inversion below 10, PTRS from 10; the switch point is covered on both sides.
  for (double mean : {0.5, 3.0, 8.0, 9.99, 10.0, 40.0, 1e4, 1e9}) check_poisson(mean, "poisson " + std::to_string(mean));
}

TEST_CASE("poisson edge cases and word accounting", "[random][samplers]") {
  auto s = stream_for("poisson edges");
  for (int i = 0; i < 100; ++i) CHECK(rng::poisson(s, 0.0) == 0);
  CHECK(rng::poisson(s, -1.0) == 0);
  CHECK(rng::poisson(s, std::nan("")) == 0);
  // Inversion regime: one word per draw, whatever the mean.
  auto w = stream_for("poisson words");
  for (int i = 0; i < 100; ++i) (void)rng::poisson(w, 9.5);
  CHECK(w.words_drawn() == 100);
}

TEST_CASE("binomial: moments and chi-square across regimes", "[random][samplers]") {
  check_binomial(10, 0.3, "binomial 10");            // inversion
  check_binomial(1000, 0.02, "binomial 1000");       // BTRS, n p = 20
  check_binomial(20, 0.5, "binomial 20");            // BTRS at its threshold n p = 10
  check_binomial(1000000, 0.4, "binomial 1e6");      // BTRS, large n
  check_binomial(100, 0.9, "binomial 100 flip");     // p > 1/2: n - BTRS(n, 0.1)
  check_binomial(50, 0.95, "binomial 50 flip");      // p > 1/2: n - inversion(n, 0.05)
  check_binomial(100000000, 1e-7, "binomial rare");  // inversion with huge n
}

TEST_CASE("binomial for huge n keeps its moments", "[random][samplers]") {
  const std::int64_t n = 1000000000000;
  const double p = 0.3;
  const auto x = draw_int("binomial 1e12", [&](rng::Stream& s) { return rng::binomial(s, n, p); });
  const double nd = static_cast<double>(n);
  // Centre before converting, so the variance is not lost to rounding near 3e11.
  std::vector<double> centred(x.size());
  const auto centre = static_cast<std::int64_t>(nd * p);
  for (std::size_t i = 0; i < x.size(); ++i) centred[i] = static_cast<double>(x[i] - centre);
  check_moments(centred, nd * p - static_cast<double>(centre), nd * p * (1.0 - p));
}

TEST_CASE("binomial edge cases", "[random][samplers]") {
  auto s = stream_for("binomial edges");
  for (int i = 0; i < 1000; ++i) {
    CHECK(rng::binomial(s, 1000, 0.0) == 0);
    CHECK(rng::binomial(s, 1000, 1.0) == 1000);
    CHECK(rng::binomial(s, 1000000, 0.0) == 0);
    CHECK(rng::binomial(s, 1000000, 1.0) == 1000000);
    CHECK(rng::binomial(s, 0, 0.5) == 0);
  }
  CHECK(rng::binomial(s, -3, 0.5) == 0);
  CHECK(rng::binomial(s, 10, -0.5) == 0);
  CHECK(rng::binomial(s, 10, 1.5) == 10);
  // Degenerate and small cases cost exactly one word, so they keep a stream aligned.
  auto w = stream_for("binomial words");
  (void)rng::binomial(w, 1000, 0.0);
  (void)rng::binomial(w, 1000, 1.0);
  (void)rng::binomial(w, 0, 0.3);
  (void)rng::binomial(w, 10, 0.3);
  CHECK(w.words_drawn() == 4);
}

TEST_CASE("bernoulli: proportion and edge cases", "[random][samplers]") {
  const auto x = draw("bernoulli", [](rng::Stream& s) { return rng::bernoulli(s, 0.3) ? 1 : 0; });
  check_moments(x, 0.3, 0.21);
  auto s = stream_for("bernoulli edges");
  for (int i = 0; i < 10000; ++i) {
    CHECK_FALSE(rng::bernoulli(s, 0.0));
    CHECK(rng::bernoulli(s, 1.0));
    CHECK_FALSE(rng::bernoulli(s, -2.0));
    CHECK(rng::bernoulli(s, 2.0));
  }
  CHECK(s.words_drawn() == 40000);  // one word each, even when the outcome is certain
}

TEST_CASE("uniform_int is unbiased", "[random][samplers]") {
  const auto x = draw_int("uniform_int 7", [](rng::Stream& s) { return static_cast<std::int64_t>(rng::uniform_int(s, 7)); });
  CHECK(*std::min_element(x.begin(), x.end()) == 0);
  CHECK(*std::max_element(x.begin(), x.end()) == 6);
  CHECK(chi_square_fit(x, [](std::int64_t) { return 1.0 / 7.0; }, 0, 6) > 1e-4);

  auto one = stream_for("uniform_int 1");
  for (int i = 0; i < 100; ++i) CHECK(rng::uniform_int(one, 1) == 0);

  // n = 3 * 2^62: `word % n` would put half the draws below 2^62 instead of a third, and
  // multiply-shift without rejection would make multiples of 3 half of all draws.
  const std::uint64_t n = 3ull << 62;
  auto s = stream_for("uniform_int big");
  std::array<double, 3> residues{};
  double below = 0;
  for (std::size_t i = 0; i < kDraws; ++i) {
    const std::uint64_t v = rng::uniform_int(s, n);
    REQUIRE(v < n);
    below += v < (1ull << 62) ? 1.0 : 0.0;
    residues[v % 3] += 1.0;
  }
  const double nd = static_cast<double>(kDraws);
  CHECK(std::abs(below / nd - 1.0 / 3.0) <= 5.0 * std::sqrt(2.0 / 9.0 / nd));
  for (double r : residues) CHECK(std::abs(r / nd - 1.0 / 3.0) <= 5.0 * std::sqrt(2.0 / 9.0 / nd));
}

TEST_CASE("categorical: proportions, zero weights never chosen", "[random][samplers]") {
  const std::array<double, 5> weights{0.1, 0.0, 2.0, 0.9, 1.0};
  const double total = 4.0;
  const auto x = draw_int("categorical", [&](rng::Stream& s) {
    return static_cast<std::int64_t>(rng::categorical(s, weights));
  });
  CHECK(std::count(x.begin(), x.end(), 1) == 0);
  CHECK(*std::max_element(x.begin(), x.end()) == 4);
  CHECK(chi_square_fit(x, [&](std::int64_t k) { return weights[static_cast<std::size_t>(k)] / total; }, 0, 4) > 1e-4);

  auto s = stream_for("categorical single");
  const std::array<double, 4> single{0.0, 0.0, 5.0, 0.0};
  for (int i = 0; i < 1000; ++i) CHECK(rng::categorical(s, single) == 2);
  CHECK(s.words_drawn() == 1000);  // one uniform per draw
}

TEST_CASE("shuffle is a uniform permutation", "[random][samplers]") {
  auto s = stream_for("shuffle");
  std::vector<int> v(100);
  std::iota(v.begin(), v.end(), 0);
  rng::shuffle(s, std::span<int>(v));
  auto sorted = v;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(100);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(sorted == identity);
  CHECK(v != identity);

  // The 6 orders of 3 items are equally likely.
  std::vector<std::int64_t> codes;
  for (int i = 0; i < 60000; ++i) {
    std::array<int, 3> a{0, 1, 2};
    rng::shuffle(s, std::span<int>(a));
    codes.push_back(a[0] * 9 + a[1] * 3 + a[2]);
  }
  // Map each order's base-3 code to 0..5.
  const std::array<std::int64_t, 6> orders{0 * 9 + 1 * 3 + 2, 0 * 9 + 2 * 3 + 1, 1 * 9 + 0 * 3 + 2,
                                           1 * 9 + 2 * 3 + 0, 2 * 9 + 0 * 3 + 1, 2 * 9 + 1 * 3 + 0};
  for (auto& c : codes) {
    const auto it = std::find(orders.begin(), orders.end(), c);
    REQUIRE(it != orders.end());
    c = it - orders.begin();
  }
  CHECK(chi_square_fit(codes, [](std::int64_t) { return 1.0 / 6.0; }, 0, 5) > 1e-4);
}

TEST_CASE("integer samplers' outputs are pinned", "[random][samplers]") {
  // A fingerprint of integer draws for a fixed key: any change of method, threshold or word
  // order shows here (and would change every run's results).
  auto s = stream_for("pinned");
  std::uint64_t h = 0;
  const auto mix = [&](std::uint64_t v) { h = rng::combine(h, v); };
  for (int i = 0; i < 200; ++i) {
    mix(static_cast<std::uint64_t>(rng::poisson(s, 3.0)));
    mix(static_cast<std::uint64_t>(rng::poisson(s, 40.0)));
    mix(static_cast<std::uint64_t>(rng::binomial(s, 1000, 0.1)));
    mix(static_cast<std::uint64_t>(rng::binomial(s, 10, 0.3)));
    mix(rng::uniform_int(s, 1000));
    mix(rng::bernoulli(s, 0.5) ? 1 : 0);
  }
  CHECK(s.words_drawn() == 1808);
  CHECK(h == 0xd3649d90ff325ca2ull);
}
