#pragma once
// Runs the whole diagnosis library pipeline (ingest → correlate → rules → flows) for tests.

#include <string>
#include <vector>

#include "flowsleuth/consumer_pair.hpp"
#include "flowsleuth/correlate.hpp"
#include "flowsleuth/diagnose.hpp"
#include "flowsleuth/inspect.hpp"
#include "test_paths.hpp"

namespace flowsleuth::test {

inline diagnosis run_diagnosis(const std::vector<std::string>& paths, bool traffic_type_all = false) {
  static const rule_matcher matcher = [] {
    rule_pack pack = load_rule_pack({source_path("rules")});
    return rule_matcher(std::move(pack.rules));
  }();
  inspect_consumer counts;
  correlate_options o;
  o.traffic_type_all = traffic_type_all;
  correlator corr(o);
  consumer_pair both(counts, corr);
  ingest_options io;
  io.threads = 2;
  (void)ingest(collect_inputs(paths, {}), io, both);
  return diagnose(corr.finish(), matcher, {});
}

}  // namespace flowsleuth::test
