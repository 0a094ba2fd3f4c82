#pragma once
// Runs the whole diagnosis library pipeline (ingest → correlate → rules → flows) for tests.

#include <string>
#include <vector>

#include "flowsleuth/config_check.hpp"
#include "flowsleuth/consumer_pair.hpp"
#include "flowsleuth/correlate.hpp"
#include "flowsleuth/diagnose.hpp"
#include "flowsleuth/inspect.hpp"
#include "test_paths.hpp"

namespace flowsleuth::test {

inline const rule_matcher& shipped_rules() {
  static const rule_matcher matcher = [] {
    rule_pack pack = load_rule_pack({source_path("rules")});
    return rule_matcher(std::move(pack.rules));
  }();
  return matcher;
}

inline diagnosis run_diagnosis(const std::vector<std::string>& paths, bool traffic_type_all = false) {
  const rule_matcher& matcher = shipped_rules();
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

/// The same with configuration, as `diagnose --config` runs it (flows only, healthy ones counted).
inline diagnosis run_diagnosis_with_config(const std::vector<std::string>& paths, const config_checker& checker,
                                           bool keep_ok = false) {
  inspect_consumer counts;
  correlate_options o;
  o.enis = checker.enis();
  o.traffic_type_all = checker.traffic_type_all().value_or(false);
  correlator corr(o);
  diagnosis_builder builder(shipped_rules(), {}, keep_ok, true);
  builder.use_config(checker);
  consumer_pair both(counts, corr);
  ingest_options io;
  io.threads = 2;
  const input_list inputs = collect_inputs(paths, {});
  const auto add = [&](connection&& c) { builder.add(std::move(c)); };
  corr.resolve_as_you_go(add, inputs);
  (void)ingest(inputs, io, both);
  corr.finish(add);
  return builder.finish();
}

}  // namespace flowsleuth::test
