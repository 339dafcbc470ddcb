// `imledger token issue`: sign a PASETO v4.public access token for the DICOMweb gateway with an
// enrolled member's key file.

#include <array>
#include <charconv>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "cli/commands.h"
#include "cli/messages.h"
#include "cli/passphrase.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "gateway/token.h"

namespace imledger::cli {

namespace {

struct TokenOptions {
  std::string key_path;
  std::string passphrase_file;
  std::string audience;
  std::string purpose;
  std::string ttl = "10m";
  std::string token_id;
  bool json = false;
};

int Fail(const Status& status, int exit_code) {
  std::cerr << Text("error.prefix", {status.message()}) << "\n";
  return exit_code;
}

// "90s", "10m", "1h": a positive whole number of seconds, minutes or hours.
Result<uint64_t> ParseTtlMs(std::string_view text) {
  uint64_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  uint64_t unit_ms = 0;
  if (unit == "s") {
    unit_ms = 1000;
  } else if (unit == "m") {
    unit_ms = 60'000;
  } else if (unit == "h") {
    unit_ms = 3'600'000;
  }
  if (error != std::errc() || count == 0 || unit_ms == 0 || count > 10'000) {
    return Status::InvalidArgument(Text("token.ttl_invalid", {text}));
  }
  return count * unit_ms;
}

std::string RandomTokenId() {
  std::array<uint8_t, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return crypto::HexEncode(bytes);
}

int RunIssue(const TokenOptions& options) {
  Result<contracts::Purpose> purpose = contracts::PurposeFromName(options.purpose);
  if (!purpose.ok()) {
    return Fail(Status::InvalidArgument(Text("token.purpose_invalid", {options.purpose})),
                kExitInvalidInput);
  }
  Result<uint64_t> ttl_ms = ParseTtlMs(options.ttl);
  if (!ttl_ms.ok()) {
    return Fail(ttl_ms.status(), kExitInvalidInput);
  }
  Result<std::optional<std::string>> passphrase = ReadPassphrase(options.passphrase_file);
  if (!passphrase.ok()) {
    return Fail(passphrase.status(), kExitInvalidInput);
  }
  crypto::EnsureSodium();
  Result<crypto::SecretKey> key = crypto::ReadKeyFile(options.key_path, *passphrase);
  if (!key.ok()) {
    return Fail(key.status(), kExitUnreadable);
  }

  gateway::AccessClaims claims;
  claims.audience = options.audience;
  claims.purpose = *purpose;
  claims.issued_at_ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  claims.expires_at_ms = claims.issued_at_ms + *ttl_ms;
  claims.token_id = options.token_id.empty() ? RandomTokenId() : options.token_id;
  std::string token = gateway::IssueAccessToken(*key, claims);
  if (options.json) {
    std::cout << nlohmann::json{{"token", token},
                                {"sub", key->public_key().ToHex()},
                                {"aud", claims.audience},
                                {"purpose", options.purpose},
                                {"iat", gateway::FormatRfc3339(claims.issued_at_ms)},
                                {"exp", gateway::FormatRfc3339(claims.expires_at_ms)},
                                {"jti", claims.token_id}}
                     .dump()
              << "\n";
  } else {
    std::cout << token << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddTokenCommands(CLI::App& app) {
  CLI::App* token = app.add_subcommand("token", Text("token.help"));
  token->require_subcommand(1);
  auto options = std::make_shared<TokenOptions>();

  CLI::App* issue = token->add_subcommand("issue", Text("token.issue.help"));
  issue->add_option("--key", options->key_path, Text("token.key.help"))->required();
  issue->add_option("--passphrase-file", options->passphrase_file, Text("keys.passphrase.help"));
  issue->add_option("--audience", options->audience, Text("token.audience.help"))->required();
  issue->add_option("--purpose", options->purpose, Text("token.purpose.help"))->required();
  issue->add_option("--ttl", options->ttl, Text("token.ttl.help"));
  issue->add_option("--id", options->token_id, Text("token.id.help"));
  issue->add_flag("--json", options->json, Text("option.json.help"));
  issue->callback([options] { throw CLI::RuntimeError(RunIssue(*options)); });
}

std::span<const Message> TokenMessages() {
  static constexpr Message kMessages[] = {
      {"token.help", "issue access tokens for the DICOMweb gateway",
       "签发 DICOMweb 网关的访问令牌"},
      {"token.issue.help", "sign a PASETO v4.public access token with a member key and print it",
       "用成员密钥签发 PASETO v4.public 访问令牌并输出"},
      {"token.key.help", "key file of the enrolled member that requests access",
       "请求访问的已注册成员的密钥文件"},
      {"token.audience.help", "the gateway's audience name, as its configuration sets it",
       "网关配置中设定的 audience 名称"},
      {"token.purpose.help",
       "purpose of use: treatment, emergency, research, ai-training or consultation",
       "使用目的：treatment、emergency、research、ai-training 或 consultation"},
      {"token.ttl.help",
       "lifetime as seconds, minutes or hours (90s, 10m, 1h); the gateway rejects tokens "
       "that live longer than its max_token_lifetime_ms",
       "有效期，以秒、分钟或小时表示（90s、10m、1h）；超过网关 max_token_lifetime_ms "
       "的令牌会被拒绝"},
      {"token.id.help", "token id (jti); a random one when omitted",
       "令牌 ID（jti）；省略时随机生成"},
      {"token.ttl_invalid",
       "--ttl \"{0}\" is invalid; give a whole number with s, m or h, for example 10m",
       "--ttl \"{0}\" 无效；请给出带 s、m 或 h 的整数，例如 10m"},
      {"token.purpose_invalid",
       "--purpose \"{0}\" is invalid; use treatment, emergency, research, ai-training or "
       "consultation",
       "--purpose \"{0}\" 无效；请使用 treatment、emergency、research、ai-training 或 "
       "consultation"},
  };
  return kMessages;
}

}  // namespace imledger::cli
