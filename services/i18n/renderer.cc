#include "services/i18n/renderer.h"

#include <unicode/calendar.h>
#include <unicode/datefmt.h>
#include <unicode/dtptngen.h>
#include <unicode/fmtable.h>
#include <unicode/measfmt.h>
#include <unicode/measunit.h>
#include <unicode/measure.h>
#include <unicode/msgfmt.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <spdlog/spdlog.h>

#include <cctype>
#include <ctime>
#include <string_view>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

namespace baraza::i18n {
namespace {

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

icu::Locale LocaleOf(const std::string& lang) {
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale l = icu::Locale::forLanguageTag(lang, status);
  return U_FAILURE(status) ? icu::Locale::getEnglish() : l;
}

std::string UtcText(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// ICU formatters are not safe to share between threads while formatting, so
// each thread keeps its own, built once per (catalogue, language, message)
// and per (language, zone). Bounded: a catalogue has a few hundred entries.
struct ThreadFormats {
  const void* catalogues = nullptr;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<icu::MessageFormat>> messages;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<icu::DateFormat>> dates;
  std::map<std::string, std::unique_ptr<icu::MeasureFormat>> durations;
  std::map<std::string, bool> zones;  // KnownTimeZone's answers
};

ThreadFormats& Formats(const void* catalogues) {
  thread_local ThreadFormats f;
  if (f.catalogues != catalogues) {
    f = ThreadFormats{};
    f.catalogues = catalogues;
  }
  if (f.dates.size() > 4096) f.dates.clear();  // zones × languages stay few; a bound anyway
  if (f.zones.size() > 4096) f.zones.clear();
  return f;
}

// Logs a message missing from a language's catalogue once per (language, id).
void LogFallback(const std::string& lang, const std::string& id) {
  static std::mutex mu;
  static std::set<std::pair<std::string, std::string>> logged;
  std::lock_guard lock(mu);
  if (logged.size() < 10000 && logged.insert({lang, id}).second)
    spdlog::warn("catalogue {}: no message {}; shown in English", lang, id);
}

}  // namespace

bool IsRightToLeft(const std::string& lang) {
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale = icu::Locale::forLanguageTag(lang, status);
  return U_SUCCESS(status) && locale.isRightToLeft();
}

bool KnownTimeZone(const std::string& zone) {
  if (zone.empty()) return false;
  icu::UnicodeString id = icu::UnicodeString::fromUTF8(zone);
  icu::UnicodeString canonical;
  UBool system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(id, canonical, system, status);
  return U_SUCCESS(status) && system;
}

Renderer::Renderer(std::shared_ptr<const Catalogues> catalogues)
    : catalogues_(std::move(catalogues)) {}

std::string Renderer::Time(UnixMillis t, const std::string& lang, const std::string& zone,
                           bool short_form) const {
  std::string language = catalogues_->Resolve(lang);
  ThreadFormats& f = Formats(catalogues_.get());
  auto known = f.zones.find(zone);
  if (known == f.zones.end()) known = f.zones.emplace(zone, KnownTimeZone(zone)).first;
  bool utc_only = !known->second || zone == "UTC" || zone == "Etc/UTC";
  std::string zone_id = utc_only ? std::string("UTC") : zone;
  auto key = std::make_pair(language + (short_form ? "/s" : ""), zone_id);
  auto& format = f.dates[key];
  if (!format) {
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale = LocaleOf(language);
    std::unique_ptr<icu::DateTimePatternGenerator> gen(
        icu::DateTimePatternGenerator::createInstance(locale, status));
    icu::UnicodeString pattern =
        U_SUCCESS(status) ? gen->getBestPattern(short_form ? u"Mdjmz" : u"yMMMdjmz", status) : icu::UnicodeString();
    std::unique_ptr<icu::SimpleDateFormat> sdf;
    if (U_SUCCESS(status)) sdf = std::make_unique<icu::SimpleDateFormat>(pattern, locale, status);
    if (U_FAILURE(status) || !sdf) return UtcText(t);
    sdf->adoptTimeZone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone_id)));
    format = std::move(sdf);
  }
  icu::UnicodeString out;
  format->format(static_cast<UDate>(t), out);
  std::string text = Utf8(out);
  if (!utc_only && !short_form) text += " (" + UtcText(t) + ")";
  return text;
}

std::string WordsId(std::string_view english, std::string_view prefix) {
  std::string id(prefix);
  bool gap = false;
  for (char ch : english) {
    auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) && u < 0x80) {
      if (gap && id.back() != '.') id += '_';
      id += static_cast<char>(std::tolower(u));
      gap = false;
    } else {
      gap = true;
    }
  }
  return id;
}

std::string Renderer::Words(const std::string& english, const std::string& lang) const {
  std::string language = catalogues_->Resolve(lang);
  // Arabic script separates a list with the Arabic comma.
  std::string base = language.substr(0, language.find('-'));
  const char* separator = base == "ar" || base == "fa" || base == "ur" ? "، " : ", ";
  std::string out;
  size_t start = 0;
  while (true) {  // bounded: each turn moves past one ", "
    size_t end = english.find(", ", start);
    std::string_view one = std::string_view(english).substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    std::string id = WordsId(one);
    const std::string* pattern = catalogues_->Pattern(language, id);
    if (!pattern) pattern = catalogues_->Pattern(kFallbackLanguage, id);
    if (!out.empty()) out += separator;
    // A word's pattern has no argument: rendered as ICU text (quotes undone).
    out += pattern ? RenderId(id, Message{}, language, "", false).text : std::string(one);
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

Rendered Renderer::Render(const Message& m, const std::string& lang,
                          const std::string& zone) const {
  return RenderId(m.id, m, lang, zone, false);
}

namespace {
// Replaces every `from` in `s` with `to`.
void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}
}  // namespace

Rendered Renderer::RenderShort(const Message& m, const std::string& lang,
                               const std::string& zone) const {
  std::string language = catalogues_->Resolve(lang);
  std::string id = m.id + ".sms";
  Rendered out = catalogues_->Pattern(language, id) || catalogues_->Pattern(kFallbackLanguage, id)
                     ? RenderId(id, m, lang, zone, true)
                     : RenderId(m.id, m, lang, zone, true);
  ReplaceAll(out.text, "\u2019", "'");
  ReplaceAll(out.text, "\u202f", " ");
  ReplaceAll(out.text, "\u00a0", " ");
  ReplaceAll(out.text, "\u2212", "-");  // ICU's minus sign in "UTC−4"
  return out;
}

Rendered Renderer::RenderId(const std::string& id, const Message& m, const std::string& lang,
                            const std::string& zone, bool short_form) const {
  std::string language = catalogues_->Resolve(lang);
  const std::string* pattern = catalogues_->Pattern(language, id);
  if (!pattern && language != kFallbackLanguage) {
    LogFallback(language, id);
    language = kFallbackLanguage;
    pattern = catalogues_->Pattern(language, id);
  }
  if (!pattern) {  // not in any catalogue: say what it is rather than lose it
    std::string text = id;
    for (const auto& a : m.args)
      text += " " + a.name + "=" +
              (a.kind == MessageArg::Kind::kText || a.kind == MessageArg::Kind::kWords
                   ? a.text
                   : std::to_string(a.number));
    LogFallback(kFallbackLanguage, id);
    return {text, language};
  }
  ThreadFormats& f = Formats(catalogues_.get());
  auto& format = f.messages[{language, id}];
  if (!format) {
    UErrorCode status = U_ZERO_ERROR;
    format = std::make_unique<icu::MessageFormat>(icu::UnicodeString::fromUTF8(*pattern),
                                                  LocaleOf(language), status);
    if (U_FAILURE(status)) return {id, language};  // validated at load; cannot happen
  }
  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  names.reserve(m.args.size());
  values.reserve(m.args.size());
  for (const auto& a : m.args) {
    names.push_back(icu::UnicodeString::fromUTF8(a.name));
    switch (a.kind) {
      case MessageArg::Kind::kText:
        values.emplace_back(icu::UnicodeString::fromUTF8(a.text));
        break;
      case MessageArg::Kind::kWords:
        values.emplace_back(icu::UnicodeString::fromUTF8(Words(a.text, language)));
        break;
      case MessageArg::Kind::kNumber:
        values.emplace_back(static_cast<int64_t>(a.number));
        break;
      case MessageArg::Kind::kTime:
        values.emplace_back(icu::UnicodeString::fromUTF8(Time(a.number, language, zone, short_form)));
        break;
      case MessageArg::Kind::kDuration: {
        auto& mf = f.durations[language];
        UErrorCode status = U_ZERO_ERROR;
        if (!mf) mf = std::make_unique<icu::MeasureFormat>(LocaleOf(language), UMEASFMT_WIDTH_WIDE, status);
        int64_t ms = a.number;
        icu::MeasureUnit* unit;
        int64_t n;
        constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDayMs = 24 * kHour;
        if (ms % kDayMs == 0) { n = ms / kDayMs; unit = icu::MeasureUnit::createDay(status); }
        else if (ms % kHour == 0) { n = ms / kHour; unit = icu::MeasureUnit::createHour(status); }
        else if (ms % kMin == 0) { n = ms / kMin; unit = icu::MeasureUnit::createMinute(status); }
        else { n = ms / 1000; unit = icu::MeasureUnit::createSecond(status); }
        icu::UnicodeString out;
        if (U_SUCCESS(status)) {
          icu::Measure measure(icu::Formattable(n), unit, status);
          icu::FieldPosition pos;
          if (U_SUCCESS(status)) mf->formatMeasures(&measure, 1, out, pos, status);
        } else {
          delete unit;
        }
        values.emplace_back(U_SUCCESS(status) ? out
                                              : icu::UnicodeString::fromUTF8(std::to_string(n)));
        break;
      }
    }
  }
  icu::UnicodeString out;
  UErrorCode status = U_ZERO_ERROR;
  format->format(names.data(), values.data(), static_cast<int32_t>(values.size()), out, status);
  if (U_FAILURE(status)) return {id, language};
  return {Utf8(out), language};
}

}  // namespace baraza::i18n
