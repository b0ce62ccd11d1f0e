#pragma once
/// @file
/// @brief What a model provides to the core: a name, a parameter table, and a loader that
/// turns a composed scenario document into the model's immutable, validated description.
/// The core never includes a model's headers; models register here and the app binds them.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cstdint>
#include <filesystem>

#include "core/run/summary.hpp"
#include "core/scenario/document.hpp"
#include "core/scenario/parameters.hpp"

namespace azsim {

namespace exec {
class Executor;
}

/// @brief One run to make: its key, where its per-day files go, and optionally other
/// parameter values than the scenario's (a calibration particle, a design point).
struct RunRequest {
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
  const exec::Executor* executor = nullptr;  ///< required
  std::filesystem::path out_dir;             ///< empty: compute the summary only
  const std::vector<double>* parameter_values = nullptr;  ///< in ParameterSet order, or null
  bool timeline = false;  ///< fill RunSummary::timeline (for ensembles)
};

/// @brief One line of `azsim validate`'s summary, e.g. {"factions", "9"}.
struct SummaryItem {
  std::string label;
  std::string value;
};

/// @brief A validated scenario of some model: immutable once built.
class LoadedScenario {
 public:
  virtual ~LoadedScenario() = default;
  [[nodiscard]] virtual const Document& document() const noexcept = 0;
  [[nodiscard]] virtual const ParameterSet& parameters() const noexcept = 0;
  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::vector<SummaryItem> summary() const = 0;
  /// @brief Simulates one run. Its result depends only on (seed, run, parameters): never on
  /// the executor's thread count. Writes the single-run files when `out_dir` is set.
  [[nodiscard]] virtual RunSummary run(const RunRequest& request) const = 0;
  /// @brief The label of day `day` counted from the start (an ISO date for a dated model).
  [[nodiscard]] virtual std::string day_label(std::int64_t day) const { return std::to_string(day); }
  /// @brief Where and when each target is documented, for plots (may be empty).
  [[nodiscard]] virtual std::vector<TargetMark> target_marks() const { return {}; }
  /// @brief Writes the scenario's reference tables an ensemble folder carries for plots (for
  /// a model on a map: its nodes, edges and factions), each atomically.
  virtual void write_reference_files(const std::filesystem::path& dir) const { (void)dir; }
};

/// @brief A LoadedScenario made of the composed document and a model's validated description
/// `Spec`, which has a `name` and a `parameters` (a ParameterSet): the accessors every
/// model's scenario shares. A model derives from it and adds run() and what else it has.
template <typename Spec>
class SpecScenario : public LoadedScenario {
 public:
  SpecScenario(Document document, Spec spec)
      : document_(std::move(document)), spec_(std::move(spec)) {}
  [[nodiscard]] const Document& document() const noexcept override { return document_; }
  [[nodiscard]] const ParameterSet& parameters() const noexcept override {
    return spec_.parameters;
  }
  [[nodiscard]] std::string name() const override { return spec_.name; }
  [[nodiscard]] const Spec& spec() const noexcept { return spec_; }

 private:
  Document document_;
  Spec spec_;
};

/// @brief A conflict model the engine can run.
class Model {
 public:
  virtual ~Model() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual std::string_view description() const noexcept = 0;
  [[nodiscard]] virtual ParameterTable parameter_table() const noexcept = 0;
  /// @brief Validates a composed document into the model's description.
  /// @throws ScenarioError with every problem found.
  [[nodiscard]] virtual std::shared_ptr<const LoadedScenario> load(Document document) const = 0;
};

/// @brief The models the app knows, by name.
class ModelRegistry {
 public:
  void add(std::unique_ptr<Model> model);
  [[nodiscard]] const Model* find(std::string_view name) const noexcept;
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Model>> models_;
};

/// @brief Loads a scenario file (with its base chain and `--set` values) for whichever model
/// its `model:` key names.
/// @throws ScenarioError, or UsageError when the file does not exist.
[[nodiscard]] std::shared_ptr<const LoadedScenario> load_scenario(
    const ModelRegistry& registry, const std::string& path, std::span<const std::string> sets = {});

}  // namespace azsim
