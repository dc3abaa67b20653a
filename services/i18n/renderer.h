// Renders a Message (services/workflow/message.h) in a reader's language and
// time zone with ICU: MessageFormat patterns from the Catalogues, times in the
// zone with UTC beside them. Thread-safe: each thread formats with its own ICU objects.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "services/i18n/catalogue.h"
#include "services/workflow/message.h"
#include "services/workflow/model.h"

namespace baraza::i18n {

struct Rendered {
  std::string text;
  std::string language;  // the catalogue's language the text is in ("en" when it fell back)
};

class Renderer {
 public:
  explicit Renderer(std::shared_ptr<const Catalogues> catalogues);

  // `m` in `lang` (any tag; resolved by Catalogues::Resolve) with its times in
  // `zone` (an IANA name; "" or "UTC": UTC only). A message the language's
  // catalogue lacks is rendered in English and logged once; one English lacks
  // too is shown as its id and arguments, so nothing is ever lost.
  Rendered Render(const Message& m, const std::string& lang, const std::string& zone) const;
  // The SMS form: "<id>.sms" when the catalogue has it, else Render's text;
  // times short and local ("02/12 17:23 UTC+3": the offset says the UTC time),
  // and the typographic apostrophe, minus sign and no-break spaces ICU and catalogues use
  // made plain, so that Latin-script text stays in GSM-7 (160, not 70).
  Rendered RenderShort(const Message& m, const std::string& lang, const std::string& zone) const;
  // One instant as Render shows a kTime argument: "2 déc. 2026, 17:23 UTC+3
  // (2026-12-02 14:23 UTC)"; `short_form`: as RenderShort shows it.
  std::string Time(UnixMillis t, const std::string& lang, const std::string& zone,
                   bool short_form = false) const;

  // The template's fixed English words (a list joined by ", ": each) in `lang`:
  // the catalogue's `report.value.<words>` (WordsId), else the words as they are.
  std::string Words(const std::string& english, const std::string& lang) const;

  const Catalogues& catalogues() const { return *catalogues_; }
  std::string Resolve(const std::string& lang) const { return catalogues_->Resolve(lang); }

 private:
  Rendered RenderId(const std::string& id, const Message& m, const std::string& lang,
                    const std::string& zone, bool short_form) const;
  std::shared_ptr<const Catalogues> catalogues_;
};

// The catalogue id of fixed English words: `prefix` + the words in lower case,
// each run of other characters one '_' ("answered on time" →
// report.value.answered_on_time; a label with "report.": "Raised on" → report.raised_on).
std::string WordsId(std::string_view english, std::string_view prefix = "report.value.");

// Whether `lang` is written right to left (Arabic, Hebrew, Persian, Urdu...), by ICU.
bool IsRightToLeft(const std::string& lang);

// Whether ICU's tz database knows `zone` as an IANA name ("Africa/Mogadishu";
// "UTC" too). "" is not a zone.
bool KnownTimeZone(const std::string& zone);

}  // namespace baraza::i18n
