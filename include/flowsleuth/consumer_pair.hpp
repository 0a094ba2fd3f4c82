#pragma once
/// Feeds one ingestion to two consumers (e.g. the inspect counts and the correlator of `diagnose`).

#include <memory>

#include "flowsleuth/ingest.hpp"

namespace flowsleuth {

class consumer_pair final : public record_consumer {
 public:
  consumer_pair(record_consumer& first, record_consumer& second) : first_(first), second_(second) {}

  std::unique_ptr<block_sink> make_sink(bool retractable) override {
    return std::make_unique<pair_sink>(first_.make_sink(retractable), second_.make_sink(retractable));
  }
  void merge(std::unique_ptr<block_sink> sink) override {
    auto& p = static_cast<pair_sink&>(*sink);
    first_.merge(std::move(p.a));
    second_.merge(std::move(p.b));
  }

 private:
  struct pair_sink final : block_sink {
    pair_sink(std::unique_ptr<block_sink> x, std::unique_ptr<block_sink> y) : a(std::move(x)), b(std::move(y)) {}
    void on_record(const flow_record& r, const record_origin& at) override {
      a->on_record(r, at);
      b->on_record(r, at);
    }
    void retract(std::size_t index) override {
      a->retract(index);
      b->retract(index);
    }
    void expect(std::size_t records) override {
      a->expect(records);
      b->expect(records);
    }
    std::unique_ptr<block_sink> a, b;
  };
  record_consumer& first_;
  record_consumer& second_;
};

}  // namespace flowsleuth
