#pragma once
/// @file
/// @brief The project's small exception hierarchy. Every error a user can cause is one of these.

#include <stdexcept>
#include <string>
#include <utility>

#include "core/diagnostics.hpp"

namespace azsim {

/// @brief Base of every error azsim reports to a user.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief The command line was wrong: an unknown option, a missing file. Exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// @brief Reading or writing a file failed for a reason outside the file's content.
class IoError : public Error {
 public:
  using Error::Error;
};

/// @brief A scenario (or a value given on the command line) is invalid. Exit code 1.
/// Carries every diagnostic found, each with file, line, column and key path.
class ScenarioError : public Error {
 public:
  explicit ScenarioError(Diagnostics diagnostics)
      : Error(diagnostics.to_string()), diagnostics_(std::move(diagnostics)) {}
  [[nodiscard]] const Diagnostics& diagnostics() const noexcept { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

}  // namespace azsim
