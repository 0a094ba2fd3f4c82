// Reports written as they are produced (write_report_json/text/markdown, what the CLI uses) must be
// byte for byte the report rendered whole (render_report_*) — also when they are large enough to be
// spilled in pieces.

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "flowsleuth/report.hpp"

using namespace flowsleuth;

namespace {

using writer = void (*)(std::FILE*, const diagnosis&, const ingest_report&, const inspect_summary&,
                        const report_options&);

std::string written(const diagnosis& d, const ingest_report& input, const inspect_summary& read,
                    writer write = write_report_json) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  write(f, d, input, read, {});
  std::string out(static_cast<std::size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  CHECK(std::fread(out.data(), 1, out.size(), f) == out.size());
  std::fclose(f);
  return out;
}

// Enough blocked flows for several megabytes of any report, so a writer spills more than once.
diagnosis many_blocked_flows() {
  diagnosis d;
  for (std::uint32_t i = 0; i < 6000; ++i) {
    flow_finding f;
    f.protocol = 6;
    f.client.ip = ip_address::v4(0x0a000000u + i);
    f.server.ip = ip_address::v4(0x0a010007u);
    f.server.port = 5432;
    f.outcome = verdict::blocked;
    f.connections = 1;
    f.by_verdict[verdict::blocked] = 1;
    f.text = fixed_text(std::string(400, 'x') + " \"quoted\" and ünïcode {braces}", std::string(200, 'y'));
    d.flows.push_back(std::move(f));
  }
  d.flow_counts[verdict::blocked] = d.flows.size();
  return d;
}

}  // namespace

TEST_CASE("JSON report: streamed output equals the rendered one, small and spilled in pieces") {
  ingest_report input;
  inspect_summary read;
  CHECK(written(diagnosis{}, input, read) == render_report_json(diagnosis{}, input, read, {}));
  const diagnosis d = many_blocked_flows();
  const std::string whole = render_report_json(d, input, read, {});
  REQUIRE(whole.size() > (std::size_t{3} << 20));
  CHECK(written(d, input, read) == whole);
}

TEST_CASE("text and markdown reports: streamed output equals the rendered one, small and spilled in pieces") {
  ingest_report input;
  inspect_summary read;
  CHECK(written(diagnosis{}, input, read, write_report_text) == render_report_text(diagnosis{}, input, read, {}));
  CHECK(written(diagnosis{}, input, read, write_report_markdown) ==
        render_report_markdown(diagnosis{}, input, read, {}));
  const diagnosis d = many_blocked_flows();
  const std::string text = render_report_text(d, input, read, {});
  REQUIRE(text.size() > (std::size_t{3} << 20));  // spilled at least three times
  CHECK(written(d, input, read, write_report_text) == text);
  const std::string md = render_report_markdown(d, input, read, {});
  REQUIRE(md.size() > (std::size_t{3} << 20));
  CHECK(written(d, input, read, write_report_markdown) == md);
}
