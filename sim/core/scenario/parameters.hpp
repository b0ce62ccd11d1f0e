#pragma once
/// @file
/// @brief Model parameters as a scenario gives them: a value and a prior, read against the
/// model's own parameter table. Calibration and sensitivity work on these.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/scenario/parameter_info.hpp"
#include "core/scenario/reader.hpp"

namespace azsim {

/// @brief A prior distribution with optional truncation bounds.
struct Prior {
  enum class Dist { uniform, normal, lognormal, beta };
  Dist dist = Dist::uniform;
  double a = 0;  ///< uniform: low; normal: mean; lognormal: median; beta: alpha
  double b = 1;  ///< uniform: high; normal: sd; lognormal: sigma; beta: beta
  double low = 0, high = 0;  ///< the support after truncation (may be +-infinity)

  /// @brief True when `x` lies in the prior's support.
  [[nodiscard]] bool contains(double x) const noexcept { return x >= low && x <= high; }
  [[nodiscard]] static const char* name(Dist d) noexcept;
};

/// @brief One parameter: full name "group.name", its value and prior, and the model's info.
struct Parameter {
  std::string name;
  double value = 0;
  Prior prior;
  const ParameterInfo* info = nullptr;
  bool calibrate = false;  ///< `calibrate: true`: fitted by `azsim calibrate`
};

/// @brief Every parameter of a scenario, in the model table's order.
class ParameterSet {
 public:
  ParameterSet() = default;
  explicit ParameterSet(std::vector<Parameter> items) : items_(std::move(items)) {}

  [[nodiscard]] const std::vector<Parameter>& items() const noexcept { return items_; }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  /// @brief Index of a parameter by full name, or nullopt.
  [[nodiscard]] std::optional<std::size_t> index_of(std::string_view name) const noexcept;
  /// @brief Value by full name; throws std::out_of_range for a name the model never declared.
  [[nodiscard]] double value(std::string_view name) const;
  /// @brief A copy whose values are `values`, one per parameter in this set's order (a
  /// calibration particle, a design point); names, priors, infos and `calibrate` stay. The
  /// values are not checked here: a model checks what it needs when it runs with them.
  /// @throws std::invalid_argument when there are not exactly size() values.
  [[nodiscard]] ParameterSet with_values(std::span<const double> values) const;

 private:
  std::vector<Parameter> items_;
};

/// @brief Reads the `parameters:` section (`group: {name: {value, prior, ...}}`) against a
/// model's table: every declared parameter must be given, no other; values inside priors.
[[nodiscard]] ParameterSet read_parameters(schema::Reader& reader, const yaml::Node& node,
                                           const std::string& path, ParameterTable table);

}  // namespace azsim
