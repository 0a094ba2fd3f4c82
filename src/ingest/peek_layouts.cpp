#include <cstdio>
#include <fstream>

#include "flowsleuth/cloudwatch.hpp"
#include "flowsleuth/gzip.hpp"
#include "flowsleuth/ingest.hpp"

namespace flowsleuth {

std::vector<layout> peek_layouts(const input_list& inputs, const ingest_options& options) {
  const layout& fallback = options.log_format ? *options.log_format : layout::v2_default();
  std::vector<layout> out{fallback};
  for (const auto& f : inputs.files) {
    if (f.path == "-") continue;
    std::ifstream in(f.path, std::ios::binary);
    std::string head(256 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (has_gzip_magic(head)) {
      // A truncated prefix of a gzip stream inflates fine up to where it stops.
      gzip_reader r(head);
      std::string text(64 * 1024, '\0');
      text.resize(r.read(text.data(), text.size()));
      head = std::move(text);
    }
    if (looks_like_cloudwatch_json(head) || looks_like_csv_export(head)) continue;
    if (auto header = leading_header(head)) out.push_back(std::move(*header));
  }
  return out;
}

}  // namespace flowsleuth
