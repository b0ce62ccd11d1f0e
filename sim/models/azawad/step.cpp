// The day, phase by phase, as the model brief lists them (docs/ODD.md).

#include <algorithm>

#include "core/exec/executor.hpp"
#include "models/azawad/check.hpp"
#include "models/azawad/phases.hpp"

namespace azsim::azawad {

void step(World& w, const exec::Executor& ex) {
  std::fill(w.today_killed.begin(), w.today_killed.end(), 0);
  std::fill(w.today_wounded.begin(), w.today_wounded.end(), 0);
  std::fill(w.today_civilians.begin(), w.today_civilians.end(), 0);
  if (apply_shocks(w))        // 1. outside forces arrive over their build-up; mediation
    refresh_roster(w, ex);    //    (new fighters: into the roster)
  run_economy(w);             // 2. income, payroll, pay offered; the broke cut pay
  update_relations(w);        // 3. ideological drift, shared enemies, incidents, siding
  plan_strategy(w);           // 4. attack, reinforce, withdraw; outside forces' objectives
  move_fighters(w, ex);       // 5. columns travel along roads and tracks
  fight(w, ex);               // 6. ultimatums, air strikes, battles, retreat, pursuit, sieges
  strike_from_refuges(w);     // 6. suicide and bomb attacks from refuges
  update_control(w);          // 7. who holds each town; flags
  update_civilians(w);        // 8. support, grievance, reprisals, flight
  fighters_decide(w, ex);     // 9. recovery, desertion, defection, recruitment
  negotiate(w);               // 10. talks, ceasefires, violations; goals shift
  update_control(w);          // 11. the day's final holders (after defections and peace), then
  record_day(w);              //     history for outputs and targets
  check_day(w);               //     a number that cannot be is an error, not an output (check.hpp)
  ++w.day;
}

}  // namespace azsim::azawad
