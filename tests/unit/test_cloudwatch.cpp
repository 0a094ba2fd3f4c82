#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "flowsleuth/cloudwatch.hpp"
#include "source/base64.hpp"
#include "test_paths.hpp"

using namespace std::string_view_literals;
using flowsleuth::cw_messages;
using flowsleuth::read_cloudwatch_json;
using flowsleuth::read_csv_export;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sample(const char* name) {
  return slurp(
      flowsleuth::test::shared_path(std::string("data/public-samples/otel-collector-contrib-awslogsencoding/") + name));
}

constexpr std::string_view k_rec1 =
    "2 123456789012 eni-0a1b2c3d4e5f67890 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK";
constexpr std::string_view k_rec2 =
    "2 123456789012 eni-0a1b2c3d4e5f67890 10.0.0.2 10.0.0.1 49152 443 6 8 620 1700000000 1700000060 ACCEPT OK";

// `printf '%s' '<payload>' | gzip -n -c | base64 -w0`, payload: DATA_MESSAGE, logStream
// "eni-0a1b2c3d4e5f67890-all", two logEvents with messages k_rec1 and k_rec2.
constexpr std::string_view k_payload_gzip_b64 =
    "H4sIAAAAAAAAA7WPMW/CMBCF/8rJc2hsxzGBLYLAUFWtlGwVqkxwkKUkjmJDVCH+ey9QoEOHLj0vp/fe3X0+kUY7p/"
    "a6+Ow0mZNlWqQfL1mep+uMBMQOre5RZjwSsZwmM8o4yrXdr3t76NAJ1eDCY1eGVW0H1N3Vzn2vVYO+"
    "bs2EKrblZbQTOq4uSyaqrjHnDltX9qbzxrYrU3vdOzJ/JxXZXHZkR936UTkRsxshcMQb5PWqwdNsSh8V3P6BOQ4/"
    "ceFXAmD0aXzs1nAQIgIxYzEHiSIkAkP3E/dWUkgXi+ytgNdncg6+0fg/oPEH4xVrBJSQgOR/INucvwAjJpWQ2wEAAA==";
// The same payload gzipped twice (`| gzip -n -c | gzip -n -c`), as Firehose can deliver it.
constexpr std::string_view k_payload_double_gzip_b64 =
    "H4sIAAAAAAAAAwEDAfz+H4sIAAAAAAAAA7WPMW/CMBCF/8rJc2hsxzGBLYLAUFWtlGwVqkxwkKUkjmJDVCH+ey9QoEOHLj0vp/fe3X0+kUY7p/"
    "a6+Ow0mZNlWqQfL1mep+uMBMQOre5RZjwSsZwmM8o4yrXdr3t76NAJ1eDCY1eGVW0H1N3Vzn2vVYO+"
    "bs2EKrblZbQTOq4uSyaqrjHnDltX9qbzxrYrU3vdOzJ/JxXZXHZkR936UTkRsxshcMQb5PWqwdNsSh8V3P6BOQ4/"
    "ceFXAmD0aXzs1nAQIgIxYzEHiSIkAkP3E/dWUkgXi+ytgNdncg6+0fg/oPEH4xVrBJSQgOR/INucvwAjJpWQ2wEAAAN6EL4DAQAA";
// A CONTROL_MESSAGE payload (one event) directly followed by the DATA_MESSAGE above, gzipped together.
constexpr std::string_view k_control_then_data_gzip_b64 =
    "H4sIAAAAAAAAA7WQXW+CMBSG/8pJr/2gFfHjjjD0Ym4uk8SLxSwVCjSrlNAqWQz/fUUUt8Ul3qy9OV8553nfI9oxpWjCgs+coSnyls/B63Lx/"
    "uSvVu7cRx0ky4wVdUfIfVRSHaYLmSjTEDKZF3Kfm16TrXTB6K5J1X6rwoLnmstsxoVmhULTt81pzj+wTNfpEfGoGdfcYGi6M8vwyLq+"
    "zgWvBlgv4IwHZ7wpeCkLP3iWQMqo0CnIGCKziWe0vgwzXrBUKtZD1aY6/"
    "tL64AbuDaGYDOyhMxpPLEx+yuzTUvUPediPhSxF60Krm2W8a1G8JeEgstkwPi3pUiH+NATF6LYn+E5TCHzHhZsEgK1e/"
    "fElIGDbA7AneEjAMUUY22aoPdGGjgWu5/kvASwfUdU5o5F/QCNXxgarBnRgDA65g2xTfQF0G/OaxwIAAA==";

void check_two_records(const cw_messages& r, std::uint64_t first_line = 1) {
  REQUIRE(r.messages.size() == 2);
  CHECK(r.messages[0].text == k_rec1);
  CHECK(r.messages[1].text == k_rec2);
  CHECK(r.messages[0].eni == "eni-0a1b2c3d4e5f67890");
  CHECK(r.messages[0].line == first_line);
  CHECK(r.messages[1].line == first_line + 1);
}

std::string subscription(std::string_view type, std::string_view stream, std::string_view message) {
  return std::string(R"({"messageType":")") + std::string(type) +
         R"(","owner":"123456789012","logGroup":"g","logStream":")" + std::string(stream) +
         R"(","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":")" + std::string(message) +
         R"("}]})";
}

}  // namespace

TEST_CASE("base64 decoding") {
  using flowsleuth::detail::base64_decode;
  std::string out;
  CHECK(base64_decode("aGVsbG8=", out));
  CHECK(out == "hello");
  CHECK(base64_decode("aGVsbG8", out));  // padding left off
  CHECK(out == "hello");
  CHECK(base64_decode("aGVs\nbG8h\r\n ", out));  // wrapped lines
  CHECK(out ==
        "hell"
        "o!");
  CHECK(base64_decode("", out));
  CHECK(out.empty());
  CHECK(base64_decode("+/+/", out));
  CHECK(out == "\xfb\xff\xbf"sv);
  CHECK_FALSE(base64_decode("aGVs*bG8=", out));     // not in the alphabet
  CHECK_FALSE(base64_decode("aGVsbG8=aGVs", out));  // data after padding
  CHECK_FALSE(base64_decode("aGVsb", out));         // a lone trailing character is not a byte
  CHECK_FALSE(base64_decode("a===", out));
  CHECK_FALSE(base64_decode("aGVs\xff", out));
}

TEST_CASE("cloudwatch format sniffing") {
  using flowsleuth::looks_like_cloudwatch_json;
  using flowsleuth::looks_like_csv_export;
  CHECK(looks_like_cloudwatch_json("  \n{\"events\":[]}"));
  CHECK(looks_like_cloudwatch_json("[]"));
  CHECK(looks_like_cloudwatch_json("\xEF\xBB\xBF{}"));
  CHECK(looks_like_cloudwatch_json(k_payload_gzip_b64));
  CHECK_FALSE(looks_like_cloudwatch_json("version account-id interface-id\n"));
  CHECK_FALSE(looks_like_cloudwatch_json(""));
  CHECK_FALSE(looks_like_cloudwatch_json("   "));

  CHECK(looks_like_csv_export("@timestamp,@message\n2024,2 1 eni-1 x\n"));
  CHECK(looks_like_csv_export("\"timestamp\",\"message\"\r\n"));
  CHECK(looks_like_csv_export("@message"));
  CHECK_FALSE(looks_like_csv_export("version account-id interface-id\n"));
  CHECK_FALSE(looks_like_csv_export("timestamp,Message\n"));  // names are case-sensitive
  CHECK_FALSE(looks_like_csv_export("{\"message\":1}"));
  CHECK_FALSE(looks_like_csv_export(""));
  CHECK_FALSE(looks_like_csv_export("\"unterminated,@message\n"));
}

TEST_CASE("public samples: one subscription payload each") {
  {
    const std::string content = sample("valid_vpc_flow_cw.json");
    REQUIRE(flowsleuth::looks_like_cloudwatch_json(content));
    const cw_messages r = read_cloudwatch_json(content);
    CHECK(r.errors.empty());
    CHECK(r.shape == "cloudwatch-subscription");
    CHECK(r.control_messages == 0);
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].text ==
          "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 "
          "ACCEPT OK");
    CHECK(r.messages[0].eni == "eni-1235b8ca123456789");
    CHECK(r.messages[1].eni == "eni-1235b8ca123456789");
    CHECK(r.messages[0].line == 1);
    CHECK(r.messages[1].line == 2);
  }
  {
    const std::string input = sample("valid_vpc_flow_cw_custom.json");
    const cw_messages r = read_cloudwatch_json(input);
    CHECK(r.errors.empty());
    CHECK(r.shape == "cloudwatch-subscription");
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].eni == "eni-1234567890abcdef");
    CHECK(r.messages[1].text == "2 eni-1235b8ca123456789 172.31.9.69 172.31.9.12");
  }
  {
    const std::string input = sample("valid_tgw_flow_cw.json");
    const cw_messages r = read_cloudwatch_json(input);
    CHECK(r.errors.empty());
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].eni.empty());  // tgw-… stream
    CHECK(r.messages[0].text.starts_with("6 123456789012 tgw-"));
  }
}

TEST_CASE("public samples concatenated without separator, as Firehose writes them") {
  // The first two samples end in '}' with no newline, so this is a true `}{` join.
  const std::string content =
      sample("valid_vpc_flow_cw.json") + sample("valid_vpc_flow_cw_custom.json") + sample("valid_tgw_flow_cw.json");
  const cw_messages r = read_cloudwatch_json(content);
  CHECK(r.errors.empty());
  REQUIRE(r.messages.size() == 5);
  CHECK(r.messages[1].eni == "eni-1235b8ca123456789");
  CHECK(r.messages[2].eni == "eni-1234567890abcdef");
  CHECK(r.messages[4].eni.empty());
  for (std::size_t i = 0; i < r.messages.size(); ++i) CHECK(r.messages[i].line == i + 1);
}

TEST_CASE("get-log-events output") {
  const std::string json = std::string(R"({
  "events": [
    {"timestamp": 1700000000000, "message": ")") +
                           std::string(k_rec1) + R"(", "ingestionTime": 1700000001000},
    {"timestamp": 1700000000000, "message": ")" +
                           std::string(k_rec2) + R"(", "ingestionTime": 1700000001000}
  ],
  "nextForwardToken": "f/1", "nextBackwardToken": "b/1"
})";
  const cw_messages r = read_cloudwatch_json(json);
  CHECK(r.errors.empty());
  CHECK(r.shape == "cloudwatch-events");
  REQUIRE(r.messages.size() == 2);
  CHECK(r.messages[0].text == k_rec1);
  CHECK(r.messages[0].eni.empty());
  CHECK(r.messages[1].line == 2);
}

TEST_CASE("filter-log-events output carries a stream per event") {
  const std::string json = R"({"events":[
    {"logStreamName":"eni-1235b8ca123456789-all","timestamp":1,"message":"a","ingestionTime":2,"eventId":"1"},
    {"logStreamName":"eni-1235b8ca123456789-all","timestamp":1,"message":"b","ingestionTime":2,"eventId":"2"},
    {"logStreamName":"eni-0fedcba9876543210-accept","timestamp":1,"message":"c \"quoted\" \u00e9","ingestionTime":2,"eventId":"3"},
    {"logStreamName":"my-stream","timestamp":1,"message":"d","ingestionTime":2,"eventId":"4"},
    {"logStreamName":"eni-XYZ","timestamp":1,"message":"e","ingestionTime":2,"eventId":"5"}
  ],"searchedLogStreams":[],"nextToken":"t"})";
  const cw_messages r = read_cloudwatch_json(json);
  CHECK(r.errors.empty());
  REQUIRE(r.messages.size() == 5);
  CHECK(r.messages[0].eni == "eni-1235b8ca123456789");
  CHECK(r.messages[1].eni == "eni-1235b8ca123456789");
  CHECK(r.messages[2].eni == "eni-0fedcba9876543210");
  CHECK(r.messages[2].text == "c \"quoted\" \xC3\xA9");  // JSON escapes are decoded
  CHECK(r.messages[3].eni.empty());
  CHECK(r.messages[4].eni.empty());
}

TEST_CASE("subscription payloads: separators, control messages, line numbering") {
  const std::string data1 = subscription("DATA_MESSAGE", "eni-0a1b2c3d4e5f67890-all", k_rec1);
  const std::string control =
      subscription("CONTROL_MESSAGE", "", "CWL CONTROL MESSAGE: Checking health of destination");
  const std::string data2 = subscription("DATA_MESSAGE", "eni-0a1b2c3d4e5f67890-all", k_rec2);

  SUBCASE("no separator") {
    const std::string input = data1 + control + data2;
    const cw_messages r = read_cloudwatch_json(input);
    CHECK(r.errors.empty());
    CHECK(r.control_messages == 1);
    CHECK(r.shape == "cloudwatch-subscription");
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].text == k_rec1);
    CHECK(r.messages[1].text == k_rec2);
    CHECK(r.messages[0].line == 1);
    CHECK(r.messages[1].line == 3);  // the control message's event keeps its number
  }
  SUBCASE("newline and whitespace separated") {
    const std::string input = data1 + "\n" + control + "\r\n \t" + data2 + "\n";
    const cw_messages r = read_cloudwatch_json(input);
    CHECK(r.errors.empty());
    CHECK(r.control_messages == 1);
    CHECK(r.messages.size() == 2);
  }
  SUBCASE("a broken payload does not hide the next one") {
    const std::string input = data1 + "\n{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"message\":}]}\n" + data2;
    const cw_messages r = read_cloudwatch_json(input);
    REQUIRE(r.messages.size() == 2);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "(json)");
    CHECK(r.errors[0].line == 1);  // reported after the last event read before it
    CHECK_FALSE(r.errors[0].reason.empty());
  }
  SUBCASE("braces and quotes inside strings do not confuse the split") {
    const std::string tricky = subscription("DATA_MESSAGE", "eni-0a1b2c3d4e5f67890", R"(x } ] { [ \" \\)");
    const std::string input = tricky + data2;
    const cw_messages r = read_cloudwatch_json(input);
    CHECK(r.errors.empty());
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].text == R"(x } ] { [ " \)");
  }
  SUBCASE("payload without logEvents") {
    const cw_messages r = read_cloudwatch_json(R"({"messageType":"DATA_MESSAGE","logStream":"eni-1"})");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "logEvents");
  }
}

TEST_CASE("Lambda event and base64-gzip blobs") {
  SUBCASE("Lambda event") {
    const std::string json = R"({"awslogs":{"data":")" + std::string(k_payload_gzip_b64) + R"("}})";
    const cw_messages r = read_cloudwatch_json(json);
    CHECK(r.errors.empty());
    CHECK(r.shape == "cloudwatch-subscription");
    check_two_records(r);
  }
  SUBCASE("aws kinesis get-records output and a Firehose transformation event") {
    const std::string kinesis = R"({"Records":[{"SequenceNumber":"1","Data":")" + std::string(k_payload_gzip_b64) +
                                R"(","PartitionKey":"p"}],"NextShardIterator":"x"})";
    const cw_messages r = read_cloudwatch_json(kinesis);
    CHECK(r.errors.empty());
    check_two_records(r);
    const std::string firehose = R"({"records":[{"recordId":"1","data":")" + std::string(k_payload_gzip_b64) + R"("}]})";
    const cw_messages f = read_cloudwatch_json(firehose);
    CHECK(f.errors.empty());
    check_two_records(f);
    const cw_messages bad = read_cloudwatch_json(R"({"Records":[{"Data":"H4sI"},{"SequenceNumber":"1"}]})");
    REQUIRE(bad.errors.size() == 2);  // the first is not gzip, the second carries no Data
    CHECK(bad.errors[1].field == "Records");
  }
  SUBCASE("bare base64 file, wrapped at 76 columns") {
    std::string wrapped;
    for (std::size_t i = 0; i < k_payload_gzip_b64.size(); i += 76) {
      wrapped += k_payload_gzip_b64.substr(i, 76);
      wrapped += '\n';
    }
    REQUIRE(flowsleuth::looks_like_cloudwatch_json(wrapped));
    const cw_messages r = read_cloudwatch_json(wrapped);
    CHECK(r.errors.empty());
    check_two_records(r);
  }
  SUBCASE("gzip inside gzip") {
    const cw_messages r = read_cloudwatch_json(k_payload_double_gzip_b64);
    CHECK(r.errors.empty());
    check_two_records(r);
  }
  SUBCASE("control message and data message in one blob") {
    const cw_messages r = read_cloudwatch_json(k_control_then_data_gzip_b64);
    CHECK(r.errors.empty());
    CHECK(r.control_messages == 1);
    check_two_records(r, 2);
  }
  SUBCASE("several Lambda events in an array keep numbering across envelopes") {
    const std::string ev = R"({"awslogs":{"data":")" + std::string(k_payload_gzip_b64) + R"("}})";
    const std::string input = "[" + ev + "," + ev + "]";
    const cw_messages r = read_cloudwatch_json(input);
    CHECK(r.errors.empty());
    REQUIRE(r.messages.size() == 4);
    CHECK(r.messages[3].line == 4);
    CHECK(r.messages[3].text == k_rec2);
  }
  SUBCASE("bad base64") {
    const cw_messages r = read_cloudwatch_json(R"({"awslogs":{"data":"H4sI*"}})");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "awslogs.data");
    CHECK(r.messages.empty());
  }
  SUBCASE("missing data") {
    const cw_messages r = read_cloudwatch_json(R"({"awslogs":{}})");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "awslogs.data");
  }
  SUBCASE("truncated gzip") {
    const cw_messages r = read_cloudwatch_json(k_payload_gzip_b64.substr(0, 100));
    CHECK_FALSE(r.errors.empty());
    CHECK(r.messages.empty());
  }
}

TEST_CASE("top-level arrays of events or payloads") {
  SUBCASE("events") {
    const cw_messages r =
        read_cloudwatch_json(R"([{"timestamp":1,"message":"a","logStreamName":"eni-00aa-all"},{"message":"b"}])");
    CHECK(r.errors.empty());
    CHECK(r.shape == "cloudwatch-events");
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].eni == "eni-00aa");
    CHECK(r.messages[1].text == "b");
    CHECK(r.messages[1].line == 2);
  }
  SUBCASE("payloads") {
    const std::string a = subscription("DATA_MESSAGE", "eni-0a1b2c3d4e5f67890", k_rec1);
    const std::string b = subscription("DATA_MESSAGE", "eni-0a1b2c3d4e5f67890", k_rec2);
    const std::string input = "[" + a + ",\n" + b + "]";
    const cw_messages r = read_cloudwatch_json(input);
    CHECK(r.errors.empty());
    CHECK(r.shape == "cloudwatch-subscription");
    check_two_records(r);
  }
  SUBCASE("non-object elements are numbered errors") {
    const cw_messages r = read_cloudwatch_json(R"([{"message":"a"}, 42, {"message":"c"}])");
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[1].line == 3);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 2);
  }
}

TEST_CASE("events without a usable message") {
  const cw_messages r = read_cloudwatch_json(
      R"({"events":[{"message":"a"},{"timestamp":1},{"message":17},{"message":null},{"message":"e"}]})");
  REQUIRE(r.messages.size() == 2);
  CHECK(r.messages[0].line == 1);
  CHECK(r.messages[1].line == 5);
  REQUIRE(r.errors.size() == 3);
  for (const auto& e : r.errors) {
    CHECK(e.field == "message");
    CHECK(e.reason == "event has no string 'message'");
  }
  CHECK(r.errors[0].line == 2);
  CHECK(r.errors[2].line == 4);
}

TEST_CASE("malformed and foreign JSON") {
  SUBCASE("truncated") {
    const cw_messages r = read_cloudwatch_json(R"({"events":[{"message":"a"},{"mess)");
    CHECK(r.messages.empty());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "(json)");
    CHECK(r.errors[0].line == 0);
    CHECK_FALSE(r.errors[0].reason.empty());
  }
  SUBCASE("syntax error") {
    const cw_messages r = read_cloudwatch_json(R"({"events":[{"message":"a",}]})");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "(json)");
  }
  SUBCASE("unknown shape") {
    const cw_messages r = read_cloudwatch_json(R"({"Records":[{"eventName":"x"}]})");
    CHECK(r.messages.empty());
    CHECK(r.shape.empty());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 0);
    CHECK(r.errors[0].field == "(json)");
    CHECK(r.errors[0].reason.starts_with("not a CloudWatch Logs export or subscription payload: "));
  }
  SUBCASE("scalar document") {
    const cw_messages r = read_cloudwatch_json("[1]\n\"text\"");
    CHECK(r.messages.empty());
    CHECK(r.errors.size() == 2);
  }
  SUBCASE("events is not an array") {
    const cw_messages r = read_cloudwatch_json(R"({"events":{"message":"a"}})");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "events");
  }
  SUBCASE("huge numbers and deep nesting do not crash") {
    const cw_messages r1 =
        read_cloudwatch_json(R"({"events":[{"timestamp":1e99999,"message":"a"}],"x":123456789012345678901234567890})");
    CHECK(r1.errors.size() <= 1);
    const std::string input2 = std::string(100000, '[') + std::string(100000, ']');
    const cw_messages r2 = read_cloudwatch_json(input2);
    CHECK_FALSE(r2.errors.empty());
  }
  SUBCASE("garbage gives a bounded number of errors") {
    std::string garbage;
    for (int i = 0; i < 5000; ++i) garbage += "x}{\n\x01\xff]";
    garbage += "\x1f\x8b";
    const cw_messages r = read_cloudwatch_json(garbage);
    CHECK(r.messages.empty());
    CHECK(r.errors.size() <= 110);
  }
  SUBCASE("binary after a gzip magic") {
    const cw_messages r = read_cloudwatch_json("\x1f\x8b\x08\x00garbage"sv);
    CHECK(r.messages.empty());
    CHECK_FALSE(r.errors.empty());
  }
}

TEST_CASE("message views: into the input when unescaped, else into storage that survives moves") {
  // One message is escaped in the JSON and must be decoded into storage; the other can stay a view
  // of the input. Both must survive moving the result and growing its storage vector.
  const std::string input = R"({"events":[{"message":"plain","logStreamName":"eni-0abc"},{"message":"t\u0061b\"q"}]})";
  cw_messages moved;
  {
    cw_messages r = read_cloudwatch_json(input);
    moved = std::move(r);
  }
  moved.storage.emplace_back("force the storage vector to grow");
  moved.storage.resize(moved.storage.capacity() + 1);
  REQUIRE(moved.messages.size() == 2);
  CHECK(moved.messages[0].text == "plain");
  CHECK(moved.messages[0].text.data() >= input.data());
  CHECK(moved.messages[0].text.data() < input.data() + input.size());
  CHECK(moved.messages[0].eni == "eni-0abc");
  CHECK(moved.messages[1].text == "tab\"q");
}

TEST_CASE("views into the input stay right when the same text occurs elsewhere") {
  // The first message equals a stream name and a later message; whichever copy a view lands on,
  // the bytes are the same. Byte-order marks and escapes shift nothing.
  const std::string input =
      "\xEF\xBB\xBF"
      R"({"events":[{"logStreamName":"x","message":"x"},{"message":"\"x\""},{"message":"x"}]})";
  const cw_messages r = read_cloudwatch_json(input);
  CHECK(r.errors.empty());
  REQUIRE(r.messages.size() == 3);
  CHECK(r.messages[0].text == "x");
  CHECK(r.messages[1].text == "\"x\"");
  CHECK(r.messages[2].text == "x");
}

TEST_CASE("CSV export") {
  SUBCASE("Logs Insights columns, quoting, CRLF") {
    const std::string csv =
        "\xEF\xBB\xBF\"@timestamp\",\"@message\",\"@logStream\"\r\n"
        "2024-01-01 00:00:00.000,\"" +
        std::string(k_rec1) +
        "\",eni-0a1b2c3d4e5f67890-all\r\n"
        "2024-01-01 00:00:01.000," +
        std::string(k_rec2) +
        ",eni-0a1b2c3d4e5f67890-reject\r\n"
        "2024-01-01 00:00:02.000,\"with \"\"doubled\"\" quotes, comma\",\"other\"\r\n"
        "2024-01-01 00:00:03.000,\"two\nlines\",eni-00ff\r\n"
        "\r\n"
        "2024-01-01 00:00:04.000\r\n"
        "2024-01-01 00:00:05.000,last,\"eni-0\"\"x\"";
    REQUIRE(flowsleuth::looks_like_csv_export(csv));
    const cw_messages r = read_csv_export(csv);
    CHECK(r.shape == "csv-export");
    REQUIRE(r.messages.size() == 5);
    CHECK(r.messages[0].text == k_rec1);
    CHECK(r.messages[0].eni == "eni-0a1b2c3d4e5f67890");
    CHECK(r.messages[0].line == 2);
    CHECK(r.messages[1].text == k_rec2);
    CHECK(r.messages[1].line == 3);
    CHECK(r.messages[2].text == "with \"doubled\" quotes, comma");
    CHECK(r.messages[2].eni.empty());
    CHECK(r.messages[3].text == "two\nlines");
    CHECK(r.messages[3].eni == "eni-00ff");
    CHECK(r.messages[3].line == 5);
    CHECK(r.messages[4].text == "last");
    CHECK(r.messages[4].line == 9);  // counts the embedded newline and the blank line
    CHECK(r.messages[4].eni == "eni-0");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 8);
    CHECK(r.errors[0].field == "message");
  }
  SUBCASE("plain message column, no stream column, LF only") {
    const cw_messages r = read_csv_export("timestamp,message\n1,a b c\n2,\"d\"\n");
    CHECK(r.errors.empty());
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].text == "a b c");
    CHECK(r.messages[1].text == "d");
    CHECK(r.messages[1].eni.empty());
  }
  SUBCASE("stream column alternatives") {
    const cw_messages r = read_csv_export("logStreamName,message\neni-0123abcd-all,x\n");
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].eni == "eni-0123abcd");
  }
  SUBCASE("header without a message column") {
    const cw_messages r = read_csv_export("timestamp,Message\n1,a\n");
    CHECK(r.messages.empty());
    CHECK(r.shape.empty());
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "(csv)");
    CHECK(r.errors[0].line == 0);
  }
  SUBCASE("unterminated quote") {
    const cw_messages r = read_csv_export("@message\nok\n\"open\nstill open");
    REQUIRE(r.messages.size() == 1);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 3);
    CHECK(r.errors[0].field == "(csv)");
  }
  SUBCASE("text after a closing quote is kept") {
    const cw_messages r = read_csv_export("@message\n\"ab\"c\r\n");
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].text == "abc");
  }
  SUBCASE("empty input") {
    const cw_messages r = read_csv_export("");
    CHECK(r.messages.empty());
  }
}
