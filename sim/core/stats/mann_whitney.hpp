#pragma once
/// @file
/// @brief The Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples, by the normal
/// approximation with the tie correction and (by default) the continuity correction: the
/// same statistic and p-values as scipy.stats.mannwhitneyu(x, y, method="asymptotic").
/// Suited to samples of about 20 or more each; NaN values are an error of the caller.

#include <cstddef>
#include <span>

namespace azsim::stats {

/// @brief The test's result. U counts, over every pair (x_i, y_j), 1 when x_i > y_j and 1/2
/// when they tie.
struct MannWhitney {
  double u_x = 0;           ///< U of the first sample
  double u_y = 0;           ///< n_x n_y - u_x
  double z = 0;             ///< (u_x - n_x n_y / 2) / sd, without the continuity correction
  double p_two_sided = 1;   ///< the samples' distributions differ
  double p_greater = 1;     ///< alternative: the first sample tends to be larger
  double p_less = 1;        ///< alternative: the first sample tends to be smaller
};

/// @brief Tests `x` against `y` (each non-empty). When every value ties, the p-values are 1.
[[nodiscard]] MannWhitney mann_whitney_u(std::span<const double> x, std::span<const double> y,
                                         bool continuity = true);

}  // namespace azsim::stats
