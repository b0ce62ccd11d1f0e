#include "core/model.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/scenario/posterior.hpp"
#include "core/text.hpp"

namespace azsim {

void ModelRegistry::add(std::unique_ptr<Model> model) { models_.push_back(std::move(model)); }

const Model* ModelRegistry::find(std::string_view name) const noexcept {
  for (const auto& m : models_)
    if (m->name() == name) return m.get();
  return nullptr;
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& m : models_) out.emplace_back(m->name());
  return out;
}

std::shared_ptr<const LoadedScenario> load_scenario(const ModelRegistry& registry,
                                                    const std::string& path,
                                                    std::span<const std::string> sets) {
  Document doc = load_document(path, sets);
  const Model* model = registry.find(doc.model);
  if (!model) {
    Diagnostics d;
    const yaml::Node* key = doc.root.find("model");
    const auto names = registry.names();
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    d.add(key ? key->mark : doc.root.mark, "model",
          "unknown model '" + doc.model + "' (this azsim has: " + known + ")" +
              did_you_mean(doc.model, names));
    throw ScenarioError(d);
  }
  auto scenario = model->load(std::move(doc));
  if (scenario->document().posterior) check_posterior(*scenario->document().posterior, scenario->parameters());
  return scenario;
}

}  // namespace azsim
