// Any bytes as a record line, against the default layout and a wide version-5 layout: the parser
// must either accept the line or name a field, and never read outside it.
#include <cstdint>
#include <string_view>
#include <variant>

#include "flowsleuth/line_parser.hpp"

using namespace flowsleuth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const layout wide = std::get<layout>(parse_format_string(
      "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} "
      "${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} "
      "${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path} ${reject-reason} ${future-field}"));
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  for (const layout* l : {&layout::v2_default(), &wide}) {
    line_parser p(*l);
    flow_record r;
    line_error e;
    if (p.parse(line, r, e)) {
      // Every present text view must lie inside the input.
      for (std::size_t i = 0; i < field_count; ++i) {
        if (!r.present.test(i)) continue;
        const auto t = r.text[i];
        if (t.data() < line.data() || t.data() + t.size() > line.data() + line.size()) __builtin_trap();
      }
      if (r.has(field_id::srcaddr)) (void)r.srcaddr.to_string();
    } else if (e.field.empty() || e.reason.empty()) {
      __builtin_trap();
    }
  }
  return 0;
}
