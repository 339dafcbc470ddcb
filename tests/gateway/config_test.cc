#include "gateway/config.h"

#include <gtest/gtest.h>

namespace imledger::gateway {
namespace {

TEST(GatewayConfig, MinimalConfigurationGetsDefaults) {
  Result<GatewayConfig> config = ParseGatewayConfigText(
      R"({"audience": "gw-a", "member_key_file": "gateway.key"})", "/etc/imledger");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->audience, "gw-a");
  EXPECT_EQ(config->member_key_file, "/etc/imledger/gateway.key");
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->upstream_port, 8042);
  EXPECT_EQ(config->upstream_path, "/dicom-web");
  EXPECT_FALSE(config->verify_on_read);
  EXPECT_EQ(config->max_token_lifetime_ms, 3'600'000u);
  EXPECT_EQ(config->batch_max_events, 256u);
}

TEST(GatewayConfig, EveryOptionIsRead) {
  Result<GatewayConfig> config = ParseGatewayConfigText(R"({
      "listen_host": "0.0.0.0", "listen_port": 8443, "upstream_host": "10.0.0.5",
      "upstream_port": 8043, "upstream_path": "/orthanc/dicom-web", "audience": "gw-a",
      "member_key_file": "/keys/gateway.key", "verify_on_read": true, "spool_dir": "spool",
      "max_token_lifetime_ms": 900000, "batch_max_events": 100, "batch_interval_ms": 500,
      "max_request_body_bytes": 1000, "max_response_bytes": 2000,
      "max_search_response_bytes": 3000, "max_header_bytes": 4096, "read_timeout_ms": 1,
      "write_timeout_ms": 2, "upstream_timeout_ms": 3, "commit_wait_ms": 4, "threads": 8,
      "access_cache_entries": 0})",
                                                        "/base");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 8443);
  EXPECT_EQ(config->upstream_host, "10.0.0.5");
  EXPECT_EQ(config->upstream_port, 8043);
  EXPECT_EQ(config->upstream_path, "/orthanc/dicom-web");
  EXPECT_EQ(config->member_key_file, "/keys/gateway.key");
  EXPECT_TRUE(config->verify_on_read);
  EXPECT_EQ(config->spool_dir, "/base/spool");
  EXPECT_EQ(config->max_token_lifetime_ms, 900'000u);
  EXPECT_EQ(config->batch_max_events, 100u);
  EXPECT_EQ(config->batch_interval_ms, 500u);
  EXPECT_EQ(config->max_request_body_bytes, 1000u);
  EXPECT_EQ(config->max_response_bytes, 2000u);
  EXPECT_EQ(config->max_search_response_bytes, 3000u);
  EXPECT_EQ(config->max_header_bytes, 4096u);
  EXPECT_EQ(config->read_timeout_ms, 1u);
  EXPECT_EQ(config->write_timeout_ms, 2u);
  EXPECT_EQ(config->upstream_timeout_ms, 3u);
  EXPECT_EQ(config->commit_wait_ms, 4u);
  EXPECT_EQ(config->threads, 8u);
  EXPECT_EQ(config->access_cache_entries, 0u);
}

TEST(GatewayConfig, ErrorsNameTheOption) {
  struct Case {
    const char* json;
    const char* expected;
  };

  const Case cases[] = {
      {R"({"audience": "a", "member_key_file": "k", "verify": true})",
       "gateway option \"verify\" is unknown; remove it or use one of: access_cache_entries, "
       "audience,"},
      {R"({"audience": "a", "member_key_file": "k", "listen_port": 70000})",
       "gateway option \"listen_port\" must be an integer from 0 to 65535"},
      {R"({"audience": "a", "member_key_file": "k", "listen_port": "8443"})",
       "gateway option \"listen_port\" must be an integer"},
      {R"({"audience": "a", "member_key_file": "k", "verify_on_read": 1})",
       "gateway option \"verify_on_read\" must be true or false"},
      {R"({"audience": "a", "member_key_file": "k", "batch_max_events": 2000})",
       "gateway option \"batch_max_events\" must be an integer from 1 to 1024"},
      {R"({"audience": "a", "member_key_file": "k", "access_cache_entries": 2000000})",
       "gateway option \"access_cache_entries\" must be an integer from 0 to 1000000"},
      {R"({"audience": "", "member_key_file": "k"})",
       "gateway option \"audience\" must be a non-empty string"},
      {R"({"member_key_file": "k"})", "gateway option \"audience\" is missing"},
      {R"({"audience": "a"})", "gateway option \"member_key_file\" is missing"},
      {R"({"audience": "a", "member_key_file": "k", "upstream_path": "dicom-web/"})",
       "gateway option \"upstream_path\" must start with '/'"},
      {R"([1, 2])", "the gateway configuration must be a JSON object"},
      {R"({"audience": )", "the gateway configuration is not valid JSON"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.json);
    Result<GatewayConfig> config = ParseGatewayConfigText(test.json, "/base");
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(config.status().message().starts_with(test.expected)) << config.status().message();
  }
}

}  // namespace
}  // namespace imledger::gateway
