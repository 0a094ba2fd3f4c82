#pragma once
// Identity of a record for de-duplication across files (a VPC-level and a subnet-level flow log
// covering the same ENI write the same record twice). The hash is over (field name, value) pairs
// and ignores column order, so two files with the same fields in different orders still match.
// Records without an interface, start and end are never treated as duplicates: without them two
// equal lines may well be two different flows.

#include <cstdint>
#include <string_view>

#include "flowsleuth/flow_record.hpp"
#include "flowsleuth/layout.hpp"
#include "util/hash.hpp"

namespace flowsleuth::detail {

inline std::uint64_t fingerprint(const flow_record& r, const layout& l) noexcept {
  if (!r.has(field_id::interface_id) || !r.has(field_id::start) || !r.has(field_id::end)) return 0;
  const auto h = fast_hash;
  std::uint64_t sum = 0;
  std::size_t extra = 0;
  for (const auto& c : l.columns()) {
    std::string_view value;
    if (c.field) {
      value = r.text[static_cast<std::size_t>(*c.field)];
    } else {
      value = extra < r.extras.size() ? r.extras[extra] : std::string_view{};
      ++extra;
    }
    sum += mix64(h(c.name) * 0x9e3779b97f4a7c15ULL ^ h(value));
  }
  // The ENI may come from a CloudWatch stream name rather than a column.
  if (!l.has(field_id::interface_id)) sum += mix64(h(r.str(field_id::interface_id)) + 0x51);
  return sum | 1;
}

}  // namespace flowsleuth::detail
