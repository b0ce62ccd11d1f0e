#pragma once
/// @file
/// @brief The phases of the azawad model's day, in the order step() runs them. Each is a free
/// function over the World, in its own file; docs/ODD.md gives their equations.

#include <functional>

#include "models/azawad/world.hpp"

namespace azsim::exec {
class Executor;
}

namespace azsim::azawad {

/// @brief Recounts garrisons, inbound columns and faction totals from the fighters, and
/// rebuilds the roster. The phases keep these counts up to date as they change fighters, and
/// note the changes the roster needs (World::leaves_roster, joins_roster, gives_order,
/// sets_off); a full recount is done only when the retired are compacted (movement), and by
/// tests to check the bookkeeping.
void tally(World& w, const exec::Executor& ex);
/// @brief One parallel pass over the fighters: applies `update(begin, end)` to each chunk,
/// recounts, and rebuilds the roster (a counting sort whose buckets list fighters by index
/// whatever the thread count).
void sweep(World& w, const exec::Executor& ex, const std::function<void(std::size_t, std::size_t)>& update);
/// @brief Recounts and rebuilds the roster without changing any fighter.
void build_roster(World& w, const exec::Executor& ex);
/// @brief Brings the roster, the ethnic mix and `armed` up to date from the counts the phases
/// keep and the changes they noted (World::roster_dirty, roster_add): the same result as
/// build_roster(), without walking every fighter. When the retired are due to be compacted
/// (or there is no roster yet), it is build_roster().
void refresh_roster(World& w, const exec::Executor& ex);
/// @brief True when the next roster update compacts the fighters (and so rebuilds in full).
[[nodiscard]] bool compaction_due(const World& w) noexcept;

bool apply_shocks(World& w);  ///< 1. interventions arrive (true if any did today); mediation
void run_economy(World& w);                             ///< 2. income, payroll, pay
void update_relations(World& w);                        ///< 3. drift, shared enemies, incidents
void plan_strategy(World& w);                           ///< 4. attack, defend, leave; objectives
void move_fighters(World& w, const exec::Executor& ex); ///< 5. travel along edges
void fight(World& w, const exec::Executor& ex);         ///< 6. ultimatums, battles, sieges, air
void strike_from_refuges(World& w);                     ///< 6. asymmetric attacks
void update_control(World& w);                          ///< 7. holders and flags
void update_civilians(World& w);                        ///< 8. support, grievance, reprisals, flight
void fighters_decide(World& w, const exec::Executor& ex);  ///< 9. recovery
void negotiate(World& w);                               ///< 10. talks, ceasefires, violations, goals
void record_day(World& w);                              ///< 11. what outputs and scoring need

/// @brief What faction f believes a true strength `x` at node n to be today: x times
/// exp(perception_noise * z), z a stationary AR(1) per (f, n) with correlation time
/// strategy.perception_days (docs/ODD.md 7.3). Updates the error's state.
[[nodiscard]] double believed_strength(World& w, Index f, Index n, double x);

/// @brief Changes a pair's relation state (both directions), logging the change.
void set_relation_state(World& w, Index a, Index b, RelationState to);

/// @brief One day: every phase in order, then the day index advances.
void step(World& w, const exec::Executor& ex);

// Helpers shared by phases.

/// @brief Days to cross the direct edge a-b (0 when there is none).
[[nodiscard]] inline std::int32_t edge_days(const World& w, Index a, Index b) noexcept {
  return w.edge_days[static_cast<std::size_t>(a) * static_cast<std::size_t>(w.N) + static_cast<std::size_t>(b)];
}
/// @brief First node on a shortest path from a to b, or kNone when b is unreachable.
[[nodiscard]] inline Index next_hop(const World& w, Index a, Index b) noexcept {
  return w.next_hop[static_cast<std::size_t>(a) * static_cast<std::size_t>(w.N) + static_cast<std::size_t>(b)];
}
[[nodiscard]] inline double path_km(const World& w, Index a, Index b) noexcept {
  return w.path_km[static_cast<std::size_t>(a) * static_cast<std::size_t>(w.N) + static_cast<std::size_t>(b)];
}
/// exp(-path_km(a, b) / strategy.projection_km): what a fighter at a counts for at b.
[[nodiscard]] inline double decay(const World& w, Index a, Index b) noexcept {
  return w.decay[static_cast<std::size_t>(a) * static_cast<std::size_t>(w.N) + static_cast<std::size_t>(b)];
}
/// @brief Multiplier on a defender's effectiveness at a node (terrain and fortification).
[[nodiscard]] double defence_multiplier(const World& w, Index node) noexcept;
/// @brief Fighter-equivalents of a faction's air power where it is used.
[[nodiscard]] inline double air_equivalent(const World& w, Index faction) noexcept {
  return w.factions.air_power[static_cast<std::size_t>(faction)] * w.params.combat.air_factor;
}
/// @brief Who is winning: the log growth of f's active fighters over the last 30 days plus
/// that of the towns it holds or shares (each + 1); 0 on the first day.
[[nodiscard]] double momentum(const World& w, Index f);
/// @brief The morale f fights with today: its scenario morale, times
/// exp(strategy.morale_momentum * min(0, momentum)) -- a beaten force loses heart.
[[nodiscard]] double fighting_morale(const World& w, Index f);
/// @brief True for nodes that can be held (towns); rural zones, refuges and borders deny control.
[[nodiscard]] inline bool holdable(const World& w, Index node) noexcept {
  return w.spec->nodes[static_cast<std::size_t>(node)].kind == NodeKind::town;
}
/// @brief The node a faction's fighters at `from` withdraw to: a neighbour not held by its
/// enemies, preferring its own or allied towns, then rural zones and refuges, then the least
/// threatened. kNone when there is nowhere to go.
[[nodiscard]] Index retreat_node(const World& w, Index faction, Index from) noexcept;
/// @brief Orders up to `count` active, stationary fighters of `faction` at `from` to `target`
/// (lowest indices first); returns how many were ordered. Orders take effect in movement.
std::int64_t order_fighters(World& w, Index faction, Index from, Index target, std::int64_t count);
/// @brief Sends fighters already ordered away on their way today (used by withdrawals that
/// happen during combat, after the movement phase).
void depart_now(World& w, Index faction, Index from, Index target);

}  // namespace azsim::azawad
