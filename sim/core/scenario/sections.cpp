#include "core/scenario/sections.hpp"

#include <set>

namespace azsim::schema {

ScenarioMeta read_meta(MapReader& top, std::string_view what,
                       const std::function<void(MapReader&)>& more) {
  ScenarioMeta meta;
  Reader& r = top.reader();
  const Node* n = top.required("meta", what);
  if (!n) return meta;
  MapReader m(r, *n, "meta");
  if (!m.ok()) return meta;
  meta.name = m.string("name").value_or("");
  meta.description = m.string("description", false).value_or("");
  if (more) more(m);
  m.strings("questions");
  if (const Node* s = m.optional("sources")) {
    std::set<std::string> seen;
    for_each_item(r, *s, m.path("sources"), [&](const Node& item, const std::string& p) {
      MapReader e(r, item, p, "a source {id, cite, url?}");
      if (!e.ok()) return;
      if (auto id = e.id("id"); id && !seen.insert(*id).second)
        r.error(*e.optional("id"), e.path("id"), "duplicate source id '" + *id + "'");
      e.string("cite");
      e.string("url", false);
      e.finish();
    });
  }
  m.finish();
  return meta;
}

ParameterSet read_parameters_section(MapReader& top, ParameterTable table) {
  const Node* n = top.required("parameters", "every parameter of the model with a prior");
  return n ? read_parameters(top.reader(), *n, "parameters", table) : ParameterSet{};
}

}  // namespace azsim::schema
