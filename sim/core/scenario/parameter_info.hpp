#pragma once
/// @file
/// @brief What a model declares about each of its parameters: name, unit, domain, meaning.

#include <span>
#include <string_view>

namespace azsim {

/// @brief The values a parameter may take, checked against its prior on loading.
enum class ParameterDomain {
  probability,  ///< in [0, 1]
  positive,     ///< > 0
  non_negative, ///< >= 0
  real,         ///< any finite number
};

/// @brief One parameter a model reads from the scenario. Full name: `group.name`.
struct ParameterInfo {
  std::string_view group;  ///< the process it belongs to, e.g. "combat"
  std::string_view name;   ///< e.g. "attrition_rate"
  std::string_view unit;   ///< e.g. "per day", "CFA per person per day", "share"
  ParameterDomain domain;
  std::string_view doc;  ///< one sentence: what it does in the model
};

/// @brief A model's complete parameter table.
using ParameterTable = std::span<const ParameterInfo>;

}  // namespace azsim
