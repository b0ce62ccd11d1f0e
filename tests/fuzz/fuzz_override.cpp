// libFuzzer target: the override parser. Each line of the input is one `--set PATH=VALUE`,
// applied to the test world's tree; the changed tree is then read by the azawad schema, as
// `azsim run --set` does. A finding is a crash, a sanitizer report, a hang or any exception
// that is not one of azsim's errors.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const azsim::Model* model = azsim::fuzz::registry().find("azawad");
  azsim::Document doc = azsim::fuzz::minimal().document();
  azsim::Diagnostics diagnostics;
  std::size_t at = 0;
  for (int lines = 0; at <= text.size() && lines < 16; ++lines) {
    const auto end = std::min(text.find('\n', at), text.size());
    azsim::apply_set(doc.root, text.substr(at, end - at), diagnostics);
    at = end + 1;
  }
  if (!diagnostics.empty()) return 0;
  try {
    (void)model->load(std::move(doc));
  } catch (const azsim::Error&) {
  }
  return 0;
}
