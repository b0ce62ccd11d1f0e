#include "core/random/samplers.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace azsim::rng {
namespace {

// GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 U128;

constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(sqrt(2 pi))

/// Stirling remainder delta(k) = log k! - [log sqrt(2 pi) + (k + 1/2) log(k + 1) - (k + 1)]
/// for k = 0..15, computed once to 50 digits. We carry our own instead of calling
/// std::lgamma because glibc's lgamma writes the global `signgam`: a data race (and a
/// ThreadSanitizer report) when samplers run on several threads.
constexpr std::array<double, 16> kStirlingDelta{
    8.10614667953272611e-02, 4.13406959554092970e-02, 2.76779256849983384e-02,
    2.07906721037650934e-02, 1.66446911898211931e-02, 1.38761288230707484e-02,
    1.18967099458917695e-02, 1.04112652619720962e-02, 9.25546218271273285e-03,
    8.33056343336287079e-03, 7.57367548795184059e-03, 6.94284010720952992e-03,
    6.40899418800420714e-03, 5.95137011275884750e-03, 5.55473355196280105e-03,
    5.20765591960964044e-03};

/// delta(k) for integral k >= 0: the table, then the Stirling series in 1/(k+1) whose first
/// omitted term is below 6e-17 for k >= 16.
[[nodiscard]] double stirling_delta(double k) noexcept {
  if (k < 16.0) return kStirlingDelta[static_cast<std::size_t>(k)];
  const double n = k + 1.0;
  const double n2 = n * n;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * n2)) / n2) / n2) / n2) / n;
}

/// log P(X = k) for X ~ Poisson(mu), k integral >= 0. Written around log1p so that for large
/// mu the O(mu log mu) terms cancel analytically instead of in floating point.
[[nodiscard]] double log_poisson_pmf(double k, double mu) noexcept {
  const double kp1 = k + 1.0;
  return (kp1 - mu) + k * std::log1p((mu - kp1) / kp1) - 0.5 * std::log(kp1) - kHalfLog2Pi -
         stirling_delta(k);
}

/// log [P(X = k) / P(X = m)] for X ~ Binomial(n, p), q = 1 - p. Expanded around the mode m
/// (d = k - m) with log1p for the same reason as log_poisson_pmf: no large cancelling terms.
[[nodiscard]] double log_binomial_ratio(double k, double m, double n, double p, double q) noexcept {
  const double d = k - m;
  return d * std::log1p((p * (n + 2.0) - (m + 1.0)) / (q * (m + 1.0))) -
         (k + 0.5) * std::log1p(d / (m + 1.0)) - (n - k + 0.5) * std::log1p(-d / (n - m + 1.0)) +
         stirling_delta(m) + stirling_delta(n - m) - stirling_delta(k) - stirling_delta(n - k);
}

/// Standard normal by Box-Muller, cosine branch only: exactly two words per variate (the sine
/// partner is dropped because a free function over a Stream has nowhere to keep it), so the
/// word count never depends on earlier draws.
[[nodiscard]] double standard_normal(Stream& s) noexcept {
  const double radius = std::sqrt(-2.0 * std::log(s.uniform_open()));
  return radius * std::cos(2.0 * std::numbers::pi * s.uniform());
}

/// Gamma(shape, 1) for shape >= 1 by Marsaglia & Tsang (2000), squeeze then log test.
[[nodiscard]] double gamma_marsaglia_tsang(Stream& s, double shape) noexcept {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = standard_normal(s);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = s.uniform_open();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

/// log of a Gamma(shape, 1) variate; for shape < 1 the boost G(shape) = G(shape + 1) U^(1/shape)
/// is applied in log space, where U^(1/shape) cannot underflow to 0 for tiny shapes.
[[nodiscard]] double log_gamma_variate(Stream& s, double shape) noexcept {
  if (shape >= 1.0) return std::log(gamma_marsaglia_tsang(s, shape));
  const double g = gamma_marsaglia_tsang(s, shape + 1.0);
  return std::log(g) + std::log(s.uniform_open()) / shape;
}

/// Poisson by sequential-search inversion from 0 (one word; expected mean + 1 steps).
[[nodiscard]] std::int64_t poisson_inversion(Stream& s, double mean) noexcept {
  const double u = s.uniform();
  double pmf = std::exp(-mean);
  double cdf = pmf;
  std::int64_t k = 0;
  while (u >= cdf) {  // X = min{k : F(k) > u}
    ++k;
    pmf *= mean / static_cast<double>(k);
    const double next = cdf + pmf;
    if (next == cdf) break;  // the remaining mass is below double resolution
    cdf = next;
  }
  return k;
}

/// Poisson for mean >= 10 by Hoermann's PTRS (transformed rejection with squeeze, 1993);
/// exact: the acceptance test compares against the true log pmf. ~1.2 iterations.
[[nodiscard]] std::int64_t poisson_ptrs(Stream& s, double mean) noexcept {
  const double b = 0.931 + 2.53 * std::sqrt(mean);
  const double a = -0.059 + 0.02483 * b;
  const double log_inv_alpha = std::log(1.1239 + 1.1328 / (b - 3.4));
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    // Open uniforms keep us > 0, so 2a/us stays finite.
    const double u = s.uniform_open() - 0.5;
    const double v = s.uniform_open();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (k < 0.0 || k > 0x1p62) continue;  // outside the support (or far beyond the tail)
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
    if (us < 0.013 && v > us) continue;
    if (std::log(v) + log_inv_alpha - std::log(a / (us * us) + b) <= log_poisson_pmf(k, mean))
      return static_cast<std::int64_t>(k);
  }
}

/// Binomial(n, p), p <= 1/2, n p < 10, by sequential-search inversion from 0 (one word).
[[nodiscard]] std::int64_t binomial_inversion(Stream& s, std::int64_t n, double p) noexcept {
  const double u = s.uniform();
  const double odds = p / (1.0 - p);
  double pmf = std::exp(static_cast<double>(n) * std::log1p(-p));  // (1 - p)^n
  double cdf = pmf;
  std::int64_t k = 0;
  while (u >= cdf && k < n) {
    pmf *= odds * static_cast<double>(n - k) / static_cast<double>(k + 1);
    ++k;
    const double next = cdf + pmf;
    if (next == cdf) break;  // the remaining mass is below double resolution
    cdf = next;
  }
  return k;
}

/// Binomial(n, p), p <= 1/2, n p >= 10, by Hoermann's BTRS (transformed rejection with squeeze,
/// 1993); exact: the acceptance test compares against the true pmf ratio to the mode.
[[nodiscard]] std::int64_t binomial_btrs(Stream& s, std::int64_t n_int, double p) noexcept {
  const double n = static_cast<double>(n_int);
  const double q = 1.0 - p;
  const double spq = std::sqrt(n * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double log_alpha = std::log((2.83 + 5.1 / b) * spq);
  const double mode = std::floor((n + 1.0) * p);
  for (;;) {
    const double u = s.uniform_open() - 0.5;
    const double v = s.uniform_open();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > n) continue;
    // The clamp only matters above 2^53, where n itself may have been rounded up.
    const std::int64_t result = std::min(static_cast<std::int64_t>(k), n_int);
    if (us >= 0.07 && v <= v_r) return result;
    if (std::log(v) + log_alpha - std::log(a / (us * us) + b) <= log_binomial_ratio(k, mode, n, p, q))
      return result;
  }
}

}  // namespace

// Bernoulli by one uniform compared with p; always one word, including p = 0 and p = 1, so a
// counterfactual that changes p keeps the stream aligned. NaN p gives false.
bool bernoulli(Stream& s, double p) noexcept { return s.uniform() < p; }

// Lemire's multiply-shift with rejection (2019): unbiased, usually one word and no division.
std::uint64_t uniform_int(Stream& s, std::uint64_t n) noexcept {
  if (n == 0) return 0;  // precondition violated; nothing sensible to return
  U128 m = static_cast<U128>(s.next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = static_cast<U128>(s.next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// Box-Muller (see standard_normal), two words.
double normal(Stream& s, double mean, double sd) noexcept { return mean + sd * standard_normal(s); }

// exp of a Box-Muller normal: median * exp(sigma Z).
double lognormal(Stream& s, double median, double sigma) noexcept {
  return median * std::exp(sigma * standard_normal(s));
}

// Inversion: -log(U) / rate with U in (0, 1), one word.
double exponential(Stream& s, double rate) noexcept { return -std::log(s.uniform_open()) / rate; }

// Marsaglia-Tsang; shape < 1 via the boost G(shape + 1) U^(1/shape). Invalid shape gives 0.
double gamma(Stream& s, double shape, double scale) noexcept {
  if (!(shape > 0.0)) return 0.0;
  if (shape >= 1.0) return scale * gamma_marsaglia_tsang(s, shape);
  return scale * std::exp(log_gamma_variate(s, shape));
}

// X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), formed from log X and log Y so that small
// shapes (where both can underflow) still give a value in [0, 1].
double beta(Stream& s, double a, double b) noexcept {
  if (!(a > 0.0) || !(b > 0.0)) return 0.0;
  const double log_x = log_gamma_variate(s, a);
  const double log_y = log_gamma_variate(s, b);
  return 1.0 / (1.0 + std::exp(log_y - log_x));
}

// Inversion of the survival function: xmin U^(-1/alpha), one word.
double pareto(Stream& s, double xmin, double alpha) noexcept {
  return xmin * std::pow(s.uniform_open(), -1.0 / alpha);
}

// Inversion for mean < 10, Hoermann's PTRS above; means beyond 2^52 (where not every integer
// is a double any more) fall back to a rounded normal. Negative or NaN mean counts as 0.
std::int64_t poisson(Stream& s, double mean) noexcept {
  if (!(mean > 0.0)) mean = 0.0;
  if (mean < 10.0) return poisson_inversion(s, mean);
  if (mean < 0x1p52) return poisson_ptrs(s, mean);
  const double x = std::round(mean + std::sqrt(mean) * standard_normal(s));
  // !(x < 2^63) also catches the NaN an infinite mean produces.
  return !(x < 0x1p63) ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(x);
}

// Inversion when n min(p, 1-p) < 10 (one word, also for p = 0, p = 1 and n = 0), Hoermann's
// BTRS otherwise; p > 1/2 is drawn as n - Binomial(n, 1 - p). Exact for n up to 2^53.
std::int64_t binomial(Stream& s, std::int64_t n, double p) noexcept {
  if (n < 0) n = 0;
  if (!(p > 0.0)) p = 0.0;  // also NaN
  if (p > 1.0) p = 1.0;
  const bool flip = p > 0.5;
  const double pp = flip ? 1.0 - p : p;  // exact for p in [1/2, 1]
  const std::int64_t k = static_cast<double>(n) * pp < 10.0 ? binomial_inversion(s, n, pp)
                                                            : binomial_btrs(s, n, pp);
  return flip ? n - k : k;
}

// Linear scan of the cumulative weights against one uniform times the total. Weights that are
// not positive (or NaN) are never chosen; with no positive weight at all, 0 is returned.
std::size_t categorical(Stream& s, std::span<const double> weights) noexcept {
  double total = 0.0;
  for (double w : weights)
    if (w > 0.0) total += w;
  const double target = s.uniform() * total;
  double cumulative = 0.0;
  std::size_t last = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] > 0.0)) continue;
    cumulative += weights[i];  // same additions in the same order as total
    last = i;
    if (target < cumulative) return i;
  }
  return last;  // unreachable while total > 0: target < total == final cumulative
}

}  // namespace azsim::rng
