#include "models/civil_violence/model.hpp"

#include "models/civil_violence/parameters.hpp"
#include "models/civil_violence/spec.hpp"

namespace azsim::civil_violence {
namespace {
class CivilViolenceModel final : public Model {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "civil_violence"; }
  [[nodiscard]] std::string_view description() const noexcept override {
    return "Epstein's (2002) civil violence, Model I: citizens, cops and legitimacy on a torus";
  }
  [[nodiscard]] ParameterTable parameter_table() const noexcept override { return civil_violence::parameter_table(); }
  [[nodiscard]] std::shared_ptr<const LoadedScenario> load(Document document) const override {
    ScenarioSpec spec = read_spec(document);
    return std::make_shared<const CivilViolenceScenario>(std::move(document), std::move(spec));
  }
};
}  // namespace

std::unique_ptr<Model> make_model() { return std::make_unique<CivilViolenceModel>(); }
}  // namespace azsim::civil_violence
