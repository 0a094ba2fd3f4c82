// Any bytes as a record line, against the default layout and a wide version-5 layout: the parser
// must either accept the line or name a field, and never read outside it. The default-layout
// shortcut must agree with it.
#include <cstdint>
#include <string>
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
  // The default-layout shortcut accepts only lines parse() accepts, to the same record.
  std::string block(line);
  block += '\n';
  block.append(line_parser::plain_span, '1');
  line_parser fast(layout::v2_default());
  flow_record a;
  if (const char* end = fast.parse_plain_default(block, a)) {
    const std::string_view first(block.data(), static_cast<std::size_t>(end - block.data()));
    line_parser general(layout::v2_default());
    flow_record b;
    line_error e;
    if (*end != '\n' || !general.parse(first, b, e) || a.present != b.present || a.text != b.text ||
        a.action != b.action || a.log_status != b.log_status || (a.has(field_id::srcaddr) && a.srcaddr != b.srcaddr) ||
        (a.has(field_id::dstaddr) && a.dstaddr != b.dstaddr) || (a.has(field_id::bytes) && a.bytes != b.bytes) ||
        (a.has(field_id::start) && a.start != b.start) || (a.has(field_id::srcport) && a.srcport != b.srcport)) {
      __builtin_trap();
    }
  }
  return 0;
}
