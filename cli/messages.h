// The message catalog for what a person reads from the CLI: English by default, Simplified
// Chinese when the locale selects it (LC_ALL, LC_MESSAGES or LANG starting with "zh").
//
// Each message has a stable id and one text per language; "{0}", "{1}", ... are replaced by
// the arguments in order. Field terms (DICOM, PBFT, study, SOP) stay in English in both.
// The catalog is immutable after start-up and safe to read from any thread.

#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace imledger::cli {

enum class Language { kEnglish, kChinese };

struct Message {
  std::string_view id;
  std::string_view english;
  std::string_view chinese;
};

// Reads the locale variables once; SetLanguage overrides them (tests, --lang).
Language CurrentLanguage();

void SetLanguage(Language language);

// The text of message `id` in the current language with its placeholders filled. An unknown id
// is a bug in the CLI and aborts.
std::string Text(std::string_view id, std::initializer_list<std::string_view> arguments = {});

// Every command group contributes one table; messages.cc lists them.
std::span<const Message> CommonMessages();
std::span<const Message> MerkleMessages();
std::span<const Message> KeysMessages();
std::span<const Message> StudyMessages();
std::span<const Message> CheckpointMessages();
std::span<const Message> ClientMessages();
std::span<const Message> NetworkMessages();
std::span<const Message> BuilderMessages();
std::span<const Message> LedgerMessages();
std::span<const Message> AuditMessages();
std::span<const Message> TokenMessages();

}  // namespace imledger::cli
