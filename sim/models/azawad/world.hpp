#pragma once
/// @file
/// @brief The runtime state of one run of the azawad model, as structure-of-arrays. Built from
/// an immutable ScenarioSpec; the daily rules (one file each) read and write it.

#include <Eigen/Dense>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/random/stream.hpp"
#include "models/azawad/model_params.hpp"
#include "models/azawad/spec.hpp"

namespace azsim::exec {
class Executor;
}

namespace azsim::azawad {

/// @brief At most this many factions (holders of a node are a 32-bit mask).
inline constexpr int kMaxFactions = 32;
using FactionMask = std::uint32_t;
[[nodiscard]] constexpr FactionMask bit(Index f) noexcept { return FactionMask{1} << f; }

enum class Status : std::uint8_t { active, wounded, dead, deserted, captured };
enum class ControlState : std::uint8_t { held, shared, contested, abandoned, open };
[[nodiscard]] const char* to_string(Status s) noexcept;
[[nodiscard]] const char* to_string(ControlState s) noexcept;

/// @brief Every fighter, one entry per array. Fighters are never removed: the dead, deserted
/// and captured keep their entries (their records count for the scoring and the conservation
/// checks), but they are moved out of the way. Entries [0, live) hold every living fighter
/// (active or wounded), in the order they joined, among the few retired since the last
/// compaction; entries [live, size()) are retired only. The daily passes walk [0, live).
/// Indices are stable within a day (from one roster rebuild to the next); compact() and add()
/// move entries, always keeping the living in the order they joined.
struct Fighters {
  std::vector<std::uint64_t> key;          ///< stable random key (from declared ids)
  std::vector<std::int16_t> faction;       ///< current faction
  std::vector<std::int16_t> origin;        ///< faction at the start or when recruited
  std::vector<std::int8_t> group;          ///< ethnicity
  std::vector<std::int16_t> home;          ///< home node
  std::vector<std::int16_t> location;      ///< node; the departure node while travelling
  std::vector<std::int16_t> next;          ///< node being travelled to, or kNone
  std::vector<std::int16_t> target;        ///< final destination of an order, or kNone
  std::vector<std::int32_t> arrive_day;    ///< day `next` is reached
  std::vector<Status> status;
  std::vector<float> loyalty;              ///< [0, 1]
  std::vector<float> ideology;             ///< position on the sharia axis, [0, 1]
  std::vector<float> reservation_wage;     ///< CFA per day
  std::vector<std::int32_t> joined_day;    ///< day of joining (0 for the start)
  std::vector<std::int32_t> recover_day;   ///< when a wounded fighter is active again
  std::vector<std::int16_t> defected_to;   ///< first faction defected to, or kNone
  std::vector<std::int32_t> defected_day;  ///< day of that defection
  /// The next day he may decide (desert or weigh a defection), or -1 before the first is
  /// drawn: the days on which he may are a Bernoulli process (fighters.cpp), so only those
  /// days cost anything. kNeverChecks for a fighter of a faction whose fighters never decide
  /// (an outside force, or one that does not recruit locally): his process is never drawn.
  std::vector<std::int32_t> check_day;
  static constexpr std::int32_t kNeverChecks = 0x7FFFFFFF;
  std::size_t live = 0;     ///< entries [0, live) may be living; the rest are retired
  std::size_t retired = 0;  ///< entries in [0, live) retired since the last compaction (retire())

  [[nodiscard]] std::size_t size() const noexcept { return key.size(); }
  [[nodiscard]] bool travelling(std::size_t i) const noexcept { return next[i] != kNone; }
  [[nodiscard]] static constexpr bool living(Status s) noexcept {
    return s == Status::active || s == Status::wounded;
  }
  /// @brief Appends a fighter after the living (moving a retired entry to the end if needed);
  /// the caller sets the fields it knows.
  std::size_t add(std::uint64_t key, Index faction, Index group, Index home, Index location, Day day);
  /// @brief Makes room for `count` fighters after the living, leaving every array as `count`
  /// calls of add() would; returns the first new entry. The caller init()s each new entry.
  std::size_t grow(std::size_t count);
  /// @brief Sets every field of entry i to a new fighter's (what add() sets).
  void init(std::size_t i, std::uint64_t key, Index faction, Index group, Index home, Index location, Day day) noexcept;
  /// @brief Marks fighter i dead, deserted or captured.
  void retire(std::size_t i, Status s) noexcept {
    status[i] = s;
    ++retired;
  }
  /// @brief Moves the retired entries of [0, live) behind the living, keeping the living in
  /// their order; invalidates indices (call only where the roster is rebuilt next). In place
  /// on one thread; through a scratch buffer in fixed parallel chunks when the executor has
  /// several: the same arrays either way.
  void compact(const exec::Executor& ex);
  /// @brief Bytes of state per fighter (for the memory budget).
  [[nodiscard]] static constexpr std::size_t bytes_per_fighter() noexcept {
    return sizeof(std::uint64_t) + 7 * sizeof(std::int16_t) + sizeof(std::int8_t) +
           sizeof(Status) + 3 * sizeof(float) + 5 * sizeof(std::int32_t);
  }

  /// @brief Applies f to every per-fighter array.
  template <class Fn>
  void for_each_array(Fn&& f) {
    f(key), f(faction), f(origin), f(group), f(home), f(location), f(next), f(target), f(arrive_day);
    f(status), f(loyalty), f(ideology), f(reservation_wage), f(joined_day), f(recover_day);
    f(defected_to), f(defected_day), f(check_day);
  }
};

/// @brief One entry of the event log, in the shape conflict analysts use (ACLED-like).
struct Event {
  Day day = 0;
  std::string type;      ///< battle, strike, suicide_bomb, bomb, evacuation, surrender, ...
  std::string sub_type;  ///< e.g. "armed clash", "ultimatum", "air strike"
  Index actor1 = kNone, actor2 = kNone;  ///< factions (kNone: civilians or nobody)
  Index group1 = kNone, group2 = kNone;  ///< perpetrators' and victims' groups, where known
  Index node = kNone;
  std::int64_t fatalities = 0;  ///< everyone killed, combatants and civilians
  std::int64_t civilians = 0;   ///< civilians among them
  std::vector<std::pair<Index, std::int64_t>> killed;  ///< combatants killed per faction
  std::int64_t engagement = -1;  ///< battles: the engagement (consecutive days at a node)
  FactionMask attackers = 0, defenders = 0;  ///< battles: the two sides present
  Index objective = kNone;       ///< battles: the node the attacker was campaigning for
  std::string notes;             ///< the rule and what drove it
};

/// @brief What the scoring and the outputs need from each day.
struct DailyRecord {
  std::vector<FactionMask> holders;       ///< per node
  std::vector<ControlState> control;      ///< per node
  std::vector<Index> flag;                ///< per node
  std::vector<std::int64_t> present;      ///< N x F active fighters standing at the node
  std::vector<std::int64_t> travelling;   ///< N x F active fighters on their way to the node
  std::vector<std::int64_t> wounded;      ///< N x F wounded at the node
  std::vector<std::int64_t> killed;       ///< F: combatants killed today
  std::vector<std::int64_t> wounded_today;  ///< F: wounded today
  std::vector<std::int64_t> civilians;    ///< G: civilians killed today
  std::vector<double> relation;           ///< F x F relation values at the end of the day
  std::vector<RelationState> relation_state;  ///< F x F
  std::vector<double> support;            ///< N x G x F
  std::vector<double> grievance;          ///< G x G
  std::vector<std::int64_t> displaced, abroad;  ///< N x G, cumulative
};

/// @brief A change of a pair's relation state (talks, ceasefire, war, ...).
struct RelationChange {
  Day day = 0;
  Index a = kNone, b = kNone;
  RelationState from = RelationState::neutral, to = RelationState::neutral;
};

/// @brief Deaths one faction caused among one group at one node today (read by the civilians
/// phase: support falls, grievance rises, people flee).
struct Violence {
  Index node = kNone, perpetrator = kNone, victims = kNone;  ///< node, faction, group
  std::int64_t deaths = 0;
  bool civilians = false;
};

/// @brief Fighters who went from one faction to another at a node on a day.
struct Defection {
  Day day = 0;
  Index from = kNone, to = kNone, node = kNone;
  std::int64_t count = 0;
  std::string driver;  ///< the term that weighed most in their choice
};

/// @brief A change of a faction's goal (independence to autonomy, S27).
struct GoalChange {
  Day day = 0;
  Index faction = kNone;
  Goal from = Goal::none, to = Goal::none;
};

/// @brief Per-faction state.
struct FactionState {
  std::vector<double> treasury, income, pay, morale, air_power;
  std::vector<Goal> goal;
  std::vector<char> entered;                   ///< outside factions: has its intervention begun
  std::vector<std::vector<Index>> objectives;  ///< outside factions, in order
  std::vector<std::int64_t> active, wounded, killed, recruited;
  std::vector<std::int64_t> initial;           ///< fighters at the start
  std::vector<double> paid_share;              ///< share of today's payroll actually paid
  std::vector<double> peak;                    ///< largest strength (active + wounded) so far
  std::vector<double> weariness;               ///< exhaustion remembered (negotiation.weariness_days)
  std::vector<Index> campaign;                 ///< node the faction is attacking, or kNone
  std::vector<Day> campaign_since;
};

/// @brief Per-node state. Population and garrisons are node-major matrices flattened.
struct NodeState {
  std::vector<std::int64_t> population;  ///< N x G residents
  std::vector<std::int64_t> displaced;   ///< N x G displaced within the country (from here)
  std::vector<std::int64_t> abroad;      ///< N x G displaced abroad (from here)
  std::vector<std::int64_t> garrison;    ///< N x F active fighters present (not travelling)
  std::vector<std::int64_t> inbound;     ///< N x F active fighters travelling here
  std::vector<std::int64_t> wounded;     ///< N x F wounded fighters at the node
  std::vector<FactionMask> holders;      ///< factions with a garrison
  std::vector<ControlState> control;
  std::vector<Index> flag;               ///< faction whose flag flies, or kNone
  std::vector<Day> engagement_start;     ///< first day of the current engagement, or -1
  std::vector<std::int64_t> engagement;  ///< id of the current engagement, or -1
  std::vector<FactionMask> engagement_defenders;
  std::vector<std::int64_t> engagement_strength;  ///< N x F fighters at the engagement's start
  std::vector<std::int64_t> engagement_killed;    ///< N x F killed in the current engagement
  std::vector<std::int64_t> engagement_lost;      ///< N x F killed, wounded or captured in it
};

/// @brief One run's whole state.
struct World {
  const ScenarioSpec* spec = nullptr;
  ModelParams params{};
  rng::RunKey key{};
  Day day = 0;
  int N = 0, F = 0, G = 0;  ///< counts of nodes, factions, groups

  Fighters fighters;
  FactionState factions;
  NodeState nodes;
  Eigen::MatrixXd relation;                ///< F x F, in [-1, 1]
  std::vector<RelationState> relation_state;  ///< F x F
  std::vector<Day> relation_since;            ///< F x F: day the state began
  Eigen::MatrixXd grievance;               ///< G x G: row group's grievance against column group
  Eigen::MatrixXd mediation;               ///< F x F: mediation strength today
  std::vector<char> air_target;            ///< F x N: where each air power strikes next (today)
  /// F x N: each faction's standardised error in estimating each place (an AR(1) in log,
  /// strategy.perception_days), and the day it was last brought up to date (-1: never).
  std::vector<double> perception_z;
  std::vector<Day> perception_day;

  std::vector<std::uint64_t> node_key, faction_key, group_key;  ///< stable ids
  std::vector<Index> next_hop;    ///< N x N: first node on a shortest path, or kNone
  std::vector<double> path_km;    ///< N x N: shortest-path distance
  std::vector<std::int32_t> edge_days;  ///< N x N: days to travel a direct edge, 0 if none
  /// N x N: exp(-path_km / strategy.projection_km), the loss-of-strength gradient (fixed for a
  /// run: computed once with the very expression strategy used per pair, so the same values).
  std::vector<double> decay;

  /// Fighters standing at each node (not travelling; active or wounded when the roster was
  /// refreshed), one bucket per (node, faction): roster[nf(n, f)]. Refreshed after arrivals;
  /// callers re-check status, since combat changes it during the day. A full rebuild lists a
  /// bucket in index order; between rebuilds a leaver's entry is replaced by the bucket's last
  /// and a newcomer appended (roster_bucket and roster_slot say where each fighter's entry
  /// is), so a day's refresh costs O(changes). The order is a function of the run's history
  /// alone: the same whatever the threads.
  std::vector<std::vector<std::uint32_t>> roster;
  std::vector<std::uint32_t> roster_bucket;  ///< per fighter entry: its bucket, or kNoBucket
  std::vector<std::uint32_t> roster_slot;    ///< per fighter entry: its place in that bucket
  static constexpr std::uint32_t kNoBucket = 0xFFFFFFFFu;
  /// Between two full rebuilds (build_roster(), after each compaction) the roster is kept
  /// incrementally by refresh_roster(), from the changes the phases note: who may have left a
  /// bucket ((node x F + faction) << 32 | fighter), who may have come to stand somewhere.
  /// Movement visits only the fighters with an order not yet under way or waiting (`ordered`)
  /// and those due to arrive today (`arrivals`, by day). Each list may hold stale or repeated
  /// entries: the refresh and movement re-check every one against the fighter's state.
  bool roster_kept = false;  ///< the lists below are complete since the last full rebuild
  std::vector<std::uint64_t> roster_remove;
  std::vector<std::uint32_t> roster_add;
  std::vector<std::uint32_t> ordered;
  std::vector<std::vector<std::uint32_t>> arrivals;
  /// By day: the fighters who may decide that day (check_day) and the wounded due back
  /// (recover_day). Entries may be stale; the rules re-check. Entries [checks_drawn, live)
  /// and those in `unchecked` have had no check day drawn yet (new fighters).
  std::vector<std::vector<std::uint32_t>> checks, recoveries;
  std::vector<std::uint32_t> unchecked;
  std::size_t checks_drawn = 0;
  std::vector<std::uint8_t> mark;  ///< scratch flags per fighter entry, all 0 between uses
  /// Kept up to date by every phase that changes a fighter: active fighters by faction and
  /// group (F x G), and by location and group (N x G). The ethnic mix and `armed` below are
  /// snapshots of them taken where the roster is refreshed (after movement).
  std::vector<std::int64_t> active_by_group;
  std::vector<std::int64_t> armed_now;

  std::vector<Event> events;
  std::int64_t next_engagement = 0;
  // Politics: communities, violence, defection.
  std::vector<double> support;        ///< N x G x F: share of a community supporting a faction
  Eigen::MatrixXd excitation;         ///< G x G: self-excited reprisal intensity of row group on column group
  std::vector<Violence> violence_today;
  std::vector<Defection> defections;
  std::vector<double> recent_defections;        ///< N x F: defections from (n, f), decaying weekly memory
  std::vector<std::vector<std::int64_t>> active_by_day;  ///< per day, F active counts (who is winning)
  std::vector<double> ethnic_mix;     ///< F x G: share of a faction's active fighters from each group
  std::vector<std::int64_t> armed;    ///< N x G: active fighters of each group at each node
  [[nodiscard]] std::size_t ngf(int n, int g, int f) const noexcept {
    return (static_cast<std::size_t>(n) * static_cast<std::size_t>(G) + static_cast<std::size_t>(g)) *
               static_cast<std::size_t>(F) + static_cast<std::size_t>(f);
  }

  std::vector<DailyRecord> history;  ///< one per simulated day
  std::vector<RelationChange> relation_changes;
  std::vector<GoalChange> goal_changes;

  // Daily totals for casualties.csv: per faction killed/wounded, per group civilians killed.
  std::vector<std::int64_t> today_killed, today_wounded, today_civilians;

  [[nodiscard]] std::size_t nf(int n, int f) const noexcept {
    return static_cast<std::size_t>(n) * static_cast<std::size_t>(F) + static_cast<std::size_t>(f);
  }
  [[nodiscard]] std::size_t ng(int n, int g) const noexcept {
    return static_cast<std::size_t>(n) * static_cast<std::size_t>(G) + static_cast<std::size_t>(g);
  }
  [[nodiscard]] std::size_t ff(int a, int b) const noexcept {
    return static_cast<std::size_t>(a) * static_cast<std::size_t>(F) + static_cast<std::size_t>(b);
  }
  [[nodiscard]] bool at_war(Index a, Index b) const noexcept {
    return a != b && relation_state[ff(a, b)] == RelationState::war;
  }
  [[nodiscard]] bool allied(Index a, Index b) const noexcept {
    return a == b || relation_state[ff(a, b)] == RelationState::allied;
  }
  /// @brief A stream for one (day, entity, purpose) of this run.
  [[nodiscard]] rng::Stream stream(std::uint64_t entity, std::uint64_t purpose) const noexcept {
    return rng::Stream(key, day, entity, purpose);
  }
  /// @brief The roster entries of faction f at node n.
  [[nodiscard]] std::span<const std::uint32_t> standing_at(int n, int f) const noexcept {
    return roster[nf(n, f)];
  }
  /// @brief Fighter i, standing at n with faction f, leaves that roster bucket (retired, on
  /// his way, or gone over to another faction).
  void leaves_roster(int n, int f, std::size_t i) {
    roster_remove.push_back((static_cast<std::uint64_t>(nf(n, f)) << 32) | static_cast<std::uint64_t>(i));
  }
  /// @brief Fighter i may now stand somewhere he did not (new, arrived, or changed sides).
  void joins_roster(std::size_t i) { roster_add.push_back(static_cast<std::uint32_t>(i)); }
  /// @brief Fighter i has been given an order (target) that movement has to act on.
  void gives_order(std::size_t i) { ordered.push_back(static_cast<std::uint32_t>(i)); }
  /// @brief Fighter i is listed for day d in `lists` (checks, recoveries or arrivals).
  /// Days past the scenario's end are never reached: nobody is listed for them.
  void list_for(std::vector<std::vector<std::uint32_t>>& lists, std::int64_t d, std::size_t i) const {
    if (d >= spec->days) return;
    const auto slot = static_cast<std::size_t>(d);
    if (lists.size() <= slot) lists.resize(slot + 1);
    lists[slot].push_back(static_cast<std::uint32_t>(i));
  }
  /// @brief Fighter i has been wounded (recover_day set): he is listed for that day.
  void is_wounded(std::size_t i) { list_for(recoveries, fighters.recover_day[i], i); }
  /// @brief Fighter i has set off (next, arrive_day set): movement sees him on arrival.
  void sets_off(std::size_t i) {
    const auto d = static_cast<std::size_t>(fighters.arrive_day[i]);
    if (arrivals.size() <= d) arrivals.resize(d + 1);
    arrivals[d].push_back(static_cast<std::uint32_t>(i));
  }
  /// @brief Active fighter i stops (delta -1) or starts (+1) counting among the active
  /// fighters by group: his faction's and his location's.
  void count_active(std::size_t i, std::int64_t delta) noexcept {
    const auto g = static_cast<std::size_t>(fighters.group[i]);
    active_by_group[static_cast<std::size_t>(fighters.faction[i]) * static_cast<std::size_t>(G) + g] += delta;
    armed_now[static_cast<std::size_t>(fighters.location[i]) * static_cast<std::size_t>(G) + g] += delta;
  }
  /// @brief Total residents of a node now.
  [[nodiscard]] std::int64_t population(int n) const noexcept;
  /// @brief Appends an event (phases running in parallel collect events per node and append
  /// them in node order afterwards).
  void log(Event e) { events.push_back(std::move(e)); }
};

/// @brief Builds the world of day 0 from a scenario for one run; the fighters' traits are
/// drawn in fixed chunks on `ex` (the same world whatever its threads).
[[nodiscard]] World build_world(const ScenarioSpec& spec, const ParameterSet& parameters, rng::RunKey key,
                                const exec::Executor& ex);
/// @brief The same, on one thread.
[[nodiscard]] World build_world(const ScenarioSpec& spec, const ParameterSet& parameters, rng::RunKey key);

}  // namespace azsim::azawad
