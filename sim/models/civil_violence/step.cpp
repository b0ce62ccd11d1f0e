// One step of Model I: every agent acts once, in a freshly shuffled order (asynchronous
// activation). The hot path: no allocation, each agent's sight counted with one AND and one
// popcount per row of its diamond.

#include <algorithm>
#include <bit>

#include "core/random/samplers.hpp"
#include "models/civil_violence/purposes.hpp"
#include "models/civil_violence/world.hpp"

// The popcounts dominate: where the compiler can, make a copy of the step loop for CPUs with
// the POPCNT instruction, chosen once at load time (every x86-64 CPU since ~2008 has it; the
// other copy keeps the binary portable). Both copies compute the same thing. Not under the
// sanitizers: the load-time chooser (an ifunc resolver) runs before their runtime is up, and
// under ThreadSanitizer it crashes the program before main.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define AZSIM_CV_CLONES [[gnu::target_clones("popcnt", "default")]]
#else
#define AZSIM_CV_CLONES
#endif
#define AZSIM_CV_INLINE [[gnu::always_inline]] inline

namespace azsim::civil_violence {
namespace {

constexpr int kMaxRows = 64;

/// What one agent sees, with the masked row words kept for picking a cell among them.
struct View {
  Sight sight;
  std::uint64_t empty[kMaxRows];
  std::uint64_t active[kMaxRows];
};

template <bool kCountCops, bool kKeepActive>
AZSIM_CV_INLINE void scan(const World& w, const Diamond& d, int x, int y, View& v) noexcept {
  const std::uint64_t* span = &d.spans[static_cast<std::size_t>(x * d.rows)];
  const std::uint16_t* wrap = &d.wrap[static_cast<std::size_t>(y * d.rows)];
  int cops = 0, actives = 0, empties = 0;
  for (int j = 0; j < d.rows; ++j) {
    const std::size_t r = wrap[j];
    const std::uint64_t m = span[j];
    if constexpr (kCountCops) cops += std::popcount(w.cop_rows[r] & m);
    const std::uint64_t a = w.active_rows[r] & m;
    if constexpr (kKeepActive) v.active[j] = a;
    actives += std::popcount(a);
    const std::uint64_t e = ~w.occupied_rows[r] & m;
    v.empty[j] = e;
    empties += std::popcount(e);
  }
  v.sight = {cops, actives, empties};
}

/// The cell (as x, y) of the k-th set bit, counting row by row, of `words` (k < their total).
AZSIM_CV_INLINE void pick(const Diamond& d, int y, const std::uint64_t* words, std::uint64_t k, int& px, int& py) noexcept {
  int j = 0;
  for (;; ++j) {
    const auto c = static_cast<std::uint64_t>(std::popcount(words[j]));
    if (k < c) break;
    k -= c;
  }
  std::uint64_t word = words[j];
  for (; k > 0; --k) word &= word - 1;
  px = std::countr_zero(word);
  py = d.wrap[static_cast<std::size_t>(y * d.rows + j)];
}

AZSIM_CV_INLINE void move_to(World& w, std::uint32_t id, int tx, int ty) noexcept {
  const int fx = w.x[id], fy = w.y[id];
  const std::uint64_t from = std::uint64_t{1} << fx, to = std::uint64_t{1} << tx;
  w.occupant[static_cast<std::size_t>(fy * w.width + fx)] = -1;
  w.occupant[static_cast<std::size_t>(ty * w.width + tx)] = static_cast<std::int32_t>(id);
  w.occupied_rows[static_cast<std::size_t>(fy)] &= ~from;
  w.occupied_rows[static_cast<std::size_t>(ty)] |= to;
  if (w.kind[id] == Kind::cop) {
    w.cop_rows[static_cast<std::size_t>(fy)] &= ~from;
    w.cop_rows[static_cast<std::size_t>(ty)] |= to;
  } else if (w.active[id]) {
    w.active_rows[static_cast<std::size_t>(fy)] &= ~from;
    w.active_rows[static_cast<std::size_t>(ty)] |= to;
  }
  w.x[id] = static_cast<std::uint16_t>(tx);
  w.y[id] = static_cast<std::uint16_t>(ty);
}

/// After acting, an agent not in jail moves to a random empty cell within its vision.
AZSIM_CV_INLINE void maybe_move(World& w, const Diamond& d, std::uint32_t id, const View& v) noexcept {
  if (!w.spec->movement || v.sight.empties == 0) return;
  rng::Stream s(w.key, w.step, id, purpose::move);
  const std::uint64_t k = rng::uniform_int(s, static_cast<std::uint64_t>(v.sight.empties));
  int tx = 0, ty = 0;
  pick(d, w.y[id], v.empty, k, tx, ty);
  move_to(w, id, tx, ty);
}

/// P = 1 - exp(-k round(C / A)) of a citizen that sees `sight` (its own cell included).
AZSIM_CV_INLINE double arrest_probability(const World& w, std::uint32_t id, const Sight& sight) noexcept {
  // A: the actives in vision plus the citizen itself (counted once, whatever its state).
  const int actives = 1 + sight.actives - w.active[id];
  const int ratio = w.spec->arrest_ratio == ArrestRatio::floor ? sight.cops / actives : round_ratio(sight.cops, actives);
  return w.arrest_probability[static_cast<std::size_t>(ratio)];
}

AZSIM_CV_INLINE void act_citizen(World& w, std::uint32_t id, double one_minus_legitimacy, View& v) noexcept {
  if (w.jail_left[id] > 0) {
    if (--w.jail_left[id] > 0) return;  // serving the term: skips the turn
    --w.jailed_count;                   // released: decides at once
  }
  const int x = w.x[id], y = w.y[id];
  scan<true, false>(w, w.citizen_view, x, y, v);
  const double p = arrest_probability(w, id, v.sight);
  const double grievance = w.hardship[id] * one_minus_legitimacy;
  const bool now = grievance - w.risk_aversion[id] * p > w.params.threshold;
  if (now != static_cast<bool>(w.active[id])) {
    w.active[id] = now;
    w.active_rows[static_cast<std::size_t>(y)] ^= std::uint64_t{1} << x;
    w.active_count += now ? 1 : -1;
  }
  maybe_move(w, w.citizen_view, id, v);
}

AZSIM_CV_INLINE void act_cop(World& w, std::uint32_t id, View& v) noexcept {
  scan<false, true>(w, w.cop_view, w.x[id], w.y[id], v);
  if (v.sight.actives > 0) {
    rng::Stream s(w.key, w.step, id, purpose::arrest);
    const std::uint64_t k = rng::uniform_int(s, static_cast<std::uint64_t>(v.sight.actives));
    int ax = 0, ay = 0;
    pick(w.cop_view, w.y[id], v.active, k, ax, ay);
    const auto who = static_cast<std::uint32_t>(w.occupant[static_cast<std::size_t>(ay * w.width + ax)]);
    const auto term = rng::uniform_int(s, static_cast<std::uint64_t>(w.params.max_jail_term) + 1);
    w.jail_left[who] = static_cast<std::int32_t>(term + 1);
    w.active[who] = 0;
    w.active_rows[static_cast<std::size_t>(ay)] &= ~(std::uint64_t{1} << ax);
    --w.active_count;
    ++w.jailed_count;
  }
  maybe_move(w, w.cop_view, id, v);  // the arrestee keeps its cell, so the empties are unchanged
}

}  // namespace

Sight look(const World& w, const Diamond& view, int x, int y) noexcept {
  View v;
  scan<true, false>(w, view, x, y, v);
  return v.sight;
}

double estimated_arrest_probability(const World& w, std::int32_t id) noexcept {
  const auto i = static_cast<std::uint32_t>(id);
  return arrest_probability(w, i, look(w, w.citizen_view, w.x[i], w.y[i]));
}

AZSIM_CV_CLONES void run_steps(World& w, std::int64_t until) {
  View v;
  while (w.step < until) {
    ++w.step;
    const std::size_t at = std::min(static_cast<std::size_t>(w.step), w.legitimacy.size() - 1);  // past the end: the last
    const double one_minus_legitimacy = 1 - w.legitimacy[at];
    // A fresh order each step: the identity, shuffled by the step's own keyed stream.
    for (std::uint32_t i = 0; i < w.order.size(); ++i) w.order[i] = i;
    rng::Stream order(w.key, w.step, 0, purpose::order);
    rng::shuffle(order, std::span<std::uint32_t>(w.order));
    for (const std::uint32_t id : w.order) {
      if (w.kind[id] == Kind::cop) act_cop(w, id, v);
      else act_citizen(w, id, one_minus_legitimacy, v);
    }
    w.activations += w.order.size();
    const auto active = static_cast<std::int32_t>(w.active_count), jailed = static_cast<std::int32_t>(w.jailed_count);
    w.history.push_back({active, static_cast<std::int32_t>(w.citizens) - active - jailed, jailed});
  }
}

}  // namespace azsim::civil_violence
