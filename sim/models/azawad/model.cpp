#include "models/azawad/model.hpp"

#include "models/azawad/parameters.hpp"
#include "models/azawad/spec.hpp"

namespace azsim::azawad {
namespace {
class AzawadModel final : public Model {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "azawad"; }
  [[nodiscard]] std::string_view description() const noexcept override {
    return "factions, towns, communities and fighters in an insurgency with outside intervention";
  }
  [[nodiscard]] ParameterTable parameter_table() const noexcept override {
    return azawad::parameter_table();
  }
  [[nodiscard]] std::shared_ptr<const LoadedScenario> load(Document document) const override {
    ScenarioSpec spec = read_spec(document);
    return std::make_shared<const AzawadScenario>(std::move(document), std::move(spec));
  }
};
}  // namespace

std::unique_ptr<Model> make_model() { return std::make_unique<AzawadModel>(); }
}  // namespace azsim::azawad
