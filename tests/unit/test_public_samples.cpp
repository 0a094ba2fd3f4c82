// Reads every flow-log file under ../shared/data/public-samples/ and compares what was read with
// fixtures/public-samples/expected.yaml: data nobody on this team wrote.

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "collect.hpp"
#include "test_paths.hpp"

using namespace flowsleuth;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("every public sample file is read with the expected records, errors and values") {
  const YAML::Node cases = YAML::LoadFile(test::source_path("fixtures/public-samples/expected.yaml"));
  std::set<std::string> covered;
  for (const auto& c : cases) {
    const std::string rel = c["file"].as<std::string>();
    covered.insert(rel);
    CAPTURE(rel);
    ingest_options o;
    if (c["format"]) o.log_format = test::layout_from_names(slurp(test::shared_path("data/public-samples/" + c["format"].as<std::string>())));
    if (c["format_text"]) o.log_format = test::layout_from_names(c["format_text"].as<std::string>());
    const auto r = test::read_inputs({test::shared_path("data/public-samples/" + rel)}, o);
    REQUIRE(r.report.files.size() == 1);
    const auto& f = r.report.files[0];
    if (c["unsupported"]) {
      CHECK(f.unsupported);
      continue;
    }
    CHECK(f.fatal.empty());
    CHECK(r.records.size() == c["records"].as<std::size_t>());
    CHECK(f.records == c["records"].as<std::uint64_t>());
    const YAML::Node errors = c["errors"];
    CHECK(f.skipped == (errors ? errors.size() : 0));
    if (errors) {
      REQUIRE(f.errors.size() == errors.size());
      for (std::size_t i = 0; i < errors.size(); ++i) {
        CHECK(f.errors[i].line == errors[i]["line"].as<std::uint64_t>());
        CHECK(f.errors[i].field == errors[i]["field"].as<std::string>());
      }
    }
    for (const auto& v : c["values"]) {
      const auto line = v["line"].as<std::uint64_t>();
      const test::owned_record* rec = nullptr;
      for (const auto& x : r.records) {
        if (x.line == line) rec = &x;
      }
      REQUIRE_MESSAGE(rec, "no record from line ", line);
      for (const auto& kv : v) {
        const auto name = kv.first.as<std::string>();
        if (name == "line") continue;
        CAPTURE(name);
        CHECK(rec->at(name) == kv.second.as<std::string>());
      }
    }
  }
  // Every .log/.json/.parquet sample is covered (describe-* JSON and .format files aside).
  for (const auto& e : std::filesystem::recursive_directory_iterator(test::shared_path("data/public-samples"))) {
    const auto p = e.path();
    const auto ext = p.extension().string();
    const auto dir = p.parent_path().filename().string();
    if (!e.is_regular_file() || dir.find("batfish") != std::string::npos || p.string().find("batfish") != std::string::npos) continue;
    if (ext != ".log" && ext != ".json" && ext != ".parquet") continue;
    const auto rel = std::filesystem::relative(p, test::shared_path("data/public-samples")).string();
    CHECK_MESSAGE(covered.count(rel) == 1, "no expectation for ", rel);
  }
}
