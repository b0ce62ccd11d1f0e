#pragma once
/// @file
/// @brief The project's own samplers over a keyed Stream. Never std::*_distribution, whose
/// output differs between standard libraries; these give the same numbers with any standard
/// library and any thread count (on one platform's libm: a different libm may differ by an ulp
/// in log/exp/cos, which can rarely flip a rejection step).
///
/// Rejection samplers use a varying number of words, so every purpose draws from its own
/// Stream: that keeps a baseline's and a counterfactual's draws aligned purpose by purpose.
/// Limits: binomial is exact for n <= 2^53; Poisson means >= 2^52 use a rounded normal.
/// Each sampler documents its method; each is tested against its distribution's moments and
/// a goodness-of-fit test in tests/core/test_samplers.cpp.

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "core/random/stream.hpp"

namespace azsim::rng {

/// @brief True with probability p (p clamped to [0, 1]).
[[nodiscard]] bool bernoulli(Stream& s, double p) noexcept;
/// @brief Uniform integer in [0, n), unbiased (rejection); n > 0.
[[nodiscard]] std::uint64_t uniform_int(Stream& s, std::uint64_t n) noexcept;
/// @brief Normal(mean, sd).
[[nodiscard]] double normal(Stream& s, double mean, double sd) noexcept;
/// @brief Log-normal with the given median and log-sd.
[[nodiscard]] double lognormal(Stream& s, double median, double sigma) noexcept;
/// @brief Exponential with the given rate (> 0).
[[nodiscard]] double exponential(Stream& s, double rate) noexcept;
/// @brief Gamma(shape, scale), shape > 0.
[[nodiscard]] double gamma(Stream& s, double shape, double scale) noexcept;
/// @brief Beta(a, b), a, b > 0.
[[nodiscard]] double beta(Stream& s, double a, double b) noexcept;
/// @brief Pareto type I: P(X > x) = (xmin / x)^alpha for x >= xmin.
[[nodiscard]] double pareto(Stream& s, double xmin, double alpha) noexcept;
/// @brief Poisson(mean), mean >= 0; exact for every mean.
[[nodiscard]] std::int64_t poisson(Stream& s, double mean) noexcept;
/// @brief Binomial(n, p), n >= 0, p in [0, 1]; exact for every n.
[[nodiscard]] std::int64_t binomial(Stream& s, std::int64_t n, double p) noexcept;
/// @brief Index drawn with probability proportional to weights (non-negative, sum > 0).
[[nodiscard]] std::size_t categorical(Stream& s, std::span<const double> weights) noexcept;

/// @brief Fisher-Yates shuffle of a span.
template <typename T>
void shuffle(Stream& s, std::span<T> items) noexcept {
  for (std::size_t i = items.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_int(s, i));
    using std::swap;
    swap(items[i - 1], items[j]);
  }
}

}  // namespace azsim::rng
