#pragma once
/// @file
/// @brief The generic parts of every model's schema: reading a composed document's top level
/// with every problem collected, the `meta:` section and the `parameters:` section. A model's
/// schema reads its own sections between them.

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/error.hpp"
#include "core/scenario/document.hpp"
#include "core/scenario/parameters.hpp"
#include "core/scenario/reader.hpp"

namespace azsim::schema {

/// @brief Reads a composed document's top-level mapping: `read(top)` reads the model's
/// sections from `top` and returns the model's description. `schema_version` and `model`
/// (checked while composing) are allowed; any key `read` does not ask for is an error.
/// @throws ScenarioError with every problem found, in the order found.
template <typename Read>
[[nodiscard]] std::invoke_result_t<Read&, MapReader&> read_document(const Document& document,
                                                                    Read&& read) {
  Diagnostics diagnostics;
  Reader reader(diagnostics);
  MapReader top(reader, document.root, "", "a scenario (a mapping of sections)");
  if (!top.ok()) throw ScenarioError(diagnostics);
  top.allow({"schema_version", "model"});
  auto out = read(top);
  top.finish();
  if (!diagnostics.empty()) throw ScenarioError(diagnostics);
  return out;
}

/// @brief What every scenario's `meta:` says of itself.
struct ScenarioMeta {
  std::string name;
  std::string description;
};

/// @brief Reads the required `meta:` section of `top`: `name`, `description?`, then the
/// model's own keys (`more`, e.g. a period), `questions?`, and `sources?` (a list of
/// `{id, cite, url?}` with unique ids); any other key is an error. `what` describes the
/// section when it is missing. Empty fields where the section is missing or wrong.
ScenarioMeta read_meta(MapReader& top, std::string_view what,
                       const std::function<void(MapReader&)>& more = {});

/// @brief Reads the required `parameters:` section of `top` against the model's table
/// (read_parameters); empty when it is missing or wrong.
[[nodiscard]] ParameterSet read_parameters_section(MapReader& top, ParameterTable table);

}  // namespace azsim::schema
