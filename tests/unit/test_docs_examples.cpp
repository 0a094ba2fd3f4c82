// Examples in docs/ are real output: a block preceded by `<!-- check: ARGS -->` is compared with what
// `flowsleuth ARGS` prints today (run from the repository root, without colour). Each line of the block
// must appear in the output, in order; a line with "…" stands for any line starting with the text before
// it, and a line that is only "…" (or starts with "$ ", the command as typed) is skipped. So a shortened
// excerpt stays checkable, and an example the code no longer prints fails here.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_paths.hpp"

namespace {

struct doc_example {
  std::string file;
  std::size_t line = 0;  // of the check comment
  std::string args;
  std::vector<std::string> expected;
};

std::vector<doc_example> examples_in(const std::filesystem::path& doc) {
  std::vector<doc_example> out;
  std::ifstream in(doc);
  std::string line;
  std::size_t n = 0;
  const std::string marker = "<!-- check: ";
  while (std::getline(in, line)) {
    ++n;
    if (!line.starts_with(marker)) continue;
    doc_example ex{doc.filename().string(), n, line.substr(marker.size(), line.rfind(" -->") - marker.size()), {}};
    bool inside = false;
    while (std::getline(in, line)) {
      ++n;
      if (line.starts_with("```")) {
        if (inside) break;
        inside = true;
        continue;
      }
      if (inside) ex.expected.push_back(line);
    }
    out.push_back(std::move(ex));
  }
  return out;
}

std::vector<std::string> run_cli(const std::string& args) {
  const std::string cmd = "cd '" + flowsleuth::test::source_path("") + "' && NO_COLOR=1 '" FLOWSLEUTH_BINARY "' " + args + " 2>&1";
  std::vector<std::string> lines;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string text;
  std::array<char, 65536> buf{};
  while (const std::size_t got = std::fread(buf.data(), 1, buf.size(), p)) text.append(buf.data(), got);
  pclose(p);
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("the examples in docs/ marked for checking are what flowsleuth prints") {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(flowsleuth::test::source_path("docs"))) {
    if (entry.path().extension() != ".md") continue;
    for (const auto& ex : examples_in(entry.path())) {
      CAPTURE(ex.file);
      CAPTURE(ex.line);
      CAPTURE(ex.args);
      REQUIRE_MESSAGE(!ex.expected.empty(), "a check comment without a block after it");
      const auto got = run_cli(ex.args);
      std::size_t at = 0;
      for (const auto& want : ex.expected) {
        const std::string trimmed = rtrim(want);
        if (trimmed.starts_with("$ ") || trimmed.find_first_not_of(" …") == std::string::npos) continue;
        const auto ellipsis = trimmed.find("…");
        const std::string prefix = ellipsis == std::string::npos ? trimmed : rtrim(trimmed.substr(0, ellipsis));
        bool found = false;
        while (at < got.size() && !found) {
          const std::string& g = got[at++];
          found = ellipsis == std::string::npos ? rtrim(g) == prefix : g.starts_with(prefix);
        }
        CHECK_MESSAGE(found, "not in the output (in this order): ", want);
        if (!found) break;
      }
      ++checked;
    }
  }
  CHECK(checked >= 3);
}
