#include "core/run/aggregate.hpp"

#include <stdexcept>

#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"

namespace azsim {

namespace {
constexpr double kQuantiles[] = {0.05, 0.25, 0.50, 0.75, 0.95};
constexpr const char* kQuantileNames[] = {"q05", "q25", "q50", "q75", "q95"};
}  // namespace

void TimelineAggregate::check_shape(const Timeline& t) const {
  bool same = t.dates == dates_ && t.masks.size() == masks_.size() && t.counts.size() == counts_.size();
  for (std::size_t s = 0; same && s < masks_.size(); ++s) {
    const MaskSeries &a = masks_[s].shape, &b = t.masks[s];
    same = a.name == b.name && a.units == b.units && a.categories == b.categories;
  }
  for (std::size_t s = 0; same && s < counts_.size(); ++s) {
    const CountSeries &a = counts_[s].shape, &b = t.counts[s];
    same = a.name == b.name && a.units == b.units && a.key_columns == b.key_columns && a.bound == b.bound;
  }
  if (!same) throw std::logic_error("a run reported a timeline of another shape than the runs before it");
}

void TimelineAggregate::add(const Timeline& t) {
  const std::size_t days = t.dates.size();
  for (const auto& m : t.masks) {
    if (m.categories.size() > 64) throw std::logic_error("MaskSeries '" + m.name + "': more than 64 categories");
    if (m.values.size() != days * m.units.size()) throw std::logic_error("MaskSeries '" + m.name + "': wrong size");
  }
  for (const auto& c : t.counts)
    if (c.values.size() != days * c.units.size()) throw std::logic_error("CountSeries '" + c.name + "': wrong size");
  if (runs_ == 0) {
    dates_ = t.dates;
    masks_.clear();
    counts_.clear();
    for (const auto& m : t.masks) {
      Mask a{MaskSeries{m.name, m.unit_column, m.units, m.categories, {}}, {}};
      a.counts.assign(days * m.units.size() * m.categories.size(), 0);
      masks_.push_back(std::move(a));
    }
    for (const auto& c : t.counts) {
      Count a{CountSeries{c.name, c.key_columns, c.units, c.bound, {}}, 0, {}, {}};
      a.bins = stats::LogLinearBins(c.bound).size();
      a.hist.assign(days * c.units.size() * a.bins, 0);
      a.sums.assign(days * c.units.size(), 0);
      counts_.push_back(std::move(a));
    }
  } else {
    check_shape(t);
  }
  for (std::size_t s = 0; s < masks_.size(); ++s) {
    Mask& a = masks_[s];
    const std::size_t C = a.shape.categories.size();
    const auto& values = t.masks[s].values;
    for (std::size_t k = 0; k < values.size(); ++k)
      for (std::uint64_t bits = values[k]; bits != 0; bits &= bits - 1) {
        const auto c = static_cast<std::size_t>(__builtin_ctzll(bits));
        if (c < C) ++a.counts[k * C + c];
      }
  }
  for (std::size_t s = 0; s < counts_.size(); ++s) {
    Count& a = counts_[s];
    const stats::LogLinearBins bins(a.shape.bound);
    const auto& values = t.counts[s].values;
    for (std::size_t k = 0; k < values.size(); ++k) {
      ++a.hist[k * a.bins + bins.bin(values[k])];
      a.sums[k] += values[k];
    }
  }
  ++runs_;
}

double TimelineAggregate::quantile(std::size_t s, std::size_t d, std::size_t u, double q) const {
  const Count& a = counts_.at(s);
  const std::size_t k = d * a.shape.units.size() + u;
  return stats::LogLinearBins(a.shape.bound).quantile(std::span(a.hist).subspan(k * a.bins, a.bins), q);
}

void TimelineAggregate::write(const std::filesystem::path& dir) const {
  if (runs_ == 0) return;
  const double n = static_cast<double>(runs_);
  for (const Mask& a : masks_) {
    std::vector<std::string> header{"date", "day", a.shape.unit_column};
    header.insert(header.end(), a.shape.categories.begin(), a.shape.categories.end());
    io::AtomicFile file(dir / (a.shape.name + ".csv"));
    io::CsvWriter csv(file.stream(), header);
    const std::size_t U = a.shape.units.size(), C = a.shape.categories.size();
    for (std::size_t d = 0; d < dates_.size(); ++d)
      for (std::size_t u = 0; u < U; ++u) {
        csv.field(dates_[d]).field(static_cast<std::int64_t>(d)).field(a.shape.units[u]);
        for (std::size_t c = 0; c < C; ++c) csv.field(static_cast<double>(a.counts[(d * U + u) * C + c]) / n);
        csv.end_row();
      }
    file.commit();
  }
  for (std::size_t s = 0; s < counts_.size(); ++s) {
    const Count& a = counts_[s];
    std::vector<std::string> header{"date", "day"};
    header.insert(header.end(), a.shape.key_columns.begin(), a.shape.key_columns.end());
    header.push_back("mean");
    header.insert(header.end(), std::begin(kQuantileNames), std::end(kQuantileNames));
    io::AtomicFile file(dir / (a.shape.name + ".csv"));
    io::CsvWriter csv(file.stream(), header);
    const stats::LogLinearBins bins(a.shape.bound);
    const std::size_t U = a.shape.units.size();
    for (std::size_t d = 0; d < dates_.size(); ++d)
      for (std::size_t u = 0; u < U; ++u) {
        const std::size_t k = d * U + u;
        csv.field(dates_[d]).field(static_cast<std::int64_t>(d));
        for (const auto& key : a.shape.units[u]) csv.field(key);
        csv.field(static_cast<double>(a.sums[k]) / n);
        const std::span<const std::uint32_t> h = std::span(a.hist).subspan(k * a.bins, a.bins);
        for (double q : kQuantiles) csv.field(bins.quantile(h, q));
        csv.end_row();
      }
    file.commit();
  }
}

void TimelineAggregate::save(io::BinaryWriter& out) const {
  out.u64(runs_);
  out.strings(dates_);
  out.u64(masks_.size());
  for (const Mask& a : masks_) {
    out.str(a.shape.name);
    out.str(a.shape.unit_column);
    out.strings(a.shape.units);
    out.strings(a.shape.categories);
    out.array(a.counts);
  }
  out.u64(counts_.size());
  for (const Count& a : counts_) {
    out.str(a.shape.name);
    out.strings(a.shape.key_columns);
    out.u64(a.shape.units.size());
    for (const auto& u : a.shape.units) out.strings(u);
    out.u64(static_cast<std::uint64_t>(a.shape.bound));
    out.array(a.hist);
    out.array(a.sums);
  }
}

TimelineAggregate TimelineAggregate::load(io::BinaryReader& in) {
  TimelineAggregate t;
  t.runs_ = in.u64();
  t.dates_ = in.strings();
  const std::size_t days = t.dates_.size();
  const std::uint64_t masks = in.u64();
  if (masks > 1024) in.fail("an impossible number of series");
  for (std::uint64_t s = 0; s < masks; ++s) {
    Mask a;
    a.shape.name = in.str();
    a.shape.unit_column = in.str();
    a.shape.units = in.strings();
    a.shape.categories = in.strings();
    a.counts = in.array<std::uint32_t>();
    if (a.counts.size() != days * a.shape.units.size() * a.shape.categories.size()) in.fail("a series of the wrong size");
    t.masks_.push_back(std::move(a));
  }
  const std::uint64_t counts = in.u64();
  if (counts > 1024) in.fail("an impossible number of series");
  for (std::uint64_t s = 0; s < counts; ++s) {
    Count a;
    a.shape.name = in.str();
    a.shape.key_columns = in.strings();
    const std::uint64_t units = in.u64();
    if (units > (std::uint64_t{1} << 32)) in.fail("an impossible number of units");
    for (std::uint64_t u = 0; u < units; ++u) a.shape.units.push_back(in.strings());
    a.shape.bound = static_cast<std::int64_t>(in.u64());
    if (a.shape.bound < 0) in.fail("a negative bound");
    a.bins = stats::LogLinearBins(a.shape.bound).size();
    a.hist = in.array<std::uint32_t>();
    a.sums = in.array<std::int64_t>();
    if (a.hist.size() != days * units * a.bins || a.sums.size() != days * units) in.fail("a series of the wrong size");
    t.counts_.push_back(std::move(a));
  }
  return t;
}

}  // namespace azsim
