#pragma once
/// @file
/// @brief The distribution functions the statistics need: the normal, Student's t and beta
/// distributions' CDFs and quantiles, and quantiles of a scenario's (truncated) priors.
/// Accurate to about 1e-10 in the CDF; quantiles by safeguarded bisection on the CDF.

#include "core/scenario/parameters.hpp"

namespace azsim::stats {

[[nodiscard]] double normal_cdf(double x) noexcept;
/// @brief The standard normal's quantile for p in (0, 1) (Acklam's rational start, one
/// Newton step on the exact CDF). Returns -inf/+inf at 0/1.
[[nodiscard]] double normal_quantile(double p) noexcept;

/// @brief The regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
[[nodiscard]] double beta_cdf(double x, double a, double b) noexcept;
[[nodiscard]] double beta_quantile(double p, double a, double b) noexcept;

/// @brief Student's t distribution with `df` > 0 degrees of freedom.
[[nodiscard]] double t_cdf(double t, double df) noexcept;
[[nodiscard]] double t_quantile(double p, double df) noexcept;

/// @brief The prior's CDF, taking its truncation to [low, high] into account.
[[nodiscard]] double prior_cdf(const Prior& prior, double x) noexcept;
/// @brief The prior's quantile for p in [0, 1], truncation included: always inside
/// [low, high] (for an unbounded support, p = 0 or 1 gives -inf or +inf).
[[nodiscard]] double prior_quantile(const Prior& prior, double p) noexcept;

}  // namespace azsim::stats
