// Any bytes as a CloudWatch Logs JSON delivery or CSV export: never throw, never crash, and every
// message view must stay readable.
#include <cstdint>
#include <string_view>

#include "flowsleuth/cloudwatch.hpp"

using namespace flowsleuth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t total = 0;
  for (const auto& m : read_cloudwatch_json(text).messages) total += m.text.size() + m.eni.size();
  for (const auto& m : read_csv_export(text).messages) {
    for (char c : m.text) total += static_cast<unsigned char>(c);
  }
  (void)looks_like_cloudwatch_json(text);
  (void)looks_like_csv_export(text);
  return total == SIZE_MAX ? 1 : 0;
}
