#include "core/run/rows.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "core/error.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/csv.hpp"

namespace azsim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ95 = 1.959963984540054;  // the standard normal's 97.5% quantile
}  // namespace

void RowTable::put(std::size_t job, const RunSummary& s) {
  if (job >= rows_.size()) throw std::out_of_range("RowTable::put: job out of range");
  const bool first = names_.empty() && target_ids_.empty() && finished() == 0;
  if (first) {
    for (const auto& o : s.outcomes) {
      names_.push_back(o.name);
      units_.push_back(o.unit);
    }
    for (const auto& t : s.targets) {
      target_ids_.push_back(t.id);
      target_descriptions_.push_back(t.description);
    }
  } else {
    bool same = s.outcomes.size() == names_.size() && s.targets.size() == target_ids_.size();
    for (std::size_t i = 0; same && i < names_.size(); ++i) same = s.outcomes[i].name == names_[i];
    for (std::size_t i = 0; same && i < target_ids_.size(); ++i) same = s.targets[i].id == target_ids_[i];
    if (!same) throw std::logic_error("a run reported other outcomes or targets than the runs before it");
  }
  RunRow row;
  row.values.reserve(s.outcomes.size());
  for (const auto& o : s.outcomes) row.values.push_back(o.value.value_or(kNaN));
  for (const auto& t : s.targets) {
    row.hits.push_back(t.hit ? 1 : 0);
    row.misses.push_back(t.miss);
  }
  rows_[job] = std::move(row);
}

std::size_t RowTable::finished() const noexcept {
  return static_cast<std::size_t>(std::count_if(rows_.begin(), rows_.end(), [](const auto& r) { return r.has_value(); }));
}

void RowTable::write_runs_csv(const std::filesystem::path& path, const Prefix& prefix) const {
  std::vector<std::string> header = prefix.header;
  header.insert(header.end(), names_.begin(), names_.end());
  const std::unordered_set<std::string> have(names_.begin(), names_.end());
  std::vector<std::size_t> extra;  // targets whose hit/miss are not outcomes already
  for (std::size_t t = 0; t < target_ids_.size(); ++t)
    if (!have.count(target_ids_[t] + ".hit")) {
      extra.push_back(t);
      header.push_back(target_ids_[t] + ".hit");
      header.push_back(target_ids_[t] + ".miss");
    }
  io::AtomicFile file(path);
  io::CsvWriter csv(file.stream(), header);
  for (std::size_t j = 0; j < rows_.size(); ++j) {
    if (!rows_[j]) throw std::logic_error("RowTable::write_runs_csv: job " + std::to_string(j) + " is not finished");
    for (const auto& v : prefix.values(j)) csv.field(v);
    for (double v : rows_[j]->values) std::isnan(v) ? csv.field("NA") : csv.field(v);
    for (std::size_t t : extra)
      csv.field(static_cast<std::int64_t>(rows_[j]->hits[t])).field(rows_[j]->misses[t]);
    csv.end_row();
  }
  file.commit();
}

void RowTable::write_targets_csv(const std::filesystem::path& path) const {
  io::AtomicFile file(path);
  io::CsvWriter csv(file.stream(), {"target", "description", "runs", "hits", "hit_rate", "hit_rate_ci_low",
                                    "hit_rate_ci_high", "median_miss"});
  for (std::size_t t = 0; t < target_ids_.size(); ++t) {
    std::uint64_t n = 0, hits = 0;
    std::vector<double> misses;
    for (const auto& r : rows_) {
      if (!r) continue;
      ++n;
      hits += r->hits[t];
      misses.push_back(r->misses[t]);
    }
    const auto [lo, hi] = wilson_interval(hits, n);
    csv.field(target_ids_[t]).field(target_descriptions_[t]).field(n).field(hits);
    if (n == 0) csv.field("NA").field("NA").field("NA").field("NA");
    else csv.field(static_cast<double>(hits) / static_cast<double>(n)).field(lo).field(hi).field(sample_quantile(misses, 0.5));
    csv.end_row();
  }
  file.commit();
}

void RowTable::save(io::BinaryWriter& out) const {
  out.strings(names_);
  out.strings(units_);
  out.strings(target_ids_);
  out.strings(target_descriptions_);
  out.u64(rows_.size());
  for (const auto& r : rows_) {
    out.u64(r ? 1 : 0);
    if (!r) continue;
    out.array(r->values);
    out.array(r->hits);
    out.array(r->misses);
  }
}

RowTable RowTable::load(io::BinaryReader& in) {
  RowTable t;
  t.names_ = in.strings();
  t.units_ = in.strings();
  t.target_ids_ = in.strings();
  t.target_descriptions_ = in.strings();
  if (t.units_.size() != t.names_.size() || t.target_descriptions_.size() != t.target_ids_.size())
    in.fail("inconsistent columns");
  const std::uint64_t jobs = in.u64();
  if (jobs > (std::uint64_t{1} << 40)) in.fail("an impossible number of jobs");
  t.rows_.resize(jobs);
  for (auto& r : t.rows_) {
    if (in.u64() == 0) continue;
    RunRow row;
    row.values = in.array<double>();
    row.hits = in.array<std::uint8_t>();
    row.misses = in.array<double>();
    if (row.values.size() != t.names_.size() || row.hits.size() != t.target_ids_.size() ||
        row.misses.size() != t.target_ids_.size())
      in.fail("a row of the wrong width");
    r = std::move(row);
  }
  return t;
}

const std::vector<double>* RunsTable::find(std::string_view name) const noexcept {
  for (std::size_t c = 0; c < names.size(); ++c)
    if (names[c] == name) return &columns[c];
  return nullptr;
}

RunsTable read_runs_csv(const std::filesystem::path& path, std::size_t prefix) {
  const auto rows = io::read_csv(io::read_file(path), path.string());
  if (rows.empty() || rows[0].size() < prefix) throw IoError(path.string() + ": no header of runs");
  RunsTable t;
  t.names.assign(rows[0].begin() + static_cast<std::ptrdiff_t>(prefix), rows[0].end());
  t.columns.resize(t.names.size());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::string where = path.string() + ":" + std::to_string(r + 1);
    if (rows[r].size() != rows[0].size()) throw IoError(where + ": wrong number of fields");
    for (std::size_t c = 0; c < t.names.size(); ++c) {
      const std::string& text = rows[r][prefix + c];
      double v = kNaN;
      if (text != "NA") {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size()) throw IoError(where + ": not a number: '" + text + "'");
      }
      t.columns[c].push_back(v);
    }
  }
  return t;
}

std::pair<double, double> wilson_interval(std::uint64_t hits, std::uint64_t n) noexcept {
  if (n == 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n), p = static_cast<double>(hits) / nn, z2 = kZ95 * kZ95;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = kZ95 * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  // The interval always holds p; rounding could otherwise put a bound a hair past it at 0 or n.
  return {std::clamp(centre - half, 0.0, p), std::clamp(centre + half, p, 1.0)};
}

double sample_quantile(std::vector<double> values, double q) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1) * std::clamp(q, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace azsim
