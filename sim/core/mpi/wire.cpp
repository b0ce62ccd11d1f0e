#include "core/mpi/wire.hpp"

namespace azsim::cluster {

void encode(io::BinaryWriter& out, const RunSummary& s) {
  out.u64(s.outcomes.size());
  for (const auto& o : s.outcomes) {
    out.str(o.name);
    out.str(o.unit);
    out.u64(o.value ? 1 : 0);
    out.f64(o.value.value_or(0));
  }
  out.u64(s.targets.size());
  for (const auto& t : s.targets) {
    out.str(t.id);
    out.str(t.description);
    out.u64(t.hit ? 1 : 0);
    out.f64(t.miss);
  }
  const Timeline& tl = s.timeline;
  out.strings(tl.dates);
  out.u64(tl.masks.size());
  for (const auto& m : tl.masks) {
    out.str(m.name);
    out.str(m.unit_column);
    out.strings(m.units);
    out.strings(m.categories);
    out.array(m.values);
  }
  out.u64(tl.counts.size());
  for (const auto& c : tl.counts) {
    out.str(c.name);
    out.strings(c.key_columns);
    out.u64(c.units.size());
    for (const auto& u : c.units) out.strings(u);
    out.u64(static_cast<std::uint64_t>(c.bound));
    out.array(c.values);
  }
}

RunSummary decode_summary(io::BinaryReader& in) {
  RunSummary s;
  const auto count = [&](std::uint64_t limit) {
    const std::uint64_t n = in.u64();
    if (n > limit) in.fail("an impossible count");
    return n;
  };
  for (std::uint64_t i = 0, n = count(1u << 24); i < n; ++i) {
    Outcome o;
    o.name = in.str();
    o.unit = in.str();
    const bool has = in.u64() != 0;
    const double v = in.f64();
    if (has) o.value = v;
    s.outcomes.push_back(std::move(o));
  }
  for (std::uint64_t i = 0, n = count(1u << 24); i < n; ++i) {
    TargetResult t;
    t.id = in.str();
    t.description = in.str();
    t.hit = in.u64() != 0;
    t.miss = in.f64();
    s.targets.push_back(std::move(t));
  }
  Timeline& tl = s.timeline;
  tl.dates = in.strings();
  for (std::uint64_t i = 0, n = count(1024); i < n; ++i) {
    MaskSeries m;
    m.name = in.str();
    m.unit_column = in.str();
    m.units = in.strings();
    m.categories = in.strings();
    m.values = in.array<std::uint64_t>();
    tl.masks.push_back(std::move(m));
  }
  for (std::uint64_t i = 0, n = count(1024); i < n; ++i) {
    CountSeries c;
    c.name = in.str();
    c.key_columns = in.strings();
    for (std::uint64_t u = 0, units = count(std::uint64_t{1} << 32); u < units; ++u) c.units.push_back(in.strings());
    c.bound = static_cast<std::int64_t>(in.u64());
    c.values = in.array<std::int64_t>();
    tl.counts.push_back(std::move(c));
  }
  return s;
}

void encode(io::BinaryWriter& out, const BatchJob& job) {
  out.u64(job.run);
  out.array(job.parameters);
}

BatchJob decode_job(io::BinaryReader& in) {
  BatchJob job;
  job.run = in.u64();
  job.parameters = in.array<double>();
  return job;
}

}  // namespace azsim::cluster
