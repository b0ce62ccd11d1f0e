#pragma once
/// @file
/// @brief The parameter table of the azawad model: every probability and rate it reads.

#include "core/scenario/parameter_info.hpp"

namespace azsim::azawad {

/// @brief Every parameter the azawad model declares; a scenario must give each one a value
/// and a prior, and no others.
[[nodiscard]] ParameterTable parameter_table() noexcept;

}  // namespace azsim::azawad
