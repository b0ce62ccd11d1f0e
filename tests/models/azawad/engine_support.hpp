#pragma once
// Helpers for the engine's tests (test_invariants, test_determinism, test_no_dates, test_rules,
// test_smoke): loading scenarios, temporary folders, parameter overrides, hand-built worlds.

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../../support.hpp"
#include "core/model.hpp"
#include "core/exec/executor.hpp"
#include "core/scenario/parameters.hpp"
#include "models/azawad/model.hpp"
#include "models/azawad/phases.hpp"
#include "models/azawad/spec.hpp"
#include "models/azawad/world.hpp"

namespace azsim::test {

/// @brief The model registry the app uses (the azawad model only).
inline const ModelRegistry& engine_registry() {
  static const ModelRegistry r = [] {
    ModelRegistry reg;
    reg.add(azawad::make_model());
    return reg;
  }();
  return r;
}

/// @brief Loads a scenario (absolute path, or relative to the source tree) as an azawad scenario.
inline std::shared_ptr<const azawad::AzawadScenario> load_azawad(const std::string& path,
                                                                 std::vector<std::string> sets = {}) {
  const std::string full = std::filesystem::path(path).is_absolute() ? path : source_path(path);
  auto loaded = load_scenario(engine_registry(), full, sets);
  auto a = std::dynamic_pointer_cast<const azawad::AzawadScenario>(loaded);
  if (!a) throw std::logic_error("not an azawad scenario: " + path);
  return a;
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

/// @brief "" when the texts are equal; otherwise the first differing line of each (so a failed
/// comparison of megabyte files prints two lines, not the files).
inline std::string first_difference(const std::string& a, const std::string& b) {
  if (a == b) return "";
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (std::size_t line = 1;; ++line) {
    const bool ea = !std::getline(sa, la), eb = !std::getline(sb, lb);
    if (ea || eb || la != lb)
      return "line " + std::to_string(line) + ": '" + (ea ? std::string("<end>") : la.substr(0, 300)) + "' vs '" +
             (eb ? std::string("<end>") : lb.substr(0, 300)) + "'";
  }
}

/// @brief "" when the vectors are equal; otherwise their sizes, the first differing index and
/// how many entries differ.
template <typename T>
std::string first_difference(const std::vector<T>& a, const std::vector<T>& b) {
  if (a == b) return "";
  if (a.size() != b.size()) return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  std::size_t first = a.size(), count = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) {
      if (first == a.size()) first = i;
      ++count;
    }
  return std::to_string(count) + " entries differ, the first at index " + std::to_string(first);
}

/// @brief The five CSV files every run must write (it may write more: see csv_files_in).
inline const std::vector<std::string>& run_csv_files() {
  static const std::vector<std::string> files{"control.csv", "strength.csv", "casualties.csv", "events.csv",
                                              "outcomes.csv"};
  return files;
}

/// @brief Every .csv file in a folder, sorted by name.
inline std::vector<std::string> csv_files_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".csv") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// @brief A copy of `set` with some values replaced (by full name); unknown names throw.
inline ParameterSet with_values(const ParameterSet& set,
                                std::initializer_list<std::pair<const char*, double>> values) {
  auto items = set.items();
  for (const auto& [name, value] : values) {
    const auto i = set.index_of(name);
    if (!i) throw std::logic_error(std::string("no parameter ") + name);
    items[*i].value = value;
  }
  return ParameterSet(std::move(items));
}

/// @brief Removes every fighter from a world (for hand-built situations).
inline void clear_fighters(azawad::World& w) { w.fighters = azawad::Fighters{}; }

/// @brief A world of `spec` built for run (seed, 0), with every fighter removed (for
/// hand-built situations).
inline azawad::World bare_world(const azawad::ScenarioSpec& spec, const ParameterSet& params, std::uint64_t seed) {
  azawad::World w = azawad::build_world(spec, params, rng::RunKey{seed, 0});
  clear_fighters(w);
  return w;
}

/// @brief Adds `count` active fighters of faction f at node n (group 0), keyed from `tag`.
inline std::vector<std::size_t> add_fighters(azawad::World& w, azawad::Index f, azawad::Index n, std::int64_t count,
                                             std::uint64_t tag) {
  std::vector<std::size_t> out;
  for (std::int64_t k = 0; k < count; ++k)
    out.push_back(w.fighters.add(rng::combine(tag, static_cast<std::uint64_t>(k)), f, 0, n, n, w.day));
  return out;
}

/// @brief Number of fighters of f (current faction) with status s.
inline std::int64_t count_status(const azawad::World& w, azawad::Index f, azawad::Status s) {
  std::int64_t c = 0;
  for (std::size_t i = 0; i < w.fighters.size(); ++i)
    if (w.fighters.faction[i] == f && w.fighters.status[i] == s) ++c;
  return c;
}

/// @brief True when |observed - expected| is within k binomial standard errors (plus a tiny
/// absolute slack for p near 0 or 1) of a proportion estimated from n trials.
inline bool within_binomial(double observed, double expected, double n, double k = 4.0) {
  const double se = std::sqrt(std::max(expected * (1 - expected), 1e-12) / n);
  return std::abs(observed - expected) <= k * se + 0.5 / n;
}

/// @brief The small synthetic world of tests/data/good/minimal.yaml, loaded once.
inline const azawad::ScenarioSpec& minimal_spec() {
  static const auto scenario = load_azawad("tests/data/good/minimal.yaml");
  return scenario->spec();
}

/// @brief Indices of minimal.yaml's factions, nodes and groups.
struct MinimalIds {
  azawad::Index rebels, zealots, army, helpers, alpha, beta, gamma, sands, peaks, north, south;
};

inline MinimalIds minimal_ids() {
  const azawad::ScenarioSpec& s = minimal_spec();
  MinimalIds i{s.faction_index("rebels"), s.faction_index("zealots"), s.faction_index("army"),
               s.faction_index("helpers"), s.node_index("alpha"),    s.node_index("beta"),
               s.node_index("gamma"),      s.node_index("sands"),    s.node_index("peaks"),
               s.group_index("north"),     s.group_index("south")};
  REQUIRE(i.helpers != azawad::kNone);
  REQUIRE(i.peaks != azawad::kNone);
  REQUIRE(i.south != azawad::kNone);
  return i;
}

/// @brief Places the given garrisons (faction, node, fighters), keyed from `salt`, recounts and
/// updates control, as the day does before strategy. Empty towns fly no flag (so none is a free
/// town to retake).
inline void place_garrisons(azawad::World& w,
                            std::initializer_list<std::tuple<azawad::Index, azawad::Index, std::int64_t>> garrisons,
                            const char* salt) {
  const exec::Executor ex(1);
  std::uint64_t tag = 1;
  for (const auto& [f, n, count] : garrisons) add_fighters(w, f, n, count, rng::stable_id(salt) + tag++);
  azawad::build_roster(w, ex);
  for (auto& flag : w.nodes.flag) flag = azawad::kNone;
  azawad::update_control(w);
}

/// @brief The phases of a day after movement, as `step` runs them (sim/models/azawad/step.cpp),
/// for tests that look at the world between movement and the rest; no check, no day advance.
inline void rest_of_day(azawad::World& w, const exec::Executor& ex) {
  azawad::fight(w, ex);
  azawad::strike_from_refuges(w);
  azawad::update_control(w);
  azawad::update_civilians(w);
  azawad::fighters_decide(w, ex);
  azawad::negotiate(w);
  azawad::update_control(w);
  azawad::record_day(w);
}

/// @brief The minimal scenario's parameters for deterministic planning: no perception error,
/// campaigns within reach of the whole map; `more` overrides any of them.
inline ParameterSet planning_params(std::initializer_list<std::pair<const char*, double>> more = {}) {
  const ParameterSet fixed = with_values(minimal_spec().parameters, {{"strategy.perception_noise", 0.0},
                                                                     {"strategy.attack_ratio", 2.0},
                                                                     {"strategy.reserve_share", 0.3},
                                                                     {"strategy.offensive_morale", 0.0},
                                                                     {"strategy.projection_km", 1e6},
                                                                     {"movement.track_speed", 100.0}});
  return with_values(fixed, more);
}

}  // namespace azsim::test
