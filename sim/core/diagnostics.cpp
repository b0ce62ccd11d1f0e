#include "core/diagnostics.hpp"

namespace azsim {

std::string Mark::to_string() const {
  std::string out = file ? *file : std::string("<input>");
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::to_string() const {
  std::string out = mark.to_string() + ": ";
  if (!path.empty()) out += path + ": ";
  return out + message;
}

void Diagnostics::add(Diagnostic d) {
  if (items_.size() >= limit_) {
    ++dropped_;
    return;
  }
  items_.push_back(std::move(d));
}

void Diagnostics::append(const Diagnostics& other) {
  for (const auto& d : other.items_) add(d);
  dropped_ += other.dropped_;
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) out += d.to_string() + '\n';
  if (dropped_ > 0) {
    out += "... and " + std::to_string(dropped_) + " more error" + (dropped_ == 1 ? "" : "s") +
           " not shown (the first " + std::to_string(limit_) + " are listed)\n";
  }
  return out;
}

}  // namespace azsim
