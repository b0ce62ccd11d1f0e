#include "models/civil_violence/parameters.hpp"

#include <array>

namespace azsim::civil_violence {
namespace {
using D = ParameterDomain;

constexpr std::array kTable{
    ParameterInfo{"population", "citizen_density", "share of cells", D::probability,
                  "Probability that a cell starts with a citizen."},
    ParameterInfo{"population", "cop_density", "share of cells", D::probability,
                  "Probability that a cell starts with a cop (citizen and cop densities sum to at most 1)."},
    ParameterInfo{"citizens", "legitimacy", "share", D::probability,
                  "The regime's legitimacy L as every citizen perceives it, before any shock; grievance G = H (1 - L)."},
    ParameterInfo{"citizens", "threshold", "grievance units", D::non_negative,
                  "T: a citizen is active when G - R P > T."},
    ParameterInfo{"citizens", "arrest_constant", "per cop-to-active ratio", D::positive,
                  "k in the estimated arrest probability P = 1 - exp(-k round(C / A)) (floor with rules.arrest_ratio: floor)."},
    ParameterInfo{"citizens", "vision", "cells", D::positive,
                  "Radius of a citizen's von Neumann (diamond) neighbourhood, rounded to an integer."},
    ParameterInfo{"cops", "vision", "cells", D::positive,
                  "Radius of a cop's von Neumann (diamond) neighbourhood, rounded to an integer."},
    ParameterInfo{"cops", "max_jail_term", "steps", D::non_negative,
                  "Jail terms are uniform integers in [0, this] (rounded to an integer)."},
};
}  // namespace

ParameterTable parameter_table() noexcept { return kTable; }

}  // namespace azsim::civil_violence
