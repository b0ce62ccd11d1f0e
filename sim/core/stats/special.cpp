#include "core/stats/special.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace azsim::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// @brief x with cdf(x) = p on [lo, hi], by bisection to the last representable bit: slow next
/// to a rational approximation but exact to the CDF's accuracy, with nothing to tune.
template <typename Cdf>
double invert(Cdf cdf, double p, double lo, double hi) noexcept {
  for (int i = 0; i < 200 && lo < hi; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (cdf(mid) < p ? lo : hi) = mid;
  }
  return lo + (hi - lo) / 2;
}

/// @brief The continued fraction of the incomplete beta function (modified Lentz), valid and
/// fast for x < (a + 1) / (a + b + 2).
double beta_fraction(double x, double a, double b) noexcept {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));  // even step
    d = 1 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));  // odd step
    d = 1 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < eps) break;
  }
  return h;
}

/// @brief The untruncated prior's CDF and the interval outside which it is 0 or 1 (to double
/// precision).
double base_cdf(const Prior& p, double x) noexcept {
  switch (p.dist) {
    case Prior::Dist::uniform: return std::clamp((x - p.a) / (p.b - p.a), 0.0, 1.0);
    case Prior::Dist::normal: return normal_cdf((x - p.a) / p.b);
    case Prior::Dist::lognormal: return x <= 0 ? 0.0 : normal_cdf((std::log(x) - std::log(p.a)) / p.b);
    case Prior::Dist::beta: return beta_cdf(std::clamp(x, 0.0, 1.0), p.a, p.b);
  }
  return 0;
}

std::pair<double, double> base_support(const Prior& p) noexcept {
  switch (p.dist) {
    case Prior::Dist::uniform: return {p.a, p.b};
    case Prior::Dist::normal: return {p.a - 40 * p.b, p.a + 40 * p.b};
    case Prior::Dist::lognormal: return {std::exp(std::log(p.a) - 40 * p.b), std::exp(std::log(p.a) + 40 * p.b)};
    case Prior::Dist::beta: return {0.0, 1.0};
  }
  return {0.0, 1.0};
}

}  // namespace

double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normal_quantile(double p) noexcept {
  if (!(p > 0)) return p == 0 ? -kInf : std::numeric_limits<double>::quiet_NaN();
  if (!(p < 1)) return p == 1 ? kInf : std::numeric_limits<double>::quiet_NaN();
  return invert(normal_cdf, p, -40.0, 40.0);
}

double beta_cdf(double x, double a, double b) noexcept {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(x, a, b) / a;
  return 1 - front * beta_fraction(1 - x, b, a) / b;  // the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)
}

double beta_quantile(double p, double a, double b) noexcept {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return invert([&](double x) { return beta_cdf(x, a, b); }, p, 0.0, 1.0);
}

double t_cdf(double t, double df) noexcept {
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * beta_cdf(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

double t_quantile(double p, double df) noexcept {
  if (p <= 0) return -kInf;
  if (p >= 1) return kInf;
  // Wide enough for df >= 0.5 and p in [1e-12, 1 - 1e-12].
  const double bound = 1e12;
  return invert([&](double t) { return t_cdf(t, df); }, p, -bound, bound);
}

double prior_cdf(const Prior& prior, double x) noexcept {
  if (x < prior.low) return 0;
  if (x >= prior.high) return 1;
  const double lo = base_cdf(prior, prior.low), hi = base_cdf(prior, prior.high);
  if (!(hi > lo)) return 0.5;  // a support too narrow for the CDF to see
  return std::clamp((base_cdf(prior, x) - lo) / (hi - lo), 0.0, 1.0);
}

double prior_quantile(const Prior& prior, double p) noexcept {
  const auto [s_lo, s_hi] = base_support(prior);
  const double lo = std::max(prior.low, s_lo), hi = std::min(prior.high, s_hi);
  if (p <= 0) return std::isinf(prior.low) ? prior.low : lo;
  if (p >= 1) return std::isinf(prior.high) ? prior.high : hi;
  if (!(hi > lo)) return lo;
  return invert([&](double x) { return prior_cdf(prior, x); }, p, lo, hi);
}

}  // namespace azsim::stats
