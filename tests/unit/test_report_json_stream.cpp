// The JSON report written as it is produced (write_report_json, what the CLI uses) must be byte for
// byte the report rendered whole (render_report_json) — also when it is large enough to be spilled
// in pieces.

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "flowsleuth/report.hpp"

using namespace flowsleuth;

namespace {

std::string written(const diagnosis& d, const ingest_report& input, const inspect_summary& read) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  write_report_json(f, d, input, read, {});
  std::string out(static_cast<std::size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  CHECK(std::fread(out.data(), 1, out.size(), f) == out.size());
  std::fclose(f);
  return out;
}

}  // namespace

TEST_CASE("JSON report: streamed output equals the rendered one, small and spilled in pieces") {
  ingest_report input;
  inspect_summary read;
  diagnosis d;
  CHECK(written(d, input, read) == render_report_json(d, input, read, {}));

  // Enough blocked flows for several megabytes, so the writer spills more than once.
  for (std::uint32_t i = 0; i < 6000; ++i) {
    flow_finding f;
    f.protocol = 6;
    f.client.ip = ip_address::v4(0x0a000000u + i);
    f.server.ip = ip_address::v4(0x0a010007u);
    f.server.port = 5432;
    f.outcome = verdict::blocked;
    f.connections = 1;
    f.by_verdict[verdict::blocked] = 1;
    f.explanation = std::string(400, 'x') + " \"quoted\" and ünïcode";
    f.remediation = std::string(200, 'y');
    d.flows.push_back(std::move(f));
  }
  d.flow_counts[verdict::blocked] = d.flows.size();
  const std::string whole = render_report_json(d, input, read, {});
  REQUIRE(whole.size() > (std::size_t{3} << 20));
  CHECK(written(d, input, read) == whole);
}
