#include "services/i18n/catalogue.h"

#include <unicode/locid.h>
#include <unicode/msgfmt.h>
#include <unicode/parseerr.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace baraza::i18n {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool ValidId(const std::string& id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
  });
}

// Parses one catalogue file into id → pattern, checking each pattern with ICU
// in the file's own locale (plural rules differ: Arabic has six categories).
Status ParseFile(const std::string& lang, const std::string& text, const std::string& where,
                 std::map<std::string, std::string>& out) {
  UErrorCode tag_status = U_ZERO_ERROR;
  icu::Locale locale = icu::Locale::forLanguageTag(lang, tag_status);
  if (U_FAILURE(tag_status))
    return Status::InvalidArgument(where + ": \"" + lang + "\" is not a language tag ICU knows");
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    std::string at = where + ":" + std::to_string(number);
    size_t eq = t.find('=');
    if (eq == std::string::npos)
      return Status::InvalidArgument(at + ": expected \"message.id = pattern\", got \"" + t + "\"");
    std::string id = Trim(t.substr(0, eq));
    std::string pattern = Trim(t.substr(eq + 1));
    if (!ValidId(id))
      return Status::InvalidArgument(at + ": \"" + id +
                                     "\" is not a message id (letters, digits, '.', '_', '-')");
    if (out.count(id)) return Status::InvalidArgument(at + ": message " + id + " is defined twice");
    UErrorCode status = U_ZERO_ERROR;
    UParseError perr{};
    icu::MessageFormat format(icu::UnicodeString::fromUTF8(pattern), locale, perr, status);
    if (U_FAILURE(status))
      return Status::InvalidArgument(at + ": message " + id + ": ICU cannot parse the pattern (" +
                                     u_errorName(status) + " at character " +
                                     std::to_string(perr.offset) + ")");
    out[id] = pattern;
  }
  return Status::Ok();
}

}  // namespace

std::string NormaliseLanguage(const std::string& tag) {
  std::string t = tag.substr(0, tag.find_first_of(".@"));  // "fr_FR.UTF-8" → "fr_FR"
  if (t == "C" || t == "POSIX") return {};
  std::replace(t.begin(), t.end(), '_', '-');
  // Lower-case the language; keep a region as written, upper-cased ("pt-br" → "pt-BR").
  size_t dash = t.find('-');
  for (size_t i = 0; i < t.size(); ++i) {
    auto ch = static_cast<unsigned char>(t[i]);
    t[i] = static_cast<char>(i < dash ? std::tolower(ch) : std::toupper(ch));
  }
  if (t.size() > 35) return {};
  for (char ch : t)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') return {};
  return t;
}

Result<std::shared_ptr<const Catalogues>> Catalogues::FromText(
    const std::map<std::string, std::string>& files, const std::string& origin) {
  auto c = std::make_shared<Catalogues>();
  c->dir_ = origin;
  for (const auto& [lang, text] : files) {
    std::map<std::string, std::string> messages;
    BARAZA_RETURN_IF_ERROR(ParseFile(lang, text, origin + "/" + lang + ".txt", messages));
    c->messages_[lang] = std::move(messages);
  }
  auto en = c->messages_.find(kFallbackLanguage);
  if (en == c->messages_.end())
    return Status::InvalidArgument(origin + "/en.txt is missing: English is every message's "
                                   "fallback and must be there");
  for (const auto& [lang, messages] : c->messages_)
    for (const auto& [id, pattern] : messages)
      if (!en->second.count(id))
        return Status::InvalidArgument(origin + "/" + lang + ".txt: message " + id +
                                       " is not in en.txt; no notice uses it (a typo?)");
  return std::shared_ptr<const Catalogues>(std::move(c));
}

Result<std::shared_ptr<const Catalogues>> Catalogues::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Status::InvalidArgument("catalogue directory " + dir +
                                   " does not exist (--catalogue-dir)");
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".txt") continue;
    std::string lang = entry.path().stem().string();
    if (NormaliseLanguage(lang) != lang)
      return Status::InvalidArgument(entry.path().string() +
                                     ": the file name must be a language tag (fr.txt, pt-BR.txt)");
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
      return Status::InvalidArgument("cannot read " + entry.path().string());
    files[lang] = text.str();
  }
  if (ec) return Status::InvalidArgument("cannot list " + dir + ": " + ec.message());
  return FromText(files, dir);
}

std::string Catalogues::Resolve(const std::string& wanted) const {
  std::string tag = NormaliseLanguage(wanted);
  if (!tag.empty() && messages_.count(tag)) return tag;
  std::string base = tag.substr(0, tag.find('-'));
  if (!base.empty() && messages_.count(base)) return base;
  return kFallbackLanguage;
}

const std::string* Catalogues::Pattern(const std::string& lang, const std::string& id) const {
  auto l = messages_.find(lang);
  if (l == messages_.end()) return nullptr;
  auto m = l->second.find(id);
  return m == l->second.end() ? nullptr : &m->second;
}

std::vector<std::string> Catalogues::Languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, _] : messages_) out.push_back(lang);
  return out;
}

std::vector<std::string> Catalogues::MessageIds() const {
  std::vector<std::string> out;
  for (const auto& [id, _] : messages_.at(kFallbackLanguage)) out.push_back(id);
  return out;
}

}  // namespace baraza::i18n
