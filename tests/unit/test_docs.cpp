// The reference documentation checked against the code it describes: a fact, a rule or a verdict added
// without its documentation fails here instead of leaving docs/ quietly behind.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "flowsleuth/facts.hpp"
#include "flowsleuth/rule.hpp"
#include "test_paths.hpp"

using namespace flowsleuth;

namespace {

std::string read_doc(const std::string& rel) {
  std::ifstream in(test::source_path(rel));
  REQUIRE_MESSAGE(in, "cannot read ", rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The cells of a Markdown table row ("| a | b |" → {"a", "b"}), trimmed, backticks removed.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      const auto b = cell.find_first_not_of(' ');
      const auto e = cell.find_last_not_of(' ');
      std::string t = b == std::string::npos ? "" : cell.substr(b, e - b + 1);
      std::erase(t, '`');
      out.push_back(t);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return out;
}

// Rows of the table that follows `heading` (the first one after it), header and rule lines left out.
std::vector<std::vector<std::string>> table_after(const std::string& doc, const std::string& heading) {
  std::vector<std::vector<std::string>> rows;
  const auto at = doc.find(heading);
  REQUIRE_MESSAGE(at != std::string::npos, "no heading ", heading);
  std::istringstream in(doc.substr(at));
  std::string line;
  bool in_table = false, header_done = false;
  while (std::getline(in, line)) {
    if (line.starts_with("|")) {
      in_table = true;
      if (!header_done) {
        header_done = line.starts_with("|---");
        continue;
      }
      rows.push_back(cells(line));
    } else if (in_table) {
      break;
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("docs/rules.md documents every fact of the catalogue, with its kind") {
  const std::string doc = read_doc("docs/rules.md");
  std::map<std::string, std::vector<std::string>> documented;
  std::istringstream in(doc);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("| `")) {
      const auto c = cells(line);
      if (!c.empty()) documented[c[0]] = c;
    }
  }
  for (std::size_t i = 0; i < fact_count; ++i) {
    const fact_info& f = info(static_cast<fact_id>(i));
    CAPTURE(f.name);
    const auto it = documented.find(std::string(f.name));
    REQUIRE_MESSAGE(it != documented.end(), "fact without a row in docs/rules.md");
    REQUIRE(it->second.size() >= 2);
    CHECK(it->second[1] == to_string(f.kind));
  }
}

TEST_CASE("docs/verdicts.md lists every shipped rule with the verdict, layer and confidence it concludes") {
  const rule_pack pack = load_rule_pack({test::source_path("rules")});
  REQUIRE(pack.ok());
  const auto rows = table_after(read_doc("docs/verdicts.md"), "## The rule pack, rule by rule");
  std::map<std::string, std::vector<std::string>> by_id;
  for (const auto& r : rows) {
    REQUIRE(r.size() == 5);
    CHECK_MESSAGE(by_id.emplace(r[0], r).second, "rule listed twice: ", r[0]);
  }
  CHECK(by_id.size() == pack.rules.size());
  for (const auto& r : pack.rules) {
    CAPTURE(r.id);
    const auto it = by_id.find(r.id);
    REQUIRE_MESSAGE(it != by_id.end(), "rule missing from the table in docs/verdicts.md");
    const auto& row = it->second;
    CHECK(row[1] == to_string(r.outcome));
    CHECK(row[2] == (r.blocking ? std::string(to_string(r.blocking->layer)) : "null"));
    CHECK(row[3] == (r.blocking ? std::string(to_string(r.blocking->confidence)) : "—"));
    const std::string fixture =
        r.examples_match.empty() ? "—" : std::filesystem::path(r.examples_match.front()).filename().string();
    CHECK(row[4] == fixture);
  }
}

TEST_CASE("docs/verdicts.md explains every verdict") {
  const auto rows = table_after(read_doc("docs/verdicts.md"), "## Verdicts");
  std::vector<std::string> listed;
  for (const auto& r : rows) listed.push_back(r.at(0));
  for (const auto v : {verdict::ok, verdict::blocked, verdict::refused, verdict::no_response, verdict::unobserved_peer,
                       verdict::late_packets, verdict::not_captured, verdict::inconclusive}) {
    CAPTURE(to_string(v));
    CHECK(std::find(listed.begin(), listed.end(), std::string(to_string(v))) != listed.end());
  }
}
