// Message catalogues: one plain UTF-8 file per language (catalogues/<lang>.txt,
// lines "message.id = ICU MessageFormat pattern"), loaded and validated at start.
// Immutable once loaded; thread-safe to share (Renderer formats with its own copies).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "services/workflow/status.h"

namespace baraza::i18n {

inline constexpr const char* kFallbackLanguage = "en";

class Catalogues {
 public:
  // Reads every <lang>.txt in `dir` (lang: "en", "fr", "ar", "pt-BR"...). Refuses,
  // naming the file, the line and ICU's message, a pattern ICU cannot parse, a
  // malformed line or a message id defined twice; requires en.txt, the fallback.
  // A message id that English lacks is refused too (a typo would never be shown).
  static Result<std::shared_ptr<const Catalogues>> Load(const std::string& dir);
  // From text (tests): language → file contents; `origin` names it in errors.
  static Result<std::shared_ptr<const Catalogues>> FromText(
      const std::map<std::string, std::string>& files, const std::string& origin = "<text>");

  // The shipped language that serves `wanted`: itself ("fr"), its base language
  // ("fr" for "fr-CA", "fr_FR.UTF-8", "FR"), else English. Never fails.
  std::string Resolve(const std::string& wanted) const;
  bool Has(const std::string& lang) const { return messages_.count(lang) != 0; }
  // The pattern of `id` in `lang`; nullptr when that catalogue lacks it.
  const std::string* Pattern(const std::string& lang, const std::string& id) const;
  std::vector<std::string> Languages() const;
  std::vector<std::string> MessageIds() const;  // English's, in order
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::map<std::string, std::map<std::string, std::string>> messages_;  // lang → id → pattern
};

// Normalises a language tag as people and environments write it: "fr_FR.UTF-8"
// → "fr-FR", "AR" → "ar", "C"/"POSIX"/"" → "". Pure.
std::string NormaliseLanguage(const std::string& tag);

}  // namespace baraza::i18n
