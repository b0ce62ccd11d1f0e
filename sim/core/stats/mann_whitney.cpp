#include "core/stats/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "core/stats/special.hpp"

namespace azsim::stats {

MannWhitney mann_whitney_u(std::span<const double> x, std::span<const double> y, bool continuity) {
  if (x.empty() || y.empty()) throw std::invalid_argument("mann_whitney_u: both samples need at least one value");
  const std::size_t nx = x.size(), ny = y.size(), n = nx + ny;
  std::vector<double> all(x.begin(), x.end());
  all.insert(all.end(), y.begin(), y.end());
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return all[a] < all[b]; });
  // Average ranks (1-based) over ties; the ties' sum of t^3 - t for the variance.
  double rank_sum_x = 0, ties = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && all[idx[j]] == all[idx[i]]) ++j;
    const double t = static_cast<double>(j - i);
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (idx[k] < nx) rank_sum_x += rank;
    ties += t * t * t - t;
    i = j;
  }
  const double fx = static_cast<double>(nx), fy = static_cast<double>(ny), fn = static_cast<double>(n);
  MannWhitney r;
  r.u_x = rank_sum_x - fx * (fx + 1) / 2;
  r.u_y = fx * fy - r.u_x;
  const double mean = fx * fy / 2;
  const double var = fx * fy / 12 * ((fn + 1) - (n > 1 ? ties / (fn * (fn - 1)) : 0.0));
  if (!(var > 0)) return r;  // every value ties: no evidence either way
  const double sd = std::sqrt(var), c = continuity ? 0.5 : 0.0;
  r.z = (r.u_x - mean) / sd;
  r.p_greater = normal_cdf(-(r.u_x - mean - c) / sd);
  r.p_less = normal_cdf(-(r.u_y - mean - c) / sd);
  r.p_two_sided = std::min(1.0, 2 * normal_cdf(-(std::max(r.u_x, r.u_y) - mean - c) / sd));
  return r;
}

}  // namespace azsim::stats
