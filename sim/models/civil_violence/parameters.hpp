#pragma once
/// @file
/// @brief The parameter table of the civil_violence model (Epstein 2002, Model I).

#include "core/scenario/parameter_info.hpp"

namespace azsim::civil_violence {

/// @brief Every parameter the model declares; a scenario gives each a value and a prior.
[[nodiscard]] ParameterTable parameter_table() noexcept;

}  // namespace azsim::civil_violence
