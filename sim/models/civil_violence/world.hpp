#pragma once
/// @file
/// @brief The runtime state of one civil_violence run, and the rules as free functions over it.
///
/// State as arrays: agents' kind, position, hardship, risk aversion, jail and activity are
/// each one contiguous array; the grid is one 64-bit word per row for each of "a cop is here",
/// "an active citizen is here" and "someone is here" (a jailed citizen keeps its cell), plus
/// the occupant of each cell. A vision diamond is a precomputed mask per row offset, so
/// counting what an agent sees is 2r + 1 AND-and-popcount operations per kind.
///
/// Randomness (sim/core/random): key (seed, run); counter (step, entity, purpose). Step 0
/// places the agents (entity: the cell) and draws citizens' traits (entity: the agent); step
/// s >= 1 draws its activation order (entity 0) and each agent's arrest and move (entity: the
/// agent). No draw depends on another agent's draws, so a run is the same on any machine and
/// any thread count.

#include <cstdint>
#include <vector>

#include "core/random/stream.hpp"
#include "models/civil_violence/spec.hpp"

namespace azsim::civil_violence {

/// @brief What an agent is.
enum class Kind : std::uint8_t { citizen = 0, cop = 1 };

/// @brief A von Neumann diamond of one radius on one grid, precomputed.
struct Diamond {
  int radius = 0;
  int rows = 0;                      ///< 2 radius + 1 row offsets, -radius .. radius
  std::vector<std::uint64_t> spans;  ///< [x * rows + j]: the cells of row offset j - radius around column x
  std::vector<std::uint16_t> wrap;   ///< [y * rows + j]: the row y + j - radius, wrapped
};

/// @brief The diamond of `radius` on a width x height torus (radius <= max_vision).
[[nodiscard]] Diamond make_diamond(int radius, int width, int height);

/// @brief The number of cells of a diamond, its centre included: 2 r (r + 1) + 1.
[[nodiscard]] int diamond_cells(const Diamond& d) noexcept;

/// @brief Counts of one kind per step.
struct StepCounts {
  std::int32_t active = 0, quiet = 0, jailed = 0;
};

/// @brief One run's state.
struct World {
  const ScenarioSpec* spec = nullptr;
  RunParameters params;
  rng::RunKey key;
  int width = 0, height = 0;
  Diamond citizen_view, cop_view;
  std::vector<double> arrest_probability;  ///< by round(C / A)
  std::vector<double> legitimacy;          ///< by step, 0..steps

  // Agents, by id (ids in the order of the cells they started on).
  std::vector<Kind> kind;
  std::vector<std::uint16_t> x, y;
  std::vector<double> hardship, risk_aversion;  ///< citizens' (0 for cops)
  /// Turns until release, counting the turn of release: 0 = free. An arrest with term t sets
  /// t + 1, so the citizen skips t of its turns and decides again at the next (as in Mesa).
  std::vector<std::int32_t> jail_left;
  std::vector<std::uint8_t> active;  ///< 1 when an active citizen

  // The grid: a word per row (bit x = column x), and the occupant per cell (y * width + x).
  std::vector<std::uint64_t> cop_rows, active_rows, occupied_rows;
  std::vector<std::int32_t> occupant;  ///< agent id, or -1

  std::int64_t citizens = 0, cops = 0;
  std::int64_t active_count = 0, jailed_count = 0;  ///< kept by the rules
  std::vector<std::uint32_t> order;                 ///< this step's activation order

  std::int64_t step = 0;                ///< steps done
  std::uint64_t activations = 0;        ///< agent activations done (jailed ones included)
  std::vector<StepCounts> history;      ///< per step 0..step
};

/// @brief Places the agents and draws their traits (step 0), and records step 0. The world
/// keeps a pointer to `spec`, which must outlive it (a temporary is refused at compile time).
[[nodiscard]] World build_world(const ScenarioSpec& spec, const RunParameters& params, rng::RunKey key);
World build_world(ScenarioSpec&&, const RunParameters&, rng::RunKey) = delete;

/// @brief Advances the world to step `until` (every agent acts once per step, in a freshly
/// shuffled order), recording each step's counts. Allocates nothing.
void run_steps(World& w, std::int64_t until);

/// @brief Python's round(cops / actives) — halves to even, as the Mesa example computes it.
[[nodiscard]] constexpr int round_ratio(int cops, int actives) noexcept {
  const int q = cops / actives, r = cops % actives;
  return 2 * r > actives ? q + 1 : 2 * r < actives ? q : q + (q & 1);
}

/// @brief What an agent at (x, y) sees within `view`: cops, active citizens and empty cells
/// (itself included where it is one of them).
struct Sight {
  int cops = 0, actives = 0, empties = 0;
};
[[nodiscard]] Sight look(const World& w, const Diamond& view, int x, int y) noexcept;

/// @brief The estimated arrest probability of citizen `id` where it stands:
/// P = 1 - exp(-k round(C / A)) (or floor, by the scenario's rules), C the cops and A the active citizens in its vision plus itself.
[[nodiscard]] double estimated_arrest_probability(const World& w, std::int32_t id) noexcept;

/// @brief Puts a new agent on the empty cell (x, y) (for tests and hand-made worlds); returns its id.
/// @throws std::invalid_argument when the cell is taken.
std::int32_t add_agent(World& w, Kind kind, int x, int y, double hardship = 0, double risk_aversion = 0);

/// @brief Makes citizen `id` (not jailed) active or quiet, keeping the grid and the counts.
void set_active(World& w, std::int32_t id, bool active);

/// @brief Checks every invariant: one agent per cell and the grid words agreeing with the
/// agents, the kept counts equal to a recount, jailed = citizens with jail_left > 0, the
/// jailed neither active nor anything but citizens. @throws std::logic_error naming the first broken.
void check_invariants(const World& w);

}  // namespace azsim::civil_violence
