#pragma once
/// @file
/// @brief The azawad model's parameters as plain fields, read once per run from the
/// scenario's ParameterSet (possibly overridden by a calibration particle), so the daily
/// rules read `p.combat.attrition_rate` rather than looking names up.

#include "core/scenario/parameters.hpp"

namespace azsim::azawad {

struct ModelParams {
  struct {
    double town_revenue, route_revenue, upkeep, reserve_days, pay_adjust_rate;
  } economy;
  struct {
    double ideology_drift, shared_enemy_pull, incident_rate, incident_impact, escalation_prob,
        war_threshold, alliance_threshold, alliance_hysteresis, siding_penalty, solidarity, outside_restraint;
  } relations;
  struct {
    double attack_ratio, leave_ratio, ultimatum_odds, ultimatum_slope, value_population_weight,
        reserve_share, perception_noise, offensive_morale, perception_days, projection_km, morale_momentum;
  } strategy;
  struct {
    double road_speed, track_speed;
  } movement;
  struct {
    double attrition_rate, killed_share, defender_factor, mountain_factor, air_factor, rural_cap,
        retreat_loss, pursuit_rate, siege_surrender, wound_recovery_days, collateral;
  } combat;
  struct {
    double attack_rate, tail_index, min_fatalities, reach_km, suicide_share;
  } asymmetric;
  struct {
    double violence_effect, ethnic_alignment, rule_effect, grievance_per_death, grievance_decay,
        combatant_weight, reprisal_base, reprisal_branching, reprisal_memory_days, reprisal_band_men,
        massacre_tail_index, massacre_scale, flight_per_death, abroad_share;
  } civilians;
  struct {
    double defection_base, pay_weight, ideology_weight, ethnicity_weight, winning_weight,
        contagion_weight, loyalty_weight, enemy_cost, desertion_base, unpaid_desertion, rout_desertion, recruitment_rate,
        reservation_wage;
  } fighters;
  struct {
    double talks_base, losses_weight, displacement_weight, mediation_weight, ceasefire_hazard,
        violation_hazard, goal_shift_threshold, weariness_days, ripeness, ceasefire_mediation;
  } negotiation;

  /// @brief Reads every field from `set` by its full name ("combat.attrition_rate").
  /// @throws std::logic_error if the model's table and these fields disagree (a bug).
  [[nodiscard]] static ModelParams from(const ParameterSet& set);
};

}  // namespace azsim::azawad
