// Phase 11, record: what the outputs and the scoring of targets need from the day.

#include "models/azawad/phases.hpp"

namespace azsim::azawad {

void record_day(World& w) {
  DailyRecord r;
  r.holders = w.nodes.holders;
  r.control = w.nodes.control;
  r.flag = w.nodes.flag;
  r.present = w.nodes.garrison;
  r.travelling = w.nodes.inbound;
  r.wounded = w.nodes.wounded;
  r.killed = w.today_killed;
  r.wounded_today = w.today_wounded;
  r.civilians = w.today_civilians;
  r.relation.assign(w.relation.data(), w.relation.data() + w.relation.size());
  r.relation_state = w.relation_state;
  r.support = w.support;
  r.grievance.assign(w.grievance.data(), w.grievance.data() + w.grievance.size());
  r.displaced = w.nodes.displaced;
  r.abroad = w.nodes.abroad;
  w.history.push_back(std::move(r));
  w.active_by_day.push_back(w.factions.active);
}

}  // namespace azsim::azawad
