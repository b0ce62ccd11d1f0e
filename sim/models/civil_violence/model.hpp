#pragma once
/// @file
/// @brief The civil_violence model as the core sees it: name, parameter table and loader.

#include <memory>

#include "core/model.hpp"

namespace azsim::civil_violence {
/// @brief Makes the model object the app registers.
[[nodiscard]] std::unique_ptr<Model> make_model();
}  // namespace azsim::civil_violence
