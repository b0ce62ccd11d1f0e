#pragma once
/// @file
/// @brief The azawad model's immutable scenario description (`ScenarioSpec`): everything a
/// run needs, validated, with every date already turned into a day index from the start.
/// Entities keep their declared ids; indices here are positions for fast lookup only.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/model.hpp"

namespace azsim::azawad {

using Index = std::int32_t;
inline constexpr Index kNone = -1;

/// @brief A day index from the scenario's start (day 0 = meta.start).
using Day = std::int32_t;

/// @brief Where a value came from: citations and/or a stated assumption.
struct Citation {
  std::vector<std::string> sources;
  std::string assumption;
};

struct GroupSpec {
  std::string id, name;
};

enum class FactionKind { insurgent, state, outside };
enum class Goal { independence, autonomy, state, sharia_state, none };
[[nodiscard]] const char* to_string(Goal goal) noexcept;

struct FactionSpec {
  std::string id, name;
  FactionKind kind = FactionKind::insurgent;
  double separatism = 0, sharia = 0;  ///< ideology, each in [0, 1]
  Goal goal = Goal::none;
  double treasury_cfa = 0;
  double external_income_cfa_per_day = 0;
  double pay_cfa_per_day = 0;
  double morale = 0;
  double air_power = 0;  ///< sorties per day
  /// Fighting power of one of its fighters in battle, relative to a militia fighter (1):
  /// training, armour, artillery, helicopters (docs/ODD.md 7.5).
  double quality = 1;
  bool recruits_locally = true;
  /// Strikes from refuges with bombs and suicide bombers (docs/ODD.md 7.6): the tactic of the
  /// jihadist groups (S32-S34), not of every armed group; default true for insurgents.
  bool bombs = true;
  std::string color;
  Citation cite;
};

struct BlocSpec {
  std::string id, name;
  std::vector<Index> members;  ///< faction indices
};

enum class NodeKind { town, rural, refuge, border };
enum class Terrain { urban, desert, mountain, riverine };

struct NodeSpec {
  std::string id, name;
  NodeKind kind = NodeKind::town;
  Terrain terrain = Terrain::desert;
  double lat = 0, lon = 0;
  std::vector<std::int64_t> population;  ///< per group index
  Index controller = kNone;              ///< faction index, or kNone
  std::vector<Index> hq_of;              ///< faction indices
  /// Factions whose declared territory includes the place (a separatist's homeland): a faction
  /// that claims any place campaigns only for places it claims (docs/ODD.md 7.3).
  std::vector<Index> claimed_by;
  std::int64_t checkpoints = 0;
  Citation cite;
  [[nodiscard]] std::int64_t total_population() const noexcept;
};

enum class EdgeKind { road, track, crossing };

struct EdgeSpec {
  Index from = kNone, to = kNone;
  double km = 0;
  EdgeKind kind = EdgeKind::road;
  Citation cite;
};

struct SupportSpec {
  Index group = kNone, faction = kNone;
  double value = 0;
  std::vector<Index> nodes;  ///< empty: every node
};

struct GrievanceSpec {
  Index group = kNone, against = kNone;
  double value = 0;
};

enum class RelationState { allied, neutral, war, talks, ceasefire };
[[nodiscard]] const char* to_string(RelationState state) noexcept;

struct RelationSpec {
  Index a = kNone, b = kNone;
  double value = 0;
  RelationState state = RelationState::neutral;
};

struct ForceSpec {
  Index faction = kNone, node = kNone, home = kNone;
  std::int64_t fighters = 0;
  std::vector<double> ethnicity;  ///< share per group index, sums to 1
  Citation cite;
};

struct InterventionSpec {
  std::string id;
  Day day = 0;
  Index faction = kNone, entry_node = kNone;
  std::int64_t fighters = 0;
  std::int32_t build_up_days = 0;
  std::vector<double> ethnicity;
  double air_power = 0;
  std::vector<Index> objectives;  ///< node indices, in order
  Citation cite;
};

struct MediationSpec {
  std::string id;
  Day day = 0, end_day = 0;
  double strength = 0;
  std::vector<Index> factions;  ///< empty: every pair
  Citation cite;
};

/// @brief A set of factions named by `{faction: id}` or `{bloc: id}`.
struct Selector {
  std::string label;            ///< the id as written, for reports
  std::vector<Index> factions;  ///< faction indices it stands for
  bool with_allies = false;     ///< also any faction allied with these where and when it matters
  [[nodiscard]] bool empty() const noexcept { return factions.empty(); }
};

enum class ClauseKind {
  control_change, evacuation, holds_none, attack, defection_share, goal_shift, relation_state,
  lost_control, held_fraction, event_count, battle_casualties
};
[[nodiscard]] const char* to_string(ClauseKind kind) noexcept;

/// @brief A reference from one clause to another ("T1.gao_falls"), resolved to indices.
struct ClauseRef {
  Index target = kNone, clause = kNone;
  std::string text;
};

/// @brief One condition of a target. Fields unused by a kind stay at their defaults.
struct ClauseSpec {
  std::string id;
  ClauseKind kind = ClauseKind::control_change;
  Index node = kNone;
  std::vector<Index> nodes;
  Index faction = kNone;
  std::array<Index, 2> pair{kNone, kNone};
  Selector from, to, holder, attacker, defender, actor, victim, side;  ///< empty when not given
  Day window_start = 0, window_end = 0;  ///< inclusive
  Day date = 0, date2 = 0;               ///< holds_none: date; lost_control: held_on, not_held_on;
                                         ///< defection_share: cohort_until, by
  std::optional<std::int32_t> battle_within_days, fails_within_days, min_days;
  ClauseRef ref;                          ///< evacuation's `after`, battle_casualties' `of`
  std::int32_t ref_min_days = 0, ref_max_days = 0;
  bool no_battle = false, on_approach = false;
  Goal from_goal = Goal::none, to_goal = Goal::none;
  RelationState state = RelationState::neutral;
  double range_lo = 0, range_hi = 0;  ///< share, fatalities or dead range
  double min_fraction = 0;
  double within_km = 0;
  std::int64_t min_count = 0;
  std::vector<std::string> event_types;
  std::array<Selector, 2> between;   ///< event_count: the two sides, either way round
  std::vector<Index> groups;         ///< perpetrators' and victims' groups both in here, differing
  std::vector<Index> victim_groups;  ///< victims' group in here
  bool has_range = false, has_dead = false;
  double dead_lo = 0, dead_hi = 0;   ///< event_count: dead of `side` per event
};

struct TargetSpec {
  std::string id, description;
  std::vector<std::string> sources;
  std::vector<ClauseSpec> clauses;
};

/// @brief The whole validated scenario of the azawad model.
struct ScenarioSpec {
  std::string name, description;
  Date start, end;
  Day days = 0;  ///< number of simulated days (end - start + 1)
  std::vector<GroupSpec> groups;
  std::vector<FactionSpec> factions;
  std::vector<BlocSpec> blocs;
  std::vector<NodeSpec> nodes;
  std::vector<EdgeSpec> edges;
  std::vector<SupportSpec> support;
  std::vector<GrievanceSpec> grievance;
  std::vector<RelationSpec> relations;
  std::vector<ForceSpec> forces;
  std::vector<InterventionSpec> interventions;
  std::vector<MediationSpec> mediations;
  ParameterSet parameters;
  std::vector<TargetSpec> targets;

  [[nodiscard]] Index faction_index(std::string_view id) const noexcept;
  [[nodiscard]] Index node_index(std::string_view id) const noexcept;
  [[nodiscard]] Index group_index(std::string_view id) const noexcept;
  [[nodiscard]] std::int64_t total_fighters() const noexcept;
};

/// @brief A loaded azawad scenario: the composed document plus its validated spec.
class AzawadScenario final : public SpecScenario<ScenarioSpec> {
 public:
  using SpecScenario::SpecScenario;
  [[nodiscard]] std::vector<SummaryItem> summary() const override;
  [[nodiscard]] RunSummary run(const RunRequest& request) const override;
  [[nodiscard]] std::vector<TargetMark> target_marks() const override;
  [[nodiscard]] std::string day_label(std::int64_t day) const override { return spec().start.plus_days(day).to_string(); }
  void write_reference_files(const std::filesystem::path& dir) const override;
};

/// @brief Reads and validates a composed document as an azawad scenario.
/// @throws ScenarioError with every problem found.
[[nodiscard]] ScenarioSpec read_spec(const Document& document);

}  // namespace azsim::azawad
