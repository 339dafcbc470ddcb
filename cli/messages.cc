#include "cli/messages.h"

#include <array>
#include <atomic>
#include <cstdlib>

#include "base/check.h"

namespace imledger::cli {

namespace {

std::atomic<int> language_override{-1};

Language LanguageFromEnvironment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      return std::string_view(value).starts_with("zh") ? Language::kChinese : Language::kEnglish;
    }
  }
  return Language::kEnglish;
}

const Message* Find(std::string_view id) {
  static const std::array<std::span<const Message>, 11> kTables = {
      CommonMessages(),     MerkleMessages(), KeysMessages(),    StudyMessages(),
      CheckpointMessages(), ClientMessages(), NetworkMessages(), BuilderMessages(),
      LedgerMessages(),     AuditMessages(),  TokenMessages()};
  for (std::span<const Message> table : kTables) {
    for (const Message& message : table) {
      if (message.id == id) {
        return &message;
      }
    }
  }
  return nullptr;
}

}  // namespace

Language CurrentLanguage() {
  int forced = language_override.load();
  if (forced >= 0) {
    return static_cast<Language>(forced);
  }
  static const Language kFromEnvironment = LanguageFromEnvironment();
  return kFromEnvironment;
}

void SetLanguage(Language language) {
  language_override.store(static_cast<int>(language));
}

std::string Text(std::string_view id, std::initializer_list<std::string_view> arguments) {
  const Message* message = Find(id);
  Check(message != nullptr, id);
  std::string_view pattern =
      CurrentLanguage() == Language::kChinese ? message->chinese : message->english;
  std::string text;
  for (size_t i = 0; i < pattern.size(); ++i) {
    size_t index = 0;
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' &&
        pattern[i + 1] >= '0' && pattern[i + 1] <= '9' &&
        (index = static_cast<size_t>(pattern[i + 1] - '0')) < arguments.size()) {
      text += *(arguments.begin() + index);
      i += 2;
    } else {
      text += pattern[i];
    }
  }
  return text;
}

std::span<const Message> CommonMessages() {
  static constexpr Message kMessages[] = {
      {"app.help", "imledger: a ledger of imaging studies, reports and patient consent",
       "imledger：影像 study、报告与患者授权的账本"},
      {"error.prefix", "error: {0}", "错误：{0}"},
      {"error.usage", "{0}; run the command with --help to see its options",
       "{0}；请加 --help 运行该命令以查看其选项"},
      {"error.invalid_input", "invalid input: {0}", "输入无效：{0}"},
      {"error.read_stdin", "cannot read a JSON object from standard input: {0}",
       "无法从标准输入读取 JSON 对象：{0}"},
      {"error.missing_field", "field \"{0}\" is missing or has the wrong type; expected {1}",
       "字段 \"{0}\" 缺失或类型错误；应为 {1}"},
      {"type.hex_digest", "a 64-digit hex string", "64 位十六进制字符串"},
      {"type.hex_list", "a list of hex strings", "十六进制字符串列表"},
      {"type.uint64", "an unsigned 64-bit integer", "64 位无符号整数"},
  };
  return kMessages;
}

}  // namespace imledger::cli
