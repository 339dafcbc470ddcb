#include "gateway/token.h"

#include <array>
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "crypto/paseto.h"

namespace imledger::gateway {
namespace {

constexpr uint64_t kMillisecondsPerSecond = 1000;
constexpr uint64_t kSecondsPerDay = 86400;
// Tokens may be issued this far ahead of the gateway's clock, for clock skew.
constexpr uint64_t kClockSkewMs = 60 * 1000;

// Reads `digits` decimal digits at `text[position]`.
bool ReadDigits(std::string_view text, size_t position, size_t digits, unsigned& value) {
  if (position + digits > text.size()) {
    return false;
  }
  value = 0;
  for (size_t i = position; i < position + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

Status InvalidTime(std::string_view text) {
  return Status::InvalidArgument("\"" + std::string(text) +
                                 "\" is not an RFC 3339 date-time such as 2026-12-04T22:30:00Z");
}

Result<std::string> StringClaim(const nlohmann::json& claims, const char* name) {
  auto found = claims.find(name);
  if (found == claims.end() || !found->is_string() || found->get<std::string>().empty()) {
    return Status::InvalidArgument(std::string("token claim \"") + name +
                                   "\" is missing or not a non-empty string");
  }
  return found->get<std::string>();
}

Result<uint64_t> TimeClaim(const nlohmann::json& claims, const char* name) {
  Result<std::string> text = StringClaim(claims, name);
  if (!text.ok()) {
    return text.status();
  }
  Result<uint64_t> time_ms = ParseRfc3339(*text);
  if (!time_ms.ok()) {
    return Status::InvalidArgument(std::string("token claim \"") + name +
                                   "\": " + time_ms.status().message());
  }
  return time_ms;
}

Result<AccessClaims> ClaimsFromJson(const nlohmann::json& json) {
  if (!json.is_object()) {
    return Status::InvalidArgument("token claims are not a JSON object");
  }
  AccessClaims claims;
  Result<std::string> subject = StringClaim(json, "sub");
  Result<std::string> audience = StringClaim(json, "aud");
  Result<std::string> purpose = StringClaim(json, "purpose");
  Result<std::string> token_id = StringClaim(json, "jti");
  Result<uint64_t> issued_at = TimeClaim(json, "iat");
  Result<uint64_t> expires_at = TimeClaim(json, "exp");
  for (const Status& status : {subject.status(), audience.status(), purpose.status(),
                               token_id.status(), issued_at.status(), expires_at.status()}) {
    if (!status.ok()) {
      return status;
    }
  }
  Result<crypto::PublicKey> key = crypto::PublicKey::FromHex(*subject, "token claim \"sub\"");
  if (!key.ok()) {
    return Status::InvalidArgument(key.status().message());
  }
  Result<contracts::Purpose> parsed_purpose = contracts::PurposeFromName(*purpose);
  if (!parsed_purpose.ok()) {
    return Status::InvalidArgument("token claim \"purpose\": " + parsed_purpose.status().message());
  }
  claims.subject = *key;
  claims.audience = *audience;
  claims.purpose = *parsed_purpose;
  claims.token_id = *token_id;
  claims.issued_at_ms = *issued_at;
  claims.expires_at_ms = *expires_at;
  return claims;
}

Status CheckTimes(const AccessClaims& claims, uint64_t now_ms, uint64_t max_lifetime_ms) {
  if (claims.expires_at_ms <= now_ms) {
    return Status::OutOfRange("token expired at " + FormatRfc3339(claims.expires_at_ms) +
                              "; issue a new one");
  }
  if (claims.issued_at_ms > now_ms + kClockSkewMs) {
    return Status::FailedPrecondition("token is issued in the future, at " +
                                      FormatRfc3339(claims.issued_at_ms) +
                                      "; check the issuer's clock");
  }
  if (claims.expires_at_ms < claims.issued_at_ms ||
      claims.expires_at_ms - claims.issued_at_ms > max_lifetime_ms) {
    return Status::FailedPrecondition(
        "token lifetime from iat to exp exceeds the gateway's maximum of " +
        std::to_string(max_lifetime_ms / 1000) + " s; issue a shorter one");
  }
  return Status::Ok();
}

}  // namespace

std::string FormatRfc3339(uint64_t time_ms) {
  uint64_t seconds = time_ms / kMillisecondsPerSecond;
  std::chrono::year_month_day date{
      std::chrono::sys_days(std::chrono::days(static_cast<int64_t>(seconds / kSecondsPerDay)))};
  uint64_t second_of_day = seconds % kSecondsPerDay;
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02u:%02u:%02uZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<unsigned>(second_of_day / 3600),
                static_cast<unsigned>(second_of_day / 60 % 60),
                static_cast<unsigned>(second_of_day % 60));
  return buffer.data();
}

Result<uint64_t> ParseRfc3339(std::string_view text) {
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, month) || text[7] != '-' || !ReadDigits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !ReadDigits(text, 11, 2, hour) || text[13] != ':' ||
      !ReadDigits(text, 14, 2, minute) || text[16] != ':' || !ReadDigits(text, 17, 2, second)) {
    return InvalidTime(text);
  }
  std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                   std::chrono::month(month), std::chrono::day(day)};
  if (year < 1970 || !date.ok() || hour > 23 || minute > 59 || second > 60) {
    return InvalidTime(text);
  }
  size_t position = 19;
  if (text[position] == '.') {
    ++position;
    size_t digits_start = position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
      ++position;
    }
    if (position == digits_start) {
      return InvalidTime(text);
    }
  }
  int64_t offset_seconds = 0;
  std::string_view zone = text.substr(position);
  if (zone != "Z" && zone != "z") {
    unsigned offset_hour = 0, offset_minute = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') ||
        !ReadDigits(zone, 1, 2, offset_hour) || zone[3] != ':' ||
        !ReadDigits(zone, 4, 2, offset_minute) || offset_hour > 23 || offset_minute > 59) {
      return InvalidTime(text);
    }
    offset_seconds = (zone[0] == '+' ? 1 : -1) * int64_t{offset_hour * 3600 + offset_minute * 60};
  }
  int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  int64_t seconds =
      days * int64_t{kSecondsPerDay} + hour * 3600 + minute * 60 + second - offset_seconds;
  if (seconds < 0) {
    return InvalidTime(text);
  }
  return static_cast<uint64_t>(seconds) * kMillisecondsPerSecond;
}

std::string IssueAccessToken(const crypto::SecretKey& key, AccessClaims claims) {
  nlohmann::json json = {
      {"sub", key.public_key().ToHex()},
      {"aud", claims.audience},
      {"iat", FormatRfc3339(claims.issued_at_ms)},
      {"exp", FormatRfc3339(claims.expires_at_ms)},
      {"purpose", std::string(contracts::PurposeName(claims.purpose))},
      {"jti", claims.token_id},
  };
  return crypto::SignPasetoV4Public(key, json.dump());
}

Result<AccessClaims> VerifyAccessToken(std::string_view token, std::string_view audience,
                                       uint64_t now_ms, uint64_t max_lifetime_ms) {
  Result<crypto::PasetoV4PublicParts> parts = crypto::ParsePasetoV4Public(token);
  if (!parts.ok()) {
    return parts.status();
  }
  nlohmann::json json = nlohmann::json::parse(parts->message, nullptr, false);
  if (json.is_discarded()) {
    return Status::InvalidArgument("token claims are not valid JSON");
  }
  Result<AccessClaims> claims = ClaimsFromJson(json);
  if (!claims.ok()) {
    return claims.status();
  }
  Status verified = crypto::VerifyPasetoV4Public(*parts, claims->subject);
  if (!verified.ok()) {
    return verified;
  }
  if (claims->audience != audience) {
    return Status::PermissionDenied("token audience \"" + claims->audience +
                                    "\" is not this gateway's \"" + std::string(audience) + "\"");
  }
  Status times = CheckTimes(*claims, now_ms, max_lifetime_ms);
  if (!times.ok()) {
    return times;
  }
  return claims;
}

}  // namespace imledger::gateway
