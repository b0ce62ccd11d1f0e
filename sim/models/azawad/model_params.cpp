#include "models/azawad/model_params.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/azawad/parameters.hpp"

namespace azsim::azawad {

ModelParams ModelParams::from(const ParameterSet& set) {
  ModelParams p{};
  const std::vector<std::pair<const char*, double*>> fields{
      {"economy.town_revenue", &p.economy.town_revenue},
      {"economy.route_revenue", &p.economy.route_revenue},
      {"economy.upkeep", &p.economy.upkeep},
      {"economy.reserve_days", &p.economy.reserve_days},
      {"economy.pay_adjust_rate", &p.economy.pay_adjust_rate},
      {"relations.ideology_drift", &p.relations.ideology_drift},
      {"relations.shared_enemy_pull", &p.relations.shared_enemy_pull},
      {"relations.incident_rate", &p.relations.incident_rate},
      {"relations.incident_impact", &p.relations.incident_impact},
      {"relations.escalation_prob", &p.relations.escalation_prob},
      {"relations.war_threshold", &p.relations.war_threshold},
      {"relations.alliance_threshold", &p.relations.alliance_threshold},
      {"relations.alliance_hysteresis", &p.relations.alliance_hysteresis},
      {"relations.siding_penalty", &p.relations.siding_penalty},
      {"relations.solidarity", &p.relations.solidarity},
      {"relations.outside_restraint", &p.relations.outside_restraint},
      {"strategy.attack_ratio", &p.strategy.attack_ratio},
      {"strategy.leave_ratio", &p.strategy.leave_ratio},
      {"strategy.ultimatum_odds", &p.strategy.ultimatum_odds},
      {"strategy.ultimatum_slope", &p.strategy.ultimatum_slope},
      {"strategy.value_population_weight", &p.strategy.value_population_weight},
      {"strategy.reserve_share", &p.strategy.reserve_share},
      {"strategy.perception_noise", &p.strategy.perception_noise},
      {"strategy.offensive_morale", &p.strategy.offensive_morale},
      {"strategy.morale_momentum", &p.strategy.morale_momentum},
      {"strategy.perception_days", &p.strategy.perception_days},
      {"strategy.projection_km", &p.strategy.projection_km},
      {"movement.road_speed", &p.movement.road_speed},
      {"movement.track_speed", &p.movement.track_speed},
      {"combat.attrition_rate", &p.combat.attrition_rate},
      {"combat.killed_share", &p.combat.killed_share},
      {"combat.defender_factor", &p.combat.defender_factor},
      {"combat.mountain_factor", &p.combat.mountain_factor},
      {"combat.air_factor", &p.combat.air_factor},
      {"combat.rural_cap", &p.combat.rural_cap},
      {"combat.retreat_loss", &p.combat.retreat_loss},
      {"combat.pursuit_rate", &p.combat.pursuit_rate},
      {"combat.siege_surrender", &p.combat.siege_surrender},
      {"combat.wound_recovery_days", &p.combat.wound_recovery_days},
      {"combat.collateral", &p.combat.collateral},
      {"asymmetric.attack_rate", &p.asymmetric.attack_rate},
      {"asymmetric.tail_index", &p.asymmetric.tail_index},
      {"asymmetric.min_fatalities", &p.asymmetric.min_fatalities},
      {"asymmetric.reach_km", &p.asymmetric.reach_km},
      {"asymmetric.suicide_share", &p.asymmetric.suicide_share},
      {"civilians.violence_effect", &p.civilians.violence_effect},
      {"civilians.ethnic_alignment", &p.civilians.ethnic_alignment},
      {"civilians.rule_effect", &p.civilians.rule_effect},
      {"civilians.grievance_per_death", &p.civilians.grievance_per_death},
      {"civilians.grievance_decay", &p.civilians.grievance_decay},
      {"civilians.combatant_weight", &p.civilians.combatant_weight},
      {"civilians.reprisal_base", &p.civilians.reprisal_base},
      {"civilians.reprisal_branching", &p.civilians.reprisal_branching},
      {"civilians.reprisal_memory_days", &p.civilians.reprisal_memory_days},
      {"civilians.reprisal_band_men", &p.civilians.reprisal_band_men},
      {"civilians.massacre_tail_index", &p.civilians.massacre_tail_index},
      {"civilians.massacre_scale", &p.civilians.massacre_scale},
      {"civilians.flight_per_death", &p.civilians.flight_per_death},
      {"civilians.abroad_share", &p.civilians.abroad_share},
      {"fighters.defection_base", &p.fighters.defection_base},
      {"fighters.pay_weight", &p.fighters.pay_weight},
      {"fighters.ideology_weight", &p.fighters.ideology_weight},
      {"fighters.ethnicity_weight", &p.fighters.ethnicity_weight},
      {"fighters.winning_weight", &p.fighters.winning_weight},
      {"fighters.contagion_weight", &p.fighters.contagion_weight},
      {"fighters.loyalty_weight", &p.fighters.loyalty_weight},
      {"fighters.enemy_cost", &p.fighters.enemy_cost},
      {"fighters.desertion_base", &p.fighters.desertion_base},
      {"fighters.unpaid_desertion", &p.fighters.unpaid_desertion},
      {"fighters.rout_desertion", &p.fighters.rout_desertion},
      {"fighters.recruitment_rate", &p.fighters.recruitment_rate},
      {"fighters.reservation_wage", &p.fighters.reservation_wage},
      {"negotiation.talks_base", &p.negotiation.talks_base},
      {"negotiation.losses_weight", &p.negotiation.losses_weight},
      {"negotiation.displacement_weight", &p.negotiation.displacement_weight},
      {"negotiation.mediation_weight", &p.negotiation.mediation_weight},
      {"negotiation.ceasefire_hazard", &p.negotiation.ceasefire_hazard},
      {"negotiation.violation_hazard", &p.negotiation.violation_hazard},
      {"negotiation.goal_shift_threshold", &p.negotiation.goal_shift_threshold},
      {"negotiation.weariness_days", &p.negotiation.weariness_days},
      {"negotiation.ripeness", &p.negotiation.ripeness},
      {"negotiation.ceasefire_mediation", &p.negotiation.ceasefire_mediation},
  };
  if (fields.size() != parameter_table().size())
    throw std::logic_error("ModelParams has " + std::to_string(fields.size()) +
                           " fields but the parameter table has " +
                           std::to_string(parameter_table().size()));
  for (const auto& [name, field] : fields) *field = set.value(name);
  return p;
}

}  // namespace azsim::azawad
